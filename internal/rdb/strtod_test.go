package rdb

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var strtodCases = []struct {
	in   string
	want float64
	used int
}{
	{"1.5", 1.5, 3},
	{"  -2.5e3xyz", -2500, 8},
	{"\t\n+7", 7, 4},
	{"0.1", 0.1, 3},
	{"5.", 5, 2},
	{".5", 0.5, 2},
	{"1e", 1, 1},
	{"1e+", 1, 1},
	{"1e+2", 100, 4},
	{"1E-2", 0.01, 4},
	{"inf", math.Inf(1), 3},
	{"-Infinity", math.Inf(-1), 9},
	{"infinit", math.Inf(1), 3},
	{"INFx", math.Inf(1), 3},
	{"0x1p-2", 0.25, 6},
	{"0X1.8", 1.5, 5},
	{"-0x10", -16, 5},
	{"0x", 0, 1},
	{"0xg", 0, 1},
	{"0x.p1", 0, 1},
	{"1e400", math.Inf(1), 5},
	{"-1e400", math.Inf(-1), 6},
	{"1e-400", 0, 6},
	{"4.9406564584124654e-324", 5e-324, 23},
	{"123456789012", 123456789012, 12},
	{"", 0, 0},
	{"abc", 0, 0},
	{"-", 0, 0},
	{".", 0, 0},
	{" ", 0, 0},
	{"+.e1", 0, 0},
	{"1_000", 1, 1},
	{"0x.", 0, 1},
	{"0xp1", 0, 1},
	{"infin", math.Inf(1), 3},
	{"1\x002", 1, 1},
}

func TestStrtod(t *testing.T) {
	for _, c := range strtodCases {
		v, n := strtod([]byte(c.in))
		if n != c.used || v != c.want || math.Signbit(v) != math.Signbit(c.want) {
			t.Errorf("strtod(%q) = %v, %d; want %v, %d", c.in, v, n, c.want, c.used)
		}
	}
	for in, want := range map[string]int{"nan": 3, "-NaN": 4, "nan(123abc_)": 12, "nan(": 3, "nan(x y)": 3} {
		if v, n := strtod([]byte(in)); !math.IsNaN(v) || n != want {
			t.Errorf("strtod(%q) = %v, %d; want NaN, %d", in, v, n, want)
		}
	}
}

func TestScanDouble(t *testing.T) {
	for in, want := range map[string]float64{"1.5": 1.5, " -2x": -2, "inf": math.Inf(1), "infinity": math.Inf(1),
		"0x.": 0, "0x1": 1, "1e+": 1} {
		if v, ok := scanDouble([]byte(in)); !ok || v != want {
			t.Errorf("scanDouble(%q) = %v, %v; want %v", in, v, ok, want)
		}
	}
	for _, in := range []string{"", " ", "abc", "0x", "0xg", "-0Xp1", "infi", "INFINIT", "0x\x001"} {
		if v, ok := scanDouble([]byte(in)); ok {
			t.Errorf("scanDouble(%q) = %v, want failure", in, v)
		}
	}
}

// TestStrtodMatchesC compares strtod with the C library's, on the cases
// above and on random strings made of number-ish characters.
func TestStrtodMatchesC(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler; skipping")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "strtod.c")
	os.WriteFile(src, []byte(`#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* Reads hex-encoded lines; prints strtod's value (as %a) and length used,
   sscanf("%lg")'s result and value. */
int main(void) {
#ifndef __GLIBC__
	puts("not glibc"); /* Redis's sscanf behaviour is glibc's */
	return 0;
#endif
	char line[4096], buf[2048];
	while (fgets(line, sizeof line, stdin)) {
		size_t n = strlen(line) / 2;
		for (size_t i = 0; i < n; i++) sscanf(line + 2*i, "%2hhx", (unsigned char *)&buf[i]);
		buf[n] = 0;
		char *end;
		double v = strtod(buf, &end), sv = 0;
		int r = sscanf(buf, "%lg", &sv);
		printf("%a %ld %d %a\n", v, (long)(end - buf), r, sv);
	}
	return 0;
}
`), 0o644)
	bin := filepath.Join(dir, "strtod")
	if out, err := exec.Command(cc, "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Skipf("cannot compile: %v\n%s", err, out)
	}
	var inputs []string
	for _, c := range strtodCases {
		if !strings.Contains(c.in, "\x00") {
			inputs = append(inputs, c.in)
		}
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := "0123456789.eEpPxX+- \tinfatyINFATY()abcdef_"
	for i := 0; i < 20000; i++ {
		b := make([]byte, 1+rng.Intn(24))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for i := 0; i < 2000; i++ {
		inputs = append(inputs, strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.Intn(600)-300)), 'g', -1, 64),
			fmt.Sprintf("%.30e", rng.Float64()), "0x"+strconv.FormatUint(rng.Uint64(), 16)+"."+strconv.FormatUint(rng.Uint64(), 16)+"p-"+strconv.Itoa(rng.Intn(1100)))
	}
	var stdin bytes.Buffer
	for _, in := range inputs {
		stdin.WriteString(hex.EncodeToString([]byte(in)) + "\n")
	}
	cmd := exec.Command(bin)
	cmd.Stdin = &stdin
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(out, []byte("not glibc")) {
		t.Skip("the C library is not glibc; skipping")
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	bad := 0
	parseC := func(s string) float64 { // C's %a, inf, nan
		if strings.Contains(s, "nan") {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("cannot parse C's %q", s)
		}
		return v
	}
	same := func(a, b float64) bool {
		return math.IsNaN(a) && math.IsNaN(b) || a == b && math.Signbit(a) == math.Signbit(b)
	}
	for i := 0; sc.Scan(); i++ {
		var cv, csv string
		var cn, cr int
		fmt.Sscan(sc.Text(), &cv, &cn, &cr, &csv)
		in := []byte(inputs[i])
		if v, n := strtod(in); !same(v, parseC(cv)) || n != cn {
			if bad++; bad < 20 {
				t.Errorf("strtod(%q): Go %v (%d bytes), C %s (%d bytes)", in, v, n, cv, cn)
			}
		}
		if v, ok := scanDouble(in); ok != (cr == 1) || ok && !same(v, parseC(csv)) {
			if bad++; bad < 20 {
				t.Errorf("sscanf(%q): Go %v %v, C %d %s", in, v, ok, cr, csv)
			}
		}
	}
	t.Logf("compared %d inputs with the C library", len(inputs))
}
