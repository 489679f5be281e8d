package pages

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// PeriodVM is the analysis period as chosen: a preset (7d, 30d, 90d, month) or custom
// dates (both included, in the calendar's zone), and its query for links.
type PeriodVM struct {
	Range  string
	From   string // YYYY-MM-DD
	To     string
	Zone   string
	Days   int
	Query  string // range, from and to, encoded; empty while the period has errors
	Errors view.Errors
	AsOf   time.Time // when the figures shown were computed
}

// AnalyticsPresets are the period chooser's presets in display order.
var AnalyticsPresets = []string{"7d", "30d", "90d", "month"}

// AnalyticsVM is the dashboard (数据分析).
type AnalyticsVM struct {
	Period  PeriodVM
	Summary models.SalesSummary
}

// AnalyticsSalesVM is the sales detail page. Its product and spec lists may be cut to
// the best sellers; the totals tell how many there are.
type AnalyticsSalesVM struct {
	Period        PeriodVM
	Sales         models.SalesBreakdown
	TotalProducts int
	TotalSpecs    int
}

// ChartData is what static/js/charts.js draws a chart from; it is rendered as JSON in
// a <script type="application/json"> element next to the canvas.
type ChartData struct {
	Kind   string        `json:"kind"` // bar or line
	Labels []string      `json:"labels"`
	Series []ChartSeries `json:"series"`
}

// ChartSeries is one dataset of a chart.
type ChartSeries struct {
	Label string  `json:"label"`
	Data  []int64 `json:"data"`
	Money bool    `json:"money,omitempty"` // fen, drawn as yuan
	Axis  string  `json:"axis,omitempty"`  // "y" (left) or "y2" (right)
	Type  string  `json:"type,omitempty"`  // overrides the chart's kind
}

// Percent shows a rate with two decimals, e.g. "24.44%"; a rate without denominator is "".
func Percent(r models.Rate) string {
	if !r.Valid() {
		return ""
	}
	bp := r.BasisPoints()
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// percentOrDash is Percent for pages.
func percentOrDash(r models.Rate) string {
	if s := Percent(r); s != "" {
		return s
	}
	return "—"
}

// count shows a whole number with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// dayLabel shows a calendar day (a midnight in the calendar's zone, kept in that zone:
// converting it to another zone could change its date).
func dayLabel(ctx context.Context, t time.Time) string {
	if i18n.Lang(ctx) == i18n.ZhCN {
		return t.Format("2006年1月2日")
	}
	return t.Format("Jan 2, 2006")
}

// shortDay is a day on a chart's axis.
func shortDay(ctx context.Context, t time.Time) string {
	if i18n.Lang(ctx) == i18n.ZhCN {
		return t.Format("1月2日")
	}
	return t.Format("Jan 2")
}

func periodFirst(ctx context.Context, s models.SalesSummary) string {
	return dayLabel(ctx, s.Period.FirstDay())
}

func periodLast(ctx context.Context, s models.SalesSummary) string {
	return dayLabel(ctx, s.Period.LastDay())
}

// gmvChart is the daily GMV bar chart.
func gmvChart(ctx context.Context, s models.SalesSummary) ChartData {
	c := ChartData{Kind: "bar", Series: []ChartSeries{{Label: i18n.T(ctx, "analytics.kpi.gmv"), Money: true}}}
	for _, d := range s.Days {
		c.Labels = append(c.Labels, shortDay(ctx, d.Day))
		c.Series[0].Data = append(c.Series[0].Data, d.GMVFen)
	}
	return c
}

// trafficChart is the daily views (left axis) and paid orders (right axis) line chart.
func trafficChart(ctx context.Context, s models.SalesSummary) ChartData {
	c := ChartData{Kind: "line", Series: []ChartSeries{
		{Label: i18n.T(ctx, "analytics.kpi.views"), Axis: "y"},
		{Label: i18n.T(ctx, "analytics.kpi.paid_orders"), Axis: "y2"},
	}}
	for _, d := range s.Days {
		c.Labels = append(c.Labels, shortDay(ctx, d.Day))
		c.Series[0].Data = append(c.Series[0].Data, d.Views)
		c.Series[1].Data = append(c.Series[1].Data, d.PaidOrders)
	}
	return c
}

// gmvSummary describes the GMV chart for screen readers.
func gmvSummary(ctx context.Context, s models.SalesSummary) string {
	from, to := periodFirst(ctx, s), periodLast(ctx, s)
	best := peakDay(s.Days, func(d models.DaySales) int64 { return d.GMVFen })
	if best < 0 {
		return i18n.T(ctx, "analytics.chart.gmv.summary_empty", "From", from, "To", to)
	}
	return i18n.T(ctx, "analytics.chart.gmv.summary", "From", from, "To", to, "Total", i18n.Money(ctx, s.GMVFen),
		"Max", i18n.Money(ctx, s.Days[best].GMVFen), "MaxDay", dayLabel(ctx, s.Days[best].Day))
}

// peakDay is the index of the first day with the largest positive value of v, or -1
// when no day has one.
func peakDay(days []models.DaySales, v func(models.DaySales) int64) int {
	best := -1
	for i, d := range days {
		if v(d) > 0 && (best < 0 || v(d) > v(days[best])) {
			best = i
		}
	}
	return best
}

// trafficSummary describes the views and orders chart for screen readers.
func trafficSummary(ctx context.Context, s models.SalesSummary) string {
	from, to := periodFirst(ctx, s), periodLast(ctx, s)
	best := peakDay(s.Days, func(d models.DaySales) int64 { return d.Views })
	if best < 0 {
		return i18n.T(ctx, "analytics.chart.traffic.summary_no_views", "From", from, "To", to, "Orders", count(s.PaidOrders))
	}
	return i18n.T(ctx, "analytics.chart.traffic.summary", "From", from, "To", to, "Views", count(s.Views), "Orders", count(s.PaidOrders),
		"MaxViews", count(s.Days[best].Views), "MaxDay", dayLabel(ctx, s.Days[best].Day))
}

// periodURL is a preset's link on the overview or the sales page.
func periodURL(page, rng string) string {
	return analyticsURL(page, "range="+rng)
}

// analyticsURL is the overview's or the sales page's URL with a period query.
func analyticsURL(page, q string) string {
	if page == "sales" {
		return web.SellerAnalyticsSales(q)
	}
	return web.SellerAnalytics(q)
}

// refundKindLabel is a refund kind's message key.
func refundKindLabel(kind string) string { return "analytics.refund_kind." + kind }

// productName is a sales row's product in the reader's language, or its number when
// the product has no name.
func productName(ctx context.Context, r models.SpecSales) string {
	if n := r.ProductName(i18n.Lang(ctx)); n != "" {
		return n
	}
	return "#" + strconv.FormatUint(uint64(r.ProductID), 10)
}
