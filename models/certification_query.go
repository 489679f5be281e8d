package models

import (
	"context"
	"crypto/subtle"
	"errors"
	"strconv"
	"time"

	"sellercenter/internal/money"
	"sellercenter/internal/secretbox"
)

// CertificationFor returns the merchant's certification, or a fresh unsaved one.
func (s *Store) CertificationFor(ctx context.Context, merchantID uint) (BusinessCertification, error) {
	var c BusinessCertification
	err := first(s.r.WithContext(ctx).Where("merchant_id = ?", merchantID), &c)
	if errors.Is(err, ErrNotFound) {
		return BusinessCertification{MerchantID: merchantID, Status: CertNotCertified}, nil
	}
	return c, err
}

// CertificationByID reads a certification for the reviewer console.
func (s *Store) CertificationByID(ctx context.Context, id uint) (BusinessCertification, error) {
	var c BusinessCertification
	return c, first(s.r.WithContext(ctx).Where("id = ?", id), &c)
}

// CertBasicsInput is wizard step (a).
type CertBasicsInput struct {
	CreditCode, TaxpayerType, InvoiceType, RegisteredAddr, FinanceName, FinancePhone, FinanceEmail string
}

// CertBankInput is wizard step (b).
type CertBankInput struct {
	AccountName, BankName, BankBranch, BankAccount, Currency string
}

// CertSurveyInput is wizard step (c).
type CertSurveyInput struct {
	HasRelatedSupplier bool
	RelatedSuppliers   string
}

// editCertification loads (or creates) the merchant's certification for a wizard step,
// checks the application is approved and the data still editable, applies change and
// saves, with an audit row.
func (s *Store) editCertification(ctx context.Context, a Actor, merchantID uint, action string, change func(tx *Store, m Merchant, c *BusinessCertification) error) (BusinessCertification, error) {
	var c BusinessCertification
	err := s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.w.Where("id = ?", merchantID), &m); err != nil {
			return err
		}
		if m.ApplicationStatus != ApplicationApproved {
			return ErrStepLocked
		}
		err := first(tx.forUpdate(tx.w.Where("merchant_id = ?", merchantID)), &c)
		now := tx.clock.Now()
		isNew := errors.Is(err, ErrNotFound)
		if isNew {
			c = BusinessCertification{MerchantID: merchantID, Status: CertNotCertified, CompanyName: m.CompanyName, CreatedAt: now, UpdatedAt: now, Version: 1}
		} else if err != nil {
			return err
		}
		before := c.Status
		if err := change(tx, m, &c); err != nil {
			return err
		}
		if isNew {
			if err := tx.w.Create(&c).Error; err != nil {
				return err
			}
		} else {
			ver := c.Version
			c.Version++
			c.UpdatedAt = now
			res := tx.w.Model(&BusinessCertification{}).Where("id = ? AND version = ?", c.ID, ver).Select("*").Omit("created_at").Updates(&c)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrConflict
			}
		}
		if c.Status != before || isNew {
			if err := tx.saveVersioned(&Merchant{}, m.ID, m.Version, map[string]any{"certification_status": c.Status}); err != nil {
				return err
			}
		}
		return tx.audit(a, action, "certification", c.ID, &merchantID, before, c.Status, "", "")
	})
	return c, err
}

// SaveCertBasics stores step (a).
func (s *Store) SaveCertBasics(ctx context.Context, a Actor, merchantID uint, in CertBasicsInput) (BusinessCertification, error) {
	return s.editCertification(ctx, a, merchantID, "certification.save_basics", func(tx *Store, m Merchant, c *BusinessCertification) error {
		if !c.Editable() {
			return ErrIllegalTransition
		}
		c.CompanyName = m.CompanyName
		c.CreditCode, c.TaxpayerType, c.InvoiceType, c.RegisteredAddr = in.CreditCode, in.TaxpayerType, in.InvoiceType, in.RegisteredAddr
		c.FinanceName, c.FinancePhone, c.FinanceEmail = in.FinanceName, in.FinancePhone, NormalizeEmail(in.FinanceEmail)
		c.BasicsDone = true
		return nil
	})
}

