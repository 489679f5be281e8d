package handlers

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"sellercenter/models"
)

// stage is how far a fixture merchant got through onboarding.
type stage int

const (
	atRealName      stage = iota // enterprise real-name submitted, in review
	atApplication                // verified; onboarding application pending
	atCertification              // application approved; certification in review
	atActive                     // certified and active
)

// fixtureMerchant is a merchant created through the same store calls a user makes.
type fixtureMerchant struct {
	User          models.User
	MerchantID    uint
	RealNameID    uint
	ApplicationID uint
	CertID        uint
}

func (m fixtureMerchant) actor() models.Actor {
	return models.Actor{UserID: m.User.ID, Email: m.User.Email, RequestID: "fixture"}
}

// seedReviewer is the reviewer fixtures use for the decisions before the stage wanted:
// the test's first reviewer, so no extra (slow to hash) account is made.
func (ta *testApp) seedReviewer() models.Actor {
	ta.t.Helper()
	rs, err := ta.Store.Reviewers(context.Background())
	must(ta.t, err)
	u := models.User{}
	if len(rs) > 0 {
		u = rs[len(rs)-1]
	} else {
		u = ta.user(models.RoleReviewer, "seed-reviewer@example.com")
	}
	return models.Actor{UserID: u.ID, Email: u.Email, RequestID: "fixture"}
}

// upload writes a PNG to the blob store for a submission to record.
func (ta *testApp) upload(purpose string) models.Upload {
	ta.t.Helper()
	key, n, err := ta.Blobs.Put(context.Background(), bytes.NewReader(pngBytes), 1<<20)
	if err != nil {
		ta.t.Fatal(err)
	}
	return models.Upload{Purpose: purpose, BlobKey: key, Filename: purpose + ".png", ContentType: "image/png", Size: n}
}

// fileRow stores a PNG owned by u as a file row of its own, for fixtures that name files
// in product content by id (the editor records them through SaveProductDraft).
func (ta *testApp) fileRow(u models.User, purpose string) uint {
	ta.t.Helper()
	up := ta.upload(purpose)
	f := models.File{OwnerUserID: u.ID, OwnerMerchantID: u.MerchantID, Purpose: up.Purpose, BlobKey: up.BlobKey,
		Filename: up.Filename, ContentType: up.ContentType, Size: up.Size, CreatedAt: ta.Clock.Now()}
	must(ta.t, ta.env.DB.W.Create(&f).Error)
	return f.ID
}

// merchantAt creates a merchant called company and drives it to the stage.
func (ta *testApp) merchantAt(email, company string, st stage) fixtureMerchant {
	ta.t.Helper()
	t, ctx := ta.t, context.Background()
	u := ta.user(models.RoleMerchant, email)
	m := fixtureMerchant{User: u, MerchantID: *u.MerchantID}
	a, rev := m.actor(), ta.seedReviewer()
	v, err := ta.Store.SubmitRealName(ctx, a, m.MerchantID, models.RealNameInput{Subject: models.SubjectEnterprise,
		Method: models.MethodCertificate, Name: company, CertType: models.CertUSCC, CertNumber: "91350100M000100Y43",
		LegalRepName: "张三", Files: models.Uploads{ta.upload(models.FileLicence)}})
	must(t, err)
	m.RealNameID = v.ID
	if st == atRealName {
		return m
	}
	must(t, ta.Store.DecideRealName(ctx, rev, v.ID, models.Decision{Approve: true}))
	app, err := ta.Store.SubmitApplication(ctx, a, m.MerchantID, models.ApplicationInput{Website: "https://www.example.com",
		Employees: 50, YearsInBusiness: 5, RegisteredCapital: 1_000_000_00, Licence: ta.upload(models.FileLicence),
		Intro: company + " builds SaaS.", ContactName: "张三", ContactMobile: "13800138000", ContactEmail: email,
		ServiceEmail: "service@example.com", ServicePhone: "400-820-1234", Address: "北京市海淀区 1 号",
		ProductTypes: []string{"saas", "license"}, SignerName: "张三"})
	must(t, err)
	m.ApplicationID = app.ID
	if st == atApplication {
		return m
	}
	must(t, ta.Store.DecideApplication(ctx, rev, app.ID, models.Decision{Approve: true}))
	ta.certToTransfer(m, company)
	c, err := ta.Store.ConfirmCertTransfer(ctx, a, m.MerchantID, ta.depositFen(m))
	must(t, err)
	c, err = ta.Store.SubmitCertification(ctx, a, m.MerchantID)
	must(t, err)
	m.CertID = c.ID
	if st == atCertification {
		return m
	}
	must(t, ta.Store.DecideCertification(ctx, rev, c.ID, models.Decision{Approve: true}))
	return m
}

