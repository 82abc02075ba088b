package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	stopped chan struct{}
}

var initRE = regexp.MustCompile(`Init Duration: ([0-9.]+) ms`)

func startRIE(b *testing.B, rie, bootstrap string) *rieProcess {
	addr := freeAddr(b)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", freeAddr(b), bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LOG_LEVEL=error"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	r := &rieProcess{cmd: cmd, url: "http://" + addr + "/2015-03-31/functions/function/invocations", stopped: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := initRE.FindStringSubmatch(sc.Text()); m != nil {
				v, _ := strconv.ParseFloat(m[1], 64)
				r.mu.Lock()
				r.inits = append(r.inits, v)
				r.mu.Unlock()
			}
		}
		cmd.Wait()
		close(r.stopped)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("aws-lambda-rie did not start listening")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return r
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
