package main

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfigFile: any config file is loaded or refused with an error,
// never a panic.
func FuzzConfigFile(f *testing.F) {
	for _, s := range []string{"port 7000\n", "save \"\"\nappendonly yes\n", "bind \"127.0.0.1 ::1\"\n# c\n", "maxmemory 1gb\nclient-output-buffer-limit normal 0 0 0\n", "include x\n", "\"unbalanced\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.conf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		parseArgs([]string{path})
	})
}

// FuzzIncrByFloat: parsing and adding long doubles never panics, and a
// number respd prints parses back to itself.
func FuzzIncrByFloat(f *testing.F) {
	for _, s := range [][2]string{{"10.5", "0.1"}, {"1e308", "1e308"}, {"0x10", "-inf"}, {"5.", ".5"}, {"nan", "1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		x, okA := parseLongDouble([]byte(a))
		y, okB := parseLongDouble([]byte(b))
		if !okA || !okB {
			return
		}
		sum, ok := addLongDoubles(x, y)
		if !ok {
			return
		}
		text := formatLongDouble(sum)
		back, ok := parseLongDouble(text)
		if !ok || string(formatLongDouble(back)) != string(text) {
			t.Fatalf("%q + %q = %q, which reads back as %v", a, b, text, back)
		}
	})
}
