package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// LOLWUT through go-redis in both protocols: 7.0's own is its version;
// VERSION 5's Schotter is a canvas of braille characters, one per two
// pixel columns, its rows of squares moved at random below the second;
// VERSION 6's skyline one coloured space per column; each signed with
// the version respd reports. The bytes, for the arguments that make them
// deterministic, are compared with redis-server's in debug.txt.
func TestLolwut(t *testing.T) {
	for proto, rc := range newClients(t, startServer(t)) {
		t.Run(proto, func(t *testing.T) {
			lolwut := func(args ...any) []string {
				t.Helper()
				out, err := rc.Do(ctx, append([]any{"LOLWUT"}, args...)...).Text()
				if err != nil {
					t.Fatal(err)
				}
				return strings.Split(out, "\n")
			}
			if got := lolwut(); len(got) != 2 || got[0] != "Redis ver. "+redisVersion || got[1] != "" {
				t.Errorf("LOLWUT: %q", got)
			}

			art := lolwut("VERSION", "5")
			if n := len(art); n != 52 || art[50] != "Georg Nees - schotter, plotter on paper, 1968. Redis ver. "+redisVersion {
				t.Fatalf("VERSION 5: %d lines, ending %q", n, art[max(0, n-2):])
			}
			for i, line := range art[:49] {
				braille := strings.IndexFunc(line, func(r rune) bool { return r < 0x2800 || r > 0x28ff }) < 0
				if n := utf8.RuneCountInString(line); n != 66 || !braille {
					t.Errorf("VERSION 5 line %d: %d characters: %q", i, n, line)
				}
			}
			if wide := lolwut("VERSION", "5", "5000", "1", "1"); utf8.RuneCountInString(wide[0]) != 1000 {
				t.Errorf("VERSION 5 5000 1 1: %d columns, want Redis's limit, 1000", utf8.RuneCountInString(wide[0]))
			}

			city := lolwut("VERSION", "6", "30", "7")
			if n := len(city); n != 10 || city[8] != "Original 8 bit image from Plaguemon by hikikomori. Redis ver. "+redisVersion {
				t.Fatalf("VERSION 6 30 7: %d lines, ending %q", n, city[max(0, n-3):])
			}
			for i, line := range city[:7] {
				if n := strings.Count(line, " \033[0m"); n != 30 {
					t.Errorf("VERSION 6 line %d: %d pixels", i, n)
				}
			}
		})
	}
}
