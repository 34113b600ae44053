package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"respd/internal/listpack"
	"respd/internal/stream"
)

// Streams (Redis's t_stream.c, rdb.c). A stream is a radix tree of
// listpacks, each keyed by a 16-byte "master ID" (ms, seq; big-endian). A
// listpack starts with a master entry
//
//	count | deleted | num-fields | field_1 ... field_N | 0
//
// (live and deleted entry counts, and the field names that entries may
// share), followed by count+deleted entries
//
//	flags | ms-diff | seq-diff | num-fields | field_1 | value_1 ... | lp-count
//
// or, with the SAMEFIELDS flag, just the values:
//
//	flags | ms-diff | seq-diff | value_1 ... value_N | lp-count
//
// The ID is the master ID plus the diffs (modulo 2^64); lp-count is the
// number of listpack elements of the entry before it, so that it can be
// walked backwards. Deleted entries (XDEL, XTRIM) stay as tombstones with
// the DELETED flag until their whole listpack goes.
//
// After the listpacks come the stream metadata and the consumer groups,
// each with its pending entries list (PEL) and consumers.

// Entry flags (STREAM_ITEM_FLAG_*).
const (
	streamItemDeleted    = 1 << 0
	streamItemSameFields = 1 << 1
)

// Stream value types (RDB_TYPE_STREAM_LISTPACKS*). _2 (Redis 7.0) added
// first ID, max deleted ID, entries added and the groups' entries read;
// _3 (Redis 7.2) added the consumers' active time.
const (
	typeStreamListpacks  = 15
	typeStreamListpacks2 = 19
	typeStreamListpacks3 = 21
)

// entriesReadUnknown is a group's EntriesRead when Redis cannot tell how
// far into the stream the group has read (SCG_INVALID_ENTRIES_READ).
const entriesReadUnknown = -1

// StreamID is a stream entry ID, <ms>-<seq>.
type StreamID = stream.ID

// Stream is a stream value with its consumer groups: what XADD, XRANGE and
// XREADGROUP need, with the metadata as Redis 7.4 keeps it. Byte slices may
// share memory with each other (entries with the master entry's field
// names share those) and with the decoded listpacks: treat them as
// read-only.
type Stream struct {
	Entries      []StreamEntry // live entries in ID order, once ReadEntries has read them; deleted ones are skipped
	Length       uint64        // number of live entries
	LastID       StreamID      // last generated ID; XADD * must exceed it
	FirstID      StreamID      // first live entry ID as recorded; 0-0 if empty (type 15: max ID, as Redis sets it)
	MaxDeletedID StreamID      // highest ID removed by XDEL/XTRIM
	EntriesAdded uint64        // entries ever added (XINFO entries-added)
	Groups       []StreamGroup // in stored order (Redis: by name)

	// Nodes are the listpacks as stored, validated, in ID order: loaded
	// as they are, a stream keeps Redis's node layout (XINFO's
	// radix-tree-keys, DUMP's bytes). Decoding validates every entry but
	// keeps none: ReadEntries reads them from the nodes, which they alias.
	Nodes []StreamNode
}

// ReadEntries reads the live entries of the nodes into Entries, and
// returns them.
func (s *Stream) ReadEntries() []StreamEntry {
	s.Entries = nil
	var scratch []lpEntry
	for _, n := range s.Nodes {
		var entries []StreamEntry
		entries, _, scratch, _ = parseStreamListpack(n.Listpack, n.Master, scratch, true, nil)
		s.Entries = append(s.Entries, entries...)
	}
	return s.Entries
}

// streamScan is what decoding the nodes learnt of the live entries.
type streamScan struct {
	live        uint64
	first, last StreamID
}

// StreamNode is a stream node: its master ID (the radix tree key) and its
// listpack, Redis's bytes. A listpack that stores an entry's counts, flags
// or ID diffs as strings of digits, which Redis reads (lpGetInteger) but
// never writes, is rebuilt with them as integers.
type StreamNode struct {
	Master   StreamID
	Listpack []byte
}

