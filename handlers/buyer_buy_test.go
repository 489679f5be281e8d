package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

func TestCatalogOffersToBuyEachSpec(t *testing.T) {
	w := newBuyerWorld(t)
	ta := w.ta
	path := "/catalog/" + itoa64(int64(w.saas.ID))
	d := w.c.get(path).want(http.StatusOK).Doc()
	if n := d.Find(`[data-testid="buy-link"]`).Length(); n != 3 {
		t.Fatalf("%d buy links for 3 specs", n)
	}
	if href := d.Find(`[data-testid="buy-link"]`).First().AttrOr("href", ""); href != "/buyer/buy?product="+itoa64(int64(w.saas.ID))+"&sku="+w.saasSpecs[0].SKUCode {
		t.Fatalf("buy link %q", href)
	}
	visitor := ta.client().get(path).want(http.StatusOK).Doc()
	login := visitor.Find(`[data-testid="login-to-buy"]`).First().AttrOr("href", "")
	if !strings.HasPrefix(login, "/login?next=") || visitor.Find(`[data-testid="buy-link"]`).Length() != 0 {
		t.Fatalf("visitor link %q", login)
	}
	next, _ := url.QueryUnescape(strings.TrimPrefix(login, "/login?next="))
	if !strings.HasPrefix(next, "/buyer/buy?product=") {
		t.Fatalf("login returns to %q", next)
	}
	m := ta.loggedIn("m@example.com").get(path).want(http.StatusOK).Doc()
	if m.Find(`[data-testid="buy-link"], [data-testid="login-to-buy"]`).Length() != 0 {
		t.Fatal("a merchant is offered to buy")
	}
	// A hidden spec is not offered; a hidden product is still buyable by its link.
	must(t, ta.env.DB.W.Model(&models.Spec{}).Where("id = ?", w.saasSpecs[2].ID).Update("hidden", true).Error)
	must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", w.saas.ID).Update("hidden", true).Error)
	if n := w.c.get(path).want(http.StatusOK).Doc().Find(`[data-testid="buy-link"]`).Length(); n != 2 {
		t.Fatalf("%d buy links with a hidden spec", n)
	}
	w.c.get(buyPath(w.saas, w.saasSpecs[0].SKUCode)).want(http.StatusOK)
}

