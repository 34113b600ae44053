// Package aof holds Redis 7's append-only file formats: the multi-part
// manifest, and the RESP command stream of the base and incremental files.
package aof

import (
	"respd/internal/hashval"
	"respd/internal/quicklist"
	"respd/internal/redisconv"
	"respd/internal/setval"
	"respd/internal/zsetval"

	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"respd/internal/resp"
)

// File types in a manifest.
const (
	TypeBase    = "b"
	TypeHistory = "h"
	TypeIncr    = "i"
)

// ManifestFile is one line of a manifest.
type ManifestFile struct {
	Name string
	Seq  int64
	Type string
}

// ParseManifest reads a manifest: one "file <name> seq <n> type <t>" line
// per file (keys in any order, names quoted as sdscatrepr writes them).
func ParseManifest(data []byte) ([]ManifestFile, error) {
	var files []ManifestFile
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		words, ok := resp.SplitArgs(line)
		if !ok || len(words)%2 != 0 {
			return nil, fmt.Errorf("manifest line %d: invalid format", i+1)
		}
		var f ManifestFile
		for j := 0; j < len(words); j += 2 {
			switch v := string(words[j+1]); string(words[j]) {
			case "file":
				f.Name = v
			case "seq":
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("manifest line %d: invalid seq %q", i+1, v)
				}
				f.Seq = n
			case "type":
				f.Type = v
			}
		}
		if f.Name == "" || (f.Type != TypeBase && f.Type != TypeHistory && f.Type != TypeIncr) {
			return nil, fmt.Errorf("manifest line %d: invalid file entry", i+1)
		}
		files = append(files, f)
	}
	return files, nil
}

// FormatManifest writes a manifest as Redis does.
func FormatManifest(files []ManifestFile) []byte {
	var b bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&b, "file %s seq %d type %s\n", f.Name, f.Seq, f.Type)
	}
	return b.Bytes()
}

// AppendCommand appends argv as a RESP multi-bulk request.
func AppendCommand(b []byte, argv [][]byte) []byte {
	b = appendArrayHeader(b, len(argv))
	for _, a := range argv {
		b = appendBulk(b, a)
	}
	return b
}

func appendArrayHeader(b []byte, n int) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}

func appendBulk(b, a []byte) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(a)), 10)
	b = append(b, '\r', '\n')
	b = append(b, a...)
	return append(b, '\r', '\n')
}

// ErrTruncated is a command cut short by the end of the file, which Redis
// loads up to (aof-load-truncated yes).
var ErrTruncated = errors.New("aof: truncated command at end of file")

// Reader reads the commands of an AOF stream.
type Reader struct {
	r   *bufio.Reader
	off int64 // bytes of complete commands read so far
}

// NewReader reads commands from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 1<<16)} }

// Offset is where the commands read so far end.
func (rd *Reader) Offset() int64 { return rd.off }

// ReadCommand returns the next command, io.EOF at a clean end, ErrTruncated
// for a command the file ends inside, or another error for corruption.
// Annotation lines ("#TS:<unix time>", aof-timestamp-enabled) between
// commands are skipped, as Redis skips them.
func (rd *Reader) ReadCommand() ([][]byte, error) {
	for {
		b, err := rd.r.Peek(1)
		if err != nil || b[0] != '#' {
			break
		}
		line, err := rd.r.ReadSlice('\n')
		if err != nil {
			return nil, truncatedIfEOF(err)
		}
		rd.off += int64(len(line))
	}
	n, used, err := rd.header('*')
	if err != nil {
		return nil, err
	}
	if n < 1 || n > 1<<20 {
		return nil, fmt.Errorf("aof: bad command length %d at byte %d", n, rd.off)
	}
	argv := make([][]byte, 0, min(n, 64))
	for i := int64(0); i < n; i++ {
		size, u, err := rd.header('$')
		used += u
		if err != nil {
			return nil, truncatedIfEOF(err)
		}
		if size < 0 || size > 512<<20 {
			return nil, fmt.Errorf("aof: bad bulk length %d at byte %d", size, rd.off)
		}
		// Grown as bytes arrive, so a corrupt length cannot allocate more
		// than the file holds.
		var buf bytes.Buffer
		if _, err := io.CopyN(&buf, rd.r, size+2); err != nil {
			return nil, truncatedIfEOF(err)
		}
		arg := buf.Bytes()
		if arg[size] != '\r' || arg[size+1] != '\n' {
			return nil, fmt.Errorf("aof: bulk not terminated by CRLF at byte %d", rd.off)
		}
		used += size + 2
		argv = append(argv, arg[:size:size])
	}
	rd.off += used
	return argv, nil
}

// header reads "<kind><n>\r\n" and returns n and the bytes it took.
func (rd *Reader) header(kind byte) (int64, int64, error) {
	line, err := rd.r.ReadSlice('\n')
	if err != nil {
		if err == io.EOF && len(line) == 0 && kind == '*' {
			return 0, 0, io.EOF
		}
		return 0, 0, truncatedIfEOF(err)
	}
	if len(line) < 4 || line[0] != kind || line[len(line)-2] != '\r' {
		return 0, 0, fmt.Errorf("aof: expected '%c' header at byte %d", kind, rd.off)
	}
	n, err := strconv.ParseInt(string(line[1:len(line)-2]), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("aof: bad number in header at byte %d", rd.off)
	}
	return n, int64(len(line)), nil
}

func truncatedIfEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

