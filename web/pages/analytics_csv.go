package pages

import (
	"context"
	"strconv"
	"time"

	"sellercenter/internal/export"
	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// The analysis CSV tables: the figures the pages show, a header row in the reader's
// language, then the figures; amounts in yuan with two decimals, rates as percentages.

// AnalyticsSummaryRows is the summary or the daily table.
func AnalyticsSummaryRows(ctx context.Context, section string, s models.SalesSummary, p models.Period) [][]string {
	t := func(key string) string { return i18n.T(ctx, key) }
	yuan, n := money.FormatYuan, func(v int64) string { return strconv.FormatInt(v, 10) }
	if section == "daily" {
		rows := [][]string{{t("analytics.col.date"), t("analytics.csv.gmv"), t("analytics.col.paid_orders"), t("analytics.col.views")}}
		for _, d := range s.Days {
			rows = append(rows, []string{d.Day.Format(time.DateOnly), yuan(d.GMVFen), n(d.PaidOrders), n(d.Views)})
		}
		return rows
	}
	return [][]string{
		{t("analytics.col.metric"), t("analytics.col.value")},
		{t("analytics.period.from"), p.FirstDay().Format(time.DateOnly)},
		{t("analytics.period.to"), p.LastDay().Format(time.DateOnly)},
		{t("analytics.csv.zone"), p.Loc.String()},
		{t("analytics.csv.gmv"), yuan(s.GMVFen)},
		{t("analytics.kpi.paid_orders"), n(s.PaidOrders)},
		{t("analytics.csv.refunds"), n(s.Refunds)},
		{t("analytics.csv.refunded_orders"), n(s.RefundedOrders)},
		{t("analytics.csv.refund_amount"), yuan(s.RefundFen)},
		{t("analytics.kpi.refund_rate_amount"), Percent(s.AmountRefundRate())},
		{t("analytics.kpi.refund_rate_orders"), Percent(s.OrderRefundRate())},
		{t("analytics.kpi.views"), n(s.Views)},
		{t("analytics.kpi.conversion"), Percent(s.Conversion())},
	}
}

// AnalyticsBreakdownRows is the CSV table of a breakdown section (products, specs,
// customers, refunds), every row, not only the best sellers.
func AnalyticsBreakdownRows(ctx context.Context, section string, b models.SalesBreakdown) [][]string {
	t := func(key string) string { return i18n.T(ctx, key) }
	lang := i18n.Lang(ctx)
	yuan, n := money.FormatYuan, func(v int64) string { return strconv.FormatInt(v, 10) }
	switch section {
	case "products", "specs":
		specs := b.Specs
		tail := []string{t("analytics.col.paid_orders"), t("analytics.csv.gmv"), t("analytics.col.refunds"), t("analytics.csv.refund_amount"), t("analytics.csv.net")}
		figures := func(r models.SpecSales) []string {
			return []string{n(r.PaidOrders), yuan(r.GMVFen), n(r.Refunds), yuan(r.RefundFen), yuan(r.NetFen())}
		}
		if section == "specs" {
			rows := [][]string{append([]string{t("analytics.col.product_id"), t("analytics.col.product"), t("analytics.col.spec")}, tail...)}
			for _, r := range specs {
				rows = append(rows, append([]string{n(int64(r.ProductID)), export.GuardFormula(r.ProductName(lang)), export.GuardFormula(r.SpecName)}, figures(r)...))
			}
			return rows
		}
		rows := [][]string{append([]string{t("analytics.col.product_id"), t("analytics.col.product")}, tail...)}
		for _, r := range b.Products {
			rows = append(rows, append([]string{n(int64(r.ProductID)), export.GuardFormula(r.ProductName(lang))}, figures(r.SpecSales)...))
		}
		return rows
	case "customers":
		cs := b.Customers
		rows := [][]string{{t("analytics.col.rank"), t("analytics.col.customer"), t("analytics.col.paid_orders"), t("analytics.csv.gmv"), t("analytics.csv.refund_amount")}}
		for i, r := range cs {
			rows = append(rows, []string{strconv.Itoa(i + 1), export.GuardFormula(r.CustomerName), n(r.PaidOrders), yuan(r.GMVFen), yuan(r.RefundFen)})
		}
		return rows
	}
	kinds := b.RefundKinds
	rows := [][]string{{t("analytics.col.refund_kind"), t("analytics.col.refunds"), t("analytics.csv.refund_amount")}}
	for _, k := range kinds {
		rows = append(rows, []string{t("analytics.refund_kind." + k.Kind), n(k.Refunds), yuan(k.RefundFen)})
	}
	return rows
}
