package main

import (
	"crypto/rand"
	"encoding/hex"
	"sync/atomic"
	"time"
)

// stats are the counters INFO reports; written under the data lock.
type stats struct {
	commands          int64
	connections       int64
	rejectedConns     int64
	rdbSaves          int64
	aofRewrites       int64
	rewriteFailures   int64 // consecutive
	loadKeysLoaded    int64 // by the last RDB load
	loadKeysExpired   int64
	syncFull          int64
	aofDelayedFsync   int64
	syncPartialOK     int64
	syncPartialErr    int64
	expiredKeys       int64
	evictedKeys       int64
	evictedClients    int64
	readsProcessed    int64 // reads from clients' sockets
	writesProcessed   int64 // writes to them
	keyspaceHits      int64
	keyspaceMisses    int64
	dirty             int64 // changes since the last save
	peakMemory        uint64
	totalErrorReplies int64
	errorReplies      map[string]int64
	netInput          atomic.Int64
	netOutput         atomic.Int64

	// instantaneous_ops_per_sec and _input_kbps/_output_kbps: commands
	// and bytes sampled every cron tick over the last 16 samples, as
	// Redis's trackInstantaneousMetric.
	ops, input, output instantaneous
	lastSampleAt       time.Time
}

// instantaneous is one of INFO's instantaneous_* metrics: a counter's
// rate per second, the mean of the last 16 samples.
type instantaneous struct {
	samples [16]float64
	idx     int
	last    int64 // the counter at the last sample
}

func (m *instantaneous) sample(counter int64, elapsed float64) {
	m.samples[m.idx%len(m.samples)] = float64(counter-m.last) / elapsed
	m.idx++
	m.last = counter
}

func (m *instantaneous) rate() float64 {
	var sum float64
	for _, v := range m.samples {
		sum += v
	}
	return sum / float64(len(m.samples))
}

func (st *stats) init() {
	st.errorReplies = map[string]int64{}
	st.lastSampleAt = time.Now()
}

// reset is CONFIG RESETSTAT's part of the counters.
func (st *stats) reset() {
	st.commands, st.connections, st.rejectedConns = 0, 0, 0
	st.expiredKeys, st.evictedKeys, st.keyspaceHits, st.keyspaceMisses = 0, 0, 0, 0
	st.evictedClients, st.readsProcessed, st.writesProcessed = 0, 0, 0
	st.totalErrorReplies = 0
	st.errorReplies = map[string]int64{}
	st.netInput.Store(0)
	st.netOutput.Store(0)
	st.ops, st.input, st.output = instantaneous{}, instantaneous{}, instantaneous{}
}

// sampleOpsLocked takes one sample of the instantaneous metrics (lock
// held).
func (s *Server) sampleOpsLocked() {
	st := &s.stats
	now := time.Now()
	elapsed := now.Sub(st.lastSampleAt).Seconds()
	if elapsed <= 0 {
		return
	}
	st.ops.sample(st.commands, elapsed)
	st.input.sample(st.netInput.Load(), elapsed)
	st.output.sample(st.netOutput.Load(), elapsed)
	st.lastSampleAt = now
}

func randomHex(n int) string {
	b := make([]byte, n/2)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// redisVersion is the Redis version respd reports (HELLO, INFO, LOLWUT,
// scripts' REDIS_VERSION, RDB files): the release whose behaviour respd
// matches and whose COMMAND metadata it serves. Clients and tools gate
// features on it, so it must not promise a later release's (7.2's
// listpack sets, RDB 11, WAITAOF...).
const redisVersion = "7.0.15"