// StreamEntry is one stream entry; Fields alternates field and value.
type StreamEntry struct {
	ID     StreamID
	Fields [][]byte
}

// StreamGroup is a consumer group.
type StreamGroup struct {
	Name        []byte
	LastID      StreamID        // last delivered ID
	EntriesRead int64           // logical read counter; -1 if unknown
	PEL         []StreamPending // delivered, unacknowledged entries, in stored order (Redis: by ID)
	Consumers   []StreamConsumer
}

// StreamPending is an entry of a group's PEL.
type StreamPending struct {
	ID            StreamID
	DeliveryTime  int64 // unix ms of the last delivery
	DeliveryCount uint64
	Consumer      []byte // name of the consumer that owns it
}

// StreamConsumer is a consumer of a group; its PEL lists the IDs it owns,
// each also in the group's PEL.
type StreamConsumer struct {
	Name       []byte
	SeenTime   int64 // unix ms of the last interaction
	ActiveTime int64 // unix ms of the last successful read/claim (7.2+; SeenTime before)
	PEL        []StreamID
}

// readStream reads a stream value (rdbLoadObject, RDB_TYPE_STREAM_LISTPACKS*),
// validating what Redis's deep sanitization checks and the ordering that
// Entries promises.
func (d *decoder) readStream(t byte) (*Stream, error) {
	s := &Stream{}
	var scan streamScan
	if err := d.readStreamNodes(s, &scan); err != nil {
		return nil, err
	}
	if err := d.readStreamMeta(s, t, &scan); err != nil {
		return nil, err
	}
	if err := d.readStreamGroups(s, t); err != nil {
		return nil, err
	}
	return s, nil
}

// readStreamNodes reads and validates the listpacks, keeping them in
// s.Nodes, and the live entries' count and edges in scan.
func (d *decoder) readStreamNodes(s *Stream, scan *streamScan) error {
	n, err := d.readPlainLen("stream listpack count")
	if err != nil {
		return err
	}
	var prevKey StreamID
	for i := uint64(0); i < n; i++ {
		keyAt := d.off
		key, err := d.readString("stream node key")
		if err != nil {
			return err
		}
		if len(key) != 16 {
			return d.errf(keyAt, nil, "stream node key is %d bytes, not a 16-byte stream ID", len(key))
		}
		master := stream.IDFromKey(key)
		// Redis writes the nodes in radix tree order; a duplicate key is
		// what Redis reports as "Listpack re-added with existing key".
		if i > 0 && master.Compare(prevKey) <= 0 {
			return d.errf(keyAt, nil, "stream node %s does not follow node %s", master, prevKey)
		}
		prevKey = master
		lpAt := d.off
		blob, err := d.readString("stream listpack")
		if err != nil {
			return err
		}
		// A node's live entries are below the next node's master ID
		// (they were there before it), which lookups by ID rely on. An
		// entry may be below its own node's (XSETID back past a
		// tombstone, then XADD).
		if scan.live > 0 && scan.last.Compare(master) >= 0 {
			return d.errf(keyAt, nil, "stream node %s: entry %s of a node before is not below it", master, scan.last)
		}
		var lp []byte
		var orderErr error
		_, lp, d.lpScratch, err = parseStreamListpack(blob, master, d.lpScratch, false, func(id StreamID) bool {
			// Tombstones may be out of order (XSETID can move the last ID
			// below one), but live entries never are.
			if scan.live > 0 && id.Compare(scan.last) <= 0 {
				orderErr = d.errf(lpAt, nil, "stream node %s: entry %s does not follow entry %s", master, id, scan.last)
				return false
			}
			if scan.live == 0 {
				scan.first = id
			}
			scan.live++
			scan.last = id
			return true
		})
		if orderErr != nil {
			return orderErr
		}
		if err != nil {
			return d.errf(lpAt, err, "stream node %s: %v", master, err)
		}
		s.Nodes = append(s.Nodes, StreamNode{Master: master, Listpack: lp})
	}
	return nil
}

