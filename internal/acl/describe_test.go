package acl

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCommandRules: ACLDescribeSelectorCommandRules on the test table:
// +@all or -@all first (whether the rules began with +@all), then the
// categories that fit best, then single commands in the table's order,
// each denied command followed by its allowed first arguments.
func TestCommandRules(t *testing.T) {
	for _, tc := range []struct {
		rules []string
		want  string
	}{
		{nil, "-@all"},
		{[]string{"+@all"}, "+@all"},
		{[]string{"+@all", "-@all"}, "-@all"},
		// Every command allowed by categories is still -@all: the rules
		// did not allow future commands. The largest category first.
		{[]string{"+@read", "+@write", "+@fast", "+@slow", "+@pubsub"}, "-@all +@slow +@fast"},
		{[]string{"+@all", "-get"}, "+@all -get"},
		{[]string{"-@all", "+@hash"}, "-@all +@hash"},
		{[]string{"+@hash", "-hset"}, "-@all +hget"},
		{[]string{"+@hash", "+get"}, "-@all +@hash +get"},
		// The best fit: -@admin leaves one command to put back.
		{[]string{"+@all", "-config"}, "+@all -@admin -config +client|kill"},
		{[]string{"+@all", "-@admin"}, "+@all -@admin"},
		{[]string{"+@all", "-@dangerous"}, "+@all -@dangerous"},
		{[]string{"-@all", "+@string", "+@hash"}, "-@all +@string +@hash"},
		// A category fits if it has more in common than not; of those,
		// the fewest differences first, then the most in common.
		{[]string{"+get", "+mget", "+hget"}, "-@all +@read -exists"},
		{[]string{"+get", "+mget", "+hget", "+exists"}, "-@all +@read"},
		{[]string{"+@all", "-@read", "-@write"}, "+@all -@write -@read"},
		// Containers and subcommands: the container's rule first sets
		// every subcommand, which are then fixed one by one.
		{[]string{"+config|get"}, "-@all +config|get"},
		{[]string{"+config", "-config|set"}, "-@all +config -config|set"},
		{[]string{"+config|get", "+config|set", "+config|help"}, "-@all +@admin +config|help -client|kill"},
		{[]string{"+@all", "-config|get"}, "+@all -config|get"},
		// First arguments: after the denied command's own rule, in the
		// order given, the first spelling of each.
		{[]string{"+select|0", "+select|1", "+select|0"}, "-@all +select|0 +select|1"},
		{[]string{"+get", "+select|0", "+hset"}, "-@all +get +hset +select|0"},
		{[]string{"+@all", "-select", "+select|Ab", "+select|aB"}, "+@all -select +select|Ab"},
		{[]string{"+@all", "-@connection", "+select|0"}, "+@all -@connection +select|0"},
		// Allowed by its bit, a command does not show its first args.
		{[]string{"+select", "+select|0"}, "-@all +select"},
	} {
		r := newRules()
		u := user(t, r, tc.rules...)
		if got := u.Root().CommandRules(r.Commands); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.rules, got, tc.want)
		}
	}
}

// TestDescribeRoundTrip: a user described and the description applied to
// a new user gives the same description and the same verdict on every
// command of the table.
func TestDescribeRoundTrip(t *testing.T) {
	for _, rules := range [][]string{
		nil,
		{"on", ">abc", "nopass", "skip-sanitize-payload"},
		{"on", ">abc", ">def", "#" + hashEmpty, "sanitize-payload"},
		{"%R~r*", "%W~w*", "~rw*", "%RW", "&ch*", "&", "+@all", "-config", "-select", "+select|0", "+select|x"},
		{"allkeys", "allchannels", "+@read", "-get", "+config|get", "(~a +@write -del)", "()", "(allkeys &x +select|1)"},
		{"reset", "+@all", "-@dangerous", "+flushall", "-client|id", "+@admin", "-@pubsub", "+kpub"},
		{"+@all", "-@all", "+client", "-client|kill", "+auth", "(+@all -@slow %W~k)"},
	} {
		r := newRules()
		u := user(t, r, rules...)
		checkRoundTrip(t, r, u)
	}
}

