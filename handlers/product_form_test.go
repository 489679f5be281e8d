package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

// approvedImageAsset makes an image asset of merchant m replicated to regions that passed
// review.
func approvedImageAsset(t *testing.T, ta *testApp, m models.Merchant, name string, regions ...string) uint {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: m.OwnerUserID}
	in := imageAssetInput(name, regions...)
	a, err := ta.Store.CreateAsset(ctx, act, m.ID, in)
	must(t, err)
	_, err = ta.Store.SubmitAsset(ctx, act, m.ID, a.ID)
	must(t, err)
	rev, err := ta.Store.UserByEmail(ctx, "assetrev@example.com")
	if err != nil {
		rev = ta.user(models.RoleReviewer, "assetrev@example.com")
	}
	must(t, ta.Store.DecideAsset(ctx, models.Actor{UserID: rev.ID}, a.ID, models.Decision{Approve: true}))
	return a.ID
}

// createImageDraft starts an image product and returns its editor's path.
func createImageDraft(t *testing.T, c *client) string {
	t.Helper()
	r := c.post("/seller/products", url.Values{"type": {"image"}, "name_zh": {"数据库镜像"}, "name_en": {"DB image"}, "category": {"data"}}).want(http.StatusSeeOther)
	return r.Location()
}

// imageForm is the good form for an image product on assetID, with no regions chosen.
func imageForm(assetID uint) url.Values {
	v := goodProductForm()
	for _, k := range []string{"provision_mode", "user_auth", "encrypt_type", "ext_params"} {
		delete(v, k)
	}
	v.Set("per_core", "yes")
	v.Set("asset_id", strconv.Itoa(int(assetID)))
	return v
}

// checked lists the values of the ticked checkboxes called name.
func checked(doc *goquery.Document, name string) []string {
	var out []string
	doc.Find(`input[type="checkbox"][name="` + name + `"]`).Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("checked"); ok {
			out = append(out, s.AttrOr("value", ""))
		}
	})
	return out
}

// offered lists the values of every checkbox called name.
func offered(doc *goquery.Document, name string) []string {
	var out []string
	doc.Find(`input[type="checkbox"][name="` + name + `"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("value", ""))
	})
	return out
}

func TestProductEditorSavesRegionsAndPurchaseLimit(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	asset := approvedImageAsset(t, ta, m, "DB", "cn-north-4", "cn-south-1")
	path := createImageDraft(t, c)

	// Before an image is chosen the catalog's regions are offered, the restricted one not.
	page := c.get(path).want(http.StatusOK).Doc()
	if got := strings.Join(offered(page, "sales_regions"), ","); got != "cn-north-4,cn-south-1" {
		t.Fatalf("sales regions offered %q", got)
	}
	if page.Find(`[data-testid="spec-regions"]`).Length() == 0 {
		t.Fatal("an image product's specs offer no regions")
	}

	v := imageForm(asset)
	v["sales_regions"] = []string{"cn-north-4", "cn-south-1"}
	v["spec_region"] = []string{"0:cn-south-1", "1:cn-north-4", "1:cn-south-1"}
	v.Set("purchase_limit", "3")
	c.postMultipart(path, v).want(http.StatusSeeOther)
	saved, _ := appOf(t, ta, path).ContentOf()
	if strings.Join(saved.SalesRegions, ",") != "cn-north-4,cn-south-1" || saved.PurchaseLimit != 3 {
		t.Fatalf("saved regions %v limit %d", saved.SalesRegions, saved.PurchaseLimit)
	}
	if len(saved.Specs) != 2 || strings.Join(saved.Specs[0].Regions, ",") != "cn-south-1" || strings.Join(saved.Specs[1].Regions, ",") != "cn-north-4,cn-south-1" {
		t.Fatalf("saved spec regions %+v", saved.Specs)
	}

	page = c.get(path).want(http.StatusOK).Doc()
	if got := strings.Join(checked(page, "sales_regions"), ","); got != "cn-north-4,cn-south-1" {
		t.Errorf("sales regions shown ticked %q", got)
	}
	if got := strings.Join(checked(page, "spec_region"), ","); got != "0:cn-south-1,1:cn-north-4,1:cn-south-1" {
		t.Errorf("spec regions shown ticked %q", got)
	}
	if got, _ := page.Find(`#f-purchase_limit`).Attr("value"); got != "3" {
		t.Errorf("purchase limit shown %q", got)
	}

	// Unticking everything and clearing the limit saves "everywhere, no limit".
	v = imageForm(asset)
	v.Set("purchase_limit", "")
	c.postMultipart(path, v).want(http.StatusSeeOther)
	saved, _ = appOf(t, ta, path).ContentOf()
	if len(saved.SalesRegions) != 0 || saved.PurchaseLimit != 0 || len(saved.Specs[0].Regions)+len(saved.Specs[1].Regions) != 0 {
		t.Fatalf("cleared content %+v", saved)
	}

	// A SaaS product sells in catalog regions with no image behind it.
	saas := createDraft(t, c)
	v = goodProductForm()
	v["sales_regions"] = []string{"cn-south-1"}
	c.postMultipart(saas, v).want(http.StatusSeeOther)
	if got, _ := appOf(t, ta, saas).ContentOf(); strings.Join(got.SalesRegions, ",") != "cn-south-1" {
		t.Fatalf("SaaS sales regions %v", got.SalesRegions)
	}
	if c.get(saas).want(http.StatusOK).Doc().Find(`[data-testid="spec-regions"]`).Length() != 0 {
		t.Fatal("a SaaS product's specs offer regions")
	}
}

