package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Deliveries and their evidence (domain.md §6.3): what a merchant's delivery must carry
// is the scenario's evidence policy, an admin setting seeded with the domain's defaults.

// How a delivery was made.
const (
	DeliveryOnsite = "onsite" // 现场交付
	DeliveryRemote = "remote" // 远程交付
)

// DeliveryModes lists them in display order.
var DeliveryModes = []string{DeliveryOnsite, DeliveryRemote}

// File purposes of the supervision's attachments.
const (
	FileSupRequirement = "sup_requirement" // the buyer's filled-in requirement template
	FileSupScreenshot  = "sup_screenshot"  // a delivery screenshot
	FileSupRemote      = "sup_remote"      // a remote delivery record: email, post, meeting minutes
	FileSupReport      = "sup_report"      // the acceptance report of an on-site delivery
	FileSupAppeal      = "sup_appeal"      // an appeal's supporting document
)

// supEventFiles is the ref_type of files attached to a supervision's history step.
const supEventFiles = "supervision_event"

// Acceptance report signatories.
const (
	SignMerchant = "merchant"
	SignPlatform = "platform" // the platform project team
	SignBuyer    = "buyer"
)

// SignParties lists them in signing order.
var SignParties = []string{SignMerchant, SignPlatform, SignBuyer}

// SupervisionSignature is one party's signature of a delivery's acceptance report.
type SupervisionSignature struct {
	ID            uint      `gorm:"primaryKey"`
	SupervisionID uint      `gorm:"not null;index"`
	EventID       uint      `gorm:"not null;uniqueIndex:idx_sup_signatures_party,priority:1"` // the delivery step
	Party         string    `gorm:"size:10;not null;uniqueIndex:idx_sup_signatures_party,priority:2"`
	UserID        uint      `gorm:"not null"`
	SignedAt      time.Time `gorm:"not null"`
}

// Evidence policy settings, per scenario.
const (
	SettingSupScreenshotsGeneral = "supervision.general.min_screenshots"
	SettingSupScreenshotsEmpower = "supervision.empower.min_screenshots"
	SettingSupScreenshotsBase    = "supervision.base.min_screenshots"
	SettingSupSignaturesGeneral  = "supervision.general.onsite_signatures"
	SettingSupSignaturesEmpower  = "supervision.empower.onsite_signatures"
	SettingSupSignaturesBase     = "supervision.base.onsite_signatures"
	DefaultSupScreenshots        = 3
)

// EvidencePolicy is what a scenario's deliveries must carry: on site, at least
// MinScreenshots screenshots, and where OnsiteSignatures the acceptance report signed by
// the three parties; remote, at least one delivery record.
type EvidencePolicy struct {
	Scenario         string
	MinScreenshots   int
	OnsiteSignatures bool
}

// EvidencePolicyOf reads the scenario's policy from the settings.
func (s *Store) EvidencePolicyOf(ctx context.Context, scenario string) (EvidencePolicy, error) {
	p := EvidencePolicy{Scenario: scenario}
	shots, sign := "supervision."+scenario+".min_screenshots", "supervision."+scenario+".onsite_signatures"
	defSign := 0
	if scenario != ScenarioGeneral {
		defSign = 1
	}
	var err error
	if p.MinScreenshots, err = s.SettingInt(ctx, shots, DefaultSupScreenshots); err != nil {
		return p, err
	}
	n, err := s.SettingInt(ctx, sign, defSign)
	p.OnsiteSignatures = n == 1
	return p, err
}

// Evidence counts a delivery's files by purpose.
type Evidence map[string]int

// CountEvidence counts uploads by purpose.
func CountEvidence(ups Uploads) Evidence {
	n := Evidence{}
	for _, u := range ups {
		n[u.Purpose]++
	}
	return n
}

// Check lists what a delivery made in mode with the files n (and the merchant's
// signature, signed) lacks under the policy, one error per form field; none when it
// is complete.
func (p EvidencePolicy) Check(mode string, n Evidence, signed bool) []*FieldError {
	var out []*FieldError
	switch mode {
	case DeliveryOnsite:
		if n[FileSupScreenshot] < p.MinScreenshots {
			out = append(out, &FieldError{Field: "screenshots", Key: "supervision.error.screenshots",
				Args: []any{"N", p.MinScreenshots, "Given", n[FileSupScreenshot]}})
		}
		if p.OnsiteSignatures {
			if n[FileSupReport] == 0 {
				out = append(out, &FieldError{Field: "report", Key: "supervision.error.report"})
			}
			if !signed {
				out = append(out, &FieldError{Field: "sign", Key: "supervision.error.sign"})
			}
		}
	case DeliveryRemote:
		if n[FileSupRemote] == 0 {
			out = append(out, &FieldError{Field: "records", Key: "supervision.error.records"})
		}
	default:
		out = append(out, &FieldError{Field: "mode", Key: "supervision.error.mode"})
	}
	return out
}

