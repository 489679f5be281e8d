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

// approvedSaaSAsset makes an asset of merchant m that passed review.
func approvedSaaSAsset(t *testing.T, ta *testApp, m models.Merchant) uint {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: m.OwnerUserID}
	a, err := ta.Store.CreateAsset(ctx, act, m.ID, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "1", Domain: "crm.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ta.Store.MarkDomainVerified(ctx, act, m.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ta.Store.SubmitAsset(ctx, act, m.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	rev := ta.user(models.RoleReviewer, "assetrev@example.com")
	if err := ta.Store.DecideAsset(ctx, models.Actor{UserID: rev.ID}, a.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// saasAddressFor gives m a key and a basic SaaS production address; the form names it.
func saasAddressFor(t *testing.T, ta *testApp, m models.Merchant, v url.Values) models.ProductionAddress {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: m.OwnerUserID}
	k, _, err := ta.Store.CreateAccessKey(ctx, act, m.ID, "key")
	must(t, err)
	addr, err := ta.Store.SaveProductionAddress(ctx, act, m.ID, 0, models.AddressInput{Name: "prod", InterfaceType: models.InterfaceSaaS,
		Protocol: models.ProtocolV2, URL: "https://isv.example.com/saas", KeyID: k.ID})
	must(t, err)
	v.Set("saas_address_id", strconv.Itoa(int(addr.ID)))
	return addr
}

// passCasesFor records the debug cases the saved draft's billing modes need, as the
// console records passing calls (the console itself is tested in seller_saas_test.go).
func passCasesFor(t *testing.T, ta *testApp, m models.Merchant, path string) {
	t.Helper()
	app := appOf(t, ta, path)
	c, err := app.ContentOf()
	must(t, err)
	c.Type = models.ProductSaaS
	testdb.ReadySaaS(t, ta.env, m.ID, app.ProductID, &c)
}

// goodProductForm is a SaaS draft meeting every standard but the files and the asset.
func goodProductForm() url.Values {
	v := url.Values{
		"category": {"office"}, "name_zh": {"协同办公"}, "name_en": {"Teamwork"}, "version": {"1.0"},
		"summary":     {"团队协同"},
		"description": {"<p>" + strings.Repeat("协同办公软件。", 60) + "</p>"},
		"supervised":  {"no"}, "public_sale": {"yes"}, "sales_objects": {"all"},
		"provision_mode": {"on_purchase"}, "user_auth": {"none"}, "encrypt_type": {"1"},
		"ext_params": {"tenant", "", ""},
		"spec_key":   {"", "", ""}, "spec_name": {"基础版", "专业版", ""}, "spec_billing": {"period", "period", ""},
		"spec_year": {"999", "1999.5", ""}, "spec_month": {"99", "", ""}, "spec_one_time": {"", "", ""}, "spec_hour": {"", "", ""},
		"spec_package": {"", "", ""}, "spec_linear": {"", "", ""}, "spec_linear_min": {"", "", ""}, "spec_linear_max": {"", "", ""},
		"spec_trial": {"7", "", ""},
	}
	for i := 0; i < 5; i++ {
		email := ""
		if i < 4 {
			email = "support@example.com"
		}
		v.Add("support_content", map[bool]string{true: "在线支持", false: ""}[i < 4])
		v.Add("support_hours", map[bool]string{true: "7×24", false: ""}[i < 4])
		v.Add("support_phone", "")
		v.Add("support_email", email)
	}
	return v
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func createDraft(t *testing.T, c *client) string {
	t.Helper()
	r := c.post("/seller/products", url.Values{"type": {"saas"}, "name_zh": {"协同办公"}, "name_en": {"Teamwork"}, "category": {"office"}}).want(http.StatusSeeOther)
	if !strings.HasPrefix(r.Location(), "/seller/product-applications/") {
		t.Fatalf("redirect to %q", r.Location())
	}
	return r.Location()
}

func appOf(t *testing.T, ta *testApp, path string) models.ProductApplication {
	t.Helper()
	id, _ := strconv.Atoi(strings.TrimPrefix(path, "/seller/product-applications/"))
	var a models.ProductApplication
	if err := ta.env.DB.R.First(&a, id).Error; err != nil {
		t.Fatal(err)
	}
	return a
}

func TestProductDraftRefusesBadInput(t *testing.T) {
	ta := newTestApp(t)
	c, _ := activeSeller(t, ta, "m@example.com")
	c.get("/seller/products").want(http.StatusOK)
	c.get("/seller/products/new?type=saas").want(http.StatusOK)
	c.get("/seller/products/new?type=rocket").want(http.StatusNotFound)
	r := c.post("/seller/products", url.Values{"type": {"saas"}, "name_zh": {""}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("name_zh") == "" {
		t.Fatal("missing name not reported")
	}
	path := createDraft(t, c)
	before := appOf(t, ta, path).Snapshot
	cases := []struct {
		name, field string
		edit        func(v url.Values)
	}{
		{"duplicate spec names", "spec_name-1", func(v url.Values) { v["spec_name"][1] = "基础版" }},
		{"trial too short", "spec_trial-0", func(v url.Values) { v["spec_trial"][0] = "2" }},
		{"trial too long", "spec_trial-0", func(v url.Values) { v["spec_trial"][0] = "181" }},
		{"trial on one-time", "spec_trial-0", func(v url.Values) {
			v["spec_billing"][0], v["spec_one_time"][0] = "one_time", "10"
		}},
		{"negative price", "spec_year-0", func(v url.Values) { v["spec_year"][0] = "-1" }},
		{"three decimals", "spec_month-0", func(v url.Values) { v["spec_month"][0] = "9.999" }},
		{"zero price", "spec_year-1", func(v url.Values) { v["spec_year"][1] = "0" }},
		{"spec without name", "spec_name-2", func(v url.Values) { v["spec_billing"][2] = "period" }},
		{"named buyer not an email", "named_buyers", func(v url.Values) {
			v.Set("sales_objects", "named")
			v.Set("named_buyers", "a@example.com, not-an-email")
		}},
		{"support email", "support_email-1", func(v url.Values) { v["support_email"][1] = "nope" }},
		{"delivery choice", "encrypt_type", func(v url.Values) { v.Set("encrypt_type", "3") }},
		{"foreign asset", "asset_id", func(v url.Values) { v.Set("asset_id", "999") }},
	}
	for _, tc := range cases {
		v := clone(goodProductForm())
		tc.edit(v)
		r := c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
		if r.fieldError(tc.field) == "" {
			t.Errorf("%s: no error on %s", tc.name, tc.field)
		}
		doc := r.Doc()
		if got, _ := doc.Find(`#f-name_en`).Attr("value"); got != "Teamwork" {
			t.Errorf("%s: typed name not kept: %q", tc.name, got)
		}
		if after := appOf(t, ta, path).Snapshot; after != before {
			t.Fatalf("%s: the draft changed", tc.name)
		}
	}
	v := goodProductForm()
	v["spec_name"][1] = "基础版"
	r = c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
	if msg := r.fieldError("spec_name-1"); msg != "Another spec has this name." {
		t.Errorf("duplicate name message %q", msg)
	}
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {path}}).want(http.StatusSeeOther)
	v["spec_trial"][0] = "2"
	r = c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
	if msg := r.fieldError("spec_trial-0"); !strings.Contains(msg, "试用期") {
		t.Errorf("trial message in Chinese %q", msg)
	}
}

func TestProductDraftSubmitWithdrawResubmit(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	path := createDraft(t, c)
	assetID := approvedSaaSAsset(t, ta, m)

	// Saved without files or asset: the checklist lists what is missing and submit is refused.
	c.postMultipart(path, goodProductForm()).want(http.StatusSeeOther)
	saved, _ := appOf(t, ta, path).ContentOf()
	if len(saved.Specs) != 2 || *saved.Specs[0].YearFen != 99900 || *saved.Specs[1].YearFen != 199950 || saved.Specs[0].TrialDays != 7 {
		t.Fatalf("specs saved %+v", saved.Specs)
	}
	if saved.Specs[0].Key != "new-1" || saved.Specs[1].Key != "new-2" || len(saved.Support) != 4 || saved.SaaS.ExtParams[0] != "tenant" {
		t.Fatalf("saved content %+v", saved)
	}
	r := c.post(path+"/submit", nil).want(http.StatusUnprocessableEntity)
	gaps := map[string]bool{}
	r.Doc().Find(`[data-testid="gap"]`).Each(func(_ int, s *goquery.Selection) { gaps[s.AttrOr("data-gap", "")] = true })
	for _, k := range []string{"standards.logo", "standards.media", "standards.eula", "standards.asset"} {
		if !gaps[k] {
			t.Errorf("checklist lacks %s: %v", k, gaps)
		}
	}
	if a := appOf(t, ta, path); a.Status != models.PADraft {
		t.Fatalf("status %s after a refused submit", a.Status)
	}

	// Complete it with uploads and the approved asset; a later save without files keeps them.
	v := goodProductForm()
	v.Set("asset_id", strconv.Itoa(int(assetID)))
	saasAddressFor(t, ta, m, v)
	c.postMultipart(path, v, upload{"logo", "logo.png", pngOf(200, 200)}, upload{"media", "a.png", pngOf(800, 450)}, upload{"media", "b.png", pngOf(800, 450)},
		upload{"eula", "eula.pdf", pdfBytes}).want(http.StatusSeeOther)
	c.postMultipart(path, v).want(http.StatusSeeOther)
	// Complete but for the debug cases: the checklist links each to the console.
	page := c.get(path).want(http.StatusOK).Doc()
	if n := page.Find(`[data-gap="standards.debug_case"]`).Length(); n != 5 {
		t.Fatalf("%d debug case gaps, want new, query, refresh, status and release", n)
	}
	if href, _ := page.Find(`[data-gap="standards.debug_case"] a`).First().Attr("href"); !strings.Contains(href, "/seller/saas/debug?") || !strings.Contains(href, "activity=newInstance") {
		t.Fatalf("gap link %q", href)
	}
	passCasesFor(t, ta, m, path)
	saved, _ = appOf(t, ta, path).ContentOf()
	if saved.LogoFileID == nil || len(saved.MediaFileIDs) != 2 || saved.EULAFileID == nil || saved.AssetID == nil {
		t.Fatalf("files or asset lost: %+v", saved)
	}
	r = c.postMultipart(path, v, upload{"logo", "logo.png", pdfBytes}).want(http.StatusUnprocessableEntity)
	if r.fieldError("logo") == "" {
		t.Fatal("a PDF accepted as logo")
	}
	// Images below the minimum size are refused with the size in the message.
	r = c.postMultipart(path, v, upload{"logo", "logo.png", pngOf(50, 50)}, upload{"media", "m.png", pngOf(320, 200)}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("logo"), "100×100") || !strings.Contains(r.fieldError("media"), "640×360") {
		t.Fatalf("dimension errors %q / %q", r.fieldError("logo"), r.fieldError("media"))
	}
	if kept, _ := appOf(t, ta, path).ContentOf(); kept.LogoFileID == nil || *kept.LogoFileID != *saved.LogoFileID {
		t.Fatal("a refused upload replaced the saved logo")
	}
	page = c.get(path).want(http.StatusOK).Doc()
	if page.Find(`[data-testid="standards-ok"]`).Length() != 1 {
		t.Fatal("checklist not clear for complete content")
	}
	c.post(path+"/submit", nil).want(http.StatusSeeOther)
	if a := appOf(t, ta, path); a.Status != models.PAPending {
		t.Fatalf("status %s, want PENDING", a.Status)
	}
	c.postMultipart(path, v).want(http.StatusConflict)
	c.post(path+"/withdraw", nil).want(http.StatusSeeOther)
	if a := appOf(t, ta, path); a.Status != models.PADraft {
		t.Fatalf("status %s after withdraw", a.Status)
	}
	c.post(path+"/withdraw", nil).want(http.StatusConflict)
	c.post(path+"/submit", nil).want(http.StatusSeeOther)
	if a := appOf(t, ta, path); a.Status != models.PAPending {
		t.Fatalf("status %s after resubmit", a.Status)
	}

	list := c.get("/seller/product-applications?status=PENDING").want(http.StatusOK).Doc()
	if list.Find(`[data-testid="product-app-row"]`).Length() != 1 {
		t.Fatal("pending application not listed")
	}
	if c.get("/seller/product-applications?status=APPROVED").want(http.StatusOK).Doc().Find(`[data-testid="product-app-row"]`).Length() != 0 {
		t.Fatal("status filter ignored")
	}
	c.get("/seller/product-applications?status=BOGUS").want(http.StatusBadRequest)
	products := c.get("/seller/products?type=saas", "HX-Request", "true").want(http.StatusOK)
	if !strings.Contains(products.Body, `id="product-table"`) || strings.Contains(products.Body, "<html") {
		t.Fatal("htmx filter did not return the fragment")
	}
	if products.Doc().Find(`[data-testid="product-row"]`).Length() != 1 {
		t.Fatal("product not listed")
	}
	if c.get("/seller/products?type=image").Doc().Find(`[data-testid="product-row"]`).Length() != 0 {
		t.Fatal("type filter ignored")
	}
}

func TestProductDescriptionIsSanitizedAndTextEscaped(t *testing.T) {
	ta := newTestApp(t)
	c, _ := activeSeller(t, ta, "m@example.com")
	path := createDraft(t, c)
	v := goodProductForm()
	payload := `<script>alert(1)</script><img src=x onerror=alert(1)>`
	v.Set("description", "<p>ok</p>"+payload)
	v.Set("name_zh", payload)
	v.Set("summary", payload)
	c.postMultipart(path, v).want(http.StatusSeeOther)
	saved, _ := appOf(t, ta, path).ContentOf()
	if strings.Contains(saved.Description, "<script") || strings.Contains(saved.Description, "onerror") || !strings.Contains(saved.Description, "<p>ok</p>") {
		t.Fatalf("description not sanitized: %q", saved.Description)
	}
	for _, p := range []string{path, "/seller/products", "/seller/product-applications"} {
		r := c.get(p).want(http.StatusOK)
		doc := r.Doc()
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), "alert") {
				t.Errorf("%s: a script element carries the payload", p)
			}
		})
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			if _, ok := s.Attr("onerror"); ok {
				t.Errorf("%s: an element has an event attribute", p)
			}
		})
		if strings.Contains(r.Body, "<script>alert(1)") {
			t.Errorf("%s: payload rendered unescaped", p)
		}
	}
}

