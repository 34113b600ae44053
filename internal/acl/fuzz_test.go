package acl

import (
	"strings"
	"testing"

	"respd/internal/glob"
)

// fuzzSeeds are rule lists, one rule a line.
var fuzzSeeds = []string{
	"on\n>abc\n~a*\n&ch*\n+@all\n-config|set\n+select|0",
	"%R~r*\n%W~w*\n%RW~rw*\n%RW\n+@read\n-get\n(+set ~w* &x)\n()",
	"+@all\n-select\n+select|0\n+select|1\n-@dangerous\n+flushall",
	"(~a +get)\n(allkeys allchannels +@all -@admin)\nclearselectors\n(%W~k +hset)",
	"nopass\n#" + hashABC + "\n!" + hashABC + "\nresetpass\n>\n<",
	"allkeys\n~a\nallchannels\n&b\nresetkeys\nresetchannels\n~a\n&b",
	"+config|get|x\n+get|\n+nosuch\n+@nosuch\n%X~a\n~a b\n(\n)\n(~a",
	"reset\nskip-sanitize-payload\n+client\n-client|kill\n+@connection\n-@slow",
	"+@all\n%R~*\n%W~*\n~a",
	"(~\"a\")\n(+get\x00 +set)\n('x' +get)\n(~a\vb)",
	"+select|a b\n+select|(x\n(+get|x) +set)\n+hget|é",
}

// FuzzApply: no rule panics; a refused rule changes nothing; selectors
// merge without panicking; and the user left by any sequence of rules
// describes itself in rules that rebuild the same user (same description,
// same verdicts) wherever Redis's description format can carry it.
func FuzzApply(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		ops := strings.Split(data, "\n")
		merged, open := MergeSelectorArgs(ops)
		if open >= 0 {
			if merged != nil || open >= len(ops) || !strings.HasPrefix(ops[open], "(") {
				t.Fatalf("MergeSelectorArgs(%q) = %q, %d", ops, merged, open)
			}
		} else if len(merged) > len(ops) {
			t.Fatalf("MergeSelectorArgs(%q) = %q", ops, merged)
		}
		r := newRules()
		u := r.NewUser("u")
		for _, op := range ops {
			before := u.Describe(r.Commands)
			err := r.Apply(u, op)
			if err == nil {
				continue
			}
			if e, ok := err.(RuleError); !ok || e < ErrSyntax || e > ErrFirstArgOfSubcommand {
				t.Fatalf("Apply(%q): %v", op, err)
			}
			if after := u.Describe(r.Commands); after != before {
				t.Fatalf("refused %q changed the user: %q → %q", op, before, after)
			}
		}
		if roundTrippable(u) {
			checkRoundTrip(t, r, u)
		}
	})
}

// FuzzCheck: the check of any command line by any user agrees with a
// model written from Redis's ACLCheckAllUserCommandPerm, and every
// verdict is well formed.
func FuzzCheck(f *testing.F) {
	lines := []string{"get a1", "mget a1 b2 c", "copy r1 w1", "publish ch1 m", "psubscribe ch* x",
		"select 0", "config get x", "client kill x", "auth u p", "kpub k c", "exists x"}
	for i, s := range fuzzSeeds {
		f.Add(s, lines[i%len(lines)])
	}
	f.Fuzz(func(t *testing.T, rules, line string) {
		r := newRules()
		u := r.NewUser("u")
		for _, op := range strings.Split(rules, "\n") {
			r.Apply(u, op)
		}
		args := strings.Split(line, " ")
		if r.Commands.Lookup(args[0]) == nil {
			args = append([]string{r.Commands.all[len(args[0])%len(r.Commands.all)].Name}, args...)
			args[0], _, _ = strings.Cut(args[0], "|")
		}
		req := request(r.Commands, args...)
		d, pos := u.Check(req)
		md, mpos := modelCheck(u, request(r.Commands, args...))
		if d != md || pos != mpos {
			t.Fatalf("%q by %q: %d at %d, the model says %d at %d", args, u.Describe(r.Commands), d, pos, md, mpos)
		}
		switch d {
		case Allowed, DeniedCommand:
			if pos != 0 {
				t.Fatalf("%q: %d at %d", args, d, pos)
			}
		case DeniedKey, DeniedChannel:
			if pos < 1 || pos >= len(args) {
				t.Fatalf("%q: %d at %d", args, d, pos)
			}
		default:
			t.Fatalf("%q: denial %d", args, d)
		}
	})
}

// modelCheck is ACLCheckAllUserCommandPerm and ACLSelectorCheckCmd as
// acl.c writes them, over the selectors' state.
func modelCheck(u *User, r *Request) (Denial, int) {
	relevant, localIdx, lastIdx := DeniedCommand, 0, 0
	var keys []KeyRef
	if r.Keys != nil {
		keys = r.Keys(r.Args)
	}
	for _, s := range u.selectors {
		ret := modelSelectorCheck(s, r, keys, &localIdx)
		if ret == Allowed {
			return Allowed, 0
		}
		if ret > relevant || ret == relevant && localIdx > lastIdx {
			relevant, lastIdx = ret, localIdx
		}
	}
	return relevant, lastIdx
}

func modelSelectorCheck(s *Selector, r *Request, keys []KeyRef, idx *int) Denial {
	c := r.Command
	if !s.allCommands && !c.NoAuth && !s.bit(c.ID) {
		if len(r.Args) < 2 || len(s.firstArgs[c.ID]) == 0 {
			return DeniedCommand
		}
		i := 1
		if c.Parent != nil {
			i = 2
		}
		found := false
		for _, arg := range s.firstArgs[c.ID] {
			if i < len(r.Args) && strings.EqualFold(string(r.Args[i]), arg) {
				found = true
				break
			}
		}
		if !found {
			return DeniedCommand
		}
	}
	if !s.allKeys {
		for _, k := range keys {
			ok := false
			for _, p := range s.keys {
				if p.Perm&k.Perm == k.Perm && glob.Match([]byte(p.Pattern), r.Args[k.Pos], false) {
					ok = true
					break
				}
			}
			if !ok {
				*idx = k.Pos
				return DeniedKey
			}
		}
	}
	if !s.allChannels && r.Channels != nil {
		for _, ch := range r.Channels(r.Args) {
			ok := false
			for _, p := range s.channels {
				if ch.Pattern && p == string(r.Args[ch.Pos]) ||
					!ch.Pattern && glob.Match([]byte(p), r.Args[ch.Pos], false) {
					ok = true
					break
				}
			}
			if !ok {
				*idx = ch.Pos
				return DeniedChannel
			}
		}
	}
	return Allowed
}
