package stream

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"

	"respd/internal/listpack"
)

// This file holds a reference model of a stream, written from Redis 7.0's
// t_stream.c and listpack.c independently of the package: entries grouped
// in nodes as streamAppendItem groups them, XDEL and trimming as
// streamDeleteItem and streamTrim do them, and a listpack encoder of its
// own so that every node can be compared byte for byte.

// mEntry is an entry of the model, deleted or not.
type mEntry struct {
	id      ID
	fields  [][]byte // field, value pairs
	deleted bool
}

// mNode is a node of the model: its master ID and master fields are its
// first entry's.
type mNode struct {
	master       ID
	masterFields [][]byte // field names
	entries      []mEntry
}

func (n *mNode) counts() (live, deleted int64) {
	for _, e := range n.entries {
		if e.deleted {
			deleted++
		} else {
			live++
		}
	}
	return live, deleted
}

func (n *mNode) sameFields(fields [][]byte) bool {
	if len(fields)/2 != len(n.masterFields) {
		return false
	}
	for i, f := range n.masterFields {
		if !bytes.Equal(f, fields[2*i]) {
			return false
		}
	}
	return true
}

// model is the reference stream.
type model struct {
	lim          Limits
	nodes        []*mNode
	length       uint64
	lastID       ID
	firstID      ID
	maxDeletedID ID
	entriesAdded uint64
}

func idLess(a, b ID) bool {
	return a.Ms < b.Ms || a.Ms == b.Ms && a.Seq < b.Seq
}

// nextID is streamAppendItem's ID choice, written out from Redis.
func (m *model) nextID(id *ID, seqGiven bool, nowMs uint64) (ID, error) {
	var next ID
	if id == nil {
		if nowMs > m.lastID.Ms {
			return ID{nowMs, 0}, nil
		}
		if m.lastID == MaxID {
			return ID{}, ErrIDExhausted
		}
		next = m.lastID
		if next.Seq == math.MaxUint64 {
			next = ID{next.Ms + 1, 0}
		} else {
			next.Seq++
		}
		return next, nil
	}
	if seqGiven {
		next = *id
	} else if m.lastID.Ms == id.Ms {
		if m.lastID.Seq == math.MaxUint64 {
			return ID{}, ErrSeqExhausted
		}
		next = ID{id.Ms, m.lastID.Seq + 1}
	} else {
		next = ID{id.Ms, 0}
	}
	if !idLess(m.lastID, next) {
		return ID{}, ErrIDNotGreater
	}
	return next, nil
}

// append is streamAppendItem after the ID: a new node when the tail
// would reach MaxBytes with the entry's fields and values, or holds
// MaxEntries entries, live or deleted.
func (m *model) append(id ID, fields [][]byte) {
	total := 0
	for _, f := range fields {
		total += len(f)
	}
	var tail *mNode
	if len(m.nodes) > 0 {
		tail = m.nodes[len(m.nodes)-1]
		maxBytes := m.lim.MaxBytes
		if maxBytes == 0 || maxBytes > 1<<30 {
			maxBytes = 1 << 30
		}
		if int64(len(encodeNode(tail))+total) >= maxBytes ||
			m.lim.MaxEntries != 0 && int64(len(tail.entries)) >= m.lim.MaxEntries {
			tail = nil
		}
	}
	if tail == nil {
		tail = &mNode{master: id}
		for i := 0; i < len(fields); i += 2 {
			tail.masterFields = append(tail.masterFields, fields[i])
		}
		m.nodes = append(m.nodes, tail)
	}
	tail.entries = append(tail.entries, mEntry{id: id, fields: fields})
	m.length++
	m.entriesAdded++
	m.lastID = id
	if m.length == 1 {
		m.firstID = id
	}
}

// find is the node and index of the live entry id: there may be
// tombstones of the same ID before it, after an XSETID below them.
func (m *model) find(id ID) (int, int) {
	for i, n := range m.nodes {
		for j, e := range n.entries {
			if e.id == id && !e.deleted {
				return i, j
			}
		}
	}
	return -1, -1
}

