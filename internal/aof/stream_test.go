package aof

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"respd/internal/stream"
)

func rewriteStream(t *testing.T, s *stream.Stream, expireMs int64) []string {
	t.Helper()
	var buf bytes.Buffer
	e := NewBaseEncoder(&buf, 1000, false)
	if err := e.Stream([]byte("s"), s, expireMs); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	var cmds []string
	rd := NewReader(&buf)
	for {
		argv, err := rd.ReadCommand()
		if err == io.EOF {
			return cmds
		}
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, string(bytes.Join(argv, []byte(" "))))
	}
}

func fields(fv ...string) [][]byte {
	var out [][]byte
	for _, f := range fv {
		out = append(out, []byte(f))
	}
	return out
}

// A stream rewrites as rewriteStreamObject writes it: its live entries,
// the XSETID of its metadata, each group with its pending entries claimed
// by their consumers and its consumers without any created, then the TTL.
func TestStreamRewrite(t *testing.T) {
	s := stream.New()
	lim := stream.Limits{MaxBytes: 4096, MaxEntries: 2}
	s.Append(stream.ID{Ms: 1, Seq: 1}, fields("a", "1", "b", "x"), lim)
	s.Append(stream.ID{Ms: 1, Seq: 2}, fields("a", "2", "b", "-7"), lim)
	s.Append(stream.ID{Ms: 3, Seq: 0}, fields("c", ""), lim)
	s.Append(stream.ID{Ms: 4, Seq: 0}, fields("a", "3"), lim)
	s.Delete(stream.ID{Ms: 1, Seq: 2})
	s.UpdateFirstID()
	g, _ := s.CreateGroup("g", stream.ID{Ms: 3}, 3)
	alice, _ := g.CreateConsumer("alice", 5)
	g.CreateConsumer("idle", 6)
	g.Deliver(stream.ID{Ms: 1, Seq: 1}, alice, 1700000000000)
	g.Deliver(stream.ID{Ms: 1, Seq: 2}, alice, 1700000000001)
	g.Pending(stream.ID{Ms: 1, Seq: 2}).DeliveryCount = 4
	s.CreateGroup("unknown", stream.ID{}, stream.EntriesReadUnknown)
	got := rewriteStream(t, s, 2000)
	want := []string{
		"XADD s 1-1 a 1 b x",
		"XADD s 3-0 c ",
		"XADD s 4-0 a 3",
		"XSETID s 4-0 ENTRIESADDED 4 MAXDELETEDID 1-2",
		"XGROUP CREATE s g 3-0 ENTRIESREAD 3",
		"XCLAIM s g alice 0 1-1 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE",
		"XCLAIM s g alice 0 1-2 TIME 1700000000001 RETRYCOUNT 4 JUSTID FORCE",
		"XGROUP CREATECONSUMER s g idle",
		"XGROUP CREATE s unknown 0-0 ENTRIESREAD -1",
		"PEXPIREAT s 2000",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rewrite:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := rewriteStream(t, s, 999); len(got) != 0 {
		t.Errorf("an expired stream rewrites as %q", got)
	}

	empty := stream.New()
	empty.Append(stream.ID{Ms: 5}, fields("a", "1"), lim)
	empty.Delete(stream.ID{Ms: 5})
	empty.UpdateFirstID()
	got = rewriteStream(t, empty, 0)
	want = []string{"XADD s MAXLEN 0 0-1 x y", "XSETID s 5-0 ENTRIESADDED 1 MAXDELETEDID 5-0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("empty stream:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
