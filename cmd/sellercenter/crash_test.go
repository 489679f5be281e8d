package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// The test binary doubles as the server: with SC_CRASH_CHILD set it runs main() with its
// arguments instead of the tests, so the crash test can kill -9 a real server process.
func TestMain(m *testing.M) {
	if os.Getenv("SC_CRASH_CHILD") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashServer is one run of the real server on dataDir.
type crashServer struct {
	cmd  *exec.Cmd
	base string
}

func startCrashServer(t *testing.T, dataDir string) *crashServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "serve")
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "SC_") && !strings.HasPrefix(kv, "ADDR=") && !strings.HasPrefix(kv, "DATA_DIR=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "SC_CRASH_CHILD=1", "DATA_DIR="+dataDir, "ADDR="+addr, "SC_WORKERS=false")
	logf, err := os.OpenFile(filepath.Join(dataDir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &crashServer{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// The first start seeds the demo year (its SaaS orders provisioned as they happen),
	// which under the race detector, beside the other packages' tests, takes a while.
	deadline := time.Now().Add(240 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dataDir, "server.log"))
	t.Fatalf("the server did not start:\n%s", log)
	return nil
}

// kill ends the server the hard way: no shutdown, no flush.
func (s *crashServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

var alertText = regexp.MustCompile(`(?s)role="alert"[^>]*>(.*?)</`)

// alerts are the messages of a page, for a failure report.
func alerts(page string) string {
	var out []string
	for _, m := range alertText.FindAllStringSubmatch(page, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return strings.Join(out, " | ")
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// buyerClient logs the demo buyer in and returns a client that does not follow
// redirects, with the CSRF token of its session.
func buyerClient(t *testing.T, base, dataDir string) (*http.Client, string) {
	t.Helper()
	logins, err := os.ReadFile(filepath.Join(dataDir, "demo-logins.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var password string
	sc := bufio.NewScanner(strings.NewReader(string(logins)))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 3 && f[0] == "buyer" {
			password = f[2]
		}
	}
	if password == "" {
		t.Fatalf("no buyer in the demo logins:\n%s", logins)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body := new(strings.Builder)
	_, _ = bufio.NewReader(res.Body).WriteTo(body)
	res.Body.Close()
	m := csrfInput.FindStringSubmatch(body.String())
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	res, err = c.PostForm(base+"/login", url.Values{"_csrf": {m[1]}, "email": {"buyer@demo.sellercenter.local"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login answered %d", res.StatusCode)
	}
	// The session is new after login, and so is its token: a page's forms carry it.
	res, err = c.Get(base + "/account/password")
	if err != nil {
		t.Fatal(err)
	}
	body.Reset()
	_, _ = bufio.NewReader(res.Body).WriteTo(body)
	res.Body.Close()
	if m = csrfInput.FindStringSubmatch(body.String()); m == nil {
		t.Fatal("no CSRF token after login")
	}
	return c, m[1]
}

// TestAcknowledgedPurchasesSurviveKill9 is quality bar R1: buyers place orders against
// the real server while it is killed with SIGKILL at a random moment; every order the
// server acknowledged (a redirect to the new order) is in the database afterwards, the
// database passes its integrity check, and the server starts again on it. The ledger of
// acknowledged orders is kept here, outside the database.
func TestAcknowledgedPurchasesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the server several times")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sellercenter.db")
	var ledger []string
	var sku, product string
	const rounds = 3
	for round := 0; round < rounds; round++ {
		srv := startCrashServer(t, dir)
		if sku == "" {
			db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			err = db.QueryRow(`SELECT p.id, s.sku_code FROM specs s JOIN products p ON p.id = s.product_id
				WHERE p.type = 'saas' AND p.listing = 'ON_SALE' ORDER BY s.id LIMIT 1`).Scan(&product, &sku)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		client, token := buyerClient(t, srv.base, dir)
		var mu sync.Mutex
		acked := 0
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					form := url.Values{"_csrf": {token}, "product": {product}, "sku": {sku}, "period": {"month"}, "count": {"1"},
						"quantity": {"1"}, "key": {fmt.Sprintf("crash-%02d-%02d-%08d", round, w, i)}}
					res, err := client.PostForm(srv.base+"/buyer/orders", form)
					if err != nil {
						continue // the server is gone: not acknowledged
					}
					loc := res.Header.Get("Location")
					if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/buyer/orders/CS") {
						body := new(strings.Builder)
						_, _ = bufio.NewReader(res.Body).WriteTo(body)
						res.Body.Close()
						t.Errorf("purchase answered %d %q: %s", res.StatusCode, loc, alerts(body.String()))
						return
					}
					res.Body.Close()
					mu.Lock()
					ledger = append(ledger, strings.TrimPrefix(loc, "/buyer/orders/"))
					acked++
					mu.Unlock()
				}
			}()
		}
		// Kill once writes are flowing, at a random point of the stream.
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := acked
			mu.Unlock()
			if n >= 5 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		srv.kill(t)
		stop()
		wg.Wait()
		if acked < 5 {
			t.Fatalf("round %d: only %d purchases acknowledged before the kill", round, acked)
		}
		checkAfterCrash(t, dbPath, ledger)
	}
	// The server starts again on the database the last kill left.
	startCrashServer(t, dir).kill(t)
	t.Logf("%d acknowledged purchases over %d kills, all present", len(ledger), rounds)
}

// checkAfterCrash opens the database as the next start would (recovering the WAL) and
// checks its integrity and that every acknowledged order is there.
func checkAfterCrash(t *testing.T, dbPath string, ledger []string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check after kill -9: %q (%v)", check, err)
	}
	missing := 0
	for _, no := range ledger {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM orders WHERE order_no = ?", no).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged orders lost by kill -9", missing, len(ledger))
	}
	var lines int
	if err := db.QueryRow(`SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)`).Scan(&lines); err != nil {
		t.Fatal(err)
	}
	if lines != 0 {
		t.Fatalf("%d orders without their line after kill -9: a purchase was half-saved", lines)
	}
}

// TestShutdownFinishesARequestInFlight is quality bar R5 for requests: SIGTERM arrives
// while a purchase is half sent (its headers read, half of its form still on the way).
// The server stops taking connections at once, but answers that purchase when the rest
// arrives, commits it, and exits cleanly.
func TestShutdownFinishesARequestInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	dir := t.TempDir()
	srv := startCrashServer(t, dir)
	var product, sku string
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "sellercenter.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	err = db.QueryRow(`SELECT p.id, s.sku_code FROM specs s JOIN products p ON p.id = s.product_id
		WHERE p.type = 'saas' AND p.listing = 'ON_SALE' ORDER BY s.id LIMIT 1`).Scan(&product, &sku)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	client, token := buyerClient(t, srv.base, dir)
	u, _ := url.Parse(srv.base)
	var cookies []string
	for _, ck := range client.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	body := url.Values{"_csrf": {token}, "product": {product}, "sku": {sku}, "period": {"month"}, "count": {"1"}, "quantity": {"1"},
		"key": {"shutdown-in-flight-0001"}}.Encode()
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /buyer/orders HTTP/1.1\r\nHost: " + u.Host + "\r\nCookie: " + strings.Join(cookies, "; ") +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\nConnection: close\r\n\r\n"
	half := len(body) / 2
	if _, err := conn.Write([]byte(head + body[:half])); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server has read the headers: the request is in flight
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// New connections are refused while the request waits.
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Fatal("the server still accepts connections after SIGTERM")
	}
	if _, err := conn.Write([]byte(body[half:])); err != nil {
		t.Fatalf("the request in flight was cut off: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/buyer/orders/CS") {
		t.Fatalf("the request in flight answered %d %q", res.StatusCode, loc)
	}
	done := make(chan error, 1)
	go func() { done <- srv.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the server did not exit cleanly: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop within 30 s of SIGTERM")
	}
	checkAfterCrash(t, filepath.Join(dir, "sellercenter.db"), []string{strings.TrimPrefix(loc, "/buyer/orders/")})
	log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
	if !strings.Contains(string(log), "shutting down") {
		t.Fatalf("the server log does not say it shut down:\n%s", log)
	}
}
