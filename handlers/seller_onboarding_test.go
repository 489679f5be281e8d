package handlers

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sellercenter/models"
)

const testUSCC = "91350100M000100Y43"

// lastNotice returns the newest outbox message of a channel.
func lastNotice(t *testing.T, ta *testApp, channel string) models.OutboxMessage {
	t.Helper()
	msgs, err := ta.Store.OutboxMessages(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Channel == channel {
			return m
		}
	}
	t.Fatalf("no %s message in the outbox", channel)
	return models.OutboxMessage{}
}

var amountRE = regexp.MustCompile(`\+(\d+\.\d{2})`)

func depositAmount(t *testing.T, ta *testApp) string {
	t.Helper()
	m := amountRE.FindStringSubmatch(lastNotice(t, ta, models.ChannelBank).Body)
	if m == nil {
		t.Fatal("no amount in the bank notice")
	}
	return m[1]
}

func merchantOf(t *testing.T, ta *testApp, email string) models.Merchant {
	t.Helper()
	u, err := ta.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ta.Store.MerchantByID(context.Background(), *u.MerchantID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func reviewerActor(u models.User) models.Actor { return models.Actor{UserID: u.ID, Email: u.Email} }

func realNameValues() url.Values {
	return url.Values{"subject": {"enterprise"}, "method": {"certificate"}, "name": {"示例科技有限公司"},
		"cert_type": {"uscc"}, "cert_number": {testUSCC}, "legal_rep_name": {"张三"}}
}

func applicationValues() url.Values {
	return url.Values{"website": {"https://www.example.com"}, "employees": {"50"}, "years_in_business": {"6"},
		"registered_capital": {"1,000,000.00"}, "intro": {"我们为企业提供云端协同办公软件与实施服务。"},
		"contact_name": {"张三"}, "contact_mobile": {"13800138000"}, "contact_email": {"biz@example.com"},
		"service_email": {"service@example.com"}, "service_phone": {"400-820-1234"}, "address": {"北京市海淀区"},
		"product_types": {"saas", "license"}, "signer_name": {"张三"}, "agree": {"1"}}
}

func TestOnboardingJourneyThroughTheSellerCenter(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	ctx := context.Background()

	// Later steps are closed before the earlier ones are done.
	c.post("/seller/application", applicationValues()).want(http.StatusConflict)
	c.get("/seller/certification/basics").want(http.StatusConflict)
	ov := c.get("/seller").want(http.StatusOK).Doc()
	if st, _ := ov.Find(`[data-testid="step-application"]`).Attr("data-state"); st != "locked" {
		t.Fatalf("application step state %q before real-name", st)
	}

	// Real-name by certificate upload goes straight to review.
	c.get("/seller/realname/new?subject=enterprise&method=certificate").want(http.StatusOK)
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "licence.png", pngBytes}).want(http.StatusSeeOther)
	m := merchantOf(t, ta, "m@example.com")
	if m.RealNameStatus != models.RealNameInReview {
		t.Fatalf("real-name status %s", m.RealNameStatus)
	}
	page := c.get("/seller/realname").want(http.StatusOK)
	if strings.Contains(page.Body, testUSCC) {
		t.Fatal("the full credit code is shown back to the merchant; it must be masked")
	}
	// Nothing can be submitted twice while in review.
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "licence.png", pngBytes}).want(http.StatusConflict)
	v, _ := ta.Store.CurrentRealName(ctx, m.ID)
	if err := ta.Store.DecideRealName(ctx, reviewerActor(rev), v.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}

	// Onboarding application with the agreement.
	c.get("/seller/application").want(http.StatusOK)
	bad := applicationValues()
	bad.Del("agree")
	bad.Set("registered_capital", "12.345")
	r := c.postMultipart("/seller/application", bad, upload{"licence", "l.png", pngBytes}).want(http.StatusUnprocessableEntity)
	if r.fieldError("agree") == "" || r.fieldError("registered_capital") == "" {
		t.Fatal("missing agreement / bad capital not reported")
	}
	if v, _ := r.Doc().Find(`input[name="website"]`).Attr("value"); v != "https://www.example.com" {
		t.Fatalf("typed website lost: %q", v)
	}
	c.postMultipart("/seller/application", applicationValues(), upload{"licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	app, err := ta.Store.CurrentApplication(ctx, m.ID)
	if err != nil || app.RegisteredCapital != 100000000 || app.AgreementCode == "" || app.SignerName != "张三" {
		t.Fatalf("application %+v %v", app, err)
	}
	if err := ta.Store.DecideApplication(ctx, reviewerActor(rev), app.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}

	// Certification wizard.
	c.get("/seller/certification/bank").want(http.StatusConflict)
	basics := url.Values{"credit_code": {testUSCC}, "taxpayer_type": {"general"}, "invoice_type": {"vat_special"},
		"registered_addr": {"北京市海淀区"}, "finance_name": {"赵六"}, "finance_phone": {"13900139000"}, "finance_email": {"fin@example.com"}}
	badBasics := url.Values{}
	for k, v := range basics {
		badBasics[k] = v
	}
	badBasics.Set("credit_code", "91350100M000100Y44")
	c.post("/seller/certification/basics", badBasics).want(http.StatusUnprocessableEntity)
	c.post("/seller/certification/basics", basics).want(http.StatusSeeOther)
	bank := url.Values{"account_name": {"别的公司"}, "bank_name": {"工商银行"}, "bank_branch": {"海淀支行"}, "bank_account": {"0200 0012 3456 7890"}, "currency": {"CNY"}}
	r = c.post("/seller/certification/bank", bank).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("account_name"), "company name") {
		t.Fatalf("account name error %q", r.fieldError("account_name"))
	}
	// Every mistake is reported at once: a bad account number and the wrong holder.
	bank.Set("bank_account", "12")
	r = c.post("/seller/certification/bank", bank).want(http.StatusUnprocessableEntity)
	if r.fieldError("account_name") == "" || r.fieldError("bank_account") == "" {
		t.Fatalf("errors shown one at a time: name %q, account %q", r.fieldError("account_name"), r.fieldError("bank_account"))
	}
	bank.Set("bank_account", "0200 0012 3456 7890")
	bank.Set("account_name", "示例科技有限公司")
	c.post("/seller/certification/bank", bank).want(http.StatusSeeOther)
	c.post("/seller/certification/survey", url.Values{"has_related_supplier": {"yes"}}).want(http.StatusUnprocessableEntity)
	c.post("/seller/certification/survey", url.Values{"has_related_supplier": {"no"}}).want(http.StatusSeeOther)
	c.get("/seller/certification/submit").want(http.StatusConflict)
	c.post("/seller/certification/transfer", nil).want(http.StatusSeeOther)
	ta.drainJobs()
	amount := depositAmount(t, ta)
	r = c.post("/seller/certification/transfer", url.Values{"amount": {"1.00"}}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("amount"), "2 tries left") {
		t.Fatalf("wrong amount message %q", r.fieldError("amount"))
	}
	c.post("/seller/certification/transfer", url.Values{"amount": {"abc"}}).want(http.StatusUnprocessableEntity)
	c.post("/seller/certification/transfer", url.Values{"amount": {amount}}).want(http.StatusSeeOther)
	c.get("/seller/certification/submit").want(http.StatusOK)
	c.post("/seller/certification/submit", nil).want(http.StatusSeeOther)
	cert, _ := ta.Store.CertificationFor(ctx, m.ID)
	if cert.Status != models.CertInReview || cert.TransferFailures != 1 {
		t.Fatalf("certification %s failures %d", cert.Status, cert.TransferFailures)
	}
	if err := ta.Store.DecideCertification(ctx, reviewerActor(rev), cert.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	ov = c.get("/seller").want(http.StatusOK).Doc()
	if ov.Find(`[data-testid="merchant-active"]`).Length() != 1 {
		t.Fatal("overview does not show the merchant active")
	}
	if st, _ := ov.Find(`[data-testid="step-active"]`).Attr("data-state"); st != "done" {
		t.Fatalf("active step %q", st)
	}
	if m := merchantOf(t, ta, "m@example.com"); !m.Active() {
		t.Fatal("merchant not active")
	}
	// Every decision reached the inbox.
	if n, _ := ta.Store.UnreadCount(ctx, m.OwnerUserID); n != 3 {
		t.Fatalf("unread notifications %d, want 3", n)
	}
	// Certified data is read-only.
	c.post("/seller/certification/basics", basics).want(http.StatusConflict)
}

func TestRealNameUploadsAreCheckedByContent(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	htmlAsPNG := []byte("<html><script>alert(1)</script></html>")
	cases := []struct {
		name string
		file upload
		want string
	}{
		{"html disguised as png", upload{"file_licence", "licence.png", htmlAsPNG}, "not allowed"},
		{"missing", upload{"other", "x.png", pngBytes}, "Choose a file"},
		{"too large", upload{"file_licence", "big.pdf", append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("a"), 11<<20)...)}, "at most 10 MB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.postMultipart("/seller/realname", realNameValues(), tc.file).want(http.StatusUnprocessableEntity)
			if got := r.fieldError("file_licence"); !strings.Contains(got, tc.want) {
				t.Fatalf("file error %q, want %q", got, tc.want)
			}
		})
	}
	bad := realNameValues()
	bad.Set("cert_number", "12345")
	r := c.postMultipart("/seller/realname", bad, upload{"file_licence", "l.pdf", pdfBytes}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("cert_number"), "credit code") {
		t.Fatalf("cert error %q", r.fieldError("cert_number"))
	}
	if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameNotVerified {
		t.Fatalf("status changed to %s", m.RealNameStatus)
	}
	var n int64
	ta.env.DB.R.Model(&models.File{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d files stored for rejected forms", n)
	}
}

