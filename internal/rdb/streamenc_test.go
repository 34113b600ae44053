package rdb

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"respd/internal/listpack"
	"respd/internal/stream"
)

// Redis 7.0's defaults: stream-node-max-bytes 4096, -entries 100.
var redisLimits = stream.Limits{MaxBytes: 4096, MaxEntries: 100}

// streamCase is a stream made by commands that both redis-server and
// applyStreamCommand understand.
type streamCase struct {
	key  string
	cmds [][]string
}

func xadd(key, id string, fv ...string) []string {
	return append([]string{"XADD", key, id}, fv...)
}

// streamCases are streams of one node and of many (by entries and by
// bytes), with tombstones and a node emptied by XDEL, trimmed, emptied,
// with groups whose pending entries belong to several consumers (one of
// them deleted from the stream), consumers without any, and an unknown
// entries-read.
func streamCases() []streamCase {
	var cases []streamCase
	cases = append(cases, streamCase{"small", [][]string{
		xadd("small", "1-1", "name", "a", "age", "1"),
		xadd("small", "1-2", "name", "b", "age", "-300000"),
		xadd("small", "2-0", "city", "x"),
		xadd("small", "5-7", "7", "9223372036854775807", "", ""),
	}})
	var big [][]string
	for i := range 250 {
		v := strconv.Itoa(i * 7919)
		if i%3 == 0 {
			v = strings.Repeat("value", i%20) + v
		}
		fv := []string{"field", v, "n", strconv.Itoa(-i)}
		if i%10 == 0 {
			fv = append(fv, "extra", "x")
		}
		big = append(big, xadd("big", fmt.Sprintf("%d-%d", 1000+i/4, i%4), fv...))
	}
	cases = append(cases, streamCase{"big", big})
	var tomb [][]string
	tomb = append(tomb, big...)
	for i := range tomb {
		tomb[i] = slices.Clone(tomb[i])
		tomb[i][1] = "tomb"
	}
	tomb = append(tomb,
		[]string{"XDEL", "tomb", "1000-0", "1000-2", "1010-1", "1049-3"},
		[]string{"XDEL", "tomb", "1025-0"}, // the first entry of the second node
	)
	for i := 100; i < 200; i++ { // the whole second node
		tomb = append(tomb, []string{"XDEL", "tomb", fmt.Sprintf("%d-%d", 1000+i/4, i%4)})
	}
	cases = append(cases, streamCase{"tomb", tomb})
	var bytesNodes [][]string
	for i := range 40 {
		bytesNodes = append(bytesNodes, xadd("bytes", fmt.Sprintf("%d-0", i+1), "payload", strings.Repeat(string(rune('a'+i%26)), 300+i*10)))
	}
	bytesNodes = append(bytesNodes, []string{"XTRIM", "bytes", "MAXLEN", "~", "25"}, []string{"XTRIM", "bytes", "MAXLEN", "20"})
	cases = append(cases, streamCase{"bytes", bytesNodes})
	groups := [][]string{
		xadd("groups", "1-0", "a", "1"), xadd("groups", "2-0", "a", "2"), xadd("groups", "3-0", "b", "3"),
		xadd("groups", "4-0", "a", "4"), xadd("groups", "5-0", "a", "5"),
		{"XGROUP", "CREATE", "groups", "g1", "3-0", "ENTRIESREAD", "3"},
		{"XGROUP", "CREATE", "groups", "g2", "0-0", "ENTRIESREAD", "0"},
		{"XGROUP", "CREATE", "groups", "unknown", "4-0", "ENTRIESREAD", "-1"},
		{"XGROUP", "CREATECONSUMER", "groups", "g1", "idle"},
		{"XCLAIM", "groups", "g1", "alice", "0", "1-0", "TIME", "1700000000001", "RETRYCOUNT", "2", "JUSTID", "FORCE"},
		{"XCLAIM", "groups", "g1", "bob", "0", "2-0", "TIME", "1700000000002", "RETRYCOUNT", "1", "JUSTID", "FORCE"},
		{"XCLAIM", "groups", "g1", "alice", "0", "3-0", "TIME", "1700000000003", "RETRYCOUNT", "7", "JUSTID", "FORCE"},
		{"XCLAIM", "groups", "g2", "carol", "0", "5-0", "TIME", "1700000000004", "RETRYCOUNT", "1", "JUSTID", "FORCE"},
		{"XDEL", "groups", "2-0"},
		{"XSETID", "groups", "9-9", "ENTRIESADDED", "12", "MAXDELETEDID", "2-0"},
	}
	cases = append(cases, streamCase{"groups", groups})
	cases = append(cases, streamCase{"emptied", [][]string{
		xadd("emptied", "1-0", "a", "1"), xadd("emptied", "2-0", "a", "2"),
		{"XGROUP", "CREATE", "emptied", "g", "$", "ENTRIESREAD", "2"},
		{"XDEL", "emptied", "1-0", "2-0"},
	}})
	return cases
}

