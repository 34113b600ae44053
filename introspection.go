package main

import (
	"strings"

	"respd/internal/glob"
)

// COMMAND and its subcommands, generated from the command table.

func cmdCommand(c *Client, args [][]byte) {
	list := sortedCommands()
	c.Array(len(list))
	for _, cmd := range list {
		c.commandInfo(cmd)
	}
}

func cmdCommandCount(c *Client, args [][]byte) { c.Int(int64(len(commands))) }

// cmdCommandInfo: COMMAND INFO [name ...]; unknown names answer null.
func cmdCommandInfo(c *Client, args [][]byte) {
	if len(args) == 2 {
		cmdCommand(c, args)
		return
	}
	c.Array(len(args) - 2)
	for _, name := range args[2:] {
		if cmd := commandByFullName(name); cmd != nil {
			c.commandInfo(cmd)
		} else {
			c.NullArray()
		}
	}
}

// commandByFullName resolves "get" or "config|get".
func commandByFullName(name []byte) *Command {
	parent, sub, isSub := strings.Cut(strings.ToLower(string(name)), "|")
	cmd := commands[parent]
	if cmd == nil || !isSub {
		return cmd
	}
	return cmd.subcommands[sub]
}

// commandInfo writes one command's COMMAND INFO entry: name, arity, flags,
// first/last/step key, ACL categories, tips, key specs, subcommands.
func (c *Client) commandInfo(cmd *Command) {
	c.Array(10)
	c.BulkString(cmd.FullName)
	c.Int(int64(cmd.Arity))
	c.simpleSet(strings.Fields(cmd.FlagNames))
	c.Int(int64(cmd.FirstKey))
	c.Int(int64(cmd.LastKey))
	c.Int(int64(cmd.KeyStep))
	c.simpleSet(strings.Fields(cmd.ACLCategories))
	c.Set(0)
	c.keySpecs(cmd)
	subs := cmd.sortedSubcommands()
	c.Array(len(subs))
	for _, sub := range subs {
		c.commandInfo(sub)
	}
}

func (c *Client) simpleSet(items []string) {
	c.Set(len(items))
	for _, s := range items {
		c.Simple(s)
	}
}

// keySpecs describes the key positions in Redis 7's key-spec form (a range
// from FirstKey), which cluster-aware clients read.
func (c *Client) keySpecs(cmd *Command) {
	if cmd.FirstKey == 0 {
		c.Array(0)
		return
	}
	lastKey := cmd.LastKey
	if lastKey > 0 {
		lastKey -= cmd.FirstKey
	}
	c.Array(1)
	c.Map(3)
	c.BulkString("flags")
	c.Set(0)
	c.BulkString("begin_search")
	c.Map(2)
	c.BulkString("type")
	c.BulkString("index")
	c.BulkString("spec")
	c.Map(1)
	c.BulkString("index")
	c.Int(int64(cmd.FirstKey))
	c.BulkString("find_keys")
	c.Map(2)
	c.BulkString("type")
	c.BulkString("range")
	c.BulkString("spec")
	c.Map(3)
	c.BulkString("lastkey")
	c.Int(int64(lastKey))
	c.BulkString("keystep")
	c.Int(int64(cmd.KeyStep))
	c.BulkString("limit")
	c.Int(0)
}

// cmdCommandDocs: COMMAND DOCS [name ...]; unknown names are left out.
func cmdCommandDocs(c *Client, args [][]byte) {
	var list []*Command
	if len(args) == 2 {
		list = sortedCommands()
	}
	for _, name := range args[2:] {
		if cmd := commandByFullName(name); cmd != nil {
			list = append(list, cmd)
		}
	}
	c.Map(len(list))
	for _, cmd := range list {
		c.BulkString(cmd.FullName)
		c.commandDocs(cmd)
	}
}

func (c *Client) commandDocs(cmd *Command) {
	subs := cmd.sortedSubcommands()
	n := 3
	if len(subs) > 0 {
		n++
	}
	c.Map(n)
	c.BulkString("summary")
	c.BulkString(cmd.Summary)
	c.BulkString("since")
	c.BulkString(cmd.Since)
	c.BulkString("group")
	c.BulkString(cmd.Group)
	if len(subs) > 0 {
		c.BulkString("subcommands")
		c.Map(len(subs))
		for _, sub := range subs {
			c.BulkString(sub.FullName)
			c.commandDocs(sub)
		}
	}
}

// cmdCommandList: COMMAND LIST [FILTERBY MODULE name|ACLCAT cat|PATTERN p]
func cmdCommandList(c *Client, args [][]byte) {
	keep := func(*Command) bool { return true }
	switch {
	case len(args) == 2:
	case len(args) == 5 && strings.EqualFold(string(args[2]), "filterby"):
		value := string(args[4])
		switch strings.ToLower(string(args[3])) {
		case "module":
			keep = func(*Command) bool { return false }
		case "aclcat":
			keep = func(cmd *Command) bool {
				for _, cat := range strings.Fields(cmd.ACLCategories) {
					if strings.EqualFold(cat[1:], value) {
						return true
					}
				}
				return false
			}
		case "pattern":
			keep = func(cmd *Command) bool { return glob.Match([]byte(value), []byte(cmd.FullName), true) }
		default:
			c.Error(errSyntax)
			return
		}
	default:
		c.Error(errSyntax)
		return
	}
	var names []string
	for _, cmd := range sortedCommands() {
		if keep(cmd) {
			names = append(names, cmd.FullName)
		}
		for _, sub := range cmd.sortedSubcommands() {
			if keep(sub) {
				names = append(names, sub.FullName)
			}
		}
	}
	c.BulkStrings(names)
}

// cmdCommandGetkeys: COMMAND GETKEYS command [arg ...]
func cmdCommandGetkeys(c *Client, args [][]byte) {
	target := args[2:]
	cmd, errMsg := c.srv.lookupCommand(target)
	switch {
	case cmd == nil || (errMsg != "" && cmd.subcommands != nil && len(target) > 1):
		c.Error(errGetkeysInvalidCommand)
		return
	case errMsg != "":
		c.Error(errGetkeysWrongArity)
		return
	}
	keys := commandKeys(cmd, target)
	if len(keys) == 0 {
		c.Error(errGetkeysNoKeys)
		return
	}
	c.Array(len(keys))
	for _, k := range keys {
		c.Bulk(k)
	}
}

// commandKeys extracts the key arguments of a command from its table entry.
func commandKeys(cmd *Command, args [][]byte) [][]byte {
	if cmd.FirstKey == 0 {
		return nil
	}
	last := cmd.LastKey
	if last < 0 {
		last += len(args)
	}
	var keys [][]byte
	for i := cmd.FirstKey; i <= last && i < len(args); i += cmd.KeyStep {
		keys = append(keys, args[i])
	}
	return keys
}

func cmdCommandHelp(c *Client, args [][]byte) {
	c.Help("COMMAND",
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
	)
}
