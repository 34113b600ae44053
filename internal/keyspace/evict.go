package keyspace

// Access stamps and eviction sampling, as Redis's evict.c.
//
// Entry.Access is Redis's robj lru field, 24 bits. Under an LFU
// maxmemory-policy it holds the time of the counter's last decrement in
// minutes (16 bits, wrapping) and a logarithmic access counter (8 bits);
// otherwise the LRU clock of the last access.

// LFU holds an LFU policy's parameters (lfu-log-factor, lfu-decay-time);
// Keyspace.LFU is nil under any other policy.
type LFU struct {
	LogFactor int64
	DecayTime int64 // minutes per decrement of the counter; 0: never
}

// LFUInitVal is the counter of a new key, so that it is not evicted
// before it had the chance to be accessed.
const LFUInitVal = 5

// lfuMinutes is LFUGetTimeInMinutes: the time in minutes, on 16 bits.
func lfuMinutes(now int64) uint32 { return uint32(now/60000) & 0xffff }

// lfuElapsed is LFUTimeElapsed: the minutes since ldt, wrapping once.
func lfuElapsed(ldt uint32, now int64) uint32 {
	t := lfuMinutes(now)
	if t >= ldt {
		return t - ldt
	}
	return 65535 - ldt + t
}

// Stamp is the Access of an entry created at now (Unix ms).
func (ks *Keyspace) Stamp(now int64) uint32 {
	if ks.LFU != nil {
		return lfuMinutes(now)<<8 | LFUInitVal
	}
	return LRUClock(now)
}

// touch records an access to e at now: updateLFU, or the LRU clock.
func (ks *Keyspace) touch(e *Entry, now int64) {
	if ks.LFU == nil {
		e.Access = LRUClock(now)
		return
	}
	counter := ks.LFUCounter(e, now)
	// LFULogIncr: the higher the counter, the less likely an increment.
	if counter < 255 {
		base := max(float64(counter)-LFUInitVal, 0)
		if ks.rng.Float64() < 1/(base*float64(ks.LFU.LogFactor)+1) {
			counter++
		}
	}
	e.Access = lfuMinutes(now)<<8 | counter
}

// LFUCounter is LFUDecrAndReturn: e's counter, less one for every
// lfu-decay-time minutes since it was last decremented (OBJECT FREQ).
func (ks *Keyspace) LFUCounter(e *Entry, now int64) uint32 { return ks.LFU.Counter(e.Access, now) }

// Counter is the LFU counter of an access stamp at now (l may be nil: no
// decay).
func (l *LFU) Counter(access uint32, now int64) uint32 {
	counter := access & 255
	if l == nil || l.DecayTime == 0 {
		return counter
	}
	periods := lfuElapsed(access>>8, now) / uint32(l.DecayTime)
	return counter - min(periods, counter)
}

// SetAccess is objectSetLRUOrLFU: e's access from a counter (freq, under
// an LFU policy) or an idle time in seconds (under any other), as RESTORE
// and RDB files give them; negative ones are absent.
func (ks *Keyspace) SetAccess(e *Entry, freq int, idleSeconds, now int64) {
	switch {
	case ks.LFU != nil && freq >= 0:
		e.Access = lfuMinutes(now)<<8 | uint32(min(freq, 255))
	case ks.LFU == nil && idleSeconds >= 0:
		e.Access = LRUClock(now - idleSeconds*1000)
	}
}

// IdleMs is estimateObjectIdleTime: the milliseconds since e's last
// access, on the wrapping LRU clock.
func IdleMs(e *Entry, now int64) uint64 {
	clock := LRUClock(now)
	if clock >= e.Access {
		return uint64(clock-e.Access) * 1000
	}
	return uint64(clock+(LRUClockMax-e.Access)) * 1000
}

// SampleKeys appends to dst up to count entries of db picked as
// dictGetSomeKeys picks them, among every key or only the volatile ones.
func (db *DB) SampleKeys(dst []*Entry, count int, volatile bool) []*Entry {
	if !volatile {
		return db.keys.SomeKeys(db.ks.rng, dst, count)
	}
	nodes := db.expires.SomeKeys(db.ks.rng, db.sampledExpires[:0], count)
	db.sampledExpires = nodes
	for _, n := range nodes {
		dst = append(dst, n.entry)
	}
	clear(nodes)
	return dst
}

// RandomKey is a random entry among every key or only the volatile ones
// (dictGetRandomKey), or nil.
func (db *DB) RandomKey(volatile bool) *Entry {
	if volatile {
		if n := db.expires.Random(db.ks.rng); n != nil {
			return n.entry
		}
		return nil
	}
	return db.keys.Random(db.ks.rng)
}
