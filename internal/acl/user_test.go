package acl

import (
	"slices"
	"strings"
	"testing"
)

const (
	hashEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256("")
	hashABC   = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // SHA-256("abc")
)

func TestHashPassword(t *testing.T) {
	for pass, want := range map[string]string{"": hashEmpty, "abc": hashABC} {
		if got := HashPassword([]byte(pass)); got != want {
			t.Errorf("HashPassword(%q) = %s, want %s", pass, got, want)
		}
	}
}

// TestApplyRules applies each rule of ACL SETUSER and reads the user back
// as ACL LIST describes it (flags, passwords, keys, channels, commands).
func TestApplyRules(t *testing.T) {
	for _, tc := range []struct {
		rules []string
		want  string
	}{
		{nil, "off resetchannels -@all"},
		{[]string{""}, "off resetchannels -@all"},
		{[]string{"on"}, "on resetchannels -@all"},
		{[]string{"ON", "off"}, "off resetchannels -@all"},
		{[]string{"off", "On"}, "on resetchannels -@all"},
		{[]string{"nopass"}, "off nopass resetchannels -@all"},
		{[]string{"skip-sanitize-payload"}, "off skip-sanitize-payload resetchannels -@all"},
		{[]string{"skip-sanitize-payload", "sanitize-payload"}, "off sanitize-payload resetchannels -@all"},
		{[]string{"sanitize-payload", "skip-sanitize-payload"}, "off skip-sanitize-payload resetchannels -@all"},
		// Passwords: oldest first, once each; > and # clear nopass.
		{[]string{">abc"}, "off #" + hashABC + " resetchannels -@all"},
		{[]string{">abc", ">", ">abc"}, "off #" + hashABC + " #" + hashEmpty + " resetchannels -@all"},
		{[]string{"#" + hashABC, ">abc"}, "off #" + hashABC + " resetchannels -@all"},
		{[]string{"nopass", ">abc"}, "off #" + hashABC + " resetchannels -@all"},
		{[]string{"nopass", "#" + hashABC}, "off #" + hashABC + " resetchannels -@all"},
		{[]string{">abc", "nopass"}, "off nopass resetchannels -@all"},
		{[]string{">abc", ">", "<abc"}, "off #" + hashEmpty + " resetchannels -@all"},
		{[]string{">abc", ">", "!" + hashEmpty}, "off #" + hashABC + " resetchannels -@all"},
		{[]string{">abc", "nopass", "resetpass"}, "off resetchannels -@all"},
		{[]string{"nopass", "resetpass"}, "off resetchannels -@all"},
		// Key patterns, with read/write permissions merged per pattern.
		{[]string{"~a*", "~b", "~a*"}, "off ~a* ~b resetchannels -@all"},
		{[]string{"%R~r*", "%W~w*", "%RW~rw*", "%WR~x", "%rw~y"}, "off %R~r* %W~w* ~rw* ~x ~y resetchannels -@all"},
		{[]string{"%R~k", "%W~k"}, "off ~k resetchannels -@all"},
		{[]string{"%W~k", "~k", "%R~k"}, "off ~k resetchannels -@all"},
		{[]string{"%RW"}, "off ~ resetchannels -@all"}, // the empty pattern, as Redis takes it
		{[]string{"%R"}, "off %R~ resetchannels -@all"},
		{[]string{"~"}, "off ~ resetchannels -@all"},
		{[]string{"%R~*"}, "off %R~* resetchannels -@all"}, // not allkeys
		{[]string{"~a", "allkeys"}, "off ~* resetchannels -@all"},
		{[]string{"~a", "~*"}, "off ~* resetchannels -@all"},
		{[]string{"ALLKEYS", "resetkeys"}, "off resetchannels -@all"},
		{[]string{"~*", "resetkeys", "~b"}, "off ~b resetchannels -@all"},
		// Channels.
		{[]string{"&ch*", "&x", "&ch*"}, "off resetchannels &ch* &x -@all"},
		{[]string{"&"}, "off resetchannels & -@all"},
		{[]string{"&a", "allchannels"}, "off &* -@all"},
		{[]string{"&*"}, "off &* -@all"},
		{[]string{"allchannels", "resetchannels", "&b"}, "off resetchannels &b -@all"},
		// Commands.
		{[]string{"+get"}, "off resetchannels -@all +get"},
		{[]string{"+GET", "-get"}, "off resetchannels -@all"},
		{[]string{"allcommands"}, "off resetchannels +@all"},
		{[]string{"+@ALL", "nocommands"}, "off resetchannels -@all"},
		{[]string{"+@all", "-get"}, "off resetchannels +@all -get"},
		{[]string{"+@hash"}, "off resetchannels -@all +@hash"},
		{[]string{"+@hash", "-@HASH"}, "off resetchannels -@all"},
		{[]string{"+config|get"}, "off resetchannels -@all +config|get"},
		{[]string{"+CONFIG|GET"}, "off resetchannels -@all +config|get"},
		{[]string{"+config", "-config|set"}, "off resetchannels -@all +config -config|set"},
		{[]string{"+config|get", "-config"}, "off resetchannels -@all"},
		{[]string{"+select|0", "+select|1", "+SELECT|0"}, "off resetchannels -@all +select|0 +select|1"},
		{[]string{"+select|A", "+select|a"}, "off resetchannels -@all +select|A"},
		{[]string{"+select|0", "+select"}, "off resetchannels -@all +select"},
		{[]string{"+select", "+select|0", "-select"}, "off resetchannels -@all"},
		{[]string{"+select|0", "+@all"}, "off resetchannels +@all"},
		{[]string{"+@all", "-select", "+select|0"}, "off resetchannels +@all -select +select|0"},
		{[]string{"+select|0", "-@connection"}, "off resetchannels -@all"},
		// reset: as new, but sanitize-payload and no selectors.
		{[]string{"on", ">abc", "~*", "&*", "+@all", "skip-sanitize-payload", "(+get)", "reset"}, "off sanitize-payload resetchannels -@all"},
		// Selectors.
		{[]string{"(~a +get)"}, "off resetchannels -@all (~a resetchannels -@all +get)"},
		{[]string{"()", "( )"}, "off resetchannels -@all (resetchannels -@all) (resetchannels -@all)"},
		{[]string{"(  ~a   &b  +@hash )"}, "off resetchannels -@all (~a resetchannels &b -@all +@hash)"},
		{[]string{"(on)"}, ""}, // refused: flags are not selector rules
		{[]string{"(+get)", "(+set)", "clearselectors", "(%R~x)"}, "off resetchannels -@all (%R~x resetchannels -@all)"},
		{[]string{"~a", "(~b)", "CLEARSELECTORS"}, "off ~a resetchannels -@all"},
	} {
		r := newRules()
		u := r.NewUser("u")
		var err error
		for _, op := range tc.rules {
			if err = r.Apply(u, op); err != nil {
				break
			}
		}
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: accepted, described %q", tc.rules, u.Describe(r.Commands))
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.rules, err)
			continue
		}
		if got := u.Describe(r.Commands); got != tc.want {
			t.Errorf("%q: described\n  %q, want\n  %q", tc.rules, got, tc.want)
		}
	}
}