func parseID(t testing.TB, s string) stream.ID {
	t.Helper()
	ms, seq, _ := strings.Cut(s, "-")
	a, err1 := strconv.ParseUint(ms, 10, 64)
	b, err2 := strconv.ParseUint(seq, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad ID %q", s)
	}
	return stream.ID{Ms: a, Seq: b}
}

// applyStreamCommand does to s with the stream API what cmd does in Redis,
// for the forms streamCases use.
func applyStreamCommand(t testing.TB, s *stream.Stream, cmd []string) {
	t.Helper()
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%q: %v", cmd, err)
		}
		return n
	}
	switch cmd[0] {
	case "XADD":
		var fields [][]byte
		for _, f := range cmd[3:] {
			fields = append(fields, []byte(f))
		}
		if err := s.Append(parseID(t, cmd[2]), fields, redisLimits); err != nil {
			t.Fatalf("%q: %v", cmd, err)
		}
	case "XDEL":
		for _, id := range cmd[2:] {
			s.Delete(parseID(t, id))
		}
		s.UpdateFirstID()
	case "XTRIM":
		args := stream.TrimArgs{MaxLen: num(cmd[len(cmd)-1]), Approx: cmd[3] == "~"}
		if args.Approx {
			args.Limit = 100 * redisLimits.MaxEntries
		}
		s.Trim(args)
	case "XSETID":
		s.SetMeta(parseID(t, cmd[2]), parseID(t, cmd[6]), uint64(num(cmd[4])))
	case "XGROUP":
		switch cmd[1] {
		case "CREATE":
			id := s.LastID()
			if cmd[4] != "$" {
				id = parseID(t, cmd[4])
			}
			s.CreateGroup(cmd[3], id, num(cmd[6]))
		case "CREATECONSUMER":
			s.Group(cmd[3]).CreateConsumer(cmd[4], 0)
		}
	case "XCLAIM":
		g := s.Group(cmd[2])
		c := g.Consumer(cmd[3])
		if c == nil {
			c, _ = g.CreateConsumer(cmd[3], 0)
		}
		id := parseID(t, cmd[5])
		if g.Pending(id) == nil {
			g.Deliver(id, c, 0)
		}
		n := g.Pending(id)
		g.SetOwner(id, n, c)
		n.DeliveryTime, n.DeliveryCount = num(cmd[7]), uint64(num(cmd[9]))
	default:
		t.Fatalf("applyStreamCommand: %q", cmd)
	}
}

func buildStream(t testing.TB, c streamCase) *stream.Stream {
	s := stream.New()
	for _, cmd := range c.cmds {
		applyStreamCommand(t, s, cmd)
	}
	return s
}

// setSeenTimes gives s's consumers the seen times of the decoded stream
// from: Redis's are its clock's, at the commands.
func setSeenTimes(s *stream.Stream, from *Stream) {
	for _, g := range from.Groups {
		for _, c := range g.Consumers {
			s.Group(string(g.Name)).Consumer(string(c.Name)).SeenTime = c.SeenTime
		}
	}
}

func streamPayload(s *stream.Stream, uncompressed bool) []byte {
	p := NewPayload(uncompressed)
	p.Stream(nil, s, 0)
	return p.Bytes()
}

