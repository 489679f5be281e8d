package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// onSaleProduct publishes a two-spec SaaS product of m through the store and has a
// reviewer approve it; it returns the product, its specs and the reviewer.
func onSaleProduct(t *testing.T, ta *testApp, m models.Merchant) (models.Product, []models.Spec, models.Actor) {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: m.OwnerUserID}
	assetID := approvedSaaSAsset(t, ta, m)
	one := uint(1)
	var support []models.SupportItem
	for i := 0; i < 4; i++ {
		support = append(support, models.SupportItem{Content: "在线支持", Hours: "7×24", Phone: "400-820-1234"})
	}
	c := models.ProductContent{Type: models.ProductSaaS, BusinessModel: models.BusinessGeneral, Category: "office",
		NameZh: "协同办公", NameEn: "Teamwork", Version: "1.0", LogoFileID: &one, MediaFileIDs: []uint{1},
		Summary: "团队协同", Description: "<p>" + strings.Repeat("协同办公软件。", 60) + "</p>", Support: support, EULAFileID: &one,
		PublicSale: true, SalesObjects: models.SalesAll, AssetID: &assetID,
		SaaS: &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1"},
		Specs: []models.SpecContent{
			{Key: "new-1", Name: "基础版", BillingMode: models.BillingPeriod, YearFen: fenPtr(99900), MonthFen: fenPtr(9900)},
			{Key: "new-2", Name: "专业版", BillingMode: models.BillingPeriod, YearFen: fenPtr(199900)},
		}}
	p, app, err := ta.Store.NewProductDraft(ctx, act, m.ID, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公"})
	if err != nil {
		t.Fatal(err)
	}
	testdb.ReadySaaS(t, ta.env, m.ID, p.ID, &c)
	if _, err := ta.Store.SaveProductDraft(ctx, act, m.ID, app.ID, c); err != nil {
		t.Fatal(err)
	}
	if _, err := ta.Store.SubmitProductApplication(ctx, act, m.ID, app.ID); err != nil {
		t.Fatal(err)
	}
	rev := reviewerActor(ta.user(models.RoleReviewer, "listrev@example.com"))
	if err := ta.Store.DecideProductApplication(ctx, rev, app.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	p, _ = ta.Store.ProductOf(ctx, m.ID, p.ID)
	if p.Listing != models.ListingOnSale {
		t.Fatalf("listing %s", p.Listing)
	}
	specs, _ := ta.Store.LiveSpecs(ctx, p.ID)
	if len(specs) != 2 {
		t.Fatalf("specs %+v", specs)
	}
	return p, specs, rev
}

func productPath(p models.Product) string { return "/seller/products/" + strconv.Itoa(int(p.ID)) }

func auditCount(ta *testApp, action string, objID uint) int64 {
	var n int64
	ta.env.DB.R.Model(&models.AuditLog{}).Where("action = ? AND object_id = ?", action, objID).Count(&n)
	return n
}

func productApps(ta *testApp, productID uint) []models.ProductApplication {
	var rows []models.ProductApplication
	ta.env.DB.R.Where("product_id = ?", productID).Order("id").Find(&rows)
	return rows
}

func TestProductDetailShowsSpecsAndProductIDs(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	p, specs, _ := onSaleProduct(t, ta, m)
	path := productPath(p)

	list := c.get("/seller/products").want(http.StatusOK).Doc()
	if list.Find(`a[data-testid="product-link"][href="`+path+`"]`).Length() != 1 {
		t.Fatal("product list does not link to the detail page")
	}
	doc := c.get(path).want(http.StatusOK).Doc()
	if got := strings.TrimSpace(doc.Find(`[data-testid="listing"]`).First().Text()); got == "" {
		t.Fatal("no listing badge")
	}
	skus := map[string]bool{}
	doc.Find(`[data-testid="sku-code"]`).Each(func(_ int, s *goquery.Selection) { skus[s.Text()] = true })
	for _, s := range specs {
		if !skus[s.SKUCode] {
			t.Errorf("SKU %s not shown: %v", s.SKUCode, skus)
		}
	}
	prices, _ := ta.Store.SpecPrices(context.Background(), []uint{specs[0].ID, specs[1].ID})
	codes := map[string]bool{}
	doc.Find(`[data-testid="product-code"]`).Each(func(_ int, s *goquery.Selection) { codes[s.Text()] = true })
	if len(prices) != 3 {
		t.Fatalf("prices %+v", prices)
	}
	for _, pr := range prices {
		if !codes[pr.ProductCode] {
			t.Errorf("productId %s not shown", pr.ProductCode)
		}
	}
	if !strings.Contains(doc.Find(`[data-testid="specs-table"]`).Text(), "¥999.00") {
		t.Error("price not formatted as money")
	}
	if doc.Find(`[data-testid="product-app"][data-kind="publish"][data-status="APPROVED"]`).Length() != 1 {
		t.Error("publish application not listed")
	}
	if doc.Find(`form[data-confirm] [data-testid="product-hide"]`).Length() != 1 || doc.Find(`form[data-confirm] [data-testid="spec-hide"]`).Length() != 2 {
		t.Error("hide actions lack a confirm dialog")
	}
	if doc.Find(`[data-testid="asset-link"]`).Length() != 1 {
		t.Error("no asset link")
	}
}

func TestProductModifyHideUnhide(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	p, specs, rev := onSaleProduct(t, ta, m)
	path := productPath(p)
	ctx := context.Background()

	// Modify: a draft from the live version, then the editor; a second one is refused.
	r := c.post(path+"/modify", nil).want(http.StatusSeeOther)
	if !strings.HasPrefix(r.Location(), "/seller/product-applications/") {
		t.Fatalf("modify redirected to %q", r.Location())
	}
	mod := appOf(t, ta, r.Location())
	if mod.Kind != models.AppModify || mod.Status != models.PADraft {
		t.Fatalf("modify application %+v", mod)
	}
	c.post(path+"/modify", nil).want(http.StatusConflict)
	// Close the draft so the other actions can run: submit and approve it unchanged.
	if _, err := ta.Store.SubmitProductApplication(ctx, models.Actor{UserID: m.OwnerUserID}, m.ID, mod.ID); err != nil {
		t.Fatal(err)
	}
	if err := ta.Store.DecideProductApplication(ctx, rev, mod.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}

	// Hide a spec: at once, audited; an unknown SKU is 404.
	c.post(path+"/specs/"+specs[1].SKUCode+"/hide", nil).want(http.StatusSeeOther)
	var sp models.Spec
	ta.env.DB.R.First(&sp, specs[1].ID)
	if !sp.Hidden || auditCount(ta, "spec.hide", p.ID) != 1 {
		t.Fatalf("spec hidden %v, audit %d", sp.Hidden, auditCount(ta, "spec.hide", p.ID))
	}
	c.post(path+"/specs/SKU-NOPE/hide", nil).want(http.StatusNotFound)
	if c.get(path).want(http.StatusOK).Doc().Find(`[data-sku="`+specs[1].SKUCode+`"] [data-testid="spec-hidden"]`).Length() != 1 {
		t.Error("hidden spec not flagged")
	}

	// Hide the product: at once, audited; twice is a conflict.
	c.post(path+"/hide", nil).want(http.StatusSeeOther)
	got, _ := ta.Store.ProductOf(ctx, m.ID, p.ID)
	if !got.Hidden || got.HiddenAt == nil || auditCount(ta, "product.hide", p.ID) != 1 {
		t.Fatalf("product hidden %v, audit %d", got.Hidden, auditCount(ta, "product.hide", p.ID))
	}
	c.post(path+"/hide", nil).want(http.StatusConflict)

	// Unhide: a visible spec cannot be unhidden; the product's unhide goes to review at once.
	c.post(path+"/unhide", url.Values{"sku": {specs[0].SKUCode}}).want(http.StatusConflict)
	c.post(path+"/unhide", url.Values{"sku": {"SKU-NOPE"}}).want(http.StatusNotFound)
	c.post(path+"/unhide", nil).want(http.StatusSeeOther)
	apps := productApps(ta, p.ID)
	un := apps[len(apps)-1]
	if un.Kind != models.AppUnhide || un.Status != models.PAPending || un.SubmittedAt == nil || un.SubmittedByID == nil || un.SpecKey != "" {
		t.Fatalf("unhide application %+v", un)
	}
	if auditCount(ta, "product_application.submit", un.ID) != 1 {
		t.Fatal("unhide application not audited")
	}
	if got, _ := ta.Store.ProductOf(ctx, m.ID, p.ID); !got.Hidden {
		t.Fatal("unhidden before review")
	}
	// One open application at a time.
	c.post(path+"/unhide", url.Values{"sku": {specs[1].SKUCode}}).want(http.StatusConflict)
	c.post(path+"/modify", nil).want(http.StatusConflict)
	if err := ta.Store.DecideProductApplication(ctx, rev, un.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ta.Store.ProductOf(ctx, m.ID, p.ID); got.Hidden {
		t.Fatal("approved unhide not applied")
	}
	c.post(path+"/unhide", nil).want(http.StatusConflict) // not hidden any more
	c.post(path+"/unhide", url.Values{"sku": {specs[1].SKUCode}}).want(http.StatusSeeOther)
	apps = productApps(ta, p.ID)
	if last := apps[len(apps)-1]; last.Kind != models.AppUnhide || last.SpecKey != specs[1].SKUCode || last.Status != models.PAPending {
		t.Fatalf("spec unhide application %+v", last)
	}
}

func TestProductDelist(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	p, specs, rev := onSaleProduct(t, ta, m)
	path := productPath(p)
	ctx := context.Background()
	reason := "该规格已停止维护，不再提供服务。"

	// The impact comes first.
	doc := c.get(path + "/delist?sku=" + specs[1].SKUCode).want(http.StatusOK).Doc()
	if got := doc.Find(`[data-testid="impact-counts"]`).Text(); !strings.Contains(got, "Affected: active subscriptions 0, open orders 0.") {
		t.Fatalf("impact %q", got)
	}
	if !strings.Contains(doc.Find(`[data-testid="delist-impact"]`).Text(), "irreversible") || doc.Find(`form[data-testid="delist-form"][data-confirm]`).Length() != 1 {
		t.Fatal("delist page lacks the warning or the form")
	}
	c.get(path + "/delist?sku=SKU-NOPE").want(http.StatusNotFound)

	// Bad input changes nothing.
	n := len(productApps(ta, p.ID))
	for name, v := range map[string]url.Values{
		"missing reason": {"sku": {specs[1].SKUCode}},
		"short reason":   {"sku": {specs[1].SKUCode}, "reason": {"太短了"}},
		"long reason":    {"sku": {specs[1].SKUCode}, "reason": {strings.Repeat("长", 1001)}},
	} {
		if r := c.postMultipart(path+"/delist", v).want(http.StatusUnprocessableEntity); r.fieldError("reason") == "" {
			t.Errorf("%s: no reason error", name)
		}
	}
	if r := c.postMultipart(path+"/delist", url.Values{"reason": {reason}}, upload{"proof", "x.txt", []byte("plain text")}).want(http.StatusUnprocessableEntity); r.fieldError("proof") == "" {
		t.Error("a text file accepted as proof")
	}
	four := []upload{{"proof", "a.pdf", pdfBytes}, {"proof", "b.pdf", pdfBytes}, {"proof", "c.pdf", pdfBytes}, {"proof", "d.pdf", pdfBytes}}
	if r := c.postMultipart(path+"/delist", url.Values{"reason": {reason}}, four...).want(http.StatusUnprocessableEntity); r.fieldError("proof") == "" {
		t.Error("four proof files accepted")
	}
	c.postMultipart(path+"/delist", url.Values{"sku": {"SKU-NOPE"}, "reason": {reason}}).want(http.StatusNotFound)
	if len(productApps(ta, p.ID)) != n {
		t.Fatal("bad input created an application")
	}

	// Delist a spec with proof: a pending remove_spec with the files attached.
	c.postMultipart(path+"/delist", url.Values{"sku": {specs[1].SKUCode}, "reason": {reason}},
		upload{"proof", "proof.pdf", pdfBytes}, upload{"proof", "shot.png", pngBytes}).want(http.StatusSeeOther)
	apps := productApps(ta, p.ID)
	rs := apps[len(apps)-1]
	if rs.Kind != models.AppRemoveSpec || rs.Status != models.PAPending || rs.SpecKey != specs[1].SKUCode || rs.Reason != reason || rs.SubmittedAt == nil {
		t.Fatalf("remove_spec application %+v", rs)
	}
	files, _ := ta.Store.FilesFor(ctx, "product_application", rs.ID)
	if len(files) != 2 || files[0].Purpose != "delist_proof" {
		t.Fatalf("proof files %+v", files)
	}
	if auditCount(ta, "product_application.submit", rs.ID) != 1 {
		t.Fatal("delisting not audited")
	}
	// One open application per product.
	c.postMultipart(path+"/delist", url.Values{"reason": {reason}}).want(http.StatusConflict)
	if err := ta.Store.DecideProductApplication(ctx, rev, rs.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	var removed models.Spec
	ta.env.DB.R.First(&removed, specs[1].ID)
	if !removed.Removed {
		t.Fatal("approved remove_spec not applied")
	}
	if c.get(path).want(http.StatusOK).Doc().Find(`[data-sku="`+specs[1].SKUCode+`"] [data-testid="spec-removed"]`).Length() != 1 {
		t.Error("removed spec not flagged")
	}
	c.get(path + "/delist?sku=" + specs[1].SKUCode).want(http.StatusNotFound)

	// The last live spec cannot go alone.
	doc = c.get(path + "/delist?sku=" + specs[0].SKUCode).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="delist-blocked"]`).Length() != 1 || doc.Find(`[data-testid="delist-form"]`).Length() != 0 {
		t.Fatal("last spec offered for delisting")
	}
	r := c.postMultipart(path+"/delist", url.Values{"sku": {specs[0].SKUCode}, "reason": {reason}}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "delist the product instead") {
		t.Fatal("last-spec refusal does not say to delist the product")
	}

	// Delist the product: remove_product, and approval makes it DELISTED for good.
	c.postMultipart(path+"/delist", url.Values{"reason": {"公司业务调整，商品停止销售。"}}).want(http.StatusSeeOther)
	apps = productApps(ta, p.ID)
	rp := apps[len(apps)-1]
	if rp.Kind != models.AppRemoveProduct || rp.Status != models.PAPending || rp.SpecKey != "" {
		t.Fatalf("remove_product application %+v", rp)
	}
	if err := ta.Store.DecideProductApplication(ctx, rev, rp.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ta.Store.ProductOf(ctx, m.ID, p.ID); got.Listing != models.ListingDelisted || got.DelistedAt == nil {
		t.Fatalf("listing %s after approved delisting", got.Listing)
	}
	if c.get(path+"/delist").want(http.StatusOK).Doc().Find(`[data-testid="delist-blocked"]`).Length() != 1 {
		t.Fatal("a delisted product offered for delisting")
	}
	c.postMultipart(path+"/delist", url.Values{"reason": {reason}}).want(http.StatusConflict)
	c.post(path+"/modify", nil).want(http.StatusConflict)
	c.post(path+"/hide", nil).want(http.StatusConflict)
}

func TestProductListingRoutesAreTenantScoped(t *testing.T) {
	ta := newTestApp(t)
	_, m := activeSeller(t, ta, "a@example.com")
	p, specs, _ := onSaleProduct(t, ta, m)
	other, _ := activeSeller(t, ta, "b@example.com")
	path := productPath(p)
	sku := specs[0].SKUCode
	reason := url.Values{"reason": {"公司业务调整，商品停止销售。"}, "sku": {sku}}
	other.get(path).want(http.StatusNotFound)
	other.get(path + "/delist?sku=" + sku).want(http.StatusNotFound)
	other.post(path+"/modify", nil).want(http.StatusNotFound)
	other.post(path+"/hide", nil).want(http.StatusNotFound)
	other.post(path+"/specs/"+sku+"/hide", nil).want(http.StatusNotFound)
	other.post(path+"/unhide", url.Values{"sku": {sku}}).want(http.StatusNotFound)
	other.postMultipart(path+"/delist", reason).want(http.StatusNotFound)
	if len(productApps(ta, p.ID)) != 1 {
		t.Fatal("another merchant created an application")
	}
	if got, _ := ta.Store.ProductOf(context.Background(), m.ID, p.ID); got.Hidden {
		t.Fatal("another merchant hid the product")
	}
}
