package resp

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testLimits = Limits{MaxBulk: 512 << 20, MaxQuery: 1 << 30, MaxInline: 64 << 10, MaxMultibulk: 1<<31 - 1}

// chunkReader returns its input chunk bytes at a time.
type chunkReader struct {
	data  string
	chunk int
}

func (cr *chunkReader) Read(p []byte) (int, error) {
	if cr.data == "" {
		return 0, io.EOF
	}
	n := len(cr.data)
	if cr.chunk > 0 {
		n = min(n, cr.chunk)
	}
	n = copy(p, cr.data[:n])
	cr.data = cr.data[n:]
	return n, nil
}

// readAll returns every request as space-joined quoted args, and the error
// that ended the stream (nil at EOF).
func readAll(limits Limits, input string, chunk int) ([]string, error) {
	rd := NewReader(&chunkReader{input, chunk}, limits)
	var out []string
	for {
		cmds, err := rd.ReadCommands()
		for _, args := range cmds {
			var parts []string
			for _, a := range args {
				parts = append(parts, "'"+string(a)+"'")
			}
			out = append(out, strings.Join(parts, " "))
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func TestReadCommands(t *testing.T) {
	cases := []struct {
		in   string
		cmds []string
		err  string
	}{
		{"*1\r\n$4\r\nPING\r\n", []string{"'PING'"}, ""},
		{"*0\r\n*1\r\n$4\r\nPING\r\n", []string{"'PING'"}, ""},
		{"*-1\r\nPING\r\n", []string{"'PING'"}, ""},
		{"PING\r\n\r\nECHO a\n", []string{"'PING'", "'ECHO' 'a'"}, ""},
		{"*1\r\n$4\r\nPINGxx", []string{"'PING'"}, ""},
		{"*2\r\n$3\r\nGET\r\n$0\r\n\r\n", []string{"'GET' ''"}, ""},
		{"SET \"a\\x41\\n\" 'b\\'c' \"\"\r\n", []string{"'SET' 'aA\n' 'b'c' ''"}, ""},
		{"ECHO \"a\"b\r\n", nil, "ERR Protocol error: unbalanced quotes in request"},
		{"ECHO \"ab\r\n", nil, "ERR Protocol error: unbalanced quotes in request"},
		{"*abc\r\n", nil, "ERR Protocol error: invalid multibulk length"},
		{"*+1\r\n", nil, "ERR Protocol error: invalid multibulk length"},
		{"*01\r\n", nil, "ERR Protocol error: invalid multibulk length"},
		{"*1 \r\n", nil, "ERR Protocol error: invalid multibulk length"},
		{"*3000000000\r\n", nil, "ERR Protocol error: invalid multibulk length"},
		{"*2\r\nxx\r\n", nil, "ERR Protocol error: expected '$', got 'x'"},
		{"*1\r\n$abc\r\n", nil, "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$-1\r\n", nil, "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$04\r\n", nil, "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$600000000\r\n", nil, "ERR Protocol error: invalid bulk length"},
		{"PING\r\n*1\r\n$+4\r\nPING\r\n", []string{"'PING'"}, "ERR Protocol error: invalid bulk length"},
		{"*1\r\n" + strings.Repeat("$", 70000), nil, "ERR Protocol error: too big bulk count string"},
		{"*" + strings.Repeat("1", 70000), nil, "ERR Protocol error: too big mbulk count string"},
		{strings.Repeat("x", 70000), nil, "ERR Protocol error: too big inline request"},
		{"*1\r\n$100000\r\n" + strings.Repeat("v", 100000) + "\r\n", []string{"'" + strings.Repeat("v", 100000) + "'"}, ""},
	}
	for _, tc := range cases {
		for _, chunk := range []int{0, 1, 3, 7, 4096} {
			cmds, err := readAll(testLimits, tc.in, chunk)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err || strings.Join(cmds, "|") != strings.Join(tc.cmds, "|") {
				t.Errorf("%.40q chunk %d: got %.60q, %q; want %.60q, %q", tc.in, chunk, cmds, gotErr, tc.cmds, tc.err)
			}
		}
	}
}

func TestUnauthenticatedLimits(t *testing.T) {
	limits := testLimits
	limits.Authenticated = func() bool { return false }
	if _, err := readAll(limits, "*11\r\n", 0); err == nil || err.Error() != "ERR Protocol error: unauthenticated multibulk length" {
		t.Errorf("11 args unauthenticated: %v", err)
	}
	if _, err := readAll(limits, "*1\r\n$16385\r\n", 0); err == nil || err.Error() != "ERR Protocol error: unauthenticated bulk length" {
		t.Errorf("16385-byte bulk unauthenticated: %v", err)
	}
	if cmds, err := readAll(limits, "*1\r\n$4\r\nAUTH\r\n", 0); err != nil || len(cmds) != 1 {
		t.Errorf("small request unauthenticated: %q %v", cmds, err)
	}
}

// Check gives a request parsed elsewhere the errors the Reader gives.
func TestLimitsCheck(t *testing.T) {
	limits := testLimits
	limits.MaxBulk = 20
	for _, c := range []struct {
		args []string
		auth bool
		want string
	}{
		{[]string{"GET", "k"}, false, ""},
		{make([]string, 11), false, "ERR Protocol error: unauthenticated multibulk length"},
		{make([]string, 11), true, ""},
		{[]string{"SET", "k", strings.Repeat("v", 21)}, true, "ERR Protocol error: invalid bulk length"},
		{[]string{"SET", "k", strings.Repeat("v", 20)}, true, ""},
	} {
		args := make([][]byte, len(c.args))
		for i, a := range c.args {
			args[i] = []byte(a)
		}
		got := ""
		if err := limits.Check(args, c.auth); err != nil {
			got = err.Msg
		}
		if got != c.want {
			t.Errorf("Check(%d args, auth %v) = %q, want %q", len(args), c.auth, got, c.want)
		}
	}
	limits.MaxBulk = 1 << 20
	if err := limits.Check([][]byte{make([]byte, 16385)}, false); err == nil || err.Msg != "ERR Protocol error: unauthenticated bulk length" {
		t.Errorf("16385-byte argument unauthenticated: %v", err)
	}
}

func TestQueryLimitClosesSilently(t *testing.T) {
	limits := testLimits
	limits.MaxQuery = 10
	_, err := readAll(limits, "*2\r\n$6\r\nabcdef\r\n$6\r\n", 0)
	if e, ok := err.(*Error); !ok || e.Msg != "" {
		t.Errorf("request over the query limit: %v", err)
	}
}

// Reading a pipeline of requests allocates nothing once the buffers exist.
func TestReadCommandsDoesNotAllocate(t *testing.T) {
	batch := strings.Repeat("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", 16)
	src := &chunkReader{}
	rd := NewReader(src, testLimits)
	src.data = batch
	rd.ReadCommands()
	allocs := testing.AllocsPerRun(100, func() {
		src.data = batch
		if cmds, err := rd.ReadCommands(); err != nil || len(cmds) != 16 {
			t.Fatalf("got %d commands, %v", len(cmds), err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per batch", allocs)
	}
}

// FuzzReadCommands: any bytes, in any chunking, give the same requests and
// error, without panics.
func FuzzReadCommands(f *testing.F) {
	for _, s := range []string{"*1\r\n$4\r\nPING\r\n", "*0\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n", "*1\r\n$-1\r\n", "\"a\r\n", "*10\r0"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		whole, errWhole := readAll(testLimits, string(in), 0)
		parts, errParts := readAll(testLimits, string(in), int(chunk%16)+1)
		if (errWhole == nil) != (errParts == nil) || (errWhole != nil && errWhole.Error() != errParts.Error()) {
			t.Fatalf("errors differ: %v vs %v", errWhole, errParts)
		}
		if strings.Join(whole, "|") != strings.Join(parts, "|") {
			t.Fatalf("requests differ: %q vs %q", whole, parts)
		}
	})
}

// header's shortcut for one- and two-digit numbers agrees with the
// general parse on every line.
func FuzzHeader(f *testing.F) {
	for _, s := range []string{"1\r\n", "0\r\n", "10\r\n", "09\r\n", "-1\r\n", "1\r", "99\rx", "123\r\n", "\r\n"} {
		f.Add(true, []byte(s))
	}
	rd := NewReader(strings.NewReader(""), testLimits)
	f.Fuzz(func(t *testing.T, multibulk bool, line []byte) {
		b := append([]byte("$"), line...) // header sees lines that start so
		if multibulk {
			b[0] = '*'
		}
		v, n, ok, err := rd.header(b, "too big")
		wv, wn, wok, werr := rd.parseHeader(b, "too big")
		if v != wv || n != wn || ok != wok || fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("header(%q) = %d %d %v %v; parseHeader: %d %d %v %v", b, v, n, ok, err, wv, wn, wok, werr)
		}
	})
}

// A request of many small arguments larger than the buffer is read with
// geometric buffer growth, not one copy per argument.
func TestManyArgumentsRequest(t *testing.T) {
	const n = 200000
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(n+1) + "\r\n$4\r\nMSET\r\n")
	for i := 0; i < n; i++ {
		b.WriteString("$2\r\nab\r\n")
	}
	start := time.Now()
	cmds, err := readAll(testLimits, b.String(), 4096)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("got %d requests, %v", len(cmds), err)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second { // quadratic copying takes minutes
		t.Fatalf("reading a 1.6 MB request took %v", elapsed)
	}
}

// TestRawAndEnds: the raw bytes of each batch, concatenated, are the whole
// input, whatever the chunking, and Ends splits them after each request.
func TestRawAndEnds(t *testing.T) {
	input := "\n*0\r\n*1\r\n$4\r\nPING\r\n\r\nSET k v\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
	wantEnds := []int{19, 30, len(input)} // after PING, the inline SET, the last SET
	for _, chunk := range []int{0, 1, 3, 7} {
		rd := NewReader(&chunkReader{input, chunk}, testLimits)
		var raw []byte
		var ends []int
		for {
			cmds, err := rd.ReadCommands()
			if len(rd.Ends()) != len(cmds) {
				t.Fatalf("chunk %d: %d ends for %d requests", chunk, len(rd.Ends()), len(cmds))
			}
			for _, e := range rd.Ends() {
				ends = append(ends, len(raw)+e)
			}
			raw = append(raw, rd.Raw()...)
			if err != nil {
				break
			}
		}
		if string(raw) != input {
			t.Errorf("chunk %d: raw %q", chunk, raw)
		}
		if !slices.Equal(ends, wantEnds) {
			t.Errorf("chunk %d: ends %v, want %v", chunk, ends, wantEnds)
		}
	}
}

// quoted renders requests as readAll does.
func quoted(cmds [][][]byte) []string {
	var out []string
	for _, args := range cmds {
		var parts []string
		for _, a := range args {
			parts = append(parts, "'"+string(a)+"'")
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// readAllShared reads each input with its own Reader, all sharing one
// Scratch and taking turns, each read in chunks of its own size. With
// retain, the second half of every other batch is retained and checked
// again after the other Readers' next turn, as CLIENT PAUSE keeps requests
// waiting.
func readAllShared(limits Limits, inputs []string, chunks []int, retain bool) ([][]string, []error) {
	s := &Scratch{}
	readers := make([]*Reader, len(inputs))
	for i, in := range inputs {
		readers[i] = NewSharedReader(&chunkReader{in, chunks[i%len(chunks)]}, limits, s)
	}
	out := make([][]string, len(inputs))
	errs := make([]error, len(inputs))
	done := make([]bool, len(inputs))
	type held struct {
		cmds [][][]byte
		want []string
	}
	kept := make([]*held, len(inputs))
	for turn, left := 0, len(inputs); left > 0; turn++ {
		for i, rd := range readers {
			if k := kept[i]; k != nil {
				if got := quoted(k.cmds); strings.Join(got, "|") != strings.Join(k.want, "|") {
					errs[i] = fmt.Errorf("retained requests changed: %q, want %q", got, k.want)
				}
				kept[i] = nil
			}
			if done[i] {
				continue
			}
			cmds, err := rd.ReadCommands()
			got := quoted(cmds)
			out[i] = append(out[i], got...)
			if retain && turn%2 == 0 && len(cmds) > 0 {
				tail := cmds[len(cmds)/2:] // as CLIENT PAUSE holds the rest of a batch
				kept[i] = &held{rd.Retain(tail), quoted(tail)}
			}
			rd.Release()
			if err != nil {
				done[i], left = true, left-1
				if err != io.EOF && errs[i] == nil {
					errs[i] = err
				}
			}
		}
	}
	return out, errs
}

// Readers sharing a Scratch read what Readers of their own read, whatever
// the chunking and interleaving, retained batches included.
func TestSharedReaders(t *testing.T) {
	inputs := []string{
		"*1\r\n$4\r\nPING\r\n",
		"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nPING\r\n",
		strings.Repeat("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\n"+strings.Repeat("v", 100)+"\r\n", 700), // > ScratchSize
		"*2\r\n$4\r\nECHO\r\n$100000\r\n" + strings.Repeat("x", 100000) + "\r\nECHO \"in\\x41line\" 'b'\r\n",
		"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1", // ends in a partial request
		"*1\r\n$4\r\nPING\r\n*1\r\n$+4\r\nPING\r\n", // a protocol error
	}
	for _, chunks := range [][]int{{0}, {1, 7}, {3, 4096, 5}, {20000, 1}} {
		for _, retain := range []bool{false, true} {
			got, errs := readAllShared(testLimits, inputs, chunks, retain)
			for i, in := range inputs {
				want, wantErr := readAll(testLimits, in, chunks[i%len(chunks)])
				if fmt.Sprint(errs[i]) != fmt.Sprint(wantErr) || strings.Join(got[i], "|") != strings.Join(want, "|") {
					t.Errorf("input %d, chunks %v, retain %v: got %.80q, %v; want %.80q, %v", i, chunks, retain, got[i], errs[i], want, wantErr)
				}
			}
		}
	}
}

// blockingReader returns its data, then errAgain, like a non-blocking
// socket with nothing more to read.
type blockingReader struct{ data []byte }

var errAgain = fmt.Errorf("would block")

func (b *blockingReader) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, errAgain
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

// An idle shared Reader holds no buffer; one with part of a request holds
// that part only, once another Reader has used the Scratch; a large
// request's buffer goes once it has run.
func TestSharedReaderHoldsOnlyWhatItNeeds(t *testing.T) {
	s := &Scratch{}
	src, other := &blockingReader{}, &blockingReader{}
	rd := NewSharedReader(src, testLimits, s)
	rd2 := NewSharedReader(other, testLimits, s)
	read := func(rd *Reader, r *blockingReader, data string) [][][]byte {
		t.Helper()
		r.data = []byte(data)
		cmds, err := rd.ReadCommands()
		if err != errAgain && err != nil {
			t.Fatal(err)
		}
		return cmds
	}
	read(rd, src, "*1\r\n$4\r\nPING\r\n")
	rd.Release()
	read(rd2, other, "PING\r\n")
	rd2.Release()
	const idle = 512 // the Reader and its slices
	if rd.Size() > idle || cap(rd.buf) != 0 {
		t.Errorf("idle after a request: size %d, own buffer %d", rd.Size(), cap(rd.buf))
	}
	read(rd, src, "*2\r\n$4\r\nECHO\r\n$5\r\nab")
	rd.Release()
	read(rd2, other, "PING\r\n")
	if used, free := rd.QueryBuf(); used != 20 || free != 0 || cap(rd.buf) != 20 {
		t.Errorf("partial request: qbuf %d, free %d, own buffer %d; want 20, 0, 20", used, free, cap(rd.buf))
	}
	if cmds := read(rd, src, "cde\r\n"); len(cmds) != 1 || string(cmds[0][1]) != "abcde" {
		t.Errorf("completed request: %q", quoted(cmds))
	}
	rd.Release()
	big := "*2\r\n$4\r\nECHO\r\n$200000\r\n" + strings.Repeat("x", 200000) + "\r\n"
	read(rd, src, big[:100000])
	if cap(rd.buf) < 100000 {
		t.Errorf("large request: own buffer %d", cap(rd.buf))
	}
	if cmds := read(rd, src, big[100000:]); len(cmds) != 1 || len(cmds[0][1]) != 200000 {
		t.Fatalf("large request: %d requests", len(cmds))
	}
	if used, _ := rd.QueryBuf(); used != len(big) || rd.ArgvLen() != 200004 {
		t.Errorf("large request running: qbuf %d, argv %d", used, rd.ArgvLen())
	}
	rd.Release()
	if used, _ := rd.QueryBuf(); rd.Size() > idle || used != 0 || rd.ArgvLen() != 0 {
		t.Errorf("after a large request: size %d (idle %d), qbuf %d, argv %d", rd.Size(), idle, used, rd.ArgvLen())
	}
}

// A request announcing a huge bulk reserves memory as its bytes arrive,
// not the announced size at once.
func TestAnnouncedBulkReservesWhatArrives(t *testing.T) {
	for _, shared := range []bool{false, true} {
		src := &blockingReader{[]byte("*1\r\n$500000000\r\n" + strings.Repeat("x", 3000))}
		rd := NewReader(src, testLimits)
		if shared {
			rd = NewSharedReader(src, testLimits, &Scratch{})
		}
		if _, err := rd.ReadCommands(); err != errAgain {
			t.Fatal(err)
		}
		if size := rd.Size(); size > 4<<20 {
			t.Errorf("shared %v: %d bytes held for 3 KB received", shared, size)
		}
	}
}

// Readers taking turns with a Scratch allocate nothing per batch, small
// or filling the Scratch.
func TestSharedReadersDoNotAllocate(t *testing.T) {
	for _, n := range []int{16, 800} {
		batch := strings.Repeat("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", n)
		s := &Scratch{}
		var srcs []*chunkReader
		var readers []*Reader
		for i := 0; i < 3; i++ {
			srcs = append(srcs, &chunkReader{})
			readers = append(readers, NewSharedReader(srcs[i], testLimits, s))
		}
		round := func() {
			for i, rd := range readers {
				srcs[i].data = batch
				if cmds, err := rd.ReadCommands(); err != nil || len(cmds) != n {
					t.Fatalf("got %d commands, %v", len(cmds), err)
				}
				rd.Release()
			}
		}
		round()
		if allocs := testing.AllocsPerRun(100, round); allocs != 0 {
			t.Errorf("batches of %d: %v allocations per round", n, allocs)
		}
	}
}

// FuzzSharedReaders: Readers sharing a Scratch, in any chunking and with
// batches retained, read what a Reader of its own reads.
func FuzzSharedReaders(f *testing.F) {
	for _, s := range []string{"*1\r\n$4\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n*1\r\n$1", "ECHO 'a' \"b\"\r\n*0\r\n"} {
		f.Add([]byte(s), []byte("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n"), uint8(3), true)
	}
	f.Fuzz(func(t *testing.T, a, b []byte, chunk uint8, retain bool) {
		inputs := []string{string(a), string(b), string(a) + string(b)}
		chunks := []int{int(chunk%16) + 1, 0, int(chunk)*97 + 1}
		got, errs := readAllShared(testLimits, inputs, chunks, retain)
		for i, in := range inputs {
			want, wantErr := readAll(testLimits, in, chunks[i])
			if fmt.Sprint(errs[i]) != fmt.Sprint(wantErr) || strings.Join(got[i], "|") != strings.Join(want, "|") {
				t.Fatalf("input %d: got %q, %v; want %q, %v", i, got[i], errs[i], want, wantErr)
			}
		}
	})
}

// A large request sent slowly is read without copying it over and over:
// its buffer grows geometrically and is not shrunk between its parts.
func TestSlowLargeRequest(t *testing.T) {
	const size = 4 << 20
	req := "*2\r\n$4\r\nECHO\r\n$" + strconv.Itoa(size) + "\r\n" + strings.Repeat("x", size) + "\r\n"
	s := &Scratch{}
	src, other := &blockingReader{}, &blockingReader{}
	rd, rd2 := NewSharedReader(src, testLimits, s), NewSharedReader(other, testLimits, s)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for sent := 0; sent < len(req); {
		n := min(64<<10, len(req)-sent)
		src.data = []byte(req[sent : sent+n])
		sent += n
		cmds, err := rd.ReadCommands()
		if err != nil && err != errAgain || sent < len(req) && len(cmds) > 0 || sent == len(req) && len(cmds) != 1 {
			t.Fatalf("after %d bytes: %d requests, %v", sent, len(cmds), err)
		}
		rd.Release()
		other.data = []byte("PING\r\n")
		rd2.ReadCommands()
		rd2.Release()
	}
	runtime.ReadMemStats(&after)
	// Not counting the test's own copies of each part: 64 KiB apiece.
	if allocated := after.TotalAlloc - before.TotalAlloc - uint64(len(req)); allocated > 3*size {
		t.Errorf("reading a %d MB request in 64 KiB parts allocated %d MB", size>>20, allocated>>20)
	}
}

// Bytes received before the Reader, however many, come first.
func TestPrefill(t *testing.T) {
	big := "*2\r\n$4\r\nECHO\r\n$3000000\r\n" + strings.Repeat("x", 3000000) + "\r\n"
	for _, shared := range []bool{false, true} {
		src := &chunkReader{"PING\r\n", 0}
		rd := NewReader(src, testLimits)
		if shared {
			rd = NewSharedReader(src, testLimits, &Scratch{})
		}
		rd.Prefill([]byte(big))
		var got []string
		for {
			cmds, err := rd.ReadCommands()
			got = append(got, quoted(cmds)...)
			if err != nil {
				break
			}
		}
		if len(got) != 2 || len(got[0]) != 3000009 || got[1] != "'PING'" {
			t.Errorf("shared %v: %d requests", shared, len(got))
		}
	}
}
