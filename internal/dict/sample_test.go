package dict

import (
	"math/rand/v2"
	"testing"
)

// filled returns a dict of the keys 0..n-1, done rehashing.
func filled(n int) *keyDict {
	d := newTestDict()
	addKeys(d, 0, n)
	for d.Rehash(100) {
	}
	return d
}

// chiSquare draws from the dict's keys 0..n-1 with pick and returns
// Pearson's statistic against the uniform distribution (n-1 degrees of
// freedom) and the fewest times a key came up.
func chiSquare(t *testing.T, d *keyDict, n, draws int, pick func() *node) (chi float64, fewest int) {
	t.Helper()
	counts := make(map[*node]int, n)
	for range draws {
		counts[pick()]++
	}
	want := float64(draws) / float64(n)
	fewest = draws
	for i := range n {
		e := d.lookup(testKey(i), d.hash(testKey(i)))
		c := counts[e]
		delete(counts, e)
		chi += (float64(c) - want) * (float64(c) - want) / want
		fewest = min(fewest, c)
	}
	if len(counts) > 0 {
		t.Fatalf("drew %d nodes that are not keys of the dict", len(counts))
	}
	return chi, fewest
}

// FairRandom is dictGetFairRandomKey: every node comes up, and the draws are
// far closer to uniform than Random's (whose chance for a node is halved by
// a second one in its bucket). Not exactly uniform, as in Redis: a node's
// chance grows with the span of buckets its 19 predecessors cover, so the
// probabilities spread by about 20% (chi-square ~6 times its degrees of
// freedom).
//
// The draws' seed is fixed but the table's layout is not: maphash mixes a
// per-process random key into every hash, whatever the seed. The bounds
// hold for any layout: over 3000 of them, FairRandom's chi-square (100000
// draws) stayed within 3700..9100 (99th percentile 8100), Random's above
// 19000, and the draws needed to see every node within 5300..21000 (99th
// percentile 16000).
func TestFairRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := newTestDict()
	if d.FairRandom(rng) != nil {
		t.Fatal("FairRandom on an empty dict")
	}
	addKeys(d, 0, 1)
	if e := d.FairRandom(rng); e == nil || e.key != testKey(0) {
		t.Fatalf("FairRandom of one key = %v", e)
	}

	const n, draws = 1000, 100000
	d = filled(n)
	seen := map[*node]bool{}
	for k := 1; len(seen) < n; k++ {
		if k > 100000 {
			t.Fatalf("%d draws saw %d of %d nodes", k, len(seen), n)
		}
		seen[d.FairRandom(rng)] = true
	}
	fair, fewest := chiSquare(t, d, n, draws, func() *node { return d.FairRandom(rng) })
	random, _ := chiSquare(t, d, n, draws, func() *node { return d.Random(rng) })
	t.Logf("chi-square over %d draws, %d degrees of freedom: FairRandom %.0f (rarest node %d times, %d expected), Random %.0f",
		draws, n-1, fair, fewest, draws/n, random)
	if fair > 12*(n-1) {
		t.Fatalf("FairRandom far from uniform: chi-square %.0f", fair)
	}
	if fair >= random {
		t.Fatalf("FairRandom (chi-square %.0f) no fairer than Random (%.0f)", fair, random)
	}

	if allocs := testing.AllocsPerRun(100, func() { d.FairRandom(rng) }); allocs != 0 {
		t.Fatalf("FairRandom allocates %v times", allocs)
	}
}

// checkSample checks what SomeKeys appended to prefix: no more than count
// (nor than the dict holds), no node twice, every one in the dict.
func checkSample(t *testing.T, d *keyDict, prefix, got []*node, count int) {
	t.Helper()
	for i := range prefix {
		if i >= len(got) || got[i] != prefix[i] {
			t.Fatal("SomeKeys did not append to dst")
		}
	}
	sample := got[len(prefix):]
	if len(sample) > count || len(sample) > d.Len() {
		t.Fatalf("SomeKeys returned %d nodes, asked %d of %d", len(sample), count, d.Len())
	}
	seen := map[*node]bool{}
	for _, e := range sample {
		if seen[e] {
			t.Fatalf("SomeKeys returned %q twice (%d of %d asked, dict of %d)", e.key, len(sample), count, d.Len())
		}
		seen[e] = true
		if d.lookup(e.key, d.hash(e.key)) != e {
			t.Fatalf("SomeKeys returned %q, not in the dict", e.key)
		}
	}
}

func TestSomeKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	states := []struct {
		name string
		make func() *keyDict
	}{
		{"stable", func() *keyDict { return filled(1000) }},
		{"growing", func() *keyDict {
			d := filled(1024)
			addKeys(d, 1024, 1100) // growing to 2048 buckets
			return d
		}},
		{"shrinking", func() *keyDict {
			d := newTestDict()
			addKeys(d, 0, 5000)
			for i := 4999; !d.Rehashing() || len(d.table[0]) < len(d.table[1]); i-- {
				d.Remove(testKey(i))
			}
			return d
		}},
		// Paused, so that neither a rehash nor a shrink tidies it up: 40
		// keys spread over 8192 buckets, the walk jumping back and forth
		// (and coming back to buckets it took already), and a rehash that
		// cannot advance.
		{"sparse", func() *keyDict {
			d := newTestDict()
			addKeys(d, 0, 8000)
			d.Pause()
			for i := 40; i < 8000; i++ {
				d.Remove(testKey(i))
			}
			return d
		}},
		{"paused while growing", func() *keyDict {
			d := filled(1024)
			addKeys(d, 1024, 1025)
			d.Pause()
			addKeys(d, 1025, 3000)
			return d
		}},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			for _, count := range []int{0, 1, 5, 20, 39, 40, 100, 1000, 5000} {
				// Samples one after the other, each moving a rehash on
				// (unless paused) by as many buckets as it asks nodes.
				d := st.make()
				for range 50 {
					prefix := []*node{{key: "not in the dict"}}
					got := d.SomeKeys(rng, prefix[:1:1], count)
					checkSample(t, d, prefix[:1], got, count)
					if count == 0 && len(got) != 1 {
						t.Fatalf("SomeKeys(0) returned %d nodes", len(got)-1)
					}
				}
			}
		})
	}

	d := newTestDict()
	if got := d.SomeKeys(rng, nil, 10); len(got) != 0 {
		t.Fatalf("SomeKeys of an empty dict returned %d nodes", len(got))
	}
	// Asked for all the nodes of a dict that is not rehashing, the walk
	// (10*count buckets, no jump before count empty ones) covers the table.
	d = filled(1000)
	if got := d.SomeKeys(rng, nil, 1000); len(got) != 1000 {
		t.Fatalf("SomeKeys(Len) returned %d of 1000 nodes", len(got))
	}
	if got := d.SomeKeys(rng, nil, 1<<20); len(got) != 1000 {
		t.Fatalf("SomeKeys(more than Len) returned %d of 1000 nodes", len(got))
	}
}

// The value dicts' rehashing is dict.c's: each Find, Add, AddOrFind,
// Remove, Random, SomeKeys and FairRandom moves the rehash on, without a
// cron; Pause stops it; Rehash moves it on by as many buckets as asked.
func TestRehashStepsOnEachOperation(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 1 << 12
	ops := []struct {
		name string
		op   func(d *keyDict, i int)
	}{
		{"Find", func(d *keyDict, i int) { d.Find(testKey(i)) }},
		{"Find missing", func(d *keyDict, i int) { d.Find("missing") }},
		{"Add", func(d *keyDict, i int) { d.Add(&node{key: testKey(n + 1 + i)}) }},
		{"AddOrFind", func(d *keyDict, i int) { d.AddOrFind(&node{key: testKey(i)}) }},
		{"Remove", func(d *keyDict, i int) { d.Remove(testKey(i)) }},
		{"Random", func(d *keyDict, i int) { d.Random(rng) }},
		{"FairRandom", func(d *keyDict, i int) { d.FairRandom(rng) }},
		{"SomeKeys", func(d *keyDict, i int) { d.SomeKeys(rng, nil, 3) }},
	}
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			d := filled(n)
			addKeys(d, n, n+1)
			for i := 0; d.Rehashing(); i++ {
				if i > n {
					t.Fatalf("rehash of %d buckets not done after %d calls", n, i)
				}
				prev := d.rehashIdx
				o.op(d, i)
				if d.Rehashing() && d.rehashIdx <= prev {
					t.Fatalf("call %d: rehash did not advance from bucket %d", i, prev)
				}
			}
			checkDict(t, d)
		})
	}

	d := filled(n)
	addKeys(d, n, n+1)
	d.Pause()
	prev := d.rehashIdx
	d.Find(testKey(1))
	d.Random(rng)
	d.SomeKeys(rng, nil, 100)
	if !d.Rehash(100) || d.rehashIdx != prev {
		t.Fatalf("paused dict rehashed from bucket %d to %d", prev, d.rehashIdx)
	}
	d.Resume()
	if !d.Rehash(100) || d.rehashIdx < prev+100 {
		t.Fatalf("Rehash(100) moved from bucket %d to %d", prev, d.rehashIdx)
	}
	for d.Rehash(1000) {
	}
	checkDict(t, d)
	if d.Rehash(1) {
		t.Fatal("Rehash reports more to do after the rehash")
	}
}
