package emulator

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/lambench/lambench/internal/testbin"
)

// zipOf builds a deployment package holding the given files (name ->
// content); names ending in "bootstrap" are executable.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		mode := fs.FileMode(0o644)
		if strings.HasSuffix(name, "bootstrap") {
			mode = 0o755
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	zw.Close()
	return buf.Bytes()
}

// demoZip is a package whose bootstrap runs one of lambench's demos.
func demoZip(t testing.TB, demo string) []byte {
	return zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\nexport _LAMBENCH_DEMO=" + demo + "\nexec " + lambenchBin + "\n"})
}

// helloGoZip packages the standalone aws-lambda-go example as bootstrap.
func helloGoZip(t testing.TB) []byte {
	t.Helper()
	bin, err := testbin.Build(t.TempDir(), "./examples/hello-go", "bootstrap", "lambda.norpc")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return zipOf(t, map[string]string{"bootstrap": string(b)})
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func tail(t testing.TB, out *lambda.InvokeOutput) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestControlPlaneLifecycle(t *testing.T) {
	srv, url := newTestServer(t, nil, WithUpdateDelay(time.Second))
	c := sdkClient(url)
	ctx := context.Background()
	name := aws.String("greeter")
	pkg := helloGoZip(t)

	created, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: name,
		Runtime:      types.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Role:         aws.String("arn:aws:iam::123456789012:role/test"),
		Code:         &types.FunctionCode{ZipFile: pkg},
		Environment:  &types.Environment{Variables: map[string]string{"GREETING": "Hey"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.State != types.StatePending || aws.ToInt32(created.MemorySize) != 128 || aws.ToInt32(created.Timeout) != 3 || created.CodeSize == 0 {
		t.Errorf("CreateFunction answered %+v", created)
	}
	var conflict *types.ResourceConflictException
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name}); !errors.As(err, &conflict) {
		t.Errorf("invoke while Pending: %v, want ResourceConflictException", err)
	}
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: name, Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: demoZip(t, "echo")}})
	if !errors.As(err, &conflict) {
		t.Errorf("creating it twice: %v", err)
	}
	if err := lambda.NewFunctionActiveV2Waiter(c, func(o *lambda.FunctionActiveV2WaiterOptions) { o.MinDelay = 50 * time.Millisecond }).
		Wait(ctx, &lambda.GetFunctionInput{FunctionName: name}, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name, Payload: []byte(`{"name":"sdk"}`), LogType: types.LogTypeTail})
	if err != nil || string(out.Payload) != `{"message":"Hey, sdk!"}` || !strings.Contains(tail(t, out), "Memory Size: 128 MB") {
		t.Fatalf("first invoke: %v %s", err, out.Payload)
	}
	oldProcs := srv.OwnedProcesses()

	upd, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: name, MemorySize: aws.Int32(256), Timeout: aws.Int32(10),
		Environment: &types.Environment{Variables: map[string]string{"GREETING": "Howdy"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.LastUpdateStatus != types.LastUpdateStatusInProgress || aws.ToInt32(upd.MemorySize) != 256 {
		t.Errorf("UpdateFunctionConfiguration answered %s / %d MB", upd.LastUpdateStatus, aws.ToInt32(upd.MemorySize))
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: name, MemorySize: aws.Int32(512)})
	if !errors.As(err, &conflict) {
		t.Errorf("a second update while one is in progress: %v", err)
	}
	if err := lambda.NewFunctionUpdatedV2Waiter(c, func(o *lambda.FunctionUpdatedV2WaiterOptions) { o.MinDelay = 50 * time.Millisecond }).
		Wait(ctx, &lambda.GetFunctionInput{FunctionName: name}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name, Payload: []byte(`{"name":"sdk"}`), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	log := tail(t, out)
	if string(out.Payload) != `{"message":"Howdy, sdk!"}` || !strings.Contains(log, "Memory Size: 256 MB") || !strings.Contains(log, "Init Duration") {
		t.Errorf("after the update: %s\n%s", out.Payload, log)
	}
	for _, pid := range oldProcs {
		if pidAlive(pid) {
			t.Errorf("the environment of the old configuration (pid %d) still runs", pid)
		}
	}

	// A stale RevisionId is refused.
	_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: name, Description: aws.String("x"), RevisionId: created.RevisionId})
	var pre *types.PreconditionFailedException
	if !errors.As(err, &pre) {
		t.Errorf("stale RevisionId: %v", err)
	}

	// New code.
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: name, ZipFile: demoZip(t, "echo")}); err != nil {
		t.Fatal(err)
	}
	lambda.NewFunctionUpdatedV2Waiter(c).Wait(ctx, &lambda.GetFunctionInput{FunctionName: name}, 10*time.Second)
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name, Payload: []byte(`{"echoed":true}`)})
	if err != nil || string(out.Payload) != `{"echoed":true}` {
		t.Errorf("after UpdateFunctionCode: %v %s", err, out.Payload)
	}

	// Reserved concurrency.
	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: name, ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	var throttle *types.TooManyRequestsException
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name}); !errors.As(err, &throttle) {
		t.Errorf("reserved 0: %v", err)
	}
	gc, _ := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: name})
	if gc == nil || gc.ReservedConcurrentExecutions == nil || *gc.ReservedConcurrentExecutions != 0 {
		t.Errorf("GetFunctionConcurrency: %+v", gc)
	}
	_, err = c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: name, ReservedConcurrentExecutions: aws.Int32(100000)})
	var invalid *types.InvalidParameterValueException
	if !errors.As(err, &invalid) {
		t.Errorf("reserving beyond the account: %v", err)
	}
	if _, err := c.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name}); err != nil {
		t.Errorf("after DeleteFunctionConcurrency: %v", err)
	}

	// Delete.
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: name}); err != nil {
		t.Fatal(err)
	}
	var nf *types.ResourceNotFoundException
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: name}); !errors.As(err, &nf) {
		t.Errorf("invoke after delete: %v", err)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: name}); !errors.As(err, &nf) {
		t.Errorf("GetFunction after delete: %v", err)
	}
	waitFor(t, "the deleted function's environments to stop", 5*time.Second, func() bool { return len(srv.OwnedProcesses()) == 0 })
}