func TestProductEditorRefusesBadRegionsAndLimits(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	both := approvedImageAsset(t, ta, m, "DB", "cn-north-4", "cn-south-1")
	north := approvedImageAsset(t, ta, m, "DB north", "cn-north-4")
	path := createImageDraft(t, c)
	c.postMultipart(path, imageForm(both)).want(http.StatusSeeOther)
	before := appOf(t, ta, path).Snapshot

	cases := []struct {
		name, field, want string
		asset             uint
		edit              func(v url.Values)
	}{
		{"unknown code", "sales_regions", "“mars-1” is not one you can sell in", both, func(v url.Values) { v["sales_regions"] = []string{"cn-north-4", "mars-1"} }},
		{"restricted region never used", "sales_regions", "“cn-east-3” is not one you can sell in", both, func(v url.Values) { v["sales_regions"] = []string{"cn-east-3"} }},
		{"sales region outside the image", "sales_regions", "“cn-south-1” is not among the regions the chosen image is replicated to", north, func(v url.Values) { v["sales_regions"] = []string{"cn-south-1"} }},
		{"spec region outside the image", "spec_regions-1", "“cn-south-1” is not among the regions the chosen image", north, func(v url.Values) { v["spec_region"] = []string{"1:cn-south-1"} }},
		{"unknown spec region", "spec_regions-0", "“mars-1” is not one you can sell in", both, func(v url.Values) { v["spec_region"] = []string{"0:mars-1"} }},
		{"spec region outside the sales regions", "spec_regions-0", "not among the product's sales regions", both, func(v url.Values) {
			v["sales_regions"], v["spec_region"] = []string{"cn-north-4"}, []string{"0:cn-south-1"}
		}},
		{"malformed spec region", "specs", "choose", both, func(v url.Values) { v["spec_region"] = []string{"zero:cn-north-4"} }},
		{"spec region of no row", "specs", "choose", both, func(v url.Values) { v["spec_region"] = []string{"7:cn-north-4"} }},
		{"negative limit", "purchase_limit", "0 to 999", both, func(v url.Values) { v.Set("purchase_limit", "-1") }},
		{"limit too big", "purchase_limit", "0 to 999", both, func(v url.Values) { v.Set("purchase_limit", "1000") }},
		{"huge limit", "purchase_limit", "0 to 999", both, func(v url.Values) { v.Set("purchase_limit", "99999999999999999999999") }},
		{"limit not a number", "purchase_limit", "0 to 999", both, func(v url.Values) { v.Set("purchase_limit", "three") }},
		{"fractional limit", "purchase_limit", "0 to 999", both, func(v url.Values) { v.Set("purchase_limit", "2.5") }},
	}
	for _, tc := range cases {
		v := imageForm(tc.asset)
		tc.edit(v)
		r := c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
		if got := r.fieldError(tc.field); !strings.Contains(strings.ToLower(got), strings.ToLower(tc.want)) {
			t.Errorf("%s: %s error %q, want %q", tc.name, tc.field, got, tc.want)
		}
		if appOf(t, ta, path).Snapshot != before {
			t.Fatalf("%s: the draft changed", tc.name)
		}
	}

	// What was typed comes back, an unknown code visibly ticked so it can be unticked.
	v := imageForm(both)
	v["sales_regions"] = []string{"cn-north-4", "mars-1"}
	v.Set("purchase_limit", "1000")
	doc := c.postMultipart(path, v).want(http.StatusUnprocessableEntity).Doc()
	if got := strings.Join(checked(doc, "sales_regions"), ","); got != "cn-north-4,mars-1" {
		t.Errorf("typed regions not kept: %q", got)
	}
	if got, _ := doc.Find(`#f-purchase_limit`).Attr("value"); got != "1000" {
		t.Errorf("typed limit not kept: %q", got)
	}

	// A typed code comes back as text, never as markup.
	v = imageForm(both)
	v["sales_regions"] = []string{`"><img src=x onerror=alert(1)>`}
	v["spec_region"] = []string{`0:"><b onclick=alert(1)>x</b>`}
	r := c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
	if doc := r.Doc(); doc.Find("img[onerror], b[onclick]").Length() != 0 {
		t.Error("a typed region code rendered as markup")
	}

	// Spec regions belong to image products only.
	saas := createDraft(t, c)
	v = goodProductForm()
	v["spec_region"] = []string{"0:cn-north-4"}
	if got := c.postMultipart(saas, v).want(http.StatusUnprocessableEntity).fieldError("specs"); !strings.Contains(got, "Only image specs") {
		t.Errorf("spec regions on a SaaS product: %q", got)
	}

	// The messages speak the merchant's language.
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {path}}).want(http.StatusSeeOther)
	v = imageForm(north)
	v["sales_regions"] = []string{"cn-south-1"}
	v.Set("purchase_limit", "-5")
	r = c.postMultipart(path, v).want(http.StatusUnprocessableEntity)
	if got := r.fieldError("sales_regions"); !strings.Contains(got, "不在所选镜像已复制到的区域内") {
		t.Errorf("region message in Chinese %q", got)
	}
	if got := r.fieldError("purchase_limit"); !strings.Contains(got, "0 至 999") {
		t.Errorf("limit message in Chinese %q", got)
	}
}