// TestApplyAccessors checks what ACL GETUSER shows of a user.
func TestApplyAccessors(t *testing.T) {
	r := newRules()
	u := user(t, r, "on", "nopass", ">abc", "%R~r*", "~k", "&ch*", "&x", "+get", "(~a &b +set)", "(allkeys allchannels)")
	if got := u.Flags(); !slices.Equal(got, []string{"on"}) {
		t.Errorf("Flags() = %q", got)
	}
	if !u.Enabled() || u.NoPass() {
		t.Errorf("Enabled() %v, NoPass() %v", u.Enabled(), u.NoPass())
	}
	if got := u.Passwords(); !slices.Equal(got, []string{hashABC}) {
		t.Errorf("Passwords() = %q", got)
	}
	root := u.Root()
	if root.Keys() != "%R~r* ~k" || root.Channels() != "&ch* &x" || root.CommandRules(r.Commands) != "-@all +get" {
		t.Errorf("root: keys %q channels %q commands %q", root.Keys(), root.Channels(), root.CommandRules(r.Commands))
	}
	sels := u.Selectors()
	if len(sels) != 2 {
		t.Fatalf("%d selectors", len(sels))
	}
	if sels[0].Keys() != "~a" || sels[0].Channels() != "&b" || sels[0].CommandRules(r.Commands) != "-@all +set" {
		t.Errorf("selector 1: keys %q channels %q commands %q", sels[0].Keys(), sels[0].Channels(), sels[0].CommandRules(r.Commands))
	}
	if sels[1].Keys() != "~*" || sels[1].Channels() != "&*" || sels[1].CommandRules(r.Commands) != "-@all" {
		t.Errorf("selector 2: keys %q channels %q commands %q", sels[1].Keys(), sels[1].Channels(), sels[1].CommandRules(r.Commands))
	}
	empty := r.NewUser("e")
	if empty.Root().Keys() != "" || empty.Root().Channels() != "" || len(empty.Selectors()) != 0 {
		t.Errorf("new user: keys %q channels %q", empty.Root().Keys(), empty.Root().Channels())
	}
	if got := empty.Flags(); !slices.Equal(got, []string{"off"}) {
		t.Errorf("new user: Flags() = %q", got)
	}
}

