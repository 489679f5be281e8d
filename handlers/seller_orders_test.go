package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

// orderMerchant is a merchant account with orders written straight into the database.
type orderMerchant struct {
	user   models.User
	id     uint
	orders []models.Order
}

// merchantWithOrders creates a merchant user and n orders of theirs, newest first, with
// customer names that need quoting or would be formulas in a spreadsheet. Pairs of
// orders share a creation time, so pages meet equal keys.
func merchantWithOrders(t *testing.T, ta *testApp, email string, n int) orderMerchant {
	t.Helper()
	u := ta.user(models.RoleMerchant, email)
	m := orderMerchant{user: u, id: *u.MerchantID}
	names := []string{"Acme, Inc.", `=HYPERLINK("http://evil","x")`, "华为云计算技术有限公司", `Quote "Q" Ltd`, "+cmd|' /C calc'!A0", "Plain Co"}
	at := ta.env.Clock.Now()
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			at = at.Add(-time.Duration(7+i%5) * time.Minute)
		}
		status := models.OrderStatuses[i%len(models.OrderStatuses)]
		o := models.Order{OrderNo: fmt.Sprintf("CS%d%06dA", m.id, i), MerchantID: m.id, BuyerID: 1, ProductID: uint(1 + i%3), SpecID: 1,
			Kind: models.OrderKinds[(i/2)%len(models.OrderKinds)], Status: status, ProductType: models.ProductSaaS,
			ProductNameZh: fmt.Sprintf("协同办公%d", i%3), ProductNameEn: fmt.Sprintf("Teamwork %d", i%3), SpecName: "基础版 <b>",
			CustomerName: names[i%len(names)], CustomerEmail: "buyer@example.com", AmountFen: int64(9900 + i*37),
			CreatedAt: at, UpdatedAt: at, Version: 1}
		if status == models.OrderProcessing || status == models.OrderCompleted {
			o.PaidFen = o.AmountFen
		}
		if i%7 == 0 {
			o.Kind, o.AmountFen, o.RefundedFen = models.OrderUnsubscribe, -int64(500+i), int64(500+i)
		}
		m.orders = append(m.orders, o)
	}
	if n > 0 {
		must(t, ta.env.DB.W.CreateInBatches(&m.orders, 200).Error)
	}
	return m
}

// rowNos reads the order numbers of the listed rows.
func rowNos(r *resp) []string {
	var out []string
	r.Doc().Find(`[data-testid="order-row"]`).Each(func(_ int, s *goquery.Selection) {
		no, _ := s.Attr("data-order-no")
		out = append(out, no)
	})
	return out
}

