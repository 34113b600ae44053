package lzf

import (
	"bytes"
	"encoding/hex"
	"math/rand"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	inputs := [][]byte{
		[]byte("a"), []byte("ab"), []byte("abc"),
		bytes.Repeat([]byte("a"), 100000),
		bytes.Repeat([]byte("abcabcabc"), 200),
		[]byte(strings.Repeat("hello world ", 50)),
	}
	for i := 0; i < 300; i++ {
		n := rng.Intn(3000) + 1
		b := make([]byte, n)
		alpha := rng.Intn(255) + 1 // small alphabets compress
		for j := range b {
			b[j] = byte(rng.Intn(alpha))
		}
		inputs = append(inputs, b)
	}
	compressed := 0
	for _, in := range inputs {
		for _, outLen := range []int{len(in) - 4, len(in) + 64} {
			if outLen <= 0 {
				continue
			}
			c := compressGuarded(t, in, outLen)
			if c == 0 {
				continue
			}
			compressed++
			dec := make([]byte, len(in))
			n, err := Decompress(out(in, outLen)[:c], dec)
			if err != nil || n != len(in) || !bytes.Equal(dec, in) {
				t.Fatalf("round trip of %d bytes failed: n=%d err=%v", len(in), n, err)
			}
		}
	}
	if compressed < 100 {
		t.Fatalf("only %d inputs compressed", compressed)
	}
}

// out compresses in into a fresh buffer of outLen bytes.
func out(in []byte, outLen int) []byte {
	o := make([]byte, outLen)
	Compress(in, o)
	return o
}

// compressGuarded compresses in into outLen bytes followed by guard bytes,
// failing if Compress writes past outLen or returns more than it.
func compressGuarded(t testing.TB, in []byte, outLen int) int {
	t.Helper()
	buf := bytes.Repeat([]byte{0xA5}, outLen+8)
	c := Compress(in, buf[:outLen])
	if c > outLen {
		t.Fatalf("compressed to %d > outLen %d", c, outLen)
	}
	for _, b := range buf[outLen:] {
		if b != 0xA5 {
			t.Fatalf("Compress of %d bytes wrote past its %d-byte output", len(in), outLen)
		}
	}
	return c
}

// Redis 7.0.15's output, from the LZF strings in DUMP payloads of SET
// values (RDB_ENC_LZF: compressed length, length, then these bytes).
func TestCompressBytes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{strings.Repeat("a", 30), "\x01aa\xe0\x11\x00\x01aa"},
		{"hello world hello world hello world!", "\x0chello world h\xe0\x0c\x0b\x01d!"},
	} {
		o := make([]byte, len(c.in)-4) // rdbSaveLzfStringObject's room
		n := Compress([]byte(c.in), o)
		if string(o[:n]) != c.want {
			t.Errorf("Compress(%q) = %q, want %q", c.in, o[:n], c.want)
		}
	}
}

// A match that reaches one byte short of the end when liblzf's maxlen
// says two: Redis 7.0.15's unrolled loop compares sixteen bytes past the
// first three regardless (a quicklist node's listpack, from its DUMP with
// rdbcompression no, where compressed nodes keep their LZF bytes).
func TestCompressUnrolledMatch(t *testing.T) {
	checkRedisOutput(t, "370000000500f1a43203f1a43203f1a43203906c7a6b6f6f646e79776c6b7076706c6511906c7a6b6f6f646e79776c6b7076706c6511ff",
		"09370000000500f1a43203c00311906c7a6b6f6f646e79776c6b7076706c6511e0091100ff")
}

// A match starting three bytes before the end ("01 01 01" after "01",
// then "ff"): Redis 7.0's lzf_compress has no "ip + 4 < in_end" test
// (later versions do). From a node's LZF bytes in redis-server 7.0.15.
func TestCompressMatchNearEnd(t *testing.T) {
	checkRedisOutput(t, "360000000300a963636363636363636363636363636363636363636363636363636363636363636363636363636363632a01010101ff",
		"07360000000300a963e01f00012a01200000ff")
}

func checkRedisOutput(t *testing.T, inHex, wantHex string) {
	t.Helper()
	in, _ := hex.DecodeString(inHex)
	want, _ := hex.DecodeString(wantHex)
	o := make([]byte, len(in))
	if n := Compress(in, o); !bytes.Equal(o[:n], want) {
		t.Fatalf("Compress = %x\n      want %x", o[:n], want)
	}
	dec := make([]byte, len(in))
	if n, err := Decompress(want, dec); err != nil || !bytes.Equal(dec[:n], in) {
		t.Fatalf("Decompress(Redis's) = %x, %v", dec[:n], err)
	}
}

func TestDecompressInvalid(t *testing.T) {
	cases := [][]byte{
		{0x05, 'a'},             // literal run past input
		{0x20},                  // backref without offset byte
		{0xE0, 0x01},            // long backref without offset byte
		{0x20, 0x00},            // backref before start of output
		{0x00, 'a', 0x3F, 0xFF}, // backref offset too far back
	}
	for _, c := range cases {
		o := make([]byte, 16)
		if _, err := Decompress(c, o); err != ErrInvalid {
			t.Errorf("Decompress(%x) = %v, want ErrInvalid", c, err)
		}
	}
	if _, err := Decompress([]byte{0x02, 'a', 'b', 'c'}, make([]byte, 2)); err != ErrTooBig {
		t.Errorf("output too small: %v, want ErrTooBig", err)
	}
}

func FuzzLZF(f *testing.F) {
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaabcabcabcabc"))
	f.Add([]byte("hello"))
	f.Add(bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), 3))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		c := compressGuarded(t, in, len(in)+64)
		if c == 0 {
			t.Fatalf("could not compress %d bytes into %d", len(in), len(in)+64)
		}
		dec := make([]byte, len(in))
		n, err := Decompress(out(in, len(in)+64)[:c], dec)
		if err != nil || n != len(in) || !bytes.Equal(dec, in) {
			t.Fatalf("round trip failed: %v", err)
		}
		// matchLength is liblzf's byte loop, eight bytes at a time: same
		// result from every pair of positions.
		for ip := 1; ip < len(in); ip++ {
			ref, maxlen := ip/2, len(in)-ip
			want := 1
			for want < maxlen && in[ref+want] == in[ip+want] {
				want++
			}
			if got := matchLength(in, ref, ip, 1, maxlen); got != want {
				t.Fatalf("matchLength(%d, %d) = %d, want %d", ref, ip, got, want)
			}
		}
		// Every tighter output fails cleanly or fits, never overruns, and
		// when it fits it is the same output.
		for outLen := 1; outLen < c; outLen++ {
			if got := compressGuarded(t, in, outLen); got != 0 {
				t.Fatalf("compressed %d bytes into %d, but into %d with more room", len(in), got, c)
			}
		}
		// Arbitrary input to the decompressor never panics.
		Decompress(in, make([]byte, 4*len(in)))
	})
}