// readStreamMeta reads length, last ID and (type _2 on) first ID, max
// deleted ID and entries added; for type 15 it derives the latter as
// Redis does when loading an old stream.
func (d *decoder) readStreamMeta(s *Stream, t byte, scan *streamScan) error {
	at := d.off
	var err error
	if s.Length, err = d.readPlainLen("stream length"); err != nil {
		return err
	}
	if s.LastID, err = d.readStreamIDLens("stream last ID"); err != nil {
		return err
	}
	if t >= typeStreamListpacks2 {
		if s.FirstID, err = d.readStreamIDLens("stream first ID"); err != nil {
			return err
		}
		if s.MaxDeletedID, err = d.readStreamIDLens("stream max deleted ID"); err != nil {
			return err
		}
		if s.EntriesAdded, err = d.readPlainLen("stream entries added"); err != nil {
			return err
		}
	} else {
		// No deletions are known; every entry counts as added; the first
		// ID is the first live entry, or the maximum ID when there is none
		// (streamGetEdgeID).
		s.EntriesAdded = s.Length
		s.FirstID = stream.MaxID
		if scan.live > 0 {
			s.FirstID = scan.first
		}
	}
	if s.Length != scan.live {
		return d.errf(at, nil, "stream length is %d but its listpacks hold %d live entries", s.Length, scan.live)
	}
	if scan.live > 0 && scan.last.Compare(s.LastID) > 0 {
		return d.errf(at, nil, "stream last ID %s is below entry %s", s.LastID, scan.last)
	}
	return nil
}

// readStreamIDLens reads an ID stored as two RDB lengths.
func (d *decoder) readStreamIDLens(what string) (StreamID, error) {
	ms, err := d.readPlainLen(what + " (ms)")
	if err != nil {
		return StreamID{}, err
	}
	seq, err := d.readPlainLen(what + " (seq)")
	return StreamID{Ms: ms, Seq: seq}, err
}

// readRawStreamID reads an ID stored as 16 raw big-endian bytes.
func (d *decoder) readRawStreamID(what string) (StreamID, error) {
	p, err := d.readFixed(16, what)
	if err != nil {
		return StreamID{}, err
	}
	return stream.IDFromKey(p), nil
}

// readMillis reads an 8-byte little-endian unix time in ms
// (rdbLoadMillisecondTime; streams exist only in RDB 9+, always LE).
func (d *decoder) readMillis(what string) (int64, error) {
	p, err := d.readFixed(8, what)
	if err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(p)), nil
}

func (d *decoder) readStreamGroups(s *Stream, t byte) error {
	n, err := d.readPlainLen("stream group count")
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for i := uint64(0); i < n; i++ {
		at := d.off
		g, err := d.readStreamGroup(s, t)
		if err != nil {
			return err
		}
		if names[string(g.Name)] {
			return d.errf(at, nil, "duplicate stream consumer group %q", g.Name)
		}
		names[string(g.Name)] = true
		s.Groups = append(s.Groups, g)
	}
	return nil
}

func (d *decoder) readStreamGroup(s *Stream, t byte) (StreamGroup, error) {
	var g StreamGroup
	var err error
	if g.Name, err = d.readString("stream group name"); err != nil {
		return g, err
	}
	if g.LastID, err = d.readStreamIDLens("stream group last ID"); err != nil {
		return g, err
	}
	if t >= typeStreamListpacks2 {
		// Saved as a length; -1 (unknown) arrives as 2^64-1.
		n, err := d.readPlainLen("stream group entries read")
		if err != nil {
			return g, err
		}
		g.EntriesRead = int64(n)
	} else {
		g.EntriesRead = s.estimateEntriesRead(g.LastID)
	}
	pelIndex, err := d.readGroupPEL(&g)
	if err != nil {
		return g, err
	}
	if err := d.readConsumers(&g, pelIndex, t); err != nil {
		return g, err
	}
	// As deep sanitization: every pending entry must have an owner.
	for _, p := range g.PEL {
		if p.Consumer == nil {
			return g, d.errf(d.off, nil, "stream group %q: pending entry %s has no consumer", g.Name, p.ID)
		}
	}
	return g, nil
}

