package saasproto

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// DefaultWindow is how far a request's timestamp may lie from the verifier's clock.
const DefaultWindow = 60 * time.Second

// Verification failures a merchant answers with 000001.
var (
	ErrTimestamp = errors.New("timestamp missing, malformed or outside the allowed window")
	ErrNonce     = errors.New("nonce missing, shorter than 32 characters or already used")
	ErrSignature = errors.New("signature mismatch")
)

// ParseMillisOrSeconds reads a V2 timestamp: Unix milliseconds, or seconds as some
// documents say.
func ParseMillisOrSeconds(ts string) (time.Time, error) {
	if !allDigits(ts) || len(ts) > 15 {
		return time.Time{}, ErrTimestamp
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, ErrTimestamp
	}
	if len(ts) <= 11 {
		return time.Unix(n, 0), nil
	}
	return time.UnixMilli(n), nil
}

func within(t, now time.Time, window time.Duration) bool {
	d := now.Sub(t)
	return d <= window && d >= -window
}

// NonceCache remembers nonces for the verification window, refusing a second use.
// It holds at most Max entries (default 100,000), dropping expired ones first.
type NonceCache struct {
	Max  int
	mu   sync.Mutex
	seen map[string]time.Time
}

// Use records nonce at now and reports whether it was fresh.
func (c *NonceCache) Use(nonce string, now time.Time, window time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]time.Time{}
	}
	max := c.Max
	if max <= 0 {
		max = 100000
	}
	if t, ok := c.seen[nonce]; ok && now.Sub(t) <= 2*window {
		return false
	}
	if len(c.seen) >= max {
		for k, t := range c.seen {
			if now.Sub(t) > 2*window {
				delete(c.seen, k)
			}
		}
		if len(c.seen) >= max {
			return false // full of live nonces: refuse rather than forget one
		}
	}
	c.seen[nonce] = now
	return true
}

func validNonce(n string) bool {
	if len(n) < 32 || len(n) > 128 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// VerifyV1Request checks a V1 call's timeStamp window and authToken, as a merchant does.
func VerifyV1Request(q url.Values, accessKey string, now time.Time, window time.Duration) error {
	ts, err := ParseV1Timestamp(q.Get("timeStamp"))
	if err != nil || !within(ts, now, window) {
		return ErrTimestamp
	}
	want := V1AuthToken(accessKey, q.Get("timeStamp"), V1Message(q))
	if !hmac.Equal([]byte(q.Get("authToken")), []byte(want)) {
		return ErrSignature
	}
	return nil
}

// VerifyV2Request checks a V2 call's timestamp window, nonce and URL signature.
// nonces may be nil to skip replay detection (a caller trying several keys checks the
// nonce once, after a key matched).
func VerifyV2Request(q url.Values, body []byte, accessKey string, now time.Time, window time.Duration, nonces *NonceCache) error {
	return verifyNonced(q.Get("timestamp"), q.Get("nonce"), q.Get("signature"), now, window, nonces,
		func(nonce, ts string) string { return V2Signature(accessKey, nonce, ts, body) })
}

// VerifyKitV2 checks a V2 kit call's x-timestamp, x-nonce and x-sign headers.
func VerifyKitV2(h http.Header, body []byte, accessKey string, now time.Time, window time.Duration, nonces *NonceCache) error {
	return verifyNonced(h.Get("x-timestamp"), h.Get("x-nonce"), h.Get("x-sign"), now, window, nonces,
		func(nonce, ts string) string { return KitSign(accessKey, nonce, ts, body) })
}

// verifyNonced checks a timestamp in the window, a well-formed nonce, the signature sign
// computes, and then (with nonces) that the nonce is fresh.
func verifyNonced(timestamp, nonce, got string, now time.Time, window time.Duration, nonces *NonceCache, sign func(nonce, ts string) string) error {
	ts, err := ParseMillisOrSeconds(timestamp)
	if err != nil || !within(ts, now, window) {
		return ErrTimestamp
	}
	if !validNonce(nonce) {
		return ErrNonce
	}
	if !hmac.Equal([]byte(got), []byte(sign(nonce, timestamp))) {
		return ErrSignature
	}
	if nonces != nil && !nonces.Use(nonce, now, window) {
		return ErrNonce
	}
	return nil
}

// VerifyKitV1 checks a V1 kit call: the body's timeStamp window and the authToken header.
func VerifyKitV1(h http.Header, body []byte, accessKey string, now time.Time, window time.Duration) error {
	msg, err := KitV1Message(body)
	if err != nil {
		return ErrSignature
	}
	ts := kitTimeStamp(body)
	t, err := ParseV1Timestamp(ts)
	if err != nil || !within(t, now, window) {
		return ErrTimestamp
	}
	want := V1AuthToken(accessKey, ts, msg)
	if !hmac.Equal([]byte(h.Get("authToken")), []byte(want)) {
		return ErrSignature
	}
	return nil
}
