package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/internal/jobs"
	"sellercenter/internal/outbound"
	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web"
)

// provisionedShop is a merchant whose SaaS product's production address is the reference
// endpoint, a buyer, and the pool that makes the calls.
type provisionedShop struct {
	ta       *testApp
	ep       *referenceEndpoint
	merchant fixtureMerchant
	buyer    models.User
	product  models.Product
	specs    []models.Spec
	addr     models.ProductionAddress
	pool     *jobs.Pool
}

func newProvisionedShop(t *testing.T, mode string) *provisionedShop {
	t.Helper()
	ta := devTestApp(t)
	ctx := context.Background()
	s := &provisionedShop{ta: ta, ep: newReferenceEndpoint(t, ta), merchant: ta.activeMerchant("m@example.com", "甲软件公司")}
	key, secret, err := ta.Store.CreateAccessKey(ctx, models.Actor{}, s.merchant.MerchantID, "production")
	must(t, err)
	s.ep.accept(secret)
	s.addr, err = ta.Store.SaveProductionAddress(ctx, models.Actor{}, s.merchant.MerchantID, 0, models.AddressInput{Name: "production",
		InterfaceType: models.InterfaceSaaS, Protocol: models.ProtocolV2, URL: s.ep.URL + mode, KeyID: key.ID, AllowDev: true})
	must(t, err)
	s.product, s.specs = testdb.ListedProduct(t, ta.env, s.merchant.MerchantID, models.ProductContent{Type: models.ProductSaaS,
		NameZh: "协同办公", NameEn: "Teamwork", SalesObjects: models.SalesAll,
		SaaS:  &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1", AddressID: &s.addr.ID},
		Specs: []models.SpecContent{{Key: "basic", Name: "基础版", BillingMode: models.BillingPeriod, MonthFen: fen64(9900)}}})
	s.buyer = ta.user(models.RoleBuyer, "buyer@example.com")
	_, err = ta.Store.SaveBuyerProfile(ctx, models.Actor{}, s.buyer.ID, models.BuyerProfileInput{SubjectType: models.BuyerEnterprise, DisplayName: "星河零售"})
	must(t, err)
	s.pool = jobs.NewServerPool(jobs.Deps{Store: ta.Store, Outbound: outbound.New(outbound.Options{AllowPrivate: true})}, ta.Log)
	return s
}

// setURL points the production address elsewhere (a misbehaving path, or back).
func (s *provisionedShop) setURL(t *testing.T, u string) {
	t.Helper()
	_, err := s.ta.Store.SaveProductionAddress(context.Background(), models.Actor{}, s.merchant.MerchantID, s.addr.ID, models.AddressInput{Name: "production",
		InterfaceType: models.InterfaceSaaS, Protocol: models.ProtocolV2, URL: u, KeyID: s.addr.KeyID, AllowDev: true, Confirmed: true})
	must(t, err)
}

func (s *provisionedShop) run(t *testing.T) {
	t.Helper()
	must(t, s.pool.Drain(context.Background()))
}

func (s *provisionedShop) buy(t *testing.T) models.Order {
	t.Helper()
	ctx, act := context.Background(), models.Actor{UserID: s.buyer.ID}
	o, err := s.ta.Store.Purchase(ctx, act, s.buyer.ID, models.PurchaseInput{ProductID: s.product.ID, SKU: s.specs[0].SKUCode,
		PeriodType: models.PeriodMonth, Count: 1, Quantity: 1})
	must(t, err)
	o, err = s.ta.Store.Pay(ctx, act, s.buyer.ID, o.OrderNo)
	must(t, err)
	return o
}

