package listpack

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"respd/internal/lzf"
)

// goldenElements were pushed with RPUSH into a list of redis-server 7.0.15
// (list-max-listpack-size -5, so that they share one node); goldenDump is
// its DUMP: RDB_TYPE_LIST_QUICKLIST_2, one node, PACKED, the listpack as an
// LZF string. Every integer encoding on both sides of its bounds, strings
// that look like integers but are not canonical, every string length
// encoding and every backlen size up to 3 bytes on both sides of their
// bounds (an entry of 127 and 128 bytes, of 16382 and 16383).
var goldenElements = []string{
	"a", "b", "", "0", "1", "-1", "127", "128", "-128", "4095", "4096", "-4096", "-4097",
	"32767", "32768", "-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609",
	"2147483647", "2147483648", "-2147483648", "-2147483649",
	"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
	"01", "-0", "+1", " 1", "1 ",
	strings.Repeat("x", 63), strings.Repeat("y", 64), strings.Repeat("z", 125), strings.Repeat("w", 126),
	strings.Repeat("v", 4095), strings.Repeat("u", 4096), strings.Repeat("q", 16377), strings.Repeat("p", 16378),
}

const goldenDump = "120102c342ce800000a2591f59a200002a00816102816202800100010101dfff027f01c08002df8002cfff021ff1001003d00002f1ffef03f1ff7f03f200800004f1008003f2ff7fff04f2ffff037f04f30020130105f220050104f3200f01ff05200504ff7f05f40020112003010009202003008005f44015200301ff0940094000017f0940234000188009933932323333373230333638353437373538303814942de009150b391582303103822d3003822b20070020200304312003bf78e035000340e04079e036000342e07d7ae07300037fe07e77e07400040180efff76e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07d00072081f00010000075e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07e00072085f0f93f000071e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00c000077ffef0fa3f000070e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e000000300ffffff0a00ae06c1fe184a222e"

