package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"sellercenter/handlers"
	"sellercenter/internal/seed"
	"sellercenter/internal/testkeys"
	"sellercenter/models"
	"sellercenter/web"
)

// TestJointOperationKitJourney: the merchant registers an app credential with a 3072-bit
// key and gets its ID and secret; the buyer buys the demo 联营 product, binds it to the
// organisation, adds a user and authorises them; the merchant sees the tenant, app and
// user syncs in 生产接口消息; that user signs in to the reference app through unified
// login.
func TestJointOperationKitJourney(t *testing.T) {
	srv, pw := startDemoServer(t)
	ctx := context.Background()
	product, spec, _ := demoSaaS(t, srv)
	en := srv.Catalog.Localizer("en")

	// The merchant registers an app credential, in Chinese.
	m := newBrowser(t, srv, "zh-CN")
	m.login(seed.DemoMerchantEmail, pw[seed.DemoMerchantEmail])
	m.open(web.SellerKitAppNew())
	var kitAddr models.ProductionAddress
	if err := srv.env.DB.R.Where("merchant_id = ? AND interface_type = ?", product.MerchantID, models.InterfaceKit).Take(&kitAddr).Error; err != nil {
		t.Fatal(err)
	}
	m.fill(map[string]string{"name": "协同办公 Kit 二期", "login_url": "https://teamwork-kit.example.com/login", "public_key": testkeys.Public3072(),
		"address_id": strconv.FormatUint(uint64(kitAddr.ID), 10)})
	m.click(`input[name="auth_mode"][value="oauth2"]`)
	m.click(`input[name="login_type"][value="own"]`)
	m.submit(`[data-testid="save-kit-app"]`)
	appID, secret := m.attr(`[data-testid="app-id-value"]`, "value"), m.attr(`[data-testid="app-secret-value"]`, "value")
	if len(appID) != 32 || len(secret) != 64 {
		t.Fatalf("app ID %q and secret of %d characters", appID, len(secret))
	}
	m.screenshot("60-kit-app-secret-zh")

	// The buyer buys the 联营 product and pays; the instance comes up.
	buyer := newBrowser(t, srv, "en")
	buyer.login(seed.DemoBuyerEmail, pw[seed.DemoBuyerEmail])
	buyer.open(web.CatalogProduct(product.ID))
	buyer.submit(`[data-testid="product-spec"][data-sku="` + spec.SKUCode + `"] [data-testid="buy-link"]`)
	buyer.click(`input[name="period"][value="month"]`)
	buyer.swapIn("#quote", func() { buyer.typeInto(`input[name="count"]`, "1") })
	buyer.submit(`[data-testid="buy-continue"]`)
	buyer.submit(`[data-testid="place-order"]`)
	orderNo := strings.TrimPrefix(buyer.path(), "/buyer/orders/")
	buyer.submit(`[data-testid="pay-button"]`)
	buyer.reloadUntil(`[data-testid="instance-status"]`, en.T("saas.instance_status.ACTIVE"))
	var order models.Order
	if err := srv.env.DB.R.Where("order_no = ?", orderNo).Take(&order).Error; err != nil || order.SubscriptionID == nil {
		t.Fatalf("order %s: %v", orderNo, err)
	}

	// My organisation > Apps: bind the new subscription, through the navigation.
	buyer.open(web.Buyer())
	buyer.submit(`nav a[href="` + web.BuyerOrg() + `"]`)
	buyer.submit(`a[href="` + web.BuyerOrgApps() + `"]`)
	buyer.submit(`form:has(input[name="subscription_id"][value="` + strconv.FormatUint(uint64(*order.SubscriptionID), 10) + `"]) button`)
	bindingPath := buyer.path()
	if !strings.HasPrefix(bindingPath, "/buyer/org/apps/") {
		t.Fatalf("after binding at %s", bindingPath)
	}
	// A new user of the organisation, authorised on the app.
	buyer.open(web.BuyerOrgUsers())
	buyer.fill(map[string]string{"user_name": "li.si", "password": "li-si-password-1", "name": "李四", "org_code": "HQ", "email": "lisi@xinghe.example.com"})
	buyer.submit(`[data-testid="user-add"]`)
	if !strings.Contains(buyer.text(`[data-testid="user-table"]`), "li.si@xinghe") {
		t.Fatal("the new user is not listed")
	}
	buyer.open(bindingPath)
	var li models.KitUser
	if err := srv.env.DB.R.Where("user_name = ?", "li.si").Take(&li).Error; err != nil {
		t.Fatal(err)
	}
	buyer.click(`input[name="user_ids"][value="` + strconv.FormatUint(uint64(li.ID), 10) + `"]`)
	buyer.submit(`[data-testid="grant-add"]`)
	if !strings.Contains(buyer.text(`[data-testid="grant-table"]`), "li.si@xinghe") {
		t.Fatal("the user is not authorised")
	}
	buyer.screenshot("60-kit-authorised-users")

	// The merchant sees the syncs of the order in 生产接口消息, all succeeded.
	synced := func() bool {
		m.open(web.SellerSaaSCalls("order=" + orderNo))
		for _, purpose := range []string{models.PurposeTenantSync, models.PurposeAppSync, models.PurposeAuthSync} {
			if m.count(`[data-testid="saas-call-row"][data-purpose="`+purpose+`"][data-status="`+models.CallSucceeded+`"]`) != 1 {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(30 * time.Second)
	for !synced() {
		if time.Now().After(deadline) {
			m.screenshot("failed-kit-calls")
			t.Fatal("the tenant, app and user syncs of the order did not all succeed")
		}
		time.Sleep(300 * time.Millisecond)
	}
	m.screenshot("60-kit-syncs-zh")

	// li.si signs in to the reference app through unified login.
	app := newBrowser(t, srv, "en")
	app.open(handlersSaaSDemoLogin)
	app.submit(`[data-testid="demo-login-start"]`)
	if p := app.path(); p != web.KitAuthorize() {
		t.Fatalf("the app sent the user to %s", p)
	}
	if !strings.Contains(app.text(`[data-testid="kit-login-app"]`), "云协同办公 Kit") {
		t.Fatalf("the sign-in page names %q", app.text(`[data-testid="kit-login-app"]`))
	}
	app.fill(map[string]string{"account": "li.si@xinghe", "password": "li-si-password-1"})
	app.submit(`[data-testid="kit-login-submit"]`)
	if got := app.text(`[data-testid="demo-signed-in"]`); !strings.Contains(got, "li.si@xinghe") {
		t.Fatalf("the app shows %q", got)
	}
	if got := app.text(`[data-testid="demo-role"]`); got != models.KitRoleUser {
		t.Fatalf("role %q", got)
	}
	app.screenshot("60-kit-unified-login")

	// Switched off by the organisation, the user cannot sign in again.
	if _, err := srv.Store.SaveKitUser(ctx, models.Actor{}, order.BuyerID, li.ID, li.Version, models.KitUserInput{Name: "李四", OrgCode: "HQ", Enabled: false}); err != nil {
		t.Fatal(err)
	}
	app.open(handlersSaaSDemoLogin + "?start=1")
	app.fill(map[string]string{"account": "li.si@xinghe", "password": "li-si-password-1"})
	app.submit(`[data-testid="kit-login-submit"]`)
	if app.count(`[data-testid="kit-login-refused"]`) != 1 {
		t.Fatal("a switched-off user was not refused")
	}
}

// handlersSaaSDemoLogin is the reference app's login page on the test server.
const handlersSaaSDemoLogin = handlers.SaaSDemoPath + "/login"