func TestProductsNeedActiveMerchantAndOwnership(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "new@example.com")
	inactive := ta.loggedIn("new@example.com")
	page := inactive.get("/seller/products").want(http.StatusOK).Doc()
	if page.Find(`[data-testid="not-active"]`).Length() != 1 || page.Find(`[data-testid="new-product-saas"]`).Length() != 0 {
		t.Fatal("inactive merchant is offered product creation")
	}
	inactive.get("/seller/products/new?type=saas").want(http.StatusConflict)
	inactive.post("/seller/products", url.Values{"type": {"saas"}, "name_zh": {"x"}}).want(http.StatusConflict)

	a, _ := activeSeller(t, ta, "a@example.com")
	b, _ := activeSeller(t, ta, "b@example.com")
	path := createDraft(t, a)
	before := appOf(t, ta, path).Snapshot
	b.get(path).want(http.StatusNotFound)
	b.postMultipart(path, goodProductForm()).want(http.StatusNotFound)
	b.post(path+"/submit", nil).want(http.StatusNotFound)
	b.post(path+"/withdraw", nil).want(http.StatusNotFound)
	if b.get("/seller/products").Doc().Find(`[data-testid="product-row"]`).Length() != 0 {
		t.Fatal("another merchant's product listed")
	}
	if appOf(t, ta, path).Snapshot != before {
		t.Fatal("another merchant changed the draft")
	}
}

