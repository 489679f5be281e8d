package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Sales analysis (数据分析) of one merchant over a Period. Every query filters by the
// merchant in SQL and sums in SQL; none reads the orders themselves.
//
// Definitions, the same on every page and in every download:
//   - GMV: the sum of PaidFen of the merchant's orders paid in the period (PaidAt inside
//     it), unsubscriptions (UNSUBSCRIBE, whose amounts are refunds) excluded.
//   - Paid orders: those orders with a positive paid amount (free trials are not sales).
//   - Refunds: after-sales cases refunded in the period (status REFUNDED, RefundedAt
//     inside it), whatever period the refunded order was paid in; their count, the number
//     of distinct orders they refund, and the amount refunded.
//   - Refund rate by amount: refunded amount ÷ GMV; by orders: refunded orders ÷ paid
//     orders. Both compare the same period's refunds and sales, so they can pass 100 %.
//   - Product views: catalog page views of the merchant's products, counted per UTC day;
//     a UTC day's views are put on the calendar day of the same date.
//   - Conversion: paid orders ÷ product views.

// Rate is the ratio Num ÷ Den; without a denominator there is no rate.
type Rate struct{ Num, Den int64 }

// Valid tells whether the rate has a denominator.
func (r Rate) Valid() bool { return r.Den > 0 }

// BasisPoints is the rate in hundredths of a percent, rounded half up (0 when invalid).
func (r Rate) BasisPoints() int64 {
	if r.Den <= 0 {
		return 0
	}
	return (r.Num*20000 + r.Den) / (2 * r.Den)
}

// DaySales is one calendar day of the period: GMV, paid orders and product views.
type DaySales struct {
	Day        time.Time // midnight in the calendar's zone
	GMVFen     int64
	PaidOrders int64
	Views      int64
}

// SalesSummary is the dashboard of a period: its totals and the same numbers per day.
type SalesSummary struct {
	Period         Period
	GMVFen         int64
	PaidOrders     int64
	Refunds        int64 // after-sales cases refunded in the period
	RefundedOrders int64 // distinct orders those cases refund
	RefundFen      int64
	Views          int64
	Days           []DaySales
}

// AmountRefundRate is refunded amount ÷ GMV.
func (s SalesSummary) AmountRefundRate() Rate { return Rate{s.RefundFen, s.GMVFen} }

// OrderRefundRate is refunded orders ÷ paid orders.
func (s SalesSummary) OrderRefundRate() Rate { return Rate{s.RefundedOrders, s.PaidOrders} }

// Conversion is paid orders ÷ product views.
func (s SalesSummary) Conversion() Rate { return Rate{s.PaidOrders, s.Views} }

// sqlQuery is one statement with its arguments, kept apart so tests can EXPLAIN it.
type sqlQuery struct {
	SQL  string
	Args []any
}

// paidOrdersWhere selects the merchant's sales paid in the period.
const paidOrdersWhere = `merchant_id = ? AND paid_at >= ? AND paid_at < ? AND kind <> ?`

// refundsWhere selects the merchant's after-sales cases refunded in the period.
const refundsWhere = `merchant_id = ? AND status = ? AND refunded_at >= ? AND refunded_at < ?`

func paidArgs(merchantID uint, p Period) []any {
	return []any{merchantID, p.From.UTC(), p.To.UTC(), OrderUnsubscribe}
}

func refundArgs(merchantID uint, p Period) []any {
	return []any{merchantID, RefundRefunded, p.From.UTC(), p.To.UTC()}
}

