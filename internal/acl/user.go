package acl

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"respd/internal/resp"
)

// RuleError is why a rule was refused; the server words it (its errno in
// Redis's ACLSetUser).
type RuleError int

const (
	ErrSyntax               RuleError = iota + 1 // EINVAL
	ErrUnknownCommand                            // ENOENT: command or category
	ErrKeyAfterAll                               // EEXIST
	ErrChannelAfterAll                           // EISDIR
	ErrNoSuchPassword                            // ENODEV
	ErrBadHash                                   // EBADMSG
	ErrFirstArgOfSubcommand                      // ECHILD
)

func (e RuleError) Error() string { return "acl rule error" }

// Sanitization of RESTORE payloads, the user's sanitize-payload flags.
const (
	sanitizeUnset = iota
	sanitizeSkip
	sanitizeAlways
)

// User is an ACL user: Redis's user struct.
type User struct {
	Name string
	// enabled and disabled are Redis's on and off flags: a new user is
	// off, and a user is on or off, never both.
	enabled   bool
	noPass    bool
	sanitize  int
	passwords []string    // sha256 hex
	selectors []*Selector // [0] is the root selector
}

// Rules is what applying rules depends on: the command table and
// acl-pubsub-default (a new selector's channels).
type Rules struct {
	Commands *Table
	// AllChannels is acl-pubsub-default allchannels.
	AllChannels bool
}

// NewUser is a user as ACL SETUSER creates it: off, no passwords, no
// keys, channels as acl-pubsub-default says, no commands.
func (r *Rules) NewUser(name string) *User {
	return &User{Name: name, selectors: []*Selector{newSelector(r.Commands, r.AllChannels)}}
}

// NewDefaultUser is the default user as Redis starts it: on nopass ~* &*
// +@all.
func (r *Rules) NewDefaultUser() *User {
	u := r.NewUser("default")
	for _, op := range []string{"+@all", "~*", "&*", "on", "nopass"} {
		if err := r.Apply(u, op); err != nil {
			panic(err)
		}
	}
	return u
}

// Clone is a deep copy of u.
func (u *User) Clone() *User {
	c := *u
	c.passwords = append([]string(nil), u.passwords...)
	c.selectors = make([]*Selector, len(u.selectors))
	for i, s := range u.selectors {
		c.selectors[i] = s.clone()
	}
	return &c
}

// CopyRules gives u the flags, passwords and selectors of src (Redis's
// ACLCopyUser): u keeps its name and identity.
func (u *User) CopyRules(src *User) {
	name := u.Name
	*u = *src.Clone()
	u.Name = name
}

// Enabled reports whether the user can authenticate (on).
func (u *User) Enabled() bool { return u.enabled }

// NoPass reports the nopass flag: any password authenticates.
func (u *User) NoPass() bool { return u.noPass }

// Apply is ACLSetUser: one rule (a flag, a password, a selector in
// parentheses, or a root selector rule). The empty rule does nothing.
func (r *Rules) Apply(u *User, op string) error {
	switch {
	case op == "":
	case strings.EqualFold(op, "on"):
		u.enabled = true
	case strings.EqualFold(op, "off"):
		u.enabled = false
	case strings.EqualFold(op, "skip-sanitize-payload"):
		u.sanitize = sanitizeSkip
	case strings.EqualFold(op, "sanitize-payload"):
		u.sanitize = sanitizeAlways
	case strings.EqualFold(op, "nopass"):
		u.noPass, u.passwords = true, nil
	case strings.EqualFold(op, "resetpass"):
		u.noPass, u.passwords = false, nil
	case op[0] == '>' || op[0] == '#':
		hash, err := passwordHash(op)
		if err != nil {
			return err
		}
		if !contains(u.passwords, hash) {
			u.passwords = append(u.passwords, hash)
		}
		u.noPass = false
	case op[0] == '<' || op[0] == '!':
		hash, err := passwordHash(op)
		if err != nil {
			return err
		}
		i := indexOf(u.passwords, hash)
		if i < 0 {
			return ErrNoSuchPassword
		}
		u.passwords = append(u.passwords[:i], u.passwords[i+1:]...)
	case op[0] == '(' && op[len(op)-1] == ')':
		s := newSelector(r.Commands, r.AllChannels)
		for _, inner := range splitArgs(op[1 : len(op)-1]) {
			if err := s.apply(r.Commands, inner); err != nil {
				return err
			}
		}
		u.selectors = append(u.selectors, s)
	case strings.EqualFold(op, "clearselectors"):
		u.selectors = u.selectors[:1]
	case strings.EqualFold(op, "reset"):
		root := newSelector(r.Commands, r.AllChannels)
		u.noPass, u.passwords, u.enabled, u.sanitize = false, nil, false, sanitizeAlways
		u.selectors = []*Selector{root}
	default:
		return u.selectors[0].apply(r.Commands, op)
	}
	return nil
}

// passwordHash is the hash a >password, <password, #hash or !hash rule
// names.
func passwordHash(op string) (string, error) {
	if op[0] == '>' || op[0] == '<' {
		return HashPassword([]byte(op[1:])), nil
	}
	hash := op[1:]
	if len(hash) != sha256.Size*2 {
		return "", ErrBadHash
	}
	for i := 0; i < len(hash); i++ {
		if c := hash[i]; (c < 'a' || c > 'f') && (c < '0' || c > '9') {
			return "", ErrBadHash
		}
	}
	return hash, nil
}

// HashPassword is the lowercase hex SHA-256 of a password, as ACL GETUSER
// shows it.
func HashPassword(pass []byte) string {
	sum := sha256.Sum256(pass)
	return hex.EncodeToString(sum[:])
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// CheckPassword reports whether pass authenticates u: the user is on and
// nopass or one of its hashes matches, compared in constant time.
func (u *User) CheckPassword(pass []byte) bool {
	if !u.enabled {
		return false
	}
	if u.noPass {
		return true
	}
	hash := []byte(HashPassword(pass))
	ok := 0
	for _, p := range u.passwords {
		ok |= subtle.ConstantTimeCompare(hash, []byte(p))
	}
	return ok == 1
}

// MergeSelectorArgs is ACLMergeSelectorArguments: a selector given over
// several arguments ("(~a", "+get)") is joined into one. With a '(' left
// open it returns the index of the argument that opened it.
func MergeSelectorArgs(args []string) (merged []string, unmatched int) {
	open := -1
	var selector string
	for i, op := range args {
		if op != "" && op[0] == '(' && op[len(op)-1] != ')' {
			open, selector = i, op
			continue
		}
		if open >= 0 {
			selector += " " + cString(op) // Redis joins C strings
			if op != "" && op[len(op)-1] == ')' {
				merged = append(merged, selector)
				open = -1
			}
			continue
		}
		merged = append(merged, op)
	}
	if open >= 0 {
		return nil, open
	}
	return merged, -1
}

// cString is s up to its first NUL byte, as C's string functions see it.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// splitArgs splits a selector's rules as Redis's sdssplitargs does (a C
// string: up to a NUL; quotes and escapes; nothing for unbalanced quotes).
func splitArgs(s string) []string {
	words, _ := resp.SplitArgs([]byte(cString(s)))
	args := make([]string, len(words))
	for i, w := range words {
		args[i] = string(w)
	}
	return args
}