func TestProductUpgradeRules(t *testing.T) {
	ta := newTestApp(t)
	c, _ := activeSeller(t, ta, "m@example.com")
	path := createDraft(t, c)
	cases := []struct {
		from, to string
		want     string
	}{
		{"专业版", "基础版", "may not be cheaper"},
		{"基础版", "基础版", "two different specs"},
		{"基础版", "旗舰版", "two different specs"},
	}
	for _, tc := range cases {
		v := goodProductForm()
		v["upgrade_from"], v["upgrade_to"] = []string{tc.from}, []string{tc.to}
		r := c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
		if got := r.fieldError("upgrade-0"); !strings.Contains(got, tc.want) {
			t.Errorf("%s → %s: %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
	v := goodProductForm()
	v["upgrade_from"], v["upgrade_to"] = []string{"基础版", ""}, []string{"专业版", ""}
	c.postMultipart(path, v).want(http.StatusSeeOther)
	saved, _ := appOf(t, ta, path).ContentOf()
	if len(saved.UpgradeRules) != 1 || saved.UpgradeRules[0].From != saved.Specs[0].Key || saved.UpgradeRules[0].To != saved.Specs[1].Key {
		t.Fatalf("rules %+v specs %+v", saved.UpgradeRules, saved.Specs)
	}
	page := c.get(path).want(http.StatusOK).Doc()
	if v, _ := page.Find(`#f-upgrade_from-0 option[selected]`).Attr("value"); v != "基础版" {
		t.Fatalf("saved rule not shown: %q", v)
	}
	// The store refuses a cheaper target whatever the form does.
	saved.UpgradeRules = []models.UpgradeRule{{From: saved.Specs[1].Key, To: saved.Specs[0].Key}}
	a := appOf(t, ta, path)
	if _, err := ta.Store.SaveProductDraft(context.Background(), models.Actor{UserID: a.MerchantID}, a.MerchantID, a.ID, saved); err == nil {
		t.Fatal("the store accepted a cheaper upgrade target")
	}
}

// TestBareNewAddressesShowTheirChooser: /seller/products/new, /seller/assets/new and
// /seller/changes/new without a kind offer the kinds (in both languages) instead of a
// 404, each leading to its form; the navigation's "Publish product" leads there.
func TestBareNewAddressesShowTheirChooser(t *testing.T) {
	ta := newTestApp(t)
	m := ta.activeMerchant("m@example.com", "甲公司")
	must(t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", m.MerchantID).Updates(map[string]any{
		"application_status": models.ApplicationApproved, "certification_status": models.CertCertified}).Error)
	c := ta.loggedIn("m@example.com")
	for path, kinds := range map[string][]string{
		"/seller/products/new": {"saas", "license", "image", "service", "hardware"},
		"/seller/assets/new":   {"package", "image", "saas"},
		"/seller/changes/new":  {"profile", "certification"},
	} {
		page := c.get(path).want(http.StatusOK)
		doc := page.Doc()
		for _, k := range kinds {
			href, ok := doc.Find(`[data-testid="choose-` + k + `"]`).Attr("href")
			if !ok {
				t.Fatalf("%s offers no %s", path, k)
			}
			c.get(href).want(http.StatusOK)
		}
		if n := doc.Find(`[data-testid="chooser"] a`).Length(); n != len(kinds) {
			t.Fatalf("%s offers %d choices", path, n)
		}
	}
	page := c.get("/seller").want(http.StatusOK)
	if href, _ := page.Doc().Find(`nav a:contains("Publish product")`).Attr("href"); href != "/seller/products/new" {
		t.Fatalf("the navigation's publish entry leads to %q", href)
	}
	c.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: "zh-CN", Path: "/"}})
	if title := c.get("/seller/products/new").Doc().Find("h1").First().Text(); !strings.Contains(title, "发布商品") {
		t.Fatalf("chooser title in Chinese %q", title)
	}
	// On the chooser, the navigation marks "Publish product" alone.
	cur := c.get("/seller/products/new").Doc().Find(`nav a[aria-current="page"]`)
	if cur.Length() != 1 || cur.AttrOr("href", "") != "/seller/products/new" {
		t.Fatalf("%d current entries, %q", cur.Length(), cur.AttrOr("href", ""))
	}
	// An unknown kind is still unknown.
	c.get("/seller/products/new?type=spaceship").want(http.StatusNotFound)
	c.get("/seller/assets/new?kind=spaceship").want(http.StatusNotFound)
	c.get("/seller/changes/new?kind=spaceship").want(http.StatusNotFound)
}

// Before onboarding is done the choosers say so, with the way to the checklist, and link
// to no form; the forms themselves stay refused.
func TestChoosersExplainBeforeOnboardingIsDone(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "new@example.com")
	c := ta.loggedIn("new@example.com")
	for _, path := range []string{"/seller/products/new", "/seller/assets/new"} {
		doc := c.get(path).want(http.StatusOK).Doc()
		if doc.Find(`[data-testid="chooser-locked"]`).Length() != 1 || doc.Find(`[data-testid="chooser"] a`).Length() != 0 {
			t.Fatalf("%s: %s", path, doc.Find("main").Text())
		}
		if href, _ := doc.Find(`[data-testid="chooser-locked"] a`).Attr("href"); href != "/seller#checklist" {
			t.Errorf("%s leads to %q", path, href)
		}
	}
	c.get("/seller/products/new?type=saas").want(http.StatusConflict)
	c.get("/seller/assets/new?kind=package").want(http.StatusConflict)
}
