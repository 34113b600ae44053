package zsetval

// Golden data recorded from redis-server 7.0.15 (Debian build, jemalloc)
// driven over RESP by a script; the tests replay it without a server.

// goldenListpacks: ZADD k score member for each pair in order, then the
// listpack in DUMP k (RDB_TYPE_ZSET_LISTPACK, rdbcompression off).
var goldenListpacks = []struct {
	adds []string // score, member, ...
	hex  string
}{
	{[]string{"1", "m"}, "0c0000000200816d020101ff"},
	{[]string{"-1", "m"}, "0d0000000200816d02dfff02ff"},
	{[]string{"1.5", "m"}, "0f0000000200816d0283312e3504ff"},
	{[]string{"0.1", "m"}, "1f0000000200816d0293302e313030303030303030303030303030303114ff"},
	{[]string{"1e300", "m"}, "230000000200816d0297312e30303030303030303030303030303031652b33303018ff"},
	{[]string{"5e-324", "m"}, "230000000200816d0297342e39343036353634353834313234363534652d33323418ff"},
	{[]string{"-0", "m"}, "0c0000000200816d020001ff"},
	{[]string{"0", "m"}, "0c0000000200816d020001ff"},
	{[]string{"inf", "m"}, "0f0000000200816d0283696e6604ff"},
	{[]string{"-inf", "m"}, "100000000200816d02842d696e6605ff"},
	{[]string{"+inf", "m"}, "0f0000000200816d0283696e6604ff"},
	{[]string{"3.0000000000000004", "m"}, "1e0000000200816d0292332e3030303030303030303030303030303413ff"},
	{[]string{"12345678901234567890", "m"}, "220000000200816d0296312e32333435363738393031323334353637652b313917ff"},
	{[]string{"1e17", "m"}, "140000000200816d02f400008a5d7845630109ff"},
	{[]string{"4611686018427387904", "m"}, "140000000200816d02f4000000000000004009ff"},
	{[]string{"4611686018427388928", "m"}, "220000000200816d0296342e36313136383630313834323733383839652b313817ff"},
	{[]string{"-4611686018427387904", "m"}, "140000000200816d02f400000000000000c009ff"},
	{[]string{"-4611686018427388928", "m"}, "230000000200816d02972d342e36313136383630313834323733383839652b313818ff"},
	{[]string{"1e16", "m"}, "140000000200816d02f40000c16ff286230009ff"},
	{[]string{"123456789012345678", "m"}, "140000000200816d02f450f330a64b9bb60109ff"},
	{[]string{"1e-5", "m"}, "220000000200816d0296312e30303030303030303030303030303031652d303517ff"},
	{[]string{"-1.5", "m"}, "100000000200816d02842d312e3505ff"},
	{[]string{"9007199254740994", "m"}, "140000000200816d02f4020000000000200009ff"},
	{[]string{"4503599627370496", "m"}, "140000000200816d02f4000000000000100009ff"},
	{[]string{"-4503599627370495", "m"}, "140000000200816d02f4010000000000f0ff09ff"},
	{[]string{"127", "m"}, "0c0000000200816d027f01ff"},
	{[]string{"128", "m"}, "0d0000000200816d02c08002ff"},
	{[]string{"-4096", "m"}, "0d0000000200816d02d00002ff"},
	{[]string{"4095", "m"}, "0d0000000200816d02cfff02ff"},
	{[]string{"32767", "m"}, "0e0000000200816d02f1ff7f03ff"},
	{[]string{"-32768", "m"}, "0e0000000200816d02f1008003ff"},
	{[]string{"8388607", "m"}, "0f0000000200816d02f2ffff7f04ff"},
	{[]string{"-8388608", "m"}, "0f0000000200816d02f200008004ff"},
	{[]string{"2147483647", "m"}, "100000000200816d02f3ffffff7f05ff"},
	{[]string{"2147483648", "m"}, "140000000200816d02f4000000800000000009ff"},
	{[]string{"-2147483649", "m"}, "140000000200816d02f4ffffff7fffffffff09ff"},
	{[]string{"0.30000000000000004", "m"}, "1f0000000200816d0293302e333030303030303030303030303030303414ff"},
	{[]string{"1.7976931348623157e308", "m"}, "230000000200816d0297312e37393736393331333438363233313537652b33303818ff"},
	{[]string{"2.2250738585072014e-308", "m"}, "230000000200816d0297322e32323530373338353835303732303134652d33303818ff"},
	{[]string{"100", "m"}, "0c0000000200816d026401ff"},
	{[]string{"1e2", "m"}, "0c0000000200816d026401ff"},
	{[]string{"0x10", "m"}, "0c0000000200816d021001ff"},
	{[]string{"1", "a", "1", "b", "1", "c"}, "160000000600816102010181620201018163020101ff"},
	{[]string{"3", "c", "2", "b", "1", "a"}, "160000000600816102010181620202018163020301ff"},
	{[]string{"1", "b", "1", "a", "1", "ab", "1", "", "1", "B"}, "200000000a0080010101814202010181610201018261620301018162020101ff"},
	{[]string{"1", "10", "1", "9", "1", "-1", "1", "01", "1", "1", "1", "123456789012", "1", "9223372036854775807", "1", "9223372036854775808", "1", "-0"}, "530000001200822d30030101dfff020101823031030101010101010a010101f4141a99be1c00000009010109010101f4ffffffffffffff7f0901019339323233333732303336383534373735383038140101ff"},
	{[]string{"-inf", "x", "inf", "y", "0", "z", "-1.5", "w", "2.5", "v"}, "2e0000000a00817802842d696e6605817702842d312e3505817a02000181760283322e350481790283696e6604ff"},
	{[]string{"1", "a", "2", "b", "3", "c", "5", "b"}, "160000000600816102010181630203018162020501ff"},
	{[]string{"1", "a", "2", "b", "3", "c", "2", "b", "0", "c", "1.5", "a"}, "190000000600816302000181610283312e35048162020201ff"},
	{[]string{"1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "2", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", "0", "zzzzzzzzzz"}, "9d00000006008a7a7a7a7a7a7a7a7a7a7a0b0001bf787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878400101e04079797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979420201ff"},
}

