package stream

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The goldens of golden_data_test.go were taken from redis-server 7.0.15:
// each scenario's commands were run on it with the scenario's
// stream-node-max-entries and stream-node-max-bytes, recording after each
// command whether it failed, XINFO STREAM's radix-tree-nodes and XINFO
// GROUPS's entries-read and lag; and at the end XINFO STREAM and the
// nodes of DUMP's payload (master key, listpack), saved without
// compression.

type goldenScenario struct {
	name  string
	lim   Limits
	cmds  [][]string
	steps []goldenStep
	final *goldenFinal
	nodes []goldenNode
}

type goldenStep struct {
	err    bool
	rax    int // 0: the key did not exist
	groups []goldenGroup
}

type goldenGroup struct {
	name        string
	entriesRead int64 // -1: nil
	lag         int64 // -1: nil
	lastID      string
}

type goldenFinal struct {
	length               uint64
	raxKeys, raxNodes    int
	lastID, maxDeletedID string
	entriesAdded         uint64
	firstID              string
}

type goldenNode struct {
	key string // hex
	lp  string // hex
}

type raxStep struct {
	op   string // +ID (XADD) or -ID (XDEL)
	want int
}

func mustID(t testing.TB, s string) ID {
	t.Helper()
	id, ok := parseTestID(s)
	if !ok {
		t.Fatalf("bad ID %q", s)
	}
	return id
}

// parseTestID reads <ms>[-<seq>].
func parseTestID(s string) (ID, bool) {
	ms, seq, found := strings.Cut(s, "-")
	a, err := strconv.ParseUint(ms, 10, 64)
	if err != nil {
		return ID{}, false
	}
	if !found {
		return ID{a, 0}, true
	}
	b, err := strconv.ParseUint(seq, 10, 64)
	return ID{a, b}, err == nil
}

// interp runs the commands of the goldens on a Stream as streams.go does
// (XADD, XDEL, XTRIM, XSETID, XGROUP CREATE|SETID, XREADGROUP ... >,
// XACK), and on the model where it applies.
type interp struct {
	t   testing.TB
	lim Limits
	s   *Stream
	m   *model // nil: not kept
	now int64

	quiet bool // Delete's disagreements with the model unreported
}

var errCmd = errors.New("command failed")

func (in *interp) trimArgs(args []string) (TrimArgs, []string, bool) {
	var a TrimArgs
	if len(args) == 0 {
		return a, args, false
	}
	switch strings.ToUpper(args[0]) {
	case "MAXLEN":
	case "MINID":
		a.ByID = true
	default:
		return a, args, false
	}
	args = args[1:]
	switch args[0] {
	case "~":
		a.Approx = true
		args = args[1:]
	case "=":
		args = args[1:]
	}
	if a.ByID {
		a.MinID = mustID(in.t, args[0])
	} else {
		n, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			in.t.Fatalf("bad MAXLEN %q", args[0])
		}
		a.MaxLen = n
	}
	args = args[1:]
	limitGiven := false
	if len(args) > 0 && strings.ToUpper(args[0]) == "LIMIT" {
		n, _ := strconv.ParseInt(args[1], 10, 64)
		a.Limit, limitGiven = n, true
		args = args[2:]
	}
	// streamParseAddOrTrimArgsOrReply's LIMIT.
	if a.Approx {
		if !limitGiven {
			a.Limit = 100 * in.lim.MaxEntries
		}
		if a.Limit <= 0 {
			a.Limit = 10000
		}
		if a.Limit > 1000000 {
			a.Limit = 1000000
		}
	} else {
		a.Limit = 0
	}
	return a, args, true
}

func (in *interp) trim(a TrimArgs) {
	got := in.s.Trim(a)
	if in.m != nil {
		if want := in.m.trim(a); got != want {
			in.t.Fatalf("Trim(%+v) = %d, model %d", a, got, want)
		}
	}
}

