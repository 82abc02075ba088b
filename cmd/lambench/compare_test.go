package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// These benchmarks compare the local Lambda with the AWS Runtime Interface
// Emulator side by side in one run, on the same aws-lambda-go function
// binary (examples/hello-go), through the same HTTP client:
//
//	go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d
//	go test -run XXX -bench VersusRIE -benchtime 3000x ./cmd/lambench/
//
// b.N is the number of samples per target.

const rieInstall = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

func rieBinary(b *testing.B) string {
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	out, _ := exec.Command("go", "env", "GOPATH").Output()
	p := filepath.Join(strings.TrimSpace(string(out)), "bin", "aws-lambda-rie")
	if _, err := os.Stat(p); err != nil {
		b.Fatalf("aws-lambda-rie not found; install it with\n  %s", rieInstall)
	}
	return p
}

// helloBootstrap builds examples/hello-go as a bootstrap in its own directory.
func helloBootstrap(b *testing.B) string {
	dir := b.TempDir()
	path, err := testbin.Build(dir, "./examples/hello-go", "bootstrap", "lambda.norpc")
	if err != nil {
		b.Fatal(err)
	}
	return path
}

func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// rieProcess is one aws-lambda-rie running a bootstrap.
type rieProcess struct {
	cmd     *exec.Cmd
	url     string
	mu      sync.Mutex
	inits   []float64 // Init Duration (ms) of the REPORT lines it printed
	lines   []string  // the last lines of its own output
	stopped chan struct{}
}

var initRE = regexp.MustCompile(`Init Duration: ([0-9.]+) ms`)

func startRIE(b *testing.B, rie, bootstrap string) *rieProcess {
	return startRIEEnv(b, rie, bootstrap)
}

