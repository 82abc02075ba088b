package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/lambench/lambench/loadgen"
)

// progressPrinter shows a load test's progress on standard error: on a
// terminal a live line (bar, elapsed/total, rate, p50/p99, errors, cold
// starts, in flight), redrawn every second; otherwise a plain line every
// few seconds.
type progressPrinter struct {
	w     io.Writer
	st    style
	tty   bool
	total time.Duration
	every time.Duration

	mu        sync.Mutex
	step      int
	steps     int
	memoryMB  int
	stepStart time.Time
	lastPlain time.Time
	drawn     bool
}

func newProgressPrinter(w io.Writer, st style, plan loadgen.Plan) *progressPrinter {
	return &progressPrinter{w: w, st: st, tty: st.on, total: plan.Total(), every: 5 * time.Second}
}

// startStep begins a memory size of a sweep (steps 0 for a plain run).
func (p *progressPrinter) startStep(step, steps, memoryMB int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step, p.steps, p.memoryMB = step, steps, memoryMB
	p.stepStart, p.lastPlain = time.Now(), time.Now()
}

// note prints a line of its own (above the live line).
func (p *progressPrinter) note(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintln(p.w, p.st.dim(s))
}

func (p *progressPrinter) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// update shows a progress report.
func (p *progressPrinter) update(pr loadgen.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.stepStart)
	if !p.tty && !pr.Done && time.Since(p.lastPlain) < p.every {
		return
	}
	p.lastPlain = time.Now()
	var b strings.Builder
	if p.steps > 0 {
		fmt.Fprintf(&b, "%d MB (%d/%d) ", p.memoryMB, p.step+1, p.steps)
	}
	if p.tty && p.total > 0 {
		const width = 20
		n := min(width, int(float64(width)*elapsed.Seconds()/p.total.Seconds()))
		b.WriteString("[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "] ")
	}
	if p.total > 0 {
		fmt.Fprintf(&b, "%s/%s", elapsed.Round(time.Second), p.total)
	} else {
		fmt.Fprintf(&b, "%s", elapsed.Round(time.Second))
	}
	if pr.Warmup {
		fmt.Fprintf(&b, " · warm-up: %d requests", pr.WarmupRequests)
	} else {
		fmt.Fprintf(&b, " · %d requests · %.1f/s · p50 %s p99 %s", pr.Requests, pr.Rate, fmtMS(pr.P50), fmtMS(pr.P99))
		errs := fmt.Sprintf("%d errors", pr.Errors)
		if pr.Errors > 0 {
			errs = p.st.red(errs)
		}
		b.WriteString(" · " + errs)
		if pr.Throttles > 0 {
			b.WriteString(" · " + p.st.yellow(fmt.Sprintf("%d throttled", pr.Throttles)))
		}
		fmt.Fprintf(&b, " · %d cold", pr.ColdStarts)
	}
	if pr.InFlight > 0 {
		fmt.Fprintf(&b, " · %d in flight", pr.InFlight)
	}
	if p.tty {
		p.clear()
		fmt.Fprint(p.w, b.String())
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, b.String())
}

// finish ends the live line.
func (p *progressPrinter) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}
