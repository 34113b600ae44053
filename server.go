package main

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"time"

	"respd/internal/acl"
	"respd/internal/keyspace"
	"respd/internal/lualib"
)

// Server is one respd instance. mu is the one data lock: every command runs
// holding it, so commands are atomic as in single-threaded Redis. The event
// loop holds it for each turn; the cron takes it between turns.
type Server struct {
	mu  sync.Mutex
	cfg *Config
	ks  *keyspace.Keyspace

	listeners []*net.TCPListener // one per address of the bind list
	startedAt time.Time
	runID     string
	repl      replication
	// failover is FAILOVER's progress (failover.go).
	failover failoverState
	// migrateConns are MIGRATE's cached connections by "host:port"
	// (migrate.go).
	migrateConns map[string]*migrateConn
	// replicaRole mirrors repl.master != nil for the log's role letter,
	// which goroutines without the lock write too.
	replicaRole atomic.Bool
	// loadedRepl is the replication state found in the RDB loaded last.
	loadedRepl savedReplication

	clients      map[int64]*Client
	nextClientID atomic.Int64

	// CLIENT PAUSE: commands wait until pauseUntil (unix ns); with
	// pauseWriteOnly only writes do. Atomics keep the check off the lock.
	// A FAILOVER pauses writes with pauseFailover, a pause of its own that
	// CLIENT UNPAUSE leaves alone (Redis's PAUSE_DURING_FAILOVER).
	pauseUntil     atomic.Int64
	pauseWriteOnly atomic.Bool
	pauseFailover  atomic.Bool
	stats          stats
	cmdStats       []commandStats // by Command.index
	slowlog        slowlog        // slowlog.go
	latency        latencyMonitor // latency.go

	// Persistence: RDB saves, AOF rewrites, and the AOF itself (nil
	// unless appendonly is on).
	rdb     rdbState
	rewrite aofRewriteState
	aof     *aofState
	commits aofCommits
	// blocking is the clients blocked on keys (blocking.go).
	blocking blockingState
	// inExec is set while EXEC runs its queue; execPropagated once a write
	// in it has been propagated (after a MULTI).
	inExec, execPropagated bool

	engine engine
	// acl is the users and the ACL log (acl.go).
	acl *aclState
	// scripting is the Lua interpreter and its scripts (scripting.go),
	// nil until the first script.
	scripting *scripting
	// busyScript is the script running past busy-reply-threshold: while
	// it runs, the engine serves the other clients (to refuse them BUSY,
	// or let them kill it) and nothing else takes the lock (lockIdle).
	// scriptEnded is signalled when it ends.
	busyScript  *scriptRun
	scriptEnded *sync.Cond
	// eviction is maxmemory's state (maxmemory.go); preCommandOOM is
	// whether memory was over maxmemory before the command running, which
	// scripts refuse their denyoom commands on.
	eviction      evictionState
	preCommandOOM bool
	// scriptRand is math.random's generator: one for the process, as
	// Redis's, kept across SCRIPT FLUSH.
	scriptRand *lualib.Rand48
	// replies lends clients the buffers their replies are encoded into
	// and their output queues' blocks (data lock held).
	replies bufferPool
	// rand picks random elements (HRANDFIELD, SRANDMEMBER, SPOP).
	rand        *rand.Rand
	idleRelease idleRelease
	// lazyfree counts the values left to the collector in the background
	// (lazyfree.go); startupMemory is used_memory once the server is set
	// up (MEMORY STATS' startup.allocated).
	lazyfree      lazyFree
	startupMemory uint64
	// keyspaceEvents, when set, receives every keyspace event (notify):
	// publishKeyspaceEvent while notify-keyspace-events enables any.
	keyspaceEvents keyspaceEventSink
	pubsub         pubsubState
	// monitors are the clients in MONITOR mode; monitorLine is where a
	// command's line is formatted, once for all of them (monitor.go).
	monitors    []*Client
	monitorLine []byte
	tracking    trackingState // client-side caching (tracking.go)
	loading     loadingState
	// touched are the clients with output to write at the end of this
	// turn; held those whose held requests the turn's end retries.
	touched, held []*Client
	stopping      bool // Shutdown asked the event loop to stop
	// closingClients were killed (CLIENT KILL, timeout) and are closed by
	// the event loop at the end of its turn.
	closingClients []*Client
	shutdownOnce   sync.Once
	loopDone       chan struct{}
	done           chan struct{}
	// savers are the goroutines writing a background save or an AOF
	// rewrite, and the load at start (it opens the AOF): Shutdown returns
	// once they have stopped, so that none renames or creates a file
	// under a server started after it, or in a directory removed.
	savers sync.WaitGroup
	// cmdTimeMs is the time of the command being executed (Unix ms).
	cmdTimeMs int64
	// turnStart is when the event loop's current turn began.
	turnStart time.Time
	// activeExpire can be switched off by DEBUG SET-ACTIVE-EXPIRE 0, and
	// the whole cron by DEBUG PAUSE-CRON 1.
	activeExpire bool
	cronPaused   bool
	logger       *log.Logger
}

