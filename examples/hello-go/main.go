// Command hello-go is a standalone AWS Lambda function written with
// aws-lambda-go for the provided.al2023 runtime: build it as `bootstrap`
// and it runs unchanged on AWS, on lambench's local Lambda and on the AWS
// Runtime Interface Emulator.
//
//	go build -tags lambda.norpc -o examples/hello-go/bootstrap ./examples/hello-go
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Name string `json:"name"`
}

type response struct {
	Message string `json:"message"`
}

func handle(ctx context.Context, e event) (response, error) {
	if e.Name == "" {
		e.Name = "world"
	}
	greeting := os.Getenv("GREETING")
	if greeting == "" {
		greeting = "Hello"
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		fmt.Printf("greeting %s (request %s)\n", e.Name, lc.AwsRequestID)
	}
	return response{Message: greeting + ", " + e.Name + "!"}, nil
}

func main() {
	lambda.Start(handle)
}
