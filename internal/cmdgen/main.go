// Command cmdgen writes commands_meta.go: the metadata of every command respd
// implements, as a running redis-server reports it through COMMAND INFO and
// COMMAND DOCS.
//
//	go generate            (from the repository root; see commands.go)
//	go run ./internal/cmdgen -addr 127.0.0.1:6379 -table commands.go -out commands_meta.go
//
// The address comes from -addr, else $CMDGEN_REDIS_ADDR, else 127.0.0.1:6379.
//
// The names come from commands.go itself: the generator parses it with
// go/parser and reads the string keys of the commandHandlers map literal, so
// that map stays the one place a command is added; "parent|sub" names make
// their parent a container, whose metadata is generated too. The server is
// asked over RESP3 (HELLO 3), so maps, sets, simple strings and integers keep
// their types and the generated data can be replied in either protocol
// exactly as Redis replies it.
//
// A command the server does not know (a newer Redis's) takes its metadata
// from the extra table below, copied from the Redis version that added it.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
)

// value is one RESP3 reply.
type value struct {
	kind  byte // '+', '-', '$', ':', '*', '~', '%', '_'
	str   string
	num   int64
	items []value // a map's keys and values alternate
}

func readValue(r *bufio.Reader) (value, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return value{}, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return value{}, errors.New("empty line")
	}
	v := value{kind: line[0]}
	rest := line[1:]
	switch v.kind {
	case '+', '-':
		v.str = rest
	case ':':
		v.num, err = strconv.ParseInt(rest, 10, 64)
	case '_':
	case '$', '=':
		n, _ := strconv.Atoi(rest)
		buf := make([]byte, n+2)
		if _, err = readFull(r, buf); err == nil {
			v.str = string(buf[:n])
		}
		if v.kind == '=' { // verbatim: "txt:" and the text
			v.kind, v.str = '$', v.str[4:]
		}
	case '*', '~', '%':
		n, _ := strconv.Atoi(rest)
		if v.kind == '%' {
			n *= 2
		}
		for i := 0; i < n && err == nil; i++ {
			var item value
			item, err = readValue(r)
			v.items = append(v.items, item)
		}
	default:
		err = fmt.Errorf("unexpected reply type %q", line)
	}
	return v, err
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

type conn struct {
	c net.Conn
	r *bufio.Reader
}

func (c *conn) do(args ...string) value {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.c.Write(b.Bytes()); err != nil {
		log.Fatal(err)
	}
	v, err := readValue(c.r)
	if err != nil {
		log.Fatal(err)
	}
	if v.kind == '-' {
		log.Fatalf("%v: %s", args, v.str)
	}
	return v
}

// mapGet finds a key of a map (or a flat key/value array).
func (v value) mapGet(key string) (value, bool) {
	for i := 0; i+1 < len(v.items); i += 2 {
		if v.items[i].str == key {
			return v.items[i+1], true
		}
	}
	return value{}, false
}

// strings reads a set (kind '~') or array of strings of one kind: the
// generated code replies them in the same types.
func (v value) strings(kind, itemKind byte) []string {
	if v.kind != kind {
		log.Fatalf("expected %q, got %q", kind, v.kind)
	}
	var out []string
	for _, it := range v.items {
		if it.kind != itemKind {
			log.Fatalf("expected %q strings, got %q", itemKind, it.kind)
		}
		out = append(out, it.str)
	}
	return out
}

// tableNames reads the keys of the commandHandlers map literal.
func tableNames(path string) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		log.Fatal(err)
	}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || spec.Names[0].Name != "commandHandlers" || len(spec.Values) != 1 {
			return true
		}
		lit := spec.Values[0].(*ast.CompositeLit)
		for _, elt := range lit.Elts {
			kv := elt.(*ast.KeyValueExpr)
			s, err := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
			if err != nil {
				log.Fatal(err)
			}
			names = append(names, s)
		}
		return false
	})
	if len(names) == 0 {
		log.Fatalf("%s: no commandHandlers map", path)
	}
	return names
}

