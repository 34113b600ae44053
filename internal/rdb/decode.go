package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"respd/internal/lzf"
)

// readChunk bounds how much is allocated ahead of data actually read: a
// string claiming N bytes grows its buffer only as the bytes arrive.
const readChunk = 64 << 10

// lzfMaxRatio bounds the uncompressed size an LZF payload can claim: the
// densest LZF item is a 3-byte back reference producing 264 bytes.
const lzfMaxRatio = 88

type decoder struct {
	r       *bufio.Reader
	off     int64
	crc     uint64
	version int
	scratch [16]byte // readFixed's: a local array would escape to the heap
	// lpScratch holds a stream node's decoded elements, reused for the
	// next node.
	lpScratch []lpEntry
	// reuse is Loader.ReuseStrings: keys and string values are read into
	// keyBuf and valBuf.
	reuse          bool
	keyBuf, valBuf []byte
}

func (d *decoder) errf(at int64, cause error, format string, args ...any) error {
	return &Error{Offset: at, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// readFull reads exactly len(p) bytes, updating offset and checksum.
func (d *decoder) readFull(p []byte, what string) error {
	n, err := io.ReadFull(d.r, p)
	d.crc = crc64Redis(d.crc, p[:n])
	start := d.off
	d.off += int64(n)
	if err != nil {
		return d.readFailed(start, err, what, len(p), n)
	}
	return nil
}

func (d *decoder) readFailed(start int64, err error, what string, wanted, got int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return d.errf(start, io.ErrUnexpectedEOF,
			"unexpected end of input (truncated) reading %s: wanted %d bytes, got %d", what, wanted, got)
	}
	return d.errf(start, err, "reading %s: %v", what, err)
}

// readFixed reads n (at most 16) bytes into a scratch buffer, valid until
// the next readFixed.
func (d *decoder) readFixed(n int, what string) ([]byte, error) {
	p := d.scratch[:n]
	return p, d.readFull(p, what)
}

func (d *decoder) readByte(what string) (byte, error) {
	b, err := d.r.ReadByte()
	if err != nil {
		return 0, d.readFailed(d.off, err, what, 1, 0)
	}
	d.crc = crc64RedisByte(d.crc, b)
	d.off++
	return b, nil
}

// readN reads n bytes, allocating in chunks so that a bogus huge n fails
// on end of input instead of allocating n bytes up front.
func (d *decoder) readN(n uint64, what string) ([]byte, error) {
	if n <= readChunk {
		p := make([]byte, n)
		return p, d.readFull(p, what)
	}
	start := d.off
	var buf []byte
	for rem := n; rem > 0; {
		c := uint64(readChunk)
		if rem < c {
			c = rem
		}
		// Grow geometrically from data already read, never beyond n.
		if uint64(cap(buf)-len(buf)) < c {
			want := uint64(2*cap(buf)) + c
			if want > n {
				want = n
			}
			nb := make([]byte, len(buf), want)
			copy(nb, buf)
			buf = nb
		}
		p := buf[len(buf) : len(buf)+int(c)]
		if err := d.readFull(p, what); err != nil {
			var e *Error
			if errors.As(err, &e) && errors.Is(err, io.ErrUnexpectedEOF) {
				e.Offset = start
				e.Msg = fmt.Sprintf("unexpected end of input (truncated) reading %s: claims %d bytes, only %d present",
					what, n, d.off-start)
			}
			return nil, err
		}
		buf = buf[:len(buf)+int(c)]
		rem -= c
	}
	return buf, nil
}

// readLen reads an RDB length (rdbLoadLen). If the first byte is a string
// encoding marker (11xxxxxx), it returns encoded=true and the encoding.
func (d *decoder) readLen(what string) (n uint64, encoded bool, err error) {
	at := d.off
	b, err := d.readByte(what)
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case len6Bit:
		return uint64(b & 0x3F), false, nil
	case len14Bit:
		b2, err := d.readByte(what)
		if err != nil {
			return 0, false, err
		}
		return uint64(b&0x3F)<<8 | uint64(b2), false, nil
	case lenEnc:
		return uint64(b & 0x3F), true, nil
	}
	switch b {
	case len32Bit:
		p, err := d.readFixed(4, what)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(p)), false, nil
	case len64Bit:
		p, err := d.readFixed(8, what)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(p), false, nil
	}
	return 0, false, d.errf(at, nil, "bad length encoding 0x%02x in %s", b, what)
}

