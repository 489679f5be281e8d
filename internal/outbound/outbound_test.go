package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// All network traffic in these tests goes to 127.0.0.1 only. Addresses from
// documentation space (192.0.2.0/24) are never dialled for real: tests that
// use them inject Options.Dial.

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// fakeResolver answers from a list of answers, one per lookup; the last
// answer repeats.
type fakeResolver struct {
	mu      sync.Mutex
	answers [][]string
	calls   int
}

func (r *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ans := r.answers[min(r.calls, len(r.answers)-1)]
	r.calls++
	var out []net.IPAddr
	for _, s := range ans {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, nil
}

func (r *fakeResolver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

func resolverFor(ips ...string) *fakeResolver { return &fakeResolver{answers: [][]string{ips}} }

// noDial fails the test if the client ever tries to connect.
func noDial(t *testing.T) func(context.Context, string, string) (net.Conn, error) {
	return func(_ context.Context, _, addr string) (net.Conn, error) {
		t.Errorf("unexpected dial to %s", addr)
		return nil, errors.New("dial refused by test")
	}
}

// countingServer is a loopback server that counts requests and answers body.
func countingServer(t *testing.T, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func port(srv *httptest.Server) string {
	_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return p
}

// (1) A public-looking name that resolves to loopback is refused.
func TestHostnameResolvingToLoopbackRefused(t *testing.T) {
	srv, hits := countingServer(t, "internal")
	c := New(Options{Resolver: resolverFor("127.0.0.1"), Timeout: 2 * time.Second})
	_, err := c.Get(testCtx(t), "http://shop.example.com:"+port(srv)+"/", nil)
	if !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("err = %v, want ErrBlockedAddress", err)
	}
	if hits.Load() != 0 {
		t.Fatal("loopback server was reached")
	}
}

// (2) Every blocked range is refused; public addresses are allowed.
func TestBlocked(t *testing.T) {
	for _, s := range []string{
		"127.0.0.1", "127.255.255.254", "::1",
		"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "fc00::1", "fdff::1",
		"169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0",
		"0.0.0.0", "::", "0.1.2.3",
		"224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1",
		"255.255.255.255", "240.0.0.1",
		"100.64.0.1", "100.127.255.255",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
		"::127.0.0.1",
		"64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
		"2002:7f00:0001::1", "2002:a9fe:a9fe::1", "2002:c0a8:0101::",
		"2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
		"fec0::1",
	} {
		if !blocked(netip.MustParseAddr(s)) {
			t.Errorf("%s not blocked", s)
		}
	}
	for _, s := range []string{
		"8.8.8.8", "1.1.1.1", "192.0.2.10", "203.0.113.5", "172.32.0.1", "172.15.255.255",
		"100.63.255.255", "100.128.0.1", "169.253.0.1", "11.0.0.1",
		"2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8",
		"64:ff9b::808:808", "2002:0808:0808::1",
	} {
		if blocked(netip.MustParseAddr(s)) {
			t.Errorf("%s blocked", s)
		}
	}
	var zero netip.Addr
	if !blocked(zero) {
		t.Error("invalid address not blocked")
	}
}

// (2b) Blocked IP literals in URLs are refused without dialling.
func TestLiteralAddressesRefused(t *testing.T) {
	c := New(Options{Resolver: resolverFor(), Dial: noDial(t), Timeout: time.Second})
	for _, u := range []string{
		"http://127.0.0.1/", "http://127.0.0.1:8080/x", "http://[::1]:80/", "https://[::ffff:127.0.0.1]/",
		"http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:9/", "http://[::]/",
		"http://10.1.2.3/", "http://[fe80::1%25eth0]/", "http://[64:ff9b::7f00:1]/", "http://100.64.0.1/",
	} {
		if _, err := c.Get(testCtx(t), u, nil); !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("%s: err = %v, want ErrBlockedAddress", u, err)
		}
	}
}

// (3) All resolved addresses are checked, not just the first.
func TestAnyBlockedAddressRefuses(t *testing.T) {
	srv, hits := countingServer(t, "internal")
	c := New(Options{Resolver: resolverFor("192.0.2.10", "127.0.0.1"), Dial: noDial(t), Timeout: time.Second})
	_, err := c.Get(testCtx(t), "http://shop.example.com:"+port(srv)+"/", nil)
	if !errors.Is(err, ErrBlockedAddress) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("err = %v, want ErrBlockedAddress naming 127.0.0.1", err)
	}
	if hits.Load() != 0 {
		t.Fatal("loopback server was reached")
	}
}

