package models

import (
	"context"
	"slices"
	"time"
)

// Appeals (申诉, domain.md §6.3): the buyer may appeal at any open node; the merchant when
// a buyer-side step has waited too long or after too many rejections. An appeal freezes
// the flow until a reviewer decides: resume at a node, complete, or unsubscribe with a
// refund through the refund path.

// Appeal states and decisions.
const (
	AppealOpen    = "OPEN"
	AppealDecided = "DECIDED"

	AppealResume      = "resume"
	AppealComplete    = "complete"
	AppealUnsubscribe = "unsubscribe"
)

// AppealDecisions lists the decisions in display order.
var AppealDecisions = []string{AppealResume, AppealComplete, AppealUnsubscribe}

// Appeal and reminder settings.
const (
	SettingAppealWaitDays      = "supervision.appeal_wait_days"
	SettingAppealRejections    = "supervision.appeal_rejections"
	SettingSupReminderWorkdays = "supervision.reminder_workdays"
	SettingSupAcceptanceDays   = "supervision.acceptance_reminder_days"
	DefaultAppealWaitDays      = 5
	DefaultAppealRejections    = 3
	DefaultSupReminderWorkdays = 2
	DefaultSupAcceptanceDays   = 180
)

// SupervisionAppeal is one appeal and, once decided, the reviewer's decision.
type SupervisionAppeal struct {
	ID              uint   `gorm:"primaryKey"`
	SupervisionID   uint   `gorm:"not null;index"`
	OrderNo         string `gorm:"size:20;not null"`
	MerchantID      uint   `gorm:"not null;index"`
	BuyerID         uint   `gorm:"not null;index"`
	By              string `gorm:"size:10;not null"` // SupBuyer or SupMerchant
	UserID          uint   `gorm:"not null"`
	Node            string `gorm:"size:12;not null"` // where the flow was when appealed
	Reason          string `gorm:"type:text;not null"`
	Status          string `gorm:"size:10;not null;index:idx_sup_appeals_queue,priority:1"`
	Decision        string `gorm:"size:12;not null;default:''"`
	ResumeNode      string `gorm:"size:12;not null;default:''"`
	DecisionComment string `gorm:"type:text;not null;default:''"`
	DecidedByID     *uint
	DecidedAt       *time.Time
	RefundID        *uint
	Version         int       `gorm:"not null;default:1"`
	CreatedAt       time.Time `gorm:"not null;index:idx_sup_appeals_queue,priority:2"`
	UpdatedAt       time.Time `gorm:"not null"`
}

// Appeal errors.
var (
	// ErrAppealClosed: the supervision is completed or closed.
	ErrAppealClosed = &RuleError{Key: "supervision.error.appeal_closed"}
	// ErrAppealNotYet: the merchant may appeal only after the wait or the rejections.
	ErrAppealNotYet = &RuleError{Key: "supervision.error.appeal_not_yet"}
	// ErrAppealDecided: the appeal was decided already.
	ErrAppealDecided = &RuleError{Key: "supervision.error.appeal_decided"}
	// ErrResumeNode: the node to resume at is not one of the order's.
	ErrResumeNode = &FieldError{Field: "resume_node", Key: "supervision.error.resume_node"}
)

// AppealRules are the merchant's appeal thresholds.
type AppealRules struct {
	WaitDays   int
	Rejections int
}

// AppealRulesOf reads them from the settings.
func (s *Store) AppealRulesOf(ctx context.Context) (AppealRules, error) {
	var r AppealRules
	var err error
	if r.WaitDays, err = s.SettingInt(ctx, SettingAppealWaitDays, DefaultAppealWaitDays); err != nil {
		return r, err
	}
	r.Rejections, err = s.SettingInt(ctx, SettingAppealRejections, DefaultAppealRejections)
	return r, err
}

// MayAppeal tells whether actor may appeal the supervision now.
func (r AppealRules) MayAppeal(sv Supervision, actor string, now time.Time) error {
	switch {
	case sv.Node == NodeCompleted || sv.Node == NodeClosed:
		return ErrAppealClosed
	case sv.Frozen:
		return ErrSupervisionFrozen
	case actor == SupBuyer:
		return nil
	case actor != SupMerchant:
		return ErrIllegalTransition
	case SupervisionWaitsOn(sv.Node) == SupBuyer && now.Sub(sv.NodeSince) > time.Duration(r.WaitDays)*24*time.Hour:
		return nil
	case sv.RejectCount >= r.Rejections:
		return nil
	}
	return ErrAppealNotYet
}

