package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sellercenter/models"
)

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")

// waitOutbox polls the dev outbox page until a message matching re appears.
func (b *browser) waitOutbox(re *regexp.Regexp) []string {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b.open("/dev/outbox")
		body, _ := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(`[data-testid="outbox"]`)))
		if m := re.FindStringSubmatch(body); m != nil {
			return m
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.t.Fatalf("no outbox message matching %s", re)
	return nil
}

func (b *browser) logout() {
	b.t.Helper()
	b.submit(`[data-testid="logout"]`)
}

func (b *browser) login(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill(map[string]string{"email": email, "password": password})
	b.submit(`[data-testid="login-submit"]`)
}

func TestMerchantOnboardingJourney(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin, err := srv.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "reviewer@example.com", Password: "reviewer-password",
		Role: models.RoleReviewer, IsAdmin: true, Name: "Reviewer", Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = admin
	licence := filepath.Join(t.TempDir(), "licence.png")
	if err := os.WriteFile(licence, pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv, "zh-CN")

	// Register and verify the email through the mailed link.
	b.open("/register")
	b.screenshot("01-register")
	b.fill(map[string]string{"email": "merchant@example.com", "name": "张经理", "password": "merchant-password", "confirm": "merchant-password"})
	b.click(`input[name="agree"]`)
	b.submit(`[data-testid="register-submit"]`)
	if p := b.path(); p != "/seller" {
		t.Fatalf("after registration at %s", p)
	}
	m := b.waitOutbox(regexp.MustCompile(`(/verify-email\?token=[0-9a-f]+)`))
	b.open(m[1])
	b.open("/seller")
	b.screenshot("02-overview-new")
	if st := b.attr(`[data-testid="step-account"]`, "data-state"); st != "done" {
		t.Fatalf("account step %q after verification", st)
	}

	// Real-name authentication by certificate upload.
	b.open("/seller/realname/new")
	b.fill(map[string]string{"name": "示例云科技有限公司", "cert_number": "91350100M000100Y43", "legal_rep_name": "张三"})
	b.upload("file_licence", licence)
	b.screenshot("03-realname-form")
	b.submit(`[data-testid="realname-submit"]`)
	if got := b.attr(`[data-testid="realname-status"]`, "class"); !strings.Contains(got, "badge-yellow") {
		t.Fatalf("real-name badge %q", got)
	}
	b.screenshot("04-realname-in-review")
}
