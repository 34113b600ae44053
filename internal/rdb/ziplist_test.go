package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// aliases reports whether s points into blob: flipping blob changes s.
func aliases(s, blob []byte) bool {
	before := s[0]
	for i := range blob {
		blob[i] ^= 0xFF
	}
	changed := s[0] != before
	for i := range blob {
		blob[i] ^= 0xFF
	}
	return changed
}

func entryStrings(entries []lpEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, string(e.bytes()))
	}
	return out
}

// TestZiplistDocExample decodes the example in ziplist.c's header comment:
// the entries "2" and "5", then "Hello World".
func TestZiplistDocExample(t *testing.T) {
	zl := []byte{0x0f, 0, 0, 0, 0x0c, 0, 0, 0, 0x02, 0, 0x00, 0xf3, 0x02, 0xf6, 0xff}
	entries, err := zlDecode(zl)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(entryStrings(entries), ","); got != "2,5" {
		t.Fatalf("got %s", got)
	}
	if !bytes.Equal(zlBuild(2, 5), zl) {
		t.Fatalf("zlBuild(2, 5) = %x, want %x", zlBuild(2, 5), zl)
	}
	// Appending "Hello World" adds [02] [0b] [48 65 6c ...].
	hw := zlBuild(2, 5, "Hello World")
	if !bytes.Contains(hw, append([]byte{0x02, 0x0b}, "Hello World"...)) {
		t.Fatalf("zlBuild = %x", hw)
	}
}

// TestZiplistEncodings: every integer encoding at its edges, the three
// string length encodings, and 5-byte prevlens after large entries.
func TestZiplistEncodings(t *testing.T) {
	want := []string{"0", "12", "13", "-1", "127", "-128", "128", "-129", "32767", "-32768",
		"32768", "-32769", "8388607", "-8388608", "8388608", "-8388609", "2147483647",
		"-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
		"", "a", "007", "-0", "+1", "1.5", strings.Repeat("s", 63), strings.Repeat("m", 64),
		strings.Repeat("M", 16383), strings.Repeat("L", 16384), "after large", "x",
		"1234567890123456789012345678901", // 31 bytes but not an int64: a string
	}
	elems := make([]any, len(want))
	for i, w := range want {
		elems[i] = w
	}
	zl := zlBuild(elems...)
	for _, enc := range []byte{0xF1, 0xFD, 0xFE, 0xC0, 0xF0, 0xD0, 0xE0, 0x40, 0x80} {
		if !bytes.Contains(zl, []byte{enc}) {
			t.Errorf("built ziplist lacks encoding byte %#x", enc)
		}
	}
	entries, err := zlDecode(zl)
	if err != nil {
		t.Fatal(err)
	}
	got := entryStrings(entries)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Integers decode as integers, strings alias the blob.
	if !entries[0].isInt || entries[21].isInt || !aliases(entries[22].str, zl) {
		t.Error("entry kinds or aliasing wrong")
	}

	// Empty ziplist; a zllen of 65535 means "count them".
	if e, err := zlDecode(zlBuild()); err != nil || len(e) != 0 {
		t.Fatalf("empty: %v %v", e, err)
	}
	zl = zlBuild("a", "b")
	binary.LittleEndian.PutUint16(zl[8:], 65535)
	if e, err := zlDecode(zl); err != nil || len(e) != 2 {
		t.Fatalf("zllen 65535: %v %v", e, err)
	}
}

func TestZiplistInvalid(t *testing.T) {
	good := zlBuild("a", 300, strings.Repeat("x", 300), "b")
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := map[string][]byte{
		"short":           {0x0b, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0},
		"zlbytes":         mod(func(b []byte) []byte { b[0]++; return b }),
		"no terminator":   mod(func(b []byte) []byte { b[len(b)-1] = 0; return b }),
		"tail past end":   mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], uint32(len(b))); return b }),
		"tail not last":   mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 10); return b }),
		"count":           mod(func(b []byte) []byte { b[8] = 5; return b }),
		"prevlen":         mod(func(b []byte) []byte { b[zlHeaderSize] = 1; return b }),
		"bad encoding":    mod(func(b []byte) []byte { b[zlHeaderSize+1] = 0xC1; return b }),
		"early end":       mod(func(b []byte) []byte { b[zlHeaderSize+3] = 0xFF; return b }),
		"string too long": mod(func(b []byte) []byte { b[zlHeaderSize+1] = 0x3F; return b }),
	}
	for name, zl := range cases {
		if _, err := zlDecode(zl); !errors.Is(err, errZiplist) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	eachDamaged(good, func(b []byte) { zlDecode(b) })
}