func (in *interp) run(cmd []string) error {
	t, s := in.t, in.s
	in.now++
	switch name := strings.ToUpper(cmd[0]); name {
	case "XADD":
		args := cmd[2:]
		ta, args, trim := in.trimArgs(args)
		idArg := args[0]
		var idp *ID
		seqGiven := true
		switch {
		case idArg == "*":
		case strings.HasSuffix(idArg, "-*"):
			ms, err := strconv.ParseUint(strings.TrimSuffix(idArg, "-*"), 10, 64)
			if err != nil {
				t.Fatalf("bad ID %q", idArg)
			}
			idp, seqGiven = &ID{ms, 0}, false
		default:
			id := mustID(t, idArg)
			if id.IsZero() {
				return errCmd // must be greater than 0-0
			}
			idp = &id
		}
		id, err := s.NextID(idp, seqGiven, 0)
		if in.m != nil {
			mid, merr := in.m.nextID(idp, seqGiven, 0)
			if mid != id && err == nil || !errors.Is(err, merr) {
				t.Fatalf("NextID(%s) = %v, %v; model %v, %v", idArg, id, err, mid, merr)
			}
		}
		if err != nil {
			return errCmd
		}
		var fields [][]byte
		for _, a := range args[1:] {
			fields = append(fields, []byte(a))
		}
		if err := s.Append(id, fields, in.lim); err != nil {
			t.Fatalf("Append: %v", err)
		}
		if in.m != nil {
			in.m.append(id, fields)
		}
		if trim {
			in.trim(ta)
		}
	case "XDEL":
		deleted := 0
		for _, a := range cmd[2:] {
			id := mustID(t, a)
			ok := s.Delete(id)
			if in.m != nil {
				if want := in.m.delete(id); want != ok {
					if !in.quiet {
						t.Errorf("Delete(%v) = %v, model (redis-server) %v", id, ok, want)
					}
					ok = want
				}
			}
			if ok {
				deleted++
			}
		}
		if deleted > 0 {
			s.UpdateFirstID()
			if in.m != nil {
				in.m.updateFirstID()
			}
		}
	case "XTRIM":
		ta, _, ok := in.trimArgs(cmd[2:])
		if !ok {
			t.Fatalf("bad XTRIM %q", cmd)
		}
		in.trim(ta)
	case "XSETID":
		last := mustID(t, cmd[2])
		maxDel, added := s.MaxDeletedID(), s.EntriesAdded()
		for i := 3; i+1 < len(cmd); i += 2 {
			switch strings.ToUpper(cmd[i]) {
			case "ENTRIESADDED":
				added, _ = strconv.ParseUint(cmd[i+1], 10, 64)
			case "MAXDELETEDID":
				maxDel = mustID(t, cmd[i+1])
			}
		}
		s.SetMeta(last, maxDel, added)
		if in.m != nil {
			in.m.lastID, in.m.maxDeletedID, in.m.entriesAdded = last, maxDel, added
		}
	case "XGROUP":
		sub := strings.ToUpper(cmd[1])
		var id ID
		if cmd[4] == "$" {
			id = s.LastID()
		} else {
			id = mustID(t, cmd[4])
		}
		entriesRead := int64(EntriesReadUnknown)
		for i := 5; i < len(cmd); i++ {
			if strings.ToUpper(cmd[i]) == "ENTRIESREAD" {
				entriesRead, _ = strconv.ParseInt(cmd[i+1], 10, 64)
				i++
			}
		}
		switch sub {
		case "CREATE":
			if _, ok := s.CreateGroup(cmd[3], id, entriesRead); !ok {
				return errCmd
			}
		case "SETID":
			g := s.Group(cmd[3])
			if g == nil {
				return errCmd
			}
			g.LastID, g.EntriesRead = id, entriesRead
		default:
			t.Fatalf("XGROUP %s", sub)
		}
	case "XREADGROUP":
		// XREADGROUP GROUP g c [COUNT n] STREAMS key >
		g := s.Group(cmd[2])
		if g == nil {
			return errCmd
		}
		count := 0
		if strings.ToUpper(cmd[4]) == "COUNT" {
			count, _ = strconv.Atoi(cmd[5])
		}
		c := g.Consumer(cmd[3])
		if c == nil {
			c, _ = g.CreateConsumer(cmd[3], in.now)
		}
		start, _ := g.LastID.Incr()
		it := s.Range(start, MaxID, false)
		for n := 0; (count == 0 || n < count) && it.Next(); n++ {
			id := it.ID()
			if g.EntriesRead != EntriesReadUnknown && !s.HasTombstones(id) {
				g.EntriesRead++
			} else if s.EntriesAdded() > 0 {
				g.EntriesRead = s.EstimateEntriesRead(id)
			}
			g.LastID = id
			g.Deliver(id, c, in.now)
		}
	case "XACK":
		g := s.Group(cmd[2])
		if g == nil {
			return nil
		}
		for _, a := range cmd[3:] {
			g.Ack(mustID(t, a))
		}
	default:
		t.Fatalf("unknown command %q", cmd)
	}
	return nil
}

