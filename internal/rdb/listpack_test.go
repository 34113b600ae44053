package rdb

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// TestListpack decodes the listpack of a hash DUMPed by Redis 7.0.15 (HSET h
// a 1 b hello c -5000 d <60 x> e 9223372036854775807 f -100 g 300): every
// integer width and string form it chose, and the backlens.
func TestListpack(t *testing.T) {
	payload, _ := hex.DecodeString("10c33f40771f770000000e0081610201018162028568656c6c6f06816302f178ec03816402bc0078e03200053d816502f4ff80000e7f09816602df9c02816702c12c02ff0a000e3f36f5c7d48148")
	d := &decoder{r: bufio.NewReader(bytes.NewReader(payload))}
	if typ, _ := d.readByte("type"); typ != 16 {
		t.Fatalf("type %d", typ)
	}
	blob, err := d.readString("listpack")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := lpDecode(blob)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, string(e.bytes()))
	}
	want := []string{"a", "1", "b", "hello", "c", "-5000", "d", strings.Repeat("x", 60),
		"e", "9223372036854775807", "f", "-100", "g", "300"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Every truncation or corruption is an error, never a panic.
	for i := range blob {
		lpDecode(blob[:i])
		bad := bytes.Clone(blob)
		bad[i] ^= 0xFF
		lpDecode(bad)
	}
}

// TestListpackBacklen: the backlen sizes at their boundaries, as
// lpEncodeBacklen writes them.
func TestListpackBacklen(t *testing.T) {
	for _, c := range []struct{ n, size int }{{0, 1}, {127, 1}, {128, 2}, {16382, 2}, {16383, 3}, {2097150, 3}, {2097151, 4}, {268435454, 4}, {268435455, 5}} {
		if got := lpBacklenSize(c.n); got != c.size {
			t.Errorf("lpBacklenSize(%d) = %d, want %d", c.n, got, c.size)
		}
	}
	if n := lpBacklen([]byte{0x01, 0x80 | 0x05}); n != 1<<7|5 {
		t.Errorf("lpBacklen = %d", n)
	}
}
