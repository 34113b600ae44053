package stream

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// pelString describes a group's PEL and each consumer's, for comparisons:
// "id:consumer/count@time ..." then "| consumer: ids ...".
func pelString(g *Group) string {
	var b strings.Builder
	g.PendingRange(ID{}, func(id ID, n *NACK) bool {
		name := "<nil>"
		if n.Consumer != nil {
			name = n.Consumer.Name
		}
		fmt.Fprintf(&b, "%v:%s/%d@%d ", id, name, n.DeliveryCount, n.DeliveryTime)
		return true
	})
	g.Consumers(func(c *Consumer) bool {
		fmt.Fprintf(&b, " | %s@%d:", c.Name, c.SeenTime)
		c.PendingRange(ID{}, func(id ID, n *NACK) bool {
			if n.Consumer != c {
				fmt.Fprintf(&b, " %v(owner %p)", id, n.Consumer)
			} else {
				fmt.Fprintf(&b, " %v", id)
			}
			return true
		})
		return true
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func groupNames(s *Stream) []string {
	var out []string
	s.Groups(func(g *Group) bool { out = append(out, g.Name); return true })
	return out
}

func consumerNames(g *Group) []string {
	var out []string
	g.Consumers(func(c *Consumer) bool { out = append(out, c.Name); return true })
	return out
}

func TestGroups(t *testing.T) {
	s := New()
	if s.Group("g") != nil || s.DestroyGroup("g") || s.NumGroups() != 0 || groupNames(s) != nil {
		t.Fatal("groups of a new stream")
	}
	for _, name := range []string{"beta", "alpha", "", "gamma", "Beta"} {
		g, ok := s.CreateGroup(name, ID{1, 2}, 7)
		if !ok || g.Name != name || g.LastID != (ID{1, 2}) || g.EntriesRead != 7 || g.PendingLen() != 0 || g.NumConsumers() != 0 {
			t.Fatalf("CreateGroup(%q) = %+v, %v", name, g, ok)
		}
	}
	if g, ok := s.CreateGroup("alpha", ID{}, 0); ok || g != nil {
		t.Fatal("CreateGroup of an existing name")
	}
	if g := s.Group("alpha"); g == nil || g.EntriesRead != 7 {
		t.Fatal("the existing group changed")
	}
	if got := groupNames(s); !slices.Equal(got, []string{"", "Beta", "alpha", "beta", "gamma"}) || s.NumGroups() != 5 {
		t.Fatalf("groups %q", got)
	}
	var first []string
	s.Groups(func(g *Group) bool { first = append(first, g.Name); return len(first) < 2 })
	if len(first) != 2 {
		t.Fatalf("Groups didn't stop: %q", first)
	}
	if !s.DestroyGroup("beta") || s.DestroyGroup("beta") || s.Group("beta") != nil || s.NumGroups() != 4 {
		t.Fatal("DestroyGroup")
	}

	g := s.Group("alpha")
	for i, name := range []string{"carol", "alice", "bob", "Alice"} {
		c, ok := g.CreateConsumer(name, int64(100+i))
		if !ok || c.Name != name || c.SeenTime != int64(100+i) || c.PendingLen() != 0 {
			t.Fatalf("CreateConsumer(%q) = %+v, %v", name, c, ok)
		}
	}
	if c, ok := g.CreateConsumer("bob", 1); ok || c != nil || g.Consumer("bob").SeenTime != 102 {
		t.Fatal("CreateConsumer of an existing name")
	}
	if got := consumerNames(g); !slices.Equal(got, []string{"Alice", "alice", "bob", "carol"}) || g.NumConsumers() != 4 {
		t.Fatalf("consumers %q", got)
	}
	if g.Consumer("dave") != nil {
		t.Fatal("Consumer of a missing name")
	}
	alice, bob, carol := g.Consumer("alice"), g.Consumer("bob"), g.Consumer("carol")

	// Deliveries: pending once, for the last consumer delivered to, with
	// a delivery count of 1 and the delivery's time.
	g.Deliver(ID{1, 0}, alice, 1000)
	g.Deliver(ID{2, 0}, alice, 1001)
	g.Deliver(ID{3, 0}, bob, 1002)
	g.Deliver(ID{5, 0}, carol, 1003)
	if got, want := pelString(g), "1-0:alice/1@1000 2-0:alice/1@1001 3-0:bob/1@1002 5-0:carol/1@1003 | Alice@103: | alice@101: 1-0 2-0 | bob@102: 3-0 | carol@100: 5-0"; got != want {
		t.Fatalf("PEL\n%s\nwant\n%s", got, want)
	}
	g.Pending(ID{2, 0}).DeliveryCount = 4
	g.Deliver(ID{2, 0}, bob, 2000) // alice's, now bob's
	g.Deliver(ID{3, 0}, bob, 2001) // bob's again
	if got, want := pelString(g), "1-0:alice/1@1000 2-0:bob/1@2000 3-0:bob/1@2001 5-0:carol/1@1003 | Alice@103: | alice@101: 1-0 | bob@102: 2-0 3-0 | carol@100: 5-0"; got != want {
		t.Fatalf("PEL\n%s\nwant\n%s", got, want)
	}
	if g.PendingLen() != 4 || alice.PendingLen() != 1 || bob.PendingLen() != 2 || g.FirstPending() != (ID{1, 0}) || g.LastPending() != (ID{5, 0}) {
		t.Fatal("pending counts")
	}
	if g.Pending(ID{4, 0}) != nil {
		t.Fatal("Pending of an ID not pending")
	}

	// PendingRange from an ID, and stopping.
	var ids []ID
	g.PendingRange(ID{2, 1}, func(id ID, _ *NACK) bool { ids = append(ids, id); return true })
	if !slices.Equal(ids, []ID{{3, 0}, {5, 0}}) {
		t.Fatalf("PendingRange(2-1) %v", ids)
	}
	ids = nil
	bob.PendingRange(ID{}, func(id ID, _ *NACK) bool { ids = append(ids, id); return false })
	if !slices.Equal(ids, []ID{{2, 0}}) {
		t.Fatalf("consumer PendingRange stopping %v", ids)
	}

	// SetOwner (XCLAIM): to another consumer, to the same one, and a
	// NACK XCLAIM's FORCE made, with no consumer yet.
	n := g.Pending(ID{5, 0})
	g.SetOwner(ID{5, 0}, n, alice)
	g.SetOwner(ID{5, 0}, n, alice)
	if got, want := pelString(g), "1-0:alice/1@1000 2-0:bob/1@2000 3-0:bob/1@2001 5-0:alice/1@1003 | Alice@103: | alice@101: 1-0 5-0 | bob@102: 2-0 3-0 | carol@100:"; got != want {
		t.Fatalf("after SetOwner\n%s\nwant\n%s", got, want)
	}
	forced := &NACK{DeliveryTime: 3000, DeliveryCount: 0}
	if !g.AddPending(ID{9, 0}, forced) || g.AddPending(ID{9, 0}, &NACK{}) {
		t.Fatal("AddPending")
	}
	if got := pelString(g); !strings.Contains(got, "9-0:<nil>/0@3000") {
		t.Fatalf("a NACK without a consumer: %s", got)
	}
	g.SetOwner(ID{9, 0}, forced, carol)
	if got, want := pelString(g), "1-0:alice/1@1000 2-0:bob/1@2000 3-0:bob/1@2001 5-0:alice/1@1003 9-0:carol/0@3000 | Alice@103: | alice@101: 1-0 5-0 | bob@102: 2-0 3-0 | carol@100: 9-0"; got != want {
		t.Fatalf("after SetOwner of a forced NACK\n%s\nwant\n%s", got, want)
	}

	// Ack.
	if !g.Ack(ID{2, 0}) || g.Ack(ID{2, 0}) || g.Ack(ID{4, 0}) {
		t.Fatal("Ack")
	}
	if got, want := pelString(g), "1-0:alice/1@1000 3-0:bob/1@2001 5-0:alice/1@1003 9-0:carol/0@3000 | Alice@103: | alice@101: 1-0 5-0 | bob@102: 3-0 | carol@100: 9-0"; got != want {
		t.Fatalf("after Ack\n%s\nwant\n%s", got, want)
	}

	// DeleteConsumer takes its pending entries out of the group's PEL.
	if got := g.DeleteConsumer(alice); got != 2 {
		t.Fatalf("DeleteConsumer = %d, want 2", got)
	}
	if got, want := pelString(g), "3-0:bob/1@2001 9-0:carol/0@3000 | Alice@103: | bob@102: 3-0 | carol@100: 9-0"; got != want {
		t.Fatalf("after DeleteConsumer\n%s\nwant\n%s", got, want)
	}
	if g.Consumer("alice") != nil || g.NumConsumers() != 3 || g.Pending(ID{1, 0}) != nil {
		t.Fatal("the consumer is still there")
	}
	if got := g.DeleteConsumer(g.Consumer("Alice")); got != 0 {
		t.Fatalf("DeleteConsumer of one without entries = %d", got)
	}
	// The group's PEL and the others' are the same objects.
	if g.Pending(ID{3, 0}) != func() (n *NACK) {
		bob.PendingRange(ID{3, 0}, func(_ ID, p *NACK) bool { n = p; return false })
		return
	}() {
		t.Fatal("the group's NACK isn't the consumer's")
	}
}

// TestGroupsDup: Dup copies groups, consumers and PELs deeply, with each
// copied NACK owned by the copied consumer; changing the copy leaves the
// original as it was.
func TestGroupsDup(t *testing.T) {
	s := New()
	for i := range uint64(10) {
		mustAppend(t, s, ID{i + 1, 0}, Limits{MaxEntries: 3}, "f", "v")
	}
	s.Delete(ID{4, 0})
	s.SetMeta(ID{20, 0}, ID{4, 0}, 12)
	s.UpdateFirstID()
	g1, _ := s.CreateGroup("g1", ID{6, 0}, 5)
	s.CreateGroup("g2", ID{}, EntriesReadUnknown)
	a, _ := g1.CreateConsumer("a", 10)
	b, _ := g1.CreateConsumer("b", 11)
	g1.CreateConsumer("idle", 12)
	g1.Deliver(ID{1, 0}, a, 100)
	g1.Deliver(ID{2, 0}, b, 101)
	g1.Deliver(ID{6, 0}, a, 102)
	g1.Pending(ID{6, 0}).DeliveryCount = 3
	forced := &NACK{DeliveryTime: 5}
	g1.AddPending(ID{7, 0}, forced)
	g1.SetOwner(ID{7, 0}, forced, b)

	wantPEL := pelString(g1)
	d := s.Dup()
	if d.Len() != s.Len() || d.LastID() != s.LastID() || d.FirstID() != s.FirstID() || d.MaxDeletedID() != s.MaxDeletedID() || d.EntriesAdded() != s.EntriesAdded() {
		t.Fatal("Dup's metadata")
	}
	if !slices.Equal(masters(d), masters(s)) || !slices.Equal(rangeIDs(d, ID{}, MaxID, false), rangeIDs(s, ID{}, MaxID, false)) {
		t.Fatal("Dup's entries")
	}
	if got := groupNames(d); !slices.Equal(got, []string{"g1", "g2"}) {
		t.Fatalf("Dup's groups %q", got)
	}
	dg := d.Group("g1")
	if dg == g1 || dg.LastID != g1.LastID || dg.EntriesRead != 5 || d.Group("g2").EntriesRead != EntriesReadUnknown {
		t.Fatal("Dup's group")
	}
	if got := pelString(dg); got != wantPEL {
		t.Fatalf("Dup's PEL\n%s\nwant\n%s", got, wantPEL)
	}
	da := dg.Consumer("a")
	if da == a || dg.Pending(ID{1, 0}) == g1.Pending(ID{1, 0}) || dg.Pending(ID{1, 0}).Consumer != da {
		t.Fatal("Dup shares consumers or NACKs")
	}

	// Change everything in the copy.
	dg.Pending(ID{6, 0}).DeliveryCount = 99
	dg.Deliver(ID{2, 0}, da, 500)
	dg.Ack(ID{1, 0})
	dg.DeleteConsumer(dg.Consumer("b"))
	dg.CreateConsumer("z", 1)
	da.SeenTime = 77
	dg.LastID, dg.EntriesRead = ID{9, 9}, 1
	d.DestroyGroup("g2")
	d.CreateGroup("g3", ID{}, 0)
	mustAppend(t, d, ID{21, 0}, Limits{MaxEntries: 3}, "f", "changed")
	d.Delete(ID{5, 0})
	d.Trim(TrimArgs{MaxLen: 2})
	var lpd []byte
	d.Nodes(func(_ ID, lp []byte) bool { lpd = lp; return false })
	if len(lpd) > 0 {
		lpd[len(lpd)/2] ^= 0xff // scribble on the copy's bytes
	}

	if got := pelString(g1); got != wantPEL {
		t.Fatalf("the original's PEL changed\n%s\nwant\n%s", got, wantPEL)
	}
	if got := groupNames(s); !slices.Equal(got, []string{"g1", "g2"}) || g1.LastID != (ID{6, 0}) || g1.EntriesRead != 5 || a.SeenTime != 10 {
		t.Fatal("the original's groups changed")
	}
	if got := rangeIDs(s, ID{}, MaxID, false); !slices.Equal(got, []ID{{1, 0}, {2, 0}, {3, 0}, {5, 0}, {6, 0}, {7, 0}, {8, 0}, {9, 0}, {10, 0}}) || s.Len() != 9 {
		t.Fatalf("the original's entries changed: %v", got)
	}
	for it := s.Range(ID{}, MaxID, false); it.Next(); {
		if f := fieldsOf(it); len(f) != 2 || string(f[0]) != "f" || string(f[1]) != "v" {
			t.Fatalf("%v: fields %q", it.ID(), f)
		}
	}
}

// TestLagCases: Lag, EstimateEntriesRead and HasTombstones on
// redis-server's "Consumer group lag" cases (stream-cgroups.tcl), built
// directly; the same sequences through XREADGROUP are in groupGoldens.
func TestLagCases(t *testing.T) {
	// XADD x 1-0..5-0, XDEL x 3-0.
	s := New()
	for i := range uint64(5) {
		mustAppend(t, s, ID{i + 1, 0}, Limits{}, "data", "x")
	}
	g, _ := s.CreateGroup("g", ID{}, EntriesReadUnknown)
	if lag, ok := s.Lag(g); !ok || lag != 5 || s.HasTombstones(ID{}) {
		t.Fatalf("no tombstones: lag %d %v", lag, ok)
	}
	s.Delete(ID{3, 0})
	for _, c := range []struct {
		id        ID
		tombstone bool
		estimate  int64
	}{
		{ID{}, true, EntriesReadUnknown},
		{ID{1, 0}, true, EntriesReadUnknown},
		{ID{3, 0}, true, EntriesReadUnknown},
		{ID{3, 1}, false, EntriesReadUnknown},
		{ID{5, 0}, false, 5},
		{ID{6, 0}, false, EntriesReadUnknown},
	} {
		if got := s.HasTombstones(c.id); got != c.tombstone {
			t.Errorf("HasTombstones(%v) = %v", c.id, got)
		}
		if got := s.EstimateEntriesRead(c.id); got != c.estimate {
			t.Errorf("EstimateEntriesRead(%v) = %d, want %d", c.id, got, c.estimate)
		}
	}
	if _, ok := s.Lag(g); ok {
		t.Fatal("lag with a tombstone ahead: known")
	}
	g.LastID, g.EntriesRead = ID{5, 0}, 5
	if lag, ok := s.Lag(g); !ok || lag != 0 {
		t.Fatalf("lag at the end: %d %v", lag, ok)
	}
	mustAppend(t, s, ID{6, 0}, Limits{}, "data", "f")
	if lag, ok := s.Lag(g); !ok || lag != 1 {
		t.Fatalf("lag after XADD: %d %v", lag, ok)
	}
	// XTRIM x MINID = 3-0: the tombstone is before the first entry.
	s.Trim(TrimArgs{ByID: true, MinID: ID{3, 0}})
	g2, _ := s.CreateGroup("g2", ID{}, EntriesReadUnknown)
	if lag, ok := s.Lag(g2); !ok || lag != 3 {
		t.Fatalf("g2 lag after MINID 3-0: %d %v", lag, ok)
	}
	if got := s.EstimateEntriesRead(ID{4, 0}); got != 4 {
		t.Fatalf("EstimateEntriesRead of the first entry = %d, want 4", got)
	}
	if got := s.EstimateEntriesRead(ID{3, 5}); got != 3 {
		t.Fatalf("EstimateEntriesRead before the first entry = %d, want 3", got)
	}
	s.Trim(TrimArgs{ByID: true, MinID: ID{5, 0}})
	if lag, ok := s.Lag(g2); !ok || lag != 2 {
		t.Fatalf("g2 lag after MINID 5-0: %d %v", lag, ok)
	}

	// A stream that was never added to, and one emptied.
	s = New()
	g, _ = s.CreateGroup("g", ID{}, EntriesReadUnknown)
	if lag, ok := s.Lag(g); !ok || lag != 0 || s.EstimateEntriesRead(ID{7, 0}) != 0 {
		t.Fatal("a new stream")
	}
	mustAppend(t, s, ID{1, 0}, Limits{}, "data", "a")
	s.Delete(ID{1, 0})
	s.UpdateFirstID()
	if lag, ok := s.Lag(g); !ok || lag != 0 || s.EstimateEntriesRead(ID{}) != 1 || s.EstimateEntriesRead(ID{2, 0}) != EntriesReadUnknown {
		t.Fatalf("an emptied stream: lag %d %v", lag, ok)
	}
}
