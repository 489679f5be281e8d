package models

import (
	"context"
	"database/sql"
	"time"
)

// OrderExportRow is one order as the export writes it.
type OrderExportRow struct {
	OrderNo       string
	CreatedAt     time.Time
	Status        string
	Kind          string
	ProductNameZh string
	ProductNameEn string
	SpecName      string
	CustomerName  string
	AmountFen     int64
	PaidFen       int64
	RefundedFen   int64
}

// ProductName is the row's product name in the user's language.
func (r *OrderExportRow) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// exportColumns are the export's columns, in OrderExportRow's order.
var exportColumns = []string{"o.order_no", "o.created_at", "o.status", "o.kind", "o.product_name_zh", "o.product_name_en",
	"o.spec_name", "o.customer_name", "o.amount_fen", "o.paid_fen", "o.refunded_fen"}

// orderExportSQL writes the export's stream of f: the lean column list, in the list's
// order, packed into one value per row on SQLite (see selectColumns).
func orderExportSQL(q *sqlq, f OrderFilter, packed bool) {
	q.add("SELECT ")
	selectColumns(q, exportColumns, packed)
	q.add(" FROM orders o")
	orderWhere(q, f)
	st := f.sort()
	if st.desc {
		q.add(" ORDER BY " + st.col + " DESC, o.id DESC")
	} else {
		q.add(" ORDER BY " + st.col + " ASC, o.id ASC")
	}
}

// exportCheckEvery is how many rows EachOrder reads between looks at its context.
const exportCheckEvery = 1024

// EachOrder streams the merchant's orders matching f, in the list's order, calling fn
// with one reused row at a time: memory stays constant however many rows there are. A
// cancelled ctx stops it within exportCheckEvery rows.
func (s *Store) EachOrder(ctx context.Context, merchantID uint, f OrderFilter, fn func(*OrderExportRow) error) error {
	if merchantID == 0 {
		return ErrNotFound
	}
	f.MerchantID = merchantID
	packed := s.dialect == SQLite
	var q sqlq
	orderExportSQL(&q, f, packed)
	rows, err := s.queryRows(ctx, &q)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r OrderExportRow
	var raw sql.RawBytes
	for n := 0; rows.Next(); n++ {
		if n%exportCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if packed {
			err = rows.Scan(&raw)
			if err == nil {
				err = unpackOrder(string(raw), &r)
			}
		} else {
			err = rows.Scan(&r.OrderNo, &r.CreatedAt, &r.Status, &r.Kind, &r.ProductNameZh, &r.ProductNameEn,
				&r.SpecName, &r.CustomerName, &r.AmountFen, &r.PaidFen, &r.RefundedFen)
		}
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// unpackOrder splits a packed export row into r.
func unpackOrder(s string, r *OrderExportRow) error {
	var f [11]string
	if err := splitPacked(s, f[:]); err != nil {
		return err
	}
	t, err := parseStoredTime(f[1])
	if err != nil {
		return err
	}
	r.OrderNo, r.CreatedAt, r.Status, r.Kind = f[0], t, f[2], f[3]
	r.ProductNameZh, r.ProductNameEn, r.SpecName, r.CustomerName = f[4], f[5], f[6], f[7]
	for i, dst := range []*int64{&r.AmountFen, &r.PaidFen, &r.RefundedFen} {
		if *dst, err = packedInt(f[8+i]); err != nil {
			return err
		}
	}
	return nil
}
