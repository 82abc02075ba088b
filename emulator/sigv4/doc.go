// Package sigv4 verifies AWS Signature Version 4 on requests to the local
// Lambda's APIs: the Lambda REST API (rest-json) and the CloudWatch Logs
// JSON 1.1 API.
//
// A Verifier holds the accepted credentials, signing names (services),
// regions and clock skew. Verify checks a request against its body;
// Wrap is the middleware that reads the body (bounded), verifies, puts the
// body back and calls the next handler, or answers with the error AWS
// would send:
//
//	v, err := sigv4.New(sigv4.Config{
//		Credentials: []sigv4.Credentials{{AccessKeyID: id, SecretAccessKey: secret}},
//	})
//	...
//	handler = v.Wrap(handler, nil)
//
// Both the Authorization header form and presigned URLs (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Signature query parameters) are accepted.
//
// # Errors
//
// A failure is an *Error carrying the code, message and status AWS sends,
// which the AWS SDKs turn into their API errors:
//
//   - no signature: MissingAuthenticationTokenException, "Missing
//     Authentication Token";
//   - a malformed or incomplete one: IncompleteSignatureException, e.g.
//     "Authorization header requires 'Signature' parameter. ...";
//   - an unknown access key id or a wrong session token:
//     UnrecognizedClientException, "The security token included in the
//     request is invalid.";
//   - a wrong signature, or one scoped to the wrong date, service or
//     region: InvalidSignatureException, "The request signature we
//     calculated does not match the signature you provided. ...";
//   - a signing time more than the skew (15 minutes) from now:
//     InvalidSignatureException, "Signature expired: ... is now earlier
//     than ... (... - 15 min.)" or "Signature not yet current: ...".
//
// Lambda sends them with status 403, the code in x-amzn-ErrorType and the
// body {"Type":"User","message":...} (WriteRESTJSONError); CloudWatch Logs
// with status 400 and the body {"__type":...,"message":...}
// (WriteJSON11Error). WriteError picks the one matching the request.
//
// # Canonicalisation
//
// The canonical request is rebuilt from what came over the wire:
//
//   - The path is the request line's, not URL.Path: each byte but the
//     unreserved ones and '/' is percent-encoded again, so an escape is
//     encoded twice, as SigV4 does for every service but S3. A function
//     ARN, sent as arn%3Aaws%3Alambda%3A..., is signed as
//     arn%253Aaws%253Alambda%253A... by both aws-sdk-go-v2 and the aws CLI.
//     botocore (and AWS) also remove dot segments and empty segments
//     ("//") first, aws-sdk-go-v2 does not; a path that has any is tried
//     both ways.
//   - The query is decoded as Go's url.ParseQuery decodes it ('+' is a
//     space), re-encoded with SigV4's encoding (%20 for a space, upper-case
//     hex) and sorted by key, then value.
//   - Header values are trimmed and runs of spaces folded to one, values
//     of a repeated header joined with ','. aws-sdk-go-v2 folds only
//     spaces, botocore any whitespace; a value holding a tab is tried both
//     ways. host is r.Host; net/http keeps Content-Length in r.Header.
//   - The payload hash is always the SHA-256 of the body read, whatever
//     X-Amz-Content-Sha256 claims, so a body cannot be swapped under a
//     signed hash. UNSIGNED-PAYLOAD is refused unless
//     Config.AllowUnsignedPayload is set: no Lambda or Logs client sends
//     it, and accepting it would leave the body unauthenticated.
//
// A verification does not allocate once the signing key of its scope is
// cached (keys are derived once per access key, date, region and
// service); Wrap allocates the body it reads and the reader that replays
// it.
package sigv4
