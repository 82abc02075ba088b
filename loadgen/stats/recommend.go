package stats

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Strategy is how Recommend picks a memory size, as AWS Lambda Power Tuning
// does.
type Strategy string

// The strategies.
const (
	// StrategyCost picks the cheapest memory size (the fastest among equally
	// cheap ones).
	StrategyCost Strategy = "cost"
	// StrategySpeed picks the fastest memory size (the cheapest among
	// equally fast ones).
	StrategySpeed Strategy = "speed"
	// StrategyBalanced picks the memory size with the lowest
	// weight×cost/maxCost + (1-weight)×speed/maxSpeed.
	StrategyBalanced Strategy = "balanced"
)

// ParseStrategy parses cost, speed or balanced.
func ParseStrategy(s string) (Strategy, error) {
	switch st := Strategy(s); st {
	case StrategyCost, StrategySpeed, StrategyBalanced:
		return st, nil
	}
	return "", fmt.Errorf("unknown strategy %q: use cost, speed or balanced", s)
}

// Recommendation defaults.
const (
	// DefaultBalancedWeight weighs cost and speed equally (Power Tuning's
	// default).
	DefaultBalancedWeight = 0.5
	// DefaultSpeedPercentile: speed is the 90th percentile of the function's
	// Duration.
	DefaultSpeedPercentile = 90
	// DefaultMaxErrorRatio: memory sizes where more than 1% of requests
	// failed (out of memory, timeouts) are not recommended.
	DefaultMaxErrorRatio = 0.01
)

// RecommendOption configures Recommend.
type RecommendOption func(*recommendConfig)

type recommendConfig struct {
	weight, percentile, maxErrors float64
}

// BalancedWeight sets the balanced strategy's trade-off, clamped to [0, 1]:
// 0 is the speed strategy, 1 the cost strategy.
func BalancedWeight(w float64) RecommendOption {
	return func(c *recommendConfig) { c.weight = min(max(w, 0), 1) }
}

// SpeedPercentile sets the percentile of Duration that measures speed.
func SpeedPercentile(p float64) RecommendOption {
	return func(c *recommendConfig) { c.percentile = min(max(p, 0), 100) }
}

// MaxErrorRatio sets the error ratio (function, service and transport
// errors over requests) above which a memory size is not recommended.
func MaxErrorRatio(r float64) RecommendOption {
	return func(c *recommendConfig) { c.maxErrors = r }
}

