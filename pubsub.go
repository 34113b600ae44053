package main

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/tidwall/redcon"

	"respd/internal/glob"
)

// Pub/Sub, as Redis 7.0's pubsub.c: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE
// and their UNSUBSCRIBEs, PUBLISH and SPUBLISH, PUBSUB; and keyspace
// notifications, which are messages published on __keyspace@<db>__ and
// __keyevent@<db>__ channels.
//
// A message reaches its subscribers through their outbound buffers, like
// any reply: PUBLISH appends it and touches them, and the engine writes it
// at the end of the turn, so a publisher never waits for a subscriber. A
// subscriber that does not read is closed at client-output-buffer-limit
// pubsub (checkOutputBufferLimits). Confirmations and messages are RESP3
// pushes (RESP2 arrays), sent even under CLIENT REPLY OFF or SKIP, as
// Redis 7.0 sends them (its CLIENT_PUSHING).

// subKind is one of the three kinds of subscription, as Redis's
// pubsubtype: channels, patterns and shard channels have their own tables
// and confirmation messages.
type subKind int

const (
	subChannel subKind = iota // SUBSCRIBE
	subPattern                // PSUBSCRIBE
	subShard                  // SSUBSCRIBE
	subKinds
)

// subKindReplies are each kind's confirmations.
var subKindReplies = [subKinds]struct{ subscribe, unsubscribe string }{
	{"subscribe", "unsubscribe"},
	{"psubscribe", "punsubscribe"},
	{"ssubscribe", "sunsubscribe"},
}

// pubsubState is the server's side of Pub/Sub (Server.pubsub, data lock
// held): who listens to what.
type pubsubState struct {
	// tables maps each kind's channels (or patterns) to their subscribers.
	tables [subKinds]map[string]*subscribers
	// patterns are tables[subPattern]'s entries in the order they were
	// first subscribed: what PUBLISH matches a channel against. (Redis
	// goes through a dict, in an order its hash seed decides.)
	patterns []*subscribers
	// seq numbers subscriptions, so that unsubscribing from all goes in
	// the order the client subscribed.
	seq uint64
	// msg is where a message is encoded, once for all its receivers;
	// channel where a keyspace event's channel is named.
	msg, channel []byte
}

// subscribers are the clients subscribed to one channel or pattern, in the
// order they subscribed (Redis 7.0's list).
type subscribers struct {
	name    string
	clients []*Client
}

// subscriptions are a client's channels, patterns and shard channels, each
// mapped to its pubsubState.seq. Client.subs is nil while the client has
// none, and set while it has any: RESP2's subscribed mode (Redis's
// CLIENT_PUBSUB) and the pubsub class of client-output-buffer-limit.
type subscriptions [subKinds]map[string]uint64

// subscribedTo is how many subscriptions of a kind the client has.
func (c *Client) subscribedTo(kind subKind) int {
	if c.subs == nil {
		return 0
	}
	return len(c.subs[kind])
}

// subscriptionCount is what a confirmation of kind counts: channels and
// patterns together (Redis's clientSubscriptionsCount), or shard channels.
func (c *Client) subscriptionCount(kind subKind) int {
	if kind == subShard {
		return c.subscribedTo(subShard)
	}
	return c.subscribedTo(subChannel) + c.subscribedTo(subPattern)
}

// ---- Subscribing

func cmdSubscribe(c *Client, args [][]byte)  { c.subscribeAll(subChannel, args[1:]) }
func cmdPsubscribe(c *Client, args [][]byte) { c.subscribeAll(subPattern, args[1:]) }
func cmdSsubscribe(c *Client, args [][]byte) { c.subscribeAll(subShard, args[1:]) }

func (c *Client) subscribeAll(kind subKind, names [][]byte) {
	for _, name := range names {
		c.subscribe(kind, name)
	}
}

