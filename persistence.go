package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"respd/internal/keyspace"
	"respd/internal/rdb"
)

// rdbState is the RDB saves' state, as Redis's rdb_* fields: one
// background save at a time; a failed one (lastOK false) makes writes fail
// with MISCONF (see diskError).
type rdbState struct {
	lastSave          time.Time // the last successful save (LASTSAVE)
	saving, scheduled bool      // a BGSAVE runs / waits (BGSAVE SCHEDULE)
	// aborted: the BGSAVE running is abandoned, by FLUSHALL or a
	// shutdown; set with the data lock held, read without it too.
	aborted        atomic.Bool
	start, lastTry time.Time
	// replacing is held while a save replaces dbfilename (rename and
	// directory sync): a BGSAVE does it without the data lock, which a
	// rename over a big file or a slow disk would hold for milliseconds.
	replacing    sync.Mutex
	dirtyAtStart int64
	lastOK       bool
	lastSeconds  int64 // -1 before the first
}

// aofRewriteState is the AOF rewrites' state, as Redis's aof_rewrite_*
// fields; it outlives the AOF (BGREWRITEAOF works with appendonly no).
type aofRewriteState struct {
	running, scheduled bool
	// initial: the rewrite creates the AOF (appendonly turned on), which
	// has no manifest until it ends.
	initial     bool
	start       time.Time
	lastOK      bool
	lastSeconds int64 // -1 before the first
	baseSize    int64 // the AOF's size after the last rewrite, for auto-aof-rewrite-percentage
}

// RDB snapshots: loading at start, SAVE, LASTSAVE, DEBUG RELOAD, and the
// save SHUTDOWN makes. (Background saves arrive with copy-on-write
// snapshots of the keyspace.)

func (s *Server) rdbPath() string { return filepath.Join(s.cfg.Dir, s.cfg.DBFilename) }

