package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Server administration: TIME, DEBUG, SHUTDOWN.

func cmdTime(c *Client, args [][]byte) {
	now := time.Now()
	c.Array(2)
	c.BulkInt(now.Unix())
	c.BulkInt(int64(now.Nanosecond() / 1000))
}

// cmdShutdown: SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success the
// connection just closes, as with Redis.
func cmdShutdown(c *Client, args [][]byte) {
	var save, noSave, force, abort bool
	for _, a := range args[1:] {
		switch strings.ToLower(string(a)) {
		case "save":
			save = true
		case "nosave":
			noSave = true
		case "force":
			force = true
		case "now":
		case "abort":
			abort = true
		default:
			c.Error(errSyntax)
			return
		}
	}
	if (save && noSave) || (abort && len(args) > 2) {
		c.Error(errSyntax)
		return
	}
	if abort {
		c.Error(errNoShutdownInProgress)
		return
	}
	if run := c.srv.busyScript; run != nil && !noSave {
		c.Error(run.busyError()) // it would save the script's writes so far
		return
	}
	c.srv.warnf("User requested shutdown...")
	if err := c.srv.prepareShutdown(save, noSave, force); err != nil && !force {
		c.Error(errShutdownFailed)
		return
	}
	c.closing = true
	// Nothing runs after the final save: the event loop stops at the end
	// of this turn. Shutdown takes the data lock, which this handler holds.
	c.srv.stopping = true
	go c.srv.Shutdown()
}

// cmdDebug: the DEBUG subcommands tools and tests rely on. Like Redis, it
// is refused unless enable-debug-command allows it.
func cmdDebug(c *Client, args [][]byte) {
	if !c.allowedBy(c.srv.cfg.EnableDebugCommand) {
		c.Error(errDebugNotAllowed)
		return
	}
	sub := strings.ToLower(string(args[1]))
	switch {
	case sub == "help" && len(args) == 2:
		c.Help("DEBUG",
			"RELOAD",
			"    Save the RDB on disk and reload it back to memory.",
			"OBJECT <key>",
			"    Show low level info about `key` and associated value.",
			"SET-ACTIVE-EXPIRE <0|1>",
			"    Setting it to 0 disables expiring keys in background when they are not",
			"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
			"    default.",
			"SLEEP <seconds>",
			"    Stop the server for <seconds>. Decimals allowed.",
			"PAUSE-CRON <0|1>",
			"    Stop periodic cron job processing.",
		)
	case sub == "sleep" && len(args) == 3:
		// The whole server stops, as in Redis: the data lock is held.
		secs, _ := strconv.ParseFloat(string(args[2]), 64)
		time.Sleep(time.Duration(secs * float64(time.Second)))
		c.OK()
	case sub == "pause-cron" && len(args) == 3:
		n, _ := strconv.Atoi(string(args[2]))
		c.srv.cronPaused = n != 0
		c.OK()
	case sub == "set-active-expire" && len(args) == 3:
		n, _ := strconv.Atoi(string(args[2]))
		c.srv.activeExpire = n != 0
		c.OK()
	case sub == "reload" && len(args) == 2:
		// Save, empty the keyspace and load the file back, as Redis's
		// DEBUG RELOAD does to prove a dataset survives the round trip.
		if err := c.srv.save(); err != nil {
			c.Error(fmt.Sprintf(errDebugReloadSave, err))
			return
		}
		for _, db := range c.srv.ks.DBs {
			db.TouchAll(nil)
			db.Flush()
		}
		if err := c.srv.LoadRDB(); err != nil {
			c.Error(fmt.Sprintf(errDebugReloadLoad, err))
			return
		}
		c.OK()
	case sub == "object" && len(args) == 3:
		// As Redis's dictFind: a key whose TTL has passed is shown, not
		// expired.
		e := c.database().Peek(string(args[2]))
		if e == nil {
			c.Error(errNoSuchKey)
			return
		}
		c.Simple(fmt.Sprintf("Value at:%p refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d%s",
			e, encoding(e), serializedLength(e, c.srv.cfg.RDBCompression), e.Access, c.idleSeconds(e), debugObjectExtra(e)))
	default:
		c.Error(fmt.Sprintf(errDebugUnknownSubcommand, args[1]))
	}
}