// subscribe adds one subscription, unless the client has it already, and
// confirms it either way.
func (c *Client) subscribe(kind subKind, name []byte) {
	if c.subs == nil {
		c.subs = &subscriptions{}
	}
	if _, ok := c.subs[kind][string(name)]; !ok {
		ps := &c.srv.pubsub
		key := string(name)
		if c.subs[kind] == nil {
			c.subs[kind] = map[string]uint64{}
		}
		ps.seq++
		c.subs[kind][key] = ps.seq
		ps.add(kind, key, c)
	}
	c.confirm(subKindReplies[kind].subscribe, name, c.subscriptionCount(kind))
}

// add puts c among the subscribers of kind's name.
func (ps *pubsubState) add(kind subKind, name string, c *Client) {
	if ps.tables[kind] == nil {
		ps.tables[kind] = map[string]*subscribers{}
	}
	subs := ps.tables[kind][name]
	if subs == nil {
		subs = &subscribers{name: name}
		ps.tables[kind][name] = subs
		if kind == subPattern {
			ps.patterns = append(ps.patterns, subs)
		}
	}
	subs.clients = append(subs.clients, c)
}

// ---- Unsubscribing

func cmdUnsubscribe(c *Client, args [][]byte)  { c.unsubscribeCommand(subChannel, args[1:]) }
func cmdPunsubscribe(c *Client, args [][]byte) { c.unsubscribeCommand(subPattern, args[1:]) }
func cmdSunsubscribe(c *Client, args [][]byte) { c.unsubscribeCommand(subShard, args[1:]) }

// unsubscribeCommand drops the named subscriptions of a kind, or without
// names all of them, confirming each.
func (c *Client) unsubscribeCommand(kind subKind, names [][]byte) {
	if len(names) == 0 {
		c.unsubscribeAll(kind, true)
		return
	}
	for _, name := range names {
		c.unsubscribe(kind, name, true)
	}
}

// unsubscribe drops one subscription, if the client has it, and with
// notify confirms it either way. The last one ends subscribed mode.
func (c *Client) unsubscribe(kind subKind, name []byte, notify bool) {
	if c.subs != nil {
		if _, ok := c.subs[kind][string(name)]; ok {
			delete(c.subs[kind], string(name))
			c.srv.pubsub.remove(kind, name, c)
			if len(c.subs[subChannel])+len(c.subs[subPattern])+len(c.subs[subShard]) == 0 {
				c.subs = nil
			}
		}
	}
	if notify {
		c.confirm(subKindReplies[kind].unsubscribe, name, c.subscriptionCount(kind))
	}
}

// unsubscribeAll drops every subscription of a kind, in the order they
// were made; with notify it confirms each, or, when there was none, says
// so with a null name, as Redis does.
func (c *Client) unsubscribeAll(kind subKind, notify bool) {
	var names []string
	if c.subs != nil {
		mine := c.subs[kind]
		names = make([]string, 0, len(mine))
		for name := range mine {
			names = append(names, name)
		}
		sort.Slice(names, func(i, j int) bool { return mine[names[i]] < mine[names[j]] })
	}
	for _, name := range names {
		c.unsubscribe(kind, []byte(name), notify)
	}
	if notify && len(names) == 0 {
		c.confirmNothing(subKindReplies[kind].unsubscribe, c.subscriptionCount(kind))
	}
}

// unsubscribeEverything drops all of the client's subscriptions silently:
// it disconnected, or sent RESET.
func (c *Client) unsubscribeEverything() {
	for kind := range subKinds {
		c.unsubscribeAll(kind, false)
	}
}

// remove takes c off the subscribers of kind's name, forgetting the
// channel or pattern when it was the last, so that subscribing to
// millions of channels in turn costs nothing once they are left.
func (ps *pubsubState) remove(kind subKind, name []byte, c *Client) {
	subs := ps.tables[kind][string(name)]
	i := slices.Index(subs.clients, c)
	subs.clients = slices.Delete(subs.clients, i, i+1)
	if len(subs.clients) > 0 {
		return
	}
	delete(ps.tables[kind], subs.name)
	if kind == subPattern {
		i := slices.Index(ps.patterns, subs)
		ps.patterns = slices.Delete(ps.patterns, i, i+1)
	}
}

