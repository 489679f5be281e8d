package models

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"sellercenter/internal/secretbox"
)

// ProfileChange is a proposed change to the merchant's public information.
type ProfileChange struct {
	Website       string `json:"website"`
	Intro         string `json:"intro"`
	LogoFileID    *uint  `json:"logo_file_id,omitempty"`
	ContactName   string `json:"contact_name"`
	ContactMobile string `json:"contact_mobile"`
	ContactEmail  string `json:"contact_email"`
	ServiceEmail  string `json:"service_email"`
	ServicePhone  string `json:"service_phone"`
	Address       string `json:"address"`
}

// CertificationChange is a proposed change to certified settlement data.
type CertificationChange struct {
	TaxpayerType      string `json:"taxpayer_type"`
	InvoiceType       string `json:"invoice_type"`
	RegisteredAddr    string `json:"registered_addr"`
	FinanceName       string `json:"finance_name"`
	FinancePhone      string `json:"finance_phone"`
	FinanceEmail      string `json:"finance_email"`
	BankName          string `json:"bank_name"`
	BankBranch        string `json:"bank_branch"`
	BankAccountEnc    string `json:"bank_account_enc,omitempty"`
	BankAccountMasked string `json:"bank_account_masked"`
}

// ProfileOf is the merchant's live profile as a ProfileChange (the "before" side).
func ProfileOf(m Merchant) ProfileChange {
	return ProfileChange{Website: m.Website, Intro: m.Intro, LogoFileID: m.LogoFileID, ContactName: m.ContactName,
		ContactMobile: m.ContactMobile, ContactEmail: m.ContactEmail, ServiceEmail: m.ServiceEmail,
		ServicePhone: m.ServicePhone, Address: m.Address}
}

// CertificationOf is the live certification as a CertificationChange.
func CertificationOf(c BusinessCertification) CertificationChange {
	return CertificationChange{TaxpayerType: c.TaxpayerType, InvoiceType: c.InvoiceType, RegisteredAddr: c.RegisteredAddr,
		FinanceName: c.FinanceName, FinancePhone: c.FinancePhone, FinanceEmail: c.FinanceEmail, BankName: c.BankName,
		BankBranch: c.BankBranch, BankAccountEnc: c.BankAccountEnc, BankAccountMasked: c.BankAccountMasked}
}

// ErrChangePending: a request of this kind already waits for review.
var ErrChangePending = errors.New("change request already pending")

// SubmitProfileChange files a profile change request; logo, when given, is a new logo
// recorded with the request (else the current one stays).
func (s *Store) SubmitProfileChange(ctx context.Context, a Actor, merchantID uint, p ProfileChange, logo *Upload) (ChangeRequest, error) {
	return s.submitChange(ctx, a, merchantID, ChangeProfile, func(tx *Store, m Merchant) (any, any, error) {
		if m.ApplicationStatus != ApplicationApproved {
			return nil, nil, ErrStepLocked
		}
		p.ContactEmail, p.ServiceEmail = NormalizeEmail(p.ContactEmail), NormalizeEmail(p.ServiceEmail)
		p.LogoFileID = m.LogoFileID
		if logo != nil {
			ids, err := tx.recordUploads(a, &merchantID, Uploads{*logo})
			if err != nil {
				return nil, nil, err
			}
			p.LogoFileID = one(ids, logo.Purpose)
		}
		return ProfileOf(m), p, nil
	})
}

