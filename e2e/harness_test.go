// Package e2e drives the running app in Debian's headless chromium: whole journeys as a
// user clicks them, with screenshots of key pages saved to e2e/artifacts.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sellercenter/handlers"
	"sellercenter/internal/blobstore"
	"sellercenter/internal/clock"
	"sellercenter/internal/config"
	"sellercenter/internal/jobs"
	"sellercenter/internal/outbound"
	"sellercenter/internal/testdb"
	"sellercenter/internal/testkeys"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

var chromiumPath string

func TestMain(m *testing.M) {
	for _, name := range []string{os.Getenv("CHROMIUM_PATH"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			chromiumPath = p
			break
		}
	}
	if chromiumPath == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "e2e: chromium is not installed, and under CI browser tests must run (apt-get install chromium)")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "e2e: SKIP — chromium not found (install Debian's chromium to run the browser journeys)")
	}
	models.UseFastPasswordHashing()
	code := m.Run()
	if demo.ready {
		os.RemoveAll(demo.blobs)
		demo.snap.Drop()
	}
	os.Exit(code)
}

// server is the real app on a loopback port with its job worker running.
type server struct {
	URL     string
	Store   *models.Store
	Blobs   *blobstore.Local
	Catalog *i18n.Catalog
	env     *testdb.Env
	blobDir string
}

func startServer(t *testing.T) *server {
	t.Helper()
	return startServerWith(t, nil)
}

// startServerWith starts the server and runs before first, ahead of the job worker, as
// the real start does with the demo data (whose history the worker must not meet half
// written: unpaid for a moment, a year ago by its clock).
func startServerWith(t *testing.T, before func(*server)) *server {
	t.Helper()
	return startServerFrom(t, nil, nil, before)
}

// startServerFrom is startServerWith on env's database (nil: a new one) and listening on
// ln (nil: a new port); before may fill the blob store's directory first.
func startServerFrom(t *testing.T, env *testdb.Env, ln net.Listener, before func(*server)) *server {
	t.Helper()
	if chromiumPath == "" {
		if ln != nil {
			ln.Close()
		}
		t.Skip("chromium not installed")
	}
	if env == nil {
		env = testdb.Open(t)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	blobDir := filepath.Join(t.TempDir(), "blobs")
	blobs, err := blobstore.NewLocal(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	// The browser journey runs on real time: sessions and tokens expire by the wall clock.
	store := models.NewStore(env.DB, clock.Real{}, env.Box, cat)
	// The server's log and one line per request are kept and printed when the test
	// fails, so a stalled step shows what the server answered and how long it took.
	trace := &traceLog{}
	log := slog.New(slog.NewTextHandler(trace, &slog.HandlerOptions{Level: slog.LevelWarn}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server trace:\n%s", trace.String())
		}
	})
	// Like a development server: it may call this machine, and serves the reference
	// merchant endpoint at /saasdemo for the debugging console.
	cfg := config.Config{DataDir: t.TempDir(), DevOutbox: true, IdleTimeout: time.Hour, SessionLife: 2 * time.Hour, OutboundAllowPrivate: true}
	app := &handlers.App{Cfg: cfg, DB: env.DB, Store: store, Catalog: cat, Blobs: blobs, Box: env.Box, Clock: clock.Real{}, Log: log,
		Outbound: outbound.New(outbound.Options{AllowPrivate: true})}
	app.SaaSDemo = handlers.NewDevSaaSDemo(store, func() string { return app.Cfg.BaseURL }, testkeys.RSA3072(), app.Outbound)
	app.Sessions = handlers.NewSessions(cfg, env.DB)
	srv := httptest.NewUnstartedServer(nil)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	app.Cfg.BaseURL = srv.URL
	srv.Config.Handler = trace.wrap(app.Router())
	t.Cleanup(srv.Close)

	s := &server{URL: srv.URL, Store: store, Blobs: blobs, Catalog: cat, env: env, blobDir: blobDir}
	if before != nil {
		before(s)
	}
	deps := jobs.Deps{Store: store, Blobs: blobs, Catalog: cat, BaseURL: srv.URL, Outbound: app.Outbound}
	w := jobs.NewServerWorker(deps, log)
	w.Interval = 100 * time.Millisecond
	// The pool makes the calls to merchants' systems, as the server's does.
	pool := jobs.NewServerPool(deps, log)
	pool.Interval = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done, poolDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	go func() { defer close(poolDone); pool.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; <-poolDone })
	return s
}

