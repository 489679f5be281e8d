package handlers

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/config"
	"sellercenter/internal/jobs"
	"sellercenter/internal/outbound"
	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// sessionForever keeps test sessions alive while a test moves the clock by days (refund
// windows, deadlines); the session tests set real timeouts.
const sessionForever = 10 * 365 * 24 * time.Hour

// testApp is the real router over a fresh database, served on loopback.
type testApp struct {
	*App
	t   *testing.T
	env *testdb.Env
	srv *httptest.Server
	log *bytes.Buffer
	e   *echo.Echo
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	return newTestAppWith(t, nil)
}

// newTestAppWith lets a test adjust the configuration first.
func newTestAppWith(t *testing.T, adjust func(*config.Config)) *testApp {
	t.Helper()
	env := testdb.Open(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blobstore.NewLocal(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	cfg := config.Config{Addr: "127.0.0.1:0", BaseURL: "http://sellercenter.test", DataDir: t.TempDir(), DevOutbox: true,
		IdleTimeout: sessionForever, SessionLife: sessionForever}
	if adjust != nil {
		adjust(&cfg)
	}
	app := &App{Cfg: cfg, DB: env.DB, Store: env.Store, Catalog: cat, Blobs: blobs, Box: env.Box, Clock: env.Clock,
		Log: slog.New(slog.NewTextHandler(logBuf, nil)), Outbound: outbound.New(outbound.Options{AllowPrivate: cfg.OutboundAllowPrivate, Timeout: 3 * time.Second})}
	app.Sessions = NewSessions(cfg, env.DB)
	e := app.Router()
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testApp{App: app, t: t, env: env, srv: srv, log: logBuf, e: e}
}

// drainJobs runs every job that is due now, with the server's own registration.
func (ta *testApp) drainJobs() {
	ta.t.Helper()
	w := jobs.NewServerWorker(ta.jobDeps(), ta.Log)
	if err := w.Drain(context.Background()); err != nil {
		ta.t.Fatal(err)
	}
}

// jobDeps are the background jobs' dependencies over this app.
func (ta *testApp) jobDeps() jobs.Deps {
	return jobs.Deps{Store: ta.Store, Blobs: ta.Blobs, Catalog: ta.Catalog, BaseURL: ta.Cfg.BaseURL}
}

const testPassword = "correct-horse-battery"

// user creates a verified account directly.
func (ta *testApp) user(role models.Role, email string) models.User {
	ta.t.Helper()
	u, err := ta.Store.CreateUser(context.Background(), models.Actor{}, models.NewAccount{
		Email: email, Password: testPassword, Role: role, Name: "Test " + string(role), Verified: true})
	if err != nil {
		ta.t.Fatal(err)
	}
	return u
}

// admin creates a reviewer with the admin flag.
func (ta *testApp) admin(email string) models.User {
	ta.t.Helper()
	u, err := ta.Store.CreateUser(context.Background(), models.Actor{}, models.NewAccount{
		Email: email, Password: testPassword, Role: models.RoleReviewer, IsAdmin: true, Name: "Admin", Verified: true})
	if err != nil {
		ta.t.Fatal(err)
	}
	return u
}

// client is a browser-like client: a cookie jar, no automatic redirects, CSRF scraping.
type client struct {
	t    *testing.T
	ta   *testApp
	http *http.Client
	csrf string
	lang string
}

func (ta *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &client{t: ta.t, ta: ta, http: hc, lang: "en"}
}

// loggedIn returns a client logged in as email.
func (ta *testApp) loggedIn(email string) *client {
	c := ta.client()
	c.login(email, testPassword)
	return c
}

type resp struct {
	t      *testing.T
	Status int
	Body   string
	Header http.Header
}

// Doc parses the body as HTML.
func (r *resp) Doc() *goquery.Document {
	r.t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		r.t.Fatal(err)
	}
	return d
}

// Location is the redirect target.
func (r *resp) Location() string { return r.Header.Get("Location") }

// want fails the test unless the status matches.
func (r *resp) want(status int) *resp {
	r.t.Helper()
	if r.Status != status {
		body := r.Body
		if len(body) > 1500 {
			body = body[:1500]
		}
		r.t.Fatalf("status %d, want %d; location %q\n%s", r.Status, status, r.Location(), body)
	}
	return r
}

// fieldError returns the message shown for a form field.
func (r *resp) fieldError(field string) string {
	return strings.TrimSpace(r.Doc().Find(`[data-error-for="` + field + `"]`).Text())
}

func (c *client) do(req *http.Request) *resp {
	c.t.Helper()
	req.Header.Set("Accept-Language", c.lang)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := &resp{t: c.t, Status: res.StatusCode, Body: string(b), Header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if tok, ok := r.Doc().Find(`input[name="_csrf"]`).First().Attr("value"); ok && tok != "" {
			c.csrf = tok
		}
	}
	return r
}

func (c *client) get(path string, headers ...string) *resp {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.ta.srv.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// ensureCSRF loads a page to obtain a token when the client has none yet.
func (c *client) ensureCSRF() {
	if c.csrf == "" {
		c.get("/login")
	}
	if c.csrf == "" { // logged in: /login redirects; any page's forms carry the session's token
		c.get("/account/password")
	}
}

// post sends a form with the scraped CSRF token.
func (c *client) post(path string, form url.Values, headers ...string) *resp {
	c.t.Helper()
	c.ensureCSRF()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.ta.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// upload is one file part of a multipart form.
type upload struct {
	Field, Name string
	Data        []byte
}

// postMultipart sends fields and files with the CSRF token.
func (c *client) postMultipart(path string, form url.Values, files ...upload) *resp {
	c.t.Helper()
	c.ensureCSRF()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile(f.Field, f.Name)
		_, _ = fw.Write(f.Data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.ta.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func (c *client) login(email, password string) {
	c.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d\n%s", email, r.Status, r.Body)
	}
	c.csrf = ""
}

// pngBytes is a real 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")

// pdfBytes starts like a PDF.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// pngOf encodes a w×h PNG, for uploads with minimum dimensions.
func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
