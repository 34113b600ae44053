package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"respd/internal/glob"
)

// CONFIG GET, SET, RESETSTAT, REWRITE and HELP, over the parameter table
// of config.go.

// cmdConfigGet: CONFIG GET pattern [pattern ...]. A name without glob
// characters is looked up directly (hidden parameters too) and answered
// under the name as given; a pattern matches names and aliases, without
// case. Each parameter appears once.
func cmdConfigGet(c *Client, args [][]byte) {
	var matches []paramEntry // keyed by the name to answer with
	seen := map[string]bool{}
	add := func(key string, p *param) {
		if !seen[strings.ToLower(key)] {
			seen[strings.ToLower(key)] = true
			matches = append(matches, paramEntry{key, p})
		}
	}
	for _, pattern := range args[2:] {
		if !bytes.ContainsAny(pattern, "[*?") {
			if e, ok := lookupParam(string(pattern)); ok {
				add(string(pattern), e.p)
			}
			continue
		}
		for _, e := range paramEntries {
			if e.p.flags&hidden == 0 && glob.Match(pattern, []byte(e.name), true) {
				add(e.name, e.p)
			}
		}
	}
	c.Map(len(matches))
	for _, m := range matches {
		c.BulkString(m.name)
		c.BulkString(m.p.typ.format(c.srv.cfg.value(m.p)))
	}
}

// cmdConfigSet: CONFIG SET parameter value [parameter value ...]. All or
// nothing: every name is checked, then every value parsed, before any is
// stored; then the server applies the values changed, at once. The errors
// and their order are Redis's.
func cmdConfigSet(c *Client, args [][]byte) {
	if len(args)%2 != 0 {
		c.Error(errSyntax)
		return
	}
	cfg := c.srv.cfg
	n := (len(args) - 2) / 2
	entries := make([]paramEntry, 0, n)
	for i := 2; i < len(args); i += 2 {
		name := string(args[i])
		e, ok := lookupParam(name)
		switch {
		case !ok:
			c.Error(fmt.Sprintf(errConfigSetUnknown, name))
			return
		case e.p.flags&immutable != 0:
			c.Error(fmt.Sprintf(errConfigSetFailed, name, errConfigImmutable))
			return
		case e.p.flags&protected != 0 && !c.allowedBy(cfg.EnableProtectedConfigs):
			c.Error(fmt.Sprintf(errConfigSetFailed, name, errConfigProtected))
			return
		case slices.Contains(entries, e):
			c.Error(fmt.Sprintf(errConfigSetFailed, name, errConfigDuplicate))
			return
		}
		entries = append(entries, e)
	}
	values := make([]any, n)
	for i, e := range entries {
		v, err := e.p.typ.parse(cfg, splitValue(e.p, string(args[3+2*i])))
		if err != "" {
			c.Error(fmt.Sprintf(errConfigSetFailed, e.name, err))
			return
		}
		values[i] = v
	}
	previous := make([]any, n)
	var changed []paramEntry
	for i, e := range entries {
		previous[i] = cfg.value(e.p)
		cfg.store(e.p, values[i])
		if !reflect.DeepEqual(previous[i], values[i]) {
			changed = append(changed, e)
		}
	}
	if failed, err := c.srv.applyConfig(changed); err != "" {
		name := changed[failed].name
		c.srv.warnf("Failed applying new configuration. Possibly related to new %s setting. Restoring previous settings.", name)
		for i, e := range entries {
			cfg.store(e.p, previous[i])
		}
		// The parameters applied before it get their previous effects
		// back; the one that failed changed nothing.
		if _, err := c.srv.applyConfig(changed[:failed]); err != "" {
			c.srv.warnf("Failed applying restored failed CONFIG SET command: %s", err)
		}
		c.Error(fmt.Sprintf(errConfigSetFailed, name, err))
		return
	}
	c.OK()
}

// applyConfig is the one path from a parameter's value to the server's
// state (lock held): CONFIG SET calls it with the parameters whose values
// it changed, once they are stored, so that each takes effect before the
// reply, as Redis's apply functions. It stops at the first that fails,
// answering its index and error; CONFIG SET then stores the previous
// values and applies those before it again. (Derivations within the
// Config itself, which the loader needs too, are config.go's afterSet;
// parameters read where they are used need neither.)
func (s *Server) applyConfig(params []paramEntry) (failed int, err string) {
	for i, e := range params {
		if apply := configAppliers[e.p.name]; apply != nil {
			if err := apply(s); err != "" {
				return i, err
			}
		}
	}
	return len(params), ""
}

// configAppliers are the parameters whose values live on in server state:
// each one's function brings that state in line with the value, or says
// why it can't ("" when it did), leaving it as it was.
var configAppliers = map[string]func(s *Server) string{
	"maxclients":                (*Server).applyMaxclients,
	"appendonly":                (*Server).applyAppendonly,
	"repl-backlog-size":         (*Server).applyBacklogSize,
	"proto-max-bulk-len":        (*Server).applyRequestLimits,
	"client-query-buffer-limit": (*Server).applyRequestLimits,
	"notify-keyspace-events":    (*Server).applyKeyspaceEvents,
	"requirepass":               (*Server).applyRequirepass,
	"acl-pubsub-default":        (*Server).applyACLPubsubDefault,
	"tls-port":                  (*Server).applyTLSPort,
	"maxmemory":                 (*Server).applyMaxmemory,
	"maxmemory-policy":          (*Server).applyEvictionPolicy,
	"lfu-log-factor":            (*Server).applyEvictionPolicy,
	"lfu-decay-time":            (*Server).applyEvictionPolicy,
}

