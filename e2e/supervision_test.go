package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sellercenter/internal/seed"
	"sellercenter/models"
	"sellercenter/web"
)

// TestServiceSupervisionJourney: a buyer buys the demo professional service (supervised,
// 联营-基地云) and submits requirements with the filled-in template; the merchant confirms
// and delivers on site with three screenshots and the signed acceptance report; the
// delivery goes to the reviewer's 华为云复核 first (the buyer cannot accept it before),
// the reviewer approves and signs; the buyer rejects with a reason; the merchant
// redelivers; the reviewer approves again; the buyer accepts and signs; the order
// completes with the three signatures shown.
func TestServiceSupervisionJourney(t *testing.T) {
	srv, pw := startDemoServer(t)
	ctx := context.Background()
	var product models.Product
	if err := srv.env.DB.R.Where("type = ? AND listing = ? AND content LIKE ?", models.ProductService, models.ListingOnSale, `%"supervised":true%`).
		Order("id").Take(&product).Error; err != nil {
		t.Fatal(err)
	}
	specs, err := srv.Store.LiveSpecs(ctx, product.ID)
	if err != nil || len(specs) == 0 {
		t.Fatalf("specs: %v", err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pdf := write("需求说明.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	report := write("验收报告.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	shots := []string{write("s1.png", pngOf(320, 200)), write("s2.png", pngOf(320, 200)), write("s3.png", pngOf(320, 200))}

	buyer := newBrowser(t, srv, "en")
	buyer.login(seed.DemoBuyerEmail, pw[seed.DemoBuyerEmail])
	buyer.open(web.CatalogProduct(product.ID))
	buyer.submit(`[data-testid="product-spec"][data-sku="` + specs[0].SKUCode + `"] [data-testid="buy-link"]`)
	buyer.submit(`[data-testid="buy-continue"]`)
	buyer.submit(`[data-testid="place-order"]`)
	orderNo := strings.TrimPrefix(buyer.path(), "/buyer/orders/")
	buyer.submit(`[data-testid="pay-button"]`)
	buyer.submit(`[data-testid="supervision-link"]`)
	if buyer.path() != web.BuyerSupervision(orderNo) {
		t.Fatalf("the order links to %s", buyer.path())
	}
	buyer.fill(map[string]string{"requirements": "财务、供应链模块上线，12 家门店库存迁移"})
	buyer.upload("requirement_file", pdf)
	buyer.submit(`[data-testid="submit-requirement"]`)
	if got := buyer.attr(`[data-testid="graph-CONFIRM"]`, "data-state"); got != "current" {
		t.Fatalf("after the requirements the graph is at %q", got)
	}

	merchant := newBrowser(t, srv, "zh-CN")
	merchant.login(seed.DemoMerchantEmail, pw[seed.DemoMerchantEmail])
	merchant.open(web.SellerSupervisions())
	merchant.submit(`[data-testid="supervision-row"][data-no="` + orderNo + `"] [data-testid="supervision-link"]`)
	merchant.submit(`[data-testid="confirm"]`)
	deliver := func(desc string) {
		merchant.click(`input[name="mode"][value="onsite"]`)
		merchant.fill(map[string]string{"description": desc})
		merchant.do("upload screenshots", chromedp.SetUploadFiles(chromedp.CSS(`input[name="screenshots"]`), shots))
		merchant.upload("report", report)
		merchant.click(`input[name="sign"]`)
		merchant.submit(`[data-testid="deliver"]`)
	}
	// A delivery missing the report and the signature is refused, naming both.
	merchant.click(`input[name="mode"][value="onsite"]`)
	merchant.fill(map[string]string{"description": "现场实施完成"})
	merchant.do("upload screenshots", chromedp.SetUploadFiles(chromedp.CSS(`input[name="screenshots"]`), shots))
	merchant.submit(`[data-testid="deliver"]`)
	if merchant.text(`[data-error-for="report"]`) == "" || merchant.text(`[data-error-for="sign"]`) == "" {
		t.Fatal("the refused delivery does not name the report and the signature")
	}
	deliver("现场实施完成，验收报告已签署")
	if got := merchant.attr(`[data-testid="graph-REVIEW"]`, "data-state"); got != "current" {
		t.Fatalf("a 基地云 delivery went to %q, not 华为云复核", got)
	}
	merchant.screenshot("70-supervision-merchant-delivered")

	// Before the platform's review the buyer has nothing to accept.
	buyer.open(web.BuyerSupervision(orderNo))
	if buyer.count(`[data-testid="form-accept"]`) != 0 || buyer.count(`[data-testid="not-your-turn"]`) != 1 {
		t.Fatal("the buyer could accept before 华为云复核")
	}

	reviewer := newBrowser(t, srv, "en")
	reviewer.login(seed.DemoAdminEmail, pw[seed.DemoAdminEmail])
	approve := func() {
		reviewer.open(web.AdminSupervisions())
		reviewer.submit(`[data-testid="supervision-row"][data-no="` + orderNo + `"] [data-testid="supervision-link"]`)
		reviewer.click(`input[name="sign"]`)
		reviewer.fill(map[string]string{"approve_comment": "Delivery and acceptance report checked"})
		reviewer.submit(`[data-testid="approve"]`)
	}
	approve()
	reviewer.screenshot("71-supervision-reviewer-approved")

	buyer.open(web.BuyerSupervision(orderNo))
	buyer.fill(map[string]string{"reject_reason": "缺少两家门店的库存核对表"})
	buyer.submit(`[data-testid="reject"]`)
	if got := buyer.attr(`[data-testid="graph-IMPLEMENT"]`, "data-state"); got != "current" {
		t.Fatalf("after the rejection the graph is at %q", got)
	}

	merchant.open(web.SellerSupervision(orderNo))
	if !strings.Contains(merchant.text(`[data-testid="supervision-history"]`), "缺少两家门店的库存核对表") {
		t.Fatal("the merchant does not see the rejection's reason")
	}
	deliver("补充两家门店库存核对表，重新交付")
	approve()

	buyer.open(web.BuyerSupervision(orderNo))
	buyer.click(`input[name="sign"]`)
	buyer.submit(`[data-testid="accept"]`)
	if got := buyer.attr(`[data-testid="graph-COMPLETED"]`, "data-state"); got != "done" {
		t.Fatalf("after acceptance the graph's last node is %q", got)
	}
	for _, party := range models.SignParties {
		if !strings.Contains(buyer.text(`[data-testid="signature-`+party+`"]`), "Signed") {
			t.Fatalf("%s's signature: %q", party, buyer.text(`[data-testid="signature-`+party+`"]`))
		}
	}
	buyer.screenshot("72-supervision-buyer-accepted")
	var o models.Order
	if err := srv.env.DB.R.Where("order_no = ?", orderNo).Take(&o).Error; err != nil || o.Status != models.OrderCompleted {
		t.Fatalf("the order is %s (%v)", o.Status, err)
	}
	var sv models.Supervision
	if err := srv.env.DB.R.Where("order_no = ?", orderNo).Take(&sv).Error; err != nil || sv.RejectCount != 1 {
		t.Fatalf("the supervision %+v (%v)", sv, err)
	}
}