func TestRealNameTransferCheck(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	f := realNameValues()
	f.Set("method", "corporate_transfer")
	f.Set("bank_name", "招商银行")
	f.Set("bank_account", "7559 0000 1234 5678")
	c.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	m := merchantOf(t, ta, "m@example.com")
	if m.RealNameStatus != models.RealNameAwaitingCheck {
		t.Fatalf("status %s", m.RealNameStatus)
	}
	ta.drainJobs()
	amount := depositAmount(t, ta)
	for i := 0; i < models.MaxChallengeAttempts-1; i++ {
		c.post("/seller/realname/confirm", url.Values{"answer": {"1.00"}}).want(http.StatusUnprocessableEntity)
	}
	c.post("/seller/realname/confirm", url.Values{"answer": {"-1"}}).want(http.StatusUnprocessableEntity)
	c.post("/seller/realname/confirm", url.Values{"answer": {amount}}).want(http.StatusSeeOther)
	if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameInReview {
		t.Fatalf("status after the right amount %s", m.RealNameStatus)
	}
}

// smsCode reads the last SMS code sent.
func smsCode(t *testing.T, ta *testApp) string {
	t.Helper()
	ta.drainJobs()
	m := regexp.MustCompile(`code is (\d{6})`).FindStringSubmatch(lastNotice(t, ta, models.ChannelSMS).Body)
	if m == nil {
		t.Fatal("no code in the SMS")
	}
	return m[1]
}

