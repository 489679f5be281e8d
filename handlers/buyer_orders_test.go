package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sellercenter/models"
)

func TestPayOnceThenNoMore(t *testing.T) {
	w := newBuyerWorld(t)
	ta := w.ta
	o := w.place(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "year", "count", "2"))
	path := "/buyer/orders/" + o.OrderNo
	r := w.c.post(path+"/pay", nil).want(http.StatusSeeOther)
	if r.Location() != path {
		t.Fatalf("after paying: %s", r.Location())
	}
	// The second click is a no-op that says so, never a second payment.
	w.c.post(path+"/pay", nil).want(http.StatusSeeOther)
	var pays int64
	ta.env.DB.R.Model(&models.Payment{}).Where("order_id = ?", o.ID).Count(&pays)
	if pays != 1 {
		t.Fatalf("%d payments", pays)
	}
	d := w.c.get(path).want(http.StatusOK).Doc()
	if d.Find(`[data-testid="flash-info"]`).Length() != 1 || d.Find(`[data-testid="payment"]`).Length() != 1 || d.Find(`[data-testid="pay-button"]`).Length() != 0 {
		t.Fatal("the paid order page")
	}
	if d.Find(`[data-testid="refund-link"]`).AttrOr("href", "") != path+"/refund" {
		t.Fatal("a paid order offers no unsubscription or refund")
	}
	if got := d.Find(`[data-testid="order-status"]`).First().Text(); got != "Processing" {
		t.Fatalf("status shown %q", got)
	}
	if n := d.Find(`[data-testid="history"] li`).Length(); n != 2 {
		t.Fatalf("%d history entries", n)
	}
	var sub models.Subscription
	if err := ta.env.DB.R.Where("order_id = ?", o.ID).First(&sub).Error; err != nil || sub.BuyerID != w.buyer.ID {
		t.Fatalf("no subscription: %v", err)
	}
	var notes int64
	ta.env.DB.R.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", w.merchant.ID, "order.paid").Count(&notes)
	if notes != 1 {
		t.Fatalf("%d merchant notices", notes)
	}
	// htmx: the pay button posts through the same handler; the panel polls as a fragment.
	o2 := w.place(t, orderForm(w.saas, w.saasSpecs[1].SKUCode, "period", "month", "key", "second-key-0123456789"))
	frag := w.c.get("/buyer/orders/"+o2.OrderNo, "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || frag.Doc().Find(`#order-pay[hx-trigger="every 30s"]`).Length() != 1 {
		t.Fatal("the pay panel fragment")
	}
	hx := w.c.post("/buyer/orders/"+o2.OrderNo+"/pay", nil, "HX-Request", "true").want(http.StatusOK)
	if hx.Header.Get("HX-Redirect") != "/buyer/orders/"+o2.OrderNo {
		t.Fatalf("htmx pay redirect %q", hx.Header.Get("HX-Redirect"))
	}
}

func TestCancelAndDeadline(t *testing.T) {
	w := newBuyerWorld(t)
	ta := w.ta
	basic := w.saasSpecs[0].SKUCode
	o := w.place(t, orderForm(w.saas, basic, "period", "month"))
	path := "/buyer/orders/" + o.OrderNo
	w.c.post(path+"/cancel", nil).want(http.StatusSeeOther)
	status := func(o models.Order) string {
		var got models.Order
		ta.env.DB.R.First(&got, o.ID)
		return got.Status
	}
	if status(o) != models.OrderCancelled {
		t.Fatalf("status %s", status(o))
	}
	// A cancelled order can be neither paid nor cancelled again: 409, nothing changes.
	r := w.c.post(path+"/pay", nil).want(http.StatusConflict)
	if !strings.Contains(r.Body, "can no longer be paid") {
		t.Fatal("no reason given")
	}
	w.c.post(path+"/cancel", nil).want(http.StatusConflict)
	var pays int64
	ta.env.DB.R.Model(&models.Payment{}).Count(&pays)
	if pays != 0 || status(o) != models.OrderCancelled {
		t.Fatalf("%d payments, status %s", pays, status(o))
	}
	// Unpaid past the deadline: the page says so, paying is refused, the sweep cancels it.
	late := w.place(t, orderForm(w.saas, basic, "period", "month", "key", "late-key-0123456789ab"))
	ta.env.Clock.Advance(31 * time.Minute)
	if w.c.get("/buyer/orders/"+late.OrderNo).want(http.StatusOK).Doc().Find(`[data-testid="pay-closed"]`).Length() != 1 {
		t.Fatal("the overdue order still offers to pay")
	}
	w.c.post("/buyer/orders/"+late.OrderNo+"/pay", nil).want(http.StatusConflict)
	ta.drainJobs()
	if status(late) != models.OrderCancelled {
		t.Fatalf("overdue order %s after the sweep", status(late))
	}
	var note models.Notification
	if err := ta.env.DB.R.Where("user_id = ? AND kind = ?", w.buyer.ID, "order.expired").First(&note).Error; err != nil {
		t.Fatal("the buyer was not told")
	}
	// Someone else's order: 404 for every action, and nothing changes.
	ta.user(models.RoleBuyer, "other@example.com")
	w.profile(t, mustUser(t, ta, "other@example.com"), "Other")
	other := ta.loggedIn("other@example.com")
	mine := w.place(t, orderForm(w.saas, basic, "period", "month", "key", "mine-key-0123456789ab"))
	other.get("/buyer/orders/" + mine.OrderNo).want(http.StatusNotFound)
	other.post("/buyer/orders/"+mine.OrderNo+"/pay", nil).want(http.StatusNotFound)
	other.post("/buyer/orders/"+mine.OrderNo+"/cancel", nil).want(http.StatusNotFound)
	w.c.get("/buyer/orders/CS0000000000XXXXX").want(http.StatusNotFound)
	if status(mine) != models.OrderPendingPayment {
		t.Fatalf("another buyer changed the order: %s", status(mine))
	}
}

