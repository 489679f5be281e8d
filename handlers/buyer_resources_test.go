package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

// paidResource buys and pays a spec and returns the subscription it made.
func (w *buyerWorld) paidResource(t *testing.T, form url.Values) models.Subscription {
	t.Helper()
	o := w.place(t, form)
	w.c.post("/buyer/orders/"+o.OrderNo+"/pay", nil).want(http.StatusSeeOther)
	var sub models.Subscription
	if err := w.ta.env.DB.R.Where("order_id = ?", o.ID).First(&sub).Error; err != nil {
		t.Fatal(err)
	}
	return sub
}

func resourcePath(sub models.Subscription, action string) string {
	return "/buyer/resources/" + itoa64(int64(sub.ID)) + "/" + action
}

func TestResourcesListTheirActions(t *testing.T) {
	w := newBuyerWorld(t)
	formal := w.paidResource(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "month"))
	trial := w.place(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "trial", "1", "key", "trial-key-0123456789"))
	top := w.paidResource(t, orderForm(w.saas, w.saasSpecs[1].SKUCode, "period", "month", "key", "top-key-0123456789ab"))
	d := w.c.get("/buyer/resources").want(http.StatusOK).Doc()
	rows := d.Find(`[data-testid="resource"]`)
	if rows.Length() != 3 {
		t.Fatalf("%d resources", rows.Length())
	}
	byID := map[string]string{}
	rows.Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("data-resource-id", "")
		for _, a := range []string{"renew-link", "upgrade-link", "convert-link"} {
			if s.Find(`[data-testid="`+a+`"]`).Length() == 1 {
				byID[id] += a + " "
			}
		}
		if s.AttrOr("data-state", "") != models.ResourceActive {
			t.Errorf("resource %s state %s", id, s.AttrOr("data-state", ""))
		}
	})
	if byID[itoa64(int64(formal.ID))] != "renew-link upgrade-link " || byID[itoa64(int64(*trial.SubscriptionID))] != "convert-link " ||
		byID[itoa64(int64(top.ID))] != "renew-link " {
		t.Fatalf("actions %v", byID)
	}
	// Expired after its term.
	w.ta.env.Clock.Advance(40 * 24 * time.Hour)
	d = w.c.get("/buyer/resources").want(http.StatusOK).Doc()
	if d.Find(`[data-testid="resource"][data-state="expired"]`).Length() != 3 {
		t.Fatal("expired resources not shown as expired")
	}
}

func TestRenewWithLiveQuoteOnce(t *testing.T) {
	w := newBuyerWorld(t)
	sub := w.paidResource(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "month", "count", "2"))
	path := resourcePath(sub, "renew")
	d := w.c.get(path).want(http.StatusOK).Doc()
	key := d.Find(`[data-testid="resource-form"] input[name="key"]`).AttrOr("value", "")
	if len(key) != 32 || d.Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", "") != "9900" {
		t.Fatalf("renew form key %q", key)
	}
	q := w.c.get(path+"?period=year&count=2", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(q.Body, "<html") || q.Doc().Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", "") != "199800" {
		t.Fatalf("renew quote fragment: %s", q.Body)
	}
	for _, bad := range []string{"count=abc", "count=0", "count=-1", "count=4&period=year", "count=99999999999999999999", "period=hour"} {
		if msg := w.c.get(path+"?"+bad, "HX-Request", "true").want(http.StatusOK).Doc().Find(`[data-testid="quote-error"]`).Text(); msg == "" {
			t.Errorf("%s: no message", bad)
		}
	}
	for _, bad := range []url.Values{{"period": {"year"}, "count": {"9"}, "key": {key}}, {"period": {"year"}, "count": {"x"}, "key": {key}}, {"period": {"year"}, "count": {"1"}}} {
		w.c.post(path, bad).want(http.StatusUnprocessableEntity)
	}
	form := url.Values{"period": {"year"}, "count": {"1"}, "key": {key}}
	first := w.c.post(path, form).want(http.StatusSeeOther)
	second := w.c.post(path, form).want(http.StatusSeeOther)
	if first.Location() != second.Location() {
		t.Fatalf("double submit went to %s and %s", first.Location(), second.Location())
	}
	var renewals []models.Order
	w.ta.env.DB.R.Where("kind = ? AND subscription_id = ?", models.OrderRenew, sub.ID).Find(&renewals)
	if len(renewals) != 1 || renewals[0].AmountFen != 99900 || "/buyer/orders/"+renewals[0].OrderNo != first.Location() {
		t.Fatalf("renewals %+v", renewals)
	}
	// Another renewal waits for this one to be paid or cancelled.
	again := w.c.post(path, url.Values{"period": {"month"}, "count": {"1"}, "key": {newIdempotencyKey()}}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(again.Doc().Find(`[data-testid="form-errors"]`).Text(), "unpaid order") {
		t.Fatal("no reason for refusing a second renewal")
	}
	w.c.post(first.Location()+"/pay", nil).want(http.StatusSeeOther)
	var after models.Subscription
	w.ta.env.DB.R.First(&after, sub.ID)
	if !after.ExpiresAt.Equal(sub.ExpiresAt.AddDate(1, 0, 0)) {
		t.Fatalf("renewed to %v from %v", after.ExpiresAt, sub.ExpiresAt)
	}
	// No renewal once the product is delisted: the form says why, the order is refused.
	w.ta.env.DB.W.Model(&models.Product{}).Where("id = ?", w.saas.ID).Update("listing", models.ListingDelisted)
	if msg := w.c.get(path).want(http.StatusOK).Doc().Find(`[data-testid="quote-error"]`).Text(); !strings.Contains(msg, "no longer sold") {
		t.Fatalf("delisted renew page says %q", msg)
	}
	w.c.post(path, url.Values{"period": {"month"}, "count": {"1"}, "key": {newIdempotencyKey()}}).want(http.StatusUnprocessableEntity)
}

