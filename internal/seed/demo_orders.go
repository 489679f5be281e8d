package seed

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"sellercenter/models"
)

// seedOrders gives the demo buyer a profile and orders of the demo merchant in several
// states, placed, paid and delivered through the same store methods a buyer and a
// merchant use: a completed purchase and its paid renewal, a purchase being processed,
// an on-demand image taken at once, a trial, an unpaid order and a cancelled one.
func (s store) seedOrders(ctx context.Context, buyer, merchant models.User) error {
	ba := models.Actor{UserID: buyer.ID, Email: buyer.Email, RequestID: models.ActorSeed}
	ma := models.Actor{UserID: merchant.ID, Email: merchant.Email, RequestID: models.ActorSeed}
	product := func(typ string) (models.Product, []models.Spec, error) {
		p, err := s.onSale(ctx, *merchant.MerchantID, typ)
		if err != nil {
			return p, nil, err
		}
		specs, err := s.LiveSpecs(ctx, p.ID)
		return p, specs, err
	}
	saas, saasSpecs, err := product(models.ProductSaaS)
	if err != nil {
		return err
	}
	image, imageSpecs, err := product(models.ProductImage)
	if err != nil {
		return err
	}
	if len(saasSpecs) < 2 || len(imageSpecs) < 1 {
		return fmt.Errorf("seed orders: the demo products lack specs")
	}
	basic, pro := saasSpecs[0].SKUCode, saasSpecs[1].SKUCode
	buy := func(in models.PurchaseInput) (models.Order, error) {
		if in.Count == 0 {
			in.Count = 1
		}
		in.Quantity = 1
		return s.Purchase(ctx, ba, buyer.ID, in)
	}
	paid := func(in models.PurchaseInput) (models.Order, error) {
		o, err := buy(in)
		if err != nil {
			return o, err
		}
		if o, err = s.Pay(ctx, ba, buyer.ID, o.OrderNo); err != nil {
			return o, err
		}
		return o, s.provision(ctx)
	}
	done, err := paid(models.PurchaseInput{ProductID: saas.ID, SKU: basic, PeriodType: models.PeriodYear})
	if err != nil {
		return err
	}
	renewal, err := s.Renew(ctx, ba, buyer.ID, *done.SubscriptionID, models.PeriodInput{PeriodType: models.PeriodYear, Count: 1})
	if err != nil {
		return err
	}
	if _, err := s.Pay(ctx, ba, buyer.ID, renewal.OrderNo); err != nil {
		return err
	}
	if err := s.provision(ctx); err != nil {
		return err
	}
	if _, err := paid(models.PurchaseInput{ProductID: saas.ID, SKU: pro, PeriodType: models.PeriodMonth, Count: 3}); err != nil {
		return err
	}
	// One bought and given back inside the no-reason window: an after-sales case, refunded.
	returned, err := paid(models.PurchaseInput{ProductID: saas.ID, SKU: basic, PeriodType: models.PeriodMonth})
	if err != nil {
		return err
	}
	if _, err := s.Unsubscribe(ctx, ba, buyer.ID, returned.OrderNo, "seed-unsubscribe"); err != nil {
		return err
	}
	if err := s.provision(ctx); err != nil {
		return err
	}
	if _, err := buy(models.PurchaseInput{ProductID: image.ID, SKU: imageSpecs[0].SKUCode, PeriodType: models.PeriodHour, Region: "cn-north-4"}); err != nil {
		return err
	}
	if _, err := buy(models.PurchaseInput{ProductID: saas.ID, SKU: basic, Trial: true}); err != nil {
		return err
	}
	if err := s.provision(ctx); err != nil {
		return err
	}
	if _, err := buy(models.PurchaseInput{ProductID: saas.ID, SKU: basic, PeriodType: models.PeriodMonth}); err != nil {
		return err
	}
	cancelled, err := buy(models.PurchaseInput{ProductID: saas.ID, SKU: pro, PeriodType: models.PeriodMonth})
	if err != nil {
		return err
	}
	if _, err := s.CancelOrder(ctx, ba, buyer.ID, cancelled.OrderNo); err != nil {
		return err
	}
	// A License bought and paid: the merchant delivers it and confirms (a to-do).
	license, err := s.onSale(ctx, *merchant.MerchantID, models.ProductLicense)
	if err != nil {
		return err
	}
	licenseSpecs, err := s.LiveSpecs(ctx, license.ID)
	if err != nil || len(licenseSpecs) == 0 {
		return fmt.Errorf("seed orders: the License lacks specs: %v", err)
	}
	if _, err := paid(models.PurchaseInput{ProductID: license.ID, SKU: licenseSpecs[0].SKUCode, PeriodType: models.PeriodOneTime}); err != nil {
		return err
	}
	return s.seedNegotiated(ctx, ba, ma, buyer, merchant)
}

