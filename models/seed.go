package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
)

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

// Seeded tells whether the demo data exists already.
func (s *Store) Seeded(ctx context.Context) (bool, error) {
	_, err := s.UserByEmail(ctx, DemoAdminEmail)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SeedDemo creates the demo reviewer (an admin), a fully onboarded merchant, a merchant
// half-way through onboarding and a buyer with orders of the merchant's products, each
// with a fresh random password, going through the same transitions a user would.
func (s *Store) SeedDemo(ctx context.Context, put BlobPutter) ([]DemoLogin, error) {
	var logins []DemoLogin
	mk := func(role Role, email, name, note string, admin bool) (User, error) {
		pw, err := RandomPassword()
		if err != nil {
			return User{}, err
		}
		u, err := s.CreateUser(ctx, Actor{Email: "seed"}, NewAccount{Email: email, Password: pw, Role: role, Name: name, Locale: "zh-CN", IsAdmin: admin, Verified: true})
		if err != nil {
			return User{}, err
		}
		logins = append(logins, DemoLogin{Role: string(role), Email: email, Password: pw, Note: note})
		return u, nil
	}
	admin, err := mk(RoleReviewer, DemoAdminEmail, "运营经理 Demo", "reviewer + admin", true)
	if err != nil {
		return nil, err
	}
	merchant, err := mk(RoleMerchant, DemoMerchantEmail, "张经理", "fully onboarded, products in every state", false)
	if err != nil {
		return nil, err
	}
	halfway, err := mk(RoleMerchant, DemoHalfwayEmail, "李工", "real-name verified, application pending", false)
	if err != nil {
		return nil, err
	}
	buyer, err := mk(RoleBuyer, DemoBuyerEmail, "王采购", "buyer with orders", false)
	if err != nil {
		return nil, err
	}
	ra := Actor{UserID: admin.ID, Email: admin.Email, RequestID: "seed"}
	if err := s.seedVerifiedMerchant(ctx, put, merchant, "示例云科技有限公司", "91350100M000100Y43", ra, true); err != nil {
		return nil, err
	}
	if err := s.seedVerifiedMerchant(ctx, put, halfway, "半程软件有限公司", "91110000802100433B", ra, false); err != nil {
		return nil, err
	}
	if merchant, err = s.UserByID(ctx, merchant.ID); err != nil {
		return nil, err
	}
	if err := s.seedOrders(ctx, buyer, merchant); err != nil {
		return nil, err
	}
	return logins, nil
}

func seedFile(ctx context.Context, put BlobPutter, purpose string) (Upload, error) {
	return seedUpload(ctx, put, purpose, purpose+".png", "image/png", tinyPNG)
}

func (s *Store) seedVerifiedMerchant(ctx context.Context, put BlobPutter, u User, company, uscc string, reviewer Actor, complete bool) error {
	a := Actor{UserID: u.ID, Email: u.Email, RequestID: "seed"}
	mid := *u.MerchantID
	lic, err := seedFile(ctx, put, FileLicence)
	if err != nil {
		return err
	}
	v, err := s.SubmitRealName(ctx, a, mid, RealNameInput{Subject: SubjectEnterprise, Method: MethodCertificate, Name: company,
		CertType: CertUSCC, CertNumber: uscc, LegalRepName: u.Name, Files: Uploads{lic}})
	if err != nil {
		return err
	}
	if err := s.DecideRealName(ctx, reviewer, v.ID, Decision{Approve: true}); err != nil {
		return err
	}
	lic2, err := seedFile(ctx, put, FileLicence)
	if err != nil {
		return err
	}
	app, err := s.SubmitApplication(ctx, a, mid, ApplicationInput{Website: "https://www.example.com", Employees: 120, YearsInBusiness: 8,
		RegisteredCapital: 10_000_000_00, Licence: lic2, Intro: company + "：专注企业级 SaaS 与云服务。",
		ContactName: u.Name, ContactMobile: "13800138000", ContactEmail: u.Email, ServiceEmail: "service@example.com",
		ServicePhone: "400-820-1234", Address: "北京市海淀区示例路 1 号", ProductTypes: []string{"saas", "license"}, SignerName: u.Name})
	if err != nil {
		return err
	}
	if !complete {
		return nil
	}
	if err := s.DecideApplication(ctx, reviewer, app.ID, Decision{Approve: true}); err != nil {
		return err
	}
	if _, err := s.SaveCertBasics(ctx, a, mid, CertBasicsInput{CreditCode: uscc, TaxpayerType: "general", InvoiceType: "vat_special",
		RegisteredAddr: "北京市海淀区示例路 1 号", FinanceName: "赵会计", FinancePhone: "13900139000", FinanceEmail: "finance@example.com"}); err != nil {
		return err
	}
	if _, err := s.SaveCertBank(ctx, a, mid, CertBankInput{AccountName: company, BankName: "中国工商银行", BankBranch: "北京海淀支行",
		BankAccount: "0200001234567890123", Currency: "CNY"}); err != nil {
		return err
	}
	if _, err := s.SaveCertSurvey(ctx, a, mid, CertSurveyInput{}); err != nil {
		return err
	}
	c, err := s.StartCertTransfer(ctx, a, mid)
	if err != nil {
		return err
	}
	want, err := s.box.Open(c.TransferEnc)
	if err != nil {
		return err
	}
	fen, _ := strconv.ParseInt(want, 10, 64)
	if _, err := s.ConfirmCertTransfer(ctx, a, mid, fen); err != nil {
		return err
	}
	c, err = s.SubmitCertification(ctx, a, mid)
	if err != nil {
		return err
	}
	if err := s.DecideCertification(ctx, reviewer, c.ID, Decision{Approve: true}); err != nil {
		return err
	}
	u, err = s.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	return s.seedProducts(ctx, put, u, reviewer)
}
