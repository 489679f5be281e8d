package handlers

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sellercenter/models"
	"sellercenter/web/pages"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// salesWorld is November 2026 of two merchants, written directly into the database:
// merchant A with paid, unpaid, cancelled, trial, failed, refunded and unsubscription
// orders, merchant B with large numbers that must never show on A's pages.
type salesWorld struct {
	t      *testing.T
	ta     *testApp
	a, b   models.Merchant
	orders map[string]models.Order
	n      int
}

func (w *salesWorld) product(m models.Merchant, zh, en string, specs ...string) (models.Product, []models.Spec) {
	w.t.Helper()
	now := w.ta.env.Clock.Now()
	p := models.Product{MerchantID: m.ID, Type: models.ProductSaaS, NameZh: zh, NameEn: en, Listing: models.ListingOnSale, CreatedAt: now, UpdatedAt: now, Version: 1}
	must(w.t, w.ta.env.DB.W.Create(&p).Error)
	var out []models.Spec
	for _, name := range specs {
		w.n++
		s := models.Spec{ProductID: p.ID, MerchantID: m.ID, SKUCode: fmt.Sprintf("SKU-AN-%d", w.n), Name: name, BillingMode: models.BillingPeriod, Content: "{}", CreatedAt: now, UpdatedAt: now}
		must(w.t, w.ta.env.DB.W.Create(&s).Error)
		out = append(out, s)
	}
	return p, out
}

func (w *salesWorld) order(name string, p models.Product, s models.Spec, kind, status string, buyer uint, customer string, paid int64, paidAt *time.Time) {
	w.t.Helper()
	now := w.ta.env.Clock.Now()
	o := models.Order{OrderNo: models.NewOrderNo(now), MerchantID: p.MerchantID, BuyerID: buyer, ProductID: p.ID, SpecID: s.ID, Kind: kind, Status: status,
		ProductType: p.Type, ProductNameZh: p.NameZh, ProductNameEn: p.NameEn, SpecName: s.Name, CustomerName: customer,
		AmountFen: paid, PaidFen: paid, CreatedAt: now, UpdatedAt: now, Version: 1}
	if paidAt == nil {
		o.PaidFen = 0
	} else {
		t := paidAt.UTC()
		o.PaidAt = &t
	}
	must(w.t, w.ta.env.DB.W.Create(&o).Error)
	w.orders[name] = o
}

func (w *salesWorld) refund(order, kind, status string, amount int64, refundedAt *time.Time) {
	w.t.Helper()
	o, now := w.orders[order], w.ta.env.Clock.Now()
	r := models.Refund{RefundNo: models.NewRefundNo(now), OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: o.BuyerID, Kind: kind, Status: status,
		PaidFen: o.PaidFen, AmountFen: amount, CreatedAt: now, UpdatedAt: now, Version: 1}
	if refundedAt != nil {
		t := refundedAt.UTC()
		r.RefundedAt = &t
	}
	must(w.t, w.ta.env.DB.W.Create(&r).Error)
}

func (w *salesWorld) views(p models.Product, day string, n int64) {
	w.t.Helper()
	must(w.t, w.ta.env.DB.W.Create(&models.ProductView{ProductID: p.ID, MerchantID: p.MerchantID, Day: day, Views: n}).Error)
}

func nov(day, hour, min int) *time.Time {
	t := time.Date(2026, 11, day, hour, min, 0, 0, shanghai)
	return &t
}

