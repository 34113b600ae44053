package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"respd/internal/aof"
	"respd/internal/keyspace"
)

// MIGRATE, as Redis 7.0's migrateCommand (cluster.c): the keys are DUMPed
// and sent to the target as RESTORE commands (RESTORE-ASKING is cluster
// mode's), after AUTH and SELECT when needed, all in one write; then the
// replies are read. Keys the target acknowledged are deleted here unless
// COPY, and that deletion goes to the AOF and the replicas as one DEL.
//
// Like Redis, MIGRATE is synchronous: the connect, the write and the reads
// happen inside the command, with the data lock held, so the whole server
// waits for the target for up to the timeout at each step, as Redis's event
// loop does. That is what makes the move atomic: no other client sees a
// key both here and there, or neither.

// migrateConn is a connection to a MIGRATE target kept for later MIGRATEs
// (Redis's migrateCachedSocket); the cron closes it after
// migrateConnTTL unused.
type migrateConn struct {
	conn    net.Conn
	dialErr error // why conn is nil: see migrateConnTo
	r       *bufio.Reader
	db      int64 // the database last SELECTed there; -1: unknown
	lastUse time.Time
}

const (
	migrateConnTTL        = 10 * time.Second // MIGRATE_SOCKET_CACHE_TTL
	migrateConnsMax       = 64               // MIGRATE_SOCKET_CACHE_ITEMS
	migrateWriteChunk     = 64 << 10         // the request is written 64 KiB at a time
	migrateDefaultTimeout = 1000             // ms, for a timeout <= 0
)

// migrateOptions are MIGRATE's options after the timeout.
type migrateOptions struct {
	copy, replace  bool
	user, password []byte // password nil: no AUTH
	keys           [][]byte
}

// cmdMigrate: MIGRATE host port key|"" destination-db timeout [COPY]
// [REPLACE] [AUTH password] [AUTH2 username password] [KEYS key ...]
func cmdMigrate(c *Client, args [][]byte) {
	opts, ok := parseMigrateOptions(c, args)
	if !ok {
		return
	}
	timeout, ok := c.intArg(args[5])
	if !ok {
		return
	}
	dbid, ok := c.intArg(args[4])
	if !ok {
		return
	}
	if timeout <= 0 {
		timeout = migrateDefaultTimeout
	}
	// Keys missing (often just expired) are skipped; none at all is not
	// an error but NOKEY.
	var keys [][]byte
	var entries []*keyspace.Entry
	for _, key := range opts.keys {
		if e := c.lookup(key); e != nil {
			keys, entries = append(keys, key), append(entries, e)
		}
	}
	if len(keys) == 0 {
		c.Simple("NOKEY")
		return
	}
	c.srv.migrate(c, string(args[1]), string(args[2]), dbid, time.Duration(min(timeout, math.MaxInt64/int64(time.Millisecond)))*time.Millisecond, opts, keys, entries)
}

// parseMigrateOptions reads the options from the sixth argument on, in
// Redis's order of checks; passwords are hidden from MONITOR.
func parseMigrateOptions(c *Client, args [][]byte) (migrateOptions, bool) {
	opts := migrateOptions{keys: args[3:4]}
	for i := 6; i < len(args); i++ {
		more := len(args) - 1 - i
		switch strings.ToLower(string(args[i])) {
		case "copy":
			opts.copy = true
		case "replace":
			opts.replace = true
		case "auth":
			if more < 1 {
				c.Error(errSyntax)
				return opts, false
			}
			i++
			opts.password = args[i]
			redact(args, i)
		case "auth2":
			if more < 2 {
				c.Error(errSyntax)
				return opts, false
			}
			opts.user, opts.password = args[i+1], args[i+2]
			redact(args, i+1)
			redact(args, i+2)
			i += 2
		case "keys":
			if len(args[3]) != 0 {
				c.Error(errMigrateKeysArg)
				return opts, false
			}
			opts.keys = args[i+1:]
			return opts, true
		default:
			c.Error(errSyntax)
			return opts, false
		}
	}
	return opts, true
}

// migrate moves (or copies) the keys to host:port's database dbid. On an
// I/O error before any reply came, the cached connection may just have
// been closed by the target: it is dialled again once, unless the error
// was a timeout, as Redis retries.
func (s *Server) migrate(c *Client, host, port string, dbid int64, timeout time.Duration, opts migrateOptions, keys [][]byte, entries []*keyspace.Entry) {
	name := host + ":" + port
	for retry := true; ; retry = false {
		mc := s.migrateConnTo(name, host, port, timeout)
		if mc == nil {
			c.Error(errMigrateConnect)
			return
		}
		sel := mc.db != dbid
		req, sent := s.migrateRequest(opts, sel, dbid, keys, entries)
		pre, replies, err, writing := mc.exchange(req, opts.password != nil, sel, len(sent), timeout)
		if err != nil && (writing || len(replies) == 0) {
			s.dropMigrateConn(name)
			if retry && !isTimeout(err) {
				continue
			}
			if writing {
				c.Error(errMigrateWriting)
			} else {
				c.Error(errMigrateReading)
			}
			return
		}
		// The first error of the target's, for the key it answered or for
		// the AUTH or SELECT before; the keys it took are gone from here.
		targetErr := ""
		var deleted [][]byte
		for j, reply := range replies {
			if e := firstErrorReply(append(pre, reply)); e != "" {
				if targetErr == "" {
					mc.db, targetErr = -1, e
				}
				continue
			}
			if !opts.copy {
				c.database().Delete(str(sent[j]))
				c.touch(sent[j])
				c.notify(notifyGeneric, "del", sent[j])
				deleted = append(deleted, sent[j])
			}
		}
		if err != nil {
			s.dropMigrateConn(name)
		}
		if len(deleted) > 0 {
			c.propagate(append([][]byte{[]byte("DEL")}, deleted...)...)
		}
		switch {
		case targetErr != "":
			c.Error(fmt.Sprintf(errMigrateTarget, targetErr))
		case err != nil:
			c.Error(errMigrateReading)
		default:
			mc.db = dbid
			c.OK()
		}
		return
	}
}