func TestOrderListPagesFiltersAndSorts(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 120)
	merchantWithOrders(t, ta, "b@example.com", 10)
	c := ta.loggedIn("a@example.com")

	// The export hint names the direct-download limit (the setting, 5,000 by default).
	if h := c.get("/seller/orders").want(http.StatusOK).Doc().Find(`[data-testid="order-export"]`).Text(); !strings.Contains(h, "up to 5,000 rows") && !strings.Contains(h, "up to 5000 rows") {
		t.Fatalf("export hint %q", h)
	}

	// Pages: 50, 50, 20, every order of A's once, none of B's.
	seen := map[string]bool{}
	path := "/seller/orders"
	var sizes []int
	for path != "" {
		r := c.get(path).want(http.StatusOK)
		nos := rowNos(r)
		sizes = append(sizes, len(nos))
		for _, no := range nos {
			if seen[no] || !strings.HasPrefix(no, fmt.Sprintf("CS%d", a.id)) {
				t.Fatalf("order %s listed twice or not A's", no)
			}
			seen[no] = true
		}
		path, _ = r.Doc().Find(`[data-testid="pager-next"]`).Attr("href")
	}
	if fmt.Sprint(sizes) != "[50 50 20]" || len(seen) != 120 {
		t.Fatalf("pages of %v rows, %d orders", sizes, len(seen))
	}

	// The newest order comes first (of two at the same time, the later id); sorting by
	// amount puts the largest first.
	r := c.get("/seller/orders").want(http.StatusOK)
	if got := rowNos(r)[0]; got != a.orders[1].OrderNo {
		t.Fatalf("first row %s, want %s", got, a.orders[1].OrderNo)
	}
	largest := a.orders[0]
	for _, o := range a.orders {
		if o.AmountFen > largest.AmountFen {
			largest = o
		}
	}
	r = c.get("/seller/orders?sort=amount_desc").want(http.StatusOK)
	if got := rowNos(r)[0]; got != largest.OrderNo {
		t.Fatalf("largest amount first: %s, want %s", got, largest.OrderNo)
	}

	// Filters, and the htmx fragment with its own pager links keeping them.
	r = c.get("/seller/orders?status=COMPLETED&kind=NEW", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(r.Body, "<html") {
		t.Fatal("htmx got a full page")
	}
	nos := rowNos(r)
	if len(nos) == 0 {
		t.Fatal("no completed new orders listed")
	}
	for _, no := range nos {
		o := orderByNo(a.orders, no)
		if o.Status != models.OrderCompleted || o.Kind != models.OrderNew {
			t.Fatalf("order %s is %s %s", no, o.Status, o.Kind)
		}
	}
	r = c.get("/seller/orders?customer=acme").want(http.StatusOK)
	if n := len(rowNos(r)); n != 20 {
		t.Fatalf("customer filter: %d rows, want 20", n)
	}
	r = c.get("/seller/orders?order_no=" + a.orders[5].OrderNo).want(http.StatusOK)
	if got := rowNos(r); len(got) != 1 || got[0] != a.orders[5].OrderNo {
		t.Fatalf("order id filter: %v", got)
	}
	day := a.orders[0].CreatedAt.In(shanghai).Format(time.DateOnly)
	r = c.get("/seller/orders?from=" + day + "&to=" + day).want(http.StatusOK)
	for _, no := range rowNos(r) {
		if orderByNo(a.orders, no).CreatedAt.In(shanghai).Format(time.DateOnly) != day {
			t.Fatalf("order %s outside %s", no, day)
		}
	}

	// Bad filters: a clear message and 400; the list is not read.
	for q, msg := range map[string]string{
		"from=2026-13-45":                      "YYYY-MM-DD",
		"to=yesterday":                         "YYYY-MM-DD",
		"from=2026-11-20&to=2026-11-01":        "end date",
		"status=SHIPPED":                       "status",
		"kind=NEW%27%20OR%201%3D1":             "type",
		"product=1%20OR%201%3D1":               "product",
		"customer=" + strings.Repeat("x", 101): "at most",
	} {
		r := c.get("/seller/orders?" + q).want(http.StatusBadRequest)
		box := r.Doc().Find(`[data-testid="filter-errors"]`).Text()
		if !strings.Contains(strings.ToLower(box), strings.ToLower(msg)) || len(rowNos(r)) != 0 {
			t.Errorf("%s: message %q, want one mentioning %q and no rows", q, strings.TrimSpace(box), msg)
		}
	}
	// An injected sort falls back to the default order; a forged cursor to the first page.
	for _, q := range []string{"sort=created_at%3B%20DROP%20TABLE%20orders", "sort=amount_fen%20DESC%2C(SELECT%201)", "after=%27%3B--", "before=Yzox"} {
		r := c.get("/seller/orders?" + q).want(http.StatusOK)
		if got := rowNos(r); len(got) != 50 || got[0] != a.orders[1].OrderNo {
			t.Fatalf("%s: first row %v", q, got[:1])
		}
	}
	var n int64
	ta.env.DB.R.Model(&models.Order{}).Count(&n)
	if n != 130 {
		t.Fatalf("%d orders after the bad requests", n)
	}
}

func orderByNo(orders []models.Order, no string) models.Order {
	for _, o := range orders {
		if o.OrderNo == no {
			return o
		}
	}
	return models.Order{}
}

