package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"respd/internal/aof"
	"respd/internal/keyspace"
)

// The append-only file, in Redis 7's multi-part layout:
// <dir>/<appenddirname>/ holds <appendfilename>.manifest, a base file (an
// RDB) and an incremental file of commands. Every write reaches the
// incremental file, in its deterministic form, before its reply is sent:
// the event loop writes the AOF buffer at the end of each turn, ahead of the
// replies, and with appendfsync always syncs it there too (a group commit
// per turn); with everysec the cron syncs it once a second.

type aofState struct {
	manifest []aof.ManifestFile
	file     *os.File  // the incremental file, appended to
	buf      []byte    // commands not yet written
	db       int       // the database the stream last SELECTed; -1 none
	dirty    bool      // written since the last fsync
	lastSync time.Time // of appendfsync everysec
	// syncing is set while the cron's everysec fsync runs; writes wait
	// for it (up to 2 s, postponedSince) rather than block in write(2)
	// behind it, as Redis's flushAppendOnlyFile does.
	syncing        bool
	postponedSince time.Time
	// size is the incremental file's length: a short write is cut back to
	// it, so the file never ends in half a command.
	size int64
	// writeErr is set while the buffer can't be written, syncErr while
	// everysec's fsync fails: writes are refused with MISCONF until a
	// retry succeeds, as Redis's aof_last_write_status.
	writeErr, syncErr error
	lastErrorLog      time.Time
	lastTimestamp     int64 // of the last "#TS:" annotation (unix seconds)
}

func (s *Server) aofDir() string { return filepath.Join(s.cfg.Dir, s.cfg.AppendDirName) }

func (s *Server) manifestPath() string {
	return filepath.Join(s.aofDir(), s.cfg.AppendFilename+".manifest")
}

// LoadData fills the keyspace at start: from the AOF when appendonly is on
// and one exists, else from the RDB file. With appendonly on, it then opens
// the AOF, creating the directory, a base file, an empty incremental file
// and the manifest if there was none.
func (s *Server) LoadData() error {
	if !s.cfg.AppendOnly {
		if err := s.LoadRDB(); err != nil {
			return err
		}
		s.restoreReplication()
		return nil
	}
	data, err := os.ReadFile(s.manifestPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := s.LoadRDB(); err != nil {
			return err
		}
		return s.createAOF()
	case err != nil:
		return err
	}
	files, err := aof.ParseManifest(data)
	if err != nil {
		return fmt.Errorf("%s: %w", s.manifestPath(), err)
	}
	if err := s.loadAOF(files); err != nil {
		return err
	}
	return s.openAOF(files)
}

// loadAOF replays the base file and the incremental files in order.
func (s *Server) loadAOF(files []aof.ManifestFile) error {
	sort.SliceStable(files, func(i, j int) bool {
		if (files[i].Type == aof.TypeBase) != (files[j].Type == aof.TypeBase) {
			return files[i].Type == aof.TypeBase
		}
		return files[i].Seq < files[j].Seq
	})
	start := time.Now()
	// The loader's replies are switched off, as for Redis's fake AOF client.
	loader := &Client{srv: s, w: sinkOutbound(io.Discard), replyOff: true, resp: 2, authenticated: true, lastCmd: "NULL", loadingAOF: true}
	for i, f := range files {
		if f.Type == aof.TypeHistory {
			continue
		}
		path := filepath.Join(s.aofDir(), f.Name)
		if f.Type == aof.TypeBase && isRDB(path) {
			if err := s.loadRDBFile(path); err != nil {
				return err
			}
			continue
		}
		last := i == len(files)-1
		if err := s.replayAOF(loader, path, last); err != nil {
			return err
		}
	}
	s.logf("DB loaded from append only file: %.3f seconds", time.Since(start).Seconds())
	return nil
}

