package geohash

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

const refPrec = 300

func newRef() *big.Float { return new(big.Float).SetPrec(refPrec) }

// refSinCos is sin(x) and cos(x) by their Taylor series at 300 bits.
func refSinCos(x *big.Float) (s, c *big.Float) {
	s, c = newRef(), newRef()
	term := newRef().SetInt64(1) // x^n/n!
	for n := 0; n < 150; n++ {
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
		term.Quo(term, newRef().SetInt64(int64(n+1)))
	}
	return s, c
}

// refAsin is asin(a) by Newton's method on refSinCos.
func refAsin(a float64) float64 {
	y, target := newRef().SetFloat64(math.Asin(a)), newRef().SetFloat64(a)
	for range 6 {
		s, c := refSinCos(y)
		step := newRef().Sub(s, target)
		y.Sub(y, step.Quo(step, c))
	}
	f, _ := y.Float64()
	return f
}

// TestLibmCorrectlyRounded checks sin, cos and asin against 300-bit
// references, on the arguments Redis's geo math passes.
func TestLibmCorrectlyRounded(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 300
	if testing.Short() {
		n = 30
	}
	args := []float64{1e-300, 5e-324, 1e-8, 0.5, math.Pi / 4, math.Pi / 2, 1.5707963267948966, math.Pi, 3.5}
	for range n {
		args = append(args, (r.Float64()*2-1)*math.Pi, (r.Float64()*2-1)*1e-3)
	}
	for _, x := range args {
		s, c := refSinCos(newRef().SetFloat64(x))
		wantSin, _ := s.Float64()
		wantCos, _ := c.Float64()
		if got := sin(x); got != wantSin {
			t.Errorf("sin(%v) = %v, want %v", x, got, wantSin)
		}
		if got := cos(x); got != wantCos {
			t.Errorf("cos(%v) = %v, want %v", x, got, wantCos)
		}
	}
	asinArgs := []float64{1e-300, 1e-9, 0.5, math.Nextafter(0.5, 1), 0.9, 1 - 1e-12, math.Nextafter(1, 0)}
	for range n {
		asinArgs = append(asinArgs, r.Float64(), 1-r.Float64()*1e-6)
	}
	for _, a := range asinArgs {
		want := refAsin(a)
		if got := asin(a); got != want {
			t.Errorf("asin(%v) = %v, want %v", a, got, want)
		}
		if got := asin(-a); got != -want {
			t.Errorf("asin(%v) = %v, want %v", -a, got, -want)
		}
	}
}

func TestLibmSpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"sin(0)", sin(0), 0},
		{"sin(-0)", sin(math.Copysign(0, -1)), math.Copysign(0, -1)},
		{"cos(0)", cos(0), 1},
		{"asin(0)", asin(0), 0},
		{"asin(-0)", asin(math.Copysign(0, -1)), math.Copysign(0, -1)},
		{"asin(1)", asin(1), 1.5707963267948966},
		{"asin(-1)", asin(-1), -1.5707963267948966},
		{"asin(0.5)", asin(0.5), 0.5235987755982989}, // pi/6
		// Large arguments, as glibc computes them.
		{"sin(1e5)", sin(1e5), 0.03574879797201651},
		{"cos(1e5)", cos(1e5), -0.9993608074382124},
		{"sin(1000.5)", sin(1000.5), 0.9952739571052135},
		{"cos(1000.5)", cos(1000.5), 0.09710690144438526},
		{"sin(1048575.5)", sin(1048575.5), -0.1624508310778367},
		{"cos(1048575.5)", cos(1048575.5), 0.9867166399134658},
		{"sin(Inf)", sin(inf), nan},
		{"cos(-Inf)", cos(-inf), nan},
		{"sin(NaN)", sin(nan), nan},
		{"cos(NaN)", cos(nan), nan},
		{"asin(NaN)", asin(nan), nan},
		{"asin(1+ulp)", asin(math.Nextafter(1, 2)), nan},
		{"asin(-2)", asin(-2), nan},
	} {
		if math.Float64bits(tc.got) != math.Float64bits(tc.want) && !(math.IsNaN(tc.got) && math.IsNaN(tc.want)) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
