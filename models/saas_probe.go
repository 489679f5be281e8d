package models

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Probing (拨测): twice a day the product's debug cases are replayed against each SaaS
// product on sale; five consecutive failing days stop its sales until a reviewer restores
// it after a passing probe.
const (
	JobSaaSProbe        = "saas_probe"         // the twice-daily round: queues one probe per product
	JobSaaSProbeProduct = "saas_probe_product" // probes one product (a pool job of its merchant)
	ProbeEvery          = 12 * time.Hour
	ProbeFailingDays    = 5
	probeRoundPrefix    = "saas_probe:"
	probeProductPrefix  = "saas_probe_product:"
)

// Who asked for a probe.
const (
	ProbeScheduled = "schedule"
	ProbeMerchant  = "merchant"
	ProbeReviewer  = "reviewer"
)

// Why sales of a product were stopped (停售).
const (
	StopProbeFailures     = "probe_failures"
	StopProvisionFailures = "provision_failures"
)

// ErrNotStopped: only a stopped product is restored. ErrNoPassingProbe: a stopped product
// is restored only after a probe that passed since it was stopped.
var (
	ErrNotStopped     = &RuleError{Key: "probe.error_not_stopped"}
	ErrNoPassingProbe = &RuleError{Key: "probe.error_no_passing_probe"}
	ErrNotProbeable   = &RuleError{Key: "probe.error_not_probeable"}
	ErrNotStoppable   = &RuleError{Key: "probe.error_not_stoppable"}
)

// ProbeCase is one replayed debug case of a probe, as it went.
type ProbeCase struct {
	Activity  string `json:"activity"`
	Passed    bool   `json:"passed"`
	Check     string `json:"check,omitempty"`
	Problem   string `json:"problem,omitempty"`
	Message   string `json:"message,omitempty"`
	Status    int    `json:"status,omitempty"`
	ElapsedMS int64  `json:"elapsed_ms"`
}

// ProbeRun is one probe of a product: every case replayed, and the verdict.
type ProbeRun struct {
	ID             uint      `gorm:"primaryKey;index:idx_probe_runs_product,priority:2"`
	ProductID      uint      `gorm:"not null;index:idx_probe_runs_product,priority:1;index:idx_probe_runs_day,priority:1"`
	MerchantID     uint      `gorm:"not null;index"`
	Day            string    `gorm:"size:10;not null;index:idx_probe_runs_day,priority:2"` // the calendar day (YYYY-MM-DD)
	Trigger        string    `gorm:"size:20;not null"`
	Passed         bool      `gorm:"not null"`
	Cases          string    `gorm:"type:text;not null"` // []ProbeCase, JSON
	FailedActivity string    `gorm:"size:40;not null;default:''"`
	FailedCheck    string    `gorm:"size:40;not null;default:''"`
	Problem        string    `gorm:"size:40;not null;default:''"`
	Message        string    `gorm:"size:500;not null;default:''"`
	Address        string    `gorm:"type:text;not null;default:''"`
	CreatedAt      time.Time `gorm:"not null"`
}

// CaseList decodes the run's cases.
func (r ProbeRun) CaseList() []ProbeCase {
	var out []ProbeCase
	_ = json.Unmarshal([]byte(r.Cases), &out)
	return out
}

// ProbeProductPayload names the product a probe job probes.
type ProbeProductPayload struct {
	ProductID uint   `json:"product_id"`
	Trigger   string `json:"trigger"`
}

// ProbeTarget is what one probe replays: the product's debug cases against its address
// as it is now, signed as production calls are.
type ProbeTarget struct {
	Product     Product
	Protocol    string
	Address     string
	Secret      string
	EncryptType string
	Cases       []DebugCall // in the order the protocol's activities come
	Blocked     string      // no_address, key_revoked, no_cases: the probe fails without a call
}

// Probeable tells whether a product is probed: a SaaS product on sale or stopped, with
// a production address.
func (p Product) Probeable() bool {
	return p.Type == ProductSaaS && (p.Listing == ListingOnSale || p.Listing == ListingStopped) && p.SaaSAddressID != nil
}

// ProbeTargets lists the products the twice-daily round probes.
func (s *Store) ProbeTargets(ctx context.Context) ([]Product, error) {
	var out []Product
	err := s.r.WithContext(ctx).Select("id, merchant_id").Where("type = ? AND listing IN ? AND saas_address_id IS NOT NULL", ProductSaaS,
		[]string{ListingOnSale, ListingStopped}).Order("id").Find(&out).Error
	return out, err
}

