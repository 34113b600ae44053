package acl

import (
	"strings"
	"testing"
)

// TestCheck: ACLCheckAllUserCommandPerm's verdicts, each line checked
// against a user built from the rules (selectors in parentheses).
func TestCheck(t *testing.T) {
	type verdict struct {
		line   string // split at spaces; "''" is an empty argument
		denial Denial
		pos    int
	}
	for _, tc := range []struct {
		rules    []string
		verdicts []verdict
	}{
		{[]string{"-@all", "+get", "~a*"}, []verdict{
			{"get a1", Allowed, 0},
			{"get b", DeniedKey, 1},
			{"set a1 v", DeniedCommand, 0},
			{"mget a1 a2", DeniedCommand, 0},
		}},
		// NoAuth commands run whatever the rules.
		{[]string{"-@all"}, []verdict{
			{"auth u p", Allowed, 0},
			{"get a", DeniedCommand, 0},
		}},
		// Key permissions: a pattern must grant everything the command
		// does to the key (ACLSelectorCheckKey); a key the command neither
		// reads nor writes needs any pattern matching it.
		{[]string{"+@all", "%R~r*", "%W~w*", "~rw*"}, []verdict{
			{"get r1", Allowed, 0},
			{"get w1", DeniedKey, 1},
			{"get rw1", Allowed, 0},
			{"set w1 v", Allowed, 0},
			{"set r1 v", DeniedKey, 1},
			{"copy r1 w1", Allowed, 0},
			{"copy w1 r1", DeniedKey, 1},
			{"copy r1 r2", DeniedKey, 2},
			{"copy rw1 rw2", Allowed, 0},
			{"mget r1 rw1 w1", DeniedKey, 3},
			{"del w1 rw1 r1", DeniedKey, 3},
			{"exists r1 w1 rw1", Allowed, 0},
			{"exists r1 x", DeniedKey, 2},
			{"flushall", Allowed, 0},
			{"publish ch m", DeniedChannel, 1},
		}},
		{[]string{"+@all", "%R~k", "%W~k"}, []verdict{{"copy k k", Allowed, 0}}},
		{[]string{"+@all", "%RW"}, []verdict{ // the empty pattern
			{"get ''", Allowed, 0},
			{"get a", DeniedKey, 1},
		}},
		{[]string{"+@all", "~a*", "resetkeys"}, []verdict{{"get a", DeniedKey, 1}, {"exists a", DeniedKey, 1}}},
		{[]string{"+@all", "allkeys"}, []verdict{{"copy a b", Allowed, 0}}},
		{[]string{"+@all", `~\*`}, []verdict{{"get *", Allowed, 0}, {"get a", DeniedKey, 1}}},
		// Channels: a channel is matched against the patterns; a
		// PSUBSCRIBE pattern must equal one of them.
		{[]string{"+@all", "allkeys", "resetchannels", "&ch*", "&lit"}, []verdict{
			{"publish ch1 m", Allowed, 0},
			{"publish lit m", Allowed, 0},
			{"publish x m", DeniedChannel, 1},
			{"subscribe ch1 lit chx", Allowed, 0},
			{"subscribe ch1 x ch2 y", DeniedChannel, 2},
			{"psubscribe ch* lit", Allowed, 0},
			{"psubscribe ch1", DeniedChannel, 1},
			{"psubscribe c*", DeniedChannel, 1},
			{"psubscribe lit l*", DeniedChannel, 2},
			{"get x", Allowed, 0},
		}},
		{[]string{"+@all", "allchannels"}, []verdict{{"psubscribe *", Allowed, 0}, {"publish x m", Allowed, 0}}},
		// First arguments of an otherwise denied command, compared
		// without case.
		{[]string{"-@all", "+select|0", "+select|db"}, []verdict{
			{"select 0", Allowed, 0},
			{"select DB", Allowed, 0},
			{"select 1", DeniedCommand, 0},
			{"select", DeniedCommand, 0},
			{"get 0", DeniedCommand, 0},
		}},
		{[]string{"+@all", "-select", "+select|0", "resetkeys"}, []verdict{{"select 0", Allowed, 0}, {"select 00", DeniedCommand, 0}}},
		// Containers and subcommands.
		{[]string{"-@all", "+config|get"}, []verdict{
			{"config get x", Allowed, 0},
			{"config set x y", DeniedCommand, 0},
			{"config nosuch", DeniedCommand, 0},
		}},
		{[]string{"-@all", "+config", "-config|set"}, []verdict{
			{"config get x", Allowed, 0},
			{"config help", Allowed, 0},
			{"config set x y", DeniedCommand, 0},
			{"config", Allowed, 0},
		}},
		{[]string{"-@all", "+@admin"}, []verdict{
			{"config get x", Allowed, 0},
			{"client kill x", Allowed, 0},
			{"client id", DeniedCommand, 0},
			{"config help", DeniedCommand, 0},
		}},
		{[]string{"-@all", "+@slow", "-@dangerous"}, []verdict{
			{"config help", Allowed, 0},
			{"config get x", DeniedCommand, 0},
			{"client id", Allowed, 0},
			{"flushall", DeniedCommand, 0},
		}},
		// Several selectors: the first that allows everything wins;
		// otherwise the highest denial, and of equal ones the highest
		// position.
		{[]string{"-@all", "(+get ~a*)", "(+get ~b*)"}, []verdict{
			{"get a1", Allowed, 0},
			{"get b1", Allowed, 0},
			{"get c", DeniedKey, 1},
			{"set a1 v", DeniedCommand, 0},
		}},
		{[]string{"+mget", "~a*", "(+mget ~b*)"}, []verdict{
			{"mget a1 b1", DeniedKey, 2},
			{"mget b1 a1", DeniedKey, 2},
			{"mget a1 a2 c", DeniedKey, 3},
		}},
		{[]string{"+mget", "~b*", "(+mget ~a*)"}, []verdict{
			{"mget a1 b1", DeniedKey, 2},
			{"mget b1 a1", DeniedKey, 2},
		}},
		{[]string{"+kpub", "allkeys", "&c", "(+kpub &x)"}, []verdict{
			{"kpub k c", Allowed, 0},
			{"kpub k x", DeniedChannel, 2}, // root: the channel; selector: the key at 1
		}},
		{[]string{"+kpub", "&c", "(+kpub allkeys)"}, []verdict{
			{"kpub k x", DeniedChannel, 2},
		}},
		{[]string{"-@all", "(+publish ~*)", "(+get)"}, []verdict{
			{"publish c m", DeniedChannel, 1},
			{"get k", DeniedKey, 1},
		}},
		{[]string{"+@all", "~*", "&*", "(-@all)"}, []verdict{{"flushall", Allowed, 0}}},
	} {
		r := newRules()
		u := user(t, r, tc.rules...)
		for _, v := range tc.verdicts {
			args := strings.Split(v.line, " ")
			for i, a := range args {
				if a == "''" {
					args[i] = ""
				}
			}
			d, pos := u.Check(request(r.Commands, args...))
			if d != v.denial || pos != v.pos {
				t.Errorf("%q: %q gives %d at %d, want %d at %d", tc.rules, v.line, d, pos, v.denial, v.pos)
			}
		}
	}
}

