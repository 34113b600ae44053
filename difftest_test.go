package main

// Differential tests: every script in testdata/diff/*.txt is run against a
// real redis-server and against respd, and each reply must be byte-identical.
//
// Each script is a subtest that runs twice: once speaking RESP2 and once after
// HELLO 3 (the HELLO reply itself is not compared). Before each run both
// servers get FLUSHALL and SELECT 0 on fresh connections, and their ACL
// state is reset (diffResetACL): a script that stopped halfway cannot
// leave the default user with a password, or its users, to the next.
//
//	go test -run TestDifferential                  # all scripts
//	go test -run 'TestDifferential/strings/RESP3'  # one script, one protocol
//	DIFFTEST_VERBOSE=1 go test -v -run TestDifferential/keys
//	                                              # log every command and reply
//
// If redis-server is not in PATH the test is skipped (loudly), or fails when
// the CI environment variable is set.
//
// # Script format
//
// One command per line. A line is split into arguments the way redis-cli
// does it (sdssplitargs):
//   - spaces separate arguments;
//   - "double quotes" may contain spaces and the escapes \n \r \t \b \a \\ \"
//     and \xHH (any other \c is just c);
//   - 'single quotes' may contain spaces; only \' is an escape;
//   - a closing quote must be followed by a space or the end of the line;
//   - "" is an empty argument.
//
// Each command is sent as a RESP multibulk array and exactly one reply is read
// from each server (read deadline 3s, so a missing reply fails, it never
// hangs). Replies are compared byte for byte.
//
// Blank lines and lines whose first non-blank character is # are ignored,
// except a "# requires: cmd ..." line: the script is skipped (and says so)
// until respd's command table has every command it names, so scripts for
// families still to come can be written ahead of them.
//
// Directives (lines starting with !):
//
//	!sleep <ms>      sleep that many milliseconds (e.g. to let a TTL fire).
//	!within <ms>     the lines from here to the next !sleep (!sleep 0 to end
//	                 without sleeping) must be done within ms on both
//	                 servers: the lines whose replies depend on a TTL not
//	                 having run out (a key set with PX 300 still there, TTL
//	                 rounding 99.6 s up to 100) go in such a stretch, its
//	                 limit their smallest margin. A machine too busy for
//	                 that makes the run prove nothing: it stops, and the
//	                 script runs again (three tries).
//	!conn <n>        later lines use connection n (default 1). Connections are
//	                 opened lazily on both servers (and get HELLO 3 in the
//	                 RESP3 run); they start in DB 0 and keep their state for
//	                 the rest of the run. For WATCH/MULTI across clients.
//	!type <command>  send the command but compare only the first byte of the
//	                 reply (its RESP type), for nondeterministic replies such
//	                 as TIME, CLIENT ID, RANDOMKEY, PTTL.
//	!raw "<bytes>"   send the bytes exactly as given (one argument, quoted,
//	                 escapes as above: !raw "PING\r\n") and read one reply;
//	                 for inline commands and protocol errors.
//	!read            read one more reply from the current connection without
//	                 sending anything: the second and later confirmations
//	                 of SUBSCRIBE a b c, a message another connection
//	                 published, a push; "<timeout>" when none comes.
//	!closed          check whether the server closed the current connection
//	                 (e.g. after QUIT or a protocol error): the outcome,
//	                 "<connection closed>" or "<open>", is compared.
//	!unordered [pairs] [scan]
//	                 the next line (a command) has a reply whose order is
//	                 not defined, such as SMEMBERS or HGETALL of a set or
//	                 hash in a hashtable, whose order follows each server's
//	                 random hash seed. Its top-level elements are compared
//	                 as a multiset: the same header (type and count) and
//	                 the same elements, each byte for byte, in any order.
//	                 A RESP3 map's key and value stay together as one
//	                 element. With "pairs", the consecutive pairs of a
//	                 flat array (RESP2 HGETALL, HRANDFIELD ... WITHVALUES,
//	                 CONFIG GET, the HSCAN list) are the elements; an array
//	                 whose elements are arrays or a map is already made of
//	                 pairs. With "scan", the reply must be SCAN's two-element
//	                 [cursor, [elements]]: the cursor is compared exactly and
//	                 the nested array as above. A reply that is not such an
//	                 aggregate (an error, a nil) is compared byte for byte.
//
// Setting DIFFTEST_AGAINST=redis-server runs the scripts against two
// separate redis-server processes instead of redis-server and respd
// ("# requires:" lines are then ignored): every script must pass that way,
// which shows its replies are deterministic, the order of hashtable-encoded
// sets and hashes too, as the two processes have different hash seeds.
//
//	DIFFTEST_AGAINST=redis-server go test -count=1 -run 'TestDifferential/sets' .
//
// When a server closes a connection (or a read fails) the outcome of that
// line is "<connection closed>" (or "<timeout>", ...), which is compared like
// a reply; the connection is then reopened on its next use.
//
// On a mismatch the file, line number, protocol, command and both replies (%q)
// are reported, and the rest of the script still runs (unless 5 lines of the
// run have timed out, then the rest of that run is skipped).
//
// Every line must have a deterministic reply on real Redis. Nondeterministic
// ones use !type; KEYS/SCAN lines match at most one key (or use COUNT 1000 on
// a tiny keyspace so the cursor is 0); DBSIZE is not used after a key expires
// (Redis counts an expired key until its active expire cycle reclaims it);
// replies of hashtable-encoded sets and hashes use !unordered, random picks
// (SPOP, SRANDMEMBER, HRANDFIELD) !type or deterministic facts only.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"respd/internal/resp"

	"respd/internal/aof"
)

