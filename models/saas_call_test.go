package models_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sellercenter/internal/jobs"
	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// merchantEndpoint is the reference endpoint serving a shop's merchant on loopback, with
// a switch to make it misbehave and a count of the calls it answered.
type merchantEndpoint struct {
	demo  *saasdemo.Server
	srv   *httptest.Server
	mode  atomic.Value // string: a saasdemo mode, "" answers correctly
	calls atomic.Int32
}

// provisioning is a shop whose SaaS product has a production address at the reference
// endpoint, and the pool that makes the calls.
type provisioning struct {
	*shop
	ep      *merchantEndpoint
	product models.Product
	specs   []models.Spec
	addr    models.ProductionAddress
	calls   *jobs.SaaSCalls
	pool    *jobs.Pool
}

func newProvisioning(t *testing.T, protocol string, adjust func(*models.ProductContent)) *provisioning {
	t.Helper()
	s := newShop(t)
	key, secret, err := s.env.Store.CreateAccessKey(s.ctx, models.Actor{}, s.mid, "production key")
	if err != nil {
		t.Fatal(err)
	}
	ep := &merchantEndpoint{}
	ep.mode.Store("")
	ep.demo = saasdemo.New(saasdemo.Options{Keys: func() []string { return []string{secret} }, Now: s.env.Clock.Now, Slow: 3 * time.Second})
	ep.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep.calls.Add(1)
		if m := ep.mode.Load().(string); m != "" {
			r.URL.Path = "/misbehave/" + m + r.URL.Path
		}
		ep.demo.ServeHTTP(w, r)
	}))
	t.Cleanup(ep.srv.Close)
	addr, err := s.env.Store.SaveProductionAddress(s.ctx, models.Actor{}, s.mid, 0, models.AddressInput{Name: "production",
		InterfaceType: models.InterfaceSaaS, Protocol: protocol, URL: ep.srv.URL + "/saas", KeyID: key.ID, AllowDev: true})
	if err != nil {
		t.Fatal(err)
	}
	p := &provisioning{shop: s, ep: ep, addr: addr}
	p.product, p.specs = s.saas(t, func(c *models.ProductContent) {
		c.SaaS = &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1", AddressID: &addr.ID}
		if adjust != nil {
			adjust(c)
		}
	})
	if err := s.env.DB.W.Model(&models.Product{}).Where("id = ?", p.product.ID).Update("saas_address_id", addr.ID).Error; err != nil {
		t.Fatal(err)
	}
	p.calls = &jobs.SaaSCalls{Store: s.env.Store, Client: outbound.New(outbound.Options{AllowPrivate: true})}
	p.pool = jobs.NewPool(s.env.Store, quietLog())
	p.calls.RegisterPool(p.pool)
	return p
}

// run makes every call attempt due now.
func (p *provisioning) run(t *testing.T) {
	t.Helper()
	if err := p.pool.Drain(p.ctx); err != nil {
		t.Fatal(err)
	}
}

// advance moves the clock and runs what became due.
func (p *provisioning) advance(t *testing.T, d time.Duration) {
	t.Helper()
	p.env.Clock.Advance(d)
	p.run(t)
}

func (p *provisioning) buyPaid(t *testing.T, in models.PurchaseInput) models.Order {
	t.Helper()
	if in.ProductID == 0 {
		in.ProductID, in.SKU, in.PeriodType = p.product.ID, p.specs[0].SKUCode, models.PeriodMonth
	}
	return p.pay(t, p.buy(t, in))
}

func (p *provisioning) instance(t *testing.T, subID uint) models.SaaSInstance {
	t.Helper()
	var inst models.SaaSInstance
	if err := p.env.DB.R.Where("subscription_id = ?", subID).Take(&inst).Error; err != nil {
		t.Fatal(err)
	}
	return inst
}

