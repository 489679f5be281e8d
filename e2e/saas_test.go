package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"sellercenter/internal/seed"
	"sellercenter/models"
	"sellercenter/web"
)

// demoSaaS is the demo merchant's SaaS product provisioned through the reference
// endpoint, its monthly spec and its production address.
func demoSaaS(t *testing.T, srv *server) (models.Product, models.Spec, models.ProductionAddress) {
	t.Helper()
	ctx := context.Background()
	var p models.Product
	if err := srv.env.DB.R.Where("type = ? AND listing = ? AND hidden = ? AND saas_address_id IS NOT NULL", models.ProductSaaS, models.ListingOnSale, false).
		Order("id").Take(&p).Error; err != nil {
		t.Fatal(err)
	}
	specs, err := srv.Store.LiveSpecs(ctx, p.ID)
	if err != nil || len(specs) == 0 {
		t.Fatalf("specs of %d: %v", p.ID, err)
	}
	var spec models.Spec
	for _, s := range specs {
		if s.BillingMode == models.BillingPeriod && !s.Hidden {
			spec = s
			break
		}
	}
	if spec.ID == 0 {
		t.Fatal("the demo SaaS product has no period spec")
	}
	addr, err := srv.Store.ProductionAddressOf(ctx, p.MerchantID, *p.SaaSAddressID)
	if err != nil {
		t.Fatal(err)
	}
	return p, spec, addr
}

// setAddressURL edits the product's production address on the addresses page, ticking
// the confirmation the on-sale products ask for.
func (b *browser) setAddressURL(addr models.ProductionAddress, url string) {
	b.t.Helper()
	b.open(web.SellerSaaSAddressEdit(addr.ID))
	b.fill(map[string]string{"url": url})
	b.submit(`[data-testid="save-address"]`)
	if b.count(`[data-testid="confirm-change"]`) > 0 {
		b.click(`[data-testid="confirm-change"]`)
		b.submit(`[data-testid="save-address"]`)
	}
	if p := b.path(); p != web.SellerSaaSAddresses() {
		b.screenshot("failed-address")
		b.t.Fatalf("saving the address ended at %s", p)
	}
}

