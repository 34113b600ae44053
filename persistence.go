package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"respd/internal/keyspace"
	"respd/internal/rdb"
)

// RDB snapshots: loading at start, SAVE, LASTSAVE, DEBUG RELOAD, and the
// save SHUTDOWN makes. (Background saves arrive with copy-on-write
// snapshots of the keyspace.)

func (s *Server) rdbPath() string { return filepath.Join(s.cfg.Dir, s.cfg.DBFilename) }

// LoadRDB fills the keyspace from <dir>/<dbfilename>; a missing file is an
// empty dataset. Keys whose TTL has passed are not loaded, as on a Redis
// master. Call it before serving, or with the lock held.
func (s *Server) LoadRDB() error {
	path := s.rdbPath()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, _ := f.Stat()
	start := time.Now()
	now := start.UnixMilli()
	var loaded, expired int64
	err = rdb.Load(bufio.NewReaderSize(f, 1<<20), func(r rdb.Record) error {
		if r.DB >= len(s.ks.DBs) {
			return fmt.Errorf("database %d is out of range (databases is %d)", r.DB, len(s.ks.DBs))
		}
		if r.ExpireMs != 0 && r.ExpireMs <= now {
			expired++
			return nil
		}
		e := &keyspace.Entry{Type: keyspace.TypeString, Str: r.Value, Expire: r.ExpireMs, Access: keyspace.LRUClock(now)}
		s.ks.DBs[r.DB].Set(string(r.Key), e, false)
		if loaded++; loaded%1_000_000 == 0 {
			s.logf("Loading RDB: %d keys loaded", loaded)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("can't load %s: %w", path, err)
	}
	elapsed := time.Since(start)
	s.logf("DB loaded from disk: %.3f seconds, %d keys loaded, %d expired keys skipped, %.1f MB/s",
		elapsed.Seconds(), loaded, expired, float64(info.Size())/(1<<20)/max(elapsed.Seconds(), 1e-9))
	return nil
}

// save writes the dataset to <dir>/<dbfilename> as Redis does: into a
// temporary file, synced to disk, then renamed over the old one, so a
// failed save leaves the previous file intact. The lock is held.
func (s *Server) save() error {
	path := s.rdbPath()
	tmp := filepath.Join(s.cfg.Dir, fmt.Sprintf("temp-%d.rdb", os.Getpid()))
	err := s.writeRDB(tmp)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(s.cfg.Dir)
	}
	if err != nil {
		os.Remove(tmp)
		s.logf("Failed saving the DB: %v", err)
		return err
	}
	s.stats.dirty = 0
	s.lastSave = time.Now()
	s.stats.rdbSaves++
	s.logf("DB saved on disk")
	return nil
}

func (s *Server) writeRDB(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	enc, err := rdb.NewEncoder(w)
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
		db.ForEach(func(e *keyspace.Entry) {
			if err == nil {
				err = enc.String([]byte(e.Key), e.Str, e.Expire)
			}
		})
		if err != nil {
			return err
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Sync()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func cmdSave(c *Client, args [][]byte) {
	if err := c.srv.save(); err != nil {
		c.Error("ERR")
		return
	}
	c.OK()
}

func cmdLastsave(c *Client, args [][]byte) { c.Int(c.srv.lastSave.Unix()) }

// prepareShutdown makes the save a shutdown requires (lock held): always
// with SAVE, never with NOSAVE, otherwise when save points are configured.
func (s *Server) prepareShutdown(save, noSave bool) error {
	if noSave || (!save && len(s.cfg.Save) == 0) {
		return nil
	}
	s.logf("Saving the final RDB snapshot before exiting.")
	return s.save()
}
