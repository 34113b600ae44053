package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH and CLIENT.

func cmdPing(c *Client, args [][]byte) {
	if len(args) > 2 {
		c.Error(wrongArity("ping"))
		return
	}
	if c.subs != nil && c.resp == 2 {
		// In subscribed mode a RESP2 reply looks like a message: ["pong", arg].
		c.Array(2)
		c.BulkString("pong")
		if len(args) == 2 {
			c.Bulk(args[1])
		} else {
			c.BulkString("")
		}
		return
	}
	if len(args) == 2 {
		c.Bulk(args[1])
		return
	}
	c.Simple("PONG")
}

func cmdEcho(c *Client, args [][]byte) { c.Bulk(args[1]) }

// cmdQuit answers OK and closes the connection after the reply is flushed;
// the rest of the pipeline is ignored.
func cmdQuit(c *Client, args [][]byte) {
	c.OK()
	c.closing = true
}

// cmdReset returns the connection to its initial state.
func cmdReset(c *Client, args [][]byte) {
	c.multi = nil
	c.unwatchAll()
	c.unsubscribeEverything()
	c.stopMonitoring()
	c.disableTracking()
	c.db = 0
	c.resp = 2
	c.name = ""
	c.replyOff, c.replySkip, c.skipThis = false, false, false
	c.noEvict, c.noTouch = false, false
	c.setDefaultAuth()
	c.Simple("RESET")
}

// cmdHello switches protocol, optionally authenticating and naming the
// connection, and answers with the server's identity.
func cmdHello(c *Client, args [][]byte) {
	proto := int64(c.resp)
	if len(args) > 1 {
		v, ok := parseInt64(args[1])
		if !ok {
			c.Error(errHelloProtoNotInteger)
			return
		}
		if v < 2 || v > 3 {
			c.Error(errNoProto)
			return
		}
		proto = v
	}
	var user, pass, name []byte
	setName := false
	for i := 2; i < len(args); i++ {
		more := len(args) - i - 1
		switch opt := strings.ToLower(string(args[i])); {
		case opt == "auth" && more >= 2:
			user, pass = args[i+1], args[i+2]
			redact(args, i+1)
			redact(args, i+2)
			i += 2
		case opt == "setname" && more >= 1:
			name, setName = args[i+1], true
			i++
		default:
			c.Error(fmt.Sprintf(errHelloOption, args[i]))
			return
		}
	}
	if pass != nil && !c.authenticate(args, user, pass) {
		return
	}
	if !c.authenticated { // not authRequired: Redis 7.0 asks this
		c.Error(errHelloNoAuth)
		return
	}
	if setName && !validClientName(name) {
		c.Error(errInvalidClientName)
		return
	}
	if setName {
		c.name = string(name)
	}
	c.resp = int(proto)
	c.Map(7)
	c.BulkString("server")
	c.BulkString("redis")
	c.BulkString("version")
	c.BulkString(redisVersion)
	c.BulkString("proto")
	c.Int(proto)
	c.BulkString("id")
	c.Int(c.id)
	c.BulkString("mode")
	c.BulkString("standalone")
	c.BulkString("role")
	c.BulkString("master")
	c.BulkString("modules")
	c.Array(0)
}

func cmdAuth(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	user, pass := []byte("default"), args[1]
	if len(args) == 3 {
		user, pass = args[1], args[2]
	}
	for i := 1; i < len(args); i++ {
		redact(args, i) // whatever happens next, as Redis
	}
	if len(args) == 2 && c.srv.acl.defaultUser.NoPass() {
		c.Error(errAuthNotConfigured)
		return
	}
	if c.authenticate(args, user, pass) {
		c.OK()
	}
}

