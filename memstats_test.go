package main

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"respd/internal/aof"
)

// memoryStatsShape is a MEMORY STATS reply with its figures taken out:
// integers and doubles (bulk strings in RESP2) become their type, so what
// remains is the fields' names, order and reply types.
func memoryStatsShape(reply string) string {
	lines := strings.Split(reply, "\r\n")
	number := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$`)
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, ":"):
			out = append(out, ":N")
		case strings.HasPrefix(l, ","):
			out = append(out, ",D")
		case strings.HasPrefix(l, "$") && i+1 < len(lines) && number.MatchString(lines[i+1]):
			out = append(out, "$D")
			i++
		default:
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestMemoryStatsShapeAsRedis compares MEMORY STATS's reply with
// redis-server's, figures aside, in RESP2 and RESP3, with keys (some with
// a TTL) in databases 0 and 3.
func TestMemoryStatsShapeAsRedis(t *testing.T) {
	interopRequireRedis(t)
	redisAddr := startProc(t, nil, "redis-server", t.TempDir(), "--save", "").addr
	respdAddr := startServer(t)
	shapes := map[string][2]string{}
	for name, addr := range map[string]string{"redis": redisAddr, "respd": respdAddr} {
		rc := dialRaw(t, addr)
		for _, cmd := range [][]string{{"SET", "a", "1"}, {"SET", "b", "2", "EX", "100"}, {"SELECT", "3"}, {"SET", "c", "3"}, {"SELECT", "0"}} {
			rc.send(string(aof.AppendCommand(nil, stringArgv(cmd...))))
			rc.expect("+OK\r\n")
		}
		var got [2]string
		for i, proto := range []string{"2", "3"} {
			rc.send(string(aof.AppendCommand(nil, stringArgv("HELLO", proto))))
			if _, err := diffReadReply(rc.r); err != nil {
				t.Fatal(err)
			}
			rc.send(string(aof.AppendCommand(nil, stringArgv("MEMORY", "STATS"))))
			reply, err := diffReadReply(rc.r)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = memoryStatsShape(string(reply))
		}
		shapes[name] = got
	}
	for i, proto := range []string{"RESP2", "RESP3"} {
		if shapes["respd"][i] != shapes["redis"][i] {
			t.Errorf("%s: MEMORY STATS shape\n%s\nwant (redis-server)\n%s", proto, shapes["respd"][i], shapes["redis"][i])
		}
	}
}

// TestMemoryStatsFigures checks that MEMORY STATS's figures are respd's
// own: keys counted per database, the tables' overhead, the clients',
// the scripts' and functions' caches, and totals that add up.
func TestMemoryStatsFigures(t *testing.T) {
	addr := startServer(t)
	for proto, rc := range newClients(t, addr) {
		t.Run(proto, func(t *testing.T) {
			rc.FlushAll(ctx)
			stats := func() map[string]any {
				t.Helper()
				m := map[string]any{}
				switch v := rc.Do(ctx, "MEMORY", "STATS").Val().(type) {
				case []any:
					for i := 0; i < len(v); i += 2 {
						m[v[i].(string)] = v[i+1]
					}
				case map[any]any:
					for k, x := range v {
						m[k.(string)] = x
					}
				default:
					t.Fatalf("MEMORY STATS: %T %v", v, v)
				}
				return m
			}
			empty := stats()
			if _, ok := empty["db.0"]; ok || empty["keys.count"] != int64(0) || empty["keys.bytes-per-key"] != int64(0) {
				t.Fatalf("empty: %v", empty)
			}
			for i := range 1000 {
				rc.Set(ctx, "k"+strconv.Itoa(i), "v", time.Duration(i%2)*time.Hour)
			}
			rc.ScriptLoad(ctx, "return 1")
			rc.FunctionLoad(ctx, "#!lua name=memlib\nredis.register_function('memf', function() return 1 end)")
			defer rc.FunctionFlush(ctx)
			m := stats()
			if m["keys.count"] != int64(1000) {
				t.Errorf("keys.count %v", m["keys.count"])
			}
			db := m["db.0"]
			var main, expires int64
			switch v := db.(type) {
			case []any:
				main, expires = v[1].(int64), v[3].(int64)
			case map[any]any:
				main, expires = v["overhead.hashtable.main"].(int64), v["overhead.hashtable.expires"].(int64)
			}
			// A 48-byte entry per key and a bucket each; a 16-byte node
			// per TTL and a bucket each.
			if main < 1000*56 || expires < 500*24 || expires >= main {
				t.Errorf("db.0 overhead: main %d expires %d", main, expires)
			}
			for _, f := range []string{"clients.normal", "lua.caches", "functions.caches"} {
				if m[f].(int64) <= 0 {
					t.Errorf("%s: %v", f, m[f])
				}
			}
			sum := m["startup.allocated"].(int64) + m["replication.backlog"].(int64) + m["clients.slaves"].(int64) +
				m["clients.normal"].(int64) + m["aof.buffer"].(int64) + m["lua.caches"].(int64) + m["functions.caches"].(int64) + main + expires
			if m["overhead.total"] != sum {
				t.Errorf("overhead.total %v, the overheads add up to %d", m["overhead.total"], sum)
			}
			if total := m["total.allocated"].(int64); total > sum && m["dataset.bytes"] != total-sum {
				t.Errorf("dataset.bytes %v, total %d - overhead %d", m["dataset.bytes"], total, sum)
			}
		})
	}
}

func TestMemoryDoctorReports(t *testing.T) {
	const mb = 1 << 20
	healthy := func() *memoryOverhead {
		return &memoryOverhead{peak: 100 * mb, total: 100 * mb, rss: 110 * mb, normalClients: 1, clientsNormal: 20000,
			alloc: allocatorFigures{allocated: 100 * mb, active: 102 * mb, resident: 105 * mb}}
	}
	if got := memoryDoctor(&memoryOverhead{total: 4 * mb, peak: 100 * mb}, 0); got != doctorEmpty {
		t.Errorf("under 5 MB: %q", got)
	}
	if got := memoryDoctor(healthy(), 1000); got != doctorNoIssues {
		t.Errorf("healthy: %q", got)
	}
	for _, c := range []struct {
		name    string
		change  func(m *memoryOverhead)
		scripts int
		want    string
	}{
		{"peak", func(m *memoryOverhead) { m.peak = 151 * mb }, 0, doctorBigPeak},
		{"rss", func(m *memoryOverhead) { m.rss, m.alloc = 150*mb, allocatorFigures{135 * mb, 140 * mb, 145 * mb} }, 0, fmt.Sprintf(doctorHighFrag, allocatorName())},
		{"allocator fragmentation", func(m *memoryOverhead) { m.alloc.active = 120 * mb }, 0, doctorAllocFrag},
		{"allocator rss", func(m *memoryOverhead) { m.alloc.resident = 120 * mb }, 0, doctorAllocRSS},
		{"process rss", func(m *memoryOverhead) { m.rss = 130 * mb; m.alloc.resident = 102 * mb }, 0, doctorProcRSS},
		{"replica buffers", func(m *memoryOverhead) { m.replicas, m.clientsReplicas = 2, 21*mb }, 0, doctorReplicaBuf},
		{"client buffers", func(m *memoryOverhead) { m.clientsNormal = 201 * 1024 }, 0, doctorClientBuf},
		{"scripts", func(m *memoryOverhead) {}, 1001, doctorScripts},
	} {
		m := healthy()
		c.change(m)
		if got, want := memoryDoctor(m, c.scripts), doctorIssues+c.want+doctorSafe; got != want {
			t.Errorf("%s: %q, want %q", c.name, got, want)
		}
	}
}

// TestMemoryMallocStatsAndPurge: MALLOC-STATS reports the Go runtime's
// memory metrics, PURGE answers at once and returns memory in the
// background.
func TestMemoryMallocStatsAndPurge(t *testing.T) {
	addr := startServer(t)
	for proto, rc := range newClients(t, addr) {
		text := rc.Do(ctx, "MEMORY", "MALLOC-STATS").Val().(string)
		if !strings.HasPrefix(text, allocatorName()+" allocator") || !strings.Contains(text, "\n/memory/classes/heap/objects:bytes: ") {
			t.Errorf("%s: MALLOC-STATS %q", proto, text)
		}
		if got := rc.Do(ctx, "MEMORY", "PURGE").Val(); got != "OK" {
			t.Errorf("%s: PURGE %v", proto, got)
		}
	}
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write([]byte("HELLO 3\r\nMEMORY DOCTOR\r\n"))
	r := bufio.NewReader(nc)
	if _, err := diffReadReply(r); err != nil {
		t.Fatal(err)
	}
	if reply, err := diffReadReply(r); err != nil || !strings.HasPrefix(string(reply), "=") || !strings.Contains(string(reply), "\r\ntxt:") {
		t.Errorf("RESP3 MEMORY DOCTOR: %q %v, want a verbatim string", reply, err)
	}
}
