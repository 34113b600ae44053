package lualib

import (
	"math"
	"math/bits"

	lua "github.com/yuin/gopher-lua"
)

// Lua 5.1 walks a table (lua_next) through its array part, then through
// its hash part in node order; where a key lands there follows from its
// hash and from the order keys went in, through every rehash. gopher-lua
// walks integer keys 1..n, then the other keys in the order they went in.
// luaOrder replays that order of insertion into a model of Lua 5.1's
// ltable.c and walks the model, so that cjson.encode and cmsgpack.pack
// write members in Redis's order. The model is exact for a table built by
// insertions into an empty one ({} then assignments, cjson.decode,
// cmsgpack.unpack) with its integer keys 1..n first; a table constructor
// sizes the table up front, which can place colliding keys otherwise.

// luaMaxBits is ltable.c's MAXBITS: array parts hold at most 2^26.
const luaMaxBits = 26

// luaNode is one node of the model's hash part; member indexes the
// member it holds.
type luaNode struct {
	member int
	used   bool // a key is there
	next   int  // the next node in its collision chain, or -1
}

// luaTable is the model: which members are in the array part, and the
// hash part's nodes (none: Lua's dummy node).
type luaTable struct {
	members  []luaMember
	array    []int // member index per array slot, -1 when nil
	nodes    []luaNode
	lastfree int
	// bufs are the node buffers, kept between tables: nodes is in
	// bufs[cur] (cur -1 while there are none), and resize moves the
	// nodes to the other one.
	bufs [2][]luaNode
	cur  int
}

// luaMember is a key and its value, with the key's hash for strings.
type luaMember struct {
	key, value lua.LValue
	hash       uint32
}

// luaStringHash is Lua 5.1's luaS_newlstr hash (unseeded) as Redis
// patched it: every byte counts, where Lua skips some of long strings.
func luaStringHash(s string) uint32 {
	h := uint32(len(s))
	for l := len(s); l >= 1; l-- {
		h ^= (h << 5) + (h >> 2) + uint32(s[l-1])
	}
	return h
}

// arrayIndex is the key's array index (ltable.c's arrayindex), or 0.
func arrayIndex(key lua.LValue) int {
	if n, ok := key.(lua.LNumber); ok {
		if f := float64(n); f == math.Trunc(f) && f >= 1 && f <= 1<<luaMaxBits {
			return int(f)
		}
	}
	return 0
}

// mainPosition is ltable.c's mainposition.
func (t *luaTable) mainPosition(m int) int {
	size := len(t.nodes)
	switch k := t.members[m].key.(type) {
	case lua.LString:
		return int(t.members[m].hash & uint32(size-1))
	case lua.LNumber:
		if k == 0 {
			return 0
		}
		b := math.Float64bits(float64(k))
		return int((uint32(b) + uint32(b>>32)) % uint32((size-1)|1))
	case lua.LBool:
		if k {
			return 1 & (size - 1)
		}
	}
	return 0
}

// set is luaH_set for a member not yet in the table (or being moved in a
// rehash).
func (t *luaTable) set(m int) {
	if i := arrayIndex(t.members[m].key); i > 0 && i <= len(t.array) {
		t.array[i-1] = m
		return
	}
	if len(t.nodes) == 0 {
		t.rehash(m)
		t.set(m)
		return
	}
	mp := t.mainPosition(m)
	if t.nodes[mp].used {
		free := t.freePos()
		if free < 0 {
			t.rehash(m)
			t.set(m)
			return
		}
		other := t.mainPosition(t.nodes[mp].member)
		if other != mp {
			// The colliding node is out of its main position: it
			// moves to the free node, the new key takes its place.
			for t.nodes[other].next != mp {
				other = t.nodes[other].next
			}
			t.nodes[other].next = free
			t.nodes[free] = t.nodes[mp]
			t.nodes[mp].next = -1
		} else {
			t.nodes[free].next = t.nodes[mp].next
			t.nodes[mp].next = free
			mp = free
		}
	}
	t.nodes[mp].member = m
	t.nodes[mp].used = true
}

// freePos is getfreepos: the free node nearest the end not yet passed.
func (t *luaTable) freePos() int {
	for t.lastfree > 0 {
		t.lastfree--
		if !t.nodes[t.lastfree].used {
			return t.lastfree
		}
	}
	return -1
}

