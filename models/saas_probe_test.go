package models_test

import (
	"errors"
	"testing"
	"time"

	"sellercenter/internal/jobs"
	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// passCases records the product's debug cases as the console does: real calls to the
// endpoint that passed.
func (p *provisioning) passCases(t *testing.T) {
	t.Helper()
	c, err := p.product.LiveContent()
	if err != nil {
		t.Fatal(err)
	}
	secret, k, err := p.env.Store.SigningSecret(p.ctx, p.mid, p.addr.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	v := saasproto.Version(p.addr.Protocol)
	instance := ""
	for _, act := range saasproto.RequiredActivities(v, models.BillingModesOf(c)) {
		spec, _ := saasproto.Lookup(v, act)
		params := saasproto.Defaults(spec, p.env.Clock.Now())
		if _, ok := params["instanceId"]; ok || act != saasproto.NewInstance {
			params["instanceId"] = instance
		}
		call := saasproto.Call{Version: v, Activity: act, Address: p.addr.URL, AccessKey: secret, EncryptType: "1", Params: params, Now: p.env.Clock.Now()}
		res, err := saasdebug.Send(p.ctx, p.calls.Client, call, 5*time.Second)
		if err != nil || !res.Passed() {
			t.Fatalf("debug case %s: %v %+v", act, err, res)
		}
		if act == saasproto.NewInstance {
			instance = res.Outcome.InstanceIDs[0]
		}
		rec := saasdebug.Record(call, res)
		pid, aid, kid := p.product.ID, p.addr.ID, k.ID
		rec.ProductID, rec.AddressID, rec.KeyID, rec.KeyGeneration = &pid, &aid, &kid, k.Generation
		if _, err := p.env.Store.RecordDebugCall(p.ctx, p.mid, rec); err != nil {
			t.Fatal(err)
		}
	}
}

func (p *provisioning) product2(t *testing.T) models.Product {
	t.Helper()
	var out models.Product
	if err := p.env.DB.R.First(&out, p.product.ID).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestProbingStopsSalesAfterFiveFailingDays: probes replay the debug cases twice a day;
// a failure notifies the merchant with the check; five failing days in a row stop sales
// and hide the product; a reviewer restores it only after a passing probe. A day with
// one passing probe breaks the run.
func TestProbingStopsSalesAfterFiveFailingDays(t *testing.T) {
	t.Parallel()
	for _, protocol := range []string{models.ProtocolV1, models.ProtocolV2} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			p := newProvisioning(t, protocol, nil)
			p.passCases(t)
			prober := &jobs.Prober{Store: p.env.Store, Client: p.calls.Client}
			prober.RegisterPool(p.pool)

			// The round queues one probe per product, once per slot.
			for i := 0; i < 2; i++ {
				if n, err := p.env.Store.QueueProbeRound(p.ctx); err != nil || n != 1 {
					t.Fatalf("round queued %d, %v", n, err)
				}
			}
			p.run(t)
			runs, _, err := p.env.Store.ProbeRunsOf(p.ctx, p.mid, p.product.ID, 0, 10)
			if err != nil || len(runs) != 1 || !runs[0].Passed || len(runs[0].CaseList()) < 4 {
				t.Fatalf("first round: %+v, %v", runs, err)
			}

			p.ep.mode.Store(saasdemo.ModeErrorCode)
			probe := func() models.ProbeRun {
				t.Helper()
				run, err := prober.Probe(p.ctx, p.product.ID, models.ProbeScheduled)
				if err != nil {
					t.Fatal(err)
				}
				return run
			}
			day := func() {
				p.env.Clock.Advance(12 * time.Hour)
				probe()
				p.env.Clock.Advance(12 * time.Hour)
				probe()
			}
			notices := func() int64 {
				var n int64
				p.env.DB.R.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", p.merchant.ID, "probe.failed").Count(&n)
				return n
			}
			for i := 0; i < 4; i++ {
				day()
			}
			if got := p.product2(t); got.Listing != models.ListingOnSale {
				t.Fatalf("stopped after 4 failing days")
			}
			if n := notices(); n != 8 {
				t.Fatalf("%d failure notices, want 8", n)
			}
			run := probe()
			if run.Passed || run.FailedCheck != saasproto.CheckResultCode || run.FailedActivity == "" || run.Message == "" {
				t.Fatalf("failed run %+v", run)
			}
			// A day that passes once is not a failing day.
			p.ep.mode.Store("")
			p.env.Clock.Advance(12 * time.Hour)
			if run := probe(); !run.Passed {
				t.Fatalf("probe against the fixed endpoint: %+v", run)
			}
			p.ep.mode.Store(saasdemo.ModeErrorCode)
			for i := 0; i < 4; i++ {
				day()
			}
			if got := p.product2(t); got.Listing != models.ListingOnSale {
				t.Fatalf("stopped with a passing day among the last five")
			}
			day()
			got := p.product2(t)
			if got.Listing != models.ListingStopped || !got.Hidden || !got.StopHid || got.StopReason != models.StopProbeFailures {
				t.Fatalf("after five failing days: listing %s hidden %v", got.Listing, got.Hidden)
			}
			if _, err := p.env.Store.Purchase(p.ctx, p.act, p.buyer.ID, models.PurchaseInput{ProductID: p.product.ID, SKU: p.specs[0].SKUCode,
				PeriodType: models.PeriodMonth, Count: 1, Quantity: 1}); !errors.Is(err, models.ErrNotOnSale) {
				t.Fatalf("buying a stopped product: %v", err)
			}
			// Restoring needs a passing probe since the stop.
			reviewer := models.Actor{UserID: 999, Email: "rev@example.com"}
			if err := p.env.Store.RestoreProduct(p.ctx, reviewer, p.product.ID, ""); !errors.Is(err, models.ErrNoPassingProbe) {
				t.Fatalf("restoring without a passing probe: %v", err)
			}
			p.ep.mode.Store("")
			if err := p.env.Store.RequestProbe(p.ctx, reviewer, 0, p.product.ID, models.ProbeReviewer); err != nil {
				t.Fatal(err)
			}
			p.run(t)
			if err := p.env.Store.RestoreProduct(p.ctx, reviewer, p.product.ID, "fixed"); err != nil {
				t.Fatal(err)
			}
			if got := p.product2(t); got.Listing != models.ListingOnSale || got.Hidden || got.StoppedAt != nil {
				t.Fatalf("after restoring: listing %s hidden %v", got.Listing, got.Hidden)
			}
			if err := p.env.Store.RestoreProduct(p.ctx, reviewer, p.product.ID, ""); !errors.Is(err, models.ErrNotStopped) {
				t.Fatalf("restoring twice: %v", err)
			}
			// Another merchant cannot probe it.
			other := activeMerchant(t, p.env, "other@example.com")
			if err := p.env.Store.RequestProbe(p.ctx, models.Actor{}, *other.MerchantID, p.product.ID, models.ProbeMerchant); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("another merchant probing: %v", err)
			}
			if runs, _, _ := p.env.Store.ProbeRunsOf(p.ctx, *other.MerchantID, p.product.ID, 0, 10); len(runs) != 0 {
				t.Fatal("another merchant reads the probe history")
			}
		})
	}
}
