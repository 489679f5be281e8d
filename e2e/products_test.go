package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sellercenter/models"
)

// activeSellerWithSaaSAsset creates a merchant whose onboarding is complete and who owns an
// approved SaaS asset, as the demo merchant does.
func activeSellerWithSaaSAsset(t *testing.T, srv *server, email, password string) {
	t.Helper()
	ctx := context.Background()
	st := srv.Store
	u, err := st.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: email, Password: password, Role: models.RoleMerchant, Name: "商家", Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	now := srv.env.Clock.Now()
	if err := srv.env.DB.W.Model(&models.Merchant{}).Where("id = ?", *u.MerchantID).Updates(map[string]any{"activated_at": now,
		"company_name": "示例云科技有限公司", "real_name_status": models.RealNameVerified, "real_name_subject": models.SubjectEnterprise,
		"application_status": models.ApplicationApproved, "certification_status": models.CertCertified}).Error; err != nil {
		t.Fatal(err)
	}
	act := models.Actor{UserID: u.ID}
	a, err := st.CreateAsset(ctx, act, *u.MerchantID, models.AssetInput{Kind: models.AssetSaaS, Name: "协同办公 SaaS", AssetVersion: "1.0", Domain: "teamwork.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkDomainVerified(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SubmitAsset(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	rev, err := st.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "asset-" + email, Password: password, Role: models.RoleReviewer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DecideAsset(ctx, models.Actor{UserID: rev.ID}, a.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
}

func TestProductPublishingJourney(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	if _, err := srv.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "reviewer@example.com", Password: "reviewer-password",
		Role: models.RoleReviewer, IsAdmin: true, Name: "Reviewer", Verified: true}); err != nil {
		t.Fatal(err)
	}
	activeSellerWithSaaSAsset(t, srv, "seller@example.com", "seller-password")
	dir := t.TempDir()
	img := filepath.Join(dir, "logo.png")
	shot := filepath.Join(dir, "screen.png")
	pdf := filepath.Join(dir, "eula.pdf")
	if err := os.WriteFile(img, pngOf(256, 256), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shot, pngOf(1280, 720), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv, "en")
	b.login("seller@example.com", "seller-password")

	// A new SaaS product with two specs, submitted too early: the checklist says what is missing.
	b.open("/seller/products/new?type=saas")
	b.fill(map[string]string{"name_zh": "协同办公", "name_en": "Teamwork"})
	b.do("category", chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "office"))
	b.submit(`[data-testid="product-create"]`)
	if !strings.HasPrefix(b.path(), "/seller/product-applications/") {
		t.Fatalf("after creating the product at %s", b.path())
	}
	editor := b.path()
	b.fill(map[string]string{"version": "1.0", "summary": "面向团队的协同办公"})
	b.do("specs",
		chromedp.SetValue(chromedp.CSS(`#f-spec_name-0`), "基础版"),
		chromedp.SetValue(chromedp.CSS(`#f-spec_billing-0`), "period"),
		chromedp.SetValue(chromedp.CSS(`#f-spec_year-0`), "999"),
		chromedp.SetValue(chromedp.CSS(`#f-spec_month-0`), "99"),
		chromedp.SetValue(chromedp.CSS(`#f-spec_name-1`), "专业版"),
		chromedp.SetValue(chromedp.CSS(`#f-spec_billing-1`), "period"),
		chromedp.SetValue(chromedp.CSS(`#f-spec_year-1`), "1999"))
	b.submit(`[data-testid="product-save"]`)
	b.submit(`[data-testid="product-submit"]`)
	if n := b.count(`[data-testid="gap"]`); n == 0 {
		t.Fatal("submitting an incomplete product listed no missing items")
	}
	b.screenshot("20-product-checklist")

	// Fix everything and submit.
	b.open(editor)
	b.upload("logo", img)
	b.upload("media", shot)
	b.upload("eula", pdf)
	// The description is written in the rich-text editor: the text typed, then its first
	// word selected and made bold with the toolbar (a selection, unlike a toggled
	// typing style, cannot be outrun by the keystrokes that follow).
	b.do("description", chromedp.WaitVisible(chromedp.CSS(`trix-toolbar .trix-button--icon-bold`)),
		chromedp.SendKeys(chromedp.CSS(`trix-editor`), "Teamwork "+strings.Repeat("团队协同办公，一站式管理任务与文档。", 25)))
	// Every keystroke is in before the selection is made.
	typed := func() bool { return strings.HasSuffix(b.attr(`input[name="description"]`, "value"), "。</div>") }
	for deadline := time.Now().Add(15 * time.Second); !typed() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	bold := func() bool {
		return strings.Contains(b.attr(`input[name="description"]`, "value"), "<strong>Teamwork</strong>")
	}
	for try := 0; try < 3 && !bold(); try++ {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector('trix-editor'); e.focus(); e.editor.setSelectedRange([0, 8]); return true })()`)); err != nil {
			t.Fatalf("select the first word: %v", err)
		}
		b.do("bold", chromedp.Click(chromedp.CSS(`trix-toolbar .trix-button--icon-bold`)))
		for deadline := time.Now().Add(3 * time.Second); !bold() && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if tab, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('trix-toolbar button[tabindex="-1"]').length`)); tab != 0 {
		t.Errorf("%d toolbar buttons cannot be reached with Tab", tab)
	}
	b.screenshot("21-product-editor")
	if v := b.attr(`input[name="description"]`, "value"); !strings.Contains(v, "<strong>Teamwork</strong>") {
		t.Fatalf("the editor wrote %q", v)
	}
	for _, v := range b.axeCheck() {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("editor: %s (%s) %v", v.ID, v.Impact, v.Nodes)
		}
	}
	// A spec shows the price fields of its billing mode: one-time hides the yearly price.
	b.do("billing", chromedp.SetValue(chromedp.CSS(`#f-spec_billing-2`), "one_time"))
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('#f-spec_billing-2').dispatchEvent(new Event('change', {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	if hidden, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('#f-spec_year-2').closest('[data-billing-field]').hidden && !document.querySelector('#f-spec_one_time-2').closest('[data-billing-field]').hidden`)); !hidden {
		t.Error("choosing one-time billing left the yearly price showing")
	}
	b.do("billing back", chromedp.SetValue(chromedp.CSS(`#f-spec_billing-2`), ""))
	for i := 0; i < 4; i++ {
		row := `[data-testid="support-row"]:nth-child(` + itoa(i+1) + `) `
		b.do("support row", chromedp.SetValue(chromedp.CSS(row+`input[name="support_content"]`), "在线客服"),
			chromedp.SetValue(chromedp.CSS(row+`input[name="support_hours"]`), "7×24"),
			chromedp.SetValue(chromedp.CSS(row+`input[name="support_phone"]`), "400-820-1234"))
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('select[name="asset_id"]'); s.selectedIndex = 1; return true })()`)); err != nil {
		t.Fatalf("choose the asset: %v", err)
	}
	b.submit(`[data-testid="product-save"]`)
	b.screenshot("21-product-editor")
	b.viewShot("21b-product-editor-top")
	b.submit(`[data-testid="product-submit"]`)
	if gaps := b.text(`[data-testid="standards"]`); b.count(`[data-testid="gap"]`) != 1 || b.count(`[data-gap="standards.saas_address"]`) != 1 {
		t.Fatalf("a SaaS product without a production address: %q", gaps)
	}

	// SaaS integration: a key, a production address at the reference endpoint this server
	// serves, the product names it; submission then waits for the debug cases.
	b.open("/seller/saas/keys")
	b.fill(map[string]string{"name": "CI key"})
	b.submit(`[data-testid="create-key"]`)
	if secret := b.attr(`[data-testid="secret-value"]`, "value"); len(secret) != 36 {
		t.Fatalf("the new key's secret is not shown: %q", secret)
	}
	b.screenshot("29-key-created")
	b.open("/seller/saas/addresses/new")
	b.fill(map[string]string{"name": "Reference endpoint", "url": srv.URL + "/saasdemo"})
	b.selectIndex(`select[name="key_id"]`, 1)
	b.submit(`[data-testid="save-address"]`)
	if b.path() != "/seller/saas/addresses" || b.count(`[data-testid="address-row"]`) != 1 {
		b.screenshot("failed-address")
		t.Fatalf("the address was not saved (at %s)", b.path())
	}
	b.open(editor)
	b.selectIndex(`select[name="saas_address_id"]`, 1)
	b.submit(`[data-testid="product-save"]`)
	b.submit(`[data-testid="product-submit"]`)
	if n := b.count(`[data-gap="standards.debug_case"]`); n != 5 || b.count(`[data-testid="gap"]`) != 5 {
		b.screenshot("failed-gaps")
		t.Fatalf("%d debug cases missing, want new, query, refresh, status and release", n)
	}
	// Each missing case links to its tab of the console; Send passes every check.
	for i := 0; i < 5; i++ {
		b.open(editor)
		b.submit(`[data-gap="standards.debug_case"] a`)
		if !strings.HasPrefix(b.path(), "/seller/saas/debug") {
			t.Fatalf("the checklist led to %s", b.path())
		}
		b.submit(`[data-testid="send"]`)
		if b.attr(`[data-testid="result"]`, "data-passed") != "true" || b.count(`[data-testid="check"][data-status="fail"]`) != 0 || b.count(`[data-testid="check"][data-status="pass"]`) < 5 {
			b.screenshot("failed-debug")
			t.Fatalf("debug call %d: %s", i, b.text(`[data-testid="checks"]`))
		}
		if i == 0 {
			b.screenshot("30-debug-console-passed")
			for _, v := range b.axeCheck() {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("debugging console: %s (%s) %v", v.ID, v.Impact, v.Nodes)
				}
			}
		}
	}
	b.open(editor)
	b.submit(`[data-testid="product-submit"]`)
	if n := b.count(`[data-testid="gap"]`); n != 0 {
		b.screenshot("failed-gaps")
		t.Fatalf("%d publishing standards still missing", n)
	}
	b.logout()

	// The reviewer rejects with a reason; the merchant fixes it and resubmits; the reviewer approves.
	b.login("reviewer@example.com", "reviewer-password")
	b.open("/admin/product-applications")
	b.screenshot("22-admin-product-queue")
	b.submit(`[data-testid="queue-row"] a`)
	b.screenshot("23-admin-product-detail")
	b.click(`input[name="reasons"][value="reason.product.description"]`)
	b.fill(map[string]string{"comment": "请补充产品截图说明"})
	b.submit(`[data-testid="reject"]`)
	b.logout()
	b.login("seller@example.com", "seller-password")
	b.open(editor)
	if !strings.Contains(b.text(`[data-testid="rejection"]`), "请补充产品截图说明") {
		t.Fatal("the rejection comment is not shown to the merchant")
	}
	b.fill(map[string]string{"highlights": "实时协作；权限管理；移动端支持"})
	b.submit(`[data-testid="product-save"]`)
	b.submit(`[data-testid="product-submit"]`)
	b.logout()
	b.login("reviewer@example.com", "reviewer-password")
	b.approveFirst("/admin/product-applications", "24-admin-product-approve")
	b.logout()

	// The product is on sale.
	b.login("seller@example.com", "seller-password")
	b.open("/seller/products")
	b.submit(`[data-testid="product-link"]`)
	b.screenshot("25-product-detail")
	if n := b.count(`[data-testid="sku-code"]`); n != 2 {
		t.Fatalf("%d SKU codes on the product page, want 2", n)
	}
	var p models.Product
	srv.env.DB.R.Where("name_en = ?", "Teamwork").First(&p)
	if p.Listing != models.ListingOnSale {
		t.Fatalf("listing %s", p.Listing)
	}
	detail := b.path()

	// It appears in the catalog, found by its English name.
	b.open("/catalog?q=Teamwork")
	if n := b.count(`[data-testid="catalog-card"]`); n != 1 {
		t.Fatalf("%d catalog cards for the new product", n)
	}
	b.submit(`[data-testid="catalog-card-name"]`)
	b.screenshot("26-catalog-product")
	page := b.path()
	if n := b.count(`[data-testid="product-spec"]`); n != 2 {
		t.Fatalf("%d specs on the product page, want 2", n)
	}

	// Hiding one spec takes it off the product page at once.
	b.open(detail)
	b.acceptConfirms()
	b.submit(`[data-testid="spec-row"]:nth-child(2) [data-testid="spec-hide"]`)
	b.open(page)
	if n := b.count(`[data-testid="product-spec"]`); n != 1 {
		t.Fatalf("%d specs after hiding one, want 1", n)
	}

	// Delisting shows the impact first, then goes to review; once approved the page is gone.
	b.open(detail)
	b.submit(`[data-testid="product-delist"]`)
	if b.count(`[data-testid="delist-impact"]`) != 1 {
		t.Fatal("the delist page shows no impact")
	}
	b.screenshot("27-delist-impact")
	b.fill(map[string]string{"reason": "产品线调整，停止对外销售。"})
	b.acceptConfirms()
	b.submit(`[data-testid="delist-submit"]`)
	b.logout()
	b.login("reviewer@example.com", "reviewer-password")
	b.approveFirst("/admin/product-applications", "28-admin-delist")
	b.logout()
	srv.env.DB.R.First(&p, p.ID)
	if p.Listing != models.ListingDelisted {
		t.Fatalf("listing after delisting %s", p.Listing)
	}
	b.open(page)
	if b.count(`[data-testid="product-spec"]`) != 0 {
		t.Fatal("a delisted product's page still shows its specs")
	}
}

// count is the number of elements matching sel.
func (b *browser) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func itoa(i int) string { return strconv.Itoa(i) }

// viewShot saves only the visible part of the page, at full resolution.
func (b *browser) viewShot(name string) {
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.MkdirAll("artifacts", 0o755)
	_ = os.WriteFile(filepath.Join("artifacts", name+".png"), png, 0o644)
}

// pngOf draws a w×h PNG in the brand colour, large enough for the upload rules.
func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: color.RGBA{R: 0, G: 102, B: 255, A: 255}}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// selectIndex chooses the option at index i of a select, as a person picking it would
// (the change event fires).
func (b *browser) selectIndex(sel string, i int) {
	b.t.Helper()
	js := `(() => { const s = document.querySelector(` + jsString(sel) + `); s.selectedIndex = ` + itoa(i) + `; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value !== '' })()`
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
	if err != nil || !ok {
		b.t.Fatalf("choose option %d of %s: %v", i, sel, err)
	}
}
