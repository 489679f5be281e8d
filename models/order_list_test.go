package models_test

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// seedOrders writes n orders spread over merchants and products, directly (the purchase
// flow is not needed to list orders). Every third order shares its created_at with the
// one before, so keyset pages meet equal keys.
func seedOrders(t testing.TB, env *testdb.Env, n int, merchants, products []uint) []models.Order {
	t.Helper()
	base := testdb.Start.Add(-time.Duration(n) * time.Minute)
	statuses := models.OrderStatuses
	kinds := models.OrderKinds
	rows := make([]models.Order, n)
	at := base
	for i := range rows {
		if i%3 != 2 {
			at = at.Add(time.Minute)
		}
		paid := int64(0)
		st := statuses[i%len(statuses)]
		if st == models.OrderProcessing || st == models.OrderCompleted {
			paid = int64(1000 + i%97*100)
		}
		rows[i] = models.Order{OrderNo: fmt.Sprintf("CS2611%08dX", i), MerchantID: merchants[i%len(merchants)],
			BuyerID: uint(100 + i%11), ProductID: products[i%len(products)], SpecID: 1, Kind: kinds[(i/2)%len(kinds)], Status: st,
			ProductType: models.ProductSaaS, ProductNameZh: fmt.Sprintf("商品%d", i%len(products)), ProductNameEn: fmt.Sprintf("Product %d", i%len(products)),
			SpecName: "基础版", CustomerName: fmt.Sprintf("Customer %c Ltd", 'A'+rune(i%7)), CustomerEmail: "buyer@example.com",
			AmountFen: int64(1000 + i%97*100), PaidFen: paid, CreatedAt: at, UpdatedAt: at, Version: 1}
	}
	if err := env.DB.W.CreateInBatches(&rows, 500).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// walk reads every page of a list forward, then back again from the last page, and
// returns the order numbers in list order; it fails on a page of the wrong size and on
// a backward walk that does not retrace the forward one.
func walk(t *testing.T, env *testdb.Env, mid uint, f models.OrderFilter) []string {
	t.Helper()
	ctx := context.Background()
	var pages [][]string
	var cur models.OrderCursor
	for i := 0; ; i++ {
		p, err := env.Store.Orders(ctx, mid, f, cur)
		if err != nil {
			t.Fatal(err)
		}
		if (i == 0) != (p.Prev == "") {
			t.Fatalf("page %d: prev cursor %q", i, p.Prev)
		}
		if p.Next != "" && len(p.Rows) != models.OrderPageSize {
			t.Fatalf("page %d has %d rows and a next page", i, len(p.Rows))
		}
		pages = append(pages, orderNos(p.Rows))
		if p.Next == "" {
			break
		}
		cur = models.OrderCursor{After: p.Next}
		if i > 1000 {
			t.Fatal("no end of pages")
		}
	}
	// Back from the last page: each previous page is the one seen before it.
	last, err := env.Store.Orders(ctx, mid, f, models.OrderCursor{After: lastCursor(t, env, mid, f, len(pages))})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(pages) - 2; i >= 0 && last.Prev != ""; i-- {
		prev, err := env.Store.Orders(ctx, mid, f, models.OrderCursor{Before: last.Prev})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(orderNos(prev.Rows), ","), strings.Join(pages[i], ","); got != want {
			t.Fatalf("page %d going back:\n got %s\nwant %s", i, got, want)
		}
		if (i == 0) != (prev.Prev == "") {
			t.Fatalf("page %d going back: prev cursor %q", i, prev.Prev)
		}
		if prev.Next == "" {
			t.Fatalf("page %d going back has no next cursor", i)
		}
		last = prev
	}
	var out []string
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
}

// lastCursor is the cursor that leads to the n-th (last) page.
func lastCursor(t *testing.T, env *testdb.Env, mid uint, f models.OrderFilter, n int) string {
	var cur models.OrderCursor
	after := ""
	for i := 0; i < n-1; i++ {
		p, err := env.Store.Orders(context.Background(), mid, f, cur)
		if err != nil {
			t.Fatal(err)
		}
		after = p.Next
		cur = models.OrderCursor{After: p.Next}
	}
	return after
}

func orderNos(rows []models.OrderRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.OrderNo
	}
	return out
}

