package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Notice targets of settlement.
const (
	TargetSellerBill = "seller_bill"
	TargetAdminBill  = "admin_bill"
)

// Refusals of the bill pipeline: each a 409 with its own message.
var (
	ErrBillNotGenerated    = &RuleError{Key: "settle.error.not_generated"}
	ErrBillNotSent         = &RuleError{Key: "settle.error.not_sent"}
	ErrBillNotInvoiceable  = &RuleError{Key: "settle.error.not_invoiceable"}
	ErrBillNotInvoiced     = &RuleError{Key: "settle.error.not_invoiced"}
	ErrBillNotPaying       = &RuleError{Key: "settle.error.not_paying"}
	ErrBillNoAccount       = &RuleError{Key: "settle.error.no_account"}
	ErrPaymentRefUsed      = &FieldError{Field: "reference", Key: "settle.error.reference_used"}
	ErrInvoiceNumberUsed   = &FieldError{Field: "number", Key: "settle.error.invoice_number_used"}
	errBillAdjustmentRange = &FieldError{Field: "amount", Key: "settle.error.adjustment_range"}
)

// BillRejectReasons are the reasons a payment application is returned for (message
// keys); each also has what the merchant should do (<key>_fix).
var BillRejectReasons = []string{"reason.bill.invoice_amount", "reason.bill.invoice_title", "reason.bill.invoice_tax",
	"reason.bill.invoice_file", "reason.bill.bank_account", "reason.bill.other"}

// BillReasonOther is the reason that needs a comment.
const BillReasonOther = "reason.bill.other"

// billMoves is the pipeline: the statuses each action may start from.
var billMoves = map[string][]string{
	"send":        {BillGenerated},
	"countersign": {BillSent},
	"invoice":     {BillCountersigned, BillReturned},
	"approve":     {BillInvoiced},
	"reject":      {BillInvoiced, BillPaying},
	"pay":         {BillPaying},
}

// BillCan tells whether action may be taken on a bill in status.
func BillCan(status, action string) bool { return slices.Contains(billMoves[action], status) }

// lockBill reads a bill for a change: a merchant's own (merchantID > 0) or any
// (reviewers, merchantID 0), by its number.
func (s *Store) lockBill(merchantID uint, billNo string) (Bill, error) {
	q := s.w.Where("bill_no = ?", billNo)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	var b Bill
	return b, first(s.forUpdate(q), &b)
}

// moveBill writes a bill's new status with its fields against its version, the history
// entry and the audit row.
func (s *Store) moveBill(a Actor, b *Bill, action, to, comment string, fields map[string]any) error {
	from := b.Status
	fields["status"], fields["step_since"] = to, s.clock.Now()
	if err := s.saveVersioned(&Bill{}, b.ID, b.Version, fields); err != nil {
		return err
	}
	b.Status, b.Version, b.StepSince = to, b.Version+1, s.clock.Now()
	return s.billEvent(a, *b, action, from, to, comment)
}

// notifyBillOwner tells the merchant's owner what happened to a bill.
func (s *Store) notifyBillOwner(b Bill, what string, args map[string]any) error {
	var m Merchant
	if err := first(s.w.Where("id = ?", b.MerchantID), &m); err != nil {
		return err
	}
	if args == nil {
		args = map[string]any{}
	}
	args["Period"], args["BillNo"], args["AmountFen"] = b.Period, b.BillNo, b.PayableFen
	return s.notify(Notice{UserID: m.OwnerUserID, Kind: "bill." + what, TitleKey: "notify.bill_" + what + ".title",
		BodyKey: "notify.bill_" + what + ".body", Args: args, To: Target{Kind: TargetSellerBill, Ref: b.BillNo}})
}