// SaveCertBank stores step (b); the account name must equal the company name.
func (s *Store) SaveCertBank(ctx context.Context, a Actor, merchantID uint, in CertBankInput) (BusinessCertification, error) {
	return s.editCertification(ctx, a, merchantID, "certification.save_bank", func(tx *Store, m Merchant, c *BusinessCertification) error {
		if !c.Editable() {
			return ErrIllegalTransition
		}
		if !c.BasicsDone {
			return ErrStepLocked
		}
		if err := CheckAccountName(m, in.AccountName); err != nil {
			return err
		}
		enc, err := tx.box.Seal(in.BankAccount)
		if err != nil {
			return err
		}
		c.AccountName, c.BankName, c.BankBranch, c.Currency = in.AccountName, in.BankName, in.BankBranch, in.Currency
		c.BankAccountEnc, c.BankAccountMasked = enc, secretbox.Mask(in.BankAccount, 4)
		c.BankDone = true
		return nil
	})
}

// SaveCertSurvey stores step (c).
func (s *Store) SaveCertSurvey(ctx context.Context, a Actor, merchantID uint, in CertSurveyInput) (BusinessCertification, error) {
	return s.editCertification(ctx, a, merchantID, "certification.save_survey", func(tx *Store, m Merchant, c *BusinessCertification) error {
		if !c.Editable() {
			return ErrIllegalTransition
		}
		if !c.BankDone {
			return ErrStepLocked
		}
		c.HasRelatedSupplier, c.RelatedSuppliers = in.HasRelatedSupplier, in.RelatedSuppliers
		if !in.HasRelatedSupplier {
			c.RelatedSuppliers = ""
		}
		c.SurveyDone = true
		return nil
	})
}

// depositNotice records the simulated deposit on the merchant's bank statement.
func (s *Store) depositNotice(c *BusinessCertification) error {
	fen, err := randomInt(1, 99)
	if err != nil {
		return err
	}
	if c.TransferEnc, err = s.box.Seal(strconv.FormatInt(fen, 10)); err != nil {
		return err
	}
	return s.addMessage(c.MerchantID, ChannelBank, c.BankAccountMasked, "outbox.certification_deposit", map[string]any{
		"Bank": c.BankName, "Account": c.BankAccountMasked, "Holder": c.AccountName, "Amount": money.FormatYuan(fen), "Currency": c.Currency})
}

// StartCertTransfer has the platform deposit a random amount for step (d).
func (s *Store) StartCertTransfer(ctx context.Context, a Actor, merchantID uint) (BusinessCertification, error) {
	return s.editCertification(ctx, a, merchantID, "certification.start_transfer", func(tx *Store, m Merchant, c *BusinessCertification) error {
		if err := c.StartTransfer(tx.clock.Now()); err != nil {
			return err
		}
		return tx.depositNotice(c)
	})
}

// ErrCertLocked: the third wrong amount locked the certification.
var ErrCertLocked = errors.New("certification locked")

// ConfirmCertTransfer checks the amount the merchant read on their statement (in fen).
func (s *Store) ConfirmCertTransfer(ctx context.Context, a Actor, merchantID uint, fen int64) (BusinessCertification, error) {
	var wrong error
	c, err := s.editCertification(ctx, a, merchantID, "certification.check_transfer", func(tx *Store, m Merchant, c *BusinessCertification) error {
		want, err := tx.box.Open(c.TransferEnc)
		if err != nil {
			return err
		}
		ok := subtle.ConstantTimeCompare([]byte(want), []byte(strconv.FormatInt(fen, 10))) == 1
		if err := c.CheckTransfer(ok, tx.clock.Now()); err != nil {
			return err
		}
		switch {
		case c.Status == CertLocked:
			wrong = ErrCertLocked
		case !ok:
			wrong = &ErrWrongAnswer{Left: MaxTransferFailures - c.TransferFailures}
		}
		return nil
	})
	if err == nil && wrong != nil {
		return c, wrong
	}
	return c, err
}