func TestBuyFormQuotesLive(t *testing.T) {
	w := newBuyerWorld(t)
	basic, seats := w.saasSpecs[0].SKUCode, w.saasSpecs[2].SKUCode
	d := w.c.get(buyPath(w.saas, basic)).want(http.StatusOK).Doc()
	if d.Find(`[data-testid="buy-spec"]`).Length() != 3 || d.Find(`[data-testid="buy-spec"][aria-current="true"]`).AttrOr("data-sku", "") != basic {
		t.Fatal("spec chooser")
	}
	if got := d.Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", ""); got != "9900" {
		t.Fatalf("first quote %s", got)
	}
	if d.Find(`[data-testid="buy-trial"]`).Length() != 1 || d.Find(`input[name="period"]`).Length() != 2 || d.Find(`fieldset[hx-get="/buyer/buy"]`).Length() != 1 {
		t.Fatal("the basic spec's options are missing")
	}
	hx := []string{"HX-Request", "true"}
	cases := []struct {
		name     string
		path     string
		fen      string // expected amount; "" for a refusal
		errorKey string // expected message fragment
	}{
		{"two years", buyPath(w.saas, basic, "period", "year", "count", "2"), "199800", ""},
		{"trial", buyPath(w.saas, basic, "trial", "1"), "0", ""},
		{"seats", buyPath(w.saas, seats, "period", "month", "count", "3", "quantity", "20"), "60000", ""},
		{"on demand", buyPath(w.img, w.imgSpecs[0].SKUCode, "period", "hour", "region", "cn-south-1", "quantity", "1"), "0", ""},
		{"non-numeric count", buyPath(w.saas, basic, "count", "abc"), "", "whole number"},
		{"fractional count", buyPath(w.saas, basic, "count", "1.5"), "", "whole number"},
		{"zero count", buyPath(w.saas, basic, "count", "0"), "", "1 to 11 months"},
		{"negative count", buyPath(w.saas, basic, "count", "-3"), "", "1 to 11 months"},
		{"huge count", buyPath(w.saas, basic, "count", "99999999999999999999999"), "", "1 to 11 months"},
		{"four years", buyPath(w.saas, basic, "period", "year", "count", "4"), "", "1 to 3 years"},
		{"period not offered", buyPath(w.saas, seats, "period", "year", "quantity", "5"), "", "not sold by this period"},
		{"unknown period", buyPath(w.saas, basic, "period", "week"), "", "not sold by this period"},
		{"zero quantity", buyPath(w.saas, seats, "quantity", "0"), "", "outside the range"},
		{"negative quantity", buyPath(w.saas, seats, "quantity", "-1"), "", "outside the range"},
		{"huge quantity", buyPath(w.saas, seats, "quantity", "1000000000000"), "", "outside the range"},
		{"non-numeric quantity", buyPath(w.saas, seats, "quantity", "ten"), "", "whole number"},
		{"quantity on a fixed spec", buyPath(w.saas, basic, "quantity", "3"), "", "no quantity"},
		{"trial not offered", buyPath(w.saas, w.saasSpecs[1].SKUCode, "trial", "1"), "", "no free trial"},
		{"region not offered", buyPath(w.img, w.imgSpecs[0].SKUCode, "region", "eu-west-0"), "", "regions this spec is sold in"},
		{"unknown spec", buyPath(w.saas, "SKU-NONE"), "", "not available"},
		{"emptied count", buyPath(w.saas, basic, "period", "month", "count", ""), "", "required"},
		{"emptied quantity", buyPath(w.saas, seats, "period", "month", "quantity", ""), "", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := w.c.get(tc.path, hx...)
			if r.Status != http.StatusOK || strings.Contains(r.Body, "<html") {
				t.Fatalf("status %d, want the quote fragment", r.Status)
			}
			q := r.Doc().Find(`[data-testid="quote"]`)
			if tc.fen != "" {
				if got := q.Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", ""); got != tc.fen {
					t.Fatalf("amount %q, want %s: %s", got, tc.fen, q.Text())
				}
				return
			}
			if msg := q.Find(`[data-testid="quote-error"]`).Text(); !strings.Contains(msg, tc.errorKey) {
				t.Fatalf("message %q, want %q", msg, tc.errorKey)
			}
			// Without htmx the same choice is the whole form, with the message on its field.
			full := w.c.get(tc.path).want(http.StatusOK).Doc()
			if full.Find(`[data-testid="field-error"], [data-testid="form-errors"]`).Length() == 0 {
				t.Fatal("the full page shows no error")
			}
		})
	}
	// Unknown, malformed or unlisted products are not found.
	for _, p := range []string{"/buyer/buy", "/buyer/buy?product=abc", "/buyer/buy?product=99999", "/buyer/buy?product=-1"} {
		w.c.get(p).want(http.StatusNotFound)
	}
	w.ta.env.DB.W.Model(&models.Product{}).Where("id = ?", w.saas.ID).Update("listing", models.ListingStopped)
	w.c.get(buyPath(w.saas, basic)).want(http.StatusNotFound)
}

func TestBuyConfirmThenPlaceOnce(t *testing.T) {
	w := newBuyerWorld(t)
	seats := w.saasSpecs[2].SKUCode
	d := w.c.get(strings.Replace(buyPath(w.saas, seats, "period", "month", "count", "3", "quantity", "20"), "/buyer/buy?", "/buyer/buy/confirm?", 1)).
		want(http.StatusOK).Doc()
	form := d.Find(`[data-testid="confirm-form"]`)
	key := form.Find(`input[name="key"]`).AttrOr("value", "")
	if len(key) != 32 || d.Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", "") != "60000" {
		t.Fatalf("confirmation key %q", key)
	}
	values := url.Values{}
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		values.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if values.Get("quantity") != "20" || values.Get("count") != "3" || values.Get("sku") != seats {
		t.Fatalf("confirmation carries %v", values)
	}
	edit := d.Find(`[data-testid="edit-order"]`).AttrOr("href", "")
	if !strings.Contains(edit, "quantity=20") {
		t.Fatalf("change link %q", edit)
	}
	// A confirmation of a refused choice goes back to the form.
	w.c.get(strings.Replace(buyPath(w.saas, seats, "quantity", "2"), "/buyer/buy?", "/buyer/buy/confirm?", 1)).want(http.StatusUnprocessableEntity)

	// Placing twice (double click, back and resubmit): one order.
	first := w.c.post("/buyer/orders", values).want(http.StatusSeeOther)
	second := w.c.post("/buyer/orders", values).want(http.StatusSeeOther)
	if first.Location() != second.Location() || !strings.HasPrefix(first.Location(), "/buyer/orders/CS") {
		t.Fatalf("two submits went to %s and %s", first.Location(), second.Location())
	}
	orders := w.orders(t)
	if len(orders) != 1 {
		t.Fatalf("%d orders after a double submit", len(orders))
	}
	o := orders[0]
	if o.AmountFen != 60000 || o.Status != models.OrderPendingPayment || o.CustomerName != "星河零售有限公司" || o.Kind != models.OrderNew {
		t.Fatalf("order %+v", o)
	}
	page := w.c.get(first.Location()).want(http.StatusOK).Doc()
	if page.Find(`[data-testid="flash-success"]`).Length() == 0 || page.Find(`[data-testid="pay-button"]`).Length() != 1 ||
		page.Find(`[data-countdown]`).Length() != 1 || page.Find(`[data-testid="order-line"]`).Length() != 1 {
		t.Fatal("the pay page lacks its flash, button, countdown or line")
	}
}