// TestRealNameChecksLockAfterThreeWrongAnswers: the deposit and the legal
// representative's SMS code lock after three wrong answers like the certification's
// transfer check; even the right answer then changes nothing, a new submission is
// refused, and only a reviewer's unlock (with a fresh amount or code) goes on.
func TestRealNameChecksLockAfterThreeWrongAnswers(t *testing.T) {
	for _, method := range []string{models.MethodCorporateTransfer, models.MethodLegalRepPhone} {
		t.Run(method, func(t *testing.T) {
			ta := newTestApp(t)
			ta.user(models.RoleMerchant, "m@example.com")
			rev := ta.admin("r@example.com")
			c := ta.loggedIn("m@example.com")
			f := realNameValues()
			f.Set("method", method)
			f.Set("phone", "13800138000")
			f.Set("bank_name", "招商银行")
			f.Set("bank_account", "7559 0000 1234 5678")
			c.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
			ta.drainJobs()
			answer, wrong := "", "000000"
			if method == models.MethodCorporateTransfer {
				answer, wrong = depositAmount(t, ta), "1.00"
			} else {
				answer = smsCode(t, ta)
			}
			if answer == wrong {
				wrong = "0.99"
			}
			for i := 0; i < models.MaxChallengeAttempts-1; i++ {
				r := c.post("/seller/realname/confirm", url.Values{"answer": {wrong}}).want(http.StatusUnprocessableEntity)
				// The message's argument is typed and rendered: how many tries are left.
				if want := fmt.Sprintf("%d tries left", models.MaxChallengeAttempts-1-i); !strings.Contains(r.fieldError("answer"), want) {
					t.Fatalf("wrong answer %d says %q, want %q", i+1, r.fieldError("answer"), want)
				}
			}
			c.post("/seller/realname/confirm", url.Values{"answer": {wrong}}).want(http.StatusSeeOther)
			if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameLocked {
				t.Fatalf("status after three wrong answers %s", m.RealNameStatus)
			}
			page := c.get("/seller/realname").want(http.StatusOK)
			if page.Doc().Find(`[data-testid="realname-locked"]`).Length() != 1 {
				t.Fatal("the page does not say the check is locked")
			}
			// Locked: the right answer, starting over and a new submission change nothing.
			c.post("/seller/realname/confirm", url.Values{"answer": {answer}}).want(http.StatusNotFound)
			c.post("/seller/realname/abandon", nil).want(http.StatusNotFound)
			c.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusConflict)
			if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameLocked {
				t.Fatalf("status %s while locked", m.RealNameStatus)
			}
			// A reviewer finds it in the queue and unlocks it with a comment.
			v, err := ta.Store.CurrentRealName(context.Background(), merchantOf(t, ta, "m@example.com").ID)
			must(t, err)
			r := ta.loggedIn(rev.Email)
			queue := r.get("/admin/realname").want(http.StatusOK)
			if queue.Doc().Find(fmt.Sprintf(`a[href="/admin/realname/%d"]`, v.ID)).Length() == 0 {
				t.Fatal("the locked check is not in the reviewer's queue")
			}
			r.get(fmt.Sprintf("/admin/realname/%d", v.ID)).want(http.StatusOK)
			r.post(fmt.Sprintf("/admin/realname/%d/unlock", v.ID), url.Values{"comment": {""}}).want(http.StatusUnprocessableEntity)
			r.post(fmt.Sprintf("/admin/realname/%d/unlock", v.ID), url.Values{"comment": {"Called the merchant"}}).want(http.StatusSeeOther)
			r.post(fmt.Sprintf("/admin/realname/%d/unlock", v.ID), url.Values{"comment": {"Again"}}).want(http.StatusConflict)
			if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameAwaitingCheck {
				t.Fatalf("status after the unlock %s", m.RealNameStatus)
			}
			ta.drainJobs()
			fresh := smsCodeOrAmount(t, ta, method)
			c.post("/seller/realname/confirm", url.Values{"answer": {fresh}}).want(http.StatusSeeOther)
			if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameInReview {
				t.Fatalf("status after the right answer %s", m.RealNameStatus)
			}
			var n int64
			ta.env.DB.R.Model(&models.AuditLog{}).Where("action = ? AND object_id = ?", "realname.unlock", v.ID).Count(&n)
			if n != 1 {
				t.Fatalf("%d unlock audit rows", n)
			}
		})
	}
}