func mustUser(t *testing.T, ta *testApp, email string) models.User {
	t.Helper()
	u, err := ta.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestBuyerOrderListAndHome(t *testing.T) {
	w := newBuyerWorld(t)
	w.c.get("/buyer").want(http.StatusOK)
	paid := w.place(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "month"))
	w.c.post("/buyer/orders/"+paid.OrderNo+"/pay", nil).want(http.StatusSeeOther)
	pending := w.place(t, orderForm(w.saas, w.saasSpecs[1].SKUCode, "period", "month", "key", "pending-key-0123456789"))
	hourly := w.place(t, orderForm(w.img, w.imgSpecs[0].SKUCode, "period", "hour", "region", "cn-north-4", "key", "hourly-key-0123456789"))
	// The region reads by its name, with its code.
	if got := w.c.get("/buyer/orders/" + hourly.OrderNo).want(http.StatusOK).Doc().Find("main").Text(); !strings.Contains(got, "(cn-north-4)") ||
		!strings.Contains(got, "Beijing") {
		t.Errorf("order region: %s", strings.Join(strings.Fields(got), " "))
	}

	d := w.c.get("/buyer/orders").want(http.StatusOK).Doc()
	if n := d.Find(`[data-testid="buyer-order"]`).Length(); n != 3 {
		t.Fatalf("%d orders listed", n)
	}
	if d.Find(`[data-testid="pay-link"]`).Length() != 1 {
		t.Fatal("the unpaid order has no pay link")
	}
	if d.Find(`[data-testid="order-refunded"]`).Length() != 0 {
		t.Fatal("an order without a refund shows one")
	}
	// A partly refunded order says how much came back, under its amount.
	w.ta.env.DB.W.Model(&models.Order{}).Where("order_no = ?", paid.OrderNo).Update("refunded_fen", 5050)
	row := w.c.get("/buyer/orders").want(http.StatusOK).Doc().Find(`[data-order-no="` + paid.OrderNo + `"] [data-testid="order-refunded"]`)
	if got := strings.TrimSpace(row.Text()); got != "¥50.50 refunded" {
		t.Fatalf("refunded note %q", got)
	}
	frag := w.c.get("/buyer/orders?status=PENDING_PAYMENT", "HX-Request", "true").want(http.StatusOK)
	rows := frag.Doc().Find(`[data-testid="buyer-order"]`)
	if strings.Contains(frag.Body, "<html") || rows.Length() != 1 || rows.AttrOr("data-order-no", "") != pending.OrderNo {
		t.Fatalf("filtered fragment: %d rows", rows.Length())
	}
	for _, bad := range []string{"PAID", "'; DROP TABLE orders; --", "pending_payment"} {
		w.c.get("/buyer/orders?status=" + url.QueryEscape(bad)).want(http.StatusBadRequest)
	}
	w.c.get("/buyer/orders?page=abc").want(http.StatusOK)

	home := w.c.get("/buyer").want(http.StatusOK).Doc()
	if home.Find(`[data-testid="recent-order"]`).Length() != 3 || home.Find(`[data-testid="recent-resource"]`).Length() != 2 ||
		home.Find(`[data-testid="pending-orders"]`).Length() != 1 || home.Find(`[data-testid="profile-missing"]`).Length() != 0 {
		t.Fatal("the buyer home")
	}
	// Another buyer sees none of it.
	w.ta.user(models.RoleBuyer, "other@example.com")
	other := w.ta.loggedIn("other@example.com")
	od := other.get("/buyer/orders").want(http.StatusOK).Doc()
	if od.Find(`[data-testid="buyer-order"]`).Length() != 0 || od.Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Fatal("another buyer's list shows orders")
	}
	if other.get("/buyer").want(http.StatusOK).Doc().Find(`[data-testid="profile-missing"]`).Length() != 1 {
		t.Fatal("a buyer without a profile is not told to fill it in")
	}
}

func TestBuyerPagesInChinese(t *testing.T) {
	w := newBuyerWorld(t)
	w.c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/buyer"}}).want(http.StatusSeeOther)
	o := w.place(t, orderForm(w.saas, w.saasSpecs[0].SKUCode, "period", "month"))
	for _, p := range []string{"/buyer", "/buyer/orders", "/buyer/orders/" + o.OrderNo, "/buyer/resources", "/buyer/profile", buyPath(w.saas, w.saasSpecs[0].SKUCode)} {
		r := w.c.get(p).want(http.StatusOK)
		if strings.Contains(r.Body, "buyer.") || strings.Contains(r.Body, "order.event") {
			t.Errorf("%s shows an untranslated key", p)
		}
	}
	if got := w.c.get("/buyer/orders/" + o.OrderNo).Doc().Find(`[data-testid="order-status"]`).First().Text(); got != "待支付" {
		t.Fatalf("status %q", got)
	}
}
