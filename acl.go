package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"respd/internal/acl"
)

// ACL users as Redis 7.0's acl.c: the users and their rules
// (internal/acl), the permission check of every command (dispatch calls
// aclDenied), authentication, the ACL log, the ACL command, and the ACL
// file.

// aclTable is every command ACL rules can name: respd's and those of
// redis-server 7.0 it does not serve (aclOnlyCommands), so that rules
// naming them are accepted and users are described as Redis describes
// them (the categories that fit best depend on every command in them).
var aclTable *acl.Table

// buildACLTable numbers the commands for the ACL bitmaps, in name order
// (commands.go's init calls it once commandTable is built).
func buildACLTable() {
	categories := map[string][]string{}
	noAuth, newer := map[string]bool{}, map[string]bool{}
	for _, name := range newerCommands {
		newer[name] = true
	}
	for _, cmd := range commandTable {
		categories[cmd.FullName] = cmd.Meta.ACLCategories
		noAuth[cmd.FullName] = cmd.has(flagNoAuth)
	}
	for name, cats := range aclOnlyCommands {
		categories[name] = cats
	}
	names := make([]string, 0, len(categories))
	for name := range categories {
		names = append(names, name)
	}
	sort.Strings(names) // a container comes before its "container|sub"
	var top []*acl.Command
	byName := map[string]*acl.Command{}
	for _, name := range names {
		ac := &acl.Command{Name: name, NoAuth: noAuth[name], Newer: newer[name]}
		for _, cat := range categories[name] {
			ac.Categories |= acl.CategoryFlag(strings.TrimPrefix(cat, "@"))
		}
		byName[name] = ac
		if parent, _, isSub := strings.Cut(name, "|"); isSub {
			byName[parent].Sub = append(byName[parent].Sub, ac)
		} else {
			top = append(top, ac)
		}
	}
	aclTable = acl.NewTable(top)
	for _, cmd := range commandTable {
		cmd.acl = byName[cmd.FullName]
	}
}

// aclState is the server's users and ACL log.
type aclState struct {
	rules       acl.Rules
	users       map[string]*acl.User
	defaultUser *acl.User
	log         []*aclLogEntry // newest first
	// denied counts refusals by reason: INFO's acl_access_denied_*.
	denied [acl.DeniedChannel + 1]int64
	// loadErr is the first rule of the config file's user lines that
	// failed (an unknown command): LoadACL refuses to start with it.
	loadErr error
}

// aclLogEntry is an entry of ACL LOG.
type aclLogEntry struct {
	count    int64
	reason   acl.Denial
	context  string // toplevel, multi, lua
	object   string // the command, key or channel denied, or AUTH
	username string
	ctime    time.Time
	cinfo    string // the client, as CLIENT LIST shows it
}

// newACLState starts with the default user (its password requirepass)
// and the users of the config file's user lines, already validated but
// for unknown commands.
func newACLState(cfg *Config) *aclState {
	a := &aclState{
		rules: acl.Rules{Commands: aclTable, AllChannels: cfg.ACLPubsubDefault == "allchannels"},
		users: map[string]*acl.User{},
	}
	a.defaultUser = a.rules.NewDefaultUser()
	a.users["default"] = a.defaultUser
	a.setDefaultPassword(cfg.RequirePass)
	for _, line := range cfg.Users {
		u := a.users[line[0]]
		if u == nil {
			u = a.rules.NewUser(line[0])
			a.users[u.Name] = u
		} else {
			a.rules.Apply(u, "reset") // a user line for default
		}
		merged, _ := acl.MergeSelectorArgs(line[1:])
		for _, op := range merged {
			if err := a.rules.Apply(u, op); err != nil && a.loadErr == nil {
				a.loadErr = fmt.Errorf("Error loading ACL rule '%s' for the user named '%s': %s", op, u.Name, aclRuleErrors[err.(acl.RuleError)])
			}
		}
	}
	return a
}

// setDefaultPassword is requirepass: the default user's only password,
// or nopass when empty.
func (a *aclState) setDefaultPassword(pass string) {
	a.rules.Apply(a.defaultUser, "resetpass")
	if pass == "" {
		a.rules.Apply(a.defaultUser, "nopass")
	} else {
		a.rules.Apply(a.defaultUser, ">"+pass)
	}
}

func (s *Server) applyRequirepass() string {
	s.acl.setDefaultPassword(s.cfg.RequirePass)
	return ""
}