// TestApplyPubsubDefault: acl-pubsub-default allchannels gives new users,
// reset users and new selectors every channel.
func TestApplyPubsubDefault(t *testing.T) {
	r := &Rules{Commands: newTestTable(), AllChannels: true}
	u := user(t, r, "resetchannels", "&x", "(+get)")
	if got, want := u.Describe(r.Commands), "off resetchannels &x -@all (&* -@all +get)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := r.Apply(u, "&y"); err != nil {
		t.Errorf("&y after resetchannels: %v", err)
	}
	if err := r.Apply(u, "reset"); err != nil {
		t.Fatal(err)
	}
	if got, want := u.Describe(r.Commands), "off sanitize-payload &* -@all"; got != want {
		t.Errorf("after reset: got %q, want %q", got, want)
	}
	if err := r.Apply(r.NewUser("n"), "&z"); err != ErrChannelAfterAll {
		t.Errorf("&z on a new user: %v, want ErrChannelAfterAll", err)
	}
}

// TestApplyErrors: each refusal of ACLSetUser with its errno, and a
// refused rule changes nothing.
func TestApplyErrors(t *testing.T) {
	for _, tc := range []struct {
		before []string
		op     string
		want   RuleError
	}{
		{nil, "foo", ErrSyntax},
		{nil, "user", ErrSyntax},
		{nil, "(", ErrSyntax},
		{nil, ")", ErrSyntax},
		{nil, "(~a", ErrSyntax}, // not merged: a root rule
		{nil, "(foo)", ErrSyntax},
		{nil, "(on)", ErrSyntax},
		{nil, "~a b", ErrSyntax},
		{nil, "~a\tb", ErrSyntax},
		{nil, "~a\x00", ErrSyntax},
		{nil, "~a\v", ErrSyntax},
		{nil, "%R~a\nb", ErrSyntax},
		{nil, "&a b", ErrSyntax},
		{nil, "&\x00", ErrSyntax},
		{nil, "%", ErrSyntax},
		{nil, "%~a", ErrSyntax},
		{nil, "%X~a", ErrSyntax},
		{nil, "%RR~a", ErrSyntax},
		{nil, "%RWR~a", ErrSyntax},
		{nil, "%WW", ErrSyntax},
		{nil, "%R W~a", ErrSyntax},
		{nil, "+get|", ErrSyntax},
		{nil, "+config|", ErrSyntax},
		{nil, "+nosuch", ErrUnknownCommand},
		{nil, "-nosuch", ErrUnknownCommand},
		{nil, "+", ErrUnknownCommand},
		{nil, "-", ErrUnknownCommand},
		{nil, "+|", ErrUnknownCommand},
		{nil, "+|x", ErrUnknownCommand},
		{nil, "+@", ErrUnknownCommand},
		{nil, "-@", ErrUnknownCommand},
		{nil, "+@nosuch", ErrUnknownCommand},
		{nil, "-@nosuch", ErrUnknownCommand},
		{nil, "+config|nosuch", ErrUnknownCommand},
		{nil, "-select|0", ErrUnknownCommand},
		{nil, "-config|get|x", ErrUnknownCommand},
		{nil, "+nosuch|x", ErrUnknownCommand},
		{nil, "+select|0|1", ErrUnknownCommand},
		{nil, "(+get +nosuch)", ErrUnknownCommand},
		{nil, "+config|get|x", ErrFirstArgOfSubcommand},
		{nil, "+config|get|", ErrFirstArgOfSubcommand},
		{nil, "(+client|id|x)", ErrFirstArgOfSubcommand},
		{[]string{"allkeys"}, "~a", ErrKeyAfterAll},
		{[]string{"~*"}, "%R~a", ErrKeyAfterAll},
		{[]string{"~*"}, "%RW", ErrKeyAfterAll},
		{nil, "(~* ~a)", ErrKeyAfterAll},
		{[]string{"allchannels"}, "&a", ErrChannelAfterAll},
		{[]string{"&*"}, "&*x", ErrChannelAfterAll},
		{nil, "(&* &a)", ErrChannelAfterAll},
		{nil, "<abc", ErrNoSuchPassword},
		{[]string{">abc"}, "<ab", ErrNoSuchPassword},
		{[]string{">abc"}, "!" + hashEmpty, ErrNoSuchPassword},
		{[]string{"nopass"}, "<", ErrNoSuchPassword},
		{nil, "#", ErrBadHash},
		{nil, "!", ErrBadHash},
		{nil, "#abc", ErrBadHash},
		{nil, "#" + strings.ToUpper(hashABC), ErrBadHash},
		{nil, "#" + hashABC[1:], ErrBadHash},
		{nil, "#" + hashABC + "0", ErrBadHash},
		{nil, "#" + hashABC[:63] + "g", ErrBadHash},
		{[]string{">abc"}, "!" + strings.ToUpper(hashABC), ErrBadHash},
	} {
		r := newRules()
		u := user(t, r, append([]string{"on", "+get", "(~b)"}, tc.before...)...)
		before := u.Describe(r.Commands)
		err := r.Apply(u, tc.op)
		if err != tc.want {
			t.Errorf("%q after %q: %v, want %d", tc.op, tc.before, err, tc.want)
		}
		if err != nil {
			if err.Error() == "" {
				t.Errorf("%q: empty Error()", tc.op)
			}
			if after := u.Describe(r.Commands); after != before {
				t.Errorf("refused %q changed the user: %q → %q", tc.op, before, after)
			}
		}
	}
}

