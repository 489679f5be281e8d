package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// seeded is a data directory with the demo year, made once by the first test that needs
// one; each test works on its own copy.
var seeded struct {
	once sync.Once
	dir  string
	err  error
}

// seededCopy returns a fresh copy of a data directory holding the demo year.
func seededCopy(t *testing.T) string {
	t.Helper()
	seeded.once.Do(func() {
		if seeded.dir, seeded.err = os.MkdirTemp("", "sellercenter-seeded-"); seeded.err != nil {
			return
		}
		seeded.err = errors.New("the first seeding failed") // until it has finished
		srv := startCrashServer(t, seeded.dir)
		if seeded.err = srv.cmd.Process.Signal(syscall.SIGTERM); seeded.err == nil {
			seeded.err = srv.cmd.Wait()
		}
	})
	if seeded.err != nil {
		t.Fatalf("seeding the demo year: %v", seeded.err)
	}
	dir := t.TempDir()
	err := filepath.WalkDir(seeded.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(seeded.dir, path)
		to := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// crashServer is one run of the real server on dataDir.
type crashServer struct {
	cmd  *exec.Cmd
	base string
}

// startCrashServer starts the server on dataDir (seeding the demo year if it is empty),
// without the job worker and pool unless extraEnv turns them on.
func startCrashServer(t *testing.T, dataDir string, extraEnv ...string) *crashServer {
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
	cmd.Env = append(append(env, "SC_CRASH_CHILD=1", "DATA_DIR="+dataDir, "ADDR="+addr, "SC_WORKERS=false"), extraEnv...)
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
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
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
	// A login checks a bcrypt hash: slow under the race detector beside other packages.
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
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
	dir := seededCopy(t)
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
	dir := seededCopy(t)
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

// merchantProxy stands for a merchant's system in front of the server's own reference
// endpoint: it passes calls on and their answers back; for one order it keeps the
// first answer (the merchant has made the instance) from reaching the platform, so the
// platform can be killed while that call is in flight.
type merchantProxy struct {
	mu      sync.Mutex
	target  string // the running server's reference endpoint
	order   string // the order whose first call is held
	calls   int    // newInstance calls about that order
	held    chan string
	heldOne bool
}

func (p *merchantProxy) current() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.target
}

func (p *merchantProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	// V1 carries the parameters in the query, V2 in a JSON body.
	var v2 struct{ Activity, OrderID string }
	_ = json.Unmarshal(body, &v2)
	q := r.URL.Query()
	activity, order := cmp.Or(q.Get("activity"), v2.Activity), cmp.Or(q.Get("orderId"), v2.OrderID)
	// Between a kill and the next start there is no server to pass calls to: wait for it.
	for deadline := time.Now().Add(4 * time.Second); p.current() == "" && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	p.mu.Lock()
	target, mine := p.target, p.order != "" && order == p.order && activity == "newInstance"
	if mine {
		p.calls++
	}
	hold := mine && !p.heldOne
	if hold {
		p.heldOne = true
	}
	p.mu.Unlock()
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target+"?"+r.URL.RawQuery, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if hold {
		// The merchant has answered; the platform never hears it.
		p.held <- string(reply)
		<-r.Context().Done()
		return
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(reply)
}

// TestProvisioningSurvivesKill9: the server is killed with SIGKILL while a production
// call is in flight (the merchant has made the instance, the platform has not heard the
// answer). After the restart the call is sent again once its lease has ended, with the
// same order; the merchant answers with the same instance; the attempt is recorded once
// and the order completes.
func TestProvisioningSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the server")
	}
	dir := seededCopy(t)
	dbPath := filepath.Join(dir, "sellercenter.db")
	rw, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	var product, sku string
	var address int64
	err = rw.QueryRow(`SELECT p.id, s.sku_code, a.id FROM products p JOIN specs s ON s.product_id = p.id
		JOIN production_addresses a ON a.id = p.saas_address_id
		WHERE p.type = 'saas' AND p.listing = 'ON_SALE' AND p.content LIKE '%"provision_mode":"on_purchase"%'
		ORDER BY s.id LIMIT 1`).Scan(&product, &sku, &address)
	if err != nil {
		t.Fatalf("no SaaS product provisioned on purchase in the demo: %v", err)
	}
	proxy := &merchantProxy{held: make(chan string, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &http.Server{Handler: proxy, ReadHeaderTimeout: 5 * time.Second}
	go ps.Serve(ln)
	defer ps.Close()
	if _, err := rw.Exec(`UPDATE production_addresses SET url = ? WHERE id = ?`, "http://"+ln.Addr().String()+"/saas", address); err != nil {
		t.Fatal(err)
	}

	srv := startCrashServer(t, dir, "SC_WORKERS=true")
	proxy.mu.Lock()
	proxy.target = srv.base + "/saasdemo"
	proxy.mu.Unlock()
	client, token := buyerClient(t, srv.base, dir)
	res, err := client.PostForm(srv.base+"/buyer/orders", url.Values{"_csrf": {token}, "product": {product}, "sku": {sku}, "period": {"month"},
		"count": {"1"}, "quantity": {"1"}, "key": {"kill9-provisioning-0001"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/buyer/orders/CS") {
		t.Fatalf("purchase answered %d %q", res.StatusCode, loc)
	}
	orderNo := strings.TrimPrefix(loc, "/buyer/orders/")
	proxy.mu.Lock()
	proxy.order = orderNo
	proxy.mu.Unlock()
	if res, err = client.PostForm(srv.base+loc+"/pay", url.Values{"_csrf": {token}}); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("payment answered %d", res.StatusCode)
	}
	var reply string
	select {
	case reply = <-proxy.held:
	case <-time.After(60 * time.Second):
		t.Fatal("the paid order's call did not reach the merchant within a minute")
	}
	var first struct {
		ResultCode string `json:"resultCode"`
		InstanceID string `json:"instanceId"`
	}
	if err := json.Unmarshal([]byte(reply), &first); err != nil || first.ResultCode != "000000" || first.InstanceID == "" {
		t.Fatalf("the merchant's first answer %q (%v): want a made instance", reply, err)
	}
	proxy.mu.Lock()
	proxy.target = ""
	proxy.mu.Unlock()
	srv.kill(t)

	// Killed mid-call: nothing of the attempt is recorded, the job is still leased.
	var callID, jobID int64
	var status string
	var attempts int
	if err := rw.QueryRow(`SELECT c.id, c.status, c.attempts FROM saas_calls c JOIN orders o ON o.id = c.order_id WHERE o.order_no = ? AND c.purpose = 'new'`, orderNo).
		Scan(&callID, &status, &attempts); err != nil {
		t.Fatal(err)
	}
	if status == "SUCCEEDED" || attempts != 0 {
		t.Fatalf("after the kill the call is %s with %d attempts recorded; the answer never reached the platform", status, attempts)
	}
	if err := rw.QueryRow(`SELECT id FROM jobs WHERE kind = 'saas_call' AND status = 'running' AND payload LIKE ?`, fmt.Sprintf(`%%"call_id":%d,%%`, callID)).Scan(&jobID); err != nil {
		t.Fatalf("the interrupted call's job is not held by the killed server: %v", err)
	}
	// Its lease ends (as it would after the pool's lease time).
	if _, err := rw.Exec(`UPDATE jobs SET locked_until = ? WHERE id = ?`, time.Now().UTC().Add(-time.Second), jobID); err != nil {
		t.Fatal(err)
	}

	srv = startCrashServer(t, dir, "SC_WORKERS=true")
	proxy.mu.Lock()
	proxy.target = srv.base + "/saasdemo"
	proxy.mu.Unlock()
	var instanceID, instStatus string
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := rw.QueryRow(`SELECT i.instance_id, i.status FROM saas_instances i JOIN orders o ON o.id = i.order_id WHERE o.order_no = ?`, orderNo).
			Scan(&instanceID, &instStatus)
		if err == nil && instStatus == "ACTIVE" {
			break
		}
		if time.Now().After(deadline) {
			var state []string
			rows, _ := rw.Query(`SELECT j.status, j.attempts, j.locked_until, j.last_error, c.status, c.attempts, c.problem FROM jobs j, saas_calls c
				WHERE c.id = ? AND j.kind = 'saas_call' AND j.payload LIKE '%"call_id":' || c.id || ',%'`, callID)
			for rows != nil && rows.Next() {
				var js, ce, cs, cp string
				var ja, ca int
				var lu sql.NullString
				_ = rows.Scan(&js, &ja, &lu, &ce, &cs, &ca, &cp)
				state = append(state, fmt.Sprintf("job %s (%d tries, lease %s, %q), call %s (%d attempts, %q)", js, ja, lu.String, ce, cs, ca, cp))
			}
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("the instance is %q (%v) a minute after the restart; %s\n%s", instStatus, err, strings.Join(state, "; "), log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.kill(t)
	if instanceID != first.InstanceID {
		t.Errorf("instance %q after the resend, the merchant made %q: a second instance", instanceID, first.InstanceID)
	}
	proxy.mu.Lock()
	calls := proxy.calls
	proxy.mu.Unlock()
	if calls != 2 {
		t.Errorf("the merchant got %d newInstance calls about the order, want 2 (the interrupted one and its resend)", calls)
	}
	// Recorded once: one newInstance attempt (a V2 merchant is then asked for the
	// instance with queryInstance, recorded as the call's next attempt).
	var recorded int
	var orderStatus string
	if err := rw.QueryRow(`SELECT COUNT(*) FROM saas_attempts WHERE call_id = ? AND activity = 'newInstance'`, callID).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if err := rw.QueryRow(`SELECT c.status, c.attempts, o.status FROM saas_calls c JOIN orders o ON o.id = c.order_id WHERE c.id = ?`, callID).
		Scan(&status, &attempts, &orderStatus); err != nil {
		t.Fatal(err)
	}
	if recorded != 1 || status != "SUCCEEDED" || orderStatus != "COMPLETED" {
		t.Fatalf("after the resend: %d newInstance attempts recorded (%d in all), call %s, order %s; want 1, SUCCEEDED, COMPLETED",
			recorded, attempts, status, orderStatus)
	}
}
