package handlers

import (
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/pages"
)

// benchOrderPage is a merchant's first order list page as read once for the benchmark
// baseline.
type benchOrderPage struct {
	page     models.OrderPage
	products []models.ProductNameRow
}

// benchPages holds the in-memory pages of the benchmark baseline, per merchant.
type benchPages struct {
	mu    sync.Mutex
	pages map[uint]benchOrderPage
}

// BenchOrderList is the baseline of the order list's performance bar (P1): the
// merchant's first order list page rendered by the same code from rows held in memory,
// read once per merchant with the same store calls, behind the same middleware as
// /seller/orders. It is routed only when SC_BENCH_ROUTES is set, which production
// refuses.
func (a *App) BenchOrderList(c echo.Context) error {
	var f orderFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	_, fvm := a.orderFilter(c, f, errs, false)
	ctx, m := c.Request().Context(), currentMerchant(c)
	a.bench.mu.Lock()
	bp, ok := a.bench.pages[m.ID]
	a.bench.mu.Unlock()
	if !ok {
		page, err := a.Store.Orders(ctx, m.ID, models.OrderFilter{}, models.OrderCursor{})
		if err != nil {
			return err
		}
		products, err := a.Store.ProductNames(ctx, m.ID)
		if err != nil {
			return err
		}
		bp = benchOrderPage{page: page, products: products}
		a.bench.mu.Lock()
		if a.bench.pages == nil {
			a.bench.pages = map[uint]benchOrderPage{}
		}
		a.bench.pages[m.ID] = bp
		a.bench.mu.Unlock()
	}
	return a.renderOrderPage(c, http.StatusOK, pages.OrderListVM{Filter: fvm, Page: bp.page}, bp.products)
}
