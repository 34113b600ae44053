package geohash

import (
	"math"
	"math/big"
)

// Redis computes distances and bounding boxes with C's sin, cos and asin.
// Go's math.Sin, math.Cos and math.Asin are not the same functions: on
// ordinary geo arguments they differ from glibc in the last bit for 20-33%
// of inputs. The functions here return the correctly rounded result instead,
// computed in double-double arithmetic (about 100 bits), which is what glibc
// returns for all but about 0.1-0.2% of arguments (glibc's sin/cos/asin err by
// at most about 0.55 ulp). See the package documentation.

// dd is the unevaluated sum hi+lo of two float64s with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

// twoSum returns a+b exactly as a double-double (Knuth).
func twoSum(a, b float64) dd {
	s := a + b
	bv := s - a
	av := s - bv
	return dd{s, (a - av) + (b - bv)}
}

// fastTwoSum is twoSum for |a| >= |b| (Dekker).
func fastTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

// twoProd returns a*b exactly as a double-double.
func twoProd(a, b float64) dd {
	p := float64(a * b)
	return dd{p, math.FMA(a, b, -p)}
}

// add returns x+y with an error of about 2^-104 (|x|+|y|): 104 bits of the
// sum unless x and y nearly cancel. The argument reduction cancels in
// exact steps instead; asinNewton's residual, which cancels, needs only
// float64 precision.
func (x dd) add(y dd) dd {
	s := twoSum(x.hi, y.hi)
	return fastTwoSum(s.hi, s.lo+(x.lo+y.lo))
}

func (x dd) neg() dd { return dd{-x.hi, -x.lo} }

func (x dd) mul(y dd) dd {
	p := twoProd(x.hi, y.hi)
	return fastTwoSum(p.hi, p.lo+(float64(x.hi*y.lo)+float64(x.lo*y.hi)))
}

func (x dd) mulFloat(f float64) dd {
	p := twoProd(x.hi, f)
	return fastTwoSum(p.hi, p.lo+float64(x.lo*f))
}

const (
	// sinCosTableStep is the spacing of the sin/cos table: reduced
	// arguments are split as j/64 + h with |h| <= 1/128, where the Taylor
	// series up to h^11 give sin(h) and cos(h) to over 100 bits.
	sinCosTableStep = 64
	// sinCosTableSize covers j/64 for j up to 64*pi/4.
	sinCosTableSize = 52
	// exactTrigLimit bounds the arguments reduced exactly below: k*pio2Part1
	// and k*pio2Part2 are exact for k < 2^21. Larger arguments fall back to
	// the math package. Redis's geo math passes them only in bounding boxes
	// of radii over 6e12 m, which the search ignores (step 1).
	exactTrigLimit = 1 << 20
)

var (
	// sinTable[j], cosTable[j] are sin(j/64) and cos(j/64).
	sinTable, cosTable [sinCosTableSize]dd
	// invFactorial[n] is 1/n!.
	invFactorial [6]dd
	// pio2 is pi/2; pio2Part1+...+pio2Part4 is pi/2 to 30+30+53+53 bits,
	// the first two short enough that their multiples by k are exact.
	pio2                                       dd
	pio2Part1, pio2Part2, pio2Part3, pio2Part4 float64
)

// piDigits is pi to 64 decimals (about 210 bits).
const piDigits = "3.1415926535897932384626433832795028841971693993751058209749445923"

func init() {
	const prec = 256
	newFloat := func() *big.Float { return new(big.Float).SetPrec(prec) }
	split := func(f *big.Float) dd {
		hi, _ := f.Float64()
		lo, _ := newFloat().Sub(f, newFloat().SetFloat64(hi)).Float64()
		return dd{hi, lo}
	}

	fact := newFloat().SetInt64(1)
	for n := range invFactorial {
		if n > 0 {
			fact.Mul(fact, newFloat().SetInt64(int64(n)))
		}
		invFactorial[n] = split(newFloat().Quo(newFloat().SetInt64(1), fact))
	}

	for j := range sinCosTableSize {
		x := newFloat().Quo(newFloat().SetInt64(int64(j)), newFloat().SetInt64(sinCosTableStep))
		s, c := newFloat(), newFloat()
		term := newFloat().SetInt64(1) // x^n/n!
		for n := 0; n < 80; n++ {
			switch n % 4 {
			case 0:
				c.Add(c, term)
			case 1:
				s.Add(s, term)
			case 2:
				c.Sub(c, term)
			case 3:
				s.Sub(s, term)
			}
			term.Mul(term, x)
			term.Quo(term, newFloat().SetInt64(int64(n+1)))
		}
		sinTable[j], cosTable[j] = split(s), split(c)
	}

	halfPi, _, _ := big.ParseFloat(piDigits, 10, prec, big.ToNearestEven)
	halfPi.Quo(halfPi, newFloat().SetInt64(2))
	pio2 = split(halfPi)
	rest := newFloat().Set(halfPi)
	take := func(bits uint) float64 {
		part := new(big.Float).SetPrec(bits).SetMode(big.ToZero).Set(rest)
		rest.Sub(rest, part)
		f, _ := part.Float64()
		return f
	}
	pio2Part1 = take(30)
	pio2Part2 = take(30)
	pio2Part3 = take(53)
	pio2Part4 = take(53)
}