func init() {
	// Every other tls-* parameter rebuilds the TLS configuration.
	for _, name := range []string{"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
		"tls-client-key-file", "tls-client-key-file-pass", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-auth-clients",
		"tls-protocols", "tls-ciphers", "tls-ciphersuites", "tls-session-caching", "tls-session-cache-timeout", "tls-replication"} {
		configAppliers[name] = (*Server).applyTLSConfig
	}
}

// allowedBy applies the value of a yes/no/local setting such as
// enable-protected-configs: "local" allows loopback connections only.
func (c *Client) allowedBy(setting string) bool {
	switch setting {
	case "yes":
		return true
	case "local":
		return c.isLocalClient()
	}
	return false
}

// cmdConfigResetstat clears INFO's counters and commandstats.
func cmdConfigResetstat(c *Client, args [][]byte) {
	c.srv.stats.reset()
	c.srv.lazyfree.freed.Store(0) // as Redis's lazyfreeResetStats
	clear(c.srv.cmdStats)
	c.OK()
}

// cmdConfigRewrite writes the configuration back to the file the server
// started from. Like Redis it does so synchronously: the file is small.
func cmdConfigRewrite(c *Client, args [][]byte) {
	cfg := c.srv.cfg
	if cfg.File == "" {
		c.Error(errNoConfigFile)
		return
	}
	if err := cfg.rewrite(c.srv.acl.userLines()); err != nil {
		c.srv.warnf("CONFIG REWRITE failed: %s", strerror(err))
		c.Error(fmt.Sprintf(errConfigRewrite, strerror(err)))
		return
	}
	c.srv.logf("CONFIG REWRITE executed with success.")
	c.OK()
}

func cmdConfigHelp(c *Client, args [][]byte) {
	c.Help("CONFIG",
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.")
}

// ---- CONFIG REWRITE, as Redis's rewriteConfig ----

const rewriteSignature = "# Generated by CONFIG REWRITE"

// rewrite updates the config file in place: every parameter's line is
// replaced with its current value, parameters that differ from their
// default and were not in the file are appended, comments and lines
// respd does not understand stay.
func (cfg *Config) rewrite(users []string) error {
	old, err := os.ReadFile(cfg.File)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	st := newRewriteState(string(old))
	for _, p := range params {
		def, _ := p.typ.parse(cfg, splitValue(p, p.def))
		st.rewrite(p.name, p.typ.rewrite(p, cfg.value(p), def))
	}
	// The users, as Redis writes them unless an ACL file holds them.
	var userLines []rewriteLine
	for _, line := range users {
		if cfg.ACLFile == "" {
			userLines = append(userLines, rewriteLine{text: line, force: true})
		}
	}
	st.rewrite("user", userLines)
	return writeFileAtomic(cfg.File, st.content())
}

// rewriteState is the old file as lines, and for each parameter the lines
// that set it, which the new values reuse in order.
type rewriteState struct {
	lines          []string
	optionLines    map[string][]int
	needsSignature bool
}

// fileOnlyDirectives are directives CONFIG REWRITE keeps as they are.
var fileOnlyDirectives = map[string]bool{"include": true, "rename-command": true, "user": true, "loadmodule": true, "sentinel": true}

func newRewriteState(content string) *rewriteState {
	st := &rewriteState{optionLines: map[string][]int{}, needsSignature: true}
	if content == "" {
		return st
	}
	for _, line := range strings.Split(content, "\n") {
		line = strings.Trim(line, "\r\n\t ")
		if line == "" || line[0] == '#' {
			if line == rewriteSignature {
				st.needsSignature = false
			}
			st.lines = append(st.lines, line)
			continue
		}
		argv := splitArgs(line)
		var name string
		if len(argv) > 0 {
			name = strings.ToLower(argv[0])
		}
		e, known := paramByName[name]
		if !known && !fileOnlyDirectives[name] {
			// Unparsable, or a directive that no longer exists.
			st.lines = append(st.lines, "# ??? "+line)
			continue
		}
		if known {
			name = e.p.name // an alias's line is the parameter's line
		}
		st.optionLines[name] = append(st.optionLines[name], len(st.lines))
		st.lines = append(st.lines, line)
	}
	return st
}

// rewrite puts a parameter's new lines in place of its old ones; lines
// forced but without an old place are appended. Old lines left over are
// blanked, so a parameter is set only where it was rewritten.
func (st *rewriteState) rewrite(name string, lines []rewriteLine) {
	places := st.optionLines[name]
	delete(st.optionLines, name)
	for _, l := range lines {
		switch {
		case len(places) > 0:
			st.lines[places[0]] = l.text
			places = places[1:]
		case l.force:
			if st.needsSignature {
				st.lines = append(st.lines, rewriteSignature)
				st.needsSignature = false
			}
			st.lines = append(st.lines, l.text)
		}
	}
	for _, i := range places {
		st.lines[i] = ""
	}
}

// content joins the lines, squeezing runs of empty lines into one.
func (st *rewriteState) content() string {
	var b strings.Builder
	for i, line := range st.lines {
		if line == "" && i > 0 && st.lines[i-1] == "" {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// writeFileAtomic replaces path with content through a temporary file and
// a rename, so a crash never leaves half a config file.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_, err = tmp.WriteString(content)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}