func (p *provisioning) callsOf(t *testing.T, subID uint) []models.SaaSCall {
	t.Helper()
	var out []models.SaaSCall
	if err := p.env.DB.R.Where("subscription_id = ?", subID).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func (p *provisioning) attemptsOf(t *testing.T, callID uint) []models.SaaSAttempt {
	t.Helper()
	var out []models.SaaSAttempt
	if err := p.env.DB.R.Where("call_id = ?", callID).Order("no").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func (p *provisioning) orderStatus(t *testing.T, no string) string {
	t.Helper()
	return p.order(t, no).Order.Status
}

// TestProvisioningFollowsTheOrder: against the reference endpoint, in both protocol
// versions, a paid order becomes an ACTIVE instance with its login and a COMPLETED
// order; a renewal refreshes it; expiry freezes it for the freeze period; a renewal in
// the freeze unfreezes it; the end of the freeze releases it.
func TestProvisioningFollowsTheOrder(t *testing.T) {
	t.Parallel()
	for _, protocol := range []string{models.ProtocolV1, models.ProtocolV2} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			p := newProvisioning(t, protocol, nil)
			o := p.buyPaid(t, models.PurchaseInput{})
			if o.Status != models.OrderProcessing {
				t.Fatalf("a paid SaaS order is %s before provisioning, want PROCESSING", o.Status)
			}
			sub := *o.SubscriptionID
			if inst := p.instance(t, sub); inst.Status != models.InstanceProvisioning {
				t.Fatalf("instance %s before the call, want PROVISIONING", inst.Status)
			}
			p.run(t)
			if st := p.orderStatus(t, o.OrderNo); st != models.OrderCompleted {
				t.Fatalf("order %s after provisioning, want COMPLETED", st)
			}
			inst := p.instance(t, sub)
			if inst.Status != models.InstanceActive || !strings.HasPrefix(inst.InstanceID, "demo-") || !strings.Contains(inst.FrontEndURL, inst.InstanceID) {
				t.Fatalf("instance after provisioning: %+v", inst)
			}
			login, err := p.env.Store.InstanceLogin(p.ctx, inst)
			if err != nil || login.UserName != "admin" || !strings.HasPrefix(login.Password, "Pw-") {
				t.Fatalf("decrypted login %+v, %v", login, err)
			}
			calls := p.callsOf(t, sub)
			if len(calls) != 1 || calls[0].Purpose != models.PurposeNew || calls[0].Status != models.CallSucceeded {
				t.Fatalf("calls %+v", calls)
			}
			atts := p.attemptsOf(t, calls[0].ID)
			want := []string{saasproto.NewInstance}
			if protocol == models.ProtocolV2 {
				want = append(want, saasproto.QueryInstance)
			}
			if len(atts) != len(want) {
				t.Fatalf("%d attempts, want %v", len(atts), want)
			}
			for i, a := range atts {
				if a.Activity != want[i] || !a.Passed || a.ResultCode != "000000" || strings.Contains(a.URL, "testFlag=1") || strings.Contains(a.ReqBody, `"testFlag":"1"`) {
					t.Fatalf("attempt %d: %s passed=%v code=%s url=%s body=%s", i+1, a.Activity, a.Passed, a.ResultCode, a.URL, a.ReqBody)
				}
			}

			// Renewal: refreshInstance, then the order completes.
			renew, err := p.env.Store.Renew(p.ctx, p.act, p.buyer.ID, sub, models.PeriodInput{PeriodType: models.PeriodMonth, Count: 1})
			if err != nil {
				t.Fatal(err)
			}
			renew = p.pay(t, renew)
			if renew.Status != models.OrderProcessing {
				t.Fatalf("renewal %s before the call", renew.Status)
			}
			p.run(t)
			if st := p.orderStatus(t, renew.OrderNo); st != models.OrderCompleted {
				t.Fatalf("renewal %s after refreshInstance", st)
			}
			calls = p.callsOf(t, sub)
			if last := calls[len(calls)-1]; last.Purpose != models.PurposeRenew || last.Activity != saasproto.RefreshInstance || last.Status != models.CallSucceeded {
				t.Fatalf("renewal call %+v", last)
			}

			// Expiry: frozen, the merchant told.
			expires := *p.sub(t, sub).ExpiresAt
			p.env.Clock.Set(expires.Add(time.Minute))
			if n, err := p.env.Store.SweepSaaSInstances(p.ctx); err != nil || n != 1 {
				t.Fatalf("sweep moved %d, %v", n, err)
			}
			p.run(t)
			inst = p.instance(t, sub)
			if inst.Status != models.InstanceFrozen || inst.DueAt == nil || !inst.DueAt.Equal(expires.AddDate(0, 0, models.DefaultFreezeDays)) {
				t.Fatalf("instance after expiry: %s due %v", inst.Status, inst.DueAt)
			}
			calls = p.callsOf(t, sub)
			freeze := calls[len(calls)-1]
			wantFreeze := map[string]string{models.ProtocolV1: saasproto.ExpireInstance, models.ProtocolV2: saasproto.UpdateInstanceStatus}[protocol]
			if freeze.Purpose != models.PurposeFreeze || freeze.Activity != wantFreeze || freeze.Status != models.CallSucceeded {
				t.Fatalf("freeze call %+v", freeze)
			}

			// A renewal inside the freeze: ACTIVE again, refreshed (and unfrozen in V2).
			renew2, err := p.env.Store.Renew(p.ctx, p.act, p.buyer.ID, sub, models.PeriodInput{PeriodType: models.PeriodMonth, Count: 1})
			if err != nil {
				t.Fatal(err)
			}
			p.pay(t, renew2)
			if inst := p.instance(t, sub); inst.Status != models.InstanceActive {
				t.Fatalf("instance after a renewal in the freeze: %s", inst.Status)
			}
			p.run(t)
			calls = p.callsOf(t, sub)
			tail := []string{}
			for _, c := range calls[len(calls)-2:] {
				tail = append(tail, c.Purpose+":"+c.Status)
			}
			wantTail := map[string][]string{
				models.ProtocolV1: {"freeze:SUCCEEDED", "renew:SUCCEEDED"},
				models.ProtocolV2: {"renew:SUCCEEDED", "unfreeze:SUCCEEDED"},
			}[protocol]
			if strings.Join(tail, " ") != strings.Join(wantTail, " ") {
				t.Fatalf("calls after a renewal in the freeze end %v, want %v", tail, wantTail)
			}

			// Expiry again, and the end of the freeze: released.
			expires = *p.sub(t, sub).ExpiresAt
			p.env.Clock.Set(expires.Add(time.Minute))
			if _, err := p.env.Store.SweepSaaSInstances(p.ctx); err != nil {
				t.Fatal(err)
			}
			p.env.Clock.Set(expires.AddDate(0, 0, models.DefaultFreezeDays).Add(time.Minute))
			if n, err := p.env.Store.SweepSaaSInstances(p.ctx); err != nil || n != 1 {
				t.Fatalf("release sweep moved %d, %v", n, err)
			}
			p.run(t)
			if inst := p.instance(t, sub); inst.Status != models.InstanceReleased || inst.ReleasedAt == nil {
				t.Fatalf("instance after the freeze: %s", inst.Status)
			}
			calls = p.callsOf(t, sub)
			if last := calls[len(calls)-1]; last.Purpose != models.PurposeRelease || last.Activity != saasproto.ReleaseInstance || last.Status != models.CallSucceeded {
				t.Fatalf("release call %+v", last)
			}
			// A released instance cannot be renewed.
			if _, err := p.env.Store.Renew(p.ctx, p.act, p.buyer.ID, sub, models.PeriodInput{PeriodType: models.PeriodMonth, Count: 1}); !errors.Is(err, models.ErrResourceGone) {
				t.Fatalf("renewing a released instance: %v, want ErrResourceGone", err)
			}
		})
	}
}

