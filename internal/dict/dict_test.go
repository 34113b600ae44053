package dict

import (
	"hash/maphash"
	"math/rand/v2"
	"strconv"
	"testing"
)

// node is the tests' Node: a key and the link, as an intrusive node is.
type node struct {
	next *node
	key  string
}

func (n *node) Link() **node { return &n.next }
func (n *node) Key() string  { return n.key }

type keyDict = Dict[node, *node]

func newTestDict() *keyDict { return New[node](maphash.MakeSeed()) }

func testKey(i int) string { return "key:" + strconv.Itoa(i) }

func addKeys(d *keyDict, from, to int) {
	for i := from; i < to; i++ {
		d.Add(&node{key: testKey(i)})
	}
}

// checkDict verifies the table's invariants: power-of-two sizes, every
// entry in the bucket its hash selects, used counts matching the chains,
// the buckets already rehashed empty, and no second table unless rehashing.
func checkDict(t *testing.T, d *keyDict) {
	t.Helper()
	for ti, tab := range d.table {
		if len(tab)&(len(tab)-1) != 0 {
			t.Fatalf("table %d size %d is not a power of two", ti, len(tab))
		}
		n := 0
		for b, e := range tab {
			if ti == 0 && d.Rehashing() && b < d.rehashIdx && e != nil {
				t.Fatalf("bucket %d below rehashIdx %d is not empty", b, d.rehashIdx)
			}
			for ; e != nil; e = e.next {
				if got := int(d.hash(e.key) & uint64(len(tab)-1)); got != b {
					t.Fatalf("%q in bucket %d of table %d, belongs in %d", e.key, b, ti, got)
				}
				n++
			}
		}
		if n != d.used[ti] {
			t.Fatalf("table %d holds %d entries, used says %d", ti, n, d.used[ti])
		}
	}
	if !d.Rehashing() && d.table[1] != nil {
		t.Fatalf("second table of %d buckets while not rehashing", len(d.table[1]))
	}
}

func TestDictAddFindRemove(t *testing.T) {
	d := newTestDict()
	if d.Find("x") != nil || d.Remove("x") != nil || d.Len() != 0 {
		t.Fatal("empty dict finds something")
	}
	addKeys(d, 0, 1000)
	checkDict(t, d)
	if d.Len() != 1000 {
		t.Fatalf("len %d, want 1000", d.Len())
	}
	for i := 0; i < 1000; i++ {
		if e := d.Find(testKey(i)); e == nil || e.key != testKey(i) {
			t.Fatalf("find(%q) = %v", testKey(i), e)
		}
	}
	if d.Find("missing") != nil {
		t.Fatal("found a key never added")
	}
	for i := 0; i < 1000; i += 2 {
		if e := d.Remove(testKey(i)); e == nil || e.key != testKey(i) || e.next != nil {
			t.Fatalf("remove(%q) = %v", testKey(i), e)
		}
		if d.Remove(testKey(i)) != nil {
			t.Fatalf("%q removed twice", testKey(i))
		}
	}
	checkDict(t, d)
	for i := 0; i < 1000; i++ {
		if found := d.Find(testKey(i)) != nil; found != (i%2 == 1) {
			t.Fatalf("find(%q) = %v after removing the even keys", testKey(i), found)
		}
	}
}

// The table grows at load factor 1 to the next power of two, and the move
// is incremental: one bucket per operation, every key findable throughout.
func TestDictGrowsIncrementally(t *testing.T) {
	d := newTestDict()
	addKeys(d, 0, minSize)
	if d.Rehashing() || len(d.table[0]) != minSize {
		t.Fatalf("%d keys: table %d rehashing %v, want %d and no rehash", minSize, len(d.table[0]), d.Rehashing(), minSize)
	}
	addKeys(d, minSize, minSize+1)
	if !d.Rehashing() || len(d.table[1]) != 2*minSize {
		t.Fatalf("one past the load factor: rehashing %v into %d buckets, want %d", d.Rehashing(), len(d.table[1]), 2*minSize)
	}

	// A big table, then one key over: the rehash must progress with each
	// operation, not in one stop-the-world step.
	d = newTestDict()
	const n = 1 << 14
	addKeys(d, 0, n)
	for d.Rehashing() {
		d.Find("x")
	}
	addKeys(d, n, n+1)
	if !d.Rehashing() || len(d.table[1]) != 2*n {
		t.Fatalf("rehashing %v into %d buckets, want %d", d.Rehashing(), len(d.table[1]), 2*n)
	}
	ops := 0
	for d.Rehashing() {
		prev := d.rehashIdx
		i := rand.IntN(n + 1)
		if d.Find(testKey(i)) == nil {
			t.Fatalf("%q lost during rehash at bucket %d", testKey(i), d.rehashIdx)
		}
		if d.Rehashing() && d.rehashIdx <= prev {
			t.Fatalf("rehash did not advance: %d -> %d", prev, d.rehashIdx)
		}
		if ops++; ops%1000 == 0 {
			checkDict(t, d)
		}
	}
	if ops > n {
		t.Fatalf("rehash of %d buckets took %d operations", n, ops)
	}
	checkDict(t, d)
	if len(d.table[0]) != 2*n || d.Len() != n+1 {
		t.Fatalf("after rehash: %d buckets, %d keys", len(d.table[0]), d.Len())
	}
}

