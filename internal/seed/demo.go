// Package seed fills a database through the store: the demo accounts and their story
// (going through the same transitions users do), and generated benchmark data sets
// (written in bulk). Production code other than the commands never imports it.
package seed

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"sellercenter/internal/clock"
	"sellercenter/internal/jobs"
	"sellercenter/internal/money"
	"sellercenter/models"
)

// store is the store the seed writes through, with the seed's steps as methods; the
// bulk generator writes to db directly.
type store struct {
	*models.Store
	db          *models.DB
	saasAddress string // the demo SaaS products' production address
	// ref is the reference endpoint in memory, once the demo merchant has a key: the
	// demo's SaaS orders are provisioned against it as they happen.
	ref *refEndpoint
}

// refEndpoint holds the in-memory reference endpoint.
type refEndpoint struct {
	handler http.Handler
	key     *rsa.PrivateKey
}

// provision makes the production calls due at the store's time against the reference
// endpoint in memory, as the server's job pool makes them over the network.
func (s store) provision(ctx context.Context) error {
	if s.ref == nil || s.ref.handler == nil {
		return nil
	}
	_, err := (&jobs.SaaSCalls{Store: s.Store, Local: s.ref.handler}).RunDue(ctx)
	return err
}

// Seeded tells whether the demo data exists already.
func Seeded(ctx context.Context, st *models.Store) (bool, error) { return store{Store: st}.seeded(ctx) }

// Demo creates the demo accounts and their story; put writes the demo files.
func Demo(ctx context.Context, st *models.Store, put BlobPutter) ([]DemoLogin, error) {
	return DemoWith(ctx, st, put, DemoOptions{})
}

// DemoOptions adjust the demo data to the server it is seeded for.
type DemoOptions struct {
	// SaaSAddress is the reference merchant endpoint the demo SaaS products' production
	// address points at; empty: DefaultDemoSaaSAddress.
	SaaSAddress string
	// RefKey is the reference endpoint's RSA key: the demo app credential's public key is
	// its public half (nil: a fresh key, matching only the seed's own endpoint).
	RefKey *rsa.PrivateKey
}

// DemoWith is Demo for a server whose reference endpoint is elsewhere.
func DemoWith(ctx context.Context, st *models.Store, put BlobPutter, o DemoOptions) ([]DemoLogin, error) {
	return store{Store: st, saasAddress: o.SaaSAddress, ref: &refEndpoint{key: o.RefKey}}.seedDemo(ctx, put)
}

// BlobPutter stores file bytes (the blob store's Put).
type BlobPutter func(ctx context.Context, data []byte) (key string, err error)

// DemoLogin is one seeded account.
type DemoLogin struct {
	Role, Email, Password, Note string
}

// tinyPNG is a 1×1 PNG used as the demo merchant's licence scan.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

// Demo account emails.
const (
	DemoAdminEmail    = "admin@demo.sellercenter.local"
	DemoMerchantEmail = "merchant@demo.sellercenter.local"
	DemoHalfwayEmail  = "halfway@demo.sellercenter.local"
	DemoBuyerEmail    = "buyer@demo.sellercenter.local"
)

