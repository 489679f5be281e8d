package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/money"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func prices(pairs ...any) []models.SpecPrice {
	var out []models.SpecPrice
	for i := 0; i+1 < len(pairs); i += 2 {
		p := pairs[i].(string)
		out = append(out, models.SpecPrice{PeriodType: p, PriceFen: int64(pairs[i+1].(int)), ProductCode: "P-" + p})
	}
	return out
}

func TestQuote(t *testing.T) {
	t.Parallel()
	period := models.SpecContent{BillingMode: models.BillingPeriod, YearFen: fen(99900), MonthFen: fen(9900), TrialDays: 14}
	periodPrices := prices("month", 9900, "year", 99900)
	linear := models.SpecContent{BillingMode: models.BillingPeriod, MonthFen: fen(500), LinearAttr: "disk_size", LinearMin: 10, LinearMax: 1000}
	linearPrices := prices("month", 500)
	oneTime := models.SpecContent{BillingMode: models.BillingOneTime, OneTimeFen: fen(680000)}
	oneTimePrices := prices("one_time", 680000)
	pkg := models.SpecContent{BillingMode: models.BillingPackage, PackageFen: fen(30000), LinearAttr: "amount", LinearMin: 1, LinearMax: 10}
	pkgPrices := prices("package", 30000)
	hourly := models.SpecContent{BillingMode: models.BillingOnDemand, HourFen: fen(12), LinearAttr: "amount", LinearMin: 1, LinearMax: 64}
	hourlyPrices := prices("hour", 12)
	shortTrial := models.SpecContent{BillingMode: models.BillingPeriod, MonthFen: fen(100), TrialDays: 2}
	huge := models.SpecContent{BillingMode: models.BillingPeriod, YearFen: fen(money.MaxFen), LinearAttr: "amount", LinearMin: 1, LinearMax: 1000000}
	hugePrices := prices("year", int(money.MaxFen))

	cases := []struct {
		name   string
		spec   models.SpecContent
		prices []models.SpecPrice
		in     models.QuoteInput
		want   int64
		err    error
	}{
		{"one month", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 1}, 9900, nil},
		{"three months", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 3, Quantity: 1}, 29700, nil},
		{"eleven months", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 11, Quantity: 1}, 108900, nil},
		{"twelve months are a year", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 12, Quantity: 1}, 0, models.ErrPeriodCount},
		{"zero months", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 0, Quantity: 1}, 0, models.ErrPeriodCount},
		{"negative count", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: -2, Quantity: 1}, 0, models.ErrPeriodCount},
		{"two years", period, periodPrices, models.QuoteInput{PeriodType: "year", Count: 2, Quantity: 1}, 199800, nil},
		{"three years", period, periodPrices, models.QuoteInput{PeriodType: "year", Count: 3, Quantity: 1}, 299700, nil},
		{"four years", period, periodPrices, models.QuoteInput{PeriodType: "year", Count: 4, Quantity: 1}, 0, models.ErrPeriodCount},
		{"default period is month", period, periodPrices, models.QuoteInput{Count: 2, Quantity: 1}, 19800, nil},
		{"period not offered", oneTime, oneTimePrices, models.QuoteInput{PeriodType: "year", Count: 1, Quantity: 1}, 0, models.ErrPeriodNotOffered},
		{"unknown period", period, periodPrices, models.QuoteInput{PeriodType: "week", Count: 1, Quantity: 1}, 0, models.ErrPeriodNotOffered},
		{"price row of another billing mode", period, prices("month", 9900, "one_time", 1), models.QuoteInput{PeriodType: "one_time", Count: 1, Quantity: 1}, 0, models.ErrPeriodNotOffered},
		{"quantity without linear attribute", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 2}, 0, models.ErrQuantityFixed},
		{"zero quantity", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 0}, 0, models.ErrQuantityFixed},
		{"linear quantity", linear, linearPrices, models.QuoteInput{PeriodType: "month", Count: 2, Quantity: 100}, 100000, nil},
		{"linear minimum", linear, linearPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 10}, 5000, nil},
		{"linear maximum", linear, linearPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 1000}, 500000, nil},
		{"below linear minimum", linear, linearPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 9}, 0, models.ErrQuantityRange},
		{"above linear maximum", linear, linearPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 1001}, 0, models.ErrQuantityRange},
		{"negative linear quantity", linear, linearPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: -5}, 0, models.ErrQuantityRange},
		{"one-time", oneTime, oneTimePrices, models.QuoteInput{PeriodType: "one_time", Count: 1, Quantity: 1}, 680000, nil},
		{"one-time twice", oneTime, oneTimePrices, models.QuoteInput{PeriodType: "one_time", Count: 2, Quantity: 1}, 0, models.ErrPeriodCountOne},
		{"package times amount", pkg, pkgPrices, models.QuoteInput{PeriodType: "package", Count: 1, Quantity: 3}, 90000, nil},
		{"on demand prepays nothing", hourly, hourlyPrices, models.QuoteInput{PeriodType: "hour", Count: 1, Quantity: 8}, 0, nil},
		{"on demand count", hourly, hourlyPrices, models.QuoteInput{PeriodType: "hour", Count: 5, Quantity: 1}, 0, models.ErrPeriodCountOne},
		{"trial is free", period, periodPrices, models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 1, Trial: true}, 0, nil},
		{"trial ignores the count", period, periodPrices, models.QuoteInput{PeriodType: "year", Count: 99, Quantity: 1, Trial: true}, 0, nil},
		{"no trial offered", oneTime, oneTimePrices, models.QuoteInput{PeriodType: "one_time", Count: 1, Quantity: 1, Trial: true}, 0, models.ErrTrialNotOffered},
		{"trial shorter than 3 days", shortTrial, prices("month", 100), models.QuoteInput{PeriodType: "month", Count: 1, Quantity: 1, Trial: true}, 0, models.ErrTrialNotOffered},
		{"largest amount", huge, hugePrices, models.QuoteInput{PeriodType: "year", Count: 1, Quantity: 1}, money.MaxFen, nil},
		{"overflow by count", huge, hugePrices, models.QuoteInput{PeriodType: "year", Count: 2, Quantity: 1}, 0, models.ErrAmountTooLarge},
		{"overflow by quantity", huge, hugePrices, models.QuoteInput{PeriodType: "year", Count: 3, Quantity: 1000000}, 0, models.ErrAmountTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := models.Quote(tc.spec, tc.prices, tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if err == nil && q.AmountFen != tc.want {
				t.Fatalf("amount %d, want %d", q.AmountFen, tc.want)
			}
		})
	}
	q, _ := models.Quote(period, periodPrices, models.QuoteInput{PeriodType: "year", Count: 1, Quantity: 1})
	if q.UnitFen != 99900 || q.ProductCode != "P-year" {
		t.Fatalf("quote %+v", q)
	}
	if q, _ := models.Quote(period, periodPrices, models.QuoteInput{Count: 1, Quantity: 1, Trial: true}); q.TrialDays != 14 {
		t.Fatalf("trial days %d", q.TrialDays)
	}
}