// newSalesWorld builds the figures the tests check; A's November, by hand:
// GMV 10000 + 5000 + 20000 + 30000 + 2500 = 67500 fen over 5 paid orders (the trial is
// free, the pending and cancelled orders are unpaid, the unsubscription and December's
// order are not sales of the period); refunds 6000 + 8000 + 2500 = 16500 fen on 3 orders;
// views 10 + 5 + 20 + 15 = 50.
func newSalesWorld(t *testing.T) *salesWorld {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "a@example.com")
	ta.user(models.RoleMerchant, "b@example.com")
	w := &salesWorld{t: t, ta: ta, a: merchantOf(t, ta, "a@example.com"), b: merchantOf(t, ta, "b@example.com"), orders: map[string]models.Order{}}
	p1, s1 := w.product(w.a, "协同办公", "Teamwork", "基础版", "专业版")
	p2, s2 := w.product(w.a, "安全卫士", "Guardian", "标准版")
	p3, s3 := w.product(w.b, "B的商品", "Bravo Suite", "B版")
	N, C, P := models.OrderNew, models.OrderCompleted, models.OrderProcessing
	w.order("o1", p1, s1[0], N, C, 11, "Acme Ltd", 10000, nov(1, 0, 30))
	w.order("o2", p1, s1[0], models.OrderRenew, C, 12, "=HYPERLINK(\"http://evil\")", 5000, nov(10, 12, 0))
	w.order("o3", p1, s1[1], N, P, 11, "Acme Ltd", 20000, nov(10, 23, 59))
	w.order("o6", p2, s2[0], N, C, 13, "Gamma 伽马", 30000, nov(30, 23, 0))
	w.order("o9", p1, s1[0], models.OrderTrial, P, 14, "Delta", 0, nov(5, 9, 0))
	w.order("o11", p1, s1[1], N, models.OrderFailed, 13, "Gamma 伽马", 2500, nov(15, 8, 0))
	w.order("o4", p2, s2[0], N, models.OrderPendingPayment, 11, "Acme Ltd", 7000, nil)
	w.order("o5", p2, s2[0], N, models.OrderCancelled, 11, "Acme Ltd", 8000, nil)
	w.order("o7", p2, s2[0], N, C, 13, "Gamma 伽马", 4000, nov(31, 0, 0)) // Dec 1
	w.order("o8", p1, s1[0], N, C, 12, "=HYPERLINK(\"http://evil\")", 6000, nov(0, 23, 59))
	w.order("o10", p1, s1[0], models.OrderUnsubscribe, C, 12, "=HYPERLINK(\"http://evil\")", -3000, nov(12, 10, 0))
	w.refund("o8", models.RefundNegotiated, models.RefundRefunded, 6000, nov(3, 10, 0))
	w.refund("o3", models.RefundUnsubscribe, models.RefundRefunded, 8000, nov(20, 10, 0))
	w.refund("o11", models.RefundUnsubscribe, models.RefundRefunded, 2500, nov(16, 10, 0))
	w.refund("o1", models.RefundNegotiated, models.RefundRequested, 10000, nil)
	w.refund("o6", models.RefundUnsubscribe, models.RefundRefunded, 1000, nov(32, 10, 0))
	w.views(p1, "2026-11-01", 10)
	w.views(p2, "2026-11-01", 5)
	w.views(p1, "2026-11-10", 20)
	w.views(p2, "2026-11-30", 15)
	w.views(p1, "2026-10-31", 100)
	w.order("b1", p3, s3[0], N, C, 11, "Acme at Bravo", 999900, nov(10, 12, 0))
	w.refund("b1", models.RefundNegotiated, models.RefundRefunded, 500000, nov(11, 12, 0))
	w.views(p3, "2026-11-10", 1000)
	return w
}

const novemberQuery = "?range=custom&from=2026-11-01&to=2026-11-30"

// kpis reads the dashboard's key figures by test id.
func kpis(r *resp) map[string]string {
	out := map[string]string{}
	for _, s := range r.Doc().Find(`[data-testid="kpis"] > div`).EachIter() {
		id, _ := s.Attr("data-testid")
		out[id] = strings.TrimSpace(s.Find(`[data-testid="kpi-value"]`).Text())
	}
	return out
}

// chartData reads a chart's JSON and checks the canvas describing it.
func chartData(t *testing.T, r *resp, id string) (pages.ChartData, string) {
	t.Helper()
	doc := r.Doc()
	canvas := doc.Find(`canvas[data-chart="chart-` + id + `-data"]`)
	if role, _ := canvas.Attr("role"); role != "img" {
		t.Fatalf("chart %s: canvas role %q", id, role)
	}
	label, _ := canvas.Attr("aria-label")
	raw := doc.Find(`script#chart-` + id + `-data[type="application/json"]`).Text()
	var c pages.ChartData
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatalf("chart %s JSON: %v\n%s", id, err, raw)
	}
	return c, label
}