// QueueProbe queues a probe of one product as a pool job of its merchant; one per
// product and slot (a round's, or a person's minute).
func (s *Store) QueueProbe(ctx context.Context, p Product, trigger, slot string) error {
	return s.EnqueueGroup(ctx, JobSaaSProbeProduct, saasCallGroup(p.MerchantID), ProbeProductPayload{ProductID: p.ID, Trigger: trigger},
		s.clock.Now(), probeProductPrefix+strconv.FormatUint(uint64(p.ID), 10)+":"+slot)
}

// RequestProbe is a merchant (merchantID) or a reviewer (0) asking for a probe now.
func (s *Store) RequestProbe(ctx context.Context, a Actor, merchantID, productID uint, trigger string) error {
	q := s.r.WithContext(ctx).Where("id = ?", productID)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	var p Product
	if err := first(q, &p); err != nil {
		return err
	}
	if !p.Probeable() {
		return ErrNotProbeable
	}
	return s.QueueProbe(ctx, p, trigger, trigger+s.clock.Now().UTC().Format("200601021504"))
}

// ScheduleProbeRound queues the next twice-daily round.
func (s *Store) ScheduleProbeRound(ctx context.Context) error {
	at := s.clock.Now().UTC().Truncate(ProbeEvery).Add(ProbeEvery)
	return s.Enqueue(ctx, JobSaaSProbe, struct{}{}, at, probeRoundPrefix+at.Format("2006010215"))
}

// QueueProbeRound queues a probe of every probed product.
func (s *Store) QueueProbeRound(ctx context.Context) (int, error) {
	targets, err := s.ProbeTargets(ctx)
	if err != nil {
		return 0, err
	}
	slot := s.clock.Now().UTC().Truncate(ProbeEvery).Format("2006010215")
	for _, p := range targets {
		if err := s.QueueProbe(ctx, p, ProbeScheduled, slot); err != nil {
			return 0, err
		}
	}
	return len(targets), nil
}

// ProbeTargetOf reads what a probe of the product replays.
func (s *Store) ProbeTargetOf(ctx context.Context, productID uint) (ProbeTarget, error) {
	var t ProbeTarget
	db := s.r.WithContext(ctx)
	if err := first(db.Where("id = ?", productID), &t.Product); err != nil {
		return t, err
	}
	p := t.Product
	if c, err := p.LiveContent(); err == nil && c.SaaS != nil {
		t.EncryptType = c.SaaS.EncryptType
	}
	if p.SaaSAddressID == nil {
		t.Blocked = "no_address"
		return t, nil
	}
	var addr ProductionAddress
	switch err := first(db.Where("id = ? AND merchant_id = ?", *p.SaaSAddressID, p.MerchantID), &addr); {
	case errors.Is(err, ErrNotFound):
		t.Blocked = "no_address"
		return t, nil
	case err != nil:
		return t, err
	}
	t.Protocol, t.Address = addr.Protocol, addr.URL
	secret, _, err := s.SigningSecret(ctx, p.MerchantID, addr.KeyID)
	switch {
	case errors.Is(err, ErrKeyRevoked) || errors.Is(err, ErrNotFound):
		t.Blocked = "key_revoked"
		return t, nil
	case err != nil:
		return t, err
	}
	t.Secret = secret
	var cases []DebugCase
	if err := db.Where("product_id = ? AND protocol = ?", p.ID, addr.Protocol).Order("id").Find(&cases).Error; err != nil {
		return t, err
	}
	ids := make([]uint, len(cases))
	for i, c := range cases {
		ids[i] = c.CallID
	}
	if len(ids) > 0 {
		if err := db.Where("id IN ?", ids).Order("id").Find(&t.Cases).Error; err != nil {
			return t, err
		}
	}
	if len(t.Cases) == 0 {
		t.Blocked = "no_cases"
	}
	return t, nil
}