// SubmitCertificationChange files a change to certified settlement data; bankAccount
// empty keeps the current account.
func (s *Store) SubmitCertificationChange(ctx context.Context, a Actor, merchantID uint, p CertificationChange, bankAccount string) (ChangeRequest, error) {
	return s.submitChange(ctx, a, merchantID, ChangeCertification, func(tx *Store, m Merchant) (any, any, error) {
		var c BusinessCertification
		if err := first(tx.w.Where("merchant_id = ?", merchantID), &c); err != nil {
			return nil, nil, err
		}
		if c.Status != CertCertified {
			return nil, nil, ErrStepLocked
		}
		if bankAccount == "" {
			p.BankAccountEnc, p.BankAccountMasked = c.BankAccountEnc, c.BankAccountMasked
		} else {
			enc, err := tx.box.Seal(bankAccount)
			if err != nil {
				return nil, nil, err
			}
			p.BankAccountEnc, p.BankAccountMasked = enc, secretbox.Mask(bankAccount, 4)
		}
		p.FinanceEmail = NormalizeEmail(p.FinanceEmail)
		return CertificationOf(c), p, nil
	})
}

func (s *Store) submitChange(ctx context.Context, a Actor, merchantID uint, kind string, build func(tx *Store, m Merchant) (any, any, error)) (ChangeRequest, error) {
	var r ChangeRequest
	err := s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.forUpdate(tx.w.Where("id = ?", merchantID)), &m); err != nil {
			return err
		}
		if err := tx.noPendingChange(merchantID, kind, 0); err != nil {
			return err
		}
		before, after, err := build(tx, m)
		if err != nil {
			return err
		}
		if r, err = tx.submitChangeTx(a, merchantID, kind, 0, before, after); err != nil {
			return err
		}
		if kind == ChangeProfile {
			var p ProfileChange
			if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
				return err
			}
			if p.LogoFileID != nil && (m.LogoFileID == nil || *m.LogoFileID != *p.LogoFileID) {
				if err := tx.attachFiles(merchantID, "change", r.ID, []uint{*p.LogoFileID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return r, err
}

// noPendingChange refuses a second request of a kind (about one subject) while one waits.
func (s *Store) noPendingChange(merchantID uint, kind string, subjectID uint) error {
	var n int64
	if err := s.w.Model(&ChangeRequest{}).Where("merchant_id = ? AND kind = ? AND subject_id = ? AND status = ?",
		merchantID, kind, subjectID, ChangePending).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ErrChangePending
	}
	return nil
}

// submitChangeTx files a change request in the current transaction: the live values
// (before) and the proposed ones (after) of a kind, about one subject of the merchant's
// (an app credential) or the merchant itself (0).
func (s *Store) submitChangeTx(a Actor, merchantID uint, kind string, subjectID uint, before, after any) (ChangeRequest, error) {
	if err := s.noPendingChange(merchantID, kind, subjectID); err != nil {
		return ChangeRequest{}, err
	}
	bb, err := json.Marshal(before)
	if err != nil {
		return ChangeRequest{}, err
	}
	ab, err := json.Marshal(after)
	if err != nil {
		return ChangeRequest{}, err
	}
	now := s.clock.Now()
	r := ChangeRequest{MerchantID: merchantID, Kind: kind, SubjectID: subjectID, Payload: string(ab), Before: string(bb), Status: ChangePending,
		SubmittedByID: a.UserID, SubmittedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(&r).Error; err != nil {
		return r, err
	}
	return r, s.audit(a, "change.submit", "change", r.ID, &merchantID, nil, map[string]any{"kind": kind}, "", "")
}

// ChangeRequests lists the merchant's change requests, newest first.
func (s *Store) ChangeRequests(ctx context.Context, merchantID uint, page, per int) ([]ChangeRequest, int64, error) {
	q := s.r.WithContext(ctx).Model(&ChangeRequest{}).Where("merchant_id = ?", merchantID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []ChangeRequest
	err := q.Order("created_at DESC, id DESC").Offset((page - 1) * per).Limit(per).Find(&rows).Error
	return rows, total, err
}

// ChangeRequestOf reads one of the merchant's change requests.
func (s *Store) ChangeRequestOf(ctx context.Context, merchantID, id uint) (ChangeRequest, error) {
	var r ChangeRequest
	return r, first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &r)
}

// ChangeRequestByID reads a change request for the reviewer console.
func (s *Store) ChangeRequestByID(ctx context.Context, id uint) (ChangeRequest, error) {
	var r ChangeRequest
	return r, first(s.r.WithContext(ctx).Where("id = ?", id), &r)
}

// WithdrawChange takes back one of the merchant's pending requests.
func (s *Store) WithdrawChange(ctx context.Context, a Actor, merchantID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var r ChangeRequest
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &r); err != nil {
			return err
		}
		if err := r.Withdraw(); err != nil {
			return err
		}
		if err := tx.saveVersioned(&ChangeRequest{}, r.ID, r.Version, map[string]any{"status": r.Status}); err != nil {
			return err
		}
		return tx.audit(a, "change.withdraw", "change", r.ID, &merchantID, ChangePending, ChangeWithdrawn, "", "")
	})
}