// A removal that leaves the table under 10% full shrinks it to the smallest
// power of two that holds the keys, again incrementally. (Only removals
// check: a table emptied during a rehash waits for the next removal.)
func TestDictShrinks(t *testing.T) {
	d := newTestDict()
	const n = 10000
	addKeys(d, 0, n)
	for i := 101; i < n; i++ {
		d.Remove(testKey(i))
	}
	for d.Rehashing() {
		d.Find("x")
	}
	d.Remove(testKey(100))
	for d.Rehashing() {
		d.Find("x")
	}
	checkDict(t, d)
	if size := len(d.table[0]); size != 128 {
		t.Fatalf("100 keys left in %d buckets, want 128", size)
	}
	for i := 0; i < 100; i++ {
		if d.Find(testKey(i)) == nil {
			t.Fatalf("%q lost by the shrink", testKey(i))
		}
	}
}

// An emptied dict must not keep its tables: after a mass expiry the memory
// of a table sized for millions of keys would otherwise stay allocated.
func TestDictEmptiedReleasesTables(t *testing.T) {
	d := newTestDict()
	const n = 100000
	addKeys(d, 0, n)
	for _, i := range rand.Perm(n) {
		d.Remove(testKey(i))
	}
	checkDict(t, d)
	if d.Len() != 0 || d.Rehashing() || len(d.table[0]) > minSize {
		t.Fatalf("empty dict holds tables of %d and %d buckets (rehashing %v)", len(d.table[0]), len(d.table[1]), d.Rehashing())
	}
	addKeys(d, 0, 10)
	checkDict(t, d)
}

func TestDictReplace(t *testing.T) {
	d := newTestDict()
	addKeys(d, 0, 100)
	old := d.Find(testKey(42))
	e := &node{key: testKey(42)}
	d.Replace(old, e)
	checkDict(t, d)
	if got := d.Find(testKey(42)); got != e || d.Len() != 100 {
		t.Fatalf("find after replace = %v, len %d", got, d.Len())
	}
	if old.next != nil {
		t.Fatal("replaced entry still linked")
	}
}

func TestDictClear(t *testing.T) {
	d := newTestDict()
	addKeys(d, 0, 100)
	d.Clear()
	checkDict(t, d)
	if d.Len() != 0 || d.Find(testKey(1)) != nil || d.Scan(0, func(*node) { t.Fatal("scan visited a cleared entry") }) != 0 {
		t.Fatal("cleared dict is not empty")
	}
	addKeys(d, 0, 10)
	if d.Len() != 10 {
		t.Fatalf("len %d after re-adding 10", d.Len())
	}
}

// fullScan runs a SCAN iteration from cursor 0 to 0, calling between after
// each call, and counts how often each key was returned.
func fullScan(d *keyDict, between func()) map[string]int {
	seen := map[string]int{}
	cursor := uint64(0)
	for {
		cursor = d.Scan(cursor, func(e *node) { seen[e.key]++ })
		if cursor == 0 {
			return seen
		}
		between()
	}
}