// (4) DNS rebinding: the name is resolved once, and the connection goes to
// the checked address. The first answer is a public documentation address;
// the injected dialler stands in for the network and carries connections for
// that address to a "public" server on loopback. Every later answer is
// 127.0.0.1, where an internal server listens on the port in the URL.
func TestRebindingDialsCheckedAddress(t *testing.T) {
	public, _ := countingServer(t, "public")
	internal, internalHits := countingServer(t, "internal")
	res := &fakeResolver{answers: [][]string{{"192.0.2.10"}, {"127.0.0.1"}}}
	var mu sync.Mutex
	var dialled []string
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		dialled = append(dialled, addr)
		mu.Unlock()
		if host, _, _ := net.SplitHostPort(addr); host != "192.0.2.10" {
			return nil, fmt.Errorf("test: refusing dial to %s", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, public.Listener.Addr().String())
	}
	c := New(Options{Resolver: res, Dial: dial, Timeout: 2 * time.Second})
	url := "http://shop.example.com:" + port(internal) + "/"
	resp, err := c.Get(testCtx(t), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "public" {
		t.Fatalf("body = %q", resp.Body)
	}
	want := "192.0.2.10:" + port(internal)
	mu.Lock()
	if len(dialled) != 1 || dialled[0] != want {
		t.Fatalf("dialled %v, want [%s]", dialled, want)
	}
	mu.Unlock()
	if n := res.count(); n != 1 {
		t.Fatalf("resolver called %d times, want 1", n)
	}

	// A fresh connection resolves again, now gets loopback, and is refused.
	c2 := New(Options{Resolver: res, Dial: dial, Timeout: 2 * time.Second})
	if _, err := c2.Get(testCtx(t), url, nil); !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("rebound lookup: err = %v, want ErrBlockedAddress", err)
	}
	if internalHits.Load() != 0 {
		t.Fatal("internal server was reached")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dialled) != 1 {
		t.Fatalf("dialled %v after refusal", dialled)
	}
}

// (5) With AllowPrivate a loopback server is reached and the body read.
func TestAllowPrivateReachesLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-UA", r.UserAgent())
		w.Header().Set("X-Seen-Token", r.Header.Get("X-Token"))
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), b)
	}))
	defer srv.Close()
	c := New(Options{AllowPrivate: true, Timeout: 2 * time.Second})

	resp, err := c.Get(testCtx(t), srv.URL+"/check?x=1", http.Header{"X-Token": {"abc"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusAccepted || string(resp.Body) != "GET /check?x=1 " ||
		resp.Header.Get("X-Seen-UA") != "SellerCenter" || resp.Header.Get("X-Seen-Token") != "abc" {
		t.Fatalf("got %d %q %v", resp.Status, resp.Body, resp.Header)
	}

	resp, err = c.Post(testCtx(t), srv.URL+"/p", http.Header{"Content-Type": {"application/json"}}, []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `POST /p {"a":1}` {
		t.Fatalf("body = %q", resp.Body)
	}

	// A hostname resolving to loopback is allowed too.
	c = New(Options{AllowPrivate: true, Resolver: resolverFor("127.0.0.1"), Timeout: 2 * time.Second})
	if _, err := c.Get(testCtx(t), "http://dev.example.com:"+port(srv)+"/", nil); err != nil {
		t.Fatal(err)
	}
}

// (6) Redirects are returned as ErrRedirect, never followed.
func TestRedirectNotFollowed(t *testing.T) {
	var followed atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/target", http.StatusFound)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) { followed.Add(1) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := New(Options{AllowPrivate: true, Timeout: 2 * time.Second})
	for _, call := range []func() (*Response, error){
		func() (*Response, error) { return c.Get(testCtx(t), srv.URL+"/start", nil) },
		func() (*Response, error) { return c.Post(testCtx(t), srv.URL+"/start", nil, []byte("x")) },
	} {
		resp, err := call()
		if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "/target") || resp != nil {
			t.Fatalf("err = %v, resp = %v; want ErrRedirect naming /target", err, resp)
		}
	}
	if followed.Load() != 0 {
		t.Fatal("redirect was followed")
	}
}

// (7) A body over MaxBody is an error, with or without Content-Length.
func TestBodyTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 100
		if r.URL.Path == "/big" {
			n = 101
		}
		if r.URL.Query().Has("chunked") {
			w.(http.Flusher).Flush() // no Content-Length
		}
		io.WriteString(w, strings.Repeat("a", n))
	}))
	defer srv.Close()
	c := New(Options{AllowPrivate: true, MaxBody: 100, Timeout: 2 * time.Second})
	for _, q := range []string{"", "?chunked=1"} {
		resp, err := c.Get(testCtx(t), srv.URL+"/ok"+q, nil)
		if err != nil || len(resp.Body) != 100 {
			t.Fatalf("at limit%s: err = %v", q, err)
		}
		if _, err := c.Get(testCtx(t), srv.URL+"/big"+q, nil); !errors.Is(err, ErrBodyTooLarge) {
			t.Fatalf("over limit%s: err = %v, want ErrBodyTooLarge", q, err)
		}
	}
}

