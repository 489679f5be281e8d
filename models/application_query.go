package models

import (
	"context"
	"strings"
	"time"
)

// ApplicationInput is the onboarding application form.
type ApplicationInput struct {
	Website           string
	Employees         int
	YearsInBusiness   int
	RegisteredCapital int64  // fen
	Licence           Upload // the business licence, recorded with the application
	Intro             string
	ContactName       string
	ContactMobile     string
	ContactEmail      string
	ServiceEmail      string
	ServicePhone      string
	Address           string
	ProductTypes      []string
	SignerName        string
}

// CanApply tells whether the merchant may submit the onboarding application now.
func CanApply(m Merchant) bool {
	return m.RealNameStatus == RealNameVerified && m.RealNameSubject == SubjectEnterprise &&
		(m.ApplicationStatus == ApplicationNone || m.ApplicationStatus == ApplicationRejected)
}

// CurrentApplication is the merchant's latest application, or ErrNotFound.
func (s *Store) CurrentApplication(ctx context.Context, merchantID uint) (OnboardingApplication, error) {
	var a OnboardingApplication
	return a, first(s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("id DESC"), &a)
}

// Applications lists the merchant's applications, newest first.
func (s *Store) Applications(ctx context.Context, merchantID uint) ([]OnboardingApplication, error) {
	var rows []OnboardingApplication
	err := s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("id DESC").Limit(50).Find(&rows).Error
	return rows, err
}

// ApplicationByID reads an application for the reviewer console.
func (s *Store) ApplicationByID(ctx context.Context, id uint) (OnboardingApplication, error) {
	var a OnboardingApplication
	return a, first(s.r.WithContext(ctx).Where("id = ?", id), &a)
}

// SubmitApplication records the application and the agreement signature.
func (s *Store) SubmitApplication(ctx context.Context, a Actor, merchantID uint, in ApplicationInput) (OnboardingApplication, error) {
	var app OnboardingApplication
	err := s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.forUpdate(tx.w.Where("id = ?", merchantID)), &m); err != nil {
			return err
		}
		if m.RealNameStatus != RealNameVerified || m.RealNameSubject != SubjectEnterprise {
			return ErrStepLocked
		}
		if !CanApply(m) {
			return ErrIllegalTransition
		}
		settings, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		ids, err := tx.recordUploads(a, &merchantID, Uploads{in.Licence})
		if err != nil {
			return err
		}
		app = OnboardingApplication{MerchantID: merchantID, SubmittedByID: a.UserID, CompanyName: m.CompanyName,
			Website: in.Website, Employees: in.Employees, YearsInBusiness: in.YearsInBusiness, RegisteredCapital: in.RegisteredCapital,
			LicenceFileID: *one(ids, in.Licence.Purpose), Intro: in.Intro, ContactName: in.ContactName, ContactMobile: in.ContactMobile,
			ContactEmail: NormalizeEmail(in.ContactEmail), ServiceEmail: NormalizeEmail(in.ServiceEmail), ServicePhone: in.ServicePhone,
			Address: in.Address, ProductTypes: strings.Join(in.ProductTypes, ","),
			AgreementCode: settings[SettingAgreementCode], AgreementVersion: settings[SettingAgreementVersion], AgreedAt: now,
			SignerName: in.SignerName, Status: ApplicationPending, SubmittedAt: now, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&app).Error; err != nil {
			return err
		}
		if err := tx.attachFiles(merchantID, "application", app.ID, []uint{app.LicenceFileID}); err != nil {
			return err
		}
		if err := tx.saveVersioned(&Merchant{}, m.ID, m.Version, map[string]any{"application_status": ApplicationPending}); err != nil {
			return err
		}
		if err := tx.audit(a, "application.sign_agreement", "application", app.ID, &merchantID, nil,
			map[string]any{"code": app.AgreementCode, "version": app.AgreementVersion, "signer": app.SignerName}, "", ""); err != nil {
			return err
		}
		return tx.audit(a, "application.submit", "application", app.ID, &merchantID, m.ApplicationStatus, ApplicationPending, "", "")
	})
	return app, err
}

// DecideApplication approves (copying the contacts into the live profile) or rejects.
func (s *Store) DecideApplication(ctx context.Context, a Actor, id uint, d Decision) error {
	return decideReview(s, ctx, a, id, d, applicationReview)
}

// applicationReview: an approval copies the contacts into the live profile.
var applicationReview = reviewKind[OnboardingApplication]{
	objType: "application", pending: ApplicationPending, notice: "application",
	target: func(*OnboardingApplication) Target { return Target{Kind: TargetApplication} },
	apply: func(tx *Store, app *OnboardingApplication, m *Merchant, d Decision, _ time.Time) error {
		fields := map[string]any{"application_status": app.Status}
		if d.Approve {
			fields["website"], fields["intro"] = app.Website, app.Intro
			fields["contact_name"], fields["contact_mobile"], fields["contact_email"] = app.ContactName, app.ContactMobile, app.ContactEmail
			fields["service_email"], fields["service_phone"], fields["address"] = app.ServiceEmail, app.ServicePhone, app.Address
		}
		return tx.saveVersioned(&Merchant{}, m.ID, m.Version, fields)
	},
}

func (app *OnboardingApplication) decide(d Decision, by uint, now time.Time) error {
	if d.Approve {
		return app.Approve(by, now)
	}
	return app.Reject(by, now, d.Reason, d.Comment)
}

func (app *OnboardingApplication) reviewRow() reviewRow {
	return reviewRow{ID: app.ID, Version: app.Version, MerchantID: app.MerchantID, Status: app.Status}
}

func (app *OnboardingApplication) decisionFields() map[string]any {
	return verdictFields(app.Status, app.DecidedAt, app.DecidedByID, app.RejectReason, app.RejectComment)
}
