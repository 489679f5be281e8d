package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"sellercenter/internal/money"
	"sellercenter/internal/saasproto"
)

// Errors of production calls.
var (
	// ErrCallNotDue: the job's attempt was already made, or the call is over.
	ErrCallNotDue = errors.New("the call has no attempt due")
	// ErrNotRestartable: only a failed call that did not fail its order restarts.
	ErrNotRestartable = &RuleError{Key: "saas.calls.error_not_restartable"}
	// ErrProvisionedByCall: a SaaS order with an instance completes when the merchant's
	// system answers, not by hand.
	ErrProvisionedByCall = &RuleError{Key: "saas.calls.error_provisioned_by_call"}
	// ErrNotAwaiting: the order does not wait for the merchant's acceptance.
	ErrNotAwaiting = &RuleError{Key: "saas.calls.error_not_awaiting"}
)

// saasRetry is the retry schedule of production calls (settings).
type saasRetry struct {
	provWindow, provEvery, lifeWindow, lifeEvery time.Duration
}

func (s *Store) saasRetry(ctx context.Context) (saasRetry, error) {
	var r saasRetry
	vals := []struct {
		key  string
		def  int
		min  int // a window may be 0 (no retry); an interval is at least 1
		unit time.Duration
		to   *time.Duration
	}{
		{SettingProvisionRetryHours, DefaultProvisionRetryHours, 0, time.Hour, &r.provWindow},
		{SettingProvisionRetryMinutes, DefaultProvisionRetryMinutes, 1, time.Minute, &r.provEvery},
		{SettingLifecycleRetryMinutes, DefaultLifecycleRetryMinutes, 0, time.Minute, &r.lifeWindow},
		{SettingLifecycleIntervalMinutes, DefaultLifecycleIntervalMinutes, 1, time.Minute, &r.lifeEvery},
	}
	for _, v := range vals {
		n, err := s.SettingInt(ctx, v.key, v.def)
		if err != nil {
			return r, err
		}
		*v.to = time.Duration(max(n, v.min)) * v.unit
	}
	return r, nil
}

// License pushes are retried every 2 minutes up to 60 times (saas-protocol.md §8).
const (
	licenseRetryEvery  = 2 * time.Minute
	licenseRetryWindow = 59 * licenseRetryEvery
)

// of is the retry window and interval of a purpose.
func (r saasRetry) of(purpose string) (window, every time.Duration) {
	if licensePurpose(purpose) {
		return licenseRetryWindow, licenseRetryEvery
	}
	if provisioning(purpose) {
		return r.provWindow, r.provEvery
	}
	return r.lifeWindow, r.lifeEvery
}

// ActivityFor is the protocol activity that does purpose for a product billed by
// billingMode on an address speaking protocol; "" when that protocol has none (V1 period
// products unfreeze with the renewal itself; V1 has no order notification).
func ActivityFor(purpose, protocol, billingMode string) string {
	v2 := protocol == ProtocolV2
	switch purpose {
	case PurposeNew:
		return saasproto.NewInstance
	case PurposeRenew, PurposeTrialToFormal:
		return saasproto.RefreshInstance
	case PurposeFreeze, PurposeUnfreeze:
		switch {
		case v2:
			return saasproto.UpdateInstanceStatus
		case billingMode == BillingOnDemand:
			return saasproto.InstanceStatus
		case purpose == PurposeFreeze:
			return saasproto.ExpireInstance
		}
		return ""
	case PurposeRelease:
		return saasproto.ReleaseInstance
	case PurposeUpgrade:
		if v2 {
			return saasproto.UpgradeInstance
		}
		return saasproto.Upgrade
	case PurposeNotify:
		if v2 {
			return saasproto.OrderNotify
		}
	case PurposeTenantSync:
		return saasproto.TenantSync
	case PurposeAppSync:
		return saasproto.ApplicationSync
	case PurposeAuthSync:
		return saasproto.AuthSync
	case PurposeOrgSync:
		return saasproto.SingleOrgSync
	case PurposeAllOrgSync:
		return saasproto.AllOrgSync
	case PurposeLicenseRefresh:
		return saasproto.RefreshLicenseCode
	case PurposeLicenseFreeze, PurposeLicenseUnfreeze:
		return saasproto.UpdateLicenseCodeStatus
	case PurposeLicenseRelease:
		return saasproto.ReleaseLicenseCode
	}
	return ""
}

// protocolTime is the protocol's yyyyMMddHHmmss, in UTC.
func protocolTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("20060102150405")
}

// linearParam is the protocol parameter of a linear attribute.
var linearParam = map[string]string{"amount": "amount", "disk_size": "diskSize", "bandwidth": "bandWidth"}

// orderParams are the parameters a call about order o's line carries, for every purpose
// and both protocols (a builder takes the fields its activity has).
func orderParams(o Order, line OrderLine, end *time.Time) map[string]string {
	p := map[string]string{
		"orderId": o.OrderNo, "orderLineId": line.LineNo, "skuCode": line.SKUCode, "productId": line.ProductCode,
		"expireTime": protocolTime(end), "orderAmount": money.FormatYuan(max(o.AmountFen, 0)),
	}
	switch line.PeriodType {
	case PeriodYear, PeriodMonth:
		p["periodType"], p["periodNumber"], p["chargingMode"] = line.PeriodType, strconv.Itoa(max(line.PeriodCount, 1)), "1"
	case PeriodOneTime, PeriodPackage:
		p["chargingMode"] = "3"
	}
	if name, ok := linearParam[line.LinearAttr]; ok {
		p[name] = strconv.Itoa(line.Quantity)
	}
	return p
}