// readPlainLen reads a length that must not be a string encoding marker.
func (d *decoder) readPlainLen(what string) (uint64, error) {
	at := d.off
	n, enc, err := d.readLen(what)
	if err != nil {
		return 0, err
	}
	if enc {
		return 0, d.errf(at, nil, "bad length in %s: got string encoding marker %d", what, n)
	}
	return n, nil
}

// readString reads an RDB string (rdbGenericLoadStringObject).
func (d *decoder) readString(what string) ([]byte, error) { return d.readStringInto(nil, what) }

// readReused reads an RDB string into *buf's array if the loader reuses
// buffers (Loader.ReuseStrings), keeping the array for the next one unless
// it is larger than a read chunk; else into a new slice.
func (d *decoder) readReused(buf *[]byte, what string) ([]byte, error) {
	if !d.reuse {
		return d.readString(what)
	}
	s, err := d.readStringInto(*buf, what)
	if cap(s) <= readChunk {
		*buf = s
	}
	return s, err
}

// readStringInto reads an RDB string into buf's array, grown as needed
// (a new one for a nil buf), but for a string longer than a read chunk,
// read as readN does.
func (d *decoder) readStringInto(buf []byte, what string) ([]byte, error) {
	at := d.off
	n, enc, err := d.readLen(what)
	if err != nil {
		return nil, err
	}
	if !enc {
		if n > readChunk {
			return d.readN(n, what)
		}
		p := slices.Grow(buf[:0], int(n))[:n]
		return p, d.readFull(p, what)
	}
	switch n {
	case encInt8:
		b, err := d.readByte(what)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(buf[:0], int64(int8(b)), 10), nil
	case encInt16:
		p, err := d.readFixed(2, what)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(buf[:0], int64(int16(binary.LittleEndian.Uint16(p))), 10), nil
	case encInt32:
		p, err := d.readFixed(4, what)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(buf[:0], int64(int32(binary.LittleEndian.Uint32(p))), 10), nil
	case encLZF:
		clen, err := d.readPlainLen(what + " (LZF compressed length)")
		if err != nil {
			return nil, err
		}
		ulen, err := d.readPlainLen(what + " (LZF uncompressed length)")
		if err != nil {
			return nil, err
		}
		dataAt := d.off
		comp, err := d.readN(clen, what+" (LZF data)")
		if err != nil {
			return nil, err
		}
		// clen bytes really were present; only now trust ulen, bounded by
		// the best ratio LZF can achieve.
		if ulen > clen*lzfMaxRatio || ulen > math.MaxInt32 {
			return nil, d.errf(at, nil, "bad LZF string in %s: %d compressed bytes cannot expand to the claimed %d",
				what, clen, ulen)
		}
		out := slices.Grow(buf[:0], int(ulen))[:ulen]
		got, lerr := lzf.Decompress(comp, out)
		if lerr != nil || uint64(got) != ulen {
			if lerr == nil {
				lerr = fmt.Errorf("lzf: decompressed %d bytes, header claims %d", got, ulen)
			}
			return nil, d.errf(dataAt, lerr, "corrupt LZF string in %s: %v", what, lerr)
		}
		return out, nil
	}
	return nil, d.errf(at, nil, "unknown string encoding %d in %s", n, what)
}

