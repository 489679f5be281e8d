package models

import (
	"context"
	"fmt"
)

// seedOrders gives the demo buyer a profile and orders of the demo merchant in several
// states, placed, paid and delivered through the same store methods a buyer and a
// merchant use: a completed purchase and its paid renewal, a purchase being processed,
// an on-demand image taken at once, a trial, an unpaid order and a cancelled one.
func (s *Store) seedOrders(ctx context.Context, buyer, merchant User) error {
	ba := Actor{UserID: buyer.ID, Email: buyer.Email, RequestID: "seed"}
	ma := Actor{UserID: merchant.ID, Email: merchant.Email, RequestID: "seed"}
	if _, err := s.SaveBuyerProfile(ctx, ba, buyer.ID, BuyerProfileInput{SubjectType: BuyerEnterprise, DisplayName: "星河零售有限公司", Mobile: "13700137000"}); err != nil {
		return err
	}
	product := func(typ string) (Product, []Spec, error) {
		var p Product
		if err := first(s.r.WithContext(ctx).Where("merchant_id = ? AND type = ? AND listing = ?", *merchant.MerchantID, typ, ListingOnSale), &p); err != nil {
			return p, nil, fmt.Errorf("seed orders: no %s product on sale: %w", typ, err)
		}
		specs, err := s.LiveSpecs(ctx, p.ID)
		return p, specs, err
	}
	saas, saasSpecs, err := product(ProductSaaS)
	if err != nil {
		return err
	}
	image, imageSpecs, err := product(ProductImage)
	if err != nil {
		return err
	}
	if len(saasSpecs) < 2 || len(imageSpecs) < 1 {
		return fmt.Errorf("seed orders: the demo products lack specs")
	}
	basic, pro := saasSpecs[0].SKUCode, saasSpecs[1].SKUCode
	buy := func(in PurchaseInput) (Order, error) {
		if in.Count == 0 {
			in.Count = 1
		}
		in.Quantity = 1
		return s.Purchase(ctx, ba, buyer.ID, in)
	}
	paid := func(in PurchaseInput) (Order, error) {
		o, err := buy(in)
		if err != nil {
			return o, err
		}
		return s.Pay(ctx, ba, buyer.ID, o.OrderNo)
	}
	done, err := paid(PurchaseInput{ProductID: saas.ID, SKU: basic, PeriodType: PeriodYear})
	if err != nil {
		return err
	}
	if _, err := s.CompleteOrder(ctx, ma, *merchant.MerchantID, done.OrderNo); err != nil {
		return err
	}
	renewal, err := s.Renew(ctx, ba, buyer.ID, *done.SubscriptionID, PeriodInput{PeriodType: PeriodYear, Count: 1})
	if err != nil {
		return err
	}
	if _, err := s.Pay(ctx, ba, buyer.ID, renewal.OrderNo); err != nil {
		return err
	}
	if _, err := paid(PurchaseInput{ProductID: saas.ID, SKU: pro, PeriodType: PeriodMonth, Count: 3}); err != nil {
		return err
	}
	// One bought and given back inside the no-reason window: an after-sales case, refunded.
	returned, err := paid(PurchaseInput{ProductID: saas.ID, SKU: basic, PeriodType: PeriodMonth})
	if err != nil {
		return err
	}
	if _, err := s.Unsubscribe(ctx, ba, buyer.ID, returned.OrderNo, "seed-unsubscribe"); err != nil {
		return err
	}
	if _, err := buy(PurchaseInput{ProductID: image.ID, SKU: imageSpecs[0].SKUCode, PeriodType: PeriodHour, Region: "cn-north-4"}); err != nil {
		return err
	}
	if _, err := buy(PurchaseInput{ProductID: saas.ID, SKU: basic, Trial: true}); err != nil {
		return err
	}
	if _, err := buy(PurchaseInput{ProductID: saas.ID, SKU: basic, PeriodType: PeriodMonth}); err != nil {
		return err
	}
	cancelled, err := buy(PurchaseInput{ProductID: saas.ID, SKU: pro, PeriodType: PeriodMonth})
	if err != nil {
		return err
	}
	_, err = s.CancelOrder(ctx, ba, buyer.ID, cancelled.OrderNo)
	return err
}
