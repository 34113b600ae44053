package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"respd/internal/zsetval"
)

// dump is the payload of a string value.
func dump(value []byte, uncompressed bool) []byte {
	p := NewPayload(uncompressed)
	p.String(nil, value, 0)
	return p.Bytes()
}

// Payloads byte-identical to what redis-server 7.0.15's DUMP returns.
func TestDumpMatchesRedis(t *testing.T) {
	for value, want := range map[string]string{
		"hello": "\x00\x05hello\n\x00cr\xdfve4 \n",
		"12345": "\x00\xc190\n\x00\x9d\x94\xea'\x93\xfc\b\xb9",
	} {
		if got := dump([]byte(value), false); string(got) != want {
			t.Errorf("payload of %q = %q, want %q", value, got, want)
		}
		if got, err := Undump([]byte(want)); err != nil || got.Kind() != "string" || string(got.Value) != value {
			t.Errorf("Undump(Redis's payload for %q) = %+v, %v", value, got, err)
		}
	}
}

func TestUndump(t *testing.T) {
	for _, v := range []string{"", "0", "-2147483648", "2147483648", strings.Repeat("lzf ", 100), "\x00\xff"} {
		for _, uncompressed := range []bool{false, true} {
			if got, err := Undump(dump([]byte(v), uncompressed)); err != nil || string(got.Value) != v {
				t.Errorf("round trip of %.20q (uncompressed %v): %+.20v, %v", v, uncompressed, got, err)
			}
		}
	}
	good := dump([]byte("hello"), false)
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	if _, err := Undump(bad); !errors.Is(err, ErrBadPayload) {
		t.Errorf("wrong checksum: %v", err)
	}
	future := bytes.Clone(good)
	future[len(future)-10] = 13
	if _, err := Undump(future); !errors.Is(err, ErrBadPayload) {
		t.Errorf("version 13: %v", err)
	}
	if _, err := Undump([]byte("short")); !errors.Is(err, ErrBadPayload) {
		t.Errorf("short payload: %v", err)
	}
	// A list payload from redis-server 7.0.15 (RPUSH l a b; DUMP l).
	list := "\x12\x01\x02\r\r\x00\x00\x00\x02\x00\x81a\x02\x81b\x02\xff\n\x00h\xeb\n\x89\x13A\xbb\xb1"
	if got, err := Undump([]byte(list)); err != nil || got.Kind() != "list" || len(got.List) != 2 || string(got.List[0]) != "a" || string(got.List[1]) != "b" {
		t.Errorf("list payload: %+v, %v", got, err)
	}
}

func FuzzUndump(f *testing.F) {
	f.Add(dump([]byte("hello"), false))
	f.Add(dump([]byte(strings.Repeat("x", 100)), false))
	f.Fuzz(func(t *testing.T, payload []byte) {
		Undump(payload)
	})
}

// zsetOf builds a sorted set by ZADDs of members under lim.
func zsetOf(lim zsetval.Limits, members ...ZMember) *zsetval.ZSet {
	z := zsetval.New(1, len(members[0].Member), lim)
	for _, m := range members {
		z.Add(m.Member, m.Score, 0, lim)
	}
	return z
}

// Sorted set payloads byte-identical to redis-server 7.0.15's DUMP after
// ZADD z 1 a 2 b 1.5 c -inf d 0.1 e: a listpack, LZF-compressed and, with
// rdbcompression no, not; and after adding 3 12345 under
// zset-max-listpack-entries 2, a skiplist, its highest member first.
func TestDumpZSetMatchesRedis(t *testing.T) {
	members := []ZMember{{[]byte("a"), 1}, {[]byte("b"), 2}, {[]byte("c"), 1.5}, {[]byte("d"), math.Inf(-1)}, {[]byte("e"), 0.1}}
	small := zsetOf(zsetval.Limits{Entries: 128, Value: 64}, members...)
	large := zsetOf(zsetval.Limits{Entries: 2, Value: 64}, append(members, ZMember{[]byte("12345"), 3})...)
	for _, c := range []struct {
		z            *zsetval.ZSet
		uncompressed bool
		want         string
	}{
		{small, false, "\x11\xc31:\x16:\x00\x00\x00\n\x00\x81d\x02\x84-inf\x05\x81e\x02\x930.10\xe0\x05\x00\x141\x14\x81a\x02\x01\x01\x81c\x02\x831.5\x04\x81b\x02\x02\x01\xff\n\x00\xfb\xde\xf9\x1e\xcf\xf5\xce\x87"},
		{small, true, "\x11::\x00\x00\x00\n\x00\x81d\x02\x84-inf\x05\x81e\x02\x930.10000000000000001\x14\x81a\x02\x01\x01\x81c\x02\x831.5\x04\x81b\x02\x02\x01\xff\n\x00\xcc\x01\x82i\x88\x83\x06\xa0"},
		{large, false, "\x05\x06\xc190\x00\x00\x00\x00\x00\x00\b@\x01b\x00\x00\x00\x00\x00\x00\x00@\x01c\x00\x00\x00\x00\x00\x00\xf8?\x01a\x00\x00\x00\x00\x00\x00\xf0?\x01e\x9a\x99\x99\x99\x99\x99\xb9?\x01d\x00\x00\x00\x00\x00\x00\xf0\xff\n\x00T\xc1d\bv!*\xd5"},
	} {
		p := NewPayload(c.uncompressed)
		p.ZSet(nil, c.z, 0)
		if got := string(p.Bytes()); got != c.want {
			t.Errorf("payload of a %s (uncompressed %v):\n%q, want\n%q", c.z.Encoding(), c.uncompressed, got, c.want)
		}
		r, err := Undump([]byte(c.want))
		want := `zset ["a"=1 "b"=2 "c"=1.5 "d"=-Inf "e"=0.1]`
		if c.z == large {
			want = `zset ["12345"=3 "a"=1 "b"=2 "c"=1.5 "d"=-Inf "e"=0.1]`
		}
		if err != nil || describe(*r) != want {
			t.Fatalf("Undump of Redis's %s payload: %+v, %v", c.z.Encoding(), r, err)
		}
		if lp := c.z.Listpack(); !bytes.Equal(r.ZSetListpack, lp) {
			t.Errorf("Undump of Redis's %s payload gives the listpack %q, want %q", c.z.Encoding(), r.ZSetListpack, lp)
		}
	}
}

// A payload longer than the encoder's chunk stays whole: a payload has
// no writer to flush to.
func TestDumpLargerThanAChunk(t *testing.T) {
	lim := zsetval.Limits{Entries: 128, Value: 64}
	z := zsetval.New(1, 8, lim)
	const n = 20000
	for i := range n {
		z.Add(fmt.Appendf(nil, "member:%d", i), float64(i), 0, lim)
	}
	p := NewPayload(true)
	p.ZSet(nil, z, 0)
	payload := p.Bytes()
	r, err := Undump(payload)
	if err != nil || len(payload) < encoderChunk || len(r.ZSet) != n || string(r.ZSet[0].Member) != "member:19999" || r.ZSet[0].Score != n-1 {
		t.Fatalf("Undump of a %d-byte payload: %v", len(payload), err)
	}
}
