package rdb

import (
	"encoding/binary"
	"errors"
	"math"

	"respd/internal/listpack"
)

// Lists, sets, sorted sets and hashes in every RDB encoding, read as
// rdbLoadObject (Redis 7.4 rdb.c) reads them. Encoded blobs (ziplists,
// listpacks, intsets, zipmaps) are validated as Redis does with
// sanitize-dump-payload yes, its deep validation, which a default Redis
// skips for listpacks and intsets when loading a file: every element is
// decoded here anyway, and the strictness gives callers collections without
// duplicate members or fields. Beyond Redis, a NaN score is refused in
// every encoding, not only in the unpacked ones.

// RDB value types of the collections (rdb.h RDB_TYPE_*).
const (
	typeList                = 1
	typeSet                 = 2
	typeZSet                = 3
	typeHash                = 4
	typeZSet2               = 5
	typeHashZipmap          = 9
	typeListZiplist         = 10
	typeSetIntset           = 11
	typeZSetZiplist         = 12
	typeHashZiplist         = 13
	typeListQuicklist       = 14
	typeHashListpack        = 16
	typeZSetListpack        = 17
	typeListQuicklist2      = 18
	typeSetListpack         = 20
	typeHashMetadataPreGA   = 22
	typeHashListpackExPreGA = 23
	typeHashMetadata        = 24
	typeHashListpackEx      = 25
)

// Quicklist node containers (quicklist.h QUICKLIST_NODE_CONTAINER_*).
const (
	quicklistPlain  = 1 // one element, stored as is
	quicklistPacked = 2 // a listpack
)

// errEmptyKey reports an empty collection. Older Redis versions could save
// them; rdbLoadObject returns RDB_LOAD_ERR_EMPTY_KEY and the key is skipped,
// and Load skips it too.
var errEmptyKey = errors.New("empty collection")

// capHint bounds a preallocation by a claimed element count: elements are
// appended as they are read, so a bogus count fails at the end of the input
// without having cost memory first.
func capHint(n uint64) int { return int(min(n, 256)) }

// seen detects duplicate members or fields, which Redis rejects.
type seen map[string]struct{}

// add records s and reports whether it was new.
func (m seen) add(s []byte) bool {
	if _, dup := m[string(s)]; dup {
		return false
	}
	m[string(s)] = struct{}{}
	return true
}

// readCollectionLen reads a collection's element count; an empty
// collection is errEmptyKey (Redis skips the key).
func (d *decoder) readCollectionLen(what string) (uint64, error) {
	n, err := d.readPlainLen(what)
	if err == nil && n == 0 {
		err = errEmptyKey
	}
	return n, err
}

// readPacked reads a string holding an encoded collection and decodes it
// with decode (lpDecode, zlDecode), reporting corruption at its offset.
// The entries alias the returned blob.
func (d *decoder) readPacked(what string, decode func([]byte) ([]lpEntry, error)) ([]lpEntry, []byte, int64, error) {
	at := d.off
	blob, err := d.readString(what)
	if err != nil {
		return nil, nil, at, err
	}
	entries, err := decode(blob)
	if err != nil {
		return nil, nil, at, d.errf(at, err, "corrupt %s: %v", what, err)
	}
	return entries, blob, at, nil
}

// readPackedGroups is readPacked for a collection stored as groups of size
// entries (member and score, field and value, …, unit names them): a
// count that is not a multiple is corruption, and an empty one is
// errEmptyKey.
func (d *decoder) readPackedGroups(what string, decode func([]byte) ([]lpEntry, error), size int, unit string) ([]lpEntry, []byte, int64, error) {
	entries, blob, at, err := d.readPacked(what, decode)
	switch {
	case err != nil:
		return nil, nil, at, err
	case len(entries)%size != 0:
		return nil, nil, at, d.errf(at, nil, "corrupt %s: %d entries, not %s", what, len(entries), unit)
	case len(entries) == 0:
		return nil, nil, at, errEmptyKey
	}
	return entries, blob, at, nil
}

// ---- Lists ----

func (d *decoder) readList(t byte) ([][]byte, error) {
	switch t {
	case typeList:
		return d.readStrings("list")
	case typeListZiplist:
		entries, _, _, err := d.readPacked("list ziplist", zlDecode)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			return nil, errEmptyKey
		}
		return appendEntries(nil, entries), nil
	case typeListQuicklist, typeListQuicklist2:
		return d.readQuicklist(t)
	}
	return nil, &UnsupportedTypeError{Type: t, TypeName: "list"}
}

// readStrings reads a length and that many strings (RDB_TYPE_LIST).
func (d *decoder) readStrings(what string) ([][]byte, error) {
	n, err := d.readCollectionLen(what + " length")
	if err != nil {
		return nil, err
	}
	elems := make([][]byte, 0, capHint(n))
	for ; n > 0; n-- {
		e, err := d.readString(what + " element")
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
	}
	return elems, nil
}

