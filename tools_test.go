package main

import (
	"bufio"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Operators' tools against respd and redis-server holding the same small
// dataset: redis-cli's --bigkeys, --memkeys, --stat, --latency-history
// and --latency must print the same lines once numbers are set aside, and
// an exporter scraping INFO ALL must find every field Redis 7.0 has in
// the sections it reads.

func requireTools(t *testing.T) {
	t.Helper()
	interopRequireRedis(t)
	for _, tool := range []string{"redis-cli", "stdbuf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPED: %s not installed: the operators' tools are not compared", tool)
		}
	}
}

// toolServers starts redis-server and respd, each with one key of every
// type.
func toolServers(t *testing.T) map[string]string {
	addrs := map[string]string{
		"redis": startProc(t, nil, "redis-server", t.TempDir(), "--save", "").addr,
		"respd": startServer(t),
	}
	for _, addr := range addrs {
		for _, cmd := range [][]string{
			{"PING"}, // as startProc did to redis-server
			{"SET", "s", "0123456789"},
			{"RPUSH", "l", "a", "b", "c", "d", "e"},
			{"HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3"},
			{"SADD", "st", "a", "b", "c", "d"},
			{"ZADD", "z", "1", "a", "2", "b"},
			{"XADD", "x", "1-1", "f", "v"},
			{"XADD", "x", "1-2", "f", "v"},
		} {
			if _, err := diffRequest(addr, cmd...); err != nil {
				t.Fatal(err)
			}
		}
	}
	return addrs
}

var toolNumber = regexp.MustCompile(`\d+(\.\d+)?[KMGB%]?`)

// toolLines are redis-cli's output lines with every number (and its unit)
// replaced by N and spaces collapsed; sorted when the order follows
// SCAN's.
func toolLines(out string, sorted bool) []string {
	var lines []string
	for line := range strings.Lines(out) {
		lines = append(lines, strings.Join(strings.Fields(toolNumber.ReplaceAllString(line, "N")), " "))
	}
	if sorted {
		slices.Sort(lines)
	}
	return lines
}

func runCli(t *testing.T, addr string, args ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	out, err := exec.Command("redis-cli", append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// streamCli runs a redis-cli mode that prints until stopped, line-buffered
// (stdbuf: its output is a pipe), and returns its first n lines.
func streamCli(t *testing.T, addr string, n int, args ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command("stdbuf", append([]string{"-oL", "redis-cli", "-h", host, "-p", port}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := make(chan string)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(out); sc.Scan(); {
			lines <- sc.Text() + "\n"
		}
	}()
	var b strings.Builder
	deadline := time.After(10 * time.Second)
	for range n {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("redis-cli %v ended after %q", args, b.String())
			}
			b.WriteString(line)
		case <-deadline:
			t.Fatalf("redis-cli %v: %d lines in 10 s: %q", args, n, b.String())
		}
	}
	return b.String()
}

func TestRedisCliTools(t *testing.T) {
	requireTools(t)
	addrs := toolServers(t)
	for _, tc := range []struct {
		name   string
		lines  int // 0: runs to its end
		sorted bool
		args   []string
	}{
		{"bigkeys", 0, true, []string{"--bigkeys"}},
		{"memkeys", 0, true, []string{"--memkeys"}},
		{"latency", 0, false, []string{"--latency", "-i", "0.1"}},
		{"latency-history", 2, false, []string{"--latency-history", "-i", "0.1"}},
		{"stat", 4, false, []string{"--stat", "-i", "0.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := map[string][]string{}
			for name, addr := range addrs {
				text := ""
				if tc.lines == 0 {
					text = runCli(t, addr, tc.args...)
				} else {
					text = streamCli(t, addr, tc.lines, tc.args...)
				}
				out[name] = toolLines(text, tc.sorted)
			}
			if !slices.Equal(out["redis"], out["respd"]) {
				t.Fatalf("redis-server:\n%s\nrespd:\n%s", strings.Join(out["redis"], "\n"), strings.Join(out["respd"], "\n"))
			}
		})
	}
}

// TestExporterScrape: every field of the sections a Prometheus exporter
// (redis_exporter) reads is in respd's INFO ALL too, per-command ones
// included for the same commands.
func TestExporterScrape(t *testing.T) {
	requireTools(t)
	addrs := toolServers(t)
	fields := map[string]map[string]bool{}
	for name, addr := range addrs {
		diffRequest(addr, "GET", "nosuchkey")
		diffRequest(addr, "INCR", "s") // an error: errorstats
		reply, err := diffRequest(addr, "INFO", "ALL")
		if err != nil {
			t.Fatal(err)
		}
		fields[name] = map[string]bool{}
		section := ""
		for _, line := range strings.Split(reply, "\r\n") {
			if title, ok := strings.CutPrefix(line, "# "); ok {
				section = strings.ToLower(title)
			} else if key, _, ok := strings.Cut(line, ":"); ok {
				fields[name][section+" "+key] = true
			}
		}
	}
	exported := []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "commandstats", "errorstats", "latencystats", "keyspace"}
	var missing []string
	for field := range fields["redis"] {
		section, _, _ := strings.Cut(field, " ")
		if slices.Contains(exported, section) && !fields["respd"][field] {
			missing = append(missing, field)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Fatalf("INFO ALL lacks %d of Redis's fields:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