// checkRoundTrip: the user's description re-applied describes and checks
// the same.
func checkRoundTrip(t testing.TB, r *Rules, u *User) {
	t.Helper()
	desc := u.Describe(r.Commands)
	v, err := reapply(r, desc)
	if err != nil {
		t.Fatalf("%q: re-applied: %v (%d)", desc, err, err)
	}
	if got := v.Describe(r.Commands); got != desc {
		t.Fatalf("described %q, re-applied describes %q", desc, got)
	}
	samePermissions(t, r.Commands, u, v)
	for _, s := range u.selectors {
		f := newSelector(r.Commands, false)
		for _, op := range strings.Split(s.CommandRules(r.Commands), " ") {
			if err := f.apply(r.Commands, op); err != nil {
				t.Fatalf("%q: %v", op, err)
			}
		}
		for i := range s.allowed {
			if f.allowed[i] != s.allowed[i] {
				t.Fatalf("%q rebuilds a different bitmap", s.CommandRules(r.Commands))
			}
		}
	}
}

// TestDescribeRandom: random users, drawn from every rule of the table,
// describe and check the same once re-applied.
func TestDescribeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := newRules()
	ops := ruleVocabulary(r.Commands)
	for range 2000 {
		u := r.NewUser("u")
		for range 1 + rng.IntN(12) {
			op := ops[rng.IntN(len(ops))]
			if rng.IntN(8) == 0 {
				op = "(" + ops[rng.IntN(len(ops))] + " " + ops[rng.IntN(len(ops))] + ")"
			}
			r.Apply(u, op) // refusals leave u as it was
		}
		if roundTrippable(u) {
			checkRoundTrip(t, r, u)
		}
	}
}

// ruleVocabulary is a rule of each kind over the table's commands and
// categories, and a few patterns.
func ruleVocabulary(tab *Table) []string {
	ops := []string{
		"on", "off", "nopass", "resetpass", ">a", ">b", "<a", "#" + hashABC, "!" + hashABC,
		"skip-sanitize-payload", "sanitize-payload", "reset", "clearselectors",
		"~a*", "%R~r*", "%W~w*", "%RW~rw*", "%R~k", "%W~k", "%RW", "~*", "%R~*", "allkeys", "resetkeys",
		"&ch*", "&x", "&", "&*", "allchannels", "resetchannels",
		"+@all", "-@all", "allcommands", "nocommands",
		"+select|0", "+select|1", "+get|x", "+hset|k",
	}
	for _, c := range Categories {
		ops = append(ops, "+@"+c, "-@"+c)
	}
	tab.walk(func(c *Command) { ops = append(ops, "+"+c.Name, "-"+c.Name) })
	return ops
}

// roundTrippable reports whether Redis's description format can carry the
// user back: a first arg or pattern with a quote, a parenthesis or a
// non-ASCII byte would be split or cut short inside a selector, a first
// arg with a space anywhere, and a "*" pattern of both permissions is
// described "~*", which re-applied is allkeys, after which no pattern can
// follow (Redis's ACL SAVE writes such users; its ACL LOAD refuses them).
func roundTrippable(u *User) bool {
	bad := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"'()\`, c) >= 0 {
				return true
			}
		}
		return false
	}
	for _, s := range u.selectors {
		for _, p := range s.keys {
			if bad(p.Pattern) || p.Pattern == "*" && p.Perm == PermAll {
				return false
			}
		}
		for _, c := range s.channels {
			if bad(c) {
				return false
			}
		}
		for _, args := range s.firstArgs {
			for _, a := range args {
				if bad(a) {
					return false
				}
			}
		}
	}
	return true
}

// TestDescribeStarPattern: "%RW~*" is a pattern, not allkeys, but is
// described "~*", as Redis does; with another pattern after it the
// description does not apply again (ErrKeyAfterAll), as in Redis.
func TestDescribeStarPattern(t *testing.T) {
	r := newRules()
	u := user(t, r, "%R~*", "%W~*", "~a")
	desc := u.Describe(r.Commands)
	if desc != "off ~* ~a resetchannels -@all" {
		t.Fatalf("described %q", desc)
	}
	if _, err := reapply(r, desc); err != ErrKeyAfterAll {
		t.Errorf("re-applied: %v, want ErrKeyAfterAll", err)
	}
	alone := user(t, r, "%RW~*")
	if v, err := reapply(r, alone.Describe(r.Commands)); err != nil || v.Describe(r.Commands) != alone.Describe(r.Commands) {
		t.Errorf("%q re-applied: %v", alone.Describe(r.Commands), err)
	}
}