// skipModuleAux skips an RDB_OPCODE_MODULE_AUX payload the way
// rdbLoadCheckModuleValue does (redis-check-rdb, or Redis without the
// module): module id, "when" opcode+value, then opcode/value pairs until
// RDB_MODULE_OPCODE_EOF.
func (d *decoder) skipModuleAux() error {
	if _, err := d.readPlainLen("module aux module id"); err != nil {
		return err
	}
	at := d.off
	whenOp, err := d.readPlainLen("module aux when-opcode")
	if err != nil {
		return err
	}
	if _, err := d.readPlainLen("module aux when"); err != nil {
		return err
	}
	if whenOp != 2 { // RDB_MODULE_OPCODE_UINT, as Redis requires
		return d.errf(at, nil, "module aux: when-opcode is %d, expected 2 (UINT); cannot skip module data", whenOp)
	}
	for {
		at := d.off
		op, err := d.readPlainLen("module aux opcode")
		if err != nil {
			return err
		}
		switch op {
		case 0: // RDB_MODULE_OPCODE_EOF
			return nil
		case 1, 2: // SINT, UINT
			if _, err := d.readPlainLen("module aux integer"); err != nil {
				return err
			}
		case 3: // FLOAT (binary)
			if _, err := d.readFixed(4, "module aux float"); err != nil {
				return err
			}
		case 4: // DOUBLE (binary)
			if _, err := d.readFixed(8, "module aux double"); err != nil {
				return err
			}
		case 5: // STRING
			if _, err := d.readString("module aux string"); err != nil {
				return err
			}
		default:
			return d.errf(at, nil, "module aux: unknown module opcode %d; cannot skip module data", op)
		}
	}
}

// Load reads a whole RDB stream, calling fn for each key; see Loader.
func Load(r io.Reader, fn func(Record) error) error { return Loader{Record: fn}.Load(r) }

// Loader says what to do with the contents of an RDB stream.
type Loader struct {
	Record func(Record) error // each key
	Aux    func(key, value []byte)
	// ResizeDB passes the RESIZEDB hints (how many keys, and keys with an
	// expiry, follow in database db), to size tables ahead. They are only
	// the file's word: they may be wrong.
	ResizeDB func(db int, keys, expires uint64)
	// Function is passed each function library's code, in file order,
	// before the keys (an RDB from Redis 7.0's release candidates has
	// its libraries converted to the code Redis 7.0 would load); the
	// decoder's buffer is the caller's to keep. nil skips them.
	Function func(code []byte) error
	// IgnoreChecksum is rdbchecksum no: the file's checksum isn't checked.
	IgnoreChecksum bool
	// ReuseStrings has the decoder read each Record's Key, and a string's
	// Value, into buffers it reuses: they are valid only until Record
	// returns, so a caller that keeps one copies it. Most keys of most
	// files are strings a server copies anyway.
	ReuseStrings bool
}