func TestProductionMessagesOverHTTP(t *testing.T) {
	t.Parallel()
	s := newProvisionedShop(t, "")
	ta := s.ta
	o := s.buy(t)
	seller := ta.loggedIn("m@example.com")
	// Before the call: the order page shows the instance being provisioned and no
	// "confirm delivery".
	doc := seller.get(web.SellerOrder(o.OrderNo)).want(http.StatusOK).Doc()
	if st, _ := doc.Find(`[data-testid="instance"]`).Attr("data-status"); st != models.InstanceProvisioning {
		t.Fatalf("instance card status %q before the call", st)
	}
	if doc.Find(`[data-testid="order-complete"]`).Length() != 0 {
		t.Fatal("a provisioned order offers manual completion")
	}
	seller.post(web.SellerOrderComplete(o.OrderNo), nil).want(http.StatusConflict)
	s.run(t)

	// The buyer sees the instance with its addresses and login, in both languages.
	buyer := ta.loggedIn("buyer@example.com")
	doc = buyer.get(web.BuyerResources()).want(http.StatusOK).Doc()
	inst := doc.Find(`[data-testid="resource-instance"]`)
	if st, _ := inst.Attr("data-status"); st != models.InstanceActive {
		t.Fatalf("resource instance %q", st)
	}
	if user := inst.Find(`[data-testid="resource-login-user"]`).Text(); user != "admin" {
		t.Fatalf("login user %q", user)
	}
	if pw := inst.Find(`[data-testid="resource-login-password"]`).Text(); !strings.HasPrefix(pw, "Pw-") {
		t.Fatalf("login password %q", pw)
	}
	doc = buyer.get(web.BuyerOrder(o.OrderNo)).want(http.StatusOK).Doc()
	if href, _ := doc.Find(`[data-testid="front-end-url"]`).Attr("href"); !strings.HasPrefix(href, "https://demo.saas.example.com/demo-") {
		t.Fatalf("front-end url %q", href)
	}
	if !strings.Contains(doc.Find(`[data-testid="instance"]`).Text(), "Active") {
		t.Fatal("instance status not named in English")
	}
	buyer.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: "zh-CN", Path: "/"}})
	if doc = buyer.get(web.BuyerOrder(o.OrderNo)).want(http.StatusOK).Doc(); !strings.Contains(doc.Find(`[data-testid="instance"]`).Text(), "使用中") {
		t.Fatal("instance status not named in Chinese")
	}

	// The merchant sees the call and its attempts; the order completed.
	doc = seller.get(web.SellerSaaSCalls("")).want(http.StatusOK).Doc()
	rows := doc.Find(`[data-testid="saas-call-row"]`)
	if rows.Length() != 1 {
		t.Fatalf("%d calls listed, want 1", rows.Length())
	}
	var c models.SaaSCall
	must(t, ta.env.DB.R.Where("order_no = ?", o.OrderNo).Take(&c).Error)
	doc = seller.get(web.SellerSaaSCall(c.ID)).want(http.StatusOK).Doc()
	var acts []string
	doc.Find(`[data-testid="attempt"]`).Each(func(_ int, a *goquery.Selection) { v, _ := a.Attr("data-activity"); acts = append(acts, v) })
	if strings.Join(acts, ",") != "queryInstance,newInstance" {
		t.Fatalf("attempts newest first %v", acts)
	}
	if doc.Find(`[data-testid="restart"]`).Length() != 0 {
		t.Fatal("a succeeded call offers a restart")
	}
	var done models.Order
	must(t, ta.env.DB.R.Where("id = ?", o.ID).Take(&done).Error)
	if done.Status != models.OrderCompleted {
		t.Fatalf("order %s after provisioning", done.Status)
	}

	// Filters: good ones narrow, bad ones are refused with a message.
	if n := seller.get(web.SellerSaaSCalls("order=" + strings.ToLower(o.OrderNo))).want(http.StatusOK).Doc().Find(`[data-testid="saas-call-row"]`).Length(); n != 1 {
		t.Fatalf("by order: %d rows", n)
	}
	if n := seller.get(web.SellerSaaSCalls("status=FAILED")).want(http.StatusOK).Doc().Find(`[data-testid="saas-call-row"]`).Length(); n != 0 {
		t.Fatalf("failed: %d rows", n)
	}
	for q, field := range map[string]string{"status=BOGUS": "status", "purpose=drop": "purpose", "order=%3Cscript%3E": "order",
		"product=99999": "product", "from=2026-13-45": "from"} {
		r := seller.get(web.SellerSaaSCalls(q))
		if r.Status != http.StatusUnprocessableEntity || r.fieldError(field) == "" {
			t.Errorf("%s: status %d, message %q", q, r.Status, r.fieldError(field))
		}
	}
	seller.get(web.SellerSaaSCalls("before=abc")).want(http.StatusBadRequest)

	// A renewal whose call fails for its hour waits for the merchant's restart.
	s.setURL(t, s.ep.URL+"/misbehave/error-code")
	renew, err := ta.Store.Renew(context.Background(), models.Actor{UserID: s.buyer.ID}, s.buyer.ID, *o.SubscriptionID, models.PeriodInput{PeriodType: models.PeriodMonth, Count: 1})
	must(t, err)
	_, err = ta.Store.Pay(context.Background(), models.Actor{UserID: s.buyer.ID}, s.buyer.ID, renew.OrderNo)
	must(t, err)
	s.run(t)
	for i := 0; i < 6; i++ {
		ta.env.Clock.Advance(10 * time.Minute)
		s.run(t)
	}
	c = models.SaaSCall{}
	must(t, ta.env.DB.R.Where("order_no = ?", renew.OrderNo).Take(&c).Error)
	if c.Status != models.CallFailed {
		t.Fatalf("renewal call %s after its hour", c.Status)
	}
	doc = seller.get(web.Seller()).want(http.StatusOK).Doc()
	if href, _ := doc.Find(`[data-testid="todo-saas_calls_failed"]`).Attr("href"); href != web.SellerSaaSCalls("status=FAILED") {
		t.Fatalf("overview to-do link %q", href)
	}
	if doc = seller.get(web.SellerSaaSCalls("")).Doc(); doc.Find(`[data-testid="failed-calls"]`).Length() != 1 {
		t.Fatal("no failed-calls notice on the list")
	}
	doc = seller.get(web.SellerSaaSCall(c.ID)).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="restart"]`).Length() != 1 {
		t.Fatal("a failed call offers no restart")
	}
	if !strings.Contains(doc.Find(`[data-testid="attempt"]`).First().Text(), "000005") {
		t.Fatal("the failing answer is not shown")
	}

	// Reviewers see the same, read only.
	ta.admin("admin@example.com")
	rev := ta.loggedIn("admin@example.com")
	doc = rev.get(web.AdminSaaSCalls(s.merchant.MerchantID, "")).want(http.StatusOK).Doc()
	if n := doc.Find(`[data-testid="saas-call-row"]`).Length(); n != 2 {
		t.Fatalf("reviewer sees %d calls, want 2", n)
	}
	doc = rev.get(web.AdminSaaSCall(c.ID)).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="restart"]`).Length() != 0 {
		t.Fatal("reviewers are offered a restart")
	}
	rev.get(web.AdminMerchant(s.merchant.MerchantID)).want(http.StatusOK)

	// Fixed: the merchant restarts it and the renewal completes.
	s.setURL(t, s.ep.URL)
	if loc := seller.post(web.SellerSaaSCallRestart(c.ID), nil).want(http.StatusSeeOther).Location(); loc != web.SellerSaaSCall(c.ID) {
		t.Fatalf("restart went to %q", loc)
	}
	if a := ta.latestAudit("saas_call.restart"); a.ObjectID != c.ID {
		t.Fatalf("restart audit %+v", a)
	}
	s.run(t)
	id := c.ID
	c = models.SaaSCall{}
	must(t, ta.env.DB.R.Where("id = ?", id).Take(&c).Error)
	var ro models.Order
	must(t, ta.env.DB.R.Where("order_no = ?", renew.OrderNo).Take(&ro).Error)
	if c.Status != models.CallSucceeded || ro.Status != models.OrderCompleted {
		t.Fatalf("after the restart: call %s, renewal %s", c.Status, ro.Status)
	}
	seller.post(web.SellerSaaSCallRestart(c.ID), nil).want(http.StatusConflict)
}