// BaseEncoder writes a dataset as the commands that rebuild it: an AOF
// base without an RDB preamble (aof-use-rdb-preamble no), as Redis's
// rewriteAppendOnlyFileRio writes one. Each database with keys gets a
// SELECT, each string a SET, each TTL a PEXPIREAT; keys already expired
// are left out. Its methods are rdb.Encoder's, so a snapshot is written
// the same way in either format.
type BaseEncoder struct {
	w   io.Writer
	buf []byte
	now int64 // unix ms: keys expiring before are left out
	err error
}

// NewBaseEncoder starts a base as of now (unix ms); with timestamp it
// opens with a "#TS:" annotation (aof-timestamp-enabled).
func NewBaseEncoder(w io.Writer, nowMs int64, timestamp bool) *BaseEncoder {
	e := &BaseEncoder{w: w, now: nowMs}
	if timestamp {
		e.buf = fmt.Appendf(e.buf, "#TS:%d\r\n", nowMs/1000)
	}
	return e
}

// Functions writes the function libraries, before the databases: a
// FUNCTION LOAD of each, as Redis's rewriteFunctions.
func (e *BaseEncoder) Functions(codes []string) {
	for _, code := range codes {
		e.buf = AppendCommand(e.buf, [][]byte{[]byte("FUNCTION"), []byte("LOAD"), []byte(code)})
	}
}

// SelectDB starts database db (the counts are for rdb.Encoder's sake).
func (e *BaseEncoder) SelectDB(db int, keys, volatile uint64) error {
	e.buf = AppendCommand(e.buf, [][]byte{[]byte("SELECT"), strconv.AppendInt(nil, int64(db), 10)})
	return e.err
}

// KeyAccess does nothing: commands carry no idle time or frequency.
func (e *BaseEncoder) KeyAccess(idleSeconds int64, freq int) {}

// String writes a string key and its TTL (expireMs, unix ms; 0 for none).
func (e *BaseEncoder) String(key, value []byte, expireMs int64) error {
	if expireMs != 0 && expireMs < e.now {
		return e.err
	}
	e.buf = AppendCommand(e.buf, [][]byte{[]byte("SET"), key, value})
	if expireMs != 0 {
		e.buf = AppendCommand(e.buf, [][]byte{[]byte("PEXPIREAT"), key, strconv.AppendInt(nil, expireMs, 10)})
	}
	if len(e.buf) >= 64<<10 {
		e.Flush()
	}
	return e.err
}

// itemsPerCommand is how many elements a rewrite puts in one command
// (Redis's AOF_REWRITE_ITEMS_PER_CMD).
const itemsPerCommand = 64

// List writes a list key as RPUSH commands of up to 64 elements, as
// Redis's rewriteListObject, and its TTL.
func (e *BaseEncoder) List(key []byte, l *quicklist.List, expireMs int64) error {
	return e.collection(key, "RPUSH", 1, l.Len(), func(item func(...[]byte)) {
		for _, v := range l.Elements(0, false) {
			item(v)
		}
	}, expireMs)
}

// Hash writes the commands that rebuild a hash: HMSET of up to 64 fields
// each, as Redis's rewriteHashObject.
func (e *BaseEncoder) Hash(key []byte, h *hashval.Hash, expireMs int64) error {
	return e.collection(key, "HMSET", 2, h.Len(), func(item func(...[]byte)) {
		h.Each(func(name, value []byte) { item(name, value) })
	}, expireMs)
}

// Set writes the commands that rebuild a set: SADD of up to 64 members
// each, as Redis's rewriteSetObject.
func (e *BaseEncoder) Set(key []byte, s *setval.Set, expireMs int64) error {
	return e.collection(key, "SADD", 1, s.Len(), func(item func(...[]byte)) {
		s.Each(func(m []byte) { item(m) })
	}, expireMs)
}

// ZSet writes the commands that rebuild a sorted set: ZADD of up to 64
// score, member pairs each, as Redis's rewriteSortedSetObject, scores
// printed as its rioWriteBulkDouble does (%.17g, which reads back as the
// same double). Members go by ascending score, as Redis writes a
// listpack's (a skiplist's it writes in its dict's order).
func (e *BaseEncoder) ZSet(key []byte, z *zsetval.ZSet, expireMs int64) error {
	var score []byte
	return e.collection(key, "ZADD", 2, z.Len(), func(item func(...[]byte)) {
		z.Each(func(member []byte, s float64) {
			score = redisconv.AppendDouble(score[:0], s)
			item(score, member)
		})
	}, expireMs)
}

// collection writes a collection of n items (each of per arguments) as
// commands of up to itemsPerCommand items, then its TTL; an expired key is
// skipped. each calls item with every item, whose bytes are valid only
// during the call.
func (e *BaseEncoder) collection(key []byte, cmd string, per, n int, each func(item func(...[]byte)), expireMs int64) error {
	if expireMs != 0 && expireMs < e.now {
		return e.err
	}
	left, i := n, 0
	each(func(args ...[]byte) {
		if i%itemsPerCommand == 0 {
			e.buf = appendArrayHeader(e.buf, 2+per*min(left, itemsPerCommand))
			e.buf = appendBulk(appendBulk(e.buf, []byte(cmd)), key)
		}
		for _, a := range args {
			e.buf = appendBulk(e.buf, a)
		}
		i++
		left--
		if len(e.buf) >= 64<<10 {
			e.Flush()
		}
	})
	if expireMs != 0 {
		e.buf = AppendCommand(e.buf, [][]byte{[]byte("PEXPIREAT"), key, strconv.AppendInt(nil, expireMs, 10)})
	}
	return e.err
}

// Flush writes what is buffered.
func (e *BaseEncoder) Flush() error {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
		e.buf = e.buf[:0]
	}
	return e.err
}

// Close writes the rest; it does not close the writer.
func (e *BaseEncoder) Close() error { return e.Flush() }
