package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"sellercenter/models"
)

func TestCatalogRecordsProductViews(t *testing.T) {
	fx := newCatalogFixture(t)
	ta := fx.ta
	logo := ta.fileRow(fx.owner, "product_logo")
	p := fx.publish(fx.content("协同办公", "Teamwork", "office", logo))
	other := fx.publish(fx.content("安全卫士", "Guardian", "security", logo))
	views := func(prod models.Product) map[string]int64 {
		var rows []models.ProductView
		ta.env.DB.R.Where("product_id = ?", prod.ID).Find(&rows)
		out := map[string]int64{}
		for _, r := range rows {
			if r.MerchantID != fx.m.ID {
				t.Errorf("view row of merchant %d", r.MerchantID)
			}
			out[r.Day] = r.Views
		}
		return out
	}
	today := ta.env.Clock.Now().UTC().Format(time.DateOnly)

	// A visitor counts once a day per product, however often the page is shown.
	visitor := ta.client()
	for range 3 {
		visitor.get(catalogPath(p)).want(http.StatusOK)
	}
	visitor.get(catalogPath(other)).want(http.StatusOK)
	if got := views(p)[today]; got != 1 {
		t.Fatalf("visitor counted %d times", got)
	}
	// The merchant's own accounts and reviewers are not counted; buyers, other merchants
	// and other browsers are.
	fx.ta.loggedIn("m@example.com").get(catalogPath(p)).want(http.StatusOK)
	ta.loggedIn("catrev@example.com").get(catalogPath(p)).want(http.StatusOK)
	if got := views(p)[today]; got != 1 {
		t.Fatalf("own merchant or reviewer counted: %d", got)
	}
	ta.user(models.RoleBuyer, "buyer@example.com")
	ta.user(models.RoleMerchant, "other@example.com")
	ta.loggedIn("buyer@example.com").get(catalogPath(p)).want(http.StatusOK)
	ta.loggedIn("other@example.com").get(catalogPath(p)).want(http.StatusOK)
	ta.client().get(catalogPath(p)).want(http.StatusOK)
	if got := views(p)[today]; got != 4 {
		t.Fatalf("views %d, want 4", got)
	}
	if got := views(other)[today]; got != 1 {
		t.Fatalf("other product's views %d", got)
	}

	// The next UTC day the same browser counts again, on a new row.
	ta.env.Clock.Advance(24 * time.Hour)
	visitor.get(catalogPath(p)).want(http.StatusOK)
	tomorrow := ta.env.Clock.Now().UTC().Format(time.DateOnly)
	if got := views(p); got[today] != 4 || got[tomorrow] != 1 {
		t.Fatalf("views by day %v", got)
	}

	// The dashboard shows them.
	r := ta.loggedIn("m@example.com").get("/seller/analytics?range=7d").want(http.StatusOK)
	if got := kpis(r)["kpi-views"]; got != "6" {
		t.Errorf("dashboard views %q, want 6", got)
	}

	// A failed write is logged and the page still shows.
	must(t, ta.env.DB.W.Exec("DROP TABLE product_views").Error)
	ta.client().get(catalogPath(p)).want(http.StatusOK)
	if !strings.Contains(ta.log.String(), "product view not recorded") {
		t.Error("failed view write not logged")
	}
}

// A signed-in buyer browses the catalog inside the buyer center, its entry current; a
// visitor sees the public shell.
func TestCatalogKeepsTheBuyerCenter(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	doc := ta.loggedIn("b@example.com").get("/catalog").want(http.StatusOK).Doc()
	if cur := doc.Find(`#sidenav a[aria-current="page"]`); cur.AttrOr("href", "") != "/catalog" {
		t.Fatalf("the buyer left the buyer center: current entry %q", cur.AttrOr("href", ""))
	}
	if ta.client().get("/catalog").want(http.StatusOK).Doc().Find(`#sidenav`).Length() != 0 {
		t.Fatal("a visitor sees a console")
	}
}