// countInt is countint: an array index is counted in nums by its
// power-of-two slice.
func countInt(key lua.LValue, nums *[luaMaxBits + 1]int) int {
	if k := arrayIndex(key); k > 0 {
		nums[bits.Len(uint(k-1))]++
		return 1
	}
	return 0
}

// rehash is ltable.c's rehash, for inserting member ek.
func (t *luaTable) rehash(ek int) {
	var nums [luaMaxBits + 1]int
	nasize := 0
	for i, m := range t.array {
		if m >= 0 {
			nums[bits.Len(uint(i))]++
			nasize++
		}
	}
	total := nasize
	for i := len(t.nodes) - 1; i >= 0; i-- {
		if t.nodes[i].used {
			nasize += countInt(t.members[t.nodes[i].member].key, &nums)
			total++
		}
	}
	nasize += countInt(t.members[ek].key, &nums)
	total++
	// computesizes: the largest power of two more than half full.
	a, na, n := 0, 0, 0
	for i, twotoi := 0, 1; twotoi/2 < nasize; i, twotoi = i+1, twotoi*2 {
		if nums[i] > 0 {
			a += nums[i]
			if a > twotoi/2 {
				n, na = twotoi, a
			}
		}
		if a == nasize {
			break
		}
	}
	t.resize(n, total-na)
}

// resize is ltable.c's resize: the array part to nasize, a new hash part
// for nhsize keys, and the members moved in.
func (t *luaTable) resize(nasize, nhsize int) {
	old := t.nodes
	for len(t.array) < nasize {
		t.array = append(t.array, -1)
	}
	t.nodes = nil
	if nhsize > 0 {
		size := 1 << bits.Len(uint(nhsize-1))
		next := 1
		if t.cur == 1 {
			next = 0
		}
		if cap(t.bufs[next]) < size {
			t.bufs[next] = make([]luaNode, size)
		}
		t.nodes, t.cur = t.bufs[next][:size], next
		for i := range t.nodes {
			t.nodes[i] = luaNode{next: -1}
		}
	}
	t.lastfree = len(t.nodes)
	if nasize < len(t.array) {
		cut := t.array[nasize:]
		t.array = t.array[:nasize]
		for _, m := range cut {
			if m >= 0 {
				t.set(m)
			}
		}
	}
	for i := len(old) - 1; i >= 0; i-- {
		if old[i].used {
			t.set(old[i].member)
		}
	}
}

// luaOrderer keeps the model's buffers between tables, and the members
// of the tables being encoded, in Lua's order, one table above the other.
type luaOrderer struct {
	t     luaTable
	stack []luaMember
}

// order pushes tb's members on o.stack in Lua 5.1's lua_next order and
// returns where they start; the caller pops them (o.pop) when done. It
// returns false for a table with keys whose hash is an address (tables,
// functions, userdata), whose order nothing can predict.
func (o *luaOrderer) order(tb *lua.LTable) (int, bool) {
	t := &o.t
	t.members, t.array, t.nodes, t.cur = t.members[:0], t.array[:0], nil, -1
	n, _, rest := arrayPart(tb)
	for i := 1; i <= n; i++ {
		if v := tb.RawGetInt(i); v != lua.LNil {
			t.members = append(t.members, luaMember{key: boxedIndex(i), value: v})
		}
	}
	for k, v := tb.Next(rest); k != lua.LNil; k, v = tb.Next(k) {
		m := luaMember{key: k, value: v}
		switch k := k.(type) {
		case lua.LString:
			m.hash = luaStringHash(string(k))
		case lua.LNumber, lua.LBool:
		default:
			return 0, false
		}
		t.members = append(t.members, m)
	}
	for m := range t.members {
		t.set(m)
	}
	start := len(o.stack)
	for _, m := range t.array {
		if m >= 0 {
			o.stack = append(o.stack, t.members[m])
		}
	}
	for _, node := range t.nodes {
		if node.used {
			o.stack = append(o.stack, t.members[node.member])
		}
	}
	clear(t.members)
	return start, true
}

// pop drops the members pushed from start on.
func (o *luaOrderer) pop(start int) {
	clear(o.stack[start:])
	o.stack = o.stack[:start]
}