// ResumableNodes are the nodes a reviewer may resume a supervision at: its scenario's
// path before completion (hardware has no requirement steps).
func ResumableNodes(sv Supervision, productType string) []string {
	var out []string
	for _, n := range SupervisionPath(sv.Scenario) {
		if n == NodeCompleted || (productType == ProductHardware && (n == NodeRequirement || n == NodeConfirm)) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// AppealSupervision is the buyer's or the merchant's appeal, with its reason and
// optional supporting documents: the flow freezes until a reviewer decides.
func (s *Store) AppealSupervision(ctx context.Context, a Actor, actor string, owner uint, orderNo, reason string, ups Uploads) (SupervisionAppeal, error) {
	reason, err := checkText("reason", reason, MaxSupervisionComment)
	if err != nil {
		return SupervisionAppeal{}, err
	}
	if _, err := checkSupervisionComment(reason); err != nil {
		return SupervisionAppeal{}, &FieldError{Field: "reason", Key: "supervision.error.comment", Args: []any{"N", MaxSupervisionComment}}
	}
	rules, err := s.AppealRulesOf(ctx)
	if err != nil {
		return SupervisionAppeal{}, err
	}
	var ap SupervisionAppeal
	err = s.Tx(ctx, func(tx *Store) error {
		sv, err := tx.lockSupervision(actor, owner, orderNo)
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		if err := rules.MayAppeal(sv, actor, now); err != nil {
			return err
		}
		ap = SupervisionAppeal{SupervisionID: sv.ID, OrderNo: sv.OrderNo, MerchantID: sv.MerchantID, BuyerID: sv.BuyerID, By: actor,
			UserID: a.UserID, Node: sv.Node, Reason: reason, Status: AppealOpen, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&ap).Error; err != nil {
			return err
		}
		if err := tx.saveVersioned(&Supervision{}, sv.ID, sv.Version, map[string]any{"frozen": true}); err != nil {
			return err
		}
		sv.Frozen, sv.Version = true, sv.Version+1
		ev := SupervisionEvent{SupervisionID: sv.ID, Actor: actor, UserID: a.UserID, Action: "appeal", FromNode: sv.Node, ToNode: sv.Node,
			Comment: reason, CreatedAt: now}
		if err := tx.w.Create(&ev).Error; err != nil {
			return err
		}
		if err := tx.recordStepFiles(a, sv, ev, actor, ups); err != nil {
			return err
		}
		mid := sv.MerchantID
		if err := tx.audit(a, "supervision.appeal", "supervision", sv.ID, &mid, map[string]any{"frozen": false},
			map[string]any{"frozen": true, "order_no": sv.OrderNo, "by": actor}, reason, ""); err != nil {
			return err
		}
		return tx.notifyAppeal(sv, "appealed")
	})
	return ap, err
}

// AppealDecision is a reviewer's decision on an appeal.
type AppealDecision struct {
	AppealID   uint
	Decision   string // AppealResume, AppealComplete, AppealUnsubscribe
	ResumeNode string // for AppealResume
	Comment    string
}

// DecideAppeal is a reviewer's decision on an open appeal: the flow resumes at a node of
// the order's path, completes (the order with it), or ends with the order unsubscribed and
// what it paid refunded through the refund path (the payout closes the supervision). A
// reviewer who is a party to the order may not decide; an appeal is decided once.
func (s *Store) DecideAppeal(ctx context.Context, a Actor, d AppealDecision) (SupervisionAppeal, error) {
	if !slices.Contains(AppealDecisions, d.Decision) {
		return SupervisionAppeal{}, &FieldError{Field: "decision", Key: "error.choice"}
	}
	comment, err := checkText("comment", d.Comment, MaxSupervisionComment)
	if err != nil {
		return SupervisionAppeal{}, err
	}
	var ap SupervisionAppeal
	err = s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ?", d.AppealID)), &ap); err != nil {
			return err
		}
		if ap.Status != AppealOpen {
			return ErrAppealDecided
		}
		if own, err := refundParty(tx.w, a.UserID, Refund{BuyerID: ap.BuyerID, MerchantID: ap.MerchantID}); err != nil || own {
			if err == nil {
				err = ErrOwnSubmission
			}
			return err
		}
		var sv Supervision
		if err := first(tx.forUpdate(tx.w.Where("id = ?", ap.SupervisionID)), &sv); err != nil {
			return err
		}
		var o Order
		if err := first(tx.forUpdate(tx.w.Where("id = ?", sv.OrderID)), &o); err != nil {
			return err
		}
		now := tx.clock.Now()
		from := sv.Node
		fields := map[string]any{"frozen": false}
		ev := SupervisionEvent{SupervisionID: sv.ID, Actor: SupReviewer, UserID: a.UserID, Action: "appeal_" + d.Decision, FromNode: from,
			Comment: comment, CreatedAt: now}
		switch d.Decision {
		case AppealResume:
			if !slices.Contains(ResumableNodes(sv, o.ProductType), d.ResumeNode) {
				return ErrResumeNode
			}
			fields["node"], fields["node_since"], fields["reminded_at"], fields["long_reminded_at"] = d.ResumeNode, now, nil, nil
			ev.ToNode = d.ResumeNode
			ap.ResumeNode = d.ResumeNode
		case AppealComplete:
			fields["node"], fields["node_since"] = NodeCompleted, now
			ev.ToNode = NodeCompleted
		case AppealUnsubscribe:
			// Frozen until the payout closes it.
			fields["frozen"] = true
			ev.ToNode = from
			r, err := tx.appealRefund(a, o, comment)
			if err != nil {
				return err
			}
			ap.RefundID = &r.ID
		}
		if err := tx.saveVersioned(&Supervision{}, sv.ID, sv.Version, fields); err != nil {
			return err
		}
		if n, ok := fields["node"].(string); ok {
			sv.Node, sv.NodeSince = n, now
		}
		sv.Frozen = fields["frozen"].(bool)
		if err := tx.w.Create(&ev).Error; err != nil {
			return err
		}
		if d.Decision == AppealComplete {
			if err := tx.completeSupervisedOrder(a, sv); err != nil {
				return err
			}
		}
		ap.Status, ap.Decision, ap.DecisionComment, ap.DecidedByID, ap.DecidedAt = AppealDecided, d.Decision, comment, &a.UserID, &now
		if err := tx.saveVersioned(&SupervisionAppeal{}, ap.ID, ap.Version, map[string]any{"status": AppealDecided, "decision": d.Decision,
			"resume_node": ap.ResumeNode, "decision_comment": comment, "decided_by_id": a.UserID, "decided_at": now, "refund_id": ap.RefundID}); err != nil {
			return err
		}
		ap.Version++
		mid := sv.MerchantID
		if err := tx.audit(a, "supervision.appeal_decide", "supervision", sv.ID, &mid, map[string]any{"node": from, "frozen": true},
			map[string]any{"node": sv.Node, "frozen": sv.Frozen, "decision": d.Decision, "order_no": sv.OrderNo}, d.Decision, comment); err != nil {
			return err
		}
		return tx.notifyAppeal(sv, "decided_"+d.Decision)
	})
	return ap, err
}

