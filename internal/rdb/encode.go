package rdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Encoder writes an RDB version 10 stream (loadable by Redis 7.0+).
// Call SelectDB before the keys of each database, String per key, and
// Close once to write the EOF marker and checksum. Close does not close
// the underlying writer.
type Encoder struct {
	w      *bufio.Writer
	crc    uint64
	err    error
	closed bool
	tmp    [16]byte
}

// Header is what an RDB says about itself in AUX fields, beyond the ones
// every RDB has.
type Header struct {
	Version string      // redis-ver: the Redis version the server speaks for
	UsedMem uint64      // used-mem: the server's memory use at the save
	Aux     [][2]string // more fields, after used-mem: a replication history
	AOFBase bool        // aof-base: the file is the base of an AOF
}

// NewEncoder writes the RDB header and the AUX fields, in Redis's order.
func NewEncoder(w io.Writer, h Header) (*Encoder, error) {
	e := &Encoder{w: bufio.NewWriterSize(w, 64<<10)}
	e.write(fmt.Appendf(nil, "REDIS%04d", encoderVersion))
	e.aux("redis-ver", []byte(h.Version))
	e.aux("redis-bits", []byte("64"))
	e.aux("ctime", strconv.AppendInt(nil, time.Now().Unix(), 10))
	e.aux("used-mem", strconv.AppendUint(nil, h.UsedMem, 10))
	for _, kv := range h.Aux {
		e.aux(kv[0], []byte(kv[1]))
	}
	aofBase := "0"
	if h.AOFBase {
		aofBase = "1"
	}
	e.aux("aof-base", []byte(aofBase))
	if e.err != nil {
		return nil, e.err
	}
	return e, nil
}

func (e *Encoder) write(p []byte) {
	if e.err != nil {
		return
	}
	e.crc = crc64Redis(e.crc, p)
	_, e.err = e.w.Write(p)
}

func (e *Encoder) writeByte(b byte) {
	e.tmp[0] = b
	e.write(e.tmp[:1])
}

func (e *Encoder) aux(k string, v []byte) {
	e.writeByte(opAux)
	e.writeString([]byte(k))
	e.writeString(v)
}

// writeLen is rdbSaveLen.
func (e *Encoder) writeLen(n uint64) {
	switch {
	case n < 1<<6:
		e.writeByte(byte(n))
	case n < 1<<14:
		e.tmp[0] = byte(n>>8) | len14Bit<<6
		e.tmp[1] = byte(n)
		e.write(e.tmp[:2])
	case n <= 0xFFFFFFFF:
		e.tmp[0] = len32Bit
		binary.BigEndian.PutUint32(e.tmp[1:5], uint32(n))
		e.write(e.tmp[:5])
	default:
		e.tmp[0] = len64Bit
		binary.BigEndian.PutUint64(e.tmp[1:9], n)
		e.write(e.tmp[:9])
	}
}

// encodeInt is rdbTryIntegerEncoding + rdbEncodeInteger: a canonical
// decimal integer that fits int32 is stored as 1, 2 or 4 bytes.
func encodeInt(s []byte, buf []byte) int {
	if len(s) == 0 || len(s) > 11 {
		return 0
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil || strconv.FormatInt(v, 10) != string(s) {
		return 0
	}
	switch {
	case v >= -(1<<7) && v <= 1<<7-1:
		buf[0] = lenEnc<<6 | encInt8
		buf[1] = byte(int8(v))
		return 2
	case v >= -(1<<15) && v <= 1<<15-1:
		buf[0] = lenEnc<<6 | encInt16
		binary.LittleEndian.PutUint16(buf[1:], uint16(int16(v)))
		return 3
	case v >= -(1<<31) && v <= 1<<31-1:
		buf[0] = lenEnc<<6 | encInt32
		binary.LittleEndian.PutUint32(buf[1:], uint32(int32(v)))
		return 5
	}
	return 0
}

// writeString is rdbSaveRawString with rdbcompression yes.
func (e *Encoder) writeString(s []byte) {
	if n := encodeInt(s, e.tmp[:]); n > 0 {
		e.write(e.tmp[:n])
		return
	}
	if len(s) > 20 {
		// rdbSaveLzfStringObject: only if it saves at least 4 bytes.
		outLen := len(s) - 4
		out := make([]byte, outLen+1)
		if c := lzfCompress(s, out, outLen); c > 0 {
			e.writeByte(lenEnc<<6 | encLZF)
			e.writeLen(uint64(c))
			e.writeLen(uint64(len(s)))
			e.write(out[:c])
			return
		}
	}
	e.writeLen(uint64(len(s)))
	e.write(s)
}

var errClosed = errors.New("rdb: encoder is closed")

func (e *Encoder) check() error {
	if e.closed && e.err == nil {
		return errClosed
	}
	return e.err
}

// SelectDB starts database db; keys and expires are the RESIZEDB hints
// (the number of keys, and of keys with an expiry, that follow).
func (e *Encoder) SelectDB(db int, keys, expires uint64) error {
	if err := e.check(); err != nil {
		return err
	}
	if db < 0 {
		return errors.New("rdb: negative database number")
	}
	e.writeByte(opSelectDB)
	e.writeLen(uint64(db))
	e.writeByte(opResizeDB)
	e.writeLen(keys)
	e.writeLen(expires)
	return e.err
}

// String writes one string key; expireMs is an absolute unix time in
// milliseconds, 0 for none.
func (e *Encoder) String(key, value []byte, expireMs int64) error {
	if err := e.check(); err != nil {
		return err
	}
	if expireMs != 0 {
		e.writeByte(opExpireTimeMs)
		binary.LittleEndian.PutUint64(e.tmp[:8], uint64(expireMs))
		e.write(e.tmp[:8])
	}
	e.writeByte(typeString)
	e.writeString(key)
	e.writeString(value)
	return e.err
}

// Close writes the EOF opcode and the CRC64 checksum and flushes.
func (e *Encoder) Close() error {
	if err := e.check(); err != nil {
		return err
	}
	e.closed = true
	e.writeByte(opEOF)
	var p [8]byte
	binary.LittleEndian.PutUint64(p[:], e.crc)
	e.write(p[:])
	if e.err != nil {
		return e.err
	}
	e.err = e.w.Flush()
	return e.err
}

// Flush writes what is buffered to the underlying writer (a background
// save encodes under the data lock into memory and writes outside it).
func (e *Encoder) Flush() error {
	if err := e.check(); err != nil {
		return err
	}
	e.err = e.w.Flush()
	return e.err
}
