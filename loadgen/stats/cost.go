package stats

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Architecture is a Lambda function's instruction set architecture.
type Architecture string

// The architectures Lambda offers.
const (
	X86_64 Architecture = "x86_64"
	Arm64  Architecture = "arm64"
)

// Default prices: AWS Lambda on-demand, us-east-1, first pricing tier
// (https://aws.amazon.com/lambda/pricing/).
const (
	// DefaultX86GBSecond is the price of a GB-second on x86_64, in USD.
	DefaultX86GBSecond = 0.0000166667
	// DefaultArmGBSecond is the price of a GB-second on arm64, in USD.
	DefaultArmGBSecond = 0.0000133334
	// DefaultPerMillionRequests is the price of one million requests, in
	// USD.
	DefaultPerMillionRequests = 0.20
)

// PriceTable holds the prices the cost model uses. The zero value has no
// prices; start from DefaultPrices and override what differs (another
// region, a savings plan).
type PriceTable struct {
	// GBSecond is the price of one GB-second of compute, by architecture.
	GBSecond map[Architecture]float64
	// PerMillionRequests is the price of one million requests.
	PerMillionRequests float64
}

// DefaultPrices returns the default price table.
func DefaultPrices() PriceTable {
	return PriceTable{
		GBSecond:           map[Architecture]float64{X86_64: DefaultX86GBSecond, Arm64: DefaultArmGBSecond},
		PerMillionRequests: DefaultPerMillionRequests,
	}
}

// Price table keys for PricesFromMap.
const (
	// PriceKeyRequests is the key of the price of one million requests.
	PriceKeyRequests = "requests_per_1m"
)

// PricesFromMap returns the default prices overridden by m, whose keys are
// an architecture ("x86_64", "arm64": the price of a GB-second) or
// "requests_per_1m" (the price of a million requests), as a TOML table
// gives them:
//
//	[prices]
//	arm64 = 0.0000133334
//	requests_per_1m = 0.20
func PricesFromMap(m map[string]float64) (PriceTable, error) {
	p := DefaultPrices()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m[k]
		if v < 0 {
			return PriceTable{}, fmt.Errorf("price %s is negative (%v)", k, v)
		}
		switch k {
		case PriceKeyRequests:
			p.PerMillionRequests = v
		case string(X86_64), string(Arm64):
			p.GBSecond[Architecture(k)] = v
		default:
			return PriceTable{}, fmt.Errorf("unknown price %q: valid prices are %s, %s and %s", k, X86_64, Arm64, PriceKeyRequests)
		}
	}
	return p, nil
}

// gbSecond returns the compute price for arch (x86_64 when empty).
func (p PriceTable) gbSecond(arch Architecture) (float64, error) {
	if arch == "" {
		arch = X86_64
	}
	price, ok := p.GBSecond[arch]
	if !ok {
		known := make([]string, 0, len(p.GBSecond))
		for a := range p.GBSecond {
			known = append(known, string(a))
		}
		slices.Sort(known)
		return 0, fmt.Errorf("no price for architecture %q (the price table has %s)", arch, strings.Join(known, ", "))
	}
	return price, nil
}

// Invocation returns the price of one invocation at memoryMB billed for
// billed: memoryMB/1024 GB × billed seconds × the GB-second price, plus the
// request price.
func (p PriceTable) Invocation(arch Architecture, memoryMB int, billed time.Duration) (float64, error) {
	price, err := p.gbSecond(arch)
	if err != nil {
		return 0, err
	}
	return float64(memoryMB)/1024*billed.Seconds()*price + p.PerMillionRequests/1e6, nil
}

// Cost is what the invocations of a run (or a sweep step) cost.
type Cost struct {
	// Architecture priced.
	Architecture Architecture
	// MemoryMB is the memory size priced.
	MemoryMB int
	// Invocations is how many invocations were billed (those with a REPORT
	// line; throttled requests are not billed).
	Invocations int64
	// MeanBilled is their mean Billed Duration.
	MeanBilled time.Duration
	// PerInvocation is the expected price of one invocation, in USD: the
	// mean billed duration priced (cost is linear in the billed duration,
	// so the mean, not a percentile, gives the bill) plus the request.
	PerInvocation float64
	// ComputePerInvocation is the compute part of PerInvocation (without
	// the request price).
	ComputePerInvocation float64
	// PerMillion is PerInvocation × 1,000,000.
	PerMillion float64
	// Total is the price of the run's billed invocations.
	Total float64
}

// Known reports whether the cost could be computed: the target returned
// REPORT lines and the memory size is known.
func (c Cost) Known() bool { return c.Invocations > 0 && c.MemoryMB > 0 }

// Cost prices the invocations of s at memoryMB (s.MemorySizeMB when 0).
// Without REPORT lines (a target without log tails) or a memory size, the
// result is not Known.
func (p PriceTable) Cost(arch Architecture, memoryMB int, s Summary) (Cost, error) {
	if arch == "" {
		arch = X86_64
	}
	if memoryMB == 0 {
		memoryMB = s.MemorySizeMB
	}
	c := Cost{Architecture: arch, MemoryMB: memoryMB, Invocations: s.BilledDuration.Count, MeanBilled: s.BilledDuration.Mean}
	if !c.Known() {
		return c, nil
	}
	price, err := p.gbSecond(arch)
	if err != nil {
		return Cost{}, err
	}
	gb := float64(memoryMB) / 1024
	request := p.PerMillionRequests / 1e6
	c.ComputePerInvocation = gb * c.MeanBilled.Seconds() * price
	c.PerInvocation = c.ComputePerInvocation + request
	c.PerMillion = c.PerInvocation * 1e6
	c.Total = gb*s.BilledDuration.Sum().Seconds()*price + float64(c.Invocations)*request
	return c, nil
}
