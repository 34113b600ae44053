package rdb

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"strings.rdb", "nochecksum.rdb", "types.rdb", "stream.rdb", "collections.rdb"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("REDIS0010\xff\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("REDIS0003\x00\x01k\xc3\x04\x0a\x00a\xe0\x00\xff"))
	f.Add([]byte("REDIS0012\xf7\x01\x02\x00\x05\x03abc\x00\xff"))
	// Every collection encoding, built by hand (collections_test.go).
	for _, build := range []func() ([]byte, map[string]string){handBuilt, handBuilt74} {
		b, _ := build()
		f.Add(b)
	}
	for _, c := range corruptCases() {
		b, _ := c.file()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		total := 0
		var fresh []Record
		err := Load(bytes.NewReader(data), func(r Record) error {
			total += len(r.Key) + len(r.Value) + collectionSize(r)
			fresh = append(fresh, r)
			return nil
		})
		// Decoded output is bounded by what LZF can expand the input to,
		// times what packed integers expand to (a 2-byte intset or
		// listpack element makes up to 6 bytes plus its slice).
		if total > len(data)*lzfMaxRatio*12+64 {
			t.Fatalf("decoded %d bytes from %d", total, len(data))
		}
		// With reused buffers, the same records (copied out as they
		// come) and the same error.
		var reused []Record
		reuseErr := Loader{ReuseStrings: true, Record: func(r Record) error {
			r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
			reused = append(reused, r)
			return nil
		}}.Load(bytes.NewReader(data))
		if fmt.Sprint(reuseErr) != fmt.Sprint(err) {
			t.Fatalf("error %v with reused buffers, %v without", reuseErr, err)
		}
		if len(reused) != len(fresh) {
			t.Fatalf("%d records with reused buffers, %d without", len(reused), len(fresh))
		}
		for i := range fresh {
			if !sameRecord(reused[i], fresh[i]) {
				t.Fatalf("record %d: %+v with reused buffers, %+v without", i, reused[i], fresh[i])
			}
		}
	})
}

// sameRecord compares records by content (nil and empty slices alike).
func sameRecord(a, b Record) bool {
	return bytes.Equal(a.Key, b.Key) && bytes.Equal(a.Value, b.Value) &&
		a.DB == b.DB && a.ExpireMs == b.ExpireMs && a.IdleSeconds == b.IdleSeconds &&
		a.Freq == b.Freq && a.Type == b.Type && a.End == b.End &&
		fmt.Sprint(a.List, a.Set, a.ZSet, a.Hash, a.Stream) == fmt.Sprint(b.List, b.Set, b.ZSet, b.Hash, b.Stream)
}

// collectionSize counts a collection's bytes, plus 16 per element for its
// slice.
func collectionSize(r Record) int {
	n := 0
	for _, e := range r.List {
		n += len(e) + 16
	}
	for _, m := range r.Set {
		n += len(m) + 16
	}
	for _, m := range r.ZSet {
		n += len(m.Member) + 16
	}
	for _, f := range r.Hash {
		n += len(f.Field) + len(f.Value) + 16
	}
	return n
}

// canonicalInt32 accepts exactly the strings Redis stores as integers:
// those strconv parses as an int32 and formats back the same.
func FuzzCanonicalInt32(f *testing.F) {
	for _, s := range []string{"0", "-0", "00", "01", "-1", "127", "-128", "2147483647", "2147483648",
		"-2147483648", "-2147483649", "+1", "1 ", "", "-", "12345678901", "99999999999", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := strconv.ParseInt(s, 10, 32)
		want := err == nil && strconv.FormatInt(v, 10) == s
		got, ok := canonicalInt32([]byte(s))
		if ok != want || (ok && got != v) {
			t.Fatalf("canonicalInt32(%q) = %d, %v; want %d, %v", s, got, ok, v, want)
		}
	})
}