// diffMissingCommands lists the commands of a script's "# requires:" lines
// that respd's command table lacks.
func diffMissingCommands(script []byte) []string {
	var missing []string
	for _, line := range strings.Split(string(script), "\n") {
		names, ok := strings.CutPrefix(strings.TrimSpace(line), "# requires:")
		if !ok {
			continue
		}
		for _, name := range strings.Fields(names) {
			if commandByName([]byte(name)) == nil {
				missing = append(missing, name)
			}
		}
	}
	return missing
}

// diffReplyTimeout is how long to wait for one reply.
var diffReplyTimeout = 3 * time.Second

// diffMaxTimeouts is how many lines of one run may time out before the rest
// of that run is skipped (so a hanging server cannot stall the suite).
const diffMaxTimeouts = 5

// TestDifferential runs testdata/diff/*.txt against redis-server and respd.
func TestDifferential(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "DIFFERENTIAL TESTS SKIPPED: redis-server not installed (apt-get install redis-server)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg)
		t.Skip(msg)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "diff", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/diff")
	}
	sort.Strings(files)

	// DEBUG is allowed, from the tests' loopback connections only, for
	// debug.txt.
	redisAddr := diffStartRedis(t, diffDebugArgs...)
	var respdAddr string
	againstRedis := false
	switch against := os.Getenv("DIFFTEST_AGAINST"); against {
	case "":
		respdAddr = startServer(t, diffDebugArgs...)
	case "redis-server":
		// A second redis-server, with its own hash seed, in respd's place.
		againstRedis = true
		respdAddr = diffStartRedis(t, diffDebugArgs...)
		old := diffSideNames
		diffSideNames = [2]string{"redis", "redis2"}
		t.Cleanup(func() { diffSideNames = old })
	default:
		t.Fatalf("DIFFTEST_AGAINST=%q: the only other server is redis-server", against)
	}
	verbose := os.Getenv("DIFFTEST_VERBOSE") != ""

	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(file)
		lines, err := diffParseScript(base, data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		t.Run(strings.TrimSuffix(base, ".txt"), func(t *testing.T) {
			if missing := diffMissingCommands(data); len(missing) > 0 && !againstRedis {
				t.Skipf("%s needs commands respd does not have yet: %s", base, strings.Join(missing, " "))
			}
			if base == "protocol.txt" && testEngine() == "redcon" && !againstRedis {
				t.Skip("protocol.txt tests Redis's request parser; the redcon engine parses with redcon's (README: Engines)")
			}
			for _, resp3 := range []bool{false, true} {
				proto := "RESP2"
				if resp3 {
					proto = "RESP3"
				}
				t.Run(proto, func(t *testing.T) {
					logf := func(string, ...any) {}
					if verbose {
						logf = t.Logf
					}
					// A run cut short by a !within stretch that overran
					// proves nothing, its mismatches included: again.
					for try := 1; ; try++ {
						for _, addr := range []string{redisAddr, respdAddr} {
							if err := diffResetACL(addr); err != nil {
								t.Fatalf("%s [%s] setup: resetting ACLs on %s: %v", base, proto, addr, err)
							}
						}
						var mismatches []string
						timely := diffRunScript(base, lines, [2]string{redisAddr, respdAddr},
							resp3, func(msg string) { mismatches = append(mismatches, msg) }, logf)
						for _, msg := range mismatches {
							if timely || try == 3 {
								t.Error(msg)
							}
						}
						if timely {
							break
						}
						if try == 3 {
							t.Errorf("%s [%s]: a !within stretch overran in three runs", base, proto)
							break
						}
						t.Logf("%s [%s]: a !within stretch overran on this busy machine; running the script again", base, proto)
					}
				})
			}
		})
	}
}

// diffDebugArgs are the servers' arguments for DEBUG.
var diffDebugArgs = []string{"--enable-debug-command", "local"}