// SubmitCertification sends a verified certification to review (step e).
func (s *Store) SubmitCertification(ctx context.Context, a Actor, merchantID uint) (BusinessCertification, error) {
	return s.editCertification(ctx, a, merchantID, "certification.submit", func(tx *Store, m Merchant, c *BusinessCertification) error {
		return c.Submit(a.UserID, tx.clock.Now())
	})
}

// CertificationSecrets opens the bank account number for a reviewer, audited.
func (s *Store) CertificationSecrets(ctx context.Context, a Actor, c BusinessCertification) (string, error) {
	acct, err := s.box.Open(c.BankAccountEnc)
	if err != nil {
		return "", err
	}
	mid := c.MerchantID
	err = s.Tx(ctx, func(tx *Store) error {
		return tx.audit(a, "certification.reveal", "certification", c.ID, &mid, nil, nil, "", "")
	})
	return acct, err
}

// DecideCertification approves (the merchant becomes active) or rejects.
func (s *Store) DecideCertification(ctx context.Context, a Actor, id uint, d Decision) error {
	return decideReview(s, ctx, a, id, d, certificationReview)
}

// certificationReview: the first approval activates the merchant.
var certificationReview = reviewKind[BusinessCertification]{
	objType: "certification", pending: CertInReview, notice: "certification",
	target: func(*BusinessCertification) Target { return Target{Kind: TargetCertification} },
	apply: func(tx *Store, c *BusinessCertification, m *Merchant, d Decision, now time.Time) error {
		fields := map[string]any{"certification_status": c.Status}
		if d.Approve && m.ActivatedAt == nil {
			fields["activated_at"] = now
		}
		return tx.saveVersioned(&Merchant{}, m.ID, m.Version, fields)
	},
}

func (c *BusinessCertification) decide(d Decision, by uint, now time.Time) error {
	if d.Approve {
		return c.Approve(by, now)
	}
	return c.Reject(by, now, d.Reason, d.Comment)
}

func (c *BusinessCertification) reviewRow() reviewRow {
	return reviewRow{ID: c.ID, Version: c.Version, MerchantID: c.MerchantID, Status: c.Status}
}

func (c *BusinessCertification) decisionFields() map[string]any {
	f := verdictFields(c.Status, c.DecidedAt, c.DecidedByID, c.RejectReason, c.RejectComment)
	f["transfer_verified_at"] = c.TransferVerifiedAt
	return f
}

// UnlockCertification lets a reviewer release a locked certification; a new deposit is made.
func (s *Store) UnlockCertification(ctx context.Context, a Actor, id uint, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var c BusinessCertification
		if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &c); err != nil {
			return err
		}
		if err := c.Unlock(tx.clock.Now()); err != nil {
			return err
		}
		if err := tx.depositNotice(&c); err != nil {
			return err
		}
		if err := tx.saveVersioned(&BusinessCertification{}, c.ID, c.Version, map[string]any{
			"status": c.Status, "locked_at": nil, "transfer_failures": 0, "transfer_sent_at": c.TransferSentAt,
			"transfer_verified_at": nil, "transfer_enc": c.TransferEnc,
		}); err != nil {
			return err
		}
		var m Merchant
		if err := first(tx.w.Where("id = ?", c.MerchantID), &m); err != nil {
			return err
		}
		if err := tx.saveVersioned(&Merchant{}, m.ID, m.Version, map[string]any{"certification_status": c.Status}); err != nil {
			return err
		}
		if err := tx.audit(a, "certification.unlock", "certification", c.ID, &c.MerchantID, CertLocked, c.Status, "", comment); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: m.OwnerUserID, Kind: "certification.unlock", TitleKey: "notify.certification_unlocked.title",
			BodyKey: "notify.certification_unlocked.body", Args: map[string]any{"Comment": comment}, To: Target{Kind: TargetCertification}})
	})
}

// CheckAccountName is the bank step's rule: the settlement account is held in the
// company's own verified name.
func CheckAccountName(m Merchant, name string) error {
	if name != m.CompanyName {
		return &FieldError{Field: "account_name", Key: "error.account_name_mismatch"}
	}
	return nil
}