// TestSelectorSplitArgs: Redis splits the rules inside a selector with
// sdssplitargs: only ' ', '\t', '\n', '\r' separate (and '\0' ends the
// list), quotes group and unquote with C escapes, and unbalanced quotes
// give no rules at all (an empty selector).
func TestSelectorSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		op   string
		want string // the selector's description, or "" if refused
	}{
		{`(~"a")`, "~a resetchannels -@all"},
		{`(+get "+set")`, "resetchannels -@all +@string -mget"}, // the test table's @string: get set mget
		{`('~a' +get)`, "~a resetchannels -@all +get"},
		{`("~\x41" +get)`, "~A resetchannels -@all +get"},
		{`("~a)`, "resetchannels -@all"},
		{`(~a "&b c")`, ""},
		{"(~a\vallkeys)", ""},
		{"(~a\fb)", ""},
		{"(~a\u00a0b)", "~a\u00a0b resetchannels -@all"},
		{"(+get\x00 +set)", "resetchannels -@all +get"},
		{"(~a\x00b +get)", "~a resetchannels -@all"},
		{"(~a\n+get)", "~a resetchannels -@all +get"},
		{"(~a\r\n+get\t&x)", "~a resetchannels &x -@all +get"},
	} {
		r := newRules()
		u := r.NewUser("u")
		err := r.Apply(u, tc.op)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%q: accepted: %q", tc.op, u.Describe(r.Commands))
		case tc.want != "" && err != nil:
			t.Errorf("%q: %v, want (%s)", tc.op, err, tc.want)
		case tc.want != "":
			if got := u.Describe(r.Commands); got != "off resetchannels -@all ("+tc.want+")" {
				t.Errorf("%q: %q, want (%s)", tc.op, got, tc.want)
			}
		}
	}
}

// TestCopyRulesAndClone: a clone is independent of its user; CopyRules
// keeps the name.
func TestCopyRulesAndClone(t *testing.T) {
	r := newRules()
	u := user(t, r, "on", ">abc", "~a", "&x", "+@all", "-select", "+select|0", "(+get ~b)")
	c := u.Clone()
	desc := u.Describe(r.Commands)
	for _, op := range []string{"off", "resetpass", "~c", "&y", "+select|1", "-get", "clearselectors"} {
		if err := r.Apply(c, op); err != nil {
			t.Fatal(err)
		}
	}
	if got := u.Describe(r.Commands); got != desc {
		t.Errorf("changing a clone changed the user: %q → %q", desc, got)
	}
	d := r.NewUser("dst")
	d.CopyRules(u)
	if d.Name != "dst" || d.Describe(r.Commands) != desc {
		t.Errorf("CopyRules: %s %q, want dst %q", d.Name, d.Describe(r.Commands), desc)
	}
}

