package rdb

import (
	"respd/internal/hashval"
	"respd/internal/quicklist"
	"respd/internal/setval"
	"respd/internal/zsetval"

	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
)

// DUMP and RESTORE payloads: one value as RDB encodes it, then the RDB
// version (2 bytes, little-endian) and a CRC64 of all that (8 bytes,
// little-endian), as Redis's createDumpPayload writes them.

// ErrBadPayload is a payload whose version respd cannot read or whose
// checksum does not match (Redis's verifyDumpPayload).
var ErrBadPayload = errors.New("rdb: bad DUMP payload version or checksum")

// Payload is a DUMP payload being written: one value as Encoder writes
// it in a file, but without key and TTL (RESTORE takes those as
// arguments). Its methods are Encoder's, so one function writes a value to
// a file, an AOF base or a payload.
type Payload struct{ enc Encoder }

// NewPayload starts a payload; uncompressed is rdbcompression no.
func NewPayload(uncompressed bool) *Payload {
	return &Payload{enc: Encoder{uncompressed: uncompressed}}
}

// String writes a string value; key and expireMs are not part of a
// payload.
func (p *Payload) String(key, value []byte, expireMs int64) error {
	p.enc.writeByte(typeString)
	p.enc.writeString(value)
	return nil
}

// List writes a list value.
func (p *Payload) List(key []byte, l *quicklist.List, expireMs int64) error {
	p.enc.writeByte(typeListQuicklist2)
	p.enc.writeQuicklist(l)
	return nil
}

// Hash writes a hash value (key and TTL are not part of a payload).
func (p *Payload) Hash(key []byte, h *hashval.Hash, expireMs int64) error {
	if h.Listpack() != nil {
		p.enc.writeByte(typeHashListpack)
	} else {
		p.enc.writeByte(typeHash)
	}
	p.enc.writeHash(h)
	return nil
}

// Set writes a set value (key and TTL are not part of a payload).
func (p *Payload) Set(key []byte, s *setval.Set, expireMs int64) error {
	if s.Intset() != nil {
		p.enc.writeByte(typeSetIntset)
	} else {
		p.enc.writeByte(typeSet)
	}
	p.enc.writeSet(s)
	return nil
}

// ZSet writes a sorted set value (key and TTL are not part of a payload).
func (p *Payload) ZSet(key []byte, z *zsetval.ZSet, expireMs int64) error {
	p.enc.writeByte(zsetType(z))
	p.enc.writeZSet(z)
	return nil
}

// ValueLen is the length of the value as an RDB file holds it, without
// its type byte: Redis's rdbSavedObjectLen (DEBUG OBJECT's
// serializedlength).
func (p *Payload) ValueLen() int { return len(p.enc.buf) - 1 }

// Bytes ends the payload, after its one value, with the RDB version and
// the checksum, and returns it.
func (p *Payload) Bytes() []byte {
	payload := binary.LittleEndian.AppendUint16(p.enc.buf, dumpVersion)
	return binary.LittleEndian.AppendUint64(payload, crc64Redis(0, payload))
}

// dumpVersion is the RDB version of the payloads respd writes.
const dumpVersion = encoderVersion

// Undump decodes a DUMP payload written by Redis 7.0 to 7.4 or respd:
// the value, of any type, in the field of its kind. Data that does not
// decode is an error (a module value, which respd can't decode, an
// *UnsupportedTypeError).
func Undump(payload []byte) (*Record, error) {
	version, err := verifyPayload(payload)
	if err != nil {
		return nil, err
	}
	body := payload[:len(payload)-10]
	d := &decoder{r: bufio.NewReader(bytes.NewReader(body)), version: int(version)}
	t, err := d.readByte("value type")
	if err != nil {
		return nil, err
	}
	if _, known := typeInfo[t]; !known {
		return nil, d.errf(0, nil, "unknown value type 0x%02x", t)
	}
	rec := &Record{Type: t}
	if err := d.readValue(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// verifyPayload is Redis's verifyDumpPayload: the payload's RDB version,
// or ErrBadPayload if it is one respd can't read or the CRC64 is wrong.
func verifyPayload(payload []byte) (uint16, error) {
	if len(payload) < 10 {
		return 0, ErrBadPayload
	}
	version := binary.LittleEndian.Uint16(payload[len(payload)-10:])
	crc := binary.LittleEndian.Uint64(payload[len(payload)-8:])
	if version > maxVersion || crc64Redis(0, payload[:len(payload)-8]) != crc {
		return 0, ErrBadPayload
	}
	return version, nil
}