// dumpListpack is the listpack of the only node of a DUMP payload of a
// list, however stored (raw, or an LZF string).
func dumpListpack(t *testing.T, payload []byte) []byte {
	t.Helper()
	// type 18, 1 node, container 2 (PACKED)
	if !bytes.HasPrefix(payload, []byte{18, 1, 2}) {
		t.Fatalf("not a one-node list payload: % x", payload[:3])
	}
	b := payload[3:]
	readLen := func() int {
		switch c := b[0]; c >> 6 {
		case 0:
			b = b[1:]
			return int(c & 0x3F)
		case 1:
			n := int(c&0x3F)<<8 | int(b[1])
			b = b[2:]
			return n
		case 2:
			n := int(binary.BigEndian.Uint32(b[1:]))
			b = b[5:]
			return n
		}
		t.Fatalf("unexpected length byte %#x", b[0])
		return 0
	}
	if b[0] == 0xC3 { // RDB_ENCVAL | RDB_ENC_LZF
		b = b[1:]
		clen := readLen()
		out := make([]byte, readLen())
		if n, err := lzf.Decompress(b[:clen], out); err != nil || n != len(out) {
			t.Fatalf("LZF: %d, %v", n, err)
		}
		return out
	}
	n := readLen()
	return b[:n]
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestGoldenRedis(t *testing.T) {
	payload, _ := hex.DecodeString(goldenDump)
	want := dumpListpack(t, payload)
	elems := toBytes(goldenElements)
	if got := Build(elems...); !bytes.Equal(got, want) {
		t.Fatalf("Build differs from Redis's listpack:\n got %x\nwant %x", got[:200], want[:200])
	}
	appended, prepended := New(), New()
	for i := range elems {
		appended = Append(appended, elems[i])
		prepended = Prepend(prepended, elems[len(elems)-1-i])
	}
	if !bytes.Equal(appended, want) || !bytes.Equal(prepended, want) {
		t.Fatal("Append or Prepend differ from Redis's listpack")
	}
	if n, err := Validate(want); err != nil || n != len(elems) {
		t.Fatalf("Validate(Redis's) = %d, %v", n, err)
	}
	checkElements(t, want, elems)
}

// A small one verbatim: RPUSH l a b 1 -1, DUMP l on redis-server 7.0.15
// gives 1201 02 12 <this> 0a00 <crc>.
func TestGoldenSmall(t *testing.T) {
	want, _ := hex.DecodeString("1200000004008161028162020101dfff02ff")
	if got := Build([]byte("a"), []byte("b"), []byte("1"), []byte("-1")); !bytes.Equal(got, want) {
		t.Fatalf("got %x want %x", got, want)
	}
	if got := New(); !bytes.Equal(got, []byte{7, 0, 0, 0, 0, 0, 0xFF}) {
		t.Fatalf("New() = %x", got)
	}
}

// checkElements checks lp against elems every way it can be read.
func checkElements(t *testing.T, lp []byte, elems [][]byte) {
	t.Helper()
	if Len(lp) != len(elems) {
		t.Fatalf("Len = %d, want %d", Len(lp), len(elems))
	}
	i := 0
	for p := First(lp); p >= 0; p = Next(lp, p) {
		if got := Get(lp, p).Append(nil); !bytes.Equal(got, elems[i]) {
			t.Fatalf("element %d forward = %q, want %q", i, got, elems[i])
		}
		// An element is stored as an integer exactly when it is one; the
		// empty string is a string (IsInt is Str == nil).
		if _, isInt := StringToInt64(elems[i]); Get(lp, p).IsInt() != isInt {
			t.Fatalf("element %d (%q): IsInt = %v", i, elems[i], !isInt)
		}
		if !Compare(lp, p, elems[i]) {
			t.Fatalf("Compare(element %d, %q) false", i, elems[i])
		}
		i++
	}
	if i != len(elems) {
		t.Fatalf("walked %d elements forward, want %d", i, len(elems))
	}
	for p := Last(lp); p >= 0; p = Prev(lp, p) {
		i--
		if got := Get(lp, p).Append(nil); !bytes.Equal(got, elems[i]) {
			t.Fatalf("element %d backward = %q, want %q", i, got, elems[i])
		}
	}
	if i != 0 {
		t.Fatalf("walked %d elements backward, want %d", len(elems)-i, len(elems))
	}
	for i := -len(elems) - 1; i <= len(elems); i++ {
		p := Seek(lp, i)
		j := i
		if j < 0 {
			j += len(elems)
		}
		if j < 0 || j >= len(elems) {
			if p != -1 {
				t.Fatalf("Seek(%d) = %d out of range", i, p)
			}
			continue
		}
		if got := Get(lp, p).Append(nil); !bytes.Equal(got, elems[j]) {
			t.Fatalf("Seek(%d) = %q, want %q", i, got, elems[j])
		}
	}
}

func TestStringToInt64(t *testing.T) {
	for _, c := range []struct {
		s  string
		n  int64
		ok bool
	}{
		{"0", 0, true}, {"-0", 0, false}, {"00", 0, false}, {"01", 0, false}, {"-01", 0, false},
		{"1", 1, true}, {"-1", -1, true}, {"+1", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"", 0, false}, {"-", 0, false}, {"1a", 0, false}, {"1.0", 0, false},
		{"9223372036854775807", 1<<63 - 1, true}, {"9223372036854775808", 0, false},
		{"-9223372036854775808", -1 << 63, true}, {"-9223372036854775809", 0, false},
		{"18446744073709551615", 0, false}, {"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false}, {"123456789012345678901", 0, false},
	} {
		n, ok := StringToInt64([]byte(c.s))
		if n != c.n || ok != c.ok {
			t.Errorf("StringToInt64(%q) = %d, %v; want %d, %v", c.s, n, ok, c.n, c.ok)
		}
	}
}

// Canonical int64 decimals are exactly what strconv formats back the same.
func FuzzStringToInt64(f *testing.F) {
	for _, s := range []string{"0", "-0", "007", "-9223372036854775808", "9223372036854775808", "+5", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := strconv.ParseInt(s, 10, 64)
		want := err == nil && strconv.FormatInt(v, 10) == s
		got, ok := StringToInt64([]byte(s))
		if ok != want || (ok && got != v) {
			t.Fatalf("StringToInt64(%q) = %d, %v; want %d, %v", s, got, ok, v, want)
		}
	})
}

func TestInsertDeleteReplace(t *testing.T) {
	lp := Build([]byte("a"), []byte("c"))
	lp, p := Insert(lp, First(lp), []byte("b"), true)
	if got := Get(lp, p).Append(nil); string(got) != "b" {
		t.Fatalf("Insert returned offset of %q", got)
	}
	lp, _ = Insert(lp, First(lp), []byte("12345"), false)
	checkElements(t, lp, toBytes([]string{"12345", "a", "b", "c"}))
	lp = Replace(lp, Seek(lp, 1), []byte(strings.Repeat("A", 200)))
	lp = Replace(lp, Seek(lp, 2), []byte("-7"))
	checkElements(t, lp, toBytes([]string{"12345", strings.Repeat("A", 200), "-7", "c"}))
	lp, next := Delete(lp, Seek(lp, 1))
	if got := Get(lp, next).Append(nil); string(got) != "-7" {
		t.Fatalf("Delete's next = %q", got)
	}
	if lp, next = Delete(lp, Last(lp)); next != -1 {
		t.Fatalf("Delete of the last returned %d", next)
	}
	checkElements(t, lp, toBytes([]string{"12345", "-7"}))
	if !bytes.Equal(lp, Build([]byte("12345"), []byte("-7"))) {
		t.Fatal("bytes differ from a fresh build")
	}
}

func TestDeleteRange(t *testing.T) {
	mk := func() []byte {
		return Build(toBytes([]string{"abc", "def", "bob", "foo"})...)
	}
	for _, c := range []struct {
		index, num int
		want       []string
	}{
		{4, 1, []string{"abc", "def", "bob", "foo"}},
		{-5, 1, []string{"abc", "def", "bob", "foo"}},
		{0, 1, []string{"def", "bob", "foo"}},
		{1, 2, []string{"abc", "foo"}},
		{-3, 3, []string{"abc"}},
		{1, -1, []string{"abc"}},
		{2, 100, []string{"abc", "def"}},
		{0, 0, []string{"abc", "def", "bob", "foo"}},
		{0, 4, nil},
	} {
		lp := DeleteRange(mk(), c.index, c.num)
		checkElements(t, lp, toBytes(c.want))
		if !bytes.Equal(lp, Build(toBytes(c.want)...)) {
			t.Errorf("DeleteRange(%d, %d) bytes differ from a fresh build", c.index, c.num)
		}
	}
}

func TestMerge(t *testing.T) {
	for _, c := range [][2][]string{
		{{"abc", "def"}, {"bob", "foo"}},
		{{"1"}, {"2", "3", "4"}},
		{{"1", "2", "3"}, {"x"}},
		{{}, {"x"}},
		{{"x"}, {}},
	} {
		got := Merge(Build(toBytes(c[0])...), Build(toBytes(c[1])...))
		all := toBytes(append(append([]string{}, c[0]...), c[1]...))
		if !bytes.Equal(got, Build(all...)) {
			t.Errorf("Merge(%q, %q) = %x", c[0], c[1], got)
		}
	}
}

// The header's count saturates at 65535 and is then walked.
func TestCountUnknown(t *testing.T) {
	lp := New()
	for range CountUnknown + 10 {
		lp = Append(lp, []byte("7"))
	}
	if headerCount(lp) != CountUnknown || Len(lp) != CountUnknown+10 {
		t.Fatalf("header %d, Len %d", headerCount(lp), Len(lp))
	}
	if n, err := Validate(lp); err != nil || n != CountUnknown+10 {
		t.Fatalf("Validate = %d, %v", n, err)
	}
	if p := Seek(lp, -1); p != Last(lp) {
		t.Fatalf("Seek(-1) = %d, Last %d", p, Last(lp))
	}
	lp = DeleteRange(lp, 0, 20)
	if headerCount(lp) != CountUnknown-10 {
		t.Fatalf("after DeleteRange, header %d", headerCount(lp))
	}
}

// A listpack grown one element at a time holds little spare room: Go's
// size class for the last size it grew to, as jemalloc's would be.
func TestGrowthRoom(t *testing.T) {
	lp := New()
	for i := range 2000 {
		lp = Append(lp, []byte("element-"+strconv.Itoa(i)))
		if cap(lp) > len(lp)+len(lp)/4+16 {
			t.Fatalf("%d bytes with capacity %d", len(lp), cap(lp))
		}
	}
	for Len(lp) > 1 {
		lp, _ = Delete(lp, First(lp))
		if cap(lp) > 2*len(lp)+64 {
			t.Fatalf("%d bytes with capacity %d after deletes", len(lp), cap(lp))
		}
	}
}

// Grow keeps the contents, makes room, doubles past growFrom up to the
// limit, and leaves a listpack with room as it is.
func TestGrow(t *testing.T) {
	small := Build([]byte("a"), []byte("b"))
	if g := Grow(small, 30, 8192); !bytes.Equal(g, small) || cap(g) < len(small)+30 || cap(g) > 64 {
		t.Fatalf("small: %q cap %d", g, cap(g))
	}
	lp := New()
	for Len(lp) < 40 {
		lp = Append(lp, bytes.Repeat([]byte("x"), 100))
	}
	lp = slices.Clip(lp)
	want := bytes.Clone(lp)
	g := Grow(lp, 110, 16384)
	if !bytes.Equal(g, want) || cap(g) < 2*len(want) {
		t.Fatalf("%d bytes grown to capacity %d, want at least double", len(want), cap(g))
	}
	if g2 := Grow(g, 110, 16384); &g2[0] != &g[0] {
		t.Fatal("Grow copied a listpack that had room")
	}
	if g := Grow(slices.Clip(bytes.Clone(want)), 110, 4096); cap(g) != 8192 {
		t.Fatalf("limit 4096 with %d bytes to hold: capacity %d, want 8192", len(want)+110, cap(g))
	}
	if g := Grow(slices.Clip(bytes.Clone(want)), 9000, 8192); cap(g) < len(want)+9000 {
		t.Fatalf("capacity %d: less than asked", cap(g))
	}
}

// An array Grow leaves, or Recycle gets, of a size the pools keep, is the
// next one Grow of that size uses; others are not kept.
func TestGrowReusesArrays(t *testing.T) {
	// sync.Pool keeps what is put per P: one P, so the Get sees the Put.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	spare := make([]byte, 0, 4096)
	Recycle(spare)
	lp := slices.Clip(Append(New(), bytes.Repeat([]byte("y"), 1500)))
	g := Grow(lp, 1600, 8192)
	if &g[:1][0] != &spare[:1][0] {
		t.Fatal("Grow did not reuse the recycled array")
	}
	if Len(g) != 1 || len(g) != len(lp) {
		t.Fatalf("reused array holds %d elements in %d bytes", Len(g), len(g))
	}
	odd := make([]byte, 0, 3000)
	Recycle(odd)
	if g := Grow(lp, 1600, 8192); &g[:1][0] == &odd[:1][0] {
		t.Fatal("an array of a size the pools do not keep was reused")
	}
}

func TestValidateRejects(t *testing.T) {
	good := Build(toBytes([]string{"a", "1000", strings.Repeat("s", 70)})...)
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, b := range map[string][]byte{
		"short":           {6, 0, 0, 0, 0, 0},
		"total":           mutate(func(b []byte) []byte { b[0]++; return b }),
		"no terminator":   mutate(func(b []byte) []byte { b[len(b)-1] = 0; return b }),
		"count":           mutate(func(b []byte) []byte { b[4] = 2; return b }),
		"early eof":       mutate(func(b []byte) []byte { b[HeaderSize] = eof; return b }),
		"bad encoding":    mutate(func(b []byte) []byte { b[HeaderSize] = 0xF5; return b }),
		"backlen":         mutate(func(b []byte) []byte { b[HeaderSize+2] = 3; return b }),
		"string too long": mutate(func(b []byte) []byte { b[HeaderSize] = enc6BitStr | 63; return b }),
		"12-bit header cut": func() []byte {
			b := []byte{8, 0, 0, 0, 1, 0, enc12BitStr, eof}
			return b
		}(),
		"32-bit length cut": {10, 0, 0, 0, 1, 0, enc32BitStr, 1, 0, eof},
		"huge string":       {15, 0, 0, 0, 1, 0, enc32BitStr, 0xFF, 0xFF, 0xFF, 0xFF, 'a', 'b', 'c', eof},
	} {
		if _, err := Validate(b); err == nil {
			t.Errorf("%s: Validate accepted %x", name, b)
		}
	}
	if _, err := Validate(good); err != nil {
		t.Fatal(err)
	}
}

// model applies an operation coded in ops to both a listpack and a slice,
// and checks that they agree, and that the bytes are those of a listpack
// built afresh (as Redis's are: a listpack's bytes depend only on its
// elements, whatever operations made it).
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte("\x00\x10\x00\x20\x01\x30\x03\x00\x04\x01\x05\x02\x06\x00\x07\x00"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		lp := New()
		var model [][]byte
		rng := rand.New(rand.NewSource(int64(len(ops))))
		value := func(b byte) []byte {
			switch b % 6 {
			case 0:
				return []byte(strconv.Itoa(rng.Intn(300) - 150))
			case 1:
				return []byte(strconv.FormatInt(rng.Int63()>>uint(rng.Intn(63)), 10))
			case 2:
				return []byte(fmt.Sprintf("s%d", rng.Intn(1000)))
			case 3:
				return bytes.Repeat([]byte{'a' + b%26}, rng.Intn(200))
			case 4:
				return bytes.Repeat([]byte{'b'}, 4090+rng.Intn(10))
			}
			return []byte("-0")
		}
		for len(ops) >= 2 {
			op, arg := ops[0], ops[1]
			ops = ops[2:]
			idx := 0
			if len(model) > 0 {
				idx = int(arg) % len(model)
			}
			switch op % 9 {
			case 0:
				v := value(arg)
				lp = Append(lp, v)
				model = append(model, v)
			case 1:
				v := value(arg)
				lp = Prepend(lp, v)
				model = append([][]byte{v}, model...)
			case 2:
				if len(model) == 0 {
					continue
				}
				v, after := value(arg), arg&1 == 1
				var p int
				lp, p = Insert(lp, Seek(lp, idx), v, after)
				at := idx
				if after {
					at++
				}
				model = append(model[:at], append([][]byte{v}, model[at:]...)...)
				if !Compare(lp, p, v) {
					t.Fatal("Insert's offset is not the new element")
				}
			case 3:
				if len(model) == 0 {
					continue
				}
				lp, _ = Delete(lp, Seek(lp, idx-len(model)))
				model = append(model[:idx], model[idx+1:]...)
			case 4:
				if len(model) == 0 {
					continue
				}
				v := value(arg)
				lp = Replace(lp, Seek(lp, idx), v)
				model[idx] = v
			case 5:
				num := int(arg>>4) - 2
				lp = DeleteRange(lp, idx, num)
				if len(model) > 0 {
					end := len(model)
					if num >= 0 && idx+num < end {
						end = idx + num
					}
					model = append(model[:idx], model[end:]...)
				}
			case 6:
				var other [][]byte
				for range arg % 5 {
					other = append(other, value(arg>>3))
				}
				if arg&0x80 != 0 {
					lp = Merge(lp, Build(other...))
					model = append(model, other...)
				} else {
					lp = Merge(Build(other...), lp)
					model = append(other, model...)
				}
			case 7:
				if len(model) > 0 && !Compare(lp, Seek(lp, idx), model[idx]) {
					t.Fatalf("Compare(%d) false", idx)
				}
			case 8:
				// Every element equal to one of them, but the first such.
				if len(model) == 0 {
					continue
				}
				v, seen := model[idx], 0
				var deleted int
				lp, deleted = DeleteFunc(lp, func(p int) bool {
					if !Compare(lp, p, v) {
						return false
					}
					seen++
					return seen > 1
				})
				kept := model[:0:0]
				seen = 0
				for _, e := range model {
					if bytes.Equal(e, v) {
						if seen++; seen > 1 {
							continue
						}
					}
					kept = append(kept, e)
				}
				if deleted != len(model)-len(kept) {
					t.Fatalf("DeleteFunc deleted %d, want %d", deleted, len(model)-len(kept))
				}
				model = kept
			}
			if n, err := Validate(lp); err != nil || n != len(model) {
				t.Fatalf("after op %d: Validate = %d, %v", op%9, n, err)
			}
			if !bytes.Equal(lp, Build(model...)) {
				t.Fatalf("after op %d: bytes differ from a fresh build", op%9)
			}
		}
		checkElements(t, lp, model)
	})
}

