package loadgen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// DefaultService is the SigV4 signing name of the Lambda API and of
// function URLs.
const DefaultService = "lambda"

// credentialsExpiryWindow is how long before they expire credentials are
// refreshed, so that no request is signed with credentials about to expire.
const credentialsExpiryWindow = time.Minute

// emptyPayloadHash is the SHA-256 of no bytes.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Signer signs requests with AWS Signature Version 4, as the AWS SDKs do,
// at the moment each is sent: the engine's transport calls it, never the
// targeter, whose time vegeta counts as latency, and never ahead of time,
// so a signature is never older than its request. Credentials come from a
// cache that refreshes them before they expire (aws.CredentialsCache).
// A Signer is safe for concurrent use.
type Signer struct {
	creds   aws.CredentialsProvider
	region  string
	service string
	signer  *v4.Signer
	hashes  sync.Pool
	now     func() time.Time
}

// A SignerOption configures a Signer.
type SignerOption func(*Signer)

// WithService sets the signing name (DefaultService by default).
func WithService(name string) SignerOption { return func(s *Signer) { s.service = name } }

// WithSigningClock sets the clock that dates signatures (time.Now by
// default): a test can sign as from another time.
func WithSigningClock(now func() time.Time) SignerOption { return func(s *Signer) { s.now = now } }

// NewSigner returns a Signer for region with the credentials of creds
// (for example aws.Config.Credentials, or credentials.NewStaticCredentialsProvider).
// Unless creds already is an *aws.CredentialsCache it is wrapped in one,
// so that a provider that fetches credentials (SSO, an assumed role,
// IMDS) is asked once, and again only when they are about to expire
// (credentialsExpiryWindow before).
func NewSigner(creds aws.CredentialsProvider, region string, opts ...SignerOption) (*Signer, error) {
	if creds == nil {
		return nil, errors.New("signing needs credentials")
	}
	if region == "" {
		return nil, errors.New("signing needs a region")
	}
	if _, ok := creds.(*aws.CredentialsCache); !ok {
		creds = aws.NewCredentialsCache(creds, func(o *aws.CredentialsCacheOptions) {
			o.ExpiryWindow = credentialsExpiryWindow
		})
	}
	s := &Signer{
		creds:   creds,
		region:  region,
		service: DefaultService,
		signer:  v4.NewSigner(),
		hashes:  sync.Pool{New: func() any { return sha256.New() }},
		now:     time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Region is the region signatures are scoped to.
func (s *Signer) Region() string { return s.region }

// check retrieves the credentials once, so that a run without usable
// credentials fails before it starts rather than with a transport error
// per request.
func (s *Signer) check(ctx context.Context) error {
	if _, err := s.creds.Retrieve(ctx); err != nil {
		return fmt.Errorf("get AWS credentials to sign requests: %w", err)
	}
	return nil
}

// sign returns a signed copy of req (a RoundTripper must not change the
// request it is given). The payload hash is the SHA-256 of the body:
// Lambda does not take UNSIGNED-PAYLOAD, and an invoke's body is small.
func (s *Signer) sign(req *http.Request) (*http.Request, error) {
	ctx := req.Context()
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("get AWS credentials: %w", err)
	}
	payloadHash, err := s.payloadHash(req)
	if err != nil {
		return nil, err
	}
	signed := req.Clone(ctx)
	if err := s.signer.SignHTTP(ctx, creds, signed, payloadHash, s.service, s.region, s.now()); err != nil {
		return nil, fmt.Errorf("sign the request: %w", err)
	}
	return signed, nil
}

// payloadHash hashes a fresh copy of the body from GetBody (set by
// http.NewRequest for the byte slices vegeta sends), leaving req.Body to
// the transport. Hashing a bytes.Reader goes through its WriteTo: no copy.
func (s *Signer) payloadHash(req *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength == 0 {
		return emptyPayloadHash, nil
	}
	if req.GetBody == nil {
		return "", errors.New("sign the request: its body cannot be read twice (no GetBody)")
	}
	body, err := req.GetBody()
	if err != nil {
		return "", fmt.Errorf("sign the request: %w", err)
	}
	defer body.Close()
	h := s.hashes.Get().(hash.Hash)
	defer s.hashes.Put(h)
	h.Reset()
	if _, err := io.Copy(h, body); err != nil {
		return "", fmt.Errorf("sign the request: read the body: %w", err)
	}
	var sum [sha256.Size]byte
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], h.Sum(sum[:0]))
	return string(hexSum[:]), nil
}