// qSalesDays sums GMV and paid orders per day of the period (day i numbered from 0),
// exactly in any zone, daylight saving included, from one range of the
// (merchant_id, paid_at, …) index read without touching the table. PostgreSQL finds each
// order's day by binary search in the array of the days' starts (width_bucket); SQLite,
// which has no such function and whose date parsing per row costs more than the sums,
// joins the days' bounds to the orders, one index range per day.
func (s *Store) qSalesDays(merchantID uint, p Period) sqlQuery {
	days := p.Days()
	if s.dialect == Postgres {
		starts := make([]string, len(days))
		for i, d := range days {
			starts[i] = `"` + d.UTC().Format("2006-01-02 15:04:05Z07:00") + `"`
		}
		return sqlQuery{`SELECT width_bucket(paid_at, CAST(? AS TIMESTAMPTZ[])) - 1 AS day,
			CAST(SUM(paid_fen) AS BIGINT) AS gmv_fen,
			CAST(SUM(CASE WHEN paid_fen > 0 THEN 1 ELSE 0 END) AS BIGINT) AS paid_orders
			FROM orders WHERE ` + paidOrdersWhere + ` GROUP BY 1`,
			append([]any{"{" + strings.Join(starts, ",") + "}"}, paidArgs(merchantID, p)...)}
	}
	var vals strings.Builder
	args := make([]any, 0, 2*len(days)+2)
	for i, d := range days {
		if i > 0 {
			vals.WriteString(", ")
		}
		fmt.Fprintf(&vals, "(%d, ?, ?)", i)
		end := p.To
		if i+1 < len(days) {
			end = days[i+1]
		}
		args = append(args, d.UTC(), end.UTC())
	}
	args = append(args, merchantID, OrderUnsubscribe)
	return sqlQuery{`WITH d (i, lo, hi) AS (VALUES ` + vals.String() + `)
		SELECT d.i AS day, CAST(SUM(o.paid_fen) AS BIGINT) AS gmv_fen,
		CAST(SUM(CASE WHEN o.paid_fen > 0 THEN 1 ELSE 0 END) AS BIGINT) AS paid_orders
		FROM d JOIN orders o ON o.merchant_id = ? AND o.paid_at >= d.lo AND o.paid_at < d.hi AND o.kind <> ?
		GROUP BY d.i`, args}
}

// qViewDays sums the product views per UTC day label of the period's dates.
func (s *Store) qViewDays(merchantID uint, p Period) sqlQuery {
	return sqlQuery{`SELECT day, CAST(SUM(views) AS BIGINT) AS views FROM product_views
		WHERE merchant_id = ? AND day >= ? AND day <= ? GROUP BY day`,
		[]any{merchantID, p.FirstDay().Format(time.DateOnly), p.LastDay().Format(time.DateOnly)}}
}

// qRefundTotals counts the refunds of the period.
func (s *Store) qRefundTotals(merchantID uint, p Period) sqlQuery {
	return sqlQuery{`SELECT COUNT(*) AS refunds, COUNT(DISTINCT order_id) AS refunded_orders,
		CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS refund_fen
		FROM refunds WHERE ` + refundsWhere, refundArgs(merchantID, p)}
}

// qSpecSales sums the sales of the period per product and spec.
func (s *Store) qSpecSales(merchantID uint, p Period) sqlQuery {
	return sqlQuery{`SELECT product_id, spec_id,
		CAST(SUM(CASE WHEN paid_fen > 0 THEN 1 ELSE 0 END) AS BIGINT) AS paid_orders,
		CAST(SUM(paid_fen) AS BIGINT) AS gmv_fen
		FROM orders WHERE ` + paidOrdersWhere + ` GROUP BY product_id, spec_id`, paidArgs(merchantID, p)}
}

// qSpecRefunds sums the refunds of the period per product and spec of the refunded order.
func (s *Store) qSpecRefunds(merchantID uint, p Period) sqlQuery {
	return sqlQuery{`SELECT o.product_id, o.spec_id, COUNT(*) AS refunds, CAST(SUM(r.amount_fen) AS BIGINT) AS refund_fen
		FROM refunds r JOIN orders o ON o.id = r.order_id AND o.merchant_id = r.merchant_id
		WHERE r.merchant_id = ? AND r.status = ? AND r.refunded_at >= ? AND r.refunded_at < ?
		GROUP BY o.product_id, o.spec_id`, refundArgs(merchantID, p)}
}