func TestAnalyticsDashboardShowsTheMerchantsOwnFigures(t *testing.T) {
	w := newSalesWorld(t)
	ca := w.ta.loggedIn("a@example.com")
	r := ca.get("/seller/analytics" + novemberQuery).want(http.StatusOK)
	want := map[string]string{"kpi-gmv": "¥675.00", "kpi-paid-orders": "5", "kpi-refunds": "¥165.00", "kpi-views": "50",
		"kpi-refund-rate-amount": "24.44%", "kpi-refund-rate-orders": "60.00%", "kpi-conversion": "10.00%"}
	if got := kpis(r); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("KPIs %v\nwant %v", got, want)
	}
	if !strings.Contains(r.Doc().Find(`[data-testid="kpi-refunds"]`).Text(), "Refunds 3 · paid orders 3") {
		t.Error("refund KPI lacks its counts")
	}

	// Charts: data in JSON beside a described canvas, and the same numbers in tables.
	gmv, label := chartData(t, r, "gmv")
	if len(gmv.Labels) != 30 || gmv.Labels[0] != "Nov 1" || len(gmv.Series) != 1 || !gmv.Series[0].Money {
		t.Fatalf("GMV chart %+v", gmv)
	}
	var sum int64
	for _, v := range gmv.Series[0].Data {
		sum += v
	}
	if sum != 67500 || gmv.Series[0].Data[9] != 25000 || gmv.Series[0].Data[29] != 30000 {
		t.Errorf("GMV series %v", gmv.Series[0].Data)
	}
	if !strings.Contains(label, "¥675.00 in total") || !strings.Contains(label, "highest ¥300.00 on Nov 30, 2026") {
		t.Errorf("GMV chart label %q", label)
	}
	traffic, label := chartData(t, r, "traffic")
	if len(traffic.Series) != 2 || traffic.Series[0].Data[0] != 15 || traffic.Series[1].Data[9] != 2 {
		t.Errorf("traffic chart %+v", traffic)
	}
	if !strings.Contains(label, "views 50 and paid orders 5") {
		t.Errorf("traffic chart label %q", label)
	}
	rows := r.Doc().Find(`[data-testid="chart-table-gmv"] tbody tr`)
	if rows.Length() != 30 || !strings.Contains(rows.Eq(9).Text(), "¥250.00") || !strings.Contains(rows.Eq(9).Text(), "Nov 10, 2026") {
		t.Errorf("GMV table: %d rows, day 10 %q", rows.Length(), rows.Eq(9).Text())
	}
	if r.Doc().Find(`details [data-testid="chart-table-traffic"]`).Length() != 1 {
		t.Error("traffic chart has no table alternative")
	}
	// No inline script runs user data; the chart script is a file.
	for _, s := range r.Doc().Find("script").EachIter() {
		typ, _ := s.Attr("type")
		src, _ := s.Attr("src")
		if src == "" && typ != "application/json" {
			t.Errorf("inline script: %s", s.Text())
		}
	}
	if r.Doc().Find(`script[src="/static/js/charts.js"]`).Length() != 1 {
		t.Error("charts.js not loaded")
	}

	// Navigation entry, and both languages.
	nav := r.Doc().Find(`nav a[href="/seller/analytics"]`)
	if nav.Length() != 1 || strings.TrimSpace(nav.Text()) != "Data analysis" {
		t.Errorf("nav entry %q", nav.Text())
	}
	ca.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	zh := ca.get("/seller/analytics" + novemberQuery).want(http.StatusOK)
	if !strings.Contains(zh.Doc().Find(`nav a[href="/seller/analytics"]`).Text(), "数据分析") || !strings.Contains(zh.Body, "支付订单数") ||
		kpis(zh)["kpi-gmv"] != "¥675.00" {
		t.Error("Chinese dashboard incomplete")
	}

	// The period chooser's htmx request gets the content fragment only.
	frag := ca.get("/seller/analytics?range=7d", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || frag.Doc().Find(`#analytics-content`).Length() != 1 || frag.Doc().Find(`canvas[data-chart]`).Length() != 2 {
		t.Error("htmx period change did not get the content fragment with its charts")
	}

	// Merchant B sees B's numbers, none of A's.
	rb := w.ta.loggedIn("b@example.com").get("/seller/analytics" + novemberQuery).want(http.StatusOK)
	if got := kpis(rb); got["kpi-gmv"] != "¥9,999.00" || got["kpi-paid-orders"] != "1" || got["kpi-views"] != "1,000" || got["kpi-refunds"] != "¥5,000.00" {
		t.Errorf("merchant B's KPIs %v", got)
	}
	if strings.Contains(rb.Body, "675.00") || strings.Contains(rb.Body, "Acme Ltd") {
		t.Error("merchant B's dashboard shows A's figures")
	}
}