// Load reads a whole RDB stream, calling l.Record for each key and, if
// they are set, l.Aux for each AUX field, l.ResizeDB for each hint and
// l.Function for each function library.
// Keys holding an empty collection are skipped, as Redis skips them. It
// stops at the first error: a corrupt or truncated stream (*Error, with
// the byte offset), a value it cannot decode (*UnsupportedTypeError), or
// an error from l.Record or l.Function (returned unchanged).
func (l Loader) Load(r io.Reader) error {
	fn, aux := l.Record, l.Aux
	d := &decoder{r: bufio.NewReaderSize(r, 64<<10), reuse: l.ReuseStrings}
	var hdr [9]byte
	if err := d.readFull(hdr[:], "header"); err != nil {
		return err
	}
	if !bytes.Equal(hdr[:5], []byte("REDIS")) {
		return d.errf(0, nil, "bad magic %q: not an RDB file (expected \"REDIS\")", hdr[:5])
	}
	for _, c := range hdr[5:] {
		if c < '0' || c > '9' {
			return d.errf(5, nil, "bad version %q: not a number", hdr[5:])
		}
	}
	v, _ := strconv.Atoi(string(hdr[5:]))
	if v < 1 || v > maxVersion {
		return d.errf(5, nil, "unsupported RDB version %d (accepted: 1..%d)", v, maxVersion)
	}
	d.version = v

	db := 0
	var expireMs int64
	idle, freq := int64(-1), -1
	for {
		at := d.off
		t, err := d.readByte("opcode")
		if err != nil {
			return err
		}
		switch t {
		case opExpireTime:
			p, err := d.readFixed(4, "EXPIRETIME")
			if err != nil {
				return err
			}
			expireMs = int64(int32(binary.LittleEndian.Uint32(p))) * 1000
			continue
		case opExpireTimeMs:
			p, err := d.readFixed(8, "EXPIRETIME_MS")
			if err != nil {
				return err
			}
			expireMs = int64(binary.LittleEndian.Uint64(p))
			continue
		case opFreq:
			b, err := d.readByte("FREQ")
			if err != nil {
				return err
			}
			freq = int(b)
			continue
		case opIdle:
			n, err := d.readPlainLen("IDLE")
			if err != nil {
				return err
			}
			idle = int64(min(n, math.MaxInt64))
			continue
		case opEOF:
			if v < 5 {
				return nil
			}
			want := d.crc
			p, err := d.readFixed(8, "checksum")
			if err != nil {
				return err
			}
			got := binary.LittleEndian.Uint64(p)
			if got != 0 && got != want && !l.IgnoreChecksum {
				return d.errf(at+1, nil, "bad checksum: file says 0x%016x, computed CRC64 0x%016x", got, want)
			}
			return nil
		case opSelectDB:
			n, err := d.readPlainLen("SELECTDB")
			if err != nil {
				return err
			}
			if n > math.MaxInt32 {
				return d.errf(at, nil, "bad SELECTDB database number %d", n)
			}
			db = int(n)
			continue
		case opResizeDB:
			keys, err := d.readPlainLen("RESIZEDB db size")
			if err != nil {
				return err
			}
			expires, err := d.readPlainLen("RESIZEDB expires size")
			if err != nil {
				return err
			}
			if l.ResizeDB != nil {
				l.ResizeDB(db, keys, expires)
			}
			continue
		case opSlotInfo:
			for _, w := range []string{"slot id", "slot size", "slot expires size"} {
				if _, err := d.readPlainLen("SLOT_INFO " + w); err != nil {
					return err
				}
			}
			continue
		case opAux:
			k, err := d.readString("AUX key")
			if err != nil {
				return err
			}
			v, err := d.readString("AUX value")
			if err != nil {
				return err
			}
			if aux != nil {
				aux(k, v)
			}
			continue
		case opModuleAux:
			if err := d.skipModuleAux(); err != nil {
				return err
			}
			continue
		case opFunction2, opFunctionPreGA:
			code, _, err := d.readFunction(t)
			if err != nil {
				return err
			}
			if l.Function != nil {
				if err := l.Function(code); err != nil {
					return err
				}
			}
			continue
		}

		// A key/value pair.
		ti, known := typeInfo[t]
		if !known {
			return d.errf(at, nil, "unknown opcode or value type 0x%02x", t)
		}
		key, err := d.readReused(&d.keyBuf, "key")
		if err != nil {
			return err
		}
		rec := Record{DB: db, Key: key, ExpireMs: expireMs, IdleSeconds: idle, Freq: freq, Type: t}
		if ti[0] == "module" {
			return &UnsupportedTypeError{Type: t, TypeName: ti[0], Key: key}
		}
		if err := d.readValue(&rec); err != nil {
			if errors.Is(err, errEmptyKey) {
				// Redis skips empty collections ("rdbLoadObject
				// skipping empty key"), and the expiry with them.
				expireMs, idle, freq = 0, -1, -1
				continue
			}
			var unsupported *UnsupportedTypeError
			if errors.As(err, &unsupported) {
				unsupported.Key = key
				return unsupported
			}
			return fmt.Errorf("key '%s': %w", key, err)
		}
		rec.End = d.off
		if err := fn(rec); err != nil {
			return err
		}
		expireMs, idle, freq = 0, -1, -1
	}
}
