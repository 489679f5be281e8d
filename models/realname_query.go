package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"sellercenter/internal/money"
	"sellercenter/internal/secretbox"
)

// RealNameInput is a real-name submission as the merchant typed it.
type RealNameInput struct {
	Subject      string
	Method       string
	Name         string
	CertType     string
	CertNumber   string
	LegalRepName string
	Phone        string
	BankName     string
	BankAccount  string
	Files        Uploads // the documents, recorded with the submission
}

// CurrentRealName is the merchant's latest submission, or ErrNotFound.
func (s *Store) CurrentRealName(ctx context.Context, merchantID uint) (RealNameVerification, error) {
	var v RealNameVerification
	return v, first(s.r.WithContext(ctx).Where("merchant_id = ? AND status <> ?", merchantID, RealNameAbandoned).Order("id DESC"), &v)
}

// RealNameHistory lists the merchant's submissions, newest first.
func (s *Store) RealNameHistory(ctx context.Context, merchantID uint) ([]RealNameVerification, error) {
	var rows []RealNameVerification
	err := s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("id DESC").Limit(50).Find(&rows).Error
	return rows, err
}

// CanStartRealName tells whether the merchant may submit real-name details now: never
// while one is being checked or reviewed, and after verification only to upgrade a
// personal verification to an enterprise one.
func CanStartRealName(m Merchant) bool {
	switch m.RealNameStatus {
	case RealNameNotVerified, RealNameRejected:
		return m.RealNameSubject != SubjectEnterprise
	case RealNameVerified:
		return m.RealNameSubject == SubjectPersonal
	}
	return false
}

func randomInt(lo, hi int64) (int64, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(hi-lo+1))
	if err != nil {
		return 0, err
	}
	return lo + n.Int64(), nil
}

// SubmitRealName records a submission. Methods with a check first send a deposit or an
// SMS code and wait for the merchant's answer; the others go straight to review.
func (s *Store) SubmitRealName(ctx context.Context, a Actor, merchantID uint, in RealNameInput) (RealNameVerification, error) {
	method, ok := RealNameMethodByCode(in.Method)
	if !ok || method.Subject != in.Subject {
		return RealNameVerification{}, &FieldError{Field: "method", Key: "error.choice"}
	}
	var v RealNameVerification
	err := s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.forUpdate(tx.w.Where("id = ?", merchantID)), &m); err != nil {
			return err
		}
		if !CanStartRealName(m) || (m.RealNameStatus == RealNameVerified && in.Subject != SubjectEnterprise) {
			return ErrIllegalTransition
		}
		now := tx.clock.Now()
		certEnc, err := tx.box.Seal(in.CertNumber)
		if err != nil {
			return err
		}
		v = RealNameVerification{MerchantID: merchantID, SubmittedByID: a.UserID, Subject: in.Subject, Method: in.Method,
			Name: in.Name, CertType: in.CertType, CertNumberEnc: certEnc, CertNumberMasked: secretbox.Mask(in.CertNumber, 4),
			LegalRepName: in.LegalRepName, Phone: in.Phone, BankName: in.BankName, ChallengeKind: method.Challenge,
			CreatedAt: now, UpdatedAt: now}
		if method.NeedsBank {
			if v.BankAccountEnc, err = tx.box.Seal(in.BankAccount); err != nil {
				return err
			}
			v.BankAccountMasked = secretbox.Mask(in.BankAccount, 4)
		}
		if method.Challenge != ChallengeNone {
			if err := tx.checkRealNameDailyLimit(ctx, merchantID); err != nil {
				return err
			}
			v.Status = RealNameAwaitingCheck
		} else {
			v.Status, v.SubmittedAt = RealNameInReview, &now
		}
		if err := tx.w.Create(&v).Error; err != nil {
			return err
		}
		if _, err := tx.recordUploadsFor(a, merchantID, "realname", v.ID, in.Files); err != nil {
			return err
		}
		if method.Challenge != ChallengeNone {
			if err := tx.sendRealNameChallenge(&v); err != nil {
				return err
			}
		}
		if err := tx.setMerchantRealName(&m, v.Status, ""); err != nil {
			return err
		}
		return tx.audit(a, "realname.submit", "realname", v.ID, &merchantID, nil,
			map[string]any{"subject": v.Subject, "method": v.Method, "status": v.Status}, "", "")
	})
	return v, err
}

// ErrRealNameDailyLimit: the merchant made as many submissions with a check today as the
// setting allows.
var ErrRealNameDailyLimit = &FieldError{Field: "_form", Key: "error.realname_daily_limit"}

