package acl

import (
	"math"
	"strings"
)

// Flags are the user's flags in Redis's order: on or off, nopass,
// skip-sanitize-payload or sanitize-payload.
func (u *User) Flags() []string {
	flags := []string{"off"}
	if u.enabled {
		flags[0] = "on"
	}
	if u.noPass {
		flags = append(flags, "nopass")
	}
	switch u.sanitize {
	case sanitizeSkip:
		flags = append(flags, "skip-sanitize-payload")
	case sanitizeAlways:
		flags = append(flags, "sanitize-payload")
	}
	return flags
}

// Passwords are the user's password hashes, oldest first.
func (u *User) Passwords() []string { return u.passwords }

// Root is the user's root selector; Selectors are the others.
func (u *User) Root() *Selector        { return u.selectors[0] }
func (u *User) Selectors() []*Selector { return u.selectors[1:] }

// Describe is ACLDescribeUser: the user's rules in the form ACL LIST and
// ACL SAVE write and ACL SETUSER reads back.
func (u *User) Describe(t *Table) string {
	var b strings.Builder
	for _, f := range u.Flags() {
		b.WriteString(f)
		b.WriteByte(' ')
	}
	for _, p := range u.passwords {
		b.WriteString("#" + p + " ")
	}
	b.WriteString(u.selectors[0].describe(t))
	for _, s := range u.selectors[1:] {
		b.WriteString(" (" + s.describe(t) + ")")
	}
	return b.String()
}

func (s *Selector) describe(t *Table) string {
	var b strings.Builder
	if s.allKeys {
		b.WriteString("~* ")
	}
	for _, p := range s.keys {
		b.WriteString(p.String() + " ")
	}
	if s.allChannels {
		b.WriteString("&* ")
	} else {
		b.WriteString("resetchannels ")
		for _, c := range s.channels {
			b.WriteString("&" + c + " ")
		}
	}
	b.WriteString(s.CommandRules(t))
	return b.String()
}

// Keys is the selector's key patterns as ACL GETUSER shows them.
func (s *Selector) Keys() string {
	if s.allKeys {
		return "~*"
	}
	parts := make([]string, len(s.keys))
	for i, p := range s.keys {
		parts[i] = p.String()
	}
	return strings.Join(parts, " ")
}

// Channels is the selector's channel patterns as ACL GETUSER shows them.
func (s *Selector) Channels() string {
	if s.allChannels {
		return "&*"
	}
	parts := make([]string, len(s.channels))
	for i, c := range s.channels {
		parts[i] = "&" + c
	}
	return strings.Join(parts, " ")
}

// CommandRules is ACLDescribeSelectorCommandRules: rules that rebuild the
// selector's command bitmap. Redis 7.0 keeps no record of the rules given;
// it starts from +@all (if the selector would allow future commands) or
// -@all, adds the categories that fit best one at a time, then fixes the
// difference command by command, in the table's order.
func (s *Selector) CommandRules(t *Table) string {
	var b strings.Builder
	fake := newSelector(t, false)
	additive := !s.future
	if additive {
		b.WriteString("-@all ")
	} else {
		b.WriteString("+@all ")
		fake.setAll(true)
	}
	// rest holds what the categories chosen so far have not explained:
	// each chosen category is undone in it.
	rest := &Selector{allowed: append([]uint64(nil), s.allowed...)}
	applied := make([]bool, len(Categories))
	for {
		best, mindiff, maxsame := -1, math.MaxInt32, 0
		for j := range Categories {
			if applied[j] {
				continue
			}
			on, off := rest.countCategory(t, 1<<j)
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < mindiff || diff == mindiff && same > maxsame) {
				best, mindiff, maxsame = j, diff, same
			}
		}
		if best < 0 {
			break
		}
		sign := "-@"
		if additive {
			sign = "+@"
		}
		fake.setCategory(t, 1<<best, additive)
		rest.setCategory(t, 1<<best, !additive)
		b.WriteString(sign + Categories[best] + " ")
		applied[best] = true
	}
	t.walk(func(c *Command) {
		allowed := s.bit(c.ID)
		if allowed != fake.bit(c.ID) {
			if allowed {
				b.WriteString("+" + c.Name + " ")
			} else {
				b.WriteString("-" + c.Name + " ")
			}
			fake.setCommand(c, allowed)
		}
		if !allowed {
			for _, arg := range s.firstArgs[c.ID] {
				b.WriteString("+" + c.Name + "|" + arg + " ")
			}
		}
	})
	return strings.TrimSuffix(b.String(), " ")
}

// countCategory counts the commands of a category the selector allows
// and denies.
func (s *Selector) countCategory(t *Table, flag uint64) (on, off int) {
	t.walk(func(c *Command) {
		if c.Categories&flag != 0 && !c.Newer {
			if s.bit(c.ID) {
				on++
			} else {
				off++
			}
		}
	})
	return on, off
}