// confirm sends a (un)subscribe confirmation: [kind, name, count]. Like
// every push, it goes out under CLIENT REPLY OFF or SKIP too.
func (c *Client) confirm(kind string, name []byte, count int) {
	c.confirmHeader(kind)
	c.w.WriteBulk(name)
	c.w.WriteInt64(int64(count))
}

// confirmNothing is an unsubscribe from all when there was nothing to
// leave: [kind, null, count].
func (c *Client) confirmNothing(kind string, count int) {
	c.confirmHeader(kind)
	if c.resp == 3 {
		c.w.WriteRaw([]byte("_\r\n"))
	} else {
		c.w.WriteRaw([]byte("$-1\r\n"))
	}
	c.w.WriteInt64(int64(count))
}

func (c *Client) confirmHeader(kind string) {
	if c.resp == 3 {
		c.w.WriteRaw([]byte(">3\r\n"))
	} else {
		c.w.WriteArray(3)
	}
	c.w.WriteBulkString(kind)
}

// ---- Publishing

// cmdPublish: PUBLISH channel message. The message goes to the replicas
// too (only: it changes no data, so not to the AOF), whose subscribers get
// it, as Redis's forceCommandPropagation(c, PROPAGATE_REPL).
func cmdPublish(c *Client, args [][]byte) {
	s := c.srv
	receivers := s.publish(args[1], args[2])
	s.propagateToReplicas(c.db, args)
	c.Int(int64(receivers))
}

// cmdSpublish: SPUBLISH shardchannel message, to the shard channel's
// subscribers (patterns don't see it).
func cmdSpublish(c *Client, args [][]byte) {
	s := c.srv
	ps := &s.pubsub
	receivers := 0
	if subs := ps.tables[subShard][string(args[1])]; subs != nil {
		ps.msg = appendMessage(ps.msg[:0], "smessage", nil, args[1], args[2])
		receivers = s.deliver(subs.clients, ps.msg)
	}
	ps.dropLargeScratch()
	s.propagateToReplicas(c.db, args)
	c.Int(int64(receivers))
}

// publish sends a message to the channel's subscribers, then to those of
// every pattern it matches, and returns how many clients received it
// (a client subscribed to both counts twice, as in Redis).
func (s *Server) publish(channel, message []byte) int {
	ps := &s.pubsub
	receivers := 0
	if subs := ps.tables[subChannel][string(channel)]; subs != nil {
		ps.msg = appendMessage(ps.msg[:0], "message", nil, channel, message)
		receivers += s.deliver(subs.clients, ps.msg)
	}
	for _, pat := range ps.patterns {
		if glob.Match(bytesOf(pat.name), channel, false) {
			ps.msg = appendMessage(ps.msg[:0], "pmessage", bytesOf(pat.name), channel, message)
			receivers += s.deliver(pat.clients, ps.msg)
		}
	}
	ps.dropLargeScratch()
	return receivers
}

// appendMessage encodes a message as a RESP2 array: [kind, channel,
// message], or with a pattern [kind, pattern, channel, message].
func appendMessage(b []byte, kind string, pattern, channel, message []byte) []byte {
	if pattern != nil {
		b = redcon.AppendArray(b, 4)
		b = redcon.AppendBulkString(b, kind)
		b = redcon.AppendBulk(b, pattern)
	} else {
		b = redcon.AppendArray(b, 3)
		b = redcon.AppendBulkString(b, kind)
	}
	b = redcon.AppendBulk(b, channel)
	return redcon.AppendBulk(b, message)
}

// deliver appends an encoded message to each client's output and returns
// how many there were. msg is a RESP2 array; a RESP3 client gets it as a
// push, which differs only in its first byte.
func (s *Server) deliver(clients []*Client, msg []byte) int {
	for _, c := range clients {
		if c.resp == 3 {
			c.w.WriteRaw([]byte{'>'})
			c.w.WriteRaw(msg[1:])
		} else {
			c.w.WriteRaw(msg)
		}
		s.touch(c)
	}
	return len(clients)
}