// checkRealNameDailyLimit refuses one more submission with a check inside 24 hours than
// the setting allows: every submission draws a new amount or code to guess.
func (s *Store) checkRealNameDailyLimit(ctx context.Context, merchantID uint) error {
	limit, err := s.SettingInt(ctx, SettingRealNameDailyLimit, DefaultRealNameDailySubmissions)
	if err != nil {
		return err
	}
	var n int64
	if err := s.w.Model(&RealNameVerification{}).
		Where("merchant_id = ? AND created_at > ? AND challenge_kind <> ''", merchantID, s.clock.Now().Add(-24*time.Hour)).
		Count(&n).Error; err != nil {
		return err
	}
	if n >= int64(limit) {
		return ErrRealNameDailyLimit
	}
	return nil
}

// sendRealNameChallenge draws a fresh deposit amount or SMS code for v, seals it, saves
// it and queues the deposit notice or the SMS.
func (s *Store) sendRealNameChallenge(v *RealNameVerification) error {
	now := s.clock.Now()
	var answer, channel, to, key string
	var args map[string]any
	switch v.ChallengeKind {
	case ChallengeTransfer:
		fen, err := randomInt(1, 99)
		if err != nil {
			return err
		}
		answer, channel, to, key = strconv.FormatInt(fen, 10), ChannelBank, v.BankAccountMasked, "outbox.realname_deposit"
		args = map[string]any{"Bank": v.BankName, "Account": v.BankAccountMasked, "Amount": money.FormatYuan(fen), "Currency": "CNY"}
	case ChallengeSMS:
		code, err := randomInt(0, 999999)
		if err != nil {
			return err
		}
		answer, channel, to, key = fmt.Sprintf("%06d", code), ChannelSMS, v.Phone, "outbox.sms_code"
		args = map[string]any{"Code": answer}
	default:
		return ErrIllegalTransition
	}
	enc, err := s.box.Seal(answer)
	if err != nil {
		return err
	}
	v.ChallengeEnc, v.ChallengeSentAt = enc, &now
	if err := s.w.Model(&RealNameVerification{}).Where("id = ?", v.ID).
		Updates(map[string]any{"challenge_enc": enc, "challenge_sent_at": now}).Error; err != nil {
		return err
	}
	return s.addMessage(v.MerchantID, channel, to, key, args)
}

func (s *Store) setMerchantRealName(m *Merchant, status, subject string) error {
	fields := map[string]any{"real_name_status": status, "updated_at": s.clock.Now(), "version": m.Version + 1}
	if subject != "" {
		fields["real_name_subject"] = subject
	}
	res := s.w.Model(&Merchant{}).Where("id = ? AND version = ?", m.ID, m.Version).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	m.Version++
	m.RealNameStatus = status
	return nil
}

// ErrWrongAnswer: the typed amount or code is wrong; Left tells how many tries remain.
type ErrWrongAnswer struct{ Left int }

func (e *ErrWrongAnswer) Error() string { return "wrong answer" }

// ConfirmRealNameCheck checks the merchant's answer to the deposit or SMS check.
func (s *Store) ConfirmRealNameCheck(ctx context.Context, a Actor, merchantID uint, answer string) (RealNameVerification, error) {
	var v RealNameVerification
	var wrong *ErrWrongAnswer
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("merchant_id = ? AND status = ?", merchantID, RealNameAwaitingCheck).Order("id DESC")), &v); err != nil {
			return err
		}
		want, err := tx.box.Open(v.ChallengeEnc)
		if err != nil {
			return err
		}
		// Transfer answers arrive normalised to fen by the caller.
		ok := subtle.ConstantTimeCompare([]byte(answer), []byte(want)) == 1
		now := tx.clock.Now()
		before := v.Status
		if ok {
			if err := v.PassChallenge(now); err != nil {
				return err
			}
		} else if err := v.FailChallenge(now); err != nil {
			return err
		}
		if err := tx.saveVersioned(&RealNameVerification{}, v.ID, v.Version, map[string]any{
			"status": v.Status, "challenge_attempts": v.ChallengeAttempts, "challenge_passed_at": v.ChallengePassedAt, "submitted_at": v.SubmittedAt,
			"locked_at": v.LockedAt,
		}); err != nil {
			return err
		}
		v.Version++
		var m Merchant
		if err := first(tx.w.Where("id = ?", merchantID), &m); err != nil {
			return err
		}
		if v.Status != before {
			if err := tx.setMerchantRealName(&m, v.Status, ""); err != nil {
				return err
			}
		}
		action := "realname.check_passed"
		if !ok {
			action = "realname.check_failed"
			wrong = &ErrWrongAnswer{Left: MaxChallengeAttempts - v.ChallengeAttempts}
		}
		return tx.audit(a, action, "realname", v.ID, &merchantID, before, v.Status, "", "")
	})
	if err == nil && wrong != nil {
		return v, wrong
	}
	return v, err
}

// previousRealNameStatus is what the merchant falls back to when a check is abandoned.
func (s *Store) previousRealNameStatus(m Merchant) string {
	if m.RealNameSubject != "" {
		return RealNameVerified
	}
	return RealNameNotVerified
}