func pidAlive(pid int) bool {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(st, ')')
	return i > 0 && len(st) > i+2 && st[i+2] != 'Z'
}

// storedZip is a package of one uncompressed file, whose bytes can be
// corrupted in place.
func storedZip(t testing.TB, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	zw.Close()
	return buf.Bytes()
}

func TestCreateFunctionRejectsBadPackages(t *testing.T) {
	state := t.TempDir()
	_, url := newTestServer(t, nil, WithMaxUnzipped(1<<20), WithStateDir(state))
	c := sdkClient(url)
	ctx := context.Background()
	create := func(name string, zipFile []byte, mod ...func(*lambda.CreateFunctionInput)) error {
		in := &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023,
			Handler: aws.String("bootstrap"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: zipFile}}
		for _, m := range mod {
			m(in)
		}
		_, err := c.CreateFunction(ctx, in)
		return err
	}
	bomb := zipOf(t, map[string]string{"bootstrap": strings.Repeat("\x00", 2<<20)})
	// A flipped byte fails the entry's CRC; a size that lies in both
	// headers makes the entry end early.
	crc := storedZip(t, "bootstrap", "#!/bin/sh\necho checksummed\n")
	crc[bytes.Index(crc, []byte("checksummed"))] ^= 1
	liar := zipOf(t, map[string]string{"bootstrap": strings.Repeat("x", 1<<16)})
	for _, sig := range [][]byte{{'P', 'K', 3, 4}, {'P', 'K', 1, 2}} { // local and central headers
		i := bytes.Index(liar, sig)
		off := 22 // uncompressed size in the local header
		if sig[2] == 1 {
			off = 24 // in the central directory
		}
		binary.LittleEndian.PutUint32(liar[i+off:], 1000)
	}
	cases := []struct {
		name string
		err  error
		code string
		msg  string
	}{
		{"slip", create("slip", zipOf(t, map[string]string{"../../evil": "x"})), "InvalidParameterValueException", "Could not unzip uploaded file"},
		{"bomb", create("bomb", bomb), "InvalidParameterValueException", "Unzipped size must be smaller than 1048576 bytes"},
		{"not a zip", create("junk", []byte("hello")), "InvalidParameterValueException", "Could not unzip uploaded file"},
		{"bad checksum", create("crc", crc), "InvalidParameterValueException", "checksum error"},
		{"lying size", create("liar", liar), "InvalidParameterValueException", "Could not unzip uploaded file"},
		{"memory", create("mem", demoZip(t, "echo"), func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(64) }), "InvalidParameterValueException", "memory"},
		{"runtime", create("rt", demoZip(t, "echo"), func(in *lambda.CreateFunctionInput) { in.Runtime = "java21" }), "InvalidParameterValueException", "runtime"},
		{"s3", create("s3", nil, func(in *lambda.CreateFunctionInput) {
			in.Code = &types.FunctionCode{S3Bucket: aws.String("b"), S3Key: aws.String("k")}
		}), "InvalidParameterValueException", "Code.ZipFile only"},
	}
	for _, tc := range cases {
		if apiCode(tc.err) != tc.code || !strings.Contains(tc.err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %s containing %q", tc.name, tc.err, tc.code, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(os.TempDir(), "evil")); err == nil {
		t.Errorf("zip slip wrote outside the code directory")
	}
	list, _ := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if len(list.Functions) != 0 {
		t.Errorf("rejected packages left functions behind: %d", len(list.Functions))
	}
	if left, _ := filepath.Glob(filepath.Join(state, "code", "*")); len(left) != 0 {
		t.Errorf("rejected packages left code directories behind: %v", left)
	}
}

