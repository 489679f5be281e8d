package export

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"sellercenter/models"
)

// BillLineColumns are the message keys of a bill export's header, in column order.
var BillLineColumns = []string{
	"settle.col.line", "settle.col.kind", "settle.col.order_no", "settle.col.order_line", "settle.col.product", "settle.col.spec",
	"settle.col.customer", "settle.col.billable_at", "settle.col.amount", "settle.col.fee_rate", "settle.col.fee", "settle.col.payable",
}

// TradeColumns are the message keys of a trade-detail export's header, in column order.
var TradeColumns = []string{
	"settle.col.order_no", "settle.col.created_at", "settle.col.kind", "settle.col.product", "settle.col.spec", "settle.col.customer",
	"settle.col.entity", "settle.col.amount", "settle.col.fee", "settle.col.state", "settle.col.bill_no", "settle.col.period",
}

// WriteBillLines writes a bill's lines (models.Store.EachBillLine bound to the bill) to
// out in format; adjustments are described by their reason.
func WriteBillLines(ctx context.Context, format string, out io.Writer, lb Labels, src func(fn func(*models.BillLineRow) error) error,
	progress func(int64) error) (int64, error) {
	rw, err := newRowWriter(ctx, format, out, lb, "settle.sheet.bill", BillLineColumns, progress)
	if err != nil {
		return 0, err
	}
	cells := make([]Cell, len(BillLineColumns))
	n := 0
	err = src(func(l *models.BillLineRow) error {
		n++
		cells[0] = Cell{Text: strconv.Itoa(n)}
		cells[1] = Cell{Text: rw.label("settle.line." + l.Kind)}
		cells[2] = Cell{Text: l.OrderNo}
		cells[3] = Cell{Text: l.LineNo}
		if l.Kind == models.LineAdjustment {
			cells[4] = Cell{Text: AdjustmentReason(rw.lb.T, l.Reason)}
		} else {
			cells[4] = Cell{Text: l.ProductName(rw.lb.Lang)}
		}
		cells[5] = Cell{Text: l.SpecName}
		if l.Kind == models.LineUsage {
			cells[5].Text += " · " + rw.lb.T("settle.line.hours", "N", l.Hours)
		}
		cells[6] = Cell{Text: l.CustomerName}
		cells[7] = Cell{Text: l.BillableAt.In(rw.lb.Zone).Format(time.DateTime)}
		cells[8] = Cell{Fen: l.AmountFen, Money: true}
		cells[9] = Cell{Text: Percent(l.FeeBP)}
		cells[10] = Cell{Fen: l.FeeFen, Money: true}
		cells[11] = Cell{Fen: l.PayableFen(), Money: true}
		return rw.row(cells)
	})
	if err != nil {
		return rw.rows, err
	}
	return rw.rows, rw.w.Close()
}

// WriteTrades writes trade details (models.Store.EachTrade bound to a filter) to out in
// format.
func WriteTrades(ctx context.Context, format string, out io.Writer, lb Labels, src func(fn func(*models.TradeRow) error) error,
	progress func(int64) error) (int64, error) {
	rw, err := newRowWriter(ctx, format, out, lb, "settle.sheet.trades", TradeColumns, progress)
	if err != nil {
		return 0, err
	}
	cells := make([]Cell, len(TradeColumns))
	err = src(func(t *models.TradeRow) error {
		cells[0] = Cell{Text: t.OrderNo}
		cells[1] = Cell{Text: t.CreatedAt.In(rw.lb.Zone).Format(time.DateTime)}
		cells[2] = Cell{Text: rw.label("order.kind." + t.Kind)}
		cells[3] = Cell{Text: t.ProductName(rw.lb.Lang)}
		cells[4] = Cell{Text: t.SpecName}
		cells[5] = Cell{Text: t.CustomerName}
		cells[6] = Cell{Text: rw.label("settle.entity." + t.Entity)}
		cells[7] = Cell{Fen: t.AmountFen, Money: true}
		cells[8] = Cell{Fen: t.FeeFen, Money: true}
		cells[9] = Cell{Text: rw.label("settle.why." + t.Why)}
		cells[10] = Cell{Text: t.BillNo}
		cells[11] = Cell{Text: t.BillPeriod}
		if t.BillNo == "" {
			cells[11] = Cell{Text: t.Expect}
		}
		return rw.row(cells)
	})
	if err != nil {
		return rw.rows, err
	}
	return rw.rows, rw.w.Close()
}

// Percent writes a rate in basis points as a percentage: 500 → "5%", 250 → "2.5%".
func Percent(bp int) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// AdjustmentReason is an adjustment's reason for a reader: a reviewer's own words, or
// the platform's message for a carried balance ("settle.adjustment.carried:<BillNo>").
func AdjustmentReason(t func(string, ...any) string, reason string) string {
	if no, ok := strings.CutPrefix(reason, "settle.adjustment.carried:"); ok {
		return t("settle.adjustment.carried", "BillNo", no)
	}
	return reason
}

// Write writes what spec exports of the merchant's (orders, a bill's lines or trade
// details) to out in format, reporting progress like WriteOrders.
func Write(ctx context.Context, st *models.Store, merchantID uint, format string, spec models.ExportSpec, out io.Writer, lb Labels,
	progress func(int64) error) (int64, error) {
	switch spec.Kind {
	case models.ExportBill:
		return WriteBillLines(ctx, format, out, lb, func(fn func(*models.BillLineRow) error) error {
			return st.EachBillLine(ctx, merchantID, spec.BillNo, fn)
		}, progress)
	case models.ExportTrades:
		f := tradeFilter(spec, merchantID)
		return WriteTrades(ctx, format, out, lb, func(fn func(*models.TradeRow) error) error {
			return st.EachTrade(ctx, f, fn)
		}, progress)
	}
	return WriteOrders(ctx, format, out, lb, func(fn func(*models.OrderExportRow) error) error {
		return st.EachOrder(ctx, merchantID, spec.Filter, fn)
	}, progress)
}

// Count counts the rows spec exports of the merchant's, stopping after limit when
// limit > 0.
func Count(ctx context.Context, st *models.Store, merchantID uint, spec models.ExportSpec, limit int64) (int64, error) {
	switch spec.Kind {
	case models.ExportBill:
		b, err := st.BillOf(ctx, merchantID, spec.BillNo)
		return b.Lines, err
	case models.ExportTrades:
		return st.CountTrades(ctx, tradeFilter(spec, merchantID), limit)
	}
	return st.CountOrders(ctx, merchantID, spec.Filter, limit)
}

func tradeFilter(spec models.ExportSpec, merchantID uint) models.TradeFilter {
	var f models.TradeFilter
	if spec.Trades != nil {
		f = *spec.Trades
	}
	f.MerchantID = merchantID
	return f
}
