package emulator

import (
	"context"
	"net/http"
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