// TestFailedProvisioningFailsAndRefundsTheOrder: a merchant answering an error code is
// retried hourly for three hours; then the order fails, is refunded in full, the
// subscription and instance fail, the call cannot be restarted, and more than five such
// failures in a month flag the product to reviewers.
func TestFailedProvisioningFailsAndRefundsTheOrder(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV2, nil)
	p.ep.mode.Store(saasdemo.ModeErrorCode)
	o := p.buyPaid(t, models.PurchaseInput{})
	sub := *o.SubscriptionID
	p.run(t)
	c := p.callsOf(t, sub)[0]
	if c.Status != models.CallQueued || c.Attempts != 1 || c.NextAt == nil || !c.NextAt.Equal(p.env.Clock.Now().Add(time.Hour)) {
		t.Fatalf("after a failed first attempt: %s attempts %d next %v", c.Status, c.Attempts, c.NextAt)
	}
	if c.FailedCheck != saasproto.CheckResultCode || c.ResultCode != "000005" {
		t.Fatalf("failed check %q code %q", c.FailedCheck, c.ResultCode)
	}
	for i := 0; i < 2; i++ {
		p.advance(t, time.Hour)
		if st := p.orderStatus(t, o.OrderNo); st != models.OrderProcessing {
			t.Fatalf("order %s inside the retry window", st)
		}
	}
	p.advance(t, time.Hour) // the attempt at three hours is the last
	c = p.callsOf(t, sub)[0]
	if c.Status != models.CallFailed || !c.OrderFailed || c.Attempts != 4 || c.Restartable() {
		t.Fatalf("after the window: %s order_failed=%v attempts=%d", c.Status, c.OrderFailed, c.Attempts)
	}
	d := p.order(t, o.OrderNo)
	if d.Order.Status != models.OrderFailed || d.Order.RefundedFen != o.PaidFen {
		t.Fatalf("order %s refunded %d of %d", d.Order.Status, d.Order.RefundedFen, o.PaidFen)
	}
	if s := p.sub(t, sub); s.Status != models.SubFailed {
		t.Fatalf("subscription %s", s.Status)
	}
	if inst := p.instance(t, sub); inst.Status != models.InstanceFailed {
		t.Fatalf("instance %s", inst.Status)
	}
	var unsub models.Order
	if err := p.env.DB.R.Where("subscription_id = ? AND kind = ?", sub, models.OrderUnsubscribe).Take(&unsub).Error; err != nil || unsub.AmountFen != -o.PaidFen {
		t.Fatalf("refund order %+v, %v", unsub, err)
	}
	if _, err := p.env.Store.RestartSaaSCall(p.ctx, models.Actor{}, p.mid, c.ID); !errors.Is(err, models.ErrNotRestartable) {
		t.Fatalf("restarting a call that failed its order: %v", err)
	}
	// Nothing more is sent for it.
	before := p.ep.calls.Load()
	p.advance(t, 5*time.Hour)
	if p.ep.calls.Load() != before {
		t.Fatal("a failed call kept calling")
	}

	// Five more failures this month flag the product (more than 5).
	if _, err := p.env.Store.UpdateSettings(p.ctx, models.Actor{}, map[string]string{models.SettingProvisionRetryHours: "1"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		var flags int64
		p.env.DB.R.Model(&models.ProductFlag{}).Where("product_id = ?", p.product.ID).Count(&flags)
		if flags != 0 {
			t.Fatalf("flagged after %d failures", i+1)
		}
		p.buyPaid(t, models.PurchaseInput{})
		p.run(t)
		p.advance(t, time.Hour)
	}
	var flag models.ProductFlag
	if err := p.env.DB.R.Where("product_id = ?", p.product.ID).Take(&flag).Error; err != nil || flag.Count != 6 {
		t.Fatalf("flag after 6 failures: %+v, %v", flag, err)
	}
}