func TestOrderListShowsAmountsAndBadgesInChinese(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 3)
	c := ta.loggedIn("a@example.com")
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller/orders"}}).want(http.StatusSeeOther)
	r := c.get("/seller/orders").want(http.StatusOK)
	doc := r.Doc()
	// The newest order costs ¥99.37; the one at the same time is an unsubscription of ¥5.00.
	amounts := doc.Find(`[data-testid="order-amount"]`)
	if a.orders[0].AmountFen != -500 || strings.TrimSpace(amounts.Eq(1).Text()) != "-¥5.00" || strings.TrimSpace(amounts.Eq(0).Text()) != "¥99.37" {
		t.Fatalf("amounts shown as %q", amounts.Text())
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="order-status"]`).First().Text()); got != "处理中" {
		t.Fatalf("status badge %q", got)
	}
	// A refunded order says how much came back, under its amount (the console's list too).
	var plain models.Order
	for _, o := range a.orders {
		if o.RefundedFen == 0 {
			plain = o
		}
	}
	note := `[data-order-no="` + plain.OrderNo + `"] [data-testid="order-refunded"]`
	if plain.ID == 0 || doc.Find(note).Length() != 0 {
		t.Fatal("an order without a refund shows one")
	}
	must(t, ta.env.DB.W.Model(&models.Order{}).Where("id = ?", plain.ID).Update("refunded_fen", 2500).Error)
	if got := strings.TrimSpace(c.get("/seller/orders").want(http.StatusOK).Doc().Find(note).Text()); got != "已退 ¥25.00" {
		t.Fatalf("refunded note %q", got)
	}
	ta.user(models.RoleReviewer, "rev@example.com")
	if got := strings.TrimSpace(ta.loggedIn("rev@example.com").get("/admin/orders").want(http.StatusOK).Doc().Find(note).Text()); got != "¥25.00 refunded" {
		t.Fatalf("console refunded note %q", got)
	}
	if !strings.Contains(r.Body, "交易管理") || !strings.Contains(r.Body, "导出记录") {
		t.Fatal("no Transactions section in the navigation")
	}
}

func TestOrderDetailShowsLinesHistoryAndMaskedBuyer(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 2)
	merchantWithOrders(t, ta, "b@example.com", 1)
	o := a.orders[0]
	now := ta.env.Clock.Now()
	db := ta.env.DB.W
	must(t, db.Create(&models.OrderLine{OrderID: o.ID, LineNo: models.LineNo(o.OrderNo, 1), SpecID: 1, SKUCode: "SKU-BASIC",
		ProductCode: "PC0001", BillingMode: "period", PeriodType: "month", PeriodCount: 3, Quantity: 2, UnitFen: 9900, AmountFen: 59400,
		StartsAt: &now}).Error)
	must(t, db.Create(&models.OrderEvent{OrderID: o.ID, ToStatus: models.OrderPendingPayment, Note: "order.event.created", CreatedAt: now}).Error)
	must(t, db.Create(&models.BuyerProfile{UserID: 1, SubjectType: models.BuyerPersonal, Mobile: "13912345678", CreatedAt: now, UpdatedAt: now}).Error)
	c := ta.loggedIn("a@example.com")
	r := c.get("/seller/orders/" + o.OrderNo).want(http.StatusOK)
	buyer := r.Doc().Find(`[data-testid="order-buyer"]`).Text()
	if !strings.Contains(buyer, "b***@example.com") || !strings.Contains(buyer, "139****5678") || strings.Contains(r.Body, "13912345678") || strings.Contains(r.Body, "buyer@example.com") {
		t.Fatalf("buyer not masked: %s", buyer)
	}
	line := r.Doc().Find(`[data-testid="order-line"]`).Text()
	for _, want := range []string{models.LineNo(o.OrderNo, 1), "SKU-BASIC", "PC0001", "3 months", "¥99.00", "¥594.00"} {
		if !strings.Contains(line, want) {
			t.Errorf("order line lacks %q: %s", want, line)
		}
	}
	if h := r.Doc().Find(`[data-testid="history"]`).Text(); !strings.Contains(h, "Order placed") || !strings.Contains(h, "Pending payment") {
		t.Fatalf("history: %s", h)
	}
	if strings.Contains(r.Body, "<b>") {
		t.Fatal("spec name rendered as markup")
	}
	ta.loggedIn("b@example.com").get("/seller/orders/" + o.OrderNo).want(http.StatusNotFound)
	c.get("/seller/orders/CS0000000000NONE").want(http.StatusNotFound)
	c.get("/seller/orders/" + strings.Repeat("X", 300)).want(http.StatusNotFound)
}

func TestOrderDetailSaysWhyThereIsNoPayment(t *testing.T) {
	ta := newTestApp(t)
	u := ta.user(models.RoleMerchant, "a@example.com")
	now := ta.env.Clock.Now()
	var orders []models.Order
	for i, o := range []struct{ kind, status string }{
		{models.OrderUnsubscribe, models.OrderCompleted},
		{models.OrderTrial, models.OrderCompleted},
		{models.OrderNew, models.OrderCancelled},
		{models.OrderNew, models.OrderPendingPayment},
	} {
		amount := int64(9900)
		switch o.kind {
		case models.OrderUnsubscribe:
			amount = -9900
		case models.OrderTrial:
			amount = 0
		}
		orders = append(orders, models.Order{OrderNo: fmt.Sprintf("CS%06dPAY", i), MerchantID: *u.MerchantID, BuyerID: 1, ProductID: 1, SpecID: 1,
			Kind: o.kind, Status: o.status, ProductType: models.ProductSaaS, CustomerName: "Acme", AmountFen: amount, CreatedAt: now, UpdatedAt: now, Version: 1})
	}
	must(t, ta.env.DB.W.Create(&orders).Error)
	c := ta.loggedIn("a@example.com")
	for i, want := range []string{
		"An unsubscription: its amount goes back to the buyer, nothing is paid for it.",
		"Nothing to pay for this order.",
		"Cancelled before it was paid.",
		"Not paid.",
	} {
		got := strings.TrimSpace(c.get("/seller/orders/" + orders[i].OrderNo).want(http.StatusOK).Doc().Find(`[data-testid="order-payment"]`).Text())
		if got != want {
			t.Errorf("%s %s order: payment says %q, want %q", orders[i].Kind, orders[i].Status, got, want)
		}
	}
}

func TestAdminOrderListAcrossMerchants(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 30)
	b := merchantWithOrders(t, ta, "b@example.com", 30)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	r := c.get("/admin/orders").want(http.StatusOK)
	merchants := map[string]bool{}
	for _, no := range rowNos(r) {
		merchants[no[:3]] = true
	}
	if len(rowNos(r)) != 50 || len(merchants) != 2 {
		t.Fatalf("console list: %d rows from %d merchants", len(rowNos(r)), len(merchants))
	}
	r = c.get(fmt.Sprintf("/admin/orders?merchant=%d&sort=amount_asc", b.id)).want(http.StatusOK)
	nos := rowNos(r)
	if len(nos) != 30 {
		t.Fatalf("merchant filter: %d rows", len(nos))
	}
	for i, no := range nos {
		o := orderByNo(b.orders, no)
		if o.OrderNo == "" {
			t.Fatalf("order %s is not merchant B's", no)
		}
		if i > 0 && orderByNo(b.orders, nos[i-1]).AmountFen > o.AmountFen {
			t.Fatalf("not sorted by amount at row %d", i)
		}
	}
	// A merchant is found by name too; a name matching none lists nothing.
	if got := rowNos(c.get("/admin/orders?merchant=" + url.QueryEscape("B@EXAMPLE")).want(http.StatusOK)); len(got) != 30 || orderByNo(b.orders, got[0]).OrderNo == "" {
		t.Fatalf("by name: %d rows", len(got))
	}
	if got := rowNos(c.get("/admin/orders?merchant=nobody-at-all").want(http.StatusOK)); len(got) != 0 {
		t.Fatalf("an unknown name lists %d rows", len(got))
	}
	c.get("/admin/orders?merchant=" + strings.Repeat("x", 101)).want(http.StatusBadRequest)
	d := c.get("/admin/orders/" + a.orders[3].OrderNo).want(http.StatusOK)
	if !strings.Contains(d.Body, a.orders[3].OrderNo) || strings.Contains(d.Body, "buyer@example.com") {
		t.Fatal("console detail missing the order or showing the buyer's address")
	}
	if strings.Contains(d.Body, `action="/seller/orders/export"`) || strings.Contains(r.Body, `data-testid="order-export"`) {
		t.Fatal("the console offers an export")
	}
	c.get("/admin/orders/CSNOPE").want(http.StatusNotFound)
}

func TestMerchantConfirmsDelivery(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 5)
	merchantWithOrders(t, ta, "b@example.com", 1)
	db := ta.env.DB.W
	var processing, pending, supervised models.Order
	for _, o := range a.orders {
		switch o.Status {
		case models.OrderProcessing:
			processing = o
		case models.OrderPendingPayment:
			pending = o
		}
	}
	supervised = processing
	supervised.ID, supervised.OrderNo, supervised.Supervised = 0, processing.OrderNo[:len(processing.OrderNo)-1]+"S", true
	must(t, db.Create(&supervised).Error)
	c := ta.loggedIn("a@example.com")

	page := c.get("/seller/orders/" + processing.OrderNo).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="order-complete"]`).Length() != 1 {
		t.Fatal("a processing order offers no delivery confirmation")
	}
	if p := c.get("/seller/orders/" + supervised.OrderNo).want(http.StatusOK); p.Doc().Find(`[data-testid="order-complete"]`).Length() != 0 {
		t.Fatal("a supervised order offers delivery confirmation")
	}
	// Another merchant: 404, nothing changes.
	ta.loggedIn("b@example.com").post("/seller/orders/"+processing.OrderNo+"/complete", url.Values{}).want(http.StatusNotFound)
	var got models.Order
	db.First(&got, processing.ID)
	if got.Status != models.OrderProcessing {
		t.Fatalf("another merchant completed the order: %s", got.Status)
	}
	// The owner confirms: completed, history entry, buyer told.
	r := c.post("/seller/orders/"+processing.OrderNo+"/complete", url.Values{}).want(http.StatusSeeOther)
	if r.Location() != "/seller/orders/"+processing.OrderNo {
		t.Fatalf("redirect to %q", r.Location())
	}
	got = models.Order{}
	db.First(&got, processing.ID)
	if got.Status != models.OrderCompleted || got.CompletedAt == nil {
		t.Fatalf("after confirmation: %s %v", got.Status, got.CompletedAt)
	}
	var events, notes int64
	db.Model(&models.OrderEvent{}).Where("order_id = ? AND to_status = ?", got.ID, models.OrderCompleted).Count(&events)
	db.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", got.BuyerID, "order.completed").Count(&notes)
	if events != 1 || notes != 1 {
		t.Fatalf("history entries %d, buyer notices %d", events, notes)
	}
	if h := c.get("/seller/orders/" + processing.OrderNo).want(http.StatusOK); !strings.Contains(h.Body, "Delivery confirmed") {
		t.Fatal("no confirmation message")
	}
	// Twice, an unpaid order, a supervised order: 409 with the status unchanged.
	c.post("/seller/orders/"+processing.OrderNo+"/complete", url.Values{}).want(http.StatusConflict)
	c.post("/seller/orders/"+pending.OrderNo+"/complete", url.Values{}).want(http.StatusConflict)
	c.post("/seller/orders/"+supervised.OrderNo+"/complete", url.Values{}).want(http.StatusConflict)
	var unpaid, sup models.Order
	db.First(&unpaid, pending.ID)
	if unpaid.Status != models.OrderPendingPayment {
		t.Fatalf("unpaid order moved to %s", unpaid.Status)
	}
	db.First(&sup, supervised.ID)
	if sup.Status != models.OrderProcessing {
		t.Fatalf("supervised order moved to %s", sup.Status)
	}
}