// delete is streamDeleteItem plus XDEL's max deleted ID, without the
// first ID's update.
func (m *model) delete(id ID) bool {
	i, j := m.find(id)
	if i < 0 {
		return false
	}
	n := m.nodes[i]
	if live, _ := n.counts(); live == 1 {
		m.nodes = slices.Delete(m.nodes, i, i+1)
	} else {
		n.entries[j].deleted = true
	}
	m.length--
	if idLess(m.maxDeletedID, id) {
		m.maxDeletedID = id
	}
	return true
}

// live lists the live entries in ID order.
func (m *model) live() []mEntry {
	var out []mEntry
	for _, n := range m.nodes {
		for _, e := range n.entries {
			if !e.deleted {
				out = append(out, e)
			}
		}
	}
	return out
}

// rangeIDs lists the live entries from start to end, reversed if rev.
func (m *model) rangeEntries(start, end ID, rev bool) []mEntry {
	var out []mEntry
	for _, e := range m.live() {
		if !idLess(e.id, start) && !idLess(end, e.id) {
			out = append(out, e)
		}
	}
	if rev {
		slices.Reverse(out)
	}
	return out
}

func (m *model) updateFirstID() {
	if l := m.live(); len(l) > 0 {
		m.firstID = l[0].id
	} else {
		m.firstID = ID{}
	}
}

// trim is streamTrim: whole nodes from the first while each can go
// entirely (the LIMIT counting their live entries), then, unless
// approximate, the entries of the next node flagged deleted.
func (m *model) trim(a TrimArgs) int64 {
	var removed int64
	for len(m.nodes) > 0 {
		if !a.ByID && m.length <= uint64(a.MaxLen) {
			break
		}
		n := m.nodes[0]
		live, _ := n.counts()
		if a.Limit != 0 && removed+live > a.Limit {
			break
		}
		var whole bool
		if a.ByID {
			whole = idLess(n.entries[len(n.entries)-1].id, a.MinID)
		} else {
			whole = m.length-uint64(live) >= uint64(a.MaxLen)
		}
		if whole {
			m.nodes = m.nodes[1:]
			m.length -= uint64(live)
			removed += live
			continue
		}
		if a.Approx {
			break
		}
		for j := range n.entries {
			e := &n.entries[j]
			if a.ByID && !idLess(e.id, a.MinID) || !a.ByID && m.length <= uint64(a.MaxLen) {
				break
			}
			if !e.deleted {
				e.deleted = true
				m.length--
				removed++
			}
		}
		break
	}
	if removed > 0 {
		m.updateFirstID()
	}
	return removed
}

// firstEntryID is the first node's first entry, deleted or not.
func (m *model) firstEntryID() ID {
	if len(m.nodes) == 0 {
		return MaxID
	}
	return m.nodes[0].entries[0].id
}

func (m *model) hasTombstones(start ID) bool {
	if m.length == 0 || m.maxDeletedID.IsZero() || idLess(m.maxDeletedID, m.firstID) {
		return false
	}
	return !idLess(m.maxDeletedID, start)
}

// estimate is streamEstimateDistanceFromFirstEverEntry.
func (m *model) estimate(id ID) int64 {
	if m.entriesAdded == 0 {
		return 0
	}
	if m.length == 0 && !idLess(m.lastID, id) {
		return int64(m.entriesAdded)
	}
	if id == m.lastID {
		return int64(m.entriesAdded)
	}
	if idLess(m.lastID, id) {
		return EntriesReadUnknown
	}
	if m.maxDeletedID.IsZero() || idLess(m.maxDeletedID, m.firstID) {
		if idLess(id, m.firstID) {
			return int64(m.entriesAdded - m.length)
		}
		if id == m.firstID {
			return int64(m.entriesAdded - m.length + 1)
		}
	}
	return EntriesReadUnknown
}

func (m *model) dup() *model {
	d := *m
	d.nodes = make([]*mNode, len(m.nodes))
	for i, n := range m.nodes {
		c := *n
		c.entries = slices.Clone(n.entries)
		d.nodes[i] = &c
	}
	return &d
}

// ---- an independent listpack encoder (listpack.c) ----

// lpStrictInt is lpStringToInt64: decimal, no sign but '-', no leading
// zero, within int64.
func lpStrictInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	digits := s
	if s[0] == '-' {
		digits = s[1:]
	}
	if len(digits) == 0 || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	return v, err == nil
}

