package stream

import (
	"github.com/tidwall/btree"
)

// EntriesReadUnknown is a group's EntriesRead when how far into the
// stream it has read can't be told (SCG_INVALID_ENTRIES_READ).
const EntriesReadUnknown = -1

// Group is a consumer group (streamCG): the last ID delivered, its logical
// read counter, the entries delivered and not acknowledged (the PEL) and
// the consumers, each with its part of the PEL.
type Group struct {
	Name        string
	LastID      ID
	EntriesRead int64

	pel       *btree.BTreeG[pending]
	consumers *btree.BTreeG[*Consumer]
}

// NACK is a pending entry's delivery (streamNACK): when it was last
// delivered (unix ms), how many times, and to which consumer.
type NACK struct {
	DeliveryTime  int64
	DeliveryCount uint64
	Consumer      *Consumer
}

// pending is a PEL item.
type pending struct {
	id   ID
	nack *NACK
}

func pendingLess(a, b pending) bool { return a.id.Less(b.id) }

func newPEL() *btree.BTreeG[pending] {
	return btree.NewBTreeGOptions(pendingLess, btree.Options{NoLocks: true})
}

// Consumer is a consumer of a group (streamConsumer): its name, when it was
// last seen (unix ms), and the IDs delivered to it and not acknowledged.
type Consumer struct {
	Name     string
	SeenTime int64
	pel      *btree.BTreeG[pending]
}

func groupLess(a, b *Group) bool       { return a.Name < b.Name }
func consumerLess(a, b *Consumer) bool { return a.Name < b.Name }

// CreateGroup adds a group reading after lastID, false if one of that name
// exists (streamCreateCG).
func (s *Stream) CreateGroup(name string, lastID ID, entriesRead int64) (*Group, bool) {
	if s.groups == nil {
		s.groups = btree.NewBTreeGOptions(groupLess, btree.Options{NoLocks: true})
	}
	g := &Group{Name: name, LastID: lastID, EntriesRead: entriesRead, pel: newPEL(),
		consumers: btree.NewBTreeGOptions(consumerLess, btree.Options{NoLocks: true})}
	if _, exists := s.groups.Get(g); exists {
		return nil, false
	}
	s.groups.Set(g)
	return g, true
}

// Group is the group called name, nil if none.
func (s *Stream) Group(name string) *Group {
	if s.groups == nil {
		return nil
	}
	g, _ := s.groups.Get(&Group{Name: name})
	return g
}

// DestroyGroup removes the group called name, false if there is none.
func (s *Stream) DestroyGroup(name string) bool {
	if s.groups == nil {
		return false
	}
	_, ok := s.groups.Delete(&Group{Name: name})
	return ok
}

// NumGroups is the number of consumer groups.
func (s *Stream) NumGroups() int {
	if s.groups == nil {
		return 0
	}
	return s.groups.Len()
}

// Groups calls fn with each group in name order until it returns false.
func (s *Stream) Groups(fn func(g *Group) bool) {
	if s.groups != nil {
		s.groups.Scan(fn)
	}
}

// Consumer is the consumer called name, nil if none.
func (g *Group) Consumer(name string) *Consumer {
	c, _ := g.consumers.Get(&Consumer{Name: name})
	return c
}

// CreateConsumer adds a consumer seen at nowMs, false if one of that name
// exists (streamCreateConsumer).
func (g *Group) CreateConsumer(name string, nowMs int64) (*Consumer, bool) {
	c := &Consumer{Name: name, SeenTime: nowMs, pel: newPEL()}
	if _, exists := g.consumers.Get(c); exists {
		return nil, false
	}
	g.consumers.Set(c)
	return c, true
}

// DeleteConsumer removes a consumer and its pending entries from the
// group's PEL, returning how many it had (streamDelConsumer).
func (g *Group) DeleteConsumer(c *Consumer) int {
	n := c.pel.Len()
	c.pel.Scan(func(p pending) bool {
		g.pel.Delete(p)
		return true
	})
	g.consumers.Delete(c)
	return n
}