// readGroupPEL reads a group's PEL: raw IDs with delivery time and count.
// The owners come with the consumers; the returned index maps ID to
// position in g.PEL for them.
func (d *decoder) readGroupPEL(g *StreamGroup) (map[StreamID]int, error) {
	n, err := d.readPlainLen("stream group PEL size")
	if err != nil {
		return nil, err
	}
	index := map[StreamID]int{}
	for i := uint64(0); i < n; i++ {
		at := d.off
		var p StreamPending
		if p.ID, err = d.readRawStreamID("stream PEL ID"); err != nil {
			return nil, err
		}
		if p.DeliveryTime, err = d.readMillis("stream PEL delivery time"); err != nil {
			return nil, err
		}
		if p.DeliveryCount, err = d.readPlainLen("stream PEL delivery count"); err != nil {
			return nil, err
		}
		if _, dup := index[p.ID]; dup {
			return nil, d.errf(at, nil, "stream group %q: duplicate pending entry %s", g.Name, p.ID)
		}
		index[p.ID] = len(g.PEL)
		g.PEL = append(g.PEL, p)
	}
	return index, nil
}

// readConsumers reads a group's consumers, assigning each the group PEL
// entries it lists.
func (d *decoder) readConsumers(g *StreamGroup, pelIndex map[StreamID]int, t byte) error {
	n, err := d.readPlainLen("stream consumer count")
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for i := uint64(0); i < n; i++ {
		at := d.off
		var c StreamConsumer
		if c.Name, err = d.readString("stream consumer name"); err != nil {
			return err
		}
		if names[string(c.Name)] {
			return d.errf(at, nil, "stream group %q: duplicate consumer %q", g.Name, c.Name)
		}
		names[string(c.Name)] = true
		if c.SeenTime, err = d.readMillis("stream consumer seen time"); err != nil {
			return err
		}
		c.ActiveTime = c.SeenTime // Redis's best estimate before type _3
		if t >= typeStreamListpacks3 {
			if c.ActiveTime, err = d.readMillis("stream consumer active time"); err != nil {
				return err
			}
		}
		if err := d.readConsumerPEL(g, &c, pelIndex); err != nil {
			return err
		}
		g.Consumers = append(g.Consumers, c)
	}
	return nil
}

func (d *decoder) readConsumerPEL(g *StreamGroup, c *StreamConsumer, pelIndex map[StreamID]int) error {
	n, err := d.readPlainLen("stream consumer PEL size")
	if err != nil {
		return err
	}
	for i := uint64(0); i < n; i++ {
		at := d.off
		id, err := d.readRawStreamID("stream consumer PEL ID")
		if err != nil {
			return err
		}
		j, ok := pelIndex[id]
		if !ok {
			return d.errf(at, nil, "stream group %q: consumer %q has pending entry %s that is not in the group PEL",
				g.Name, c.Name, id)
		}
		// An ID listed twice, by one consumer or by two: Redis rejects
		// both ("Duplicated consumer PEL entry", "Stream consumer PEL
		// entry already has a consumer assigned").
		if owner := g.PEL[j].Consumer; owner != nil {
			return d.errf(at, nil, "stream group %q: pending entry %s claimed by consumer %q and by %q",
				g.Name, id, owner, c.Name)
		}
		g.PEL[j].Consumer = c.Name
		c.PEL = append(c.PEL, id)
	}
	return nil
}

