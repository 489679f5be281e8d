package pages

import (
	"time"

	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
)

// OverviewVM is the merchant overview: while onboarding, the checklist; once active, the
// daily dashboard (what waits on the merchant, key figures, products, recent notices).
type OverviewVM struct {
	CompanyName string
	Active      bool
	ActivatedAt *time.Time
	Steps       []components.Step
	OnYou       int // onboarding steps only the merchant can take
	OnPlatform  int // onboarding steps with the platform
	Todos       models.Todos
	InReview    int64 // products and changes waiting for a reviewer
	Figures     []FigureRow
	Products    models.ProductCounts
	Notices     []InboxItem
}

// FigureRow is one key figure over today, 7 and 30 days.
type FigureRow struct {
	Label  string // message key
	Values [3]string
}

// NewFigureRows lays out the key figures of the three periods.
func NewFigureRows(today, week, month models.SalesSummary) []FigureRow {
	s := [3]models.SalesSummary{today, week, month}
	rows := []FigureRow{{Label: "overview.figure.gmv"}, {Label: "overview.figure.paid_orders"}, {Label: "overview.figure.refunds"}, {Label: "overview.figure.refund_amount"}}
	for i, x := range s {
		rows[0].Values[i] = money.Display(x.GMVFen)
		rows[1].Values[i] = itoa(int(x.PaidOrders))
		rows[2].Values[i] = itoa(int(x.Refunds))
		rows[3].Values[i] = money.Display(x.RefundFen)
	}
	return rows
}

// TodoLink is where the work of a to-do kind is done.
func TodoLink(kind string) string {
	switch kind {
	case models.TodoAfterSales:
		return web.SellerAfterSalesWaiting()
	case models.TodoDeliveries:
		return web.SellerOrders() + "?status=" + models.OrderProcessing
	case models.TodoProductRejected:
		return web.SellerProductApps() + "?status=" + models.PARejected
	case models.TodoAssetRejected:
		return web.SellerAssets() + "?status=" + models.AssetRejected
	case models.TodoChangeRejected:
		return web.SellerChanges()
	case models.TodoExportReady:
		return web.SellerExports()
	case models.TodoSaaSCallsFailed:
		return web.SellerSaaSCalls("status=" + models.CallFailed)
	case models.TodoSupervision:
		return web.SellerSupervisions() + "?tab=waiting"
	case models.TodoSupervisionLate:
		return web.SellerSupervisions() + "?tab=overdue"
	}
	return web.Seller() + "#checklist"
}

// ProductTile is one count of the products-by-status card.
type ProductTile struct {
	Label string // message key
	Count int64
	URL   string
}

// ProductTiles lays out the products by where they stand, each linked to the list.
func (vm OverviewVM) ProductTiles() []ProductTile {
	list := web.SellerProducts()
	p := vm.Products
	return []ProductTile{
		{"overview.products.on_sale", p.OnSale, list + "?listing=" + models.ListingOnSale},
		{"overview.products.hidden", p.Hidden, list + "?listing=" + models.ListingOnSale},
		{"overview.products.pending", p.Pending, web.SellerProductApps() + "?status=" + models.PAPending},
		{"overview.products.drafts", p.Drafts, list + "?listing=" + models.ListingNotListed},
		{"overview.products.stopped", p.Stopped, list + "?listing=" + models.ListingStopped},
		{"overview.products.delisted", p.Delisted, list + "?listing=" + models.ListingDelisted},
	}
}
