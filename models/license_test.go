package models_test

import (
	"errors"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// licenseShop is a provisioning shop with a License product delivered by online codes,
// its changes pushed to a License address of the reference endpoint.
type licenseShop struct {
	*provisioning
	license models.Product
	lspecs  []models.Spec
}

func newLicenseShop(t *testing.T) *licenseShop {
	t.Helper()
	p := newProvisioning(t, models.ProtocolV2, nil)
	addr, err := p.env.Store.SaveProductionAddress(p.ctx, models.Actor{}, p.mid, 0, models.AddressInput{Name: "license",
		InterfaceType: models.InterfaceLicense, Protocol: models.ProtocolV2, URL: p.ep.srv.URL + "/license", KeyID: p.addr.KeyID, AllowDev: true})
	if err != nil {
		t.Fatal(err)
	}
	l := &licenseShop{provisioning: p}
	l.license, l.lspecs = testdb.ListedProduct(t, p.env, p.mid, models.ProductContent{Type: models.ProductLicense, NameZh: "文档加密", NameEn: "DocGuard",
		SalesObjects: models.SalesAll, License: &models.LicenseFields{Delivery: models.LicenseOnlineCode, AddressID: &addr.ID},
		Specs: []models.SpecContent{{Key: "m", Name: "10 终端", BillingMode: models.BillingPeriod, MonthFen: fen(10000)}}})
	return l
}

func (l *licenseShop) codeOf(t *testing.T, orderNo string) models.LicenseCode {
	t.Helper()
	codes, err := l.env.Store.LicenseCodesOfOrder(l.ctx, l.buyer.ID, 0, orderNo)
	if err != nil || len(codes) != 1 {
		t.Fatalf("codes of %s: %v %v", orderNo, codes, err)
	}
	return codes[0]
}

func licenseCode(err error) string {
	var le *models.LicenseError
	if errors.As(err, &le) {
		return le.Code
	}
	return ""
}

// TestLicenseCodeLifecycle: payment issues one code; activation before the claim is
// 92020004, by another merchant 92020005; the buyer claims it once; activation succeeds
// once (then 92020003) and not before the order time; heartbeats report the status;
// the period's end expires it and pushes FREEZE, a renewal refreshes and unfreezes it,
// activation delivers the order; unsubscription (of an order not yet delivered) releases
// its code and pushes releaseLicenseCode; a released code's heartbeat is 92020003; every
// push reaches the License address in order.
func TestLicenseCodeLifecycle(t *testing.T) {
	l := newLicenseShop(t)
	st := l.env.Store
	o := l.buyPaid(t, models.PurchaseInput{ProductID: l.license.ID, SKU: l.lspecs[0].SKUCode, PeriodType: models.PeriodMonth})
	lc := l.codeOf(t, o.OrderNo)
	if lc.Status != models.LicenseAlive || lc.ClaimedAt != nil || lc.ExpiresAt == nil || len(lc.Code) != 29 {
		t.Fatalf("issued %+v", lc)
	}
	if _, err := st.ActivateLicense(l.ctx, l.mid, lc.Code, nil); licenseCode(err) != models.LicenseNotClaimed {
		t.Fatalf("activation before the claim: %v", err)
	}
	other := activeMerchant(t, l.env, "other-m@example.com")
	if _, err := st.ActivateLicense(l.ctx, *other.MerchantID, lc.Code, nil); licenseCode(err) != models.LicenseNoSuchCode {
		t.Fatalf("another merchant's activation: %v", err)
	}
	if _, err := st.ClaimLicenseCode(l.ctx, l.act, l.buyer.ID+1000, o.OrderNo, lc.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer's claim: %v", err)
	}
	if _, err := st.ClaimLicenseCode(l.ctx, l.act, l.buyer.ID, o.OrderNo, lc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimLicenseCode(l.ctx, l.act, l.buyer.ID, o.OrderNo, lc.ID); !errors.Is(err, models.ErrLicenseClaimed) {
		t.Fatalf("claimed twice: %v", err)
	}
	early := lc.CreatedAt.Add(-time.Hour)
	if _, err := st.ActivateLicense(l.ctx, l.mid, lc.Code, &early); licenseCode(err) != models.LicenseInvalid {
		t.Fatalf("an effect time before the order: %v", err)
	}
	act, err := st.ActivateLicense(l.ctx, l.mid, lc.Code, nil)
	if err != nil || act.ActivatedAt == nil {
		t.Fatalf("activation: %+v %v", act, err)
	}
	if _, err := st.ActivateLicense(l.ctx, l.mid, lc.Code, nil); licenseCode(err) != models.LicenseIllegalState {
		t.Fatalf("activated twice: %v", err)
	}
	if got := l.orderStatus(t, o.OrderNo); got != models.OrderCompleted {
		t.Fatalf("the activation did not deliver the order: %s", got)
	}
	if hb, err := st.LicenseHeartbeat(l.ctx, l.mid, lc.Code); err != nil || hb.Status != models.LicenseAlive || hb.HeartbeatAt == nil {
		t.Fatalf("heartbeat %+v %v", hb, err)
	}
	if _, err := st.LicenseHeartbeat(l.ctx, l.mid, "NO-SUCH-CODE"); licenseCode(err) != models.LicenseNoSuchCode {
		t.Fatalf("heartbeat of an unknown code: %v", err)
	}
	// The month ends: the code expires and FREEZE is pushed.
	l.env.Clock.Advance(32 * 24 * time.Hour)
	if n, err := st.SweepLicenseCodes(l.ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	l.run(t)
	if lc = l.codeOf(t, o.OrderNo); lc.Status != models.LicenseExpired || l.ep.demo.License(lc.Code) != "FREEZE" {
		t.Fatalf("after the period: %s, endpoint %q", lc.Status, l.ep.demo.License(lc.Code))
	}
	// A renewal brings it back: refreshLicenseCode with the new end, then UNFREEZE.
	ren, err := st.Renew(l.ctx, l.act, l.buyer.ID, *o.SubscriptionID, models.PeriodInput{PeriodType: models.PeriodMonth, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pay(l.ctx, l.act, l.buyer.ID, ren.OrderNo); err != nil {
		t.Fatal(err)
	}
	l.run(t)
	if lc = l.codeOf(t, o.OrderNo); lc.Status != models.LicenseAlive || !lc.ExpiresAt.After(l.env.Clock.Now()) || l.ep.demo.License(lc.Code) != "ACTIVE" {
		t.Fatalf("after the renewal: %s until %v, endpoint %q", lc.Status, lc.ExpiresAt, l.ep.demo.License(lc.Code))
	}
	var pushes []models.SaaSCall
	l.env.DB.R.Where("license_code_id = ?", lc.ID).Order("id").Find(&pushes)
	want := []string{models.PurposeLicenseFreeze, models.PurposeLicenseRefresh, models.PurposeLicenseUnfreeze}
	if len(pushes) != len(want) {
		t.Fatalf("%d pushes", len(pushes))
	}
	for i, c := range pushes {
		if c.Purpose != want[i] || c.Status != models.CallSucceeded {
			t.Fatalf("push %d: %s %s (%s)", i, c.Purpose, c.Status, c.FailedCheck)
		}
	}
	// Unsubscription of an order whose code was not activated (still in its guarantee
	// period) releases its code.
	o = l.buyPaid(t, models.PurchaseInput{ProductID: l.license.ID, SKU: l.lspecs[0].SKUCode, PeriodType: models.PeriodMonth})
	r, err := st.RequestRefund(l.ctx, l.act, l.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, Reason: "不再使用", AmountFen: 100, Key: "lic-refund"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApproveRefund(l.ctx, models.Actor{UserID: l.merchant.ID}, l.mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "同意"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PayRefund(l.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	l.run(t)
	if lc = l.codeOf(t, o.OrderNo); lc.Status != models.LicenseReleased || l.ep.demo.License(lc.Code) != "RELEASED" {
		t.Fatalf("after unsubscription: %s, endpoint %q", lc.Status, l.ep.demo.License(lc.Code))
	}
	if _, err := st.LicenseHeartbeat(l.ctx, l.mid, lc.Code); licenseCode(err) != models.LicenseIllegalState {
		t.Fatalf("heartbeat of a released code: %v", err)
	}
	if _, err := st.ActivateLicense(l.ctx, l.mid, lc.Code, nil); licenseCode(err) != models.LicenseIllegalState {
		t.Fatalf("activation of a released code: %v", err)
	}
}

// TestTestLicenseCodes: a merchant's test codes are claimed already, activate and beat,
// are never pushed, and are limited; another merchant's product gives none.
func TestTestLicenseCodes(t *testing.T) {
	l := newLicenseShop(t)
	st := l.env.Store
	ma := models.Actor{UserID: l.merchant.ID}
	lc, err := st.RequestTestLicenseCode(l.ctx, ma, l.mid, l.license.ID)
	if err != nil || !lc.Test || lc.ClaimedAt == nil || lc.ProductCode == "" {
		t.Fatalf("test code %+v %v", lc, err)
	}
	if _, err := st.ActivateLicense(l.ctx, l.mid, lc.Code, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LicenseHeartbeat(l.ctx, l.mid, lc.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RequestTestLicenseCode(l.ctx, ma, l.mid, l.product.ID); err == nil {
		t.Fatal("a test code of a SaaS product")
	}
	other := activeMerchant(t, l.env, "other-m@example.com")
	if _, err := st.RequestTestLicenseCode(l.ctx, models.Actor{UserID: other.ID}, *other.MerchantID, l.license.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant's product: %v", err)
	}
	for range models.MaxTestLicenseCodes - 1 {
		if _, err := st.RequestTestLicenseCode(l.ctx, ma, l.mid, l.license.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RequestTestLicenseCode(l.ctx, ma, l.mid, l.license.ID); !errors.Is(err, models.ErrTestCodeLimit) {
		t.Fatalf("over the limit: %v", err)
	}
	var pushes int64
	l.env.DB.R.Model(&models.SaaSCall{}).Where("license_code_id > 0").Count(&pushes)
	if pushes != 0 {
		t.Fatalf("%d pushes of test codes", pushes)
	}
}
