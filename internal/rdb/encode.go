package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"respd/internal/hashval"
	"respd/internal/lzf"
	"respd/internal/quicklist"
	"respd/internal/setval"
	"respd/internal/zsetval"
)

// Encoder writes an RDB version 10 stream (loadable by Redis 7.0+).
// Call SelectDB before the keys of each database, String per key, and
// Close once to write the EOF marker and checksum. Close does not close
// the underlying writer.
//
// It encodes into its own buffer and checksums and writes it 64 KiB at a
// time: a key is a handful of appends, not a handful of calls through a
// writer and the CRC each.
type Encoder struct {
	w      io.Writer // nil: the output stays in buf (DUMP)
	buf    []byte    // encoded, not yet checksummed and written
	crc    uint64
	err    error
	closed bool
	lzf    []byte // scratch for compressed strings
	// uncompressed and noChecksum are Header's Uncompressed and NoChecksum.
	uncompressed, noChecksum bool
	// The next key's accesses (KeyAccess), written if set.
	idle             uint64
	freq             byte
	hasIdle, hasFreq bool
}

const encoderChunk = 64 << 10

// Header is what an RDB says about itself in AUX fields, beyond the ones
// every RDB has.
type Header struct {
	Version string      // redis-ver: the Redis version the server speaks for
	UsedMem uint64      // used-mem: the server's memory use at the save
	Aux     [][2]string // more fields, after used-mem: a replication history
	AOFBase bool        // aof-base: the file is the base of an AOF
	// Uncompressed is rdbcompression no: no string is LZF-compressed.
	// NoChecksum is rdbchecksum no: the checksum is written as zero.
	Uncompressed, NoChecksum bool
	// Functions are the function libraries' code (FUNCTION LOAD's), in
	// any order, written after the AUX fields, before the first database,
	// as Redis's rdbSaveFunctions writes them.
	Functions []string
}

// NewEncoder writes the RDB header, the AUX fields and the function
// libraries, in Redis's order.
func NewEncoder(w io.Writer, h Header) (*Encoder, error) {
	e := &Encoder{w: w, buf: make([]byte, 0, encoderChunk+encoderChunk/4), uncompressed: h.Uncompressed, noChecksum: h.NoChecksum}
	e.buf = fmt.Appendf(e.buf, "REDIS%04d", encoderVersion)
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
	e.writeFunctions(h.Functions)
	return e, e.err
}

// flush checksums and writes the buffer; a payload's stays where it is.
func (e *Encoder) flush() {
	if e.err != nil || len(e.buf) == 0 || e.w == nil {
		return
	}
	e.crc = crc64Redis(e.crc, e.buf)
	_, e.err = e.w.Write(e.buf)
	e.buf = e.buf[:0]
}

// flushIfFull flushes once the buffer holds a chunk: a collection's
// elements are written as they come, never all in memory at once.
func (e *Encoder) flushIfFull() {
	if len(e.buf) >= encoderChunk {
		e.flush()
	}
}

func (e *Encoder) writeByte(b byte) { e.buf = append(e.buf, b) }

func (e *Encoder) aux(k string, v []byte) {
	e.writeByte(opAux)
	e.writeString([]byte(k))
	e.writeString(v)
}

// writeLen is rdbSaveLen.
func (e *Encoder) writeLen(n uint64) {
	switch {
	case n < 1<<6:
		e.buf = append(e.buf, byte(n))
	case n < 1<<14:
		e.buf = append(e.buf, byte(n>>8)|len14Bit<<6, byte(n))
	case n <= 0xFFFFFFFF:
		e.buf = binary.BigEndian.AppendUint32(append(e.buf, len32Bit), uint32(n))
	default:
		e.buf = binary.BigEndian.AppendUint64(append(e.buf, len64Bit), n)
	}
}

// appendInt is rdbTryIntegerEncoding + rdbEncodeInteger: a canonical
// decimal integer that fits int32 is stored as 1, 2 or 4 bytes. It reports
// false, appending nothing, for any other string.
func appendInt(buf, s []byte) ([]byte, bool) {
	v, ok := canonicalInt32(s)
	switch {
	case !ok:
		return buf, false
	case v >= -(1<<7) && v <= 1<<7-1:
		return append(buf, lenEnc<<6|encInt8, byte(int8(v))), true
	case v >= -(1<<15) && v <= 1<<15-1:
		return binary.LittleEndian.AppendUint16(append(buf, lenEnc<<6|encInt16), uint16(int16(v))), true
	default:
		return binary.LittleEndian.AppendUint32(append(buf, lenEnc<<6|encInt32), uint32(int32(v))), true
	}
}