// goldenIncrListpack: ZADD k 1 a, ZADD k 2 b, ZINCRBY k 0.5 a, ZINCRBY k 10 a,
// ZINCRBY k -20 b, then DUMP k.
const goldenIncrListpack = "160000000400816202dfee028161028431312e3505ff"

// goldenScores: ZADD k <in> m on a skiplist: refused (ok false), or
// ZSCORE k m's reply.
var goldenScores = []struct {
	in    string
	ok    bool
	reply string
}{
	{"1", true, "1"},
	{"-1", true, "-1"},
	{"+1", true, "1"},
	{"1.5", true, "1.5"},
	{".5", true, "0.5"},
	{"5.", true, "5"},
	{".", false, ""},
	{"", false, ""},
	{" 1", false, ""},
	{"1 ", false, ""},
	{"\t1", false, ""},
	{"1e3", true, "1000"},
	{"1E3", true, "1000"},
	{"1e+3", true, "1000"},
	{"1e-3", true, "0.001"},
	{"1e", false, ""},
	{"e1", false, ""},
	{"inf", true, "inf"},
	{"-inf", true, "-inf"},
	{"+inf", true, "inf"},
	{"Inf", true, "inf"},
	{"INF", true, "inf"},
	{"infinity", true, "inf"},
	{"-Infinity", true, "-inf"},
	{"+INFINITY", true, "inf"},
	{"infinit", false, ""},
	{"nan", false, ""},
	{"NaN", false, ""},
	{"-nan", false, ""},
	{"nan(123)", false, ""},
	{"0x10", true, "16"},
	{"0X1p4", true, "16"},
	{"0x1.8", true, "1.5"},
	{"0x", false, ""},
	{"0x1p-1074", true, "4.9406564584124654e-324"},
	{"-0x1P+2", true, "-4"},
	{"0x1p", false, ""},
	{"1e400", false, ""},
	{"-1e400", false, ""},
	{"1e-400", false, ""},
	{"4.9e-324", true, "4.9406564584124654e-324"},
	{"2e-324", false, ""},
	{"1e-310", true, "9.9999999999999694e-311"},
	{"0e-500", true, "0"},
	{"00001", true, "1"},
	{"-0", true, "-0"},
	{"+0", true, "0"},
	{"1_000", false, ""},
	{"1,5", false, ""},
	{"1\x00", false, ""},
	{"\x001", false, ""},
	{"12345678901234567890123", true, "1.2345678901234568e+22"},
	{"1e308", true, "1e+308"},
	{"1.7976931348623159e308", false, ""},
	{"1.7976931348623158e308", true, "1.7976931348623157e+308"},
	{"0.000001e-320", false, ""},
	{"--1", false, ""},
	{"+-1", false, ""},
	{"1e+", false, ""},
	{"1.5e3.2", false, ""},
	{"(1", false, ""},
	{"[1", false, ""},
}

