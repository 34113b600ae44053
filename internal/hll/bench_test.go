package hll

import (
	"strconv"
	"strings"
	"testing"
)

// The benchmarks report ns per element for PFADD's work and ns per call for
// PFCOUNT; the BenchmarkRedis ones report the same for a real redis-server
// from INFO commandstats (time inside the command, no network), for a
// like-for-like ratio: go test -bench . -run XXX ./internal/hll

const benchBatch = 1000 // elements per PFADD

var benchElems = elements("element:", 0, 1000000)

// BenchmarkAdd adds 1M elements from a missing key (sparse, then dense) in
// PFADD calls of benchBatch elements. Each call's elements are copied into
// one buffer first, untimed: a server's arguments sit in its read buffer,
// just parsed, not scattered over 40 MB.
func BenchmarkAdd(b *testing.B) {
	var v []byte
	buf := make([]byte, 0, 64*benchBatch)
	batch := make([][]byte, benchBatch)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		from := i * benchBatch % len(benchElems)
		if from == 0 {
			v = nil
		}
		buf = buf[:0]
		for j, e := range benchElems[from : from+benchBatch] {
			buf = append(buf, e...)
			batch[j] = buf[len(buf)-len(e):]
		}
		b.StartTimer()
		v, _, _ = Add(v, batch, 3000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/element")
}

// BenchmarkAddSparse is PFADD of 1000 new elements to a missing key: the
// value stays sparse (hll-sparse-max-bytes 3000), every add a scan and a
// split.
func BenchmarkAddSparse(b *testing.B) {
	elems := benchElems[:benchBatch]
	b.ReportAllocs()
	for b.Loop() {
		Add(nil, elems, 3000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/element")
}

func BenchmarkRedisPFADDSparse(b *testing.B) {
	r := startRedis(b)
	args := []any{"PFADD", "k"}
	for _, e := range benchElems[:benchBatch] {
		args = append(args, e)
	}
	r.do("CONFIG", "RESETSTAT")
	for b.Loop() {
		r.do("DEL", "k")
		r.do(args...)
	}
	if v := r.do("PFDEBUG", "ENCODING", "k"); v != "sparse" {
		b.Fatalf("encoding %v", v)
	}
	calls, usec := commandStats(b, r, "pfadd")
	b.ReportMetric(float64(usec)*1000/float64(calls*benchBatch), "redis-ns/element")
}

// tenDense is ten dense HLLs of 100,000 elements each.
func tenDense() [][]byte {
	vals := make([][]byte, 10)
	for k := range vals {
		vals[k], _, _ = Add(nil, elements(strconv.Itoa(k)+":", 0, 100000), 3000)
	}
	return vals
}

func BenchmarkCount(b *testing.B) {
	v := tenDense()[0]
	b.ReportAllocs()
	for b.Loop() {
		invalidateCache(v)
		Count(v)
	}
}

// sparse1000 is a sparse HLL of 1000 elements.
func sparse1000() []byte {
	v, _, _ := Add(nil, benchElems[:benchBatch], 3000)
	return v
}

func BenchmarkCountSparse(b *testing.B) {
	v := sparse1000()
	b.ReportAllocs()
	for b.Loop() {
		invalidateCache(v)
		Count(v)
	}
}

func BenchmarkRedisPFCOUNTSparse(b *testing.B) {
	r := startRedis(b)
	r.do("SET", "k", sparse1000())
	r.do("CONFIG", "RESETSTAT")
	for b.Loop() {
		r.do("SETRANGE", "k", "15", "\x80")
		r.do("PFCOUNT", "k")
	}
	calls, usec := commandStats(b, r, "pfcount")
	b.ReportMetric(float64(usec)*1000/float64(calls), "redis-ns/call")
}

func BenchmarkCountMany10(b *testing.B) {
	vals := tenDense()
	b.ReportAllocs()
	for b.Loop() {
		CountMany(vals)
	}
}

func BenchmarkRedisPFADD(b *testing.B) {
	r := startRedis(b)
	for b.Loop() {
		r.do("DEL", "k")
		r.do("CONFIG", "RESETSTAT")
		for from := 0; from < len(benchElems); from += benchBatch {
			args := []any{"PFADD", "k"}
			for _, e := range benchElems[from : from+benchBatch] {
				args = append(args, e)
			}
			r.do(args...)
		}
	}
	calls, usec := commandStats(b, r, "pfadd")
	b.ReportMetric(float64(usec)*1000/float64(calls*benchBatch), "redis-ns/element")
}

// BenchmarkRedisPFCOUNT is BenchmarkCount's twin: SETRANGE marks the
// cache stale before each PFCOUNT, which then recomputes it.
func BenchmarkRedisPFCOUNT(b *testing.B) {
	r := startRedis(b)
	r.do("SET", "k", tenDense()[0])
	r.do("CONFIG", "RESETSTAT")
	for b.Loop() {
		r.do("SETRANGE", "k", "15", "\x80")
		r.do("PFCOUNT", "k")
	}
	calls, usec := commandStats(b, r, "pfcount")
	b.ReportMetric(float64(usec)*1000/float64(calls), "redis-ns/call")
}

func BenchmarkRedisPFCOUNT10(b *testing.B) {
	r := startRedis(b)
	args := []any{"PFCOUNT"}
	for k, v := range tenDense() {
		key := strconv.Itoa(k)
		r.do("SET", key, v)
		args = append(args, key)
	}
	r.do("CONFIG", "RESETSTAT")
	for b.Loop() {
		r.do(args...)
	}
	calls, usec := commandStats(b, r, "pfcount")
	b.ReportMetric(float64(usec)*1000/float64(calls), "redis-ns/call")
}

// commandStats reads calls= and usec= of a command from INFO commandstats.
func commandStats(b *testing.B, r *redisConn, cmd string) (calls, usec int64) {
	info, _ := r.do("INFO", "commandstats").(string)
	for line := range strings.SplitSeq(info, "\r\n") {
		rest, ok := strings.CutPrefix(line, "cmdstat_"+cmd+":")
		if !ok {
			continue
		}
		for field := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(field, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "calls":
				calls = n
			case "usec":
				usec = n
			}
		}
	}
	if calls == 0 {
		b.Fatalf("no %s in INFO commandstats", cmd)
	}
	return calls, usec
}