func TestAnalyticsSalesPageTables(t *testing.T) {
	w := newSalesWorld(t)
	r := w.ta.loggedIn("a@example.com").get("/seller/analytics/sales" + novemberQuery).want(http.StatusOK)
	doc := r.Doc()
	text := func(sel string) []string {
		var out []string
		for _, row := range doc.Find(sel).EachIter() {
			var cells []string
			for _, cell := range row.Children().EachIter() {
				cells = append(cells, strings.Join(strings.Fields(cell.Text()), " "))
			}
			out = append(out, strings.Join(cells, " "))
		}
		return out
	}
	wantProducts := []string{
		"Teamwork 2 4 ¥375.00 3 ¥165.00 ¥210.00",
		"Guardian 1 1 ¥300.00 0 ¥0.00 ¥300.00",
	}
	if got := text(`[data-testid="product-row"]`); strings.Join(got, "|") != strings.Join(wantProducts, "|") {
		t.Errorf("by product %q", got)
	}
	wantSpecs := []string{
		"Guardian 标准版 1 ¥300.00 0 ¥0.00 ¥300.00",
		"Teamwork 专业版 2 ¥225.00 2 ¥105.00 ¥120.00",
		"Teamwork 基础版 2 ¥150.00 1 ¥60.00 ¥90.00",
	}
	if got := text(`[data-testid="spec-row"]`); strings.Join(got, "|") != strings.Join(wantSpecs, "|") {
		t.Errorf("by spec %q", got)
	}
	wantCustomers := []string{
		"1 Gamma 伽马 2 ¥325.00 ¥25.00",
		"2 Acme Ltd 2 ¥300.00 ¥80.00",
		`3 =HYPERLINK("http://evil") 1 ¥50.00 ¥60.00`,
	}
	if got := text(`[data-testid="customer-row"]`); strings.Join(got, "|") != strings.Join(wantCustomers, "|") {
		t.Errorf("top customers %q", got)
	}
	if got := text(`[data-testid="refund-kind-row"]`); strings.Join(got, "|") != "Unsubscription 2 ¥105.00|Negotiated refund 1 ¥60.00" {
		t.Errorf("refunds by kind %q", got)
	}
	if doc.Find(`[data-testid="analytics-tab-sales"][aria-current="page"]`).Length() != 1 {
		t.Error("sales tab not marked current")
	}
	if href, _ := doc.Find(`[data-testid="analytics-tab-overview"]`).Attr("href"); !strings.Contains(href, "from=2026-11-01") {
		t.Errorf("overview tab loses the period: %q", href)
	}

	rb := w.ta.loggedIn("b@example.com").get("/seller/analytics/sales" + novemberQuery).want(http.StatusOK)
	if strings.Contains(rb.Body, "Teamwork") || strings.Contains(rb.Body, "Gamma") || strings.Contains(rb.Body, "Acme Ltd") ||
		!strings.Contains(rb.Body, "Bravo Suite") || !strings.Contains(rb.Body, "Acme at Bravo") {
		t.Error("merchant B's sales page shows A's products or customers, or lacks its own")
	}
}

