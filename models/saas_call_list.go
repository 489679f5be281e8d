package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// SaaSCallFilter narrows the production interface messages.
type SaaSCallFilter struct {
	ProductID *uint
	Purpose   string
	Status    string // one of CallStatuses, or "" for all
	OrderNo   string
	From, To  *time.Time
	Before    uint // keyset: calls with a smaller id
	Limit     int
}

// SaaSCallRow is a call in the list, with its product's names.
type SaaSCallRow struct {
	SaaSCall
	ProductNameZh string
	ProductNameEn string
}

// ProductName is the call's product name in the user's language.
func (r SaaSCallRow) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// SaaSCallsOf lists a merchant's production calls, newest first, one keyset page; the
// (merchant_id, id) index serves it, or (merchant_id, order_no) for one order.
func (s *Store) SaaSCallsOf(ctx context.Context, merchantID uint, f SaaSCallFilter) ([]SaaSCallRow, bool, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 30
	}
	calls, more, err := keysetPage[SaaSCall](saasCallsQuery(s.r.WithContext(ctx), merchantID, f), f.Limit)
	if err != nil {
		return nil, false, err
	}
	rows, err := s.withProductNames(ctx, calls)
	return rows, more, err
}

func saasCallsQuery(db *gorm.DB, merchantID uint, f SaaSCallFilter) *gorm.DB {
	q := db.Model(&SaaSCall{}).Where("merchant_id = ?", merchantID)
	if f.ProductID != nil {
		q = q.Where("product_id = ?", *f.ProductID)
	}
	if f.Purpose != "" {
		q = q.Where("purpose = ?", f.Purpose)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.OrderNo != "" {
		q = q.Where("order_no = ?", f.OrderNo)
	}
	if f.From != nil {
		q = q.Where("created_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("created_at < ?", *f.To)
	}
	if f.Before != 0 {
		q = q.Where("id < ?", f.Before)
	}
	return q.Order("id DESC").Limit(f.Limit + 1)
}

// withProductNames adds the product names to calls in one query.
func (s *Store) withProductNames(ctx context.Context, calls []SaaSCall) ([]SaaSCallRow, error) {
	ids := make([]uint, 0, len(calls))
	seen := map[uint]bool{}
	for _, c := range calls {
		if !seen[c.ProductID] {
			seen[c.ProductID] = true
			ids = append(ids, c.ProductID)
		}
	}
	names, err := s.ProductsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]SaaSCallRow, len(calls))
	for i, c := range calls {
		out[i] = SaaSCallRow{SaaSCall: c, ProductNameZh: names[c.ProductID].NameZh, ProductNameEn: names[c.ProductID].NameEn}
	}
	return out, nil
}

// SaaSCallDetail is one call with every attempt and the instance it is about.
type SaaSCallDetail struct {
	SaaSCallRow
	History  []SaaSAttempt
	Instance SaaSInstance
}

// SaaSCallOf reads one of the merchant's calls in full (merchantID 0: any merchant's,
// for reviewers).
func (s *Store) SaaSCallOf(ctx context.Context, merchantID, id uint) (SaaSCallDetail, error) {
	var d SaaSCallDetail
	db := s.r.WithContext(ctx)
	q := db.Where("id = ?", id)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	var c SaaSCall
	if err := first(q, &c); err != nil {
		return d, err
	}
	rows, err := s.withProductNames(ctx, []SaaSCall{c})
	if err != nil {
		return d, err
	}
	d.SaaSCallRow = rows[0]
	if err := db.Where("call_id = ?", c.ID).Order("no").Limit(500).Find(&d.History).Error; err != nil {
		return d, err
	}
	if err := first(db.Where("id = ?", c.InstanceRowID), &d.Instance); err != nil && !errors.Is(err, ErrNotFound) {
		return d, err
	}
	return d, nil
}

// FailedSaaSCalls counts the merchant's failed calls waiting for a restart (a to-do).
func (s *Store) FailedSaaSCalls(ctx context.Context, merchantID uint) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&SaaSCall{}).Where("merchant_id = ? AND status = ? AND order_failed = ?", merchantID, CallFailed, false).Count(&n).Error
	return n, err
}

// InstanceLoginInfo is the login a merchant's system returned for an instance, opened.
type InstanceLoginInfo struct {
	UserName string
	Password string
}

// InstanceLogin opens an instance's sealed login.
func (s *Store) InstanceLogin(_ context.Context, inst SaaSInstance) (InstanceLoginInfo, error) {
	var out InstanceLoginInfo
	var err error
	if inst.LoginUserEnc != "" {
		if out.UserName, err = s.box.Open(inst.LoginUserEnc); err != nil {
			return out, err
		}
	}
	if inst.LoginPassEnc != "" {
		if out.Password, err = s.box.Open(inst.LoginPassEnc); err != nil {
			return out, err
		}
	}
	return out, nil
}

// BuyerInstance reads the instance of one of the buyer's subscriptions; ErrNotFound when
// the subscription has none (not a provisioned SaaS product).
func (s *Store) BuyerInstance(ctx context.Context, buyerID, subID uint) (SaaSInstance, error) {
	var inst SaaSInstance
	return inst, first(s.r.WithContext(ctx).Where("subscription_id = ? AND buyer_id = ?", subID, buyerID), &inst)
}

// OrderInstance reads the instance an order acts on, for the merchant (merchantID 0:
// reviewers); ErrNotFound when there is none.
func (s *Store) OrderInstance(ctx context.Context, merchantID uint, o Order) (SaaSInstance, error) {
	var inst SaaSInstance
	if o.SubscriptionID == nil {
		return inst, ErrNotFound
	}
	q := s.r.WithContext(ctx).Where("subscription_id = ?", *o.SubscriptionID)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	return inst, first(q, &inst)
}

// BuyerInstances reads the instances of some of the buyer's subscriptions, by
// subscription, in one query.
func (s *Store) BuyerInstances(ctx context.Context, buyerID uint, subIDs []uint) (map[uint]SaaSInstance, error) {
	out := map[uint]SaaSInstance{}
	if len(subIDs) == 0 {
		return out, nil
	}
	var rows []SaaSInstance
	if err := s.r.WithContext(ctx).Where("buyer_id = ? AND subscription_id IN ?", buyerID, subIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.SubscriptionID] = r
	}
	return out, nil
}
