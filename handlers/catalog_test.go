package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// catalogFixture is one active merchant with an approved asset and a reviewer, ready to
// publish products through the store.
type catalogFixture struct {
	t     *testing.T
	ta    *testApp
	m     models.Merchant
	owner models.User
	rev   models.Actor
	asset uint
}

func newCatalogFixture(t *testing.T) *catalogFixture {
	ta := newTestApp(t)
	_, m := activeSeller(t, ta, "m@example.com")
	owner, err := ta.Store.UserByEmail(context.Background(), "m@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return &catalogFixture{t: t, ta: ta, m: m, owner: owner, asset: approvedSaaSAsset(t, ta, m),
		rev: reviewerActor(ta.user(models.RoleReviewer, "catrev@example.com"))}
}

func (fx *catalogFixture) act() models.Actor { return models.Actor{UserID: fx.m.OwnerUserID} }

// content is complete SaaS content with the given names and images.
func (fx *catalogFixture) content(zh, en, category string, logo uint, specs ...models.SpecContent) models.ProductContent {
	var support []models.SupportItem
	for i := 0; i < 4; i++ {
		support = append(support, models.SupportItem{Content: "在线支持", Hours: "7×24", Phone: "400-820-1234"})
	}
	if len(specs) == 0 {
		specs = []models.SpecContent{
			{Key: "new-1", Name: "基础版", BillingMode: models.BillingPeriod, YearFen: fenPtr(99900), MonthFen: fenPtr(9900), TrialDays: 7},
			{Key: "new-2", Name: "专业版", BillingMode: models.BillingPeriod, YearFen: fenPtr(199900)},
		}
	}
	return models.ProductContent{Type: models.ProductSaaS, BusinessModel: models.BusinessGeneral, Category: category,
		NameZh: zh, NameEn: en, Version: "1.0", LogoFileID: &logo, MediaFileIDs: []uint{logo},
		Summary: en + " summary", Description: "<p>" + strings.Repeat("协同办公软件。", 60) + "</p>", Support: support, EULAFileID: &logo,
		PublicSale: true, SalesObjects: models.SalesAll, AssetID: &fx.asset,
		SaaS:  &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1"},
		Specs: specs}
}

// draft saves content as a new product's publish application without submitting it.
func (fx *catalogFixture) draft(c models.ProductContent) (models.Product, models.ProductApplication) {
	fx.t.Helper()
	ctx := context.Background()
	p, app, err := fx.ta.Store.NewProductDraft(ctx, fx.act(), fx.m.ID, models.ProductContent{Type: c.Type, NameZh: c.NameZh})
	if err != nil {
		fx.t.Fatal(err)
	}
	if c.Type == models.ProductSaaS {
		testdb.ReadySaaS(fx.t, fx.ta.env, fx.m.ID, p.ID, &c)
	}
	if _, err := fx.ta.Store.SaveProductDraft(ctx, fx.act(), fx.m.ID, app.ID, c); err != nil {
		fx.t.Fatal(err)
	}
	return p, app
}

// publish takes content through submission and approval; the product is on sale.
func (fx *catalogFixture) publish(c models.ProductContent) models.Product {
	fx.t.Helper()
	ctx := context.Background()
	p, app := fx.draft(c)
	if _, err := fx.ta.Store.SubmitProductApplication(ctx, fx.act(), fx.m.ID, app.ID); err != nil {
		fx.t.Fatal(err)
	}
	if err := fx.ta.Store.DecideProductApplication(ctx, fx.rev, app.ID, models.Decision{Approve: true}); err != nil {
		fx.t.Fatal(err)
	}
	p, _ = fx.ta.Store.ProductOf(ctx, fx.m.ID, p.ID)
	if p.Listing != models.ListingOnSale {
		fx.t.Fatalf("listing %s", p.Listing)
	}
	return p
}

func catalogPath(p models.Product) string { return "/catalog/" + strconv.Itoa(int(p.ID)) }

func fileRoute(id uint) string { return "/catalog/files/" + strconv.Itoa(int(id)) }

// cardNames lists the names on the catalog's cards.
func cardNames(r *resp) []string {
	var out []string
	for _, s := range r.Doc().Find(`[data-testid="catalog-card-name"]`).EachIter() {
		out = append(out, strings.TrimSpace(s.Text()))
	}
	return out
}