// sinCos returns sin(x) and cos(x) as double-doubles, for |x| < exactTrigLimit.
func sinCos(x float64) (s, c dd) {
	// Reduce x to r = x - k*pi/2 with |r| <= pi/4.
	k := math.RoundToEven(float64(x * (2 / math.Pi)))
	r := dd{x, 0}
	if k != 0 {
		// x - k*pio2Part1 is exact (Sterbenz), k*pio2Part2 is exact.
		r = twoSum(x-float64(k*pio2Part1), -float64(k*pio2Part2))
		r = r.add(twoProd(k, pio2Part3).neg())
		r = r.add(dd{-float64(k * pio2Part4), 0})
	}

	// r = j/64 + h with |h| <= 1/128; r.hi - j/64 is exact (Sterbenz).
	j := math.RoundToEven(float64(r.hi * sinCosTableStep))
	h := twoSum(r.hi-float64(j/sinCosTableStep), r.lo)
	h2 := h.mul(h)

	// Taylor series of sin(h)/h and cos(h) in h^2. The terms from h^6 on
	// are below 2^-51 and need only float64 precision; the first three
	// are computed in double-double.
	z := h2.hi
	sinTail := float64(z * (-1.0/5040 + float64(z*(1.0/362880+float64(z*(-1.0/39916800))))))
	cosTail := float64(z * (-1.0/720 + float64(z*(1.0/40320+float64(z*(-1.0/3628800))))))
	sinH := invFactorial[5].add(dd{sinTail, 0}).mul(h2).add(invFactorial[3].neg()).mul(h2).add(dd{1, 0}).mul(h)
	cosH := invFactorial[4].add(dd{cosTail, 0}).mul(h2).add(invFactorial[2].neg()).mul(h2).add(dd{1, 0})

	// sin(j/64 + h) and cos(j/64 + h) from the table.
	idx := int(math.Abs(j))
	sinJ, cosJ := sinTable[idx], cosTable[idx]
	if j < 0 {
		sinJ = sinJ.neg()
	}
	sinR := sinJ.mul(cosH).add(cosJ.mul(sinH))
	cosR := cosJ.mul(cosH).add(sinJ.mul(sinH).neg())

	switch int64(k) & 3 {
	case 0:
		return sinR, cosR
	case 1:
		return cosR, sinR.neg()
	case 2:
		return sinR.neg(), cosR.neg()
	default:
		return cosR.neg(), sinR
	}
}

// sin is C's sin(x), correctly rounded.
func sin(x float64) float64 {
	if x == 0 || !(math.Abs(x) < exactTrigLimit) {
		return math.Sin(x) // ±0, huge, ±Inf and NaN
	}
	s, _ := sinCos(x)
	return s.hi
}

// cos is C's cos(x), correctly rounded.
func cos(x float64) float64 {
	if !(math.Abs(x) < exactTrigLimit) {
		return math.Cos(x) // huge, ±Inf and NaN
	}
	_, c := sinCos(x)
	return c.hi
}

// asin is C's asin(x), correctly rounded.
func asin(x float64) float64 {
	a := math.Abs(x)
	switch {
	case x == 0 || !(a <= 1):
		return math.Asin(x) // ±0, |x| > 1 and NaN
	case a <= 0.5:
		return math.Copysign(asinNewton(dd{a, 0}).hi, x)
	}
	// asin(a) = pi/2 - 2*asin(sqrt((1-a)/2)), where (1-a)/2 is exact.
	t := (1 - a) / 2
	s := math.Sqrt(t)
	root := dd{s, 0}
	if s != 0 {
		root = fastTwoSum(s, math.FMA(-s, s, t)/(2*s))
	}
	y := pio2.add(asinNewton(root).mulFloat(-2))
	return math.Copysign(y.hi, x)
}

// asinNewton returns asin(s) for 0 <= s <= 0.5 as a double-double: one
// Newton step y - (sin(y)-s)/cos(y) from math.Asin's estimate, whose
// error of a few ulps it squares.
func asinNewton(s dd) dd {
	y := math.Asin(s.hi)
	sinY, cosY := sinCos(y)
	diff := sinY.add(s.neg())
	return twoSum(y, -(diff.hi / cosY.hi))
}