func TestPlaceOrderRefusesBadInput(t *testing.T) {
	w := newBuyerWorld(t)
	basic, pro, seats := w.saasSpecs[0].SKUCode, w.saasSpecs[1].SKUCode, w.saasSpecs[2].SKUCode
	cases := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"no key", func() url.Values { v := orderForm(w.saas, basic, "period", "month"); v.Del("key"); return v }(), "_form"},
		{"short key", orderForm(w.saas, basic, "period", "month", "key", "abc"), "_form"},
		{"key with markup", orderForm(w.saas, basic, "period", "month", "key", "<script>alert(1)</script>xxxxxxx"), "_form"},
		{"non-numeric count", orderForm(w.saas, basic, "period", "month", "count", "three"), "count"},
		{"twelve months", orderForm(w.saas, basic, "period", "month", "count", "12"), "count"},
		{"zero count", orderForm(w.saas, basic, "period", "year", "count", "0"), "count"},
		{"negative count", orderForm(w.saas, basic, "period", "year", "count", "-1"), "count"},
		{"huge count", orderForm(w.saas, basic, "period", "year", "count", "18446744073709551616"), "count"},
		{"zero quantity", orderForm(w.saas, seats, "period", "month", "quantity", "0"), "quantity"},
		{"negative quantity", orderForm(w.saas, seats, "period", "month", "quantity", "-50"), "quantity"},
		{"huge quantity", orderForm(w.saas, seats, "period", "month", "quantity", "99999999999"), "quantity"},
		{"non-numeric quantity", orderForm(w.saas, seats, "period", "month", "quantity", "1e3"), "quantity"},
		{"period not offered", orderForm(w.saas, seats, "period", "year", "quantity", "5"), "period"},
		{"trial not offered", orderForm(w.saas, pro, "trial", "1"), "trial"},
		{"unknown spec", orderForm(w.saas, "SKU-NONE", "period", "month"), "sku"},
		{"region not offered", orderForm(w.img, w.imgSpecs[0].SKUCode, "period", "hour", "region", "mars-1"), "region"},
		{"invalid text", orderForm(w.saas, basic, "period", "mo\xffnth"), "period"},
		{"emptied count", orderForm(w.saas, basic, "period", "month", "count", ""), "count"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := w.c.post("/buyer/orders", tc.form).want(http.StatusUnprocessableEntity)
			d := r.Doc()
			if tc.field == "_form" {
				if d.Find(`[data-testid="form-errors"]`).Length() == 0 {
					t.Fatal("no form message")
				}
			} else if r.fieldError(tc.field) == "" {
				t.Fatalf("no message on %s", tc.field)
			}
			if n := len(w.orders(t)); n != 0 {
				t.Fatalf("%d orders written", n)
			}
		})
	}
	for _, p := range []string{"", "abc", "99999", "0"} {
		w.c.post("/buyer/orders", orderForm(w.saas, basic, "product", p)).want(http.StatusNotFound)
	}
	// Fields a buyer does not choose are ignored (no mass assignment).
	o := w.place(t, orderForm(w.saas, pro, "period", "month", "status", "COMPLETED", "amount_fen", "1", "merchant_id", "999",
		"buyer_id", "999", "customer_name", "Someone else", "paid_fen", "19900"))
	if o.Status != models.OrderPendingPayment || o.AmountFen != 19900 || o.MerchantID != *w.merchant.MerchantID || o.BuyerID != w.buyer.ID ||
		o.CustomerName != "星河零售有限公司" || o.PaidFen != 0 {
		t.Fatalf("mass-assigned order %+v", o)
	}
	// Rules from the store come back as messages too: a second trial of a spec.
	w.place(t, orderForm(w.saas, basic, "trial", "1", "key", "trial-key-0123456789"))
	r := w.c.post("/buyer/orders", orderForm(w.saas, basic, "trial", "1", "key", "trial-key-9876543210")).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("trial"), "already tried") {
		t.Fatalf("second trial message %q", r.fieldError("trial"))
	}
}