// lpElement encodes one element with its backlen.
func lpElement(s []byte) []byte {
	if v, ok := lpStrictInt(s); ok {
		return lpIntElement(v)
	}
	var enc []byte
	switch n := len(s); {
	case n < 64:
		enc = append([]byte{0x80 | byte(n)}, s...)
	case n < 4096:
		enc = append([]byte{0xe0 | byte(n>>8), byte(n)}, s...)
	default:
		enc = []byte{0xf0, 0, 0, 0, 0}
		binary.LittleEndian.PutUint32(enc[1:], uint32(n))
		enc = append(enc, s...)
	}
	return append(enc, lpBacklen(len(enc))...)
}

func lpIntElement(v int64) []byte {
	var enc []byte
	switch {
	case v >= 0 && v <= 127:
		enc = []byte{byte(v)}
	case v >= -4096 && v <= 4095:
		u := uint64(v) & 0x1fff
		enc = []byte{0xc0 | byte(u>>8), byte(u)}
	case v >= math.MinInt16 && v <= math.MaxInt16:
		enc = []byte{0xf1, byte(v), byte(v >> 8)}
	case v >= -1<<23 && v < 1<<23:
		enc = []byte{0xf2, byte(v), byte(v >> 8), byte(v >> 16)}
	case v >= math.MinInt32 && v <= math.MaxInt32:
		enc = []byte{0xf3, 0, 0, 0, 0}
		binary.LittleEndian.PutUint32(enc[1:], uint32(v))
	default:
		enc = []byte{0xf4, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.LittleEndian.PutUint64(enc[1:], uint64(v))
	}
	return append(enc, lpBacklen(len(enc))...)
}

func lpBacklen(l int) []byte {
	switch {
	case l <= 127:
		return []byte{byte(l)}
	case l < 16383:
		return []byte{byte(l >> 7), byte(l&127) | 128}
	case l < 2097151:
		return []byte{byte(l >> 14), byte((l>>7)&127) | 128, byte(l&127) | 128}
	case l < 268435455:
		return []byte{byte(l >> 21), byte((l>>14)&127) | 128, byte((l>>7)&127) | 128, byte(l&127) | 128}
	}
	return []byte{byte(l >> 28), byte((l>>21)&127) | 128, byte((l>>14)&127) | 128, byte((l>>7)&127) | 128, byte(l&127) | 128}
}

// lpBuild is a listpack of elements, each a []byte (a string, encoded as
// an integer when it reads as one) or an int64.
func lpBuild(elems []any) []byte {
	var body []byte
	for _, e := range elems {
		switch v := e.(type) {
		case int64:
			body = append(body, lpIntElement(v)...)
		case []byte:
			body = append(body, lpElement(v)...)
		default:
			panic(fmt.Sprintf("lpBuild: %T", e))
		}
	}
	lp := make([]byte, 6, 6+len(body)+1)
	binary.LittleEndian.PutUint32(lp, uint32(6+len(body)+1))
	count := len(elems)
	if count >= 65535 {
		count = 65535
	}
	binary.LittleEndian.PutUint16(lp[4:], uint16(count))
	lp = append(lp, body...)
	return append(lp, 0xff)
}

// nodeElements is a node's listpack elements, as streamAppendItem lays
// them out.
func nodeElements(n *mNode) []any {
	live, deleted := n.counts()
	elems := []any{live, deleted, int64(len(n.masterFields))}
	for _, f := range n.masterFields {
		elems = append(elems, f)
	}
	elems = append(elems, int64(0))
	for _, e := range n.entries {
		flags := int64(0)
		same := n.sameFields(e.fields)
		if same {
			flags |= flagSameFields
		}
		if e.deleted {
			flags |= flagDeleted
		}
		elems = append(elems, flags, int64(e.id.Ms-n.master.Ms), int64(e.id.Seq-n.master.Seq))
		count := int64(3)
		if same {
			for i := 1; i < len(e.fields); i += 2 {
				elems = append(elems, e.fields[i])
				count++
			}
		} else {
			elems = append(elems, int64(len(e.fields)/2))
			count++
			for _, f := range e.fields {
				elems = append(elems, f)
				count++
			}
		}
		elems = append(elems, count)
	}
	return elems
}

func encodeNode(n *mNode) []byte { return lpBuild(nodeElements(n)) }

// lpDecode lists a listpack's elements as strings (integers in decimal),
// checking its header, backlens and terminator: an independent reader.
func lpDecode(lp []byte) ([]string, error) {
	if len(lp) < 7 {
		return nil, fmt.Errorf("listpack of %d bytes", len(lp))
	}
	if int(binary.LittleEndian.Uint32(lp)) != len(lp) {
		return nil, fmt.Errorf("total bytes %d, have %d", binary.LittleEndian.Uint32(lp), len(lp))
	}
	var out []string
	p := 6
	for p < len(lp)-1 {
		b := lp[p]
		var size int
		var s string
		switch {
		case b&0x80 == 0:
			size, s = 1, strconv.Itoa(int(b))
		case b&0xc0 == 0x80:
			n := int(b & 0x3f)
			size, s = 1+n, string(lp[p+1:p+1+n])
		case b&0xe0 == 0xc0:
			u := int64(b&0x1f)<<8 | int64(lp[p+1])
			if u >= 1<<12 {
				u -= 1 << 13
			}
			size, s = 2, strconv.FormatInt(u, 10)
		case b&0xf0 == 0xe0:
			n := int(b&0x0f)<<8 | int(lp[p+1])
			size, s = 2+n, string(lp[p+2:p+2+n])
		case b == 0xf0:
			n := int(binary.LittleEndian.Uint32(lp[p+1:]))
			size, s = 5+n, string(lp[p+5:p+5+n])
		case b == 0xf1:
			size, s = 3, strconv.FormatInt(int64(int16(binary.LittleEndian.Uint16(lp[p+1:]))), 10)
		case b == 0xf2:
			u := int32(uint32(lp[p+1])<<8|uint32(lp[p+2])<<16|uint32(lp[p+3])<<24) >> 8
			size, s = 4, strconv.FormatInt(int64(u), 10)
		case b == 0xf3:
			size, s = 5, strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(lp[p+1:]))), 10)
		case b == 0xf4:
			size, s = 9, strconv.FormatInt(int64(binary.LittleEndian.Uint64(lp[p+1:])), 10)
		default:
			return nil, fmt.Errorf("bad encoding %#x at %d", b, p)
		}
		bl := lpBacklen(size)
		if !bytes.Equal(lp[p+size:p+size+len(bl)], bl) {
			return nil, fmt.Errorf("bad backlen at %d", p)
		}
		out = append(out, s)
		p += size + len(bl)
	}
	if p != len(lp)-1 || lp[p] != 0xff {
		return nil, fmt.Errorf("no terminator")
	}
	if n := int(binary.LittleEndian.Uint16(lp[4:])); n != 65535 && n != len(out) {
		return nil, fmt.Errorf("header count %d, have %d elements", n, len(out))
	}
	return out, nil
}

