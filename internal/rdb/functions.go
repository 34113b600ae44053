package rdb

import (
	"bufio"
	"bytes"
	"fmt"
)

// Redis functions (FUNCTION LOAD's libraries), each its source code
// ("#!lua name=mylib\n..."). An RDB holds them after the AUX fields and
// before the databases, and a FUNCTION DUMP payload holds nothing else:
// each is RDB_OPCODE_FUNCTION2 (0xF5) and the code as an RDB string
// (rdbSaveFunctions). Redis 7.0's release candidates wrote
// RDB_OPCODE_FUNCTION_PRE_GA (0xF6) instead: library name, engine name,
// an optional description and the code without its "#!" line; Redis 7.0
// still reads that, and so does respd.

// writeFunctions is rdbSaveFunctions: each library's code, as
// rdbSaveRawString writes a string (LZF-compressed with rdbcompression
// yes when that saves at least 4 bytes).
func (e *Encoder) writeFunctions(codes []string) {
	for _, code := range codes {
		e.writeByte(opFunction2)
		e.writeString([]byte(code))
		e.flushIfFull()
	}
}

// Functions writes the libraries of a FUNCTION DUMP payload, in the
// order given; Bytes then ends it. Nothing else goes in such a payload.
// NewPayload(!rdbcompression) + Functions + Bytes is FUNCTION DUMP.
func (p *Payload) Functions(codes []string) {
	p.enc.writeFunctions(codes)
}

// EncodeFunctionsPayload is FUNCTION DUMP's reply with rdbcompression
// yes (Redis's default): each library's code, then the RDB version and
// the CRC64, as DUMP's payloads end. With rdbcompression no, write it
// with NewPayload(true), Functions and Bytes.
func EncodeFunctionsPayload(codes []string) []byte {
	p := NewPayload(false)
	p.Functions(codes)
	return p.Bytes()
}

// FunctionError is a FUNCTION RESTORE payload that passed its version
// and checksum check but does not hold libraries that decode. Reason is
// what Redis 7.0 answers FUNCTION RESTORE for it, after "ERR ": "given
// type is not a function", "Failed loading library payload", or for the
// pre-GA format "Failed loading library name", "... engine name", "...
// library description", "... library blob".
type FunctionError struct {
	Reason string
	Err    error // the decoding failure (an *Error with the byte offset), or nil
}

func (e *FunctionError) Error() string {
	if e.Err != nil {
		return "rdb: FUNCTION payload: " + e.Reason + ": " + e.Err.Error()
	}
	return "rdb: FUNCTION payload: " + e.Reason
}

func (e *FunctionError) Unwrap() error { return e.Err }

// DecodeFunctionsPayload decodes a FUNCTION DUMP payload (Redis 7.0–7.4's
// or respd's) into the libraries' code, in payload order, as Redis's
// functionRestoreCommand reads it: libraries are read while more than the
// 10 trailer bytes remain, and a library's string may run into those
// bytes (Redis reads the payload as one buffer), which then are part of
// its code. A payload of just the trailer holds no library (nil, nil).
//
// Errors: ErrBadPayload for a bad version or checksum ("ERR DUMP payload
// version or checksum are wrong", as RESTORE), else a *FunctionError
// whose Reason is Redis's message. Whether the code is a valid library
// is the caller's to check, as is the restore policy. With a
// *FunctionError, codes are the libraries read before the failure: Redis
// compiles each library as it reads it, so to answer as Redis does,
// compile those first and answer the first compile error, if any, else
// the FunctionError.
func DecodeFunctionsPayload(b []byte) ([]string, error) {
	version, err := verifyPayload(b)
	if err != nil {
		return nil, err
	}
	d := &decoder{r: bufio.NewReader(bytes.NewReader(b)), version: int(version)}
	var codes []string
	for int64(len(b))-d.off > 10 {
		at := d.off
		t, err := d.readByte("function type")
		if err != nil {
			return nil, &FunctionError{Reason: "can not read data type", Err: err} // not reached: bytes remain
		}
		if t != opFunction2 && t != opFunctionPreGA {
			return codes, &FunctionError{Reason: "given type is not a function",
				Err: d.errf(at, nil, "type 0x%02x is not a function", t)}
		}
		code, reason, err := d.readFunction(t)
		if err != nil {
			return codes, &FunctionError{Reason: reason, Err: err}
		}
		codes = append(codes, string(code))
	}
	return codes, nil
}

// readFunction is rdbFunctionLoad, after the opcode t (opFunction2 or
// opFunctionPreGA): the library's code, or Redis's reason for failing
// and the decoding error.
func (d *decoder) readFunction(t byte) (code []byte, reason string, err error) {
	if t == opFunction2 {
		code, err := d.readString("FUNCTION2 library code")
		if err != nil {
			return nil, "Failed loading library payload", err
		}
		return code, "", nil
	}
	name, err := d.readString("FUNCTION_PRE_GA library name")
	if err != nil {
		return nil, "Failed loading library name", err
	}
	engine, err := d.readString("FUNCTION_PRE_GA engine name")
	if err != nil {
		return nil, "Failed loading engine name", err
	}
	// rdbLoadLen: an encoding marker's 6 bits count as the value.
	hasDesc, _, err := d.readLen("FUNCTION_PRE_GA description indicator")
	if err != nil {
		return nil, "Failed loading library description indicator", err
	}
	if hasDesc != 0 {
		if _, err := d.readString("FUNCTION_PRE_GA library description"); err != nil {
			return nil, "Failed loading library description", err
		}
	}
	blob, err := d.readString("FUNCTION_PRE_GA library code")
	if err != nil {
		return nil, "Failed loading library blob", err
	}
	// The description is dropped. Redis builds the code with sdscatfmt's
	// %s, which stops at a NUL byte.
	return fmt.Appendf(nil, "#!%s name=%s\n%s", cString(engine), cString(name), cString(blob)), "", nil
}

// cString is s up to its first NUL byte, as C's strlen sees it.
func cString(s []byte) []byte {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