// NewServer builds a server from a validated configuration.
func NewServer(cfg *Config) *Server {
	s := &Server{
		cfg:          cfg,
		ks:           keyspace.New(cfg.Databases),
		startedAt:    time.Now(),
		rdb:          rdbState{lastSave: time.Now(), lastOK: true, lastSeconds: -1},
		rewrite:      aofRewriteState{lastOK: true, lastSeconds: -1},
		runID:        randomHex(40),
		repl:         replication{id: randomHex(40), id2: zeroReplID, secondOffset: -1, seldb: -1, streamDB: -1},
		clients:      map[int64]*Client{},
		cmdStats:     make([]commandStats, len(commandTable)),
		done:         make(chan struct{}),
		loopDone:     make(chan struct{}),
		activeExpire: true,
		logger:       log.New(os.Stderr, "", 0),
		rand:         rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		acl:          newACLState(cfg),
	}
	s.ks.OnExpire = s.onExpire
	s.ks.OnStore = s.keyReady
	s.ks.OnDelete = s.keyReady
	s.ks.OnFlush = func(db int) {
		s.keysReplaced(db)
		s.collectFlushed()
	}
	s.applyKeyspaceEvents()
	s.applyEvictionPolicy()
	s.applyMaxmemory()
	s.stats.init()
	s.commits.done = sync.NewCond(&s.mu)
	s.scriptEnded = sync.NewCond(&s.mu)
	s.startupMemory = usedMemory()
	return s
}

// Serve runs the I/O engine until Shutdown. With load, it loads the data
// meanwhile (loadAtStart), as a server process starts; without, the data
// was loaded before (LoadData).
func (s *Server) Serve(load bool) error {
	e, err := s.newEngine()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.engine = e
	if load {
		// Loading begins before the engine's first turn: a request that
		// arrived with the first connection is answered LOADING, never
		// run on the empty dataset the load is about to fill.
		s.beginLoading(s.startLoadSize())
		s.savers.Add(1)
		go s.loadAtStart()
	} else {
		s.startServices()
	}
	s.mu.Unlock()
	e.run()
	s.mu.Lock()
	if s.repl.master != nil {
		s.repl.master.shutdown()
	}
	s.closeAOF()
	s.mu.Unlock()
	s.closeListeners()
	close(s.loopDone)
	<-s.done
	return nil
}

// beforeSleep is the server's end of an event-loop turn, as Redis's
// beforeSleep: every engine calls it once per turn, with the data lock
// held, after the turn's requests ran and before it writes their replies.
// It writes the AOF and, under appendfsync always, commits it (commitAOF);
// then sends the stream to the backlog and the replicas (after the AOF, as
// Redis), and ends the WAITs now satisfied or timed out. It returns the
// clients it unblocked: the engine writes their replies and resumes their
// held requests.
func (s *Server) beforeSleep() (unblocked []*Client) {
	if s.tracking.broadcastDue {
		s.broadcastInvalidations()
	}
	s.commitAOF()
	s.flushReplication()
	s.updateFailover() // the turn may have brought the target's ACK
	return s.serveWaits()
}

// lockIdle takes the data lock for work other than clients' requests (the
// cron, the master's stream, persistence, replication): a script past
// busy-reply-threshold lets go of the lock only for clients to be
// answered, as Redis's processEventsWhileBlocked serves no timers, so this
// waits for the script to end.
func (s *Server) lockIdle() {
	s.mu.Lock()
	for s.busyScript != nil {
		s.scriptEnded.Wait()
	}
}

// locked is fn's result, computed with the data lock held.
func locked[T any](s *Server, fn func() T) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn()
}

// startServices starts what runs once the data is loaded: the cron and,
// on a replica, the link to the master (lock held).
func (s *Server) startServices() {
	if r := s.cfg.ReplicaOf; r.Host != "" {
		s.startReplication(r.Host, r.Port)
	}
	go s.cron()
}

// Shutdown stops accepting, lets the command in flight finish, and closes
// every client. It is safe to call more than once, from any goroutine.
func (s *Server) Shutdown() {
	s.shutdownOnce.Do(func() {
		s.mu.Lock()
		s.stopping = true
		e := s.engine
		s.mu.Unlock()
		if e != nil {
			e.wake()
			<-s.loopDone
		} else {
			s.closeListeners()
		}
		s.savers.Wait()
		close(s.done)
	})
}

// Log levels, as Redis's loglevel: a line is written when its level is at
// least the setting's; the mark after the time tells them apart.
const (
	logDebug = iota
	logVerbose
	logNotice
	logWarning
	logNothing
)

var (
	logLevelNames = []string{"debug", "verbose", "notice", "warning", "nothing"}
	logLevelMarks = []byte{'.', '-', '*', '#'}
)

// logf logs at the notice level, warnf at the warning level.
func (s *Server) logf(format string, args ...any)  { s.logAt(logNotice, format, args...) }
func (s *Server) warnf(format string, args ...any) { s.logAt(logWarning, format, args...) }

func (s *Server) logAt(level int32, format string, args ...any) {
	if level < s.cfg.logLevel.Load() {
		return
	}
	role := 'M'
	if s.replicaRole.Load() {
		role = 'S'
	}
	s.logger.Printf("%d:%c %s %c %s", os.Getpid(), role, time.Now().Format("02 Jan 2006 15:04:05.000"), logLevelMarks[level], fmt.Sprintf(format, args...))
}

// newClient registers an accepted connection; the engine gives it its
// output (c.w) and, if it parses requests itself, its reader.
func (s *Server) newClient(fd int, addr, laddr string) *Client {
	now := time.Now()
	c := &Client{
		srv:       s,
		fd:        fd,
		id:        s.nextClientID.Add(1),
		addr:      addr,
		laddr:     laddr,
		createdAt: now,
		lastCmdAt: now,
		resp:      2,
		lastCmd:   "NULL",
	}
	c.setDefaultAuth()
	s.clients[c.id] = c
	s.stats.connections++
	return c
}

// forgetClient drops a client whose connection was closed.
func (s *Server) forgetClient(c *Client) {
	if c.blocked != nil && c.blocked.keys != nil {
		s.unblockKeys(c)
	}
	c.unwatchAll()
	c.unsubscribeEverything()
	c.stopMonitoring()
	c.disableTracking()
	s.forgetReplica(c)
	delete(s.clients, c.id)
}

// isWrite is Redis's is_write_command: a write, or an EXEC of a
// transaction holding one.
func (c *Client) isWrite(cmd *Command) bool {
	return cmd.has(flagWrite) || (cmd.Name == "exec" && c.multi != nil && c.multi.writes)
}

// dispatch runs the checks of Redis's processCommand in its order, then
// the command. The data lock is held.
func (s *Server) dispatch(c *Client, args [][]byte) { s.dispatchAt(c, args, s.now()) }