func (s *Server) applyACLPubsubDefault() string {
	s.acl.rules.AllChannels = s.cfg.ACLPubsubDefault == "allchannels"
	return ""
}

// validateUserLine is ACLAppendUserForLoading: a config file's user line
// (name, rules) applied to a scratch user; unknown commands are not
// errors yet, as Redis, which may learn them from a module.
func validateUserLine(argv []string) error {
	rules := acl.Rules{Commands: aclTable}
	merged, open := acl.MergeSelectorArgs(argv[1:])
	if open >= 0 {
		return fmt.Errorf(errUserDeclaration, argv[open+1], "Syntax error")
	}
	u := rules.NewUser(argv[0])
	for _, op := range merged {
		if err := rules.Apply(u, op); err != nil && err != acl.ErrUnknownCommand {
			return fmt.Errorf(errUserDeclaration, op, aclRuleErrors[err.(acl.RuleError)])
		}
	}
	return nil
}

// LoadACL is ACLLoadUsersAtStartup: users defined both in the config file
// and by an ACL file are refused, as are a user line with an unknown
// command and a broken ACL file.
func (s *Server) LoadACL() error {
	switch {
	case s.cfg.ACLFile != "" && len(s.cfg.Users) > 0:
		return fmt.Errorf("%s", errUsersAndACLFile)
	case s.acl.loadErr != nil:
		return s.acl.loadErr
	case s.cfg.ACLFile == "":
		return nil
	}
	if errs := s.loadACLFile(nil); errs != "" {
		return fmt.Errorf("aborting startup because of ACL errors: %s", errs)
	}
	return nil
}

// aclFilePath is aclfile, relative to dir.
func (s *Server) aclFilePath() string {
	if filepath.IsAbs(s.cfg.ACLFile) {
		return s.cfg.ACLFile
	}
	return filepath.Join(s.cfg.Dir, s.cfg.ACLFile)
}

// loadACLFile is ACLLoadFromFile: all the file's users or, if any line is
// wrong, none, and the errors found. The users it replaces are
// disconnected; default keeps its clients and takes the file's rules.
func (s *Server) loadACLFile(current *Client) (errs string) {
	name := s.cfg.ACLFile
	data, err := os.ReadFile(s.aclFilePath())
	if err != nil {
		return fmt.Sprintf("Error loading ACLs, opening file '%s': %s", name, strerror(err))
	}
	a := s.acl
	users := map[string]*acl.User{}
	var b strings.Builder
	for i, line := range strings.Split(string(data), "\n") {
		lineno := i + 1
		line = strings.Trim(line, " \t\r\n")
		if line == "" {
			continue
		}
		argv := strings.Split(line, " ")
		if argv[0] != "user" || len(argv) < 2 {
			fmt.Fprintf(&b, "%s:%d should start with user keyword followed by the username. ", name, lineno)
			continue
		}
		if strings.ContainsFunc(argv[1], func(r rune) bool { return r == ' ' || r == 0 || r >= '\t' && r <= '\r' }) {
			fmt.Fprintf(&b, "'%s:%d: username '%s' contains invalid characters. ", name, lineno, argv[1])
			continue
		}
		if users[argv[1]] != nil {
			fmt.Fprintf(&b, "WARNING: Duplicate user '%s' found on line %d. ", argv[1], lineno)
			continue
		}
		u := a.rules.NewUser(argv[1])
		users[u.Name] = u
		merged, open := acl.MergeSelectorArgs(argv[2:])
		if open >= 0 {
			fmt.Fprintf(&b, "%s:%d: Unmatched parenthesis in selector definition.", name, lineno)
		}
		syntaxError := false
		for _, op := range merged {
			op = strings.Trim(op, "\t\r\n")
			err := a.rules.Apply(u, op)
			switch {
			case err == nil:
			case err == acl.ErrUnknownCommand:
				fmt.Fprintf(&b, "%s:%d: Error in applying operation '%s': %s. ", name, lineno, op, aclRuleErrors[acl.ErrUnknownCommand])
			case !syntaxError:
				fmt.Fprintf(&b, "%s:%d: %s. ", name, lineno, aclRuleErrors[err.(acl.RuleError)])
				syntaxError = true
			}
		}
	}
	if b.Len() > 0 {
		return b.String() + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed"
	}
	newDefault := users["default"]
	if newDefault == nil {
		newDefault = a.rules.NewDefaultUser()
	}
	a.defaultUser.CopyRules(newDefault)
	users["default"] = a.defaultUser
	for name, u := range a.users {
		if name != "default" {
			s.disconnectUser(u, current)
		}
	}
	a.users = users
	return ""
}