func sameNames(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s: cards %q, want %q", what, got, want)
	}
}

func TestCatalogListsOnSaleProductsWithFiltersAndSearch(t *testing.T) {
	fx := newCatalogFixture(t)
	ta, ctx := fx.ta, context.Background()
	logo := ta.fileRow(fx.owner, "product_logo")
	team := fx.publish(fx.content("协同办公", "Teamwork", "office", logo))
	guard := fx.publish(fx.content("安全卫士", "Guardian", "security", logo,
		models.SpecContent{Key: "new-1", Name: "标准版", BillingMode: models.BillingPeriod, MonthFen: fenPtr(5000)},
		models.SpecContent{Key: "new-2", Name: "入门版", BillingMode: models.BillingPeriod, MonthFen: fenPtr(3000)}))
	hidden := fx.publish(fx.content("隐身商品", "Stealth", "office", logo))
	if err := ta.Store.HideProduct(ctx, fx.act(), fx.m.ID, hidden.ID); err != nil {
		t.Fatal(err)
	}
	fx.draft(fx.content("草稿商品", "Drafty", "office", logo))

	anon := ta.client()
	r := anon.get("/catalog").want(http.StatusOK)
	sameNames(t, "all", cardNames(r), "Guardian", "Teamwork")
	if !strings.Contains(r.Body, "From ¥99.00 per month") || !strings.Contains(r.Body, "From ¥30.00 per month") {
		t.Errorf("lowest prices missing: %s", r.Doc().Find(`[data-testid="catalog-card-price"]`).Text())
	}
	if !strings.Contains(r.Body, `src="`+fileRoute(logo)+`"`) {
		t.Error("card without its logo through the public file route")
	}
	if r.Doc().Find(`a[href="/catalog"]`).Length() == 0 {
		t.Error("public header lacks the catalog link")
	}

	// Search by the English and the Chinese name, case-insensitive; LIKE wildcards are literal.
	sameNames(t, "q=team", cardNames(anon.get("/catalog?q=TEAM").want(http.StatusOK)), "Teamwork")
	sameNames(t, "q=卫士", cardNames(anon.get("/catalog?q=%E5%8D%AB%E5%A3%AB").want(http.StatusOK)), "Guardian")
	sameNames(t, "q=%", cardNames(anon.get("/catalog?q=%25").want(http.StatusOK)))
	sameNames(t, "hidden by search", cardNames(anon.get("/catalog?q=stealth").want(http.StatusOK)))
	sameNames(t, "draft by search", cardNames(anon.get("/catalog?q=drafty").want(http.StatusOK)))

	// Filters, alone and with the search; the htmx fragment has the results only.
	sameNames(t, "category", cardNames(anon.get("/catalog?category=security").want(http.StatusOK)), "Guardian")
	sameNames(t, "type saas", cardNames(anon.get("/catalog?type=saas").want(http.StatusOK)), "Guardian", "Teamwork")
	sameNames(t, "type license", cardNames(anon.get("/catalog?type=license").want(http.StatusOK)))
	sameNames(t, "category+q", cardNames(anon.get("/catalog?category=office&q=guard").want(http.StatusOK)))
	anon.get("/catalog?category=nope").want(http.StatusBadRequest)
	frag := anon.get("/catalog?category=office", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || !strings.Contains(frag.Body, `id="catalog-results"`) {
		t.Error("htmx request did not get the results fragment")
	}
	sameNames(t, "fragment", cardNames(frag), "Teamwork")

	// The hidden product's page is reachable by link.
	anon.get(catalogPath(hidden)).want(http.StatusOK)

	// Hiding a spec removes it from the page and from the lowest price.
	specs, _ := ta.Store.LiveSpecs(ctx, guard.ID)
	if err := ta.Store.HideSpec(ctx, fx.act(), fx.m.ID, guard.ID, specs[1].SKUCode); err != nil {
		t.Fatal(err)
	}
	page := anon.get(catalogPath(guard)).want(http.StatusOK)
	if page.Doc().Find(`[data-sku="`+specs[1].SKUCode+`"]`).Length() != 0 || page.Doc().Find(`[data-sku="`+specs[0].SKUCode+`"]`).Length() != 1 {
		t.Error("hidden spec still offered, or the other spec missing")
	}
	if !strings.Contains(anon.get("/catalog?q=guardian").Body, "From ¥50.00 per month") {
		t.Error("lowest price still counts a hidden spec")
	}

	// Product page: names, prices, trial.
	tp := anon.get(catalogPath(team)).want(http.StatusOK)
	for _, want := range []string{"Teamwork", "协同办公", "¥99.00", "¥999.00", "¥1,999.00", "7 days", "Teamwork summary"} {
		if !strings.Contains(tp.Body, want) {
			t.Errorf("product page lacks %q", want)
		}
	}

	// Buyers have the catalog in their navigation.
	ta.user(models.RoleBuyer, "buyer@example.com")
	if ta.loggedIn("buyer@example.com").get("/buyer").want(http.StatusOK).Doc().Find(`a[href="/catalog"]`).Length() == 0 {
		t.Error("buyer navigation lacks the catalog")
	}
}

func TestCatalogPaginatesKeepingFilters(t *testing.T) {
	fx := newCatalogFixture(t)
	logo := fx.ta.fileRow(fx.owner, "product_logo")
	for i := 0; i < 21; i++ {
		fx.publish(fx.content("办公"+strconv.Itoa(i), "Office "+strconv.Itoa(i), "office", logo))
	}
	anon := fx.ta.client()
	r := anon.get("/catalog?category=office").want(http.StatusOK)
	if n := len(cardNames(r)); n != 20 {
		t.Fatalf("first page has %d cards", n)
	}
	next, ok := r.Doc().Find(`[data-testid="pagination"] a[rel="next"]`).Attr("href")
	if !ok || !strings.Contains(next, "category=office") || !strings.Contains(next, "page=2") {
		t.Fatalf("next link %q", next)
	}
	if n := len(cardNames(anon.get(next).want(http.StatusOK))); n != 1 {
		t.Fatalf("second page has %d cards", n)
	}
}

func TestCatalogProductPageShowsOnlyLiveOnSaleContent(t *testing.T) {
	fx := newCatalogFixture(t)
	ta, ctx := fx.ta, context.Background()
	logo := ta.fileRow(fx.owner, "product_logo")
	p := fx.publish(fx.content("协同办公", "Teamwork", "office", logo))
	anon := ta.client()

	// A pending modification changing the name is not visible anywhere.
	mod, err := ta.Store.NewModifyApplication(ctx, fx.act(), fx.m.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	mc, _ := mod.ContentOf()
	mc.NameEn, mc.NameZh, mc.Summary = "Renamed Pending", "待审核名称", "pending summary"
	if _, err := ta.Store.SaveProductDraft(ctx, fx.act(), fx.m.ID, mod.ID, mc); err != nil {
		t.Fatal(err)
	}
	if _, err := ta.Store.SubmitProductApplication(ctx, fx.act(), fx.m.ID, mod.ID); err != nil {
		t.Fatal(err)
	}
	page := anon.get(catalogPath(p)).want(http.StatusOK)
	list := anon.get("/catalog").want(http.StatusOK)
	for _, body := range []string{page.Body, list.Body, anon.get("/catalog?q=renamed").Body} {
		if strings.Contains(body, "Renamed Pending") || strings.Contains(body, "待审核名称") || strings.Contains(body, "pending summary") {
			t.Fatal("unapproved content visible")
		}
	}
	sameNames(t, "search pending name", cardNames(anon.get("/catalog?q=renamed")))

	// Both languages: the Chinese name first in zh-CN.
	zh := ta.client()
	zh.lang = "zh-CN"
	sameNames(t, "zh list", cardNames(zh.get("/catalog").want(http.StatusOK)), "协同办公")
	if got := strings.TrimSpace(zh.get(catalogPath(p)).want(http.StatusOK).Doc().Find("h1").Text()); got != "协同办公" {
		t.Errorf("zh title %q", got)
	}
	if got := strings.TrimSpace(page.Doc().Find("h1").Text()); got != "Teamwork" {
		t.Errorf("en title %q", got)
	}
	if !strings.Contains(zh.get("/catalog").Body, "¥99.00/月 起") {
		t.Error("zh lowest price")
	}

	// Stopped, delisted, never-listed products and unknown ids are 404.
	draft, _ := fx.draft(fx.content("草稿", "Draft", "office", logo))
	anon.get(catalogPath(draft)).want(http.StatusNotFound)
	anon.get("/catalog/999999").want(http.StatusNotFound)
	anon.get("/catalog/abc").want(http.StatusNotFound)
	for _, st := range []string{models.ListingStopped, models.ListingDelisted} {
		must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("listing", st).Error)
		anon.get(catalogPath(p)).want(http.StatusNotFound)
		sameNames(t, st+" list", cardNames(anon.get("/catalog")))
	}
}

func TestCatalogFileRouteServesOnlyOnSaleImages(t *testing.T) {
	fx := newCatalogFixture(t)
	ta, ctx := fx.ta, context.Background()
	logo := ta.fileRow(fx.owner, "product_logo")
	media := ta.fileRow(fx.owner, "product_media")
	draftLogo := ta.fileRow(fx.owner, "product_logo")
	c := fx.content("协同办公", "Teamwork", "office", logo)
	c.MediaFileIDs = []uint{media}
	p := fx.publish(c)
	fx.draft(fx.content("草稿", "Draft", "office", draftLogo))
	anon := ta.client()

	for _, id := range []uint{logo, media} {
		r := anon.get(fileRoute(id)).want(http.StatusOK)
		if r.Header.Get("Content-Type") != "image/png" || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("file %d headers %v", id, r.Header)
		}
		if r.Body != string(pngBytes) {
			t.Errorf("file %d body differs", id)
		}
	}
	pg := anon.get(catalogPath(p)).want(http.StatusOK)
	if pg.Doc().Find(`[data-testid="product-media"] img[src="`+fileRoute(media)+`"]`).Length() != 1 {
		t.Error("media image not shown through the public route")
	}

	// The merchant's licence scan, a draft's logo and unknown ids are not public.
	var licence models.File
	ta.env.DB.R.Where("owner_merchant_id = ? AND purpose NOT IN ?", fx.m.ID, []string{"product_logo", "product_media"}).First(&licence)
	if licence.ID == 0 {
		t.Fatal("no licence file")
	}
	for _, id := range []uint{licence.ID, draftLogo, 999999} {
		anon.get(fileRoute(id)).want(http.StatusNotFound)
	}
	// Another merchant's file named in this product's content is not served either.
	activeSeller(t, ta, "other@example.com")
	otherOwner, _ := ta.Store.UserByEmail(ctx, "other@example.com")
	foreign := ta.fileRow(otherOwner, "product_logo")
	must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).
		Update("content", strings.Replace(p.Content, `"media_file_ids":[`+strconv.Itoa(int(media))+`]`, `"media_file_ids":[`+strconv.Itoa(int(media))+`,`+strconv.Itoa(int(foreign))+`]`, 1)).Error)
	anon.get(fileRoute(foreign)).want(http.StatusNotFound)
	anon.get(fileRoute(media)).want(http.StatusOK)

	// Hidden products' images stay reachable; delisted ones' are not.
	if err := ta.Store.HideProduct(ctx, fx.act(), fx.m.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	anon.get(fileRoute(logo)).want(http.StatusOK)
	must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("listing", models.ListingDelisted).Error)
	anon.get(fileRoute(logo)).want(http.StatusNotFound)
}

