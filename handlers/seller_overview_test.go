package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web"
)

// The overview counts what waits on the merchant in one place: each kind of work is a
// link with its count, the headline is their sum, done work leaves the list, and other
// merchants' work never counts. Key figures, products and notices are there once the
// merchant is active.
func TestOverviewCountsWhatWaitsInOnePlace(t *testing.T) {
	t.Parallel()
	fx := newASFixture(t)
	ctx := context.Background()
	now := fx.ta.Clock.Now()
	o := fx.order(testdb.PaidOrderSpec{PaidFen: 3000000, PaidAt: now})
	fx.request(o.OrderNo, "100.00", "not used")
	// The other merchant's work must not count.
	testdb.PaidOrder(t, fx.ta.env, testdb.PaidOrderSpec{MerchantID: fx.other.MerchantID, BuyerID: fx.buyer.ID, PaidFen: 100})
	asset := fx.ta.newAsset(fx.m, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "1", Domain: "crm.example.com"}, false)
	must(t, fx.ta.env.DB.W.Model(&models.Asset{}).Where("id = ?", asset.ID).Update("status", models.AssetRejected).Error)
	_, papp, err := fx.ta.Store.NewProductDraft(ctx, fx.m.actor(), fx.m.MerchantID, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公"})
	must(t, err)
	must(t, fx.ta.env.DB.W.Model(&models.ProductApplication{}).Where("id = ?", papp.ID).Update("status", models.PARejected).Error)
	key, size, err := fx.ta.Blobs.Put(ctx, strings.NewReader("a,b\n"), 1<<10)
	must(t, err)
	ex := models.ExportJob{MerchantID: fx.m.MerchantID, UserID: fx.m.User.ID, Format: "csv", Status: models.ExportDone, BlobKey: key, Bytes: size, FileName: "orders.csv",
		ExpiresAt: ptrTime(now.Add(72 * time.Hour)), CreatedAt: now, UpdatedAt: now}
	must(t, fx.ta.env.DB.W.Create(&ex).Error)

	doc := fx.mc.get(web.Seller()).want(http.StatusOK).Doc()
	want := map[string]int{"after_sales": 1, "deliveries": 1, "asset_rejected": 1, "product_rejected": 1, "export_ready": 1}
	sum := 0
	for kind, n := range want {
		item := doc.Find(`[data-testid="todo-` + kind + `"]`)
		if got := strings.TrimSpace(item.Find(".badge").Text()); got != strconv.Itoa(n) {
			t.Errorf("to-do %s shows %q, want %d", kind, got, n)
		}
		if href, _ := item.Attr("href"); href == "" {
			t.Errorf("to-do %s has no link", kind)
		}
		sum += n
	}
	if doc.Find(`[data-testid="todos"] li`).Length() != len(want) {
		t.Errorf("to-do list: %s", doc.Find(`[data-testid="todos"]`).Text())
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="todo-on-you"]`).Text()); got != strconv.Itoa(sum) {
		t.Fatalf("waiting on you %q, want the sum %d of the list", got, sum)
	}
	if href, _ := doc.Find(`[data-testid="todo-export_ready"]`).Attr("href"); href != web.SellerExports() {
		t.Errorf("export to-do links to %q", href)
	}
	gmv := doc.Find(`[data-testid="figure-overview.figure.gmv"] td`)
	if gmv.Length() != 3 || strings.TrimSpace(gmv.Eq(0).Text()) != "¥30,000.00" || strings.TrimSpace(gmv.Eq(2).Text()) != "¥30,000.00" {
		t.Errorf("GMV today/7/30: %q", gmv.Text())
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="products-overview.products.drafts"] span`).First().Text()); got != "1" {
		t.Errorf("drafts %q", got)
	}
	if doc.Find(`[data-testid="merchant-active"]`).Length() != 1 || doc.Find(`details#checklist[open]`).Length() != 0 {
		t.Error("the complete checklist is not tucked away")
	}
	if doc.Find(`[data-testid="recent-notices"] li`).Length() == 0 {
		t.Error("no recent notices (the refund request notified the merchant)")
	}

	// Downloading the export clears its to-do.
	fx.mc.get(web.SellerExportDownload(ex.ID)).want(http.StatusOK)
	doc = fx.mc.get(web.Seller()).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="todo-export_ready"]`).Length() != 0 {
		t.Error("a downloaded export still waits")
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="todo-on-you"]`).Text()); got != strconv.Itoa(sum-1) {
		t.Errorf("after the download: %q, want %d", got, sum-1)
	}

	// The other merchant sees its own delivery only.
	other := fx.otherClient.get(web.Seller()).want(http.StatusOK).Doc()
	if got := strings.TrimSpace(other.Find(`[data-testid="todo-on-you"]`).Text()); got != "1" {
		t.Errorf("other merchant waits on %q, want 1 (its delivery)", got)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