// dispatchAt is dispatch of a command starting at now; it returns when it
// ended (now if it did not run). In a batch of commands one's end is the
// next one's start: a clock reading per command instead of two, which is
// a tenth of the CPU of pipelined PINGs.
func (s *Server) dispatchAt(c *Client, args [][]byte, now time.Time) (end time.Time) {
	s.cmdTimeMs = now.UnixMilli()
	c.lastCmdAt = now
	c.skipThis = c.replySkip
	c.replySkip = false
	if s.tracking.clients > 0 {
		s.limitTrackingTable()
	}
	cmd, errMsg, denial, pos := s.checkCommand(c, args)
	if cmd != nil {
		c.lastCmd = cmd.FullName
	}
	if errMsg != "" {
		if cmd != nil {
			s.cmdStats[cmd.index].rejected++
		}
		if denial != acl.Allowed {
			context := "toplevel"
			if c.multi != nil {
				context = "multi"
			}
			s.aclLogDenial(c, denial, context, cmd, args, pos)
		}
		if c.multi != nil {
			c.multi.dirty = true
		}
		if c.tracking != nil {
			c.cachingDone(cmd)
		}
		if cmd != nil && cmd.Name == "exec" {
			// The EXEC is shown to monitors all the same, as Redis's
			// execCommandAbort does.
			if len(s.monitors) > 0 {
				s.feedMonitors(c, args)
			}
			c.abortExec(errMsg)
			return now
		}
		c.Error(errMsg)
		return now
	}
	if c.multi != nil && !cmd.has(flagMultiControl) {
		c.multi.queue = append(c.multi.queue, queuedCommand{cmd, cloneArgs(args)})
		c.multi.writes = c.multi.writes || cmd.has(flagWrite)
		c.Simple("QUEUED")
		return now
	}
	now = s.call(c, cmd, args, now)
	if len(s.blocking.ready) > 0 {
		s.serveReadyKeys()
	}
	return now
}

// endsMulti reports whether the command is one that a client in MULTI
// may send when memory is over maxmemory: it ends the transaction or the
// connection without queueing anything.
func endsMulti(name string) bool {
	switch name {
	case "exec", "discard", "quit", "reset":
		return true
	}
	return false
}

// checkCommand resolves a request and runs Redis's checks on it, in the
// order of processCommand: the command, and the error that refuses it, if
// any, with the ACL's denial and the argument it concerns if the ACL
// refused it. It changes nothing but the keys maxmemory evicts.
func (s *Server) checkCommand(c *Client, args [][]byte) (cmd *Command, errMsg string, denial acl.Denial, pos int) {
	cmd, errMsg = s.lookupCommand(args)
	switch {
	case errMsg != "":
		return cmd, errMsg, acl.Allowed, 0
	case c.authRequired() && !cmd.has(flagNoAuth):
		return cmd, errNoAuth, acl.Allowed, 0
	case c.multi != nil && cmd.has(flagNoMulti):
		return cmd, errCommandInMulti, acl.Allowed, 0
	case c.isMaster || c.loadingAOF:
		// The master's stream and the AOF are obeyed as they come: Redis
		// runs them past none of the checks below.
		return cmd, "", acl.Allowed, 0
	}
	if denial, pos = c.aclCheck(cmd, args); denial != acl.Allowed {
		return cmd, aclDeniedText(denial, cmd), denial, pos
	}
	if s.cfg.MaxMemory != 0 && s.busyScript == nil {
		// Keys are evicted here, as in processCommand. Inside MULTI
		// everything queued takes memory: only EXEC, DISCARD, QUIT and
		// RESET pass.
		s.preCommandOOM = s.outOfMemory(args)
		denyOOM := cmd.has(flagDenyOOM) || c.multi != nil && !endsMulti(cmd.Name)
		if s.preCommandOOM && (denyOOM || s.scriptDeniesOOM(cmd, args)) {
			return cmd, errOOM, acl.Allowed, 0
		}
	}
	switch {
	case s.diskError() != "" && (c.isWrite(cmd) || cmd.Name == "ping"):
		errMsg = s.diskError()
	case s.minReplicasEnabled() && c.isWrite(cmd) && s.goodReplicas() < s.cfg.MinReplicasToWrite:
		errMsg = errNoGoodReplicas
	case s.cfg.replicaReadOnly() && c.isWrite(cmd):
		errMsg = errReadonly
	case c.subs != nil && c.resp == 2 && !cmd.has(flagPubsubContext):
		// RESP2's subscribed mode: replies and messages share the
		// connection, so only what a subscriber needs is allowed.
		errMsg = fmt.Sprintf(errPubsubContext, cmd.FullName)
	case s.staleRefused() && !cmd.has(flagStale):
		errMsg = errMasterDown
	case s.loading.active && !cmd.has(flagLoading):
		errMsg = errLoading
	case s.busyScript != nil && !cmd.has(flagAllowBusy):
		errMsg = s.busyScript.busyError()
	case c.monitor && (c.isWrite(cmd) || cmd.has(flagReadonly|flagMayReplicate)):
		// Redis marks a monitor as a replica, which may not use keys.
		errMsg = errReplicaKeyspace
	}
	return cmd, errMsg, acl.Allowed, 0
}

