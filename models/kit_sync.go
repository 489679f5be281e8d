package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"sellercenter/internal/saasproto"
)

// Kit sync calls: what the platform tells a joint-operation app about the organisations
// it is bound to. They are production calls (生产接口消息) of the app's production
// address, made by the job pool with the address's key, retried for an hour and then
// restartable; the calls of one binding run one after the other.

// kitUser is one entry of authSync's userList.
type kitUser struct {
	UserName     string `json:"userName"`
	Name         string `json:"name"`
	Position     string `json:"position"`
	OrgCode      string `json:"orgCode"`
	Role         string `json:"role"`
	Enable       bool   `json:"enable"`
	EmployeeCode string `json:"employeeCode"`
	Mobile       string `json:"mobile"`
	Email        string `json:"email"`
}

// kitOrg is one department of allOrgSync's orgList.
type kitOrg struct {
	OrgCode    string `json:"orgCode"`
	OrgName    string `json:"orgName"`
	ParentCode string `json:"parentCode"`
}

// Sync flags.
const (
	kitFlagDelete = 0
	kitFlagAdd    = 1
	kitFlagModify = 2
)

// queueKitCall creates a kit sync call of a binding with its body (without testFlag and
// timeStamp) and schedules its first attempt, or leaves it WAITING behind the binding's
// open call.
func (s *Store) queueKitCall(ctx context.Context, b KitBinding, app KitApp, purpose string, body any) (SaaSCall, error) {
	now := s.clock.Now()
	r, err := s.saasRetry(ctx)
	if err != nil {
		return SaaSCall{}, err
	}
	window, _ := r.of(purpose)
	raw, err := json.Marshal(body)
	if err != nil {
		return SaaSCall{}, err
	}
	var addr ProductionAddress
	protocol := ProtocolV2
	switch err := first(s.w.Where("id = ? AND merchant_id = ?", app.AddressID, app.MerchantID), &addr); {
	case err == nil:
		protocol = addr.Protocol
	case !errors.Is(err, ErrNotFound):
		return SaaSCall{}, err
	}
	c := SaaSCall{MerchantID: b.MerchantID, ProductID: b.ProductID, SubscriptionID: b.SubscriptionID, InstanceRowID: b.InstanceRowID,
		OrderID: b.OrderID, OrderNo: b.OrderNo, OrderLineNo: "", AddressID: app.AddressID, Protocol: protocol, Purpose: purpose,
		Activity: ActivityFor(purpose, protocol, ""), Status: CallQueued, Params: string(raw), RetryFrom: now,
		Deadline: now.Add(window), InstanceID: b.InstanceID, KitBindingID: b.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
	var open int64
	if err := chain(s.w.Model(&SaaSCall{}), 0, b.ID).Where("status IN ?", OpenCallStatuses).Count(&open).Error; err != nil {
		return c, err
	}
	if open > 0 {
		c.Status = CallWaiting
	}
	if err := s.w.Create(&c).Error; err != nil {
		return c, err
	}
	if c.Status == CallQueued {
		return c, s.scheduleAttempt(&c, now)
	}
	return c, nil
}

// planKitAttempt reads what a kit sync call's attempt sends: its body, the app's
// production address as it is now (a reviewed address change applies to calls not yet
// made) and that address's key.
func (s *Store) planKitAttempt(ctx context.Context, pl SaaSAttemptPlan) (SaaSAttemptPlan, error) {
	db := s.r.WithContext(ctx)
	c := pl.Call
	var b KitBinding
	if err := first(db.Where("id = ? AND merchant_id = ?", c.KitBindingID, c.MerchantID), &b); err != nil {
		return pl, err
	}
	var app KitApp
	if err := first(db.Where("id = ? AND merchant_id = ?", b.KitAppID, b.MerchantID), &app); err != nil {
		return pl, err
	}
	pl.Body = []byte(c.Params)
	pl.Protocol, pl.Params = c.Protocol, map[string]string{}
	var addr ProductionAddress
	switch err := first(db.Where("id = ? AND merchant_id = ?", app.AddressID, c.MerchantID), &addr); {
	case errors.Is(err, ErrNotFound):
		pl.Blocked = "no_address"
	case err != nil:
		return pl, err
	default:
		pl.Address, pl.Protocol, pl.KeyID = addr.URL, addr.Protocol, addr.KeyID
	}
	pl.Activity = ActivityFor(c.Purpose, pl.Protocol, "")
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

// kitTenantBody is tenantSync's body.
func kitTenantBody(b KitBinding, t KitTenant, flag int) any {
	return struct {
		InstanceID string `json:"instanceId"`
		OrderID    string `json:"orderId"`
		TenantID   string `json:"tenantId"`
		TenantCode string `json:"tenantCode"`
		Name       string `json:"name"`
		DomainName string `json:"domainName"`
		Flag       int    `json:"flag"`
	}{b.InstanceID, b.OrderNo, t.TenantID, t.TenantCode, t.Name, t.DomainName, flag}
}

// kitAppBody is applicationSync's body: the app secret encrypted with the app's RSA
// public key (OAEP, the app's digest), so only the merchant's private key reads it.
func (s *Store) kitAppBody(b KitBinding, t KitTenant, app KitApp, flag int) (any, error) {
	secret, err := s.KitAppSecret(app)
	if err != nil {
		return nil, err
	}
	pub, err := saasproto.ParsePublicKey(app.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("app %d: %w", app.ID, err)
	}
	enc, err := saasproto.EncryptOAEP(pub, app.OAEPDigest, secret)
	if err != nil {
		return nil, err
	}
	return struct {
		InstanceID   string `json:"instanceId"`
		TenantID     string `json:"tenantId"`
		AppID        string `json:"appId"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		Flag         int    `json:"flag"`
	}{b.InstanceID, t.TenantID, app.ClientID, app.ClientID, enc, flag}, nil
}

// kitAuthBody is one authSync call's body (at most MaxKitAuthPerCall users).
func (s *Store) kitAuthBody(b KitBinding, t KitTenant, app KitApp, users []kitUser, flag int) any {
	return struct {
		InstanceID      string    `json:"instanceId"`
		TenantID        string    `json:"tenantId"`
		AppID           string    `json:"appId"`
		UserList        []kitUser `json:"userList"`
		CurrentSyncTime string    `json:"currentSyncTime"`
		Flag            int       `json:"flag"`
	}{b.InstanceID, t.TenantID, app.ClientID, users, saasproto.V1Timestamp(s.clock.Now()), flag}
}

// kitOrgBody is singleOrgSync's body.
func kitOrgBody(b KitBinding, t KitTenant, d KitDept, flag int) any {
	return struct {
		InstanceID string `json:"instanceId"`
		TenantID   string `json:"tenantId"`
		OrgCode    string `json:"orgCode"`
		OrgName    string `json:"orgName"`
		ParentCode string `json:"parentCode"`
		Flag       int    `json:"flag"`
	}{b.InstanceID, t.TenantID, d.OrgCode, d.Name, d.ParentCode, flag}
}

// kitAllOrgBody is allOrgSync's body: every department of the organisation.
func kitAllOrgBody(b KitBinding, t KitTenant, depts []KitDept) any {
	orgs := make([]kitOrg, len(depts))
	for i, d := range depts {
		orgs[i] = kitOrg{d.OrgCode, d.Name, d.ParentCode}
	}
	return struct {
		InstanceID string   `json:"instanceId"`
		TenantID   string   `json:"tenantId"`
		OrgList    []kitOrg `json:"orgList"`
	}{b.InstanceID, t.TenantID, orgs}
}

// queueAuthSync sends users of a binding in calls of at most MaxKitAuthPerCall.
func (s *Store) queueAuthSync(ctx context.Context, b KitBinding, t KitTenant, app KitApp, users []kitUser, flag int) error {
	for start := 0; start < len(users); start += MaxKitAuthPerCall {
		end := min(start+MaxKitAuthPerCall, len(users))
		if _, err := s.queueKitCall(ctx, b, app, PurposeAuthSync, s.kitAuthBody(b, t, app, users[start:end], flag)); err != nil {
			return err
		}
	}
	return nil
}

// kitUserEntry is a grant's user as authSync lists it.
func kitUserEntry(u KitUser, g KitGrant) kitUser {
	return kitUser{UserName: u.UserName, Name: u.Name, Position: u.Position, OrgCode: u.OrgCode, Role: g.Role,
		Enable: u.Enabled && g.Enabled, EmployeeCode: u.EmployeeCode, Mobile: u.Mobile, Email: u.Email}
}