// expected filters and sorts the seeded orders in Go, the way the list should.
func expected(all []models.Order, mid uint, f models.OrderFilter) []string {
	var rows []models.Order
	for _, o := range all {
		if o.MerchantID != mid || (f.OrderNo != "" && o.OrderNo != f.OrderNo) || (f.Status != "" && o.Status != f.Status) ||
			(f.Kind != "" && o.Kind != f.Kind) || (f.ProductID != 0 && o.ProductID != f.ProductID) ||
			(f.From != nil && o.CreatedAt.Before(*f.From)) || (f.To != nil && !o.CreatedAt.Before(*f.To)) ||
			(f.Customer != "" && !strings.Contains(strings.ToLower(o.CustomerName), strings.ToLower(f.Customer))) {
			continue
		}
		rows = append(rows, o)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		var c int
		switch f.Sort {
		case models.SortAmountAsc, models.SortAmountDesc:
			c = cmp.Compare(a.AmountFen, b.AmountFen)
		default:
			c = a.CreatedAt.Compare(b.CreatedAt)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if f.Sort == models.SortCreatedAsc || f.Sort == models.SortAmountAsc {
			return c < 0
		}
		return c > 0
	})
	out := make([]string, len(rows))
	for i, o := range rows {
		out[i] = o.OrderNo
	}
	return out
}

func TestOrderListPagesEverySortWithoutSkipsOrDuplicates(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	all := seedOrders(t, env, 1200, []uint{7, 8}, []uint{3, 4, 5})
	for _, s := range append([]string{""}, models.OrderSorts...) {
		f := models.OrderFilter{Sort: s}
		got, want := walk(t, env, 7, f), expected(all, 7, f)
		if len(want) != 600 || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("sort %q: %d rows, want %d in order", s, len(got), len(want))
		}
	}
}

func TestOrderListFilters(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	all := seedOrders(t, env, 900, []uint{7, 8}, []uint{3, 4, 5})
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := all[400].CreatedAt.In(loc).Format(time.DateOnly)
	from, to, err := models.DayBounds(loc, day, day)
	if err != nil {
		t.Fatal(err)
	}
	cases := []models.OrderFilter{
		{OrderNo: all[10].OrderNo},
		{OrderNo: all[11].OrderNo}, // merchant 8's: not in 7's list
		{Customer: "customer c"},
		{Customer: "%"}, // a LIKE wildcard is a plain character here
		{Customer: "_"},
		{ProductID: 4},
		{Status: models.OrderCompleted},
		{Kind: models.OrderRenew},
		{From: from, To: to},
		{From: from},
		{To: to, Sort: models.SortAmountAsc},
		{Status: models.OrderProcessing, Kind: models.OrderNew, ProductID: 3, Sort: models.SortAmountDesc},
		{Customer: "LTD", Status: models.OrderPendingPayment, From: from, Sort: models.SortCreatedAsc},
	}
	nonEmpty := 0
	for _, f := range cases {
		got, want := walk(t, env, 7, f), expected(all, 7, f)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("filter %+v: got %d rows %v…, want %d", f, len(got), head(got), len(want))
		}
		if len(want) > 0 {
			nonEmpty++
		} else {
			t.Logf("filter %+v selects nothing", f)
		}
		n, err := env.Store.CountOrders(context.Background(), 7, f, 0)
		if err != nil || n != int64(len(want)) {
			t.Errorf("filter %+v: count %d (%v), want %d", f, n, err, len(want))
		}
	}
	if nonEmpty < len(cases)-3 {
		t.Fatalf("only %d of the filters select anything: the fixture is too thin", nonEmpty)
	}
}