// now is the current time. Within an event-loop turn it is the turn's wall
// clock reading advanced by the monotonic clock, which costs one cheap
// reading instead of two per command.
func (s *Server) now() time.Time {
	if s.turnStart.IsZero() {
		return time.Now()
	}
	return s.turnStart.Add(time.Since(s.turnStart))
}

// lookupCommand resolves args to a command or subcommand, or returns the
// error Redis gives for an unknown name or a wrong argument count.
func (s *Server) lookupCommand(args [][]byte) (*Command, string) {
	cmd := commandByName(args[0])
	if cmd == nil {
		return nil, unknownCommandError(args)
	}
	if cmd.subcommands != nil && len(args) >= 2 {
		sub := cmd.subcommands[strings.ToLower(string(args[1]))]
		if sub == nil {
			return cmd, fmt.Sprintf(errUnknownSubcommand, args[1], strings.ToUpper(cmd.Name))
		}
		cmd = sub
	}
	if (cmd.Arity > 0 && len(args) != cmd.Arity) || len(args) < -cmd.Arity {
		return cmd, wrongArity(cmd.FullName)
	}
	return cmd, ""
}

func wrongArity(name string) string { return fmt.Sprintf(errWrongArity, name) }

// unknownCommandError quotes the first arguments, up to ~128 bytes, as
// Redis does (with C strings: an argument ends at a NUL byte).
func unknownCommandError(args [][]byte) string {
	var quoted strings.Builder
	for _, a := range args[1:] {
		if quoted.Len() >= 128 {
			break
		}
		a = cString(a)
		n := min(len(a), 128-quoted.Len())
		fmt.Fprintf(&quoted, "'%s' ", a[:n])
	}
	return fmt.Sprintf(errUnknownCommand, cString(args[0]), quoted.String())
}

// call executes a resolved command with the lock held: statistics, panic
// recovery and CLIENT REPLY bookkeeping around the handler. The command
// started at start; call returns when it ended.
func (s *Server) call(c *Client, cmd *Command, args [][]byte, start time.Time) (end time.Time) {
	c.callErrors = 0
	// A blocked client served runs its command again: monitors saw it.
	reprocessing := c.blocked != nil
	// The client running a command at the top level gets the
	// invalidations of its own changes after its reply (tracking.go).
	outer := s.tracking.current
	s.tracking.current = c
	defer func() {
		if r := recover(); r != nil {
			s.warnf("panic in command '%s': %v\n%s", cmd.FullName, r, debug.Stack())
			c.Error(fmt.Sprintf(errPanic, cmd.FullName))
		}
		s.tracking.current = outer
		if outer == nil && s.tracking.pending != nil {
			s.sendPendingInvalidations(c)
		}
		end = s.now()
		// A command that blocked (or, run again, still waits) is counted
		// once, when it is served or gives up (countBlockedCall), its
		// time then including its runs before, as Redis's c->duration.
		usec := end.Sub(start).Microseconds()
		var kw *keyWait
		if c.blocked != nil {
			kw = c.blocked.keys
		}
		if kw != nil && (!reprocessing || kw.stays) {
			kw.usec += usec
		} else {
			if kw != nil {
				usec += kw.usec
			}
			st := &s.cmdStats[cmd.index]
			st.calls++
			st.usec += usec
			if c.callErrors > 0 {
				st.failed++
			}
			if !c.loadingAOF { // as Redis, which keeps the AOF's replay out
				s.observeCall(c, cmd, args, usec, reprocessing)
			}
		}
		s.stats.commands++
	}()
	c.cmd = cmd
	cmd.Handler(c, args)
	c.woff = s.repl.offset
	if c.tracking != nil {
		s.trackingAfterCommand(c, cmd, args)
	}
	if len(s.monitors) > 0 && !reprocessing && !c.loadingAOF && !cmd.has(flagAdmin|flagSkipMonitor) {
		s.feedMonitors(c, args)
	}
	return // end is set by the deferred function
}

// propagate records a write that changed data, in its deterministic form:
// it counts the change and feeds the AOF and the replication stream;
// inside EXEC, the first write opens a MULTI that EXEC closes.
func (s *Server) propagate(db int, argv ...[]byte) {
	s.stats.dirty++
	if !s.propagates() {
		return
	}
	if s.inExec && !s.execPropagated {
		s.execPropagated = true
		s.feedStreams(db, [][]byte{[]byte("MULTI")})
	}
	s.feedStreams(db, argv)
}