// LoadRDB fills the keyspace from <dir>/<dbfilename>; a missing file is an
// empty dataset. Keys whose TTL has passed are not loaded, as on a Redis
// master. Call it before serving, or with the lock held.
func (s *Server) LoadRDB() error {
	err := s.loadRDBFile(s.rdbPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// loadRDBFile loads one RDB file (dump.rdb, or an AOF base) into the
// keyspace. Keys whose TTL passed are skipped on a master (a replica keeps
// them until its master's DEL, as Redis); with a replication history in
// the file, they are remembered, to be propagated as DELs.
func (s *Server) loadRDBFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, _ := f.Stat()
	start := time.Now()
	now := start.UnixMilli()
	var loaded, expired int64
	s.loadedRepl = savedReplication{streamDB: -1, offset: -1}
	loader := rdb.Loader{IgnoreChecksum: !s.cfg.RDBChecksum, ReuseStrings: true}
	loader.Aux = func(key, value []byte) {
		s.loadedRepl.aux(key, value)
		if string(key) == "used-mem" {
			s.loading.rdbUsedMem, _ = strconv.ParseInt(string(value), 10, 64)
		}
	}
	loader.Function = func(code []byte) error {
		// A library of the same name is replaced (DEBUG RELOAD's), as
		// Redis loads with RDBFLAGS_ALLOW_DUP.
		if errMsg := s.loadFunctions([]string{string(code)}, false, true, ""); errMsg != "" {
			return errors.New(strings.TrimPrefix(errMsg, "ERR "))
		}
		return nil
	}
	loader.ResizeDB = func(db int, keys, expires uint64) {
		// Sized ahead, as Redis does, so that the tables don't rehash
		// while they fill; a key takes at least 3 bytes of the file, which
		// bounds a lying hint.
		if db < len(s.ks.DBs) {
			limit := uint64(info.Size()) / 3
			s.ks.DBs[db].Reserve(int(min(keys, limit)), int(min(expires, limit)))
		}
	}
	loader.Record = func(r rdb.Record) error {
		// key-load-delay (µs per key) is Redis's knob to slow a load
		// down, for tests that watch one (and may CONFIG SET it meanwhile).
		if d := s.cfg.KeyLoadDelay; d > 0 {
			time.Sleep(time.Duration(d) * time.Microsecond)
		}
		s.stats.loadKeysLoaded, s.stats.loadKeysExpired = loaded, expired
		if err := s.loadingYield(r.End); err != nil {
			return err
		}
		if r.DB >= len(s.ks.DBs) {
			return fmt.Errorf("database %d is out of range (databases is %d)", r.DB, len(s.ks.DBs))
		}
		if r.ExpireMs != 0 && r.ExpireMs <= now && s.cfg.ReplicaOf.Host == "" {
			expired++
			if s.loadedRepl.id != "" {
				s.loadedRepl.expired = append(s.loadedRepl.expired, expiredKey{r.DB, string(r.Key)})
			}
			return nil
		}
		e, err := loadValue(&r, s.cfg)
		if err != nil {
			return err
		}
		e.Expire, e.Access = r.ExpireMs, s.ks.Stamp(now)
		s.ks.SetAccess(e, r.Freq, r.IdleSeconds, now)
		// The decoder reuses r.Key's buffer: a string's entry holds a copy
		// (loadValue), another type's gets one.
		key := e.Key()
		if e.Type != keyspace.TypeString {
			key = string(r.Key)
		}
		if !s.ks.DBs[r.DB].Add(key, e) {
			return fmt.Errorf("RDB has duplicated key '%s' in DB %d", r.Key, r.DB)
		}
		if loaded++; loaded%1_000_000 == 0 {
			s.logf("Loading RDB: %d keys loaded", loaded)
		}
		return nil
	}
	defer s.loadingFile(info.Size())()
	if err := loader.Load(f); err != nil {
		return fmt.Errorf("can't load %s: %w", path, err)
	}
	s.stats.loadKeysLoaded, s.stats.loadKeysExpired = loaded, expired
	elapsed := time.Since(start)
	s.logf("DB loaded from disk: %.3f seconds, %d keys loaded, %d expired keys skipped, %.1f MB/s",
		elapsed.Seconds(), loaded, expired, float64(info.Size())/(1<<20)/max(elapsed.Seconds(), 1e-9))
	return nil
}

// save writes the dataset to <dir>/<dbfilename> as Redis does: into a
// temporary file, synced to disk, then renamed over the old one, so a
// failed save leaves the previous file intact. The lock is held.
func (s *Server) save() error {
	if s.rdb.saving && !s.rdb.aborted.Load() {
		return errSnapshotBusy
	}
	if s.loading.active {
		// Half a dataset must not replace the file (DEBUG RELOAD is
		// allowed while loading).
		return errStillLoading
	}
	s.stats.rdbSaves++ // rdb_saves counts attempts, as in Redis
	path := s.rdbPath()
	tmp := filepath.Join(s.cfg.Dir, fmt.Sprintf("temp-%d.rdb", os.Getpid()))
	err := s.writeDataset(tmp, s.rdbEncoder(false))
	if err == nil {
		s.rdb.replacing.Lock()
		err = replaceFile(tmp, path, s.cfg.Dir)
		s.rdb.replacing.Unlock()
	}
	if err != nil {
		os.Remove(tmp)
		s.warnf("Failed saving the DB: %v", err)
		return err
	}
	s.stats.dirty = 0
	s.rdb.lastSave = time.Now()
	s.logf("DB saved on disk")
	return nil
}

// replaceFile renames tmp, a file written and synced, over path, and
// syncs dir so that the rename survives a crash.
func replaceFile(tmp, path, dir string) error {
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// writeDataset writes the dataset to path with the lock held (SAVE), in
// the format newEncoder gives, and syncs it.
func (s *Server) writeDataset(path string, newEncoder snapshotFormat) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	enc, err := newEncoder(f)
	if err != nil {
		return err
	}
	for i, db := range s.ks.DBs {
		if db.Len() == 0 {
			continue
		}
		if err := enc.SelectDB(i, uint64(db.Len()), uint64(db.Volatile())); err != nil {
			return err
		}
		access := s.keyAccess()
		db.ForEach(func(e *keyspace.Entry) {
			if err == nil {
				enc.KeyAccess(access.of(e))
				err = writeValue(enc, bytesOf(e.Key()), e)
			}
		})
		if err != nil {
			return err
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return f.Sync()
}

// snapshotEncoder writes a dataset's keys in a file format: an RDB
// (rdb.Encoder), or commands for an AOF base without an RDB preamble
// (aof.BaseEncoder).
type snapshotEncoder interface {
	valueEncoder
	SelectDB(db int, keys, volatile uint64) error
	// KeyAccess gives the next key's idle seconds or LFU counter (-1:
	// none; keyAccess).
	KeyAccess(idleSeconds int64, freq int)
	Flush() error
	Close() error
}

// snapshotFormat starts a snapshotEncoder on w.
type snapshotFormat func(w io.Writer) (snapshotEncoder, error)

// rdbEncoder is the RDB format, with the header of a file written now.
func (s *Server) rdbEncoder(aofBase bool) snapshotFormat {
	h := s.rdbHeader(aofBase)
	return func(w io.Writer) (snapshotEncoder, error) { return rdb.NewEncoder(w, h) }
}

// rdbHeader is what an RDB written now says about this server: an AOF's
// base records no replication history, as in Redis.
func (s *Server) rdbHeader(aofBase bool) rdb.Header {
	h := rdb.Header{Version: redisVersion, UsedMem: usedMemory(), AOFBase: aofBase,
		Uncompressed: !s.cfg.RDBCompression, NoChecksum: !s.cfg.RDBChecksum, Functions: s.functionCodes()}
	if !aofBase {
		h.Aux = s.replicationAux()
	}
	return h
}

func cmdSave(c *Client, args [][]byte) {
	switch err := c.srv.save(); {
	case err == errSnapshotBusy:
		c.Error(err.Error())
	case err != nil:
		c.Error(errSaveFailed)
	default:
		c.OK()
	}
}

func cmdLastsave(c *Client, args [][]byte) { c.Int(c.srv.rdb.lastSave.Unix()) }

// prepareShutdown is prepareForShutdown (lock held): background saves
// are abandoned, as Redis kills its children (they stop at their next
// step once the server is stopping, and Shutdown waits for them: their
// temporary files go, the AOF's manifest stays as it is), unless the
// rewrite would create the AOF, whose data would be lost (allowed with
// FORCE); then the save a shutdown requires: always with SAVE, never
// with NOSAVE, otherwise when save points are configured.
func (s *Server) prepareShutdown(save, noSave, force bool) error {
	if s.rewrite.running && s.rewrite.initial && s.cfg.AppendOnly {
		if !force {
			s.warnf("Writing initial AOF, can't exit.")
			return errInitialAOF
		}
		s.warnf("Writing initial AOF. Exit anyway.")
	}
	if s.rdb.saving {
		s.warnf("There is a child saving an .rdb. Killing it!")
		s.rdb.aborted.Store(true)
	}
	if s.rewrite.running {
		s.warnf("There is a child rewriting the AOF. Killing it!")
	}
	// While loading, the dataset is incomplete: never saved, as in Redis.
	if noSave || (!save && len(s.cfg.Save) == 0) || s.loading.active {
		return nil
	}
	s.logf("Saving the final RDB snapshot before exiting.")
	return s.save()
}

// keyAccess is what RDB files record of keys' accesses under the
// maxmemory-policy of the moment, as rdbSaveKeyValuePair: the idle time
// under an LRU policy, the LFU counter under an LFU one, else nothing.
type keyAccess struct {
	lru bool
	lfu *keyspace.LFU
	now int64
}

func (s *Server) keyAccess() keyAccess {
	return keyAccess{strings.HasSuffix(s.cfg.MaxMemoryPolicy, "-lru"), s.ks.LFU, time.Now().UnixMilli()}
}

// of is e's idle seconds and LFU counter, -1 for what is not recorded.
func (a keyAccess) of(e *keyspace.Entry) (idleSeconds int64, freq int) {
	switch {
	case a.lfu != nil:
		return -1, int(a.lfu.Counter(e.Access, a.now))
	case a.lru:
		return int64(keyspace.IdleMs(e, a.now) / 1000), -1
	}
	return -1, -1
}

// cmdDump: DUMP key — the value in Redis's payload format.
func cmdDump(c *Client, args [][]byte) {
	e := c.lookup(args[1])
	if e == nil {
		c.Null()
		return
	}
	c.Bulk(c.srv.dumpPayload(e))
}

// dumpPayload is e's value in DUMP's format (DUMP, MIGRATE).
func (s *Server) dumpPayload(e *keyspace.Entry) []byte {
	payload := rdb.NewPayload(!s.cfg.RDBCompression)
	writeValue(payload, nil, e) // a payload has no key
	return payload.Bytes()
}

// cmdRestore: RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f],
// with Redis's checks in Redis's order.
func cmdRestore(c *Client, args [][]byte) {
	var replace, absTTL bool
	idle, freq := int64(-1), int64(-1)
	for i := 4; i < len(args); i++ {
		more := len(args) - i - 1
		switch opt := strings.ToLower(string(args[i])); {
		case opt == "replace":
			replace = true
		case opt == "absttl":
			absTTL = true
		case opt == "idletime" && more >= 1 && freq == -1:
			v, ok := c.intArg(args[i+1])
			if !ok {
				return
			}
			if v < 0 {
				c.Error(errRestoreIdletime)
				return
			}
			idle = v
			i++
		case opt == "freq" && more >= 1 && idle == -1:
			v, ok := c.intArg(args[i+1])
			if !ok {
				return
			}
			if v < 0 || v > 255 {
				c.Error(errRestoreFreq)
				return
			}
			freq = v
			i++
		default:
			c.Error(errSyntax)
			return
		}
	}
	key := args[1]
	if !replace && c.lookupWrite(key) != nil {
		c.Error(errBusyKey)
		return
	}
	ttl, ok := c.intArg(args[2])
	if !ok {
		return
	}
	if ttl < 0 {
		c.Error(errRestoreTTL)
		return
	}
	rec, err := rdb.Undump(args[3])
	var e *keyspace.Entry
	if err == nil {
		e, err = loadValue(rec, c.srv.cfg)
	}
	var unsupported *rdb.UnsupportedTypeError
	switch {
	case errors.Is(err, rdb.ErrBadPayload):
		c.Error(errDumpPayload)
		return
	case errors.As(err, &unsupported):
		c.Error(fmt.Sprintf(errDumpUnsupportedType, unsupported.TypeName))
		return
	case err != nil:
		c.Error(errBadDataFormat)
		return
	}
	db := c.database()
	deleted := replace && c.srv.deleteKey(db, str(key), c.srv.cfg.LazyfreeServerDel)
	if ttl != 0 && !absTTL {
		ttl += c.nowMs()
	}
	if ttl != 0 && ttl <= c.nowMs() {
		// Already expired: only the deletion of the old key remains.
		if deleted {
			c.notify(notifyGeneric, "del", key)
			c.changed(key, []byte("DEL"), key)
		}
		c.OK()
		return
	}
	e.Expire, e.Access = ttl, c.lruClock()
	c.srv.ks.SetAccess(e, int(freq), idle, c.nowMs())
	c.addKey(key, e)
	argv := args
	if ttl != 0 && !absTTL {
		// Replicas and the AOF get the absolute time, as from Redis.
		argv = append(append([][]byte{args[0], key, itoa(ttl)}, args[3:]...), []byte("ABSTTL"))
	}
	c.notify(notifyGeneric, "restore", key)
	c.changed(key, argv...)
	c.OK()
}

// ---- Background saves

// errSnapshotBusy: a background save or AOF rewrite already reads the
// keyspace (one snapshot at a time, as Redis has one child process).
var errSnapshotBusy = errors.New(errBgsaveInProgress)

var errBgsaveAborted = errors.New("background save abandoned")

// errInitialAOF: a shutdown without FORCE while the rewrite that creates
// the AOF runs, which would lose the data the AOF is to hold.
var errInitialAOF = errors.New("writing the initial AOF")

// bgsave starts a background save of a consistent snapshot: the keyspace
// is read a few hundred buckets at a time under the lock, encoded into
// memory there, and written to disk outside it, while clients go on.
func (s *Server) bgsave() error {
	if s.ks.Snapshotting() {
		return errSnapshotBusy
	}
	s.rdb.saving = true
	s.stats.rdbSaves++
	s.rdb.start = time.Now()
	s.rdb.dirtyAtStart = s.stats.dirty
	snap := s.ks.StartSnapshot()
	s.logf("Background saving started")
	s.savers.Add(1)
	go s.writeSnapshot(snap, s.rdbEncoder(false), s.cfg.Dir, s.rdbPath())
	return nil
}

// writeSnapshot saves a background save's snapshot as path, in dir: the
// dir and dbfilename of BGSAVE's time (a CONFIG SET meanwhile does not
// move it, as Redis's child keeps its working directory and file name).
func (s *Server) writeSnapshot(snap *keyspace.Snapshot, format snapshotFormat, dir, path string) {
	defer s.savers.Done()
	tmp := filepath.Join(dir, fmt.Sprintf("temp-bg-%d.rdb", os.Getpid()))
	err := s.saveSnapshot(snap, format, tmp)
	if err == nil {
		// A FLUSHALL sets aborted, then saves its empty dataset under
		// the same mutex: this older snapshot never replaces its file.
		s.rdb.replacing.Lock()
		if s.rdb.aborted.Load() {
			err = errBgsaveAborted
		} else {
			err = replaceFile(tmp, path, dir)
		}
		s.rdb.replacing.Unlock()
	}
	s.lockIdle()
	defer s.mu.Unlock()
	defer func() { s.bgsaveDoneForReplicas(err) }()
	if s.rdb.aborted.Load() {
		// Even if renamed just before: as for a child Redis killed after
		// its rename, the changes stay counted (FLUSHALL's are on top).
		err = errBgsaveAborted
	}
	snap.Close()
	s.rdb.saving = false
	s.rdb.aborted.Store(false)
	if err == errBgsaveAborted {
		// Under the lock, as Redis removes a killed child's file:
		// sampled as its "rdb-unlink-temp-file".
		start := time.Now()
		os.Remove(tmp)
		s.latencySince("rdb-unlink-temp-file", start)
		if !s.stopping {
			s.warnf("Background saving abandoned: FLUSHALL")
		}
		return
	}
	s.rdb.lastSeconds = int64(time.Since(s.rdb.start).Seconds())
	s.rdb.lastOK = err == nil
	if err != nil {
		os.Remove(tmp)
		s.rdb.lastTry = time.Now()
		s.warnf("Background saving error: %v", err)
		return
	}
	s.stats.dirty -= s.rdb.dirtyAtStart
	s.rdb.lastSave = time.Now()
	s.logf("Background saving terminated with success")
}

// saveSnapshot writes the snapshot, in format, to path, syncing every 4 MB, as
// Redis's rdb-save-incremental-fsync: one big sync at the end would stall
// the AOF's own syncs behind it.
func (s *Server) saveSnapshot(snap *keyspace.Snapshot, format snapshotFormat, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	unsynced := 0
	err = s.encodeSnapshot(snap, format, func() error {
		// A stopping server abandons the save, as Redis kills its child.
		if s.rdb.aborted.Load() && s.rdb.saving || s.stopping {
			return errBgsaveAborted
		}
		return nil
	}, func(chunk []byte) error {
		if _, err := f.Write(chunk); err != nil {
			return err
		}
		if unsynced += len(chunk); unsynced >= 4<<20 {
			unsynced = 0
			return f.Sync()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return f.Sync()
}

// encodeSnapshot encodes the snapshot in format and hands it to out a chunk at a time. Under the lock, it only
// copies the keys of 1024 buckets out; compressing and encoding them (LZF
// of every value, the checksum) happen outside, so clients wait for a
// memory copy, not for the encoder. check runs under the lock before each
// step; its error stops the encoding.
func (s *Server) encodeSnapshot(snap *keyspace.Snapshot, format snapshotFormat, check func() error, out func(chunk []byte) error) error {
	var chunk bytes.Buffer
	enc, err := format(&chunk)
	if err != nil {
		return err
	}
	var batch snapshotBatch
	db := -1
	access := locked(s, s.keyAccess)
	for done := false; !done; {
		s.lockIdle()
		if err := check(); err != nil {
			s.mu.Unlock()
			return err
		}
		batch.reset()
		// rdb-key-save-delay (µs per key), Redis's knob for tests, reads a
		// bucket at a time, so that lowering it takes effect at once.
		delay, step := time.Duration(s.cfg.RDBKeySaveDelay)*time.Microsecond, 1024
		if delay > 0 {
			step = 1
		}
		done = snap.Next(step, batch.add)
		s.mu.Unlock()
		// Let the event loop take the lock now: Go's mutex favours the
		// goroutine that just released it.
		runtime.Gosched()
		for _, k := range batch.keys {
			if k.db != db {
				keys, volatile := snap.DBSize(k.db)
				enc.SelectDB(k.db, uint64(keys), uint64(volatile))
				db = k.db
			}
			enc.KeyAccess(access.of(&k.entry))
			writeValue(enc, bytesOf(k.entry.Key()), &k.entry)
			if delay > 0 {
				select {
				case <-time.After(delay):
				case <-s.loopDone: // stopping: the next step abandons the save
				}
				delay = s.keySaveDelay()
			}
		}
		if done {
			err = enc.Close()
		} else {
			err = enc.Flush()
		}
		if err != nil {
			return err
		}
		if err := out(chunk.Bytes()); err != nil {
			return err
		}
		chunk.Reset()
	}
	return nil
}

// keySaveDelay is rdb-key-save-delay, read for each key: a test lowers it
// to let a save it held open finish.
func (s *Server) keySaveDelay() time.Duration {
	return locked(s, func() time.Duration { return time.Duration(s.cfg.RDBKeySaveDelay) * time.Microsecond })
}

// snapshotBatch is a step's keys, copied out of the keyspace
// (Entry.Frozen): strings into one reused buffer, collections as their
// frozen views.
type snapshotBatch struct {
	data []byte
	keys []snapshotKey
}

type snapshotKey struct {
	db    int
	entry keyspace.Entry
}

func (b *snapshotBatch) reset() {
	clear(b.keys) // the last step's frozen views, encoded: free them
	b.data, b.keys = b.data[:0], b.keys[:0]
}

func (b *snapshotBatch) add(db int, e *keyspace.Entry) {
	k := snapshotKey{db: db}
	k.entry, b.data = e.Frozen(b.data)
	b.keys = append(b.keys, k)
}

// cmdBgsave: BGSAVE [SCHEDULE].
func cmdBgsave(c *Client, args [][]byte) {
	schedule := len(args) == 2 && strings.EqualFold(string(args[1]), "schedule")
	if len(args) > 1 && !schedule {
		c.Error(errSyntax)
		return
	}
	s := c.srv
	switch {
	case s.rdbSnapshotRunning():
		c.Error(errBgsaveInProgress)
	case (s.ks.Snapshotting() && schedule) || s.inExec:
		// After the AOF rewrite, or the transaction, as Redis does.
		s.rdb.scheduled = true
		c.Simple("Background saving scheduled")
	case s.ks.Snapshotting():
		c.Error(errBgsaveOtherChild)
	default:
		if err := s.bgsave(); err != nil {
			c.Error(err.Error())
			return
		}
		c.Simple("Background saving started")
	}
}

// rdbSnapshotRunning reports an RDB being written from a snapshot: a
// BGSAVE, or a diskless full sync (Redis's RDB child).
func (s *Server) rdbSnapshotRunning() bool { return s.ks.Snapshotting() && !s.rewrite.running }

// saveCron starts the background saves that save points and BGSAVE
// SCHEDULE ask for, and AOF rewrites scheduled (by BGREWRITEAOF or CONFIG
// SET appendonly yes) while a snapshot or a transaction was in progress,
// now that none is, as Redis's serverCron (lock held). After a failed save
// it waits 5 seconds before trying again, as Redis.
func (s *Server) saveCron() {
	if s.ks.Snapshotting() {
		return
	}
	if s.rewrite.scheduled {
		// An AOF being turned on tries again until its rewrite starts.
		err := s.bgrewriteaof()
		s.rewrite.scheduled = err != nil && s.cfg.AppendOnly && s.aof == nil
		return
	}
	s.autoRewriteAOF()
	if s.rdb.scheduled {
		s.rdb.scheduled = false
		s.bgsave()
		return
	}
	since := time.Since(s.rdb.lastSave)
	for _, sp := range s.cfg.Save {
		if s.stats.dirty >= int64(sp.Changes) && since >= time.Duration(sp.Seconds)*time.Second &&
			(s.rdb.lastOK || time.Since(s.rdb.lastTry) > 5*time.Second) {
			s.logf("%d changes in %d seconds. Saving...", sp.Changes, sp.Seconds)
			s.bgsave()
			return
		}
	}
}

// afterFlushAll does what Redis's FLUSHALL does to persistence (lock
// held): a background save in progress is abandoned, and with save points
// set the now empty dataset is saved at once (which zeroes the change
// count, as Redis 7.0 reports it).
func (s *Server) afterFlushAll() {
	if s.rdb.saving {
		s.rdb.aborted.Store(true)
	}
	if len(s.cfg.Save) > 0 && !s.rewrite.running {
		s.save()
	}
}

// diskError is Redis's MISCONF: the reason writes (and PING) are refused
// while the data can't be persisted — the last background save failed,
// with save points set and stop-writes-on-bgsave-error on, or the AOF
// can't be written or synced. "" when there is none.
func (s *Server) diskError() string {
	switch {
	case !s.rdb.lastOK && len(s.cfg.Save) > 0 && s.cfg.StopWritesOnBgsaveErr:
		return errMisconf
	case s.aof == nil:
		return ""
	case s.aof.writeErr != nil:
		return errMisconfAOF + strerror(s.aof.writeErr)
	case s.aof.syncErr != nil:
		return errMisconfAOF + strerror(s.aof.syncErr)
	}
	return ""
}