func newRecommendConfig(opts []RecommendOption) recommendConfig {
	c := recommendConfig{weight: DefaultBalancedWeight, percentile: DefaultSpeedPercentile, maxErrors: DefaultMaxErrorRatio}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// SweepStep is what one memory size of a sweep measured.
type SweepStep struct {
	// MemoryMB is the memory size.
	MemoryMB int
	// Summary is what the step measured.
	Summary Summary
	// Cost is the step's cost (PriceTable.Cost).
	Cost Cost
}

// Candidate is one memory size as the recommendation sees it.
type Candidate struct {
	// MemoryMB is the memory size.
	MemoryMB int
	// Cost is the expected price of one invocation in USD, request
	// included.
	Cost float64
	// ComputeCost is Cost without the request price, which is the same at
	// every memory size; the balanced score uses it (with the request price
	// the cost term would be flattened).
	ComputeCost float64
	// Speed is the speed figure: a percentile of the function's Duration
	// (of client latency when the target gave no REPORT lines).
	Speed time.Duration
	// ErrorRatio is the step's error ratio.
	ErrorRatio float64
	// Score is the balanced score (lower is better); 0 for other strategies.
	Score float64
	// Excluded says why the memory size was not considered ("" when it was).
	Excluded string
}

// Recommendation is the memory size a sweep recommends, and why.
type Recommendation struct {
	// Strategy used.
	Strategy Strategy
	// BalancedWeight is the weight of cost in the balanced score.
	BalancedWeight float64
	// SpeedMetric names the speed figure, e.g. "duration_p90".
	SpeedMetric string
	// MemoryMB is the recommended memory size.
	MemoryMB int
	// Candidates are all the memory sizes, in the order given, with their
	// figures.
	Candidates []Candidate
}

// Best returns the recommended candidate.
func (r Recommendation) Best() Candidate {
	for _, c := range r.Candidates {
		if c.MemoryMB == r.MemoryMB && c.Excluded == "" {
			return c
		}
	}
	return Candidate{}
}

// Reason explains the recommendation in one sentence.
func (r Recommendation) Reason() string {
	b := r.Best()
	speed := r.SpeedMetric
	if speed == "" {
		speed = "speed"
	}
	perM := strconv.FormatFloat(b.Cost*1e6, 'f', 4, 64)
	fast := FormatMillis(float64(b.Speed) / float64(time.Millisecond))
	switch r.Strategy {
	case StrategyCost:
		return fmt.Sprintf("%d MB is the cheapest: $%s per 1M invocations (%s %s)", r.MemoryMB, perM, speed, fast)
	case StrategySpeed:
		return fmt.Sprintf("%d MB is the fastest: %s %s ($%s per 1M invocations)", r.MemoryMB, speed, fast, perM)
	}
	return fmt.Sprintf("%d MB has the best balance (weight %.2f on cost): $%s per 1M invocations, %s %s, score %.3f",
		r.MemoryMB, r.BalancedWeight, perM, speed, fast, b.Score)
}

// Recommend picks a memory size among the steps of a sweep. Speed is the
// SpeedPercentile (default 90th) of the function's Duration: a percentile
// rather than Power Tuning's trimmed mean, so a size with a slow tail is not
// mistaken for a fast one. Cost is the expected price per invocation from
// the mean Billed Duration (cost is linear in it). Steps with more errors
// than MaxErrorRatio, without requests, or (for cost and balanced) without
// a known cost are excluded.
func Recommend(steps []SweepStep, strategy Strategy, opts ...RecommendOption) (Recommendation, error) {
	c := newRecommendConfig(opts)
	// Speed from Duration when every step has it, else from client latency,
	// so all steps are measured alike.
	useDuration := true
	for _, s := range steps {
		if s.Summary.Requests > 0 && s.Summary.Duration.Count == 0 {
			useDuration = false
		}
	}
	metric := "duration_p" + strconv.FormatFloat(c.percentile, 'f', -1, 64)
	if !useDuration {
		metric = "latency_p" + strconv.FormatFloat(c.percentile, 'f', -1, 64)
	}
	cands := make([]Candidate, len(steps))
	for i, s := range steps {
		d := s.Summary.Duration
		if !useDuration {
			d = s.Summary.Latency
		}
		cand := Candidate{MemoryMB: s.MemoryMB, Speed: d.Percentile(c.percentile), ErrorRatio: s.Summary.ErrorRatio()}
		if s.Cost.Known() {
			cand.Cost = s.Cost.PerInvocation
			cand.ComputeCost = s.Cost.ComputePerInvocation
		}
		switch {
		case s.Summary.Requests == 0:
			cand.Excluded = "no requests"
		case d.Count == 0:
			cand.Excluded = "no successful invocations to time"
		case cand.ErrorRatio > c.maxErrors:
			cand.Excluded = fmt.Sprintf("errors %s > %s", formatPercent(cand.ErrorRatio), formatPercent(c.maxErrors))
		case strategy != StrategySpeed && !s.Cost.Known():
			cand.Excluded = "cost unknown (no REPORT lines or memory size)"
		}
		cands[i] = cand
	}
	r, err := RecommendCandidates(cands, strategy, opts...)
	r.SpeedMetric = metric
	return r, err
}

// RecommendCandidates picks among candidates whose figures are already
// known (Excluded ones are skipped). It is Power Tuning's analyzer:
//
//   - cost: the lowest ComputeCost, then the lowest Speed, then the
//     smallest memory;
//   - speed: the lowest Speed, then the lowest ComputeCost, then the
//     smallest memory;
//   - balanced: the lowest score w×ComputeCost/max(ComputeCost) +
//     (1-w)×Speed/max(Speed), maxima over the candidates, w the
//     BalancedWeight; ties go to the cheaper, then the smaller.
func RecommendCandidates(cands []Candidate, strategy Strategy, opts ...RecommendOption) (Recommendation, error) {
	if _, err := ParseStrategy(string(strategy)); err != nil {
		return Recommendation{}, err
	}
	c := newRecommendConfig(opts)
	r := Recommendation{Strategy: strategy, Candidates: slices.Clone(cands)}
	if strategy == StrategyBalanced {
		r.BalancedWeight = c.weight
	}
	var live []int
	var maxCost float64
	var maxSpeed time.Duration
	for i, cand := range r.Candidates {
		if cand.Excluded != "" {
			continue
		}
		live = append(live, i)
		maxCost = max(maxCost, cand.ComputeCost)
		maxSpeed = max(maxSpeed, cand.Speed)
	}
	if len(live) == 0 {
		return r, errors.New("no memory size to recommend: every step was excluded (see the candidates)")
	}
	norm := func(v, m float64) float64 {
		if m == 0 {
			return 0
		}
		return v / m
	}
	for _, i := range live {
		cand := &r.Candidates[i]
		if strategy == StrategyBalanced {
			cand.Score = c.weight*norm(cand.ComputeCost, maxCost) + (1-c.weight)*norm(float64(cand.Speed), float64(maxSpeed))
		}
	}
	best := slices.MinFunc(live, func(a, b int) int {
		x, y := r.Candidates[a], r.Candidates[b]
		var order int
		switch strategy {
		case StrategyCost:
			order = cmp.Or(cmp.Compare(x.ComputeCost, y.ComputeCost), cmp.Compare(x.Speed, y.Speed))
		case StrategySpeed:
			order = cmp.Or(cmp.Compare(x.Speed, y.Speed), cmp.Compare(x.ComputeCost, y.ComputeCost))
		default:
			order = cmp.Or(cmp.Compare(x.Score, y.Score), cmp.Compare(x.ComputeCost, y.ComputeCost))
		}
		return cmp.Or(order, cmp.Compare(x.MemoryMB, y.MemoryMB))
	})
	r.MemoryMB = r.Candidates[best].MemoryMB
	return r, nil
}