// firstErrorReply is the first of the reply lines that is an error,
// without its '-', or "".
func firstErrorReply(lines []string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, "-") {
			return l[1:]
		}
	}
	return ""
}

// migrateRequest is the pipeline sent: AUTH and SELECT when needed, then
// RESTORE key ttl payload [REPLACE] for each key still alive (a key may
// expire while the others are serialised). It returns the keys sent.
func (s *Server) migrateRequest(opts migrateOptions, sel bool, dbid int64, keys [][]byte, entries []*keyspace.Entry) (req []byte, sent [][]byte) {
	if opts.password != nil {
		auth := [][]byte{[]byte("AUTH"), opts.password}
		if opts.user != nil {
			auth = [][]byte{[]byte("AUTH"), opts.user, opts.password}
		}
		req = aof.AppendCommand(req, auth)
	}
	if sel {
		req = aof.AppendCommand(req, [][]byte{[]byte("SELECT"), itoa(dbid)})
	}
	now := time.Now().UnixMilli()
	for j, e := range entries {
		ttl := int64(0)
		if e.Expire != 0 {
			if ttl = e.Expire - now; ttl < 0 {
				continue
			}
			ttl = max(ttl, 1)
		}
		restore := [][]byte{[]byte("RESTORE"), keys[j], itoa(ttl), s.dumpPayload(e)}
		if opts.replace {
			restore = append(restore, []byte("REPLACE"))
		}
		req = aof.AppendCommand(req, restore)
		sent = append(sent, keys[j])
	}
	return req, sent
}

// exchange writes the request and reads the replies, each step within
// timeout: AUTH's and SELECT's (pre) when sent, then one line per RESTORE
// until n or the first I/O error. writing says the error came writing.
func (mc *migrateConn) exchange(req []byte, auth, sel bool, n int, timeout time.Duration) (pre, replies []string, err error, writing bool) {
	if mc.dialErr != nil {
		return nil, nil, mc.dialErr, true
	}
	for len(req) > 0 {
		chunk := req[:min(len(req), migrateWriteChunk)]
		mc.conn.SetWriteDeadline(time.Now().Add(timeout))
		if _, err := mc.conn.Write(chunk); err != nil {
			return nil, nil, err, true
		}
		req = req[len(chunk):]
	}
	for _, sent := range []bool{auth, sel} {
		if sent {
			line, err := mc.readLine(timeout)
			if err != nil {
				return nil, nil, err, false
			}
			pre = append(pre, line)
		}
	}
	for range n {
		line, err := mc.readLine(timeout)
		if err != nil {
			return pre, replies, err, false
		}
		replies = append(replies, line)
	}
	return pre, replies, nil, false
}

// readLine reads one reply line, without its CRLF, within timeout.
func (mc *migrateConn) readLine(timeout time.Duration) (string, error) {
	mc.conn.SetReadDeadline(time.Now().Add(timeout))
	line, err := mc.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// migrateConnTo returns the cached connection to host:port, or dials a new
// one; a full cache drops one at random, as Redis. Redis's blocking
// connect fails only for an address it cannot even start connecting to
// (one that does not resolve): nil here. A connection refused or not made
// within the timeout counts as made, and fails at the first write (with
// the timeout again for the write), as there.
func (s *Server) migrateConnTo(name, host, port string, timeout time.Duration) *migrateConn {
	if mc := s.migrateConns[name]; mc != nil {
		mc.lastUse = time.Now()
		return mc
	}
	if len(s.migrateConns) >= migrateConnsMax {
		for other := range s.migrateConns {
			s.dropMigrateConn(other)
			break
		}
	}
	// Redis takes the port with atoi: digits up to the first other byte.
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, itoaPrefix(port)), 2*timeout)
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	if errors.As(err, &dnsErr) || errors.As(err, &addrErr) {
		return nil
	}
	mc := &migrateConn{conn: conn, dialErr: err, db: -1, lastUse: time.Now()}
	if err == nil {
		mc.r = bufio.NewReader(conn)
	}
	if s.migrateConns == nil {
		s.migrateConns = map[string]*migrateConn{}
	}
	s.migrateConns[name] = mc
	return mc
}

// isTimeout reports whether err is a timeout (Redis's ETIMEDOUT).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// itoaPrefix is C's atoi of s, formatted back: its leading sign and
// digits, 0 if none.
func itoaPrefix(s string) string {
	end := 0
	if end < len(s) && (s[0] == '-' || s[0] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, ok := parseInt64([]byte(strings.TrimPrefix(s[:end], "+")))
	if !ok {
		return "0"
	}
	return string(itoa(n))
}

func (s *Server) dropMigrateConn(name string) {
	if mc := s.migrateConns[name]; mc != nil {
		if mc.conn != nil {
			mc.conn.Close()
		}
		delete(s.migrateConns, name)
	}
}

// closeIdleMigrateConns closes the cached connections unused for
// migrateConnTTL (cron, lock held).
func (s *Server) closeIdleMigrateConns(now time.Time) {
	for name, mc := range s.migrateConns {
		if now.Sub(mc.lastUse) > migrateConnTTL {
			s.dropMigrateConn(name)
		}
	}
}