func TestUpgradeFen(t *testing.T) {
	t.Parallel()
	month := 30 * 24 * time.Hour
	cases := []struct {
		name              string
		current, target   int64
		qty               int
		remaining, period time.Duration
		want              int64
		err               error
	}{
		{"whole period", 9900, 19900, 1, month, month, 10000, nil},
		{"half period", 9900, 19900, 1, month / 2, month, 5000, nil},
		{"times quantity", 9900, 19900, 3, month / 2, month, 15000, nil},
		{"rounded up to the fen", 100, 200, 1, month / 3, month, 34, nil},
		{"several periods remain", 100, 200, 1, 2 * month, month, 200, nil},
		{"same price", 9900, 9900, 1, month, month, 0, nil},
		{"cheaper target never refunds", 19900, 9900, 1, month, month, 0, nil},
		{"nothing remains", 9900, 19900, 1, 0, month, 0, nil},
		{"overflow", 0, money.MaxFen, 2, month, month, 0, models.ErrAmountTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := models.UpgradeFen(tc.current, tc.target, tc.qty, tc.remaining, tc.period)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("got %d, %v; want %d, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

// shop is a merchant with products on sale and a buyer with a profile.
type shop struct {
	env      *testdb.Env
	ctx      context.Context
	merchant models.User
	mid      uint
	buyer    models.User
	act      models.Actor
}

func newShop(t *testing.T) *shop {
	t.Helper()
	env := testdb.Open(t)
	ctx := context.Background()
	m := activeMerchant(t, env, "m@example.com")
	s := &shop{env: env, ctx: ctx, merchant: m, mid: *m.MerchantID}
	s.buyer = s.newBuyer(t, "b@example.com", models.BuyerEnterprise)
	s.act = models.Actor{UserID: s.buyer.ID, Email: s.buyer.Email}
	return s
}

func (s *shop) newBuyer(t *testing.T, email, subject string) models.User {
	t.Helper()
	u, err := s.env.Store.CreateUser(s.ctx, models.Actor{}, models.NewAccount{Email: email, Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "" {
		if _, err := s.env.Store.SaveBuyerProfile(s.ctx, models.Actor{UserID: u.ID}, u.ID, models.BuyerProfileInput{SubjectType: subject, DisplayName: "星河零售 " + email, Mobile: "13800138000"}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// saas lists a SaaS product: basic (month/year, 14-day trial) upgradable to pro.
func (s *shop) saas(t *testing.T, adjust func(*models.ProductContent)) (models.Product, []models.Spec) {
	t.Helper()
	c := models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公", NameEn: "Teamwork", SalesObjects: models.SalesAll,
		Specs: []models.SpecContent{
			{Key: "basic", Name: "基础版", BillingMode: models.BillingPeriod, YearFen: fen(99900), MonthFen: fen(9900), TrialDays: 14},
			{Key: "pro", Name: "专业版", BillingMode: models.BillingPeriod, YearFen: fen(199900), MonthFen: fen(19900)},
			{Key: "seats", Name: "按席位", BillingMode: models.BillingPeriod, MonthFen: fen(1000), LinearAttr: "amount", LinearMin: 5, LinearMax: 500},
		},
		UpgradeRules: []models.UpgradeRule{{From: "basic", To: "pro"}}}
	if adjust != nil {
		adjust(&c)
	}
	return testdb.ListedProduct(t, s.env, s.mid, c)
}

// image lists an on-demand image product sold in two regions.
func (s *shop) image(t *testing.T, adjust func(*models.ProductContent)) (models.Product, []models.Spec) {
	t.Helper()
	c := models.ProductContent{Type: models.ProductImage, NameZh: "LAMP 运行环境", NameEn: "LAMP", SalesObjects: models.SalesAll,
		Specs: []models.SpecContent{
			{Key: "core", Name: "按核计费", BillingMode: models.BillingOnDemand, HourFen: fen(12), Regions: []string{"cn-north-4", "cn-south-1"}},
			{Key: "pack", Name: "年包", BillingMode: models.BillingPackage, PackageFen: fen(50000), Regions: []string{"cn-north-4"}},
		}}
	if adjust != nil {
		adjust(&c)
	}
	return testdb.ListedProduct(t, s.env, s.mid, c)
}

func (s *shop) buy(t *testing.T, in models.PurchaseInput) models.Order {
	t.Helper()
	if in.Count == 0 {
		in.Count = 1
	}
	if in.Quantity == 0 {
		in.Quantity = 1
	}
	o, err := s.env.Store.Purchase(s.ctx, s.act, s.buyer.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (s *shop) pay(t *testing.T, o models.Order) models.Order {
	t.Helper()
	o, err := s.env.Store.Pay(s.ctx, s.act, s.buyer.ID, o.OrderNo)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (s *shop) order(t *testing.T, no string) models.BuyerOrderDetail {
	t.Helper()
	d, err := s.env.Store.BuyerOrder(s.ctx, s.buyer.ID, no)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (s *shop) sub(t *testing.T, id uint) models.Subscription {
	t.Helper()
	var sub models.Subscription
	if err := s.env.DB.R.First(&sub, id).Error; err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestBuyerProfile(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	u := s.newBuyer(t, "new@example.com", "")
	if _, err := s.env.Store.BuyerProfileOf(s.ctx, u.ID); !errors.Is(err, models.ErrNoBuyerProfile) {
		t.Fatalf("profile of a new buyer: %v", err)
	}
	if _, err := s.env.Store.SaveBuyerProfile(s.ctx, models.Actor{}, u.ID, models.BuyerProfileInput{SubjectType: "government"}); !errors.Is(err, models.ErrSubjectType) {
		t.Fatalf("unknown subject type: %v", err)
	}
	if _, err := s.env.Store.SaveBuyerProfile(s.ctx, models.Actor{}, s.merchant.ID, models.BuyerProfileInput{SubjectType: models.BuyerPersonal}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("merchant got a buyer profile: %v", err)
	}
	p, err := s.env.Store.SaveBuyerProfile(s.ctx, models.Actor{}, u.ID, models.BuyerProfileInput{SubjectType: models.BuyerPersonal, DisplayName: "王小明", Mobile: "13900139000"})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s.env.Store.SaveBuyerProfile(s.ctx, models.Actor{}, u.ID, models.BuyerProfileInput{SubjectType: models.BuyerEnterprise, DisplayName: "明远科技"})
	if err != nil || p2.ID != p.ID {
		t.Fatalf("update made a second profile: %v %d %d", err, p.ID, p2.ID)
	}
	got, _ := s.env.Store.BuyerProfileOf(s.ctx, u.ID)
	if got.DisplayName != "明远科技" || got.SubjectType != models.BuyerEnterprise {
		t.Fatalf("profile %+v", got)
	}
}

func TestPurchaseRules(t *testing.T) {
	t.Parallel()
	type world struct {
		s     *shop
		saas  models.Product
		specs []models.Spec
		img   models.Product
		imgSp []models.Spec
		buyer uint
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, w *world) models.PurchaseInput
		err   error
	}{
		{"on sale", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, nil},
		{"hidden product by direct link", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Model(&w.saas).Update("hidden", true).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, nil},
		{"stopped product", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Model(&w.saas).Update("listing", models.ListingStopped).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrNotOnSale},
		{"delisted product", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Model(&w.saas).Update("listing", models.ListingDelisted).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrNotOnSale},
		{"never listed product", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Model(&w.saas).Update("listing", models.ListingNotListed).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrNotOnSale},
		{"unknown product", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: 99999, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrNotFound},
		{"hidden spec", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Model(&w.specs[0]).Update("hidden", true).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrSpecUnavailable},
		{"removed spec", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Model(&w.specs[0]).Update("removed", true).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrSpecUnavailable},
		{"unknown spec", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: "SKU-NONE", PeriodType: "year"}
		}, models.ErrSpecUnavailable},
		{"spec of another product", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.imgSp[0].SKUCode, PeriodType: "hour", Region: "cn-north-4"}
		}, models.ErrSpecUnavailable},
		{"enterprise only, enterprise buyer", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.SalesObjects = models.SalesEnterprise })
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, nil},
		{"personal only, enterprise buyer", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.SalesObjects = models.SalesPersonal })
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, models.ErrNotForBuyer},
		{"enterprise only, personal buyer", func(t *testing.T, w *world) models.PurchaseInput {
			w.s.env.Store.SaveBuyerProfile(w.s.ctx, models.Actor{}, w.buyer, models.BuyerProfileInput{SubjectType: models.BuyerPersonal, DisplayName: "个人"})
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.SalesObjects = models.SalesEnterprise })
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, models.ErrNotForBuyer},
		{"named buyer", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) {
				c.SalesObjects, c.NamedBuyers = models.SalesNamed, []string{"other@example.com", " B@Example.com"}
			})
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, nil},
		{"not a named buyer", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) {
				c.SalesObjects, c.NamedBuyers = models.SalesNamed, []string{"other@example.com"}
			})
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, models.ErrNotForBuyer},
		{"image region of the spec", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.img.ID, SKU: w.imgSp[0].SKUCode, PeriodType: "hour", Region: "cn-south-1"}
		}, nil},
		{"image region outside the spec", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.img.ID, SKU: w.imgSp[1].SKUCode, PeriodType: "package", Region: "cn-south-1"}
		}, models.ErrRegionNotOffered},
		{"image region missing", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.img.ID, SKU: w.imgSp[0].SKUCode, PeriodType: "hour"}
		}, models.ErrRegionNotOffered},
		{"image region outside the sales regions", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.image(t, func(c *models.ProductContent) { c.SalesRegions = []string{"cn-north-4"} })
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "hour", Region: "cn-south-1"}
		}, models.ErrRegionNotOffered},
		{"sales region", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.SalesRegions = []string{"cn-east-3"} })
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month", Region: "cn-east-3"}
		}, nil},
		{"region where none is sold", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "month", Region: "cn-east-3"}
		}, models.ErrRegionNotOffered},
		{"period not offered", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[2].SKUCode, PeriodType: "year", Quantity: 5}
		}, models.ErrPeriodNotOffered},
		{"quantity below the minimum", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[2].SKUCode, PeriodType: "month", Quantity: 4}
		}, models.ErrQuantityRange},
		{"purchase limit counts unpaid orders", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.PurchaseLimit = 1 })
			w.s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: sp[1].SKUCode, PeriodType: "month"})
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, models.ErrPurchaseLimit},
		{"purchase limit counts active subscriptions", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.PurchaseLimit = 2 })
			w.s.pay(t, w.s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: sp[1].SKUCode, PeriodType: "month"}))
			w.s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month", Trial: true})
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[1].SKUCode, PeriodType: "month"}
		}, models.ErrPurchaseLimit},
		{"purchase limit ignores expired and cancelled", func(t *testing.T, w *world) models.PurchaseInput {
			p, sp := w.s.saas(t, func(c *models.ProductContent) { c.PurchaseLimit = 1 })
			o := w.s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: sp[1].SKUCode, PeriodType: "month"})
			if _, err := w.s.env.Store.CancelOrder(w.s.ctx, w.s.act, w.buyer, o.OrderNo); err != nil {
				t.Fatal(err)
			}
			o = w.s.pay(t, w.s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: sp[1].SKUCode, PeriodType: "month"}))
			w.s.env.Clock.Advance(40 * 24 * time.Hour)
			return models.PurchaseInput{ProductID: p.ID, SKU: sp[0].SKUCode, PeriodType: "month"}
		}, nil},
		{"first trial", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, Trial: true}
		}, nil},
		{"second trial of the spec", func(t *testing.T, w *world) models.PurchaseInput {
			w.s.buy(t, models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, Trial: true})
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, Trial: true}
		}, models.ErrTrialUsed},
		{"trial where none is offered", func(t *testing.T, w *world) models.PurchaseInput {
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[1].SKUCode, Trial: true}
		}, models.ErrTrialNotOffered},
		{"no profile", func(t *testing.T, w *world) models.PurchaseInput {
			must(t, w.s.env.DB.W.Where("user_id = ?", w.buyer).Delete(&models.BuyerProfile{}).Error)
			return models.PurchaseInput{ProductID: w.saas.ID, SKU: w.specs[0].SKUCode, PeriodType: "year"}
		}, models.ErrNoBuyerProfile},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newShop(t)
			w := &world{s: s, buyer: s.buyer.ID}
			w.saas, w.specs = s.saas(t, nil)
			w.img, w.imgSp = s.image(t, nil)
			in := tc.setup(t, w)
			if in.Count == 0 {
				in.Count = 1
			}
			if in.Quantity == 0 {
				in.Quantity = 1
			}
			var before int64
			s.env.DB.R.Model(&models.Order{}).Count(&before)
			o, err := s.env.Store.Purchase(s.ctx, s.act, s.buyer.ID, in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			var after int64
			s.env.DB.R.Model(&models.Order{}).Count(&after)
			if tc.err != nil && after != before {
				t.Fatalf("a refused purchase wrote an order (%d → %d)", before, after)
			}
			if tc.err == nil && (o.ID == 0 || after != before+1) {
				t.Fatalf("no order written: %+v", o)
			}
		})
	}
}

