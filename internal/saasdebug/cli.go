package saasdebug

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasproto"
)

// Exit statuses of the command line.
const (
	ExitPassed = 0 // every check passed
	ExitFailed = 1 // the call was made and a check failed
	ExitUsage  = 2 // bad usage: nothing was sent
)

type params map[string]string

func (p params) String() string { return fmt.Sprintf("%d parameters", len(p)) }
func (p params) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want name=value")
	}
	p[strings.TrimSpace(k)] = val
	return nil
}

// CLIUsage is the command's synopsis.
const CLIUsage = `usage: sellercenter saas debug --activity ACTIVITY --url URL --key KEY
       [--version v1|v2] [--encrypt-type 1|2] [--param name=value …] [--timeout 5s] [--json]

Sends one signed test call (testFlag=1) to a production address and checks the reply as
the platform does. Exit status: 0 every check passed, 1 a check failed, 2 bad usage.
The key may come from SC_SAAS_KEY instead of --key. Activities: `

// RunCLI runs `saas debug` with args (after "saas debug") and returns the exit status.
// It runs on the merchant's own machine, so any address is allowed, localhost included.
func RunCLI(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("saas debug", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	activity := fs.String("activity", "", "")
	addr := fs.String("url", "", "")
	key := fs.String("key", "", "")
	version := fs.String("version", "v2", "")
	encrypt := fs.String("encrypt-type", "1", "")
	timeout := fs.Duration("timeout", DefaultTimeout, "")
	asJSON := fs.Bool("json", false, "")
	ps := params{}
	fs.Var(ps, "param", "")
	usage := func(msg string) int {
		if msg != "" {
			fmt.Fprintln(stderr, "saas debug:", msg)
		}
		fmt.Fprintln(stderr, CLIUsage+activityList())
		return ExitUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usage("")
		}
		return usage(err.Error())
	}
	if fs.NArg() > 0 {
		return usage("unexpected argument " + fs.Arg(0))
	}
	if *key == "" {
		*key = os.Getenv("SC_SAAS_KEY")
	}
	v, ok := saasproto.ParseVersion(*version)
	switch {
	case !ok:
		return usage("--version must be v1 or v2")
	case *activity == "":
		return usage("--activity is required")
	case *addr == "":
		return usage("--url is required")
	case *key == "":
		return usage("--key (or SC_SAAS_KEY) is required")
	case *encrypt != saasproto.EncryptAES256 && *encrypt != saasproto.EncryptAES128:
		return usage("--encrypt-type must be 1 (AES-256) or 2 (AES-128)")
	case *timeout <= 0 || *timeout > 5*time.Minute:
		return usage("--timeout must be between 1ms and 5m")
	}
	spec, ok := saasproto.Lookup(v, *activity)
	if !ok {
		return usage(fmt.Sprintf("activity %q does not exist in %s", *activity, v))
	}
	p := saasproto.Defaults(spec, time.Now())
	for k, val := range ps {
		known := false
		for _, f := range spec.Fields {
			known = known || f.Name == k
		}
		if !known {
			return usage(fmt.Sprintf("%s has no parameter %q", *activity, k))
		}
		p[k] = val
	}
	if spec.Activity == saasproto.ApplicationSync && strings.HasPrefix(p["publicKey"], "@") {
		b, err := os.ReadFile(strings.TrimPrefix(p["publicKey"], "@"))
		if err != nil {
			return usage("publicKey: " + err.Error())
		}
		p["publicKey"] = string(b)
	}
	call := saasproto.Call{Version: v, Activity: *activity, Address: *addr, AccessKey: *key, EncryptType: *encrypt, Params: p}
	client := outbound.New(outbound.Options{AllowPrivate: true, Timeout: *timeout, UserAgent: "SellerCenter-saas-debug"})
	res, err := Send(ctx, client, call, *timeout)
	if err != nil {
		return usage(err.Error())
	}
	if len(res.Problems) > 0 {
		var msgs []string
		for _, pr := range res.Problems {
			msgs = append(msgs, pr.Error())
		}
		return usage("bad parameters: " + strings.Join(msgs, "; "))
	}
	if *asJSON {
		WriteJSON(stdout, res)
	} else {
		WriteText(stdout, res)
	}
	if res.Passed() {
		return ExitPassed
	}
	return ExitFailed
}

