package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"sellercenter/models"
)

// historyDays is how far back the demo merchant's sales go.
const historyDays = 365

// demoCustomers are the demo merchant's customers besides the demo buyer: companies of
// different sizes, the larger ones buying more often.
var demoCustomers = []struct {
	email, name, company string
	weight               float64
}{
	{"li.ming@xinghe-retail.example.com", "李明", "星河零售集团", 5},
	{"chen.jing@huaxia-logistics.example.com", "陈静", "华夏物流股份有限公司", 4},
	{"zhou.tao@bluesea-edu.example.com", "周涛", "蓝海教育科技", 3},
	{"wu.fang@jinshan-mfg.example.com", "吴芳", "金山精密制造", 3},
	{"zheng.lei@tianyuan-health.example.com", "郑磊", "天元健康医疗", 2},
	{"sun.li@qingcheng-design.example.com", "孙丽", "青橙设计工作室", 1},
}

// historyBuyer is a customer with the weight of their share of the orders.
type historyBuyer struct {
	u      models.User
	weight float64
}

// historyLine is something the history sells: a live spec and how it is bought.
type historyLine struct {
	p      models.Product
	sku    string
	period string
	counts []int // period counts to choose from
	weight float64
}

// seedHistory gives the demo merchant a year of sales through the store's own rules with
// the clock set back day by day: a growing trend, quieter weekends, busier month ends,
// spread over the products and customers; most orders were delivered, a few given back
// inside the no-reason window. The same data for the same seed.
func (s store) seedHistory(ctx context.Context, at func(time.Time) store, now time.Time, merchant models.User, buyers []historyBuyer, put BlobPutter, reviewer models.Actor) error {
	r := rand.New(rand.NewPCG(20261206, 9))
	mid := *merchant.MerchantID
	var lines []historyLine
	for _, x := range []struct {
		typ    string
		period string
		counts []int
		weight float64
	}{
		{models.ProductSaaS, models.PeriodMonth, []int{1, 1, 3, 6}, 5},
		{models.ProductSaaS, models.PeriodYear, []int{1}, 2},
		{models.ProductLicense, models.PeriodOneTime, []int{1}, 2},
		{models.ProductHardware, models.PeriodOneTime, []int{1}, 1},
		{models.ProductService, models.PeriodOneTime, []int{1}, 0.5},
	} {
		p, err := s.onSale(ctx, mid, x.typ)
		if err != nil {
			return err
		}
		specs, err := s.LiveSpecs(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, sp := range specs {
			lines = append(lines, historyLine{p: p, sku: sp.SKUCode, period: x.period, counts: x.counts, weight: x.weight / float64(len(specs))})
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	if loc == nil {
		loc = time.UTC
	}
	ma := models.Actor{UserID: merchant.ID, Email: merchant.Email, RequestID: models.ActorSeed}
	n := 0
	for day := historyDays; day >= 1; day-- {
		date := now.In(loc).AddDate(0, 0, -day)
		mean := 0.45 + 1.3*float64(historyDays-day)/historyDays // the business grows
		switch date.Weekday() {
		case time.Saturday, time.Sunday:
			mean *= 0.45
		}
		if date.AddDate(0, 0, 3).Month() != date.Month() { // month-end purchasing
			mean *= 1.6
		}
		for k := poisson(r, mean); k > 0; k-- {
			when := time.Date(date.Year(), date.Month(), date.Day(), 9+r.IntN(12), r.IntN(60), r.IntN(60), 0, loc)
			st := at(when)
			b := buyers[pickWeighted(r, len(buyers), func(i int) float64 { return buyers[i].weight })]
			l := lines[pickWeighted(r, len(lines), func(i int) float64 { return lines[i].weight })]
			ba := models.Actor{UserID: b.u.ID, Email: b.u.Email, RequestID: models.ActorSeed}
			o, err := st.Purchase(ctx, ba, b.u.ID, models.PurchaseInput{ProductID: l.p.ID, SKU: l.sku, PeriodType: l.period,
				Count: l.counts[r.IntN(len(l.counts))], Quantity: 1})
			if err != nil {
				return fmt.Errorf("seed history %s: %w", when.Format(time.DateOnly), err)
			}
			if o, err = st.Pay(ctx, ba, b.u.ID, o.OrderNo); err != nil {
				return err
			}
			n++
			saas := o.ProductType == models.ProductSaaS
			if saas { // provisioned by the merchant's system within seconds
				if err := st.provision(ctx); err != nil {
					return err
				}
			}
			switch {
			case o.Supervised && day > 20: // delivered, reviewed and accepted within a fortnight
				if err := completeSupervision(ctx, at, when, r, put, ba, ma, reviewer, b.u.ID, mid, o.OrderNo); err != nil {
					return err
				}
			case o.Status != models.OrderProcessing || o.Supervised:
			case l.period == models.PeriodMonth && r.Float64() < 0.04: // changed their mind the same day
				later := at(when.Add(3 * time.Hour))
				if _, err := later.Unsubscribe(ctx, ba, b.u.ID, o.OrderNo, fmt.Sprintf("seed-history-%d", n)); err != nil {
					return err
				}
				if err := later.provision(ctx); err != nil {
					return err
				}
			case saas:
			case o.ProductType == models.ProductHardware && day > 2: // shipped, signed for and accepted
				tracking := fmt.Sprintf("SF%010d", 1000000000+r.IntN(1000000000))
				if _, err := at(when.Add(time.Duration(2+r.IntN(20))*time.Hour)).ShipOrder(ctx, ma, mid, o.OrderNo, "SF", tracking); err != nil {
					return err
				}
				if _, err := at(when.Add(48*time.Hour)).ConfirmReceipt(ctx, ba, b.u.ID, o.OrderNo); err != nil {
					return err
				}
				if _, err := at(when.Add(50*time.Hour)).AcceptShipment(ctx, ba, b.u.ID, o.OrderNo); err != nil {
					return err
				}
			case o.ProductType == models.ProductLicense && day > 2: // the code claimed and activated by the merchant's system
				codes, err := st.LicenseCodesOfOrder(ctx, b.u.ID, 0, o.OrderNo)
				if err != nil {
					return err
				}
				for _, lc := range codes {
					if _, err := at(when.Add(time.Hour)).ClaimLicenseCode(ctx, ba, b.u.ID, o.OrderNo, lc.ID); err != nil {
						return err
					}
					if _, err := at(when.Add(time.Duration(2+r.IntN(20))*time.Hour)).ActivateLicense(ctx, mid, lc.Code, nil); err != nil {
						return err
					}
				}
				if len(codes) == 0 {
					if _, err := at(when.Add(time.Duration(1+r.IntN(20))*time.Hour)).CompleteOrder(ctx, ma, mid, o.OrderNo); err != nil {
						return err
					}
				}
			case day > 2: // delivered; the last two days' orders still wait on the merchant
				if _, err := at(when.Add(time.Duration(1+r.IntN(20))*time.Hour)).CompleteOrder(ctx, ma, mid, o.OrderNo); err != nil {
					return err
				}
			}
		}
		// Expired instances freeze, frozen ones are released, as the server's sweep does.
		eod := at(time.Date(date.Year(), date.Month(), date.Day(), 23, 30, 0, 0, loc))
		if _, err := eod.SweepSaaSInstances(ctx); err != nil {
			return err
		}
		if err := eod.provision(ctx); err != nil {
			return err
		}
	}
	return nil
}

// poisson draws how many events a day with this mean has.
func poisson(r *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// pickWeighted draws an index 0..n-1 with the given weights.
func pickWeighted(r *rand.Rand, n int, weight func(int) float64) int {
	total := 0.0
	for i := range n {
		total += weight(i)
	}
	x := r.Float64() * total
	for i := range n {
		if x -= weight(i); x < 0 {
			return i
		}
	}
	return n - 1
}

// completeSupervision walks a supervised history order to completion over the days
// after its purchase: requirements, confirmation, a remote delivery with its record, the
// platform's review where the scenario has one, and the buyer's acceptance.
func completeSupervision(ctx context.Context, at func(time.Time) store, when time.Time, r *rand.Rand, put BlobPutter,
	ba, ma, reviewer models.Actor, buyerID, merchantID uint, orderNo string) error {
	record, err := seedUpload(ctx, put, models.FileSupRemote, "线上会议纪要.pdf", "application/pdf", tinyPDF)
	if err != nil {
		return err
	}
	req, err := seedUpload(ctx, put, models.FileSupRequirement, "需求说明.pdf", "application/pdf", tinyPDF)
	if err != nil {
		return err
	}
	day := func(n int) store { return at(when.Add(time.Duration(n*24+r.IntN(8)) * time.Hour)) }
	steps := []struct {
		a     models.Actor
		actor string
		owner uint
		st    models.SupervisionStep
	}{
		{ba, models.SupBuyer, buyerID, models.SupervisionStep{Action: models.ActSubmitRequirement, Comment: "按标准实施包交付，上线前完成关键用户培训。",
			Uploads: models.Uploads{req}}},
		{ma, models.SupMerchant, merchantID, models.SupervisionStep{Action: models.ActConfirm}},
		{ma, models.SupMerchant, merchantID, models.SupervisionStep{Action: models.ActDeliver, Mode: models.DeliveryRemote,
			Comment: "远程实施完成，会议纪要见附件。", Uploads: models.Uploads{record}}},
		{reviewer, models.SupReviewer, 0, models.SupervisionStep{Action: models.ActApprove, Comment: "交付材料齐全。"}},
		{ba, models.SupBuyer, buyerID, models.SupervisionStep{Action: models.ActAccept}},
	}
	for i, st := range steps {
		st.st.OrderNo = orderNo
		sv, _, err := day(1+2*i).SupervisionOf(ctx, st.actor, st.owner, orderNo)
		if err != nil {
			return err
		}
		if st.actor == models.SupReviewer && sv.Node != models.NodeReview {
			continue // a general order goes to the buyer directly
		}
		if _, err := day(1+2*i).MoveSupervision(ctx, st.a, st.actor, st.owner, st.st); err != nil {
			return fmt.Errorf("seed supervision %s %s: %w", orderNo, st.st.Action, err)
		}
	}
	return nil
}
