package main

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/redcon"
)

// Client-side caching, as Redis 7.0's tracking.c: CLIENT TRACKING, CLIENT
// CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO, and the invalidation
// messages.
//
// In the default mode the server remembers, for every key a tracking
// client read with a read-only command, the ids of those clients (the
// tracking table); when the key changes (signalModifiedKey: Client.touch),
// expires, or the table is over tracking-table-max-keys, each of them is
// sent an invalidation and the key leaves the table, until read again.
// The table is global, as Redis's: a key is the same name in every
// database. In BCAST mode nothing is remembered: a client subscribes to
// prefixes, and at the end of each turn receives the keys under them that
// changed. FLUSHDB and FLUSHALL invalidate everything: a null.
//
// An invalidation is a RESP3 push, [invalidate, [key…]], or, for a RESP2
// client redirecting to a RESP2 connection in subscribed mode, a message
// on __redis__:invalidate. Like every push it goes out under CLIENT REPLY
// OFF too. A client's invalidations of keys it changed itself come after
// the command's reply (after EXEC's), as Redis's tracking_pending_keys.
//
// Nothing here runs until a client turns tracking on: the table stays nil.

// trackingState is the server's side of client-side caching
// (Server.tracking, data lock held).
type trackingState struct {
	// table maps each key tracking clients read to their ids; nil until a
	// client first turns tracking on. A client that turned it off, or
	// left, is forgotten lazily, when the key is invalidated.
	table map[string]map[int64]struct{}
	// items counts the ids in the table (tracking_total_items).
	items int
	// prefixes are the BCAST prefixes, with their clients and the keys
	// under them changed this turn; broadcastDue is set once any has keys.
	prefixes     map[string]*bcastPrefix
	broadcastDue bool
	// clients counts the clients with tracking on (tracking_clients).
	clients int
	// current is the client whose command is running (Redis's
	// current_client), nil outside commands (the cron's expiry). Its own
	// invalidations wait in pending until its command has replied.
	current *Client
	pending []pendingInvalidation
	// evictEffort grows while the table stays over its limit (Redis's
	// trackingLimitUsedSlots' timeout_counter).
	evictEffort int
	// msg is where an invalidation's keys are encoded.
	msg []byte
}

// bcastPrefix is one BCAST prefix: its clients, in the order they
// subscribed, and the keys under it changed this turn, each with the client
// that changed it last (NOLOOP leaves a client's own changes out).
type bcastPrefix struct {
	clients []*Client
	keys    map[string]*Client
}

// pendingInvalidation is an invalidation of the running client's own
// change: a key, or with all a flush.
type pendingInvalidation struct {
	key string
	all bool
}

// clientTracking is a client's tracking mode (Client.tracking, nil while
// tracking is off).
type clientTracking struct {
	redirect                     int64 // 0: none
	bcast, optin, optout, noloop bool
	// caching is CLIENT CACHING's answer, for the next command or
	// transaction (cachingDone).
	caching bool
	// brokenRedir is set once the client redirected to has gone.
	brokenRedir bool
	// prefixes are its BCAST prefixes, sorted (Redis's rax order).
	prefixes []string
}

// ---- Commands

// cmdClientTracking: CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...]
// [BCAST] [OPTIN] [OPTOUT] [NOLOOP], checked in clientCommand's order.
func cmdClientTracking(c *Client, args [][]byte) {
	var opts clientTracking
	var prefixes []string
	for i := 3; i < len(args); i++ {
		more := i < len(args)-1
		switch opt := strings.ToLower(string(args[i])); {
		case opt == "redirect" && more:
			i++
			if opts.redirect != 0 {
				c.Error(errTrackingRedirectTwice)
				return
			}
			id, ok := parseInt64(args[i])
			if !ok {
				c.Error(errNotInteger)
				return
			}
			if c.srv.clients[id] == nil {
				c.Error(errTrackingNoRedirectClient)
				return
			}
			opts.redirect = id
		case opt == "bcast":
			opts.bcast = true
		case opt == "optin":
			opts.optin = true
		case opt == "optout":
			opts.optout = true
		case opt == "noloop":
			opts.noloop = true
		case opt == "prefix" && more:
			i++
			prefixes = append(prefixes, string(args[i]))
		default:
			c.Error(errSyntax)
			return
		}
	}
	switch strings.ToLower(string(args[2])) {
	case "on":
		msg, fatal := c.trackingOptionsError(&opts, prefixes)
		if msg != "" {
			c.Error(msg)
		}
		if fatal {
			return
		}
		c.enableTracking(&opts, prefixes)
	case "off":
		c.disableTracking()
	default:
		c.Error(errSyntax)
		return
	}
	c.OK()
}

