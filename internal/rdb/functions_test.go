package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// withTrailer ends a hand-built FUNCTION DUMP body with an RDB version
// and its CRC64, as Redis's functionDumpCommand does.
func withTrailer(body []byte, version uint16) []byte {
	p := binary.LittleEndian.AppendUint16(bytes.Clone(body), version)
	return binary.LittleEndian.AppendUint64(p, crc64Redis(0, p))
}

// testLibrary is a library's code of about n bytes: a comment that
// compresses well pads it.
func testLibrary(name string, n int) string {
	code := "#!lua name=" + name + "\nredis.register_function('" + name + "_f', function() return 1 end)\n"
	if pad := n - len(code) - 3; pad > 0 {
		code += "-- " + strings.Repeat("pad ", pad/4+1)[:pad]
	}
	return code
}

// FUNCTION DUMP of redis-server 7.0.15 after FUNCTION LOAD of lib1.
const redisLib1 = "#!lua name=lib1\nredis.register_function(\"f1\", function() return 1 end)"
const redisLib1Dump = "\xf5@F" + redisLib1 + "\x0a\x00\xe9u\x03\x95\xfe\xe1\xf3)"

func TestFunctionsPayloadMatchesRedis(t *testing.T) {
	if got := EncodeFunctionsPayload([]string{redisLib1}); string(got) != redisLib1Dump {
		t.Errorf("EncodeFunctionsPayload = %q, want %q", got, redisLib1Dump)
	}
	codes, err := DecodeFunctionsPayload([]byte(redisLib1Dump))
	if err != nil || !slices.Equal(codes, []string{redisLib1}) {
		t.Errorf("DecodeFunctionsPayload = %q, %v", codes, err)
	}
	// No library: just the trailer.
	if got := EncodeFunctionsPayload(nil); !bytes.Equal(got, withTrailer(nil, 10)) {
		t.Errorf("empty payload = %q", got)
	}
}

func TestFunctionsPayloadRoundTrip(t *testing.T) {
	rnd := make([]byte, 70000)
	rand.New(rand.NewSource(1)).Read(rnd)
	sets := [][]string{
		nil,
		{""},
		{"12"}, // an integer-encoded string
		{"-2147483648", "007"},
		{testLibrary("short", 10)},
		{testLibrary("a", 100), testLibrary("b", 5000), testLibrary("c", 200000)},
		{string(rnd), "x\x00y"},
	}
	for _, codes := range sets {
		for _, uncompressed := range []bool{false, true} {
			p := NewPayload(uncompressed)
			p.Functions(codes)
			b := p.Bytes()
			if !uncompressed && !bytes.Equal(b, EncodeFunctionsPayload(codes)) {
				t.Errorf("%.20q: EncodeFunctionsPayload differs from NewPayload(false)", codes)
			}
			got, err := DecodeFunctionsPayload(b)
			if err != nil || len(got) != len(codes) || (len(codes) > 0 && !slices.Equal(got, codes)) {
				t.Errorf("%.20q (uncompressed %v): got %.20q, %v", codes, uncompressed, got, err)
			}
			// A long compressible library is LZF-compressed only when
			// compression is on.
			if n := len(strings.Join(codes, "")); n > 1000 && codes[0] != string(rnd) && (len(b) < n) == uncompressed {
				t.Errorf("%.20q: uncompressed %v but payload %d bytes for %d of code", codes, uncompressed, len(b), n)
			}
		}
	}
}

func TestFunctionsPayloadErrors(t *testing.T) {
	good := EncodeFunctionsPayload([]string{redisLib1})
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-1] ^= 1
	badBody := bytes.Clone(good)
	badBody[5] ^= 1
	for name, p := range map[string][]byte{
		"empty":       nil,
		"short":       []byte("short"),
		"bad crc":     badCRC,
		"bad body":    badBody,
		"version 13":  withTrailer([]byte("\xf5\x01a"), 13),
		"no trailer":  []byte("\xf5\x01a"),
		"wrong crc 0": append(append([]byte("\xf5\x01a"), 10, 0), make([]byte, 8)...),
	} {
		if _, err := DecodeFunctionsPayload(p); err != ErrBadPayload {
			t.Errorf("%s: got %v, want ErrBadPayload", name, err)
		}
	}
	// Redis 7.0.15's answers to FUNCTION RESTORE of these (after "ERR ").
	for _, c := range []struct{ body, reason string }{
		{"\x00\x01a", "given type is not a function"},
		{"\xf5\x01a\x05", "given type is not a function"},
		{"\xf5\x40", "Failed loading library payload"},
		{"\xf5\x3f", "Failed loading library payload"},
		{"\xf5\xc3\x02\x30ab", "Failed loading library payload"}, // LZF that does not expand
		{"\xf5\xc4", "Failed loading library payload"},
		{"\xf6", "Failed loading library name"},
		{"\xf6\x01a", "Failed loading engine name"},
		{"\xf6\x01a\x01b\xc3", "Failed loading library description"},
		{"\xf6\x01a\x01b\x01\x3f", "Failed loading library description"},
		{"\xf6\x01a\x01b\x00\x3f", "Failed loading library blob"},
	} {
		codes, err := DecodeFunctionsPayload(withTrailer([]byte(c.body), 10))
		var fe *FunctionError
		if !errors.As(err, &fe) || fe.Reason != c.reason {
			t.Errorf("%q: got %v, want reason %q", c.body, err, c.reason)
		}
		// The libraries before the failure come with it.
		if wantN := strings.Count(c.body, "\xf5\x01a\x05"); len(codes) != wantN {
			t.Errorf("%q: got codes %q with the error", c.body, codes)
		}
	}
}

