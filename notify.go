package main

// Keyspace event classes, as Redis's NOTIFY_* flags: the bits of
// notify-keyspace-events, in the order of keyspaceEventClasses.
const (
	notifyGeneric  = 1 << iota // g: DEL, EXPIRE, RENAME, ...
	notifyString               // $
	notifyList                 // l
	notifySet                  // s
	notifyHash                 // h
	notifyZset                 // z
	notifyExpired              // x: a key expired, lazily or by the cron
	notifyEvicted              // e: maxmemory evicted a key
	notifyStream               // t
	_                          // d: modules, which respd has none of
	notifyKeyspace             // K: publish on __keyspace@<db>__:<key>
	notifyKeyevent             // E: publish on __keyevent@<db>__:<event>
	notifyKeyMiss              // m: a read found no key (not in A)
	notifyNew                  // n: a key was created (not in A)
)

// keyspaceEventSink receives every keyspace event: its class, Redis's
// event name, the key and the database. Pub/Sub makes these messages on
// __keyspace@<db>__ and __keyevent@<db>__ for the classes
// notify-keyspace-events enables.
type keyspaceEventSink func(class int, event string, key []byte, db int)

// notify is notify.c's notifyKeyspaceEvent, the one call through which
// every command reports what it did to a key in its database, in Redis's
// order of events.
func (c *Client) notify(class int, event string, key []byte) {
	c.srv.notify(class, event, key, c.db)
}

// notify reports an event in database db: what a command did to a key in
// another database (MOVE, COPY ... DB), and what the server did on its
// own (expiry).
func (s *Server) notify(class int, event string, key []byte, db int) {
	if sink := s.keyspaceEvents; sink != nil {
		sink(class, event, key, db)
	}
}