// SendBill is the platform's review and sending of a generated bill to its merchant.
func (s *Store) SendBill(ctx context.Context, a Actor, billNo string) (Bill, error) {
	var b Bill
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if b, err = tx.lockBill(0, billNo); err != nil {
			return err
		}
		if !BillCan(b.Status, "send") {
			return ErrBillNotGenerated
		}
		now := tx.clock.Now()
		if err := tx.moveBill(a, &b, "send", BillSent, "", map[string]any{"sent_at": now, "sent_by_id": a.UserID}); err != nil {
			return err
		}
		b.SentAt, b.SentByID = &now, &a.UserID
		return tx.notifyBillOwner(b, "sent", nil)
	})
	return b, err
}

// CountersignBill records the countersign (会签) of a sent bill: the merchant's invoice
// is requested. A bill with nothing to pay ends here, carried forward: a negative payable
// becomes an adjustment of the merchant's next bill.
func (s *Store) CountersignBill(ctx context.Context, a Actor, billNo string) (Bill, error) {
	var b Bill
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if b, err = tx.lockBill(0, billNo); err != nil {
			return err
		}
		if !BillCan(b.Status, "countersign") {
			return ErrBillNotSent
		}
		now := tx.clock.Now()
		to, what := BillCountersigned, "countersigned"
		if b.PayableFen <= 0 {
			to, what = BillCarried, "carried"
		}
		if err := tx.moveBill(a, &b, "countersign", to, "", map[string]any{"countersigned_at": now, "countersign_by_id": a.UserID}); err != nil {
			return err
		}
		b.CountersignedAt, b.CountersignByID = &now, &a.UserID
		if b.PayableFen < 0 {
			adj := BillAdjustment{MerchantID: b.MerchantID, Entity: b.Entity, AmountFen: b.PayableFen,
				Reason: "settle.adjustment.carried:" + b.BillNo, FromBillID: &b.ID, CreatedAt: now}
			if err := tx.w.Create(&adj).Error; err != nil {
				return err
			}
		}
		return tx.notifyBillOwner(b, what, nil)
	})
	return b, err
}

// InvoiceInput is the invoice a merchant records for a bill.
type InvoiceInput struct {
	Number    string
	IssuedOn  string // YYYY-MM-DD
	AmountFen int64
	TaxRate   int // percent
}

var invoiceNumberRe = regexp.MustCompile(fmt.Sprintf(`^[0-9]{%d,%d}$`, InvoiceNumberMinDigits, InvoiceNumberMaxDigits))

// checkInvoice checks an invoice against its bill, naming every wrong field.
func (s *Store) checkInvoice(ctx context.Context, b Bill, in *InvoiceInput, hasFile bool) []*FieldError {
	var errs []*FieldError
	in.Number = strings.TrimSpace(in.Number)
	switch {
	case in.Number == "":
		errs = append(errs, &FieldError{Field: "number", Key: "error.required"})
	case !invoiceNumberRe.MatchString(in.Number):
		errs = append(errs, &FieldError{Field: "number", Key: "settle.error.invoice_number"})
	}
	loc := s.CalendarLocation(ctx)
	p, _ := ParseBillPeriod(b.Period)
	if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.IssuedOn), loc); err != nil {
		errs = append(errs, &FieldError{Field: "issued_on", Key: "settle.error.invoice_date"})
	} else if d.Before(p.Start(loc)) || d.After(s.clock.Now().In(loc)) {
		errs = append(errs, &FieldError{Field: "issued_on", Key: "settle.error.invoice_date_range",
			Args: []any{"From", p.Start(loc).Format(time.DateOnly)}})
	} else {
		in.IssuedOn = d.Format(time.DateOnly)
	}
	if in.AmountFen != b.PayableFen {
		errs = append(errs, &FieldError{Field: "amount", Key: "settle.error.invoice_amount", Args: []any{"AmountFen", b.PayableFen}})
	}
	if !slices.Contains(InvoiceTaxRates, in.TaxRate) {
		errs = append(errs, &FieldError{Field: "tax_rate", Key: "settle.error.tax_rate"})
	}
	if !hasFile {
		errs = append(errs, &FieldError{Field: "file", Key: "settle.error.invoice_file"})
	}
	return errs
}

// CheckInvoice checks an invoice for the merchant's bill before its file is stored, so
// every problem is named at once; RecordInvoice checks again as the authority.
func (s *Store) CheckInvoice(ctx context.Context, merchantID uint, billNo string, in InvoiceInput, hasFile bool) (Bill, error) {
	var b Bill
	if err := first(s.r.WithContext(ctx).Where("bill_no = ? AND merchant_id = ?", billNo, merchantID), &b); err != nil {
		return b, err
	}
	if !BillCan(b.Status, "invoice") {
		return b, ErrBillNotInvoiceable
	}
	if errs := s.checkInvoice(ctx, b, &in, hasFile); len(errs) > 0 {
		return b, FieldErrors(errs)
	}
	return b, nil
}

// RecordInvoice is the merchant's payment application: the invoice of a countersigned
// (or returned) bill with its file, checked against the bill. Resubmitting after a return
// restarts the payment step.
func (s *Store) RecordInvoice(ctx context.Context, a Actor, merchantID uint, billNo string, in InvoiceInput, file Upload) (Bill, error) {
	var b Bill
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if b, err = tx.lockBill(merchantID, billNo); err != nil {
			return err
		}
		if !BillCan(b.Status, "invoice") {
			return ErrBillNotInvoiceable
		}
		if errs := tx.checkInvoice(ctx, b, &in, file.BlobKey != ""); len(errs) > 0 {
			return FieldErrors(errs)
		}
		var used int64
		if err := tx.w.Model(&BillInvoice{}).Where("merchant_id = ? AND number = ? AND status <> ?", merchantID, in.Number, InvoiceRejected).
			Count(&used).Error; err != nil {
			return err
		}
		if used > 0 {
			return FieldErrors{ErrInvoiceNumberUsed}
		}
		now := tx.clock.Now()
		file.Purpose = "bill_invoice"
		inv := BillInvoice{BillID: b.ID, MerchantID: merchantID, Number: in.Number, IssuedOn: in.IssuedOn, AmountFen: in.AmountFen,
			TaxRate: in.TaxRate, Status: InvoiceSubmitted, CreatedByID: a.UserID, CreatedAt: now}
		ids, err := tx.recordUploads(a, &merchantID, Uploads{file})
		if err != nil {
			return err
		}
		inv.FileID = *one(ids, file.Purpose)
		if err := tx.w.Create(&inv).Error; err != nil {
			return err
		}
		if err := tx.attachFiles(merchantID, "bill_invoice", inv.ID, []uint{inv.FileID}); err != nil {
			return err
		}
		if err := tx.moveBill(a, &b, "invoice", BillInvoiced, in.Number, map[string]any{"invoiced_at": now, "payment_from_at": nil}); err != nil {
			return err
		}
		b.InvoicedAt, b.PaymentFromAt = &now, nil
		return tx.NotifyReviewers(ctx, Notice{Kind: "bill.invoiced", TitleKey: "notify.bill_invoiced.title", BodyKey: "notify.bill_invoiced.body",
			Args: map[string]any{"Period": b.Period, "BillNo": b.BillNo, "AmountFen": b.PayableFen}, To: Target{Kind: TargetAdminBill, Ref: b.BillNo}})
	})
	return b, err
}