// checkStreamValue compares a stream decoded from a file or payload with
// the stream it was written from, node by node and field by field, and
// the stream rebuilt from it (Value) too.
func checkStreamValue(t *testing.T, what string, got *Stream, want *stream.Stream) {
	t.Helper()
	got.ReadEntries()
	var nodes []StreamNode
	want.Nodes(func(master stream.ID, lp []byte) bool {
		nodes = append(nodes, StreamNode{StreamID(master), lp})
		return true
	})
	if len(got.Nodes) != len(nodes) {
		t.Fatalf("%s: %d nodes, want %d", what, len(got.Nodes), len(nodes))
	}
	for i, n := range nodes {
		if got.Nodes[i].Master != n.Master || !bytes.Equal(got.Nodes[i].Listpack, n.Listpack) {
			t.Fatalf("%s: node %d is %s %q, want %s %q", what, i, got.Nodes[i].Master, got.Nodes[i].Listpack, n.Master, n.Listpack)
		}
	}
	compareStreams(t, what, got, fromValue(want))
	compareStreams(t, what+", rebuilt", fromValue(got.Value()), fromValue(want))
}

// fromValue describes a stream.Stream as the decoder's Stream, for
// compareStreams (active times are seen times, as type 19 loads them).
func fromValue(v *stream.Stream) *Stream {
	s := &Stream{Length: v.Len(), LastID: StreamID(v.LastID()), FirstID: StreamID(v.FirstID()),
		MaxDeletedID: StreamID(v.MaxDeletedID()), EntriesAdded: v.EntriesAdded()}
	for it := v.Range(stream.ID{}, stream.MaxID, false); it.Next(); {
		e := StreamEntry{ID: StreamID(it.ID())}
		it.Fields(func(f, val listpack.Value) {
			e.Fields = append(e.Fields, f.Append(nil), val.Append(nil))
		})
		s.Entries = append(s.Entries, e)
	}
	v.Groups(func(g *stream.Group) bool {
		sg := StreamGroup{Name: []byte(g.Name), LastID: StreamID(g.LastID), EntriesRead: g.EntriesRead}
		g.PendingRange(stream.ID{}, func(id stream.ID, n *stream.NACK) bool {
			sg.PEL = append(sg.PEL, StreamPending{StreamID(id), n.DeliveryTime, n.DeliveryCount, []byte(n.Consumer.Name)})
			return true
		})
		g.Consumers(func(c *stream.Consumer) bool {
			sc := StreamConsumer{Name: []byte(c.Name), SeenTime: c.SeenTime, ActiveTime: c.SeenTime}
			c.PendingRange(stream.ID{}, func(id stream.ID, _ *stream.NACK) bool {
				sc.PEL = append(sc.PEL, StreamID(id))
				return true
			})
			sg.Consumers = append(sg.Consumers, sc)
			return true
		})
		s.Groups = append(s.Groups, sg)
		return true
	})
	return s
}