// readQuicklist reads a list of ziplists (RDB_TYPE_LIST_QUICKLIST) or of
// nodes that are each a listpack or a single element (_QUICKLIST_2).
func (d *decoder) readQuicklist(t byte) ([][]byte, error) {
	n, err := d.readCollectionLen("quicklist node count")
	if err != nil {
		return nil, err
	}
	var list [][]byte
	for ; n > 0; n-- {
		container := uint64(quicklistPacked)
		if t == typeListQuicklist2 {
			at := d.off
			if container, err = d.readPlainLen("quicklist node container"); err != nil {
				return nil, err
			}
			if container != quicklistPlain && container != quicklistPacked {
				return nil, d.errf(at, nil, "bad quicklist node container %d (1 PLAIN or 2 PACKED)", container)
			}
		}
		at := d.off
		node, err := d.readString("quicklist node")
		if err != nil {
			return nil, err
		}
		if len(node) == 0 {
			return nil, d.errf(at, nil, "empty quicklist node")
		}
		if container == quicklistPlain {
			list = append(list, node)
			continue
		}
		decode, what := lpDecode, "quicklist listpack node"
		if t == typeListQuicklist {
			decode, what = zlDecode, "quicklist ziplist node"
		}
		entries, err := decode(node)
		if err != nil {
			return nil, d.errf(at, err, "corrupt %s: %v", what, err)
		}
		// An empty node adds nothing: Redis skips it.
		list = appendEntries(list, entries)
	}
	if len(list) == 0 {
		return nil, errEmptyKey
	}
	return list, nil
}

// appendEntries appends packed entries as strings (integers in decimal).
func appendEntries(dst [][]byte, entries []lpEntry) [][]byte {
	for _, e := range entries {
		dst = append(dst, e.bytes())
	}
	return dst
}

// ---- Sets ----

func (d *decoder) readSet(t byte) ([][]byte, error) {
	switch t {
	case typeSet:
		at := d.off
		members, err := d.readStrings("set")
		if err != nil {
			return nil, err
		}
		return members, d.checkUnique(at, members, "set member")
	case typeSetIntset:
		at := d.off
		blob, err := d.readString("set intset")
		if err != nil {
			return nil, err
		}
		members, err := isDecode(blob)
		if err != nil {
			return nil, d.errf(at, err, "corrupt set intset: %v", err)
		}
		return members, nil
	case typeSetListpack:
		entries, _, at, err := d.readPacked("set listpack", lpDecode)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			return nil, errEmptyKey
		}
		members := appendEntries(make([][]byte, 0, len(entries)), entries)
		return members, d.checkUnique(at, members, "set member")
	}
	return nil, &UnsupportedTypeError{Type: t, TypeName: "set"}
}

// checkUnique fails on a repeated element; at is the value's offset.
func (d *decoder) checkUnique(at int64, elems [][]byte, what string) error {
	s := make(seen, len(elems))
	for _, e := range elems {
		if !s.add(e) {
			return d.errf(at, nil, "duplicate %s %q", what, e)
		}
	}
	return nil
}

// ---- Sorted sets ----

// readZSet reads a sorted set, and the listpack it was stored as (see
// Record.ZSetListpack).
func (d *decoder) readZSet(t byte) ([]ZMember, []byte, error) {
	switch t {
	case typeZSet, typeZSet2:
		zs, err := d.readZSetPairs(t)
		return zs, nil, err
	case typeZSetZiplist, typeZSetListpack:
		return d.readPackedZSet(t)
	}
	return nil, nil, &UnsupportedTypeError{Type: t, TypeName: "zset"}
}

// readZSetPairs reads a length and member/score pairs, the score as text
// (RDB_TYPE_ZSET) or a binary double (_ZSET_2).
func (d *decoder) readZSetPairs(t byte) ([]ZMember, error) {
	n, err := d.readCollectionLen("zset length")
	if err != nil {
		return nil, err
	}
	zs := make([]ZMember, 0, capHint(n))
	members := seen{}
	for ; n > 0; n-- {
		at := d.off
		m, err := d.readString("zset member")
		if err != nil {
			return nil, err
		}
		var score float64
		if t == typeZSet2 {
			score, err = d.readBinaryDouble("zset score")
		} else {
			score, err = d.readDoubleValue("zset score")
		}
		if err != nil {
			return nil, err
		}
		if math.IsNaN(score) {
			return nil, d.errf(at, nil, "zset member %q has a NaN score", m)
		}
		if !members.add(m) {
			return nil, d.errf(at, nil, "duplicate zset member %q", m)
		}
		zs = append(zs, ZMember{Member: m, Score: score})
	}
	return zs, nil
}

// readBinaryDouble reads a little-endian IEEE 754 double
// (rdbLoadBinaryDoubleValue).
func (d *decoder) readBinaryDouble(what string) (float64, error) {
	p, err := d.readFixed(8, what)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(p)), nil
}

