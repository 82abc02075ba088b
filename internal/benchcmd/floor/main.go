// Command floor is the least a local Lambda can do for a warm invoke: a
// Lambda-API-like endpoint and a Runtime API in one small Go program, no
// bookkeeping (no logs, no REPORT, no limits, no state checks), running one
// function process. It measures the floor under lambench's warm path on a
// machine (see BENCHMARKS.md), and can compare it with other endpoints:
//
//	go build -tags lambda.norpc -o /tmp/bootstrap ./examples/hello-go
//	go run ./internal/benchcmd/floor -serve -wait-next -bootstrap /tmp/bootstrap &   # prints its URL
//	go run ./internal/benchcmd/floor -bootstrap /tmp/bootstrap -urls URL1,URL2 -n 3000
//
// With -wait-next it answers the caller at the runtime's next GET /next (as
// lambench must, to put END and REPORT in the log tail); without, as soon as
// the runtime posts its response (as RIE does). With -cg the function
// process is moved into the given cgroup directories (cgroup.procs).
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

type ev struct {
	id   string
	body []byte
	resp chan []byte
}

func main() {
	waitNext := flag.Bool("wait-next", false, "answer after the runtime's next GET /next")
	boot := flag.String("bootstrap", "", "the function's bootstrap (an aws-lambda-go binary)")
	rie := flag.String("rie", "", "an RIE invocations URL to compare with (measured last)")
	n := flag.Int("n", 2000, "samples per URL, in interleaved blocks of 100")
	serveOnly := flag.Bool("serve", false, "only serve: print the invoke URL and wait")
	cgs := flag.String("cg", "", "comma-separated cgroup directories to move the function process into")
	extra := flag.String("urls", "", "comma-separated invoke URLs to compare with (they get X-Amz-Log-Type: Tail)")
	flag.Parse()
	work := make(chan *ev)
	var cur *ev
	var pendingReply []byte
	rt := http.NewServeMux()
	rt.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		if cur != nil && *waitNext {
			cur.resp <- pendingReply
		}
		e := <-work
		cur = e
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", e.id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:f")
		w.Write(e.body)
	})
	rt.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if *waitNext {
			pendingReply = b
		} else {
			cur.resp <- b
		}
		w.WriteHeader(202)
	})
	rtl, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(rtl, rt)
	api := http.NewServeMux()
	seq := 0
	api.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seq++
		e := &ev{id: fmt.Sprint(seq), body: b, resp: make(chan []byte)}
		work <- e
		w.Write(<-e.resp)
	})
	al, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(al, api)
	pr, pw, _ := os.Pipe()
	go io.Copy(io.Discard, pr)
	cmd := exec.Command(*boot)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + rtl.Addr().String(), "AWS_LAMBDA_FUNCTION_NAME=f", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1769", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST"}
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Start()
	for _, g := range strings.Split(*cgs, ",") {
		if g != "" {
			if err := os.WriteFile(g+"/cgroup.procs", []byte(fmt.Sprint(cmd.Process.Pid)), 0); err != nil {
				panic(err)
			}
		}
	}
	defer cmd.Process.Kill()
	if *serveOnly {
		fmt.Println("http://" + al.Addr().String() + "/invoke")
		select {}
	}
	c := &http.Client{}
	do := func(u string) float64 {
		t := time.Now()
		req, _ := http.NewRequest("POST", u, strings.NewReader(`{"name":"bench"}`))
		req.Header.Set("X-Amz-Log-Type", "Tail")
		resp, err := c.Do(req)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return float64(time.Since(t).Microseconds())
	}
	urls := []string{"http://" + al.Addr().String() + "/invoke"}
	if *extra != "" {
		urls = append(urls, strings.Split(*extra, ",")...)
	}
	if *rie != "" {
		urls = append(urls, *rie)
	}
	for range 200 {
		for _, u := range urls {
			do(u)
		}
	}
	lat := make([][]float64, len(urls))
	for d := 0; d < *n; d += 100 {
		for i, u := range urls {
			for range 100 {
				lat[i] = append(lat[i], do(u))
			}
		}
	}
	for i, l := range lat {
		sort.Float64s(l)
		fmt.Printf("%s p50 %.0f µs p99 %.0f µs\n", urls[i], l[len(l)/2], l[len(l)*99/100])
	}
}