// trackingOptionsError checks CLIENT TRACKING ON's options against each
// other and the client's current mode: the error, and whether it refuses
// the command (see prefixCollision for one that doesn't).
func (c *Client) trackingOptionsError(opts *clientTracking, prefixes []string) (msg string, fatal bool) {
	t := c.tracking
	switch {
	case !opts.bcast && len(prefixes) > 0:
		return errTrackingPrefixNeedsBcast, true
	case t != nil && t.bcast != opts.bcast:
		return errTrackingSwitchBcast, true
	case opts.bcast && (opts.optin || opts.optout):
		return errTrackingBcastOptinOptout, true
	case opts.optin && opts.optout:
		return errTrackingOptinAndOptout, true
	case t != nil && ((opts.optin && t.optout) || (opts.optout && t.optin)):
		return errTrackingSwitchOptinOptout, true
	case opts.bcast:
		return c.prefixCollision(prefixes)
	}
	return "", false
}

// prefixCollision finds a prefix that overlaps one the client has, or one
// given after it (two prefixes overlap when one starts the other: a key
// would be announced for both), as checkPrefixCollisionsOrReply. Redis
// 7.0's returns the index of a prefix overlapping a later one as its
// verdict, so that such an overlap refuses the command only when it is
// the first prefix's: otherwise the error is followed by tracking on with
// every prefix and OK, two replies to one command, which clients see.
func (c *Client) prefixCollision(prefixes []string) (msg string, fatal bool) {
	var mine []string
	if c.tracking != nil {
		mine = c.tracking.prefixes
	}
	overlap := func(a, b string) bool { return strings.HasPrefix(a, b) || strings.HasPrefix(b, a) }
	for i, p := range prefixes {
		for _, old := range mine {
			if overlap(old, p) {
				return fmt.Sprintf(errTrackingPrefixOverlapsExisting, p, old), true
			}
		}
		for _, other := range prefixes[i+1:] {
			if overlap(p, other) {
				return fmt.Sprintf(errTrackingPrefixOverlapsGiven, p, other), i == 0
			}
		}
	}
	return "", false
}

// enableTracking turns tracking on, or changes its options (Redis's
// enableTracking): a pending CLIENT CACHING and BCAST prefixes already
// subscribed stay.
func (c *Client) enableTracking(opts *clientTracking, prefixes []string) {
	ts := &c.srv.tracking
	t := c.tracking
	if t == nil {
		t = &clientTracking{}
		c.tracking = t
		ts.clients++
	}
	if ts.table == nil {
		ts.table = map[string]map[int64]struct{}{}
		ts.prefixes = map[string]*bcastPrefix{}
	}
	t.redirect, t.brokenRedir = opts.redirect, false
	t.bcast, t.optin, t.optout, t.noloop = opts.bcast, opts.optin, opts.optout, opts.noloop
	if t.bcast {
		if len(prefixes) == 0 {
			prefixes = []string{""}
		}
		for _, p := range prefixes {
			c.subscribePrefix(p)
		}
	}
}

// subscribePrefix adds a BCAST prefix to the client's, unless it has it.
func (c *Client) subscribePrefix(p string) {
	ts := &c.srv.tracking
	t := c.tracking
	i, found := slices.BinarySearch(t.prefixes, p)
	if found {
		return
	}
	t.prefixes = slices.Insert(t.prefixes, i, p)
	bp := ts.prefixes[p]
	if bp == nil {
		bp = &bcastPrefix{keys: map[string]*Client{}}
		ts.prefixes[p] = bp
	}
	bp.clients = append(bp.clients, c)
}

