package rdb

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// emptyRDB is an RDB with no keys and no functions.
func emptyRDB(t *testing.T, functions ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	e, err := NewEncoder(&buf, Header{Version: "7.0.15", Functions: functions})
	if err == nil {
		err = e.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// listedCodes is FUNCTION LIST WITHCODE's codes, sorted.
func listedCodes(rc *redisConn) []string {
	rc.t.Helper()
	var codes []string
	for _, lib := range rc.do("FUNCTION", "LIST", "WITHCODE").([]any) {
		fields := lib.([]any)
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == "library_code" {
				codes = append(codes, fields[i+1].(string))
			}
		}
	}
	slices.Sort(codes)
	return codes
}

// The libraries of the tests against redis-server: a short one stored as
// a plain string, long ones LZF-compressed.
func redisTestLibraries() []string {
	return []string{redisLib1, testLibrary("mid", 300), testLibrary("long", 20000)}
}

// FUNCTION DUMP and RESTORE payloads, byte for byte against redis-server.
func TestFunctionsPayloadAgainstRedis(t *testing.T) {
	rc := startRedisConn(t, emptyRDB(t))
	libs := redisTestLibraries()
	for i, code := range libs {
		rc.do("FUNCTION", "FLUSH")
		rc.do("FUNCTION", "LOAD", code)
		dump := rc.do("FUNCTION", "DUMP").(string)
		if got := EncodeFunctionsPayload([]string{code}); string(got) != dump {
			t.Errorf("library %d: EncodeFunctionsPayload = %.60q, redis-server %.60q", i, got, dump)
		}
		if compressed := dump[1] == lenEnc<<6|encLZF; compressed != (i > 0) {
			t.Errorf("library %d: LZF-compressed %v", i, compressed)
		}
		if got, err := DecodeFunctionsPayload([]byte(dump)); err != nil || !slices.Equal(got, []string{code}) {
			t.Errorf("library %d: DecodeFunctionsPayload = %.40q, %v", i, got, err)
		}
		// rdbcompression no.
		rc.do("CONFIG", "SET", "rdbcompression", "no")
		p := NewPayload(true)
		p.Functions([]string{code})
		if dump := rc.do("FUNCTION", "DUMP").(string); string(p.Bytes()) != dump {
			t.Errorf("library %d, rdbcompression no: payload %.60q, redis-server %.60q", i, p.Bytes(), dump)
		}
		rc.do("CONFIG", "SET", "rdbcompression", "yes")
	}

	// Several: Redis's order is its dict's, so compare sets.
	want := slices.Sorted(slices.Values(libs))
	for _, code := range libs[:2] {
		rc.do("FUNCTION", "LOAD", code)
	}
	got, err := DecodeFunctionsPayload([]byte(rc.do("FUNCTION", "DUMP").(string)))
	slices.Sort(got)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("DecodeFunctionsPayload of all = %.40q, %v", got, err)
	}
	// redis-server restores respd's payload.
	rc.do("FUNCTION", "FLUSH")
	if r := rc.do("FUNCTION", "RESTORE", string(EncodeFunctionsPayload(libs))); r != "OK" {
		t.Fatalf("FUNCTION RESTORE: %v", r)
	}
	if got := listedCodes(rc); !slices.Equal(got, want) {
		t.Errorf("after FUNCTION RESTORE: %.40q", got)
	}

	// Its answers to bad payloads are FunctionError's reasons.
	rc.do("FUNCTION", "FLUSH")
	for _, body := range []string{"\x00\x01a", "\xf5\x40", "\xf5\xc3\x02\x30ab", "\xf6", "\xf6\x01a",
		"\xf6\x01a\x01b\xc3", "\xf6\x01a\x01b\x00\x3f", "\xf5@F" + redisLib1 + "\x07"} {
		p := withTrailer([]byte(body), 10)
		_, rerr := rc.try("FUNCTION", "RESTORE", string(p))
		_, err := DecodeFunctionsPayload(p)
		var fe *FunctionError
		if !errors.As(err, &fe) || rerr == nil || "ERR "+fe.Reason != rerr.Error() {
			t.Errorf("%q: redis-server %v, DecodeFunctionsPayload %v", body, rerr, err)
		}
	}
	// (Versions 11 and 12, Redis 7.2's and 7.4's, are accepted, as
	// Undump accepts them; Redis 7.0 refuses them.)
	for _, p := range [][]byte{[]byte("short"), withTrailer([]byte("\xf5\x01a"), 13)} {
		_, rerr := rc.try("FUNCTION", "RESTORE", string(p))
		if _, err := DecodeFunctionsPayload(p); err != ErrBadPayload || rerr == nil || rerr.Error() != "ERR DUMP payload version or checksum are wrong" {
			t.Errorf("%q: redis-server %v, DecodeFunctionsPayload %v", p, rerr, err)
		}
	}
	// Pre-GA libraries and a string running into the trailer restore
	// to the same code on both.
	for _, body := range []string{"\xf6\x04lib3\x03LUA\x01\x04desc\x37redis.register_function('f3', function() return 3 end)",
		"\xf6\x06lib5\x00x\x03lua\x00\x3aredis.register_function('f5', function() return 5 end)\x00)("} {
		rc.do("FUNCTION", "FLUSH")
		p := withTrailer([]byte(body), 10)
		rc.do("FUNCTION", "RESTORE", string(p))
		got, err := DecodeFunctionsPayload(p)
		if err != nil || !slices.Equal(got, listedCodes(rc)) {
			t.Errorf("%q: decoded %q, %v; redis-server has %q", body, got, err, listedCodes(rc))
		}
	}
}

