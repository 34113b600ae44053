package redisconv

import "testing"

// FuzzLongDouble: parsing and adding long doubles never panics, and a
// number respd prints parses back to itself.
func FuzzLongDouble(f *testing.F) {
	for _, s := range [][2]string{{"10.5", "0.1"}, {"1e308", "1e308"}, {"0x10", "-inf"}, {"5.", ".5"}, {"nan", "1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		x, okA := ParseLongDouble([]byte(a))
		y, okB := ParseLongDouble([]byte(b))
		if !okA || !okB {
			return
		}
		sum, ok := AddLongDoubles(x, y)
		if !ok {
			return
		}
		text := FormatLongDouble(sum)
		back, ok := ParseLongDouble(text)
		if !ok || string(FormatLongDouble(back)) != string(text) {
			t.Fatalf("%q + %q = %q, which reads back as %v", a, b, text, back)
		}
	})
}

// Sums as Redis's INCRBYFLOAT prints them (redis-server 7.0.15; "" where
// it refuses an infinite sum), and the inputs strtold refuses.
func TestLongDouble(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"10.5", "0.1", "10.6"},
		{"5.0e3", "2.0e2", "5200"},
		{"0x10", "1", "17"},
		{"1", "-1", "0"},
		{"-0", "0", "0"},
		{"3", "INF", ""},
		{"1.5", "-Infinity", ""},
		{"1e4932", "1e4932", ""},
	} {
		x, okA := ParseLongDouble([]byte(c.a))
		y, okB := ParseLongDouble([]byte(c.b))
		if !okA || !okB {
			t.Errorf("%s + %s: not parsed", c.a, c.b)
			continue
		}
		sum, ok := AddLongDoubles(x, y)
		got := ""
		if ok {
			got = string(FormatLongDouble(sum))
		}
		if got != c.want {
			t.Errorf("%s + %s = %q, want %q", c.a, c.b, got, c.want)
		}
	}
	for _, bad := range []string{"", " 1", "1 ", "nan", "abc", "1e5000", "1e-5000", "--1"} {
		if _, ok := ParseLongDouble([]byte(bad)); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