func head(s []string) []string {
	if len(s) > 3 {
		return s[:3]
	}
	return s
}

func TestOrderCursorsAreOpaqueAndSafe(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	seedOrders(t, env, 300, []uint{7, 8}, []uint{3})
	ctx := context.Background()
	first, err := env.Store.Orders(ctx, 7, models.OrderFilter{}, models.OrderCursor{})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	// Malformed, foreign-sort and hostile cursors read as no cursor: the first page.
	for _, c := range []string{"x", "!!!", strings.Repeat("A", 500), "YTox", base64.RawURLEncoding.EncodeToString([]byte("c:z!:1")),
		base64.RawURLEncoding.EncodeToString([]byte("c:1:0")), base64.RawURLEncoding.EncodeToString([]byte("c:1' OR 1=1 --:1")),
		base64.RawURLEncoding.EncodeToString([]byte("a:100:5"))} {
		for _, cur := range []models.OrderCursor{{After: c}, {Before: c}} {
			p, err := env.Store.Orders(ctx, 7, models.OrderFilter{}, cur)
			if err != nil {
				t.Fatalf("cursor %q: %v", c, err)
			}
			if strings.Join(orderNos(p.Rows), ",") != strings.Join(orderNos(first.Rows), ",") {
				t.Fatalf("cursor %q did not read as the first page", c)
			}
		}
	}
	// An amount cursor on the created-at list is another sort's: the first page again.
	byAmount, _ := env.Store.Orders(ctx, 7, models.OrderFilter{Sort: models.SortAmountDesc}, models.OrderCursor{})
	p, _ := env.Store.Orders(ctx, 7, models.OrderFilter{}, models.OrderCursor{After: byAmount.Next})
	if p.Prev != "" {
		t.Fatal("a cursor of another sort was followed")
	}
	// A cursor taken from merchant 8's list, used on 7's, shows only 7's orders.
	other, _ := env.Store.Orders(ctx, 8, models.OrderFilter{}, models.OrderCursor{})
	p, err = env.Store.Orders(ctx, 7, models.OrderFilter{}, models.OrderCursor{After: other.Next})
	if err != nil || len(p.Rows) == 0 {
		t.Fatalf("foreign cursor: %v, %d rows", err, len(p.Rows))
	}
	for _, r := range p.Rows {
		if r.MerchantID != 7 {
			t.Fatalf("merchant 7's list shows order %s of merchant %d", r.OrderNo, r.MerchantID)
		}
	}
	if _, err := env.Store.Orders(ctx, 0, models.OrderFilter{}, models.OrderCursor{}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a list without a merchant: %v", err)
	}
}

func TestDayBounds(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	from, to, err := models.DayBounds(loc, "2026-11-01", "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	if !from.Equal(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("bounds %v – %v", from, to)
	}
	if from, to, err := models.DayBounds(loc, "", ""); err != nil || from != nil || to != nil {
		t.Fatalf("no dates: %v %v %v", from, to, err)
	}
	for _, r := range [][2]string{{"2026-13-01", ""}, {"", "24/11/2026"}, {"2026-11-25", "2026-11-24"}, {"0001-01-01", ""}, {"2026-11-01'--", ""}} {
		if _, _, err := models.DayBounds(loc, r[0], r[1]); !errors.Is(err, models.ErrBadDate) {
			t.Errorf("%q–%q: %v, want ErrBadDate", r[0], r[1], err)
		}
	}
}

