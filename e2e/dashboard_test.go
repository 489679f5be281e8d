package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sellercenter/handlers"
	"sellercenter/internal/seed"
	"sellercenter/internal/testkeys"
)

// startDemoServer starts the server with the demo data seeded before its job worker
// runs, as the real first start does, and returns the passwords by address.
func startDemoServer(t *testing.T) (*server, map[string]string) {
	t.Helper()
	return startDemoServerThen(t, nil)
}

// startDemoServerThen is startDemoServer with then run after the seeding, still before
// the job worker starts.
func startDemoServerThen(t *testing.T, then func(*server)) (*server, map[string]string) {
	t.Helper()
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
		if then != nil {
			then(srv)
		}
	})
	return srv, pw
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