// TestFailedRenewalWaitsForRestart: a refresh failing for its hour is left FAILED with
// the order PROCESSING; the merchant restarts it after fixing their side and the order
// completes. Another merchant cannot restart it.
func TestFailedRenewalWaitsForRestart(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV1, nil)
	o := p.buyPaid(t, models.PurchaseInput{})
	sub := *o.SubscriptionID
	p.run(t)
	p.ep.mode.Store(saasdemo.ModeWrongBodySign)
	renew, err := p.env.Store.Renew(p.ctx, p.act, p.buyer.ID, sub, models.PeriodInput{PeriodType: models.PeriodMonth, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	p.pay(t, renew)
	p.run(t)
	for i := 0; i < 6; i++ {
		p.advance(t, 10*time.Minute)
	}
	calls := p.callsOf(t, sub)
	c := calls[len(calls)-1]
	if c.Status != models.CallFailed || c.OrderFailed || !c.Restartable() || c.Attempts != 7 || c.FailedCheck != saasproto.CheckBodySign {
		t.Fatalf("after the hour: %s order_failed=%v attempts=%d check=%s", c.Status, c.OrderFailed, c.Attempts, c.FailedCheck)
	}
	if st := p.orderStatus(t, renew.OrderNo); st != models.OrderProcessing {
		t.Fatalf("renewal %s while its call failed", st)
	}
	other := activeMerchant(t, p.env, "other@example.com")
	if _, err := p.env.Store.RestartSaaSCall(p.ctx, models.Actor{}, *other.MerchantID, c.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant restarting: %v", err)
	}
	p.ep.mode.Store("")
	if _, err := p.env.Store.RestartSaaSCall(p.ctx, models.Actor{UserID: p.merchant.ID}, p.mid, c.ID); err != nil {
		t.Fatal(err)
	}
	p.run(t)
	calls = p.callsOf(t, sub)
	if c = calls[len(calls)-1]; c.Status != models.CallSucceeded || c.Restarts != 1 || c.Attempts != 8 {
		t.Fatalf("after the restart: %s restarts=%d attempts=%d", c.Status, c.Restarts, c.Attempts)
	}
	if st := p.orderStatus(t, renew.OrderNo); st != models.OrderCompleted {
		t.Fatalf("renewal %s after the restart", st)
	}
	if _, err := p.env.Store.RestartSaaSCall(p.ctx, models.Actor{}, p.mid, c.ID); !errors.Is(err, models.ErrNotRestartable) {
		t.Fatalf("restarting a call that succeeded: %v", err)
	}
}

// TestCallAttemptsAreRecordedOnceAndResentAfterACrash: a job run twice records its
// attempt once; an attempt interrupted after the merchant answered but before it was
// recorded is resent, and the merchant's idempotency returns the same instance.
func TestCallAttemptsAreRecordedOnceAndResentAfterACrash(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV1, nil)
	o := p.buyPaid(t, models.PurchaseInput{})
	c := p.callsOf(t, *o.SubscriptionID)[0]
	// The crash: the call goes out, the process dies before recording it.
	plan, err := p.env.Store.PlanSaaSAttempt(p.ctx, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	call := plan.SaaSCallFor(p.env.Clock.Now())
	req, problems, err := call.Build()
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	resp, err := http.Get(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	first := p.ep.demo.Calls()
	// The lease ends; the job runs again, twice over.
	for i := 0; i < 2; i++ {
		if err := p.calls.Attempt(p.ctx, c.ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.ep.demo.Calls() - first; got != 1 {
		t.Fatalf("%d resends after the crash, want 1", got)
	}
	if n := len(p.attemptsOf(t, c.ID)); n != 1 {
		t.Fatalf("%d attempts recorded, want 1", n)
	}
	inst := p.instance(t, *o.SubscriptionID)
	if inst.Status != models.InstanceActive {
		t.Fatalf("instance %s", inst.Status)
	}
	p.run(t) // the queued job finds its attempt made
	if n := len(p.attemptsOf(t, c.ID)); n != 1 {
		t.Fatalf("%d attempts after the queued job ran, want 1", n)
	}
}

// TestUnsubscribingReleasesTheInstance: a buyer's unsubscription sends releaseInstance
// (and orderNotify when the merchant enabled it, V2).
func TestUnsubscribingReleasesTheInstance(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV2, nil)
	if err := p.env.Store.SetOrderNotify(p.ctx, models.Actor{}, p.mid, true); err != nil {
		t.Fatal(err)
	}
	o := p.buyPaid(t, models.PurchaseInput{})
	p.run(t)
	if _, err := p.env.Store.Unsubscribe(p.ctx, p.act, p.buyer.ID, o.OrderNo, "k1"); err != nil {
		t.Fatal(err)
	}
	if inst := p.instance(t, *o.SubscriptionID); inst.Status != models.InstanceReleased {
		t.Fatalf("instance %s after unsubscribing", inst.Status)
	}
	p.run(t)
	var got []string
	for _, c := range p.callsOf(t, *o.SubscriptionID) {
		got = append(got, c.Purpose+":"+c.Status)
	}
	want := "new:SUCCEEDED notify:SUCCEEDED release:SUCCEEDED notify:SUCCEEDED"
	if strings.Join(got, " ") != want {
		t.Fatalf("calls %v, want %s", got, want)
	}
}

// TestProvisionAfterAcceptance: the order waits for the merchant; another merchant
// cannot accept it; accepting provisions.
func TestProvisionAfterAcceptance(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV2, func(c *models.ProductContent) { c.SaaS.ProvisionMode = "after_acceptance" })
	o := p.buyPaid(t, models.PurchaseInput{})
	p.run(t)
	if inst := p.instance(t, *o.SubscriptionID); inst.Status != models.InstanceAwaiting {
		t.Fatalf("instance %s before acceptance", inst.Status)
	}
	if p.ep.calls.Load() != 0 {
		t.Fatal("called before acceptance")
	}
	other := activeMerchant(t, p.env, "other@example.com")
	if _, err := p.env.Store.AcceptSaaSOrder(p.ctx, models.Actor{}, *other.MerchantID, o.OrderNo); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant accepting: %v", err)
	}
	if _, err := p.env.Store.CompleteOrder(p.ctx, models.Actor{}, p.mid, o.OrderNo); !errors.Is(err, models.ErrProvisionedByCall) {
		t.Fatalf("completing by hand: %v", err)
	}
	if _, err := p.env.Store.AcceptSaaSOrder(p.ctx, models.Actor{UserID: p.merchant.ID}, p.mid, o.OrderNo); err != nil {
		t.Fatal(err)
	}
	if _, err := p.env.Store.AcceptSaaSOrder(p.ctx, models.Actor{}, p.mid, o.OrderNo); !errors.Is(err, models.ErrNotAwaiting) {
		t.Fatalf("accepting twice: %v", err)
	}
	p.run(t)
	if st := p.orderStatus(t, o.OrderNo); st != models.OrderCompleted {
		t.Fatalf("order %s after acceptance", st)
	}
}

// TestBrokenMerchantRepliesFailTheAttempt: every kind of broken answer is a failed
// attempt with the check that caught it, and nothing hangs.
func TestBrokenMerchantRepliesFailTheAttempt(t *testing.T) {
	t.Parallel()
	cases := []struct{ mode, protocol, check string }{
		{saasdemo.ModeWrongBodySign, models.ProtocolV1, saasproto.CheckBodySign},
		{saasdemo.ModeNoBodySign, models.ProtocolV1, saasproto.CheckBodySign},
		{saasdemo.ModeNonJSON, models.ProtocolV2, saasproto.CheckJSON},
		{saasdemo.ModeHuge, models.ProtocolV2, saasproto.CheckTransport},
		{saasdemo.ModeReset, models.ProtocolV2, saasproto.CheckTransport},
		{saasdemo.ModeRedirect, models.ProtocolV2, saasproto.CheckTransport},
		{saasdemo.ModeErrorCode, models.ProtocolV1, saasproto.CheckResultCode},
		{saasdemo.ModeSlow, models.ProtocolV2, saasproto.CheckTransport},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			p := newProvisioning(t, tc.protocol, nil)
			if tc.mode == saasdemo.ModeSlow {
				if _, err := p.env.Store.UpdateSettings(p.ctx, models.Actor{}, map[string]string{models.SettingSaaSCallTimeout: "1"}); err != nil {
					t.Fatal(err)
				}
			}
			p.ep.mode.Store(tc.mode)
			o := p.buyPaid(t, models.PurchaseInput{})
			p.run(t)
			c := p.callsOf(t, *o.SubscriptionID)[0]
			if c.Status != models.CallQueued || c.Attempts != 1 || c.FailedCheck != tc.check {
				t.Fatalf("%s: status %s attempts %d check %q problem %q", tc.mode, c.Status, c.Attempts, c.FailedCheck, c.Problem)
			}
			a := p.attemptsOf(t, c.ID)[0]
			if a.Passed || a.FailedCheck != tc.check {
				t.Fatalf("attempt %+v", a)
			}
		})
	}
}