func TestPurchaseFreezesTheOrderAndIsIdempotent(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	must(t, s.env.DB.W.Model(&models.Setting{}).Where("key = ?", models.SettingPayTimeout).Update("value", "45").Error)
	in := models.PurchaseInput{ProductID: p.ID, SKU: specs[2].SKUCode, PeriodType: "month", Count: 3, Quantity: 20, IdempotencyKey: "k-1"}
	o, err := s.env.Store.Purchase(s.ctx, s.act, s.buyer.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	now := s.env.Clock.Now()
	if o.Status != models.OrderPendingPayment || o.Kind != models.OrderNew || o.AmountFen != 60000 || o.MerchantID != s.mid ||
		o.CustomerName != "星河零售 b@example.com" || o.CustomerEmail != "b@example.com" || o.SpecName != "按席位" ||
		o.ProductNameZh != "协同办公" || o.PayBy == nil || !o.PayBy.Equal(now.Add(45*time.Minute)) {
		t.Fatalf("order %+v", o)
	}
	if len(o.OrderNo) != 17 || o.OrderNo[:2] != "CS" {
		t.Fatalf("order number %q", o.OrderNo)
	}
	// The same key again: the same order, nothing new.
	again, err := s.env.Store.Purchase(s.ctx, s.act, s.buyer.ID, in)
	if err != nil || again.ID != o.ID {
		t.Fatalf("second submit: %v, order %d vs %d", err, again.ID, o.ID)
	}
	var n int64
	s.env.DB.R.Model(&models.Order{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d orders after a double submit", n)
	}
	// Another buyer's same key is their own order.
	other := s.newBuyer(t, "c@example.com", models.BuyerPersonal)
	if o2, err := s.env.Store.Purchase(s.ctx, models.Actor{UserID: other.ID}, other.ID, in); err != nil || o2.ID == o.ID {
		t.Fatalf("other buyer with the same key: %v", err)
	}
	// Prices and names are frozen: the merchant's later edits change nothing.
	must(t, s.env.DB.W.Model(&models.SpecPrice{}).Where("spec_id = ?", specs[2].ID).Update("price_fen", 1).Error)
	must(t, s.env.DB.W.Model(&models.Spec{}).Where("id = ?", specs[2].ID).Update("name", "改名").Error)
	must(t, s.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("name_zh", "新名字").Error)
	d := s.order(t, o.OrderNo)
	l := d.Lines[0]
	if d.Order.AmountFen != 60000 || d.Order.SpecName != "按席位" || d.Order.ProductNameZh != "协同办公" || len(d.Lines) != 1 ||
		l.UnitFen != 1000 || l.AmountFen != 60000 || l.PeriodType != "month" || l.PeriodCount != 3 || l.Quantity != 20 ||
		l.LinearAttr != "amount" || l.SKUCode != specs[2].SKUCode || l.ProductCode != specs[2].SKUCode+"-month" ||
		l.LineNo != o.OrderNo+"-000001" || l.SpecName != "按席位" {
		t.Fatalf("order after edits %+v line %+v", d.Order, l)
	}
	if len(d.Events) != 1 || d.Events[0].ToStatus != models.OrderPendingPayment {
		t.Fatalf("history %+v", d.Events)
	}
}

func TestPayDeliversAndNeverPaysTwice(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	img, imgSpecs := s.image(t, nil)
	cases := []struct {
		name   string
		in     models.PurchaseInput
		status string
		expiry time.Duration // 0: never expires
	}{
		{"SaaS waits for provisioning", models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: "year", Count: 2}, models.OrderProcessing, 0},
		{"image package is delivered at once", models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[1].SKUCode, PeriodType: "package", Region: "cn-north-4"}, models.OrderCompleted, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := s.buy(t, tc.in)
			now := s.env.Clock.Now()
			paid := s.pay(t, o)
			if paid.Status != tc.status || paid.PaidAt == nil || paid.PaidFen != o.AmountFen || paid.SubscriptionID == nil {
				t.Fatalf("paid order %+v", paid)
			}
			d := s.order(t, o.OrderNo)
			if d.Payment == nil || d.Payment.AmountFen != o.AmountFen || d.Order.Status != tc.status || len(d.Events) != 2 ||
				d.Events[1].Note != "order.event.paid" || d.Lines[0].StartsAt == nil {
				t.Fatalf("detail %+v", d)
			}
			sub := s.sub(t, *d.Order.SubscriptionID)
			if sub.Status != models.SubActive || sub.BuyerID != s.buyer.ID || sub.SpecID != o.SpecID || sub.Trial || sub.OrderID != o.ID {
				t.Fatalf("subscription %+v", sub)
			}
			if tc.status == models.OrderCompleted && d.Order.CompletedAt == nil {
				t.Fatal("completed without a completion time")
			}
			if p.ID == o.ProductID && (sub.ExpiresAt == nil || !sub.ExpiresAt.Equal(now.AddDate(2, 0, 0)) || !d.Lines[0].EndsAt.Equal(*sub.ExpiresAt)) {
				t.Fatalf("two years from %v: %v", now, sub.ExpiresAt)
			}
			// Paying twice: refused, still one payment.
			if _, err := s.env.Store.Pay(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrAlreadyPaid) || !errors.Is(err, models.ErrIllegalTransition) {
				t.Fatalf("second payment: %v", err)
			}
			var n int64
			s.env.DB.R.Model(&models.Payment{}).Where("order_id = ?", o.ID).Count(&n)
			if n != 1 {
				t.Fatalf("%d payments", n)
			}
		})
	}
	// The merchant heard of each payment.
	var notes int64
	s.env.DB.R.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", s.merchant.ID, "order.paid").Count(&notes)
	if notes != 2 {
		t.Fatalf("%d merchant notices", notes)
	}
	// Someone else's order is not found; a cancelled or overdue one cannot be paid.
	o := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[1].SKUCode, PeriodType: "month"})
	other := s.newBuyer(t, "x@example.com", models.BuyerPersonal)
	if _, err := s.env.Store.Pay(s.ctx, models.Actor{UserID: other.ID}, other.ID, o.OrderNo); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer paid: %v", err)
	}
	if _, err := s.env.Store.CancelOrder(s.ctx, s.act, s.buyer.ID, o.OrderNo); err != nil {
		t.Fatal(err)
	}
	if _, err := s.env.Store.Pay(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrNotPayable) {
		t.Fatalf("paid a cancelled order: %v", err)
	}
	if _, err := s.env.Store.CancelOrder(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrNotCancellable) {
		t.Fatalf("cancelled twice: %v", err)
	}
	late := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[1].SKUCode, PeriodType: "month"})
	s.env.Clock.Advance(31 * time.Minute)
	if _, err := s.env.Store.Pay(s.ctx, s.act, s.buyer.ID, late.OrderNo); !errors.Is(err, models.ErrPaymentExpired) {
		t.Fatalf("paid after the deadline: %v", err)
	}
}

func TestFreeOrdersSettleAtOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	img, imgSpecs := s.image(t, nil)
	now := s.env.Clock.Now()
	trial := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, Trial: true})
	if trial.Kind != models.OrderTrial || trial.AmountFen != 0 || trial.Status != models.OrderProcessing || trial.PaidAt == nil {
		t.Fatalf("trial order %+v", trial)
	}
	sub := s.sub(t, *trial.SubscriptionID)
	if !sub.Trial || sub.ExpiresAt == nil || !sub.ExpiresAt.Equal(now.AddDate(0, 0, 14)) {
		t.Fatalf("trial subscription %+v", sub)
	}
	hourly := s.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[0].SKUCode, PeriodType: "hour", Region: "cn-north-4"})
	if hourly.Status != models.OrderCompleted || hourly.AmountFen != 0 {
		t.Fatalf("on-demand order %+v", hourly)
	}
	if s.sub(t, *hourly.SubscriptionID).ExpiresAt != nil {
		t.Fatal("an on-demand subscription expires")
	}
	var pays int64
	s.env.DB.R.Model(&models.Payment{}).Count(&pays)
	if pays != 0 {
		t.Fatalf("%d payments for free orders", pays)
	}
	d := s.order(t, trial.OrderNo)
	if d.Lines[0].TrialDays != 14 || d.Events[1].Note != "order.event.settled" {
		t.Fatalf("trial detail %+v %+v", d.Lines[0], d.Events)
	}
}

