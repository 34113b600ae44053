// Command pubsub measures a server's Pub/Sub: publishers send PUBLISH as
// fast as the server answers, to one channel that every subscriber
// listens on (SUBSCRIBE, or PSUBSCRIBE to a pattern matching it), and each
// message carries its send time, so that subscribers measure its delivery
// latency. bench/run.sh runs it against redis-server and respd alike.
//
//	go run ./bench/pubsub -addr 127.0.0.1:6379 -subs 100 -pattern
//
// It prints one CSV line: subscribers, mode, PUBLISH replies per second,
// messages delivered per second, delivery latency p50 and p99 in µs, the
// messages published but not delivered when it stopped waiting, and the
// messages delivered in all.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math/bits"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const channel = "bench:pubsub"

// epoch is what send times count from, for publishers and subscribers.
var epoch = time.Now()

// delivered counts the messages every subscriber received: publishers keep
// at most window messages a subscriber ahead of it, so that what is
// measured is the server's pace, not queues growing in its buffers.
var delivered atomic.Int64

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	subs := flag.Int("subs", 1, "subscribers")
	pattern := flag.Bool("pattern", false, "subscribe with PSUBSCRIBE bench:* instead of SUBSCRIBE")
	pubs := flag.Int("pubs", 4, "publisher connections")
	pipeline := flag.Int("pipeline", 16, "PUBLISH requests each publisher has in flight")
	duration := flag.Duration("duration", 3*time.Second, "how long publishers publish")
	size := flag.Int("size", 64, "message bytes (at least 16: the send time)")
	window := flag.Int("window", 1000, "messages published ahead of their delivery, at most")
	flag.Parse()
	if err := run(*addr, *subs, *pattern, *pubs, *pipeline, *window, *duration, max(*size, 16)); err != nil {
		fmt.Fprintln(os.Stderr, "pubsub:", err)
		os.Exit(1)
	}
}

func run(addr string, nsubs int, pattern bool, npubs, pipeline, window int, duration time.Duration, size int) error {
	subscribers := make([]*subscriber, nsubs)
	for i := range subscribers {
		s, err := subscribe(addr, pattern)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		defer s.conn.Close()
		subscribers[i] = s
		go s.receive()
	}

	var published atomic.Int64
	stop := make(chan struct{})
	errs := make(chan error, npubs)
	var wg sync.WaitGroup
	for range npubs {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- publish(conn, pipeline, size, stop, &published, func() bool {
				return published.Load()-delivered.Load()/int64(nsubs) > int64(window)
			})
		}()
	}
	began := time.Now()
	time.Sleep(duration)
	close(stop)
	wg.Wait()
	elapsed := time.Since(began)
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}

	// Wait for what was published to arrive (up to 10 s): throughput counts
	// what the server delivered, however long its queues took to drain.
	want := published.Load() * int64(nsubs)
	deadline := time.Now().Add(10 * time.Second)
	var got int64
	for {
		got = 0
		for _, s := range subscribers {
			got += s.received.Load()
		}
		if got >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	drained := time.Since(began)
	var h histogram
	for _, s := range subscribers {
		s.stop()
		h.add(&s.latency)
	}
	mode := "channel"
	if pattern {
		mode = "pattern"
	}
	fmt.Printf("%d,%s,%.0f,%.0f,%d,%d,%d,%d\n", nsubs, mode,
		float64(published.Load())/elapsed.Seconds(), float64(got)/drained.Seconds(),
		h.quantile(0.50), h.quantile(0.99), want-got, got)
	return nil
}