// validClientName accepts printable ASCII without spaces, as Redis.
func validClientName(name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func cmdClientId(c *Client, args [][]byte) { c.Int(c.id) }

func cmdClientSetname(c *Client, args [][]byte) {
	if !validClientName(args[2]) {
		c.Error(errInvalidClientName)
		return
	}
	c.name = string(args[2])
	c.OK()
}

func cmdClientGetname(c *Client, args [][]byte) {
	if c.name == "" {
		c.Null()
		return
	}
	c.BulkString(c.name)
}

func cmdClientSetinfo(c *Client, args [][]byte) {
	attr := strings.ToLower(string(args[2]))
	if attr != "lib-name" && attr != "lib-ver" {
		c.Error(fmt.Sprintf(errClientSetinfoOption, args[2]))
		return
	}
	if !validClientName(args[3]) {
		c.Error(fmt.Sprintf(errClientSetinfoValue, attr))
		return
	}
	if attr == "lib-name" {
		c.libName = string(args[3])
	} else {
		c.libVer = string(args[3])
	}
	c.OK()
}

func cmdClientInfo(c *Client, args [][]byte) { c.Verbatim(c.info(time.Now()) + "\n") }

// cmdClientList: CLIENT LIST [TYPE type] [ID id ...]
func cmdClientList(c *Client, args [][]byte) {
	var ids map[int64]bool
	kind := ""
	for i := 2; i < len(args); i++ {
		switch opt := strings.ToLower(string(args[i])); {
		case opt == "type" && i+1 < len(args):
			kind = strings.ToLower(string(args[i+1]))
			if !knownClientType(kind) {
				c.Error(fmt.Sprintf(errUnknownClientType, args[i+1]))
				return
			}
			i++
		case opt == "id" && i+1 < len(args):
			if ids == nil {
				ids = map[int64]bool{}
			}
			for i++; i < len(args); i++ {
				id, ok := parseInt64(args[i])
				if !ok || id <= 0 {
					c.Error(errInvalidClientID)
					return
				}
				ids[id] = true
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	var b strings.Builder
	now := time.Now()
	for _, cl := range c.srv.sortedClients() {
		if (ids == nil || ids[cl.id]) && (kind == "" || cl.isType(kind)) {
			b.WriteString(cl.info(now))
			b.WriteByte('\n')
		}
	}
	c.Verbatim(b.String())
}

func knownClientType(t string) bool {
	switch t {
	case "normal", "master", "replica", "slave", "pubsub":
		return true
	}
	return false
}

// isType matches CLIENT LIST/KILL's TYPE filter.
func (c *Client) isType(t string) bool {
	switch {
	case c.replica != nil && c.replica.synced:
		return t == "replica" || t == "slave"
	case c.isMaster:
		return t == "master"
	case c.subs != nil:
		return t == "pubsub"
	}
	return t == "normal"
}

// cmdClientKill: CLIENT KILL addr, or CLIENT KILL <filter> <value> ...
func cmdClientKill(c *Client, args [][]byte) {
	if len(args) == 3 {
		for _, cl := range c.srv.clients {
			if cl.addr == string(args[2]) {
				cl.kill()
				c.OK()
				return
			}
		}
		c.Error(errNoSuchClient)
		return
	}
	if len(args)%2 != 0 {
		c.Error(errSyntax)
		return
	}
	match := func(cl *Client) bool { return true }
	skipMe := true
	for i := 2; i < len(args); i += 2 {
		val := string(args[i+1])
		prev := match
		switch strings.ToLower(string(args[i])) {
		case "id":
			id, ok := parseInt64(args[i+1])
			if !ok || id <= 0 {
				c.Error(errClientIDNotPositive)
				return
			}
			match = func(cl *Client) bool { return prev(cl) && cl.id == id }
		case "addr":
			match = func(cl *Client) bool { return prev(cl) && cl.addr == val }
		case "laddr":
			match = func(cl *Client) bool { return prev(cl) && cl.laddr == val }
		case "type":
			t := strings.ToLower(val)
			if !knownClientType(t) {
				c.Error(fmt.Sprintf(errUnknownClientType, val))
				return
			}
			match = func(cl *Client) bool { return prev(cl) && cl.isType(t) }
		case "user":
			u := c.srv.acl.users[val]
			if u == nil {
				c.Error(fmt.Sprintf(errNoSuchUser, val))
				return
			}
			match = func(cl *Client) bool { return prev(cl) && cl.user == u }
		case "skipme":
			switch strings.ToLower(val) {
			case "yes":
				skipMe = true
			case "no":
				skipMe = false
			default:
				c.Error(errSyntax)
				return
			}
		case "maxage":
			age, ok := parseInt64(args[i+1])
			if !ok {
				c.Error(errNotInteger)
				return
			}
			match = func(cl *Client) bool { return prev(cl) && time.Since(cl.createdAt) >= time.Duration(age)*time.Second }
		default:
			c.Error(errSyntax)
			return
		}
	}
	killed := int64(0)
	for _, cl := range c.srv.clients {
		if match(cl) && !(skipMe && cl == c) {
			cl.kill()
			killed++
		}
	}
	c.Int(killed)
}

func cmdClientNoEvict(c *Client, args [][]byte) { c.onOffOption(args[2], &c.noEvict) }

func cmdClientNoTouch(c *Client, args [][]byte) { c.onOffOption(args[2], &c.noTouch) }

func (c *Client) onOffOption(arg []byte, flag *bool) {
	switch strings.ToLower(string(arg)) {
	case "on":
		*flag = true
	case "off":
		*flag = false
	default:
		c.Error(errSyntax)
		return
	}
	c.OK()
}

func cmdClientReply(c *Client, args [][]byte) {
	switch strings.ToLower(string(args[2])) {
	case "on":
		c.replyOff, c.replySkip = false, false
		c.skipThis = false
		c.OK()
	case "off":
		c.replyOff = true
	case "skip":
		if !c.replyOff {
			c.replySkip = true
		}
	default:
		c.Error(errSyntax)
	}
}

// cmdClientPause: CLIENT PAUSE timeout [WRITE|ALL]
func cmdClientPause(c *Client, args [][]byte) {
	ms, ok := c.parseTimeoutMs(args[2])
	if !ok {
		return
	}
	writeOnly := false
	if len(args) > 4 {
		c.Error(errSyntax)
		return
	}
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "write":
			writeOnly = true
		case "all":
		default:
			c.Error(errClientPauseMode)
			return
		}
	}
	if ms > math.MaxInt64-c.nowMs() {
		// Redis adds the timeout to the time now: past LLONG_MAX its end
		// overflows into the past, and nothing is paused.
		c.OK()
		return
	}
	c.srv.pauseClients(time.Now().Add(time.Duration(ms)*time.Millisecond), writeOnly)
	c.OK()
}

func cmdClientUnpause(c *Client, args [][]byte) {
	c.srv.pauseClients(time.Time{}, false)
	c.OK()
}

// cmdClientUnblock: CLIENT UNBLOCK id [TIMEOUT|ERROR] — ends a client's
// wait as if it had timed out, or with an error.
func cmdClientUnblock(c *Client, args [][]byte) {
	if len(args) > 4 {
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "CLIENT"))
		return
	}
	id, ok := parseInt64(args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	withError := false
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "timeout":
		case "error":
			withError = true
		default:
			c.Error(errUnblockReason)
			return
		}
	}
	target := c.srv.clients[id]
	c.Int(int64(boolInt(target != nil && c.srv.unblockClient(target, withError))))
}

func cmdClientHelp(c *Client, args [][]byte) {
	c.Help("CLIENT",
		"CACHING (YES|NO)",
		"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR",
		"    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"    * ID <client-id>",
		"      Kill connections by client id.",
		"    * MAXAGE <maxage>",
		"      Kill connections older than the specified age.",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"UNPAUSE",
		"    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Control the replies sent to the current connection.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
		"         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO",
		"    Report tracking status for the current connection.",
		"SETINFO <option> <value>",
		"    Set client meta attr. Options are:",
		"    * LIB-NAME: the client lib name.",
		"    * LIB-VER: the client lib version.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
		"NO-TOUCH (ON|OFF)",
		"    Will not touch LRU/LFU stats when this mode is on.",
	)
}