// TestAcceptingAnOrderProvisionsIt: a product provisioned after acceptance waits for the
// merchant's click on the order page.
func TestAcceptingAnOrderProvisionsIt(t *testing.T) {
	t.Parallel()
	s := newProvisionedShop(t, "")
	ta := s.ta
	c := s.product.Content
	must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", s.product.ID).
		Update("content", strings.Replace(c, `"provision_mode":"on_purchase"`, `"provision_mode":"after_acceptance"`, 1)).Error)
	o := s.buy(t)
	s.run(t)
	seller := ta.loggedIn("m@example.com")
	doc := seller.get(web.SellerOrder(o.OrderNo)).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="accept-provision"]`).Length() != 1 {
		t.Fatal("no accept button on an order awaiting acceptance")
	}
	if href, _ := seller.get(web.Seller()).Doc().Find(`[data-testid="todo-deliveries"]`).Attr("href"); href == "" {
		t.Fatal("an order awaiting acceptance is not a to-do")
	}
	seller.post(web.SellerSaaSOrderAccept(o.OrderNo), nil).want(http.StatusSeeOther)
	seller.post(web.SellerSaaSOrderAccept(o.OrderNo), nil).want(http.StatusConflict)
	s.run(t)
	var got models.Order
	must(t, ta.env.DB.R.Where("id = ?", o.ID).Take(&got).Error)
	if got.Status != models.OrderCompleted {
		t.Fatalf("order %s after acceptance", got.Status)
	}
}

// TestBuyerSuspendsAnOnDemandResource: the buyer of an on-demand SaaS resource suspends
// and resumes it from Purchased resources; the merchant's system is told each time.
func TestBuyerSuspendsAnOnDemandResource(t *testing.T) {
	t.Parallel()
	s := newProvisionedShop(t, "")
	ta := s.ta
	ctx := context.Background()
	p, specs := testdb.ListedProduct(t, ta.env, s.merchant.MerchantID, models.ProductContent{Type: models.ProductSaaS,
		NameZh: "按需分析", NameEn: "Analytics on demand", SalesObjects: models.SalesAll,
		SaaS:  &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1", AddressID: &s.addr.ID},
		Specs: []models.SpecContent{{Key: "hour", Name: "按小时", BillingMode: models.BillingOnDemand, HourFen: fen64(120)}}})
	o, err := ta.Store.Purchase(ctx, models.Actor{UserID: s.buyer.ID}, s.buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode,
		PeriodType: models.PeriodHour, Count: 1, Quantity: 1})
	must(t, err)
	s.run(t)
	buyer := ta.loggedIn("buyer@example.com")
	row := `[data-testid="resource"][data-resource-id="` + itoa64(int64(*o.SubscriptionID)) + `"]`
	if buyer.get(web.BuyerResources()).want(http.StatusOK).Doc().Find(row+` [data-testid="resource-suspend"]`).Length() != 1 {
		t.Fatal("no suspend button on an active on-demand resource")
	}
	buyer.post(web.BuyerResourceSuspend(*o.SubscriptionID), nil).want(http.StatusSeeOther)
	buyer.post(web.BuyerResourceSuspend(*o.SubscriptionID), nil).want(http.StatusConflict)
	s.run(t)
	doc := buyer.get(web.BuyerResources()).want(http.StatusOK).Doc()
	if st, _ := doc.Find(row + ` [data-testid="resource-instance"]`).Attr("data-status"); st != models.InstanceFrozen {
		t.Fatalf("instance %q after suspending", st)
	}
	buyer.post(web.BuyerResourceResume(*o.SubscriptionID), nil).want(http.StatusSeeOther)
	s.run(t)
	var calls []models.SaaSCall
	must(t, ta.env.DB.R.Where("subscription_id = ?", *o.SubscriptionID).Order("id").Find(&calls).Error)
	var got []string
	for _, c := range calls {
		got = append(got, c.Purpose+":"+c.Status)
	}
	if strings.Join(got, " ") != "new:SUCCEEDED freeze:SUCCEEDED unfreeze:SUCCEEDED" {
		t.Fatalf("calls %v", got)
	}
	// A period resource offers no suspension.
	po := s.buy(t)
	s.run(t)
	buyer.post(web.BuyerResourceSuspend(*po.SubscriptionID), nil).want(http.StatusConflict)
}
