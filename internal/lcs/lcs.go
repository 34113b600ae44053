// Package lcs computes the longest common subsequence of two byte strings
// exactly as Redis's LCS command does: the same dynamic programme, the same
// backwards walk and the same tie-breaking, so the subsequence and the match
// ranges it yields are the ones Redis replies with.
//
// Redis keeps the whole table of LCS lengths (4 bytes a cell). The walk back
// only needs to know, at a cell whose bytes differ, which neighbour holds the
// longer LCS, so this package keeps one bit a cell instead, plus one row of
// lengths.
package lcs

// Match is one run of consecutive common bytes: a[A0..A1] equals b[B0..B1],
// bounds inclusive, as Redis reports them.
type Match struct{ A0, A1, B0, B1 int }

// Len is the run's length.
func (m Match) Len() int { return m.A1 - m.A0 + 1 }

// Length returns the length of the LCS of a and b.
func Length(a, b []byte) int {
	return fill(a, b, nil)
}

// Compute returns the LCS of a and b and its runs of consecutive matches,
// from the end of the strings to their start (Redis's order).
func Compute(a, b []byte) (common []byte, matches []Match) {
	// up records, for each cell (i, j) of the table (1-based), whether
	// LCS(i-1, j) > LCS(i, j-1): the walk's direction when a[i-1] != b[j-1].
	up := make([]uint64, (len(a)*len(b)+63)/64)
	n := fill(a, b, up)
	isUp := func(i, j int) bool {
		k := (i-1)*len(b) + j - 1
		return up[k/64]&(1<<(k%64)) != 0
	}

	common = make([]byte, n)
	var run Match
	open := false
	for i, j := len(a), len(b); i > 0 && j > 0; {
		closeRun := false
		if a[i-1] == b[j-1] {
			n--
			common[n] = a[i-1]
			// A match is reached either first in a run or diagonally from
			// the previous match (a step sideways closes the run), so an
			// open run always extends backwards here.
			if open {
				run.A0--
				run.B0--
			} else {
				run = Match{A0: i - 1, A1: i - 1, B0: j - 1, B1: j - 1}
				open = true
			}
			closeRun = run.A0 == 0 || run.B0 == 0
			i--
			j--
		} else {
			if isUp(i, j) {
				i--
			} else {
				j--
			}
			closeRun = open
		}
		if closeRun {
			matches = append(matches, run)
			open = false
		}
	}
	return common, matches
}

// fill runs the dynamic programme row by row and returns LCS(len(a),
// len(b)); when up is not nil it records the walk's directions in it.
func fill(a, b []byte, up []uint64) int {
	row := make([]int32, len(b)+1) // LCS(i, j) for the current i
	var word uint64                // bits of up being gathered
	k := 0                         // bit index of cell (i, j)
	for _, ai := range a {
		var diag int32 // LCS(i-1, j-1)
		for j, bj := range b {
			above, left := row[j+1], row[j]
			// Written without branches on the data, which a random
			// string would mispredict half the time. The bit is only
			// read where the bytes differ.
			v := max(above, left)
			if ai == bj {
				v = diag + 1
			}
			var bit uint64
			if above > left {
				bit = 1
			}
			word |= bit << (k % 64)
			row[j+1] = v
			diag = above
			if k%64 == 63 && up != nil {
				up[k/64] = word
				word = 0
			}
			k++
		}
	}
	if k%64 != 0 && up != nil {
		up[k/64] = word
	}
	return int(row[len(b)])
}