// TestCheckKeysLazily: the keys are looked up only when a selector
// restricts them, and once.
func TestCheckKeysLazily(t *testing.T) {
	r := newRules()
	calls := 0
	req := func() *Request {
		req := request(r.Commands, "get", "k")
		keys := req.Keys
		req.Keys = func(args [][]byte) []KeyRef { calls++; return keys(args) }
		return req
	}
	if d, _ := user(t, r, "+@all", "allkeys").Check(req()); d != Allowed || calls != 0 {
		t.Errorf("allkeys: %d, %d lookups", d, calls)
	}
	if d, _ := user(t, r, "+@all", "~a", "(+get ~b)", "(+get ~c)").Check(req()); d != DeniedKey || calls != 1 {
		t.Errorf("three selectors: %d, %d lookups", d, calls)
	}
}

func TestCheckAllKeys(t *testing.T) {
	r := newRules()
	for _, tc := range []struct {
		rules   []string
		line    string
		perm    int
		allowed bool
	}{
		{[]string{"+@all", "~*"}, "get k", PermAll, true},
		{[]string{"+@all", "%R~*"}, "get k", PermRead, true},
		{[]string{"+@all", "%R~*"}, "get k", PermWrite, false},
		{[]string{"+@all", "%R~*", "%W~*"}, "get k", PermAll, true},
		{[]string{"+@all", "~a*"}, "get a", PermRead, false},
		{[]string{"+@all", "~a", "~*"}, "get a", PermRead, true},
		{[]string{"-@all", "~*"}, "get k", PermRead, false}, // the command is denied
		{[]string{"-@all", "(+get ~*)"}, "get k", PermAll, true},
		{[]string{"-@all", "(+get ~*)"}, "set k v", PermAll, false},
		{[]string{"+get", "~*", "(+set ~a*)"}, "set a v", PermWrite, false},
		{[]string{"+get", "%R~*", "(+get ~k)"}, "get k", PermRead, true},
		{[]string{"+get", "~k", "(+get %W~*)"}, "get k", PermWrite, false}, // the second selector refuses k
	} {
		u := user(t, r, tc.rules...)
		if got := u.CheckAllKeys(request(r.Commands, strings.Split(tc.line, " ")...), tc.perm); got != tc.allowed {
			t.Errorf("%q: CheckAllKeys(%q, %d) = %v", tc.rules, tc.line, tc.perm, got)
		}
	}
}

func TestKeyAndChannelAllowed(t *testing.T) {
	r := newRules()
	u := user(t, r, "%R~r*", "(%W~w*)", "(&c*)", "&lit")
	for _, tc := range []struct {
		key  string
		perm int
		want bool
	}{
		{"r1", PermRead, true}, {"r1", PermWrite, false}, {"w1", PermWrite, true},
		{"w1", PermAll, false}, {"x", 0, false}, {"w", 0, true},
	} {
		if got := u.KeyAllowed([]byte(tc.key), tc.perm); got != tc.want {
			t.Errorf("KeyAllowed(%q, %d) = %v", tc.key, tc.perm, got)
		}
	}
	for _, tc := range []struct {
		channel string
		pattern bool
		want    bool
	}{
		{"c1", false, true}, {"c*", true, true}, {"c1", true, false}, {"lit", true, true},
		{"x", false, false},
	} {
		if got := u.ChannelAllowed([]byte(tc.channel), tc.pattern); got != tc.want {
			t.Errorf("ChannelAllowed(%q, %v) = %v", tc.channel, tc.pattern, got)
		}
	}
	if !user(t, r, "(allchannels)").ChannelAllowed([]byte("any"), true) {
		t.Error("a selector with allchannels refused a pattern")
	}
}