// dropLargeScratch lets a large message's encoding go, rather than keep
// its size for good.
func (ps *pubsubState) dropLargeScratch() {
	if cap(ps.msg) > 64<<10 {
		ps.msg = nil
	}
}

// ---- PUBSUB

func cmdPubsubHelp(c *Client, args [][]byte) {
	c.Help("PUBSUB",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)")
}

func cmdPubsubChannels(c *Client, args [][]byte)      { c.channelList(subChannel, args) }
func cmdPubsubShardchannels(c *Client, args [][]byte) { c.channelList(subShard, args) }
func cmdPubsubNumsub(c *Client, args [][]byte)        { c.numsub(subChannel, args[2:]) }
func cmdPubsubShardnumsub(c *Client, args [][]byte)   { c.numsub(subShard, args[2:]) }

func cmdPubsubNumpat(c *Client, args [][]byte) { c.Int(int64(len(c.srv.pubsub.patterns))) }

// channelList answers PUBSUB CHANNELS / SHARDCHANNELS [pattern]: the
// channels with subscribers that match, sorted (Redis's follow its hash
// seed).
func (c *Client) channelList(kind subKind, args [][]byte) {
	if len(args) > 3 {
		c.Error(fmt.Sprintf(errSubcommandArity, args[1], "PUBSUB"))
		return
	}
	var names []string
	for name := range c.srv.pubsub.tables[kind] {
		if len(args) == 2 || glob.Match(args[2], bytesOf(name), false) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	c.BulkStrings(names)
}

// numsub answers PUBSUB NUMSUB / SHARDNUMSUB: each channel and its number
// of subscribers, patterns not counted, as a flat array in RESP3 too.
func (c *Client) numsub(kind subKind, channels [][]byte) {
	c.Array(2 * len(channels))
	for _, ch := range channels {
		c.Bulk(ch)
		n := 0
		if subs := c.srv.pubsub.tables[kind][string(ch)]; subs != nil {
			n = len(subs.clients)
		}
		c.Int(int64(n))
	}
}

// ---- Keyspace notifications

// applyKeyspaceEvents installs the keyspace event sink while
// notify-keyspace-events enables a class and a kind of channel (K or E),
// and removes it otherwise: the common case, where commands then pay one
// nil check per event.
func (s *Server) applyKeyspaceEvents() string {
	flags := s.cfg.NotifyKeyspaceEvents
	classes := flags &^ (notifyKeyspace | notifyKeyevent)
	if classes != 0 && flags&(notifyKeyspace|notifyKeyevent) != 0 {
		s.keyspaceEvents = s.publishKeyspaceEvent
	} else {
		s.keyspaceEvents = nil
	}
	return ""
}

// publishKeyspaceEvent is notify.c's notifyKeyspaceEvent: an event of an
// enabled class is published, with K, on __keyspace@<db>__:<key> as the
// event's name, and with E on __keyevent@<db>__:<event> as the key.
func (s *Server) publishKeyspaceEvent(class int, event string, key []byte, db int) {
	flags := s.cfg.NotifyKeyspaceEvents
	if flags&class == 0 {
		return
	}
	ps := &s.pubsub
	if flags&notifyKeyspace != 0 {
		ps.channel = appendEventChannel(ps.channel[:0], "__keyspace@", db, key)
		s.publish(ps.channel, bytesOf(event))
	}
	if flags&notifyKeyevent != 0 {
		ps.channel = appendEventChannel(ps.channel[:0], "__keyevent@", db, bytesOf(event))
		s.publish(ps.channel, key)
	}
}

// appendEventChannel names a keyspace notification's channel:
// <prefix><db>__:<suffix>.
func appendEventChannel(b []byte, prefix string, db int, suffix []byte) []byte {
	b = strconv.AppendInt(append(b, prefix...), int64(db), 10)
	return append(append(b, "__:"...), suffix...)
}