// diffStartRedis starts a throwaway redis-server on a free port and returns
// its address; it is killed when the test ends.
func diffStartRedis(t testing.TB, extraArgs ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir}
	args = append(args, extraArgs...)
	cmd := exec.Command("redis-server", args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := diffDial(addr); err == nil {
			reply, err := c.do(diffEncode([][]byte{[]byte("PING")}))
			c.close()
			if err == nil && string(reply) == "+PONG\r\n" {
				return addr
			}
		}
		select {
		case <-done:
			t.Fatalf("redis-server exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer PING: %s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// diffACLPasswords are the passwords scripts give the default user
// (acl_auth.txt's defpw and requirepass rp): diffResetACL logs in with
// them when a script left one set. A script giving it another must add
// it here.
var diffACLPasswords = []string{"defpw", "rp"}

// diffResetACL gives a server back the ACL state every script starts
// from, on a connection of its own: the default user alone, on, nopass,
// with every key, channel and command and no selectors; requirepass "";
// an empty ACL log. Servers without ACL (respd before it had the
// command) are left alone.
func diffResetACL(addr string) error {
	if commandByName([]byte("acl")) == nil {
		return nil
	}
	c, err := diffDial(addr)
	if err != nil {
		return err
	}
	defer c.close()
	do := func(args ...string) string {
		reply, err := c.do(diffEncode(stringArgv(args...)))
		return diffOutcome(reply, err)
	}
	if strings.HasPrefix(do("PING"), "-NOAUTH") {
		for _, pass := range diffACLPasswords {
			if do("AUTH", "default", pass) == "+OK\r\n" {
				break
			}
		}
	}
	for _, cmd := range [][]string{
		{"ACL", "SETUSER", "default", "on", "nopass", "resetkeys", "~*", "resetchannels", "&*", "+@all", "clearselectors"},
		{"CONFIG", "SET", "requirepass", ""},
		{"ACL", "LOG", "RESET"},
	} {
		if got := do(cmd...); got != "+OK\r\n" {
			return fmt.Errorf("%s: %q", strings.Join(cmd, " "), got)
		}
	}
	users := do("ACL", "USERS")
	v, err := rwReadValue(bufio.NewReader(strings.NewReader(users)))
	if err != nil || v.kind != '*' {
		return fmt.Errorf("ACL USERS: %q", users)
	}
	del := []string{"ACL", "DELUSER"}
	for _, name := range v.argv() {
		if name != "default" {
			del = append(del, name)
		}
	}
	if len(del) > 2 {
		if got := do(del...); !strings.HasPrefix(got, ":") {
			return fmt.Errorf("%s: %q", strings.Join(del, " "), got)
		}
	}
	return nil
}

// ---- scripts ----

type diffKind int

const (
	diffCmd diffKind = iota
	diffSleep
	diffSwitch
	diffRaw
	diffClosed
	diffWithin
	diffRead
)

type diffLine struct {
	num       int
	text      string
	kind      diffKind
	typeOnly  bool
	unordered *diffUnordered // compare as a multiset (diffCmd after !unordered)
	payload   []byte         // bytes to send (diffCmd, diffRaw)
	n         int            // ms (diffSleep, diffWithin), connection (diffSwitch)
}

// diffUnordered is how an !unordered line compares its command's reply.
type diffUnordered struct {
	pairs bool // consecutive scalars of a flat array are one element
	scan  bool // the reply is [cursor, [elements]]: the nested array
}

func diffParseScript(name string, data []byte) ([]diffLine, error) {
	var out []diffLine
	within := 0 // the line of an open !within stretch
	var unordered *diffUnordered
	unorderedLine := 0 // the line of a pending !unordered
	for i, text := range strings.Split(string(data), "\n") {
		text = strings.TrimRight(text, "\r")
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		l := diffLine{num: i + 1, text: trimmed}
		bad := func(format string, a ...any) error {
			return fmt.Errorf("%s:%d: %s: %q", name, l.num, fmt.Sprintf(format, a...), trimmed)
		}
		rest := trimmed
		if strings.HasPrefix(trimmed, "!") {
			word, arg, _ := strings.Cut(trimmed, " ")
			arg = strings.TrimSpace(arg)
			if unordered != nil {
				return nil, bad("!unordered of line %d must be followed by a command", unorderedLine)
			}
			switch word {
			case "!unordered":
				unordered, unorderedLine = &diffUnordered{}, l.num
				for _, mod := range strings.Fields(arg) {
					switch {
					case mod == "pairs" && !unordered.pairs:
						unordered.pairs = true
					case mod == "scan" && !unordered.scan:
						unordered.scan = true
					default:
						return nil, bad("!unordered takes pairs and/or scan")
					}
				}
				continue
			case "!sleep", "!conn", "!within":
				n, err := strconv.Atoi(arg)
				if err != nil || n < 0 || (word != "!sleep" && n < 1) {
					return nil, bad("bad number")
				}
				l.kind, l.n = map[string]diffKind{"!sleep": diffSleep, "!conn": diffSwitch, "!within": diffWithin}[word], n
				switch {
				case word == "!within" && within != 0:
					return nil, bad("!within inside the stretch of line %d", within)
				case word == "!within":
					within = l.num
				case word == "!sleep":
					within = 0
				}
				out = append(out, l)
				continue
			case "!closed", "!read":
				if arg != "" {
					return nil, bad("%s takes no argument", word)
				}
				l.kind = map[string]diffKind{"!closed": diffClosed, "!read": diffRead}[word]
				out = append(out, l)
				continue
			case "!raw":
				args, err := diffSplitArgs(arg)
				if err != nil || len(args) != 1 || len(args[0]) == 0 {
					return nil, bad("!raw takes one non-empty quoted argument")
				}
				l.kind, l.payload = diffRaw, args[0]
				out = append(out, l)
				continue
			case "!type":
				l.typeOnly = true
				rest = arg
			default:
				return nil, bad("unknown directive %s", word)
			}
		}
		args, err := diffSplitArgs(rest)
		if err != nil {
			return nil, bad("%v", err)
		}
		if len(args) == 0 {
			return nil, bad("no command")
		}
		l.kind, l.payload = diffCmd, diffEncode(args)
		l.unordered, unordered = unordered, nil
		out = append(out, l)
	}
	if unordered != nil {
		return nil, fmt.Errorf("%s:%d: !unordered without a command after it", name, unorderedLine)
	}
	if within != 0 {
		return nil, fmt.Errorf("%s:%d: !within without a !sleep after it", name, within)
	}
	return out, nil
}

// diffSplitArgs splits a line like redis-cli (sdssplitargs) does.
func diffSplitArgs(line string) ([][]byte, error) {
	args, ok := resp.SplitArgs([]byte(line))
	if !ok {
		return nil, errors.New("unbalanced quotes")
	}
	return args, nil
}

// diffEncode encodes a command as a RESP multibulk array.
func diffEncode(args [][]byte) []byte { return aof.AppendCommand(nil, args) }

// ---- replies ----

// diffReadReply reads one complete RESP2/RESP3 reply and returns its exact
// bytes. An attribute (|) is returned together with the reply it annotates.
func diffReadReply(r *bufio.Reader) ([]byte, error) {
	var buf []byte
	err := diffReadInto(r, &buf, 0)
	return buf, err
}

func diffReadInto(r *bufio.Reader, buf *[]byte, depth int) error {
	if depth > 64 {
		return errors.New("reply nested too deeply")
	}
	line, err := r.ReadBytes('\n')
	*buf = append(*buf, line...)
	if err != nil {
		return err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return fmt.Errorf("malformed reply line %q", line)
	}
	body := string(line[1 : len(line)-2])
	count := func() (int, error) {
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return 0, fmt.Errorf("bad length in %q", line)
		}
		return n, nil
	}
	switch line[0] {
	case '+', '-', ':', ',', '#', '_', '(':
		return nil
	case '$', '=', '!':
		n, err := count()
		if err != nil || n < 0 {
			return err // $-1 (RESP2 null bulk)
		}
		data := make([]byte, n+2)
		_, err = io.ReadFull(r, data)
		*buf = append(*buf, data...)
		if err != nil {
			return err
		}
		if data[n] != '\r' || data[n+1] != '\n' {
			return fmt.Errorf("bulk string not terminated by CRLF")
		}
		return nil
	case '*', '~', '>', '%', '|':
		n, err := count()
		if err != nil || n < 0 {
			return err // *-1 (RESP2 null array)
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		if line[0] == '|' {
			n++ // the reply the attribute belongs to
		}
		for i := 0; i < n; i++ {
			if err := diffReadInto(r, buf, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown reply type %q", line[0])
}

// diffSplitReply splits one complete reply into its header line and, for an
// array, set, push or map, its top-level elements (a map's key and value
// together). ok is false for any other reply (or one that does not parse,
// or has bytes after it); then elems is nil.
func diffSplitReply(reply []byte) (header []byte, elems [][]byte, ok bool) {
	end := bytes.Index(reply, []byte("\r\n"))
	if end < 0 || !strings.ContainsRune("*~>%", rune(reply[0])) {
		return nil, nil, false
	}
	header = reply[:end+2]
	n, err := strconv.Atoi(string(reply[1:end]))
	if err != nil || n < 0 {
		return nil, nil, false
	}
	per := 1
	if reply[0] == '%' {
		per = 2
	}
	r := bufio.NewReader(bytes.NewReader(reply[end+2:]))
	for i := 0; i < n; i++ {
		var elem []byte
		for j := 0; j < per; j++ {
			if err := diffReadInto(r, &elem, 0); err != nil {
				return nil, nil, false
			}
		}
		elems = append(elems, elem)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, nil, false // more after the reply
	}
	return header, elems, true
}

// diffSameUnordered reports whether two replies are equal as multisets of
// their top-level elements (see !unordered).
func diffSameUnordered(a, b []byte, how diffUnordered) bool {
	if how.scan {
		ha, ea, oka := diffSplitReply(a)
		hb, eb, okb := diffSplitReply(b)
		if !oka || !okb || string(ha) != "*2\r\n" || string(hb) != "*2\r\n" {
			return bytes.Equal(a, b)
		}
		return bytes.Equal(ea[0], eb[0]) &&
			diffSameUnordered(ea[1], eb[1], diffUnordered{pairs: how.pairs})
	}
	ha, ea, oka := diffSplitReply(a)
	hb, eb, okb := diffSplitReply(b)
	if !oka || !okb {
		return bytes.Equal(a, b)
	}
	if !bytes.Equal(ha, hb) || len(ea) != len(eb) {
		return false
	}
	if how.pairs && ha[0] != '%' {
		var ok bool
		if ea, ok = diffPairs(ea); !ok {
			return bytes.Equal(a, b)
		}
		if eb, ok = diffPairs(eb); !ok {
			return bytes.Equal(a, b)
		}
	}
	sortBytes := func(s [][]byte) {
		sort.Slice(s, func(i, j int) bool { return bytes.Compare(s[i], s[j]) < 0 })
	}
	sortBytes(ea)
	sortBytes(eb)
	for i := range ea {
		if !bytes.Equal(ea[i], eb[i]) {
			return false
		}
	}
	return true
}

// diffPairs joins consecutive elements two by two when they are all
// scalars (a flat array of field, value, field, value...); elements that
// are aggregates are pairs already and stay as they are. ok is false for
// an odd number of scalars.
func diffPairs(elems [][]byte) (pairs [][]byte, ok bool) {
	for _, e := range elems {
		if strings.ContainsRune("*~>%|", rune(e[0])) {
			return elems, true
		}
	}
	if len(elems)%2 != 0 {
		return nil, false
	}
	for i := 0; i < len(elems); i += 2 {
		pairs = append(pairs, append(append([]byte{}, elems[i]...), elems[i+1]...))
	}
	return pairs, true
}

// ---- connections ----

type diffConn struct {
	c net.Conn
	r *bufio.Reader
}

func diffDial(addr string) (*diffConn, error) {
	c, err := net.DialTimeout("tcp", addr, diffReplyTimeout)
	if err != nil {
		return nil, err
	}
	return &diffConn{c: c, r: bufio.NewReader(c)}, nil
}

func (c *diffConn) close() { c.c.Close() }

// do sends payload and reads one reply.
func (c *diffConn) do(payload []byte) ([]byte, error) {
	c.c.SetDeadline(time.Now().Add(diffReplyTimeout))
	if _, err := c.c.Write(payload); err != nil {
		return nil, err
	}
	return diffReadReply(c.r)
}

// diffOutcome describes a failed exchange in a way that can be compared
// between the two servers.
func diffOutcome(reply []byte, err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return string(reply)
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed):
		if len(reply) > 0 {
			return fmt.Sprintf("<connection closed after partial reply %q>", reply)
		}
		return "<connection closed>"
	case errors.As(err, &ne) && ne.Timeout():
		if len(reply) > 0 {
			return fmt.Sprintf("<timeout after partial reply %q>", reply)
		}
		return "<timeout>"
	}
	return fmt.Sprintf("<error %v after %q>", err, reply)
}

// diffSide is one server's set of connections during one run of a script.
type diffSide struct {
	addr  string
	resp3 bool
	conns map[int]*diffConn
}

func (s *diffSide) conn(n int) (*diffConn, error) {
	if c := s.conns[n]; c != nil {
		return c, nil
	}
	c, err := diffDial(s.addr)
	if err != nil {
		return nil, err
	}
	if s.resp3 {
		reply, err := c.do(diffEncode([][]byte{[]byte("HELLO"), []byte("3")}))
		if err != nil || len(reply) == 0 || reply[0] == '-' {
			c.close()
			return nil, fmt.Errorf("HELLO 3 failed: %s", diffOutcome(reply, err))
		}
	}
	s.conns[n] = c
	return c, nil
}

func (s *diffSide) drop(n int) {
	if c := s.conns[n]; c != nil {
		c.close()
		delete(s.conns, n)
	}
}

func (s *diffSide) closeAll() {
	for n := range s.conns {
		s.drop(n)
	}
}

// exchange sends payload on connection n and returns the outcome. After a
// failure the connection is dropped, to be reopened on next use.
func (s *diffSide) exchange(n int, payload []byte) string {
	c, err := s.conn(n)
	if err != nil {
		return fmt.Sprintf("<cannot connect: %v>", err)
	}
	reply, err := c.do(payload)
	if err != nil {
		s.drop(n)
	}
	return diffOutcome(reply, err)
}

// read reads one reply from connection n without sending anything.
func (s *diffSide) read(n int) string {
	c, err := s.conn(n)
	if err != nil {
		return fmt.Sprintf("<cannot connect: %v>", err)
	}
	c.c.SetDeadline(time.Now().Add(diffReplyTimeout))
	reply, err := diffReadReply(c.r)
	if err != nil {
		s.drop(n)
	}
	return diffOutcome(reply, err)
}

// closed reports whether the server has closed connection n.
func (s *diffSide) closed(n int) string {
	c := s.conns[n]
	if c == nil {
		return "<connection closed>"
	}
	wait := diffReplyTimeout / 3
	c.c.SetReadDeadline(time.Now().Add(wait))
	b, err := c.r.ReadByte()
	var ne net.Error
	switch {
	case err == nil:
		s.drop(n)
		return fmt.Sprintf("<open, unexpected data %q>", b)
	case errors.As(err, &ne) && ne.Timeout():
		return "<open>"
	}
	s.drop(n)
	return "<connection closed>"
}

var diffSideNames = [2]string{"redis", "respd"}

// diffRunScript runs one script against the two servers (addrs[0] is the
// reference redis-server) and calls report once per mismatch. It reports
// false if it stopped at the end of a !within stretch that overran: the
// run proves nothing.
func diffRunScript(file string, lines []diffLine, addrs [2]string, resp3 bool,
	report func(string), logf func(string, ...any)) (timely bool) {
	proto := "RESP2"
	if resp3 {
		proto = "RESP3"
	}
	var sides [2]*diffSide
	for i := range sides {
		sides[i] = &diffSide{addr: addrs[i], resp3: resp3, conns: map[int]*diffConn{}}
		defer sides[i].closeAll()
	}
	for i, s := range sides {
		for _, cmd := range []string{"FLUSHALL", "SELECT 0"} {
			args, _ := diffSplitArgs(cmd)
			if got := s.exchange(1, diffEncode(args)); got != "+OK\r\n" {
				report(fmt.Sprintf("%s [%s] setup: %s on %s replied %q",
					file, proto, cmd, diffSideNames[i], got))
				return true
			}
		}
	}
	cur, timeouts := 1, 0
	var stretchStart time.Time
	stretch := time.Duration(0) // the open !within's limit
	for _, l := range lines {
		var got [2]string
		switch l.kind {
		case diffWithin:
			stretchStart, stretch = time.Now(), time.Duration(l.n)*time.Millisecond
			continue
		case diffSleep:
			if took := time.Since(stretchStart); stretch > 0 && took >= stretch {
				logf("%s:%d [%s]: the !within %v stretch took %v", file, l.num, proto, stretch, took)
				return false
			}
			stretch = 0
			time.Sleep(time.Duration(l.n) * time.Millisecond)
			continue
		case diffSwitch:
			cur = l.n
			continue
		case diffClosed:
			for i, s := range sides {
				got[i] = s.closed(cur)
			}
		case diffRead:
			for i, s := range sides {
				got[i] = s.read(cur)
			}
		case diffCmd, diffRaw:
			for i, s := range sides {
				got[i] = s.exchange(cur, l.payload)
			}
		}
		logf("%s:%d [%s] conn %d: %s\n  %s: %q\n  %s: %q", file, l.num, proto, cur, l.text,
			diffSideNames[0], got[0], diffSideNames[1], got[1])
		if strings.HasPrefix(got[0], "<timeout") || strings.HasPrefix(got[1], "<timeout") {
			timeouts++
		}
		same := got[0] == got[1]
		if l.typeOnly && got[0] != "" && got[1] != "" && got[0][0] != '<' {
			same = got[0][0] == got[1][0]
		}
		if l.unordered != nil && !same {
			same = diffSameUnordered([]byte(got[0]), []byte(got[1]), *l.unordered)
		}
		if !same {
			report(fmt.Sprintf("%s:%d [%s] conn %d: %s\n  %s: %q\n  %s: %q",
				file, l.num, proto, cur, l.text, diffSideNames[0], got[0], diffSideNames[1], got[1]))
		}
		if timeouts >= diffMaxTimeouts {
			report(fmt.Sprintf("%s:%d [%s] giving up on this script after %d timeouts",
				file, l.num, proto, timeouts))
			return true
		}
	}
	return true
}

// ---- tests of the harness itself ----

// diffResetACL undoes what a script that stopped halfway may leave: a
// password on the default user (set by ACL SETUSER or requirepass), a
// restricted default user, users, ACL log entries.
func TestDiffResetACL(t *testing.T) {
	for _, left := range [][]string{
		{"ACL", "SETUSER", "default", "resetpass", ">defpw", "-flushall", "resetkeys", "~x"},
		{"CONFIG", "SET", "requirepass", "rp"},
	} {
		aclBoth(t, nil, func(t *testing.T, addr string) {
			c := dialRaw(t, addr)
			rwDo(t, c, "+OK\r\n", "ACL", "SETUSER", "alice", "on", ">apw")
			rwDo(t, c, "+OK\r\n", "ACL", "SETUSER", "bob")
			rwDo(t, c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "alice", "x")
			rwDo(t, c, "+OK\r\n", left...)
			expectReplies(t, addr, "PING", "-NOAUTH Authentication required.\r\n")
			if err := diffResetACL(addr); err != nil {
				t.Fatal(err)
			}
			expectReplies(t, addr, "ACL LIST", "*1\r\n$34\r\nuser default on nopass ~* &* +@all\r\n",
				"CONFIG GET requirepass", "*2\r\n$11\r\nrequirepass\r\n$0\r\n\r\n", "ACL LOG", "*0\r\n")
			if err := diffResetACL(addr); err != nil { // nothing to undo
				t.Fatal(err)
			}
		})
	}
}

func TestDiffSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string // nil: error expected
	}{
		{`SET a b`, []string{"SET", "a", "b"}},
		{`  SET   a    b  `, []string{"SET", "a", "b"}},
		{`SET "a b" 'c d'`, []string{"SET", "a b", "c d"}},
		{`SET "" ''`, []string{"SET", "", ""}},
		{`SET "\x41\x4a\n\r\t\\\"\q" x`, []string{"SET", "AJ\n\r\t\\\"q", "x"}},
		{`SET "\xZZ"`, []string{"SET", "xZZ"}},
		{`SET 'it\'s' '\n'`, []string{"SET", "it's", `\n`}},
		{`SET a"b c"d`, nil},
		{`SET a"b c" d`, []string{"SET", "ab c", "d"}},
		{`SET "abc`, nil},
		{`SET 'abc`, nil},
		{`SET "a"b`, nil},
		{`SET 'a'b`, nil},
		{``, []string{}},
	}
	for _, c := range cases {
		got, err := diffSplitArgs(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("diffSplitArgs(%q) = %q, want error", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("diffSplitArgs(%q): %v", c.in, err)
			continue
		}
		var gs []string
		for _, a := range got {
			gs = append(gs, string(a))
		}
		if strings.Join(gs, "|") != strings.Join(c.want, "|") || len(gs) != len(c.want) {
			t.Errorf("diffSplitArgs(%q) = %q, want %q", c.in, gs, c.want)
		}
	}
}

func TestDiffReadReply(t *testing.T) {
	replies := []string{
		"+OK\r\n", "-ERR x\r\n", ":-12\r\n", "$-1\r\n", "*-1\r\n", "_\r\n",
		",1.5\r\n", "#t\r\n", "(123456789012345678901234567890\r\n",
		"$0\r\n\r\n", "$4\r\na\r\nb\r\n", "=7\r\ntxt:abc\r\n", "!3\r\nERR\r\n",
		"*0\r\n", "*2\r\n$1\r\na\r\n*1\r\n:1\r\n", "%1\r\n+k\r\n~2\r\n:1\r\n:2\r\n",
		">2\r\n+pubsub\r\n$1\r\nx\r\n", "|1\r\n+key\r\n+val\r\n:5\r\n",
	}
	all := strings.Join(replies, "")
	r := bufio.NewReader(strings.NewReader(all))
	for _, want := range replies {
		got, err := diffReadReply(r)
		if err != nil || string(got) != want {
			t.Errorf("diffReadReply = %q, %v; want %q", got, err, want)
		}
	}
	for _, bad := range []string{"+OK\n", "$3\r\nab", "*2\r\n:1\r\n", "?x\r\n", "$3\r\nabcd\r\n", "$x\r\n"} {
		if got, err := diffReadReply(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("diffReadReply(%q) = %q, want error", bad, got)
		}
	}
}

// TestDiffHarness checks that the runner notices differing replies, using
// two tiny fake servers that disagree on some commands.
func TestDiffHarness(t *testing.T) {
	old := diffReplyTimeout
	diffReplyTimeout = 300 * time.Millisecond
	defer func() { diffReplyTimeout = old }()

	fake := func(variant string) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					r := bufio.NewReader(c)
					for {
						cmd, err := diffReadReply(r)
						if err != nil {
							return
						}
						s := string(cmd)
						switch {
						case strings.Contains(s, "GET\r\n$1\r\nx"):
							fmt.Fprintf(c, "$1\r\n%s\r\n", variant)
						case strings.Contains(s, "TIME"):
							fmt.Fprintf(c, "*1\r\n$%d\r\n%s\r\n", len(variant)+1, variant+"1")
						case strings.Contains(s, "SMEMBERS"):
							if variant == "a" {
								io.WriteString(c, "*2\r\n$1\r\na\r\n$1\r\nb\r\n")
							} else {
								io.WriteString(c, "*2\r\n$1\r\nb\r\n$1\r\na\r\n")
							}
						case strings.Contains(s, "HANG") && variant == "b":
						case strings.Contains(s, "QUIT"):
							io.WriteString(c, "+OK\r\n")
							if variant == "a" {
								return
							}
						default:
							io.WriteString(c, "+OK\r\n")
						}
					}
				}()
			}
		}()
		return ln.Addr().String()
	}
	script := `# comment
PING
GET x
!type GET x
!type TIME
TIME
HANG
!unordered
SMEMBERS s
SMEMBERS s
!conn 2
SET k "v w"
QUIT
!closed
`
	lines, err := diffParseScript("fake.txt", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if !diffRunScript("fake.txt", lines, [2]string{fake("a"), fake("b")}, true,
		func(msg string) { got = append(got, msg) }, t.Logf) {
		t.Error("a run without !within was not timely")
	}
	wantPrefixes := []string{"fake.txt:3 [RESP3] conn 1: GET x", "fake.txt:6 [RESP3] conn 1: TIME",
		"fake.txt:7 [RESP3] conn 1: HANG", "fake.txt:10 [RESP3] conn 1: SMEMBERS s",
		"fake.txt:14 [RESP3] conn 2: !closed"}
	if len(got) != len(wantPrefixes) {
		t.Fatalf("got %d mismatches, want %d:\n%s", len(got), len(wantPrefixes), strings.Join(got, "\n"))
	}
	for i, w := range wantPrefixes {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("mismatch %d = %q, want prefix %q", i, got[i], w)
		}
	}
	if !strings.Contains(got[0], `redis: "$1\r\na\r\n"`) || !strings.Contains(got[0], `respd: "$1\r\nb\r\n"`) {
		t.Errorf("mismatch report lacks quoted replies: %s", got[0])
	}
	if !strings.Contains(got[2], `respd: "<timeout>"`) {
		t.Errorf("missing reply not reported as timeout: %s", got[2])
	}

	for _, bad := range []string{"!sleep x", "!conn 0", "!bogus", `!raw "a" "b"`, `SET "a`, "!type", "!closed 1", "!read 1",
		"!within 0\n!sleep 0", "!within 10\nPING", "!within 10\n!within 10\n!sleep 0",
		"!unordered", "!unordered\n!sleep 1\nPING", "!unordered\n!type PING", "!unordered\n!raw \"PING\\r\\n\"",
		"!unordered bogus\nPING", "!unordered pairs pairs\nPING", "!unordered\n!unordered\nPING"} {
		if _, err := diffParseScript("bad.txt", []byte(bad)); err == nil {
			t.Errorf("diffParseScript(%q): want error", bad)
		}
	}

	// A !within stretch that overruns (HANG waits for the 300 ms read
	// timeout) ends the run there, not timely; one in time does not.
	for _, c := range []struct {
		script     string
		timely     bool
		mismatches int
	}{
		{"!within 100\nHANG\n!sleep 0\nGET x\n", false, 1},
		{"!within 60000\nPING\n!sleep 0\nGET x\n", true, 1},
	} {
		lines, err := diffParseScript("within.txt", []byte(c.script))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		timely := diffRunScript("within.txt", lines, [2]string{fake("a"), fake("b")}, false, func(string) { n++ }, t.Logf)
		if timely != c.timely || n != c.mismatches {
			t.Errorf("%q: timely %v with %d mismatches, want %v with %d", c.script, timely, n, c.timely, c.mismatches)
		}
	}
}