func TestCatalogEscapesMerchantContent(t *testing.T) {
	fx := newCatalogFixture(t)
	logo := fx.ta.fileRow(fx.owner, "product_logo")
	c := fx.content(xssCorpus[0], xssCorpus[1], "office", logo,
		models.SpecContent{Key: "new-1", Name: xssCorpus[3], BillingMode: models.BillingPeriod, MonthFen: fenPtr(100)})
	c.Summary = xssCorpus[2]
	c.Description += xssCorpus[0] + xssCorpus[1] + `<a href="javascript:alert('xss5')">x</a>`
	c.Highlights, c.CustomerCases = xssCorpus[5], xssCorpus[4]
	c.Support[0].Content = xssCorpus[2]
	p := fx.publish(c)
	for _, lang := range []string{"en", "zh-CN"} {
		cl := fx.ta.client()
		cl.lang = lang
		name := xssCorpus[0]
		if lang == "en" {
			name = xssCorpus[1]
		}
		assertRenderedSafely(t, "catalog "+lang, name, cl.get("/catalog").want(http.StatusOK))
		r := cl.get(catalogPath(p)).want(http.StatusOK)
		for _, shown := range []string{name, xssCorpus[2], xssCorpus[3], xssCorpus[5]} {
			assertRenderedSafely(t, "product "+lang, shown, r)
		}
		if r.Doc().Find(`[data-testid="product-description"] script, [data-testid="product-description"] [onerror]`).Length() != 0 {
			t.Errorf("%s: description kept a script or an event attribute", lang)
		}
	}
}