func TestUnpaidOrdersExpire(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	o := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[1].SKUCode, PeriodType: "month"})
	var job models.Job
	if err := s.env.DB.R.Where("kind = ?", models.JobExpireOrders).First(&job).Error; err != nil || job.RunAt.Before(*o.PayBy) {
		t.Fatalf("no sweep queued at the deadline: %v %+v", err, job)
	}
	s.env.Clock.Advance(29 * time.Minute)
	if n, err := s.env.Store.CancelExpiredOrders(s.ctx); err != nil || n != 0 {
		t.Fatalf("cancelled %d before the deadline: %v", n, err)
	}
	s.env.Clock.Advance(time.Minute)
	if n, err := s.env.Store.CancelExpiredOrders(s.ctx); err != nil || n != 1 {
		t.Fatalf("cancelled %d at the deadline: %v", n, err)
	}
	d := s.order(t, o.OrderNo)
	if d.Order.Status != models.OrderCancelled || d.Order.CancelledAt == nil || d.Events[1].Note != "order.event.expired" || d.Events[1].ActorID != nil {
		t.Fatalf("expired order %+v %+v", d.Order, d.Events)
	}
	var notes int64
	s.env.DB.R.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", s.buyer.ID, "order.expired").Count(&notes)
	if notes != 1 {
		t.Fatalf("%d buyer notices", notes)
	}
	if _, err := s.env.Store.Pay(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrNotPayable) {
		t.Fatalf("paid an expired order: %v", err)
	}
	if n, _ := s.env.Store.CancelExpiredOrders(s.ctx); n != 0 {
		t.Fatalf("cancelled %d twice", n)
	}
}