// propagates reports whether writes go anywhere (an AOF, replicas): a
// command whose propagated form takes work to build skips it otherwise.
func (s *Server) propagates() bool { return s.aof != nil || s.feedsReplicas() }

// propagateToReplicas sends a command to the replicas but not to the AOF,
// as Redis's forceCommandPropagation(c, PROPAGATE_REPL) does for PUBLISH:
// it changes no data, so it counts no change either. Inside EXEC it opens
// the MULTI that EXEC closes, in both streams, as a write would.
func (s *Server) propagateToReplicas(db int, argv [][]byte) {
	if !s.feedsReplicas() {
		return
	}
	if s.inExec && !s.execPropagated {
		s.execPropagated = true
		s.feedStreams(db, [][]byte{[]byte("MULTI")})
	}
	s.repl.feed(db, argv)
}

// feedStreams appends a command to the AOF and the replication stream;
// db -1 needs no SELECT.
func (s *Server) feedStreams(db int, argv [][]byte) {
	if a := s.aof; a != nil {
		if s.cfg.AOFTimestamps {
			a.annotateTime(time.Now().Unix())
		}
		a.feed(db, argv)
	}
	if s.feedsReplicas() {
		s.repl.feed(db, argv)
	}
}

// onExpire is called by the keyspace for every key it deletes because its
// TTL passed: counted, propagated as DEL, and seen as a change by WATCH.
func (s *Server) onExpire(db int, e *keyspace.Entry) {
	key := e.Key()
	s.freeValue(e, s.cfg.LazyfreeExpire)
	s.stats.expiredKeys++
	s.notify(notifyExpired, "expired", bytesOf(key), db)
	s.ks.DBs[db].Touch(key)
	s.invalidateTracked(nil, key)
	s.propagate(db, []byte("DEL"), []byte(key))
}

func (s *Server) countError(msg string) {
	prefix, _, _ := strings.Cut(msg, " ")
	s.stats.errorReplies[prefix]++
	s.stats.totalErrorReplies++
}

// pausedFor reports whether CLIENT PAUSE holds this request of c now. As
// in Redis, the pause comes last among processCommand's checks: a request
// they refuse (unknown, wrong arity, NOAUTH, …) is answered at once, and a
// write is held before MULTI would queue it. Replicas, the master's
// stream and the AOF are never held.
func (s *Server) pausedFor(c *Client, args [][]byte) bool {
	if !s.clientsPaused() {
		return false
	}
	if c.isMaster || c.loadingAOF || c.replica != nil || c.monitor {
		return false
	}
	cmd, errMsg, _, _ := s.checkCommand(c, args)
	allPaused := s.clientPauseOn() && !s.pauseWriteOnly.Load()
	if errMsg != "" || (!allPaused && !c.isWrite(cmd) && !cmd.has(flagMayReplicate)) {
		return false
	}
	c.lastCmd = cmd.FullName // CLIENT LIST shows the command held
	return true
}

// clientsPaused reports whether writes at least are paused, by CLIENT
// PAUSE or a FAILOVER.
func (s *Server) clientsPaused() bool { return s.clientPauseOn() || s.pauseFailover.Load() }

// clientPauseOn reports whether a CLIENT PAUSE is on.
func (s *Server) clientPauseOn() bool {
	until := s.pauseUntil.Load()
	return until != 0 && until > time.Now().UnixNano()
}

// pauseClients starts (or, with a zero time, ends) a CLIENT PAUSE (lock
// held). Meanwhile the dataset stays as it is: keys whose TTL passes are
// hidden but not deleted, as in Redis, and go once the pause ends.
func (s *Server) pauseClients(until time.Time, writeOnly bool) {
	s.pauseWriteOnly.Store(writeOnly)
	if until.IsZero() {
		s.pauseUntil.Store(0)
	} else {
		s.pauseUntil.Store(until.UnixNano())
	}
	s.pauseExpiry()
}

// pauseForFailover starts or ends a FAILOVER's pause of writes (lock
// held): it lasts until the failover ends.
func (s *Server) pauseForFailover(on bool) {
	s.pauseFailover.Store(on)
	s.pauseExpiry()
}