func smsCodeOrAmount(t *testing.T, ta *testApp, method string) string {
	t.Helper()
	if method == models.MethodCorporateTransfer {
		return depositAmount(t, ta)
	}
	return smsCode(t, ta)
}

// TestRealNameResubmissionsLimitedPerDay: starting over to draw a new amount is limited
// to the setting's number of submissions with a check in 24 hours.
func TestRealNameResubmissionsLimitedPerDay(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	f := realNameValues()
	f.Set("method", models.MethodCorporateTransfer)
	f.Set("bank_name", "招商银行")
	f.Set("bank_account", "7559 0000 1234 5678")
	for i := 0; i < models.DefaultRealNameDailySubmissions; i++ {
		c.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
		c.post("/seller/realname/abandon", nil).want(http.StatusSeeOther)
	}
	var before int64
	ta.env.DB.R.Model(&models.RealNameVerification{}).Count(&before)
	for _, lang := range []string{"en", "zh-CN"} {
		c.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
		r := c.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusUnprocessableEntity)
		want := map[string]string{"en": "24 hours", "zh-CN": "24 小时"}[lang]
		if got := r.Doc().Find(`[data-testid="form-errors"]`).Text(); !strings.Contains(got, want) {
			t.Fatalf("%s: %q", lang, got)
		}
	}
	var after int64
	ta.env.DB.R.Model(&models.RealNameVerification{}).Count(&after)
	if after != before {
		t.Fatalf("a refused submission was saved: %d → %d", before, after)
	}
	// A day later the merchant may try again; methods without a check were never limited.
	ta.env.Clock.Advance(25 * time.Hour)
	c.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
}