// Streams written by Encoder and Payload decode to what they were, node
// for node, compressed or not, with a TTL, and rebuild (Value) as they
// were; redis-check-rdb accepts the file.
func TestStreamRoundTrip(t *testing.T) {
	cases := streamCases()
	for _, uncompressed := range []bool{false, true} {
		var buf bytes.Buffer
		enc, err := NewEncoder(&buf, Header{Version: "7.0.15", Uncompressed: uncompressed})
		if err != nil {
			t.Fatal(err)
		}
		enc.SelectDB(0, uint64(len(cases)), 1)
		want := map[string]*stream.Stream{}
		for i, c := range cases {
			s := buildStream(t, c)
			want[c.key] = s
			if err := enc.Stream([]byte(c.key), s, int64(i)*1000); err != nil {
				t.Fatal(err)
			}
			rec, err := Undump(streamPayload(s, uncompressed))
			if err != nil {
				t.Fatalf("%s: Undump: %v", c.key, err)
			}
			checkStreamValue(t, c.key+" (payload)", rec.Stream, s)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		recs, err := loadStreams(t, buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			r := recs[c.key]
			if r.Type != typeStreamListpacks2 || r.ExpireMs != int64(i)*1000 {
				t.Errorf("%s: type %d, expire %d", c.key, r.Type, r.ExpireMs)
			}
			checkStreamValue(t, c.key, r.Stream, want[c.key])
		}
		if out, err := redisCheckRDB(t, buf.Bytes()); err != nil {
			t.Errorf("redis-check-rdb: %v\n%s", err, out)
		}
	}
}

// The same commands in redis-server 7.0 and through the stream API give
// the same DUMP payload, byte for byte (consumers' seen times, Redis's
// clock, taken from its payload); the file respd writes loads in
// redis-server as the same streams (its DUMP of each is the same again).
func TestStreamPayloadMatchesRedis(t *testing.T) {
	cases := streamCases()
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, Header{Version: "7.0.15"})
	enc.SelectDB(0, uint64(len(cases)), 0)
	for _, c := range cases {
		enc.Stream([]byte(c.key), buildStream(t, c), 0)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	var empty bytes.Buffer
	e, _ := NewEncoder(&empty, Header{Version: "7.0.15"})
	e.Close()
	theirs := startRedisConn(t, empty.Bytes())
	mine := startRedisConn(t, buf.Bytes())
	for _, c := range cases {
		for _, cmd := range c.cmds {
			theirs.do(cmd...)
		}
		payload := []byte(theirs.do("DUMP", c.key).(string))
		rec, err := Undump(payload)
		if err != nil {
			t.Fatalf("%s: Undump(Redis's payload): %v", c.key, err)
		}
		s := buildStream(t, c)
		setSeenTimes(s, rec.Stream)
		checkStreamValue(t, c.key+" (Redis's payload)", rec.Stream, s)
		if got := streamPayload(s, false); !bytes.Equal(got, payload) {
			t.Errorf("%s: payload differs from redis-server's:\n%q\n%q", c.key, got, payload)
		}
		loaded := []byte(mine.do("DUMP", c.key).(string))
		if rec, err := Undump(loaded); err != nil {
			t.Errorf("%s: respd's file in redis-server: %v", c.key, err)
		} else {
			setSeenTimes(s, rec.Stream) // 0 as written
			if got := streamPayload(s, false); !bytes.Equal(got, loaded) {
				t.Errorf("%s: respd's file in redis-server DUMPs as\n%q\nnot\n%q", c.key, loaded, got)
			}
		}
	}
}

// FuzzStreamNodes feeds arbitrary stream values to the decoder; whatever
// decodes rebuilds (Value) into a stream that the stream package walks
// without panicking both ways, with the decoder's entries, and that
// encodes back to the nodes it was read from and decodes the same again.
func FuzzStreamNodes(f *testing.F) {
	for _, c := range streamCases() {
		p := streamPayload(buildStream(f, c), false)
		f.Add(p[1 : len(p)-10])
	}
	f.Add(sampleStream().value(typeStreamListpacks2))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := newRaw(10)
		r.b(typeStreamListpacks2).str("s")
		r.Write(in)
		r.b(opEOF, 0, 0, 0, 0, 0, 0, 0, 0) // checksum 0: not checked
		recs, err := loadStreams(t, r.Bytes())
		rec, ok := recs["s"]
		if err != nil || !ok || rec.Stream == nil { // the input went on to other keys
			return
		}
		v := rec.Stream.Value()
		got := fromValue(v)
		want := *rec.Stream
		want.Groups = nil
		got.Groups = nil
		compareStreams(t, "rebuilt", got, &want)
		var back []StreamID
		for it := v.Range(stream.ID{}, stream.MaxID, true); it.Next(); {
			back = append(back, StreamID(it.ID()))
		}
		if len(back) != len(rec.Stream.Entries) {
			t.Fatalf("%d entries backwards, %d forwards", len(back), len(rec.Stream.Entries))
		}
		for i, id := range back {
			if e := rec.Stream.Entries[len(back)-1-i]; e.ID != id {
				t.Fatalf("backwards, entry %d is %s, not %s", i, id, e.ID)
			}
		}
		again, err := Undump(streamPayload(v, false))
		if err != nil {
			t.Fatalf("re-encoded: %v", err)
		}
		checkStreamValue(t, "re-encoded", again.Stream, v)

		// Written to as XADD, XDEL and XTRIM write, the stream keeps
		// nodes the decoder takes.
		if next, ok := v.LastID().Incr(); ok {
			if err := v.Append(next, [][]byte{[]byte("f"), []byte("v")}, redisLimits); err != nil {
				t.Fatal(err)
			}
		}
		for i, e := range rec.Stream.Entries {
			// As XDEL finds an entry: streamIteratorStart's seek (Stream.Delete
			// looks in one node only).
			if it := v.Range(stream.ID(e.ID), stream.ID(e.ID), false); i%2 == 0 && it.Next() {
				it.Delete()
			} else if i%2 == 0 {
				t.Fatalf("entry %s not found", e.ID)
			}
		}
		v.UpdateFirstID()
		v.Trim(stream.TrimArgs{MaxLen: int64(v.Len() / 2)})
		again, err = Undump(streamPayload(v, false))
		if err != nil {
			t.Fatalf("written to: %v", err)
		}
		checkStreamValue(t, "written to", again.Stream, v)
	})
}