// saveACLFile is ACLSaveToFile: every user as ACL LIST shows it, written
// to a temporary file renamed over the ACL file.
func (s *Server) saveACLFile() error {
	var b strings.Builder
	for _, line := range s.acl.userLines() {
		b.WriteString(line + "\n")
	}
	path := s.aclFilePath()
	tmp := fmt.Sprintf("%s.tmp-%d-%d", path, os.Getpid(), time.Now().UnixMilli())
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		os.Remove(tmp)
		s.warnf("Writing ACL file for ACL SAVE: %s", strerror(err))
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		s.warnf("Renaming ACL file for ACL SAVE: %s", strerror(err))
		return err
	}
	return nil
}

// userLines are the users as ACL LIST and ACL SAVE show them (and CONFIG
// REWRITE writes them).
func (a *aclState) userLines() []string {
	names := a.sortedNames()
	lines := make([]string, len(names))
	for i, name := range names {
		lines[i] = "user " + name + " " + a.users[name].Describe(aclTable)
	}
	return lines
}

// sortedNames are the usernames in Redis's order (its radix tree's:
// bytewise).
func (a *aclState) sortedNames() []string {
	names := make([]string, 0, len(a.users))
	for name := range a.users {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// authRequired is Redis's authRequired: the default user has a password
// (or is off) and the client has not authenticated.
func (c *Client) authRequired() bool {
	d := c.srv.acl.defaultUser
	return (!d.NoPass() || !d.Enabled()) && !c.authenticated
}

// setDefaultAuth is clientSetDefaultAuth: a new or RESET connection is the
// default user, authenticated if that needs no password.
func (c *Client) setDefaultAuth() {
	d := c.srv.acl.defaultUser
	c.user = d
	c.setAuthenticated(d.NoPass() && d.Enabled())
}

// authenticate is ACLAuthenticateUser: c becomes user if pass is right;
// otherwise WRONGPASS is answered and the failure logged.
func (c *Client) authenticate(args [][]byte, user, pass []byte) bool {
	u := c.srv.acl.users[string(user)]
	if u == nil || !u.CheckPassword(pass) {
		c.srv.aclLog(c, acl.DeniedAuth, string(args[0]), string(user))
		c.Error(errWrongPass)
		return false
	}
	c.user = u
	c.setAuthenticated(true)
	return true
}

// aclRequest is what the ACL check needs of a command about to run.
func aclRequest(cmd *Command, args [][]byte) acl.Request {
	return acl.Request{Command: cmd.acl, Args: args, Keys: func(args [][]byte) []acl.KeyRef {
		return aclKeys(cmd, args)
	}, Channels: aclChannels(cmd)}
}

// aclKeys are a command's keys and what it does to each, from its key
// specs: access reads, insert, update and delete write.
func aclKeys(cmd *Command, args [][]byte) []acl.KeyRef {
	refs, ok := commandKeyRefs(cmd, args)
	if !ok {
		return nil
	}
	keys := make([]acl.KeyRef, len(refs))
	for i, r := range refs {
		keys[i].Pos = r.pos
		for _, f := range r.flags {
			switch strings.ToLower(f) {
			case "access":
				keys[i].Perm |= acl.PermRead
			case "insert", "update", "delete":
				keys[i].Perm |= acl.PermWrite
			}
		}
	}
	return keys
}

// aclChannels finds the channels a command publishes or subscribes to,
// as Redis's getChannelsFromCommand; nil for every other command.
func aclChannels(cmd *Command) func(args [][]byte) []acl.ChannelRef {
	switch cmd.FullName {
	case "publish", "spublish":
		return func(args [][]byte) []acl.ChannelRef { return []acl.ChannelRef{{Pos: 1}} }
	case "subscribe", "ssubscribe", "psubscribe":
		pattern := cmd.FullName == "psubscribe"
		return func(args [][]byte) []acl.ChannelRef {
			refs := make([]acl.ChannelRef, len(args)-1)
			for i := range refs {
				refs[i] = acl.ChannelRef{Pos: i + 1, Pattern: pattern}
			}
			return refs
		}
	}
	return nil
}

// aclCheck is ACLCheckAllPerm for a command about to run (or to queue).
// A client without a user (the AOF's, the master's) may run anything.
func (c *Client) aclCheck(cmd *Command, args [][]byte) (acl.Denial, int) {
	if c.user == nil || c.user.Unrestricted() {
		return acl.Allowed, 0
	}
	req := aclRequest(cmd, args)
	return c.user.Check(&req)
}

// aclDeniedText is the NOPERM error of a denial at dispatch.
func aclDeniedText(d acl.Denial, cmd *Command) string {
	switch d {
	case acl.DeniedCommand:
		return fmt.Sprintf(errNoPermCommand, cmd.FullName)
	case acl.DeniedKey:
		return errNoPermKey
	}
	return errNoPermChannel
}

// aclDeniedInExec is EXEC's check of a queued command: the rules may have
// changed since it was queued.
func (s *Server) aclDeniedInExec(c *Client, cmd *Command, args [][]byte) string {
	d, pos := c.aclCheck(cmd, args)
	if d == acl.Allowed {
		return ""
	}
	s.aclLogDenial(c, d, "multi", cmd, args, pos)
	return fmt.Sprintf(errNoPermInExec, aclExecReasons[d])
}

// aclLogDenial logs a command refused by the rules.
func (s *Server) aclLogDenial(c *Client, d acl.Denial, context string, cmd *Command, args [][]byte, pos int) {
	object := cmd.FullName
	if d != acl.DeniedCommand {
		object = string(args[pos])
	}
	s.addACLLogEntry(c, d, context, object, c.user.Name)
}

// aclLog logs a failed authentication.
func (s *Server) aclLog(c *Client, d acl.Denial, object, username string) {
	context := "toplevel"
	if c.multi != nil || s.inExec { // queued, or run by EXEC
		context = "multi"
	}
	s.addACLLogEntry(c, d, context, object, username)
}

// aclLogGrouping: a denial like one of the last ten within a minute
// counts in it instead of adding an entry.
const aclLogGrouping = time.Minute

// addACLLogEntry is addACLLogEntry: the log stays acllog-max-len long.
func (s *Server) addACLLogEntry(c *Client, reason acl.Denial, context, object, username string) {
	a := s.acl
	a.denied[reason]++
	now := time.Now()
	cinfo := c.info(now)
	for i, e := range a.log[:min(len(a.log), 10)] {
		age := now.Sub(e.ctime)
		if e.reason == reason && e.context == context && e.object == object && e.username == username &&
			age <= aclLogGrouping && age >= -aclLogGrouping {
			e.count++
			e.ctime, e.cinfo = now, cinfo
			copy(a.log[1:i+1], a.log[:i])
			a.log[0] = e
			return
		}
	}
	e := &aclLogEntry{count: 1, reason: reason, context: context, object: object, username: username, ctime: now, cinfo: cinfo}
	a.log = slices.Insert(a.log, 0, e)
	if int64(len(a.log)) > s.cfg.ACLLogMaxLen {
		clear(a.log[s.cfg.ACLLogMaxLen:])
		a.log = a.log[:s.cfg.ACLLogMaxLen]
	}
}

// disconnectUser is ACLFreeUserAndKillClients: the user's clients go back
// to the default user, unauthenticated, and are closed — the one running
// this command once it has its reply.
func (s *Server) disconnectUser(u *acl.User, current *Client) {
	for _, cl := range s.clients {
		if cl.user != u {
			continue
		}
		cl.user = s.acl.defaultUser
		cl.setAuthenticated(false)
		if cl == current {
			cl.closing = true
		} else {
			cl.kill()
		}
	}
}

// disconnectRevokedSubscribers is ACLKillPubsubClientsIfNeeded: a user's
// subscribers to a channel or pattern its new rules no longer allow are
// closed.
func (s *Server) disconnectRevokedSubscribers(updated, old *acl.User) {
	allowed := acl.RevokedChannels(updated, old)
	if allowed == nil {
		return
	}
	for _, cl := range s.clients {
		if cl.user != old || cl.subs == nil {
			continue
		}
		kill := false
		for kind, channels := range cl.subs {
			for ch := range channels {
				kill = kill || !allowed.ChannelAllowed([]byte(ch), subKind(kind) == subPattern)
			}
		}
		if kill {
			cl.kill()
		}
	}
}

// ---- ACL ----

func cmdACLSetuser(c *Client, args [][]byte) {
	for i := 2; i < len(args); i++ {
		defer redact(args, i) // after the arguments are read, as Redis
	}
	name := string(args[2])
	if strings.ContainsFunc(name, func(r rune) bool { return r == ' ' || r == 0 || r >= '\t' && r <= '\r' }) {
		c.Error(errACLUsernameSpaces)
		return
	}
	ops := make([]string, len(args)-3)
	for i, a := range args[3:] {
		ops[i] = string(a)
	}
	merged, open := acl.MergeSelectorArgs(ops)
	if open >= 0 {
		c.Error(fmt.Sprintf(errACLUnmatchedParenthesis, cString(args[3+open])))
		return
	}
	a := c.srv.acl
	u := a.users[name]
	var staged *acl.User
	if u != nil {
		staged = u.Clone()
	} else {
		staged = a.rules.NewUser(name)
	}
	for _, op := range merged {
		if err := a.rules.Apply(staged, op); err != nil {
			c.Error(fmt.Sprintf(errACLSetuserModifier, cString([]byte(op)), aclRuleErrors[err.(acl.RuleError)]))
			return
		}
	}
	if u == nil {
		a.users[name] = staged
	} else {
		c.srv.disconnectRevokedSubscribers(staged, u)
		u.CopyRules(staged)
	}
	c.OK()
}

func cmdACLDeluser(c *Client, args [][]byte) {
	for _, name := range args[2:] {
		if string(name) == "default" {
			c.Error(errACLDeleteDefault)
			return
		}
	}
	deleted := 0
	for _, name := range args[2:] {
		if u := c.srv.acl.users[string(name)]; u != nil {
			delete(c.srv.acl.users, u.Name)
			c.srv.disconnectUser(u, c)
			deleted++
		}
	}
	c.Int(int64(deleted))
}

func cmdACLGetuser(c *Client, args [][]byte) {
	u := c.srv.acl.users[string(args[2])]
	if u == nil {
		c.Null()
		return
	}
	c.Map(6)
	c.BulkString("flags")
	flags := u.Flags()
	c.Set(len(flags))
	for _, f := range flags {
		c.BulkString(f)
	}
	c.BulkString("passwords")
	c.Array(len(u.Passwords()))
	for _, p := range u.Passwords() {
		c.BulkString(p)
	}
	c.aclSelector(u.Root())
	c.BulkString("selectors")
	c.Array(len(u.Selectors()))
	for _, sel := range u.Selectors() {
		c.Map(3)
		c.aclSelector(sel)
	}
}

// aclSelector replies a selector's commands, keys and channels.
func (c *Client) aclSelector(s *acl.Selector) {
	c.BulkString("commands")
	c.BulkString(s.CommandRules(aclTable))
	c.BulkString("keys")
	c.BulkString(s.Keys())
	c.BulkString("channels")
	c.BulkString(s.Channels())
}

func cmdACLList(c *Client, args [][]byte) {
	lines := c.srv.acl.userLines()
	c.Array(len(lines))
	for _, line := range lines {
		c.BulkString(line)
	}
}

func cmdACLUsers(c *Client, args [][]byte) {
	names := c.srv.acl.sortedNames()
	c.Array(len(names))
	for _, name := range names {
		c.BulkString(name)
	}
}

func cmdACLWhoami(c *Client, args [][]byte) {
	if c.user == nil {
		c.Null()
		return
	}
	c.BulkString(c.user.Name)
}

func cmdACLLoad(c *Client, args [][]byte) {
	if c.srv.cfg.ACLFile == "" {
		c.Error(errACLNoFile)
		return
	}
	if errs := c.srv.loadACLFile(c); errs != "" {
		c.Error("ERR " + errs)
		return
	}
	c.OK()
}

func cmdACLSave(c *Client, args [][]byte) {
	if c.srv.cfg.ACLFile == "" {
		c.Error(errACLNoFile)
		return
	}
	if c.srv.saveACLFile() != nil {
		c.Error(errACLSaveFailed)
		return
	}
	c.OK()
}

func cmdACLCat(c *Client, args [][]byte) {
	if len(args) == 2 {
		c.Array(len(acl.Categories))
		for _, name := range acl.Categories {
			c.BulkString(name)
		}
		return
	}
	if len(args) > 3 {
		c.aclSubcommandSyntax(args)
		return
	}
	flag := acl.CategoryFlag(string(args[2]))
	if flag == 0 {
		c.Error(fmt.Sprintf(errACLUnknownCategory, args[2]))
		return
	}
	names := aclTable.InCategory(flag)
	c.Array(len(names))
	for _, name := range names {
		c.BulkString(name)
	}
}

func cmdACLGenpass(c *Client, args [][]byte) {
	bits := int64(256)
	if len(args) > 3 {
		c.aclSubcommandSyntax(args)
		return
	}
	if len(args) == 3 {
		var ok bool
		if bits, ok = parseInt64(args[2]); !ok {
			c.Error(errNotInteger)
			return
		}
	}
	if bits <= 0 || bits > 4096 {
		c.Error(errACLGenpassBits)
		return
	}
	chars := int((bits + 3) / 4)
	c.BulkString(randomHex(chars + chars%2)[:chars])
}

func cmdACLLog(c *Client, args [][]byte) {
	a := c.srv.acl
	count := int64(10)
	if len(args) > 3 {
		c.aclSubcommandSyntax(args)
		return
	}
	if len(args) == 3 {
		if strings.EqualFold(string(args[2]), "reset") {
			a.log = nil
			c.OK()
			return
		}
		var ok bool
		if count, ok = parseInt64(args[2]); !ok {
			c.Error(errNotInteger)
			return
		}
	}
	n := int(min(max(count, 0), int64(len(a.log))))
	now := time.Now()
	c.Array(n)
	for _, e := range a.log[:n] {
		c.Map(7)
		c.BulkString("count")
		c.Int(e.count)
		c.BulkString("reason")
		c.BulkString(aclReasonNames[e.reason])
		c.BulkString("context")
		c.BulkString(e.context)
		c.BulkString("object")
		c.BulkString(e.object)
		c.BulkString("username")
		c.BulkString(e.username)
		c.BulkString("age-seconds")
		c.Double(float64(now.Sub(e.ctime).Milliseconds()) / 1000)
		c.BulkString("client-info")
		c.BulkString(e.cinfo)
	}
}

var aclReasonNames = map[acl.Denial]string{
	acl.DeniedCommand: "command", acl.DeniedKey: "key", acl.DeniedChannel: "channel", acl.DeniedAuth: "auth",
}

func cmdACLDryrun(c *Client, args [][]byte) {
	u := c.srv.acl.users[string(args[2])]
	if u == nil {
		c.Error(fmt.Sprintf(errACLDryrunNoUser, args[2]))
		return
	}
	target := args[3:]
	cmd, errMsg := c.srv.lookupCommand(target)
	switch {
	case cmd == nil || cmd.subcommands != nil && len(target) > 1:
		// Unknown, or a container whose subcommand is unknown.
		c.Error(fmt.Sprintf(errACLDryrunNoCommand, target[0]))
		return
	case errMsg != "":
		c.Error(errMsg) // the wrong number of arguments
		return
	}
	req := aclRequest(cmd, target)
	d, pos := u.Check(&req)
	switch d {
	case acl.Allowed:
		c.OK()
	case acl.DeniedCommand:
		c.BulkString(fmt.Sprintf("This user has no permissions to run the '%s' command", cmd.FullName))
	case acl.DeniedKey:
		c.BulkString(fmt.Sprintf("This user has no permissions to access the '%s' key", target[pos]))
	default:
		c.BulkString(fmt.Sprintf("This user has no permissions to access the '%s' channel", target[pos]))
	}
}

// aclSubcommandSyntax refuses ACL CAT, GENPASS and LOG with too many
// arguments, as Redis, which checks their counts in the ACL command.
func (c *Client) aclSubcommandSyntax(args [][]byte) {
	c.Error(fmt.Sprintf(errSubcommandArity, args[1], "ACL"))
}

func cmdACLHelp(c *Client, args [][]byte) {
	c.Help("ACL",
		"CAT [<category>]",
		"    List all commands that belong to <category>, or all command categories",
		"    when no category is specified.",
		"DELUSER <username> [<username> ...]",
		"    Delete a list of users.",
		"DRYRUN <username> <command> [<arg> ...]",
		"    Returns whether the user can execute the given command without executing the command.",
		"GETUSER <username>",
		"    Get the user's details.",
		"GENPASS [<bits>]",
		"    Generate a secure 256-bit user password. The optional `bits` argument can",
		"    be used to specify a different size.",
		"LIST",
		"    Show users details in config file format.",
		"LOAD",
		"    Reload users from the ACL file.",
		"LOG [<count> | RESET]",
		"    Show the ACL log entries.",
		"SAVE",
		"    Save the current config to the ACL file.",
		"SETUSER <username> <attribute> [<attribute> ...]",
		"    Create or modify a user with the specified attributes.",
		"USERS",
		"    List all the registered usernames.",
		"WHOAMI",
		"    Return the current connection username.")
}
