package models_test

import (
	"errors"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func (s *shop) licenseProduct(t *testing.T, variant string) (models.Product, []models.Spec) {
	t.Helper()
	return testdb.ListedProduct(t, s.env, s.mid, models.ProductContent{Type: models.ProductLicense, NameZh: "设计软件 " + variant, NameEn: "CAD " + variant,
		SalesObjects: models.SalesAll, License: &models.LicenseFields{Delivery: variant},
		Specs: []models.SpecContent{{Key: "p", Name: "永久授权", BillingMode: models.BillingOneTime, OneTimeFen: fen(100000)}}})
}

// TestLicenseDeliveryVariants: a system code is generated at payment and the merchant
// delivers a key; a hardware code is typed by the buyer (format checked) before the
// merchant can deliver a file, which only the order's parties read; an offline delivery
// needs its proof; a package deployment completes with the buyer's acceptance, once; none
// of these orders completes by the merchant's hand.
func TestLicenseDeliveryVariants(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	ma := models.Actor{UserID: s.merchant.ID}
	buy := func(variant string) models.Order {
		p, specs := s.licenseProduct(t, variant)
		return s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodOneTime}))
	}
	status := func(no string) string { return s.order(t, no).Order.Status }

	sys := buy(models.LicenseSystemCode)
	d, err := st.LicenseDeliveryOf(s.ctx, s.buyer.ID, 0, sys.OrderNo)
	if err != nil || d == nil || len(d.IdentCode) != 23 || d.IdentCode[:4] != "SYS-" {
		t.Fatalf("system code %+v %v", d, err)
	}
	if _, err := st.CompleteOrder(s.ctx, ma, s.mid, sys.OrderNo); !errors.Is(err, models.ErrByDelivery) {
		t.Fatalf("completed by hand: %v", err)
	}
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, sys.OrderNo, models.LicenseDeliveryInput{}); !errors.Is(err, models.ErrLicenseKeyOrFile) {
		t.Fatalf("delivered nothing: %v", err)
	}
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, sys.OrderNo, models.LicenseDeliveryInput{Key: "KEY-1234-ABCD"}); err != nil {
		t.Fatal(err)
	}
	if status(sys.OrderNo) != models.OrderCompleted {
		t.Fatal("the system-code order did not complete with its delivery")
	}
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, sys.OrderNo, models.LicenseDeliveryInput{Key: "again"}); !errors.Is(err, models.ErrDeliveryState) {
		t.Fatalf("delivered twice: %v", err)
	}

	hw := buy(models.LicenseHardwareCode)
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, hw.OrderNo, models.LicenseDeliveryInput{Key: "K"}); !errors.Is(err, models.ErrDeliveryState) {
		t.Fatalf("delivered before the hardware code: %v", err)
	}
	for _, bad := range []string{"", "short", "has space 123", "码码码码码码码码码", "-leading-dash-1"} {
		if _, err := st.SubmitHardwareCode(s.ctx, s.act, s.buyer.ID, hw.OrderNo, bad); !errors.Is(err, models.ErrHardwareCode) {
			t.Fatalf("hardware code %q: %v", bad, err)
		}
	}
	if _, err := st.SubmitHardwareCode(s.ctx, s.act, s.buyer.ID, hw.OrderNo, "00:1A:2B:3C:4D:5E"); err != nil {
		t.Fatal(err)
	}
	other := s.newBuyer(t, "other-lic@example.com", models.BuyerEnterprise)
	if _, err := st.SubmitHardwareCode(s.ctx, models.Actor{UserID: other.ID}, other.ID, hw.OrderNo, "00:1A:2B:3C:4D:5F"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer typed the code: %v", err)
	}
	file := evidence("license_file", 1)[0]
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, hw.OrderNo, models.LicenseDeliveryInput{File: &file}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LicenseDeliveryFile(s.ctx, s.buyer.ID, 0, hw.OrderNo); err != nil {
		t.Fatalf("the buyer's license file: %v", err)
	}
	if _, err := st.LicenseDeliveryFile(s.ctx, other.ID, 0, hw.OrderNo); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another buyer read the license file: %v", err)
	}

	off := buy(models.LicenseOffline)
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, off.OrderNo, models.LicenseDeliveryInput{Note: "已现场安装"}); !errors.Is(err, models.ErrOfflineProof) {
		t.Fatalf("offline delivery without proof: %v", err)
	}
	proof := evidence("offline_proof", 1)[0]
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, off.OrderNo, models.LicenseDeliveryInput{Note: "已现场安装", File: &proof}); err != nil {
		t.Fatal(err)
	}
	if status(off.OrderNo) != models.OrderCompleted {
		t.Fatal("the offline order did not complete")
	}

	pkg := buy(models.LicensePackage)
	if _, err := st.DeliverLicense(s.ctx, ma, s.mid, pkg.OrderNo, models.LicenseDeliveryInput{Key: "x"}); !errors.Is(err, models.ErrDeliveryState) {
		t.Fatalf("the merchant delivered a package deployment: %v", err)
	}
	if _, err := st.AcceptPackage(s.ctx, s.act, s.buyer.ID, pkg.OrderNo); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AcceptPackage(s.ctx, s.act, s.buyer.ID, pkg.OrderNo); !errors.Is(err, models.ErrDeliveryState) {
		t.Fatalf("accepted twice: %v", err)
	}
	if status(pkg.OrderNo) != models.OrderCompleted {
		t.Fatal("the package order did not complete")
	}
}
