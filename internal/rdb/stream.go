package rdb

// Stream is a stream value with its consumer groups.
type Stream struct{}

func (d *decoder) readStream(t byte) (*Stream, error) {
	return nil, &UnsupportedTypeError{Type: t, TypeName: "stream"}
}
