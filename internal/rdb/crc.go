package rdb

import (
	"encoding/binary"
	"hash/crc64"
)

// Redis's crc64 is the Jones polynomial (0xad93d23594c935a9, reflected
// 0x95AC9329AC4BC9B5), reflected input and output, with no initial or
// final inversion. hash/crc64 only slices by 8 for its own polynomials
// (otherwise a byte at a time, 17% of a busy AOF rewrite), so the tables
// for slicing by 8 are built here, as hash/crc64 and Redis's crcspeed
// build theirs.
var jonesTables = makeSlicing8(0x95AC9329AC4BC9B5)

func makeSlicing8(poly uint64) *[8]crc64.Table {
	t := new([8]crc64.Table)
	t[0] = *crc64.MakeTable(poly)
	for i := range 256 {
		crc := t[0][i]
		for j := 1; j < 8; j++ {
			crc = t[0][crc&0xff] ^ (crc >> 8)
			t[j][i] = crc
		}
	}
	return t
}

// crc64Redis continues Redis's crc64(crc, p).
func crc64Redis(crc uint64, p []byte) uint64 {
	t := jonesTables
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][crc&0xff] ^ t[6][crc>>8&0xff] ^ t[5][crc>>16&0xff] ^ t[4][crc>>24&0xff] ^
			t[3][crc>>32&0xff] ^ t[2][crc>>40&0xff] ^ t[1][crc>>48&0xff] ^ t[0][crc>>56]
		p = p[8:]
	}
	for _, v := range p {
		crc = t[0][byte(crc)^v] ^ (crc >> 8)
	}
	return crc
}

// crc64RedisByte is crc64Redis of one byte.
func crc64RedisByte(crc uint64, b byte) uint64 { return jonesTables[0][byte(crc)^b] ^ (crc >> 8) }