// billReview plugs payment applications into the one review workflow: approving checks
// the invoice and starts the payment's working days; rejecting returns the application
// to the merchant with the reason and what to do.
var billReview = reviewKind[Bill]{
	objType: "bill", pending: BillInvoiced, notice: "bill_payment",
	target: func(b *Bill) Target { return Target{Kind: TargetSellerBill, Ref: b.BillNo} },
	args:   func(b *Bill) map[string]any { return map[string]any{"Period": b.Period, "BillNo": b.BillNo} },
	apply: func(tx *Store, b *Bill, _ *Merchant, d Decision, now time.Time) error {
		status := InvoiceAccepted
		if !d.Approve {
			status = InvoiceRejected
		}
		if err := tx.w.Model(&BillInvoice{}).Where("bill_id = ? AND status IN ?", b.ID, []string{InvoiceSubmitted, InvoiceAccepted}).
			Update("status", status).Error; err != nil {
			return err
		}
		ev := BillEvent{BillID: b.ID, Action: "approve_payment", FromStatus: b.decidedFrom, ToStatus: b.Status, ActorID: ptr(b.decidedBy), CreatedAt: now}
		if !d.Approve {
			ev.Action, ev.Comment = "reject_payment", d.Reason+":"+d.Comment
		}
		return tx.w.Create(&ev).Error
	},
	audit: func(b *Bill) (any, any) { return b.decidedFrom, b.Status },
}

func (b *Bill) decide(d Decision, by uint, now time.Time) error {
	b.decidedFrom, b.decidedBy = b.Status, by
	if d.Approve {
		if !BillCan(b.Status, "approve") {
			return ErrBillNotInvoiced
		}
		b.Status, b.PaymentFromAt = BillPaying, &now
	} else {
		if !BillCan(b.Status, "reject") {
			return ErrBillNotInvoiced
		}
		if !slices.Contains(BillRejectReasons, d.Reason) {
			return &FieldError{Field: "reason", Key: "error.required"}
		}
		b.Status, b.ReturnedAt, b.Returns = BillReturned, &now, b.Returns+1
		b.RejectReason, b.RejectComment = d.Reason, d.Comment
	}
	b.DecidedAt, b.DecidedByID, b.StepSince = &now, &by, now
	return nil
}

func (b *Bill) reviewRow() reviewRow {
	return reviewRow{ID: b.ID, Version: b.Version, MerchantID: b.MerchantID, Status: b.Status}
}

func (b *Bill) decisionFields() map[string]any {
	f := map[string]any{"status": b.Status, "step_since": b.StepSince, "decided_at": b.DecidedAt, "decided_by_id": b.DecidedByID}
	if b.Status == BillPaying {
		f["payment_from_at"] = b.PaymentFromAt
	} else {
		f["returned_at"], f["returns"], f["reject_reason"], f["reject_comment"] = b.ReturnedAt, b.Returns, b.RejectReason, b.RejectComment
	}
	return f
}

// DecideBillPayment approves or returns a bill's payment application.
func (s *Store) DecideBillPayment(ctx context.Context, a Actor, billNo string, d Decision) error {
	if !d.Approve {
		d.Comment = strings.TrimSpace(d.Comment)
		if !utf8.ValidString(d.Comment) || utf8.RuneCountInString(d.Comment) > BillReasonMax {
			return &FieldError{Field: "comment", Key: "aftersales.error.too_long"}
		}
		if !slices.Contains(BillRejectReasons, d.Reason) {
			return &FieldError{Field: "reason", Key: "error.required"}
		}
		if d.Reason == BillReasonOther && d.Comment == "" {
			return &FieldError{Field: "comment", Key: "settle.error.comment_required"}
		}
	}
	var b Bill
	if err := first(s.r.WithContext(ctx).Select("id").Where("bill_no = ?", billNo), &b); err != nil {
		return err
	}
	return decideReview(s, ctx, a, b.ID, d, billReview)
}

// PaymentInput is the payment a reviewer records.
type PaymentInput struct {
	Reference string
	PaidOn    string // YYYY-MM-DD
}

var paymentRefRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)

