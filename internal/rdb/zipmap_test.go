package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func hashString(fields []HashField) string {
	var parts []string
	for _, f := range fields {
		s := fmt.Sprintf("%s=%s", f.Field, f.Value)
		if f.ExpireMs != 0 {
			s += fmt.Sprintf("@%d", f.ExpireMs)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// TestZipmapDocExample decodes the example in zipmap.c's header comment.
func TestZipmapDocExample(t *testing.T) {
	zm := []byte("\x02\x03foo\x03\x00bar\x05hello\x05\x00world\xff")
	fields, err := zmDecode(zm)
	if err != nil {
		t.Fatal(err)
	}
	if got := hashString(fields); got != "foo=bar hello=world" {
		t.Fatalf("got %s", got)
	}
	if built := zmBuild(zmPair{"foo", "bar", 0}, zmPair{"hello", "world", 0}); !bytes.Equal(built, zm) {
		t.Fatalf("zmBuild = %q", built)
	}
}

func TestZipmap(t *testing.T) {
	long := strings.Repeat("v", 300)
	zm := zmBuild(zmPair{"a", "1", 0}, zmPair{"", "", 0}, zmPair{"f", "shrunk", 3},
		zmPair{strings.Repeat("k", 254), long, 0}, zmPair{"z", "last", 1})
	fields, err := zmDecode(zm)
	if err != nil {
		t.Fatal(err)
	}
	want := "a=1 = f=shrunk " + strings.Repeat("k", 254) + "=" + long + " z=last"
	if got := hashString(fields); got != want {
		t.Fatalf("got %.80s", got)
	}
	// 254 or more entries: the count byte says 254, "count them".
	var pairs []zmPair
	for i := 0; i < 300; i++ {
		pairs = append(pairs, zmPair{fmt.Sprint("f", i), fmt.Sprint(i), 0})
	}
	big := zmBuild(pairs...)
	if big[0] != zmBigLen {
		t.Fatalf("count byte %d", big[0])
	}
	if fields, err := zmDecode(big); err != nil || len(fields) != 300 {
		t.Fatalf("%d fields, %v", len(fields), err)
	}
}

func TestZipmapInvalid(t *testing.T) {
	good := zmBuild(zmPair{"a", "1", 0}, zmPair{"bb", "22", 2})
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := map[string][]byte{
		"short":          {0xFF},
		"no terminator":  good[:len(good)-1],
		"empty":          {0, 0xFF},
		"count":          mod(func(b []byte) []byte { b[0] = 3; return b }),
		"count 255":      mod(func(b []byte) []byte { b[0] = 255; return b }),
		"key too long":   mod(func(b []byte) []byte { b[1] = 200; return b }),
		"free too big":   mod(func(b []byte) []byte { b[4] = 100; return b }),
		"long key len":   mod(func(b []byte) []byte { b[1] = zmBigLen; return b }),
		"5-byte small":   []byte{1, 0xFE, 1, 0, 0, 0, 'a', 0, 0, 0xFF},
		"early end":      mod(func(b []byte) []byte { b[6] = 0xFF; return b }),
		"value past end": []byte{1, 1, 'a', 5, 0, 'x', 0xFF},
	}
	for name, zm := range cases {
		if f, err := zmDecode(zm); !errors.Is(err, errZipmap) {
			t.Errorf("%s: got %v %v", name, f, err)
		}
	}
	eachDamaged(good, func(b []byte) { zmDecode(b) })
}