// readCSV checks the download's headers and byte order mark and parses it.
func readCSV(t *testing.T, r *resp) [][]string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Fatalf("content disposition %q", cd)
	}
	if !strings.HasPrefix(r.Body, "\uFEFF") {
		t.Fatal("no UTF-8 byte order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestAnalyticsCSVHasTheSameNumbers(t *testing.T) {
	w := newSalesWorld(t)
	ca := w.ta.loggedIn("a@example.com")
	get := func(c *client, section string) [][]string {
		return readCSV(t, c.get("/seller/analytics.csv?section="+section+"&from=2026-11-01&to=2026-11-30").want(http.StatusOK))
	}
	join := func(rows [][]string) string {
		var out []string
		for _, r := range rows {
			out = append(out, strings.Join(r, ","))
		}
		return strings.Join(out, "\n")
	}
	summary := join(get(ca, "summary"))
	for _, want := range []string{"Metric,Value", "From,2026-11-01", "To (included),2026-11-30", "Time zone,Asia/Shanghai", "GMV (CNY),675.00",
		"Paid orders,5", "Refunds,3", "Refunded orders,3", "Refunded (CNY),165.00", "Refund rate (amount),24.44%",
		"Refund rate (orders),60.00%", "Product views,50", "Conversion,10.00%"} {
		if !strings.Contains(summary, want+"\n") && !strings.HasSuffix(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	daily := get(ca, "daily")
	if len(daily) != 31 || join(daily[:2]) != "Date,GMV (CNY),Paid orders,Product views\n2026-11-01,100.00,1,15" || join(daily[10:11]) != "2026-11-10,250.00,2,20" {
		t.Errorf("daily CSV:\n%s", join(daily[:3]))
	}
	specs := get(ca, "specs")
	if len(specs) != 4 || strings.Join(specs[0], ",") != "Product ID,Product,Spec,Paid orders,GMV (CNY),Refunds,Refunded (CNY),Net (CNY)" ||
		strings.Join(specs[2][1:], ",") != "Teamwork,专业版,2,225.00,2,105.00,120.00" {
		t.Errorf("spec CSV:\n%s", join(specs))
	}
	products := get(ca, "products")
	if len(products) != 3 || strings.Join(products[1][1:], ",") != "Teamwork,4,375.00,3,165.00,210.00" {
		t.Errorf("product CSV:\n%s", join(products))
	}
	// A customer name that a spreadsheet would run as a formula stays text.
	customers := get(ca, "customers")
	if len(customers) != 4 || strings.Join(customers[1], ",") != "1,Gamma 伽马,2,325.00,25.00" || customers[3][1] != `'=HYPERLINK("http://evil")` {
		t.Errorf("customer CSV:\n%s", join(customers))
	}
	if got := join(get(ca, "refunds")); got != "Refund type,Refunds,Refunded (CNY)\nUnsubscription,2,105.00\nNegotiated refund,1,60.00" {
		t.Errorf("refund CSV:\n%s", got)
	}

	// Headers in the reader's language.
	ca.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	if zh := get(ca, "daily"); strings.Join(zh[0], ",") != "日期,成交金额（元）,支付订单数,浏览量" {
		t.Errorf("Chinese header %q", zh[0])
	}

	// Merchant B's downloads hold B's numbers only.
	cb := w.ta.loggedIn("b@example.com")
	for _, section := range []string{"summary", "daily", "products", "specs", "customers", "refunds"} {
		got := join(get(cb, section))
		if strings.Contains(got, "Teamwork") || strings.Contains(got, "Acme Ltd") || strings.Contains(got, "675.00") || strings.Contains(got, "Gamma") {
			t.Errorf("merchant B's %s CSV holds A's data:\n%s", section, got)
		}
	}
	if !strings.Contains(join(get(cb, "summary")), "GMV (CNY),9999.00") {
		t.Error("merchant B's summary lacks its GMV")
	}

	ca.get("/seller/analytics.csv?section=orders&from=2026-11-01&to=2026-11-30").want(http.StatusBadRequest)
	ca.get("/seller/analytics.csv").want(http.StatusBadRequest)
}

func TestAnalyticsPeriods(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "a@example.com")
	c := ta.loggedIn("a@example.com")
	// The fake clock stands on Tuesday 2026-11-24 in Beijing.
	for q, want := range map[string]string{
		"":                               "2026-10-26 to 2026-11-24 (30 days)",
		"?range=7d":                      "2026-11-18 to 2026-11-24 (7 days)",
		"?range=90d":                     "2026-08-27 to 2026-11-24 (90 days)",
		"?range=month":                   "2026-11-01 to 2026-11-24 (24 days)",
		"?from=2026-02-01&to=2026-02-28": "2026-02-01 to 2026-02-28 (28 days)",
		"?range=custom&from=2025-11-24&to=2026-11-24": "2025-11-24 to 2026-11-24 (366 days)",
		"?range=7d&from=2020-01-01&to=bogus":          "2026-11-18 to 2026-11-24 (7 days)",
	} {
		r := c.get("/seller/analytics" + q).want(http.StatusOK)
		if got := r.Doc().Find(`[data-testid="period-showing"]`).Text(); !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", q, got, want)
		}
	}
	if r := c.get("/seller/analytics?range=month").Doc(); r.Find(`[data-testid="period-month"][aria-current]`).Length() != 1 {
		t.Error("the chosen preset is not marked")
	}

	bad := []struct{ q, field, msg string }{
		{"from=2026-13-01&to=2026-11-30", "from", "Enter a date as YYYY-MM-DD"},
		{"from=2026-02-30&to=2026-03-01", "from", "Enter a date as YYYY-MM-DD"},
		{"from=30/11/2026&to=2026-11-30", "from", "Enter a date as YYYY-MM-DD"},
		{"from=1999-12-31&to=2000-01-10", "from", "between the years 2000 and 2099"},
		{"from=2026-11-30&to=2026-11-01", "to", "The end date is before the start date."},
		{"from=2025-11-23&to=2026-11-24", "to", "at most 366 days"},
		{"range=custom&from=2026-11-01", "to", "This field is required."},
		{"range=custom", "from", "This field is required."},
		{"from=" + strings.Repeat("2", 40) + "&to=2026-11-01", "from", "At most 10 characters."},
		{"from=%FF%FE&to=2026-11-01", "from", ""},
	}
	for _, b := range bad {
		for _, path := range []string{"/seller/analytics?", "/seller/analytics/sales?", "/seller/analytics.csv?section=summary&"} {
			r := c.get(path + b.q).want(http.StatusUnprocessableEntity)
			if msg := r.fieldError(b.field); msg == "" || !strings.Contains(msg, b.msg) {
				t.Errorf("%s%s: %s message %q, want %q", path, b.q, b.field, msg, b.msg)
			}
			if r.Doc().Find(`[data-testid="period-errors"]`).Length() != 1 || r.Doc().Find(`[data-testid="kpis"]`).Length() != 0 {
				t.Errorf("%s%s: no error summary, or figures shown", path, b.q)
			}
		}
	}
	// Chinese messages.
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	if msg := c.get("/seller/analytics?from=2026-11-30&to=2026-11-01").want(http.StatusUnprocessableEntity).fieldError("to"); msg != "结束日期早于开始日期。" {
		t.Errorf("Chinese message %q", msg)
	}
	c.get("/seller/analytics?range=year").want(http.StatusBadRequest)
	c.get("/seller/analytics/sales?range=%27%3B--").want(http.StatusBadRequest)
}

// The pages show the logged-in merchant's own figures; no parameter names another.
func TestAnalyticsPagesAreMerchantOnly(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "buyer@example.com")
	for _, path := range []string{"/seller/analytics", "/seller/analytics/sales", "/seller/analytics.csv?section=summary"} {
		if r := ta.client().get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("%s as visitor: %d %q", path, r.Status, r.Location())
		}
		ta.loggedIn("buyer@example.com").get(path).want(http.StatusForbidden)
	}
	// Parameters naming another merchant are not part of the form and change nothing.
	ta.user(models.RoleMerchant, "a@example.com")
	r := ta.loggedIn("a@example.com").get("/seller/analytics?merchant_id=1&merchant=2&" + url.Values{"range": {"7d"}}.Encode()).want(http.StatusOK)
	if kpis(r)["kpi-gmv"] != "¥0.00" {
		t.Error("empty merchant shows a GMV")
	}
	if r.Doc().Find(`[data-testid="analytics-empty"]`).Length() != 1 {
		t.Error("empty period has no note")
	}
}