type meta struct {
	info value // COMMAND INFO's entry
	docs value // COMMAND DOCS's map
}

func main() {
	def := os.Getenv("CMDGEN_REDIS_ADDR")
	if def == "" {
		def = "127.0.0.1:6379"
	}
	addr := flag.String("addr", def, "redis-server to ask")
	table := flag.String("table", "commands.go", "file with the commandHandlers map")
	out := flag.String("out", "commands_meta.go", "file to write")
	flag.Parse()

	names := tableNames(*table)
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
		if parent, _, ok := strings.Cut(n, "|"); ok {
			want[parent] = true
		}
	}
	nc, err := net.Dial("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	c := &conn{c: nc, r: bufio.NewReader(nc)}
	c.do("HELLO", "3")
	version := c.do("INFO", "server").str
	for _, l := range strings.Split(version, "\r\n") {
		if v, ok := strings.CutPrefix(l, "redis_version:"); ok {
			version = v
		}
	}

	found := map[string]meta{}
	for name := range want {
		if strings.Contains(name, "|") {
			continue
		}
		info := c.do("COMMAND", "INFO", name).items[0]
		docs := c.do("COMMAND", "DOCS", name)
		if info.kind == '_' || len(docs.items) == 0 {
			continue
		}
		d := docs.items[1]
		found[name] = meta{info, d}
		subDocs, _ := d.mapGet("subcommands")
		for _, sub := range info.items[9].items {
			full := sub.items[0].str
			sd, _ := subDocs.mapGet(full)
			found[full] = meta{sub, sd}
		}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./internal/cmdgen from redis-server %s; DO NOT EDIT.\n\n", version)
	b.WriteString("package main\n\n// commandMetadata is COMMAND INFO and COMMAND DOCS of every command in\n// commandHandlers and of their containers.\nvar commandMetadata = map[string]*commandMeta{\n")
	var sorted []string
	for n := range want {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var newer []string
	for _, name := range sorted {
		m, ok := found[name]
		if !ok {
			newer = append(newer, name)
			src, ok := extra[name]
			if !ok {
				log.Fatalf("%s: unknown to redis-server %s and not in cmdgen's extra table", name, version)
			}
			fmt.Fprintf(&b, "\t// %s is not in redis-server %s: %s\n", name, version, src.from)
			fmt.Fprintf(&b, "\t%q: %s,\n", name, src.code)
			continue
		}
		fmt.Fprintf(&b, "\t%q: %s,\n", name, metaLiteral(m))
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "// newerCommands are the commands above that redis-server %s does not have.\n", version)
	fmt.Fprintf(&b, "var newerCommands = %s\n\n", strs(newer))
	writeACLOnly(&b, c, want, version)
	src, err := format.Source(b.Bytes())
	if err != nil {
		os.WriteFile(*out, b.Bytes(), 0o644)
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// writeACLOnly writes aclOnlyCommands: the ACL categories of every
// command and subcommand of the server that respd does not implement.
func writeACLOnly(b *bytes.Buffer, c *conn, want map[string]bool, version string) {
	categories := map[string][]string{}
	var add func(info value)
	add = func(info value) {
		if name := info.items[0].str; !want[name] {
			categories[name] = info.items[6].strings('~', '+')
		}
		for _, sub := range info.items[9].items {
			add(sub)
		}
	}
	for _, info := range c.do("COMMAND").items {
		add(info)
	}
	names := make([]string, 0, len(categories))
	for name := range categories {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(b, "// aclOnlyCommands are the commands of redis-server %s respd does not\n", version)
	b.WriteString("// implement, with their ACL categories: ACL rules may name them.\n")
	b.WriteString("var aclOnlyCommands = map[string][]string{\n")
	for _, name := range names {
		fmt.Fprintf(b, "\t%q: %s,\n", name, strs(categories[name]))
	}
	b.WriteString("}\n")
}

func metaLiteral(m meta) string {
	in := m.info.items
	var b strings.Builder
	fmt.Fprintf(&b, "{\nArity: %d,\nFlags: %s,\nFirstKey: %d, LastKey: %d, KeyStep: %d,\nACLCategories: %s,\n",
		in[1].num, strs(in[2].strings('~', '+')), in[3].num, in[4].num, in[5].num, strs(in[6].strings('~', '+')))
	if tips := in[7].strings('~', '$'); len(tips) > 0 {
		fmt.Fprintf(&b, "Tips: %s,\n", strs(tips))
	}
	if in[8].kind != '~' {
		log.Fatalf("%s: key specs are %q", in[0].str, in[8].kind)
	}
	if len(in[8].items) > 0 {
		b.WriteString("KeySpecs: []keySpec{\n")
		for _, ks := range in[8].items {
			b.WriteString(keySpecLiteral(ks))
		}
		b.WriteString("},\n")
	}
	b.WriteString("Docs: []metaValue{\n")
	for i := 0; i+1 < len(m.docs.items); i += 2 {
		if m.docs.items[i].str == "subcommands" {
			continue
		}
		b.WriteString(valueLiteral(m.docs.items[i]) + ", " + valueLiteral(m.docs.items[i+1]) + ",\n")
	}
	b.WriteString("},\n}")
	return b.String()
}

func keySpecLiteral(ks value) string {
	if ks.kind != '%' {
		log.Fatalf("key spec is %q", ks.kind)
	}
	var b strings.Builder
	b.WriteString("{")
	if notes, ok := ks.mapGet("notes"); ok {
		fmt.Fprintf(&b, "Notes: %q, ", notes.str)
	}
	flags, _ := ks.mapGet("flags")
	fmt.Fprintf(&b, "Flags: %s,\n", strs(flags.strings('~', '+')))
	bs, _ := ks.mapGet("begin_search")
	typ, _ := bs.mapGet("type")
	spec, _ := bs.mapGet("spec")
	num := func(v value, k string) int64 {
		x, ok := v.mapGet(k)
		if !ok || x.kind != ':' {
			log.Fatalf("key spec: no integer %s", k)
		}
		return x.num
	}
	switch typ.str {
	case "index":
		fmt.Fprintf(&b, "BeginSearch: %q, Index: %d,\n", typ.str, num(spec, "index"))
	case "keyword":
		kw, _ := spec.mapGet("keyword")
		fmt.Fprintf(&b, "BeginSearch: %q, Keyword: %q, StartFrom: %d,\n", typ.str, kw.str, num(spec, "startfrom"))
	default:
		fmt.Fprintf(&b, "BeginSearch: %q,\n", typ.str)
	}
	fk, _ := ks.mapGet("find_keys")
	typ, _ = fk.mapGet("type")
	spec, _ = fk.mapGet("spec")
	switch typ.str {
	case "range":
		fmt.Fprintf(&b, "FindKeys: %q, LastKey: %d, KeyStep: %d, Limit: %d,\n", typ.str, num(spec, "lastkey"), num(spec, "keystep"), num(spec, "limit"))
	case "keynum":
		fmt.Fprintf(&b, "FindKeys: %q, KeyNumIdx: %d, FirstKey: %d, KeyStep: %d,\n", typ.str, num(spec, "keynumidx"), num(spec, "firstkey"), num(spec, "keystep"))
	default:
		fmt.Fprintf(&b, "FindKeys: %q,\n", typ.str)
	}
	b.WriteString("},\n")
	return b.String()
}

func strs(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// valueLiteral writes a reply as a metaValue literal.
func valueLiteral(v value) string {
	switch v.kind {
	case '$':
		return fmt.Sprintf("{Kind: '$', Str: %q}", v.str)
	case '+':
		return fmt.Sprintf("{Kind: '+', Str: %q}", v.str)
	case ':':
		return fmt.Sprintf("{Kind: ':', Int: %d}", v.num)
	case '*', '~', '%':
		parts := make([]string, len(v.items))
		for i, it := range v.items {
			parts[i] = valueLiteral(it)
		}
		return fmt.Sprintf("{Kind: '%c', Items: []metaValue{\n%s}}", v.kind, strings.Join(parts, ",\n")+",\n")
	}
	log.Fatalf("unexpected reply type %q in COMMAND DOCS", v.kind)
	return ""
}

// extra is the metadata of commands respd implements that the server asked
// may not know, as Redis 7.2's COMMAND INFO and COMMAND DOCS report them.
var extra = map[string]struct{ from, code string }{
	"client|no-touch": {"Redis 7.2.0's", `{
Arity: 3,
Flags: []string{"noscript", "loading", "stale"},
ACLCategories: []string{"@slow", "@connection"},
Docs: []metaValue{
{Kind: '$', Str: "summary"}, {Kind: '$', Str: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys."},
{Kind: '$', Str: "since"}, {Kind: '$', Str: "7.2.0"},
{Kind: '$', Str: "group"}, {Kind: '$', Str: "connection"},
{Kind: '$', Str: "complexity"}, {Kind: '$', Str: "O(1)"},
{Kind: '$', Str: "arguments"}, {Kind: '*', Items: []metaValue{
{Kind: '%', Items: []metaValue{
{Kind: '$', Str: "name"}, {Kind: '$', Str: "enabled"},
{Kind: '$', Str: "type"}, {Kind: '$', Str: "oneof"},
{Kind: '$', Str: "arguments"}, {Kind: '*', Items: []metaValue{
{Kind: '%', Items: []metaValue{{Kind: '$', Str: "name"}, {Kind: '$', Str: "on"}, {Kind: '$', Str: "type"}, {Kind: '$', Str: "pure-token"}, {Kind: '$', Str: "token"}, {Kind: '$', Str: "ON"}}},
{Kind: '%', Items: []metaValue{{Kind: '$', Str: "name"}, {Kind: '$', Str: "off"}, {Kind: '$', Str: "type"}, {Kind: '$', Str: "pure-token"}, {Kind: '$', Str: "token"}, {Kind: '$', Str: "OFF"}}},
}},
}},
}},
},
}`},
	"client|setinfo": {"Redis 7.2.0's", `{
Arity: 4,
Flags: []string{"noscript", "loading", "stale"},
ACLCategories: []string{"@slow", "@connection"},
Tips: []string{"request_policy:all_nodes", "response_policy:all_succeeded"},
Docs: []metaValue{
{Kind: '$', Str: "summary"}, {Kind: '$', Str: "Sets information specific to the client or connection."},
{Kind: '$', Str: "since"}, {Kind: '$', Str: "7.2.0"},
{Kind: '$', Str: "group"}, {Kind: '$', Str: "connection"},
{Kind: '$', Str: "complexity"}, {Kind: '$', Str: "O(1)"},
{Kind: '$', Str: "arguments"}, {Kind: '*', Items: []metaValue{
{Kind: '%', Items: []metaValue{
{Kind: '$', Str: "name"}, {Kind: '$', Str: "attr"},
{Kind: '$', Str: "type"}, {Kind: '$', Str: "oneof"},
{Kind: '$', Str: "arguments"}, {Kind: '*', Items: []metaValue{
{Kind: '%', Items: []metaValue{{Kind: '$', Str: "name"}, {Kind: '$', Str: "libname"}, {Kind: '$', Str: "type"}, {Kind: '$', Str: "string"}, {Kind: '$', Str: "token"}, {Kind: '$', Str: "LIB-NAME"}}},
{Kind: '%', Items: []metaValue{{Kind: '$', Str: "name"}, {Kind: '$', Str: "libver"}, {Kind: '$', Str: "type"}, {Kind: '$', Str: "string"}, {Kind: '$', Str: "token"}, {Kind: '$', Str: "LIB-VER"}}},
}},
}},
}},
},
}`},
}
