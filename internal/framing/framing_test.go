package framing

import (
	"strings"
	"testing"
)

var testLimits = Limits{MaxBulk: 512 << 20, MaxQuery: 1 << 30, MaxInline: 64 << 10, MaxMultibulk: 1<<31 - 1}

// run feeds input in chunks of size chunk (0: all at once) through a guard
// with a small destination buffer, as the connection does.
func run(t *testing.T, limits Limits, input string, chunk int, dstSize int) (string, error) {
	t.Helper()
	g := New(limits)
	var out strings.Builder
	dst := make([]byte, dstSize)
	var buffered []byte
	fed := 0
	for {
		if len(buffered) == 0 || chunk > 0 {
			if fed == len(input) && len(buffered) == 0 && !g.Pending() {
				return out.String(), nil
			}
			step := len(input) - fed
			if chunk > 0 {
				step = min(chunk, step)
			}
			buffered = append(buffered, input[fed:fed+step]...)
			fed += step
		}
		n, consumed, err := g.Filter(dst, buffered)
		out.Write(dst[:n])
		buffered = buffered[consumed:]
		if err != nil {
			return out.String(), err
		}
		if n == 0 && consumed == 0 && fed == len(input) && !g.Pending() {
			return out.String(), nil // incomplete header at the end
		}
	}
}

func TestFilter(t *testing.T) {
	cases := []struct {
		in, out, err string
	}{
		{"*1\r\n$4\r\nPING\r\n", "*1\r\n$4\r\nPING\r\n", ""},
		{"*0\r\n*1\r\n$4\r\nPING\r\n", "*1\r\n$4\r\nPING\r\n", ""},
		{"*-1\r\nPING\r\n", "*1\r\n$4\r\nPING\r\n", ""},
		{"PING\r\n\r\nECHO a\n", "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n", ""},
		{"SET \"a\\x41\\n\" 'b\\'c' \"\"\r\n", "*4\r\n$3\r\nSET\r\n$3\r\naA\n\r\n$3\r\nb'c\r\n$0\r\n\r\n", ""},
		{"ECHO \"a\"b\r\n", "", "ERR Protocol error: unbalanced quotes in request"},
		{"ECHO \"ab\r\n", "", "ERR Protocol error: unbalanced quotes in request"},
		{"*1\r\n$4\r\nPINGxx", "*1\r\n$4\r\nPING\r\n", ""},
		{"*abc\r\n", "", "ERR Protocol error: invalid multibulk length"},
		{"*+1\r\n", "", "ERR Protocol error: invalid multibulk length"},
		{"*01\r\n", "", "ERR Protocol error: invalid multibulk length"},
		{"*1 \r\n", "", "ERR Protocol error: invalid multibulk length"},
		{"*3000000000\r\n", "", "ERR Protocol error: invalid multibulk length"},
		{"*2\r\nxx\r\n", "*2\r\n", "ERR Protocol error: expected '$', got 'x'"},
		{"*1\r\n$abc\r\n", "*1\r\n", "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$-1\r\n", "*1\r\n", "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$04\r\n", "*1\r\n", "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$600000000\r\n", "*1\r\n", "ERR Protocol error: invalid bulk length"},
		{"*1\r\n" + strings.Repeat("$", 40000), "*1\r\n", "ERR Protocol error: too big bulk count string"},
		{"*" + strings.Repeat("1", 40000), "", "ERR Protocol error: too big mbulk count string"},
		{strings.Repeat("x", 70000), "", "ERR Protocol error: too big inline request"},
	}
	for _, tc := range cases {
		for _, chunk := range []int{0, 1, 3, 7} {
			for _, dstSize := range []int{1, 5, 4096} {
				out, err := run(t, testLimits, tc.in, chunk, dstSize)
				gotErr := ""
				if err != nil {
					gotErr = err.Error()
				}
				if gotErr != tc.err || (tc.err == "" && out != tc.out) || (tc.err != "" && !strings.HasPrefix(tc.out, out) && !strings.HasPrefix(out, tc.out)) {
					t.Errorf("%.40q chunk %d dst %d: got %.60q, %q; want %.60q, %q", tc.in, chunk, dstSize, out, gotErr, tc.out, tc.err)
				}
			}
		}
	}
}

func TestUnauthenticatedLimits(t *testing.T) {
	limits := testLimits
	limits.Authenticated = func() bool { return false }
	if _, err := run(t, limits, "*11\r\n", 0, 64); err == nil || err.Error() != "ERR Protocol error: unauthenticated multibulk length" {
		t.Errorf("11 args unauthenticated: %v", err)
	}
	if _, err := run(t, limits, "*1\r\n$16385\r\n", 0, 64); err == nil || err.Error() != "ERR Protocol error: unauthenticated bulk length" {
		t.Errorf("16385-byte bulk unauthenticated: %v", err)
	}
	if out, err := run(t, limits, "*1\r\n$4\r\nAUTH\r\n", 0, 64); err != nil || out != "*1\r\n$4\r\nAUTH\r\n" {
		t.Errorf("small request unauthenticated: %q %v", out, err)
	}
}

func TestQueryLimitClosesSilently(t *testing.T) {
	limits := testLimits
	limits.MaxQuery = 10
	_, err := run(t, limits, "*2\r\n$6\r\nabcdef\r\n$6\r\n", 0, 64)
	if e, ok := err.(*Error); !ok || e.Msg != "" {
		t.Errorf("request over the query limit: %v", err)
	}
}

// FuzzFilter: any bytes, fed in any chunking, give the same output and
// error, and a valid stream is delivered intact.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"*1\r\n$4\r\nPING\r\n", "*0\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n", "*1\r\n$-1\r\n", "\"a\r\n"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		whole, errWhole := run(t, testLimits, string(in), 0, 4096)
		parts, errParts := run(t, testLimits, string(in), int(chunk%16)+1, int(chunk%7)+1)
		if (errWhole == nil) != (errParts == nil) || (errWhole != nil && errWhole.Error() != errParts.Error()) {
			t.Fatalf("errors differ: %v vs %v", errWhole, errParts)
		}
		if errWhole == nil && whole != parts {
			t.Fatalf("outputs differ: %q vs %q", whole, parts)
		}
		if len(whole) > len(in)+32 {
			t.Fatalf("output %d bytes from %d", len(whole), len(in))
		}
	})
}