// estimateEntriesRead is streamEstimateDistanceFromFirstEverEntry: the
// entries_read Redis assigns a group loaded from a type 15 stream.
func (s *Stream) estimateEntriesRead(id StreamID) int64 {
	if s.EntriesAdded == 0 {
		return 0
	}
	if s.Length == 0 && id.Compare(s.LastID) < 1 {
		return int64(s.EntriesAdded)
	}
	if id != (StreamID{}) && id.Compare(s.MaxDeletedID) < 0 {
		return entriesReadUnknown
	}
	switch id.Compare(s.LastID) {
	case 0:
		return int64(s.EntriesAdded)
	case 1:
		return entriesReadUnknown
	}
	if s.MaxDeletedID == (StreamID{}) || s.MaxDeletedID.Compare(s.FirstID) < 0 {
		switch id.Compare(s.FirstID) {
		case -1:
			return int64(s.EntriesAdded - s.Length)
		case 0:
			return int64(s.EntriesAdded - s.Length + 1)
		}
	}
	return entriesReadUnknown
}

// parseStreamListpack validates a stream node listpack as
// streamValidateListpackIntegrity does in deep mode, plus the master
// entry's counts, calling live (if set) with each live entry's ID until it
// returns false, and returns its live entries if collect is set, and the
// listpack: blob itself unless it held integers as strings (rebuilt with
// them as integers, see StreamNode). Field names shared with the master
// entry are shared slices. scratch is for the decoded elements, returned
// for the next node.
func parseStreamListpack(blob []byte, master StreamID, scratch []lpEntry, collect bool, live func(StreamID) bool) ([]StreamEntry, []byte, []lpEntry, error) {
	entries, c, err := parseStreamItems(blob, master, scratch, collect, live)
	if err != nil || c == nil {
		return nil, nil, scratch, err
	}
	if !c.strInts {
		return entries, blob, c.items, nil
	}
	elems := make([][]byte, len(c.items))
	for i, it := range c.items {
		elems[i] = it.bytes()
	}
	return entries, listpack.Build(elems...), c.items, nil
}

func parseStreamItems(blob []byte, master StreamID, scratch []lpEntry, collect bool, live func(StreamID) bool) ([]StreamEntry, *lpCursor, error) {
	items, err := lpDecodeAppend(scratch[:0], blob)
	if err != nil {
		return nil, nil, err
	}
	c := &lpCursor{items: items}
	count, err := c.count("master entry count")
	if err != nil {
		return nil, nil, err
	}
	deleted, err := c.count("master deleted count")
	if err != nil {
		return nil, nil, err
	}
	masterFields, err := c.fieldNames(false)
	if err != nil {
		return nil, nil, err
	}
	if zero, err := c.int("master entry terminator"); err != nil {
		return nil, nil, err
	} else if zero != 0 {
		return nil, nil, fmt.Errorf("master entry terminator is %d, not 0", zero)
	}

	var entries []StreamEntry
	if collect {
		// Every entry takes at least 4 elements: no allocation beyond those.
		entries = make([]StreamEntry, 0, min(count, int64(c.left()/4)))
	}
	var nlive, dead int64
	for c.left() > 0 {
		e, isDeleted, err := c.entry(master, masterFields, collect)
		if err != nil {
			return nil, nil, fmt.Errorf("entry %d: %w", nlive+dead, err)
		}
		if isDeleted {
			dead++
			continue
		}
		nlive++
		if collect {
			entries = append(entries, e)
		}
		if live != nil && !live(e.ID) {
			return nil, nil, nil
		}
	}
	if nlive != count || dead != deleted {
		return nil, nil, fmt.Errorf("master entry counts %d live and %d deleted entries, listpack holds %d and %d",
			count, deleted, nlive, dead)
	}
	return entries, c, nil
}

// lpCursor walks the elements of a stream listpack.
type lpCursor struct {
	items   []lpEntry
	i       int
	strInts bool // an integer was read from a string element
}

var errStreamListpackShort = errors.New("listpack ends inside an entry")

func (c *lpCursor) left() int { return len(c.items) - c.i }

