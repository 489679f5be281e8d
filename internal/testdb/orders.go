package testdb

import (
	"testing"
	"time"

	"sellercenter/models"
)

// PaidOrderSpec describes a paid order to write straight into the database, for tests
// that need orders without going through the purchase flow.
type PaidOrderSpec struct {
	MerchantID  uint
	BuyerID     uint
	ProductID   uint // defaults to 1
	ProductType string
	Supervised  bool
	Status      string // defaults to PROCESSING
	PaidFen     int64  // 0 makes a free trial
	PeriodType  string // year, month (default), one_time, package, hour
	Periods     int    // how many periods were bought; defaults to 1
	PaidAt      time.Time
	NoSub       bool // no subscription (hardware, or not yet provisioned)
}

// PaidOrder writes the order, its line, its payment and (unless NoSub) an ACTIVE
// subscription running from the payment for the bought period.
func PaidOrder(t testing.TB, env *Env, s PaidOrderSpec) (models.Order, *models.Subscription) {
	t.Helper()
	now := env.Clock.Now()
	if s.PaidAt.IsZero() {
		s.PaidAt = now
	}
	if s.Status == "" {
		s.Status = models.OrderProcessing
	}
	if s.PeriodType == "" {
		s.PeriodType = "month"
	}
	if s.Periods == 0 {
		s.Periods = 1
	}
	if s.ProductID == 0 {
		s.ProductID = 1
	}
	var ends *time.Time
	switch s.PeriodType {
	case "year":
		ends = ptr(s.PaidAt.AddDate(s.Periods, 0, 0))
	case "month":
		ends = ptr(s.PaidAt.AddDate(0, s.Periods, 0))
	}
	kind := models.OrderNew
	if s.PaidFen == 0 {
		kind = models.OrderTrial
	}
	paidAt := s.PaidAt
	o := models.Order{OrderNo: models.NewOrderNo(now), MerchantID: s.MerchantID, BuyerID: s.BuyerID, ProductID: s.ProductID, SpecID: 1,
		Kind: kind, Status: s.Status, ProductType: s.ProductType, ProductNameZh: "测试商品", ProductNameEn: "Test product", SpecName: "基础版",
		CustomerName: "Buyer", CustomerEmail: "buyer@example.com", Region: "cn-north-4", AmountFen: s.PaidFen, PaidFen: s.PaidFen,
		Supervised: s.Supervised, PaidAt: &paidAt, Version: 1, CreatedAt: s.PaidAt, UpdatedAt: s.PaidAt}
	if s.Status == models.OrderCompleted {
		o.CompletedAt = &now
	}
	db := env.DB.W
	if err := db.Create(&o).Error; err != nil {
		t.Fatal(err)
	}
	line := models.OrderLine{OrderID: o.ID, LineNo: models.LineNo(o.OrderNo, 1), SpecID: 1, SKUCode: "SKU-TEST", SpecName: "基础版",
		BillingMode: models.BillingPeriod, PeriodType: s.PeriodType, PeriodCount: s.Periods, Quantity: 1, UnitFen: s.PaidFen,
		AmountFen: s.PaidFen, StartsAt: &paidAt, EndsAt: ends}
	if s.PeriodType != "year" && s.PeriodType != "month" {
		line.BillingMode = models.BillingOneTime
	}
	if err := db.Create(&line).Error; err != nil {
		t.Fatal(err)
	}
	if s.PaidFen > 0 {
		p := models.Payment{OrderID: o.ID, BuyerID: s.BuyerID, AmountFen: s.PaidFen, Reference: "PAY" + o.OrderNo, PaidAt: s.PaidAt}
		if err := db.Create(&p).Error; err != nil {
			t.Fatal(err)
		}
	}
	if s.NoSub {
		return o, nil
	}
	sub := models.Subscription{BuyerID: s.BuyerID, MerchantID: s.MerchantID, ProductID: s.ProductID, SpecID: 1, SKUCode: "SKU-TEST",
		PeriodType: s.PeriodType, Quantity: 1, Region: "cn-north-4", Trial: s.PaidFen == 0, Status: models.SubActive,
		StartsAt: s.PaidAt, ExpiresAt: ends, OrderID: o.ID, Version: 1, CreatedAt: s.PaidAt, UpdatedAt: s.PaidAt}
	if err := db.Create(&sub).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.Order{}).Where("id = ?", o.ID).Update("subscription_id", sub.ID).Error; err != nil {
		t.Fatal(err)
	}
	o.SubscriptionID = &sub.ID
	return o, &sub
}

func ptr[T any](v T) *T { return &v }