func TestNewDefaultUser(t *testing.T) {
	r := newRules()
	u := r.NewDefaultUser()
	if got, want := u.Describe(r.Commands), "on nopass ~* &* +@all"; got != want || u.Name != "default" {
		t.Errorf("default user %s: %q, want %q", u.Name, got, want)
	}
	if !u.Unrestricted() {
		t.Error("the default user is restricted")
	}
	for _, op := range []string{"-get", "resetkeys", "resetchannels"} {
		c := u.Clone()
		if err := r.Apply(c, op); err != nil {
			t.Fatal(err)
		}
		if c.Unrestricted() {
			t.Errorf("%s: still unrestricted", op)
		}
	}
	c := u.Clone()
	if err := r.Apply(c, "(-@all)"); err != nil || !c.Unrestricted() {
		t.Errorf("a selector made the default user restricted (%v)", err)
	}
}

func TestCheckPassword(t *testing.T) {
	r := newRules()
	for _, tc := range []struct {
		rules []string
		ok    []string
		bad   []string
	}{
		{[]string{">abc"}, nil, []string{"abc", ""}}, // off
		{[]string{"on"}, nil, []string{"", "abc"}},   // no password at all
		{[]string{"on", ">abc"}, []string{"abc"}, []string{"", "ab", "abcd", "ABC"}},
		{[]string{"on", ">abc", ">"}, []string{"abc", ""}, []string{"x"}},
		{[]string{"on", "#" + hashABC}, []string{"abc"}, []string{hashABC}},
		{[]string{"on", ">abc", ">def", "<abc"}, []string{"def"}, []string{"abc"}},
		{[]string{"on", "nopass"}, []string{"", "anything"}, nil},
		{[]string{"nopass"}, nil, []string{"", "x"}}, // off
		{[]string{"on", "nopass", "resetpass"}, nil, []string{"", "x"}},
		{[]string{"on", "nopass", ">abc"}, []string{"abc"}, []string{"x"}},
		{[]string{"on", ">a\x00b"}, []string{"a\x00b"}, []string{"a"}},
	} {
		u := user(t, r, tc.rules...)
		for _, p := range tc.ok {
			if !u.CheckPassword([]byte(p)) {
				t.Errorf("%q: %q refused", tc.rules, p)
			}
		}
		for _, p := range tc.bad {
			if u.CheckPassword([]byte(p)) {
				t.Errorf("%q: %q accepted", tc.rules, p)
			}
		}
	}
}

func TestMergeSelectorArgs(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		want   []string
		unopen int
	}{
		{nil, nil, -1},
		{[]string{"on", "~a"}, []string{"on", "~a"}, -1},
		{[]string{"(~a +get)"}, []string{"(~a +get)"}, -1},
		{[]string{"()"}, []string{"()"}, -1},
		{[]string{"on", "(~a", "+get)", "off"}, []string{"on", "(~a +get)", "off"}, -1},
		{[]string{"(~a", "&b", "+get)"}, []string{"(~a &b +get)"}, -1},
		{[]string{"(", ")"}, []string{"( )"}, -1},
		{[]string{"(~a", "", "+get)"}, []string{"(~a  +get)"}, -1},
		{[]string{"(~a", "()"}, []string{"(~a ()"}, -1},
		{[]string{"~a)", "x)"}, []string{"~a)", "x)"}, -1},
		{[]string{"(~a", "+get)", "x)"}, []string{"(~a +get)", "x)"}, -1},
		{[]string{"", "on"}, []string{"", "on"}, -1},
		// A new '(' while one is open starts the selector again: Redis
		// drops what the first had gathered.
		{[]string{"on", "(~a", "(~b", "+get)"}, []string{"on", "(~b +get)"}, -1},
		{[]string{"(~a", "x", "(", "+get)", "off"}, []string{"( +get)", "off"}, -1},
		// Unmatched: the index of the '(' left open.
		{[]string{"(~a"}, nil, 0},
		{[]string{"on", "(~a", "+get"}, nil, 1},
		{[]string{"(~a", "(~b"}, nil, 1},
		{[]string{"(~a", "+get)", "(", "x"}, nil, 2},
		{[]string{"on", "("}, nil, 1},
	} {
		got, open := MergeSelectorArgs(tc.args)
		if open != tc.unopen || !slices.Equal(got, tc.want) {
			t.Errorf("MergeSelectorArgs(%q) = %q, %d; want %q, %d", tc.args, got, open, tc.want, tc.unopen)
		}
	}
}