func TestRenewUpgradeAndConvert(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	start := s.env.Clock.Now()
	o := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: "month", Count: 2}))
	subID := *o.SubscriptionID
	expiry := start.AddDate(0, 2, 0)

	// Renew before expiry: extends from the current expiry; a second unpaid renewal waits.
	s.env.Clock.Advance(24 * time.Hour)
	r, err := s.env.Store.Renew(s.ctx, s.act, s.buyer.ID, subID, models.PeriodInput{PeriodType: "year", Count: 1, IdempotencyKey: "renew-1"})
	if err != nil || r.Kind != models.OrderRenew || r.AmountFen != 99900 || r.SubscriptionID == nil || *r.SubscriptionID != subID {
		t.Fatalf("renew %v %+v", err, r)
	}
	if _, err := s.env.Store.Renew(s.ctx, s.act, s.buyer.ID, subID, models.PeriodInput{PeriodType: "month", Count: 1}); !errors.Is(err, models.ErrPendingOrder) {
		t.Fatalf("second unpaid renewal: %v", err)
	}
	if again, _ := s.env.Store.Renew(s.ctx, s.act, s.buyer.ID, subID, models.PeriodInput{PeriodType: "year", Count: 1, IdempotencyKey: "renew-1"}); again.ID != r.ID {
		t.Fatal("the same renewal key made a second order")
	}
	s.pay(t, r)
	if sub := s.sub(t, subID); !sub.ExpiresAt.Equal(expiry.AddDate(1, 0, 0)) || sub.PeriodType != "year" {
		t.Fatalf("renewed to %v (%s), want %v", sub.ExpiresAt, sub.PeriodType, expiry.AddDate(1, 0, 0))
	}
	for _, bad := range []models.PeriodInput{{PeriodType: "year", Count: 4}, {PeriodType: "month", Count: 12}, {PeriodType: "week", Count: 1}, {PeriodType: "month", Count: 0}} {
		if _, err := s.env.Store.PlanRenew(s.ctx, s.buyer.ID, subID, bad); err == nil {
			t.Fatalf("renewal %+v accepted", bad)
		}
	}

	// Upgrade basic → pro: the yearly difference for the remaining share of the term.
	plan, err := s.env.Store.PlanUpgrade(s.ctx, s.buyer.ID, subID, models.UpgradeInput{SKU: specs[1].SKUCode})
	if err != nil {
		t.Fatal(err)
	}
	sub := s.sub(t, subID)
	now := s.env.Clock.Now()
	want, _ := models.UpgradeFen(99900, 199900, 1, sub.ExpiresAt.Sub(now), sub.ExpiresAt.Sub(sub.ExpiresAt.AddDate(-1, 0, 0)))
	if plan.Quote.AmountFen != want || want <= 100000 {
		t.Fatalf("upgrade price %d, want %d (more than a year remains)", plan.Quote.AmountFen, want)
	}
	if _, err := s.env.Store.PlanUpgrade(s.ctx, s.buyer.ID, subID, models.UpgradeInput{SKU: specs[2].SKUCode}); !errors.Is(err, models.ErrUpgradeNotAllowed) {
		t.Fatalf("upgrade without a rule: %v", err)
	}
	if _, err := s.env.Store.PlanUpgrade(s.ctx, s.buyer.ID, subID, models.UpgradeInput{SKU: specs[0].SKUCode}); !errors.Is(err, models.ErrUpgradeNotAllowed) {
		t.Fatalf("upgrade to itself: %v", err)
	}
	up, err := s.env.Store.Upgrade(s.ctx, s.act, s.buyer.ID, subID, models.UpgradeInput{SKU: specs[1].SKUCode, IdempotencyKey: "up-1"})
	if err != nil || up.Kind != models.OrderChange || up.SpecID != specs[1].ID || up.AmountFen != want {
		t.Fatalf("upgrade %v %+v", err, up)
	}
	s.pay(t, up)
	if sub := s.sub(t, subID); sub.SpecID != specs[1].ID || sub.SKUCode != specs[1].SKUCode || !sub.ExpiresAt.Equal(expiry.AddDate(1, 0, 0)) {
		t.Fatalf("after upgrade %+v", sub)
	}
	if _, err := s.env.Store.PlanUpgrade(s.ctx, s.buyer.ID, subID, models.UpgradeInput{SKU: specs[0].SKUCode}); !errors.Is(err, models.ErrUpgradeNotAllowed) {
		t.Fatalf("downgrade: %v", err)
	}

	// Renewing after expiry extends from now.
	s.env.Clock.Set(expiry.AddDate(1, 0, 10))
	late := s.pay(t, mustOrder(t)(s.env.Store.Renew(s.ctx, s.act, s.buyer.ID, subID, models.PeriodInput{PeriodType: "month", Count: 1})))
	if sub := s.sub(t, subID); !sub.ExpiresAt.Equal(s.env.Clock.Now().AddDate(0, 1, 0)) || late.AmountFen != 19900 {
		t.Fatalf("late renewal to %v for %d", sub.ExpiresAt, late.AmountFen)
	}

	// Trial → formal at full price; a formal subscription is no trial.
	tr := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, Trial: true})
	if _, err := s.env.Store.PlanRenew(s.ctx, s.buyer.ID, *tr.SubscriptionID, models.PeriodInput{PeriodType: "month", Count: 1}); !errors.Is(err, models.ErrNotRenewable) {
		t.Fatalf("renewed a trial: %v", err)
	}
	if _, err := s.env.Store.PlanTrialToFormal(s.ctx, s.buyer.ID, subID, models.PeriodInput{PeriodType: "month", Count: 1}); !errors.Is(err, models.ErrNotTrial) {
		t.Fatalf("converted a formal subscription: %v", err)
	}
	conv, err := s.env.Store.TrialToFormal(s.ctx, s.act, s.buyer.ID, *tr.SubscriptionID, models.PeriodInput{PeriodType: "year", Count: 2})
	if err != nil || conv.Kind != models.OrderTrialToFormal || conv.AmountFen != 199800 {
		t.Fatalf("convert %v %+v", err, conv)
	}
	s.env.Clock.Advance(10 * time.Minute)
	s.pay(t, conv)
	if sub := s.sub(t, *tr.SubscriptionID); sub.Trial || sub.PeriodType != "year" || !sub.StartsAt.Equal(s.env.Clock.Now()) || !sub.ExpiresAt.Equal(s.env.Clock.Now().AddDate(2, 0, 0)) {
		t.Fatalf("converted %+v", sub)
	}

	// After delisting: no renewals or upgrades; another buyer's resource is not found.
	other := s.newBuyer(t, "x@example.com", models.BuyerPersonal)
	if _, err := s.env.Store.PlanRenew(s.ctx, other.ID, subID, models.PeriodInput{PeriodType: "month", Count: 1}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer's resource: %v", err)
	}
	must(t, s.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("listing", models.ListingDelisted).Error)
	if _, err := s.env.Store.Renew(s.ctx, s.act, s.buyer.ID, subID, models.PeriodInput{PeriodType: "month", Count: 1}); !errors.Is(err, models.ErrNotOnSale) {
		t.Fatalf("renewed after delisting: %v", err)
	}
	must(t, s.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("listing", models.ListingOnSale).Error)
	must(t, s.env.DB.W.Model(&models.Spec{}).Where("id = ?", specs[1].ID).Update("removed", true).Error)
	if _, err := s.env.Store.Renew(s.ctx, s.act, s.buyer.ID, subID, models.PeriodInput{PeriodType: "month", Count: 1}); !errors.Is(err, models.ErrSpecUnavailable) {
		t.Fatalf("renewed a removed spec: %v", err)
	}
}