// PayBill records the payment of a bill whose payment application was approved, to the
// bank account of the merchant's business information certification.
func (s *Store) PayBill(ctx context.Context, a Actor, billNo string, in PaymentInput) (Bill, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	var errs FieldErrors
	switch {
	case in.Reference == "":
		errs = append(errs, &FieldError{Field: "reference", Key: "error.required"})
	case len(in.Reference) > PaymentReferenceMaxLen || !paymentRefRe.MatchString(in.Reference):
		errs = append(errs, &FieldError{Field: "reference", Key: "settle.error.reference"})
	}
	loc := s.CalendarLocation(ctx)
	paid, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.PaidOn), loc)
	if err != nil {
		errs = append(errs, &FieldError{Field: "paid_on", Key: "settle.error.paid_on"})
	}
	if len(errs) > 0 {
		return Bill{}, errs
	}
	var b Bill
	err = s.Tx(ctx, func(tx *Store) error {
		var err error
		if b, err = tx.lockBill(0, billNo); err != nil {
			return err
		}
		if !BillCan(b.Status, "pay") {
			return ErrBillNotPaying
		}
		if paid.Format(time.DateOnly) < b.GeneratedAt.In(loc).Format(time.DateOnly) || paid.After(tx.clock.Now().In(loc)) {
			return FieldErrors{{Field: "paid_on", Key: "settle.error.paid_on_range"}}
		}
		var used int64
		if err := tx.w.Model(&Payout{}).Where("reference = ?", in.Reference).Count(&used).Error; err != nil {
			return err
		}
		if used > 0 {
			return FieldErrors{ErrPaymentRefUsed}
		}
		bank, masked, err := tx.PayoutAccount(ctx, b.MerchantID)
		if err != nil {
			return err
		}
		if masked == "" {
			return ErrBillNoAccount
		}
		now := tx.clock.Now()
		p := Payout{BillID: b.ID, MerchantID: b.MerchantID, Reference: in.Reference, PaidOn: paid.Format(time.DateOnly), AmountFen: b.PayableFen,
			AccountMasked: masked, BankName: bank, RecordedByID: a.UserID, CreatedAt: now}
		if err := tx.w.Create(&p).Error; err != nil {
			return err
		}
		if err := tx.moveBill(a, &b, "pay", BillPaid, in.Reference, map[string]any{"paid_at": now}); err != nil {
			return err
		}
		b.PaidAt = &now
		return tx.notifyBillOwner(b, "paid", map[string]any{"Reference": in.Reference, "PaidOn": p.PaidOn, "Account": p.AccountMasked})
	})
	return b, err
}

// AdjustmentInput is a reviewer's adjustment of a merchant's next bill.
type AdjustmentInput struct {
	MerchantID uint
	Entity     string
	AmountFen  int64 // signed, never 0
	Reason     string
}

// AddAdjustment records a signed adjustment for the merchant's next bill of the entity.
func (s *Store) AddAdjustment(ctx context.Context, a Actor, in AdjustmentInput) (BillAdjustment, error) {
	var errs FieldErrors
	if in.AmountFen == 0 || in.AmountFen > MaxAdjustmentFen || in.AmountFen < -MaxAdjustmentFen {
		errs = append(errs, errBillAdjustmentRange)
	}
	if !slices.Contains(SigningEntities, in.Entity) {
		errs = append(errs, &FieldError{Field: "entity", Key: "error.required"})
	}
	reason, err := checkText("reason", in.Reason, BillReasonMax)
	var fe *FieldError
	if errors.As(err, &fe) {
		errs = append(errs, fe)
	}
	if len(errs) > 0 {
		return BillAdjustment{}, errs
	}
	var adj BillAdjustment
	err = s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.w.Where("id = ?", in.MerchantID), &m); err != nil {
			return err
		}
		adj = BillAdjustment{MerchantID: m.ID, Entity: in.Entity, AmountFen: in.AmountFen, Reason: reason, CreatedByID: &a.UserID, CreatedAt: tx.clock.Now()}
		if err := tx.w.Create(&adj).Error; err != nil {
			return err
		}
		mid := m.ID
		return tx.audit(a, "bill.adjust", "merchant", m.ID, &mid, nil,
			map[string]any{"amount_fen": adj.AmountFen, "entity": adj.Entity}, "", reason)
	})
	return adj, err
}

// MaxAdjustmentFen bounds an adjustment either way: ¥100,000,000.00.
const MaxAdjustmentFen int64 = 10_000_000_000
