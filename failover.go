package main

import (
	"math"
	"strings"
	"time"
)

// FAILOVER, as Redis 7.0's failoverCommand (replication.c): a coordinated
// switch of roles between this master and one of its replicas.
//
//  1. Writes are paused (as CLIENT PAUSE WRITE, with a pause of its own
//     that CLIENT UNPAUSE does not end), so the stream stops growing.
//  2. waiting-for-sync: the master waits until the target replica (or,
//     without TO, any replica) has acknowledged the whole stream. Past
//     TIMEOUT it gives up, or with FORCE goes on regardless.
//  3. failover-in-progress: the master makes itself a replica of the
//     target, keeping its data and history, and its PSYNC carries a third
//     argument, FAILOVER: the target, if it still shares our replication
//     id, promotes itself (as REPLICAOF NO ONE) and answers the PSYNC as a
//     master, +CONTINUE normally. Any answer of a master ends the failover
//     and the pause; anything else aborts it: we become a master again.
//
// The target's side is takeOverFromMaster (replication_master.go); the
// PSYNC goes with the master link's handshake (replication_replica.go).

// failoverStatus is INFO's master_failover_state.
type failoverStatus int

const (
	noFailover          failoverStatus = iota
	failoverWaitForSync                // waiting for the target to catch up
	failoverInProgress                 // a replica of the target, PSYNC FAILOVER under way
)

var failoverStatusNames = [...]string{"no-failover", "waiting-for-sync", "failover-in-progress"}

type failoverState struct {
	status failoverStatus
	// The target: given with TO, or the first replica found caught up.
	targeted bool
	host     string
	port     int64
	end      time.Time // TIMEOUT's deadline; zero: none
	force    bool
}

// cmdFailover: FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]
func cmdFailover(c *Client, args [][]byte) {
	s := c.srv
	if len(args) == 2 && strings.EqualFold(string(args[1]), "abort") {
		if s.failover.status == noFailover {
			c.Error(errFailoverNotInProgress)
			return
		}
		s.abortFailover("Failover manually aborted")
		c.OK()
		return
	}
	var timeout, port int64
	var host string
	targeted, force := false, false
	for j := 1; j < len(args); j++ {
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "timeout" && j+1 < len(args) && timeout == 0:
			n, ok := c.intArg(args[j+1])
			if !ok {
				return
			}
			if n <= 0 {
				c.Error(errFailoverTimeout)
				return
			}
			timeout = n
			j++
		case opt == "to" && j+2 < len(args) && !targeted:
			n, ok := c.intArg(args[j+2])
			if !ok {
				return
			}
			host, port, targeted = string(args[j+1]), n, true
			j += 2
		case opt == "force" && !force:
			force = true
		default:
			c.Error(errSyntax)
			return
		}
	}
	switch {
	case s.failover.status != noFailover:
		c.Error(errFailoverInProgress)
		return
	case s.isReplica():
		c.Error(errFailoverOnReplica)
		return
	case len(s.repl.replicas) == 0:
		c.Error(errFailoverNoReplicas)
		return
	case force && (timeout == 0 || !targeted):
		c.Error(errFailoverForce)
		return
	}
	if targeted {
		target := s.findReplica(host, port)
		switch {
		case target == nil:
			c.Error(errFailoverNotReplica)
			return
		case target.replica.state != replicaOnline:
			c.Error(errFailoverNotOnline)
			return
		}
		s.logf("FAILOVER requested to %s:%d.", host, port)
	} else {
		s.logf("FAILOVER requested to any replica.")
	}
	s.failover = failoverState{status: failoverWaitForSync, targeted: targeted, host: host, port: port, force: force}
	if timeout > 0 {
		s.failover.end = time.Now().Add(time.Duration(min(timeout, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond)
	}
	s.pauseForFailover(true)
	c.OK()
}

// findReplica is the replica known by this address and listening port:
// the address it announced, else its connection's.
func (s *Server) findReplica(host string, port int64) *Client {
	for _, c := range s.repl.replicas {
		if strings.EqualFold(host, c.replica.ip) && port == int64(c.replica.port) {
			return c
		}
	}
	return nil
}

// updateFailover moves a failover waiting for its target on (lock held):
// at the end of every turn, where acknowledgements have come in, and from
// the cron, where its timeout comes due.
func (s *Server) updateFailover() {
	f := &s.failover
	if f.status != failoverWaitForSync {
		return
	}
	if !f.end.IsZero() && !time.Now().Before(f.end) {
		if f.force {
			s.logf("FAILOVER to %s:%d time out exceeded, failing over.", f.host, f.port)
			s.failoverToTarget()
		} else {
			s.abortFailover("Replica never caught up before timeout")
		}
		return
	}
	var target *Client
	if f.targeted {
		target = s.findReplica(f.host, f.port)
	} else {
		for _, c := range s.repl.replicas {
			if c.replica.ackOffset == s.repl.offset {
				target = c
				f.targeted, f.host, f.port = true, c.replica.ip, int64(c.replica.port)
				break
			}
		}
	}
	if target != nil && target.replica.ackOffset == s.repl.offset {
		s.logf("Failover target %s:%d is synced, failing over.", f.host, f.port)
		s.failoverToTarget()
	}
}

// failoverToTarget makes this master a replica of the target, as
// REPLICAOF would; its handshake's PSYNC carries FAILOVER.
func (s *Server) failoverToTarget() {
	s.failover.status = failoverInProgress
	s.demote()
	s.startReplication(s.failover.host, int(s.failover.port))
}

// failoverSynced settles a failover in progress on the target's answer to
// PSYNC FAILOVER (lock held): a master's answer (+CONTINUE, or
// +FULLRESYNC after a forced failover) ends it; anything else, or none,
// aborts it. It reports whether the link may go on.
func (s *Server) failoverSynced(reply string) bool {
	if s.failover.status != failoverInProgress {
		return true
	}
	if strings.HasPrefix(reply, "+CONTINUE") || strings.HasPrefix(reply, "+FULLRESYNC") {
		s.clearFailover()
		return true
	}
	s.abortFailover("Failover target rejected psync request")
	return false
}

// abortFailover ends a failover without a switch (lock held): a master that
// had made itself a replica is a master again, with a new replication id
// (as REPLICAOF NO ONE), and writes resume.
func (s *Server) abortFailover(why string) {
	f := &s.failover
	if f.status == noFailover {
		return
	}
	if f.targeted {
		s.logf("FAILOVER to %s:%d aborted: %s", f.host, f.port, why)
	} else {
		s.logf("FAILOVER to any replica aborted: %s", why)
	}
	if f.status == failoverInProgress {
		s.promote()
	}
	s.clearFailover()
}

// clearFailover forgets the failover and lets writes go on (lock held).
func (s *Server) clearFailover() {
	s.failover = failoverState{}
	s.pauseForFailover(false)
	if s.engine != nil {
		s.engine.wake() // to run the writes held meanwhile
	}
}