// TestSaaSProvisioningJourney: a buyer buys the demo SaaS product and pays; the
// merchant's system (the reference endpoint) provisions it and the buyer sees the
// instance ACTIVE with its login; the merchant sees the call in 生产接口消息; with the
// endpoint answering an error code, a renewal's call fails and waits; the merchant fixes
// the address, restarts the call, and the renewal completes.
func TestSaaSProvisioningJourney(t *testing.T) {
	srv, pw := startDemoServer(t)
	ctx := context.Background()
	// A failing renewal waits for the merchant at once rather than after an hour of retries.
	if _, err := srv.Store.UpdateSettings(ctx, models.Actor{}, map[string]string{models.SettingLifecycleRetryMinutes: "0"}); err != nil {
		t.Fatal(err)
	}
	product, spec, addr := demoSaaS(t, srv)
	en := srv.Catalog.Localizer("en")
	zh := srv.Catalog.Localizer("zh-CN")

	buyer := newBrowser(t, srv, "en")
	buyer.login(seed.DemoBuyerEmail, pw[seed.DemoBuyerEmail])
	buyer.open(web.CatalogProduct(product.ID))
	buyer.submit(`[data-testid="product-spec"][data-sku="` + spec.SKUCode + `"] [data-testid="buy-link"]`)
	buyer.click(`input[name="period"][value="month"]`)
	buyer.swapIn("#quote", func() { buyer.typeInto(`input[name="count"]`, "1") })
	buyer.submit(`[data-testid="buy-continue"]`)
	buyer.submit(`[data-testid="place-order"]`)
	orderNo := strings.TrimPrefix(buyer.path(), "/buyer/orders/")
	if !strings.HasPrefix(orderNo, "CS") {
		t.Fatalf("after placing the order at %s", buyer.path())
	}
	buyer.submit(`[data-testid="pay-button"]`)
	// The merchant's system answers within a moment: the instance is ACTIVE, the order done.
	buyer.reloadUntil(`[data-testid="instance-status"]`, en.T("saas.instance_status.ACTIVE"))
	if got := buyer.text(`[data-testid="order-status"]`); got != en.T("order.status.COMPLETED") {
		t.Fatalf("order status %q with the instance active", got)
	}
	if href := buyer.attr(`[data-testid="front-end-url"]`, "href"); !strings.HasPrefix(href, "https://demo.saas.example.com/demo-") {
		t.Fatalf("front-end address %q", href)
	}
	buyer.click(`[data-testid="instance"] details summary`)
	if pwd := buyer.text(`[data-testid="login-password"]`); !strings.HasPrefix(pwd, "Pw-") {
		t.Fatalf("login password %q", pwd)
	}
	buyer.screenshot("50-instance-active")
	var order models.Order
	if err := srv.env.DB.R.Where("order_no = ?", orderNo).Take(&order).Error; err != nil || order.SubscriptionID == nil {
		t.Fatalf("order %s: %v", orderNo, err)
	}
	sub := *order.SubscriptionID
	buyer.open(web.BuyerResources())
	row := `[data-testid="resource"][data-resource-id="` + strconv.FormatUint(uint64(sub), 10) + `"]`
	if got := buyer.attr(row+` [data-testid="resource-instance"]`, "data-status"); got != models.InstanceActive {
		t.Fatalf("resource instance %q", got)
	}

	// The merchant, in Chinese, finds the call in 生产接口消息 through the navigation.
	m := newBrowser(t, srv, "zh-CN")
	m.login(seed.DemoMerchantEmail, pw[seed.DemoMerchantEmail])
	m.open(web.Seller())
	m.submit(`nav a[href="` + web.SellerSaaSCalls("") + `"]`)
	if !strings.Contains(m.text("h1"), zh.T("saas.calls.title")) {
		t.Fatalf("the messages page is titled %q", m.text("h1"))
	}
	m.fill(map[string]string{"order": orderNo})
	m.submit(`[data-testid="calls-filter"] button[type="submit"]`)
	if got := m.attr(`[data-testid="saas-call-row"]`, "data-status"); got != models.CallSucceeded {
		t.Fatalf("the new purchase's call is %q", got)
	}
	m.screenshot("50-production-messages-zh")

	// The merchant's system breaks: the address now answers 000005.
	m.setAddressURL(addr, addr.URL+"/misbehave/error-code")
	buyer.open(web.BuyerResources())
	buyer.submit(row + ` [data-testid="renew-link"]`)
	buyer.click(`input[name="period"][value="month"]`)
	buyer.swapIn("#quote", func() { buyer.typeInto(`input[name="count"]`, "1") })
	buyer.submit(`[data-testid="resource-submit"]`)
	renewalNo := strings.TrimPrefix(buyer.path(), "/buyer/orders/")
	buyer.submit(`[data-testid="pay-button"]`)
	if got := buyer.text(`[data-testid="order-status"]`); got != en.T("order.status.PROCESSING") {
		t.Fatalf("renewal status %q after paying", got)
	}

	// The renewal's call fails and waits for the merchant, who sees it as a to-do.
	m.open(web.SellerSaaSCalls("order=" + renewalNo))
	m.reloadUntil(`[data-testid="saas-call-row"]`, zh.T("saas.call_status.FAILED"))
	m.open(web.Seller())
	if m.count(`[data-testid="todo-saas_calls_failed"]`) != 1 {
		t.Fatal("the failed call is not a to-do on the overview")
	}
	m.open(web.SellerSaaSCalls("order=" + renewalNo))
	m.submit(`[data-testid="saas-call-row"] a`)
	callPage := m.path()
	if !strings.Contains(m.text(`[data-testid="attempt"]`), "000005") {
		t.Fatal("the attempt does not show the merchant's error code")
	}
	m.screenshot("50-failed-call-zh")

	// Fixed and restarted: the call succeeds and the renewal completes.
	m.setAddressURL(addr, addr.URL)
	m.open(callPage)
	m.submit(`[data-testid="restart"]`)
	m.reloadUntil(`[data-testid="call-status"]`, zh.T("saas.call_status.SUCCEEDED"))
	buyer.open(web.BuyerOrder(renewalNo))
	buyer.reloadUntil(`[data-testid="order-status"]`, en.T("order.status.COMPLETED"))
}