// readDoubleValue reads a double as text (rdbLoadDoubleValue): a length
// byte, 253 meaning NaN, 254 +inf, 255 -inf, otherwise that many bytes that
// sscanf("%lg") must read a number from.
func (d *decoder) readDoubleValue(what string) (float64, error) {
	at := d.off
	n, err := d.readByte(what)
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	text, err := d.readN(uint64(n), what)
	if err != nil {
		return 0, err
	}
	v, ok := scanDouble(text)
	if !ok {
		return 0, d.errf(at, nil, "bad %s %q: not a number", what, text)
	}
	return v, nil
}

// readPackedZSet reads a ziplist or listpack of alternating members and
// scores, and returns the listpack too: the one read, or the ziplist's
// entries in a new one, as rdbLoadObject converts it (lpAppend of each).
func (d *decoder) readPackedZSet(t byte) ([]ZMember, []byte, error) {
	what, decode := "zset listpack", lpDecode
	if t == typeZSetZiplist {
		what, decode = "zset ziplist", zlDecode
	}
	entries, lp, at, err := d.readPackedGroups(what, decode, 2, "member/score pairs")
	if err != nil {
		return nil, nil, err
	}
	zs := make([]ZMember, 0, len(entries)/2)
	members := make(seen, len(entries)/2)
	for i := 0; i < len(entries); i += 2 {
		m, score := entries[i].bytes(), packedScore(entries[i+1])
		if math.IsNaN(score) {
			return nil, nil, d.errf(at, nil, "corrupt %s: member %q has a NaN score", what, m)
		}
		if !members.add(m) {
			return nil, nil, d.errf(at, nil, "corrupt %s: duplicate member %q", what, m)
		}
		zs = append(zs, ZMember{Member: m, Score: score})
	}
	if t == typeZSetZiplist {
		lp = listpack.Build(appendEntries(make([][]byte, 0, len(entries)), entries)...)
	}
	return zs, lp, nil
}

// packedScore is a score in a ziplist or listpack as zzlGetScore reads it:
// an integer, or text parsed by strtod after truncation to 127 bytes
// (zzlStrtod), 0 if it is not a number.
func packedScore(e lpEntry) float64 {
	if e.isInt {
		return float64(e.num)
	}
	text := e.str
	if len(text) > 127 {
		text = text[:127]
	}
	v, _ := strtod(text)
	return v
}

// ---- Hashes ----

func (d *decoder) readHash(t byte) ([]HashField, error) {
	switch t {
	case typeHash:
		return d.readHashPairs()
	case typeHashMetadata, typeHashMetadataPreGA:
		return d.readHashMetadata(t)
	case typeHashZipmap:
		at := d.off
		blob, err := d.readString("hash zipmap")
		if err != nil {
			return nil, err
		}
		fields, err := zmDecode(blob)
		if err != nil {
			return nil, d.errf(at, err, "corrupt hash zipmap: %v", err)
		}
		return fields, d.checkUniqueFields(at, fields)
	case typeHashZiplist:
		return d.readPackedHash("hash ziplist", zlDecode)
	case typeHashListpack:
		return d.readPackedHash("hash listpack", lpDecode)
	case typeHashListpackEx, typeHashListpackExPreGA:
		return d.readHashListpackEx(t)
	}
	return nil, &UnsupportedTypeError{Type: t, TypeName: "hash"}
}

// readHashPairs reads a length and field/value pairs (RDB_TYPE_HASH).
func (d *decoder) readHashPairs() ([]HashField, error) {
	at := d.off
	n, err := d.readCollectionLen("hash length")
	if err != nil {
		return nil, err
	}
	fields := make([]HashField, 0, capHint(n))
	for ; n > 0; n-- {
		f, err := d.readString("hash field")
		if err != nil {
			return nil, err
		}
		v, err := d.readString("hash value")
		if err != nil {
			return nil, err
		}
		fields = append(fields, HashField{Field: f, Value: v})
	}
	return fields, d.checkUniqueFields(at, fields)
}

// checkUniqueFields fails on a repeated field; at is the value's offset.
func (d *decoder) checkUniqueFields(at int64, fields []HashField) error {
	s := make(seen, len(fields))
	for _, f := range fields {
		if !s.add(f.Field) {
			return d.errf(at, nil, "duplicate hash field %q", f.Field)
		}
	}
	return nil
}

// readPackedHash reads a ziplist or listpack of alternating fields and
// values.
func (d *decoder) readPackedHash(what string, decode func([]byte) ([]lpEntry, error)) ([]HashField, error) {
	entries, _, at, err := d.readPackedGroups(what, decode, 2, "field/value pairs")
	if err != nil {
		return nil, err
	}
	fields := make([]HashField, 0, len(entries)/2)
	for i := 0; i < len(entries); i += 2 {
		fields = append(fields, HashField{Field: entries[i].bytes(), Value: entries[i+1].bytes()})
	}
	return fields, d.checkUniqueFields(at, fields)
}