// disableTracking turns tracking off (CLIENT TRACKING OFF, RESET, a
// disconnection). The keys it read stay in the table until invalidated.
func (c *Client) disableTracking() {
	t := c.tracking
	if t == nil {
		return
	}
	ts := &c.srv.tracking
	for _, p := range t.prefixes {
		bp := ts.prefixes[p]
		i := slices.Index(bp.clients, c)
		bp.clients = slices.Delete(bp.clients, i, i+1)
		if len(bp.clients) == 0 {
			delete(ts.prefixes, p)
		}
	}
	c.tracking = nil
	ts.clients--
}

// cmdClientCaching: CLIENT CACHING YES|NO, for the next command: YES in
// OPTIN mode tracks its keys, NO in OPTOUT mode doesn't.
func cmdClientCaching(c *Client, args [][]byte) {
	t := c.tracking
	if t == nil {
		c.Error(errCachingNotTracking)
		return
	}
	switch strings.ToLower(string(args[2])) {
	case "yes":
		if !t.optin {
			c.Error(errCachingYesNeedsOptin)
			return
		}
	case "no":
		if !t.optout {
			c.Error(errCachingNoNeedsOptout)
			return
		}
	default:
		c.Error(errSyntax)
		return
	}
	t.caching = true
	c.OK()
}

// cmdClientGetredir: the client invalidations are redirected to, 0 for
// none, -1 while tracking is off.
func cmdClientGetredir(c *Client, args [][]byte) {
	if c.tracking == nil {
		c.Int(-1)
		return
	}
	c.Int(c.tracking.redirect)
}

// cmdClientTrackinginfo: the client's tracking flags, redirection and
// prefixes.
func cmdClientTrackinginfo(c *Client, args [][]byte) {
	t := c.tracking
	flags := []string{"off"}
	redirect := int64(-1)
	var prefixes []string
	if t != nil {
		flags = []string{"on"}
		if t.bcast {
			flags = append(flags, "bcast")
		}
		if t.optin {
			flags = append(flags, "optin")
			if t.caching {
				flags = append(flags, "caching-yes")
			}
		}
		if t.optout {
			flags = append(flags, "optout")
			if t.caching {
				flags = append(flags, "caching-no")
			}
		}
		if t.noloop {
			flags = append(flags, "noloop")
		}
		if t.brokenRedir {
			flags = append(flags, "broken_redirect")
		}
		redirect = t.redirect
		prefixes = t.prefixes
	}
	c.Map(3)
	c.BulkString("flags")
	c.Set(len(flags))
	for _, f := range flags {
		c.BulkString(f)
	}
	c.BulkString("redirect")
	c.Int(redirect)
	c.BulkString("prefixes")
	c.BulkStrings(prefixes)
}

// ---- Remembering what was read

// trackingAfterCommand is call()'s part for a tracking client, after the
// command ran: a read-only command's keys are remembered (default mode, as
// OPTIN/OPTOUT and CLIENT CACHING decide), and CLIENT CACHING's answer is
// spent.
func (s *Server) trackingAfterCommand(c *Client, cmd *Command, args [][]byte) {
	t := c.tracking
	if t == nil {
		return // the command turned tracking off
	}
	if cmd.has(flagReadonly) && !t.bcast && !((t.optin && !t.caching) || (t.optout && t.caching)) {
		s.rememberKeys(c, cmd, args)
	}
	c.cachingDone(cmd)
}

// rememberKeys adds c to the table for each key of the command.
func (s *Server) rememberKeys(c *Client, cmd *Command, args [][]byte) {
	ts := &s.tracking
	keys, ok := commandKeyRefs(cmd, args)
	if !ok {
		return
	}
	for _, k := range keys {
		key := args[k.pos]
		ids := ts.table[string(key)]
		if ids == nil {
			ids = map[int64]struct{}{}
			ts.table[string(key)] = ids
		}
		if _, ok := ids[c.id]; !ok {
			ids[c.id] = struct{}{}
			ts.items++
		}
	}
}

