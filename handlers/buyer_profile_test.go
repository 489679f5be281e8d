package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func fen64(v int64) *int64 { return &v }

// buyerWorld is a merchant with a SaaS and an image product on sale, and a buyer with a
// profile, logged in.
type buyerWorld struct {
	ta        *testApp
	merchant  models.User
	buyer     models.User
	c         *client
	saas      models.Product
	saasSpecs []models.Spec // basic (month/year, trial 14 days) → pro; seats (linear 5–500, month)
	img       models.Product
	imgSpecs  []models.Spec // on-demand in two regions
}

func newBuyerWorld(t *testing.T) *buyerWorld {
	t.Helper()
	ta := newTestApp(t)
	w := &buyerWorld{ta: ta, merchant: ta.user(models.RoleMerchant, "m@example.com"), buyer: ta.user(models.RoleBuyer, "buyer@example.com")}
	mid := *w.merchant.MerchantID
	w.saas, w.saasSpecs = testdb.ListedProduct(t, ta.env, mid, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公", NameEn: "Teamwork",
		SalesObjects: models.SalesAll, Summary: "团队协同",
		Specs: []models.SpecContent{
			{Key: "basic", Name: "基础版", BillingMode: models.BillingPeriod, YearFen: fen64(99900), MonthFen: fen64(9900), TrialDays: 14},
			{Key: "pro", Name: "专业版", BillingMode: models.BillingPeriod, YearFen: fen64(199900), MonthFen: fen64(19900)},
			{Key: "seats", Name: "按席位", BillingMode: models.BillingPeriod, MonthFen: fen64(1000), LinearAttr: "amount", LinearMin: 5, LinearMax: 500},
		},
		UpgradeRules: []models.UpgradeRule{{From: "basic", To: "pro"}}})
	w.img, w.imgSpecs = testdb.ListedProduct(t, ta.env, mid, models.ProductContent{Type: models.ProductImage, NameZh: "LAMP 环境", NameEn: "LAMP",
		SalesObjects: models.SalesAll,
		Specs:        []models.SpecContent{{Key: "core", Name: "按核计费", BillingMode: models.BillingOnDemand, HourFen: fen64(12), Regions: []string{"cn-north-4", "cn-south-1"}}}})
	w.profile(t, w.buyer, "星河零售有限公司")
	w.c = ta.loggedIn("buyer@example.com")
	return w
}

func (w *buyerWorld) profile(t *testing.T, u models.User, name string) {
	t.Helper()
	if _, err := w.ta.Store.SaveBuyerProfile(context.Background(), models.Actor{}, u.ID, models.BuyerProfileInput{SubjectType: models.BuyerEnterprise, DisplayName: name}); err != nil {
		t.Fatal(err)
	}
}

