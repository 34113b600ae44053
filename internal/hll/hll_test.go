package hll

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	want := append([]byte("HYLL\x01\x00\x00\x00"), 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff)
	b := New()
	if !bytes.Equal(b, want) {
		t.Fatalf("New() = %x", b)
	}
	if !Valid(b) || Encoding(b) != "sparse" {
		t.Fatal("New() is not a valid sparse HLL")
	}
	if text, _ := Decode(b); text != "Z:16384" {
		t.Fatalf("Decode(New()) = %q", text)
	}
	if card, stale, err := Count(b); card != 0 || stale || err != nil {
		t.Fatalf("Count(New()) = %d %v %v", card, stale, err)
	}
	// PFADD with no element creates the key with a stale cache.
	b, changed, err := Add(nil, nil, 3000)
	if !changed || err != nil || b[15] != 0x80 {
		t.Fatalf("Add(nil) = %x %v %v", b, changed, err)
	}
}

func TestValid(t *testing.T) {
	dense := make([]byte, DenseSize)
	copy(dense, "HYLL")
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{New(), true},
		{dense, true},
		{New()[:HeaderSize], true}, // opcodes are checked when used
		{New()[:HeaderSize-1], false},
		{dense[:DenseSize-1], false},
		{append(bytes.Clone(dense), 0), false},
		{[]byte("HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), false},
		{[]byte("HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), false},
		{[]byte("hello"), false},
	} {
		if got := Valid(c.b); got != c.want {
			t.Errorf("Valid(%q) = %v", c.b, got)
		}
	}
}

// bigCount is an element whose run of zeroes is 33 (register 3655): too
// long for a VAL opcode, so adding it promotes a sparse value to dense.
// Found by a search over 8-byte little-endian integers.
var bigCount = binary.LittleEndian.AppendUint64(nil, 3130853818)

func TestPatLen(t *testing.T) {
	// Redis 7.0: PFADD k a, then PFDEBUG DECODE k.
	b, _, _ := Add(nil, [][]byte{[]byte("a")}, 3000)
	if text, _ := Decode(b); text != "Z:12711 v:2,1 Z:3672" {
		t.Fatalf("PFADD a decodes as %q", text)
	}
	if index, count := patLen(bigCount); index != 3655 || count != 33 {
		t.Fatalf("patLen(bigCount) = %d, %d", index, count)
	}
	for i := range 1000 {
		index, count := patLen([]byte(strconv.Itoa(i)))
		if index < 0 || index >= NumRegisters || count < 1 || count > hllQ+1 {
			t.Fatalf("patLen(%d) = %d, %d", i, index, count)
		}
	}
}

func TestDenseRegisters(t *testing.T) {
	regs := make([]byte, DenseSize-HeaderSize)
	var want [NumRegisters]uint8
	rng := rand.New(rand.NewPCG(1, 1))
	for range 20 {
		for i := range want {
			want[i] = uint8(rng.IntN(64))
			denseSet(regs, i, want[i])
		}
		for i, w := range want {
			if v := denseGet(regs, i); v != w {
				t.Fatalf("register %d = %d, want %d", i, v, w)
			}
		}
	}
	// denseSetMax, which works on 16 bits, against denseGet/denseSet.
	for i := range want {
		v := uint8(rng.IntN(64))
		if got := denseSetMax(regs, i, v); got != (v > want[i]) {
			t.Fatalf("denseSetMax(%d, %d) = %v over %d", i, v, got, want[i])
		}
		want[i] = max(want[i], v)
	}
	for i, w := range want {
		if v := denseGet(regs, i); v != w {
			t.Fatalf("after denseSetMax register %d = %d, want %d", i, v, w)
		}
	}
	// The packing: register 0 in the low six bits of byte 0, register 1
	// in its top two bits and the low four of byte 1.
	clear(regs)
	denseSet(regs, 1, 0x3f)
	if regs[0] != 0xc0 || regs[1] != 0x0f || regs[2] != 0 {
		t.Fatalf("register 1 packed as % x", regs[:3])
	}
}

func TestSparseOpcodes(t *testing.T) {
	if c := valOp(32, 4); c != 0xff || valValue(c) != 32 || valLen(c) != 4 {
		t.Fatalf("valOp(32,4) = %x", c)
	}
	if c := valOp(1, 1); c != 0x80 || valValue(c) != 1 || valLen(c) != 1 {
		t.Fatalf("valOp(1,1) = %x", c)
	}
	for _, c := range []struct {
		n    int
		want []byte
	}{{1, []byte{0x00}}, {64, []byte{0x3f}}, {65, []byte{0x40, 0x40}}, {16384, []byte{0x7f, 0xff}}} {
		got := appendZeros(nil, c.n)
		if !bytes.Equal(got, c.want) {
			t.Errorf("appendZeros(%d) = %x", c.n, got)
		}
		if len(got) == 2 && xzeroLen(got, 0) != c.n {
			t.Errorf("xzeroLen(%x) = %d", got, xzeroLen(got, 0))
		}
	}
	// A cut-short XZERO reads a 0 second byte.
	if n := xzeroLen([]byte{0x41}, 0); n != 257 {
		t.Fatalf("xzeroLen(41) = %d", n)
	}
}

// TestSpanOfOneByteOps checks the SWAR span sum against one opcode at a time.
func TestSpanOfOneByteOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for range 100000 {
		w := rng.Uint64()
		if rng.IntN(2) == 0 {
			w &^= 0x4040404040404040 >> (8 * rng.IntN(8)) // fewer XZEROs
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], w)
		wantN, wantK := 0, 0
		for _, c := range b {
			if c&opMask == xzeroBit {
				break
			}
			wantN += int(oneByteSpan[c])
			wantK++
		}
		if n, k := spanOfOneByteOps(w); n != wantN || k != wantK {
			t.Fatalf("spanOfOneByteOps(%x) = %d, %d; want %d, %d", w, n, k, wantN, wantK)
		}
	}
}

// registersOf decodes a value to its registers, failing on corruption.
func registersOf(t testing.TB, b []byte) *[NumRegisters]uint8 {
	t.Helper()
	regs, err := Registers(b)
	if err != nil {
		t.Fatalf("Registers: %v (%x)", err, head(b))
	}
	return regs
}

func TestSparseSetSplits(t *testing.T) {
	b := New()
	b, r := sparseSet(b, 1000, 2, 3000)
	if r != 1 {
		t.Fatal(r)
	}
	b, _ = sparseSet(b, 1020, 3, 3000)
	b, _ = sparseSet(b, 1021, 3, 3000)
	// The example of hyperloglog.c's header comment.
	if text, _ := Decode(b); text != "Z:1000 v:2,1 z:19 v:3,2 Z:15362" {
		t.Fatalf("decoded %q", text)
	}
	if _, r = sparseSet(b, 1021, 3, 3000); r != 0 {
		t.Fatalf("setting a register to its value: %d", r)
	}
	// Raising the middle of a VAL run splits it.
	b, _ = sparseSet(b, 1022, 3, 3000)
	b, _ = sparseSet(b, 1021, 4, 3000)
	if text, _ := Decode(b); text != "Z:1000 v:2,1 z:19 v:3,1 v:4,1 v:3,1 Z:15361" {
		t.Fatalf("decoded %q", text)
	}
	// A value above 32 does not fit a VAL opcode: dense.
	b, r = sparseSet(b, 5, 33, 3000)
	if r != 1 || Encoding(b) != "dense" || registersOf(t, b)[5] != 33 || registersOf(t, b)[1021] != 4 {
		t.Fatalf("promotion for 33: %d %s", r, Encoding(b))
	}
}

// TestPromotionThreshold: a sparse value never grows past sparseMaxBytes;
// it becomes dense at the first update that would.
func TestPromotionThreshold(t *testing.T) {
	for _, limit := range []int{0, 18, 19, 20, 100, 3000} {
		b := New()
		for i := 0; ; i++ {
			prev := len(b)
			var err error
			b, _, err = Add(b, [][]byte{[]byte(strconv.Itoa(i))}, limit)
			if err != nil {
				t.Fatal(err)
			}
			if Encoding(b) == "dense" {
				// A split adds at most 3 bytes.
				if prev+3 <= limit {
					t.Fatalf("limit %d: dense from %d bytes", limit, prev)
				}
				break
			}
			if len(b) > limit && len(b) > prev {
				t.Fatalf("limit %d: sparse grew to %d bytes", limit, len(b))
			}
		}
	}
}

// TestCacheRules: PFADD marks the cache stale only when a register
// changed, keeping the old cached bytes; PFCOUNT's write makes it valid.
func TestCacheRules(t *testing.T) {
	b, _, _ := Add(nil, [][]byte{[]byte("a"), []byte("b")}, 3000)
	card, stale, err := Count(b)
	if card != 2 || !stale || err != nil {
		t.Fatalf("Count = %d %v %v", card, stale, err)
	}
	StoreCard(b, card)
	if card, stale, _ := Count(b); card != 2 || stale {
		t.Fatalf("cached Count = %d %v", card, stale)
	}
	b, changed, _ := Add(b, [][]byte{[]byte("a")}, 3000)
	if changed || b[15]&0x80 != 0 {
		t.Fatal("adding a known element changed the value")
	}
	b, changed, _ = Add(b, [][]byte{[]byte("c")}, 3000)
	if !changed || binary.LittleEndian.Uint64(b[8:]) != 2|1<<63 {
		t.Fatalf("after a change the cache is %x", b[8:16])
	}
}

// TestModel adds and merges random elements into HLLs of both encodings
// and compares their registers and estimates with a plain register array.
func TestModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type hll struct {
		b   []byte
		reg [NumRegisters]uint8
	}
	hlls := make([]*hll, 5)
	for i := range hlls {
		hlls[i] = &hll{}
	}
	limits := []int{0, 50, 300, 3000, 12000}
	for step := range 400 {
		h := hlls[rng.IntN(len(hlls))]
		limit := limits[rng.IntN(len(limits))]
		if rng.IntN(10) == 0 {
			// PFMERGE into h from two others.
			srcs := [][]byte{h.b, hlls[rng.IntN(len(hlls))].b, hlls[rng.IntN(len(hlls))].b}
			var want [NumRegisters]uint8
			for _, s := range srcs {
				if s != nil {
					for i, v := range registersOf(t, s) {
						want[i] = max(want[i], v)
					}
				}
			}
			var err error
			if h.b, err = Merge(srcs, limit); err != nil {
				t.Fatal(err)
			}
			h.reg = want
		} else {
			var elems [][]byte
			for range rng.IntN(200) {
				e := []byte(strconv.Itoa(rng.IntN(1 << 16)))
				elems = append(elems, e)
				index, count := patLen(e)
				h.reg[index] = max(h.reg[index], count)
			}
			var err error
			if h.b, _, err = Add(h.b, elems, limit); err != nil {
				t.Fatal(err)
			}
		}
		if h.b == nil {
			continue
		}
		if *registersOf(t, h.b) != h.reg {
			t.Fatalf("step %d: registers differ from the model", step)
		}
		var histo [64]int
		for _, v := range h.reg {
			histo[v]++
		}
		if got, _ := estimate(h.b); got != histoEstimate(&histo) {
			t.Fatalf("step %d: estimate %d, model %d", step, got, histoEstimate(&histo))
		}
	}
}

