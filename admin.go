package main

import (
	"strings"
	"time"
)

// Server administration: TIME, SHUTDOWN (DEBUG is in debug.go).

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