// canonicalInt32 parses s if it is an integer in int32's range written
// as Redis writes one: an optional minus, no leading zeros, not "-0".
func canonicalInt32(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 11 {
		return 0, false
	}
	digits := s
	if s[0] == '-' {
		digits = s[1:]
	}
	if len(digits) == 0 || len(digits) > 10 || (digits[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var v int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if s[0] == '-' {
		v = -v
	}
	return v, v >= -(1<<31) && v <= 1<<31-1
}

// writeString is rdbSaveRawString with rdbcompression yes.
func (e *Encoder) writeString(s []byte) {
	var isInt bool
	if e.buf, isInt = appendInt(e.buf, s); isInt {
		return
	}
	if len(s) > 20 && !e.uncompressed {
		// rdbSaveLzfStringObject: only if it saves at least 4 bytes.
		outLen := len(s) - 4
		if cap(e.lzf) < outLen {
			e.lzf = make([]byte, outLen)
		}
		if c := lzf.Compress(s, e.lzf[:outLen]); c > 0 {
			e.writeByte(lenEnc<<6 | encLZF)
			e.writeLen(uint64(c))
			e.writeLen(uint64(len(s)))
			e.buf = append(e.buf, e.lzf[:c]...)
			return
		}
	}
	e.writeLen(uint64(len(s)))
	e.buf = append(e.buf, s...)
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
	e.writeExpire(expireMs)
	e.writeByte(typeString)
	e.writeString(key)
	e.writeString(value)
	e.flushIfFull()
	return e.err
}

// List writes a list key as Redis 7.0 does (RDB_TYPE_LIST_QUICKLIST_2),
// with its TTL (expireMs, unix ms; 0 for none).
func (e *Encoder) List(key []byte, l *quicklist.List, expireMs int64) error {
	if err := e.check(); err != nil {
		return err
	}
	e.writeExpire(expireMs)
	e.writeByte(typeListQuicklist2)
	e.writeString(key)
	e.writeQuicklist(l)
	return e.err
}

// Hash writes a hash key as Redis 7.0 does: a listpack hash as its
// listpack (RDB_TYPE_HASH_LISTPACK), a table as its fields and values
// (RDB_TYPE_HASH), with its TTL (expireMs, unix ms; 0 for none).
func (e *Encoder) Hash(key []byte, h *hashval.Hash, expireMs int64) error {
	if err := e.check(); err != nil {
		return err
	}
	e.writeExpire(expireMs)
	if lp := h.Listpack(); lp != nil {
		e.writeByte(typeHashListpack)
	} else {
		e.writeByte(typeHash)
	}
	e.writeString(key)
	e.writeHash(h)
	return e.err
}

// writeHash is rdbSaveObject's hash, after the type byte and key.
func (e *Encoder) writeHash(h *hashval.Hash) {
	if lp := h.Listpack(); lp != nil {
		e.writeString(lp)
		return
	}
	e.writeLen(uint64(h.Len()))
	h.Each(func(name, value []byte) {
		e.writeString(name)
		e.writeString(value)
		e.flushIfFull()
	})
}

// Set writes a set key as Redis 7.0 does: an intset as its bytes
// (RDB_TYPE_SET_INTSET), a table as its members (RDB_TYPE_SET), with its
// TTL (expireMs, unix ms; 0 for none).
func (e *Encoder) Set(key []byte, s *setval.Set, expireMs int64) error {
	if err := e.check(); err != nil {
		return err
	}
	e.writeExpire(expireMs)
	if s.Intset() != nil {
		e.writeByte(typeSetIntset)
	} else {
		e.writeByte(typeSet)
	}
	e.writeString(key)
	e.writeSet(s)
	return e.err
}

// writeSet is rdbSaveObject's set, after the type byte and key.
func (e *Encoder) writeSet(s *setval.Set) {
	if is := s.Intset(); is != nil {
		e.writeString(is)
		return
	}
	e.writeLen(uint64(s.Len()))
	s.Each(func(m []byte) {
		e.writeString(m)
		e.flushIfFull()
	})
}

// ZSet writes a sorted set key as Redis 7.0 does: a listpack as its bytes
// (RDB_TYPE_ZSET_LISTPACK), a skiplist as its members and binary scores
// (RDB_TYPE_ZSET_2), with its TTL (expireMs, unix ms; 0 for none).
func (e *Encoder) ZSet(key []byte, z *zsetval.ZSet, expireMs int64) error {
	if err := e.check(); err != nil {
		return err
	}
	e.writeExpire(expireMs)
	e.writeByte(zsetType(z))
	e.writeString(key)
	e.writeZSet(z)
	return e.err
}

// zsetType is rdbSaveObjectType's for a sorted set.
func zsetType(z *zsetval.ZSet) byte {
	if z.Listpack() != nil {
		return typeZSetListpack
	}
	return typeZSet2
}

// writeZSet is rdbSaveObject's sorted set, after the type byte and key. A
// skiplist goes from its highest member to its lowest, as Redis writes
// it: a loader inserting each at the head of its skiplist (rdbLoadObject)
// then does so in O(1).
func (e *Encoder) writeZSet(z *zsetval.ZSet) {
	if lp := z.Listpack(); lp != nil {
		e.writeString(lp)
		return
	}
	e.writeLen(uint64(z.Len()))
	z.RangeByRank(0, -1, true, func(member []byte, score float64) bool {
		e.writeString(member)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(score)) // rdbSaveBinaryDoubleValue
		e.flushIfFull()
		return e.err == nil
	})
}

// KeyAccess has the next key written with its LRU idle time (seconds)
// or LFU counter, as rdbSaveKeyValuePair writes them under an LRU or LFU
// maxmemory-policy; a negative value is not written.
func (e *Encoder) KeyAccess(idleSeconds int64, freq int) {
	e.hasIdle, e.hasFreq = idleSeconds >= 0, freq >= 0
	e.idle, e.freq = uint64(idleSeconds), byte(freq)
}

// writeExpire writes what comes before a key: its TTL if it has one, then
// what KeyAccess gave.
func (e *Encoder) writeExpire(expireMs int64) {
	if expireMs != 0 {
		e.buf = binary.LittleEndian.AppendUint64(append(e.buf, opExpireTimeMs), uint64(expireMs))
	}
	if e.hasIdle {
		e.writeByte(opIdle)
		e.writeLen(e.idle)
	}
	if e.hasFreq {
		e.buf = append(e.buf, opFreq, e.freq)
	}
	e.hasIdle, e.hasFreq = false, false
}

// writeQuicklist is rdbSaveObject's quicklist: the node count, then each
// node's container and its bytes, a compressed node as its LZF form
// (rdbSaveLzfBlob), any other as rdbSaveRawString writes a string.
func (e *Encoder) writeQuicklist(l *quicklist.List) {
	e.writeLen(uint64(l.NodeCount()))
	l.Nodes(func(n quicklist.Node) bool {
		e.writeLen(uint64(n.Container))
		if n.LZF != nil {
			e.writeByte(lenEnc<<6 | encLZF)
			e.writeLen(uint64(len(n.LZF)))
			e.writeLen(uint64(n.Size))
			e.buf = append(e.buf, n.LZF...)
		} else {
			e.writeString(n.Data)
		}
		e.flushIfFull()
		return e.err == nil
	})
}

// Close writes the EOF opcode and the CRC64 checksum and flushes.
func (e *Encoder) Close() error {
	if err := e.check(); err != nil {
		return err
	}
	e.closed = true
	e.writeByte(opEOF)
	e.flush()
	if e.err != nil {
		return e.err
	}
	crc := e.crc
	if e.noChecksum {
		crc = 0 // what Redis writes with rdbchecksum no; loaders skip the check
	}
	e.buf = binary.LittleEndian.AppendUint64(e.buf, crc)
	_, e.err = e.w.Write(e.buf)
	e.buf = e.buf[:0]
	return e.err
}

// Flush writes what is buffered to the underlying writer (a background
// save encodes under the data lock into memory and writes outside it).
func (e *Encoder) Flush() error {
	if err := e.check(); err != nil {
		return err
	}
	e.flush()
	return e.err
}
