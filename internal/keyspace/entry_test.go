package keyspace

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"
)

// An Entry is three pointers and 24 bytes, 48 on 64-bit platforms (a Go
// size class): a database holds one per key.
func TestEntrySize(t *testing.T) {
	if n, want := unsafe.Sizeof(Entry{}), 3*unsafe.Sizeof(uintptr(0))+24; n != want {
		t.Fatalf("Entry is %d bytes, want %d", n, want)
	}
}

// rawCap must be monotonic and idempotent (SetStr keeps a shortened
// value's capacity by it) and never below n.
func TestRawCap(t *testing.T) {
	prev := 0
	for _, n := range []int{0, 1, 15, 16, 17, 1000, 1 << 19, 1<<20 - 1, 1 << 20, 1<<20 + 1, 5<<20 + 3} {
		c := rawCap(n)
		if c < n || c < prev || rawCap(c) != c {
			t.Fatalf("rawCap(%d) = %d (previous %d, rawCap of it %d)", n, c, prev, rawCap(c))
		}
		prev = c
	}
}

// A string entry is its key and value whatever SET, APPEND-style growth,
// in-place writes and renames do, and its key never changes under a
// value's change.
func FuzzStringEntry(f *testing.F) {
	f.Add([]byte("k"), []byte{0, 5, 1, 20, 2, 3, 0, 0, 3, 1, 1, 200})
	f.Add([]byte(""), []byte{1, 0, 1, 1, 0, 100, 0, 1})
	f.Fuzz(func(t *testing.T, key, ops []byte) {
		db := New(1).DBs[0]
		k := string(key)
		e := NewString(k, []byte("seed"))
		db.Set(k, e, false)
		model := []byte("seed")
		for i := 0; i+1 < len(ops); i += 2 {
			n := int(ops[i+1]) * 37
			switch ops[i] % 4 {
			case 0: // SET over the string
				model = bytes.Repeat([]byte{ops[i+1]}, n)
				e.SetStr(model)
			case 1: // grow, write the new bytes (APPEND, SETRANGE)
				old := len(model)
				s := e.GrowStr(old + n)
				for j := old; j < len(s); j++ {
					if s[j] != 0 {
						t.Fatalf("grown byte %d is %d, want 0", j, s[j])
					}
					s[j] = byte(j)
				}
				for j := old; j < old+n; j++ {
					model = append(model, byte(j))
				}
			case 2: // write in place (SETBIT)
				if s := e.Str(); len(s) > 0 {
					s[n%len(s)] ^= 0xff
					model[n%len(model)] ^= 0xff
				}
			case 3: // rename
				db.Delete(k)
				k = strings.Repeat("x", n%50) + string(key)
				db.Set(k, e, false)
			}
			if e.Key() != k || !bytes.Equal(e.Str(), model) || db.Peek(k) != e {
				t.Fatalf("after op %d: key %q value %q, want %q %q", i/2, e.Key(), e.Str(), k, model)
			}
		}
		frozen, _ := e.Frozen([]byte("prefix"))
		if e.SetStr([]byte("after")); frozen.Key() != k || !bytes.Equal(frozen.Str(), model) {
			t.Fatalf("frozen: %q %q, want %q %q", frozen.Key(), frozen.Str(), k, model)
		}
	})
}

// SET of a short value over a long one does not keep the long one's
// memory; over one of about its size it writes in place.
func TestSetStrBoundsTheMemoryKept(t *testing.T) {
	e := NewString("k", make([]byte, 1000))
	e.GrowStr(1001)
	e.SetStr([]byte("small"))
	if c := e.capacity(); string(e.Str()) != "small" || c > 100 {
		t.Fatalf("value %q, capacity %d", e.Str(), c)
	}
	before := e.val
	e.SetStr([]byte("SMALL"))
	if e.val != before {
		t.Fatal("a value of the same length was not written in place")
	}
}

// Frozen strings share the buffer they are appended to, and neither a
// later write to the key nor the next key's copy changes them.
func TestFrozenStringsShareABuffer(t *testing.T) {
	a, b := NewString("a", []byte("hello")), NewString("b", []byte("world"))
	a.Expire, a.Access = 99, 7
	fa, buf := a.Frozen([]byte("x"))
	fb, buf := b.Frozen(buf)
	a.Str()[0] = 'J'
	if string(buf) != "xhelloworld" || string(fa.Str()) != "hello" || string(fb.Str()) != "world" ||
		fa.Key() != "a" || fa.Expire != 99 || fa.Access != 7 || fa.Type != TypeString {
		t.Fatalf("buf %q, a kept as %+v, b as %+v", buf, fa, fb)
	}
}

// Reading a value as another type is a bug, said loudly.
func TestEntryOfAnotherTypePanics(t *testing.T) {
	e := listOf("a")
	e.rekey("l")
	defer func() {
		if msg, _ := recover().(string); msg != `keyspace: key "l" holds a list, read as a hash` {
			t.Fatalf("panic = %q", msg)
		}
	}()
	e.Hash()
}
