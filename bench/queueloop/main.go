// Command queueloop times a job queue's round trip through blocking pops,
// which redis-benchmark can't send: two connections play ping-pong over two
// lists, each blocked in BLPOP on its own list while the other pushes to it.
// One round is the producer's LPUSH to the consumer's list and its BLPOP on
// its own (sent together), the consumer's wake-up, and its LPUSH back with
// its next BLPOP (sent together): two blocked clients served by a push from
// another client. bench/run.sh runs it against redis-server and respd
// alike.
//
//	go run ./bench/queueloop -addr 127.0.0.1:6379 -n 20000
//
// It prints redis-benchmark's --csv output (header and row): the test's name,
// rounds per second, and the latency of one round in ms, from the
// producer's write to its BLPOP's reply (average, minimum, p50, p95, p99,
// maximum). It checks every reply: each BLPOP returns its list and the
// round's number, each LPUSH a list of length 1; it exits with status 1 on
// any mismatch, and if the lists are not empty at the end.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"respd/bench/internal/latency"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	ping := flag.String("ping", "queueloop:ping", "the consumer's list (deleted first)")
	pong := flag.String("pong", "queueloop:pong", "the producer's list (deleted first)")
	n := flag.Int("n", 20000, "round trips")
	flag.Parse()
	lat, took, err := run(*addr, *ping, *pong, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "queueloop:", err)
		os.Exit(1)
	}
	latency.PrintCSV(os.Stdout, "LPUSH + BLPOP ping-pong", lat, took)
}

// conn is one connection, with RESP written and read by hand: a client
// library's own overhead would be timed too.
type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{c, bufio.NewReader(c)}, nil
}

// send writes commands in one write.
func (c *conn) send(cmds ...[]string) error {
	var b []byte
	for _, args := range cmds {
		b = fmt.Appendf(b, "*%d\r\n", len(args))
		for _, a := range args {
			b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	_, err := c.c.Write(b)
	return err
}

// expect reads one reply and fails unless it is want, in RESP.
func (c *conn) expect(want string) error {
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c.r, got); err != nil {
		return err
	}
	if string(got) != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// popped is BLPOP's reply for value v popped from list.
func popped(list, v string) string {
	return fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(list), list, len(v), v)
}

func run(addr, ping, pong string, n int) ([]time.Duration, time.Duration, error) {
	producer, err := dial(addr)
	if err != nil {
		return nil, 0, err
	}
	consumer, err := dial(addr)
	if err != nil {
		return nil, 0, err
	}
	if err := producer.send([]string{"DEL", ping, pong}); err != nil {
		return nil, 0, err
	}
	if _, err := producer.r.ReadString('\n'); err != nil {
		return nil, 0, err
	}
	// The consumer answers each job on the producer's list, then waits for
	// the next one.
	done := make(chan error, 1)
	go func() {
		err := consumer.send([]string{"BLPOP", ping, "0"})
		for i := 0; i < n && err == nil; i++ {
			v := strconv.Itoa(i)
			if err = consumer.expect(popped(ping, v)); err == nil {
				err = consumer.send([]string{"LPUSH", pong, v}, []string{"BLPOP", ping, "0"})
			}
			if err == nil {
				err = consumer.expect(":1\r\n")
			}
		}
		done <- err
	}()
	// The consumer's first BLPOP must be blocked before the first push, or
	// the first round would pop without blocking; later rounds are ordered
	// by the ping-pong itself.
	time.Sleep(100 * time.Millisecond)
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		v := strconv.Itoa(i)
		t := time.Now()
		if err := producer.send([]string{"LPUSH", ping, v}, []string{"BLPOP", pong, "0"}); err != nil {
			return nil, 0, err
		}
		if err := producer.expect(":1\r\n"); err != nil {
			return nil, 0, fmt.Errorf("round %d, LPUSH: %w", i, err)
		}
		if err := producer.expect(popped(pong, v)); err != nil {
			return nil, 0, fmt.Errorf("round %d, BLPOP: %w", i, err)
		}
		lat = append(lat, time.Since(t))
	}
	took := time.Since(start)
	// The consumer is blocked in its last BLPOP: end it.
	if err := producer.send([]string{"LPUSH", ping, "end"}); err != nil {
		return nil, 0, err
	}
	if err := <-done; err != nil {
		return nil, 0, fmt.Errorf("consumer: %w", err)
	}
	if err := consumer.expect(popped(ping, "end")); err != nil {
		return nil, 0, fmt.Errorf("consumer's last BLPOP: %w", err)
	}
	producer.r.ReadString('\n') // the last LPUSH's :1
	if err := producer.send([]string{"EXISTS", ping, pong}); err != nil {
		return nil, 0, err
	}
	if err := producer.expect(":0\r\n"); err != nil {
		return nil, 0, errors.New("lists not empty at the end: " + err.Error())
	}
	return lat, took, nil
}
