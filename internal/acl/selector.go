package acl

import (
	"strings"

	"respd/internal/glob"
)

// Key permissions of a key pattern (%R~, %W~, ~ is both).
const (
	PermRead  = 1
	PermWrite = 2
	PermAll   = PermRead | PermWrite
)

// KeyPattern is one ~pattern, %R~pattern or %W~pattern.
type KeyPattern struct {
	Pattern string
	Perm    int
}

// String is the pattern as a rule: "~p", "%R~p" or "%W~p".
func (p KeyPattern) String() string {
	switch p.Perm {
	case PermRead:
		return "%R~" + p.Pattern
	case PermWrite:
		return "%W~" + p.Pattern
	}
	return "~" + p.Pattern
}

// Selector is a set of permissions: the commands, keys and channels it
// allows. A user has its root selector and any number of others; a
// command runs if one of them allows all of it.
type Selector struct {
	allKeys, allChannels bool
	// allCommands: every bit is set (+@all), so the bitmap is not looked
	// at; cleared as soon as a bit is.
	allCommands bool
	// future: the rules began with +@all, so commands added later (a
	// module's) would be allowed too. Redis keeps it as a reserved bit;
	// describing the selector starts from it.
	future    bool
	allowed   []uint64
	firstArgs map[int][]string // per command ID: allowed first arguments of a denied command
	keys      []KeyPattern
	channels  []string
}

func newSelector(t *Table, allChannels bool) *Selector {
	return &Selector{allowed: make([]uint64, t.words()), allChannels: allChannels}
}

func (s *Selector) clone() *Selector {
	c := *s
	c.allowed = append([]uint64(nil), s.allowed...)
	c.keys = append([]KeyPattern(nil), s.keys...)
	c.channels = append([]string(nil), s.channels...)
	c.firstArgs = nil
	for id, args := range s.firstArgs {
		c.addFirstArgs(id, args...)
	}
	return &c
}

func (s *Selector) bit(id int) bool { return s.allowed[id/64]&(1<<(id%64)) != 0 }

func (s *Selector) setBit(id int, allow bool) {
	if allow {
		s.allowed[id/64] |= 1 << (id % 64)
	} else {
		s.allowed[id/64] &^= 1 << (id % 64)
		s.allCommands = false
	}
}

// setCommand allows or denies a command and, for a container, every
// subcommand; the command's allowed first arguments are forgotten.
func (s *Selector) setCommand(c *Command, allow bool) {
	s.setBit(c.ID, allow)
	delete(s.firstArgs, c.ID)
	for _, sub := range c.Sub {
		s.setBit(sub.ID, allow)
	}
}

// setCategory allows or denies every command in a category: a container
// in it with all its subcommands, and each subcommand in it.
func (s *Selector) setCategory(t *Table, flag uint64, allow bool) {
	for _, c := range t.top {
		if c.Categories&flag != 0 {
			s.setCommand(c, allow)
		}
		for _, sub := range c.Sub {
			if sub.Categories&flag != 0 {
				s.setCommand(sub, allow)
			}
		}
	}
}

func (s *Selector) setAll(allow bool) {
	var word uint64
	if allow {
		word = ^uint64(0)
	}
	for i := range s.allowed {
		s.allowed[i] = word
	}
	s.allCommands, s.future, s.firstArgs = allow, allow, nil
}