// certToTransfer fills the certification wizard and has the platform make the deposit.
func (ta *testApp) certToTransfer(m fixtureMerchant, company string) models.BusinessCertification {
	ta.t.Helper()
	ctx, a := context.Background(), m.actor()
	_, err := ta.Store.SaveCertBasics(ctx, a, m.MerchantID, models.CertBasicsInput{CreditCode: "91350100M000100Y43",
		TaxpayerType: "general", InvoiceType: "vat_special", RegisteredAddr: "北京市海淀区 1 号", FinanceName: "赵会计",
		FinancePhone: "13900139000", FinanceEmail: "finance@example.com"})
	must(ta.t, err)
	_, err = ta.Store.SaveCertBank(ctx, a, m.MerchantID, models.CertBankInput{AccountName: company, BankName: "中国工商银行",
		BankBranch: "北京海淀支行", BankAccount: "0200001234567890123", Currency: "CNY"})
	must(ta.t, err)
	_, err = ta.Store.SaveCertSurvey(ctx, a, m.MerchantID, models.CertSurveyInput{})
	must(ta.t, err)
	c, err := ta.Store.StartCertTransfer(ctx, a, m.MerchantID)
	must(ta.t, err)
	return c
}

// depositFen reads the amount the platform deposited (what the merchant sees on the statement).
func (ta *testApp) depositFen(m fixtureMerchant) int64 {
	ta.t.Helper()
	c, err := ta.Store.CertificationFor(context.Background(), m.MerchantID)
	must(ta.t, err)
	want, err := ta.Box.Open(c.TransferEnc)
	must(ta.t, err)
	fen, err := strconv.ParseInt(want, 10, 64)
	must(ta.t, err)
	return fen
}

// submitProfileChange files a change of the website for an onboarded merchant.
func (ta *testApp) submitProfileChange(m fixtureMerchant, website string) models.ChangeRequest {
	ta.t.Helper()
	ctx := context.Background()
	mer, err := ta.Store.MerchantByID(ctx, m.MerchantID)
	must(ta.t, err)
	p := models.ProfileOf(mer)
	p.Website = website
	r, err := ta.Store.SubmitProfileChange(ctx, m.actor(), m.MerchantID, p, nil)
	must(ta.t, err)
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// latestAudit returns the newest audit row of an action.
func (ta *testApp) latestAudit(action string) models.AuditLog {
	ta.t.Helper()
	rows, _, err := ta.Store.AuditLogs(context.Background(), models.AuditFilter{Action: action, Page: 1, Per: 1})
	must(ta.t, err)
	if len(rows) == 0 {
		ta.t.Fatalf("no audit row %s", action)
	}
	return rows[0]
}

// notificationsOf lists a user's inbox.
func (ta *testApp) notificationsOf(userID uint) []models.Notification {
	ta.t.Helper()
	rows, _, err := ta.Store.Notifications(context.Background(), userID, false, 1, 50)
	must(ta.t, err)
	return rows
}

// hasNotice tells whether the user got a notification of kind.
func (ta *testApp) hasNotice(userID uint, kind string) bool {
	for _, n := range ta.notificationsOf(userID) {
		if n.Kind == kind {
			return true
		}
	}
	return false
}