// NumConsumers is the number of consumers.
func (g *Group) NumConsumers() int { return g.consumers.Len() }

// Consumers calls fn with each consumer in name order until it returns false.
func (g *Group) Consumers(fn func(c *Consumer) bool) { g.consumers.Scan(fn) }

// PendingLen is the number of pending entries of the group.
func (g *Group) PendingLen() int { return g.pel.Len() }

// PendingLen is the number of entries pending for the consumer.
func (c *Consumer) PendingLen() int { return c.pel.Len() }

// Pending is the delivery of pending entry id, nil if it is not pending.
func (g *Group) Pending(id ID) *NACK {
	p, _ := g.pel.Get(pending{id: id})
	return p.nack
}

// PendingRange calls fn with the group's pending entries from start on, in
// ID order, until it returns false.
func (g *Group) PendingRange(start ID, fn func(id ID, n *NACK) bool) {
	rangePEL(g.pel, start, fn)
}

// PendingRange calls fn with the consumer's pending entries from start on,
// in ID order, until it returns false.
func (c *Consumer) PendingRange(start ID, fn func(id ID, n *NACK) bool) {
	rangePEL(c.pel, start, fn)
}

func rangePEL(pel *btree.BTreeG[pending], start ID, fn func(id ID, n *NACK) bool) {
	pel.Ascend(pending{id: start}, func(p pending) bool { return fn(p.id, p.nack) })
}

// FirstPending and LastPending are the smallest and greatest pending IDs.
func (g *Group) FirstPending() ID { p, _ := g.pel.Min(); return p.id }

// LastPending is the greatest pending ID.
func (g *Group) LastPending() ID { p, _ := g.pel.Max(); return p.id }

// Deliver records entry id delivered to c at nowMs: pending for c, once
// (a new delivery of an entry pending for another consumer moves it).
func (g *Group) Deliver(id ID, c *Consumer, nowMs int64) {
	n := &NACK{DeliveryTime: nowMs, DeliveryCount: 1, Consumer: c}
	if prev, replaced := g.pel.Set(pending{id, n}); replaced {
		prev.nack.Consumer.pel.Delete(prev)
	}
	c.pel.Set(pending{id, n})
}

// AddPending restores a pending entry as an RDB file holds it; false if
// id is pending already.
func (g *Group) AddPending(id ID, n *NACK) bool {
	if _, exists := g.pel.Get(pending{id: id}); exists {
		return false
	}
	g.pel.Set(pending{id, n})
	if n.Consumer != nil {
		n.Consumer.pel.Set(pending{id, n})
	}
	return true
}

// SetOwner makes n, pending for id, its consumer c's (XCLAIM).
func (g *Group) SetOwner(id ID, n *NACK, c *Consumer) {
	if n.Consumer == c {
		return
	}
	if n.Consumer != nil { // nil: made by XCLAIM's FORCE
		n.Consumer.pel.Delete(pending{id: id})
	}
	n.Consumer = c
	c.pel.Set(pending{id, n})
}

// Ack removes id from the PEL, reporting whether it was pending.
func (g *Group) Ack(id ID) bool {
	p, ok := g.pel.Delete(pending{id: id})
	if ok {
		p.nack.Consumer.pel.Delete(p)
	}
	return ok
}

// PELRaxNodes is the number of nodes Redis's radix tree of the group's
// pending IDs would have (MEMORY USAGE).
func (g *Group) PELRaxNodes() int { return pelRaxNodes(g.pel) }

// PELRaxNodes is the number of nodes Redis's radix tree of the consumer's
// pending IDs would have (MEMORY USAGE).
func (c *Consumer) PELRaxNodes() int { return pelRaxNodes(c.pel) }

func pelRaxNodes(pel *btree.BTreeG[pending]) int {
	keys := make([][16]byte, 0, pel.Len())
	pel.Scan(func(p pending) bool {
		keys = append(keys, p.id.Key())
		return true
	})
	return raxNodes(keys)
}
