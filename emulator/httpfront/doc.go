// Package httpfront is an HTTP front for the local Lambda's functions, like
// Lambda function URLs: any HTTP client (curl, vegeta, a browser) can call a
// function with
//
//	http://HOST:PORT/<function>/<path>?<query>
//
// The request becomes a function URL event (the API Gateway HTTP API
// payload format 2.0, events.LambdaFunctionURLRequest in aws-lambda-go),
// the function is invoked through an [Invoker], and its response
// (events.LambdaFunctionURLResponse, or any other JSON) becomes the HTTP
// response. The package does not import the emulator: the emulator (or a
// test) supplies the Invoker.
//
//	http.ListenAndServe(":9001", httpfront.New(invoker))
//
// # Request to event
//
//   - version "2.0", routeKey "$default".
//   - rawPath: the path after /<function>, with its percent-encoding as
//     sent; "/" when there is none (/<function> and /<function>/ alike).
//     requestContext.http.path is the same string. <function> itself is
//     percent-decoded.
//   - rawQueryString: the query as sent, without '?' ("" when none).
//   - queryStringParameters: the query decoded as a form ('+' is a space),
//     keys in the order sent, the values of a repeated key joined with ','
//     (a=1&a=2 gives "a":"1,2"); a key without '=' has the value ""; a
//     parameter with a bad %-escape is passed undecoded. Absent when the
//     query is empty.
//   - cookies: the pairs of every Cookie header, split at ';' and trimmed;
//     absent when none. The Cookie header is not among the headers.
//   - headers: every request header, name in lower case, the values of a
//     repeated header joined with ','. As a function URL's front end does,
//     the front sets host (the Host header), x-forwarded-for (the client's
//     X-Forwarded-For, if any, then ", " and the source IP),
//     x-forwarded-proto (http or https) and x-forwarded-port (the port the
//     client connected to); client-sent X-Forwarded-Proto and
//     X-Forwarded-Port are dropped. No x-amzn-trace-id or x-amzn-tls-*
//     headers are added.
//   - requestContext: accountId "anonymous" (a function URL with auth type
//     NONE; there is no authorizer); apiId and domainPrefix [URLID]
//     (32 characters derived from the function name, stable across runs);
//     domainName the Host header as sent (port included; the function is
//     reached through this front, not *.on.aws), or
//     <url-id>.lambda-url.us-east-1.on.aws when the request has none;
//     http {method, path, protocol (r.Proto, e.g. HTTP/1.1), sourceIp (the
//     TCP peer's address, not X-Forwarded-For), userAgent (the first
//     User-Agent header)}; requestId a random UUID, also answered as
//     x-amzn-RequestId and given to the Invoker ([RequestIDFromContext]);
//     routeKey and stage "$default"; time (02/Jan/2006:15:04:05 +0000, UTC)
//     and timeEpoch (milliseconds).
//   - body and isBase64Encoded: a body of Content-Type text/*,
//     application/json, application/xml or application/javascript
//     (parameters ignored, case-insensitive) that is valid UTF-8 is passed as
//     text; any other body, including one without Content-Type, of
//     application/x-www-form-urlencoded or multipart/form-data, or of a
//     +json or +xml type, is base64-encoded with isBase64Encoded true, as
//     AWS does. No body: body absent, isBase64Encoded false.
//   - A body over [MaxRequestBody] (6 MB) is answered 413 without invoking.
//
// Every method passes through, HEAD included (net/http drops the body of
// the answer to a HEAD).
//
// # Function response to HTTP
//
// The response payload must be valid JSON; anything else is answered 502.
//
//   - A JSON object with a non-null "statusCode" member is a structured
//     response (member names case-sensitive). statusCode must be an integer
//     from 200 to 599; headers null or an object of strings (numbers and
//     booleans are taken as their literal); cookies null or an array of
//     strings, each sent as a Set-Cookie header; body null, absent or a
//     string; isBase64Encoded null, absent or a boolean, and when true
//     body must be valid standard base64, which is decoded. Anything else is
//     answered 502. Header names are canonicalised (content-type becomes
//     Content-Type); Content-Length, Transfer-Encoding, Connection, the
//     other hop-by-hop headers and x-amzn-RequestId are the front's and are
//     ignored. Without a Content-Type header the response has none
//     (nothing is sniffed). A 204 or 304 has no body.
//   - Any other valid JSON (a string, a number, null, an array, an object
//     without statusCode) is the inferred format: 200, Content-Type
//     application/json, the payload itself as the body (a string keeps its
//     quotes).
//   - A function error (Result.FunctionError) is answered 502 with the body
//     Internal Server Error and Content-Type application/json, as a
//     function URL does; the error document is not shown (it is in the
//     function's log).
//
// Every answer carries x-amzn-RequestId.
//
// # Errors
//
// An error from the Invoker is answered with its status when it implements
// [StatusError] (otherwise 500) and the JSON body {"Message":"..."}. For a
// 404 the message names the function and, when the Invoker implements
// [FunctionLister], the functions there are. / itself (and any path
// without a function name) is answered 404 with a plain-text help of the
// URL scheme and the function list.
//
// # Performance
//
// The front sits on the hot path of load tests. The event is written and
// the response read by hand, without encoding/json or reflection, with
// pooled buffers. A request round trip through ServeHTTP makes three
// allocations: the request id, one per-request value (the context given
// to the Invoker and the response header values the front sets) and the
// payload, which the Invoker keeps. A response body of 100 bytes or more
// adds its Content-Length text; a structured response adds its header
// names (except common ones) and values. BenchmarkServeHTTP measures it.
package httpfront
