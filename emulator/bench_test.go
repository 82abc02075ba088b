package emulator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// BenchmarkWarmInvoke measures sequential warm invokes of the hello demo
// through the HTTP Invoke API, as a client sees them.
func BenchmarkWarmInvoke(b *testing.B) {
	_, url := newTestServer(b, []Function{demoFn("hello", "hello")})
	client := &http.Client{}
	do := func() time.Duration {
		start := time.Now()
		req, _ := http.NewRequest("POST", url+"/2015-03-31/functions/hello/invocations", strings.NewReader(`{"name":"b"}`))
		req.Header.Set("X-Amz-Log-Type", "Tail")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		// Read to the end: an unread body closes the connection, and
		// every invoke would then pay for a new one.
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
		return time.Since(start)
	}
	do()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		lat = append(lat, do())
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkWarmInvokeDirect is the same without HTTP between client and server.
func BenchmarkWarmInvokeDirect(b *testing.B) {
	srv, _ := newTestServer(b, []Function{demoFn("hello", "hello")})
	in := &InvokeInput{FunctionName: "hello", Payload: []byte(`{"name":"b"}`), LogType: LogTypeTail}
	srv.Invoke(context.Background(), in)
	var durs []time.Duration
	b.ResetTimer()
	for range b.N {
		out, err := srv.Invoke(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		durs = append(durs, out.Report.Duration)
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "report-duration-p50-µs")
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(p(0.5), "p50-µs")
	b.ReportMetric(p(0.99), "p99-µs")
}

// BenchmarkCPUShareByMemory runs the cpu demo at 128 MB and at 1,769 MB
// (one vCPU) and reports each Duration and their ratio; on AWS, and here
// with cgroups, it is about 1769/128 = 13.8.
func BenchmarkCPUShareByMemory(b *testing.B) {
	srv, _ := newTestServer(b, []Function{
		demoFn("cpu128", "cpu", func(f *Function) { f.MemoryMB, f.Timeout = 128, time.Minute }),
		demoFn("cpu1769", "cpu", func(f *Function) { f.MemoryMB, f.Timeout = 1769, time.Minute }),
	})
	if srv.cgroups.parent == nil {
		b.Fatalf("CPU shares need cgroups: %s", srv.cgroups.reason)
	}
	run := func(name string) time.Duration {
		out, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: name, Payload: []byte(`{"units":30}`)})
		if err != nil || out.FunctionError != "" {
			b.Fatalf("%s: %v %s", name, err, out.Payload)
		}
		return out.Report.Duration
	}
	run("cpu128")
	run("cpu1769")
	var small, large []time.Duration
	b.ResetTimer()
	for range b.N {
		small = append(small, run("cpu128"))
		large = append(large, run("cpu1769"))
	}
	b.StopTimer()
	med := func(d []time.Duration) float64 {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[len(d)/2]) / 1e6
	}
	b.ReportMetric(med(small), "ms-at-128MB")
	b.ReportMetric(med(large), "ms-at-1769MB")
	b.ReportMetric(med(small)/med(large), "ratio")
}

// BenchmarkHotReloadNode measures the delay from saving a Node.js handler
// to the new code answering (an invocation made right after the save).
func BenchmarkHotReloadNode(b *testing.B) {
	dir := b.TempDir()
	writeFile(b, filepath.Join(dir, "index.js"), nodeHandler(0))
	_, url := newTestServer(b, []Function{{Name: "hot", Runtime: "nodejs20.x", Handler: "index.handler", Code: dir, MemoryMB: 1769, Timeout: 10 * time.Second}})
	invokeHTTP(b, url, "hot", `{}`)
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		writeFile(b, filepath.Join(dir, "index.js"), nodeHandler(i+1))
		r := invokeHTTP(b, url, "hot", `{}`)
		lat = append(lat, time.Since(start))
		if want := fmt.Sprintf(`{"version":%d}`, i+1); string(r.body) != want {
			b.Fatalf("answered %s, want %s", r.body, want)
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}