func TestCorruptSparse(t *testing.T) {
	short := append(New()[:HeaderSize], 0x7f, 0xfe) // 16383 registers
	invalidateCache(short)
	if _, _, err := Count(short); err != ErrCorrupt {
		t.Fatalf("Count: %v", err)
	}
	if _, err := CountMany([][]byte{New(), short}); err != ErrCorrupt {
		t.Fatalf("CountMany: %v", err)
	}
	if _, err := CountMany([][]byte{nil, []byte("not an hll at all")}); err != ErrInvalid {
		t.Fatalf("CountMany: %v", err)
	}
	if _, err := Merge([][]byte{nil, short}, 3000); err != ErrCorrupt {
		t.Fatalf("Merge: %v", err)
	}
	if _, _, err := ToDense(short); err != ErrCorrupt {
		t.Fatalf("ToDense: %v", err)
	}
	// The last register is not covered: adding to it fails.
	if _, r := sparseSet(bytes.Clone(short), NumRegisters-1, 1, 3000); r != -1 {
		t.Fatalf("sparseSet past the end: %d", r)
	}
}

func TestSelfTest(t *testing.T) {
	if testing.Short() {
		t.Skip("10 million elements")
	}
	if err := SelfTest(3000); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeFormat(t *testing.T) {
	b := append(New()[:HeaderSize], 0x05, 0x87, 0x7f, 0xf8)
	if text, ok := Decode(b); !ok || text != "z:6 v:2,4 Z:16377" {
		t.Fatalf("Decode = %q %v", text, ok)
	}
	if !strings.Contains(Encoding(b), "sparse") {
		t.Fatal(Encoding(b))
	}
}