// seedNegotiated buys the supervised service twice and opens a negotiated refund on
// each: one waits for the merchant, the other was rejected and the buyer took it to
// the platform (an open dispute for the console).
func (s store) seedNegotiated(ctx context.Context, ba, ma models.Actor, buyer, merchant models.User) error {
	p, err := s.onSale(ctx, *merchant.MerchantID, models.ProductService)
	if err != nil {
		return err
	}
	specs, err := s.LiveSpecs(ctx, p.ID)
	if err != nil || len(specs) == 0 {
		return fmt.Errorf("seed orders: the service lacks specs: %v", err)
	}
	order := func() (models.Order, error) {
		o, err := s.Purchase(ctx, ba, buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodOneTime, Count: 1, Quantity: 1})
		if err != nil {
			return o, err
		}
		return s.Pay(ctx, ba, buyer.ID, o.OrderNo)
	}
	waiting, err := order()
	if err != nil {
		return err
	}
	if _, err := s.RequestRefund(ctx, ba, buyer.ID, models.RefundRequest{OrderNo: waiting.OrderNo, AmountFen: 1000000,
		Reason: "顾问驻场时间推迟两周，上线计划顺延，申请退还部分费用。", Key: "seed-negotiated-1"}); err != nil {
		return err
	}
	disputed, err := order()
	if err != nil {
		return err
	}
	r, err := s.RequestRefund(ctx, ba, buyer.ID, models.RefundRequest{OrderNo: disputed.OrderNo, AmountFen: disputed.PaidFen,
		Reason: "实施范围与合同约定不符，申请全额退款。", Key: "seed-negotiated-2"})
	if err != nil {
		return err
	}
	if _, err := s.RejectRefund(ctx, ma, *merchant.MerchantID, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version,
		Comment: "实施范围已按合同附件交付，需求调研阶段已完成，不同意全额退款。"}); err != nil {
		return err
	}
	_, err = s.DisputeRefund(ctx, ba, buyer.ID, r.RefundNo, "合同附件未包含二次开发，商家拒绝沟通，请平台介入。")
	return err
}

// onSale is the merchant's first product of a type on sale.
func (s store) onSale(ctx context.Context, merchantID uint, typ string) (models.Product, error) {
	rows, _, err := s.Products(ctx, merchantID, models.ProductFilter{Type: typ, Listing: models.ListingOnSale, Page: 1, Per: 1})
	if err != nil {
		return models.Product{}, err
	}
	if len(rows) == 0 {
		return models.Product{}, fmt.Errorf("seed: no %s product on sale", typ)
	}
	return rows[0].Product, nil
}

// DemoKitAccount is the demo buyer's organisation user who signs in to the demo
// joint-operation app through unified login (userName@tenantCode).
const DemoKitAccount = "zhang@xinghe"

// seedOrg gives the demo buyer an organisation (星河零售, tenant code xinghe) with a
// department and a user, binds the demo 联营 product's app bought in the completed
// order to it and authorises the user as the app's administrator: the kit sync calls
// go to the reference endpoint. It returns the user's unified login account.
func (s store) seedOrg(ctx context.Context, buyer models.User) (DemoLogin, error) {
	ba := models.Actor{UserID: buyer.ID, Email: buyer.Email, RequestID: models.ActorSeed}
	subs, err := s.KitSubsOf(ctx, buyer.ID)
	if err != nil {
		return DemoLogin{}, err
	}
	var sub *models.BindableKitSub
	for i := range subs {
		if subs[i].Bindable() {
			sub = &subs[i]
			break
		}
	}
	if sub == nil {
		return DemoLogin{}, fmt.Errorf("seed organisation: the demo buyer holds no ready joint-operation subscription")
	}
	if _, err := s.SaveKitOrg(ctx, ba, buyer.ID, 0, models.KitOrgInput{TenantCode: "xinghe", Name: "星河零售有限公司",
		DomainName: "https://xinghe.example.com"}); err != nil {
		return DemoLogin{}, err
	}
	for _, d := range []models.KitDeptInput{{OrgCode: "HQ", Name: "总部"}, {OrgCode: "OPS", Name: "运营部", ParentCode: "HQ"}} {
		if _, err := s.SaveKitDept(ctx, ba, buyer.ID, 0, d); err != nil {
			return DemoLogin{}, err
		}
	}
	pw, err := RandomPassword()
	if err != nil {
		return DemoLogin{}, err
	}
	u, err := s.SaveKitUser(ctx, ba, buyer.ID, 0, 0, models.KitUserInput{UserName: "zhang", Name: "张三", OrgCode: "OPS", Position: "运营经理",
		Email: "zhang@xinghe.example.com", Password: pw, Enabled: true})
	if err != nil {
		return DemoLogin{}, err
	}
	b, err := s.BindKitApp(ctx, ba, buyer.ID, sub.Subscription.ID)
	if err != nil {
		return DemoLogin{}, err
	}
	if _, err := s.AuthorizeKitUsers(ctx, ba, buyer.ID, b.ID, []uint{u.ID}, models.KitRoleAdmin); err != nil {
		return DemoLogin{}, err
	}
	if err := s.provision(ctx); err != nil {
		return DemoLogin{}, err
	}
	return DemoLogin{Role: "kit", Email: DemoKitAccount, Password: pw,
		Note: "organisation user of the demo buyer: unified login at " + strings.TrimRight(cmp.Or(s.saasAddress, DefaultDemoSaaSAddress), "/") + "/login"}, nil
}