// onboarded drives a merchant through every step with the store, as the seed does.
func onboarded(t *testing.T, ta *testApp, email string, rev models.User) models.Merchant {
	t.Helper()
	ta.user(models.RoleMerchant, email)
	c := ta.loggedIn(email)
	ctx := context.Background()
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	m := merchantOf(t, ta, email)
	v, _ := ta.Store.CurrentRealName(ctx, m.ID)
	if err := ta.Store.DecideRealName(ctx, reviewerActor(rev), v.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	c.postMultipart("/seller/application", applicationValues(), upload{"licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	app, _ := ta.Store.CurrentApplication(ctx, m.ID)
	if err := ta.Store.DecideApplication(ctx, reviewerActor(rev), app.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	return merchantOf(t, ta, email)
}

func TestProfileChangeRequestAndTenantIsolation(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	a := onboarded(t, ta, "a@example.com", rev)
	onboarded(t, ta, "b@example.com", rev)
	ca, cb := ta.loggedIn("a@example.com"), ta.loggedIn("b@example.com")
	ctx := context.Background()

	change := url.Values{"kind": {"profile"}, "website": {"https://new.example.com"}, "intro": {"<script>alert('x')</script> 新的企业简介，至少二十个字符。"},
		"contact_name": {"新联系人"}, "contact_mobile": {"13700137000"}, "contact_email": {"new@example.com"},
		"service_email": {"svc@example.com"}, "service_phone": {"010-88886666"}, "address": {"上海市浦东新区"}}
	r := ca.postMultipart("/seller/changes", change, upload{"logo", "logo.png", pngBytes}).want(http.StatusSeeOther)
	loc := r.Location()
	// The live values stay until approval.
	if got := merchantOf(t, ta, "a@example.com"); got.Website != "https://www.example.com" {
		t.Fatalf("live website changed before approval: %s", got.Website)
	}
	// A second request of the same kind waits for the first.
	ca.postMultipart("/seller/changes", change).want(http.StatusConflict)
	// Another merchant cannot see or withdraw it, nor the files.
	cb.get(loc).want(http.StatusNotFound)
	cb.post(loc+"/withdraw", nil).want(http.StatusNotFound)
	files, _ := ta.Store.FilesFor(ctx, "application", 0)
	_ = files
	var f models.File
	ta.env.DB.R.Where("owner_merchant_id = ?", a.ID).First(&f)
	cb.get("/files/" + itoa64(int64(f.ID))).want(http.StatusNotFound)
	fr := ca.get("/files/" + itoa64(int64(f.ID))).want(http.StatusOK)
	if fr.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(fr.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("file headers %v", fr.Header)
	}
	show := ca.get(loc).want(http.StatusOK)
	if strings.Contains(show.Body, "<script>alert") {
		t.Fatal("merchant text rendered unescaped")
	}
	var cr models.ChangeRequest
	ta.env.DB.R.Where("merchant_id = ?", a.ID).First(&cr)
	if err := ta.Store.DecideChange(ctx, reviewerActor(rev), cr.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	got := merchantOf(t, ta, "a@example.com")
	if got.Website != "https://new.example.com" || got.LogoFileID == nil || got.ContactEmail != "new@example.com" {
		t.Fatalf("change not applied: %+v", got)
	}
	if strings.Contains(ca.get("/seller/profile").want(http.StatusOK).Body, "<script>alert") {
		t.Fatal("profile renders merchant text unescaped")
	}
	// Withdrawing a decided request is refused.
	ca.post(loc+"/withdraw", nil).want(http.StatusConflict)
}

func TestCertificationLocksAfterThreeWrongAmounts(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	onboarded(t, ta, "m@example.com", rev)
	c := ta.loggedIn("m@example.com")
	c.post("/seller/certification/basics", url.Values{"credit_code": {testUSCC}, "taxpayer_type": {"general"}, "invoice_type": {"vat_special"},
		"registered_addr": {"北京"}, "finance_name": {"赵六"}, "finance_phone": {"13900139000"}, "finance_email": {"fin@example.com"}}).want(http.StatusSeeOther)
	c.post("/seller/certification/bank", url.Values{"account_name": {"示例科技有限公司"}, "bank_name": {"工商银行"}, "bank_branch": {"海淀支行"},
		"bank_account": {"0200001234567890"}, "currency": {"CNY"}}).want(http.StatusSeeOther)
	c.post("/seller/certification/survey", url.Values{"has_related_supplier": {"no"}}).want(http.StatusSeeOther)
	c.post("/seller/certification/transfer", nil).want(http.StatusSeeOther)
	c.post("/seller/certification/transfer", url.Values{"amount": {"5.00"}}).want(http.StatusUnprocessableEntity)
	c.post("/seller/certification/transfer", url.Values{"amount": {"5.00"}}).want(http.StatusUnprocessableEntity)
	c.post("/seller/certification/transfer", url.Values{"amount": {"5.00"}}).want(http.StatusSeeOther)
	m := merchantOf(t, ta, "m@example.com")
	if m.CertificationStatus != models.CertLocked {
		t.Fatalf("status %s, want LOCKED", m.CertificationStatus)
	}
	c.post("/seller/certification/transfer", url.Values{"amount": {"0.50"}}).want(http.StatusConflict)
	cert, _ := ta.Store.CertificationFor(context.Background(), m.ID)
	if err := ta.Store.UnlockCertification(context.Background(), reviewerActor(rev), cert.ID, "called the merchant"); err != nil {
		t.Fatal(err)
	}
	ta.drainJobs()
	c.post("/seller/certification/transfer", url.Values{"amount": {depositAmount(t, ta)}}).want(http.StatusSeeOther)
}

func TestPersonalVerificationThenUpgradeToEnterprise(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	ta.user(models.RoleMerchant, "dev@example.com")
	c := ta.loggedIn("dev@example.com")
	ctx := context.Background()
	c.get("/seller/realname/new?subject=personal&method=face").want(http.StatusOK)
	personal := url.Values{"subject": {"personal"}, "method": {"face"}, "name": {"李四"}, "cert_type": {"resident_id"}, "cert_number": {"11010519491231002X"}}
	// Face recognition needs three images.
	r := c.postMultipart("/seller/realname", personal, upload{"file_id_front", "f.png", pngBytes}).want(http.StatusUnprocessableEntity)
	if r.fieldError("file_id_back") == "" || r.fieldError("file_selfie_with_id") == "" {
		t.Fatal("missing face images not reported")
	}
	bad := url.Values{}
	for k, v := range personal {
		bad[k] = v
	}
	bad.Set("cert_number", "110105194912310021")
	r = c.postMultipart("/seller/realname", bad, upload{"file_id_front", "f.png", pngBytes}, upload{"file_id_back", "b.png", pngBytes}, upload{"file_selfie_with_id", "s.png", pngBytes}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("cert_number"), "resident ID") {
		t.Fatalf("ID error %q", r.fieldError("cert_number"))
	}
	c.postMultipart("/seller/realname", personal, upload{"file_id_front", "f.png", pngBytes}, upload{"file_id_back", "b.png", pngBytes}, upload{"file_selfie_with_id", "s.png", pngBytes}).want(http.StatusSeeOther)
	m := merchantOf(t, ta, "dev@example.com")
	v, _ := ta.Store.CurrentRealName(ctx, m.ID)
	if err := ta.Store.DecideRealName(ctx, reviewerActor(rev), v.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	// Personal verification does not open the application; the overview asks to upgrade.
	c.postMultipart("/seller/application", applicationValues(), upload{"licence", "l.png", pngBytes}).want(http.StatusConflict)
	ov := c.get("/seller").want(http.StatusOK).Doc()
	if st, _ := ov.Find(`[data-testid="step-realname"]`).Attr("data-state"); st != "action" {
		t.Fatalf("real-name step %q for a personal verification", st)
	}
	// Upgrading: only the enterprise subject is offered, and a personal resubmission is refused.
	form := c.get("/seller/realname/new?subject=personal").want(http.StatusOK).Doc()
	if form.Find(`input[name="subject"][value="personal"]`).Length() != 0 {
		t.Fatal("personal subject offered for an upgrade")
	}
	c.postMultipart("/seller/realname", personal, upload{"file_id_front", "f.png", pngBytes}, upload{"file_id_back", "b.png", pngBytes}, upload{"file_selfie_with_id", "s.png", pngBytes}).want(http.StatusConflict)
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	m = merchantOf(t, ta, "dev@example.com")
	if m.RealNameStatus != models.RealNameInReview || m.RealNameSubject != models.SubjectPersonal {
		t.Fatalf("during the upgrade: %s %s", m.RealNameStatus, m.RealNameSubject)
	}
	v, _ = ta.Store.CurrentRealName(ctx, m.ID)
	if err := ta.Store.DecideRealName(ctx, reviewerActor(rev), v.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	m = merchantOf(t, ta, "dev@example.com")
	if m.RealNameSubject != models.SubjectEnterprise || m.CompanyName != "示例科技有限公司" {
		t.Fatalf("after the upgrade: %s %q", m.RealNameSubject, m.CompanyName)
	}
	c.get("/seller/application").want(http.StatusOK)
}

func TestRejectedRealNameShowsReasonAndCanBeResubmitted(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	ctx := context.Background()
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	m := merchantOf(t, ta, "m@example.com")
	v, _ := ta.Store.CurrentRealName(ctx, m.ID)
	if err := ta.Store.DecideRealName(ctx, reviewerActor(rev), v.ID, models.Decision{Reason: "reason.realname.document_unclear", Comment: "请上传清晰的营业执照"}); err != nil {
		t.Fatal(err)
	}
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	ov := c.get("/seller").want(http.StatusOK).Doc()
	step := ov.Find(`[data-testid="step-realname"]`)
	if st, _ := step.Attr("data-state"); st != "action" || !strings.Contains(step.Text(), "请上传清晰的营业执照") {
		t.Fatalf("overview step %q: %s", st, step.Text())
	}
	page := c.get("/seller/realname").want(http.StatusOK).Doc()
	if !strings.Contains(page.Find(`[data-testid="rejection"]`).Text(), "请上传清晰的营业执照") {
		t.Fatal("rejection comment not shown")
	}
	inbox := c.get("/inbox").want(http.StatusOK).Doc().Find(`[data-testid="inbox-items"]`).Text()
	if !strings.Contains(inbox, "实名认证未通过") || strings.Contains(inbox, "reason.realname") {
		t.Fatalf("inbox message not resolved in Chinese: %s", inbox)
	}
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "l2.png", pngBytes}).want(http.StatusSeeOther)
	if m := merchantOf(t, ta, "m@example.com"); m.RealNameStatus != models.RealNameInReview {
		t.Fatalf("after resubmission %s", m.RealNameStatus)
	}
}