// TestInFlightInvocationSurvivesUpdate: an update lets the running
// invocation finish on the old configuration; the next one gets the new.
func TestInFlightInvocationSurvivesUpdate(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("sleep", "sleep")})
	c := sdkClient(url)
	ctx := context.Background()
	done := make(chan *lambda.InvokeOutput, 1)
	go func() {
		out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("sleep"), Payload: []byte(`{"ms":600}`), LogType: types.LogTypeTail})
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	waitFor(t, "the invocation to run", 5*time.Second, func() bool { st, _ := srv.Environments("sleep"); return st.Busy == 1 })
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("sleep"), MemorySize: aws.Int32(256)}); err != nil {
		t.Fatal(err)
	}
	out := <-done
	if out == nil || string(out.Payload) != `{"slept_ms":600}` || !strings.Contains(tail(t, out), "Memory Size: 128 MB") {
		t.Fatalf("the in-flight invocation: %+v", out)
	}
	waitFor(t, "the old environment to retire", 5*time.Second, func() bool { st, _ := srv.Environments("sleep"); return st.Live == 0 })
	out2, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("sleep"), Payload: []byte(`{"ms":1}`), LogType: types.LogTypeTail})
	if err != nil || !strings.Contains(tail(t, out2), "Memory Size: 256 MB") || !strings.Contains(tail(t, out2), "Init Duration") {
		t.Errorf("after the update: %v", err)
	}
}

func TestStateDirKeepsFunctionsAcrossRestarts(t *testing.T) {
	state := t.TempDir()
	first, url := newTestServer(t, []Function{demoFn("configured", "echo")}, WithStateDir(state))
	c := sdkClient(url)
	ctx := context.Background()
	pkg := demoZip(t, "echo")
	sum := sha256.Sum256(pkg)
	wantSha := base64.StdEncoding.EncodeToString(sum[:])
	for _, name := range []string{"kept", "dropped"} {
		out, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023,
			Handler: aws.String("bootstrap"), Role: aws.String("r"), MemorySize: aws.Int32(384), Code: &types.FunctionCode{ZipFile: pkg}})
		if err != nil {
			t.Fatal(err)
		}
		// As on AWS, CodeSize and CodeSha256 are the uploaded zip's.
		if aws.ToString(out.CodeSha256) != wantSha || out.CodeSize != int64(len(pkg)) {
			t.Errorf("created %s: CodeSha256 %s CodeSize %d, want the zip's %s %d", name, aws.ToString(out.CodeSha256), out.CodeSize, wantSha, len(pkg))
		}
	}
	c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("dropped")})
	first.Close()

	_, url2 := newTestServer(t, []Function{demoFn("configured", "echo")}, WithStateDir(state))
	c2 := sdkClient(url2)
	list, err := c2.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range list.Functions {
		names = append(names, aws.ToString(f.FunctionName))
		if aws.ToString(f.FunctionName) == "kept" && (aws.ToInt32(f.MemorySize) != 384 || aws.ToString(f.CodeSha256) != wantSha || f.CodeSize != int64(len(pkg))) {
			t.Errorf("kept came back with %d MB, CodeSha256 %s, CodeSize %d", aws.ToInt32(f.MemorySize), aws.ToString(f.CodeSha256), f.CodeSize)
		}
	}
	if strings.Join(names, ",") != "configured,kept" {
		t.Errorf("after a restart: %v", names)
	}
	out, err := c2.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("kept"), Payload: []byte(`[1]`)})
	if err != nil || string(out.Payload) != `[1]` {
		t.Errorf("invoke kept: %v %s", err, out.Payload)
	}
	if dirs, _ := filepath.Glob(filepath.Join(state, "code", "*", "*")); len(dirs) != 1 {
		t.Errorf("code directories after the restart: %v (the deleted function's should be gone)", dirs)
	}
}
