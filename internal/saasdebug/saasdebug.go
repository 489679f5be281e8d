// Package saasdebug sends one signed protocol call to a merchant's production address
// and checks the reply: the one code path behind the seller center's debugging console,
// the debug-case replays and the `sellercenter saas debug` command line.
package saasdebug

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// DefaultTimeout is how long a call may take when no setting says otherwise.
const DefaultTimeout = 5 * time.Second

// Result is one call as it went: the exact request, the answer and the verdict.
type Result struct {
	Request  *saasproto.Request
	Status   int
	Header   http.Header
	Body     []byte
	Elapsed  time.Duration
	Outcome  saasproto.Outcome
	Problems []saasproto.FieldError // set when the call was not sent
}

// Passed tells whether the call was sent and every check passed.
func (r *Result) Passed() bool { return r.Request != nil && r.Outcome.Passed() }

// Send builds call, sends it through client within timeout and checks the reply. Bad
// parameters come back in Result.Problems without a call; a bad address or missing key
// is an error.
func Send(ctx context.Context, client *outbound.Client, call saasproto.Call, timeout time.Duration) (*Result, error) {
	req, problems, err := call.Build()
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return &Result{Problems: problems}, nil
	}
	return Do(ctx, client, call, req, timeout), nil
}

// Do sends an already built request and checks the reply.
func Do(ctx context.Context, client *outbound.Client, call saasproto.Call, req *saasproto.Request, timeout time.Duration) *Result {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	var resp *outbound.Response
	var err error
	if req.Method == http.MethodGet {
		resp, err = client.Get(ctx, req.URL, req.Header)
	} else {
		resp, err = client.Post(ctx, req.URL, req.Header, req.Body)
	}
	res := &Result{Request: req, Elapsed: time.Since(start)}
	if err != nil {
		problem, detail := classify(err, timeout)
		res.Outcome = saasproto.TransportFailure(call, problem, detail)
		return res
	}
	res.Status, res.Header, res.Body = resp.Status, resp.Header, resp.Body
	res.Outcome = saasproto.Evaluate(call, resp.Status, resp.Header, resp.Body)
	return res
}

// classify turns a transport error into the check's problem and a short detail.
func classify(err error, timeout time.Duration) (string, string) {
	detail := err.Error()
	if i := strings.LastIndex(detail, ": "); i >= 0 && !errors.Is(err, outbound.ErrRedirect) && !errors.Is(err, outbound.ErrBlockedAddress) {
		detail = detail[i+2:]
	}
	detail = strings.TrimPrefix(detail, "outbound: ")
	switch {
	case errors.Is(err, outbound.ErrTimeout):
		return "timeout", timeout.String()
	case errors.Is(err, outbound.ErrBlockedAddress):
		return "blocked", afterSentinel(err.Error(), outbound.ErrBlockedAddress)
	case errors.Is(err, outbound.ErrRedirect):
		return "redirect", afterSentinel(err.Error(), outbound.ErrRedirect)
	case errors.Is(err, outbound.ErrBodyTooLarge):
		return "too_large", afterSentinel(err.Error(), outbound.ErrBodyTooLarge)
	case errors.Is(err, outbound.ErrScheme):
		return "blocked", "not an http(s) URL"
	}
	return "connect", detail
}

// afterSentinel keeps what follows the sentinel's text ("address not allowed: 10.0.0.1"
// → "10.0.0.1").
func afterSentinel(msg string, sentinel error) string {
	if _, rest, ok := strings.Cut(msg, sentinel.Error()); ok {
		if rest = strings.TrimPrefix(rest, ": "); rest != "" {
			return rest
		}
	}
	return sentinel.Error()
}

// DoLocal performs the exchange against h in memory, exactly as it would go over the
// network to h's address: the seeded demo data records its debug cases this way against
// the reference endpoint without a running server.
func DoLocal(call saasproto.Call, req *saasproto.Request, h http.Handler) *Result {
	start := time.Now()
	u, err := url.Parse(req.URL)
	base, berr := url.Parse(call.Address)
	if err != nil || berr != nil {
		return &Result{Request: req, Outcome: saasproto.TransportFailure(call, "connect", "malformed address")}
	}
	u.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(u.Path, strings.TrimSuffix(base.Path, "/")), "/")
	r := httptest.NewRequest(req.Method, u.RequestURI(), bytes.NewReader(req.Body))
	r.Header = req.Header.Clone()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := &Result{Request: req, Status: w.Code, Header: w.Header(), Body: w.Body.Bytes(), Elapsed: time.Since(start)}
	res.Outcome = saasproto.Evaluate(call, res.Status, res.Header, res.Body)
	return res
}

// Record is the history row of a debug call: never the key, the answer capped at
// models.MaxStoredBody. The caller sets the product, address and key it used.
func Record(call saasproto.Call, res *Result) models.DebugCall {
	return models.DebugCall{Exchange: Exchange(call, res)}
}

// Exchange is the stored form of a call as it went (a debug call's or a production
// attempt's): never the key, the answer capped at models.MaxStoredBody.
func Exchange(call saasproto.Call, res *Result) models.Exchange {
	js := func(v any) string {
		b, _ := json.Marshal(v)
		if string(b) == "null" {
			return "{}"
		}
		return string(b)
	}
	rec := models.Exchange{Protocol: string(call.Version), Activity: call.Activity, EncryptType: call.EncryptType,
		Params: js(call.Params), Address: call.Address, Method: res.Request.Method, URL: res.Request.URL, ReqHeaders: js(res.Request.Header),
		ReqBody: string(res.Request.Body), Status: res.Status, RespHeaders: js(res.Header), ElapsedMS: res.Elapsed.Milliseconds(),
		Checks: js(res.Outcome.Checks), Passed: res.Outcome.Passed()}
	if rec.EncryptType == "" {
		rec.EncryptType = saasproto.EncryptAES256
	}
	body := res.Body
	if len(body) > models.MaxStoredBody {
		body, rec.RespTruncated = body[:models.MaxStoredBody], true
	}
	rec.RespBody = strings.ToValidUTF8(string(body), "\uFFFD")
	if ch, ok := res.Outcome.Failed(); ok {
		rec.FailedCheck = ch.Name
	}
	return rec
}
