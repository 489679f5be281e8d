package jobs

import (
	"context"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// refundWorker is a worker with the after-sales handlers.
func refundWorker(env *testdb.Env) *Worker {
	w := NewWorker(env.Store, quietLog())
	(&Refunds{Store: env.Store}).Register(w)
	w.Handlers[models.JobNotificationMail] = func(context.Context, models.Job) error { return nil }
	return w
}

func TestRefundPayoutJobPaysOnceAndReruns(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	m, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "b@example.com", Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := testdb.PaidOrder(t, env, testdb.PaidOrderSpec{MerchantID: *m.MerchantID, BuyerID: b.ID, ProductType: models.ProductLicense, PaidFen: 5000})
	r, err := env.Store.RequestRefund(ctx, models.Actor{UserID: b.ID}, b.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 5000, Reason: "r", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.ApproveRefund(ctx, models.Actor{UserID: m.ID}, *m.MerchantID, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "ok"}); err != nil {
		t.Fatal(err)
	}
	w := refundWorker(env)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// A payout job that runs again (a lease lost mid-way) does no harm.
	if err := env.Store.Enqueue(ctx, models.JobRefundPayout, models.RefundJobPayload{RefundID: r.ID}, env.Clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var got models.Refund
	env.DB.R.First(&got, r.ID)
	var n int64
	env.DB.R.Model(&models.Order{}).Where("kind = ?", models.OrderUnsubscribe).Count(&n)
	if got.Status != models.RefundRefunded || n != 1 {
		t.Fatalf("status %s, %d unsubscribe orders", got.Status, n)
	}
	var failed int64
	env.DB.R.Model(&models.Job{}).Where("status <> ?", models.JobDone).Count(&failed)
	if failed != 0 {
		t.Fatalf("%d jobs not done", failed)
	}
}

func TestRefundDeadlineJobClosesAnUnshippedReturn(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	m, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	b, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "b@example.com", Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	o, _ := testdb.PaidOrder(t, env, testdb.PaidOrderSpec{MerchantID: *m.MerchantID, BuyerID: b.ID, ProductType: models.ProductHardware, PaidFen: 5000, NoSub: true})
	r, err := env.Store.RequestRefund(ctx, models.Actor{UserID: b.ID}, b.ID, models.RefundRequest{OrderNo: o.OrderNo, Reason: "broken", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.ApproveRefund(ctx, models.Actor{UserID: m.ID}, *m.MerchantID, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "ok"}); err != nil {
		t.Fatal(err)
	}
	w := refundWorker(env)
	env.Clock.Advance(9 * 24 * time.Hour)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var got models.Refund
	env.DB.R.First(&got, r.ID)
	if got.Status != models.RefundApproved {
		t.Fatalf("closed early: %s", got.Status)
	}
	env.Clock.Advance(24 * time.Hour)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	env.DB.R.First(&got, r.ID)
	if got.Status != models.RefundRejected {
		t.Fatalf("not closed at the deadline: %s", got.Status)
	}
}
