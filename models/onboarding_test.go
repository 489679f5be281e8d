package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

var t0 = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

func TestRealNameTransitions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from string
		move string
		ok   bool
		to   string
	}{
		{models.RealNameInReview, "approve", true, models.RealNameVerified},
		{models.RealNameInReview, "reject", true, models.RealNameRejected},
		{models.RealNameVerified, "approve", false, ""},
		{models.RealNameRejected, "approve", false, ""},
		{models.RealNameAwaitingCheck, "approve", false, ""},
		{models.RealNameAwaitingCheck, "pass", true, models.RealNameInReview},
		{models.RealNameInReview, "pass", false, ""},
		{models.RealNameAwaitingCheck, "abandon", true, models.RealNameAbandoned},
		{models.RealNameVerified, "abandon", false, ""},
	}
	for _, c := range cases {
		v := models.RealNameVerification{Status: c.from, SubmittedByID: 7}
		var err error
		switch c.move {
		case "approve":
			err = v.Approve(9, t0)
		case "reject":
			err = v.Reject(9, t0, "reason.x", "")
		case "pass":
			err = v.PassChallenge(t0)
		case "abandon":
			err = v.Abandon()
		}
		if c.ok != (err == nil) || (c.ok && v.Status != c.to) {
			t.Errorf("%s --%s--> err %v status %s", c.from, c.move, err, v.Status)
		}
		if !c.ok && !errors.Is(err, models.ErrIllegalTransition) {
			t.Errorf("%s --%s--> %v, want ErrIllegalTransition", c.from, c.move, err)
		}
	}
	v := models.RealNameVerification{Status: models.RealNameInReview, SubmittedByID: 9}
	if err := v.Approve(9, t0); !errors.Is(err, models.ErrOwnSubmission) {
		t.Fatalf("own submission approved: %v", err)
	}
	v = models.RealNameVerification{Status: models.RealNameAwaitingCheck}
	for i := 0; i < models.MaxChallengeAttempts; i++ {
		if err := v.FailChallenge(t0); err != nil {
			t.Fatal(err)
		}
	}
	if v.Status != models.RealNameLocked || v.LockedAt == nil || models.MaxChallengeAttempts != 3 {
		t.Fatalf("after %d failures: %s", models.MaxChallengeAttempts, v.Status)
	}
	if err := v.FailChallenge(t0); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("a locked check took another answer: %v", err)
	}
	if err := v.Abandon(); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("a locked check was abandoned: %v", err)
	}
	if err := v.Unlock(t0); err != nil || v.Status != models.RealNameAwaitingCheck || v.ChallengeAttempts != 0 || v.LockedAt != nil {
		t.Fatalf("unlock: %v %s %d", err, v.Status, v.ChallengeAttempts)
	}
}

func TestCertificationTransitions(t *testing.T) {
	t.Parallel()
	c := models.BusinessCertification{Status: models.CertNotCertified}
	if err := c.StartTransfer(t0); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatal("transfer started before the steps were done")
	}
	c.BasicsDone, c.BankDone, c.SurveyDone = true, true, true
	if err := c.Submit(1, t0); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatal("submitted without a transfer check")
	}
	if err := c.StartTransfer(t0); err != nil || c.Status != models.CertAwaitingTransfer {
		t.Fatal(err, c.Status)
	}
	for i := 0; i < models.MaxTransferFailures; i++ {
		if err := c.CheckTransfer(false, t0); err != nil {
			t.Fatal(err)
		}
	}
	if c.Status != models.CertLocked {
		t.Fatalf("not locked after %d failures: %s", models.MaxTransferFailures, c.Status)
	}
	if err := c.CheckTransfer(true, t0); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatal("a locked certification accepted an answer")
	}
	if err := c.Unlock(t0); err != nil || c.Status != models.CertAwaitingTransfer || c.TransferFailures != 0 {
		t.Fatal("unlock", err, c.Status)
	}
	_ = c.CheckTransfer(true, t0)
	if err := c.Submit(1, t0); err != nil || c.Status != models.CertInReview {
		t.Fatal(err)
	}
	if err := c.Approve(1, t0); !errors.Is(err, models.ErrOwnSubmission) {
		t.Fatal("own certification approved")
	}
	if err := c.Reject(2, t0, "reason.x", ""); err != nil || !c.Editable() {
		t.Fatal("reject", err)
	}
}

// merchant registers a merchant with an enterprise real-name submission in review.
func merchantInReview(t *testing.T, env *testdb.Env, email string) (models.User, models.RealNameVerification) {
	t.Helper()
	ctx := context.Background()
	u, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: email, Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := env.Store.SubmitRealName(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, licencedRealName(email))
	if err != nil {
		t.Fatal(err)
	}
	return u, v
}

// licencedRealName is an enterprise submission with its licence upload.
func licencedRealName(email string) models.RealNameInput {
	return models.RealNameInput{Subject: models.SubjectEnterprise, Method: models.MethodCertificate, Name: "X 公司",
		CertType: models.CertUSCC, CertNumber: "91350100M000100Y43", LegalRepName: "Z",
		Files: models.Uploads{{Purpose: models.FileLicence, BlobKey: "0123456789abcdef0123456789abcd" + email[:2],
			Filename: "l.png", ContentType: "image/png", Size: 1}}}
}

