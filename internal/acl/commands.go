// Package acl is Redis 7.0's access control lists (acl.c) without clients
// or sockets: users with their flags, password hashes and selectors; the
// rules of ACL SETUSER applied to them; the description ACL LIST, ACL
// GETUSER and ACL SAVE give of them; and the check a command must pass
// before it runs.
package acl

import "strings"

// Categories are Redis's ACL command categories, in the order Redis lists
// them (ACL CAT) and tries them when it describes a user's commands.
var Categories = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting",
}

// CategoryFlag is the bit of a category name (case-insensitive, without
// '@'), or 0 if there is none such.
func CategoryFlag(name string) uint64 {
	for i, c := range Categories {
		if strings.EqualFold(c, name) {
			return 1 << i
		}
	}
	return 0
}

// Command is one command or subcommand as the ACL rules know it.
type Command struct {
	ID         int    // its bit in a selector's command bitmap
	Name       string // the full name: "get", "config|get"
	Categories uint64 // CategoryFlag bits
	NoAuth     bool   // runs without authentication (AUTH, HELLO): never denied
	// Newer: not in the Redis version whose descriptions respd
	// reproduces; left out when categories are fitted to a selector, so
	// that its description stays that Redis's (it still takes part in the
	// final single-command pass, where it shows only if singled out).
	Newer  bool
	Parent *Command
	Sub    []*Command
}

// Table is every command ACL rules can name, Redis's orig_commands: the
// rules, ACL CAT and the description of a user all walk it in its order.
type Table struct {
	top    []*Command
	all    []*Command // by ID
	byName map[string]*Command
}

// NewTable numbers top and their subcommands (in that order, a command
// before its subcommands) and indexes them by name.
func NewTable(top []*Command) *Table {
	t := &Table{top: top, byName: make(map[string]*Command)}
	for _, c := range top {
		t.add(c)
		for _, sub := range c.Sub {
			sub.Parent = c
			t.add(sub)
		}
	}
	return t
}

func (t *Table) add(c *Command) {
	c.ID = len(t.all)
	t.all = append(t.all, c)
	t.byName[strings.ToLower(c.Name)] = c
}

// Lookup finds a command by its full name, case-insensitively.
func (t *Table) Lookup(name string) *Command { return t.byName[strings.ToLower(name)] }

// InCategory lists the full names of the commands in a category, in the
// table's order (ACL CAT <category>).
func (t *Table) InCategory(flag uint64) []string {
	var names []string
	t.walk(func(c *Command) {
		if c.Categories&flag != 0 {
			names = append(names, c.Name)
		}
	})
	return names
}

// walk visits every command, each followed by its subcommands.
func (t *Table) walk(visit func(*Command)) {
	for _, c := range t.top {
		visit(c)
		for _, sub := range c.Sub {
			visit(sub)
		}
	}
}

func (t *Table) words() int { return (len(t.all) + 63) / 64 }
