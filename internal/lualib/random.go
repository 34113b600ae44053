package lualib

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// Rand48 is Redis's port of rand48 (src/rand.c): the 48-bit linear
// congruential generator x' = (0x5DEECE66D*x + 0xB) mod 2^48. It is not
// safe for concurrent use: scripts run one at a time.
type Rand48 struct{ x uint64 }

const (
	rand48A    = 0x5DEECE66D
	rand48C    = 0xB
	rand48Mask = 1<<48 - 1
	// rand48Default is rand.c's initial state, {X0, X1, X2}: what
	// Redis's generator holds until a script calls math.randomseed.
	rand48Default = 0x1234ABCD330E
	// lrand48Max is REDIS_LRAND48_MAX (INT32_MAX).
	lrand48Max = math.MaxInt32
)

// NewRand48 returns a generator in rand48's initial state, as Redis's is
// when the server starts.
func NewRand48() *Rand48 { return &Rand48{x: rand48Default} }

// seed is redisSrand48: the seed's 32 bits above the constant 0x330E.
func (r *Rand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

// next is redisLrand48: the state's top 31 bits.
func (r *Rand48) next() int32 {
	r.x = (rand48A*r.x + rand48C) & rand48Mask
	return int32(r.x >> 17)
}

// OpenRedisMath replaces math.random and math.randomseed, as Redis does,
// with functions drawing from r. The math library must be open.
func OpenRedisMath(L *lua.LState, r *Rand48) {
	m, ok := L.GetGlobal("math").(*lua.LTable)
	if !ok {
		panic("lualib.OpenRedisMath: the math library is not open")
	}
	m.RawSetString("random", L.NewFunction(r.luaRandom))
	m.RawSetString("randomseed", L.NewFunction(r.luaRandomseed))
}

// luaRandom is Redis's redis_math_random: Lua 5.1's math.random over
// rand48. It draws before it checks its arguments, as Redis does.
func (r *Rand48) luaRandom(L *lua.LState) int {
	// The % keeps f below 1, as in Lua's own math.random.
	f := float64(r.next()%lrand48Max) / lrand48Max
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(f))
	case 1:
		u := checkInt(L, 1)
		if u < 1 {
			argError(L, 1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(f*float64(u)) + 1))
	case 2:
		l := checkInt(L, 1)
		u := checkInt(L, 2)
		if l > u {
			argError(L, 2, "interval is empty")
		}
		// u-l+1 is C int arithmetic: it wraps.
		L.Push(lua.LNumber(math.Floor(f*float64(u-l+1)) + float64(l)))
	default:
		raise(L, "wrong number of arguments")
	}
	return 1
}

func (r *Rand48) luaRandomseed(L *lua.LState) int {
	r.seed(checkInt(L, 1))
	return 0
}
