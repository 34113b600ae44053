package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/iotest"
)

// FuzzConfigFile: any config file is loaded or refused with an error,
// never a panic.
func FuzzConfigFile(f *testing.F) {
	for _, s := range []string{"port 7000\n", "save \"\"\nappendonly yes\n", "bind \"127.0.0.1 ::1\"\n# c\n", "maxmemory 1gb\nclient-output-buffer-limit normal 0 0 0\n", "include x\n", "\"unbalanced\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.conf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		parseArgs([]string{path})
	})
}

// FuzzReceiveRDB: a replica reads a full sync's payload, "$<len>" or
// "$EOF:<mark>" framed, through whatever chunks the network delivers:
// exactly the payload is copied and the stream after it is left unread,
// and bad headers or short input are errors, never a panic.
func FuzzReceiveRDB(f *testing.F) {
	mark := "0123456789abcdef0123456789abcdef01234567"
	f.Add([]byte("REDIS0010\xffpayload"), []byte("*1\r\n$4\r\nPING\r\n"), true, uint8(3))
	f.Add([]byte("REDIS"+mark[:39]), []byte(mark), false, uint8(1))
	f.Add([]byte(""), []byte(""), true, uint8(0))
	f.Fuzz(func(t *testing.T, payload, after []byte, eof bool, chunk uint8) {
		header, end := strconv.Itoa(len(payload)), ""
		if eof {
			if bytes.Contains(append(bytes.Clone(payload), mark[:39]...), []byte(mark)) {
				return // a payload holding the mark is ambiguous, in Redis too
			}
			header, end = "EOF:"+mark, mark
		}
		stream := append(append(bytes.Clone(payload), end...), after...)
		var r io.Reader = bytes.NewReader(stream)
		if chunk > 0 {
			r = iotest.OneByteReader(r)
		}
		br := bufio.NewReaderSize(r, 16+int(chunk))
		var out bytes.Buffer
		if err := receiveRDB(&out, br, header, func() {}); err != nil {
			t.Fatalf("receiveRDB: %v", err)
		}
		rest, _ := io.ReadAll(br)
		if !bytes.Equal(out.Bytes(), payload) || !bytes.Equal(rest, after) {
			t.Fatalf("copied %q, left %q; want %q, %q", out.Bytes(), rest, payload, after)
		}
		// Any header and input: an error or a copy, never a panic.
		receiveRDB(io.Discard, bufio.NewReader(bytes.NewReader(after)), string(payload), func() {})
	})
}