func TestFunctionsPayloadRedisQuirks(t *testing.T) {
	// Redis 7.0.15 restores a pre-GA library (Redis 7.0 release
	// candidates) as "#!<engine> name=<name>\n<code>", dropping the
	// description and, as C strings, all from a NUL byte on.
	for body, want := range map[string]string{
		"\xf6\x04lib3\x03LUA\x01\x04desc\x05code1":   "#!LUA name=lib3\ncode1",
		"\xf6\x06lib5\x00x\x03lua\x00\x07code\x00)(": "#!lua name=lib5\ncode",
		"\xf6\x01a\x01b\xc1\x01c\x01d":               "#!b name=a\nd", // encoding marker 1 as description flag
		"\xf6\x01a\x01b\xc0\x01d":                    "#!b name=a\nd",
	} {
		codes, err := DecodeFunctionsPayload(withTrailer([]byte(body), 10))
		if err != nil || !slices.Equal(codes, []string{want}) {
			t.Errorf("%q: got %q, %v; want %q", body, codes, err, want)
		}
	}
	// A library's string may run into the trailer: Redis reads the
	// payload as one buffer, and stops once 10 bytes or fewer remain.
	body := []byte("\xf5\x08abc")
	p := withTrailer(body, 10)
	codes, err := DecodeFunctionsPayload(p)
	if want := "abc" + string(p[5:10]); err != nil || !slices.Equal(codes, []string{want}) {
		t.Errorf("overrun: got %q, %v; want %q", codes, err, want)
	}
}

func TestLoadFunctions(t *testing.T) {
	libs := []string{testLibrary("one", 30), testLibrary("two", 3000), "7"}
	var buf bytes.Buffer
	e, err := NewEncoder(&buf, Header{Version: "7.0.15", Functions: libs})
	if err != nil {
		t.Fatal(err)
	}
	e.SelectDB(0, 1, 0)
	e.String([]byte("k"), []byte("v"), 0)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	var events []string
	err = Loader{
		Record:   func(r Record) error { events = append(events, "key "+string(r.Key)); return nil },
		Function: func(code []byte) error { events = append(events, string(code)); return nil },
	}.Load(bytes.NewReader(buf.Bytes()))
	if want := append(slices.Clone(libs), "key k"); err != nil || !slices.Equal(events, want) {
		t.Errorf("got %.30q, %v; want %.30q", events, err, want)
	}
	// Without a Function callback, libraries are skipped.
	if got, err := loadAll(t, buf.Bytes()); err != nil || len(got) != 1 {
		t.Errorf("without Function: %v, %v", got, err)
	}
	// An error from Function is returned as it is.
	stop := errors.New("stop")
	if err := (Loader{Record: func(Record) error { return nil }, Function: func([]byte) error { return stop }}).Load(bytes.NewReader(buf.Bytes())); err != stop {
		t.Errorf("Function's error: got %v", err)
	}
	// A pre-GA library in a file (Redis 7.0 release candidates).
	data := newRaw(10).b(opFunctionPreGA).str("lib").str("LUA").b(0).str("return 1").finish()
	var got []string
	err = Loader{Record: func(Record) error { return nil }, Function: func(code []byte) error { got = append(got, string(code)); return nil }}.Load(bytes.NewReader(data))
	if want := []string{"#!LUA name=lib\nreturn 1"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("pre-GA: got %q, %v", got, err)
	}
	// A truncated library is an *Error with its offset.
	data = newRaw(10).b(opFunction2, 0x10, 'a').Bytes()
	var re *Error
	if err := (Loader{Record: func(Record) error { return nil }}).Load(bytes.NewReader(data)); !errors.As(err, &re) || re.Offset != 11 {
		t.Errorf("truncated: got %v", err)
	}
}

func FuzzDecodeFunctionsPayload(f *testing.F) {
	f.Add([]byte(redisLib1Dump))
	f.Add(EncodeFunctionsPayload(nil))
	f.Add(EncodeFunctionsPayload([]string{testLibrary("a", 500), "12", ""}))
	for _, body := range []string{"\x00\x01a", "\xf5\xc3\x02\x30ab", "\xf6\x04lib3\x03LUA\x01\x04desc\x05code1", "\xf5\x08abc"} {
		f.Add(withTrailer([]byte(body), 10))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFunctionsPayload(t, data)
		// Most inputs fail the checksum; their bodies with a right one
		// exercise the decoding.
		checkFunctionsPayload(t, withTrailer(data, 10))
	})
}

func checkFunctionsPayload(t *testing.T, data []byte) {
	codes, err := DecodeFunctionsPayload(data)
	if err != nil {
		var fe *FunctionError
		if err != ErrBadPayload && !errors.As(err, &fe) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		return
	}
	total := 0
	for _, c := range codes {
		total += len(c)
	}
	if total > len(data)*lzfMaxRatio+64 {
		t.Fatalf("%d bytes of code from %d of payload", total, len(data))
	}
	// What decodes re-encodes to a payload that decodes the same.
	again, err := DecodeFunctionsPayload(EncodeFunctionsPayload(codes))
	if err != nil || !slices.Equal(again, codes) {
		t.Fatalf("re-encoded: %q, %v; want %q", again, err, codes)
	}
}
