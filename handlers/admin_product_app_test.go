package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func fenPtr(v int64) *int64 { return &v }

// productFixture builds product applications through the store.
type productFixture struct {
	ta       *testApp
	assetRev models.Actor
}

func newProductFixture(ta *testApp) *productFixture {
	rev := ta.user(models.RoleReviewer, "assetrev@example.com")
	return &productFixture{ta: ta, assetRev: models.Actor{UserID: rev.ID}}
}

// content is complete SaaS content with an approved asset of m.
func (f *productFixture) content(m fixtureMerchant, nameZh, nameEn string) models.ProductContent {
	t := f.ta.t
	t.Helper()
	ctx := context.Background()
	as := f.ta.newAsset(m, saasInput("CRM "+nameEn, strings.ToLower(strings.ReplaceAll(nameEn, " ", ""))+".example.com"), true)
	must(t, f.ta.Store.DecideAsset(ctx, f.assetRev, as.ID, models.Decision{Approve: true}))
	logo := f.ta.fileRow(m.User, "product")
	var support []models.SupportItem
	for i := 0; i < 4; i++ {
		support = append(support, models.SupportItem{Content: "在线支持", Hours: "7×24", Phone: "400-820-1234", Email: "support@example.com"})
	}
	return models.ProductContent{Type: models.ProductSaaS, BusinessModel: models.BusinessGeneral, Category: "office",
		NameZh: nameZh, NameEn: nameEn, Version: "1.0", LogoFileID: &logo, MediaFileIDs: []uint{logo},
		Summary: "团队协同", Description: "<p>" + strings.Repeat("协同办公软件。", 60) + "</p>", Highlights: "多端同步", Support: support, EULAFileID: &logo,
		PublicSale: true, SalesObjects: models.SalesAll, SalesRegions: []string{"cn-north-4"}, AssetID: &as.ID,
		SaaS: &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1"},
		Specs: []models.SpecContent{
			{Key: "new-1", Name: "基础版", BillingMode: models.BillingPeriod, YearFen: fenPtr(99900), MonthFen: fenPtr(9900), TrialDays: 7},
			{Key: "new-2", Name: "专业版", BillingMode: models.BillingPeriod, YearFen: fenPtr(199900)},
		},
		UpgradeRules: []models.UpgradeRule{{From: "new-1", To: "new-2"}}}
}

// publish submits a publish application for c.
func (f *productFixture) publish(m fixtureMerchant, c models.ProductContent) (models.Product, models.ProductApplication) {
	t := f.ta.t
	t.Helper()
	ctx := context.Background()
	p, app, err := f.ta.Store.NewProductDraft(ctx, m.actor(), m.MerchantID, c)
	must(t, err)
	if c.Type == models.ProductSaaS {
		testdb.ReadySaaS(t, f.ta.env, m.MerchantID, p.ID, &c)
	}
	_, err = f.ta.Store.SaveProductDraft(ctx, m.actor(), m.MerchantID, app.ID, c)
	must(t, err)
	app, err = f.ta.Store.SubmitProductApplication(ctx, m.actor(), m.MerchantID, app.ID)
	must(t, err)
	return p, app
}

// modify lists a product and submits a modify application raising the base spec's
// yearly price.
func (f *productFixture) modify(m fixtureMerchant, c models.ProductContent) models.ProductApplication {
	t := f.ta.t
	t.Helper()
	ctx := context.Background()
	p, app := f.publish(m, c)
	must(t, f.ta.Store.DecideProductApplication(ctx, f.assetRev, app.ID, models.Decision{Approve: true}))
	mod, err := f.ta.Store.NewModifyApplication(ctx, m.actor(), m.MerchantID, p.ID)
	must(t, err)
	mc, err := mod.ContentOf()
	must(t, err)
	mc.Specs[0].YearFen = fenPtr(129900)
	_, err = f.ta.Store.SaveProductDraft(ctx, m.actor(), m.MerchantID, mod.ID, mc)
	must(t, err)
	mod, err = f.ta.Store.SubmitProductApplication(ctx, m.actor(), m.MerchantID, mod.ID)
	must(t, err)
	return mod
}