func checkGolden(t *testing.T, sc goldenScenario, withModel bool) {
	in := &interp{t: t, lim: sc.lim, s: New()}
	if withModel {
		in.m = &model{lim: sc.lim}
	}
	s := in.s
	for i, cmd := range sc.cmds {
		err := in.run(cmd)
		st := sc.steps[i]
		if (err != nil) != st.err {
			t.Fatalf("%q: error %v, redis-server's %v", cmd, err, st.err)
		}
		if st.rax != 0 {
			if got := s.RaxNodes(); got != st.rax {
				t.Errorf("%q: RaxNodes %d, redis-server's radix-tree-nodes %d (nodes %v)", cmd, got, st.rax, masters(s))
			}
		}
		if st.groups != nil {
			var got []goldenGroup
			s.Groups(func(g *Group) bool {
				lag, ok := s.Lag(g)
				if !ok {
					lag = -1
				}
				got = append(got, goldenGroup{g.Name, g.EntriesRead, lag, g.LastID.String()})
				return true
			})
			if fmt.Sprint(got) != fmt.Sprint(st.groups) {
				t.Errorf("step %d %q: groups (name entries-read lag last-id) %v, redis-server's %v", i, cmd, got, st.groups)
			}
		}
		if in.m != nil {
			checkModel(t, s, in.m)
		}
	}
	if f := sc.final; f != nil {
		if s.Len() != f.length || s.NodeCount() != f.raxKeys || s.RaxNodes() != f.raxNodes ||
			s.LastID().String() != f.lastID || s.MaxDeletedID().String() != f.maxDeletedID ||
			s.EntriesAdded() != f.entriesAdded || s.FirstID().String() != f.firstID {
			t.Errorf("XINFO STREAM: length %d keys %d nodes %d last %v maxdel %v added %d first %v; redis-server's %+v",
				s.Len(), s.NodeCount(), s.RaxNodes(), s.LastID(), s.MaxDeletedID(), s.EntriesAdded(), s.FirstID(), *f)
		}
	}
	if sc.nodes != nil {
		i := 0
		s.Nodes(func(master ID, lp []byte) bool {
			if i >= len(sc.nodes) {
				t.Errorf("extra node %v", master)
				return false
			}
			key := master.Key()
			if hex.EncodeToString(key[:]) != sc.nodes[i].key {
				t.Errorf("node %d: key %x, redis-server's %s", i, key, sc.nodes[i].key)
			}
			want, _ := hex.DecodeString(sc.nodes[i].lp)
			if !bytes.Equal(lp, want) {
				g, _ := lpDecode(lp)
				w, _ := lpDecode(want)
				t.Errorf("node %d (%v): listpack\n%x\n%q\nredis-server's\n%x\n%q", i, master, lp, g, want, w)
			}
			i++
			return true
		})
		if i != len(sc.nodes) {
			t.Errorf("%d nodes, redis-server's %d", i, len(sc.nodes))
		}
	}
}

func masters(s *Stream) []ID {
	var out []ID
	s.Nodes(func(m ID, _ []byte) bool { out = append(out, m); return true })
	return out
}

// TestLayoutGoldens: the listpacks are redis-server's byte for byte, and
// so are the model's (so the model's encoder is checked too).
func TestLayoutGoldens(t *testing.T) {
	for _, sc := range layoutGoldens {
		t.Run(sc.name, func(t *testing.T) { checkGolden(t, sc, true) })
	}
}

// TestGroupGoldens: XINFO GROUPS's entries-read and lag after
// redis-server's consumer group lag tests and random sequences.
func TestGroupGoldens(t *testing.T) {
	for _, sc := range groupGoldens {
		t.Run(sc.name, func(t *testing.T) { checkGolden(t, sc, true) })
	}
}

