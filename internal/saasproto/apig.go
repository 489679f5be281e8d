package saasproto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// APIG SDK-HMAC-SHA256 request signing, as the open APIs merchants call expect.
const (
	APIGAlgorithm  = "SDK-HMAC-SHA256"
	APIGDateHeader = "X-Sdk-Date"
	APIGDateLayout = "20060102T150405Z"
)

// APIGRequest is what an APIG signature covers.
type APIGRequest struct {
	Method string
	URL    *url.URL
	Header http.Header // Host is taken from Host when present, else from URL
	Body   []byte
}

func apigEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// APIGCanonicalRequest builds the canonical request over the signed header names
// (lower case, sorted).
func APIGCanonicalRequest(r APIGRequest, signed []string) string {
	segs := strings.Split(r.URL.EscapedPath(), "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs[i] = apigEscape(s)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var qs []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			qs = append(qs, apigEscape(k)+"="+apigEscape(v))
		}
	}
	lower := map[string][]string{}
	for k, v := range r.Header {
		lower[strings.ToLower(k)] = v
	}
	var hs []string
	for _, k := range signed {
		vs := append([]string(nil), lower[k]...)
		if k == "host" && len(vs) == 0 {
			vs = []string{r.URL.Host}
		}
		sort.Strings(vs)
		for _, v := range vs {
			hs = append(hs, k+":"+strings.TrimSpace(v))
		}
	}
	sum := sha256.Sum256(r.Body)
	return strings.Join([]string{r.Method, uri, strings.Join(qs, "&"), strings.Join(hs, "\n") + "\n",
		strings.Join(signed, ";"), hex.EncodeToString(sum[:])}, "\n")
}

// APIGSignedHeaders lists the header names of r, lower case and sorted, Host included.
func APIGSignedHeaders(r APIGRequest) []string {
	seen := map[string]bool{"host": true}
	for k := range r.Header {
		seen[strings.ToLower(k)] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		if k == "authorization" {
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// APIGSignature signs the canonical request dated sdkDate with sk.
func APIGSignature(r APIGRequest, signed []string, sdkDate, sk string) string {
	cr := sha256.Sum256([]byte(APIGCanonicalRequest(r, signed)))
	sts := APIGAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(cr[:])
	return hex.EncodeToString(hmacSHA256([]byte(sk), []byte(sts)))
}

// APIGSign sets X-Sdk-Date (when absent) and Authorization on r.Header.
func APIGSign(r APIGRequest, ak, sk string, now time.Time) {
	if r.Header.Get(APIGDateHeader) == "" {
		r.Header.Set(APIGDateHeader, now.UTC().Format(APIGDateLayout))
	}
	signed := APIGSignedHeaders(r)
	sig := APIGSignature(r, signed, r.Header.Get(APIGDateHeader), sk)
	r.Header.Set("Authorization", APIGAlgorithm+" Access="+ak+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}

// APIGAuth is a parsed Authorization header.
type APIGAuth struct {
	Access        string
	SignedHeaders []string
	Signature     string
}

// ParseAPIGAuthorization reads "SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…".
func ParseAPIGAuthorization(h string) (APIGAuth, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), APIGAlgorithm+" ")
	if !ok {
		return APIGAuth{}, errors.New("Authorization is not SDK-HMAC-SHA256")
	}
	var a APIGAuth
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			a.Access = v
		case "SignedHeaders":
			for _, s := range strings.Split(v, ";") {
				if s != "" {
					a.SignedHeaders = append(a.SignedHeaders, s)
				}
			}
		case "Signature":
			a.Signature = v
		}
	}
	if a.Access == "" || a.Signature == "" || len(a.SignedHeaders) == 0 {
		return APIGAuth{}, errors.New("Authorization lacks Access, SignedHeaders or Signature")
	}
	return a, nil
}

// APIGVerify checks r's signature with sk and that X-Sdk-Date lies within window of now.
func APIGVerify(r APIGRequest, a APIGAuth, sk string, now time.Time, window time.Duration) error {
	date := r.Header.Get(APIGDateHeader)
	t, err := time.Parse(APIGDateLayout, date)
	if err != nil {
		return errors.New("X-Sdk-Date is missing or not yyyyMMddTHHmmssZ")
	}
	if d := now.Sub(t); d > window || d < -window {
		return errors.New("X-Sdk-Date is outside the allowed window")
	}
	signed := map[string]bool{}
	for _, h := range a.SignedHeaders {
		signed[h] = true
	}
	if !signed["x-sdk-date"] || !signed["host"] {
		return errors.New("SignedHeaders must include host and x-sdk-date")
	}
	want := APIGSignature(r, a.SignedHeaders, date, sk)
	if !hmac.Equal([]byte(strings.ToLower(a.Signature)), []byte(want)) {
		return errors.New("signature mismatch")
	}
	return nil
}
