package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"sellercenter/internal/seed"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// typeInto replaces a field's value by typing, so the page sees the input events a
// person's keystrokes make (htmx triggers on them).
func (b *browser) typeInto(sel, value string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.SetValue(chromedp.CSS(sel), ""), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// swapIn runs act and waits until htmx replaced the element matching container: a
// marker put inside it disappears with the swap.
func (b *browser) swapIn(container string, act func()) {
	b.t.Helper()
	js := `(() => { const i = document.createElement('i'); i.id = '__stale'; i.hidden = true;
		document.querySelector(` + jsString(container) + `).appendChild(i); return true })()`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err != nil {
		b.t.Fatalf("mark %s: %v", container, err)
	}
	act()
	b.waitFresh("swap " + container)
}

// waitAttrChange polls until an attribute of the first element matching sel differs from old.
func (b *browser) waitAttrChange(sel, name, old string) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		r, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err == nil && r.Exists && r.Value != old {
			return r.Value
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.screenshot("failed-wait-attr")
	b.t.Fatalf("%s %s stayed %q on %s", sel, name, old, b.path())
	return ""
}

// reloadUntil reopens the current page until the text of sel contains want.
func (b *browser) reloadUntil(sel, want string) {
	b.t.Helper()
	page := b.path()
	// The work awaited may be queued behind older jobs (the demo history's backlog).
	b.srv.drainWorker(b.t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if n := b.count(sel); n > 0 && strings.Contains(b.text(sel), want) {
			return
		}
		if time.Now().After(deadline) {
			b.screenshot("failed-reload")
			b.t.Fatalf("%s on %s never showed %q", sel, page, want)
		}
		time.Sleep(300 * time.Millisecond)
		b.open(page)
	}
}

// tab opens another tab of the same browser: the same person in a second window.
func (b *browser) tab() *browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a tab: %v", err)
	}
	return &browser{t: b.t, ctx: ctx, srv: b.srv}
}