// pauseExpiry keeps keys whose TTL passes during a pause (hidden, not
// deleted) until the last pause ends.
func (s *Server) pauseExpiry() {
	switch until := s.pauseUntil.Load(); {
	case s.pauseFailover.Load():
		s.ks.PausedUntil = math.MaxInt64
	case until != 0:
		s.ks.PausedUntil = time.Unix(0, until).UnixMilli()
	default:
		s.ks.PausedUntil = 0
	}
}

// sortedClients lists the connected clients by id (CLIENT LIST order).
func (s *Server) sortedClients() []*Client {
	list := make([]*Client, 0, len(s.clients))
	for _, c := range s.clients {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	return list
}

// cron is serverCron: active expiry and metrics, hz times per second (hz
// is re-read every tick, so CONFIG SET hz applies at once).
func (s *Server) cron() {
	for {
		s.mu.Lock()
		period := time.Second / time.Duration(max(s.cfg.Hz, 1))
		stopping := s.stopping
		s.mu.Unlock()
		if stopping {
			return // nothing may change after a shutdown's final save
		}
		select {
		case <-s.done:
			return
		case <-time.After(period):
			if locked(s, func() bool { return s.loading.active || s.cronPaused }) {
				continue // not on a dataset being loaded, nor under DEBUG PAUSE-CRON
			}
			s.activeExpireCycle(period)
			s.activeRehash()
			s.syncAOF()
			s.lockIdle()
			syncFile := s.writeAOF() // the DELs of keys the cycle expired
			s.saveCron()
			s.sampleOpsLocked()
			s.replies.decay(time.Now())
			s.releaseMemoryWhenIdle()
			s.closeIdleClients()
			if s.cfg.MaxMemoryClients != 0 {
				s.evictClients() // those whose requests are still arriving too
			}
			s.closeIdleMigrateConns(time.Now())
			s.replicationCron()
			s.mu.Unlock()
			if syncFile != nil {
				s.syncAlways(syncFile)
			}
		}
	}
}

// activeExpireCycle is Redis's slow expire cycle: for each database, sample
// 20 keys with a TTL and delete the expired ones, repeating while more than
// 10% of a sample was expired, for at most 25% of a cron period. The lock is
// released after every sample, so a mass expiry never stalls clients.
func (s *Server) activeExpireCycle(period time.Duration) {
	const samples = 20
	start := time.Now()
	deadline := start.Add(period / 4)
	for db := 0; db < len(s.ks.DBs); db++ {
		for time.Now().Before(deadline) {
			s.lockIdle()
			if !s.activeExpire || s.stopping {
				s.mu.Unlock()
				return
			}
			sampled, expired := s.ks.ExpireCycle(db, samples, time.Now().UnixMilli())
			// The cycle's time so far: the series keeps a second's worst,
			// so the last slice's sample is the whole cycle's, as Redis's
			// "expire-cycle" (whose cycle holds the lock throughout).
			s.latencySince("expire-cycle", start)
			s.mu.Unlock()
			// Let the event loop take the lock between samples: Go's mutex
			// favours the goroutine that just released it. Measured in
			// TestMassExpiry: p99.99 5-7 ms instead of 17 ms.
			runtime.Gosched()
			if sampled == 0 || expired*10 <= sampled {
				break
			}
		}
	}
}

// closeIdleClients disconnects clients idle for longer than the timeout
// setting (0 disables it), as Redis's clientsCronHandleTimeout: replicas,
// blocked clients and subscribers, which wait by design, are spared.
func (s *Server) closeIdleClients() {
	if s.cfg.Timeout <= 0 {
		return
	}
	limit := time.Duration(s.cfg.Timeout) * time.Second
	now := time.Now()
	for _, c := range s.clients {
		if now.Sub(c.lastCmdAt) > limit && c.replica == nil && !c.monitor && c.blocked == nil && c.subs == nil && !c.paused {
			c.kill()
		}
	}
}

// activeRehash spends up to 1 ms per database moving buckets of tables
// being resized, 100 at a time under the lock, as Redis's activerehashing.
func (s *Server) activeRehash() {
	for db := range s.ks.DBs {
		deadline := time.Now().Add(time.Millisecond)
		for more := true; more && time.Now().Before(deadline); {
			s.lockIdle()
			more = s.ks.DBs[db].Rehash(100)
			s.mu.Unlock()
		}
	}
}