// SCAN's guarantee: a key present for the whole iteration is returned at
// least once, however the table grows or shrinks between calls; with no
// change, every key exactly once.
func TestDictScanGuarantee(t *testing.T) {
	const core = 500 // keys 0..core-1 stay for the whole iteration
	tests := []struct {
		name  string
		setup func(d *keyDict)
		// between mutates the dict between SCAN calls; step counts calls.
		between func(d *keyDict, step int)
		exact   bool
	}{
		{name: "stable", exact: true,
			setup:   func(d *keyDict) { addKeys(d, 0, core) },
			between: func(d *keyDict, step int) {}},
		{name: "stable while growing", exact: true,
			setup: func(d *keyDict) {
				addKeys(d, 0, core)
				for i := core; !d.Rehashing(); i++ {
					addKeys(d, i, i+1)
				}
			},
			between: func(d *keyDict, step int) {}},
		{name: "stable while shrinking", exact: true,
			setup: func(d *keyDict) {
				addKeys(d, 0, 10*core)
				for i := 10*core - 1; !d.Rehashing() || len(d.table[0]) < len(d.table[1]); i-- {
					d.Remove(testKey(i))
				}
			},
			between: func(d *keyDict, step int) {}},
		{name: "growth",
			setup: func(d *keyDict) { addKeys(d, 0, core) },
			between: func(d *keyDict, step int) {
				// Bounded: a table that keeps growing faster than the cursor
				// advances would postpone the end indefinitely.
				if step < 50 {
					addKeys(d, core+step*100, core+(step+1)*100)
				}
			}},
		{name: "shrink",
			setup: func(d *keyDict) { addKeys(d, 0, core+20000) },
			between: func(d *keyDict, step int) {
				for i := core + step*400; i < core+(step+1)*400 && i < core+20000; i++ {
					d.Remove(testKey(i))
				}
			}},
		{name: "growth then shrink",
			setup: func(d *keyDict) { addKeys(d, 0, core) },
			between: func(d *keyDict, step int) {
				if step < 20 {
					addKeys(d, core+step*1000, core+(step+1)*1000)
					return
				}
				for i := core + (step-20)*1000; i < core+(step-19)*1000 && i < core+20000; i++ {
					d.Remove(testKey(i))
				}
			}},
		{name: "random churn",
			setup: func(d *keyDict) { addKeys(d, 0, core) },
			between: func(d *keyDict, step int) {
				for j := 0; j < 50; j++ {
					i := core + rand.IntN(5000)
					if d.Find(testKey(i)) == nil {
						d.Add(&node{key: testKey(i)})
					} else {
						d.Remove(testKey(i))
					}
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDict()
			tc.setup(d)
			step := 0
			seen := fullScan(d, func() {
				tc.between(d, step)
				step++
			})
			checkDict(t, d)
			for i := 0; i < core; i++ {
				if seen[testKey(i)] == 0 {
					t.Fatalf("%q present throughout was never returned (%d calls)", testKey(i), step+1)
				}
			}
			if tc.exact {
				for k, n := range seen {
					if n != 1 {
						t.Fatalf("%q returned %d times by a scan of an unchanged dict", k, n)
					}
				}
				if len(seen) != d.Len() {
					t.Fatalf("scan returned %d keys of %d", len(seen), d.Len())
				}
			}
		})
	}
}

func TestDictRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := newTestDict()
	if d.Random(rng) != nil {
		t.Fatal("random on an empty dict")
	}
	addKeys(d, 0, 1)
	if e := d.Random(rng); e == nil || e.key != testKey(0) {
		t.Fatalf("random of one key = %v", e)
	}
	// 100 keys, some draws while the growth to 128 buckets is under way:
	// every key comes up, and only keys that are there.
	addKeys(d, 1, 100)
	seen := map[string]bool{}
	for i := 0; i < 20000; i++ {
		e := d.Random(rng)
		if e == nil || d.Find(e.key) != e {
			t.Fatalf("random returned %v, not in the dict", e)
		}
		seen[e.key] = true
	}
	if len(seen) != 100 {
		t.Fatalf("20000 draws saw %d of 100 keys", len(seen))
	}
	// A sparse table (after deletions, before it shrinks) still works.
	for i := 1; i < 100; i++ {
		d.Remove(testKey(i))
	}
	if e := d.Random(rng); e == nil || e.key != testKey(0) {
		t.Fatalf("random of the one key left = %v", e)
	}
}

// A dict sized ahead fills without rehashing, and shrinks only on removals.
func TestDictReserve(t *testing.T) {
	d := newTestDict()
	d.Reserve(1000)
	for i := 0; i < 1000; i++ {
		d.Add(&node{key: testKey(i)})
		if d.Rehashing() || len(d.table[0]) != 1024 {
			t.Fatalf("after %d adds: table of %d, rehashing %v", i+1, len(d.table[0]), d.Rehashing())
		}
	}
	checkDict(t, d)
	d.Reserve(5000) // not empty: no effect
	if len(d.table[0]) != 1024 {
		t.Fatalf("reserve on a filled dict resized it to %d", len(d.table[0]))
	}
	for i := 0; i < 950; i++ {
		d.Remove(testKey(i))
	}
	if !d.Rehashing() && len(d.table[0]) == 1024 {
		t.Fatal("did not shrink below 10% fill")
	}
}

// forEach visits every node once, also while rehashing.
func TestDictForEach(t *testing.T) {
	d := newTestDict()
	addKeys(d, 0, 1030) // the 1025th started growing the table to 2048
	if !d.Rehashing() {
		t.Fatal("not rehashing")
	}
	// Looking each node up meanwhile, as ZINTER of a set with itself
	// does, must not move nodes the walk has yet to reach, nor back.
	seen := map[string]int{}
	d.ForEach(func(e *node) {
		seen[e.key]++
		if d.Find(e.key) != e {
			t.Fatalf("Find(%q) during ForEach", e.key)
		}
	})
	if !d.Rehashing() {
		t.Fatal("the walk's lookups rehashed")
	}
	if len(seen) != d.Len() {
		t.Fatalf("forEach saw %d keys of %d", len(seen), d.Len())
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s seen %d times", k, n)
		}
	}
}