// revokedCase is a user's channel rules before and after ACL SETUSER:
// whether RevokedChannels says subscribers must be checked, and the
// channels the user it returns allows.
type revokedCase struct {
	old, updated []string
	revoked      bool
	allowed      []string
	denied       []string
}

func checkRevoked(t *testing.T, cases []revokedCase) {
	t.Helper()
	r := newRules()
	for _, tc := range cases {
		old := user(t, r, append([]string{"resetchannels"}, tc.old...)...)
		updated := user(t, r, append([]string{"resetchannels"}, tc.updated...)...)
		got := RevokedChannels(updated, old)
		if (got != nil) != tc.revoked {
			t.Errorf("%q → %q: revoked %v, want %v", tc.old, tc.updated, got != nil, tc.revoked)
			continue
		}
		for _, ch := range tc.allowed {
			if !got.ChannelAllowed([]byte(ch), false) {
				t.Errorf("%q → %q: %q not allowed", tc.old, tc.updated, ch)
			}
		}
		for _, ch := range tc.denied {
			if got.ChannelAllowed([]byte(ch), false) {
				t.Errorf("%q → %q: %q allowed", tc.old, tc.updated, ch)
			}
		}
	}
}

func TestRevokedChannels(t *testing.T) {
	checkRevoked(t, []revokedCase{
		{[]string{"&a"}, []string{"allchannels"}, false, nil, nil},
		{[]string{"&a"}, []string{"&b", "(&*)"}, false, nil, nil},
		{[]string{"&a"}, []string{"&a", "&b"}, false, nil, nil},
		{[]string{"&a", "(&b)"}, []string{"&b", "(&a)"}, false, nil, nil},
		{nil, []string{"&b"}, false, nil, nil},
		{[]string{"allchannels"}, []string{"(allchannels)"}, false, nil, nil},
		{[]string{"&a", "&b"}, []string{"&b"}, true, []string{"b"}, []string{"a", "c"}},
		{[]string{"&a*"}, []string{"&a?", "(&x)"}, true, []string{"a1", "x"}, []string{"a", "a12"}},
		{[]string{"&a"}, nil, true, nil, []string{"a", ""}},
	})
	// A subscribed pattern must be among the new patterns literally.
	r := newRules()
	got := RevokedChannels(user(t, r, "&a*"), user(t, r, "&b*"))
	if got == nil || !got.ChannelAllowed([]byte("a*"), true) || got.ChannelAllowed([]byte("a1"), true) {
		t.Errorf("patterns: %v", got)
	}
}

// TestRevokedChannelsAllChannels: taking allchannels away (from the root
// or a selector) revokes, as Redis 7.0.11 and later do (redis#11992): a
// selector of the old rules with allchannels means the new channels are
// no superset.
func TestRevokedChannelsAllChannels(t *testing.T) {
	checkRevoked(t, []revokedCase{
		{[]string{"allchannels"}, []string{"&b"}, true, []string{"b"}, []string{"a"}},
		{[]string{"(&*)"}, []string{"&b*", "(&c)"}, true, []string{"b1", "c"}, []string{"a", "c1"}},
	})
}

// TestMergeSelectorArgsNUL: Redis appends each argument after the one
// that opened a selector with sdscatfmt's "%s", which stops at a '\0';
// whether an argument closes the selector is read from its full length.
func TestMergeSelectorArgsNUL(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"(~a", "+get\x00x)"}, []string{"(~a +get"}},
		{[]string{"(~a\x00b", "+get)"}, []string{"(~a\x00b +get)"}},
		{[]string{"(~a", "\x00)", "on"}, []string{"(~a ", "on"}},
	} {
		got, open := MergeSelectorArgs(tc.args)
		if open != -1 || !slices.Equal(got, tc.want) {
			t.Errorf("MergeSelectorArgs(%q) = %q, %d; want %q", tc.args, got, open, tc.want)
		}
	}
}