// NeedsSignatures tells whether a delivery made in mode is signed by three parties.
func (p EvidencePolicy) NeedsSignatures(mode string) bool {
	return mode == DeliveryOnsite && p.OnsiteSignatures
}

// ErrRequirementFile: the product has a requirement template and the buyer did not
// attach it filled in.
var ErrRequirementFile = &FieldError{Field: "requirement_file", Key: "supervision.error.requirement_file"}

// ErrRequirementText: requirements were submitted without a description.
var ErrRequirementText = &FieldError{Field: "comment", Key: "supervision.error.requirement"}

// ErrSignature: the buyer accepts a delivery whose acceptance report they must sign.
var ErrSignature = &FieldError{Field: "sign", Key: "supervision.error.sign"}

// checkStep checks what a step carries besides the move itself: the requirements'
// description and template, the delivery's evidence, the buyer's signature.
func (s *Store) checkStep(ctx context.Context, sv Supervision, st SupervisionStep, comment string) error {
	n := CountEvidence(st.Uploads)
	switch st.Action {
	case ActSubmitRequirement:
		if comment == "" {
			return ErrRequirementText
		}
		tpl, err := requirementTemplate(s.w, sv.ProductID)
		if err != nil {
			return err
		}
		if tpl != nil && n[FileSupRequirement] == 0 {
			return ErrRequirementFile
		}
	case ActDeliver:
		if comment == "" {
			return &FieldError{Field: "comment", Key: "supervision.error.delivery_text"}
		}
		var d LicenseDelivery
		switch err := first(s.w.Where("order_id = ?", sv.OrderID), &d); {
		case err == nil && d.Variant != LicensePackage && d.DeliveredAt == nil:
			return ErrLicenseDeliveryFirst
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
		if hw, err := s.hardwareShipment(sv); err != nil || hw != nil {
			// Hardware is delivered by its logistics, not by screenshots.
			if err == nil && hw.ID == 0 {
				err = ErrShipmentRequired
			}
			return err
		}
		p, err := s.EvidencePolicyOf(ctx, sv.Scenario)
		if err != nil {
			return err
		}
		if errs := p.Check(st.Mode, n, st.Sign); len(errs) > 0 {
			return errs[0]
		}
	case ActAccept:
		if sv.NeedsSignatures && !st.Sign {
			return ErrSignature
		}
		if hw, err := s.hardwareShipment(sv); err != nil || (hw != nil && hw.ReceivedAt == nil) {
			if err == nil {
				err = ErrNotReceived
			}
			return err
		}
	}
	return nil
}

// hardwareShipment is the shipment of a supervised order delivered by logistics (an
// empty one when none was entered yet), or nil when the order is not.
func (s *Store) hardwareShipment(sv Supervision) (*Shipment, error) {
	var o Order
	if err := first(s.w.Where("id = ?", sv.OrderID), &o); err != nil {
		return nil, err
	}
	if ok, err := shipsByLogistics(s.w, o); err != nil || !ok {
		return nil, err
	}
	var sh Shipment
	if err := first(s.w.Where("order_id = ?", o.ID), &sh); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return &sh, nil
}

// requirementTemplate is the requirement template file id of a product, if it has one.
func requirementTemplate(db *gorm.DB, productID uint) (*uint, error) {
	var p Product
	if err := first(db.Where("id = ?", productID), &p); err != nil {
		return nil, err
	}
	c, err := p.LiveContent()
	if err != nil || c.Service == nil {
		return nil, nil //nolint:nilerr // a product without live content has no template
	}
	return c.Service.RequirementTemplateFileID, nil
}

// recordStepFiles records a step's uploads, attached to its history step.
func (s *Store) recordStepFiles(a Actor, sv Supervision, ev SupervisionEvent, actor string, ups Uploads) error {
	if len(ups) == 0 {
		return nil
	}
	var owner *uint
	if actor == SupMerchant {
		owner = &sv.MerchantID
	}
	ids, err := s.recordUploads(a, owner, ups)
	if err != nil {
		return err
	}
	var all []uint
	for _, v := range ids {
		all = append(all, v...)
	}
	return s.w.Model(&File{}).Where("id IN ?", all).Updates(map[string]any{"ref_type": supEventFiles, "ref_id": ev.ID}).Error
}

// recordSignatures writes the signatures a step makes: the merchant's with an on-site
// delivery that needs them (and marks the supervision as needing the other two), the
// buyer's with the acceptance of such a delivery.
func (s *Store) recordSignatures(a Actor, sv *Supervision, ev SupervisionEvent, actor string, st SupervisionStep) error {
	switch st.Action {
	case ActDeliver:
		p, err := s.EvidencePolicyOf(context.Background(), sv.Scenario)
		if err != nil {
			return err
		}
		needs := p.NeedsSignatures(st.Mode)
		if err := s.w.Model(&Supervision{}).Where("id = ?", sv.ID).
			Updates(map[string]any{"needs_signatures": needs, "delivery_event_id": ev.ID}).Error; err != nil {
			return err
		}
		sv.NeedsSignatures, sv.DeliveryEventID = needs, &ev.ID
		if needs {
			return s.sign(sv, SignMerchant, a.UserID)
		}
	case ActAccept:
		if sv.NeedsSignatures {
			return s.sign(sv, SignBuyer, a.UserID)
		}
	}
	return nil
}

// sign records one party's signature of the current delivery's acceptance report.
func (s *Store) sign(sv *Supervision, party string, userID uint) error {
	if sv.DeliveryEventID == nil {
		return ErrIllegalTransition
	}
	return s.w.Create(&SupervisionSignature{SupervisionID: sv.ID, EventID: *sv.DeliveryEventID, Party: party, UserID: userID,
		SignedAt: s.clock.Now()}).Error
}

// SupervisionFile reads a file attached to a supervision's history, for the order's
// buyer, its merchant or a reviewer; anyone else gets ErrNotFound.
func (s *Store) SupervisionFile(ctx context.Context, actor string, owner uint, orderNo string, fileID uint) (File, error) {
	sv, err := s.supervisionFor(ctx, actor, owner, orderNo)
	if err != nil {
		return File{}, err
	}
	var f File
	err = first(s.r.WithContext(ctx).Where("id = ? AND ref_type = ? AND ref_id IN (?)", fileID, supEventFiles,
		s.r.Model(&SupervisionEvent{}).Select("id").Where("supervision_id = ?", sv.ID)), &f)
	return f, err
}

// SupervisionTemplate reads the requirement template of a supervised order's product,
// for its buyer, its merchant or a reviewer.
func (s *Store) SupervisionTemplate(ctx context.Context, actor string, owner uint, orderNo string) (File, error) {
	sv, err := s.supervisionFor(ctx, actor, owner, orderNo)
	if err != nil {
		return File{}, err
	}
	id, err := requirementTemplate(s.r.WithContext(ctx), sv.ProductID)
	if err != nil {
		return File{}, err
	}
	if id == nil {
		return File{}, ErrNotFound
	}
	var f File
	return f, first(s.r.WithContext(ctx).Where("id = ? AND owner_merchant_id = ?", *id, sv.MerchantID), &f)
}

// supervisionFor reads a supervision its buyer, merchant or a reviewer may see.
func (s *Store) supervisionFor(ctx context.Context, actor string, owner uint, orderNo string) (Supervision, error) {
	var sv Supervision
	q, err := scopeSupervisions(s.r.WithContext(ctx).Where("order_no = ?", orderNo), actor, owner, "")
	if err != nil {
		return sv, err
	}
	return sv, first(q, &sv)
}

// ReviewSupervision is a reviewer's 华为云复核 of a delivery, through the one review
// workflow: approve (the order flows to the buyer; where the acceptance report needs
// signatures, the approval signs it for the platform project team) or send it back to
// implementation with a reason. action is ActApprove or ActSendBack.
func (s *Store) ReviewSupervision(ctx context.Context, a Actor, orderNo string, d Decision, action string) (Supervision, error) {
	if action != ActApprove && action != ActSendBack {
		return Supervision{}, ErrIllegalTransition
	}
	d.Approve = action == ActApprove
	if !d.Approve && d.Comment == "" {
		return Supervision{}, ErrSupervisionReason
	}
	var sv Supervision
	if err := first(s.r.WithContext(ctx).Where("order_no = ?", orderNo), &sv); err != nil {
		return sv, err
	}
	k := supervisionReview
	k.apply = func(tx *Store, rec *Supervision, _ *Merchant, d Decision, now time.Time) error {
		action, from := ActSendBack, NodeReview
		if d.Approve {
			action = ActApprove
		}
		ev := SupervisionEvent{SupervisionID: rec.ID, Actor: SupReviewer, UserID: a.UserID, Action: action, FromNode: from,
			ToNode: rec.Node, Comment: d.Comment, CreatedAt: now}
		if err := tx.w.Create(&ev).Error; err != nil {
			return err
		}
		if d.Approve && rec.NeedsSignatures {
			if err := tx.sign(rec, SignPlatform, a.UserID); err != nil {
				return err
			}
		}
		sv = *rec
		if d.Approve {
			return tx.notifySupervision(*rec, from)
		}
		return nil
	}
	err := decideReview(s, ctx, a, sv.ID, d, k)
	return sv, err
}

// supervisionReview plugs 华为云复核 into the review workflow: the merchant hears the
// verdict; an approval also tells the buyer (in apply).
var supervisionReview = reviewKind[Supervision]{
	objType: "supervision", pending: NodeReview, notice: "supervision_review",
	target: func(sv *Supervision) Target { return Target{Kind: TargetSellerSupervision, Ref: sv.OrderNo} },
	args:   func(sv *Supervision) map[string]any { return map[string]any{"OrderNo": sv.OrderNo} },
}

func (sv *Supervision) decide(d Decision, _ uint, now time.Time) error {
	action := ActSendBack
	if d.Approve {
		action = ActApprove
	}
	if sv.Frozen {
		return ErrSupervisionFrozen
	}
	m, ok := SupervisionMove(sv.Scenario, sv.Node, SupReviewer, action)
	if !ok {
		return ErrIllegalTransition
	}
	sv.Node, sv.NodeSince, sv.RemindedAt = m.To, now, nil
	return nil
}

func (sv *Supervision) reviewRow() reviewRow {
	return reviewRow{ID: sv.ID, Version: sv.Version, MerchantID: sv.MerchantID, Status: sv.Node}
}

func (sv *Supervision) decisionFields() map[string]any {
	return map[string]any{"node": sv.Node, "node_since": sv.NodeSince, "reminded_at": nil, "long_reminded_at": nil}
}

// SupervisionSignatures lists the signatures of a delivery's acceptance report by party.
func (s *Store) SupervisionSignatures(ctx context.Context, eventID uint) (map[string]SupervisionSignature, error) {
	var rows []SupervisionSignature
	if err := s.r.WithContext(ctx).Where("event_id = ?", eventID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]SupervisionSignature{}
	for _, r := range rows {
		out[r.Party] = r
	}
	return out, nil
}

// supervisionSettings are the supervision's settings and their seeded values.
var supervisionSettings = []Setting{
	{Key: SettingSupScreenshotsGeneral, Value: strconv.Itoa(DefaultSupScreenshots)},
	{Key: SettingSupScreenshotsEmpower, Value: strconv.Itoa(DefaultSupScreenshots)},
	{Key: SettingSupScreenshotsBase, Value: strconv.Itoa(DefaultSupScreenshots)},
	{Key: SettingSupSignaturesGeneral, Value: "0"},
	{Key: SettingSupSignaturesEmpower, Value: "1"},
	{Key: SettingSupSignaturesBase, Value: "1"},
	{Key: SettingAppealWaitDays, Value: strconv.Itoa(DefaultAppealWaitDays)},
	{Key: SettingAppealRejections, Value: strconv.Itoa(DefaultAppealRejections)},
	{Key: SettingSupReminderWorkdays, Value: strconv.Itoa(DefaultSupReminderWorkdays)},
	{Key: SettingSupAcceptanceDays, Value: strconv.Itoa(DefaultSupAcceptanceDays)},
}

func migrateSupervisionDelivery(tx *gorm.DB, _ Dialect) error {
	// The merchant's list index gains the node's time (it is recreated below).
	if err := tx.Exec(`DROP INDEX IF EXISTS idx_supervisions_merchant`).Error; err != nil {
		return err
	}
	if err := tx.AutoMigrate(&Supervision{}, &SupervisionEvent{}, &SupervisionSignature{}, &SupervisionAppeal{}); err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, st := range supervisionSettings {
		var n int64
		if err := tx.Model(&Setting{}).Where("key = ?", st.Key).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			if err := tx.Create(&Setting{Key: st.Key, Value: st.Value, UpdatedAt: now}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
