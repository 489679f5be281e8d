package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sellercenter/models"
)

// chartLabels waits until Chart.js drew a chart's canvas and tells how many labels it has.
func (b *browser) chartLabels(id string) int {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const c = document.querySelector('canvas[data-chart="chart-%s-data"]');
		const ch = c && window.Chart && window.Chart.getChart(c); return ch ? ch.data.labels.length : -1 })()`, id)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](js)); err == nil && n >= 0 {
			return n
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.screenshot("failed-chart-" + id)
	b.t.Fatalf("chart %s was not drawn on %s", id, b.path())
	return -1
}

func TestAnalyticsChartsJourney(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	u, err := srv.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "seller@example.com", Password: "seller-password",
		Role: models.RoleMerchant, Name: "商家", Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	db := srv.env.DB.W
	now := time.Now().UTC()
	p := models.Product{MerchantID: *u.MerchantID, Type: models.ProductSaaS, NameZh: "云协同办公", NameEn: "Cloud Teamwork",
		Listing: models.ListingOnSale, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	s := models.Spec{ProductID: p.ID, MerchantID: p.MerchantID, SKUCode: "SKU-E2E-1", Name: "基础版", BillingMode: models.BillingPeriod,
		Content: "{}", CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&s).Error; err != nil {
		t.Fatal(err)
	}
	for d := range 28 {
		paid := now.Add(-time.Duration(d)*24*time.Hour - time.Hour)
		for k := range d%4 + 1 {
			o := models.Order{OrderNo: models.NewOrderNo(paid), MerchantID: p.MerchantID, BuyerID: uint(100 + k), ProductID: p.ID, SpecID: s.ID,
				Kind: models.OrderNew, Status: models.OrderCompleted, ProductType: p.Type, CustomerName: fmt.Sprintf("客户 %d", k),
				AmountFen: int64(9900 * (k + 1)), PaidFen: int64(9900 * (k + 1)), PaidAt: &paid, CreatedAt: paid, UpdatedAt: paid, Version: 1}
			if err := db.Create(&o).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Create(&models.ProductView{ProductID: p.ID, MerchantID: p.MerchantID, Day: paid.Format(time.DateOnly), Views: int64(20 + d)}).Error; err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, srv, "en")
	b.login("seller@example.com", "seller-password")
	b.click(`nav a[href="/seller/analytics"]`)
	b.waitFor(`[data-testid="kpis"]`)
	if n := b.chartLabels("gmv"); n != 30 {
		t.Fatalf("GMV chart has %d days, want 30", n)
	}
	if n := b.chartLabels("traffic"); n != 30 {
		t.Fatalf("traffic chart has %d days, want 30", n)
	}
	b.screenshot("analytics-dashboard")

	// A preset swaps the content with htmx; the new charts are drawn.
	// (The stale marker goes inside the content htmx replaces.)
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const i = document.createElement('i'); i.id = '__stale'; i.hidden = true;
		document.getElementById('analytics-content').appendChild(i); return true })()`)); err != nil {
		t.Fatal(err)
	}
	b.click(`[data-testid="period-7d"]`)
	b.waitFresh("7-day preset")
	b.waitFor(`[data-testid="period-7d"][aria-current]`)
	if n := b.chartLabels("gmv"); n != 7 {
		t.Fatalf("after the 7-day preset the GMV chart has %d days", n)
	}
	if !strings.HasSuffix(b.path(), "/seller/analytics") {
		t.Fatalf("path %s", b.path())
	}
	// The table alternative opens.
	b.click(`[data-testid="chart-gmv"] summary`)
	b.waitFor(`[data-testid="chart-table-gmv"]`)
	b.screenshot("analytics-dashboard-7d-table")

	// The sales details, and back: the charts are drawn again after the boosted navigation.
	b.submit(`[data-testid="analytics-tab-sales"]`)
	b.waitFor(`[data-testid="sales-by-product"]`)
	if got := b.text(`[data-testid="product-row"] th`); got != "Cloud Teamwork" {
		t.Fatalf("product row %q", got)
	}
	b.screenshot("analytics-sales")
	b.submit(`[data-testid="analytics-tab-overview"]`)
	if n := b.chartLabels("traffic"); n != 7 {
		t.Fatalf("traffic chart after going back has %d days", n)
	}

	b.switchLocale("zh-CN")
	b.waitFor(`[data-testid="kpis"]`)
	b.chartLabels("gmv")
	b.screenshot("analytics-dashboard-zh")
}
