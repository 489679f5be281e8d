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

// acceptConfirms makes the page's confirm() dialogs answer yes.
func (b *browser) acceptConfirms() {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("window.confirm = () => true; true")); err != nil {
		b.t.Fatalf("override confirm: %v", err)
	}
}

// approveFirst opens the first item of a reviewer queue and approves it.
func (b *browser) approveFirst(queue, shot string) {
	b.t.Helper()
	b.open(queue)
	b.screenshot(shot + "-queue")
	b.submit(`[data-testid="queue-row"] a`)
	b.screenshot(shot + "-detail")
	b.acceptConfirms()
	b.submit(`[data-testid="approve"]`)
	b.waitFor(`[data-testid="flash-success"]`)
}

// waitFor waits until an element is visible.
func (b *browser) waitFor(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.screenshot("failed-wait")
		b.t.Fatalf("wait for %s on %s: %v", sel, b.path(), err)
	}
}

func (b *browser) switchLocale(lang string) {
	b.t.Helper()
	// app.js submits the switcher's form when its value changes.
	b.markStale()
	b.do("choose locale", chromedp.SetValue(chromedp.CSS(`#locale-switch`), lang))
	b.waitFresh("locale switch")
	if got := b.attr("html", "lang"); got != lang {
		b.t.Fatalf("page language %q after switching to %s", got, lang)
	}
}

func TestMerchantOnboardingJourney(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	if _, err := srv.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "reviewer@example.com", Password: "reviewer-password",
		Role: models.RoleReviewer, IsAdmin: true, Name: "Reviewer", Verified: true}); err != nil {
		t.Fatal(err)
	}
	licence := filepath.Join(t.TempDir(), "licence.png")
	if err := os.WriteFile(licence, pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv, "en")

	// Register and verify the email through the mailed link.
	b.open("/register")
	b.screenshot("01-register")
	b.fill(map[string]string{"email": "merchant@example.com", "name": "张经理", "password": "merchant-password", "confirm": "merchant-password"})
	b.click(`input[name="agree"]`)
	b.submit(`[data-testid="register-submit"]`)
	if p := b.path(); p != "/login" {
		t.Fatalf("after registration at %s", p)
	}
	m := b.waitOutbox(regexp.MustCompile(`(/verify-email\?token=[0-9a-f]+)`))
	b.open(m[1])
	b.login("merchant@example.com", "merchant-password")
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
	b.logout()

	// The reviewer approves it.
	b.login("reviewer@example.com", "reviewer-password")
	b.screenshot("05-admin-dashboard")
	b.approveFirst("/admin/realname", "06-admin-realname")
	b.logout()

	// The onboarding application with the agreement.
	b.login("merchant@example.com", "merchant-password")
	b.open("/seller/application")
	b.fill(map[string]string{"website": "https://www.example.com", "employees": "50", "years_in_business": "6",
		"registered_capital": "1000000", "intro": "我们为企业提供云端协同办公软件与实施服务。", "contact_name": "张三",
		"contact_mobile": "13800138000", "contact_email": "biz@example.com", "service_email": "service@example.com",
		"service_phone": "400-820-1234", "address": "北京市海淀区", "signer_name": "张三"})
	b.click(`input[name="product_types"][value="saas"]`)
	b.click(`input[name="agree"]`)
	b.upload("licence", licence)
	b.screenshot("07-application-form")
	b.submit(`[data-testid="application-submit"]`)
	if got := b.attr(`[data-testid="application-status"]`, "class"); !strings.Contains(got, "badge-yellow") {
		t.Fatalf("application badge %q", got)
	}
	b.logout()
	b.login("reviewer@example.com", "reviewer-password")
	b.approveFirst("/admin/applications", "08-admin-application")
	b.logout()

	// The business information certification wizard, in Chinese.
	b.login("merchant@example.com", "merchant-password")
	b.switchLocale("zh-CN")
	b.open("/seller/certification")
	b.fill(map[string]string{"credit_code": "91350100M000100Y43", "registered_addr": "北京市海淀区示例路 1 号",
		"finance_name": "赵会计", "finance_phone": "13900139000", "finance_email": "finance@example.com"})
	b.do("choose taxpayer", chromedp.SetValue(chromedp.CSS(`select[name="taxpayer_type"]`), "general"),
		chromedp.SetValue(chromedp.CSS(`select[name="invoice_type"]`), "vat_special"))
	b.screenshot("09-certification-basics-zh")
	b.submit(`[data-testid="cert-next"]`)
	b.fill(map[string]string{"bank_name": "中国工商银行", "bank_branch": "北京海淀支行", "bank_account": "0200001234567890123"})
	b.submit(`[data-testid="cert-next"]`)
	b.click(`input[name="has_related_supplier"][value="no"]`)
	b.submit(`[data-testid="cert-next"]`)
	b.submit(`[data-testid="cert-request-deposit"]`)
	amount := b.waitOutbox(regexp.MustCompile(`\+(\d+\.\d{2}) CNY`))[1]
	b.open("/seller/certification/transfer")
	b.fill(map[string]string{"amount": amount})
	b.screenshot("10-certification-transfer-zh")
	b.submit(`[data-testid="cert-confirm-amount"]`)
	b.submit(`[data-testid="cert-submit"]`)
	if got := b.attr(`[data-testid="certification-status"]`, "class"); !strings.Contains(got, "badge-yellow") {
		t.Fatalf("certification badge %q", got)
	}
	b.logout()
	b.login("reviewer@example.com", "reviewer-password")
	b.approveFirst("/admin/certifications", "11-admin-certification")
	b.open("/admin/settings")
	b.screenshot("14-admin-settings-zh")
	b.open("/admin/audit")
	b.screenshot("15-admin-audit-zh")
	b.logout()

	// Onboarding is complete: the merchant is active.
	b.login("merchant@example.com", "merchant-password")
	b.open("/seller")
	b.waitFor(`[data-testid="merchant-active"]`)
	if st := b.attr(`[data-testid="step-active"]`, "data-state"); st != "done" {
		t.Fatalf("active step %q", st)
	}
	if badge := b.text(`[data-testid="unread-badge"]`); badge != "3" {
		t.Fatalf("unread badge %q, want 3", badge)
	}
	if lang := b.attr("html", "lang"); lang != "zh-CN" {
		t.Fatalf("page language %q after switching to Chinese", lang)
	}
	b.screenshot("12-overview-active-zh")
	b.open("/inbox")
	b.screenshot("13-inbox-zh")
	mm, err := srv.Store.UserByEmail(ctx, "merchant@example.com")
	if err != nil {
		t.Fatal(err)
	}
	merchant, _ := srv.Store.MerchantByID(ctx, *mm.MerchantID)
	if !merchant.Active() {
		t.Fatal("the merchant is not active in the database")
	}
}
