package rdb

import (
	"bytes"
	"errors"
	"strings"
	"testing"
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