func mustOrder(t *testing.T) func(models.Order, error) models.Order {
	return func(o models.Order, err error) models.Order {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
}

func TestCompleteOrderIsCheckedAndOwnerFiltered(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	sup, supSpecs := s.saas(t, func(c *models.ProductContent) { c.Supervised = true })
	img, imgSpecs := s.image(t, nil)
	other := activeMerchant(t, s.env, "other@example.com")
	mact := models.Actor{UserID: s.merchant.ID}
	processing := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: "month"}))
	pending := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[1].SKUCode, PeriodType: "month"})
	completed := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[1].SKUCode, PeriodType: "package", Region: "cn-north-4"}))
	supervised := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: sup.ID, SKU: supSpecs[0].SKUCode, PeriodType: "month"}))
	cases := []struct {
		name     string
		merchant uint
		order    models.Order
		err      error
	}{
		{"another merchant", *other.MerchantID, processing, models.ErrNotFound},
		{"unpaid", s.mid, pending, models.ErrIllegalTransition},
		{"already completed", s.mid, completed, models.ErrIllegalTransition},
		{"supervised", s.mid, supervised, models.ErrSupervisedOnly},
		{"processing", s.mid, processing, nil},
		{"twice", s.mid, processing, models.ErrIllegalTransition},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := s.order(t, tc.order.OrderNo).Order
			o, err := s.env.Store.CompleteOrder(s.ctx, mact, tc.merchant, tc.order.OrderNo)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			after := s.order(t, tc.order.OrderNo).Order
			if tc.err != nil && (after.Status != before.Status || after.Version != before.Version) {
				t.Fatalf("refused completion changed the order: %s → %s", before.Status, after.Status)
			}
			if tc.err == nil && (o.Status != models.OrderCompleted || after.CompletedAt == nil) {
				t.Fatalf("completed %+v", after)
			}
		})
	}
	var notes int64
	s.env.DB.R.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", s.buyer.ID, "order.completed").Count(&notes)
	if notes != 1 {
		t.Fatalf("%d buyer notices", notes)
	}
}

