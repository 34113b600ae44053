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
	if err := o.Flush(0); err != nil {
		t.Fatal(err)
	}
	if o.unsent() == 0 || len(o.blocks) == 0 {
		t.Fatal("nothing queued behind a socket that takes nothing")
	}
	queued := len(o.blocks)
	sock.open = true
	if err := o.writePending(0); err != nil {
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
	if err := o.Flush(0); err != nil {
		t.Fatal(err)
	}
	if len(o.blocks) == 0 || !pooled[unsafe.SliceData(o.blocks[0])] {
		t.Fatal("the queue allocated a block while the pool had buffers")
	}
}

// With a limit, a turn sends whole blocks until it has sent the limit or
// more, and leaves the rest queued for the next writable event.
func TestOutboundWriteLimit(t *testing.T) {
	var p bufferPool
	o := newOutbound(&stallingSocket{open: true}, nil, &p)
	o.WriteBulk(make([]byte, 3*maxBuffered))
	total := o.unsent() + len(o.buf)
	if err := o.Flush(maxWritePerEvent); err != nil {
		t.Fatal(err)
	}
	events := 1
	for sent := total - o.unsent(); o.unsent() > 0; sent = total - o.unsent() {
		if sent < events*maxWritePerEvent || sent >= events*maxWritePerEvent+outboundBlock {
			t.Fatalf("after %d events %d bytes sent, want at least %d and less than a block more", events, sent, events*maxWritePerEvent)
		}
		if err := o.writePending(maxWritePerEvent); err != nil {
			t.Fatal(err)
		}
		events++
	}
	if events < 2 {
		t.Fatalf("%d bytes went in one event", total)
	}
}

// A turn's replies join the queue as a block of their own when they fill
// half their buffer, else copied; a turn with none adds no block (an empty
// one would stop writePending from getting past it).
func TestOutboundQueueBuf(t *testing.T) {
	var p bufferPool
	sock := &stallingSocket{}
	o := newOutbound(sock, nil, &p)
	o.WriteBulk(make([]byte, 3*maxBuffered))
	o.Flush(0)
	blocks := len(o.blocks)
	o.Flush(0) // nothing new
	if len(o.blocks) != blocks {
		t.Fatalf("a turn without replies queued %d blocks", len(o.blocks)-blocks)
	}
	half := make([]byte, replyBufferSize/2)
	o.WriteBulk(half)
	buf := unsafe.SliceData(o.buf)
	o.Flush(0)
	if last := o.blocks[len(o.blocks)-1]; unsafe.SliceData(last) != buf {
		t.Fatal("a half full buffer was copied to the queue, not moved")
	}
	o.WriteInt64(1)
	buf = unsafe.SliceData(o.buf)
	o.Flush(0)
	for _, b := range o.blocks {
		if len(b) == 0 || unsafe.SliceData(b) == buf {
			t.Fatal("a queue block is empty, or a buffer almost empty was moved to it")
		}
	}
	sock.open = true
	if err := o.writePending(0); err != nil || o.unsent() != 0 {
		t.Fatalf("after sending everything: %d bytes unsent, %v", o.unsent(), err)
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
