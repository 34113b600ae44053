package hll

import (
	"bytes"
	"testing"
)

func sparseValue(opcodes []byte) []byte {
	b := append(New()[:HeaderSize:HeaderSize], opcodes...)
	invalidateCache(b)
	return b
}

// FuzzSparseDecode: arbitrary opcodes never panic, and every reader agrees
// on whether they are corrupt and, when not, on the registers.
func FuzzSparseDecode(f *testing.F) {
	f.Add([]byte{0x7f, 0xff})
	f.Add([]byte{0x05, 0x87, 0x7f, 0xf8})
	f.Add([]byte{0x7f, 0xfe})
	f.Add([]byte{0x7f})
	f.Add([]byte{0xff, 0xff, 0x7f, 0xfb})
	f.Fuzz(func(t *testing.T, opcodes []byte) {
		b := sparseValue(opcodes)
		Decode(b)
		regs, errRegs := Registers(b)
		card, _, errCount := Count(b)
		dense, _, errDense := ToDense(b)
		if (errRegs == nil) != (errCount == nil) || (errRegs == nil) != (errDense == nil) {
			t.Fatalf("readers disagree: %v %v %v", errRegs, errCount, errDense)
		}
		if errRegs != nil {
			return
		}
		if *registersOf(t, dense) != *regs {
			t.Fatal("dense conversion differs from the sparse registers")
		}
		if dc, _ := estimate(dense); dc != card {
			t.Fatalf("sparse estimate %d, dense %d", card, dc)
		}
		// Raising registers keeps the value readable with the same
		// registers, raised — unless it ends in an XZERO cut short,
		// whose split Redis writes past the end (see xzeroLen).
		if endsInCutXZero(opcodes) {
			return
		}
		for _, i := range []int{0, 1, 100, NumRegisters - 1} {
			want := *regs
			want[i] = max(want[i], 7)
			got, r := sparseSet(bytes.Clone(b), i, 7, 3000)
			if r < 0 || *registersOf(t, got) != want {
				t.Fatalf("sparseSet(%d): %d", i, r)
			}
		}
	})
}

// FuzzAdd: elements added to a sparse value (promoted at a fuzzed limit)
// give the registers a plain array gives, and the same as a dense value.
func FuzzAdd(f *testing.F) {
	f.Add([]byte("a,b,c"), uint16(3000))
	f.Add([]byte("1,2,3,4,5,6,7,8,9,10,11,12"), uint16(20))
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		elems := bytes.Split(data, []byte(","))
		sparse, _, err := Add(nil, elems, int(limit))
		if err != nil {
			t.Fatal(err)
		}
		dense, _, _ := ToDense(New())
		dense, _, _ = Add(dense, elems, int(limit))
		var want [NumRegisters]uint8
		for _, e := range elems {
			index, count := patLen(e)
			want[index] = max(want[index], count)
		}
		if *registersOf(t, sparse) != want || *registersOf(t, dense) != want {
			t.Fatal("registers differ from the model")
		}
		sc, _ := estimate(sparse)
		dc, _ := estimate(dense)
		if sc != dc {
			t.Fatalf("estimates %d (sparse) and %d (dense)", sc, dc)
		}
	})
}

func endsInCutXZero(opcodes []byte) bool {
	p := 0
	for p < len(opcodes) {
		if opcodes[p]&opMask == xzeroBit {
			p += 2
		} else {
			p++
		}
	}
	return p > len(opcodes)
}
