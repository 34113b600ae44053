package latency

import (
	"strings"
	"testing"
	"time"
)

// TestPrintCSV: redis-benchmark's header, then the row with the rate and
// the latencies of 100 operations of 1..100 ms taken over 2 s.
func TestPrintCSV(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(100-i) * time.Millisecond // unsorted
	}
	var b strings.Builder
	PrintCSV(&b, "LPUSH + BLPOP", lat, 2*time.Second)
	want := `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"` + "\n" +
		`"LPUSH + BLPOP","50.00","50.500","1.000","51.000","96.000","100.000","100.000"` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
