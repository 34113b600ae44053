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
	keyspaceHits      int64
	keyspaceMisses    int64
	dirty             int64 // changes since the last save
	peakMemory        uint64
	totalErrorReplies int64
	errorReplies      map[string]int64
	netInput          atomic.Int64
	netOutput         atomic.Int64

	// instantaneous_ops_per_sec: commands sampled every cron tick over the
	// last 16 samples, as Redis's trackInstantaneousMetric.
	opsSamples   [16]float64
	opsIdx       int
	lastSampleAt time.Time
	lastCommands int64
}

func (st *stats) init() {
	st.errorReplies = map[string]int64{}
	st.lastSampleAt = time.Now()
}

// reset is CONFIG RESETSTAT's part of the counters.
func (st *stats) reset() {
	st.commands, st.connections, st.rejectedConns = 0, 0, 0
	st.expiredKeys, st.evictedKeys, st.keyspaceHits, st.keyspaceMisses = 0, 0, 0, 0
	st.evictedClients = 0
	st.totalErrorReplies = 0
	st.errorReplies = map[string]int64{}
	st.netInput.Store(0)
	st.netOutput.Store(0)
	st.opsSamples = [16]float64{}
	st.lastCommands = 0
}

// sampleOpsLocked takes one instantaneous_ops_per_sec sample (lock held).
func (s *Server) sampleOpsLocked() {
	st := &s.stats
	now := time.Now()
	elapsed := now.Sub(st.lastSampleAt).Seconds()
	if elapsed <= 0 {
		return
	}
	st.opsSamples[st.opsIdx%len(st.opsSamples)] = float64(st.commands-st.lastCommands) / elapsed
	st.opsIdx++
	st.lastSampleAt, st.lastCommands = now, st.commands
}

func (st *stats) opsPerSec() int64 {
	var sum float64
	for _, v := range st.opsSamples {
		sum += v
	}
	return int64(sum / float64(len(st.opsSamples)))
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