// replayAOF runs the commands of one file. A command cut short at the end
// of the last file, or a transaction without its EXEC there, is dropped
// and the file truncated to the commands before it, as Redis does with
// aof-load-truncated yes; with no, the server refuses to start.
func (s *Server) replayAOF(loader *Client, path string, last bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		defer s.loadingFile(info.Size())()
	}
	rd := aof.NewReader(f)
	var beforeMulti int64 // where the open transaction's MULTI starts
	for {
		at := rd.Offset()
		argv, err := rd.ReadCommand()
		switch {
		case err == io.EOF && loader.multi == nil:
			return nil
		case err == io.EOF || errors.Is(err, aof.ErrTruncated):
			validUpTo := rd.Offset()
			if err != io.EOF {
				s.warnf("!!! Warning: short read while loading the AOF file %s!!!", path)
			}
			if loader.multi != nil {
				s.warnf("Revert incomplete MULTI/EXEC transaction in AOF file %s", path)
				loader.multi = nil
				validUpTo = beforeMulti
			}
			return s.aofTruncated(path, validUpTo, last)
		case err != nil:
			return fmt.Errorf("bad AOF file %s: %w", path, err)
		}
		if cmd, errMsg := s.lookupCommand(argv); errMsg != "" {
			// Loading past it would drop data without a word (a command of
			// a type respd does not serve yet, say): refused, as Redis does.
			why := errMsg
			if cmd == nil {
				why = fmt.Sprintf("Unknown command '%s'", argv[0])
			}
			return badAOFCommandError{filepath.Base(path), why}
		}
		if loader.multi == nil && strings.EqualFold(str(argv[0]), "multi") {
			beforeMulti = at
		}
		s.dispatch(loader, argv)
		if err := s.loadingYield(rd.Offset()); err != nil {
			return err
		}
	}
}

// badAOFCommandError refuses an AOF holding a command respd can't run.
type badAOFCommandError struct{ file, why string }

func (e badAOFCommandError) Error() string {
	return e.why + " reading the append only file " + e.file
}

// truncatedAOFError refuses an AOF with a damaged tail under
// aof-load-truncated no, in Redis's words.
type truncatedAOFError struct{ file string }

func (e truncatedAOFError) Error() string {
	return "Unexpected end of file reading the append only file " + e.file + ". You can: " +
		"1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. " +
		"2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
}

// aofTruncated handles an AOF file that ends inside a command or a
// transaction, as Redis does.
func (s *Server) aofTruncated(path string, validUpTo int64, last bool) error {
	if !s.cfg.AOFLoadTruncated {
		return truncatedAOFError{filepath.Base(path)}
	}
	if !last {
		return fmt.Errorf("bad AOF file %s: %w; the truncated file is not the last file", path, aof.ErrTruncated)
	}
	s.warnf("!!! Truncating the AOF %s at offset %d !!!", path, validUpTo)
	if err := os.Truncate(path, validUpTo); err != nil {
		return err
	}
	s.warnf("AOF %s loaded anyway because aof-load-truncated is enabled", path)
	return nil
}

// createAOF starts an AOF from the data in memory: a base file, an empty
// incremental file and the manifest naming them.
func (s *Server) createAOF() error {
	if err := os.MkdirAll(s.aofDir(), 0o755); err != nil {
		return err
	}
	format, base := s.aofBase(1)
	files := []aof.ManifestFile{base, {Name: s.cfg.AppendFilename + ".1.incr.aof", Seq: 1, Type: aof.TypeIncr}}
	if err := s.writeDataset(filepath.Join(s.aofDir(), base.Name), format); err != nil {
		return err
	}
	if err := writeFileSynced(filepath.Join(s.aofDir(), files[1].Name), nil); err != nil {
		return err
	}
	if err := writeFileSynced(s.manifestPath(), aof.FormatManifest(files)); err != nil {
		return err
	}
	if err := syncDir(s.aofDir()); err != nil {
		return err
	}
	return s.openAOF(files)
}

// openAOF opens the newest incremental file for appending.
func (s *Server) openAOF(files []aof.ManifestFile) error {
	var incr *aof.ManifestFile
	for i := range files {
		if files[i].Type == aof.TypeIncr && (incr == nil || files[i].Seq > incr.Seq) {
			incr = &files[i]
		}
	}
	if incr == nil {
		return fmt.Errorf("%s names no incremental file", s.manifestPath())
	}
	f, size, err := openIncr(filepath.Join(s.aofDir(), incr.Name))
	if err != nil {
		return err
	}
	s.aof = &aofState{manifest: files, file: f, size: size, db: -1}
	for _, mf := range files {
		if mf.Type == aof.TypeBase {
			s.rewrite.baseSize = fileSize(filepath.Join(s.aofDir(), mf.Name))
		}
	}
	return nil
}

