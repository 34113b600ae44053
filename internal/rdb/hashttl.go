package rdb

import (
	"encoding/binary"
	"strconv"
)

// Hashes with field TTLs (Redis 7.4 HEXPIRE). rdbSaveObject writes them as
//
//	RDB_TYPE_HASH_METADATA: the smallest field TTL (8 bytes, little-endian,
//	    absolute unix ms), a length, then per field its TTL as an RDB length
//	    (0 = none, otherwise TTL - smallest + 1), the field and the value;
//	RDB_TYPE_HASH_LISTPACK_EX: the smallest field TTL (8 bytes, 0 if none)
//	    and a listpack of field, value, TTL triples (absolute ms, 0 = none).
//
// The _PRE_GA types of the 7.4 release candidates lack the smallest TTL and
// store absolute TTLs in the metadata form too; Redis 7.4 still loads them.

// Field TTLs are 48-bit (ebuckets.h EB_EXPIRE_TIME_MAX); one more is
// EB_EXPIRE_TIME_INVALID, "no TTL".
const (
	ebExpireTimeMax     = 1<<48 - 1
	ebExpireTimeInvalid = ebExpireTimeMax + 1
)

// readMinExpire reads the 8-byte smallest field TTL that precedes the GA
// forms.
func (d *decoder) readMinExpire() (uint64, error) {
	p, err := d.readFixed(8, "hash minimum field TTL")
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(p), nil
}

// readHashMetadata reads RDB_TYPE_HASH_METADATA and its _PRE_GA form.
func (d *decoder) readHashMetadata(t byte) ([]HashField, error) {
	at := d.off
	minExpire := uint64(ebExpireTimeInvalid)
	if t == typeHashMetadata {
		var err error
		if minExpire, err = d.readMinExpire(); err != nil {
			return nil, err
		}
		if minExpire > ebExpireTimeInvalid {
			return nil, d.errf(at, nil, "bad hash minimum field TTL %d", minExpire)
		}
	}
	n, err := d.readCollectionLen("hash length")
	if err != nil {
		return nil, err
	}
	fields := make([]HashField, 0, capHint(n))
	for ; n > 0; n-- {
		ttlAt := d.off
		ttl, err := d.readPlainLen("hash field TTL")
		if err != nil {
			return nil, err
		}
		expireAt, ok := ttl, ttl <= ebExpireTimeMax // _PRE_GA: absolute
		if t == typeHashMetadata && ttl != 0 {
			// Relative to minExpire, plus one; checked before adding so
			// that nothing wraps around.
			expireAt = ttl - 1 + minExpire
			ok = ttl-1 <= ebExpireTimeMax && expireAt <= ebExpireTimeMax
		}
		if !ok {
			return nil, d.errf(ttlAt, nil, "bad hash field TTL %d (minimum %d)", ttl, minExpire)
		}
		f, err := d.readString("hash field")
		if err != nil {
			return nil, err
		}
		v, err := d.readString("hash value")
		if err != nil {
			return nil, err
		}
		fields = append(fields, HashField{Field: f, Value: v, ExpireMs: int64(expireAt)})
	}
	return fields, d.checkUniqueFields(at, fields)
}

// readHashListpackEx reads RDB_TYPE_HASH_LISTPACK_EX and its _PRE_GA form.
func (d *decoder) readHashListpackEx(t byte) ([]HashField, error) {
	if t == typeHashListpackEx {
		// Saved for future use; Redis ignores it when loading.
		if _, err := d.readMinExpire(); err != nil {
			return nil, err
		}
	}
	const what = "hash listpack with field TTLs"
	entries, _, at, err := d.readPackedGroups(what, lpDecode, 3, "field/value/TTL triples")
	if err != nil {
		return nil, err
	}
	fields := make([]HashField, 0, len(entries)/3)
	last := int64(-1)
	for i := 0; i < len(entries); i += 3 {
		f := HashField{Field: entries[i].bytes(), Value: entries[i+1].bytes()}
		ttl, ok := lpInteger(entries[i+2])
		if !ok || ttl < 0 || ttl > ebExpireTimeMax {
			return nil, d.errf(at, nil, "corrupt %s: field %q has TTL %q", what, f.Field, entries[i+2].bytes())
		}
		// As _lpEntryValidation checks: fields with a TTL come first, in
		// ascending TTL order, then the fields without one.
		if ttl != 0 && (last == 0 || ttl < last) {
			return nil, d.errf(at, nil, "corrupt %s: field %q has TTL %d after a field with TTL %d", what, f.Field, ttl, last)
		}
		last = ttl
		f.ExpireMs = ttl
		fields = append(fields, f)
	}
	return fields, d.checkUniqueFields(at, fields)
}

// lpInteger is a listpack element as an integer, as lpGetIntegerValue reads
// it: an integer entry, or a string holding exactly the decimal form of one
// (string2ll).
func lpInteger(e lpEntry) (int64, bool) {
	if e.isInt {
		return e.num, true
	}
	v, err := strconv.ParseInt(string(e.str), 10, 64)
	if err != nil || strconv.FormatInt(v, 10) != string(e.str) {
		return 0, false
	}
	return v, true
}