// qTopCustomers ranks the period's paying buyers by GMV.
func (s *Store) qTopCustomers(merchantID uint, p Period, limit int) sqlQuery {
	return sqlQuery{`SELECT buyer_id,
		CAST(SUM(CASE WHEN paid_fen > 0 THEN 1 ELSE 0 END) AS BIGINT) AS paid_orders,
		CAST(SUM(paid_fen) AS BIGINT) AS gmv_fen
		FROM orders WHERE ` + paidOrdersWhere + `
		GROUP BY buyer_id HAVING SUM(paid_fen) > 0 ORDER BY gmv_fen DESC, buyer_id LIMIT ?`, append(paidArgs(merchantID, p), limit)}
}

// qCustomerNames reads the customer names on some buyers' orders of the period.
func (s *Store) qCustomerNames(merchantID uint, p Period, buyerIDs []uint) sqlQuery {
	return sqlQuery{`SELECT buyer_id, MAX(customer_name) AS customer_name
		FROM orders WHERE ` + paidOrdersWhere + ` AND buyer_id IN ? GROUP BY buyer_id`,
		append(paidArgs(merchantID, p), buyerIDs)}
}

// qCustomerRefunds sums the period's refunds of some buyers.
func (s *Store) qCustomerRefunds(merchantID uint, p Period, buyerIDs []uint) sqlQuery {
	return sqlQuery{`SELECT buyer_id, CAST(SUM(amount_fen) AS BIGINT) AS refund_fen
		FROM refunds WHERE ` + refundsWhere + ` AND buyer_id IN ? GROUP BY buyer_id`,
		append(refundArgs(merchantID, p), buyerIDs)}
}

// qRefundKinds sums the period's refunds per kind (unsubscription, negotiated, return).
func (s *Store) qRefundKinds(merchantID uint, p Period) sqlQuery {
	return sqlQuery{`SELECT kind, COUNT(*) AS refunds, CAST(SUM(amount_fen) AS BIGINT) AS refund_fen
		FROM refunds WHERE ` + refundsWhere + ` GROUP BY kind`, refundArgs(merchantID, p)}
}

// scan runs q on the read pool into dest.
func (s *Store) scan(ctx context.Context, q sqlQuery, dest any) error {
	return s.r.WithContext(ctx).Raw(q.SQL, q.Args...).Scan(dest).Error
}

// SalesSummary reads the dashboard of a merchant's period in three aggregate queries.
func (s *Store) SalesSummary(ctx context.Context, merchantID uint, p Period) (SalesSummary, error) {
	out := SalesSummary{Period: p}
	days := p.Days()
	if len(days) == 0 {
		return out, nil
	}
	out.Days = make([]DaySales, len(days))
	byLabel := make(map[string]int, len(days))
	for i, d := range days {
		out.Days[i].Day = d
		byLabel[d.Format(time.DateOnly)] = i
	}
	var sales []struct {
		Day        int
		GMVFen     int64
		PaidOrders int64
	}
	if err := s.scan(ctx, s.qSalesDays(merchantID, p), &sales); err != nil {
		return out, err
	}
	for _, d := range sales {
		if d.Day < 0 || d.Day >= len(days) {
			continue
		}
		out.Days[d.Day].GMVFen, out.Days[d.Day].PaidOrders = d.GMVFen, d.PaidOrders
		out.GMVFen += d.GMVFen
		out.PaidOrders += d.PaidOrders
	}
	var views []struct {
		Day   string
		Views int64
	}
	if err := s.scan(ctx, s.qViewDays(merchantID, p), &views); err != nil {
		return out, err
	}
	for _, v := range views {
		if i, ok := byLabel[v.Day]; ok {
			out.Days[i].Views += v.Views
			out.Views += v.Views
		}
	}
	var rf struct {
		Refunds        int64
		RefundedOrders int64
		RefundFen      int64
	}
	if err := s.scan(ctx, s.qRefundTotals(merchantID, p), &rf); err != nil {
		return out, err
	}
	out.Refunds, out.RefundedOrders, out.RefundFen = rf.Refunds, rf.RefundedOrders, rf.RefundFen
	return out, nil
}

// SpecSales is the period's sales of one spec of a product.
type SpecSales struct {
	ProductID     uint
	SpecID        uint
	ProductNameZh string
	ProductNameEn string
	SpecName      string
	PaidOrders    int64
	GMVFen        int64
	Refunds       int64 // after-sales cases refunded in the period
	RefundFen     int64
}

// NetFen is GMV less the refunds of the period.
func (r SpecSales) NetFen() int64 { return r.GMVFen - r.RefundFen }

// ProductName is the product's name in the reader's language.
func (r SpecSales) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// ProductSales is the period's sales of one product, all its specs together.
type ProductSales struct {
	SpecSales
	Specs int // how many specs sold or refunded
}

// CustomerSales is one buyer's purchases from the merchant in the period.
type CustomerSales struct {
	BuyerID      uint
	CustomerName string // as on the buyer's orders
	PaidOrders   int64
	GMVFen       int64
	RefundFen    int64
}

// RefundKindSales is the period's refunds of one kind.
type RefundKindSales struct {
	Kind      string
	Refunds   int64
	RefundFen int64
}

// SalesBreakdown is the sales page: by spec, by product, top customers, refunds by kind.
type SalesBreakdown struct {
	Period      Period
	Specs       []SpecSales
	Products    []ProductSales
	Customers   []CustomerSales
	RefundKinds []RefundKindSales
}

// TopCustomersLimit is how many customers the ranking shows.
const TopCustomersLimit = 10

// SalesBreakdown reads the sales page of a merchant's period.
func (s *Store) SalesBreakdown(ctx context.Context, merchantID uint, p Period) (SalesBreakdown, error) {
	out := SalesBreakdown{Period: p}
	specs, err := s.SpecSalesOf(ctx, merchantID, p)
	if err != nil {
		return out, err
	}
	out.Specs, out.Products = specs, ProductSalesOf(specs)
	if out.Customers, err = s.TopCustomers(ctx, merchantID, p, TopCustomersLimit); err != nil {
		return out, err
	}
	out.RefundKinds, err = s.RefundsByKind(ctx, merchantID, p)
	return out, err
}

// SpecSalesOf sums the period's sales and refunds per spec, best-selling first, with the
// product's and spec's current names.
func (s *Store) SpecSalesOf(ctx context.Context, merchantID uint, p Period) ([]SpecSales, error) {
	var sold, refunded []SpecSales
	if err := s.scan(ctx, s.qSpecSales(merchantID, p), &sold); err != nil {
		return nil, err
	}
	if err := s.scan(ctx, s.qSpecRefunds(merchantID, p), &refunded); err != nil {
		return nil, err
	}
	type key struct{ product, spec uint }
	at := map[key]int{}
	rows := sold
	for i, r := range rows {
		at[key{r.ProductID, r.SpecID}] = i
	}
	for _, r := range refunded {
		if i, ok := at[key{r.ProductID, r.SpecID}]; ok {
			rows[i].Refunds, rows[i].RefundFen = r.Refunds, r.RefundFen
			continue
		}
		at[key{r.ProductID, r.SpecID}] = len(rows)
		rows = append(rows, r)
	}
	if err := s.currentNames(ctx, merchantID, rows); err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b SpecSales) int {
		return cmp.Or(cmp.Compare(b.GMVFen, a.GMVFen), cmp.Compare(a.ProductID, b.ProductID), cmp.Compare(a.SpecID, b.SpecID))
	})
	return rows, nil
}

// currentNames puts the products' and specs' current names on rows.
func (s *Store) currentNames(ctx context.Context, merchantID uint, rows []SpecSales) error {
	if len(rows) == 0 {
		return nil
	}
	pids, sids := make([]uint, 0, len(rows)), make([]uint, 0, len(rows))
	for _, r := range rows {
		pids, sids = append(pids, r.ProductID), append(sids, r.SpecID)
	}
	var products []Product
	if err := s.r.WithContext(ctx).Select("id, name_zh, name_en").Where("merchant_id = ? AND id IN ?", merchantID, pids).Find(&products).Error; err != nil {
		return err
	}
	var specs []Spec
	if err := s.r.WithContext(ctx).Select("id, name").Where("merchant_id = ? AND id IN ?", merchantID, sids).Find(&specs).Error; err != nil {
		return err
	}
	pn := map[uint]Product{}
	for _, p := range products {
		pn[p.ID] = p
	}
	sn := map[uint]string{}
	for _, sp := range specs {
		sn[sp.ID] = sp.Name
	}
	for i := range rows {
		if p, ok := pn[rows[i].ProductID]; ok && (p.NameZh != "" || p.NameEn != "") {
			rows[i].ProductNameZh, rows[i].ProductNameEn = p.NameZh, p.NameEn
		}
		if n := sn[rows[i].SpecID]; n != "" {
			rows[i].SpecName = n
		}
	}
	return nil
}

