package aof

import (
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"strconv"
	"testing"

	"respd/internal/zsetval"
)

func TestManifest(t *testing.T) {
	// As redis-server 7.0.15 writes it.
	redis := "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
	files, err := ParseManifest([]byte(redis))
	want := []ManifestFile{{"appendonly.aof.1.base.rdb", 1, TypeBase}, {"appendonly.aof.1.incr.aof", 1, TypeIncr}}
	if err != nil || !reflect.DeepEqual(files, want) {
		t.Fatalf("ParseManifest = %v, %v", files, err)
	}
	if got := string(FormatManifest(files)); got != redis {
		t.Fatalf("FormatManifest = %q", got)
	}
	if files, err := ParseManifest([]byte("type i seq 3 file \"a b.aof\"\n")); err != nil || files[0].Name != "a b.aof" || files[0].Seq != 3 {
		t.Fatalf("keys in another order, quoted name: %v, %v", files, err)
	}
	for _, bad := range []string{"file x seq 1\n", "file x seq -1 type i\n", "file x seq 1 type z\n", "file \"x seq 1 type i\n"} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("ParseManifest(%q) accepted", bad)
		}
	}
}

func TestReader(t *testing.T) {
	stream := AppendCommand(nil, [][]byte{[]byte("SELECT"), []byte("0")})
	stream = AppendCommand(stream, [][]byte{[]byte("SET"), []byte("k"), []byte("a\r\nb")})
	complete := len(stream)
	for cut := 0; cut <= complete; cut++ {
		rd := NewReader(bytes.NewReader(stream[:cut]))
		var n int
		var err error
		for {
			if _, err = rd.ReadCommand(); err != nil {
				break
			}
			n++
		}
		switch {
		case cut == complete && (err != io.EOF || n != 2 || rd.Offset() != int64(complete)):
			t.Fatalf("whole stream: %d commands, %v, offset %d", n, err, rd.Offset())
		case cut == 0 && err != io.EOF:
			t.Fatalf("empty stream: %v", err)
		case cut > 0 && cut < complete && err != io.EOF && !errors.Is(err, ErrTruncated):
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	if _, err := NewReader(bytes.NewReader([]byte("*1\r\n$3\r\nabcXY"))).ReadCommand(); err == nil || errors.Is(err, ErrTruncated) {
		t.Fatalf("corrupt terminator: %v", err)
	}
}

// Annotations between commands (aof-timestamp-enabled) are skipped, and
// count in the offset; one cut short is a truncation.
func TestReaderSkipsAnnotations(t *testing.T) {
	set := AppendCommand(nil, [][]byte{[]byte("SET"), []byte("k"), []byte("v")})
	stream := append(append([]byte("#TS:1700000000\r\n"), set...), "#TS:1700000001\r\n"...)
	rd := NewReader(bytes.NewReader(stream))
	if argv, err := rd.ReadCommand(); err != nil || string(argv[0]) != "SET" {
		t.Fatalf("first command: %q, %v", argv, err)
	}
	if _, err := rd.ReadCommand(); err != io.EOF || rd.Offset() != int64(len(stream)) {
		t.Fatalf("end: %v at offset %d of %d", err, rd.Offset(), len(stream))
	}
	if _, err := NewReader(bytes.NewReader([]byte("#TS:17"))).ReadCommand(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("cut annotation: %v", err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add(AppendCommand(nil, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data))
		for i := 0; i < 1000; i++ {
			if _, err := rd.ReadCommand(); err != nil {
				return
			}
		}
	})
}

// A sorted set's rewrite is ZADD commands of up to 64 pairs, by ascending
// score, each score as Redis's rioWriteBulkDouble prints it, then its TTL:
// the first form is redis-server 7.0.15's rewrite of the same ZADD and
// PEXPIREAT, byte for byte.
func TestBaseEncoderZSet(t *testing.T) {
	lim := zsetval.Limits{Entries: 128, Value: 64}
	z := zsetval.New(1, 1, lim)
	for member, score := range map[string]float64{"a": 1, "b": 0.1, "c": math.Inf(-1), "d": 2.5e-300, "e": -1e20} {
		z.Add([]byte(member), score, 0, lim)
	}
	var out bytes.Buffer
	e := NewBaseEncoder(&out, 0, false)
	if err := e.ZSet([]byte("z"), z, 4102444800000); err != nil || e.Flush() != nil {
		t.Fatal(err)
	}
	want := "*12\r\n$4\r\nZADD\r\n$1\r\nz\r\n$4\r\n-inf\r\n$1\r\nc\r\n$6\r\n-1e+20\r\n$1\r\ne\r\n$8\r\n2.5e-300\r\n$1\r\nd\r\n" +
		"$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n" +
		"*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nz\r\n$13\r\n4102444800000\r\n"
	if out.String() != want {
		t.Errorf("rewrite:\n%q, want\n%q", out.String(), want)
	}

	for i := range 125 {
		z.Add(strconv.AppendInt(nil, int64(i), 10), float64(i), 0, lim)
	}
	out.Reset()
	if err := e.ZSet([]byte("z"), z, 0); err != nil || e.Flush() != nil {
		t.Fatal(err)
	}
	// 130 pairs: two commands of 64, one of 2.
	if full, last := bytes.Count(out.Bytes(), []byte("*130\r\n$4\r\nZADD\r\n")), bytes.Count(out.Bytes(), []byte("*6\r\n$4\r\nZADD\r\n")); full != 2 || last != 1 {
		t.Errorf("%d commands of 64 pairs and %d of 2, want 2 and 1", full, last)
	}
}