// goldenProbe is the sorted set the range goldens query (member, score).
var goldenProbe = []string{"ninf", "-inf", "m308", "-1e308", "m1", "-1", "mh", "-0.5", "z", "0", "tiny", "5e-324", "h", "0.5", "o", "1", "oh", "1.5", "s", "16", "k", "1000", "p308", "1e308", "pinf", "inf"}

// goldenScoreRanges: ZRANGEBYSCORE P <arg> +inf and ZRANGEBYSCORE P -inf
// <arg> on goldenProbe; nil: "min or max is not a float".
var goldenScoreRanges = []struct {
	arg          string
	asMin, asMax []string
}{
	{"1", []string{"o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o"}},
	{"(1", []string{"oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h"}},
	{"(", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh"}},
	{"((1", nil, nil},
	{"(inf", []string{}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308"}},
	{"(-inf", []string{"m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{}},
	{"[1", nil, nil},
	{" 1", []string{"o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o"}},
	{"( 1", []string{"oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h"}},
	{"1 ", nil, nil},
	{"", []string{"z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z"}},
	{"\x00", []string{"z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z"}},
	{"1\x00abc", []string{"o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o"}},
	{"(1\x00x", []string{"oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h"}},
	{"  ", nil, nil},
	{"-", nil, nil},
	{"+", nil, nil},
	{"nan", nil, nil},
	{"(nan", nil, nil},
	{"1e400", []string{"pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}},
	{"-1e400", []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf"}},
	{"1e-400", []string{"z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z"}},
	{"(1e-400", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh"}},
	{"0x10", []string{"s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s"}},
	{"(0x10", []string{"k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh"}},
	{"\t\n1", []string{"o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o"}},
	{"-inf", []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf"}},
	{"+inf", []string{"pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}},
	{"inf", []string{"pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}},
	{"-0", []string{"z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z"}},
	{"(-0", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh"}},
	{"(0", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh"}},
	{"0.5", []string{"h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h"}},
	{"(0.5", []string{"o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny"}},
	{"16", []string{"s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s"}},
	{"(16", []string{"k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh"}},
	{"1e308", []string{"p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308"}},
	{"(1e308", []string{"pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k"}},
	{"-1e308", []string{"m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308"}},
	{"(-1e308", []string{"m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf"}},
	{"5e-324", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny"}},
	{"(5e-324", []string{"h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z"}},
	{"(\x00", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh"}},
	{"0x1p-1074", []string{"tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny"}},
	{"infinity", []string{"pinf"}, []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}},
	{"-infinity", []string{"ninf", "m308", "m1", "mh", "z", "tiny", "h", "o", "oh", "s", "k", "p308", "pinf"}, []string{"ninf"}},
	{"abc", nil, nil},
	{"1e", nil, nil},
	{"1.5e3.2", nil, nil},
	{"1_0", nil, nil},
}

// goldenLexMembers are the members (all of score 0) the lex goldens query.
var goldenLexMembers = []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}

// goldenLexRanges: ZRANGEBYLEX L <arg> + and ZRANGEBYLEX L - <arg> on
// goldenLexMembers; nil: "min or max not valid string range item".
var goldenLexRanges = []struct {
	arg          string
	asMin, asMax []string
}{
	{"-", []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}, []string{}},
	{"+", []string{}, []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}},
	{"[a", []string{"a", "aa", "ab", "b", "\xff"}, []string{"", "\x00", "a"}},
	{"(a", []string{"aa", "ab", "b", "\xff"}, []string{"", "\x00"}},
	{"[", []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}, []string{""}},
	{"(", []string{"\x00", "a", "aa", "ab", "b", "\xff"}, []string{}},
	{"", nil, nil},
	{"a", nil, nil},
	{"-a", nil, nil},
	{"+a", nil, nil},
	{"-\x00x", []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}, []string{}},
	{"+\x00", []string{}, []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}},
	{"[\x00", []string{"\x00", "a", "aa", "ab", "b", "\xff"}, []string{"", "\x00"}},
	{"(\x00", []string{"a", "aa", "ab", "b", "\xff"}, []string{""}},
	{"(\xff", []string{}, []string{"", "\x00", "a", "aa", "ab", "b"}},
	{"[\xff", []string{"\xff"}, []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}},
	{"[aa", []string{"aa", "ab", "b", "\xff"}, []string{"", "\x00", "a", "aa"}},
	{"(aa", []string{"ab", "b", "\xff"}, []string{"", "\x00", "a"}},
	{"[b", []string{"b", "\xff"}, []string{"", "\x00", "a", "aa", "ab", "b"}},
	{"(b", []string{"\xff"}, []string{"", "\x00", "a", "aa", "ab"}},
	{"+\x00abc", []string{}, []string{"", "\x00", "a", "aa", "ab", "b", "\xff"}},
	{"[ab", []string{"ab", "b", "\xff"}, []string{"", "\x00", "a", "aa", "ab"}},
	{"(ab", []string{"b", "\xff"}, []string{"", "\x00", "a", "aa"}},
	{"[\x00\x00", []string{"a", "aa", "ab", "b", "\xff"}, []string{"", "\x00"}},
}

// goldenScripts: commands and their replies, with zset-max-listpack-entries
// 128 ("listpack") and 0 ("skiplist"), zset-max-listpack-value 64: a reply
// is an integer, a bulk string, (nil), ERR, or [items] for an array. The
// lex ranges over members of different scores (key m) are the listpack's
// only: in a skiplist their outcome depends on the nodes' random levels.
var goldenScripts = map[string]string{
	"listpack": `
ZADD z 1 a 2 b 3 c 4 d 5 e => 5
ZRANGE z 0 -1 WITHSCORES => [a 1 b 2 c 3 d 4 e 5]
ZRANGE z -2 -1 => [d e]
ZRANGE z 2 1 => []
ZRANGE z -100 100 => [a b c d e]
ZRANGE z 5 10 => []
ZRANGE z 0 -1 REV WITHSCORES => [e 5 d 4 c 3 b 2 a 1]
ZRANGE z 1 3 REV => [d c b]
ZREVRANGE z 0 1 => [e d]
ZREVRANGE z -1 -1 WITHSCORES => [a 1]
ZRANGEBYSCORE z 2 4 => [b c d]
ZRANGEBYSCORE z (2 4 WITHSCORES => [c 3 d 4]
ZRANGEBYSCORE z -inf +inf LIMIT 1 2 => [b c]
ZRANGEBYSCORE z -inf +inf LIMIT -1 2 => []
ZRANGEBYSCORE z -inf +inf LIMIT 0 -1 => [a b c d e]
ZRANGEBYSCORE z -inf +inf LIMIT 2 -5 => [c d e]
ZRANGEBYSCORE z -inf +inf LIMIT 0 0 => []
ZRANGEBYSCORE z -inf +inf LIMIT 5 1 => []
ZRANGEBYSCORE z -inf +inf LIMIT 4 10 => [e]
ZRANGEBYSCORE z (1 (2 => []
ZRANGEBYSCORE z 3 3 => [c]
ZRANGEBYSCORE z (3 3 => []
ZRANGEBYSCORE z 4 2 => []
ZRANGEBYSCORE z 2 4 LIMIT 2 5 => [d]
ZRANGEBYSCORE z 2 4 LIMIT 3 5 => []
ZREVRANGEBYSCORE z 4 2 => [d c b]
ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2 => [d c]
ZREVRANGEBYSCORE z (4 (1 => [c b]
ZREVRANGEBYSCORE z 4 2 LIMIT 2 5 => [b]
ZREVRANGEBYSCORE z 4 2 LIMIT 3 5 => []
ZREVRANGEBYSCORE z +inf -inf LIMIT -2 5 => []
ZRANGE z (1 5 BYSCORE LIMIT 1 2 => [c d]
ZRANGE z 5 (1 BYSCORE REV LIMIT 1 2 WITHSCORES => [d 4 c 3]
ZCOUNT z 2 4 => 3
ZCOUNT z (2 (4 => 1
ZCOUNT z 4 2 => 0
ZCOUNT z -inf +inf => 5
ZCOUNT z 6 7 => 0
ZCOUNT z (5 +inf => 0
ZCOUNT z 0 1 => 1
ZCOUNT z 5 5 => 1
ZRANK z a => 0
ZRANK z c => 2
ZREVRANK z c => 2
ZREVRANK z e => 0
ZRANK z nope => (nil)
ZSCORE z c => 3
ZSCORE z nope => (nil)
ZADD z NX 10 a 6 f => 1
ZADD z XX 10 a 7 g => 0
ZADD z XX CH 11 a 7 g => 1
ZADD z GT CH 5 a 12 a => 1
ZADD z LT 100 b => 0
ZADD z LT CH 0 b => 1
ZADD z GT 100 h => 1
ZADD z CH 100 h 0 b => 0
ZINCRBY z 2.5 c => 5.5
ZINCRBY z -1 newm => -1
ZADD z INCR 1 c => 6.5
ZADD z INCR NX 1 c => (nil)
ZADD z INCR XX 1 nothere => (nil)
ZADD z INCR GT -1 c => (nil)
ZADD z INCR LT -1 c => 5.5
ZRANGE z 0 -1 WITHSCORES => [newm -1 b 0 d 4 e 5 c 5.5 f 6 a 12 h 100]
ZREM z a nope b => 2
ZCARD z => 6
ZREMRANGEBYRANK z 0 0 => 1
ZREMRANGEBYRANK z -1 -1 => 1
ZREMRANGEBYRANK z 5 10 => 0
ZREMRANGEBYRANK z 2 1 => 0
ZRANGE z 0 -1 WITHSCORES => [d 4 e 5 c 5.5 f 6]
ZREMRANGEBYSCORE z (3 5 => 2
ZREMRANGEBYSCORE z 100 200 => 0
ZRANGE z 0 -1 WITHSCORES => [c 5.5 f 6]
ZPOPMIN z => [c 5.5]
ZPOPMAX z 2 => [f 6]
ZPOPMIN z 10 => []
EXISTS z => 0
ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g => 7
ZRANGEBYLEX l - + => [a b c d e f g]
ZRANGEBYLEX l [b (e => [b c d]
ZRANGEBYLEX l (b [e LIMIT 1 2 => [d e]
ZRANGEBYLEX l - + LIMIT -1 3 => []
ZRANGEBYLEX l - + LIMIT 5 -1 => [f g]
ZRANGEBYLEX l - + LIMIT 7 1 => []
ZRANGEBYLEX l + - => []
ZRANGEBYLEX l [c [c => [c]
ZRANGEBYLEX l (c [c => []
ZREVRANGEBYLEX l + - => [g f e d c b a]
ZREVRANGEBYLEX l [e (b => [e d c]
ZREVRANGEBYLEX l (e - LIMIT 1 10 => [c b a]
ZRANGE l [c + BYLEX => [c d e f g]
ZRANGE l + [c BYLEX REV LIMIT 0 2 => [g f]
ZLEXCOUNT l - + => 7
ZLEXCOUNT l [b [d => 3
ZLEXCOUNT l (b (d => 1
ZLEXCOUNT l (d (b => 0
ZLEXCOUNT l + - => 0
ZLEXCOUNT l [z + => 0
ZLEXCOUNT l - [0 => 0
ZREMRANGEBYLEX l [b (d => 2
ZRANGE l 0 -1 => [a d e f g]
ZREMRANGEBYLEX l - (b => 1
ZREMRANGEBYLEX l (f + => 1
ZREMRANGEBYLEX l (x + => 0
ZRANGE l 0 -1 => [d e f]
ZADD n 1 10 1 9 1 -1 1 01 1 1 1 2 0 100 2 -100 1 -0 1 9223372036854775807 1 9223372036854775808 => 11
ZRANGE n 0 -1 WITHSCORES => [100 0 -0 1 -1 1 01 1 1 1 10 1 2 1 9 1 9223372036854775807 1 9223372036854775808 1 -100 2]
ZRANK n 01 => 3
ZRANK n 1 => 4
ZRANK n -0 => 1
ZSCORE n 10 => 1
ZSCORE n 9223372036854775807 => 1
ZREM n 1 9223372036854775808 => 2
ZRANGE n 0 -1 => [100 -0 -1 01 10 2 9 9223372036854775807 -100]
ZRANGEBYSCORE n 1 1 LIMIT 2 3 => [01 10 2]
ZADD s 1.5 a 0.1 b -0.5 c 1e300 d -1e-300 e inf f -inf g 3.0000000000000004 h 12345678901234567890 i => 9
ZRANGE s 0 -1 WITHSCORES => [g -inf c -0.5 e -1e-300 b 0.10000000000000001 a 1.5 h 3.0000000000000004 i 1.2345678901234567e+19 d 1.0000000000000001e+300 f inf]
ZRANGEBYSCORE s (-inf (inf => [c e b a h i d]
ZRANGEBYSCORE s -inf -inf => [g]
ZRANGEBYSCORE s inf inf => [f]
ZCOUNT s (-inf (inf => 7
ZADD s INCR 1e308 d => 1.00000001e+308
ZINCRBY s 1e308 d => inf
ZINCRBY s 1e308 d => inf
ZSCORE s d => inf
ZINCRBY s -inf f => ERR
ZINCRBY s inf f => inf
ZSCORE s f => inf
ZADD s 1 f => 0
ZADD s -inf f => 0
ZRANGE s 0 1 WITHSCORES => [f -inf g -inf]
ZADD z0 -0 m => 1
ZSCORE z0 m => 0
ZADD z0 0 m => 0
ZSCORE z0 m => 0
ZINCRBY z0 -0 m => 0
ZSCORE z0 m => 0
ZADD e 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx => 1
OBJECT ENCODING e => listpack
ZADD e XX 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 0
OBJECT ENCODING e => listpack
ZADD e 2 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 1
OBJECT ENCODING e => skiplist
ZREM e yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 1
OBJECT ENCODING e => skiplist
DEL e => 1
ZADD e 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 1
OBJECT ENCODING e => skiplist
ZADD f 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15 16 m16 17 m17 18 m18 19 m19 20 m20 21 m21 22 m22 23 m23 24 m24 25 m25 26 m26 27 m27 28 m28 29 m29 30 m30 31 m31 32 m32 33 m33 34 m34 35 m35 36 m36 37 m37 38 m38 39 m39 40 m40 41 m41 42 m42 43 m43 44 m44 45 m45 46 m46 47 m47 48 m48 49 m49 50 m50 51 m51 52 m52 53 m53 54 m54 55 m55 56 m56 57 m57 58 m58 59 m59 60 m60 61 m61 62 m62 63 m63 64 m64 65 m65 66 m66 67 m67 68 m68 69 m69 70 m70 71 m71 72 m72 73 m73 74 m74 75 m75 76 m76 77 m77 78 m78 79 m79 80 m80 81 m81 82 m82 83 m83 84 m84 85 m85 86 m86 87 m87 88 m88 89 m89 90 m90 91 m91 92 m92 93 m93 94 m94 95 m95 96 m96 97 m97 98 m98 99 m99 100 m100 101 m101 102 m102 103 m103 104 m104 105 m105 106 m106 107 m107 108 m108 109 m109 110 m110 111 m111 112 m112 113 m113 114 m114 115 m115 116 m116 117 m117 118 m118 119 m119 120 m120 121 m121 122 m122 123 m123 124 m124 125 m125 126 m126 127 m127 => 128
OBJECT ENCODING f => listpack
ZADD f 1 extra => 1
OBJECT ENCODING f => skiplist
ZREM f extra => 1
OBJECT ENCODING f => skiplist
ZADD g XX 1 a => 0
EXISTS g => 0
ZADD m 1 a 0 b 2 c 1 d 0 e 3 aa => 6
ZRANGE m 0 -1 WITHSCORES => [b 0 e 0 a 1 d 1 c 2 aa 3]
ZRANGEBYLEX m - + => [b e a d c aa]
ZRANGEBYLEX m [b [d => []
ZRANGEBYLEX m [a [c => [b]
ZREVRANGEBYLEX m [d [b => []
ZREVRANGEBYLEX m + - => [aa c d a e b]
ZLEXCOUNT m [b [d => 0
ZLEXCOUNT m [a + => 6
ZREMRANGEBYLEX m [c + => 0
ZRANGE m 0 -1 => [b e a d c aa]
ZREMRANGEBYLEX m [a [b => 1
ZRANGE m 0 -1 => [e a d c aa]`,
	"skiplist": `
ZADD z 1 a 2 b 3 c 4 d 5 e => 5
ZRANGE z 0 -1 WITHSCORES => [a 1 b 2 c 3 d 4 e 5]
ZRANGE z -2 -1 => [d e]
ZRANGE z 2 1 => []
ZRANGE z -100 100 => [a b c d e]
ZRANGE z 5 10 => []
ZRANGE z 0 -1 REV WITHSCORES => [e 5 d 4 c 3 b 2 a 1]
ZRANGE z 1 3 REV => [d c b]
ZREVRANGE z 0 1 => [e d]
ZREVRANGE z -1 -1 WITHSCORES => [a 1]
ZRANGEBYSCORE z 2 4 => [b c d]
ZRANGEBYSCORE z (2 4 WITHSCORES => [c 3 d 4]
ZRANGEBYSCORE z -inf +inf LIMIT 1 2 => [b c]
ZRANGEBYSCORE z -inf +inf LIMIT -1 2 => []
ZRANGEBYSCORE z -inf +inf LIMIT 0 -1 => [a b c d e]
ZRANGEBYSCORE z -inf +inf LIMIT 2 -5 => [c d e]
ZRANGEBYSCORE z -inf +inf LIMIT 0 0 => []
ZRANGEBYSCORE z -inf +inf LIMIT 5 1 => []
ZRANGEBYSCORE z -inf +inf LIMIT 4 10 => [e]
ZRANGEBYSCORE z (1 (2 => []
ZRANGEBYSCORE z 3 3 => [c]
ZRANGEBYSCORE z (3 3 => []
ZRANGEBYSCORE z 4 2 => []
ZRANGEBYSCORE z 2 4 LIMIT 2 5 => [d]
ZRANGEBYSCORE z 2 4 LIMIT 3 5 => []
ZREVRANGEBYSCORE z 4 2 => [d c b]
ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2 => [d c]
ZREVRANGEBYSCORE z (4 (1 => [c b]
ZREVRANGEBYSCORE z 4 2 LIMIT 2 5 => [b]
ZREVRANGEBYSCORE z 4 2 LIMIT 3 5 => []
ZREVRANGEBYSCORE z +inf -inf LIMIT -2 5 => []
ZRANGE z (1 5 BYSCORE LIMIT 1 2 => [c d]
ZRANGE z 5 (1 BYSCORE REV LIMIT 1 2 WITHSCORES => [d 4 c 3]
ZCOUNT z 2 4 => 3
ZCOUNT z (2 (4 => 1
ZCOUNT z 4 2 => 0
ZCOUNT z -inf +inf => 5
ZCOUNT z 6 7 => 0
ZCOUNT z (5 +inf => 0
ZCOUNT z 0 1 => 1
ZCOUNT z 5 5 => 1
ZRANK z a => 0
ZRANK z c => 2
ZREVRANK z c => 2
ZREVRANK z e => 0
ZRANK z nope => (nil)
ZSCORE z c => 3
ZSCORE z nope => (nil)
ZADD z NX 10 a 6 f => 1
ZADD z XX 10 a 7 g => 0
ZADD z XX CH 11 a 7 g => 1
ZADD z GT CH 5 a 12 a => 1
ZADD z LT 100 b => 0
ZADD z LT CH 0 b => 1
ZADD z GT 100 h => 1
ZADD z CH 100 h 0 b => 0
ZINCRBY z 2.5 c => 5.5
ZINCRBY z -1 newm => -1
ZADD z INCR 1 c => 6.5
ZADD z INCR NX 1 c => (nil)
ZADD z INCR XX 1 nothere => (nil)
ZADD z INCR GT -1 c => (nil)
ZADD z INCR LT -1 c => 5.5
ZRANGE z 0 -1 WITHSCORES => [newm -1 b 0 d 4 e 5 c 5.5 f 6 a 12 h 100]
ZREM z a nope b => 2
ZCARD z => 6
ZREMRANGEBYRANK z 0 0 => 1
ZREMRANGEBYRANK z -1 -1 => 1
ZREMRANGEBYRANK z 5 10 => 0
ZREMRANGEBYRANK z 2 1 => 0
ZRANGE z 0 -1 WITHSCORES => [d 4 e 5 c 5.5 f 6]
ZREMRANGEBYSCORE z (3 5 => 2
ZREMRANGEBYSCORE z 100 200 => 0
ZRANGE z 0 -1 WITHSCORES => [c 5.5 f 6]
ZPOPMIN z => [c 5.5]
ZPOPMAX z 2 => [f 6]
ZPOPMIN z 10 => []
EXISTS z => 0
ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g => 7
ZRANGEBYLEX l - + => [a b c d e f g]
ZRANGEBYLEX l [b (e => [b c d]
ZRANGEBYLEX l (b [e LIMIT 1 2 => [d e]
ZRANGEBYLEX l - + LIMIT -1 3 => []
ZRANGEBYLEX l - + LIMIT 5 -1 => [f g]
ZRANGEBYLEX l - + LIMIT 7 1 => []
ZRANGEBYLEX l + - => []
ZRANGEBYLEX l [c [c => [c]
ZRANGEBYLEX l (c [c => []
ZREVRANGEBYLEX l + - => [g f e d c b a]
ZREVRANGEBYLEX l [e (b => [e d c]
ZREVRANGEBYLEX l (e - LIMIT 1 10 => [c b a]
ZRANGE l [c + BYLEX => [c d e f g]
ZRANGE l + [c BYLEX REV LIMIT 0 2 => [g f]
ZLEXCOUNT l - + => 7
ZLEXCOUNT l [b [d => 3
ZLEXCOUNT l (b (d => 1
ZLEXCOUNT l (d (b => 0
ZLEXCOUNT l + - => 0
ZLEXCOUNT l [z + => 0
ZLEXCOUNT l - [0 => 0
ZREMRANGEBYLEX l [b (d => 2
ZRANGE l 0 -1 => [a d e f g]
ZREMRANGEBYLEX l - (b => 1
ZREMRANGEBYLEX l (f + => 1
ZREMRANGEBYLEX l (x + => 0
ZRANGE l 0 -1 => [d e f]
ZADD n 1 10 1 9 1 -1 1 01 1 1 1 2 0 100 2 -100 1 -0 1 9223372036854775807 1 9223372036854775808 => 11
ZRANGE n 0 -1 WITHSCORES => [100 0 -0 1 -1 1 01 1 1 1 10 1 2 1 9 1 9223372036854775807 1 9223372036854775808 1 -100 2]
ZRANK n 01 => 3
ZRANK n 1 => 4
ZRANK n -0 => 1
ZSCORE n 10 => 1
ZSCORE n 9223372036854775807 => 1
ZREM n 1 9223372036854775808 => 2
ZRANGE n 0 -1 => [100 -0 -1 01 10 2 9 9223372036854775807 -100]
ZRANGEBYSCORE n 1 1 LIMIT 2 3 => [01 10 2]
ZADD s 1.5 a 0.1 b -0.5 c 1e300 d -1e-300 e inf f -inf g 3.0000000000000004 h 12345678901234567890 i => 9
ZRANGE s 0 -1 WITHSCORES => [g -inf c -0.5 e -1e-300 b 0.10000000000000001 a 1.5 h 3.0000000000000004 i 1.2345678901234567e+19 d 1.0000000000000001e+300 f inf]
ZRANGEBYSCORE s (-inf (inf => [c e b a h i d]
ZRANGEBYSCORE s -inf -inf => [g]
ZRANGEBYSCORE s inf inf => [f]
ZCOUNT s (-inf (inf => 7
ZADD s INCR 1e308 d => 1.00000001e+308
ZINCRBY s 1e308 d => inf
ZINCRBY s 1e308 d => inf
ZSCORE s d => inf
ZINCRBY s -inf f => ERR
ZINCRBY s inf f => inf
ZSCORE s f => inf
ZADD s 1 f => 0
ZADD s -inf f => 0
ZRANGE s 0 1 WITHSCORES => [f -inf g -inf]
ZADD z0 -0 m => 1
ZSCORE z0 m => -0
ZADD z0 0 m => 0
ZSCORE z0 m => -0
ZINCRBY z0 -0 m => -0
ZSCORE z0 m => -0
ZADD e 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx => 1
OBJECT ENCODING e => skiplist
ZADD e XX 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 0
OBJECT ENCODING e => skiplist
ZADD e 2 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 1
OBJECT ENCODING e => skiplist
ZREM e yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 1
OBJECT ENCODING e => skiplist
DEL e => 1
ZADD e 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy => 1
OBJECT ENCODING e => skiplist
ZADD f 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15 16 m16 17 m17 18 m18 19 m19 20 m20 21 m21 22 m22 23 m23 24 m24 25 m25 26 m26 27 m27 28 m28 29 m29 30 m30 31 m31 32 m32 33 m33 34 m34 35 m35 36 m36 37 m37 38 m38 39 m39 40 m40 41 m41 42 m42 43 m43 44 m44 45 m45 46 m46 47 m47 48 m48 49 m49 50 m50 51 m51 52 m52 53 m53 54 m54 55 m55 56 m56 57 m57 58 m58 59 m59 60 m60 61 m61 62 m62 63 m63 64 m64 65 m65 66 m66 67 m67 68 m68 69 m69 70 m70 71 m71 72 m72 73 m73 74 m74 75 m75 76 m76 77 m77 78 m78 79 m79 80 m80 81 m81 82 m82 83 m83 84 m84 85 m85 86 m86 87 m87 88 m88 89 m89 90 m90 91 m91 92 m92 93 m93 94 m94 95 m95 96 m96 97 m97 98 m98 99 m99 100 m100 101 m101 102 m102 103 m103 104 m104 105 m105 106 m106 107 m107 108 m108 109 m109 110 m110 111 m111 112 m112 113 m113 114 m114 115 m115 116 m116 117 m117 118 m118 119 m119 120 m120 121 m121 122 m122 123 m123 124 m124 125 m125 126 m126 127 m127 => 128
OBJECT ENCODING f => skiplist
ZADD f 1 extra => 1
OBJECT ENCODING f => skiplist
ZREM f extra => 1
OBJECT ENCODING f => skiplist
ZADD g XX 1 a => 0
EXISTS g => 0`,
}
