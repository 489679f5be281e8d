package models

import (
	"context"
	"strings"
	"time"
)

// The one review workflow: every record a reviewer approves or rejects (real-name
// verifications, onboarding applications, certifications, change requests, assets,
// product applications, and whatever is reviewed next) is decided by decideReview. The
// record's own Approve and Reject are the checked transitions (only from the state it
// waits in, never by the one who submitted it); the workflow locks the record, applies
// the transition, saves it against its version, runs the kind's effects, and writes the
// audit row and the merchant's notice, all in one transaction.

// Decision is a reviewer's verdict.
type Decision struct {
	Approve bool
	Reason  string   // reason code, required for a rejection by one reason
	Reasons []string // reason codes, for the kinds rejected with several
	Comment string
}

// auditReason is the reason as the audit row keeps it.
func (d Decision) auditReason() string {
	if len(d.Reasons) > 0 {
		return strings.Join(d.Reasons, ",")
	}
	return d.Reason
}

// firstReason is the reason a notice names.
func (d Decision) firstReason() string {
	if len(d.Reasons) > 0 {
		return d.Reasons[0]
	}
	return d.Reason
}

// reviewed is a record the workflow decides.
type reviewed interface {
	// decide applies the verdict through the record's checked transition.
	decide(d Decision, reviewerID uint, now time.Time) error
	// reviewRow tells the workflow which row it is and whose.
	reviewRow() reviewRow
	// decisionFields are the columns a verdict writes.
	decisionFields() map[string]any
}

type reviewRow struct {
	ID         uint
	Version    int
	MerchantID uint
	Status     string
}

// reviewKind plugs one kind of record into the workflow: a few lines each.
type reviewKind[T any] struct {
	objType string // audit object type; the actions are objType.approve and objType.reject
	pending string // the state it waits for a reviewer in
	notice  string // the notice keys: notify.<notice>_approved.title and so on
	target  func(rec *T) Target
	// Optional: notice arguments besides the reason and the comment; effects of the
	// verdict on the merchant or what buyers see; the audit row's before and after
	// (default: the pending state and the new one).
	args  func(rec *T) map[string]any
	apply func(tx *Store, rec *T, m *Merchant, d Decision, now time.Time) error
	audit func(rec *T) (before, after any)
}

// decideReview runs the workflow for the record id of kind k.
func decideReview[T any, P interface {
	*T
	reviewed
}](s *Store, ctx context.Context, a Actor, id uint, d Decision, k reviewKind[T]) error {
	return s.Tx(ctx, func(tx *Store) error {
		var rec T
		p := P(&rec)
		if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &rec); err != nil {
			return err
		}
		now := tx.clock.Now()
		version := p.reviewRow().Version
		if err := p.decide(d, a.UserID, now); err != nil {
			return err
		}
		row := p.reviewRow()
		if err := tx.saveVersioned(new(T), row.ID, version, p.decisionFields()); err != nil {
			return err
		}
		var m Merchant
		if err := first(tx.w.Where("id = ?", row.MerchantID), &m); err != nil {
			return err
		}
		if k.apply != nil {
			if err := k.apply(tx, &rec, &m, d, now); err != nil {
				return err
			}
		}
		verb, outcome := "approve", "_approved"
		if !d.Approve {
			verb, outcome = "reject", "_rejected"
		}
		var before, after any = k.pending, row.Status
		if k.audit != nil {
			before, after = k.audit(&rec)
		}
		action := k.objType + "." + verb
		if err := tx.audit(a, action, k.objType, row.ID, &row.MerchantID, before, after, d.auditReason(), d.Comment); err != nil {
			return err
		}
		args := map[string]any{"ReasonKey": d.firstReason(), "Comment": d.Comment}
		if k.args != nil {
			for name, v := range k.args(&rec) {
				args[name] = v
			}
		}
		return tx.notify(Notice{UserID: m.OwnerUserID, Kind: action, TitleKey: "notify." + k.notice + outcome + ".title",
			BodyKey: "notify." + k.notice + outcome + ".body", Args: args, To: k.target(&rec)})
	})
}

// verdictFields are the columns every verdict writes.
func verdictFields(status string, decidedAt *time.Time, decidedBy *uint, reason, comment string) map[string]any {
	return map[string]any{"status": status, "decided_at": decidedAt, "decided_by_id": decidedBy,
		"reject_reason": reason, "reject_comment": comment}
}
