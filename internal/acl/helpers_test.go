package acl

import (
	"strings"
	"testing"
)

// The tests run on a small table shaped like Redis's: plain commands, two
// containers with subcommands, a NoAuth command, commands with keys read,
// written, both or neither, pub/sub commands, and kpub, which has a key and
// a channel (no Redis command does; it lets a key denial and a channel
// denial meet).

func cats(names ...string) uint64 {
	var f uint64
	for _, n := range names {
		flag := CategoryFlag(n)
		if flag == 0 {
			panic("no category " + n)
		}
		f |= flag
	}
	return f
}

// newTestTable builds a fresh table (NewTable numbers its commands in
// place, so each test gets its own).
func newTestTable() *Table {
	return NewTable([]*Command{
		{Name: "get", Categories: cats("read", "string", "fast")},
		{Name: "set", Categories: cats("write", "string", "slow")},
		{Name: "mget", Categories: cats("read", "string", "fast")},
		{Name: "copy", Categories: cats("keyspace", "write", "slow")},
		{Name: "del", Categories: cats("keyspace", "write", "slow")},
		{Name: "exists", Categories: cats("keyspace", "read", "fast")},
		{Name: "hget", Categories: cats("read", "hash", "fast")},
		{Name: "hset", Categories: cats("write", "hash", "fast")},
		{Name: "select", Categories: cats("fast", "connection")},
		{Name: "auth", Categories: cats("fast", "connection"), NoAuth: true},
		{Name: "publish", Categories: cats("pubsub", "fast")},
		{Name: "subscribe", Categories: cats("pubsub", "slow")},
		{Name: "psubscribe", Categories: cats("pubsub", "slow")},
		{Name: "kpub", Categories: cats("pubsub", "write", "slow")},
		{Name: "flushall", Categories: cats("keyspace", "write", "slow", "dangerous")},
		{Name: "config", Categories: cats("slow"), Sub: []*Command{
			{Name: "config|get", Categories: cats("admin", "slow", "dangerous")},
			{Name: "config|set", Categories: cats("admin", "slow", "dangerous")},
			{Name: "config|help", Categories: cats("slow")},
		}},
		{Name: "client", Categories: cats("slow"), Sub: []*Command{
			{Name: "client|id", Categories: cats("slow", "connection")},
			{Name: "client|kill", Categories: cats("admin", "slow", "dangerous", "connection")},
		}},
	})
}

// testKeys are the key positions and permissions of the table's commands,
// as Redis's key specs give them (RO+ACCESS reads, RW/OW/RM write, EXISTS
// neither); -1 is "every argument from 1".
var testKeys = map[string][]KeyRef{
	"get":    {{1, PermRead}},
	"set":    {{1, PermWrite}},
	"mget":   {{-1, PermRead}},
	"copy":   {{1, PermRead}, {2, PermWrite}},
	"del":    {{-1, PermWrite}},
	"exists": {{-1, 0}},
	"hget":   {{1, PermRead}},
	"hset":   {{1, PermWrite}},
	"kpub":   {{1, PermWrite}},
}

func testKeyRefs(name string) func(args [][]byte) []KeyRef {
	specs := testKeys[name]
	if specs == nil {
		return nil
	}
	return func(args [][]byte) []KeyRef {
		var refs []KeyRef
		for _, k := range specs {
			if k.Pos >= 0 {
				if k.Pos < len(args) {
					refs = append(refs, k)
				}
				continue
			}
			for i := 1; i < len(args); i++ {
				refs = append(refs, KeyRef{i, k.Perm})
			}
		}
		return refs
	}
}

func testChannelRefs(name string) func(args [][]byte) []ChannelRef {
	at := func(pos int) func(args [][]byte) []ChannelRef {
		return func(args [][]byte) []ChannelRef {
			if pos >= len(args) {
				return nil
			}
			return []ChannelRef{{Pos: pos}}
		}
	}
	switch name {
	case "publish":
		return at(1)
	case "kpub":
		return at(2)
	case "subscribe", "psubscribe":
		return func(args [][]byte) []ChannelRef {
			var refs []ChannelRef
			for i := 1; i < len(args); i++ {
				refs = append(refs, ChannelRef{Pos: i, Pattern: name == "psubscribe"})
			}
			return refs
		}
	}
	return nil
}

// request is the check's view of a command line: a container's
// subcommand is looked up from the second argument.
func request(t *Table, args ...string) *Request {
	c := t.Lookup(args[0])
	if c == nil {
		panic("no command " + args[0])
	}
	if c.Sub != nil && len(args) > 1 {
		if sub := t.Lookup(args[0] + "|" + args[1]); sub != nil {
			c = sub
		}
	}
	r := &Request{Command: c, Keys: testKeyRefs(c.Name), Channels: testChannelRefs(c.Name)}
	for _, a := range args {
		r.Args = append(r.Args, []byte(a))
	}
	return r
}

// user applies rules to a new user and fails the test on a refusal.
func user(t testing.TB, r *Rules, rules ...string) *User {
	t.Helper()
	u := r.NewUser("u")
	for _, op := range rules {
		if err := r.Apply(u, op); err != nil {
			t.Fatalf("Apply(%q) after %q: %v (%d)", op, rules, err, err)
		}
	}
	return u
}

func newRules() *Rules { return &Rules{Commands: newTestTable()} }

// reapply builds a user from a description the way ACL LOAD reads a
// line: split at single spaces, selectors merged.
func reapply(r *Rules, desc string) (*User, error) {
	u := r.NewUser("copy")
	merged, open := MergeSelectorArgs(strings.Split(desc, " "))
	if open >= 0 {
		return nil, ErrSyntax
	}
	for _, op := range merged {
		if err := r.Apply(u, op); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// probes are command lines that exercise every command of the test table
// with keys and channels a user's patterns may or may not match, plus
// the first arguments and patterns the user itself names.
func probes(t *Table, u *User) [][]string {
	words := []string{"", "a", "a1", "b", "r1", "w1", "x", "ch1", "ch*", "0", "1"}
	for _, s := range u.selectors {
		for _, p := range s.keys {
			words = append(words, p.Pattern)
		}
		words = append(words, s.channels...)
		for _, args := range s.firstArgs {
			words = append(words, args...)
		}
	}
	var lines [][]string
	t.walk(func(c *Command) {
		name, sub, isSub := strings.Cut(c.Name, "|")
		for i, w := range words {
			line := []string{name}
			if isSub {
				line = append(line, sub)
			}
			line = append(line, w, words[(i+1)%len(words)])
			lines = append(lines, line)
		}
		if !isSub {
			lines = append(lines, []string{name})
		}
	})
	return lines
}

// samePermissions compares the verdict of two users on every probe.
func samePermissions(t testing.TB, tab *Table, a, b *User) {
	t.Helper()
	for _, line := range probes(tab, a) {
		da, pa := a.Check(request(tab, line...))
		db, pb := b.Check(request(tab, line...))
		if da != db || pa != pb {
			t.Fatalf("%q: %q gives %d at %d, %q gives %d at %d",
				line, a.Describe(tab), da, pa, b.Describe(tab), db, pb)
		}
	}
}