func TestUpgradeAndConvert(t *testing.T) {
	w := newBuyerWorld(t)
	sub := w.paidResource(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "month"))
	path := resourcePath(sub, "upgrade")
	d := w.c.get(path).want(http.StatusOK).Doc()
	targets := d.Find(`input[name="sku"]`)
	if targets.Length() != 1 || targets.AttrOr("value", "") != w.saasSpecs[1].SKUCode {
		t.Fatalf("%d upgrade targets", targets.Length())
	}
	if d.Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", "") != "10000" {
		t.Fatalf("upgrade quote %s", d.Find(`[data-testid="quote"]`).Text())
	}
	key := d.Find(`[data-testid="resource-form"] input[name="key"]`).AttrOr("value", "")
	// A spec the rules do not allow, or an unknown one, is refused.
	for _, sku := range []string{w.saasSpecs[2].SKUCode, "SKU-NONE", w.saasSpecs[0].SKUCode} {
		r := w.c.post(path, url.Values{"sku": {sku}, "key": {key}}).want(http.StatusUnprocessableEntity)
		if r.fieldError("sku") == "" {
			t.Errorf("%s: no message on the target", sku)
		}
	}
	w.ta.env.Clock.Advance(15 * 24 * time.Hour)
	r := w.c.post(path, url.Values{"sku": {w.saasSpecs[1].SKUCode}, "key": {key}}).want(http.StatusSeeOther)
	var up models.Order
	w.ta.env.DB.R.Where("kind = ? AND subscription_id = ?", models.OrderChange, sub.ID).First(&up)
	if "/buyer/orders/"+up.OrderNo != r.Location() || up.AmountFen <= 0 || up.AmountFen >= 10000 || up.SpecID != w.saasSpecs[1].ID {
		t.Fatalf("upgrade order %+v", up)
	}
	w.c.post(r.Location()+"/pay", nil).want(http.StatusSeeOther)
	var after models.Subscription
	w.ta.env.DB.R.First(&after, sub.ID)
	if after.SpecID != w.saasSpecs[1].ID || !after.ExpiresAt.Equal(*sub.ExpiresAt) {
		t.Fatalf("after the upgrade %+v", after)
	}
	if w.c.get(path).want(http.StatusOK).Doc().Find(`[data-testid="no-targets"]`).Length() != 1 {
		t.Fatal("the top spec offers an upgrade")
	}

	// A trial converts at full price; a formal subscription does not.
	trial := w.place(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "trial", "1", "key", "trial-key-0123456789"))
	tsub := models.Subscription{ID: *trial.SubscriptionID}
	conv := resourcePath(tsub, "convert")
	d = w.c.get(conv + "?period=year&count=2").want(http.StatusOK).Doc()
	if d.Find(`[data-testid="quote-amount"]`).AttrOr("data-fen", "") != "199800" {
		t.Fatal("conversion quote")
	}
	w.c.post(resourcePath(sub, "convert"), url.Values{"period": {"month"}, "count": {"1"}, "key": {newIdempotencyKey()}}).want(http.StatusUnprocessableEntity)
	w.c.post(resourcePath(tsub, "renew"), url.Values{"period": {"month"}, "count": {"1"}, "key": {newIdempotencyKey()}}).want(http.StatusUnprocessableEntity)
	r = w.c.post(conv, url.Values{"period": {"year"}, "count": {"2"}, "key": {newIdempotencyKey()}}).want(http.StatusSeeOther)
	w.c.post(r.Location()+"/pay", nil).want(http.StatusSeeOther)
	var converted models.Subscription
	w.ta.env.DB.R.First(&converted, tsub.ID)
	if converted.Trial || converted.PeriodType != models.PeriodYear {
		t.Fatalf("after conversion %+v", converted)
	}
	// Someone else's resource is not found, by any action.
	w.ta.user(models.RoleBuyer, "other@example.com")
	w.profile(t, mustUser(t, w.ta, "other@example.com"), "Other")
	other := w.ta.loggedIn("other@example.com")
	for _, a := range []string{"renew", "upgrade", "convert"} {
		other.get(resourcePath(sub, a)).want(http.StatusNotFound)
		other.post(resourcePath(sub, a), url.Values{"period": {"month"}, "count": {"1"}, "sku": {w.saasSpecs[1].SKUCode}, "key": {newIdempotencyKey()}}).want(http.StatusNotFound)
	}
	w.c.get("/buyer/resources/abc/renew").want(http.StatusNotFound)
	w.c.get("/buyer/resources/99999/renew").want(http.StatusNotFound)
}