// (8) A slow server (slow headers or a trickling body) times out promptly.
func TestSlowServerTimesOut(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/trickle" {
			for range 50 {
				io.WriteString(w, "x")
				w.(http.Flusher).Flush()
				select {
				case <-time.After(100 * time.Millisecond):
				case <-r.Context().Done():
					return
				case <-done:
					return
				}
			}
			return
		}
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)
	c := New(Options{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	for _, path := range []string{"/sleep", "/trickle"} {
		start := time.Now()
		_, err := c.Get(testCtx(t), srv.URL+path, nil)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("%s: err = %v, want ErrTimeout", path, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%s: returned after %v", path, d)
		}
	}
	// The caller's own deadline counts as a timeout too.
	c = New(Options{AllowPrivate: true, Timeout: 5 * time.Second})
	ctx, cancel := context.WithTimeout(testCtx(t), 200*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, srv.URL+"/sleep", nil); !errors.Is(err, ErrTimeout) {
		t.Fatalf("caller deadline: err = %v, want ErrTimeout", err)
	}
}

// (9) Garbage answers and reset connections give an error, not a hang.
func TestGarbageAndResetFail(t *testing.T) {
	for name, serve := range map[string]func(net.Conn){
		"garbage": func(c net.Conn) {
			buf := make([]byte, 1024)
			c.Read(buf)
			c.Write([]byte("\x00\xffNOT HTTP AT ALL\r\n\r\n\x16\x03"))
			c.Close()
		},
		"reset": func(c net.Conn) {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		},
		"truncated": func(c net.Conn) {
			buf := make([]byte, 1024)
			c.Read(buf)
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort"))
			c.Close()
		},
		"silent": func(c net.Conn) {
			time.Sleep(time.Second)
			c.Close()
		},
	} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					conn.SetDeadline(time.Now().Add(3 * time.Second))
					go serve(conn)
				}
			}()
			c := New(Options{AllowPrivate: true, Timeout: 500 * time.Millisecond})
			start := time.Now()
			resp, err := c.Get(testCtx(t), "http://"+ln.Addr().String()+"/", nil)
			if err == nil {
				t.Fatalf("no error, resp = %+v", resp)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("returned after %v", d)
			}
		})
	}
}

// (10) Only http and https URLs with a host and without credentials.
func TestBadURLs(t *testing.T) {
	c := New(Options{AllowPrivate: true, Resolver: resolverFor("127.0.0.1"), Dial: noDial(t)})
	for _, u := range []string{
		"ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://example.com:70/",
		"data:text/plain,hi", "//example.com/", "/relative", "", "example.com",
		"http://user:pass@example.com/", "https://user@example.com/", "http://:80/", "http:///x",
		"http:example.com", "http://exa mple.com/", "http://[::1/", "http://example.com:port/",
	} {
		if _, err := c.Get(testCtx(t), u, nil); !errors.Is(err, ErrScheme) {
			t.Errorf("%q: err = %v, want ErrScheme", u, err)
		}
		if _, err := c.Post(testCtx(t), u, nil, nil); !errors.Is(err, ErrScheme) {
			t.Errorf("POST %q: err = %v, want ErrScheme", u, err)
		}
		if err := ValidateURL(u); !errors.Is(err, ErrScheme) {
			t.Errorf("ValidateURL(%q) = %v", u, err)
		}
	}
	for _, u := range []string{"http://example.com", "HTTPS://Example.com:8443/p?q=1"} {
		if err := ValidateURL(u); err != nil {
			t.Errorf("ValidateURL(%q) = %v", u, err)
		}
	}
}

// Proxies from the environment are never used.
func TestNoProxy(t *testing.T) {
	c := New(Options{})
	if tr := c.http.Transport.(*http.Transport); tr.Proxy != nil || tr.TLSClientConfig.InsecureSkipVerify {
		t.Fatal("transport must not use a proxy nor skip TLS verification")
	}
}

// Errors name only the host, never the query string.
func TestErrorsOmitQuery(t *testing.T) {
	c := New(Options{Resolver: resolverFor("127.0.0.1"), Timeout: time.Second})
	_, err := c.Get(testCtx(t), "http://shop.example.com/verify?token=s3cret", nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("err = %v", err)
	}
}