// DecideChange approves (applying the payload to the live record) or rejects.
func (s *Store) DecideChange(ctx context.Context, a Actor, id uint, d Decision) error {
	return decideReview(s, ctx, a, id, d, changeReview)
}

// changeReview: an approval applies the change; the audit row keeps both versions.
var changeReview = reviewKind[ChangeRequest]{
	objType: "change", pending: ChangePending, notice: "change",
	target: func(r *ChangeRequest) Target { return to(TargetChange, r.ID) },
	args:   func(r *ChangeRequest) map[string]any { return map[string]any{"KindKey": "change.kind." + r.Kind} },
	apply: func(tx *Store, r *ChangeRequest, m *Merchant, d Decision, _ time.Time) error {
		if !d.Approve {
			return nil
		}
		return tx.applyChange(*m, *r)
	},
	audit: func(r *ChangeRequest) (any, any) { return r.Before, r.Payload },
}

func (r *ChangeRequest) decide(d Decision, by uint, now time.Time) error {
	if d.Approve {
		return r.Approve(by, now)
	}
	return r.Reject(by, now, d.Reason, d.Comment)
}

func (r *ChangeRequest) reviewRow() reviewRow {
	return reviewRow{ID: r.ID, Version: r.Version, MerchantID: r.MerchantID, Status: r.Status}
}

func (r *ChangeRequest) decisionFields() map[string]any {
	return verdictFields(r.Status, r.DecidedAt, r.DecidedByID, r.RejectReason, r.RejectComment)
}

func (s *Store) applyChange(m Merchant, r ChangeRequest) error {
	switch r.Kind {
	case ChangeProfile:
		var p ProfileChange
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			return err
		}
		return s.saveVersioned(&Merchant{}, m.ID, m.Version, map[string]any{
			"website": p.Website, "intro": p.Intro, "logo_file_id": p.LogoFileID, "contact_name": p.ContactName,
			"contact_mobile": p.ContactMobile, "contact_email": p.ContactEmail, "service_email": p.ServiceEmail,
			"service_phone": p.ServicePhone, "address": p.Address,
		})
	case ChangeCertification:
		var p CertificationChange
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			return err
		}
		var c BusinessCertification
		if err := first(s.w.Where("merchant_id = ?", m.ID), &c); err != nil {
			return err
		}
		return s.saveVersioned(&BusinessCertification{}, c.ID, c.Version, map[string]any{
			"taxpayer_type": p.TaxpayerType, "invoice_type": p.InvoiceType, "registered_addr": p.RegisteredAddr,
			"finance_name": p.FinanceName, "finance_phone": p.FinancePhone, "finance_email": p.FinanceEmail,
			"bank_name": p.BankName, "bank_branch": p.BankBranch, "bank_account_enc": p.BankAccountEnc,
			"bank_account_masked": p.BankAccountMasked,
		})
	case ChangeKitAddress:
		return s.applyKitAddress(m, r)
	}
	return ErrIllegalTransition
}

func itoaU(n uint) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// PendingChangeCount counts the merchant's change requests waiting for a reviewer.
func (s *Store) PendingChangeCount(ctx context.Context, merchantID uint) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&ChangeRequest{}).Where("merchant_id = ? AND status = ?", merchantID, ChangePending).Count(&n).Error
	return n, err
}
