package models

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm"
)

// BuyerOrderFilter narrows "my orders". An empty Status lists every order.
type BuyerOrderFilter struct {
	Status string
	Page   int
	Per    int
}

// BuyerOrders lists the buyer's orders, newest first (index (buyer_id, created_at)).
func (s *Store) BuyerOrders(ctx context.Context, buyerID uint, f BuyerOrderFilter) ([]Order, int64, error) {
	q := s.r.WithContext(ctx).Model(&Order{}).Where("buyer_id = ?", buyerID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []Order
	err := q.Order("created_at DESC, id DESC").Offset((max(f.Page, 1) - 1) * f.Per).Limit(f.Per).Find(&rows).Error
	return rows, total, err
}

// BuyerOrderDetail is one order as its buyer sees it, with its lines, payment and status history.
type BuyerOrderDetail struct {
	Order   Order
	Lines   []OrderLine
	Events  []OrderEvent
	Payment *Payment
}

// BuyerOrder reads one of the buyer's orders by its number with lines and history.
func (s *Store) BuyerOrder(ctx context.Context, buyerID uint, orderNo string) (BuyerOrderDetail, error) {
	var d BuyerOrderDetail
	db := s.r.WithContext(ctx)
	if err := first(db.Where("order_no = ? AND buyer_id = ?", orderNo, buyerID), &d.Order); err != nil {
		return d, err
	}
	return d, s.fillOrderDetail(ctx, &d)
}

// fillOrderDetail reads an order's lines, payment and history.
func (s *Store) fillOrderDetail(ctx context.Context, d *BuyerOrderDetail) error {
	var err error
	if d.Lines, d.Payment, err = s.orderLinesAndPayment(ctx, d.Order.ID); err != nil {
		return err
	}
	return s.r.WithContext(ctx).Where("order_id = ?", d.Order.ID).Order("created_at, id").Find(&d.Events).Error
}

// orderLinesAndPayment reads an order's lines, in order, and its payment (nil when unpaid).
func (s *Store) orderLinesAndPayment(ctx context.Context, orderID uint) ([]OrderLine, *Payment, error) {
	db := s.r.WithContext(ctx)
	var lines []OrderLine
	if err := db.Where("order_id = ?", orderID).Order("line_no").Find(&lines).Error; err != nil {
		return nil, nil, err
	}
	var pays []Payment
	if err := db.Where("order_id = ?", orderID).Limit(1).Find(&pays).Error; err != nil {
		return nil, nil, err
	}
	if len(pays) == 1 {
		return lines, &pays[0], nil
	}
	return lines, nil, nil
}

// Resource states as buyers see them (已购资源).
const (
	ResourceActive       = "active"
	ResourceExpired      = "expired"
	ResourceUnsubscribed = "unsubscribed"
	ResourceFailed       = "failed"
)

// Resource is a purchased resource with what the buyer needs to recognise it.
type Resource struct {
	Subscription
	ProductNameZh string
	ProductNameEn string
	ProductType   string
	Listing       string
	SpecName      string
	BillingMode   string
	OrderNo       string // the order that created it
	// HasUpgrade: the product's upgrade rules let the resource's spec move to another.
	HasUpgrade bool `gorm:"-"`
}

// State is the resource's state at t: active, expired, unsubscribed or failed.
func (r Resource) State(t time.Time) string {
	switch {
	case r.Status == SubUnsubscribed:
		return ResourceUnsubscribed
	case r.Status == SubFailed:
		return ResourceFailed
	case !r.ActiveAt(t):
		return ResourceExpired
	}
	return ResourceActive
}

// ProductName is the resource's product name in the reader's language.
func (r Resource) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// Renewable tells whether the buyer may renew it: an active formal period subscription
// of a product still on sale.
func (r Resource) Renewable() bool {
	return r.Status == SubActive && !r.Trial && r.BillingMode == BillingPeriod && r.Listing == ListingOnSale
}

// Convertible tells whether it is a trial the buyer may turn into a formal subscription.
func (r Resource) Convertible() bool {
	return r.Status == SubActive && r.Trial && r.Listing == ListingOnSale
}

// Upgradable tells whether it may move to another spec at t.
func (r Resource) Upgradable(t time.Time) bool {
	return r.HasUpgrade && r.Renewable() && r.ActiveAt(t) && r.ExpiresAt != nil
}

// markUpgrades sets HasUpgrade from each product's live upgrade rules, reading each
// product of the page once.
func (s *Store) markUpgrades(ctx context.Context, rows []Resource) error {
	ids := map[uint]bool{}
	for _, r := range rows {
		ids[r.ProductID] = true
	}
	if len(ids) == 0 {
		return nil
	}
	keys := make([]uint, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	var ps []Product
	if err := s.r.WithContext(ctx).Select("id, content").Where("id IN ?", keys).Find(&ps).Error; err != nil {
		return err
	}
	from := map[uint]map[string]bool{}
	for _, p := range ps {
		c, err := p.LiveContent()
		if err != nil {
			continue
		}
		from[p.ID] = map[string]bool{}
		for _, rule := range c.UpgradeRules {
			from[p.ID][rule.From] = true
		}
	}
	for i := range rows {
		rows[i].HasUpgrade = from[rows[i].ProductID][rows[i].SKUCode]
	}
	return nil
}

// resourceQuery selects subscriptions with their product, spec and creating order.
func (s *Store) resourceQuery(ctx context.Context, buyerID uint) *gorm.DB {
	return s.r.WithContext(ctx).Table("subscriptions AS sub").
		Select("sub.*, p.name_zh AS product_name_zh, p.name_en AS product_name_en, p.type AS product_type, p.listing AS listing, "+
			"sp.name AS spec_name, sp.billing_mode AS billing_mode, o.order_no AS order_no").
		Joins("LEFT JOIN products p ON p.id = sub.product_id").
		Joins("LEFT JOIN specs sp ON sp.id = sub.spec_id").
		Joins("LEFT JOIN orders o ON o.id = sub.order_id").
		Where("sub.buyer_id = ?", buyerID)
}

// BuyerResources lists the buyer's purchased resources, newest first (index (buyer_id, created_at)).
func (s *Store) BuyerResources(ctx context.Context, buyerID uint, page, per int) ([]Resource, int64, error) {
	var total int64
	if err := s.r.WithContext(ctx).Model(&Subscription{}).Where("buyer_id = ?", buyerID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []Resource
	if err := s.resourceQuery(ctx, buyerID).Order("sub.created_at DESC, sub.id DESC").
		Offset((max(page, 1) - 1) * per).Limit(per).Scan(&rows).Error; err != nil {
		return nil, 0, err
	}
	return rows, total, s.markUpgrades(ctx, rows)
}

// BuyerResource reads one of the buyer's purchased resources.
func (s *Store) BuyerResource(ctx context.Context, buyerID, subID uint) (Resource, error) {
	var rows []Resource
	if err := s.resourceQuery(ctx, buyerID).Where("sub.id = ?", subID).Limit(1).Scan(&rows).Error; err != nil {
		return Resource{}, err
	}
	if len(rows) == 0 {
		return Resource{}, ErrNotFound
	}
	return rows[0], s.markUpgrades(ctx, rows)
}

// UpgradeTarget is a spec a resource may move to, with its price for the resource's period.
type UpgradeTarget struct {
	Spec     Spec
	PriceFen int64
}

// UpgradeTargets lists the offered specs the product's rules let a resource move to and
// that are sold by its period type, in the product's order.
func (s *Store) UpgradeTargets(ctx context.Context, r Resource) ([]UpgradeTarget, error) {
	var p Product
	db := s.r.WithContext(ctx)
	if err := first(db.Where("id = ?", r.ProductID), &p); err != nil {
		return nil, err
	}
	var c ProductContent
	if err := json.Unmarshal([]byte(p.Content), &c); err != nil {
		return nil, err
	}
	var to []string
	for _, rule := range c.UpgradeRules {
		if rule.From == r.SKUCode && !slices.Contains(to, rule.To) {
			to = append(to, rule.To)
		}
	}
	if len(to) == 0 {
		return nil, nil
	}
	var specs []Spec
	if err := db.Where("product_id = ? AND sku_code IN ? AND hidden = ? AND removed = ?", p.ID, to, false, false).
		Order("sort_order, id").Find(&specs).Error; err != nil {
		return nil, err
	}
	var out []UpgradeTarget
	for _, sp := range specs {
		var pr []SpecPrice
		if err := db.Where("spec_id = ? AND period_type = ?", sp.ID, r.PeriodType).Limit(1).Find(&pr).Error; err != nil {
			return nil, err
		}
		if len(pr) == 1 {
			out = append(out, UpgradeTarget{Spec: sp, PriceFen: pr[0].PriceFen})
		}
	}
	return out, nil
}