// drainWorker waits until the job worker has no due work left: the demo's year of
// history leaves it a backlog (mails, order timers) that a job queued now waits behind.
func (s *server) drainWorker(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var due int64
		if err := s.env.DB.R.Model(&models.Job{}).Where("status = ? AND pooled = ? AND run_at <= ?", models.JobQueued, false, time.Now()).Count(&due).Error; err != nil {
			t.Fatal(err)
		}
		if due == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job worker still has %d due jobs", due)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// traceLog collects the server's log lines and a line per request.
type traceLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *traceLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *traceLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (l *traceLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		fmt.Fprintf(l, "%s > %s %s htmx=%s\n", start.Format("15:04:05.000"), r.Method, r.URL.RequestURI(), r.Header.Get("HX-Request"))
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		fmt.Fprintf(l, "%s < %s %s %d in %s\n", time.Now().Format("15:04:05.000"), r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Millisecond))
	})
}

// browser is one headless chromium with a fresh profile.
type browser struct {
	t   *testing.T
	ctx context.Context
	srv *server
}

func newBrowser(t *testing.T, srv *server, lang string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", lang),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Headless chromium ignores --lang for Accept-Language; the header is set instead, so
	// the browser asks for its language the way a person's would.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enable the network domain: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		t.Fatalf("set the browser's language: %v", err)
	}
	return &browser{t: t, ctx: ctx, srv: srv}
}

// do executes actions, failing the test with the step's name.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.screenshot("failed-" + strings.NewReplacer("/", "_", " ", "_", "?", "_").Replace(step))
		b.t.Fatalf("%s: %v", step, err)
	}
}

// open navigates to a path and waits for the page body.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.srv.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// findWait is how long text and attr wait for their element to appear.
const findWait = 15 * time.Second

// text returns the text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, findWait)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.screenshot("failed-read")
		b.t.Fatalf("read %s on %s: %v", sel, b.path(), err)
	}
	return strings.TrimSpace(s)
}

// attr reads an attribute of the first element matching sel.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, findWait)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.screenshot("failed-read")
		b.t.Fatalf("attr %s %s on %s: %v", sel, name, b.path(), err)
	}
	return r.Value
}

// path is the current URL's path.
func (b *browser) path() string {
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	loc = strings.TrimPrefix(loc, b.srv.URL)
	if i := strings.IndexAny(loc, "?#"); i >= 0 {
		loc = loc[:i]
	}
	return loc
}

// submit clicks a button and waits until the page was replaced: a marker element put
// into the current body disappears when a new document loads or htmx swaps the body.
func (b *browser) submit(sel string) {
	b.t.Helper()
	b.markStale()
	b.do("submit "+sel, chromedp.Click(chromedp.CSS(sel)))
	b.waitFresh(sel)
}

func (b *browser) markStale() {
	b.t.Helper()
	js := `(() => { const i = document.createElement('i'); i.id = '__stale'; i.hidden = true; document.body.appendChild(i); return true })()`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err != nil {
		b.t.Fatalf("mark page: %v", err)
	}
}

// waitFresh waits until the marker is gone and htmx is done with the page: no request in
// flight, and the swapped-in content settled. htmx wires up new content (its hx-
// attributes, boosted forms) only when it settles, after the swap; an action taken
// before then would meet elements that do nothing yet.
func (b *browser) waitFresh(what string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		fresh, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
			`document.readyState === 'complete' && !document.getElementById('__stale') &&
			 !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`))
		if err == nil && fresh {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.screenshot("failed-wait")
	b.t.Fatalf("%s: the page did not change", what)
}

// click clicks an element.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill sets form fields by name.
func (b *browser) fill(fields map[string]string) {
	b.t.Helper()
	for name, v := range fields {
		b.do("fill "+name, chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`[name="%s"]`, name)), v))
	}
}

// upload chooses a file for a file input.
func (b *browser) upload(name, path string) {
	b.t.Helper()
	b.do("upload "+name, chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`input[name="%s"]`, name)), []string{path}))
}

// screenshot saves a full-page PNG under e2e/artifacts.
func (b *browser) screenshot(name string) {
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := "artifacts"
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}