// The editor that feels finished: specs as numbered groups whose inputs are named with
// their row, the price fields of the chosen billing mode only, an English spec name kept
// beside the Chinese one, the description marked for the rich-text editor (its textarea
// the no-JavaScript path), and a submitted application shown as a summary, not a form.
func TestProductEditorSpecsNamesAndSummary(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	assetID := approvedSaaSAsset(t, ta, m)
	path := createDraft(t, c)
	v := goodProductForm()
	v.Set("asset_id", strconv.Itoa(int(assetID)))
	v["spec_name_en"] = []string{"Basic", "", ""}
	v["spec_billing"] = []string{"period", "one_time", ""}
	v["spec_year"] = []string{"999", "", ""}
	v["spec_month"] = []string{"99", "", ""}
	v["spec_one_time"] = []string{"", "5000", ""}
	v["spec_trial"] = []string{"7", "", ""}
	saasAddressFor(t, ta, m, v)
	c.postMultipart(path, v, upload{"logo", "logo.png", pngOf(200, 200)}, upload{"media", "a.png", pngOf(800, 450)}, upload{"media", "b.png", pngOf(800, 450)},
		upload{"eula", "eula.pdf", pdfBytes}).want(http.StatusSeeOther)
	passCasesFor(t, ta, m, path)
	saved, _ := appOf(t, ta, path).ContentOf()
	if len(saved.Specs) != 2 || saved.Specs[0].NameEn != "Basic" || saved.Specs[1].NameEn != "" || *saved.Specs[1].OneTimeFen != 500000 {
		t.Fatalf("saved specs %+v", saved.Specs)
	}

	doc := c.get(path).want(http.StatusOK).Doc()
	if got := strings.Join(strings.Fields(doc.Find(`label[for="f-spec_name-1"]`).Text()), " "); got != "Spec 2: Spec name (Chinese)" {
		t.Errorf("spec 2's name label %q", got)
	}
	if got := strings.Join(strings.Fields(doc.Find(`label[for="f-support_email-2"]`).Text()), " "); got != "Support offer 3: Email" {
		t.Errorf("support row 3's email label %q", got)
	}
	if got, _ := doc.Find(`#f-spec_name_en-0`).Attr("value"); got != "Basic" {
		t.Errorf("English name shown %q", got)
	}
	hidden := func(id string) bool {
		_, h := doc.Find("#" + id).Parent().Attr("hidden")
		return h
	}
	for id, want := range map[string]bool{"f-spec_year-0": false, "f-spec_one_time-0": true, "f-spec_trial-0": false,
		"f-spec_year-1": true, "f-spec_one_time-1": false, "f-spec_hour-1": true, "f-spec_year-2": false, "f-spec_hour-2": false} {
		if hidden(id) != want {
			t.Errorf("%s hidden %v, want %v", id, !want, want)
		}
	}
	desc := doc.Find(`textarea[name="description"]`)
	if _, ok := desc.Attr("data-richtext"); !ok || !strings.Contains(desc.AttrOr("data-richtext-lang", ""), `"bold":"Bold"`) {
		t.Errorf("description textarea %v", desc.Nodes)
	}
	// Every input of the form has a name of its own.
	seen := map[string]bool{}
	doc.Find(`[data-testid="product-form"] label[for]`).Each(func(_ int, s *goquery.Selection) {
		text := strings.Join(strings.Fields(s.Text()), " ")
		if seen[text] && !strings.HasPrefix(s.AttrOr("for", ""), "f-spec_region") {
			t.Errorf("two inputs are labelled %q", text)
		}
		seen[text] = true
	})
	c.postMultipart(path, with(v, "spec_name_en", strings.Repeat("x", 101), "", "")).want(http.StatusUnprocessableEntity)

	// Submitted: a readable summary, with both names of the spec.
	c.post(path+"/submit", nil).want(http.StatusSeeOther)
	doc = c.get(path).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="product-form"]`).Length() != 0 || doc.Find(`[data-testid="product-summary"]`).Length() != 1 {
		t.Fatal("a pending application still shows the form")
	}
	if got := doc.Find(`[data-testid="product-summary"] [data-testid="spec-name-en"]`).Text(); got != "Basic" {
		t.Errorf("summary's English spec name %q", got)
	}
}

// with returns v with key set to values.
func with(v url.Values, key string, values ...string) url.Values {
	out := clone(v)
	out[key] = values
	return out
}