// RandomPassword makes a 16-character random password.
func RandomPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s store) seeded(ctx context.Context) (bool, error) {
	_, err := s.UserByEmail(ctx, DemoAdminEmail)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// seedDemo creates the demo reviewer (an admin), a fully onboarded merchant, a merchant
// half-way through onboarding and a buyer with orders of the merchant's products, each
// with a fresh random password, going through the same transitions a user would.
func (s store) seedDemo(ctx context.Context, put BlobPutter) ([]DemoLogin, error) {
	// The story happens over a year: the store's clock is set back to when each part of
	// it took place, and the latest part happens now.
	now := s.Now()
	fc := clock.NewFake(now)
	at := func(t time.Time) store {
		fc.Set(t)
		return store{Store: s.WithClock(fc), saasAddress: s.saasAddress, ref: s.ref}
	}
	past := at(now.AddDate(0, 0, -historyDays-30))
	var logins []DemoLogin
	mk := func(role models.Role, email, name, note string, admin bool) (models.User, error) {
		pw, err := RandomPassword()
		if err != nil {
			return models.User{}, err
		}
		u, err := past.CreateUser(ctx, models.Actor{Email: models.ActorSeed}, models.NewAccount{Email: email, Password: pw, Role: role, Name: name, IsAdmin: admin, Verified: true})
		if err != nil {
			return models.User{}, err
		}
		if note != "" {
			logins = append(logins, DemoLogin{Role: string(role), Email: email, Password: pw, Note: note})
		}
		return u, nil
	}
	admin, err := mk(models.RoleReviewer, DemoAdminEmail, "运营经理 Demo", "reviewer + admin", true)
	if err != nil {
		return nil, err
	}
	merchant, err := mk(models.RoleMerchant, DemoMerchantEmail, "张经理", "fully onboarded, a year of sales, products in every state", false)
	if err != nil {
		return nil, err
	}
	halfway, err := mk(models.RoleMerchant, DemoHalfwayEmail, "李工", "real-name verified, application pending", false)
	if err != nil {
		return nil, err
	}
	buyer, err := mk(models.RoleBuyer, DemoBuyerEmail, "王采购", "buyer with orders", false)
	if err != nil {
		return nil, err
	}
	ra := models.Actor{UserID: admin.ID, Email: admin.Email, RequestID: models.ActorSeed}
	laterProducts, err := past.seedVerifiedMerchant(ctx, put, merchant, "示例云科技有限公司", "91350100M000100Y43", ra, true)
	if err != nil {
		return nil, err
	}
	if merchant, err = s.UserByID(ctx, merchant.ID); err != nil {
		return nil, err
	}
	buyers := []historyBuyer{{u: buyer, weight: 2}}
	for _, c := range demoCustomers {
		u, err := mk(models.RoleBuyer, c.email, c.name, "", false)
		if err != nil {
			return nil, err
		}
		if _, err := past.SaveBuyerProfile(ctx, models.Actor{UserID: u.ID, Email: u.Email, RequestID: models.ActorSeed}, u.ID,
			models.BuyerProfileInput{SubjectType: models.BuyerEnterprise, DisplayName: c.company}); err != nil {
			return nil, err
		}
		buyers = append(buyers, historyBuyer{u: u, weight: c.weight})
	}
	if _, err := past.SaveBuyerProfile(ctx, models.Actor{UserID: buyer.ID, Email: buyer.Email, RequestID: models.ActorSeed}, buyer.ID,
		models.BuyerProfileInput{SubjectType: models.BuyerEnterprise, DisplayName: "星河零售有限公司", Mobile: "13700137000"}); err != nil {
		return nil, err
	}
	if err := s.seedHistory(ctx, at, now, merchant, buyers, put, ra); err != nil {
		return nil, err
	}
	if err := s.seedBills(ctx, at, now, merchant, put, ra); err != nil {
		return nil, err
	}
	// What happened long ago was read long ago.
	for _, b := range append(buyers, historyBuyer{u: merchant}) {
		if err := s.MarkAllNotificationsRead(ctx, b.u.ID); err != nil {
			return nil, err
		}
	}
	if _, err := at(now.AddDate(0, 0, -3)).seedVerifiedMerchant(ctx, put, halfway, "半程软件有限公司", "91110000802100433B", ra, false); err != nil {
		return nil, err
	}
	// Lately: a service rejected, a SaaS submitted for review, a draft started.
	if err := laterProducts(at(now.AddDate(0, 0, -2))); err != nil {
		return nil, err
	}
	if err := at(now).seedOrders(ctx, buyer, merchant); err != nil {
		return nil, err
	}
	if err := at(now).seedSupervision(ctx, put, ra, buyer, merchant); err != nil {
		return nil, err
	}
	if err := at(now).seedShipment(ctx, buyer, merchant); err != nil {
		return nil, err
	}
	kit, err := at(now).seedOrg(ctx, buyer)
	if err != nil {
		return nil, err
	}
	logins = append(logins, kit)
	// This morning's probe of the SaaS products on sale, against the reference endpoint.
	if err := at(now.Add(-3 * time.Hour)).probeAll(ctx); err != nil {
		return nil, err
	}
	return logins, nil
}

// probeAll probes every probed SaaS product against the reference endpoint in memory,
// as the twice-daily round does over the network.
func (s store) probeAll(ctx context.Context) error {
	if s.ref == nil || s.ref.handler == nil {
		return nil
	}
	targets, err := s.ProbeTargets(ctx)
	if err != nil {
		return err
	}
	p := &jobs.Prober{Store: s.Store, Local: s.ref.handler}
	for _, t := range targets {
		if _, err := p.Probe(ctx, t.ID, models.ProbeScheduled); err != nil {
			return err
		}
	}
	return nil
}

func seedFile(ctx context.Context, put BlobPutter, purpose string) (models.Upload, error) {
	return seedUpload(ctx, put, purpose, purpose+".png", "image/png", tinyPNG)
}

func (s store) seedVerifiedMerchant(ctx context.Context, put BlobPutter, u models.User, company, uscc string, reviewer models.Actor, complete bool) (func(store) error, error) {
	a := models.Actor{UserID: u.ID, Email: u.Email, RequestID: models.ActorSeed}
	mid := *u.MerchantID
	lic, err := seedFile(ctx, put, models.FileLicence)
	if err != nil {
		return nil, err
	}
	v, err := s.SubmitRealName(ctx, a, mid, models.RealNameInput{Subject: models.SubjectEnterprise, Method: models.MethodCertificate, Name: company,
		CertType: models.CertUSCC, CertNumber: uscc, LegalRepName: u.Name, Files: models.Uploads{lic}})
	if err != nil {
		return nil, err
	}
	if err := s.DecideRealName(ctx, reviewer, v.ID, models.Decision{Approve: true}); err != nil {
		return nil, err
	}
	lic2, err := seedFile(ctx, put, models.FileLicence)
	if err != nil {
		return nil, err
	}
	app, err := s.SubmitApplication(ctx, a, mid, models.ApplicationInput{Website: "https://www.example.com", Employees: 120, YearsInBusiness: 8,
		RegisteredCapital: 10_000_000_00, Licence: lic2, Intro: company + "：专注企业级 SaaS 与云服务。",
		ContactName: u.Name, ContactMobile: "13800138000", ContactEmail: u.Email, ServiceEmail: "service@example.com",
		ServicePhone: "400-820-1234", Address: "北京市海淀区示例路 1 号", ProductTypes: []string{"saas", "license"}, SignerName: u.Name})
	if err != nil {
		return nil, err
	}
	if !complete {
		return nil, nil
	}
	if err := s.DecideApplication(ctx, reviewer, app.ID, models.Decision{Approve: true}); err != nil {
		return nil, err
	}
	if _, err := s.SaveCertBasics(ctx, a, mid, models.CertBasicsInput{CreditCode: uscc, TaxpayerType: "general", InvoiceType: "vat_special",
		RegisteredAddr: "北京市海淀区示例路 1 号", FinanceName: "赵会计", FinancePhone: "13900139000", FinanceEmail: "finance@example.com"}); err != nil {
		return nil, err
	}
	if _, err := s.SaveCertBank(ctx, a, mid, models.CertBankInput{AccountName: company, BankName: "中国工商银行", BankBranch: "北京海淀支行",
		BankAccount: "0200001234567890123", Currency: "CNY"}); err != nil {
		return nil, err
	}
	if _, err := s.SaveCertSurvey(ctx, a, mid, models.CertSurveyInput{}); err != nil {
		return nil, err
	}
	c, err := s.StartCertTransfer(ctx, a, mid)
	if err != nil {
		return nil, err
	}
	fen, err := s.depositFen(ctx, c.BankAccountMasked)
	if err != nil {
		return nil, err
	}
	if _, err := s.ConfirmCertTransfer(ctx, a, mid, fen); err != nil {
		return nil, err
	}
	c, err = s.SubmitCertification(ctx, a, mid)
	if err != nil {
		return nil, err
	}
	if err := s.DecideCertification(ctx, reviewer, c.ID, models.Decision{Approve: true}); err != nil {
		return nil, err
	}
	u, err = s.UserByID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return s.seedProducts(ctx, put, u, reviewer)
}

// depositAmount finds the amount of a deposit notice on a bank statement.
var depositAmount = regexp.MustCompile(`\+(\d+\.\d{2}) `)

// depositFen reads the latest verification deposit to the account from the outbox, as
// the merchant reads it on the bank statement.
func (s store) depositFen(ctx context.Context, account string) (int64, error) {
	msgs, err := s.OutboxMessages(ctx, 20)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if m.Channel != models.ChannelBank || m.To != account {
			continue
		}
		if mm := depositAmount.FindStringSubmatch(m.Body); mm != nil {
			return money.ParseYuan(mm[1])
		}
	}
	return 0, fmt.Errorf("seed: no deposit to %s in the outbox", account)
}