// ---- a canonical radix tree node count, by prefixes ----

// raxCount counts the nodes of a compressed trie of the keys as the set
// of prefix positions that are the root, a key, a branching point or a
// branching point's child: a different derivation from meta.go's.
func raxCount(keys [][16]byte) int {
	children := map[string]map[byte]bool{}
	for _, k := range keys {
		for d := 0; d < 16; d++ {
			p := string(k[:d])
			if children[p] == nil {
				children[p] = map[byte]bool{}
			}
			children[p][k[d]] = true
		}
	}
	nodes := map[string]bool{"": true}
	for _, k := range keys {
		nodes[string(k[:])] = true
	}
	for p, c := range children {
		if len(c) > 1 {
			nodes[p] = true
			for b := range c {
				nodes[p+string([]byte{b})] = true
			}
		}
	}
	return len(nodes)
}

// ---- comparing a stream with the model ----

type failer interface {
	Helper()
	Fatalf(format string, args ...any)
}

func fieldsOf(it *Iter) [][]byte {
	var out [][]byte
	it.Fields(func(f, v listpack.Value) {
		out = append(out, f.Append(nil), v.Append(nil))
	})
	return out
}

func equalFields(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// checkRange compares a Range of s with the model's.
func checkRange(t failer, s *Stream, m *model, start, end ID, rev bool) {
	t.Helper()
	want := m.rangeEntries(start, end, rev)
	it := s.Range(start, end, rev)
	i := 0
	for ; it.Next(); i++ {
		if i >= len(want) {
			t.Fatalf("Range(%v, %v, %v): extra entry %v", start, end, rev, it.ID())
		}
		if it.ID() != want[i].id {
			t.Fatalf("Range(%v, %v, %v)[%d] = %v, want %v", start, end, rev, i, it.ID(), want[i].id)
		}
		if it.NumFields() != len(want[i].fields)/2 {
			t.Fatalf("Range(%v, %v, %v)[%d]: NumFields %d, want %d", start, end, rev, i, it.NumFields(), len(want[i].fields)/2)
		}
		if got := fieldsOf(it); !equalFields(got, want[i].fields) {
			t.Fatalf("Range(%v, %v, %v)[%d] %v: fields %q, want %q", start, end, rev, i, it.ID(), got, want[i].fields)
		}
	}
	if i != len(want) {
		t.Fatalf("Range(%v, %v, %v): %d entries, want %d", start, end, rev, i, len(want))
	}
}

// checkModel compares everything observable of s with the model.
func checkModel(t failer, s *Stream, m *model) {
	t.Helper()
	if s.Len() != m.length || s.LastID() != m.lastID || s.FirstID() != m.firstID ||
		s.MaxDeletedID() != m.maxDeletedID || s.EntriesAdded() != m.entriesAdded {
		t.Fatalf("metadata: len %d last %v first %v maxdel %v added %d; want %d %v %v %v %d",
			s.Len(), s.LastID(), s.FirstID(), s.MaxDeletedID(), s.EntriesAdded(),
			m.length, m.lastID, m.firstID, m.maxDeletedID, m.entriesAdded)
	}
	if s.NodeCount() != len(m.nodes) {
		t.Fatalf("NodeCount %d, want %d", s.NodeCount(), len(m.nodes))
	}
	i := 0
	keys := make([][16]byte, 0, len(m.nodes))
	s.Nodes(func(master ID, lp []byte) bool {
		n := m.nodes[i]
		if master != n.master {
			t.Fatalf("node %d: master %v, want %v", i, master, n.master)
		}
		if want := encodeNode(n); !bytes.Equal(lp, want) {
			got, err := lpDecode(lp)
			t.Fatalf("node %d (%v): listpack\n%x (%q, %v)\nwant\n%x (%v)", i, master, lp, got, err, want, nodeElements(n))
		}
		keys = append(keys, master.Key())
		i++
		return true
	})
	if got, want := s.RaxNodes(), raxCount(keys); got != want {
		t.Fatalf("RaxNodes %d, want %d", got, want)
	}
	checkRange(t, s, m, ID{}, MaxID, false)
	checkRange(t, s, m, ID{}, MaxID, true)
	live := m.live()
	first, ok := s.EdgeID(false)
	last, ok2 := s.EdgeID(true)
	if len(live) == 0 {
		if ok || ok2 || first != MaxID || last != (ID{}) {
			t.Fatalf("EdgeID of an empty stream: %v %v, %v %v", first, ok, last, ok2)
		}
	} else if !ok || !ok2 || first != live[0].id || last != live[len(live)-1].id {
		t.Fatalf("EdgeID: %v %v, %v %v; want %v, %v", first, ok, last, ok2, live[0].id, live[len(live)-1].id)
	}
	if got, want := s.FirstEntryID(), m.firstEntryID(); got != want {
		t.Fatalf("FirstEntryID %v, want %v", got, want)
	}
	probes := []ID{{}, m.firstID, m.lastID, m.maxDeletedID, MaxID}
	if len(live) > 0 {
		probes = append(probes, live[len(live)/2].id)
	}
	for _, p := range probes {
		for _, q := range []ID{p, incr(p), decr(p)} {
			if got, want := s.HasTombstones(q), m.hasTombstones(q); got != want {
				t.Fatalf("HasTombstones(%v) %v, want %v", q, got, want)
			}
			if got, want := s.EstimateEntriesRead(q), m.estimate(q); got != want {
				t.Fatalf("EstimateEntriesRead(%v) %d, want %d", q, got, want)
			}
		}
	}
}

func incr(id ID) ID {
	if n, ok := id.Incr(); ok {
		return n
	}
	return id
}

func decr(id ID) ID {
	if n, ok := id.Decr(); ok {
		return n
	}
	return id
}
