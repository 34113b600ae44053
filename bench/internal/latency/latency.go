// Package latency prints what the bench programs timed as redis-benchmark's
// --csv output, so that bench/run.sh reads theirs and redis-benchmark's
// alike.
package latency

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// PrintCSV writes redis-benchmark's CSV header and the row for test: lat,
// one duration per operation (it sorts them), over took in all, as
// operations per second and the latency in ms (average, minimum, p50, p95,
// p99, maximum).
func PrintCSV(w io.Writer, test string, lat []time.Duration, took time.Duration) {
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/1e6) }
	q := func(f float64) time.Duration { return lat[min(len(lat)-1, int(f*float64(len(lat))))] }
	fmt.Fprintln(w, `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"`)
	fmt.Fprintf(w, "%q,\"%.2f\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"\n", test,
		float64(len(lat))/took.Seconds(), ms(sum/time.Duration(len(lat))), ms(lat[0]),
		ms(q(0.50)), ms(q(0.95)), ms(q(0.99)), ms(lat[len(lat)-1]))
}