// appealRefund opens the refund of an appeal decided as unsubscription: what the order
// paid and was not refunded yet goes back to the buyer through the refund payout.
func (s *Store) appealRefund(a Actor, o Order, comment string) (Refund, error) {
	var open int64
	if err := s.w.Model(&Refund{}).Where("order_id = ? AND status IN ?", o.ID, OpenRefundStatuses).Count(&open).Error; err != nil {
		return Refund{}, err
	}
	if open > 0 {
		return Refund{}, ErrRefundOpenCase
	}
	now := s.clock.Now()
	refundNo, err := s.unusedNumber("RF", now, "refunds", "refund_no")
	if err != nil {
		return Refund{}, err
	}
	r := Refund{RefundNo: refundNo, OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: o.BuyerID, SubscriptionID: o.SubscriptionID,
		Kind: RefundNegotiated, Status: RefundApproved, PaidFen: o.PaidFen, AmountFen: max(o.PaidFen-o.RefundedFen, 0), Reason: comment,
		ResolvedByID: &a.UserID, ResolutionComment: comment, DecidedAt: &now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(&r).Error; err != nil {
		return Refund{}, err
	}
	if err := s.caseEvent(a, r, "", RefundApproved, "aftersales.event.appeal_refund", comment, "refund.appeal"); err != nil {
		return Refund{}, err
	}
	return r, s.enqueuePayout(r)
}

// notifyAppeal tells both sides about an appeal or its decision.
func (s *Store) notifyAppeal(sv Supervision, what string) error {
	args := map[string]any{"OrderNo": sv.OrderNo, "NodeKey": "supervision.node." + sv.Node}
	if err := s.notify(Notice{UserID: sv.BuyerID, Kind: "supervision." + what, TitleKey: "notify.supervision_" + what + ".title",
		BodyKey: "notify.supervision_" + what + ".body", Args: args, To: Target{Kind: TargetBuyerSupervision, Ref: sv.OrderNo}}); err != nil {
		return err
	}
	return s.notifyMerchantOf(sv.MerchantID, Notice{Kind: "supervision." + what, TitleKey: "notify.supervision_" + what + ".title",
		BodyKey: "notify.supervision_" + what + ".body", Args: args, To: Target{Kind: TargetSellerSupervision, Ref: sv.OrderNo}})
}

// AppealsOf lists a supervision's appeals, newest first.
func (s *Store) AppealsOf(ctx context.Context, supervisionID uint) ([]SupervisionAppeal, error) {
	var rows []SupervisionAppeal
	err := s.r.WithContext(ctx).Where("supervision_id = ?", supervisionID).Order("id DESC").Find(&rows).Error
	return rows, err
}