// Functions in RDB files: redis-server's decode with their codes, and
// respd's are accepted by redis-check-rdb and loaded by redis-server.
func TestFunctionsRDBAgainstRedis(t *testing.T) {
	libs := redisTestLibraries()
	want := slices.Sorted(slices.Values(libs))

	rc := startRedisConn(t, emptyRDB(t))
	for _, code := range libs {
		rc.do("FUNCTION", "LOAD", code)
	}
	rc.do("SET", "k", "v")
	rc.do("SAVE")
	dir := rc.do("CONFIG", "GET", "dir").([]any)[1].(string)
	data, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	var got, keys []string
	err = Loader{
		Record: func(r Record) error { keys = append(keys, string(r.Key)); return nil },
		Function: func(code []byte) error {
			if len(keys) > 0 {
				t.Error("a library after a key")
			}
			got = append(got, string(code))
			return nil
		},
	}.Load(bytes.NewReader(data))
	slices.Sort(got)
	if err != nil || !slices.Equal(got, want) || !slices.Equal(keys, []string{"k"}) {
		t.Errorf("redis-server's RDB: libraries %.40q, keys %q, %v", got, keys, err)
	}

	for _, uncompressed := range []bool{false, true} {
		var buf bytes.Buffer
		e, err := NewEncoder(&buf, Header{Version: "7.0.15", Functions: libs, Uncompressed: uncompressed})
		if err != nil {
			t.Fatal(err)
		}
		e.SelectDB(0, 1, 0)
		e.String([]byte("k"), []byte("v"), 0)
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		if out, err := redisCheckRDB(t, buf.Bytes()); err != nil {
			t.Fatalf("redis-check-rdb (uncompressed %v): %v\n%s", uncompressed, err, out)
		}
		rc := startRedisConn(t, buf.Bytes())
		if got := listedCodes(rc); !slices.Equal(got, want) {
			t.Errorf("redis-server loaded libraries %.40q (uncompressed %v)", got, uncompressed)
		}
		if v := rc.do("FCALL", "long_f", "0"); v != int64(1) {
			t.Errorf("FCALL long_f: %v", v)
		}
		if v := rc.do("GET", "k"); v != "v" {
			t.Errorf("GET k: %v", v)
		}
	}
}