func TestAnalyticsSalesPageShowsTheBestSellersAndTheCSVAll(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "a@example.com")
	w := &salesWorld{t: t, ta: ta, a: merchantOf(t, ta, "a@example.com"), orders: map[string]models.Order{}}
	names := make([]string, 55)
	for i := range names {
		names[i] = fmt.Sprintf("Spec %02d", i)
	}
	p, specs := w.product(w.a, "大商品", "Big product", names...)
	for i, s := range specs {
		w.order(s.Name, p, s, models.OrderNew, models.OrderCompleted, 11, "Acme", int64(100*(i+1)), nov(2, 10, 0))
	}
	c := ta.loggedIn("a@example.com")
	doc := c.get("/seller/analytics/sales" + novemberQuery).want(http.StatusOK).Doc()
	rows := doc.Find(`[data-testid="spec-row"]`)
	if rows.Length() != 50 || !strings.Contains(rows.First().Text(), "Spec 54") {
		t.Errorf("%d spec rows, first %q", rows.Length(), rows.First().Text())
	}
	if note := doc.Find(`[data-testid="sales-by-spec"] [data-testid="table-truncated"]`).Text(); !strings.Contains(note, "50 best sellers of 55") {
		t.Errorf("truncation note %q", note)
	}
	if doc.Find(`[data-testid="sales-by-product"] [data-testid="table-truncated"]`).Length() != 0 {
		t.Error("the one-product table says it is cut")
	}
	if csv := readCSV(t, c.get("/seller/analytics.csv?section=specs&from=2026-11-01&to=2026-11-30").want(http.StatusOK)); len(csv) != 56 {
		t.Errorf("spec CSV has %d rows, want 55 and the header", len(csv))
	}
}

