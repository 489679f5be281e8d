package models

import (
	"context"
	"strings"
	"unicode/utf8"
)

// OrderDetail is one order as its merchant (or a reviewer) sees it: the order, its lines,
// status history and payment, and the buyer's contact details masked.
type OrderDetail struct {
	Order        Order
	Lines        []OrderLine
	Events       []OrderEventRow
	Payment      *Payment
	MerchantName string
	BuyerEmail   string // masked
	BuyerMobile  string // masked
	BuyerSubject string // enterprise | personal | ""
}

// OrderEventRow is a history entry with the role of whoever made it ("" for the platform).
type OrderEventRow struct {
	OrderEvent
	ActorRole string
}

// OrderDetail reads the merchant's order by its number; another merchant's is ErrNotFound.
func (s *Store) OrderDetail(ctx context.Context, merchantID uint, orderNo string) (OrderDetail, error) {
	if merchantID == 0 {
		return OrderDetail{}, ErrNotFound
	}
	return s.orderDetail(ctx, &merchantID, orderNo)
}

// AdminOrderDetail reads any order by its number for the reviewer console.
func (s *Store) AdminOrderDetail(ctx context.Context, orderNo string) (OrderDetail, error) {
	return s.orderDetail(ctx, nil, orderNo)
}

func (s *Store) orderDetail(ctx context.Context, merchantID *uint, orderNo string) (OrderDetail, error) {
	var d OrderDetail
	if orderNo == "" || len(orderNo) > 20 {
		return d, ErrNotFound
	}
	db := s.r.WithContext(ctx)
	q := db.Where("order_no = ?", orderNo)
	if merchantID != nil {
		q = q.Where("merchant_id = ?", *merchantID)
	}
	if err := first(q, &d.Order); err != nil {
		return d, err
	}
	o := d.Order
	var err error
	if d.Lines, d.Payment, err = s.orderLinesAndPayment(ctx, o.ID); err != nil {
		return d, err
	}
	if err := db.Table("order_events e").Select("e.*, COALESCE(u.role, '') AS actor_role").
		Joins("LEFT JOIN users u ON u.id = e.actor_id").
		Where("e.order_id = ?", o.ID).Order("e.created_at, e.id").Scan(&d.Events).Error; err != nil {
		return d, err
	}
	var profiles []BuyerProfile
	if err := db.Where("user_id = ?", o.BuyerID).Limit(1).Find(&profiles).Error; err != nil {
		return d, err
	}
	if len(profiles) == 1 {
		d.BuyerMobile, d.BuyerSubject = MaskMobile(profiles[0].Mobile), profiles[0].SubjectType
	}
	d.BuyerEmail = MaskEmail(o.CustomerEmail)
	var names []string
	if err := db.Model(&Merchant{}).Where("id = ?", o.MerchantID).Limit(1).Pluck("company_name", &names).Error; err != nil {
		return d, err
	}
	if len(names) == 1 {
		d.MerchantName = names[0]
	}
	return d, nil
}

// MaskEmail keeps an address's first character and its domain: b***@example.com.
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		if email == "" {
			return ""
		}
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "***@" + domain
}

// MaskMobile keeps a phone number's first three and last four digits: 138****5678;
// shorter numbers keep only their last two.
func MaskMobile(m string) string {
	m = strings.TrimSpace(m)
	n := len(m)
	switch {
	case n == 0:
		return ""
	case n >= 11:
		return m[:3] + strings.Repeat("*", n-7) + m[n-4:]
	case n > 4:
		return strings.Repeat("*", n-2) + m[n-2:]
	}
	return strings.Repeat("*", n)
}