// openIncr opens an incremental file for appending, with its length.
func openIncr(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, info.Size(), nil
}

// annotateTime appends a "#TS:<unix time>" line when the second has
// changed since the last one, as Redis does with aof-timestamp-enabled
// (for redis-check-aof --truncate-to-timestamp).
func (a *aofState) annotateTime(unix int64) {
	if unix > a.lastTimestamp {
		a.buf = fmt.Appendf(a.buf, "#TS:%d\r\n", unix)
		a.lastTimestamp = unix
	}
}

// feed appends a propagated command, with a SELECT when the database
// changes (db -1 needs none).
func (a *aofState) feed(db int, argv [][]byte) {
	if db >= 0 && db != a.db {
		a.buf = aof.AppendCommand(a.buf, [][]byte{[]byte("SELECT"), itoa(int64(db))})
		a.db = db
	}
	a.buf = aof.AppendCommand(a.buf, argv)
}

// writeAOF writes the buffered commands to the file (lock held, so they
// land in execution order). With appendfsync always it returns the file,
// which the caller syncs after releasing the lock — the event loop before
// it sends the replies: other goroutines (the cron, a snapshot being
// saved) go on during the sync.
func (s *Server) writeAOF() (syncNeeded *os.File) { return s.writeAOFBuffer(false) }

// writeAOFBuffer is writeAOF; force writes even while a sync runs.
func (s *Server) writeAOFBuffer(force bool) (syncNeeded *os.File) {
	a := s.aof
	if a == nil || len(a.buf) == 0 {
		return nil
	}
	if a.syncing && s.cfg.AppendFsync == "everysec" && !force {
		if a.postponedSince.IsZero() {
			a.postponedSince = time.Now()
		}
		if time.Since(a.postponedSince) < 2*time.Second {
			return nil
		}
		s.stats.aofDelayedFsync++
		s.logf("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.")
	}
	a.postponedSince = time.Time{}
	start := time.Now()
	n, err := a.file.Write(a.buf)
	s.sampleAOFWrite(start)
	if err != nil {
		s.aofWriteFailed(n, err)
		return nil
	}
	if a.writeErr != nil {
		a.writeErr = nil
		s.warnf("AOF write error looks solved, Redis can write again.")
	}
	a.size += int64(n)
	a.buf = a.buf[:0]
	a.dirty = true
	if s.cfg.AppendFsync == "always" && !s.fsyncPostponed() {
		a.dirty = false
		return a.file
	}
	return nil
}

// fsyncPostponed is no-appendfsync-on-rewrite: no AOF fsync while a
// snapshot (a background save or rewrite) is being written, so they don't
// compete for the disk; the sync after it covers what was written.
func (s *Server) fsyncPostponed() bool {
	return s.cfg.NoFsyncOnRewrite && s.ks.Snapshotting()
}

