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
	rw, err := newRowWriter(ctx, format, out, lb, "export.sheet.orders", OrderColumns, progress)
	if err != nil {
		return 0, err
	}
	cells := make([]Cell, len(OrderColumns))
	stamp := make([]byte, 0, 32)
	err = src(func(r *models.OrderExportRow) error {
		stamp = r.CreatedAt.In(rw.lb.Zone).AppendFormat(stamp[:0], time.DateTime)
		cells[0] = Cell{Text: r.OrderNo}
		cells[1] = Cell{Text: string(stamp)}
		cells[2] = Cell{Text: rw.label("order.status." + r.Status)}
		cells[3] = Cell{Text: rw.label("order.kind." + r.Kind)}
		cells[4] = Cell{Text: r.ProductName(lb.Lang)}
		cells[5] = Cell{Text: r.SpecName}
		cells[6] = Cell{Text: r.CustomerName}
		cells[7] = Cell{Fen: r.AmountFen, Money: true}
		cells[8] = Cell{Fen: r.PaidFen, Money: true}
		cells[9] = Cell{Fen: r.RefundedFen, Money: true}
		return rw.row(cells)
	})
	if err != nil {
		return rw.rows, err
	}
	return rw.rows, rw.w.Close()
}

// rowWriter writes a header and rows, counting them and checking the context and the
// progress every ProgressEvery rows; labels are looked up once per distinct key.
type rowWriter struct {
	ctx      context.Context
	w        Writer
	progress func(int64) error
	rows     int64
	labels   map[string]string
	lb       Labels
}

func newRowWriter(ctx context.Context, format string, out io.Writer, lb Labels, sheet string, cols []string, progress func(int64) error) (*rowWriter, error) {
	w, err := New(format, out, lb.T(sheet))
	if err != nil {
		return nil, err
	}
	header := make([]string, len(cols))
	for i, k := range cols {
		header[i] = lb.T(k)
	}
	if lb.Zone == nil {
		lb.Zone = time.UTC
	}
	return &rowWriter{ctx: ctx, w: w, progress: progress, labels: map[string]string{}, lb: lb}, w.Header(header)
}

// label is a message in the reader's language, looked up once per distinct key.
func (r *rowWriter) label(key string) string {
	s, ok := r.labels[key]
	if !ok {
		s = r.lb.T(key)
		r.labels[key] = s
	}
	return s
}

func (r *rowWriter) row(cells []Cell) error {
	if err := r.w.Row(cells); err != nil {
		return err
	}
	r.rows++
	if r.rows%ProgressEvery == 0 {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if r.progress != nil {
			return r.progress(r.rows)
		}
	}
	return nil
}
