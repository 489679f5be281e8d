package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/internal/jobs"
	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
	"sellercenter/web"
)

// passCases records the product's debug cases as the console does: real calls to the
// reference endpoint that passed.
func (s *provisionedShop) passCases(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	mid := s.merchant.MerchantID
	secret, k, err := s.ta.Store.SigningSecret(ctx, mid, s.addr.KeyID)
	must(t, err)
	instance := ""
	for _, act := range saasproto.RequiredActivities(saasproto.V2, []string{models.BillingPeriod}) {
		spec, _ := saasproto.Lookup(saasproto.V2, act)
		params := saasproto.Defaults(spec, s.ta.env.Clock.Now())
		if act != saasproto.NewInstance {
			params["instanceId"] = instance
		}
		call := saasproto.Call{Version: saasproto.V2, Activity: act, Address: s.addr.URL, AccessKey: secret, EncryptType: "1", Params: params, Now: s.ta.env.Clock.Now()}
		res, err := saasdebug.Send(ctx, outbound.New(outbound.Options{AllowPrivate: true}), call, 0)
		if err != nil || !res.Passed() {
			t.Fatalf("debug case %s: %v", act, err)
		}
		if act == saasproto.NewInstance {
			instance = res.Outcome.InstanceIDs[0]
		}
		rec := saasdebug.Record(call, res)
		pid, aid, kid := s.product.ID, s.addr.ID, k.ID
		rec.ProductID, rec.AddressID, rec.KeyID, rec.KeyGeneration = &pid, &aid, &kid, k.Generation
		_, err = s.ta.Store.RecordDebugCall(ctx, mid, rec)
		must(t, err)
	}
}

// TestProbesOverHTTP: the merchant reads the probe history and asks for a probe;
// reviewers stop sales with a reason, cannot restore before a probe passes, restore
// after one, and close flags on the supervision page.
func TestProbesOverHTTP(t *testing.T) {
	t.Parallel()
	s := newProvisionedShop(t, "")
	ta := s.ta
	ctx := context.Background()
	prober := &jobs.Prober{Store: ta.Store, Client: outbound.New(outbound.Options{AllowPrivate: true})}
	prober.RegisterPool(s.pool)
	must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", s.product.ID).Update("saas_address_id", s.addr.ID).Error)

	seller := ta.loggedIn("m@example.com")
	seller.get(web.SellerProductProbes(s.product.ID)).want(http.StatusOK)
	seller.post(web.SellerProductProbeRun(s.product.ID), nil).want(http.StatusSeeOther)
	s.run(t)
	// The product has no debug cases: the probe fails and says so.
	doc := seller.get(web.SellerProductProbes(s.product.ID)).want(http.StatusOK).Doc()
	if v, _ := doc.Find(`[data-testid="probe-run"]`).Attr("data-passed"); v != "false" {
		t.Fatalf("probe without cases passed=%q", v)
	}
	if got := doc.Find(`[data-testid="probe-run"]`).Text(); !strings.Contains(got, "has no debug cases") {
		t.Fatalf("the failed probe does not say why: %q", got)
	}
	if !ta.hasNotice(s.merchant.User.ID, "probe.failed") {
		t.Fatal("the merchant was not told of the failed probe")
	}
	seller.get(web.SellerProduct(s.product.ID)).want(http.StatusOK)

	ta.admin("admin@example.com")
	rev := ta.loggedIn("admin@example.com")
	doc = rev.get(web.AdminProductProbes(s.product.ID)).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="stop-form"]`).Length() != 1 {
		t.Fatal("no stop form for a product on sale")
	}
	r := rev.post(web.AdminProductStop(s.product.ID), url.Values{"reason": {"bogus"}, "comment": {"x"}})
	if r.Status != http.StatusUnprocessableEntity || r.fieldError("reason") == "" {
		t.Fatalf("bad reason: status %d", r.Status)
	}
	rev.post(web.AdminProductStop(s.product.ID), url.Values{"reason": {models.StopProvisionFailures}, "comment": {"六笔订单开通失败"}}).want(http.StatusSeeOther)
	p, err := ta.Store.ProductByID(ctx, s.product.ID)
	must(t, err)
	if p.Listing != models.ListingStopped || !p.Hidden {
		t.Fatalf("after stopping: %s hidden %v", p.Listing, p.Hidden)
	}
	if a := ta.latestAudit("product.stop"); a.ObjectID != p.ID || a.Comment != "六笔订单开通失败" {
		t.Fatalf("stop audit %+v", a)
	}
	rev.post(web.AdminProductStop(s.product.ID), url.Values{"reason": {models.StopProvisionFailures}}).want(http.StatusConflict)
	rev.post(web.AdminProductRestore(s.product.ID), nil).want(http.StatusConflict)
	doc = rev.get(web.AdminSaaSSupervision()).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="stopped-product"]`).Length() != 1 {
		t.Fatal("the stopped product is not listed for reviewers")
	}

	// With the product's cases recorded, a probe passes and sales can be restored.
	s.passCases(t)
	rev.post(web.AdminProductProbeRun(s.product.ID), nil).want(http.StatusSeeOther)
	s.run(t)
	doc = rev.get(web.AdminProductProbes(s.product.ID)).want(http.StatusOK).Doc()
	if v, _ := doc.Find(`[data-testid="probe-run"]`).First().Attr("data-passed"); v != "true" {
		t.Fatalf("probe with the cases passed=%q", v)
	}
	if doc.Find(`[data-testid="restore"]`).Length() != 1 {
		t.Fatal("no restore button after a passing probe")
	}
	rev.post(web.AdminProductRestore(s.product.ID), nil).want(http.StatusSeeOther)
	p, err = ta.Store.ProductByID(ctx, s.product.ID)
	must(t, err)
	if p.Listing != models.ListingOnSale || p.Hidden {
		t.Fatalf("after restoring: %s hidden %v", p.Listing, p.Hidden)
	}

	// A flag closes with a note.
	now := ta.env.Clock.Now()
	f := models.ProductFlag{ProductID: p.ID, MerchantID: p.MerchantID, Reason: "provision_failures", Month: "2026-11", Count: 6, CreatedAt: now, UpdatedAt: now}
	must(t, ta.env.DB.W.Create(&f).Error)
	if n := rev.get(web.AdminSaaSSupervision()).Doc().Find(`[data-testid="flag"]`).Length(); n != 1 {
		t.Fatalf("%d flags listed", n)
	}
	rev.post(web.AdminProductFlagClose(f.ID), url.Values{"comment": {"商家已修复"}}).want(http.StatusSeeOther)
	rev.post(web.AdminProductFlagClose(f.ID), url.Values{"comment": {"again"}}).want(http.StatusNotFound)
	if n := rev.get(web.AdminSaaSSupervision()).Doc().Find(`[data-testid="flag"]`).Length(); n != 0 {
		t.Fatalf("%d flags listed after closing", n)
	}
	// The merchant cannot reach the reviewer's actions.
	seller.post(web.AdminProductStop(s.product.ID), url.Values{"reason": {models.StopProbeFailures}}).want(http.StatusForbidden)
}