// RecordProbe keeps a probe's outcome and acts on it in one transaction: a failure
// notifies the merchant with the check that failed; the fifth failing day in a row stops
// the product's sales and hides it.
func (s *Store) RecordProbe(ctx context.Context, productID uint, trigger, address string, cases []ProbeCase, blocked string) (ProbeRun, error) {
	var run ProbeRun
	err := s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ?", productID)), &p); err != nil {
			return err
		}
		now := tx.clock.Now()
		loc := tx.CalendarLocation(ctx)
		b, err := json.Marshal(cases)
		if err != nil {
			return err
		}
		run = ProbeRun{ProductID: p.ID, MerchantID: p.MerchantID, Day: now.In(loc).Format(time.DateOnly), Trigger: trigger, Passed: blocked == "",
			Cases: string(b), Address: address, CreatedAt: now}
		if blocked != "" {
			run.FailedCheck, run.Problem = "transport", blocked
		}
		for _, c := range cases {
			if !c.Passed && run.Passed {
				run.Passed = false
				run.FailedActivity, run.FailedCheck, run.Problem, run.Message = c.Activity, c.Check, c.Problem, truncRunes(c.Message, 500)
			}
		}
		if err := tx.w.Create(&run).Error; err != nil {
			return err
		}
		if run.Passed {
			return nil
		}
		if err := tx.notifyMerchantOf(p.MerchantID, Notice{Kind: "probe.failed", TitleKey: "notify.probe_failed.title", BodyKey: "notify.probe_failed.body",
			Args: map[string]any{"Product": p.anyName(), "Activity": run.FailedActivity, "CheckKey": "saas.check." + run.FailedCheck, "Message": run.Message},
			To:   Target{Kind: TargetProductProbes, Ref: strconv.FormatUint(uint64(p.ID), 10)}}); err != nil {
			return err
		}
		if p.Listing != ListingOnSale {
			return nil
		}
		failing, err := tx.failingProbeDays(p.ID, now.In(loc))
		if err != nil || failing < ProbeFailingDays {
			return err
		}
		return tx.stopProduct(Actor{}, &p, StopProbeFailures, "")
	})
	return run, err
}

// failingProbeDays counts the calendar days up to today in a row on which every probe
// failed (a day without probes ends the count).
func (s *Store) failingProbeDays(productID uint, today time.Time) (int, error) {
	from := today.AddDate(0, 0, -(ProbeFailingDays - 1)).Format(time.DateOnly)
	var rows []struct {
		Day    string
		Passed int64
		Total  int64
	}
	if err := s.w.Model(&ProbeRun{}).Select("day, SUM(CASE WHEN passed THEN 1 ELSE 0 END) AS passed, COUNT(*) AS total").
		Where("product_id = ? AND day >= ?", productID, from).Group("day").Scan(&rows).Error; err != nil {
		return 0, err
	}
	byDay := map[string]bool{}
	for _, r := range rows {
		byDay[r.Day] = r.Total > 0 && r.Passed == 0
	}
	n := 0
	for d := today; n < ProbeFailingDays; d = d.AddDate(0, 0, -1) {
		if !byDay[d.Format(time.DateOnly)] {
			break
		}
		n++
	}
	return n, nil
}

// stopProduct stops a product's sales (停售) and hides it, telling the merchant.
func (s *Store) stopProduct(a Actor, p *Product, reason, comment string) error {
	if p.Listing != ListingOnSale {
		return ErrNotStoppable
	}
	now := s.clock.Now()
	fields := map[string]any{"listing": ListingStopped, "stopped_at": now, "stop_reason": reason, "stop_hid": !p.Hidden, "hidden": true}
	if !p.Hidden {
		fields["hidden_at"] = now
	}
	if err := s.saveVersioned(&Product{}, p.ID, p.Version, fields); err != nil {
		return err
	}
	p.Version++
	mid := p.MerchantID
	if err := s.audit(a, "product.stop", "product", p.ID, &mid, map[string]string{"listing": p.Listing},
		map[string]string{"listing": ListingStopped, "reason": reason}, "probe.stop_reason."+reason, comment); err != nil {
		return err
	}
	p.Listing = ListingStopped
	return s.notifyMerchantOf(p.MerchantID, Notice{Kind: "product.stopped", TitleKey: "notify.product_stopped.title", BodyKey: "notify.product_stopped.body",
		Args: map[string]any{"Product": p.anyName(), "ReasonKey": "probe.stop_reason." + reason},
		To:   Target{Kind: TargetProductProbes, Ref: strconv.FormatUint(uint64(p.ID), 10)}})
}

// StopProduct is a reviewer stopping a product's sales (a product flagged for its
// provisioning failures, or failing probes).
func (s *Store) StopProduct(ctx context.Context, a Actor, productID uint, reason, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ?", productID)), &p); err != nil {
			return err
		}
		if p.Type != ProductSaaS {
			return ErrNotStoppable
		}
		return tx.stopProduct(a, &p, reason, comment)
	})
}