// allowDownloads makes downloads of this browser land in dir under their own names.
func (b *browser) allowDownloads(dir string) {
	b.t.Helper()
	b.do("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
}

// waitDownload waits for a finished file with the suffix in dir and returns its bytes.
func waitDownload(t *testing.T, dir, suffix string) (string, []byte) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && len(data) > 0 {
					return e.Name(), data
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s file was downloaded into %s", suffix, dir)
	return "", nil
}

// TestOrderJourney is the order journey of the demo data: a buyer finds a supervised
// SaaS product of the demo merchant in the catalog, says who they are, buys it for three
// months (the price follows the count), pays; the merchant finds the order in
// Transactions, opens it, exports it to CSV and XLSX; the buyer asks for part of the money back;
// the merchant approves with a comment and the record of the conversation; the payout
// leaves the case REFUNDED and the order with its refund.
func TestOrderJourney(t *testing.T) {
	srv, pw := startDemoServer(t)
	ctx := context.Background()
	st := srv.Store
	merchantPassword := pw[seed.DemoMerchantEmail]
	mu, err := st.UserByEmail(ctx, seed.DemoMerchantEmail)
	if err != nil {
		t.Fatal(err)
	}
	mid := *mu.MerchantID
	fen := func(v int64) *int64 { return &v }
	// A supervised SaaS product: its refunds are negotiated with the merchant while the
	// order is being delivered.
	product, specs := testdb.ListedProduct(t, srv.env, mid, models.ProductContent{Type: models.ProductSaaS, Category: "office",
		NameZh: "项目协作平台", NameEn: "Project Hub", Version: "2.0", Summary: "带实施监管的项目协作平台", Supervised: true,
		Description: "<p>项目、任务与文档一站式协作，含上线实施服务。</p>", Highlights: "实施监管；专属顾问；数据迁移",
		PublicSale: true, SalesObjects: models.SalesAll,
		Specs: []models.SpecContent{
			{Key: "std", Name: "标准版 50 用户", BillingMode: models.BillingPeriod, YearFen: fen(199900), MonthFen: fen(19900)},
			{Key: "ent", Name: "企业版 200 用户", BillingMode: models.BillingPeriod, YearFen: fen(499900), MonthFen: fen(49900)},
		}})
	if _, err := st.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "lin.buyer@example.com", Password: "buyer-password",
		Role: models.RoleBuyer, Name: "林采购", Verified: true}); err != nil {
		t.Fatal(err)
	}
	en, zh := srv.Catalog.Localizer("en"), srv.Catalog.Localizer("zh-CN")

	// The buyer finds the product in the catalog and logs in to buy its standard spec.
	buyer := newBrowser(t, srv, "en")
	buyer.open("/catalog?q=Project+Hub")
	if n := buyer.count(`[data-testid="catalog-card"]`); n != 1 {
		t.Fatalf("%d catalog cards for the product", n)
	}
	buyer.submit(`[data-testid="catalog-card-name"]`)
	if n := buyer.count(`[data-testid="product-spec"]`); n != 2 {
		t.Fatalf("%d specs on the product page, want 2", n)
	}
	std := specs[0].SKUCode
	buyer.submit(`[data-testid="product-spec"][data-sku="` + std + `"] [data-testid="login-to-buy"]`)
	buyer.fill(map[string]string{"email": "lin.buyer@example.com", "password": "buyer-password"})
	buyer.submit(`[data-testid="login-submit"]`)

	// Without a buyer profile the buy form sends the buyer to say who they are first,
	// then back to the form.
	if p := buyer.path(); p != "/buyer/profile" {
		t.Fatalf("a buyer without a profile went to %s", p)
	}
	buyer.click(`input[name="subject_type"][value="enterprise"]`)
	buyer.fill(map[string]string{"display_name": "北辰数据科技有限公司", "mobile": "13912345678"})
	buyer.submit(`[data-testid="profile-save"]`)
	if p := buyer.path(); p != "/buyer/buy" {
		t.Fatalf("after saving the profile at %s", p)
	}
	if got := buyer.attr(`[data-testid="buy-spec"][aria-current]`, "data-sku"); got != std {
		t.Fatalf("buy form on spec %q, want %s", got, std)
	}

	// Monthly, one month: 199.00; three months: the quote follows the count.
	buyer.click(`input[name="period"][value="month"]`)
	buyer.swapIn("#quote", func() { buyer.typeInto(`input[name="count"]`, "1") })
	if got := buyer.attr(`[data-testid="quote-amount"]`, "data-fen"); got != "19900" {
		t.Fatalf("one month quoted %s fen", got)
	}
	before := buyer.text(`[data-testid="quote-amount"]`)
	// A count the rules refuse says why in the price panel; a year costs its own price.
	buyer.swapIn("#quote", func() { buyer.typeInto(`input[name="count"]`, "0") })
	if buyer.count(`[data-testid="quote-error"]`) != 1 {
		t.Fatal("a count of zero was priced")
	}
	buyer.swapIn("#quote", func() { buyer.typeInto(`input[name="count"]`, "1") })
	buyer.swapIn("#quote", func() { buyer.click(`input[name="period"][value="year"]`) })
	if got := buyer.attr(`[data-testid="quote-amount"]`, "data-fen"); got != "199900" {
		t.Fatalf("one year quoted %s fen", got)
	}
	buyer.swapIn("#quote", func() { buyer.click(`input[name="period"][value="month"]`) })
	buyer.typeInto(`input[name="count"]`, "3")
	if got := buyer.waitAttrChange(`[data-testid="quote-amount"]`, "data-fen", "19900"); got != "59700" {
		t.Fatalf("three months quoted %s fen", got)
	}
	if after := buyer.text(`[data-testid="quote-amount"]`); after == before || !strings.Contains(after, "597.00") {
		t.Fatalf("quoted price text %q after changing the count (was %q)", after, before)
	}
	buyer.screenshot("40-buy-form")

	// Confirm and place the order: it waits for payment.
	buyer.submit(`[data-testid="buy-continue"]`)
	if !strings.Contains(buyer.text(`[data-testid="confirm-summary"]`), "标准版 50 用户") {
		t.Fatalf("confirmation summary %q", buyer.text(`[data-testid="confirm-summary"]`))
	}
	if got := buyer.attr(`[data-testid="quote-amount"]`, "data-fen"); got != "59700" {
		t.Fatalf("confirmation quotes %s fen", got)
	}
	buyer.submit(`[data-testid="place-order"]`)
	if !strings.HasPrefix(buyer.path(), "/buyer/orders/CS") {
		t.Fatalf("after placing the order at %s", buyer.path())
	}
	orderNo := strings.TrimPrefix(buyer.path(), "/buyer/orders/")
	if got := buyer.text(`[data-testid="order-status"]`); got != en.T("order.status.PENDING_PAYMENT") {
		t.Fatalf("new order status %q", got)
	}
	var order models.Order
	srv.env.DB.R.Where("order_no = ?", orderNo).First(&order)
	if order.Status != models.OrderPendingPayment || order.AmountFen != 59700 || order.ProductID != product.ID || !order.Supervised {
		t.Fatalf("order in the database: %+v", order)
	}

	second := buyer.tab()
	second.open("/buyer/orders/" + orderNo)
	// Pay: a supervised order stays PROCESSING until its delivery is done.
	buyer.submit(`[data-testid="pay-button"]`)
	if got := buyer.text(`[data-testid="order-status"]`); got != en.T("order.status.PROCESSING") {
		t.Fatalf("paid order status %q", got)
	}
	if buyer.count(`[data-testid="payment"]`) != 1 || buyer.count(`[data-testid="pay-button"]`) != 0 {
		t.Fatal("the paid order still offers payment or shows no payment")
	}
	if !strings.Contains(buyer.text(`[data-testid="service-period"]`), "–") {
		t.Fatalf("service period %q", buyer.text(`[data-testid="service-period"]`))
	}
	buyer.screenshot("40-order-paid")
	// The same order paid again from a page opened before: nothing more is charged.
	second.submit(`[data-testid="pay-button"]`)
	if got := second.text(`[data-testid="flash-info"]`); !strings.HasPrefix(got, en.T("buyer.flash_already_paid")) {
		t.Fatalf("paying twice says %q", got)
	}
	srv.env.DB.R.Where("order_no = ?", orderNo).First(&order)
	if order.Status != models.OrderProcessing || order.PaidFen != 59700 || order.PaidAt == nil {
		t.Fatalf("paid order in the database: status %s, paid %d", order.Status, order.PaidFen)
	}
	var payments int64
	srv.env.DB.R.Model(&models.Payment{}).Where("order_id = ?", order.ID).Count(&payments)
	if payments != 1 {
		t.Fatalf("%d payments", payments)
	}

	// The merchant finds the order in Transactions among the demo orders.
	merchant := newBrowser(t, srv, "en")
	merchant.login(seed.DemoMerchantEmail, merchantPassword)
	merchant.switchLocale("en")
	// The payment is in the merchant's messages, with a link to the order.
	merchant.open("/inbox")
	if got := merchant.text(`[data-testid="inbox-items"]`); !strings.Contains(got, orderNo+": ¥597.00") {
		t.Fatalf("no message about the paid order in %q", got)
	}
	merchant.submit(`nav a[href="/seller/orders"]`)
	if n := merchant.count(`[data-testid="order-row"]`); n < 2 {
		t.Fatalf("%d orders in the merchant's list, want the demo orders and the new one", n)
	}
	merchant.fill(map[string]string{"order_no": orderNo})
	merchant.swapIn("#order-results", func() { merchant.click(`[data-testid="order-filter"] button[type="submit"]`) })
	if n := merchant.count(`[data-testid="order-row"]`); n != 1 {
		t.Fatalf("%d orders match the order number", n)
	}
	row := `[data-testid="order-row"][data-order-no="` + orderNo + `"]`
	if got := merchant.text(row + ` [data-testid="order-status"]`); got != en.T("order.status.PROCESSING") {
		t.Fatalf("order row status %q", got)
	}
	if !strings.Contains(merchant.text(row), "北辰数据科技有限公司") || !strings.Contains(merchant.text(row+` [data-testid="order-amount"]`), "597.00") {
		t.Fatalf("order row %q", merchant.text(row))
	}
	// The filtered view is in the address bar, to bookmark or share.
	if loc, _ := chromedp.Run(merchant.ctx, chromedp.Location()); !strings.Contains(loc, "order_no="+orderNo) {
		t.Fatalf("address after filtering %s", loc)
	}
	merchant.screenshot("40-merchant-orders")
	// Switching the language keeps the filtered view (htmx pushed it after the page came).
	for _, lang := range []string{"zh-CN", "en"} {
		merchant.switchLocale(lang)
		if loc, _ := chromedp.Run(merchant.ctx, chromedp.Location()); !strings.Contains(loc, "/seller/orders?") || !strings.Contains(loc, "order_no="+orderNo) {
			t.Fatalf("switching to %s went to %s", lang, loc)
		}
		if n := merchant.count(`[data-testid="order-row"]`); n != 1 {
			t.Fatalf("%d orders after switching to %s, want the filtered one", n, lang)
		}
	}

	// Export the filtered list: a small set is streamed at once as the download.
	downloads := t.TempDir()
	merchant.allowDownloads(downloads)
	merchant.click(`[data-testid="export-csv"]`)
	name, data := waitDownload(t, downloads, ".csv")
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if len(records) != 2 {
		t.Fatalf("%s has %d records, want the header and the filtered order:\n%s", name, len(records), data)
	}
	if !slices.Contains(records[1], orderNo) || !slices.Contains(records[1], "北辰数据科技有限公司") || !slices.Contains(records[1], "597.00") {
		t.Fatalf("exported row %q", records[1])
	}
	merchant.click(`[data-testid="export-xlsx"]`)
	name, data = waitDownload(t, downloads, ".xlsx")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	var sheet []byte
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/") && strings.HasSuffix(f.Name, ".xml") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			sheet = append(sheet, b...)
		}
	}
	if !bytes.Contains(sheet, []byte(orderNo)) || bytes.Count(sheet, []byte("<row")) != 2 {
		t.Fatalf("%s lacks the order or has other rows", name)
	}
	// Both downloads are export records, each offering its file again.
	var exported int64
	srv.env.DB.R.Model(&models.ExportJob{}).Where("merchant_id = ? AND status = ?", mid, models.ExportDone).Count(&exported)
	if exported != 2 {
		t.Fatalf("two direct exports left %d export records", exported)
	}
	back, _ := chromedp.Run(merchant.ctx, chromedp.Location())
	merchant.open("/seller/exports")
	if n := merchant.count(`[data-testid="export-row"] [data-testid="export-download"]`); n != 2 {
		t.Fatalf("export records page offers %d downloads, want 2", n)
	}
	merchant.screenshot("40-merchant-exports")
	merchant.open(strings.TrimPrefix(back, srv.URL))

	// The order's detail: its line, the buyer masked, the payment and the history.
	merchant.submit(row + ` [data-testid="order-link"]`)
	if merchant.path() != "/seller/orders/"+orderNo {
		t.Fatalf("order detail at %s", merchant.path())
	}
	if n := merchant.count(`[data-testid="order-line"]`); n != 1 {
		t.Fatalf("%d order lines", n)
	}
	if line := merchant.text(`[data-testid="order-line"]`); !strings.Contains(line, orderNo+"-000001") || !strings.Contains(line, std) {
		t.Fatalf("order line %q", line)
	}
	buyerInfo := merchant.text(`[data-testid="order-buyer"]`)
	if !strings.Contains(buyerInfo, "l***@example.com") || !strings.Contains(buyerInfo, "139****5678") ||
		strings.Contains(buyerInfo, "lin.buyer") || strings.Contains(buyerInfo, "13912345678") {
		t.Fatalf("buyer on the order detail %q, want it masked", buyerInfo)
	}
	if !strings.Contains(merchant.text(`[data-testid="order-payment"]`), "597.00") {
		t.Fatalf("payment %q", merchant.text(`[data-testid="order-payment"]`))
	}
	merchant.screenshot("40-merchant-order-detail")

	// The buyer asks for part of the money back: the order takes the negotiated flow.
	buyer.submit(`[data-testid="refund-link"]`)
	if flow := buyer.attr(`[data-testid="refund-form-panel"]`, "data-flow"); flow != models.RefundNegotiated {
		t.Fatalf("refund flow %q", flow)
	}
	if got := buyer.attr(`[data-testid="refundable"]`, "data-fen"); got != "59700" {
		t.Fatalf("refundable %s fen", got)
	}
	// More than was paid is refused with a message, nothing saved.
	buyer.fill(map[string]string{"amount": "600.00", "reason": "实施排期推迟，第三个月用不上。"})
	buyer.submit(`[data-testid="request-submit"]`)
	if msg := buyer.text(`[data-testid="field-error"][data-error-for="amount"]`); msg != en.T("aftersales.error.amount_above") {
		t.Fatalf("asking for more than was paid says %q", msg)
	}
	if !strings.Contains(buyer.text(`[data-testid="refundable"]`), "597.00") {
		t.Fatalf("the refused form does not say how much may be asked: %q", buyer.text(`[data-testid="refundable"]`))
	}
	if got, _ := chromedp.Run(buyer.ctx, chromedp.Evaluate[string](`document.querySelector('textarea[name="reason"]').value`)); got != "实施排期推迟，第三个月用不上。" {
		t.Fatalf("the refused form lost the reason: %q", got)
	}
	// A decimal comma ("12,5") is not read as ¥125.00 or any other amount: refused with
	// the field's message, nothing saved.
	buyer.fill(map[string]string{"amount": "12,5", "reason": "实施排期推迟，第三个月用不上。"})
	buyer.submit(`[data-testid="request-submit"]`)
	if msg := buyer.text(`[data-testid="field-error"][data-error-for="amount"]`); msg != en.T("error.amount") {
		t.Fatalf("a decimal comma says %q", msg)
	}
	var cases int64
	srv.env.DB.R.Model(&models.Refund{}).Where("order_id = ?", order.ID).Count(&cases)
	if cases != 0 {
		t.Fatalf("a refused request left %d cases", cases)
	}
	buyer.fill(map[string]string{"amount": "199.00", "reason": "实施排期推迟，第三个月用不上。"})
	buyer.submit(`[data-testid="request-submit"]`)
	if !strings.HasPrefix(buyer.path(), "/buyer/after-sales/") {
		t.Fatalf("after the request at %s", buyer.path())
	}
	refundNo := strings.TrimPrefix(buyer.path(), "/buyer/after-sales/")
	if got := buyer.text(`[data-testid="refund-status"]`); got != en.T("aftersales.status.REQUESTED") {
		t.Fatalf("case status %q", got)
	}
	var refund models.Refund
	srv.env.DB.R.Where("refund_no = ?", refundNo).First(&refund)
	if refund.Status != models.RefundRequested || refund.AmountFen != 19900 || refund.Kind != models.RefundNegotiated || refund.OrderID != order.ID {
		t.Fatalf("case in the database: %+v", refund)
	}

	// The merchant decides in Chinese: the queue counts the case, the case is approved
	// with a comment and the record of the conversation.
	// The demo data has a case of its own waiting already.
	waiting, err := srv.Store.AfterSalesWaiting(ctx, order.MerchantID)
	if err != nil || waiting < 2 {
		t.Fatalf("%d cases waiting for the merchant (%v)", waiting, err)
	}
	merchant.switchLocale("zh-CN")
	merchant.open("/seller")
	if got := merchant.text(`[data-testid="todo-after_sales"]`); !strings.Contains(got, strconv.FormatInt(waiting, 10)) {
		t.Fatalf("overview after-sales tile %q, want %d", got, waiting)
	}
	merchant.submit(`[data-testid="todo-after_sales"]`)
	if got := merchant.text(`[data-testid="tab-` + models.RefundWaiting + `"] [data-testid="tab-count"]`); got != strconv.FormatInt(waiting, 10) {
		t.Fatalf("waiting count %q, want %d", got, waiting)
	}
	merchant.submit(`[data-testid="refund-row"][data-no="` + refundNo + `"] a`)
	if got := merchant.text(`[data-testid="buyer-reason"]`); got != "实施排期推迟，第三个月用不上。" {
		t.Fatalf("buyer reason %q", got)
	}
	record := filepath.Join(t.TempDir(), "沟通记录.png")
	if err := os.WriteFile(record, pngOf(640, 400), 0o644); err != nil {
		t.Fatal(err)
	}
	merchant.fill(map[string]string{"comment": "已与客户电话确认，同意退还一个月费用。"})
	merchant.upload("attachment", record)
	merchant.screenshot("40-aftersales-case-zh")
	stale := merchant.tab()
	stale.open(merchant.path())
	merchant.submit(`[data-testid="approve"]`)
	if got := merchant.text(`[data-testid="refund-status"]`); got != zh.T("aftersales.status.APPROVED") && got != zh.T("aftersales.status.REFUNDED") {
		t.Fatalf("case status after approving %q", got)
	}
	if got := merchant.text(`[data-testid="merchant-comment"]`); got != "已与客户电话确认，同意退还一个月费用。" {
		t.Fatalf("merchant comment %q", got)
	}
	if got := merchant.text(`[data-testid="attachment"]`); got != "沟通记录.png" {
		t.Fatalf("attachment %q", got)
	}
	js := `fetch(document.querySelector('[data-testid="attachment"]').href).then(r => r.status + ' ' + r.headers.get('Content-Type'))`
	if got, err := chromedp.Run(merchant.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise)); err != nil || got != "200 image/png" {
		t.Fatalf("the merchant's attachment answers %q (%v)", got, err)
	}
	var approved int64
	srv.env.DB.R.Model(&models.RefundEvent{}).Where("refund_id = ? AND to_status = ?", refund.ID, models.RefundApproved).Count(&approved)
	if approved != 1 {
		t.Fatalf("%d approval events", approved)
	}
	// A second window still showing the request cannot reject it any more.
	stale.fill(map[string]string{"comment": "不同意"})
	stale.submit(`[data-testid="reject"]`)
	// It answers with the case as it stands now and says why nothing was done.
	if stale.count(`[data-testid="case-stale"]`) != 1 || !strings.Contains(stale.text(`[data-testid="case-stale"]`), zh.T("aftersales.stale")) {
		t.Fatal("rejecting a decided case from a stale page did not say it changed")
	}
	if stale.count(`[data-testid="approve-form"]`) != 0 || stale.text(`[data-testid="refund-status"]`) == zh.T("aftersales.status.REQUESTED") {
		t.Fatal("the stale answer still offers the decision")
	}
	stale.screenshot("40-aftersales-stale-zh")
	var rejected int64
	srv.env.DB.R.Model(&models.RefundEvent{}).Where("refund_id = ? AND to_status = ?", refund.ID, models.RefundRejected).Count(&rejected)
	if rejected != 0 {
		t.Fatal("the stale page rejected an approved case")
	}
	// The payout job pays the case.
	merchant.reloadUntil(`[data-testid="refund-status"]`, zh.T("aftersales.status.REFUNDED"))
	merchant.screenshot("40-aftersales-refunded-zh")

	// The buyer sees the case REFUNDED, in Chinese, and the order with its refund.
	buyer.switchLocale("zh-CN")
	buyer.reloadUntil(`[data-testid="refund-status"]`, zh.T("aftersales.status.REFUNDED"))
	if !strings.Contains(buyer.text(`[data-testid="order-summary"]`), "199.00") {
		t.Fatalf("order summary on the case %q", buyer.text(`[data-testid="order-summary"]`))
	}
	buyer.screenshot("40-buyer-refunded-zh")
	srv.env.DB.R.Where("refund_no = ?", refundNo).First(&refund)
	srv.env.DB.R.Where("order_no = ?", orderNo).First(&order)
	if refund.Status != models.RefundRefunded || refund.RefundedAt == nil || refund.UnsubscribeOrderID == nil || order.RefundedFen != 19900 {
		t.Fatalf("after the payout: case %s refunded at %v, order refunded %d", refund.Status, refund.RefundedAt, order.RefundedFen)
	}
	var unsub models.Order
	srv.env.DB.R.First(&unsub, *refund.UnsubscribeOrderID)
	if unsub.Kind != models.OrderUnsubscribe || unsub.AmountFen != -19900 || unsub.MerchantID != mid {
		t.Fatalf("unsubscription order %+v", unsub)
	}

	var sub models.Subscription
	srv.env.DB.R.First(&sub, *order.SubscriptionID)
	if sub.Status != models.SubUnsubscribed {
		t.Fatalf("subscription %s after the negotiated unsubscription", sub.Status)
	}

	// The merchant's list has the refund as an UNSUBSCRIBE order of the same customer.
	merchant.open("/seller/orders?kind=" + models.OrderUnsubscribe + "&customer=" + "北辰数据科技有限公司")
	if n := merchant.count(`[data-testid="order-row"][data-order-no="` + unsub.OrderNo + `"]`); n != 1 {
		t.Fatalf("the unsubscription order is not in the merchant's list (%d rows)", merchant.count(`[data-testid="order-row"]`))
	}
}