// cachingDone spends CLIENT CACHING's answer once the command or
// transaction it applied to is over, as Redis's resetClient: not while a
// transaction is queued or runs, and not after another CLIENT subcommand.
func (c *Client) cachingDone(cmd *Command) {
	t := c.tracking
	switch {
	case !t.caching || c.srv.inExec:
	case cmd != nil && cmd.parent != nil && cmd.parent.Name == "client":
	case c.multi != nil && (cmd == nil || cmd.Name != "exec"):
	default:
		t.caching = false
	}
}

// ---- Invalidating

// invalidateTracked is signalModifiedKey's part for client-side caching
// (trackingInvalidateKey): c changed key (nil: it expired). It costs a
// nil check until a client turns tracking on.
func (s *Server) invalidateTracked(c *Client, key string) {
	if s.tracking.table != nil {
		s.invalidateKey(c, key, true)
	}
}

// invalidateKey sends the clients that read key an invalidation, and
// forgets them; with bcast, the key is also noted for the BCAST prefixes
// it is under.
func (s *Server) invalidateKey(c *Client, key string, bcast bool) {
	ts := &s.tracking
	if bcast && len(ts.prefixes) > 0 {
		s.noteForBroadcast(c, key)
	}
	ids := ts.table[key]
	if ids == nil {
		return
	}
	delete(ts.table, key)
	ts.items -= len(ids)
	for _, id := range sortedIDs(ids) {
		target := s.clients[id]
		switch {
		case target == nil || target.tracking == nil || target.tracking.bcast:
		case target == ts.current && target.tracking.noloop:
		case target == ts.current:
			ts.pending = append(ts.pending, pendingInvalidation{key: strings.Clone(key)})
		default:
			ts.msg = appendKeysArray(ts.msg[:0], []string{key})
			s.sendInvalidation(target, ts.msg)
		}
	}
}

// sortedIDs lists a key's clients by id, so that a client receiving the
// invalidations of several (by redirection) gets them in a fixed order.
func sortedIDs(ids map[int64]struct{}) []int64 {
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.Sort(list)
	return list
}

// noteForBroadcast records key, changed by c, under each BCAST prefix it
// starts with, for the end of the turn (broadcastInvalidations).
func (s *Server) noteForBroadcast(c *Client, key string) {
	ts := &s.tracking
	var kept string
	for p, bp := range ts.prefixes {
		if !strings.HasPrefix(key, p) {
			continue
		}
		if kept == "" {
			kept = strings.Clone(key)
		}
		bp.keys[kept] = c
		ts.broadcastDue = true
	}
	if ts.broadcastDue && ts.current == nil && s.engine != nil {
		s.engine.wake() // changed by the cron: a turn sends it
	}
}

// broadcastInvalidations sends each BCAST prefix's clients the keys under
// it changed this turn, sorted, leaving out for a NOLOOP client those it
// changed itself (beforeSleep, once per turn).
func (s *Server) broadcastInvalidations() {
	ts := &s.tracking
	ts.broadcastDue = false
	names := make([]string, 0, len(ts.prefixes))
	for p := range ts.prefixes {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		bp := ts.prefixes[p]
		if len(bp.keys) == 0 {
			continue
		}
		keys := make([]string, 0, len(bp.keys))
		for k := range bp.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		all := appendKeysArray(nil, keys)
		for _, c := range bp.clients {
			if !c.tracking.noloop {
				s.sendInvalidation(c, all)
				continue
			}
			others := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return bp.keys[k] == c })
			if len(others) > 0 {
				s.sendInvalidation(c, appendKeysArray(nil, others))
			}
		}
		clear(bp.keys)
	}
}

// invalidateAllTracked is a flush's invalidation (FLUSHDB, FLUSHALL:
// trackingInvalidateKeysOnFlush): every tracking client is sent a null,
// meaning every key, and the table is emptied.
func (s *Server) invalidateAllTracked() {
	ts := &s.tracking
	if ts.table == nil {
		return
	}
	if ts.clients > 0 {
		for _, c := range s.sortedClients() {
			switch {
			case c.tracking == nil:
			case c == ts.current:
				ts.pending = append(ts.pending, pendingInvalidation{all: true})
			default:
				s.sendInvalidation(c, nullFor(c))
			}
		}
	}
	ts.table = map[string]map[int64]struct{}{}
	ts.items = 0
}