// TestOtherMerchantsSeeNoCalls: the message list and a call's page are the merchant's
// own.
func TestOtherMerchantsSeeNoCalls(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV2, nil)
	o := p.buyPaid(t, models.PurchaseInput{})
	p.run(t)
	c := p.callsOf(t, *o.SubscriptionID)[0]
	other := activeMerchant(t, p.env, "other@example.com")
	if _, err := p.env.Store.SaaSCallOf(p.ctx, *other.MerchantID, c.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant reading a call: %v", err)
	}
	rows, _, err := p.env.Store.SaaSCallsOf(p.ctx, *other.MerchantID, models.SaaSCallFilter{})
	if err != nil || len(rows) != 0 {
		t.Fatalf("another merchant's list: %d rows, %v", len(rows), err)
	}
	rows, _, err = p.env.Store.SaaSCallsOf(p.ctx, p.mid, models.SaaSCallFilter{OrderNo: o.OrderNo})
	if err != nil || len(rows) != 1 {
		t.Fatalf("own list by order: %d rows, %v", len(rows), err)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestV2PollsWhileTheMerchantPrepares: queryInstance answered 000004 is polled with
// doubling waits until the instance is ready; an instance still being prepared when the
// window ends fails the order like any failure.
func TestV2PollsWhileTheMerchantPrepares(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV2, nil)
	p.ep.mode.Store(saasdemo.ModeProcessing)
	o := p.buyPaid(t, models.PurchaseInput{})
	p.run(t)
	c := p.callsOf(t, *o.SubscriptionID)[0]
	if c.Status != models.CallProcessing || c.Polls != 1 || c.NextAt == nil || !c.NextAt.Equal(p.env.Clock.Now().Add(time.Second)) {
		t.Fatalf("after the first 000004: %s polls %d next %v", c.Status, c.Polls, c.NextAt)
	}
	p.advance(t, time.Second)
	p.advance(t, 2*time.Second)
	c = p.callsOf(t, *o.SubscriptionID)[0]
	if c.Polls != 3 || !c.NextAt.Equal(p.env.Clock.Now().Add(4*time.Second)) {
		t.Fatalf("backoff: polls %d next %v", c.Polls, c.NextAt)
	}
	p.ep.mode.Store("")
	p.advance(t, 4*time.Second)
	if st := p.orderStatus(t, o.OrderNo); st != models.OrderCompleted {
		t.Fatalf("order %s once the instance is ready", st)
	}
	if c = p.callsOf(t, *o.SubscriptionID)[0]; c.Status != models.CallSucceeded || c.Failures != 0 {
		t.Fatalf("call %s failures %d", c.Status, c.Failures)
	}

	// Still preparing when the window ends: the order fails.
	p.ep.mode.Store(saasdemo.ModeProcessing)
	o2 := p.buyPaid(t, models.PurchaseInput{})
	p.run(t)
	for i := 0; i < 40; i++ {
		p.advance(t, 5*time.Minute)
	}
	c = p.callsOf(t, *o2.SubscriptionID)[0]
	if c.Status != models.CallFailed || !c.OrderFailed || c.Problem != "code_000004" {
		t.Fatalf("after the window: %s order_failed %v problem %q", c.Status, c.OrderFailed, c.Problem)
	}
	if st := p.orderStatus(t, o2.OrderNo); st != models.OrderFailed {
		t.Fatalf("order %s", st)
	}
}

