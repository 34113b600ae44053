package rdb

// readValue reads the value of rec.Type into rec (rdbLoadObject).
func (d *decoder) readValue(rec *Record) error {
	var err error
	switch rec.Kind() {
	case "string":
		rec.Value, err = d.readReused(&d.valBuf, "value")
	case "list":
		rec.List, err = d.readList(rec.Type)
	case "set":
		rec.Set, err = d.readSet(rec.Type)
	case "zset":
		rec.ZSet, rec.ZSetListpack, err = d.readZSet(rec.Type)
	case "hash":
		rec.Hash, err = d.readHash(rec.Type)
	case "stream":
		rec.Stream, err = d.readStream(rec.Type)
	default:
		err = &UnsupportedTypeError{Type: rec.Type, TypeName: rec.Kind(), Key: rec.Key}
	}
	return err
}
