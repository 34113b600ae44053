// Package rdb reads and writes Redis's RDB persistence format.
//
// Load decodes every opcode Redis 7.0–7.4 writes (RDB versions 9–12, and
// older versions back to 1) and every value type and encoding: strings,
// lists, sets, sorted sets, hashes (with 7.4's field TTLs) and streams.
// Module values are an *UnsupportedTypeError. Encoder writes version 10
// files that Redis 7.0+ and redis-check-rdb accept, every type as Redis
// 7.0 writes it (streams as RDB_TYPE_STREAM_LISTPACKS_2).
package rdb

import "fmt"

// Opcodes (rdb.h RDB_OPCODE_*).
const (
	opSlotInfo      = 0xF4
	opFunction2     = 0xF5
	opFunctionPreGA = 0xF6
	opModuleAux     = 0xF7
	opIdle          = 0xF8
	opFreq          = 0xF9
	opAux           = 0xFA
	opResizeDB      = 0xFB
	opExpireTimeMs  = 0xFC
	opExpireTime    = 0xFD
	opSelectDB      = 0xFE
	opEOF           = 0xFF
)

// The string value type; typeInfo has them all.
const typeString = 0

// Length / string encodings (rdb.h RDB_6BITLEN etc.).
const (
	len6Bit  = 0
	len14Bit = 1
	len32Bit = 0x80
	len64Bit = 0x81
	lenEnc   = 3

	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// Encoder output version.
const encoderVersion = 10

// Highest version Load accepts (Redis 7.4 writes 12).
const maxVersion = 12

// typeInfo maps an RDB value type to its kind and rdb.h constant name.
var typeInfo = map[byte][2]string{
	0:  {"string", "RDB_TYPE_STRING"},
	1:  {"list", "RDB_TYPE_LIST"},
	2:  {"set", "RDB_TYPE_SET"},
	3:  {"zset", "RDB_TYPE_ZSET"},
	4:  {"hash", "RDB_TYPE_HASH"},
	5:  {"zset", "RDB_TYPE_ZSET_2"},
	6:  {"module", "RDB_TYPE_MODULE_PRE_GA"},
	7:  {"module", "RDB_TYPE_MODULE_2"},
	9:  {"hash", "RDB_TYPE_HASH_ZIPMAP"},
	10: {"list", "RDB_TYPE_LIST_ZIPLIST"},
	11: {"set", "RDB_TYPE_SET_INTSET"},
	12: {"zset", "RDB_TYPE_ZSET_ZIPLIST"},
	13: {"hash", "RDB_TYPE_HASH_ZIPLIST"},
	14: {"list", "RDB_TYPE_LIST_QUICKLIST"},
	15: {"stream", "RDB_TYPE_STREAM_LISTPACKS"},
	16: {"hash", "RDB_TYPE_HASH_LISTPACK"},
	17: {"zset", "RDB_TYPE_ZSET_LISTPACK"},
	18: {"list", "RDB_TYPE_LIST_QUICKLIST_2"},
	19: {"stream", "RDB_TYPE_STREAM_LISTPACKS_2"},
	20: {"set", "RDB_TYPE_SET_LISTPACK"},
	21: {"stream", "RDB_TYPE_STREAM_LISTPACKS_3"},
	22: {"hash", "RDB_TYPE_HASH_METADATA_PRE_GA"},
	23: {"hash", "RDB_TYPE_HASH_LISTPACK_EX_PRE_GA"},
	24: {"hash", "RDB_TYPE_HASH_METADATA"},
	25: {"hash", "RDB_TYPE_HASH_LISTPACK_EX"},
}

// Record is one key decoded from an RDB stream. Type is the RDB value type
// (RDB_TYPE_*); the field for its kind holds the value.
type Record struct {
	DB       int
	Key      []byte
	ExpireMs int64 // absolute unix ms; 0 = no expiry
	// IdleSeconds and Freq are the key's LRU idle time and LFU counter, as
	// a server under an LRU or LFU maxmemory-policy saves them; -1 when
	// absent.
	IdleSeconds int64
	Freq        int
	Type        byte
	End         int64 // the stream's offset after the record (for progress)

	Value  []byte      // string
	List   [][]byte    // list, head to tail
	Set    [][]byte    // set members, in stored order
	ZSet   []ZMember   // sorted set, in stored order
	Hash   []HashField // hash, in stored order
	Stream *Stream

	// ZSetListpack is the listpack a sorted set was stored as
	// (RDB_TYPE_ZSET_LISTPACK), or its ziplist's entries rebuilt as one
	// (RDB_TYPE_ZSET_ZIPLIST, as Redis converts it on load); nil for the
	// member and score forms. ZSet holds its members too.
	ZSetListpack []byte
}

// Kind is the record's data type: "string", "list", "set", "zset",
// "hash", "stream" or "module".
func (r *Record) Kind() string { return typeInfo[r.Type][0] }

// ZMember is a sorted set member.
type ZMember struct {
	Member []byte
	Score  float64
}

// HashField is a hash field; ExpireMs is its TTL (Redis 7.4 HEXPIRE), an
// absolute unix time in ms, 0 for none.
type HashField struct {
	Field, Value []byte
	ExpireMs     int64
}

// UnsupportedTypeError reports a key whose value type respd cannot load.
// TypeName is the data type ("list", "set", "zset", "hash", "stream",
// "module"); Encoding returns the rdb.h constant for Type.
type UnsupportedTypeError struct {
	Type     byte
	TypeName string
	Key      []byte
}

// Encoding returns the rdb.h name of the type byte, e.g. "RDB_TYPE_HASH_LISTPACK".
func (e *UnsupportedTypeError) Encoding() string {
	if ti, ok := typeInfo[e.Type]; ok {
		return ti[1]
	}
	return fmt.Sprintf("RDB type %d", e.Type)
}

func (e *UnsupportedTypeError) Error() string {
	return fmt.Sprintf("key '%s' has a %s value, which respd cannot load yet (RDB type %d, %s)",
		e.Key, e.TypeName, e.Type, e.Encoding())
}

// Error is a decoding failure: what went wrong and at which byte offset of
// the stream (the offset where the offending item starts).
type Error struct {
	Offset int64
	Msg    string
	Err    error // underlying cause, e.g. io.ErrUnexpectedEOF; may be nil
}

func (e *Error) Error() string {
	return fmt.Sprintf("rdb: at byte offset %d: %s", e.Offset, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }
