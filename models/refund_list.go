package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// RefundRow is one after-sales case in a list, with its order's frozen names.
type RefundRow struct {
	Refund
	OrderNo       string
	ProductNameZh string
	ProductNameEn string
	SpecName      string
	CustomerName  string
	CompanyName   string // the merchant's, for the reviewer console
}

// ProductName is the case's product name in the user's language.
func (r RefundRow) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// RefundWaiting is the merchant's tab of cases that wait for them.
const RefundWaiting = "waiting"

// RefundFilter narrows a merchant's after-sales queue.
type RefundFilter struct {
	Status string // "", RefundWaiting or a status
	Kind   string // "" or a refund kind
	Q      string // a case or order number
	Page   int
	Per    int
}

// refundRows is the select every case list shares.
func refundRows(db *gorm.DB) *gorm.DB {
	return db.Table("refunds").Select("refunds.*, orders.order_no, orders.product_name_zh, orders.product_name_en, orders.spec_name, orders.customer_name").
		Joins("JOIN orders ON orders.id = refunds.order_id")
}

// awaitsMerchantSQL matches the cases AwaitsMerchant accepts.
const awaitsMerchantSQL = "(refunds.status = 'REQUESTED' OR (refunds.status = 'APPROVED' AND refunds.kind = 'return' AND refunds.shipped_at IS NOT NULL AND refunds.received_at IS NULL AND refunds.resolved_by_id IS NULL))"

func (f RefundFilter) apply(q *gorm.DB) *gorm.DB {
	switch {
	case f.Status == RefundWaiting:
		q = q.Where(awaitsMerchantSQL)
	case f.Status != "":
		q = q.Where("refunds.status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("refunds.kind = ?", f.Kind)
	}
	if s := strings.ToUpper(strings.TrimSpace(f.Q)); s != "" {
		q = q.Where("(refunds.refund_no = ? OR orders.order_no = ?)", s, s)
	}
	return q
}

func pageOf(page, per int) (int, int) {
	if per <= 0 || per > 100 {
		per = 20
	}
	return max(page, 1), per
}

// newestFirst is the order of the merchant's and the buyer's lists.
const newestFirst = "refunds.created_at DESC, refunds.id DESC"

// merchantRefundsQuery selects a merchant's cases matching f.
func merchantRefundsQuery(db *gorm.DB, merchantID uint, f RefundFilter) *gorm.DB {
	return f.apply(refundRows(db).Where("refunds.merchant_id = ?", merchantID))
}

// MerchantRefunds lists a merchant's after-sales cases, newest first.
func (s *Store) MerchantRefunds(ctx context.Context, merchantID uint, f RefundFilter) ([]RefundRow, int64, error) {
	db := s.r.WithContext(ctx)
	count := merchantRefundsQuery(db, merchantID, f)
	if strings.TrimSpace(f.Q) == "" {
		count = f.apply(db.Table("refunds").Where("refunds.merchant_id = ?", merchantID))
	}
	return listRefundsCounted(merchantRefundsQuery(db, merchantID, f), count, newestFirst, f.Page, f.Per)
}

// listRefunds counts the query's rows and reads one page of them. The count runs on
// refunds alone unless a number search needs the joined tables: a merchant with
// thousands of cases would otherwise look up an order for each one on every page.
func listRefunds(q *gorm.DB, order string, page, per int) ([]RefundRow, int64, error) {
	return listRefundsCounted(q, q, order, page, per)
}

func listRefundsCounted(q, count *gorm.DB, order string, page, per int) ([]RefundRow, int64, error) {
	page, per = pageOf(page, per)
	var total int64
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []RefundRow
	err := q.Order(order).Limit(per).Offset((page - 1) * per).Scan(&rows).Error
	return rows, total, err
}

// RefundCounts are a merchant's cases per status, plus those waiting for the merchant.
type RefundCounts struct {
	ByStatus map[string]int64
	Waiting  int64
	All      int64
}

// MerchantRefundCounts counts a merchant's cases for the queue's tabs.
func (s *Store) MerchantRefundCounts(ctx context.Context, merchantID uint) (RefundCounts, error) {
	out := RefundCounts{ByStatus: map[string]int64{}}
	var rows []struct {
		Status string
		N      int64
	}
	db := s.r.WithContext(ctx)
	if err := db.Table("refunds").Select("status, COUNT(*) AS n").Where("merchant_id = ?", merchantID).Group("status").Scan(&rows).Error; err != nil {
		return out, err
	}
	for _, r := range rows {
		out.ByStatus[r.Status] = r.N
		out.All += r.N
	}
	var err error
	out.Waiting, err = s.AfterSalesWaiting(ctx, merchantID)
	return out, err
}

// AfterSalesWaiting counts the cases waiting for the merchant (the overview's todo).
func (s *Store) AfterSalesWaiting(ctx context.Context, merchantID uint) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Table("refunds").Where("refunds.merchant_id = ?", merchantID).Where(awaitsMerchantSQL).Count(&n).Error
	return n, err
}

// buyerRefundsQuery selects a buyer's cases.
func buyerRefundsQuery(db *gorm.DB, buyerID uint) *gorm.DB {
	return refundRows(db).Where("refunds.buyer_id = ?", buyerID)
}

// BuyerRefunds lists a buyer's after-sales cases, newest first.
func (s *Store) BuyerRefunds(ctx context.Context, buyerID uint, page, per int) ([]RefundRow, int64, error) {
	return listRefunds(buyerRefundsQuery(s.r.WithContext(ctx), buyerID), newestFirst, page, per)
}

// Dispute queue views.
const (
	DisputesOpen   = "open"
	DisputesClosed = "closed"
	DisputesAll    = "all"
)

// DisputeFilter narrows the reviewer's dispute queue.
type DisputeFilter struct {
	State string // DisputesOpen (default), DisputesClosed, DisputesAll
	Q     string // a case or order number, or part of the merchant's name
	Page  int
	Per   int
}

// oldestDisputeFirst is the dispute queue's order.
const oldestDisputeFirst = "refunds.disputed_at, refunds.id"

// Disputes lists disputed cases across merchants, oldest dispute first.
func (s *Store) Disputes(ctx context.Context, f DisputeFilter) ([]RefundRow, int64, error) {
	db := s.r.WithContext(ctx)
	count := disputesQuery(db, f)
	if strings.TrimSpace(f.Q) == "" {
		count = disputesCount(db, f)
	}
	return listRefundsCounted(disputesQuery(db, f), count, oldestDisputeFirst, f.Page, f.Per)
}

// OpenDisputes counts the disputes waiting for a reviewer.
func (s *Store) OpenDisputes(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&Refund{}).Where("disputed = ? AND resolved_by_id IS NULL", true).Count(&n).Error
	return n, err
}

// disputesCount counts the disputed cases matching f without a number search, on
// refunds alone.
func disputesCount(db *gorm.DB, f DisputeFilter) *gorm.DB {
	return disputeState(db.Table("refunds").Where("refunds.disputed = ?", true), f)
}

// disputeState narrows disputed cases to f's state.
func disputeState(q *gorm.DB, f DisputeFilter) *gorm.DB {
	switch f.State {
	case DisputesClosed:
		return q.Where("refunds.resolved_by_id IS NOT NULL")
	case DisputesAll:
		return q
	}
	return q.Where("refunds.resolved_by_id IS NULL")
}

// disputesQuery selects the disputed cases matching f.
func disputesQuery(db *gorm.DB, f DisputeFilter) *gorm.DB {
	q := db.Table("refunds").
		Select("refunds.*, orders.order_no, orders.product_name_zh, orders.product_name_en, orders.spec_name, orders.customer_name, merchants.company_name").
		Joins("JOIN orders ON orders.id = refunds.order_id").Joins("JOIN merchants ON merchants.id = refunds.merchant_id").
		Where("refunds.disputed = ?", true)
	q = disputeState(q, f)
	if s := strings.TrimSpace(f.Q); s != "" {
		up := strings.ToUpper(s)
		q = q.Where("(refunds.refund_no = ? OR orders.order_no = ? OR LOWER(merchants.company_name) LIKE ? ESCAPE '\\')", up, up, "%"+escapeLike(strings.ToLower(s))+"%")
	}
	return q
}

// RefundCase is one case with everything its pages show.
type RefundCase struct {
	Refund     Refund
	Order      Order
	Events     []RefundEvent
	Attachment *File
	Merchant   Merchant
	BuyerEmail string
	// Parties maps the users in the history to their role, so each page can say who
	// acted without showing one party's accounts to the other.
	Parties map[uint]User
}

// MerchantRefundCase reads one of a merchant's cases by number.
func (s *Store) MerchantRefundCase(ctx context.Context, merchantID uint, refundNo string) (RefundCase, error) {
	return s.refundCase(ctx, "refund_no = ? AND merchant_id = ?", refundNo, merchantID)
}

// BuyerRefundCase reads one of a buyer's cases by number.
func (s *Store) BuyerRefundCase(ctx context.Context, buyerID uint, refundNo string) (RefundCase, error) {
	return s.refundCase(ctx, "refund_no = ? AND buyer_id = ?", refundNo, buyerID)
}

// DisputeCase reads a disputed case for the reviewer console.
func (s *Store) DisputeCase(ctx context.Context, refundNo string) (RefundCase, error) {
	return s.refundCase(ctx, "refund_no = ? AND disputed = ?", refundNo, true)
}

func (s *Store) refundCase(ctx context.Context, where string, args ...any) (RefundCase, error) {
	var c RefundCase
	db := s.r.WithContext(ctx)
	if err := first(db.Where(where, args...), &c.Refund); err != nil {
		return c, err
	}
	r := c.Refund
	if err := first(db.Where("id = ?", r.OrderID), &c.Order); err != nil {
		return c, err
	}
	if err := first(db.Where("id = ?", r.MerchantID), &c.Merchant); err != nil {
		return c, err
	}
	if err := db.Where("refund_id = ?", r.ID).Order("created_at, id").Find(&c.Events).Error; err != nil {
		return c, err
	}
	if r.AttachmentFileID != nil {
		var f File
		if err := first(db.Where("id = ?", *r.AttachmentFileID), &f); err == nil {
			c.Attachment = &f
		}
	}
	ids := []uint{r.BuyerID}
	for _, e := range c.Events {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
	}
	var users []User
	if err := db.Where("id IN ?", ids).Find(&users).Error; err != nil {
		return c, err
	}
	c.Parties = map[uint]User{}
	for _, u := range users {
		c.Parties[u.ID] = u
		if u.ID == r.BuyerID {
			c.BuyerEmail = u.Email
		}
	}
	return c, nil
}
