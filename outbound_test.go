package main

import (
	"testing"
	"time"
	"unsafe"
)

// The pool keeps what turns give back, and its decay frees, a second at a
// time, half of what no turn needed meanwhile, the least recently used
// first.
func TestBufferPoolDecay(t *testing.T) {
	var p bufferPool
	bufs := make([][]byte, 8)
	for i := range bufs {
		bufs[i] = make([]byte, 0, replyBufferSize)
		p.put(bufs[i])
	}
	t0 := time.Now()
	p.decay(t0) // the first: nothing was measured unused yet
	if p.bytes != 8*replyBufferSize {
		t.Fatalf("first decay left %d bytes, want all %d", p.bytes, 8*replyBufferSize)
	}
	p.decay(t0.Add(500 * time.Millisecond))
	if p.bytes != 8*replyBufferSize {
		t.Fatalf("a decay within the second freed: %d bytes left", p.bytes)
	}
	p.decay(t0.Add(time.Second))
	if len(p.free) != 4 || &p.free[0][:1][0] != &bufs[4][:1][0] {
		t.Fatalf("decay kept %d buffers, want the 4 most recently given back", len(p.free))
	}
	// One buffer is lent during the next second: of the 3 never needed,
	// half the bytes (rounded up to whole buffers) go.
	b := p.get()
	p.put(b)
	p.decay(t0.Add(2 * time.Second))
	if p.bytes != 2*replyBufferSize {
		t.Fatalf("decay left %d bytes, want %d", p.bytes, 2*replyBufferSize)
	}
	for range 4 {
		p.decay(t0.Add(10 * time.Second))
		t0 = t0.Add(time.Second)
	}
	if p.bytes != 0 || len(p.free) != 0 {
		t.Fatalf("an idle pool still holds %d bytes in %d buffers", p.bytes, len(p.free))
	}
}

// A client's queue takes its blocks from the pool and gives them back
// once sent.
func TestOutboundQueueReusesBlocks(t *testing.T) {
	var p bufferPool
	sock := &stallingSocket{}
	o := newOutbound(sock, nil, &p)
	big := make([]byte, 3*maxBuffered)
	o.WriteBulk(big)
	if err := o.Flush(); err != nil {
		t.Fatal(err)
	}
	if o.unsent() == 0 || len(o.blocks) == 0 {
		t.Fatal("nothing queued behind a socket that takes nothing")
	}
	queued := len(o.blocks)
	sock.open = true
	if err := o.writePending(); err != nil {
		t.Fatal(err)
	}
	if o.unsent() != 0 || len(p.free) < queued {
		t.Fatalf("after sending: %d bytes unsent, %d buffers pooled for %d blocks", o.unsent(), len(p.free), queued)
	}
	pooled := map[*byte]bool{}
	for _, b := range p.free {
		pooled[unsafe.SliceData(b)] = true
	}
	sock.open = false
	o.WriteBulk(big)
	if err := o.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(o.blocks) == 0 || !pooled[unsafe.SliceData(o.blocks[0])] {
		t.Fatal("the queue allocated a block while the pool had buffers")
	}
}

// stallingSocket takes nothing until open, then everything.
type stallingSocket struct{ open bool }

func (s *stallingSocket) write(p []byte) (int, error) {
	if !s.open {
		return 0, nil
	}
	return len(p), nil
}

func (s *stallingSocket) writev(bufs [][]byte) (int, error) {
	n := 0
	for _, b := range bufs {
		n += len(b)
	}
	if !s.open {
		return 0, nil
	}
	return n, nil
}