// newInstanceParams adds the customer to a new purchase's parameters: who bought, the
// trial flag and a business id fixed for every resend.
func (s *Store) newInstanceParams(o Order, line OrderLine, end *time.Time) (map[string]string, error) {
	p := orderParams(o, line, end)
	var profile BuyerProfile
	switch err := first(s.w.Where("user_id = ?", o.BuyerID), &profile); {
	case err == nil:
		if m := cleanMobile(profile.Mobile); m != "" {
			p["mobilePhone"] = m
		}
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	id := "buyer-" + strconv.FormatUint(uint64(o.BuyerID), 10)
	p["customerId"], p["userId"] = id, id
	p["customerName"] = truncRunes(o.CustomerName, 128)
	p["userName"] = truncRunes(o.CustomerEmail, 128)
	if o.CustomerEmail != "" && len(o.CustomerEmail) <= 254 {
		p["email"] = o.CustomerEmail
	}
	p["trialFlag"] = "0"
	if o.Kind == OrderTrial {
		p["trialFlag"] = "1"
	}
	biz, err := newSecret()
	if err != nil {
		return nil, err
	}
	p["businessId"] = biz
	return p, nil
}

func cleanMobile(m string) string {
	var b strings.Builder
	for i, r := range m {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if n := len(strings.TrimPrefix(out, "+")); n < 5 || n > 20 {
		return ""
	}
	return out
}

func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// startSaaS turns a paid SaaS order into calls to the merchant's system, inside the
// payment's transaction: a new purchase creates the instance and calls newInstance (or
// waits for the merchant's acceptance), a renewal or conversion refreshes it (and
// unfreezes a frozen one), an upgrade upgrades it; orderNotify follows where the
// merchant enabled it. Products without a production address (published before
// integration) make no call: the merchant confirms their delivery as before.
func (s *Store) startSaaS(ctx context.Context, o *Order, line OrderLine, sub Subscription) error {
	if o.ProductType != ProductSaaS {
		return nil
	}
	var inst SaaSInstance
	switch o.Kind {
	case OrderNew, OrderTrial:
		var p Product
		if err := first(s.w.Where("id = ?", o.ProductID), &p); err != nil {
			return err
		}
		c, err := p.LiveContent()
		if err != nil {
			return err
		}
		aid := c.SaaSAddress()
		if aid == nil {
			return nil
		}
		var addr ProductionAddress
		switch err := first(s.w.Where("id = ? AND merchant_id = ?", *aid, o.MerchantID), &addr); {
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		now := s.clock.Now()
		inst = SaaSInstance{SubscriptionID: sub.ID, MerchantID: o.MerchantID, BuyerID: o.BuyerID, ProductID: o.ProductID, OrderID: o.ID,
			AddressID: addr.ID, Protocol: addr.Protocol, BillingMode: line.BillingMode, Status: InstanceProvisioning, Version: 1, CreatedAt: now, UpdatedAt: now}
		awaiting := c.SaaS != nil && c.SaaS.ProvisionMode == "after_acceptance"
		if awaiting {
			inst.Status = InstanceAwaiting
		}
		if err := s.w.Create(&inst).Error; err != nil {
			return err
		}
		if err := s.auditInstance(Actor{}, inst, "", inst.Status); err != nil {
			return err
		}
		if awaiting {
			if err := s.notifyMerchantOf(o.MerchantID, Notice{Kind: "saas.awaiting", TitleKey: "notify.saas_awaiting.title", BodyKey: "notify.saas_awaiting.body",
				Args: map[string]any{"OrderNo": o.OrderNo}, To: Target{Kind: TargetSellerOrder, Ref: o.OrderNo}}); err != nil {
				return err
			}
		} else {
			params, err := s.newInstanceParams(*o, line, sub.ExpiresAt)
			if err != nil {
				return err
			}
			if _, err := s.queueSaaSCall(ctx, inst, *o, line.LineNo, PurposeNew, params); err != nil {
				return err
			}
		}
	case OrderRenew, OrderTrialToFormal, OrderChange:
		switch err := first(s.forUpdate(s.w.Where("subscription_id = ?", sub.ID)), &inst); {
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		switch inst.Status {
		case InstanceReleased, InstanceFailed:
			return ErrResourceGone
		}
		end := sub.ExpiresAt
		params := orderParams(*o, line, end)
		purpose := PurposeRenew
		switch o.Kind {
		case OrderTrialToFormal:
			purpose, params["scene"], params["trialToFormal"] = PurposeTrialToFormal, "TRIAL_TO_FORMAL", "1"
		case OrderRenew:
			params["scene"], params["trialToFormal"] = "RENEWAL", "0"
		case OrderChange:
			purpose = PurposeUpgrade
			params["prevSpecId"], params["prevSkuCode"] = strconv.FormatUint(uint64(sub.SpecID), 10), sub.SKUCode
		}
		wasFrozen := inst.Status == InstanceFrozen
		if purpose != PurposeUpgrade {
			fields := map[string]any{"due_at": end}
			if wasFrozen {
				fields["status"] = InstanceActive
			}
			if err := s.moveInstance(Actor{}, &inst, fields); err != nil {
				return err
			}
		}
		if _, err := s.queueSaaSCall(ctx, inst, *o, line.LineNo, purpose, params); err != nil {
			return err
		}
		if wasFrozen && ActivityFor(PurposeUnfreeze, inst.Protocol, inst.BillingMode) != "" {
			if _, err := s.queueSaaSCall(ctx, inst, *o, line.LineNo, PurposeUnfreeze,
				map[string]string{"orderId": o.OrderNo, "orderLineId": line.LineNo, "status": "UNFREEZE", "instanceStatus": "NORMAL"}); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	return s.queueOrderNotify(ctx, inst, *o, line.LineNo)
}

// queueOrderNotify tells a V2 merchant who asked for it about an order.
func (s *Store) queueOrderNotify(ctx context.Context, inst SaaSInstance, o Order, lineNo string) error {
	if inst.Protocol != ProtocolV2 {
		return nil
	}
	var set SaaSSettings
	switch err := first(s.w.Where("merchant_id = ?", o.MerchantID), &set); {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if !set.OrderNotify {
		return nil
	}
	_, err := s.queueSaaSCall(ctx, inst, o, lineNo, PurposeNotify, map[string]string{"orderId": o.OrderNo, "orderLineId": lineNo})
	return err
}

// queueSaaSCall creates a production call about inst for order o and schedules its first
// attempt, or leaves it WAITING behind an open call of the same instance (calls about
// one instance run in order; order notifications need no order).
func (s *Store) queueSaaSCall(ctx context.Context, inst SaaSInstance, o Order, lineNo, purpose string, params map[string]string) (SaaSCall, error) {
	now := s.clock.Now()
	r, err := s.saasRetry(ctx)
	if err != nil {
		return SaaSCall{}, err
	}
	window, _ := r.of(purpose)
	b, err := json.Marshal(params)
	if err != nil {
		return SaaSCall{}, err
	}
	c := SaaSCall{MerchantID: inst.MerchantID, ProductID: inst.ProductID, SubscriptionID: inst.SubscriptionID, InstanceRowID: inst.ID,
		OrderID: o.ID, OrderNo: o.OrderNo, OrderLineNo: lineNo, AddressID: inst.AddressID, Protocol: inst.Protocol, Purpose: purpose,
		Activity: ActivityFor(purpose, inst.Protocol, inst.BillingMode), Status: CallQueued, Params: string(b), RetryFrom: now,
		Deadline: now.Add(window), InstanceID: inst.InstanceID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if purpose != PurposeNotify {
		var open int64
		if err := chain(s.w.Model(&SaaSCall{}), inst.SubscriptionID, 0).Where("status IN ? AND purpose <> ?", OpenCallStatuses, PurposeNotify).
			Count(&open).Error; err != nil {
			return c, err
		}
		if open > 0 {
			c.Status = CallWaiting
		}
	}
	if err := s.w.Create(&c).Error; err != nil {
		return c, err
	}
	if c.Status == CallQueued {
		return c, s.scheduleAttempt(&c, now)
	}
	return c, nil
}

// scheduleAttempt queues the job of the call's next attempt at at.
func (s *Store) scheduleAttempt(c *SaaSCall, at time.Time) error {
	n := c.Attempts + 1
	if err := s.enqueueGroup(JobSaaSCall, saasCallGroup(c.MerchantID), SaaSCallPayload{CallID: c.ID, Attempt: n}, at,
		fmt.Sprintf("%s%d:%d", saasCallDedupPrefix, c.ID, n)); err != nil {
		return err
	}
	c.NextAt = &at
	return s.w.Model(&SaaSCall{}).Where("id = ?", c.ID).Update("next_at", at).Error
}

func saasCallGroup(merchantID uint) string {
	return saasCallGroupPrefix + strconv.FormatUint(uint64(merchantID), 10)
}

// moveCall writes a call's changed fields, checking the state machine when the status
// changes, with the optimistic version check.
func (s *Store) moveCall(c *SaaSCall, fields map[string]any) error {
	if to, ok := fields["status"].(string); ok && to != c.Status && !CallCanMove(c.Status, to) {
		return ErrIllegalTransition
	}
	if err := s.saveVersioned(&SaaSCall{}, c.ID, c.Version, fields); err != nil {
		return err
	}
	c.Version++
	if to, ok := fields["status"].(string); ok {
		c.Status = to
	}
	return nil
}

// moveInstance writes an instance's changed fields, checking the state machine and
// auditing when its status changes.
func (s *Store) moveInstance(a Actor, inst *SaaSInstance, fields map[string]any) error {
	to, moving := fields["status"].(string)
	if moving && to == inst.Status {
		moving = false
	}
	if moving && !InstanceCanMove(inst.Status, to) {
		return ErrIllegalTransition
	}
	if err := s.saveVersioned(&SaaSInstance{}, inst.ID, inst.Version, fields); err != nil {
		return err
	}
	inst.Version++
	if due, ok := fields["due_at"]; ok {
		switch v := due.(type) {
		case *time.Time:
			inst.DueAt = v
		case time.Time:
			inst.DueAt = &v
		case nil:
			inst.DueAt = nil
		}
	}
	if !moving {
		return nil
	}
	from := inst.Status
	inst.Status = to
	if inst.BillingMode == BillingOnDemand {
		// On-demand consumption is the time the instance is ACTIVE.
		var err error
		switch {
		case to == InstanceActive:
			err = s.meterStart(inst.SubscriptionID, s.clock.Now())
		case from == InstanceActive:
			err = s.meterStop(inst.SubscriptionID, s.clock.Now())
		}
		if err != nil {
			return err
		}
	}
	return s.auditInstance(a, *inst, from, to)
}

func (s *Store) auditInstance(a Actor, inst SaaSInstance, from, to string) error {
	var before any
	if from != "" {
		before = map[string]string{"status": from}
	}
	mid := inst.MerchantID
	return s.audit(a, "saas_instance."+strings.ToLower(to), "saas_instance", inst.ID, &mid, before,
		map[string]string{"status": to, "instance_id": inst.InstanceID}, "", "")
}

// notifyMerchantOf sends a notice to the merchant's owner.
func (s *Store) notifyMerchantOf(merchantID uint, n Notice) error {
	var m Merchant
	if err := first(s.w.Where("id = ?", merchantID), &m); err != nil {
		return err
	}
	n.UserID = m.OwnerUserID
	return s.notify(n)
}

// SaaSAttemptPlan is what one attempt of a production call sends, read from the call,
// its instance, the address as it is now and the key's signing secret.
type SaaSAttemptPlan struct {
	Call        SaaSCall
	No          int
	Protocol    string
	Activity    string
	Address     string
	KeyID       uint
	Generation  int
	Secret      string
	EncryptType string
	Params      map[string]string
	// Blocked says why the attempt cannot be sent (no_address, key_revoked, fields):
	// it counts as a failed attempt.
	Blocked string
	// Body is a kit sync call's JSON body (without testFlag and timeStamp, added when
	// it is signed); instance calls send Params.
	Body []byte
	// JobID is the job making the attempt: recording it finishes the job in the same
	// transaction.
	JobID uint
}

// PlanSaaSAttempt reads attempt no of a call; ErrCallNotDue when it was already made or
// the call is over (a job run twice, or a call cancelled).
func (s *Store) PlanSaaSAttempt(ctx context.Context, callID uint, no int) (SaaSAttemptPlan, error) {
	var pl SaaSAttemptPlan
	db := s.r.WithContext(ctx)
	if err := first(db.Where("id = ?", callID), &pl.Call); err != nil {
		return pl, err
	}
	c := pl.Call
	if (c.Status != CallQueued && c.Status != CallProcessing) || c.Attempts != no-1 {
		return pl, ErrCallNotDue
	}
	pl.No = no
	if c.KitBindingID > 0 {
		return s.planKitAttempt(ctx, pl)
	}
	if c.LicenseCodeID > 0 {
		return s.planLicenseAttempt(ctx, pl)
	}
	var inst SaaSInstance
	if err := first(db.Where("id = ?", c.InstanceRowID), &inst); err != nil {
		return pl, err
	}
	if err := json.Unmarshal([]byte(c.Params), &pl.Params); err != nil {
		return pl, err
	}
	if pl.Params == nil {
		pl.Params = map[string]string{}
	}
	pl.Protocol = c.Protocol
	var addr ProductionAddress
	switch err := first(db.Where("id = ? AND merchant_id = ?", c.AddressID, c.MerchantID), &addr); {
	case errors.Is(err, ErrNotFound):
		pl.Blocked = "no_address"
	case err != nil:
		return pl, err
	default:
		pl.Address, pl.Protocol, pl.KeyID = addr.URL, addr.Protocol, addr.KeyID
	}
	pl.Activity = ActivityFor(c.Purpose, pl.Protocol, inst.BillingMode)
	instanceID := c.InstanceID
	if instanceID == "" {
		instanceID = inst.InstanceID
	}
	if c.Purpose == PurposeNew && pl.Protocol == ProtocolV2 && instanceID != "" {
		pl.Activity = saasproto.QueryInstance // the instance is being prepared: ask for it
	}
	if instanceID != "" {
		pl.Params["instanceId"] = instanceID
	}
	if pl.Activity == "" {
		pl.Activity = c.Activity
	}
	var p Product
	if err := first(db.Where("id = ?", c.ProductID), &p); err != nil {
		return pl, err
	}
	if pc, err := p.LiveContent(); err == nil && pc.SaaS != nil {
		pl.EncryptType = pc.SaaS.EncryptType
	}
	if pl.Blocked != "" {
		return pl, nil
	}
	secret, k, err := s.SigningSecret(ctx, c.MerchantID, addr.KeyID)
	switch {
	case errors.Is(err, ErrKeyRevoked) || errors.Is(err, ErrNotFound):
		pl.Blocked = "key_revoked"
		return pl, nil
	case err != nil:
		return pl, err
	}
	pl.Secret, pl.Generation = secret, k.Generation
	return pl, nil
}

// SaaSCallFor is the protocol call of a plan: testFlag 0, the signing secret.
func (pl SaaSAttemptPlan) SaaSCallFor(now time.Time) saasproto.Call {
	v, _ := saasproto.ParseVersion(pl.Protocol)
	c := saasproto.Call{Version: v, Activity: pl.Activity, Address: pl.Address, AccessKey: pl.Secret, EncryptType: pl.EncryptType,
		Params: pl.Params, TestFlag: "0", Now: now}
	if pl.Body != nil {
		c.Params, c.Body = nil, pl.Body
		return c
	}
	// Optional values the protocol would refuse (an odd mobile number, a long name) are
	// left out rather than failing the call.
	if _, problems, err := c.Validate(); err == nil {
		spec, _ := saasproto.Lookup(v, pl.Activity)
		for _, pr := range problems {
			for _, fl := range spec.Fields {
				if fl.Name == pr.Field && !fl.Required {
					delete(c.Params, pr.Field)
				}
			}
		}
	}
	return c
}

// BlockedOutcome is the verdict on an attempt that could not be sent.
func BlockedOutcome(problem, detail string) saasproto.Outcome {
	return saasproto.Outcome{Checks: []saasproto.Check{{Name: saasproto.CheckTransport, Status: saasproto.Fail, Problem: problem, Message: detail}}}
}

// RecordSaaSAttempt keeps attempt pl.No of a call as it went and moves everything it
// decides, in one transaction: the next attempt or poll, success (the instance ACTIVE and
// the order COMPLETED for a new purchase), or the end of the retry window (the order
// FAILED and refunded for a new purchase or upgrade; a failed call to restart
// otherwise). An attempt already recorded (a job run twice) changes nothing. Attempts
// recorded at the same moment share one commit (group commit), each in its own savepoint.
func (s *Store) RecordSaaSAttempt(ctx context.Context, pl SaaSAttemptPlan, ex Exchange, out saasproto.Outcome) error {
	return s.batched(ctx, func(tx *Store) error {
		var c SaaSCall
		if err := first(tx.forUpdate(tx.w.Where("id = ?", pl.Call.ID)), &c); err != nil {
			return err
		}
		now := tx.clock.Now()
		if pl.JobID != 0 {
			if err := tx.w.Model(&Job{}).Where("id = ?", pl.JobID).Updates(map[string]any{
				"status": JobDone, "locked_until": nil, "last_error": "", "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if c.Attempts != pl.No-1 {
			return nil // recorded by an earlier run of the same job
		}
		att := SaaSAttempt{CallID: c.ID, No: pl.No, KeyID: pl.KeyID, KeyGeneration: pl.Generation, ResultCode: out.ResultCode, Exchange: ex, CreatedAt: now}
		if att.Protocol == "" {
			att.Protocol, att.Activity, att.Params, att.Method, att.URL = pl.Protocol, pl.Activity, "{}", "", pl.Address
			att.ReqHeaders, att.ReqBody, att.RespHeaders, att.RespBody = "{}", "", "{}", ""
		}
		failed, _ := out.Failed()
		att.Passed, att.FailedCheck = out.Passed(), failed.Name
		if att.Checks == "" {
			b, _ := json.Marshal(out.Checks)
			att.Checks = string(b)
		}
		if err := tx.w.Create(&att).Error; err != nil {
			return err
		}
		fields := map[string]any{"attempts": c.Attempts + 1, "last_attempt_at": now, "result_code": out.ResultCode,
			"failed_check": failed.Name, "problem": failed.Problem, "activity": pl.Activity, "next_at": nil}
		c.Attempts++
		var inst SaaSInstance
		if c.AboutInstance() {
			if err := first(tx.forUpdate(tx.w.Where("id = ?", c.InstanceRowID)), &inst); err != nil {
				return err
			}
		}
		if c.Status == CallCancelled {
			return tx.lateInstance(c, &inst, out)
		}
		passed := out.Passed()
		ready := passed && out.ResultCode == "000000"
		if c.Purpose == PurposeNew && passed {
			id := c.InstanceID
			if len(out.InstanceIDs) > 0 && id == "" {
				id = out.InstanceIDs[0]
			}
			fields["instance_id"] = id
			c.InstanceID = id
			switch {
			case pl.Protocol == ProtocolV2 && pl.Activity == saasproto.NewInstance:
				// The merchant took the order; the instance is read with queryInstance.
				ready = false
			case pl.Protocol == ProtocolV2 && ready:
				// Ready once the reply lists the instance (its appInfo is optional).
				ready = slices.Contains(out.InstanceIDs, id)
			}
			if !ready {
				return tx.pollLater(&c, fields, now, id != "" && pl.Activity == saasproto.NewInstance)
			}
		}
		if ready {
			fields["status"], fields["finished_at"], fields["failed_check"], fields["problem"] = CallSucceeded, now, "", ""
			if err := tx.moveCall(&c, fields); err != nil {
				return err
			}
			if err := tx.callSucceeded(c, &inst, out); err != nil {
				return err
			}
			return tx.promoteNext(ctx, c)
		}
		r, err := tx.saasRetry(ctx)
		if err != nil {
			return err
		}
		window, every := r.of(c.Purpose)
		if passed && !ready {
			// A reply the protocol accepts that is not yet a success (000004 on a query):
			// poll with backoff inside the window.
			return tx.pollLater(&c, fields, now, false)
		}
		c.Failures++
		fields["failures"] = c.Failures
		if next := c.RetryFrom.Add(time.Duration(c.Failures) * every); !next.After(c.RetryFrom.Add(window)) {
			fields["status"] = CallQueued
			if err := tx.moveCall(&c, fields); err != nil {
				return err
			}
			return tx.scheduleAttempt(&c, next)
		}
		fields["status"], fields["finished_at"] = CallFailed, now
		c.FailedCheck, c.Problem = failed.Name, failed.Problem
		if provisioning(c.Purpose) {
			fields["order_failed"] = true
			c.OrderFailed = true
		}
		if err := tx.moveCall(&c, fields); err != nil {
			return err
		}
		if err := tx.callFailed(ctx, c, &inst); err != nil {
			return err
		}
		return tx.promoteNext(ctx, c)
	})
}

// pollLater schedules the next poll of a call the merchant is still preparing: at once
// after newInstance named the instance, then with doubling waits; past the window's end
// the call fails like any other.
func (s *Store) pollLater(c *SaaSCall, fields map[string]any, now time.Time, atOnce bool) error {
	wait := time.Duration(0)
	if !atOnce {
		wait = min(firstPollInterval<<min(c.Polls, 20), maxPollInterval)
		c.Polls++
		fields["polls"] = c.Polls
	}
	next := now.Add(wait)
	if next.After(c.Deadline) {
		next = c.Deadline
	}
	if !now.Before(c.Deadline) {
		// The window ended while the merchant was still preparing the instance.
		fields["failed_check"], fields["problem"] = saasproto.CheckResultCode, "code_000004"
		c.FailedCheck, c.Problem = saasproto.CheckResultCode, "code_000004"
		fields["status"], fields["finished_at"] = CallFailed, now
		fields["order_failed"] = provisioning(c.Purpose)
		c.OrderFailed = provisioning(c.Purpose)
		if err := s.moveCall(c, fields); err != nil {
			return err
		}
		var inst SaaSInstance
		if c.AboutInstance() {
			if err := first(s.w.Where("id = ?", c.InstanceRowID), &inst); err != nil {
				return err
			}
		}
		if err := s.callFailed(context.Background(), *c, &inst); err != nil {
			return err
		}
		return s.promoteNext(context.Background(), *c)
	}
	fields["status"] = CallProcessing
	if err := s.moveCall(c, fields); err != nil {
		return err
	}
	return s.scheduleAttempt(c, next)
}

// appInfoOf finds the instance's appInfo in a reply.
func appInfoOf(out saasproto.Outcome, id string) *saasproto.AppInfo {
	for i := range out.AppInfo {
		if out.AppInfo[i].InstanceID == id || id == "" {
			return &out.AppInfo[i]
		}
	}
	return nil
}

// lateInstance handles the answer to a call cancelled while it was in flight: a new
// purchase the merchant provisioned after all is released at once.
func (s *Store) lateInstance(c SaaSCall, inst *SaaSInstance, out saasproto.Outcome) error {
	if err := s.w.Model(&SaaSCall{}).Where("id = ?", c.ID).Updates(map[string]any{"attempts": c.Attempts, "updated_at": s.clock.Now()}).Error; err != nil {
		return err
	}
	if c.Purpose != PurposeNew || len(out.InstanceIDs) == 0 || inst.InstanceID != "" || inst.Status != InstanceReleased {
		return nil
	}
	if err := s.moveInstance(Actor{}, inst, map[string]any{"instance_id": out.InstanceIDs[0]}); err != nil {
		return err
	}
	inst.InstanceID = out.InstanceIDs[0]
	var o Order
	if err := first(s.w.Where("id = ?", c.OrderID), &o); err != nil {
		return err
	}
	_, err := s.queueSaaSCall(context.Background(), *inst, o, c.OrderLineNo, PurposeRelease, map[string]string{"orderId": o.OrderNo, "orderLineId": c.OrderLineNo})
	return err
}

// callSucceeded applies a successful call: a new purchase's instance becomes ACTIVE with
// what the merchant returned, and the order it served completes.
func (s *Store) callSucceeded(c SaaSCall, inst *SaaSInstance, out saasproto.Outcome) error {
	now := s.clock.Now()
	if c.Purpose == PurposeNew {
		fields := map[string]any{"instance_id": c.InstanceID, "activated_at": now}
		if inst.Status == InstanceProvisioning {
			fields["status"] = InstanceActive
			var sub Subscription
			if err := first(s.w.Where("id = ?", inst.SubscriptionID), &sub); err != nil {
				return err
			}
			fields["due_at"] = sub.ExpiresAt
		}
		if ai := appInfoOf(out, c.InstanceID); ai != nil {
			user, err := s.sealOptional(ai.UserName)
			if err != nil {
				return err
			}
			pass, err := s.sealOptional(ai.Password)
			if err != nil {
				return err
			}
			fields["front_end_url"], fields["admin_url"], fields["memo"] = truncRunes(ai.FrontEndURL, 1000), truncRunes(ai.AdminURL, 1000), truncRunes(ai.Memo, 1000)
			fields["login_user_enc"], fields["login_pass_enc"] = user, pass
		}
		inst.InstanceID = c.InstanceID
		if err := s.moveInstance(Actor{}, inst, fields); err != nil {
			return err
		}
	}
	switch c.Purpose {
	case PurposeNew, PurposeRenew, PurposeTrialToFormal, PurposeUpgrade:
		var o Order
		if err := first(s.forUpdate(s.w.Where("id = ?", c.OrderID)), &o); err != nil {
			return err
		}
		if o.Status != OrderProcessing {
			return nil // refunded meanwhile
		}
		if err := s.moveOrder(Actor{}, &o, OrderCompleted, "order.event.provisioned", map[string]any{"completed_at": now}); err != nil {
			return err
		}
		title, body := "notify.saas_ready.title", "notify.saas_ready.body"
		if c.Purpose != PurposeNew {
			title, body = "notify.order_completed.title", "notify.order_completed.body"
		}
		return s.notify(Notice{UserID: o.BuyerID, Kind: "saas.ready", TitleKey: title, BodyKey: body,
			Args: map[string]any{"OrderNo": o.OrderNo}, To: Target{Kind: TargetBuyerOrder, Ref: o.OrderNo}})
	}
	return nil
}

func (s *Store) sealOptional(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	return s.box.Seal(truncRunes(v, 200))
}

// callFailed applies the end of a call's retry window: a new purchase or upgrade fails
// its order, refunded in full through the after-sales path and counted toward the
// product's monthly failures; any other call waits for the merchant's restart.
func (s *Store) callFailed(ctx context.Context, c SaaSCall, inst *SaaSInstance) error {
	args := map[string]any{"OrderNo": c.OrderNo, "PurposeKey": "saas.purpose." + c.Purpose, "CheckKey": "saas.check." + c.FailedCheck}
	if !provisioning(c.Purpose) {
		return s.notifyMerchantOf(c.MerchantID, Notice{Kind: "saas.call_failed", TitleKey: "notify.saas_call_failed.title",
			BodyKey: "notify.saas_call_failed.body", Args: args, To: Target{Kind: TargetSaaSCall, Ref: strconv.FormatUint(uint64(c.ID), 10)}})
	}
	var o Order
	if err := first(s.forUpdate(s.w.Where("id = ?", c.OrderID)), &o); err != nil {
		return err
	}
	if o.Status == OrderProcessing {
		if err := s.moveOrder(Actor{}, &o, OrderFailed, "order.event.provision_failed", nil); err != nil {
			return err
		}
		if c.Purpose == PurposeNew {
			if err := s.moveInstance(Actor{}, inst, map[string]any{"status": InstanceFailed, "due_at": nil}); err != nil {
				return err
			}
			if err := s.cancelOpenCalls(inst.SubscriptionID, c.ID); err != nil {
				return err
			}
			if err := s.w.Model(&Subscription{}).Where("id = ? AND status = ?", inst.SubscriptionID, SubActive).
				Updates(map[string]any{"status": SubFailed, "updated_at": s.clock.Now()}).Error; err != nil {
				return err
			}
		} else if err := s.revertUpgrade(c); err != nil {
			return err
		}
		if err := s.refundFailedOrder(&o); err != nil {
			return err
		}
	}
	if err := s.countFailure(ctx, c); err != nil {
		return err
	}
	return s.notifyMerchantOf(c.MerchantID, Notice{Kind: "saas.order_failed", TitleKey: "notify.saas_order_failed.title",
		BodyKey: "notify.saas_order_failed.body", Args: args, To: Target{Kind: TargetSaaSCall, Ref: strconv.FormatUint(uint64(c.ID), 10)}})
}

// revertUpgrade puts a subscription back on the spec it had before a failed upgrade.
func (s *Store) revertUpgrade(c SaaSCall) error {
	var p map[string]string
	if err := json.Unmarshal([]byte(c.Params), &p); err != nil {
		return err
	}
	spec, err := strconv.ParseUint(p["prevSpecId"], 10, 64)
	if err != nil || p["prevSkuCode"] == "" {
		return nil
	}
	var sub Subscription
	if err := first(s.forUpdate(s.w.Where("id = ?", c.SubscriptionID)), &sub); err != nil {
		return err
	}
	return s.saveVersioned(&Subscription{}, sub.ID, sub.Version, map[string]any{"spec_id": uint(spec), "sku_code": p["prevSkuCode"]})
}

// refundFailedOrder pays a failed order back in full: an after-sales case the platform
// opens and settles at once, with its UNSUBSCRIBE order.
func (s *Store) refundFailedOrder(o *Order) error {
	if o.PaidFen-o.RefundedFen <= 0 {
		return nil
	}
	now := s.clock.Now()
	refundNo, err := s.unusedNumber("RF", now, "refunds", "refund_no")
	if err != nil {
		return err
	}
	r := Refund{RefundNo: refundNo, OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: o.BuyerID, SubscriptionID: o.SubscriptionID,
		Kind: RefundUnsubscribe, Status: RefundRefunded, PaidFen: o.PaidFen, AmountFen: o.PaidFen - o.RefundedFen,
		Reason: "", DecidedAt: &now, RefundedAt: &now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(&r).Error; err != nil {
		return err
	}
	var line OrderLine
	var lp *OrderLine
	switch err := first(s.w.Where("order_id = ?", o.ID).Order("id"), &line); {
	case err == nil:
		lp = &line
	case !errors.Is(err, ErrNotFound):
		return err
	}
	if err := s.settle(Actor{}, &r, o, lp, false); err != nil {
		return err
	}
	if err := s.caseEvent(Actor{}, r, "", RefundRefunded, "aftersales.event.provision_failed", "", "refund.provision_failed"); err != nil {
		return err
	}
	return s.notifyCase(r, *o, "provision_failed", true, false, nil)
}

// countFailure counts a failed order toward the product's failures of the month and flags
// the product to reviewers once they exceed the limit.
func (s *Store) countFailure(ctx context.Context, c SaaSCall) error {
	now := s.clock.Now()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var n int64
	if err := s.w.Model(&SaaSCall{}).Where("merchant_id = ? AND product_id = ? AND order_failed = ? AND finished_at >= ?",
		c.MerchantID, c.ProductID, true, start).Count(&n).Error; err != nil {
		return err
	}
	limit, err := s.SettingInt(ctx, SettingMonthlyFailureLimit, DefaultMonthlyFailureLimit)
	if err != nil {
		return err
	}
	if int(n) <= limit {
		return nil
	}
	month := start.Format("2006-01")
	res := s.w.Model(&ProductFlag{}).Where("product_id = ? AND reason = ? AND month = ?", c.ProductID, saasFailureFlagReason, month).
		Updates(map[string]any{"count": n, "updated_at": now})
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	f := ProductFlag{ProductID: c.ProductID, MerchantID: c.MerchantID, Reason: saasFailureFlagReason, Month: month, Count: int(n), CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(&f).Error; err != nil {
		return err
	}
	mid := c.MerchantID
	return s.audit(Actor{}, "product.flag", "product", c.ProductID, &mid, nil,
		map[string]any{"reason": saasFailureFlagReason, "month": month, "count": n}, "", "")
}

// cancelOpenCalls cancels the open calls about a subscription (but except).
func (s *Store) cancelOpenCalls(subID, except uint) error {
	now := s.clock.Now()
	return s.w.Model(&SaaSCall{}).Where("subscription_id = ? AND status IN ? AND id <> ?", subID, OpenCallStatuses, except).
		Updates(map[string]any{"status": CallCancelled, "finished_at": now, "next_at": nil, "updated_at": now, "version": gorm.Expr("version + 1")}).Error
}

// chain scopes a query to the calls that run one after the other: a kit binding's sync
// calls (bindingID > 0), or the calls about a subscription's instance.
func chain(q *gorm.DB, subID, bindingID uint) *gorm.DB {
	if bindingID > 0 {
		return q.Where("kit_binding_id = ?", bindingID)
	}
	return q.Where("subscription_id = ? AND kit_binding_id = ? AND license_code_id = ?", subID, 0, 0)
}

// chainOf scopes a query to the calls that run one after the other with c: a License
// code's pushes, or as chain says.
func chainOf(q *gorm.DB, c SaaSCall) *gorm.DB {
	if c.LicenseCodeID > 0 {
		return q.Where("license_code_id = ?", c.LicenseCodeID)
	}
	return chain(q, c.SubscriptionID, c.KitBindingID)
}

// promoteNext starts the earliest waiting call of done's chain once none is running.
func (s *Store) promoteNext(ctx context.Context, done SaaSCall) error {
	var running int64
	if err := chainOf(s.w.Model(&SaaSCall{}), done).Where("status IN ? AND purpose <> ?",
		[]string{CallQueued, CallProcessing}, PurposeNotify).Count(&running).Error; err != nil {
		return err
	}
	if running > 0 {
		return nil
	}
	var next SaaSCall
	switch err := first(chainOf(s.w, done).Where("status = ?", CallWaiting).Order("id"), &next); {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	r, err := s.saasRetry(ctx)
	if err != nil {
		return err
	}
	window, _ := r.of(next.Purpose)
	now := s.clock.Now()
	fields := map[string]any{"status": CallQueued, "retry_from": now, "deadline": now.Add(window)}
	if next.AboutInstance() {
		var inst SaaSInstance
		if err := first(s.w.Where("id = ?", next.InstanceRowID), &inst); err != nil {
			return err
		}
		fields["instance_id"] = inst.InstanceID
	}
	next.RetryFrom, next.Deadline = now, now.Add(window)
	if err := s.moveCall(&next, fields); err != nil {
		return err
	}
	return s.scheduleAttempt(&next, now)
}

// endSaaS releases the instance of a subscription that ended (unsubscribed, refunded):
// open calls are cancelled and releaseInstance goes out when the instance has an id.
// by is the order that ended it.
func (s *Store) endSaaS(ctx context.Context, subID uint, by Order, lineNo string) error {
	var inst SaaSInstance
	switch err := first(s.forUpdate(s.w.Where("subscription_id = ?", subID)), &inst); {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	switch inst.Status {
	case InstanceReleased, InstanceFailed:
		return nil
	}
	if err := s.cancelOpenCalls(subID, 0); err != nil {
		return err
	}
	now := s.clock.Now()
	if err := s.moveInstance(Actor{}, &inst, map[string]any{"status": InstanceReleased, "released_at": now, "due_at": nil}); err != nil {
		return err
	}
	if err := s.endKitBindings(subID); err != nil {
		return err
	}
	if inst.InstanceID == "" {
		return nil
	}
	if _, err := s.queueSaaSCall(ctx, inst, by, lineNo, PurposeRelease, map[string]string{"orderId": by.OrderNo, "orderLineId": lineNo}); err != nil {
		return err
	}
	return s.queueOrderNotify(ctx, inst, by, lineNo)
}

// RestartSaaSCall is the merchant restarting (重新启动) a failed call after fixing their
// side: a fresh retry window from now, the first attempt at once.
func (s *Store) RestartSaaSCall(ctx context.Context, a Actor, merchantID, callID uint) (SaaSCall, error) {
	var c SaaSCall
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", callID, merchantID)), &c); err != nil {
			return err
		}
		if !c.Restartable() {
			return ErrNotRestartable
		}
		r, err := tx.saasRetry(ctx)
		if err != nil {
			return err
		}
		window, _ := r.of(c.Purpose)
		now := tx.clock.Now()
		c.RetryFrom, c.Deadline = now, now.Add(window)
		if err := tx.moveCall(&c, map[string]any{"status": CallQueued, "failures": 0, "polls": 0, "retry_from": now, "deadline": c.Deadline,
			"finished_at": nil, "restarts": c.Restarts + 1}); err != nil {
			return err
		}
		c.Restarts++
		c.FinishedAt = nil
		mid := merchantID
		if err := tx.audit(a, "saas_call.restart", "saas_call", c.ID, &mid, map[string]string{"status": CallFailed},
			map[string]any{"status": CallQueued, "order_no": c.OrderNo, "purpose": c.Purpose}, "", ""); err != nil {
			return err
		}
		return tx.scheduleAttempt(&c, now)
	})
	return c, err
}

// AcceptSaaSOrder is the merchant accepting an order of a product provisioned after
// acceptance: the instance is provisioned now.
func (s *Store) AcceptSaaSOrder(ctx context.Context, a Actor, merchantID uint, orderNo string) (Order, error) {
	var o Order
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("order_no = ? AND merchant_id = ?", orderNo, merchantID)), &o); err != nil {
			return err
		}
		if o.Status != OrderProcessing || o.SubscriptionID == nil {
			return ErrNotAwaiting
		}
		var inst SaaSInstance
		switch err := first(tx.forUpdate(tx.w.Where("subscription_id = ? AND order_id = ?", *o.SubscriptionID, o.ID)), &inst); {
		case errors.Is(err, ErrNotFound):
			return ErrNotAwaiting
		case err != nil:
			return err
		}
		if inst.Status != InstanceAwaiting {
			return ErrNotAwaiting
		}
		if err := tx.moveInstance(a, &inst, map[string]any{"status": InstanceProvisioning}); err != nil {
			return err
		}
		var line OrderLine
		if err := first(tx.w.Where("order_id = ?", o.ID).Order("id"), &line); err != nil {
			return err
		}
		var sub Subscription
		if err := first(tx.w.Where("id = ?", *o.SubscriptionID), &sub); err != nil {
			return err
		}
		params, err := tx.newInstanceParams(o, line, sub.ExpiresAt)
		if err != nil {
			return err
		}
		_, err = tx.queueSaaSCall(ctx, inst, o, line.LineNo, PurposeNew, params)
		return err
	})
	return o, err
}

// SweepSaaSInstances moves instances whose time has come: an expired ACTIVE instance is
// frozen for the freeze period (the merchant is told: expireInstance / FREEZE), a FROZEN
// one whose freeze ended is released. It returns how many moved.
func (s *Store) SweepSaaSInstances(ctx context.Context) (int, error) {
	freeze, err := s.SettingInt(ctx, SettingFreezeDays, DefaultFreezeDays)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, status := range []string{InstanceActive, InstanceFrozen} {
		var ids []uint
		if err := s.r.WithContext(ctx).Model(&SaaSInstance{}).Where("status = ? AND due_at <= ?", status, s.clock.Now()).
			Order("due_at, id").Limit(saasLifecycleBatch).Pluck("id", &ids).Error; err != nil {
			return done, err
		}
		for _, id := range ids {
			err := s.Tx(ctx, func(tx *Store) error {
				var inst SaaSInstance
				if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &inst); err != nil {
					return err
				}
				now := tx.clock.Now()
				if inst.Status != status || inst.DueAt == nil || inst.DueAt.After(now) {
					return nil
				}
				var last Order
				if err := first(tx.w.Where("subscription_id = ? AND kind <> ? AND paid_at IS NOT NULL", inst.SubscriptionID, OrderUnsubscribe).Order("id DESC"), &last); err != nil {
					return err
				}
				lineNo := LineNo(last.OrderNo, 1)
				if status == InstanceActive {
					release := inst.DueAt.AddDate(0, 0, freeze)
					if err := tx.moveInstance(Actor{}, &inst, map[string]any{"status": InstanceFrozen, "frozen_at": now, "due_at": release}); err != nil {
						return err
					}
					done++
					if ActivityFor(PurposeFreeze, inst.Protocol, inst.BillingMode) == "" {
						return nil
					}
					_, err := tx.queueSaaSCall(ctx, inst, last, lineNo, PurposeFreeze,
						map[string]string{"orderId": last.OrderNo, "orderLineId": lineNo, "status": "FREEZE", "instanceStatus": "FREEZE"})
					return err
				}
				if err := tx.moveInstance(Actor{}, &inst, map[string]any{"status": InstanceReleased, "released_at": now, "due_at": nil}); err != nil {
					return err
				}
				if err := tx.endKitBindings(inst.SubscriptionID); err != nil {
					return err
				}
				done++
				_, err := tx.queueSaaSCall(ctx, inst, last, lineNo, PurposeRelease, map[string]string{"orderId": last.OrderNo, "orderLineId": lineNo})
				return err
			})
			if err != nil && !errors.Is(err, ErrConflict) {
				return done, err
			}
		}
	}
	return done, nil
}

// ScheduleSaaSLifecycle queues the next sweep after d (one per minute, however many
// instances ask).
func (s *Store) ScheduleSaaSLifecycle(ctx context.Context, d time.Duration) error {
	at := s.clock.Now().Add(d).Truncate(time.Minute)
	return s.Enqueue(ctx, JobSaaSLifecycle, struct{}{}, at, saasLifecycleDedupPrefix+at.UTC().Format("200601021504"))
}

// SaaSLifecyclePeriod is how often the sweep runs.
const SaaSLifecyclePeriod = saasLifecyclePeriod

// ErrNotOnDemandInstance: only an on-demand SaaS resource is suspended and resumed by its
// buyer, and only from the state that allows it.
var ErrNotOnDemandInstance = &RuleError{Key: "saas.instance.error_on_demand"}

// SetOnDemandUse is a buyer suspending (suspend) or resuming an on-demand SaaS resource:
// the instance is FROZEN or ACTIVE again and the merchant's system is told
// (instanceStatus FREEZE/NORMAL in V1, updateInstanceStatus FREEZE/UNFREEZE in V2).
func (s *Store) SetOnDemandUse(ctx context.Context, a Actor, buyerID, subID uint, suspend bool) error {
	return s.Tx(ctx, func(tx *Store) error {
		var inst SaaSInstance
		if err := first(tx.forUpdate(tx.w.Where("subscription_id = ? AND buyer_id = ?", subID, buyerID)), &inst); err != nil {
			return err
		}
		from, to, purpose := InstanceActive, InstanceFrozen, PurposeFreeze
		if !suspend {
			from, to, purpose = InstanceFrozen, InstanceActive, PurposeUnfreeze
		}
		if inst.BillingMode != BillingOnDemand || inst.Status != from {
			return ErrNotOnDemandInstance
		}
		fields := map[string]any{"status": to, "due_at": nil}
		if suspend {
			fields["frozen_at"] = tx.clock.Now()
		}
		if err := tx.moveInstance(a, &inst, fields); err != nil {
			return err
		}
		var o Order
		if err := first(tx.w.Where("id = ?", inst.OrderID), &o); err != nil {
			return err
		}
		status, v1 := "FREEZE", "FREEZE"
		if !suspend {
			status, v1 = "UNFREEZE", "NORMAL"
		}
		line := LineNo(o.OrderNo, 1)
		_, err := tx.queueSaaSCall(ctx, inst, o, line, purpose, map[string]string{"orderId": o.OrderNo, "orderLineId": line, "status": status, "instanceStatus": v1})
		return err
	})
}
