package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"strings"
	"testing"

	"respd/internal/aof"
	"respd/internal/keyspace"
	"respd/internal/rdb"
)

func stringEntry(key, value string) *keyspace.Entry {
	return keyspace.NewString(key, []byte(value))
}

func TestEncodingOfStrings(t *testing.T) {
	long := strings.Repeat("x", 45)
	for value, want := range map[string]string{"12345": "int", "hello": "embstr", long[:44]: "embstr", long: "raw"} {
		if got := encoding(stringEntry("k", value)); got != want {
			t.Errorf("encoding of %q = %s, want %s", value, got, want)
		}
	}
	appended := stringEntry("k", "hello")
	appended.MarkRaw()
	if got := encoding(appended); got != "raw" {
		t.Errorf("encoding of a string APPEND wrote = %s, want raw", got)
	}
}

// The value's part of MEMORY USAGE as redis-server 7.0.15 reports it for
// a key "k" (whose sds and dict entry take 32 bytes).
func TestValueMemoryOfStrings(t *testing.T) {
	for value, want := range map[string]int64{"12345": 48 - 32, "hello": 64 - 32, strings.Repeat("x", 100): 160 - 32} {
		if got := valueMemory(stringEntry("k", value), 5); got != want {
			t.Errorf("valueMemory of %.10q = %d, want %d", value, got, want)
		}
	}
}

func TestCopyValueOfString(t *testing.T) {
	e := stringEntry("k", "hello")
	e.MarkRaw()
	e.Expire = 1234
	copied := copyValue(e, 7)
	e.Str()[0] = 'J'
	if string(copied.Str()) != "hello" || !copied.RawString() || copied.Access != 7 || copied.Key() != "" || copied.Expire != 0 || copied.Type != keyspace.TypeString {
		t.Fatalf("copy = %+v", copied)
	}
}

// One function writes a string to an RDB, an AOF base and a DUMP payload.
func TestWriteValueOfString(t *testing.T) {
	e := stringEntry("k", "hello")
	e.Expire = 4102444800000

	payload := rdb.NewPayload(false)
	if err := writeValue(payload, nil, e); err != nil {
		t.Fatal(err)
	}
	if got, want := string(payload.Bytes()), "\x00\x05hello\n\x00cr\xdfve4 \n"; got != want { // redis-server 7.0.15's DUMP
		t.Errorf("payload %q, want %q", got, want)
	}

	var base bytes.Buffer
	enc := aof.NewBaseEncoder(&base, 0, false)
	if err := writeValue(enc, []byte("k"), e); err != nil || enc.Close() != nil {
		t.Fatal(err)
	}
	if got, want := base.String(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n4102444800000\r\n"; got != want {
		t.Errorf("AOF base %q, want %q", got, want)
	}

	var file bytes.Buffer
	renc, _ := rdb.NewEncoder(&file, rdb.Header{})
	if err := writeValue(renc, []byte("k"), e); err != nil || renc.Close() != nil {
		t.Fatal(err)
	}
	var records []rdb.Record
	if err := rdb.Load(&file, func(r rdb.Record) error { records = append(records, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(records) != 1 || records[0].Kind() != "string" || string(records[0].Key) != "k" || string(records[0].Value) != "hello" || records[0].ExpireMs != e.Expire {
		t.Fatalf("RDB holds %+v", records)
	}
}

// serializedlength as redis-server 7.0.15's DEBUG OBJECT gives it: a
// length byte and the bytes, an integer's own encoding, LZF past 20 bytes.
func TestDebugObjectOfString(t *testing.T) {
	for _, c := range []struct {
		value    string
		compress bool
		want     int
	}{
		{"hello", true, 6},
		{"12345", true, 3},
		{strings.Repeat("x", 100), true, 13},
		{strings.Repeat("x", 100), false, 102},
	} {
		if got := serializedLength(stringEntry("k", c.value), c.compress); got != c.want {
			t.Errorf("serializedLength(%.10q, compress %v) = %d, want %d", c.value, c.compress, got, c.want)
		}
	}
	if extra := debugObjectExtra(stringEntry("k", "hello")); extra != "" {
		t.Errorf("debugObjectExtra = %q", extra)
	}
}

func TestLoadValueOfString(t *testing.T) {
	e, err := loadValue(&rdb.Record{Key: []byte("k"), Type: 0, Value: []byte("hello"), ExpireMs: 5}, defaultConfig())
	if err != nil || e.Type != keyspace.TypeString || string(e.Str()) != "hello" || e.Expire != 0 || e.Key() != "k" {
		t.Fatalf("loadValue = %+v, %v", e, err)
	}
}

// A value of a type respd doesn't serve (a module's), from a file or a
// payload, is refused by name; a stream from Redis's DUMP restores.
func TestLoadValueRefusesUnservedType(t *testing.T) {
	_, err := loadValue(&rdb.Record{Key: []byte("x"), Type: 7}, defaultConfig())
	var unsupported *rdb.UnsupportedTypeError
	if !errors.As(err, &unsupported) || err.Error() != "key 'x' has a module value, which respd cannot load yet (RDB type 7, RDB_TYPE_MODULE_2)" {
		t.Fatalf("loadValue of a module value: %v", err)
	}

	rc := dialRaw(t, startServer(t))
	rc.do("-ERR DUMP payload holds a module value, which respd cannot restore yet\r\n", "RESTORE", "m", "0", modulePayload())
	rc.do(":0\r\n", "EXISTS", "m")
	// XADD x 1-1 f v; DUMP x on redis-server 7.0.15.
	stream := "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x1d\x1d\x00\x00\x00\n\x00\x01\x01\x00\x01\x01\x01\x81f\x02\x00\x01\x02\x01\x00\x01\x00\x01\x81v\x02\x04\x01\xff\x01\x01\x01\x01\x01\x00\x00\x01\x00\n\x00\xffU\xabbj\xc05\xdb"
	rc.do("+OK\r\n", "RESTORE", "x", "0", stream)
	rc.do("*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XRANGE", "x", "-", "+")
}

// modulePayload is a DUMP payload of a module value (RDB_TYPE_MODULE_2,
// module ID 0), with RDB version 10 and Redis's CRC64.
func modulePayload() string {
	p := append([]byte{7}, make([]byte, 8)...)
	p = append(p, 10, 0)
	return string(binary.LittleEndian.AppendUint64(p, redisCRC64(p)))
}

// redisCRC64 is Redis's crc64: the Jones polynomial, reflected, without
// inversions.
func redisCRC64(p []byte) uint64 {
	table := crc64.MakeTable(0x95AC9329AC4BC9B5)
	var crc uint64
	for _, b := range p {
		crc = table[byte(crc)^b] ^ crc>>8
	}
	return crc
}

// A seam function meeting a type without its case (a family landed
// without it) panics, naming itself and the type.
func TestValueSeamPanicsOnTypeWithoutCase(t *testing.T) {
	e := keyspace.NewString("s", nil)
	e.Type = keyspace.TypeStream + 1
	for name, call := range map[string]func(){
		"encoding":         func() { encoding(e) },
		"valueMemory":      func() { valueMemory(e, 5) },
		"copyValue":        func() { copyValue(e, 0) },
		"writeValue":       func() { writeValue(rdb.NewPayload(false), nil, e) },
		"debugObjectExtra": func() { debugObjectExtra(e) },
	} {
		func() {
			defer func() {
				if got, want := recover(), name+`: no case for the type(6) value of key "s"`; got != want {
					t.Errorf("%s panicked with %v, want %q", name, got, want)
				}
			}()
			call()
		}()
	}
}
