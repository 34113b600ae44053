package dict

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Stats is dictGetStats's text: an empty table says so; one key in the
// smallest table is Redis's text exactly.
func TestStatsSmall(t *testing.T) {
	d := newTestDict()
	if got, want := d.Stats(), "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n"; got != want {
		t.Errorf("empty: %q", got)
	}
	addKeys(d, 0, 1)
	want := "Hash table 0 stats (main hash table):\n table size: 4\n number of elements: 1\n different slots: 1\n" +
		" max chain length: 1\n avg chain length (counted): 1.00\n avg chain length (computed): 1.00\n" +
		" Chain length distribution:\n   0: 3 (75.00%)\n   1: 1 (25.00%)\n"
	if got := d.Stats(); got != want {
		t.Errorf("one key:\n%s\nwant:\n%s", got, want)
	}
}

// Each table's figures agree with one another and with the dict, while it
// rehashes (the target's section after the main one's) and after.
func TestStatsConsistent(t *testing.T) {
	d := newTestDict()
	addKeys(d, 0, 1000)
	addKeys(d, 1000, 1025) // past 1024: a rehash into 2048 buckets starts
	if !d.Rehashing() {
		t.Fatal("not rehashing")
	}
	checkStats(t, d)
	for d.Rehashing() {
		d.Find("x")
	}
	checkStats(t, d)
}

var statsSection = regexp.MustCompile(`Hash table (\d) stats \((main hash table|rehashing target)\):\n` +
	` table size: (\d+)\n number of elements: (\d+)\n different slots: (\d+)\n max chain length: (\d+)\n` +
	` avg chain length \(counted\): \d+\.\d\d\n avg chain length \(computed\): \d+\.\d\d\n Chain length distribution:\n` +
	`((?:   \d+: \d+ \(\d+\.\d\d%\)\n)+)`)

func checkStats(t *testing.T, d *keyDict) {
	t.Helper()
	stats := d.Stats()
	sections := statsSection.FindAllStringSubmatch(stats, -1)
	if want := map[bool]int{false: 1, true: 2}[d.Rehashing()]; len(sections) != want || strings.Join(flatten(sections), "") != stats {
		t.Fatalf("%d sections (rehashing %v) in\n%s", len(sections), d.Rehashing(), stats)
	}
	for i, sec := range sections {
		atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
		size, elements, slots, maxChain := atoi(sec[3]), atoi(sec[4]), atoi(sec[5]), atoi(sec[6])
		if sec[1] != strconv.Itoa(i) || size != len(d.table[i]) || elements != d.used[i] {
			t.Errorf("table %d: %q", i, sec[0])
		}
		buckets, nodes, longest := 0, 0, 0
		for _, line := range strings.Split(strings.TrimSuffix(sec[7], "\n"), "\n") {
			var length, count int
			fmt.Sscanf(line, "   %d: %d", &length, &count)
			buckets += count
			nodes += length * count
			longest = max(longest, length)
		}
		if buckets != size || nodes != elements || longest != maxChain || size-slots != bucketsOf(sec[7], 0) {
			t.Errorf("table %d: distribution disagrees:\n%s", i, sec[0])
		}
	}
}

func flatten(sections [][]string) []string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = s[0]
	}
	return out
}

// bucketsOf is the count of chains of length n in a distribution.
func bucketsOf(distribution string, n int) int {
	m := regexp.MustCompile(`(?m)^   ` + strconv.Itoa(n) + `: (\d+) `).FindStringSubmatch(distribution)
	if m == nil {
		return 0
	}
	count, _ := strconv.Atoi(m[1])
	return count
}