func activityList() string {
	var out []string
	for _, v := range []saasproto.Version{saasproto.V1, saasproto.V2} {
		var names []string
		for _, s := range saasproto.Specs(v) {
			names = append(names, s.Activity)
		}
		out = append(out, string(v)+": "+strings.Join(names, ", "))
	}
	return "\n  " + strings.Join(out, "\n  ")
}

// WriteText prints the request, the response and one line per check.
func WriteText(w io.Writer, r *Result) {
	fmt.Fprintf(w, "> %s %s\n", r.Request.Method, r.Request.URL)
	writeHeaders(w, "> ", r.Request.Header)
	if len(r.Request.Body) > 0 {
		fmt.Fprintf(w, ">\n> %s\n", r.Request.Body)
	}
	fmt.Fprintln(w)
	if r.Status != 0 {
		fmt.Fprintf(w, "< %d (%d ms)\n", r.Status, r.Elapsed.Milliseconds())
		writeHeaders(w, "< ", r.Header)
		fmt.Fprintf(w, "<\n< %s\n\n", r.Body)
	} else {
		fmt.Fprintf(w, "< no answer (%d ms)\n\n", r.Elapsed.Milliseconds())
	}
	for _, c := range r.Outcome.Checks {
		switch c.Status {
		case saasproto.Pass:
			fmt.Fprintf(w, "PASS %s\n", c.Name)
		case saasproto.Fail:
			fmt.Fprintf(w, "FAIL %s: %s\n", c.Name, c.Message)
		default:
			fmt.Fprintf(w, "SKIP %s\n", c.Name)
		}
	}
	for _, ai := range r.Outcome.AppInfo {
		fmt.Fprintf(w, "appInfo %s: frontEndUrl=%s adminUrl=%s userName=%s password=%s\n", ai.InstanceID, ai.FrontEndURL, ai.AdminURL, ai.UserName, ai.Password)
	}
}

func writeHeaders(w io.Writer, prefix string, h map[string][]string) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s%s: %s\n", prefix, k, v)
		}
	}
}

// JSONResult is the machine-readable form of a Result.
type JSONResult struct {
	Passed   bool                `json:"passed"`
	Request  JSONMessage         `json:"request"`
	Response *JSONMessage        `json:"response,omitempty"`
	Checks   []saasproto.Check   `json:"checks"`
	Instance []string            `json:"instanceIds,omitempty"`
	AppInfo  []saasproto.AppInfo `json:"appInfo,omitempty"`
}

// JSONMessage is a request or a response.
type JSONMessage struct {
	Method    string              `json:"method,omitempty"`
	URL       string              `json:"url,omitempty"`
	Status    int                 `json:"status,omitempty"`
	Headers   map[string][]string `json:"headers"`
	Body      string              `json:"body"`
	ElapsedMS int64               `json:"elapsedMs,omitempty"`
}

// WriteJSON prints one JSON object describing r.
func WriteJSON(w io.Writer, r *Result) {
	out := JSONResult{Passed: r.Passed(), Checks: r.Outcome.Checks, Instance: r.Outcome.InstanceIDs, AppInfo: r.Outcome.AppInfo,
		Request: JSONMessage{Method: r.Request.Method, URL: r.Request.URL, Headers: r.Request.Header, Body: string(r.Request.Body)}}
	if r.Status != 0 {
		out.Response = &JSONMessage{Status: r.Status, Headers: r.Header, Body: string(r.Body), ElapsedMS: r.Elapsed.Milliseconds()}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(out)
}