// buyPath is the buy form of a spec with extra query pairs.
func buyPath(p models.Product, sku string, pairs ...string) string {
	v := url.Values{"product": {itoa64(int64(p.ID))}, "sku": {sku}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return "/buyer/buy?" + v.Encode()
}

// orderForm is a confirmed order as the confirmation page posts it.
func orderForm(p models.Product, sku string, pairs ...string) url.Values {
	v := url.Values{"product": {itoa64(int64(p.ID))}, "sku": {sku}, "count": {"1"}, "key": {"k0123456789abcdef0123456789abcdef"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

func (w *buyerWorld) orders(t *testing.T) []models.Order {
	t.Helper()
	var rows []models.Order
	w.ta.env.DB.R.Where("buyer_id = ?", w.buyer.ID).Order("id").Find(&rows)
	return rows
}

// place orders a spec through the handlers and returns the order.
func (w *buyerWorld) place(t *testing.T, form url.Values) models.Order {
	t.Helper()
	r := w.c.post("/buyer/orders", form).want(http.StatusSeeOther)
	no := strings.TrimPrefix(r.Location(), "/buyer/orders/")
	var o models.Order
	if err := w.ta.env.DB.R.Where("order_no = ?", no).First(&o).Error; err != nil {
		t.Fatalf("no order at %s: %v", r.Location(), err)
	}
	return o
}

func TestBuyerProfileIsAskedForBeforeBuying(t *testing.T) {
	w := newBuyerWorld(t)
	ta := w.ta
	ta.user(models.RoleBuyer, "new@example.com")
	c := ta.loggedIn("new@example.com")
	buy := buyPath(w.saas, w.saasSpecs[0].SKUCode)
	r := c.get(buy).want(http.StatusSeeOther)
	if r.Location() != "/buyer/profile?next="+url.QueryEscape(buy) {
		t.Fatalf("redirected to %s", r.Location())
	}
	c.post("/buyer/orders", orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "month")).want(http.StatusSeeOther)
	if n := len(w.orders(t)); n != 0 {
		t.Fatalf("%d orders without a profile", n)
	}
	page := c.get(r.Location()).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="flash-info"]`).Length() == 0 || page.Doc().Find(`[data-testid="profile-form"] input[name="next"]`).AttrOr("value", "") != buy {
		t.Fatalf("the profile page neither explains nor keeps where the buyer was going: %d %q", page.Doc().Find(`[data-testid="flash-info"]`).Length(), page.Doc().Find(`[data-testid="profile-form"] input[name="next"]`).AttrOr("value", ""))
	}
	bad := []struct {
		form  url.Values
		field string
	}{
		{url.Values{"display_name": {"明远"}}, "subject_type"},
		{url.Values{"subject_type": {"government"}, "display_name": {"明远"}}, "subject_type"},
		{url.Values{"subject_type": {"personal"}}, "display_name"},
		{url.Values{"subject_type": {"personal"}, "display_name": {strings.Repeat("名", 101)}}, "display_name"},
		{url.Values{"subject_type": {"personal"}, "display_name": {"明远"}, "mobile": {"12345"}}, "mobile"},
		{url.Values{"subject_type": {"personal"}, "display_name": {"明\xff远"}}, "display_name"},
	}
	for _, b := range bad {
		r := c.post("/buyer/profile", b.form).want(http.StatusUnprocessableEntity)
		if r.fieldError(b.field) == "" {
			t.Errorf("%v: no message for %s", b.form, b.field)
		}
	}
	// A mass-assigned user_id changes nothing of anyone else.
	r = c.post("/buyer/profile", url.Values{"subject_type": {"personal"}, "display_name": {"王小明"}, "mobile": {"13900139000"},
		"next": {buy}, "user_id": {itoa64(int64(w.buyer.ID))}}).want(http.StatusSeeOther)
	if r.Location() != buy {
		t.Fatalf("after saving: %s", r.Location())
	}
	u, _ := ta.Store.UserByEmail(context.Background(), "new@example.com")
	p, err := ta.Store.BuyerProfileOf(context.Background(), u.ID)
	if err != nil || p.DisplayName != "王小明" || p.SubjectType != models.BuyerPersonal || p.Mobile != "13900139000" {
		t.Fatalf("profile %v %+v", err, p)
	}
	if other, _ := ta.Store.BuyerProfileOf(context.Background(), w.buyer.ID); other.DisplayName != "星河零售有限公司" {
		t.Fatalf("another buyer's profile changed: %+v", other)
	}
	c.get(buy).want(http.StatusOK)
	// An outside next is not followed.
	r = c.post("/buyer/profile", url.Values{"subject_type": {"personal"}, "display_name": {"王小明"}, "next": {"//evil.example.com"}}).want(http.StatusSeeOther)
	if r.Location() != "/buyer" {
		t.Fatalf("followed an outside next: %s", r.Location())
	}
}

func TestBuyerDisplayNameIsEscaped(t *testing.T) {
	w := newBuyerWorld(t)
	payload := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	w.c.post("/buyer/profile", url.Values{"subject_type": {"enterprise"}, "display_name": {payload}}).want(http.StatusSeeOther)
	o := w.place(t, orderForm(w.saas, w.saasSpecs[1].SKUCode, "period", "month"))
	if o.CustomerName != payload {
		t.Fatalf("customer name %q", o.CustomerName)
	}
	shown := map[string]string{"/buyer/profile": `input[name="display_name"]`, "/buyer/orders/" + o.OrderNo: `[data-testid="order-info"]`}
	for path, sel := range shown {
		r := w.c.get(path).want(http.StatusOK)
		d := r.Doc()
		if d.Find("script:not([src])").Length() != 0 || d.Find("img[onerror]").Length() != 0 || strings.Contains(r.Body, payload) {
			t.Errorf("%s renders the display name as markup", path)
		}
		el := d.Find(sel)
		if !strings.Contains(el.AttrOr("value", "")+el.Text(), payload) {
			t.Errorf("%s does not show the display name as text", path)
		}
	}
}