// Validate never panics, and what it accepts can be read every way
// without panicking.
func FuzzValidate(f *testing.F) {
	payload, _ := hex.DecodeString(goldenDump)
	f.Add(Build(toBytes(goldenElements[:34])...))
	f.Add(New())
	f.Add(payload)
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Validate(b)
		if err != nil {
			return
		}
		forward, backward := 0, 0
		for p := First(b); p >= 0; p = Next(b, p) {
			Get(b, p).Append(nil)
			forward++
		}
		for p := Last(b); p >= 0; p = Prev(b, p) {
			backward++
		}
		if forward != n || backward != n || Len(b) != n {
			t.Fatalf("Validate said %d elements; walked %d forward, %d backward, Len %d", n, forward, backward, Len(b))
		}
		for i := -n; i < n; i++ {
			if Seek(b, i) < 0 {
				t.Fatalf("Seek(%d) of %d failed", i, n)
			}
		}
	})
}

// AppendInt and ReplaceInt write what Append and Replace write for the
// integer's decimal form, at every encoding's edges.
func TestAppendIntReplaceInt(t *testing.T) {
	for _, n := range []int64{0, 1, 127, 128, -1, -4096, 4095, 4096, -4097, -32768, 32767, 32768,
		-8388608, 8388607, 8388608, -2147483648, 2147483647, 2147483648, math.MinInt64, math.MaxInt64} {
		text := []byte(strconv.FormatInt(n, 10))
		if got, want := AppendInt(Append(New(), []byte("x")), n), Append(Append(New(), []byte("x")), text); !bytes.Equal(got, want) {
			t.Errorf("AppendInt(%d) = %x, want %x", n, got, want)
		}
		lp := Build([]byte("a"), []byte("b"), []byte("c"))
		p := Next(lp, First(lp))
		if got, want := ReplaceInt(bytes.Clone(lp), p, n), Replace(bytes.Clone(lp), p, text); !bytes.Equal(got, want) {
			t.Errorf("ReplaceInt(%d) = %x, want %x", n, got, want)
		}
	}
}
