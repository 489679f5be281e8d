package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestWorkerRetriesWithBackoffThenGivesUp(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	if err := env.Store.Enqueue(ctx, "flaky", map[string]int{"n": 1}, env.Clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(env.Store, quietLog())
	calls := 0
	w.Handlers["flaky"] = func(ctx context.Context, j models.Job) error { calls++; return errors.New("boom") }
	for i := 0; i < 20; i++ {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(24 * time.Hour)
	}
	if calls != 8 {
		t.Fatalf("handler ran %d times, want 8 (max attempts)", calls)
	}
	var j models.Job
	env.DB.R.First(&j)
	if j.Status != models.JobFailed || !strings.Contains(j.LastError, "boom") {
		t.Fatalf("job %s %q", j.Status, j.LastError)
	}
}

func TestBackoffWaits(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	if err := env.Store.Enqueue(ctx, "flaky", struct{}{}, env.Clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(env.Store, quietLog())
	calls := 0
	w.Handlers["flaky"] = func(context.Context, models.Job) error { calls++; return errors.New("no") }
	w.RunOnce(ctx)
	w.RunOnce(ctx)
	if calls != 1 {
		t.Fatalf("retried at once: %d calls", calls)
	}
}

func TestDedupKeyMakesOneJob(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := env.Store.Enqueue(ctx, "reminder", struct{}{}, env.Clock.Now(), "reminder:42"); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	env.DB.R.Model(&models.Job{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d jobs", n)
	}
}

func TestConcurrentWorkersRunEachJobOnce(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		if err := env.Store.Enqueue(ctx, "count", i, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[uint]int{}
	var wg sync.WaitGroup
	for k := 0; k < 3; k++ {
		w := NewWorker(env.Store, quietLog())
		w.Name = "w" + string(rune('a'+k))
		w.Batch = 4
		w.Handlers["count"] = func(ctx context.Context, j models.Job) error {
			mu.Lock()
			seen[j.ID]++
			mu.Unlock()
			return nil
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = w.Drain(ctx) }()
	}
	wg.Wait()
	if len(seen) != 30 {
		t.Fatalf("%d jobs ran", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("job %d ran %d times", id, n)
		}
	}
}

func TestNotificationMailInTheReadersLanguageAndOnce(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	u, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "zh@example.com", Password: "long-enough-pw",
		Role: models.RoleMerchant, Locale: i18n.ZhCN, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.SuspendMerchant(ctx, models.Actor{}, *u.MerchantID, "reason.merchant.fraud", "违规"); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(env.Store, quietLog())
	m := &Mailer{Store: env.Store, Catalog: cat, BaseURL: "http://sc.test"}
	m.Register(w)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// Running the same notification job again makes no second mail.
	var j models.Job
	env.DB.R.Where("kind = ?", models.JobNotificationMail).First(&j)
	if err := m.notificationMail(ctx, j); err != nil {
		t.Fatal(err)
	}
	msgs, _ := env.Store.OutboxMessages(ctx, 10)
	var mails []models.OutboxMessage
	for _, msg := range msgs {
		if msg.To == "zh@example.com" {
			mails = append(mails, msg)
		}
	}
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	if mails[0].Subject != "您的店铺已被暂停" || mails[0].Status != models.OutboxKept {
		t.Fatalf("mail %q status %s", mails[0].Subject, mails[0].Status)
	}
}

func TestSLAReminderNotifiesReviewersOfOverdueItems(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	rev, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	u, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	if _, err := env.Store.SubmitRealName(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, models.RealNameInput{Subject: models.SubjectEnterprise,
		Method: models.MethodCertificate, Name: "X", CertType: models.CertUSCC, CertNumber: "91350100M000100Y43", LegalRepName: "Z",
		Files: models.Uploads{{Purpose: models.FileLicence, BlobKey: "00112233445566778899aabbccddeeff", Filename: "l.png", ContentType: "image/png", Size: 1}}}); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(env.Store, quietLog())
	r := &SLAReminder{Store: env.Store}
	r.Register(w)
	if err := r.Schedule(ctx); err != nil {
		t.Fatal(err)
	}
	// The first run, the next working morning, finds nothing overdue yet.
	env.Clock.Advance(24 * time.Hour)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.Store.UnreadCount(ctx, rev.ID); n != 0 {
		t.Fatalf("reminded too early: %d", n)
	}
	// A week later the item is past its 3 working days: one reminder per run.
	env.Clock.Advance(7 * 24 * time.Hour)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.Store.UnreadCount(ctx, rev.ID); n != 1 {
		t.Fatalf("reminders after the SLA ran out: %d, want 1", n)
	}
	var queued int64
	env.DB.R.Model(&models.Job{}).Where("kind = ? AND status = ?", models.JobSLAReminder, models.JobQueued).Count(&queued)
	if queued != 1 {
		t.Fatalf("%d reminders scheduled ahead, want 1", queued)
	}
}

type recordingSender struct {
	mu   sync.Mutex
	fail bool
	sent []string
}

func (r *recordingSender) Send(_ context.Context, to, subject, body string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("smtp down")
	}
	r.sent = append(r.sent, to+"|"+subject)
	return nil
}

func TestDeliveryThroughSMTPRetriesUntilSent(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	cat, _ := i18n.Load()
	sender := &recordingSender{fail: true}
	w := NewWorker(env.Store, quietLog())
	(&Mailer{Store: env.Store, Catalog: cat, Sender: sender, BaseURL: "http://sc.test"}).Register(w)
	if err := env.Store.AddOutbox(ctx, models.ChannelEmail, "to@example.com", "Hello", "Body"); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.AddOutbox(ctx, models.ChannelSMS, "13800138000", "Code", "123456"); err != nil {
		t.Fatal(err)
	}
	w.RunOnce(ctx)
	msgs, _ := env.Store.OutboxMessages(ctx, 10)
	for _, m := range msgs {
		if m.Channel == models.ChannelEmail && (m.Status != models.OutboxPending || !strings.Contains(m.LastError, "smtp down")) {
			t.Fatalf("failed mail %s %q", m.Status, m.LastError)
		}
		if m.Channel == models.ChannelSMS && m.Status != models.OutboxKept {
			t.Fatalf("sms without a gateway: %s", m.Status)
		}
	}
	sender.fail = false
	env.Clock.Advance(time.Hour)
	w.RunOnce(ctx)
	msgs, _ = env.Store.OutboxMessages(ctx, 10)
	for _, m := range msgs {
		if m.Channel == models.ChannelEmail && (m.Status != models.OutboxSent || m.SentAt == nil) {
			t.Fatalf("mail after recovery: %s", m.Status)
		}
	}
	if len(sender.sent) != 1 || sender.sent[0] != "to@example.com|Hello" {
		t.Fatalf("sent %v", sender.sent)
	}
	// A delivery job that runs again sends nothing more.
	var j models.Job
	env.DB.R.Where("kind = ?", models.JobDeliverOutbox).First(&j)
	if err := env.Store.Enqueue(ctx, models.JobDeliverOutbox, models.DeliverOutboxPayload{MessageID: msgs[len(msgs)-1].ID}, env.Clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	w.RunOnce(ctx)
	if len(sender.sent) != 1 {
		t.Fatalf("sent twice: %v", sender.sent)
	}
}