// AbandonRealName drops a submission still waiting for its check.
func (s *Store) AbandonRealName(ctx context.Context, a Actor, merchantID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var v RealNameVerification
		if err := first(tx.forUpdate(tx.w.Where("merchant_id = ? AND status = ?", merchantID, RealNameAwaitingCheck).Order("id DESC")), &v); err != nil {
			return err
		}
		if err := v.Abandon(); err != nil {
			return err
		}
		if err := tx.saveVersioned(&RealNameVerification{}, v.ID, v.Version, map[string]any{"status": v.Status}); err != nil {
			return err
		}
		var m Merchant
		if err := first(tx.w.Where("id = ?", merchantID), &m); err != nil {
			return err
		}
		if err := tx.setMerchantRealName(&m, tx.previousRealNameStatus(m), ""); err != nil {
			return err
		}
		return tx.audit(a, "realname.abandon", "realname", v.ID, &merchantID, RealNameAwaitingCheck, RealNameAbandoned, "", "")
	})
}

// UnlockRealName lets a reviewer release a check locked by three wrong answers; a fresh
// amount or code is sent and the merchant is told.
func (s *Store) UnlockRealName(ctx context.Context, a Actor, id uint, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var v RealNameVerification
		if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &v); err != nil {
			return err
		}
		if err := v.Unlock(tx.clock.Now()); err != nil {
			return err
		}
		if err := tx.saveVersioned(&RealNameVerification{}, v.ID, v.Version, map[string]any{
			"status": v.Status, "locked_at": nil, "challenge_attempts": 0,
		}); err != nil {
			return err
		}
		if err := tx.sendRealNameChallenge(&v); err != nil {
			return err
		}
		var m Merchant
		if err := first(tx.w.Where("id = ?", v.MerchantID), &m); err != nil {
			return err
		}
		if err := tx.setMerchantRealName(&m, v.Status, ""); err != nil {
			return err
		}
		if err := tx.audit(a, "realname.unlock", "realname", v.ID, &v.MerchantID, RealNameLocked, v.Status, "", comment); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: m.OwnerUserID, Kind: "realname.unlock", TitleKey: "notify.realname_unlocked.title",
			BodyKey: "notify.realname_unlocked.body", Args: map[string]any{"Comment": comment}, To: Target{Kind: TargetRealName}})
	})
}

// RealNameByID reads a submission for the reviewer console.
func (s *Store) RealNameByID(ctx context.Context, id uint) (RealNameVerification, error) {
	var v RealNameVerification
	return v, first(s.r.WithContext(ctx).Where("id = ?", id), &v)
}

// RealNameSecrets opens the encrypted numbers for a reviewer and records that they were shown.
func (s *Store) RealNameSecrets(ctx context.Context, a Actor, v RealNameVerification) (cert, bank string, err error) {
	if cert, err = s.box.Open(v.CertNumberEnc); err != nil {
		return "", "", err
	}
	if bank, err = s.box.Open(v.BankAccountEnc); err != nil {
		return "", "", err
	}
	mid := v.MerchantID
	err = s.Tx(ctx, func(tx *Store) error {
		return tx.audit(a, "realname.reveal", "realname", v.ID, &mid, nil, nil, "", "")
	})
	return cert, bank, err
}

// DecideRealName approves or rejects a submission in review.
func (s *Store) DecideRealName(ctx context.Context, a Actor, id uint, d Decision) error {
	return decideReview(s, ctx, a, id, d, realNameReview)
}

// realNameReview: an approval names the merchant after the verified company.
var realNameReview = reviewKind[RealNameVerification]{
	objType: "realname", pending: RealNameInReview, notice: "realname",
	target: func(*RealNameVerification) Target { return Target{Kind: TargetRealName} },
	apply: func(tx *Store, v *RealNameVerification, m *Merchant, d Decision, _ time.Time) error {
		subject := ""
		if d.Approve {
			subject = v.Subject
			if err := tx.w.Model(&Merchant{}).Where("id = ?", m.ID).Update("company_name", v.Name).Error; err != nil {
				return err
			}
		}
		return tx.setMerchantRealName(m, v.Status, subject)
	},
}

func (v *RealNameVerification) decide(d Decision, by uint, now time.Time) error {
	if d.Approve {
		return v.Approve(by, now)
	}
	return v.Reject(by, now, d.Reason, d.Comment)
}

func (v *RealNameVerification) reviewRow() reviewRow {
	return reviewRow{ID: v.ID, Version: v.Version, MerchantID: v.MerchantID, Status: v.Status}
}

func (v *RealNameVerification) decisionFields() map[string]any {
	return verdictFields(v.Status, v.DecidedAt, v.DecidedByID, v.RejectReason, v.RejectComment)
}