func TestEachOrderStreamsTheListInOrder(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	all := seedOrders(t, env, 400, []uint{7, 8}, []uint{3, 4})
	f := models.OrderFilter{Status: models.OrderCompleted, Sort: models.SortAmountAsc}
	var got []string
	err := env.Store.EachOrder(context.Background(), 7, f, func(r *models.OrderExportRow) error {
		got = append(got, r.OrderNo)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := expected(all, 7, f); len(want) == 0 || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("streamed %d rows, want %d in list order", len(got), len(want))
	}
	n, err := env.Store.CountOrders(context.Background(), 7, models.OrderFilter{}, 10)
	if err != nil || n != 11 {
		t.Fatalf("capped count %d (%v), want 11", n, err)
	}
}

// A cancelled export stops within a bounded number of rows, on SQLite too, where the
// statement runs detached from the context's cancellation for speed.
func TestEachOrderStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	seedOrders(t, env, 2500, []uint{7}, []uint{3})
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := env.Store.EachOrder(ctx, 7, models.OrderFilter{}, func(*models.OrderExportRow) error {
		calls++
		if calls == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls < 10 || calls > 1100 {
		t.Fatalf("cancelled export: %v after %d rows of 2500", err, calls)
	}
	calls = 0
	if err := env.Store.EachOrder(ctx, 7, models.OrderFilter{}, func(*models.OrderExportRow) error { calls++; return nil }); !errors.Is(err, context.Canceled) || calls != 0 {
		t.Fatalf("export on a cancelled context: %v after %d rows", err, calls)
	}
	// The pages and the full stream still read everything when nobody cancels.
	n := 0
	must(t, env.Store.EachOrder(context.Background(), 7, models.OrderFilter{}, func(*models.OrderExportRow) error { n++; return nil }))
	if n != 2500 {
		t.Fatalf("streamed %d of 2500", n)
	}
}

func TestOrderDetailMasksTheBuyer(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	o := seedOrders(t, env, 2, []uint{7, 8}, []uint{3})[0]
	now := env.Clock.Now()
	db := env.DB.W
	lines := []models.OrderLine{{OrderID: o.ID, LineNo: models.LineNo(o.OrderNo, 2), SpecID: 1, SKUCode: "SKU2", BillingMode: "period", PeriodType: "month", PeriodCount: 3, Quantity: 2, UnitFen: 100, AmountFen: 600},
		{OrderID: o.ID, LineNo: models.LineNo(o.OrderNo, 1), SpecID: 1, SKUCode: "SKU1", BillingMode: "period", PeriodType: "year", PeriodCount: 1, Quantity: 1, UnitFen: 1000, AmountFen: 1000}}
	must(t, db.Create(&lines).Error)
	must(t, db.Create(&models.OrderEvent{OrderID: o.ID, ToStatus: models.OrderPendingPayment, Note: "order.event.created", CreatedAt: now}).Error)
	must(t, db.Create(&models.OrderEvent{OrderID: o.ID, FromStatus: models.OrderPendingPayment, ToStatus: models.OrderProcessing, CreatedAt: now.Add(time.Minute)}).Error)
	must(t, db.Create(&models.Payment{OrderID: o.ID, BuyerID: o.BuyerID, AmountFen: 1600, Reference: "PAY1", PaidAt: now}).Error)
	must(t, db.Create(&models.BuyerProfile{UserID: o.BuyerID, SubjectType: models.BuyerEnterprise, Mobile: "13812345678", CreatedAt: now, UpdatedAt: now}).Error)

	if _, err := env.Store.OrderDetail(ctx, 8, o.OrderNo); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant's order: %v", err)
	}
	d, err := env.Store.OrderDetail(ctx, 7, o.OrderNo)
	if err != nil {
		t.Fatal(err)
	}
	if d.BuyerEmail != "b***@example.com" || d.BuyerMobile != "138****5678" || d.BuyerSubject != models.BuyerEnterprise {
		t.Fatalf("buyer shown as %q %q %q", d.BuyerEmail, d.BuyerMobile, d.BuyerSubject)
	}
	if len(d.Lines) != 2 || d.Lines[0].SKUCode != "SKU1" || len(d.Events) != 2 || d.Events[1].ToStatus != models.OrderProcessing ||
		d.Payment == nil || d.Payment.Reference != "PAY1" {
		t.Fatalf("detail %+v", d)
	}
	if a, err := env.Store.AdminOrderDetail(ctx, o.OrderNo); err != nil || a.Order.ID != o.ID || a.BuyerEmail != d.BuyerEmail {
		t.Fatalf("console detail: %v", err)
	}
	for in, want := range map[string]string{"": "", "x": "***", "ab@c.io": "a***@c.io", "张三@例子.cn": "张***@例子.cn"} {
		if got := models.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"": "", "123": "***", "12345678": "******78", "+8613812345678": "+86*******5678"} {
		if got := models.MaskMobile(in); got != want {
			t.Errorf("MaskMobile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestListAndExportKeepTrickyTextAndTimes(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 3, 4, 5, 123456000, time.UTC)
	o := models.Order{OrderNo: "CS2611240304TRICK", MerchantID: 7, BuyerID: 1, ProductID: 3, SpecID: 1, Kind: models.OrderNew,
		Status: models.OrderCompleted, ProductType: models.ProductSaaS, ProductNameZh: "云😀,\"引号\"\n换行", ProductNameEn: "",
		SpecName: "a\x1fb", CustomerName: "x\x1f\x1fy || char(31)", AmountFen: -12345, PaidFen: 0, RefundedFen: 12345,
		CreatedAt: at, UpdatedAt: at, Version: 1}
	must(t, env.DB.W.Create(&o).Error)
	// On SQLite the unit separator, which packs a row's columns, reads as a space.
	spec, customer := o.SpecName, o.CustomerName
	if env.DB.Dialect == models.SQLite {
		spec, customer = "a b", "x  y || char(31)"
	}
	p, err := env.Store.Orders(ctx, 7, models.OrderFilter{}, models.OrderCursor{})
	if err != nil || len(p.Rows) != 1 {
		t.Fatalf("%v, %d rows", err, len(p.Rows))
	}
	r := p.Rows[0]
	if r.ID != o.ID || r.OrderNo != o.OrderNo || !r.CreatedAt.Equal(at) || r.ProductNameZh != o.ProductNameZh || r.SpecName != spec ||
		r.CustomerName != customer || r.AmountFen != o.AmountFen || r.MerchantID != 7 || r.Status != o.Status || r.Kind != o.Kind {
		t.Fatalf("list row %+v", r)
	}
	if ap, err := env.Store.AdminOrders(ctx, models.OrderFilter{}, models.OrderCursor{}); err != nil || len(ap.Rows) != 1 || ap.Rows[0].MerchantName != "" {
		t.Fatalf("console row of a merchant without a record: %v %+v", err, ap.Rows)
	}
	var got models.OrderExportRow
	must(t, env.Store.EachOrder(ctx, 7, models.OrderFilter{}, func(e *models.OrderExportRow) error { got = *e; return nil }))
	if got.OrderNo != o.OrderNo || !got.CreatedAt.Equal(at) || got.ProductNameZh != o.ProductNameZh || got.SpecName != spec ||
		got.CustomerName != customer || got.AmountFen != -12345 || got.PaidFen != 0 || got.RefundedFen != 12345 {
		t.Fatalf("export row %+v", got)
	}
}

func TestParseStoredTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 11, 24, 3, 4, 5, 120000000, time.UTC)
	for _, s := range []string{"2026-11-24 03:04:05.12+00:00", "2026-11-24 11:04:05.12+08:00", "2026-11-23 22:04:05.12-05:00",
		"2026-11-24T03:04:05.12Z", "2026-11-24 03:04:05.120000000+00:00"} {
		if got, err := models.ParseStoredTime(s); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	if got, err := models.ParseStoredTime("2026-11-24 03:04:05+00:00"); err != nil || !got.Equal(want.Truncate(time.Second)) {
		t.Errorf("whole seconds: %v %v", got, err)
	}
	for _, s := range []string{"", "yesterday", "2026-11-24 03:04:05+0x:00", "2026-1x-24 03:04:05+00:00"} {
		if _, err := models.ParseStoredTime(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}
