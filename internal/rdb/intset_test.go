package rdb

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestIntset(t *testing.T) {
	cases := []struct {
		vals  []int64
		width byte
		want  string
	}{
		{[]int64{3, -5, 1, 32767, -32768}, 2, "-32768 -5 1 3 32767"},
		{[]int64{1, 32768, -32769, 2147483647, -2147483648}, 4, "-2147483648 -32769 1 32768 2147483647"},
		{[]int64{0, 2147483648, -2147483649, 9223372036854775807, -9223372036854775808}, 8,
			"-9223372036854775808 -2147483649 0 2147483648 9223372036854775807"},
		{[]int64{7}, 2, "7"},
	}
	for _, c := range cases {
		blob := isBuild(c.vals...)
		if blob[0] != c.width {
			t.Errorf("%v: width %d, want %d", c.vals, blob[0], c.width)
		}
		members, err := isDecode(blob)
		if err != nil {
			t.Fatalf("%v: %v", c.vals, err)
		}
		if got := string(bytes.Join(members, []byte(" "))); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
	// A wider encoding than needed is valid (intsets never shrink).
	if m, err := isDecode(isBuildWidth(8, 1, 2)); err != nil || len(m) != 2 {
		t.Errorf("wide intset: %q %v", m, err)
	}
}

func TestIntsetInvalid(t *testing.T) {
	good := isBuild(1, 2, 3)
	cases := map[string][]byte{
		"short":          good[:7],
		"width 3":        append([]byte{3, 0, 0, 0}, good[4:]...),
		"width 0":        append([]byte{0, 0, 0, 0}, good[4:]...),
		"truncated":      good[:len(good)-1],
		"trailing byte":  append(bytes.Clone(good), 0),
		"count too big":  append([]byte{2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}, good[8:]...),
		"empty":          isBuildRaw(2),
		"unsorted":       isBuildRaw(2, 2, 1),
		"duplicate":      isBuildRaw(4, 5, 5),
		"negative after": isBuildRaw(8, 0, -1),
	}
	for name, blob := range cases {
		if m, err := isDecode(blob); !errors.Is(err, errIntset) {
			t.Errorf("%s: got %q %v", name, m, err)
		} else if !strings.Contains(err.Error(), "intset") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
