package seed

import (
	"context"
	"fmt"

	"sellercenter/models"
)

// seedSupervision buys the supervised service (联营-基地云) four times more, leaving an
// order at each node after the requirements: one waits for the merchant's confirmation,
// one is being implemented, one's on-site delivery (three screenshots and the acceptance
// report the merchant signed) waits in 华为云复核, and one the platform approved waits
// for the buyer's acceptance.
func (s store) seedSupervision(ctx context.Context, put BlobPutter, reviewer models.Actor, buyer, merchant models.User) error {
	ba := models.Actor{UserID: buyer.ID, Email: buyer.Email, RequestID: models.ActorSeed}
	ma := models.Actor{UserID: merchant.ID, Email: merchant.Email, RequestID: models.ActorSeed}
	mid := *merchant.MerchantID
	p, err := s.onSale(ctx, mid, models.ProductService)
	if err != nil {
		return err
	}
	specs, err := s.LiveSpecs(ctx, p.ID)
	if err != nil || len(specs) == 0 {
		return fmt.Errorf("seed supervision: the service lacks specs: %v", err)
	}
	upload := func(purpose, name, ct string, data []byte) (models.Uploads, error) {
		up, err := seedUpload(ctx, put, purpose, name, ct, data)
		return models.Uploads{up}, err
	}
	step := func(a models.Actor, actor string, owner uint, st models.SupervisionStep) error {
		_, err := s.MoveSupervision(ctx, a, actor, owner, st)
		return err
	}
	var orders []models.Order
	for range 4 {
		o, err := s.Purchase(ctx, ba, buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodOneTime, Count: 1, Quantity: 1})
		if err != nil {
			return err
		}
		if o, err = s.Pay(ctx, ba, buyer.ID, o.OrderNo); err != nil {
			return err
		}
		req, err := upload(models.FileSupRequirement, "需求说明.pdf", "application/pdf", tinyPDF)
		if err != nil {
			return err
		}
		if err := step(ba, models.SupBuyer, buyer.ID, models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActSubmitRequirement,
			Comment: "财务、供应链两个模块上线；12 家门店的库存数据迁移；上线前完成两轮关键用户培训。", Uploads: req}); err != nil {
			return err
		}
		orders = append(orders, o)
	}
	for _, o := range orders[1:] {
		if err := step(ma, models.SupMerchant, mid, models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActConfirm}); err != nil {
			return err
		}
	}
	for _, o := range orders[2:] {
		if err := s.seedDelivery(ctx, put, ma, mid, o.OrderNo); err != nil {
			return err
		}
	}
	_, err = s.ReviewSupervision(ctx, reviewer, orders[3].OrderNo, models.Decision{Comment: "交付与验收材料齐全，已核对验收报告。"}, models.ActApprove)
	return err
}

// seedDelivery is the merchant's on-site delivery of a demo order, signed.
func (s store) seedDelivery(ctx context.Context, put BlobPutter, ma models.Actor, mid uint, orderNo string) error {
	upload := func(purpose, name, ct string, data []byte) (models.Uploads, error) {
		up, err := seedUpload(ctx, put, purpose, name, ct, data)
		return models.Uploads{up}, err
	}
	var evidence models.Uploads
	for i := range 3 {
		shot, err := upload(models.FileSupScreenshot, fmt.Sprintf("上线截图-%d.png", i+1), "image/png", productScreen(i+2))
		if err != nil {
			return err
		}
		evidence = append(evidence, shot...)
	}
	report, err := upload(models.FileSupReport, "验收报告.pdf", "application/pdf", tinyPDF)
	if err != nil {
		return err
	}
	_, err = s.MoveSupervision(ctx, ma, models.SupMerchant, mid, models.SupervisionStep{OrderNo: orderNo, Action: models.ActDeliver, Mode: models.DeliveryOnsite,
		Comment: "财务与供应链模块已上线，库存数据迁移完成，两轮关键用户培训已结束，验收报告已由商家签署。", Uploads: append(evidence, report...), Sign: true})
	return err
}

// seedShipment buys the demo hardware for the demo buyer and ships it: the buyer's order
// shows the logistics with the receipt to confirm.
func (s store) seedShipment(ctx context.Context, buyer, merchant models.User) error {
	ba := models.Actor{UserID: buyer.ID, Email: buyer.Email, RequestID: models.ActorSeed}
	ma := models.Actor{UserID: merchant.ID, Email: merchant.Email, RequestID: models.ActorSeed}
	p, err := s.onSale(ctx, *merchant.MerchantID, models.ProductHardware)
	if err != nil {
		return err
	}
	specs, err := s.LiveSpecs(ctx, p.ID)
	if err != nil || len(specs) == 0 {
		return fmt.Errorf("seed shipment: the hardware lacks specs: %v", err)
	}
	o, err := s.Purchase(ctx, ba, buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodOneTime, Count: 1, Quantity: 1})
	if err != nil {
		return err
	}
	if o, err = s.Pay(ctx, ba, buyer.ID, o.OrderNo); err != nil {
		return err
	}
	_, err = s.ShipOrder(ctx, ma, *merchant.MerchantID, o.OrderNo, "SF", "SF1460248837")
	return err
}
