package rdb

// Lists, sets, sorted sets and hashes in every RDB encoding.

func (d *decoder) readList(t byte) ([][]byte, error) {
	return nil, &UnsupportedTypeError{Type: t, TypeName: "list"}
}

func (d *decoder) readSet(t byte) ([][]byte, error) {
	return nil, &UnsupportedTypeError{Type: t, TypeName: "set"}
}

func (d *decoder) readZSet(t byte) ([]ZMember, error) {
	return nil, &UnsupportedTypeError{Type: t, TypeName: "zset"}
}

func (d *decoder) readHash(t byte) ([]HashField, error) {
	return nil, &UnsupportedTypeError{Type: t, TypeName: "hash"}
}
