package keyspace

import (
	"fmt"
	"testing"
)

// The keyspace's hot paths over a database of 100000 keys (the key space of
// redis-benchmark -r 100000), a tenth of them with a TTL.

const benchKeys = 100000

func benchKeyspace(b *testing.B) (*Keyspace, []string) {
	b.Helper()
	ks := New(1)
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("key:%012d", i)
		e := str("v")
		if i%10 == 0 {
			e.Expire = 1 << 50
		}
		ks.DBs[0].Set(keys[i], e, false)
	}
	return ks, keys
}

func BenchmarkLookupHit(b *testing.B) {
	ks, keys := benchKeyspace(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if ks.Lookup(0, keys[i%len(keys)], 1, true) == nil {
			b.Fatal("miss")
		}
		i++
	}
}

func BenchmarkLookupMiss(b *testing.B) {
	ks, keys := benchKeyspace(b)
	missing := make([]string, len(keys))
	for i := range missing {
		missing[i] = keys[i] + "x"
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if ks.Lookup(0, missing[i%len(missing)], 1, true) != nil {
			b.Fatal("hit")
		}
		i++
	}
}

// SET over an existing key: the find-or-add, the replace in place.
func BenchmarkSetOverwrite(b *testing.B) {
	ks, keys := benchKeyspace(b)
	// Two rounds of entries: one is linked while the other is reused.
	entries := [2][]Entry{make([]Entry, len(keys)), make([]Entry, len(keys))}
	fresh := make([]Entry, len(keys))
	for j, k := range keys {
		fresh[j] = *NewString(k, []byte("w"))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		j := i % len(keys)
		e := &entries[i/len(keys)%2][j]
		*e = fresh[j]
		ks.DBs[0].Set(keys[j], e, false)
		i++
	}
}

// A delete and an add of the same key: unlink, shrink check, link.
func BenchmarkDeleteAdd(b *testing.B) {
	ks, keys := benchKeyspace(b)
	entries := make([]Entry, len(keys))
	fresh := make([]Entry, len(keys))
	for j, k := range keys {
		fresh[j] = *NewString(k, []byte("w"))
	}
	db := ks.DBs[0]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		j := i % len(keys)
		db.Delete(keys[j])
		entries[j] = fresh[j]
		db.Add(keys[j], &entries[j])
		i++
	}
}

// Filling an empty database, growing its table from nothing.
func BenchmarkFill(b *testing.B) {
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("key:%012d", i)
	}
	entries := make([]Entry, len(keys))
	fresh := make([]Entry, len(keys))
	for j, k := range keys {
		fresh[j] = *NewString(k, nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		db := New(1).DBs[0]
		for i, k := range keys {
			entries[i] = fresh[i]
			db.Set(k, &entries[i], false)
		}
	}
}

func BenchmarkRandom(b *testing.B) {
	ks, _ := benchKeyspace(b)
	b.ReportAllocs()
	for b.Loop() {
		if ks.Random(0) == nil {
			b.Fatal("empty")
		}
	}
}

// ExpireCycle's sampling of the keys with a TTL (none expired).
func BenchmarkExpireCycle(b *testing.B) {
	ks, _ := benchKeyspace(b)
	b.ReportAllocs()
	for b.Loop() {
		ks.ExpireCycle(0, 20, 1)
	}
}

// A whole SCAN iteration, per key.
func BenchmarkScan(b *testing.B) {
	ks, _ := benchKeyspace(b)
	db := ks.DBs[0]
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		cursor := uint64(0)
		for {
			cursor = db.Scan(cursor, func(*Entry) { n++ })
			if cursor == 0 {
				break
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/key")
}