func TestCatalogProductPageShowsRegionsAndPurchaseLimit(t *testing.T) {
	fx := newCatalogFixture(t)
	ta := fx.ta
	logo := ta.fileRow(fx.owner, "product_logo")
	asset := approvedImageAsset(t, ta, fx.m, "DB", "cn-north-4", "cn-south-1")
	c := fx.content("数据库镜像", "DB image", "data", logo,
		models.SpecContent{Key: "new-1", Name: "北京专享", BillingMode: models.BillingOnDemand, HourFen: fenPtr(12), Regions: []string{"cn-north-4"}},
		models.SpecContent{Key: "new-2", Name: "全区域", BillingMode: models.BillingOnDemand, HourFen: fenPtr(20)})
	c.Type, c.SaaS, c.Image, c.AssetID, c.PurchaseLimit = models.ProductImage, nil, &models.ImageFields{PerCore: true}, &asset, 2
	image := fx.publish(c)
	saas := fx.publish(fx.content("协同办公", "Teamwork", "office", logo))
	anon := ta.client()

	// No sales regions chosen: an image product sells wherever its image is.
	page := anon.get(catalogPath(image)).want(http.StatusOK)
	if got := dd(page, "product-regions"); !strings.Contains(got, "CN North-Beijing4, CN South-Guangzhou") {
		t.Errorf("image product regions %q", got)
	}
	if got := dd(page, "purchase-limit"); got != "Limit 2 per customer" {
		t.Errorf("purchase limit %q", got)
	}
	var cells []string
	page.Doc().Find(`[data-testid="spec-regions"]`).Each(func(_ int, s *goquery.Selection) { cells = append(cells, strings.TrimSpace(s.Text())) })
	if strings.Join(cells, "|") != "CN North-Beijing4|All of the product's regions" {
		t.Errorf("spec regions %q", cells)
	}
	zh := ta.client()
	zh.lang = "zh-CN"
	zhPage := zh.get(catalogPath(image)).want(http.StatusOK)
	if got := dd(zhPage, "product-regions"); !strings.Contains(got, "华北-北京四、华南-广州") {
		t.Errorf("zh regions %q", got)
	}
	if got := dd(zhPage, "purchase-limit"); got != "每位客户限购 2 份" {
		t.Errorf("zh purchase limit %q", got)
	}

	// A SaaS product with one sales region and no limit.
	page = anon.get(catalogPath(saas)).want(http.StatusOK)
	if got := dd(page, "product-regions"); !strings.HasSuffix(got, "All regions") {
		t.Errorf("SaaS regions %q", got)
	}
	if page.Doc().Find(`[data-testid="purchase-limit"]`).Length() != 0 || page.Doc().Find(`[data-testid="spec-regions"]`).Length() != 0 {
		t.Error("a SaaS product without a limit shows a limit or spec regions")
	}
	ctx := context.Background()
	mod, err := ta.Store.NewModifyApplication(ctx, fx.act(), fx.m.ID, saas.ID)
	must(t, err)
	mc, _ := mod.ContentOf()
	mc.SalesRegions = []string{"cn-south-1"}
	_, err = ta.Store.SaveProductDraft(ctx, fx.act(), fx.m.ID, mod.ID, mc)
	must(t, err)
	_, err = ta.Store.SubmitProductApplication(ctx, fx.act(), fx.m.ID, mod.ID)
	must(t, err)
	if got := dd(anon.get(catalogPath(saas)), "product-regions"); !strings.HasSuffix(got, "All regions") {
		t.Errorf("a pending region change is visible: %q", got)
	}
	must(t, ta.Store.DecideProductApplication(ctx, fx.rev, mod.ID, models.Decision{Approve: true}))
	if got := dd(anon.get(catalogPath(saas)), "product-regions"); !strings.HasSuffix(got, "CN South-Guangzhou") {
		t.Errorf("approved region change not shown: %q", got)
	}
}