// aofWriteFailed handles a failed write of the AOF buffer as Redis does.
// With appendfsync always the process exits: the replies of this turn
// would acknowledge writes that are not on disk. Otherwise the buffer is
// kept, to be written again each turn and by the cron, and writes are
// refused meanwhile. Part of it written is cut off the file, or, if that
// fails too, dropped from the buffer.
func (s *Server) aofWriteFailed(written int, err error) {
	a := s.aof
	if time.Since(a.lastErrorLog) >= 30*time.Second {
		a.lastErrorLog = time.Now()
		s.warnf("Error writing to the AOF file: %s", strerror(err))
	}
	if written > 0 {
		if terr := a.file.Truncate(a.size); terr != nil {
			s.warnf("Could not remove short write from the append-only file. Redis may refuse to load the AOF the next time it starts. ftruncate: %s", strerror(terr))
			a.size += int64(written)
			a.buf = a.buf[:copy(a.buf, a.buf[written:])]
		}
	}
	if s.cfg.AppendFsync == "always" {
		s.warnf("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
		os.Exit(1)
	}
	a.writeErr = err
}

// aofCommits counts appendfsync always's syncs at the end of turns (lock
// held): started numbers them, durable is the highest one done. A sync
// covers every write before it started, so once durable reaches the
// number of the last one started, everything written so far is on disk.
type aofCommits struct {
	started, durable uint64
	done             *sync.Cond // on the data lock: durable moved
}

// commitAOF writes the turn's AOF buffer and, under appendfsync always,
// syncs it with the lock released — one group commit per turn — then
// waits, if need be, for the syncs other turns started: on the redcon
// engine turns end concurrently, and the replies this turn sends may
// acknowledge writes another turn's sync covers. No reply leaves before
// the write it acknowledges is on disk.
func (s *Server) commitAOF() {
	c := &s.commits
	if f := s.writeAOF(); f != nil {
		c.started++
		n := c.started
		s.mu.Unlock()
		start := time.Now()
		s.syncAlways(f)
		s.mu.Lock()
		s.latencySince("aof-fsync-always", start)
		c.durable = max(c.durable, n)
		c.done.Broadcast()
	}
	for last := c.started; c.durable < last; {
		c.done.Wait()
	}
}

// syncAlways is appendfsync always's sync, from the event loop with the
// lock released, before the turn's replies go. It can't fail and go on:
// the replies would acknowledge writes that may not be on disk. A file
// found closed was replaced by a rewrite meanwhile, which synced it first
// (syncReplaced).
func (s *Server) syncAlways(f *os.File) {
	if err := syncData(f); err != nil && !errors.Is(err, os.ErrClosed) {
		s.alwaysSyncFailed(err)
	}
}

func (s *Server) alwaysSyncFailed(err error) {
	s.warnf("Can't persist AOF for fsync error when the AOF fsync policy is 'always': %s. Exiting...", strerror(err))
	os.Exit(1)
}

// syncReplaced syncs and closes the incremental file a rewrite replaced,
// in the background: a sync of up to a second of writes would stall every
// client (and the new base holds them anyway). With appendfsync always, a
// failure exits as syncAlways does, since the event loop may be counting
// on this sync.
func (s *Server) syncReplaced(f *os.File, always bool) {
	if err := syncData(f); err != nil {
		if always {
			s.alwaysSyncFailed(err)
		}
		s.warnf("Fail to fsync the AOF file: %s", strerror(err))
	}
	f.Close()
}

// syncAOF is appendfsync everysec's once-a-second sync, from the cron.
func (s *Server) syncAOF() {
	s.lockIdle()
	a := s.aof
	// With always, a file is left dirty only by no-appendfsync-on-rewrite:
	// synced here too once the snapshot is done.
	if a == nil || !a.dirty || s.cfg.AppendFsync == "no" || time.Since(a.lastSync) < time.Second || s.fsyncPostponed() {
		s.mu.Unlock()
		return
	}
	a.dirty, a.lastSync, a.syncing = false, time.Now(), true
	f := a.file
	s.mu.Unlock()
	err := syncData(f) // outside the lock: a sync may take a while
	s.lockIdle()
	a.syncing = false
	// A rewrite may have switched files meanwhile (and closed this one
	// after syncing it): only the current file's sync counts. As in
	// Redis, EINVAL and EBADF (a file that can't be synced) are no error.
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EBADF) {
		err = nil
	}
	if f == a.file {
		if err != nil {
			s.warnf("Fail to fsync the AOF file: %s", strerror(err))
			a.dirty = true // to be tried again
		}
		a.syncErr = err
	}
	s.mu.Unlock()
	s.engine.wake() // to write what waited for the sync
}

// closeAOF writes and syncs what is left and closes the AOF: at shutdown,
// and when appendonly is turned off.
func (s *Server) closeAOF() {
	if s.aof == nil {
		return
	}
	s.writeAOFBuffer(true)
	syncData(s.aof.file)
	s.aof.file.Close()
	s.aof = nil
}

func writeFileSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// isRDB reports whether a base file is an RDB (rather than commands).
func isRDB(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 5)
	_, err = io.ReadFull(bufio.NewReader(f), magic)
	return err == nil && string(magic) == "REDIS"
}

// ---- Rewrites