// TestTwoInstancesMakeEachCallOnce: two app instances on one database (PostgreSQL in the
// suite's PostgreSQL run), each with its own pool, drain the same production calls:
// every call is made and recorded exactly once.
func TestTwoInstancesMakeEachCallOnce(t *testing.T) {
	t.Parallel()
	p := newProvisioning(t, models.ProtocolV1, nil)
	const n = 40
	for i := 0; i < n; i++ {
		p.buyPaid(t, models.PurchaseInput{})
	}
	second := p.env.SecondInstance(t)
	other := jobs.NewPool(second, quietLog())
	other.Name = "second-instance"
	(&jobs.SaaSCalls{Store: second, Client: p.calls.Client}).RegisterPool(other)
	p.pool.Name = "first-instance"
	ctx := context.Background()
	errs := make(chan error, 2)
	for _, pool := range []*jobs.Pool{p.pool, other} {
		go func() { errs <- pool.Drain(ctx) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	p.run(t) // whatever one pool left for the other
	if got := p.ep.demo.Calls(); got != n {
		t.Fatalf("the merchant's system got %d calls for %d orders", got, n)
	}
	var attempts, done int64
	p.env.DB.R.Model(&models.SaaSAttempt{}).Count(&attempts)
	p.env.DB.R.Model(&models.Order{}).Where("status = ?", models.OrderCompleted).Count(&done)
	if attempts != n || done != n {
		t.Fatalf("%d attempts recorded and %d orders completed for %d orders", attempts, done, n)
	}
	var lockedBy []string
	p.env.DB.R.Model(&models.Job{}).Where("kind = ?", models.JobSaaSCall).Distinct().Pluck("locked_by", &lockedBy)
	t.Logf("claimed by %v", lockedBy)
}

// TestOnDemandSuspendAndResume: the buyer of an on-demand SaaS resource suspends and
// resumes it; the merchant is told with instanceStatus (V1) or updateInstanceStatus (V2);
// a suspended on-demand instance is never released by the sweep; other buyers and
// period resources are refused.
func TestOnDemandSuspendAndResume(t *testing.T) {
	t.Parallel()
	for _, protocol := range []string{models.ProtocolV1, models.ProtocolV2} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			hour := int64(50)
			p := newProvisioning(t, protocol, func(c *models.ProductContent) {
				c.Specs = append(c.Specs, models.SpecContent{Key: "hourly", Name: "按需", BillingMode: models.BillingOnDemand, HourFen: &hour})
			})
			// On demand prepays nothing: the order settles when placed.
			o := p.buy(t, models.PurchaseInput{ProductID: p.product.ID, SKU: p.specs[len(p.specs)-1].SKUCode, PeriodType: models.PeriodHour})
			p.run(t)
			sub := *o.SubscriptionID
			if inst := p.instance(t, sub); inst.Status != models.InstanceActive || inst.DueAt != nil {
				t.Fatalf("on-demand instance %s due %v", inst.Status, inst.DueAt)
			}
			other := p.newBuyer(t, "other-buyer@example.com", models.BuyerEnterprise)
			if err := p.env.Store.SetOnDemandUse(p.ctx, models.Actor{}, other.ID, sub, true); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("another buyer suspending: %v", err)
			}
			if err := p.env.Store.SetOnDemandUse(p.ctx, p.act, p.buyer.ID, sub, false); !errors.Is(err, models.ErrNotOnDemandInstance) {
				t.Fatalf("resuming an active instance: %v", err)
			}
			if err := p.env.Store.SetOnDemandUse(p.ctx, p.act, p.buyer.ID, sub, true); err != nil {
				t.Fatal(err)
			}
			p.run(t)
			if inst := p.instance(t, sub); inst.Status != models.InstanceFrozen {
				t.Fatalf("instance %s after suspending", inst.Status)
			}
			p.env.Clock.Advance(60 * 24 * time.Hour)
			if n, err := p.env.Store.SweepSaaSInstances(p.ctx); err != nil || n != 0 {
				t.Fatalf("the sweep moved %d suspended on-demand instances, %v", n, err)
			}
			if err := p.env.Store.SetOnDemandUse(p.ctx, p.act, p.buyer.ID, sub, false); err != nil {
				t.Fatal(err)
			}
			p.run(t)
			// Consumption is metered while the instance is ACTIVE: one stretch before the
			// suspension (closed), one since the resumption (open).
			var segs []models.UsageSegment
			p.env.DB.R.Where("subscription_id = ?", sub).Order("id").Find(&segs)
			if len(segs) != 2 || segs[0].EndedAt == nil || segs[1].EndedAt != nil || segs[0].UnitFen != hour {
				t.Fatalf("usage segments %+v", segs)
			}
			calls := p.callsOf(t, sub)
			want := map[string]string{models.ProtocolV1: saasproto.InstanceStatus, models.ProtocolV2: saasproto.UpdateInstanceStatus}[protocol]
			var got []string
			for _, c := range calls[1:] {
				if c.Purpose == models.PurposeNotify {
					continue
				}
				got = append(got, c.Purpose+":"+c.Activity+":"+c.Status)
			}
			if strings.Join(got, " ") != "freeze:"+want+":SUCCEEDED unfreeze:"+want+":SUCCEEDED" {
				t.Fatalf("calls %v", got)
			}
			// A period resource is not suspended by its buyer.
			po := p.buyPaid(t, models.PurchaseInput{})
			p.run(t)
			if err := p.env.Store.SetOnDemandUse(p.ctx, p.act, p.buyer.ID, *po.SubscriptionID, true); !errors.Is(err, models.ErrNotOnDemandInstance) {
				t.Fatalf("suspending a period resource: %v", err)
			}
		})
	}
}