func TestDiffSameUnordered(t *testing.T) {
	const (
		plain = iota
		pairs
		scan
		scanPairs
	)
	hows := []diffUnordered{{}, {pairs: true}, {scan: true}, {pairs: true, scan: true}}
	arr := func(elems ...string) string {
		return fmt.Sprintf("*%d\r\n%s", len(elems), strings.Join(elems, ""))
	}
	bulk := func(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }
	a, b, c, d := bulk("a"), bulk("b"), bulk("c"), bulk("d")
	long := bulk(strings.Repeat("x", 10000)) // more than bufio's buffer
	cases := []struct {
		x, y string
		how  int
		want bool
	}{
		{arr(a, b, c), arr(c, a, b), plain, true},
		{arr(a, b, c), arr(c, a, a), plain, false},        // a multiset, not a set
		{arr(a, a, b), arr(a, b, b), plain, false},        // counts matter
		{arr(a, b), arr(a, b, c), plain, false},           // lengths differ
		{"~2\r\n" + a + b, "~2\r\n" + b + a, plain, true}, // RESP3 set
		{"~2\r\n" + a + b, arr(b, a), plain, false},       // types differ
		{arr(a, b), arr(a, b), plain, true},
		{"*0\r\n", "*0\r\n", plain, true},
		{"*0\r\n", "~0\r\n", plain, false},
		{"-ERR x\r\n", "-ERR x\r\n", plain, true},
		{"-ERR x\r\n", "-ERR y\r\n", plain, false},
		{"$-1\r\n", "*-1\r\n", plain, false},
		{"<connection closed>", "<connection closed>", plain, true},
		{arr(a, b), "<timeout>", plain, false},
		{arr(a, b) + "junk", arr(b, a) + "junk", plain, false}, // not one reply
		{arr(long, a) + "junk", arr(a, long) + "junk", plain, false},
		{arr(long, a), arr(a, long), plain, true},
		// nested elements are compared whole
		{arr(arr(a, b), arr(c, d)), arr(arr(c, d), arr(a, b)), plain, true},
		{arr(arr(a, b), arr(c, d)), arr(arr(b, a), arr(c, d)), plain, false},
		// a RESP3 map: key and value stay together
		{"%2\r\n" + a + b + c + d, "%2\r\n" + c + d + a + b, plain, true},
		{"%2\r\n" + a + b + c + d, "%2\r\n" + a + d + c + b, plain, false},
		{"%2\r\n" + a + b + c + d, "%2\r\n" + c + d + a + b, pairs, true},
		// without pairs a flat array is a bag of single elements
		{arr(a, b, c, d), arr(a, d, c, b), plain, true},
		{arr(a, b, c, d), arr(c, d, a, b), pairs, true},
		{arr(a, b, c, d), arr(a, d, c, b), pairs, false},
		{arr(a, b, c), arr(a, b, c), pairs, true},  // odd: byte for byte
		{arr(a, b, c), arr(c, b, a), pairs, false}, // odd: byte for byte
		// pairs: arrays of arrays (RESP3 HRANDFIELD WITHVALUES) are pairs already
		{arr(arr(a, b), arr(c, d)), arr(arr(c, d), arr(a, b)), pairs, true},
		{arr(arr(a, b), arr(c, d)), arr(arr(a, d), arr(c, b)), pairs, false},
		// scan: the cursor exactly, the nested array unordered
		{arr(bulk("0"), arr(a, b, c)), arr(bulk("0"), arr(b, c, a)), scan, true},
		{arr(bulk("0"), arr(a, b, c)), arr(bulk("7"), arr(b, c, a)), scan, false},
		{arr(bulk("0"), arr(a, b, c)), arr(bulk("0"), arr(b, c, c)), scan, false},
		{arr(a, b, c), arr(c, b, a), scan, false}, // not a scan reply
		{arr(bulk("0"), arr(a, b, c, d)), arr(bulk("0"), arr(c, d, a, b)), scanPairs, true},
		{arr(bulk("0"), arr(a, b, c, d)), arr(bulk("0"), arr(a, d, c, b)), scanPairs, false},
		{arr(bulk("0"), arr(a, b, c, d)), arr(bulk("0"), arr(a, d, c, b)), scan, true},
		{"-ERR invalid cursor\r\n", "-ERR invalid cursor\r\n", scan, true},
	}
	for _, c := range cases {
		if got := diffSameUnordered([]byte(c.x), []byte(c.y), hows[c.how]); got != c.want {
			t.Errorf("diffSameUnordered(%q, %q, %+v) = %v, want %v", c.x, c.y, hows[c.how], got, c.want)
		}
		if got := diffSameUnordered([]byte(c.y), []byte(c.x), hows[c.how]); got != c.want {
			t.Errorf("diffSameUnordered(%q, %q, %+v) = %v, want %v", c.y, c.x, hows[c.how], got, c.want)
		}
	}
}
