package main

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// RESP3 replies read with their types kept: a map's keys and values
// alternate, a set stays a set, verbatim text loses its "txt:" prefix.
func TestReadValue(t *testing.T) {
	in := "%2\r\n$7\r\nsummary\r\n=9\r\ntxt:hello\r\n$5\r\nflags\r\n~2\r\n+write\r\n:3\r\n"
	got, err := readValue(bufio.NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	want := value{kind: '%', items: []value{
		{kind: '$', str: "summary"}, {kind: '$', str: "hello"},
		{kind: '$', str: "flags"}, {kind: '~', items: []value{{kind: '+', str: "write"}, {kind: ':', num: 3}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if v, ok := got.mapGet("flags"); !ok || len(v.items) != 2 {
		t.Fatalf("mapGet(flags) = %+v, %v", v, ok)
	}
	for _, bad := range []string{"", "?x\r\n", "*2\r\n+a\r\n"} {
		if _, err := readValue(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// The names come from the keys of the commandHandlers map literal.
func TestTableNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "commands.go")
	src := "package main\n\nvar commandHandlers = map[string]func(){\n\t\"get\": nil,\n\t\"client|id\": nil,\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := tableNames(path); !reflect.DeepEqual(got, []string{"get", "client|id"}) {
		t.Fatalf("names %q", got)
	}
}
