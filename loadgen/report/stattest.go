package report

import (
	"math"
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

// Significance tests on what a report keeps: counts, and HDR histograms
// (values grouped in buckets of 0.1% width, which the tests treat as ties).

// normalTwoSided is the two-sided p-value of a standard normal z.
func normalTwoSided(z float64) float64 {
	if math.IsNaN(z) {
		return 1
	}
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// twoProportion tests whether x1/n1 and x2/n2 differ: the pooled two
// proportion z-test, or Fisher's exact test when an expected cell count is
// below 5 (where the normal approximation fails). It returns the p-value
// and the test's name.
func twoProportion(x1, n1, x2, n2 int64) (float64, string) {
	if n1 == 0 || n2 == 0 {
		return math.NaN(), ""
	}
	n := float64(n1 + n2)
	pooled := float64(x1+x2) / n
	expected := []float64{float64(n1) * pooled, float64(n1) * (1 - pooled), float64(n2) * pooled, float64(n2) * (1 - pooled)}
	small := false
	for _, e := range expected {
		if e < 5 {
			small = true
		}
	}
	if small {
		return fisherExact(x1, n1-x1, x2, n2-x2), "fisher"
	}
	se := math.Sqrt(pooled * (1 - pooled) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 1, "two-proportion z"
	}
	z := (float64(x1)/float64(n1) - float64(x2)/float64(n2)) / se
	return normalTwoSided(z), "two-proportion z"
}

// logChoose is log(n choose k).
func logChoose(n, k int64) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// fisherExact is the two-sided p-value of Fisher's exact test on the 2×2
// table [[a, b], [c, d]]: the probability, under fixed margins, of a table
// at most as likely as the one observed.
func fisherExact(a, b, c, d int64) float64 {
	row1, col1, n := a+b, a+c, a+b+c+d
	prob := func(k int64) float64 {
		return math.Exp(logChoose(col1, k) + logChoose(n-col1, row1-k) - logChoose(n, row1))
	}
	observed := prob(a)
	var p float64
	for k := max(0, row1-(n-col1)); k <= min(row1, col1); k++ {
		if pk := prob(k); pk <= observed*(1+1e-7) {
			p += pk
		}
	}
	return min(p, 1)
}

// mannWhitney is the Mann-Whitney U test of two distributions from their
// histograms, as benchstat uses it: values in the same bucket are ties,
// and the p-value comes from the normal approximation with tie and
// continuity corrections (the samples of a load test are large). It
// returns NaN without histograms or with fewer than 5 values on a side.
func mannWhitney(x, y stats.Distribution) float64 {
	if !x.HasHistogram() || !y.HasHistogram() || x.Count < 5 || y.Count < 5 {
		return math.NaN()
	}
	type bucket struct {
		v    time.Duration
		a, b int64
	}
	var xs, ys []bucket
	x.Buckets(func(v time.Duration, c int64) bool { xs = append(xs, bucket{v, c, 0}); return true })
	y.Buckets(func(v time.Duration, c int64) bool { ys = append(ys, bucket{v, 0, c}); return true })
	var rankSumX, tieTerm, seen float64
	i, j := 0, 0
	for i < len(xs) || j < len(ys) {
		var g bucket
		switch {
		case j >= len(ys) || (i < len(xs) && xs[i].v < ys[j].v):
			g = xs[i]
			i++
		case i >= len(xs) || ys[j].v < xs[i].v:
			g = ys[j]
			j++
		default:
			g = bucket{xs[i].v, xs[i].a, ys[j].b}
			i++
			j++
		}
		t := float64(g.a + g.b)
		rankSumX += float64(g.a) * (seen + (t+1)/2)
		tieTerm += t*t*t - t
		seen += t
	}
	n1, n2 := float64(x.Count), float64(y.Count)
	n := n1 + n2
	u := rankSumX - n1*(n1+1)/2
	mean := n1 * n2 / 2
	variance := n1 * n2 / 12 * ((n + 1) - tieTerm/(n*(n-1)))
	if variance <= 0 {
		return 1
	}
	diff := math.Abs(u-mean) - 0.5
	if diff < 0 {
		diff = 0
	}
	return normalTwoSided(diff / math.Sqrt(variance))
}

// quantileTest tests whether the q-th percentile of x and y differ: at the
// percentile v of the pooled histogram, it compares the shares of x and of
// y at or below v with the two-proportion test (Mood's median test, for
// any quantile). It returns NaN without histograms.
func quantileTest(x, y stats.Distribution, q float64) float64 {
	if !x.HasHistogram() || !y.HasHistogram() || x.Count == 0 || y.Count == 0 {
		return math.NaN()
	}
	v := x.Merge(y).Percentile(q)
	p, _ := twoProportion(x.CountAtOrBelow(v), x.Count, y.CountAtOrBelow(v), y.Count)
	return p
}

// welch is Welch's t-test of the means of x and y, with standard deviations
// from their histograms. It returns NaN with fewer than 2 values on a side
// or without histograms.
func welch(n1 int64, m1, s1 float64, n2 int64, m2, s2 float64) float64 {
	if n1 < 2 || n2 < 2 {
		return math.NaN()
	}
	v1, v2 := s1*s1/float64(n1), s2*s2/float64(n2)
	se := math.Sqrt(v1 + v2)
	if se == 0 {
		if m1 == m2 {
			return 1
		}
		return 0
	}
	t := (m1 - m2) / se
	df := (v1 + v2) * (v1 + v2) / (v1*v1/float64(n1-1) + v2*v2/float64(n2-1))
	return studentTwoSided(t, df)
}

// studentTwoSided is the two-sided p-value of Student's t with df degrees
// of freedom: I_{df/(df+t²)}(df/2, 1/2).
func studentTwoSided(t, df float64) float64 {
	if math.IsNaN(t) || df <= 0 {
		return math.NaN()
	}
	return regIncBeta(df/2, 0.5, df/(df+t*t))
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by its
// continued fraction (Numerical Recipes, betacf).
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log(1-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const (
		maxIter = 300
		eps     = 3e-14
		tiny    = 1e-300
	)
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= maxIter; m++ {
		m := float64(m)
		m2 := 2 * m
		aa := m * (b - m) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}