func (c *lpCursor) next() (lpEntry, error) {
	if c.i >= len(c.items) {
		return lpEntry{}, errStreamListpackShort
	}
	c.i++
	return c.items[c.i-1], nil
}

// int reads an integer element; like lpGetIntegerIfValid, a string is
// accepted if it is an integer in canonical form (string2ll).
func (c *lpCursor) int(what string) (int64, error) {
	e, err := c.next()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if e.isInt {
		return e.num, nil
	}
	v, perr := strconv.ParseInt(string(e.str), 10, 64)
	if perr != nil || strconv.FormatInt(v, 10) != string(e.str) {
		return 0, fmt.Errorf("%s is %q, not an integer", what, e.str)
	}
	c.strInts = true
	return v, nil
}

// count reads a non-negative integer.
func (c *lpCursor) count(what string) (int64, error) {
	n, err := c.int(what)
	if err == nil && n < 0 {
		err = fmt.Errorf("%s is negative (%d)", what, n)
	}
	return n, err
}

// fieldNames reads a field count and that many field names, or, with
// values, that many field/value pairs.
func (c *lpCursor) fieldNames(values bool) ([][]byte, error) {
	n, err := c.count("field count")
	if err != nil {
		return nil, err
	}
	per := int64(1)
	if values {
		per = 2
	}
	if n > int64(c.left())/per {
		return nil, fmt.Errorf("field count %d exceeds the %d elements left", n, c.left())
	}
	out := make([][]byte, n*per)
	for i := range out {
		e, _ := c.next() // present: checked above
		out[i] = e.bytes()
	}
	return out, nil
}

// skipFields reads an entry's field count and field/value pairs, into
// fields if collect is set, and returns the count.
func (c *lpCursor) skipFields(collect bool, fields *[][]byte) (int64, error) {
	if collect {
		var err error
		*fields, err = c.fieldNames(true)
		return int64(len(*fields) / 2), err
	}
	n, err := c.count("field count")
	if err != nil {
		return 0, err
	}
	if n > int64(c.left())/2 {
		return 0, fmt.Errorf("field count %d exceeds the %d elements left", n, c.left())
	}
	c.i += int(2 * n)
	return n, nil
}

// entry reads one entry after the master entry, its fields only if
// collect is set.
func (c *lpCursor) entry(master StreamID, masterFields [][]byte, collect bool) (e StreamEntry, deleted bool, err error) {
	flags, err := c.int("flags")
	if err != nil {
		return e, false, err
	}
	if flags&^(streamItemDeleted|streamItemSameFields) != 0 {
		return e, false, fmt.Errorf("unknown flags %#x", flags)
	}
	msDiff, err := c.int("ID ms diff")
	if err != nil {
		return e, false, err
	}
	seqDiff, err := c.int("ID seq diff")
	if err != nil {
		return e, false, err
	}
	// Diffs are two's complement: the ID may be below the master ID.
	e.ID = StreamID{Ms: master.Ms + uint64(msDiff), Seq: master.Seq + uint64(seqDiff)}

	var nfields int64
	extra := int64(3) // flags, ms diff, seq diff
	if flags&streamItemSameFields != 0 {
		nfields = int64(len(masterFields))
		if nfields > int64(c.left()) {
			return e, false, errStreamListpackShort
		}
		if !collect {
			c.i += int(nfields)
		} else {
			e.Fields = make([][]byte, 0, 2*nfields)
			for _, f := range masterFields {
				v, _ := c.next() // present: checked above
				e.Fields = append(e.Fields, f, v.bytes())
			}
		}
	} else {
		if nfields, err = c.skipFields(collect, &e.Fields); err != nil {
			return e, false, err
		}
		extra += nfields + 1 // the field names and their count
	}
	lpCount, err := c.int("lp-count")
	if err != nil {
		return e, false, err
	}
	if lpCount != nfields+extra {
		return e, false, fmt.Errorf("lp-count is %d, entry has %d elements", lpCount, nfields+extra)
	}
	return e, flags&streamItemDeleted != 0, nil
}