// bgrewriteaof starts a rewrite (lock held): new writes go at once to a
// new incremental file, listed in the manifest beside the old files so
// that nothing is lost if the rewrite fails; a snapshot of this moment
// becomes the new base; then the manifest switches, atomically, to the new
// base and incremental file, and the old files are deleted. With the AOF
// off, the rewrite turns it on (CONFIG SET appendonly yes).
func (s *Server) bgrewriteaof() error {
	if s.ks.Snapshotting() {
		return errSnapshotBusy
	}
	// An AOF turned on again leaves the files of its last time on disk:
	// the new ones are numbered after them, and replace them.
	var stale []aof.ManifestFile
	if s.aof == nil {
		if err := os.MkdirAll(s.aofDir(), 0o755); err != nil {
			return err
		}
		if data, err := os.ReadFile(s.manifestPath()); err == nil {
			stale, _ = aof.ParseManifest(data)
		}
		s.aof = &aofState{db: -1}
	}
	a := s.aof
	// What the snapshot holds goes to the old file. If it can't, the
	// rewrite waits: those commands must not land in the new incremental
	// file too, after a base that already holds them.
	s.writeAOFBuffer(true)
	if a.writeErr != nil {
		return a.writeErr
	}
	seq := int64(1)
	for _, f := range slices.Concat(a.manifest, stale) {
		seq = max(seq, f.Seq+1)
	}
	incr := aof.ManifestFile{Name: fmt.Sprintf("%s.%d.incr.aof", s.cfg.AppendFilename, seq), Seq: seq, Type: aof.TypeIncr}
	file, size, err := openIncr(filepath.Join(s.aofDir(), incr.Name))
	if err != nil {
		if a.file == nil {
			s.aof = nil // it was being turned on: it stays off
		}
		return err
	}
	old := a.manifest
	// With an AOF already on, the new file joins the manifest at once; one
	// being turned on gets its manifest only when its base is complete.
	if len(old) > 0 {
		if err := s.writeManifest(s.aofDir(), append(slices.Clone(old), incr)); err != nil {
			file.Close()
			return err
		}
	}
	if prev := a.file; prev != nil {
		go s.syncReplaced(prev, s.cfg.AppendFsync == "always")
	}
	a.file, a.size, a.db, a.manifest = file, size, -1, append(slices.Clone(old), incr)
	snap := s.ks.StartSnapshot()
	s.rewrite.running, s.rewrite.initial = true, len(old) == 0
	s.rewrite.start = time.Now()
	s.stats.aofRewrites++
	s.logf("Background append only file rewriting started")
	format, base := s.aofBase(seq)
	s.savers.Add(1)
	go s.finishRewrite(snap, format, s.aofDir(), base, slices.Concat(old, stale), incr)
	return nil
}

// aofBase is the format and manifest entry of a new base file: an RDB
// (aof-use-rdb-preamble yes, "<name>.<seq>.base.rdb") or commands
// ("<name>.<seq>.base.aof"), as Redis names them.
func (s *Server) aofBase(seq int64) (snapshotFormat, aof.ManifestFile) {
	base := func(suffix string) aof.ManifestFile {
		return aof.ManifestFile{Name: fmt.Sprintf("%s.%d.base%s", s.cfg.AppendFilename, seq, suffix), Seq: seq, Type: aof.TypeBase}
	}
	if s.cfg.AOFRDBPreamble {
		return s.rdbEncoder(true), base(".rdb")
	}
	now, timestamp, functions := time.Now().UnixMilli(), s.cfg.AOFTimestamps, s.functionCodes()
	return func(w io.Writer) (snapshotEncoder, error) {
		e := aof.NewBaseEncoder(w, now, timestamp)
		e.Functions(functions)
		return e, nil
	}, base(".aof")
}

// finishRewrite writes the new base into dir, the AOF's directory when the
// rewrite started (a CONFIG SET dir meanwhile does not move it, as Redis's
// child keeps its working directory), and switches the manifest to it.
func (s *Server) finishRewrite(snap *keyspace.Snapshot, format snapshotFormat, dir string, base aof.ManifestFile, old []aof.ManifestFile, incr aof.ManifestFile) {
	defer s.savers.Done()
	tmp := filepath.Join(dir, fmt.Sprintf("temp-rewriteaof-bg-%d.aof", os.Getpid()))
	err := s.saveSnapshot(snap, format, tmp)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, base.Name))
	}
	// The switch is made outside the lock (file syncs, deletions of large
	// files): no other rewrite starts while this snapshot is open.
	if err == nil {
		err = s.writeManifest(dir, []aof.ManifestFile{base, incr})
	}
	if err != nil {
		os.Remove(tmp)
	} else {
		for _, f := range old {
			os.Remove(filepath.Join(dir, f.Name))
		}
	}
	baseSize := fileSize(filepath.Join(dir, base.Name))
	s.lockIdle()
	defer s.mu.Unlock()
	snap.Close()
	s.rewrite.running = false
	if !s.cfg.AppendOnly {
		// BGREWRITEAOF with the AOF off: the file that took the writes
		// made meanwhile closes with the rewrite.
		defer s.closeAOF()
	}
	s.rewrite.lastSeconds = int64(time.Since(s.rewrite.start).Seconds())
	s.rewrite.lastOK = err == nil
	if err != nil && s.stopping {
		return // abandoned by a shutdown, which said so
	}
	if err != nil {
		s.stats.rewriteFailures++
		s.warnf("Background AOF rewrite failed: %v", err)
		return
	}
	s.stats.rewriteFailures = 0
	if s.aof == nil {
		return // turned off (or shut down) meanwhile
	}
	s.aof.manifest = []aof.ManifestFile{base, incr}
	// Growth counts from the whole AOF's size now, as Redis's
	// aof_rewrite_base_size: the new incremental file already holds the
	// writes made during the rewrite.
	s.rewrite.baseSize = baseSize + fileSize(filepath.Join(dir, incr.Name))
	s.logf("Background AOF rewrite finished successfully")
}

// writeManifest replaces the manifest in the AOF's directory dir
// atomically. (appendfilename is immutable: it needs no lock.)
func (s *Server) writeManifest(dir string, files []aof.ManifestFile) error {
	path := filepath.Join(dir, s.cfg.AppendFilename+".manifest")
	if err := writeFileSynced(path+".tmp", aof.FormatManifest(files)); err != nil {
		return err
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return err
	}
	return syncDir(dir)
}

// applyAppendonly makes the AOF follow appendonly (lock held), at CONFIG
// SET and at the end of a load: turning it on starts a rewrite that
// creates the AOF, or schedules it while a snapshot or a transaction is in
// progress, as Redis; turning it off closes the AOF at once (a rewrite in
// progress completes, and finds it closed).
func (s *Server) applyAppendonly() string {
	switch {
	case s.loading.active:
		// Not from half the data: the load's end applies it.
	case s.cfg.AppendOnly && s.aof == nil && s.ks.Snapshotting():
		s.rewrite.scheduled = true
		s.logf("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.")
	case s.cfg.AppendOnly && s.aof == nil && s.inExec:
		s.rewrite.scheduled = true
		s.logf("AOF was enabled during a transaction. An AOF background was scheduled to start when possible.")
	case s.cfg.AppendOnly && s.aof == nil:
		if err := s.bgrewriteaof(); err != nil {
			s.warnf("Can't turn the AOF on: %v", err)
			return errAOFTurnOnFailed
		}
	case !s.cfg.AppendOnly:
		s.rewrite.scheduled = false
		s.closeAOF()
	}
	return ""
}

// autoRewriteAOF is auto-aof-rewrite-percentage/min-size (lock held): a
// rewrite once the AOF has grown by that percentage over its base.
func (s *Server) autoRewriteAOF() {
	a := s.aof
	pct := int64(s.cfg.AutoAOFRewritePct)
	if a == nil || a.file == nil || pct == 0 || s.ks.Snapshotting() {
		return
	}
	info, err := a.file.Stat()
	if err != nil {
		return
	}
	size := s.rewrite.baseSize + info.Size()
	if size >= s.cfg.AutoAOFRewriteMinSize && size >= s.rewrite.baseSize*(100+pct)/100 && s.rewrite.baseSize > 0 {
		s.logf("Starting automatic rewriting of AOF on %d%% growth", (size-s.rewrite.baseSize)*100/s.rewrite.baseSize)
		s.bgrewriteaof()
	}
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

func cmdBgrewriteaof(c *Client, args [][]byte) {
	s := c.srv
	switch {
	case s.rewrite.running:
		c.Error(errAOFRewriteInProgress)
	case s.ks.Snapshotting() || s.inExec:
		// After the background save, or the transaction, as Redis does.
		s.rewrite.scheduled = true
		s.stats.rewriteFailures = 0
		c.Simple("Background append only file rewriting scheduled")
	case s.bgrewriteaof() != nil:
		c.Error(errAOFRewriteFailed)
	default:
		c.Simple("Background append only file rewriting started")
	}
}
