package main

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"respd/internal/aof"
)

// Loading, as Redis does it: while the dataset is read (at start, and on a
// replica taking a full sync), the server keeps accepting clients and
// answers their commands with LOADING, except the few Redis allows then
// (INFO, CONFIG, SHUTDOWN, …); INFO shows the progress. The load holds the
// data lock and lets go of it every loading-process-events-interval-bytes
// of input for the event loop to answer.

type loadingState struct {
	active      bool
	start       time.Time
	total, read int64 // bytes of the files to read, and read so far
	done        int64 // bytes of the files read completely
	yielded     int64 // read at the last yield
	rdbUsedMem  int64 // the used-mem the RDB being read records
}

var (
	// errLoadInterrupted ends a load when the server shuts down meanwhile.
	errLoadInterrupted = errors.New("loading interrupted by a shutdown")
	// errStillLoading refuses to save a dataset being loaded.
	errStillLoading = errors.New("the dataset is still being loaded")
)

// beginLoading starts the loading state (lock held) for files of total
// bytes, known from the start as in Redis (INFO's loading_total_bytes):
// the loads that follow count their progress and yield. A load outside it
// (DEBUG RELOAD) holds the lock throughout, as in Redis.
func (s *Server) beginLoading(total int64) {
	s.loading = loadingState{active: true, start: time.Now(), total: total}
}

// startLoadSize is the size of what the load at start reads: the files of
// the AOF's manifest, else the RDB.
func (s *Server) startLoadSize() int64 {
	if s.cfg.AppendOnly {
		if data, err := os.ReadFile(s.manifestPath()); err == nil {
			if files, err := aof.ParseManifest(data); err == nil {
				var size int64
				for _, f := range files {
					if f.Type != aof.TypeHistory {
						size += fileSize(filepath.Join(s.aofDir(), f.Name))
					}
				}
				return size
			}
		}
	}
	return fileSize(s.rdbPath())
}

// endLoading ends the loading state (lock held).
func (s *Server) endLoading() { s.loading = loadingState{} }

// loadingFile returns the function that marks a file of size bytes of
// the load read.
func (s *Server) loadingFile(size int64) (read func()) {
	if !s.loading.active {
		return func() {}
	}
	return func() { s.loading.done += size }
}

// loadingYield records that the current file has been read up to offset
// and, once another loading-process-events-interval-bytes have been read,
// lets clients in (lock held, and given back held).
func (s *Server) loadingYield(offset int64) error {
	l := &s.loading
	if !l.active {
		return nil
	}
	if l.read = l.done + offset; l.read-l.yielded < s.cfg.LoadingEventsInterval {
		return nil
	}
	l.yielded = l.read
	s.mu.Unlock()
	runtime.Gosched() // the event loop takes the lock now if it waits for it
	s.mu.Lock()
	if s.stopping {
		return errLoadInterrupted
	}
	return nil
}

// loadAtStart is the start's load, in the background of a serving event
// loop, in the loading state Serve began; then the services that need the
// data start. A file that can't be loaded stops the server, as it would
// before it served.
func (s *Server) loadAtStart() {
	defer s.savers.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		// Shut down before the load took the lock: the event loop has
		// closed the AOF already, so nothing may open it now.
		s.endLoading()
		return
	}
	err := s.LoadData()
	s.endLoading()
	switch {
	case errors.Is(err, errLoadInterrupted), s.stopping:
		return // shut down meanwhile: nothing more to start
	case err != nil:
		fatal(err.Error())
	}
	s.logf("Ready to accept connections tcp on %s", s.Addr())
	s.applyAppendonly() // if CONFIG SET it meanwhile
	s.startServices()
}

// infoLoading adds INFO persistence's loading_* fields.
func (s *Server) infoLoading(add func(key string, value any)) {
	l := &s.loading
	perc := float64(l.read) / float64(max(l.total, 1)) * 100
	elapsed := int64(time.Since(l.start).Seconds())
	eta := int64(1) // Redis's figure until a second has passed
	if elapsed > 0 {
		eta = elapsed * (l.total - l.read) / max(l.read, 1)
	}
	add("loading_start_time", l.start.Unix())
	add("loading_total_bytes", l.total)
	add("loading_rdb_used_mem", l.rdbUsedMem)
	add("loading_loaded_bytes", l.read)
	add("loading_loaded_perc", strconv.FormatFloat(perc, 'f', 2, 64))
	add("loading_eta_seconds", eta)
}