// TestRefusedSubmissionRecordsNoFile: the files of a submission are recorded in its
// transaction: a refused one leaves no row, an accepted one has its rows attached.
func TestRefusedSubmissionRecordsNoFile(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u, v := merchantInReview(t, env, "m1@example.com")
	var files []models.File
	must(t, env.DB.R.Find(&files).Error)
	if len(files) != 1 || files[0].RefType != "realname" || files[0].RefID != v.ID || files[0].OwnerMerchantID == nil {
		t.Fatalf("files of an accepted submission: %+v", files)
	}
	// In review already: a second submission is refused, and its file with it.
	again := licencedRealName("m2@example.com")
	if _, err := env.Store.SubmitRealName(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, again); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("second submission: %v", err)
	}
	var n int64
	must(t, env.DB.R.Model(&models.File{}).Count(&n).Error)
	if n != 1 {
		t.Fatalf("%d file rows after a refused submission", n)
	}
}

func TestDecisionWritesAuditAndNotificationInOneTransaction(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u, v := merchantInReview(t, env, "m1@example.com")
	rev, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	err := env.Store.DecideRealName(ctx, models.Actor{UserID: rev.ID, Email: rev.Email, RequestID: "req-1"}, v.ID,
		models.Decision{Reason: "reason.realname.document_unclear", Comment: "blurry"})
	if err != nil {
		t.Fatal(err)
	}
	var logs []models.AuditLog
	env.DB.R.Where("object_type = ? AND object_id = ? AND action = ?", "realname", v.ID, "realname.reject").Find(&logs)
	if len(logs) != 1 || logs[0].Reason != "reason.realname.document_unclear" || logs[0].RequestID != "req-1" || logs[0].ActorEmail != "r@example.com" {
		t.Fatalf("audit rows %+v", logs)
	}
	n, _ := env.Store.UnreadCount(ctx, u.ID)
	if n != 1 {
		t.Fatalf("notifications %d", n)
	}
	// A second decision is refused and changes nothing.
	if err := env.Store.DecideRealName(ctx, models.Actor{UserID: rev.ID}, v.ID, models.Decision{Approve: true}); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("second decision: %v", err)
	}
	m, _ := env.Store.MerchantByID(ctx, *u.MerchantID)
	if m.RealNameStatus != models.RealNameRejected {
		t.Fatalf("merchant status %s", m.RealNameStatus)
	}
	// The audit log cannot be edited or deleted.
	if err := env.DB.W.Model(&models.AuditLog{}).Where("id = ?", logs[0].ID).Update("reason", "x").Error; err == nil {
		t.Fatal("audit row updated")
	}
	if err := env.DB.W.Where("id = ?", logs[0].ID).Delete(&models.AuditLog{}).Error; err == nil {
		t.Fatal("audit row deleted")
	}
}

func TestConcurrentDecisionsOneWins(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	_, v := merchantInReview(t, env, "m2@example.com")
	var revs []models.User
	for _, e := range []string{"r1@example.com", "r2@example.com", "r3@example.com", "r4@example.com"} {
		r, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: e, Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
		revs = append(revs, r)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(revs))
	for i, r := range revs {
		wg.Add(1)
		go func(i int, r models.User) {
			defer wg.Done()
			errs[i] = env.Store.DecideRealName(ctx, models.Actor{UserID: r.ID}, v.ID, models.Decision{Approve: i%2 == 0, Reason: "reason.x"})
		}(i, r)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, models.ErrIllegalTransition), errors.Is(err, models.ErrConflict):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d decisions won, want 1", wins)
	}
	var n int64
	env.DB.R.Model(&models.AuditLog{}).Where("object_type = 'realname' AND object_id = ? AND action IN ?", v.ID, []string{"realname.approve", "realname.reject"}).Count(&n)
	if n != 1 {
		t.Fatalf("%d decision audit rows", n)
	}
}

func TestPasswordsAreBcryptedWithCostAtLeast10(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	u, err := env.Store.CreateUser(context.Background(), models.Actor{}, models.NewAccount{Email: "p@example.com", Password: "a-long-password", Role: models.RoleBuyer})
	if err != nil {
		t.Fatal(err)
	}
	cost, err := bcrypt.Cost([]byte(u.PasswordHash))
	if err != nil || cost < 10 {
		t.Fatalf("cost %d, %v", cost, err)
	}
	if _, err := models.HashPassword(string(make([]byte, 73))); err == nil {
		t.Fatal("a 73-byte password was hashed (bcrypt would silently truncate it)")
	}
	// The first 72 bytes alone do not log in when the password was longer.
	long := "x" + string(make([]byte, 0)) + "0123456789012345678901234567890123456789012345678901234567890123456789012"
	if models.CheckPassword(u, long) {
		t.Fatal("long password accepted")
	}
}

func TestApplicationNeedsEnterpriseVerification(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u, _ := merchantInReview(t, env, "m3@example.com")
	_, err := env.Store.SubmitApplication(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, models.ApplicationInput{})
	if !errors.Is(err, models.ErrStepLocked) {
		t.Fatalf("application before verification: %v", err)
	}
	if _, err := env.Store.SaveCertBasics(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, models.CertBasicsInput{}); !errors.Is(err, models.ErrStepLocked) {
		t.Fatalf("certification before application: %v", err)
	}
	var n int64
	env.DB.R.Model(&models.BusinessCertification{}).Count(&n)
	if n != 0 {
		t.Fatal("a certification row was half-saved")
	}
}
