package rdb

import "hash/crc64"

// Redis's crc64 is the Jones polynomial (0xad93d23594c935a9, reflected
// 0x95AC9329AC4BC9B5), reflected input and output, with no initial or
// final inversion. hash/crc64 inverts on entry and exit, so undo that.
var jonesTable = crc64.MakeTable(0x95AC9329AC4BC9B5)

// crc64Redis continues Redis's crc64(crc, p).
func crc64Redis(crc uint64, p []byte) uint64 {
	return ^crc64.Update(^crc, jonesTable, p)
}
