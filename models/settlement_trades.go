package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// 交易明细 (trade details): every order of a merchant that moves money, billed or not,
// with the bill that settles it or why it is not in one yet; and the bill's lines as an
// export streams them.

// Trade states of the trade-detail filter.
const (
	TradeBilled   = "billed"
	TradeUnbilled = "unbilled"
)

// TradeFilter narrows a merchant's trade details.
type TradeFilter struct {
	MerchantID uint   `json:"merchant_id,omitempty"`
	State      string `json:"state,omitempty"`    // "", billed, unbilled
	Period     string `json:"period,omitempty"`   // YYYYMM: the month the order became (or becomes) billable
	OrderNo    string `json:"order_no,omitempty"` // exact
	Customer   string `json:"customer,omitempty"` // contained in the customer name, any case
	Before     uint   `json:"-"`                  // keyset: orders listed after this one
	Limit      int    `json:"-"`
}

// TradeRow is one order of the trade details.
type TradeRow struct {
	ID            uint
	OrderNo       string
	Kind          string
	Status        string
	ProductType   string
	ProductNameZh string
	ProductNameEn string
	SpecName      string
	CustomerName  string
	AmountFen     int64
	PaidFen       int64
	Supervised    bool
	Entity        string
	BillableAt    *time.Time
	CreatedAt     time.Time
	BillID        *uint // the latest bill holding it
	FeeFen        int64
	Metered       bool // on demand: billed by monthly consumption
	BillNo        string
	BillPeriod    string
	// Why is where the order stands (a settle.why.* key), Expect the month it is
	// expected to bill in when it is not billed yet.
	Why    string
	Expect string
}

// ProductName is the order's product name in lang.
func (r TradeRow) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// explain fills the row's settlement state from the order it stands for.
func (r *TradeRow) explain(now time.Time, loc *time.Location) {
	o := Order{Kind: r.Kind, Status: r.Status, AmountFen: r.AmountFen, Supervised: r.Supervised, BillableAt: r.BillableAt}
	var b *Bill
	if r.BillID != nil {
		b = &Bill{BillNo: r.BillNo, Period: r.BillPeriod}
	}
	st := BillingStateOf(o, b, r.Metered, now, loc)
	r.Why = st.Why
	if st.Why != WhyBilled {
		r.Expect = st.Period
	}
}