// startRIEEnv is startRIE with extra environment variables. With
// AWS_LAMBDA_MAX_CONCURRENCY set (multi-concurrency mode) RIE ignores the
// bootstrap on its command line and looks only in /var/runtime, /var/task
// and /opt: it then runs in a private mount namespace (unshare, as root)
// with a tmpfs on /var holding /var/task/bootstrap.
func startRIEEnv(b *testing.B, rie, bootstrap string, env ...string) *rieProcess {
	addr := freeAddr(b)
	args := []string{"--runtime-interface-emulator-address", addr, "--runtime-api-address", freeAddr(b)}
	cmd := exec.Command(rie, append(args, bootstrap)...)
	cmd.Dir = filepath.Dir(bootstrap)
	if slices.ContainsFunc(env, func(v string) bool { return strings.HasPrefix(v, "AWS_LAMBDA_MAX_CONCURRENCY=") }) {
		script := `mount -t tmpfs lambench-rie /var && mkdir /var/task && cp "$0" /var/task/bootstrap && cd /var/task && exec "$@"`
		cmd = exec.Command("unshare", append([]string{"-m", "--propagation", "private", "sh", "-c", script, bootstrap, rie}, args...)...)
	}
	cmd.Env = append([]string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LOG_LEVEL=error"}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	r := &rieProcess{cmd: cmd, url: "http://" + addr + "/2015-03-31/functions/function/invocations", stopped: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			r.mu.Lock()
			if m := initRE.FindStringSubmatch(line); m != nil {
				v, _ := strconv.ParseFloat(m[1], 64)
				r.inits = append(r.inits, v)
			} else if !strings.HasPrefix(line, "START ") && !strings.HasPrefix(line, "END ") && !strings.HasPrefix(line, "REPORT ") && !strings.HasPrefix(line, "greeting ") {
				r.lines = append(r.lines, line)
				if len(r.lines) > 40 {
					r.lines = r.lines[len(r.lines)-40:]
				}
			}
			r.mu.Unlock()
		}
		io.Copy(io.Discard, out)
		cmd.Wait()
		close(r.stopped)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		select {
		case <-r.stopped:
			b.Fatalf("aws-lambda-rie exited: %s", strings.Join(r.output(), "\n"))
		default:
		}
		if time.Now().After(deadline) {
			b.Fatal("aws-lambda-rie did not start listening")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return r
}

// output returns the last lines RIE printed (other than the function's
// own and START/END/REPORT).
func (r *rieProcess) output() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// exited reports whether the RIE process has ended.
func (r *rieProcess) exited() bool {
	select {
	case <-r.stopped:
		return true
	default:
		return false
	}
}

func (r *rieProcess) stop() {
	syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	<-r.stopped
}

// invokeOnce posts one event and returns the latency and the decoded log tail.
func invokeOnce(b *testing.B, c *http.Client, url string) (time.Duration, string) {
	start := time.Now()
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{"name":"bench"}`))
	req.Header.Set("X-Amz-Log-Type", "Tail")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	if resp.StatusCode != 200 {
		b.Fatalf("%s: %s", url, resp.Status)
	}
	tail, _ := base64.StdEncoding.DecodeString(resp.Header.Get("X-Amz-Log-Result"))
	return lat, string(tail)
}

type samples []float64

func (s samples) pct(q float64) float64 {
	c := append(samples(nil), s...)
	sort.Float64s(c)
	return c[int(q*float64(len(c)-1))]
}

// BenchmarkWarmVersusRIE: sequential warm invokes, alternating blocks of
// 100 between the targets so that all see the same machine noise: RIE,
// lambench as it runs by default (the function in its own cgroup with a
// memory limit and a CPU quota, which costs the scheduler ~90 us per
// wake-up here) and lambench --no-limits (like RIE, which limits nothing).
func BenchmarkWarmVersusRIE(b *testing.B) {
	rie, bootstrap := rieBinary(b), helloBootstrap(b)
	dir := b.TempDir()
	// 1,769 MB: one vCPU.
	os.WriteFile(filepath.Join(dir, "lambench.toml"), fmt.Appendf(nil, "[[functions]]\nname = \"hello-go\"\nmemory = 1769\ncode = %q\n", filepath.Dir(bootstrap)), 0o644)
	lb := startServe(b, dir)
	defer lb.stop(b, os.Interrupt)
	free := startServe(b, dir, "--no-limits")
	defer free.stop(b, os.Interrupt)
	r := startRIE(b, rie, bootstrap)
	defer r.stop()
	urls := []string{
		lb.endpoint + "/2015-03-31/functions/hello-go/invocations",
		free.endpoint + "/2015-03-31/functions/hello-go/invocations",
		r.url,
	}

	c := &http.Client{}
	for range 200 { // warm all, and the client's connections
		for _, u := range urls {
			invokeOnce(b, c, u)
		}
	}
	lat := make([]samples, len(urls))
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(100, b.N-done)
		for i, u := range urls {
			for range n {
				d, _ := invokeOnce(b, c, u)
				lat[i] = append(lat[i], ms(d))
			}
		}
		done += n
	}
	b.StopTimer()
	lbLat, freeLat, rieLat := lat[0], lat[1], lat[2]
	perSecond := func(s samples) float64 {
		var t float64
		for _, v := range s {
			t += v
		}
		return float64(len(s)) / (t / 1000)
	}
	b.ReportMetric(perSecond(lbLat), "lambench-invokes/s")
	b.ReportMetric(perSecond(freeLat), "lambench-nolimits-invokes/s")
	b.ReportMetric(perSecond(rieLat), "rie-invokes/s")
	b.ReportMetric(lbLat.pct(0.5)*1000, "lambench-p50-µs")
	b.ReportMetric(freeLat.pct(0.5)*1000, "lambench-nolimits-p50-µs")
	b.ReportMetric(rieLat.pct(0.5)*1000, "rie-p50-µs")
	b.ReportMetric(lbLat.pct(0.99)*1000, "lambench-p99-µs")
	b.ReportMetric(freeLat.pct(0.99)*1000, "lambench-nolimits-p99-µs")
	b.ReportMetric(rieLat.pct(0.99)*1000, "rie-p99-µs")
	b.ReportMetric(lbLat.pct(0.5)/rieLat.pct(0.5), "p50-ratio")
	b.ReportMetric(freeLat.pct(0.5)/rieLat.pct(0.5), "nolimits-p50-ratio")
	b.ReportMetric(lbLat.pct(0.99)/rieLat.pct(0.99), "p99-ratio")
}

// BenchmarkColdVersusRIE: cold starts of the same binary. lambench's
// environments are reaped after 1 ms idle, so every sample starts a new
// one; RIE is restarted for every sample (it starts the runtime at the
// first invoke). Reported: end-to-end latency of the cold invoke and Init
// Duration from the REPORT line, also for lambench's builtin hello demo
// (the lambench binary as bootstrap) against the standalone binary.
func BenchmarkColdVersusRIE(b *testing.B) {
	rie, bootstrap := rieBinary(b), helloBootstrap(b)
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "lambench.toml"), fmt.Appendf(nil,
		"[[functions]]\nname = \"hello-go\"\nmemory = 1769\ncode = %q\n\n[[functions]]\nname = \"hello\"\nmemory = 1769\ncode = \"builtin:hello\"\n", filepath.Dir(bootstrap)), 0o644)
	lb := startServe(b, dir, "--idle-timeout", "1ms")
	defer lb.stop(b, os.Interrupt)

	var lbE2E, lbInit, demoE2E, demoInit, rieE2E, rieInit samples
	c := &http.Client{}
	cold := func(function string, e2e, init *samples) {
		time.Sleep(40 * time.Millisecond) // the reaper stops the idle environment
		d, tail := invokeOnce(b, c, lb.endpoint+"/2015-03-31/functions/"+function+"/invocations")
		m := initRE.FindStringSubmatch(tail)
		if m == nil {
			b.Fatalf("%s: not a cold start:\n%s", function, tail)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		*e2e, *init = append(*e2e, ms(d)), append(*init, v)
	}
	b.ResetTimer()
	for range b.N {
		cold("hello-go", &lbE2E, &lbInit)
		cold("hello", &demoE2E, &demoInit)

		r := startRIE(b, rie, bootstrap)
		d, _ := invokeOnce(b, &http.Client{}, r.url)
		r.stop()
		rieE2E = append(rieE2E, ms(d))
		if len(r.inits) > 0 {
			rieInit = append(rieInit, r.inits[0])
		}
	}
	b.StopTimer()
	b.ReportMetric(lbE2E.pct(0.5), "lambench-cold-e2e-p50-ms")
	b.ReportMetric(rieE2E.pct(0.5), "rie-cold-e2e-p50-ms")
	b.ReportMetric(lbE2E.pct(0.5)/rieE2E.pct(0.5), "cold-e2e-ratio")
	b.ReportMetric(lbInit.pct(0.5), "lambench-init-p50-ms")
	if len(rieInit) > 0 {
		b.ReportMetric(rieInit.pct(0.5), "rie-init-p50-ms")
	}
	b.ReportMetric(demoInit.pct(0.5), "demo-init-p50-ms")
	b.ReportMetric(demoE2E.pct(0.5), "demo-cold-e2e-p50-ms")
	b.ReportMetric(demoInit.pct(0.5)/lbInit.pct(0.5), "demo/standalone-init-ratio")
}

var (
	concClients  = flag.String("compare.clients", "1,8,64,256", "BenchmarkConcurrencyVersusRIE: numbers of concurrent clients")
	concDuration = flag.Duration("compare.duration", 3*time.Second, "BenchmarkConcurrencyVersusRIE: measured time of each cell")
	concWarmup   = flag.Duration("compare.warmup", 3*time.Second, "BenchmarkConcurrencyVersusRIE: unmeasured time before each cell (environments start)")
)

// concResult is one cell of BenchmarkConcurrencyVersusRIE: a target under
// a number of closed-loop clients. It is logged as a JSON line prefixed
// with "BENCHROW " for the benchmark command (internal/benchcmd).
type concResult struct {
	Target    string         `json:"target"`
	Clients   int            `json:"clients"`
	OK        int            `json:"ok"`
	PerSecond float64        `json:"per_second"` // successful invokes per second
	P50ms     float64        `json:"p50_ms"`     // of successful invokes
	P99ms     float64        `json:"p99_ms"`
	Throttles map[string]int `json:"throttles,omitempty"` // 429s by Reason
	Errors    int            `json:"errors"`              // anything else that is not a 200
	ErrorText map[string]int `json:"error_text,omitempty"`
	Limit     int            `json:"account_concurrency,omitempty"` // lambench's
	Exited    bool           `json:"exited,omitempty"`              // the target's process ended during the cell
	Output    []string       `json:"output,omitempty"`              // RIE's last lines, when it failed
}

// closedLoop runs n clients back to back against url for d and sums up.
func closedLoop(url string, n int, d time.Duration) concResult {
	tr := &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	res := concResult{Clients: n, Throttles: map[string]int{}, ErrorText: map[string]int{}}
	var lat samples
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				start := time.Now()
				req, _ := http.NewRequest("POST", url, strings.NewReader(`{"name":"bench"}`))
				req.Header.Set("X-Amz-Log-Type", "Tail")
				resp, err := c.Do(req)
				var body []byte
				if err == nil {
					body, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				l := ms(time.Since(start))
				mu.Lock()
				switch {
				case err != nil:
					res.Errors++
					res.ErrorText[errorClass(err.Error())]++
				case resp.StatusCode == 200 && resp.Header.Get("X-Amz-Function-Error") == "":
					res.OK++
					lat = append(lat, l)
				case resp.StatusCode == http.StatusTooManyRequests:
					var v struct{ Reason string }
					json.Unmarshal(body, &v)
					res.Throttles[v.Reason]++
				default:
					res.Errors++
					res.ErrorText[fmt.Sprintf("%d %s", resp.StatusCode, errorClass(string(body)))]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.PerSecond = float64(res.OK) / d.Seconds()
	if len(lat) > 0 {
		res.P50ms, res.P99ms = lat.pct(0.5), lat.pct(0.99)
	}
	return res
}

var digits = regexp.MustCompile(`time=[^ ]+ |[0-9a-f]{8}-[0-9a-f-]{27}|127\.0\.0\.1:[0-9]+|[0-9]+`)

// errorClass shortens an error text to its kind (ids, ports and numbers masked).
func errorClass(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 160 {
		s = s[:160]
	}
	return digits.ReplaceAllString(s, "N")
}

// BenchmarkConcurrencyVersusRIE: -compare.clients closed-loop clients
// (1, 8, 64, 256), each invoking as soon as its last invoke returned,
// against the local Lambda as it runs by default (limits on, the account
// concurrency and init cap of this machine), RIE in its default mode (one
// runtime, one invoke at a time) and RIE in its multi-concurrency mode
// (AWS_LAMBDA_MAX_CONCURRENCY = the number of clients: one aws-lambda-go
// process polling with that many workers). Each cell runs -compare.warmup
// unmeasured, then -compare.duration measured. Throttles (429) are counted
// by reason apart from errors. Results are printed as BENCHROW JSON lines.
func BenchmarkConcurrencyVersusRIE(b *testing.B) {
	rie, bootstrap := rieBinary(b), helloBootstrap(b)
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "lambench.toml"), fmt.Appendf(nil, "[[functions]]\nname = \"hello-go\"\nmemory = 1769\ncode = %q\n", filepath.Dir(bootstrap)), 0o644)
	var clients []int
	for _, f := range strings.Split(*concClients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("-compare.clients: %q", f)
		}
		clients = append(clients, n)
	}
	for b.Loop() {
		for _, n := range clients {
			var limit int // the local Lambda's account concurrency
			cell := func(target, url string, rp *rieProcess) {
				closedLoop(url, n, *concWarmup)
				r := closedLoop(url, n, *concDuration)
				r.Target = target
				if rp == nil {
					r.Limit = limit
				}
				if rp != nil && rp.exited() {
					r.Exited = true
				}
				if rp != nil && (r.Errors > 0 || r.Exited) {
					seen := map[string]bool{}
					for _, l := range rp.output() {
						if c := errorClass(l); !seen[c] && len(r.Output) < 6 {
							seen[c] = true
							r.Output = append(r.Output, l)
						}
					}
				}
				line, _ := json.Marshal(r)
				// On stdout: go test truncates a benchmark's log after ten lines.
				fmt.Printf("BENCHROW %s\n", line)
			}
			// A fresh local Lambda per cell, so that each starts cold as
			// RIE does.
			lb := startServe(b, dir)
			var startup struct {
				AccountConcurrency int `json:"account_concurrency"`
			}
			json.Unmarshal([]byte(lb.startLine), &startup)
			limit = startup.AccountConcurrency
			cell("lambench", lb.endpoint+"/2015-03-31/functions/hello-go/invocations", nil)
			lb.stop(b, os.Interrupt)

			for _, target := range []string{"rie", "rie-multi"} {
				var env []string
				if target == "rie-multi" {
					env = append(env, fmt.Sprintf("AWS_LAMBDA_MAX_CONCURRENCY=%d", n))
				}
				r := startRIEEnv(b, rie, bootstrap, env...)
				cell(target, r.url, r)
				r.stop()
			}
		}
	}
	b.ReportMetric(0, "ns/op")
}