// A node storing counts, flags or ID diffs as strings of digits (Redis
// reads them, never writes them) is rebuilt with them as integers: the
// stream package reads integers only. A node Redis wrote is kept as it is.
func TestStreamNodeOfStringIntegers(t *testing.T) {
	n := streamNode(
		tEntry{id: mkID(7, 9), fv: []string{"f", "1"}},
		tEntry{id: mkID(8, 0), fv: []string{"f", "x"}},
		tEntry{id: mkID(8, 1), fv: []string{"g", "y"}},
	)
	stored := buildListpack(n.elems...)
	n.elems[0] = lpStr("3")   // count
	n.elems[12] = lpStr("-9") // seq diff of 8-0
	n.elems[15] = lpStr("0")  // flags of 8-1
	ts := &tStream{nodes: []tNode{n}, length: 3, last: mkID(8, 1), first: mkID(7, 9), added: 3}
	got := decodeOne(t, streamFile(typeStreamListpacks2, []string{"s"}, ts))
	if len(got.Nodes) != 1 || !bytes.Equal(got.Nodes[0].Listpack, stored) {
		t.Fatalf("the node is %q, want %q", got.Nodes[0].Listpack, stored)
	}
	checkStreamValue(t, "rebuilt", got, got.Value())

	ts.nodes[0].elems = nil
	ts.nodes[0].blob = bytes.Clone(stored)
	if got := decodeOne(t, streamFile(typeStreamListpacks2, []string{"s"}, ts)); !bytes.Equal(got.Nodes[0].Listpack, ts.nodes[0].blob) {
		t.Fatalf("a node Redis wrote is %q, want %q", got.Nodes[0].Listpack, ts.nodes[0].blob)
	}
}

// A live entry may sit below its node's master ID (Redis makes one: XTRIM
// MINID leaves a node of tombstones, XSETID goes back, XADD appends to
// it), but not at or past the next node's, which Redis never writes and
// lookups by ID could not find: refused.
func TestStreamNodesOverlapping(t *testing.T) {
	below := streamNode(
		tEntry{id: mkID(5, 0), fv: []string{"a", "1"}, deleted: true},
		tEntry{id: mkID(4, 9), fv: []string{"a", "2"}},
	)
	ts := &tStream{nodes: []tNode{streamNode(tEntry{id: mkID(1, 0), fv: []string{"a", "0"}}), below},
		length: 2, last: mkID(4, 9), first: mkID(1, 0), maxDl: mkID(5, 0), added: 3}
	got := decodeOne(t, streamFile(typeStreamListpacks2, []string{"s"}, ts))
	v := got.Value()
	if it := v.Range(stream.ID{Ms: 4, Seq: 9}, stream.ID{Ms: 4, Seq: 9}, false); !it.Next() {
		t.Error("4-9 not found by its ID")
	}
	ts.nodes = []tNode{streamNode(tEntry{id: mkID(1, 0), fv: []string{"a", "0"}}, tEntry{id: mkID(6, 0), fv: []string{"a", "1"}}), below}
	ts.length, ts.last = 3, mkID(6, 0)
	if _, err := loadStreams(t, streamFile(typeStreamListpacks2, []string{"s"}, ts)); err == nil || !strings.Contains(err.Error(), "of a node before is not below it") {
		t.Errorf("overlapping nodes: %v", err)
	}
}