// TestRaxNodesGoldens: XINFO STREAM's radix-tree-nodes with one entry a
// node, after each XADD and XDEL.
func TestRaxNodesGoldens(t *testing.T) {
	for ci, steps := range raxGoldens {
		s := New()
		var keys [][16]byte
		for _, st := range steps {
			id := mustID(t, st.op[1:])
			if st.op[0] == '+' {
				if err := s.Append(id, [][]byte{[]byte("a"), []byte("1")}, Limits{MaxEntries: 1}); err != nil {
					t.Fatal(err)
				}
			} else if !s.Delete(id) {
				t.Fatalf("case %d: Delete(%v) false", ci, id)
			}
			keys = keys[:0]
			for _, m := range masters(s) {
				keys = append(keys, m.Key())
			}
			if got := s.RaxNodes(); got != st.want {
				t.Errorf("case %d after %s: keys %v: RaxNodes %d, redis-server's %d", ci, st.op, masters(s), got, st.want)
			}
			if got := raxCount(keys); got != st.want {
				t.Errorf("case %d after %s: keys %v: raxCount %d, redis-server's %d", ci, st.op, masters(s), got, st.want)
			}
		}
	}
}

// TestRaxNodesTable: radix-tree-nodes for sets of master IDs, as
// redis-server 7.0.15 reported them after XADDs with
// stream-node-max-entries 1.
func TestRaxNodesTable(t *testing.T) {
	const max = math.MaxUint64
	cases := []struct {
		ids  []ID
		want int
	}{
		{nil, 1},
		{[]ID{{1, 0}}, 2},
		{[]ID{{1, 0}, {2, 0}}, 6},
		{[]ID{{1, 0}, {1, 1}}, 4},
		{[]ID{{1, 0}, {255, 0}}, 6},
		{[]ID{{1, 0}, {256, 0}}, 6},
		{[]ID{{255, 0}, {256, 0}}, 6},
		{[]ID{{1, 0}, {65536, 0}}, 6},
		{[]ID{{1, 0}, {1 << 32, 0}}, 6},
		{[]ID{{1, 0}, {2, 0}, {3, 0}}, 8},
		{[]ID{{1, 0}, {1, 1}, {2, 0}}, 8},
		{[]ID{{1, 0}, {256, 0}, {257, 0}}, 9},
		{[]ID{{0, 1}, {0, 2}, {0, 256}, {0, 65536}, {1, 0}}, 14},
		{[]ID{{1 << 32, 0}, {1 << 32, 1}, {max, max}}, 7},
		{[]ID{{1, 1}, {1, 2}, {1, max}}, 8},
		{[]ID{{max - 1, 0}, {max, 0}, {max, max}}, 9},
	}
	for _, c := range cases {
		s := New()
		for _, id := range c.ids {
			if err := s.Append(id, [][]byte{[]byte("a"), []byte("1")}, Limits{MaxEntries: 1}); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.RaxNodes(); got != c.want {
			t.Errorf("%v: RaxNodes %d, want %d", c.ids, got, c.want)
		}
	}
}

// TestAppendNodeGoldens loads redis-server's nodes as an RDB file holds
// them (AppendNode, SetMeta, SetFirstID): the same entries as the stream
// the commands built, the live counts of the nodes added up.
func TestAppendNodeGoldens(t *testing.T) {
	for _, sc := range layoutGoldens {
		if sc.final == nil {
			continue
		}
		// The model's entries: the stream built may differ from
		// redis-server's where TestDuplicateIDGoldens fails.
		in := &interp{t: t, lim: sc.lim, s: New(), m: &model{lim: sc.lim}, quiet: true}
		for _, cmd := range sc.cmds {
			in.run(cmd)
		}
		s := New()
		var live int64
		for _, n := range sc.nodes {
			key, _ := hex.DecodeString(n.key)
			lp, _ := hex.DecodeString(n.lp)
			live += s.AppendNode(IDFromKey(key), lp)
		}
		s.SetMeta(mustID(t, sc.final.lastID), mustID(t, sc.final.maxDeletedID), sc.final.entriesAdded)
		s.SetFirstID(mustID(t, sc.final.firstID))
		if uint64(live) != sc.final.length || s.Len() != sc.final.length || s.NodeCount() != sc.final.raxKeys || s.RaxNodes() != sc.final.raxNodes {
			t.Errorf("%s: AppendNode live %d, len %d, %d nodes, RaxNodes %d; redis-server's %+v", sc.name, live, s.Len(), s.NodeCount(), s.RaxNodes(), *sc.final)
		}
		checkRange(t, s, in.m, ID{}, MaxID, false)
		checkRange(t, s, in.m, ID{}, MaxID, true)
		if s.FirstEntryID() != in.m.firstEntryID() || s.FirstID() != in.m.firstID {
			t.Errorf("%s: FirstEntryID %v FirstID %v; want %v %v", sc.name, s.FirstEntryID(), s.FirstID(), in.m.firstEntryID(), in.m.firstID)
		}
	}
}
