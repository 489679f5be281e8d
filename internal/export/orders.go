package export

import (
	"context"
	"io"
	"time"

	"sellercenter/models"
)

// OrderColumns are the message keys of the order export's header, in column order.
var OrderColumns = []string{
	"export.col.order_no", "export.col.created_at", "export.col.status", "export.col.kind", "export.col.product",
	"export.col.spec", "export.col.customer", "export.col.amount", "export.col.paid", "export.col.refunded",
}

// Labels turns message keys into the reader's language and times into their zone.
type Labels struct {
	T    func(key string, args ...any) string
	Lang string
	Zone *time.Location
}

// OrderSource streams orders to fn, one reused row at a time (Store.EachOrder bound to a
// merchant and filter).
type OrderSource func(fn func(*models.OrderExportRow) error) error

// ProgressEvery is how many rows pass between progress reports.
const ProgressEvery = 5000

// New opens a writer of format on out; sheet names the XLSX worksheet.
func New(format string, out io.Writer, sheet string) (Writer, error) {
	switch format {
	case CSV:
		return NewCSV(out)
	case XLSX:
		return NewXLSX(out, sheet)
	}
	return nil, ErrFormat
}

// WriteOrders writes the orders of src to out in format, header first, reporting the
// rows written every ProgressEvery rows to progress (which may be nil). It returns the
// number of rows written.
func WriteOrders(ctx context.Context, format string, out io.Writer, lb Labels, src OrderSource, progress func(rows int64) error) (int64, error) {
	w, err := New(format, out, lb.T("export.sheet.orders"))
	if err != nil {
		return 0, err
	}
	header := make([]string, len(OrderColumns))
	for i, k := range OrderColumns {
		header[i] = lb.T(k)
	}
	if err := w.Header(header); err != nil {
		return 0, err
	}
	// Labels are looked up once per distinct value, not once per row.
	labels := map[string]string{}
	label := func(key string) string {
		s, ok := labels[key]
		if !ok {
			s = lb.T(key)
			labels[key] = s
		}
		return s
	}
	zone := lb.Zone
	if zone == nil {
		zone = time.UTC
	}
	cells := make([]Cell, len(OrderColumns))
	stamp := make([]byte, 0, 32)
	var rows int64
	err = src(func(r *models.OrderExportRow) error {
		stamp = r.CreatedAt.In(zone).AppendFormat(stamp[:0], time.DateTime)
		cells[0] = Cell{Text: r.OrderNo}
		cells[1] = Cell{Text: string(stamp)}
		cells[2] = Cell{Text: label("order.status." + r.Status)}
		cells[3] = Cell{Text: label("order.kind." + r.Kind)}
		cells[4] = Cell{Text: r.ProductName(lb.Lang)}
		cells[5] = Cell{Text: r.SpecName}
		cells[6] = Cell{Text: r.CustomerName}
		cells[7] = Cell{Fen: r.AmountFen, Money: true}
		cells[8] = Cell{Fen: r.PaidFen, Money: true}
		cells[9] = Cell{Fen: r.RefundedFen, Money: true}
		if err := w.Row(cells); err != nil {
			return err
		}
		rows++
		if rows%ProgressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				return progress(rows)
			}
		}
		return nil
	})
	if err != nil {
		return rows, err
	}
	return rows, w.Close()
}