func TestAdminProductAppQueue(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	b := ta.activeMerchant("b@example.com", "乙公司")
	_, pub := f.publish(a, f.content(a, "协同办公", "Teamwork"))
	mod := f.modify(b, f.content(b, "客户管理", "Customer CRM"))

	r := c.get("/admin/product-applications").want(http.StatusOK)
	if ids := queueRowIDs(r); len(ids) != 2 || ids[0] != uitoa(pub.ID) || ids[1] != uitoa(mod.ID) {
		t.Fatalf("pending queue %v, want oldest first [%d %d]", ids, pub.ID, mod.ID)
	}
	row := r.Doc().Find(`[data-testid="queue-row"]`).First()
	if txt := row.Text(); !strings.Contains(txt, "协同办公") || !strings.Contains(txt, "Teamwork") || !strings.Contains(txt, "甲公司") || !strings.Contains(strings.ToLower(txt), "publish") {
		t.Fatalf("row %q", txt)
	}
	if row.Find(`[data-testid="age"]`).Length() != 1 {
		t.Fatal("a pending row has no age against the SLA")
	}
	if ids := queueRowIDs(c.get("/admin/product-applications?kind=modify").want(http.StatusOK)); len(ids) != 1 || ids[0] != uitoa(mod.ID) {
		t.Fatalf("kind filter %v", ids)
	}
	if ids := queueRowIDs(c.get("/admin/product-applications?type=license").want(http.StatusOK)); len(ids) != 0 {
		t.Fatalf("type filter %v", ids)
	}
	if ids := queueRowIDs(c.get("/admin/product-applications?q=" + url.QueryEscape("teamwork")).want(http.StatusOK)); len(ids) != 1 || ids[0] != uitoa(pub.ID) {
		t.Fatalf("search by product name %v", ids)
	}
	if ids := queueRowIDs(c.get("/admin/product-applications?q=" + url.QueryEscape("乙公司")).want(http.StatusOK)); len(ids) != 1 || ids[0] != uitoa(mod.ID) {
		t.Fatalf("search by merchant %v", ids)
	}
	// The publish that listed b's product is decided: it shows under "all" and APPROVED.
	if ids := queueRowIDs(c.get("/admin/product-applications?status=all").want(http.StatusOK)); len(ids) != 3 {
		t.Fatalf("all %v", ids)
	}
	if ids := queueRowIDs(c.get("/admin/product-applications?status=APPROVED").want(http.StatusOK)); len(ids) != 1 {
		t.Fatalf("approved %v", ids)
	}
	frag := c.get("/admin/product-applications?kind=publish", "HX-Request", "true").want(http.StatusOK)
	if frag.Doc().Find("nav").Length() != 0 || frag.Doc().Find(`[data-testid="queue-fragment"]`).Length() != 1 {
		t.Fatal("htmx filter did not return the table alone")
	}
	c.get("/admin/product-applications?kind=bogus").want(http.StatusBadRequest)
	c.get("/admin/product-applications?status=BOGUS").want(http.StatusBadRequest)
	c.get("/admin/product-applications?type=bogus").want(http.StatusBadRequest)

	dash := c.get("/admin").want(http.StatusOK)
	if href, _ := dash.Doc().Find(`[data-testid="tile-product_app"]`).Attr("href"); href != "/admin/product-applications" {
		t.Fatalf("dashboard tile links to %q", href)
	}
	if dash.Doc().Find(`nav a[href="/admin/product-applications"]`).Length() == 0 {
		t.Fatal("no side nav entry")
	}
}