func (s *Selector) addFirstArgs(id int, args ...string) {
	if s.firstArgs == nil {
		s.firstArgs = make(map[int][]string)
	}
	for _, arg := range args {
		if !containsFold(s.firstArgs[id], arg) {
			s.firstArgs[id] = append(s.firstArgs[id], arg)
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// apply is ACLSetSelector: one key, channel or command rule.
func (s *Selector) apply(t *Table, op string) error {
	switch {
	case op == "": // only inside a selector: "" is no rule at all outside
		return ErrSyntax
	case strings.EqualFold(op, "allkeys") || op == "~*":
		s.allKeys, s.keys = true, nil
	case strings.EqualFold(op, "resetkeys"):
		s.allKeys, s.keys = false, nil
	case strings.EqualFold(op, "allchannels") || op == "&*":
		s.allChannels, s.channels = true, nil
	case strings.EqualFold(op, "resetchannels"):
		s.allChannels, s.channels = false, nil
	case strings.EqualFold(op, "allcommands") || strings.EqualFold(op, "+@all"):
		s.setAll(true)
	case strings.EqualFold(op, "nocommands") || strings.EqualFold(op, "-@all"):
		s.setAll(false)
	case op[0] == '~' || op[0] == '%':
		return s.addKeyPattern(op)
	case op[0] == '&':
		if s.allChannels {
			return ErrChannelAfterAll
		}
		if hasSpaces(op[1:]) {
			return ErrSyntax
		}
		if !contains(s.channels, op[1:]) {
			s.channels = append(s.channels, op[1:])
		}
	case len(op) > 1 && op[1] == '@' && (op[0] == '+' || op[0] == '-'):
		flag := CategoryFlag(op[2:])
		if flag == 0 {
			return ErrUnknownCommand
		}
		s.setCategory(t, flag, op[0] == '+')
	case op[0] == '+':
		return s.allowCommand(t, op[1:])
	case op[0] == '-':
		c := t.Lookup(op[1:])
		if c == nil {
			return ErrUnknownCommand
		}
		s.setCommand(c, false)
	default:
		return ErrSyntax
	}
	return nil
}

func (s *Selector) addKeyPattern(op string) error {
	if s.allKeys {
		return ErrKeyAfterAll
	}
	perm, rest := PermAll, op[1:]
	if op[0] == '%' {
		// "%RW" without '~' is an empty pattern, as Redis takes it.
		perm = 0
		for rest != "" {
			ch := rest[0]
			rest = rest[1:]
			if ch == '~' {
				break
			}
			switch {
			case (ch == 'R' || ch == 'r') && perm&PermRead == 0:
				perm |= PermRead
			case (ch == 'W' || ch == 'w') && perm&PermWrite == 0:
				perm |= PermWrite
			default:
				return ErrSyntax
			}
		}
		if perm == 0 {
			return ErrSyntax
		}
	}
	if hasSpaces(rest) {
		return ErrSyntax
	}
	for i := range s.keys {
		if s.keys[i].Pattern == rest {
			s.keys[i].Perm |= perm
			return nil
		}
	}
	s.keys = append(s.keys, KeyPattern{rest, perm})
	return nil
}

// allowCommand is +command, +container|subcommand or +command|first-arg.
func (s *Selector) allowCommand(t *Table, name string) error {
	bar := strings.LastIndexByte(name, '|')
	if bar < 0 {
		c := t.Lookup(name)
		if c == nil {
			return ErrUnknownCommand
		}
		s.setCommand(c, true)
		return nil
	}
	c := t.Lookup(name[:bar])
	switch {
	case c == nil:
		return ErrUnknownCommand
	case c.Parent != nil:
		return ErrFirstArgOfSubcommand
	case bar == len(name)-1:
		return ErrSyntax
	case c.Sub != nil:
		sub := t.Lookup(name)
		if sub == nil {
			return ErrUnknownCommand
		}
		s.setCommand(sub, true)
	default:
		// Deprecated in Redis (logged there): SELECT|0 in an otherwise
		// denied SELECT.
		s.addFirstArgs(c.ID, name[bar+1:])
	}
	return nil
}

// hasSpaces is ACLStringHasSpaces: C's isspace or a NUL byte.
func hasSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0:
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// keyAllowed is ACLSelectorCheckKey: perm is what the command does to
// the key (PermRead, PermWrite, both, or neither).
func (s *Selector) keyAllowed(key []byte, perm int) bool {
	if s.allKeys {
		return true
	}
	for _, p := range s.keys {
		if p.Perm&perm == perm && glob.Match([]byte(p.Pattern), key, false) {
			return true
		}
	}
	return false
}

// allKeysAllowed is ACLSelectorHasUnrestrictedKeyAccess: every key may be
// accessed with perm.
func (s *Selector) allKeysAllowed(perm int) bool {
	if s.allKeys {
		return true
	}
	for _, p := range s.keys {
		if p.Perm&perm == perm && p.Pattern == "*" {
			return true
		}
	}
	return false
}

// channelAllowed is ACLCheckChannelAgainstList: a channel is matched
// against the patterns, a pattern (PSUBSCRIBE's) only equals one.
func channelAllowed(patterns []string, channel []byte, isPattern bool) bool {
	for _, p := range patterns {
		if isPattern && p == string(channel) || !isPattern && glob.Match([]byte(p), channel, false) {
			return true
		}
	}
	return false
}
