package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web"
)

// Reviewers find merchants and products by what they know: suggestions as they type,
// and filters that take a name (or part of one) as well as an id.
func TestConsoleFiltersTakeNamesWithSuggestions(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	a := ta.activeMerchant("a@example.com", "甲骨文云科技")
	ta.activeMerchant("b@example.com", "乙方软件")
	_, _, err := ta.Store.NewProductDraft(context.Background(), a.actor(), a.MerchantID, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公", NameEn: "Teamwork"})
	must(t, err)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")

	opts := c.get("/admin/suggest/merchants?merchant=" + url.QueryEscape("甲骨")).want(http.StatusOK).Doc().Find("option")
	if opts.Length() != 1 || opts.AttrOr("value", "") != "甲骨文云科技" {
		t.Fatalf("merchant suggestions %q", opts.Text())
	}
	opts = c.get("/admin/suggest/products?product=TEAM").want(http.StatusOK).Doc().Find("option")
	if opts.Length() != 1 || opts.AttrOr("value", "") != "协同办公" || opts.Text() != "协同办公 / Teamwork" {
		t.Fatalf("product suggestions %q", opts.Text())
	}
	if n := c.get("/admin/suggest/merchants?merchant=").want(http.StatusOK).Doc().Find("option").Length(); n != 0 {
		t.Fatalf("an empty field suggests %d names", n)
	}
	c.get("/admin/suggest/spaceships?merchant=a").want(http.StatusNotFound)

	// The audit log by a merchant's name: that merchant's rows only.
	doc := c.get("/admin/audit?merchant=" + url.QueryEscape("乙方")).want(http.StatusOK).Doc()
	_, want, _ := ta.Store.AuditLogs(context.Background(), models.AuditFilter{MerchantID: a.MerchantID + 1, Page: 1, Per: 100})
	if got := doc.Find(`[data-testid="audit-row"]`).Length(); int64(got) != want || want == 0 {
		t.Fatalf("audit by name: %d rows, want %d", got, want)
	}
	field := doc.Find(`[data-testid="name-filter-merchant"]`)
	if field.AttrOr("list", "") != "dl-merchant" || field.AttrOr("hx-get", "") != "/admin/suggest/merchants" || !strings.Contains(doc.Text(), "A name, part of one, or an id") {
		t.Fatalf("the merchant filter offers no suggestions: %v", field.Nodes)
	}
	orders := c.get("/admin/orders").want(http.StatusOK).Doc()
	if orders.Find(`[data-testid="name-filter-product"]`).Length() != 1 || orders.Find(`[data-testid="name-filter-merchant"]`).Length() != 1 {
		t.Fatal("the order list filters merchants and products by id only")
	}
}

// The merchant's page shows what the merchant sells and has sold: products with their
// applications, recent orders and assets, each linked, with the way to the full lists.
func TestMerchantDetailShowsProductsOrdersAssets(t *testing.T) {
	t.Parallel()
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{PaidFen: 12300})
	_, app, err := fx.ta.Store.NewProductDraft(context.Background(), fx.m.actor(), fx.m.MerchantID, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公", NameEn: "Teamwork"})
	must(t, err)
	asset := fx.ta.newAsset(fx.m, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "2", Domain: "crm.example.com"}, false)
	doc := fx.rc.get(web.AdminMerchant(fx.m.MerchantID)).want(http.StatusOK).Doc()
	if href, _ := doc.Find(`[data-testid="merchant-products"] a:contains("Teamwork")`).Attr("href"); href != web.AdminProductApp(app.ID) {
		t.Errorf("product links to %q", href)
	}
	if href, _ := doc.Find(`[data-testid="merchant-orders"] a:contains("` + o.OrderNo + `")`).Attr("href"); href != web.AdminOrder(o.OrderNo) {
		t.Errorf("order links to %q", href)
	}
	if !strings.Contains(doc.Find(`[data-testid="merchant-orders"]`).Text(), "¥123.00") {
		t.Error("order amount missing")
	}
	if href, _ := doc.Find(`[data-testid="merchant-assets"] a:contains("CRM 2")`).Attr("href"); href != web.AdminAsset(asset.ID) {
		t.Errorf("asset links to %q", href)
	}
	if href, _ := doc.Find(`[data-testid="merchant-orders"] a:contains("All orders")`).Attr("href"); href != "/admin/orders?merchant="+uitoa(fx.m.MerchantID) {
		t.Errorf("all orders link %q", href)
	}
	// The other merchant's page shows none of it.
	other := fx.rc.get(web.AdminMerchant(fx.other.MerchantID)).want(http.StatusOK).Doc()
	if strings.Contains(other.Text(), o.OrderNo) || strings.Contains(other.Text(), "Teamwork") || strings.Contains(other.Text(), "CRM 2") {
		t.Error("another merchant's page shows this merchant's work")
	}
}