// tradeQuery is the trade details' query: the merchant's orders that move money (not
// trials, not unpaid or cancelled ones, not free ones; metered on-demand ones too),
// newest first.
func (s *Store) tradeQuery(ctx context.Context, f TradeFilter) (*gorm.DB, error) {
	q := s.r.WithContext(ctx).Table("orders o").
		Select(`o.id, o.order_no, o.kind, o.status, o.product_type, o.product_name_zh, o.product_name_en, o.spec_name, o.customer_name,
			o.amount_fen, o.paid_fen, o.supervised, o.entity, o.billable_at, o.created_at,
			(SELECT MAX(bl.bill_id) FROM bill_lines bl WHERE bl.order_id = o.id) AS bill_id,
			COALESCE((SELECT SUM(bl.fee_fen) FROM bill_lines bl WHERE bl.order_id = o.id), 0) AS fee_fen,
			`+meteredSQL+` AS metered`).
		Where("o.merchant_id = ? AND o.kind <> ? AND o.status NOT IN ? AND (o.amount_fen <> 0 OR "+meteredSQL+")", f.MerchantID, OrderTrial,
			[]string{OrderPendingPayment, OrderCancelled})
	billed := "EXISTS (SELECT 1 FROM bill_lines bl WHERE bl.order_id = o.id)"
	switch f.State {
	case TradeBilled:
		q = q.Where(billed)
	case TradeUnbilled:
		q = q.Where("NOT " + billed)
	}
	// With a period the orders are those billable in the month, newest billable first,
	// read by the (merchant, billable time) index; without, every order newest first.
	order, key := "o.created_at", "created_at"
	if f.Period != "" {
		p, ok := ParseBillPeriod(f.Period)
		if !ok {
			return nil, &FieldError{Field: "period", Key: "settle.error.period"}
		}
		loc := s.CalendarLocation(ctx)
		q = q.Where("o.billable_at >= ? AND o.billable_at < ?", p.Start(loc).UTC(), p.End(loc).UTC())
		order, key = "o.billable_at", "billable_at"
	}
	if f.OrderNo != "" {
		q = q.Where("o.order_no = ?", f.OrderNo)
	}
	if f.Customer != "" {
		q = q.Where("LOWER(o.customer_name) LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(f.Customer))+"%")
	}
	if f.Before != 0 {
		var at []time.Time
		if err := s.r.WithContext(ctx).Table("orders").Where("id = ? AND merchant_id = ? AND "+key+" IS NOT NULL", f.Before, f.MerchantID).
			Limit(1).Pluck(key, &at).Error; err != nil {
			return nil, err
		}
		if len(at) == 0 {
			return nil, ErrNotFound
		}
		q = q.Where("("+order+" < ? OR ("+order+" = ? AND o.id < ?))", at[0], at[0], f.Before)
	}
	return q.Order(order + " DESC, o.id DESC"), nil
}

// Trades reads a page of the merchant's trade details (f.Limit rows) and whether more
// follow, each with its bill or why it has none.
func (s *Store) Trades(ctx context.Context, f TradeFilter) ([]TradeRow, bool, error) {
	if f.MerchantID == 0 {
		return nil, false, ErrNotFound
	}
	q, err := s.tradeQuery(ctx, f)
	if err != nil {
		return nil, false, err
	}
	var rows []TradeRow
	if err := q.Limit(f.Limit + 1).Scan(&rows).Error; err != nil {
		return nil, false, err
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	return rows, more, s.explainTrades(ctx, rows)
}

// explainTrades adds the bills of billed rows (one query) and each row's state.
func (s *Store) explainTrades(ctx context.Context, rows []TradeRow) error {
	var ids []uint
	for _, r := range rows {
		if r.BillID != nil {
			ids = append(ids, *r.BillID)
		}
	}
	bills := map[uint]Bill{}
	if len(ids) > 0 {
		var bs []Bill
		if err := s.r.WithContext(ctx).Select("id", "bill_no", "period").Where("id IN ?", ids).Find(&bs).Error; err != nil {
			return err
		}
		for _, b := range bs {
			bills[b.ID] = b
		}
	}
	now, loc := s.clock.Now(), s.CalendarLocation(ctx)
	for i := range rows {
		if rows[i].BillID != nil {
			b := bills[*rows[i].BillID]
			rows[i].BillNo, rows[i].BillPeriod = b.BillNo, b.Period
		}
		rows[i].explain(now, loc)
	}
	return nil
}

// tradeBatch is how many trade rows an export reads at a time.
const tradeBatch = 500

// EachTrade streams every trade row of the filter to fn, newest first, in batches on
// the keyset (no offset, no whole result in memory).
func (s *Store) EachTrade(ctx context.Context, f TradeFilter, fn func(*TradeRow) error) error {
	f.Limit, f.Before = tradeBatch, 0
	for {
		rows, more, err := s.Trades(ctx, f)
		if err != nil {
			return err
		}
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
		f.Before = rows[len(rows)-1].ID
	}
}

// CountTrades counts the trade rows of the filter, stopping at limit+1 when limit > 0.
func (s *Store) CountTrades(ctx context.Context, f TradeFilter, limit int64) (int64, error) {
	f.Before = 0
	q, err := s.tradeQuery(ctx, f)
	if err != nil {
		return 0, err
	}
	q = q.Select("o.id")
	if limit > 0 {
		q = q.Limit(int(limit) + 1)
	}
	var n int64
	err = s.r.WithContext(ctx).Table("(?) AS t", q).Count(&n).Error
	return n, err
}

// EachBillLine streams every line of the merchant's bill to fn, in order, in batches on
// the keyset.
func (s *Store) EachBillLine(ctx context.Context, merchantID uint, billNo string, fn func(*BillLineRow) error) error {
	b, err := s.BillOf(ctx, merchantID, billNo)
	if err != nil {
		return err
	}
	var after uint
	for {
		rows, err := s.BillLinesPage(ctx, b.ID, after, tradeBatch)
		if err != nil {
			return err
		}
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		if len(rows) < tradeBatch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}