// nullFor is the null of a flush's invalidation, in the protocol of the
// tracking client (not of the one it redirects to), as Redis.
func nullFor(c *Client) []byte {
	if c.resp == 3 {
		return []byte("_\r\n")
	}
	return []byte("$-1\r\n")
}

// sendPendingInvalidations sends c the invalidations of its own changes,
// after its command's reply (trackingHandlePendingKeyInvalidations).
func (s *Server) sendPendingInvalidations(c *Client) {
	ts := &s.tracking
	pending := ts.pending
	ts.pending = nil
	if c.tracking == nil {
		return
	}
	for _, p := range pending {
		if p.all {
			s.sendInvalidation(c, nullFor(c))
		} else {
			ts.msg = appendKeysArray(ts.msg[:0], []string{p.key})
			s.sendInvalidation(c, ts.msg)
		}
	}
}

// sendInvalidation sends a tracking client's invalidation (keys: an
// encoded array of keys, or a null), as Redis's sendTrackingMessage: to the
// client it redirects to if any (telling it, in RESP3, once that one has
// gone); as a push in RESP3; in RESP2 only through a redirection to a
// client in subscribed mode, as a message on __redis__:invalidate.
func (s *Server) sendInvalidation(c *Client, keys []byte) {
	t := c.tracking
	target := c
	if t.redirect != 0 {
		target = s.clients[t.redirect]
		if target == nil {
			t.brokenRedir = true
			if c.resp == 3 {
				c.w.WriteRaw([]byte(">2\r\n$21\r\ntracking-redir-broken\r\n"))
				c.w.WriteInt64(t.redirect)
				s.trackingTouch(c)
			}
			return
		}
	}
	switch {
	case target.closing:
		return
	case target.resp == 3:
		target.w.WriteRaw([]byte(">2\r\n$10\r\ninvalidate\r\n"))
	case t.redirect != 0 && target.subs != nil:
		target.w.WriteRaw([]byte("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"))
	default:
		return // RESP2 has no room for it on the client's own connection
	}
	target.w.WriteRaw(keys)
	s.trackingTouch(target)
}

// trackingTouch has c's output written; outside a command (the cron's
// expiry) it has the engine take a turn for it.
func (s *Server) trackingTouch(c *Client) {
	s.touch(c)
	if s.tracking.current == nil && s.engine != nil {
		s.engine.wake()
	}
}

// appendKeysArray encodes keys as a RESP array of bulk strings.
func appendKeysArray(b []byte, keys []string) []byte {
	b = redcon.AppendArray(b, len(keys))
	for _, k := range keys {
		b = redcon.AppendBulkString(b, k)
	}
	return b
}

// limitTrackingTable invalidates random keys while the table is over
// tracking-table-max-keys (0: no limit), with an effort that grows each
// time it stays over, as trackingLimitUsedSlots; called before each
// command while a client tracks.
func (s *Server) limitTrackingTable() {
	ts := &s.tracking
	limit := s.cfg.TrackingTableMaxKeys
	if ts.table == nil || limit == 0 {
		return
	}
	if int64(len(ts.table)) <= limit {
		ts.evictEffort = 0
		return
	}
	for effort := 100 * (ts.evictEffort + 1); effort > 0; effort-- {
		for key := range ts.table { // a random key: Go's map order
			s.invalidateKey(nil, key, false)
			break
		}
		if int64(len(ts.table)) <= limit {
			ts.evictEffort = 0
			return
		}
	}
	ts.evictEffort++
}

// trackingFlags are CLIENT LIST's tracking flags: t, then R once its
// redirection broke, B in BCAST mode.
func (c *Client) trackingFlags(f []byte) []byte {
	t := c.tracking
	if t == nil {
		return f
	}
	f = append(f, 't')
	if t.brokenRedir {
		f = append(f, 'R')
	}
	if t.bcast {
		f = append(f, 'B')
	}
	return f
}

// trackingRedirect is CLIENT LIST's redir field.
func (c *Client) trackingRedirect() string {
	if c.tracking == nil {
		return "-1"
	}
	return strconv.FormatInt(c.tracking.redirect, 10)
}
