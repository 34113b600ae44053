package rdb

import (
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

// Dump is the DUMP payload of a string value; uncompressed is rdbcompression
// no.
func Dump(value []byte, uncompressed bool) []byte {
	e := Encoder{uncompressed: uncompressed}
	e.writeByte(typeString)
	e.writeString(value)
	payload := binary.LittleEndian.AppendUint16(e.buf, dumpVersion)
	return binary.LittleEndian.AppendUint64(payload, crc64Redis(0, payload))
}

// dumpVersion is the RDB version of the payloads respd writes.
const dumpVersion = encoderVersion

// Undump returns the string value of a DUMP payload written by Redis 7.0 to
// 7.4 or respd. A value of another type that decodes is an
// *UnsupportedTypeError; data that does not decode is an error.
func Undump(payload []byte) ([]byte, error) {
	if len(payload) < 10 {
		return nil, ErrBadPayload
	}
	body := payload[:len(payload)-10]
	version := binary.LittleEndian.Uint16(payload[len(payload)-10:])
	crc := binary.LittleEndian.Uint64(payload[len(payload)-8:])
	if version > maxVersion || crc64Redis(0, payload[:len(payload)-8]) != crc {
		return nil, ErrBadPayload
	}
	d := &decoder{r: bufio.NewReader(bytes.NewReader(body)), version: int(version)}
	t, err := d.readByte("value type")
	if err != nil {
		return nil, err
	}
	if _, known := typeInfo[t]; !known {
		return nil, d.errf(0, nil, "unknown value type 0x%02x", t)
	}
	rec := Record{Type: t}
	if err := d.readValue(&rec); err != nil {
		return nil, err
	}
	if t != typeString {
		// Decoded (so a corrupt payload is reported as such), but not
		// served yet.
		return nil, &UnsupportedTypeError{Type: t, TypeName: rec.Kind()}
	}
	return rec.Value, nil
}
