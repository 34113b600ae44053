package main

import (
	"strconv"
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
			c.Null()
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

// commandInfo writes one command's COMMAND INFO entry as Redis 7.0 does:
// name, arity, flags, first/last/step key, ACL categories, tips, key specs,
// subcommands (an empty set for a command without any).
func (c *Client) commandInfo(cmd *Command) {
	m := cmd.Meta
	c.Array(10)
	c.BulkString(cmd.FullName)
	c.Int(int64(m.Arity))
	c.simpleSet(m.Flags)
	c.Int(int64(m.FirstKey))
	c.Int(int64(m.LastKey))
	c.Int(int64(m.KeyStep))
	c.simpleSet(m.ACLCategories)
	c.Set(len(m.Tips))
	for _, tip := range m.Tips {
		c.BulkString(tip)
	}
	c.Set(len(m.KeySpecs))
	for i := range m.KeySpecs {
		c.keySpec(&m.KeySpecs[i])
	}
	if cmd.subcommands == nil {
		c.Set(0)
		return
	}
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

// keySpec writes one key specification as Redis 7.0's
// addReplyCommandKeySpecs.
func (c *Client) keySpec(ks *keySpec) {
	n := 3
	if ks.Notes != "" {
		n++
	}
	c.Map(n)
	if ks.Notes != "" {
		c.BulkString("notes")
		c.BulkString(ks.Notes)
	}
	c.BulkString("flags")
	c.simpleSet(ks.Flags)
	c.BulkString("begin_search")
	c.Map(2)
	c.BulkString("type")
	c.BulkString(ks.BeginSearch)
	c.BulkString("spec")
	switch ks.BeginSearch {
	case "index":
		c.Map(1)
		c.BulkString("index")
		c.Int(int64(ks.Index))
	case "keyword":
		c.Map(2)
		c.BulkString("keyword")
		c.BulkString(ks.Keyword)
		c.BulkString("startfrom")
		c.Int(int64(ks.StartFrom))
	default:
		c.Map(0)
	}
	c.BulkString("find_keys")
	c.Map(2)
	c.BulkString("type")
	c.BulkString(ks.FindKeys)
	c.BulkString("spec")
	switch ks.FindKeys {
	case "range":
		c.Map(3)
		c.BulkString("lastkey")
		c.Int(int64(ks.LastKey))
		c.BulkString("keystep")
		c.Int(int64(ks.KeyStep))
		c.BulkString("limit")
		c.Int(int64(ks.Limit))
	case "keynum":
		c.Map(3)
		c.BulkString("keynumidx")
		c.Int(int64(ks.KeyNumIdx))
		c.BulkString("firstkey")
		c.Int(int64(ks.FirstKey))
		c.BulkString("keystep")
		c.Int(int64(ks.KeyStep))
	default:
		c.Map(0)
	}
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

// commandDocs writes a command's docs map: the generated pairs, then the
// subcommands respd implements.
func (c *Client) commandDocs(cmd *Command) {
	docs := cmd.Meta.Docs
	subs := cmd.sortedSubcommands()
	n := len(docs) / 2
	if len(subs) > 0 {
		n++
	}
	c.Map(n)
	for i := range docs {
		c.metaValue(&docs[i])
	}
	if len(subs) > 0 {
		c.BulkString("subcommands")
		c.Map(len(subs))
		for _, sub := range subs {
			c.BulkString(sub.FullName)
			c.commandDocs(sub)
		}
	}
}

func (c *Client) metaValue(v *metaValue) {
	switch v.Kind {
	case '$':
		c.BulkString(v.Str)
	case '+':
		c.Simple(v.Str)
	case ':':
		c.Int(v.Int)
	case '*':
		c.Array(len(v.Items))
	case '~':
		c.Set(len(v.Items))
	case '%':
		c.Map(len(v.Items) / 2)
	}
	for i := range v.Items {
		c.metaValue(&v.Items[i])
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
				for _, cat := range cmd.Meta.ACLCategories {
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
func cmdCommandGetkeys(c *Client, args [][]byte) { getKeysSubcommand(c, args, false) }

// cmdCommandGetkeysandflags: COMMAND GETKEYSANDFLAGS command [arg ...]
func cmdCommandGetkeysandflags(c *Client, args [][]byte) { getKeysSubcommand(c, args, true) }

// getKeysSubcommand is Redis 7.0's getKeysSubcommandImpl: the command as
// lookupCommand resolves it (a container without a known subcommand is
// invalid, a container alone is itself), then its keys from its key specs.
func getKeysSubcommand(c *Client, args [][]byte, withFlags bool) {
	target := args[2:]
	cmd := commandByName(target[0])
	if cmd != nil && cmd.subcommands != nil && len(target) > 1 {
		cmd = cmd.subcommands[strings.ToLower(string(target[1]))]
	}
	switch {
	case cmd == nil:
		c.Error(errGetkeysInvalidCommand)
		return
	case len(cmd.Meta.KeySpecs) == 0:
		c.Error(errGetkeysNoKeys)
		return
	case (cmd.Arity > 0 && cmd.Arity != len(target)) || len(target) < -cmd.Arity:
		c.Error(errGetkeysWrongArity)
		return
	}
	keys, ok := commandKeyRefs(cmd, target)
	if !ok {
		c.Error(errGetkeysInvalidArgs)
		return
	}
	c.Array(len(keys))
	for _, k := range keys {
		if withFlags {
			c.Array(2)
			c.Bulk(target[k.pos])
			c.simpleSet(k.flags)
		} else {
			c.Bulk(target[k.pos])
		}
	}
}

// keyRef is one key argument: its position and its key-spec flags.
type keyRef struct {
	pos   int
	flags []string
}

// getKeysProcs are the commands whose key specs can't say all: their
// flags vary (SET), or a spec is incomplete (SORT's BY and GET). As Redis's
// getKeysFromCommandWithSpecs, their own function finds the keys then.
var getKeysProcs = map[string]func(args [][]byte) []keyRef{
	// setGetKeys: the key is read too when GET is given.
	"set": func(args [][]byte) []keyRef {
		for _, a := range args[min(3, len(args)):] {
			if strings.EqualFold(string(cString(a)), "get") {
				return []keyRef{{1, []string{"RW", "access", "update"}}}
			}
		}
		return []keyRef{{1, []string{"OW", "update"}}}
	},
	"sort":    sortGetKeys,
	"sort_ro": func(args [][]byte) []keyRef { return []keyRef{{1, []string{"RO", "access"}}} },
}

// sortGetKeys is Redis's: the sorted key and the last STORE's
// destination, skipping the arguments of LIMIT, GET and BY.
func sortGetKeys(args [][]byte) []keyRef {
	keys := []keyRef{{1, []string{"RO", "access"}}}
	store := 0
	for i := 2; i < len(args); i++ {
		switch opt := strings.ToLower(string(cString(args[i]))); {
		case opt == "limit":
			i += 2
		case opt == "get" || opt == "by":
			i++
		case opt == "store" && i+1 < len(args):
			store = i + 1 // the next argument is scanned as an option too, as Redis
		}
	}
	if store > 0 {
		keys = append(keys, keyRef{store, []string{"OW", "update"}})
	}
	return keys
}

// commandKeyRefs finds a command's keys as Redis's
// getKeysFromCommandWithSpecs: from the key specs unless their flags vary
// or one of them can't find its keys, and the command has its own
// function.
func commandKeyRefs(cmd *Command, argv [][]byte) ([]keyRef, bool) {
	proc := getKeysProcs[cmd.FullName]
	if proc == nil || !hasVariableFlags(cmd) {
		if keys, ok := keysFromSpecs(cmd, argv); ok || proc == nil {
			return keys, ok
		}
	}
	return proc(argv), true
}

func hasVariableFlags(cmd *Command) bool {
	for i := range cmd.Meta.KeySpecs {
		if hasKeyFlag(&cmd.Meta.KeySpecs[i], "variable_flags") {
			return true
		}
	}
	return false
}

// keysFromSpecs is Redis 7.0's getKeysUsingKeySpecs: each spec's
// begin_search (an index, or a keyword searched from startfrom) and
// find_keys (a range, or a count argument); a spec that does not fit the
// arguments makes the whole extraction fail.
func keysFromSpecs(cmd *Command, argv [][]byte) (keys []keyRef, ok bool) {
	argc := len(argv)
	for si := range cmd.Meta.KeySpecs {
		spec := &cmd.Meta.KeySpecs[si]
		if hasKeyFlag(spec, "not_key") {
			continue
		}
		first, last, step := 0, 0, 0
		switch spec.BeginSearch {
		case "index":
			first = spec.Index
		case "keyword":
			start, end := spec.StartFrom, 1
			if start > 0 {
				end = argc - 1
			} else {
				start = argc + spec.StartFrom
			}
			for i := start; i != end; {
				if i >= argc || i < 1 {
					break
				}
				if strings.EqualFold(string(argv[i]), spec.Keyword) {
					first = i + 1
					break
				}
				if start <= end {
					i++
				} else {
					i--
				}
			}
			if first == 0 {
				continue
			}
		default:
			return nil, false
		}
		switch spec.FindKeys {
		case "range":
			step = spec.KeyStep
			switch {
			case spec.LastKey >= 0:
				last = first + spec.LastKey
			case spec.Limit == 0:
				last = argc + spec.LastKey
			default:
				last = first + ((argc-first)/spec.Limit + spec.LastKey)
			}
		case "keynum":
			step = spec.KeyStep
			if spec.KeyNumIdx >= argc || first+spec.KeyNumIdx >= argc {
				return nil, false
			}
			n, err := strconv.ParseInt(string(argv[first+spec.KeyNumIdx]), 10, 64)
			if err != nil || n < 0 || strconv.FormatInt(n, 10) != string(argv[first+spec.KeyNumIdx]) {
				return nil, false
			}
			first += spec.FirstKey
			last = first + int(n) - 1
		default:
			return nil, false
		}
		if last >= argc || last < first || first >= argc {
			return nil, false
		}
		for i := first; i <= last; i += step {
			keys = append(keys, keyRef{i, spec.Flags})
		}
	}
	return keys, true
}

func hasKeyFlag(spec *keySpec, flag string) bool {
	for _, f := range spec.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
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
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.",
	)
}
