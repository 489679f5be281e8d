package seed_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/seed"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestSeedDemoGoesThroughEveryState(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	logins, err := seed.Demo(ctx, env.Store, randomPut)
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) != 5 {
		t.Fatalf("%d demo logins", len(logins))
	}
	for _, l := range logins {
		if len(l.Password) < 12 {
			t.Fatalf("weak demo password for %s", l.Email)
		}
	}
	if ok, _ := seed.Seeded(ctx, env.Store); !ok {
		t.Fatal("Seeded() is false after seeding")
	}
	// The demo buyer's organisation holds the 联营 app, synced to the reference endpoint,
	// and its user signs in to it.
	var kitCalls []models.SaaSCall
	env.DB.R.Where("kit_binding_id > 0").Order("id").Find(&kitCalls)
	var acts []string
	for _, c := range kitCalls {
		if c.Status != models.CallSucceeded {
			t.Fatalf("demo kit call %s: %s %s", c.Activity, c.Status, c.Problem)
		}
		acts = append(acts, c.Activity)
	}
	if strings.Join(acts, ",") != "tenantSync,applicationSync,allOrgSync,authSync" {
		t.Fatalf("demo kit calls %v", acts)
	}
	var kit seed.DemoLogin
	for _, l := range logins {
		if l.Role == "kit" {
			kit = l
		}
	}
	app, _ := env.Store.KitAppByLoginURL(ctx, seed.DefaultDemoSaaSAddress+"/login")
	if who, err := env.Store.KitAuthenticate(ctx, app.ClientID, kit.Email, kit.Password, "127.0.0.1"); err != nil || who.Role != models.KitRoleAdmin {
		t.Fatalf("the demo organisation user signs in: %+v %v", who, err)
	}
	m, _ := env.Store.UserByEmail(ctx, seed.DemoMerchantEmail)
	merchant, _ := env.Store.MerchantByID(ctx, *m.MerchantID)
	if !merchant.Active() {
		t.Fatal("the demo merchant is not active")
	}
	h, _ := env.Store.UserByEmail(ctx, seed.DemoHalfwayEmail)
	half, _ := env.Store.MerchantByID(ctx, *h.MerchantID)
	if half.Active() || half.ApplicationStatus != models.ApplicationPending {
		t.Fatalf("half-way merchant %s active=%v", half.ApplicationStatus, half.Active())
	}
	states := map[string]string{}
	var rows []struct{ Type, Status string }
	env.DB.R.Table("products p").Select("p.type, a.status").Joins("JOIN product_applications a ON a.product_id = p.id").Scan(&rows)
	for _, r := range rows {
		states[r.Type+" "+r.Status] = r.Status
	}
	for _, want := range []string{"saas APPROVED", "image APPROVED", "license APPROVED", "hardware APPROVED", "service APPROVED",
		"saas PENDING", "service REJECTED", "saas DRAFT"} {
		if states[want] == "" {
			t.Errorf("no %s product application: %v", want, states)
		}
	}
	// Every type is on sale in the catalog, each product in its own category.
	var onSale []struct{ Type, Category string }
	env.DB.R.Table("products").Select("type, category").Where("listing = ?", models.ListingOnSale).Scan(&onSale)
	types, cats := map[string]bool{}, map[string]bool{}
	for _, p := range onSale {
		types[p.Type], cats[p.Category] = true, true
	}
	if len(types) != 5 || len(cats) < 5 {
		t.Errorf("on sale: %v", onSale)
	}
	// A year of sales spread over days and customers, growing, most of it delivered.
	var spread struct {
		Days, Customers, Orders int64
		First                   time.Time
	}
	env.DB.R.Raw(`SELECT COUNT(DISTINCT substr(CAST(paid_at AS TEXT), 1, 10)) AS days, COUNT(DISTINCT buyer_id) AS customers, COUNT(*) AS orders,
		MIN(paid_at) AS first FROM orders WHERE paid_at IS NOT NULL`).Scan(&spread)
	if spread.Days < 150 || spread.Customers < 6 || spread.Orders < 250 || env.Clock.Now().Sub(spread.First) < 330*24*time.Hour {
		t.Errorf("history: %+v", spread)
	}
	var firstHalf, secondHalf int64
	midYear := env.Clock.Now().AddDate(0, -6, 0)
	env.DB.R.Model(&models.Order{}).Where("paid_at IS NOT NULL AND paid_at < ?", midYear).Count(&firstHalf)
	env.DB.R.Model(&models.Order{}).Where("paid_at >= ?", midYear).Count(&secondHalf)
	if secondHalf <= firstHalf {
		t.Errorf("no growth: %d orders in the first half year, %d in the second", firstHalf, secondHalf)
	}
	// The approved image asset carries its scan report.
	var report string
	env.DB.R.Model(&models.Asset{}).Where("kind = ? AND status = ?", models.AssetImage, models.AssetApproved).Pluck("scan_report", &report)
	if len(report) < 20 {
		t.Errorf("image asset scan report %q", report)
	}
	b, _ := env.Store.UserByEmail(ctx, seed.DemoBuyerEmail)
	orders, _, err := env.Store.BuyerOrders(ctx, b.ID, models.BuyerOrderFilter{Page: 1, Per: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, o := range orders {
		seen[o.Status]++
		seen[o.Kind]++
		if o.MerchantID != *m.MerchantID || o.CustomerName == "" {
			t.Errorf("demo order %s of merchant %d for %q", o.OrderNo, o.MerchantID, o.CustomerName)
		}
	}
	for _, k := range []string{models.OrderCompleted, models.OrderProcessing, models.OrderPendingPayment, models.OrderCancelled, models.OrderTrial, models.OrderRenew, models.OrderUnsubscribe} {
		if seen[k] == 0 {
			t.Errorf("no demo order %s: %v", k, seen)
		}
	}
	// After-sales: an unsubscription refunded, a negotiated request waiting for the
	// merchant, a rejected one the buyer disputed.
	cases, _, err := env.Store.MerchantRefunds(ctx, *m.MerchantID, models.RefundFilter{Page: 1, Per: 10})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, c := range cases {
		kinds[c.Kind+" "+c.Status+" "+strconv.FormatBool(c.DisputeOpen())] = true
	}
	for _, want := range []string{"unsubscribe REFUNDED false", "negotiated REQUESTED false", "negotiated REJECTED true"} {
		if !kinds[want] {
			t.Errorf("no demo case %q: %v", want, kinds)
		}
	}
	if n, err := env.Store.OpenDisputes(ctx); err != nil || n != 1 {
		t.Errorf("%d open disputes (%v)", n, err)
	}
	// Settlement: a bill for every month of the year, each reconciling, and one stopped
	// at every step of the pipeline; the older ones paid with their references.
	bills, err := env.Store.BillsOfMerchant(ctx, *m.MerchantID)
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]int{}
	for _, bl := range bills {
		stages[bl.Status]++
		var sum struct{ N, Amount, Fee int64 }
		env.DB.R.Raw(`SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN kind <> 'adjustment' THEN amount_fen ELSE 0 END), 0) AS amount,
			COALESCE(SUM(fee_fen), 0) AS fee FROM bill_lines WHERE bill_id = ?`, bl.ID).Scan(&sum)
		if sum.N != bl.Lines || sum.Amount != bl.AmountFen || sum.Fee != bl.FeeFen || bl.PayableFen != bl.AmountFen-bl.FeeFen+bl.AdjustFen {
			t.Errorf("demo bill %s does not reconcile: %+v %+v", bl.Period, sum, bl)
		}
	}
	for _, st := range []string{models.BillGenerated, models.BillSent, models.BillCountersigned, models.BillInvoiced, models.BillReturned,
		models.BillPaying, models.BillPaid} {
		if stages[st] == 0 {
			t.Errorf("no demo bill %s: %v", st, stages)
		}
	}
	if len(bills) < 11 {
		t.Errorf("%d demo bills", len(bills))
	}
}

// TestSeedDemoBillsBeforeTheBillDay: seeded in the first days of a month, before its
// bill day, the demo has no bill of last month yet and still one at every step.
func TestSeedDemoBillsBeforeTheBillDay(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	env.Clock.Set(time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)) // noon on the 2nd in Beijing; the run is on the 3rd
	if _, err := seed.Demo(ctx, env.Store, randomPut); err != nil {
		t.Fatal(err)
	}
	m, _ := env.Store.UserByEmail(ctx, seed.DemoMerchantEmail)
	bills, err := env.Store.BillsOfMerchant(ctx, *m.MerchantID)
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]int{}
	for _, bl := range bills {
		if bl.Period >= "202611" {
			t.Errorf("a bill of %s before its run", bl.Period)
		}
		stages[bl.Status]++
	}
	for _, st := range []string{models.BillGenerated, models.BillSent, models.BillCountersigned, models.BillInvoiced, models.BillReturned,
		models.BillPaying, models.BillPaid} {
		if stages[st] == 0 {
			t.Errorf("no demo bill %s: %v", st, stages)
		}
	}
}

// randomPut stores nothing and names each file at random.
func randomPut(context.Context, []byte) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b), nil
}
