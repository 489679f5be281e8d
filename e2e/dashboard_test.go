package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sellercenter/handlers"
	"sellercenter/internal/seed"
	"sellercenter/internal/testdb"
	"sellercenter/internal/testkeys"
)

// startDemoServer starts the server with the demo data seeded before its job worker
// runs, as the real first start does, and returns the passwords by address.
func startDemoServer(t *testing.T) (*server, map[string]string) {
	t.Helper()
	return startDemoServerThen(t, nil)
}

// demo is the demo data as the first demo server of the process seeded it: its database,
// blobs and passwords, which the demo servers after it copy instead of seeding a year of
// history again. They listen on the same port, as the demo's addresses name the
// server's URL; when the port is taken, a server seeds its own.
var demo struct {
	mu     sync.Mutex
	ready  bool
	snap   testdb.Snapshot
	blobs  string
	port   string
	logins map[string]string
}

// startDemoServerThen is startDemoServer with then run after the seeding, still before
// the job worker starts.
func startDemoServerThen(t *testing.T, then func(*server)) (*server, map[string]string) {
	t.Helper()
	demo.mu.Lock()
	defer demo.mu.Unlock()
	if demo.ready {
		if ln, err := net.Listen("tcp", "127.0.0.1:"+demo.port); err == nil {
			srv := startServerFrom(t, testdb.OpenSnapshot(t, demo.snap), ln, func(srv *server) {
				if err := linkTree(demo.blobs, srv.blobDir); err != nil {
					t.Fatal(err)
				}
				if then != nil {
					then(srv)
				}
			})
			return srv, maps.Clone(demo.logins)
		}
	}
	pw := map[string]string{}
	srv := startServerWith(t, func(srv *server) {
		logins, err := seed.DemoWith(context.Background(), srv.Store, func(ctx context.Context, data []byte) (string, error) {
			key, _, err := srv.Blobs.Put(ctx, bytes.NewReader(data), int64(len(data)))
			return key, err
		}, seed.DemoOptions{SaaSAddress: srv.URL + handlers.SaaSDemoPath, RefKey: testkeys.RSA3072()})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range logins {
			if l.Role != "kit" { // the organisation user signs in to the app, not here
				pw[l.Email] = l.Password
			}
		}
		if !demo.ready {
			keepDemo(t, srv, pw)
		}
		if then != nil {
			then(srv)
		}
	})
	return srv, pw
}

// keepDemo keeps the demo data srv has just seeded for the demo servers after it.
func keepDemo(t *testing.T, srv *server, pw map[string]string) {
	t.Helper()
	snap, err := srv.env.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "sellercenter-demo-blobs-")
	if err != nil {
		t.Fatal(err)
	}
	if err := linkTree(srv.blobDir, dir); err != nil {
		t.Fatal(err)
	}
	demo.ready, demo.snap, demo.blobs, demo.port, demo.logins = true, snap, dir, u.Port(), maps.Clone(pw)
}

// linkTree makes every file under src appear at the same place under dst, as a hard link
// (blobs are never changed in place) or, where that fails, a copy.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if os.Link(p, to) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o600)
	})
}

// TestMerchantDayAndReviewerConsole drives what a merchant and a reviewer see first: the
// overview's to-dos lead to the work, the navigation's Publish product leads to the type
// chooser and its form, switching the language keeps the whole address, and the audit log
// reads in the reader's language with merchant suggestions as the reviewer types.
func TestMerchantDayAndReviewerConsole(t *testing.T) {
	srv, pw := startDemoServer(t)

	m := newBrowser(t, srv, "en")
	m.login(seed.DemoMerchantEmail, pw[seed.DemoMerchantEmail])
	m.open("/seller")
	total := m.text(`[data-testid="todo-on-you"]`)
	if total == "0" || m.count(`[data-testid="todos"] li a`) == 0 {
		t.Fatalf("the demo merchant has nothing to do: %s", m.text(`[data-testid="todos"]`))
	}
	if got := m.text(`[data-testid="figure-overview.figure.gmv"]`); !strings.Contains(got, "¥") {
		t.Fatalf("key figures: %q", got)
	}
	m.screenshot("30-overview")
	m.submit(`[data-testid="todo-deliveries"]`)
	if m.path() != "/seller/orders" || m.count(`[data-testid="order-row"]`) == 0 {
		t.Fatalf("the deliveries to-do led to %s", m.path())
	}
	m.submit(`#sidenav a[href="/seller/products/new"]`)
	if m.count(`[data-testid="chooser"] a`) != 5 {
		t.Fatalf("publish chooser offers %d types", m.count(`[data-testid="chooser"] a`))
	}
	m.submit(`[data-testid="choose-license"]`)
	m.switchLocale("zh-CN")
	loc, _ := chromedp.Run(m.ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/seller/products/new?type=license") {
		t.Fatalf("the language switch lost the address: %s", loc)
	}

	r := newBrowser(t, srv, "zh-CN")
	r.login(seed.DemoAdminEmail, pw[seed.DemoAdminEmail])
	r.open("/admin/audit?action=refund")
	if got := r.text(`[data-testid="audit-row"]`); !strings.Contains(got, "售后单") || strings.Contains(got, "refund.") {
		t.Fatalf("audit row in Chinese: %q", got)
	}
	if r.attr(`[data-testid="audit-csv"]`, "href") != "/admin/audit.csv?action=refund" {
		t.Fatal("the CSV download lost the filters")
	}
	r.do("type a merchant", chromedp.SendKeys(chromedp.CSS(`[data-testid="name-filter-merchant"]`), "示例"))
	deadline := time.Now().Add(10 * time.Second)
	for r.count(`#dl-merchant option[value="示例云科技有限公司"]`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no merchant suggestion while typing")
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.screenshot("31-audit-log")
}