// publish sends PUBLISH requests, pipeline of them at a time, each
// message starting with its send time (µs since epoch, 16 hex digits),
// until stop, while ahead says the subscribers are not too far behind.
func publish(conn net.Conn, pipeline, size int, stop <-chan struct{}, published *atomic.Int64, ahead func() bool) error {
	r := bufio.NewReader(conn)
	payload := bytes.Repeat([]byte{'x'}, size)
	prefix := fmt.Sprintf("*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n$%d\r\n", len(channel), channel, size)
	var buf []byte
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		if ahead() {
			runtime.Gosched()
			continue
		}
		buf = buf[:0]
		for range pipeline {
			copy(payload, fmt.Appendf(nil, "%016x", uint64(time.Since(epoch)/time.Microsecond)))
			buf = append(buf, prefix...)
			buf = append(buf, payload...)
			buf = append(buf, "\r\n"...)
		}
		if _, err := conn.Write(buf); err != nil {
			return err
		}
		for range pipeline {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return err
			}
			if line[0] != ':' {
				return fmt.Errorf("PUBLISH replied %q", line)
			}
		}
		published.Add(int64(pipeline))
	}
}

type subscriber struct {
	conn     net.Conn
	r        *bufio.Reader
	received atomic.Int64
	done     chan struct{}
	latency  histogram // receive's until done
}

// subscribe connects and subscribes, returning once the server confirmed.
func subscribe(addr string, pattern bool) (*subscriber, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cmd, target := "SUBSCRIBE", channel
	if pattern {
		cmd, target = "PSUBSCRIBE", "bench:*"
	}
	fmt.Fprintf(conn, "*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(cmd), cmd, len(target), target)
	s := &subscriber{conn: conn, r: bufio.NewReaderSize(conn, 64<<10), done: make(chan struct{})}
	// The confirmation: *3, the kind and the channel (two lines each), :1.
	for range 6 {
		if _, err := s.r.ReadSlice('\n'); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return s, nil
}

// receive reads messages until the connection closes: a message's last
// element is its payload, whose first 16 bytes are its send time.
func (s *subscriber) receive() {
	defer close(s.done)
	for {
		header, err := s.r.ReadSlice('\n')
		if err != nil {
			return
		}
		// *3 message, *4 pmessage: the elements before the payload.
		for range 2 * (number(header[1:], 10) - 1) {
			if _, err := s.r.ReadSlice('\n'); err != nil {
				return
			}
		}
		line, err := s.r.ReadSlice('\n')
		if err != nil {
			return
		}
		size := int(number(line[1:], 10))
		payload, err := s.r.Peek(size + 2)
		if err != nil {
			return
		}
		sent := number(payload[:16], 16)
		if _, err := s.r.Discard(size + 2); err != nil {
			return
		}
		now := uint64(time.Since(epoch) / time.Microsecond)
		s.latency.record(now - min(sent, now))
		s.received.Add(1)
		delivered.Add(1)
	}
}

// number is the unsigned number digits starts with, in base 10 or 16.
func number(digits []byte, base uint64) uint64 {
	var n uint64
	for _, c := range digits {
		switch {
		case c >= '0' && c <= '9':
			n = n*base + uint64(c-'0')
		case base == 16 && c >= 'a' && c <= 'f':
			n = n*base + uint64(c-'a'+10)
		default:
			return n
		}
	}
	return n
}

// stop closes the connection and waits for receive to end.
func (s *subscriber) stop() {
	s.conn.Close()
	<-s.done
}

// histogram counts latencies in µs: exactly below 128, then in 64 steps
// per power of two (under 1.6% apart), as HdrHistogram does.
type histogram struct{ counts [128 + 64*58]int64 }

func bucket(us uint64) int {
	if us < 128 {
		return int(us)
	}
	shift := bits.Len64(us) - 7
	return 128 + (shift-1)*64 + int(us>>shift) - 64
}

// lowest is the smallest latency of bucket i.
func lowest(i int) uint64 {
	if i < 128 {
		return uint64(i)
	}
	shift := (i-128)/64 + 1
	return uint64((i-128)%64+64) << shift
}

func (h *histogram) record(us uint64) { h.counts[bucket(us)]++ }

func (h *histogram) add(o *histogram) {
	for i, n := range o.counts {
		h.counts[i] += n
	}
}

// quantile is the latency q of the counts are below, in µs.
func (h *histogram) quantile(q float64) uint64 {
	var total int64
	for _, n := range h.counts {
		total += n
	}
	var seen int64
	for i, n := range h.counts {
		if seen += n; n > 0 && float64(seen) >= q*float64(total) {
			return lowest(i)
		}
	}
	return 0
}