func TestAdminProductAppDetailAndDiff(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	_, pub := f.publish(a, f.content(a, "协同办公", "Teamwork"))
	mod := f.modify(a, f.content(a, "客户管理", "Customer CRM"))

	r := c.get("/admin/product-applications/" + uitoa(pub.ID)).want(http.StatusOK)
	for id, want := range map[string]string{"name-zh": "协同办公", "name-en": "Teamwork", "summary": "团队协同", "highlights": "多端同步"} {
		if got := dd(r, id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if !strings.Contains(dd(r, "description"), "协同办公软件。") {
		t.Error("no description")
	}
	if n := r.Doc().Find(`[data-testid="spec-row"]`).Length(); n != 2 {
		t.Fatalf("%d spec rows", n)
	}
	if txt := r.Doc().Find(`[data-testid="specs"]`).Text(); !strings.Contains(txt, "基础版") || !strings.Contains(txt, "999") {
		t.Fatalf("specs %q", txt)
	}
	if r.Doc().Find(`[data-testid="support-row"]`).Length() != 4 || r.Doc().Find(`[data-testid="asset-link"]`).Length() != 1 {
		t.Fatal("support rows or asset link missing")
	}
	if r.Doc().Find(`[data-testid="diff"]`).Length() != 0 {
		t.Fatal("a publish application shows a diff")
	}
	if r.Doc().Find(`input[type="checkbox"][name="reasons"]`).Length() != 9 {
		t.Fatal("the reject form does not offer the reasons as checkboxes")
	}

	r = c.get("/admin/product-applications/" + uitoa(mod.ID)).want(http.StatusOK)
	changed := r.Doc().Find(`[data-testid="diff-row"][data-changed="true"]`)
	if changed.Length() != 1 || !strings.Contains(changed.Text(), "基础版") {
		t.Fatalf("changed rows: %d %q", changed.Length(), changed.Text())
	}
	if r.Doc().Find(`[data-testid="diff-row"][data-changed="false"]`).Length() < 10 {
		t.Fatal("unchanged rows are missing from the diff")
	}
	if r.Doc().Find(`[data-testid="sku"]`).Length() != 2 || r.Doc().Find(`[data-testid="product-code"]`).Length() == 0 {
		t.Fatal("live specs show no SKU codes or productIds")
	}
	c.get("/admin/product-applications/999999").want(http.StatusNotFound)
}

func TestAdminProductAppApprove(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	p, pub := f.publish(a, f.content(a, "协同办公", "Teamwork"))
	path := "/admin/product-applications/" + uitoa(pub.ID)

	r := c.post(path+"/approve", nil).want(http.StatusSeeOther)
	if r.Location() != "/admin/product-applications" {
		t.Fatalf("redirect to %q", r.Location())
	}
	ctx := context.Background()
	got, err := ta.Store.ProductByID(ctx, p.ID)
	must(t, err)
	if got.Listing != models.ListingOnSale {
		t.Fatalf("listing %s", got.Listing)
	}
	if !ta.hasNotice(a.User.ID, "product_application.approve") {
		t.Fatal("owner not notified")
	}
	if al := ta.latestAudit("product_application.approve"); al.ObjectID != pub.ID || al.ActorEmail != "rev@example.com" {
		t.Fatalf("audit %+v", al)
	}
	c.post(path+"/approve", nil).want(http.StatusConflict)
	c.post(path+"/reject", url.Values{"reasons": {"reason.product.name"}}).want(http.StatusConflict)

	// A modify goes live on approval.
	mod := f.modify(a, f.content(a, "客户管理", "Customer CRM"))
	c.post("/admin/product-applications/"+uitoa(mod.ID)+"/approve", nil).want(http.StatusSeeOther)
	mp, err := ta.Store.ProductByID(ctx, mod.ProductID)
	must(t, err)
	live, err := mp.LiveContent()
	must(t, err)
	if live.Specs[0].YearFen == nil || *live.Specs[0].YearFen != 129900 {
		t.Fatal("the modified price is not live")
	}
}

func TestAdminProductAppReject(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	_, pub := f.publish(a, f.content(a, "协同办公", "Teamwork"))
	path := "/admin/product-applications/" + uitoa(pub.ID)

	r := c.post(path+"/reject", url.Values{}).want(http.StatusUnprocessableEntity)
	if r.fieldError("reasons") == "" {
		t.Fatal("no error for missing reasons")
	}
	r = c.post(path+"/reject", url.Values{"reasons": {"reason.product.other"}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("comment") == "" {
		t.Fatal("other without a comment was accepted")
	}
	c.post(path+"/reject", url.Values{"reasons": {"reason.asset.other"}, "comment": {"x"}}).want(http.StatusUnprocessableEntity)
	c.post(path+"/reject", url.Values{"reasons": {"reason.product.name"}, "comment": {strings.Repeat("x", 2001)}}).want(http.StatusUnprocessableEntity)
	frag := c.post(path+"/reject", url.Values{}, "HX-Request", "true").want(http.StatusUnprocessableEntity)
	if frag.Doc().Find(`#decision-panel`).Length() != 1 || frag.Doc().Find("nav").Length() != 0 {
		t.Fatal("htmx reject did not return the panel alone")
	}

	c.post(path+"/reject", url.Values{"reasons": {"reason.product.price", "reason.product.name"}, "comment": {"请调整"}}).want(http.StatusSeeOther)
	got, err := ta.Store.ProductApplicationByID(context.Background(), pub.ID)
	must(t, err)
	if got.Status != models.PARejected || got.RejectReasons != "reason.product.name,reason.product.price" || got.RejectComment != "请调整" {
		t.Fatalf("after rejection %+v", got)
	}
	if !ta.hasNotice(a.User.ID, "product_application.reject") {
		t.Fatal("owner not notified")
	}
	page := c.get(path).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="verdict-reasons"] li`).Length() != 2 {
		t.Fatal("the verdict does not list both reasons")
	}
	c.post(path+"/reject", url.Values{"reasons": {"reason.product.name"}}).want(http.StatusConflict)
}

func TestAdminProductAppOwnSubmissionAndAccess(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleBuyer, "buyer@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	_, pub := f.publish(a, f.content(a, "协同办公", "Teamwork"))
	id := uitoa(pub.ID)

	// The model refuses a decision on one's own submission.
	if err := ta.Store.DecideProductApplication(context.Background(), a.actor(), pub.ID, models.Decision{Approve: true}); err == nil {
		t.Fatal("own submission decided")
	}
	routes := [][2]string{{"GET", "/admin/product-applications"}, {"GET", "/admin/product-applications/" + id},
		{"POST", "/admin/product-applications/" + id + "/approve"}, {"POST", "/admin/product-applications/" + id + "/reject"}}
	clients := map[string]*client{"merchant": ta.loggedIn("a@example.com"), "buyer": ta.loggedIn("buyer@example.com"), "anonymous": ta.client()}
	for _, rt := range routes {
		for role, c := range clients {
			r := call(c, rt[0], rt[1])
			if role == "anonymous" {
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
					t.Errorf("%s %s as anonymous: %d %q", rt[0], rt[1], r.Status, r.Location())
				}
			} else if r.Status != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", rt[0], rt[1], role, r.Status)
			}
		}
	}
}

func TestAdminProductAppPagesEscapeMerchantText(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	payloads := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}
	var paths []string
	for i, x := range payloads {
		cont := f.content(a, "名"+x, "Name"+string(rune('A'+i)))
		cont.NameEn += x
		cont.Summary, cont.Highlights = x, x
		cont.Support[0].Content = x
		cont.Specs[0].Name = "规格" + x
		cont.Description = cont.Description + "<p>" + x + "</p>"
		_, app := f.publish(a, cont)
		paths = append(paths, "/admin/product-applications/"+uitoa(app.ID))
	}
	paths = append(paths, "/admin/product-applications", "/admin/product-applications?status=all")
	for _, path := range paths {
		r := c.get(path).want(http.StatusOK)
		doc := r.Doc()
		doc.Find("script").Each(func(_ int, sc *goquery.Selection) {
			if strings.Contains(sc.Text(), "alert(1)") {
				t.Errorf("%s: a script element from merchant text", path)
			}
		})
		if strings.Contains(r.Body, "<script>alert(1)") || strings.Contains(r.Body, "<img src=x onerror") {
			t.Errorf("%s: raw payload in the page", path)
		}
		if doc.Find("[onerror]").Length() != 0 {
			t.Errorf("%s: an event attribute from merchant text", path)
		}
	}
}

// diffRowOf finds the diff row whose label contains label.
func diffRowOf(r *resp, label string) *goquery.Selection {
	var found *goquery.Selection
	r.Doc().Find(`[data-testid="diff-row"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if strings.Contains(s.Find("th").Text(), label) {
			found = s
			return false
		}
		return true
	})
	return found
}

func TestAdminProductAppDiffShowsRegionsAndLimit(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	f := newProductFixture(ta)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	ctx := context.Background()
	img := ta.newAsset(a, imageAssetInput("DB", "cn-north-4", "cn-south-1"), true)
	must(t, ta.Store.DecideAsset(ctx, f.assetRev, img.ID, models.Decision{Approve: true}))
	content := f.content(a, "数据库镜像", "DB image")
	content.Type, content.SaaS, content.Image, content.AssetID = models.ProductImage, nil, &models.ImageFields{PerCore: true}, &img.ID
	content.Specs[0].Regions = []string{"cn-north-4"}

	p, pub := f.publish(a, content)
	r := c.get("/admin/product-applications/" + uitoa(pub.ID)).want(http.StatusOK)
	if got := dd(r, "purchase-limit"); got != "No limit" {
		t.Errorf("purchase limit shown %q", got)
	}
	if got := dd(r, "spec-regions"); got != "CN North-Beijing4" {
		t.Errorf("spec regions shown %q", got)
	}
	must(t, ta.Store.DecideProductApplication(ctx, f.assetRev, pub.ID, models.Decision{Approve: true}))

	mod, err := ta.Store.NewModifyApplication(ctx, a.actor(), a.MerchantID, p.ID)
	must(t, err)
	mc, err := mod.ContentOf()
	must(t, err)
	mc.SalesRegions, mc.PurchaseLimit = []string{"cn-north-4", "cn-south-1"}, 5
	mc.Specs[0].Regions = []string{"cn-north-4", "cn-south-1"}
	_, err = ta.Store.SaveProductDraft(ctx, a.actor(), a.MerchantID, mod.ID, mc)
	must(t, err)
	_, err = ta.Store.SubmitProductApplication(ctx, a.actor(), a.MerchantID, mod.ID)
	must(t, err)

	r = c.get("/admin/product-applications/" + uitoa(mod.ID)).want(http.StatusOK)
	for _, tc := range []struct{ label, before, after string }{
		{"Sales regions", "CN North-Beijing4 (cn-north-4)", "CN North-Beijing4 (cn-north-4), CN South-Guangzhou (cn-south-1)"},
		{"Purchase limit per customer", "No limit", "5"},
		{"基础版 · Regions", "CN North-Beijing4 (cn-north-4)", "CN North-Beijing4 (cn-north-4), CN South-Guangzhou (cn-south-1)"},
	} {
		row := diffRowOf(r, tc.label)
		if row == nil {
			t.Errorf("no diff row %q", tc.label)
			continue
		}
		cells := row.Find("td")
		if row.AttrOr("data-changed", "") != "true" || strings.TrimSpace(cells.Eq(0).Text()) != tc.before || strings.TrimSpace(cells.Eq(1).Text()) != tc.after {
			t.Errorf("diff row %q: changed=%s %q → %q", tc.label, row.AttrOr("data-changed", ""), strings.TrimSpace(cells.Eq(0).Text()), strings.TrimSpace(cells.Eq(1).Text()))
		}
	}
	if row := diffRowOf(r, "专业版 · Regions"); row == nil || row.AttrOr("data-changed", "") != "false" || !strings.Contains(row.Text(), "All of the product's regions") {
		t.Error("an unchanged spec's regions are missing from the diff or marked changed")
	}
	if got := dd(r, "purchase-limit"); got != "5" {
		t.Errorf("purchase limit shown %q", got)
	}
}