func TestBuyerOrdersAndResources(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p, specs := s.saas(t, nil)
	img, imgSpecs := s.image(t, nil)
	paid := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: "month"}))
	s.env.Clock.Advance(time.Minute)
	pending := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[1].SKUCode, PeriodType: "month"})
	s.env.Clock.Advance(time.Minute)
	s.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[0].SKUCode, PeriodType: "hour", Region: "cn-north-4"})
	trial := s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, Trial: true})
	other := s.newBuyer(t, "x@example.com", models.BuyerPersonal)

	rows, total, err := s.env.Store.BuyerOrders(s.ctx, s.buyer.ID, models.BuyerOrderFilter{Page: 1, Per: 2})
	if err != nil || total != 4 || len(rows) != 2 || rows[1].CreatedAt.After(rows[0].CreatedAt) {
		t.Fatalf("orders %v %d %+v", err, total, rows)
	}
	rows, total, _ = s.env.Store.BuyerOrders(s.ctx, s.buyer.ID, models.BuyerOrderFilter{Status: models.OrderPendingPayment, Page: 1, Per: 20})
	if total != 1 || rows[0].ID != pending.ID {
		t.Fatalf("pending orders %+v", rows)
	}
	if _, total, _ := s.env.Store.BuyerOrders(s.ctx, other.ID, models.BuyerOrderFilter{Page: 1, Per: 20}); total != 0 {
		t.Fatalf("another buyer sees %d orders", total)
	}
	if _, err := s.env.Store.BuyerOrder(s.ctx, other.ID, paid.OrderNo); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer reads the order: %v", err)
	}

	res, total, err := s.env.Store.BuyerResources(s.ctx, s.buyer.ID, 1, 20)
	if err != nil || total != 3 || len(res) != 3 {
		t.Fatalf("resources %v %d", err, total)
	}
	byOrder := map[string]models.Resource{}
	for _, r := range res {
		byOrder[r.OrderNo] = r
	}
	now := s.env.Clock.Now()
	if r := byOrder[paid.OrderNo]; r.State(now) != models.ResourceActive || r.SpecName != "基础版" || r.ProductName("en") != "Teamwork" ||
		!r.Renewable() || !r.Upgradable(now) || r.Convertible() {
		t.Fatalf("paid resource %+v", r)
	}
	if r := byOrder[trial.OrderNo]; !r.Trial || !r.Convertible() || r.Renewable() {
		t.Fatalf("trial resource %+v", r)
	}
	if r := byOrder[paid.OrderNo]; r.State(now.AddDate(0, 2, 0)) != models.ResourceExpired {
		t.Fatal("not expired after its term")
	}
	must(t, s.env.DB.W.Model(&models.Subscription{}).Where("id = ?", *paid.SubscriptionID).Update("status", models.SubUnsubscribed).Error)
	r, err := s.env.Store.BuyerResource(s.ctx, s.buyer.ID, *paid.SubscriptionID)
	if err != nil || r.State(now) != models.ResourceUnsubscribed || r.Renewable() {
		t.Fatalf("unsubscribed resource %v %+v", err, r)
	}
	if _, err := s.env.Store.BuyerResource(s.ctx, other.ID, *paid.SubscriptionID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer reads the resource: %v", err)
	}
	targets, err := s.env.Store.UpgradeTargets(s.ctx, byOrder[paid.OrderNo])
	if err != nil || len(targets) != 1 || targets[0].Spec.ID != specs[1].ID || targets[0].PriceFen != 19900 {
		t.Fatalf("upgrade targets %v %+v", err, targets)
	}
}

func TestBuyerListsUseTheirIndexes(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	if env.DB.Dialect != models.SQLite {
		t.Skip("query plans are checked on SQLite")
	}
	cases := []struct {
		sql   string
		index string
	}{
		{"SELECT * FROM orders WHERE buyer_id = 1 ORDER BY created_at DESC, id DESC LIMIT 20", "idx_orders_buyer_created"},
		{"SELECT * FROM orders WHERE buyer_id = 1 AND status = 'PENDING_PAYMENT' ORDER BY created_at DESC, id DESC LIMIT 20", "idx_orders_buyer_created"},
		{"SELECT id FROM orders WHERE pay_by <= '2026-01-01' AND status = 'PENDING_PAYMENT' ORDER BY pay_by, id LIMIT 100", "idx_orders_pay_by"},
		{"SELECT * FROM subscriptions AS sub WHERE sub.buyer_id = 1 ORDER BY sub.created_at DESC, sub.id DESC LIMIT 20", "idx_subs_buyer"},
		{"SELECT count(*) FROM orders WHERE subscription_id = 1 AND status = 'PENDING_PAYMENT'", "idx_orders_subscription_id"},
	}
	for _, tc := range cases {
		var plan []struct {
			ID, Parent, Notused int
			Detail              string
		}
		if err := env.DB.R.Raw("EXPLAIN QUERY PLAN " + tc.sql).Scan(&plan).Error; err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range plan {
			found = found || strings.Contains(p.Detail, tc.index)
		}
		if !found {
			t.Errorf("%s does not use %s: %+v", tc.sql, tc.index, plan)
		}
	}
}
