package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/ttlcache"
	"sellercenter/models"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// Period presets of the analysis pages; "custom" takes the from and to dates.
const (
	rangeCustom  = "custom"
	rangeMonth   = "month"
	defaultRange = "30d"
)

// salesPageRows bounds the product and spec tables of the sales page.
const salesPageRows = 50

// rangeDays are the presets that count back from today.
var rangeDays = map[string]int{"7d": 7, "30d": 30, "90d": 90}

// analyticsTTL is how long a period's figures are kept: dashboards are reloaded often,
// and the pages say when their figures were computed.
const (
	analyticsTTL        = 30 * time.Second
	analyticsCacheSize  = 1024
	analyticsComputeMax = 30 * time.Second
)

// analyticsCaches keep the figures of recently viewed periods, per merchant.
type analyticsCaches struct {
	summary   *ttlcache.Cache[models.SalesSummary]
	breakdown *ttlcache.Cache[models.SalesBreakdown]
}

func (a *App) analyticsCache() *analyticsCaches {
	a.analyticsOnce.Do(func() {
		a.analytics = &analyticsCaches{
			summary:   ttlcache.New[models.SalesSummary](analyticsTTL, analyticsCacheSize, a.Store.Now),
			breakdown: ttlcache.New[models.SalesBreakdown](analyticsTTL, analyticsCacheSize, a.Store.Now),
		}
	})
	return a.analytics
}

func periodKey(merchantID uint, p models.Period) string {
	return fmt.Sprintf("%d|%s|%d|%d", merchantID, p.Loc, p.From.Unix(), p.To.Unix())
}

// computeCtx detaches a computation other requests may be waiting for from the request
// that started it.
func computeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), analyticsComputeMax)
}

// salesSummary is the merchant's dashboard of p, as computed at most analyticsTTL ago.
func (a *App) salesSummary(ctx context.Context, merchantID uint, p models.Period) (models.SalesSummary, time.Time, error) {
	return a.analyticsCache().summary.Get(periodKey(merchantID, p), func() (models.SalesSummary, error) {
		ctx, cancel := computeCtx(ctx)
		defer cancel()
		return a.Store.SalesSummary(ctx, merchantID, p)
	})
}

// salesBreakdown is the merchant's sales detail of p, as computed at most analyticsTTL ago.
func (a *App) salesBreakdown(ctx context.Context, merchantID uint, p models.Period) (models.SalesBreakdown, time.Time, error) {
	return a.analyticsCache().breakdown.Get(periodKey(merchantID, p), func() (models.SalesBreakdown, error) {
		ctx, cancel := computeCtx(ctx)
		defer cancel()
		return a.Store.SalesBreakdown(ctx, merchantID, p)
	})
}

// analyticsPeriodForm is the period chooser. Dates arrive as text so that a malformed one
// becomes a message, not a failed bind.
type analyticsPeriodForm struct {
	Range string `query:"range" form:"range"`
	From  string `query:"from" form:"from" validate:"max=10"`
	To    string `query:"to" form:"to" validate:"max=10"`
}

// The years an analysis may cover.
const (
	analyticsFirstYear = 2000
	analyticsLastYear  = 2099
)

// calendarDays counts the days from first to last, both included, whatever their zone's
// daylight saving.
func calendarDays(first, last time.Time) int {
	noon := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC) }
	return int(noon(last).Sub(noon(first)).Hours()/24) + 1
}

// analyticsPeriod reads the period chooser: a preset (last 7, 30 or 90 days, this month)
// counted in the calendar's zone up to today, or a custom range of dates, both included.
// Without any choice it is the last 30 days. An unknown preset is a 400; bad dates come
// back as field errors.
func (a *App) analyticsPeriod(c echo.Context) (pages.PeriodVM, models.Period, error) {
	var f analyticsPeriodForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return pages.PeriodVM{}, models.Period{}, err
	}
	loc := a.Store.CalendarLocation(c.Request().Context())
	now := a.Store.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	vm := pages.PeriodVM{Range: f.Range, From: f.From, To: f.To, Zone: loc.String(), Errors: errs}
	if vm.Range == "" {
		vm.Range = rangeCustom
		if f.From == "" && f.To == "" {
			vm.Range = defaultRange
		}
	}
	var first, last time.Time
	switch n, preset := rangeDays[vm.Range]; {
	case preset:
		first, last = today.AddDate(0, 0, 1-n), today
	case vm.Range == rangeMonth:
		first, last = today.AddDate(0, 0, 1-today.Day()), today
	case vm.Range == rangeCustom:
		first = analyticsDay(errs, "from", f.From, loc)
		last = analyticsDay(errs, "to", f.To, loc)
		switch {
		case errs.Any():
		case last.Before(first):
			errs.Set("to", "analytics.error.order")
		case calendarDays(first, last) > models.MaxPeriodDays:
			errs.Set("to", "analytics.error.too_long")
		}
	default:
		return vm, models.Period{}, echo.NewHTTPError(http.StatusBadRequest)
	}
	if errs.Any() {
		return vm, models.Period{}, nil
	}
	p := models.PeriodOf(first, last, loc)
	vm.From, vm.To = first.Format(time.DateOnly), last.Format(time.DateOnly)
	vm.Days = len(p.Days())
	q := url.Values{"range": {vm.Range}, "from": {vm.From}, "to": {vm.To}}
	vm.Query = q.Encode()
	return vm, p, nil
}

