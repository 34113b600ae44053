package acl

// Denial is the outcome of a permission check, numbered as Redis's
// ACL_DENIED_* (which picks the highest when every selector refuses).
type Denial int

const (
	Allowed Denial = iota
	DeniedCommand
	DeniedKey
	DeniedAuth
	DeniedChannel
)

// KeyRef is a key argument: its position in the command's arguments and
// what the command does to it (PermRead, PermWrite, both or neither).
type KeyRef struct {
	Pos  int
	Perm int
}

// ChannelRef is a channel a command publishes to or subscribes to; a
// PSUBSCRIBE pattern is a Pattern.
type ChannelRef struct {
	Pos     int
	Pattern bool
}

// Request is a command about to run, as the check needs it: the keys and
// channels are found only if a selector restricts them.
type Request struct {
	Command  *Command
	Args     [][]byte // the command name first
	Keys     func(args [][]byte) []KeyRef
	Channels func(args [][]byte) []ChannelRef

	keys     []KeyRef
	keysDone bool
}

func (r *Request) keyRefs() []KeyRef {
	if !r.keysDone && r.Keys != nil {
		r.keys, r.keysDone = r.Keys(r.Args), true
	}
	return r.keys
}

// Unrestricted reports whether the user may run anything on any key and
// channel (the default user, unless changed): no check is needed.
func (u *User) Unrestricted() bool {
	root := u.selectors[0]
	return root.allCommands && root.allKeys && root.allChannels
}

// Check is ACLCheckAllUserCommandPerm: Allowed if a selector allows the
// whole request; otherwise the denial to report and, for a key or a
// channel, its position in the arguments.
func (u *User) Check(r *Request) (Denial, int) {
	denial, pos, lastPos := DeniedCommand, 0, 0
	for _, s := range u.selectors {
		d, p := s.check(r)
		if d == Allowed {
			return Allowed, 0
		}
		if d != DeniedCommand {
			pos = p // Redis reuses the position a previous selector left
		}
		if d > denial || d == denial && pos > lastPos {
			denial, lastPos = d, pos
		}
	}
	return denial, lastPos
}

// CheckAllKeys is ACLUserCheckCmdWithUnrestrictedKeyAccess: a selector
// allows the request and every key with perm (SORT's BY and GET).
func (u *User) CheckAllKeys(r *Request, perm int) bool {
	for _, s := range u.selectors {
		if d, _ := s.check(r); d == Allowed && s.allKeysAllowed(perm) {
			return true
		}
	}
	return false
}

// check is ACLSelectorCheckCmd.
func (s *Selector) check(r *Request) (Denial, int) {
	c := r.Command
	if !s.allCommands && !c.NoAuth && !s.bit(c.ID) && !s.firstArgAllowed(r) {
		return DeniedCommand, 0
	}
	if !s.allKeys {
		for _, k := range r.keyRefs() {
			if !s.keyAllowed(r.Args[k.Pos], k.Perm) {
				return DeniedKey, k.Pos
			}
		}
	}
	if !s.allChannels && r.Channels != nil {
		for _, ch := range r.Channels(r.Args) {
			if !channelAllowed(s.channels, r.Args[ch.Pos], ch.Pattern) {
				return DeniedChannel, ch.Pos
			}
		}
	}
	return Allowed, 0
}

// firstArgAllowed: a denied command may still run with a first argument
// +command|arg allowed.
func (s *Selector) firstArgAllowed(r *Request) bool {
	args := s.firstArgs[r.Command.ID]
	idx := 1
	if r.Command.Parent != nil {
		idx = 2
	}
	return idx < len(r.Args) && containsFold(args, string(r.Args[idx]))
}

// KeyAllowed is ACLUserCheckKeyPerm: a selector allows the key with perm.
func (u *User) KeyAllowed(key []byte, perm int) bool {
	for _, s := range u.selectors {
		if s.keyAllowed(key, perm) {
			return true
		}
	}
	return false
}

// ChannelAllowed is ACLUserCheckChannelPerm.
func (u *User) ChannelAllowed(channel []byte, isPattern bool) bool {
	for _, s := range u.selectors {
		if s.allChannels || channelAllowed(s.channels, channel, isPattern) {
			return true
		}
	}
	return false
}

// RevokedChannels is the first half of ACLKillPubsubClientsIfNeeded: nil
// if the user's new rules allow every channel the old ones did; otherwise
// a user holding only the channels now allowed, against which each
// subscriber of the old user is checked with ChannelAllowed.
func RevokedChannels(updated, old *User) *User {
	var upcoming []string
	for _, s := range updated.selectors {
		if s.allChannels {
			return nil
		}
		upcoming = append(upcoming, s.channels...)
	}
	revoked := false
	for _, s := range old.selectors {
		revoked = revoked || s.allChannels // allchannels taken away (Redis 7.0.11)
		for _, ch := range s.channels {
			revoked = revoked || !contains(upcoming, ch)
		}
	}
	if !revoked {
		return nil
	}
	return &User{selectors: []*Selector{{channels: upcoming}}}
}