func TestAnalyticsFiguresAreKeptHalfAMinute(t *testing.T) {
	w := newSalesWorld(t)
	c := w.ta.loggedIn("a@example.com")
	r := c.get("/seller/analytics" + novemberQuery).want(http.StatusOK)
	if got := kpis(r)["kpi-gmv"]; got != "¥675.00" {
		t.Fatalf("GMV %s", got)
	}
	if !strings.Contains(r.Doc().Find(`[data-testid="period-showing"]`).Text(), "Figures as of Nov 24, 2026 09:00") {
		t.Errorf("no time of the figures: %q", r.Doc().Find(`[data-testid="period-showing"]`).Text())
	}
	p, s := w.product(w.a, "新品", "Newcomer", "标准版")
	w.order("late", p, s[0], models.OrderNew, models.OrderCompleted, 15, "Late Ltd", 100000, nov(20, 10, 0))
	w.ta.env.Clock.Advance(20 * time.Second)
	if got := kpis(c.get("/seller/analytics" + novemberQuery).want(http.StatusOK))["kpi-gmv"]; got != "¥675.00" {
		t.Errorf("figures recomputed within half a minute: %s", got)
	}
	// Another period is computed at once; the kept one after half a minute.
	if got := kpis(c.get("/seller/analytics?from=2026-11-01&to=2026-11-29").want(http.StatusOK))["kpi-gmv"]; got != "¥1,375.00" {
		t.Errorf("new period GMV %s", got)
	}
	w.ta.env.Clock.Advance(11 * time.Second)
	if got := kpis(c.get("/seller/analytics" + novemberQuery).want(http.StatusOK))["kpi-gmv"]; got != "¥1,675.00" {
		t.Errorf("figures not recomputed after half a minute: %s", got)
	}
}