// RestoreProduct is a reviewer putting a stopped product back on sale, after a probe that
// passed since it was stopped; it is unhidden if the stop hid it.
func (s *Store) RestoreProduct(ctx context.Context, a Actor, productID uint, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ?", productID)), &p); err != nil {
			return err
		}
		if p.Listing != ListingStopped || p.StoppedAt == nil {
			return ErrNotStopped
		}
		var passed int64
		if err := tx.w.Model(&ProbeRun{}).Where("product_id = ? AND passed = ? AND created_at >= ?", p.ID, true, *p.StoppedAt).Count(&passed).Error; err != nil {
			return err
		}
		if passed == 0 {
			return ErrNoPassingProbe
		}
		fields := map[string]any{"listing": ListingOnSale, "stopped_at": nil, "stop_reason": "", "stop_hid": false}
		if p.StopHid {
			fields["hidden"], fields["hidden_at"] = false, nil
		}
		if err := tx.saveVersioned(&Product{}, p.ID, p.Version, fields); err != nil {
			return err
		}
		mid := p.MerchantID
		if err := tx.audit(a, "product.restore", "product", p.ID, &mid, map[string]string{"listing": ListingStopped},
			map[string]string{"listing": ListingOnSale}, "", comment); err != nil {
			return err
		}
		if err := tx.w.Model(&ProductFlag{}).Where("product_id = ? AND closed_at IS NULL", p.ID).
			Updates(map[string]any{"closed_at": tx.clock.Now(), "closed_by_id": a.UserID, "updated_at": tx.clock.Now()}).Error; err != nil {
			return err
		}
		return tx.notifyMerchantOf(p.MerchantID, Notice{Kind: "product.restored", TitleKey: "notify.product_restored.title", BodyKey: "notify.product_restored.body",
			Args: map[string]any{"Product": p.anyName()}, To: Target{Kind: TargetProductProbes, Ref: strconv.FormatUint(uint64(p.ID), 10)}})
	})
}

// ProbeRunsOf lists a product's probes, newest first, one keyset page (merchantID 0:
// reviewers).
func (s *Store) ProbeRunsOf(ctx context.Context, merchantID, productID uint, before uint, limit int) ([]ProbeRun, bool, error) {
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	q := s.r.WithContext(ctx).Where("product_id = ?", productID)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	if before != 0 {
		q = q.Where("id < ?", before)
	}
	return keysetPage[ProbeRun](q.Order("id DESC").Limit(limit+1), limit)
}

// OpenProductFlags lists the products flagged to reviewers, newest first.
func (s *Store) OpenProductFlags(ctx context.Context, limit int) ([]ProductFlag, error) {
	var out []ProductFlag
	err := s.r.WithContext(ctx).Where("closed_at IS NULL").Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// StoppedProducts lists the SaaS products whose sales are stopped.
func (s *Store) StoppedProducts(ctx context.Context, limit int) ([]Product, error) {
	var out []Product
	err := s.r.WithContext(ctx).Select("id, merchant_id, type, name_zh, name_en, listing, stopped_at, stop_reason").
		Where("listing = ? AND type = ?", ListingStopped, ProductSaaS).Order("stopped_at DESC").Limit(limit).Find(&out).Error
	return out, err
}

// CloseProductFlag is a reviewer closing a flag after looking at the product.
func (s *Store) CloseProductFlag(ctx context.Context, a Actor, id uint, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var f ProductFlag
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND closed_at IS NULL", id)), &f); err != nil {
			return err
		}
		now := tx.clock.Now()
		if err := tx.w.Model(&ProductFlag{}).Where("id = ?", f.ID).Updates(map[string]any{"closed_at": now, "closed_by_id": a.UserID, "updated_at": now}).Error; err != nil {
			return err
		}
		mid := f.MerchantID
		return tx.audit(a, "product.flag_close", "product", f.ProductID, &mid, map[string]any{"reason": f.Reason, "month": f.Month, "count": f.Count}, nil, "", comment)
	})
}

func migrateProductStops(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, col := range []string{"StoppedAt", "StopReason", "StopHid"} {
		if !m.HasColumn(&Product{}, col) {
			if err := m.AddColumn(&Product{}, col); err != nil {
				return err
			}
		}
	}
	return tx.AutoMigrate(&ProbeRun{})
}

// anyName is the product's Chinese name, or its English one.
func (p Product) anyName() string {
	if p.NameZh != "" {
		return p.NameZh
	}
	return p.NameEn
}

// Restorable tells whether a reviewer may restore the product now: stopped, with a
// passing probe since.
func (s *Store) Restorable(ctx context.Context, p Product) (bool, error) {
	if p.Listing != ListingStopped || p.StoppedAt == nil {
		return false, nil
	}
	var n int64
	err := s.r.WithContext(ctx).Model(&ProbeRun{}).Where("product_id = ? AND passed = ? AND created_at >= ?", p.ID, true, *p.StoppedAt).Count(&n).Error
	return n > 0, err
}

// ProductsByIDs reads products' names by id in one query.
func (s *Store) ProductsByIDs(ctx context.Context, ids []uint) (map[uint]Product, error) {
	out := map[uint]Product{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Product
	if err := s.r.WithContext(ctx).Select("id, name_zh, name_en").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, p := range rows {
		out[p.ID] = p
	}
	return out, nil
}