// ProductSalesOf adds up spec rows per product, best-selling first.
func ProductSalesOf(specs []SpecSales) []ProductSales {
	at := map[uint]int{}
	var out []ProductSales
	for _, r := range specs {
		i, ok := at[r.ProductID]
		if !ok {
			i = len(out)
			at[r.ProductID] = i
			out = append(out, ProductSales{SpecSales: SpecSales{ProductID: r.ProductID, ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}})
		}
		p := &out[i]
		p.PaidOrders += r.PaidOrders
		p.GMVFen += r.GMVFen
		p.Refunds += r.Refunds
		p.RefundFen += r.RefundFen
		p.Specs++
	}
	slices.SortFunc(out, func(a, b ProductSales) int {
		return cmp.Or(cmp.Compare(b.GMVFen, a.GMVFen), cmp.Compare(a.ProductID, b.ProductID))
	})
	return out
}

// TopCustomers ranks the period's paying buyers by GMV, with the name on their orders and
// what was refunded to each.
func (s *Store) TopCustomers(ctx context.Context, merchantID uint, p Period, limit int) ([]CustomerSales, error) {
	var rows []CustomerSales
	if err := s.scan(ctx, s.qTopCustomers(merchantID, p, limit), &rows); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return rows, nil
	}
	ids := make([]uint, len(rows))
	for i, r := range rows {
		ids[i] = r.BuyerID
	}
	var names, refunds []CustomerSales
	if err := s.scan(ctx, s.qCustomerNames(merchantID, p, ids), &names); err != nil {
		return nil, err
	}
	if err := s.scan(ctx, s.qCustomerRefunds(merchantID, p, ids), &refunds); err != nil {
		return nil, err
	}
	name, refunded := map[uint]string{}, map[uint]int64{}
	for _, r := range names {
		name[r.BuyerID] = r.CustomerName
	}
	for _, r := range refunds {
		refunded[r.BuyerID] = r.RefundFen
	}
	for i := range rows {
		rows[i].CustomerName, rows[i].RefundFen = name[rows[i].BuyerID], refunded[rows[i].BuyerID]
	}
	return rows, nil
}

// RefundKinds lists refund kinds in display order.
var RefundKinds = []string{RefundUnsubscribe, RefundNegotiated, RefundReturn}

// RefundsByKind sums the period's refunds per kind, in display order, kinds without
// refunds left out.
func (s *Store) RefundsByKind(ctx context.Context, merchantID uint, p Period) ([]RefundKindSales, error) {
	var rows []RefundKindSales
	if err := s.scan(ctx, s.qRefundKinds(merchantID, p), &rows); err != nil {
		return nil, err
	}
	rank := func(k string) int {
		if i := slices.Index(RefundKinds, k); i >= 0 {
			return i
		}
		return len(RefundKinds)
	}
	slices.SortFunc(rows, func(a, b RefundKindSales) int {
		return cmp.Or(cmp.Compare(rank(a.Kind), rank(b.Kind)), cmp.Compare(a.Kind, b.Kind))
	})
	return rows, nil
}

// RecordProductView counts one catalog view of a product on the clock's UTC day: one
// upsert, the same statement on SQLite and PostgreSQL.
func (s *Store) RecordProductView(ctx context.Context, productID, merchantID uint) error {
	day := s.clock.Now().UTC().Format(time.DateOnly)
	return s.w.WithContext(ctx).Exec(`INSERT INTO product_views (product_id, merchant_id, day, views) VALUES (?, ?, ?, 1)
		ON CONFLICT (product_id, day) DO UPDATE SET views = product_views.views + 1`, productID, merchantID, day).Error
}