// analyticsDay reads one date of a custom range; a missing or malformed one is a field error.
func analyticsDay(errs view.Errors, field, s string, loc *time.Location) time.Time {
	if errs.Has(field) {
		return time.Time{}
	}
	if s == "" {
		errs.Set(field, "error.required")
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil || d.Year() < analyticsFirstYear || d.Year() > analyticsLastYear {
		errs.Set(field, "analytics.error.date")
		return time.Time{}
	}
	return d
}

// AnalyticsShow is the dashboard (数据分析): GMV, paid orders, refunds, refund rates,
// product views and conversion of the chosen period, with daily charts and their tables.
func (a *App) AnalyticsShow(c echo.Context) error {
	pv, period, err := a.analyticsPeriod(c)
	if err != nil {
		return err
	}
	vm := pages.AnalyticsVM{Period: pv}
	if pv.Errors.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.AnalyticsPage(a.page(c), vm), pages.AnalyticsContent(vm))
	}
	s, asOf, err := a.salesSummary(c.Request().Context(), currentMerchant(c).ID, period)
	if err != nil {
		return err
	}
	vm.Summary, vm.Period.AsOf = s, asOf
	return a.render(c, http.StatusOK, pages.AnalyticsPage(a.page(c), vm), pages.AnalyticsContent(vm))
}

// AnalyticsSalesList is the sales detail (销售明细): sales by product and by spec, top
// customers and refunds by type over the chosen period.
func (a *App) AnalyticsSalesList(c echo.Context) error {
	pv, period, err := a.analyticsPeriod(c)
	if err != nil {
		return err
	}
	vm := pages.AnalyticsSalesVM{Period: pv}
	if pv.Errors.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.AnalyticsSalesPage(a.page(c), vm), pages.AnalyticsSalesContent(vm))
	}
	b, asOf, err := a.salesBreakdown(c.Request().Context(), currentMerchant(c).ID, period)
	if err != nil {
		return err
	}
	vm.Period.AsOf = asOf
	// The page shows the best sellers; the CSV downloads have every row.
	vm.Sales, vm.TotalProducts, vm.TotalSpecs = b, len(b.Products), len(b.Specs)
	vm.Sales.Products = b.Products[:min(len(b.Products), salesPageRows)]
	vm.Sales.Specs = b.Specs[:min(len(b.Specs), salesPageRows)]
	return a.render(c, http.StatusOK, pages.AnalyticsSalesPage(a.page(c), vm), pages.AnalyticsSalesContent(vm))
}

// analyticsSections are the tables the analysis downloads as CSV.
var analyticsSections = []string{"summary", "daily", "products", "specs", "customers", "refunds"}

// AnalyticsCSV downloads one table of the analysis, the same numbers as the pages, as
// UTF-8 CSV with a byte order mark (spreadsheet programs then read Chinese correctly) and
// headers in the reader's language. A bad period shows the dashboard with its messages.
func (a *App) AnalyticsCSV(c echo.Context) error {
	section := c.QueryParam("section")
	if !slices.Contains(analyticsSections, section) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	pv, period, err := a.analyticsPeriod(c)
	if err != nil {
		return err
	}
	if pv.Errors.Any() {
		vm := pages.AnalyticsVM{Period: pv}
		return a.render(c, http.StatusUnprocessableEntity, pages.AnalyticsPage(a.page(c), vm), pages.AnalyticsContent(vm))
	}
	rows, err := a.analyticsRows(c.Request().Context(), currentMerchant(c).ID, section, period)
	if err != nil {
		return err
	}
	w, err := startCSV(c, "analytics-"+section+"-"+pv.From+"-"+pv.To+".csv")
	if err != nil {
		return err
	}
	return w.WriteAll(rows)
}

// startCSV starts a CSV download called name: UTF-8 with a byte order mark (spreadsheet
// programs then read Chinese correctly), lines ending in CRLF.
func startCSV(c echo.Context, name string) (*csv.Writer, error) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Response().WriteHeader(http.StatusOK)
	if _, err := c.Response().Write([]byte("\uFEFF")); err != nil {
		return nil, err
	}
	w := csv.NewWriter(c.Response())
	w.UseCRLF = true
	return w, nil
}

// analyticsRows reads the figures of one section and lays them out as its CSV table.
func (a *App) analyticsRows(ctx context.Context, merchantID uint, section string, p models.Period) ([][]string, error) {
	if section == "summary" || section == "daily" {
		s, _, err := a.salesSummary(ctx, merchantID, p)
		if err != nil {
			return nil, err
		}
		return pages.AnalyticsSummaryRows(ctx, section, s, p), nil
	}
	b, _, err := a.salesBreakdown(ctx, merchantID, p)
	if err != nil {
		return nil, err
	}
	return pages.AnalyticsBreakdownRows(ctx, section, b), nil
}
