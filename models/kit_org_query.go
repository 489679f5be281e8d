package models

import (
	"context"
	"errors"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// Errors of the organisation.
var (
	ErrKitOrgMissing   = &FieldError{Field: "tenant_code", Key: "kitorg.error.org_missing"}
	ErrKitCodeTaken    = &FieldError{Field: "tenant_code", Key: "kitorg.error.tenant_code_taken"}
	ErrKitDeptTaken    = &FieldError{Field: "org_code", Key: "kitorg.error.org_code_taken"}
	ErrKitDeptParent   = &FieldError{Field: "parent_code", Key: "kitorg.error.parent"}
	ErrKitDeptInUse    = &FieldError{Field: "org_code", Key: "kitorg.error.dept_in_use"}
	ErrKitDeptTooMany  = &FieldError{Field: "org_code", Key: "kitorg.error.too_many_depts", Args: []any{"N", MaxKitDepts}}
	ErrKitUserTaken    = &FieldError{Field: "user_name", Key: "kitorg.error.user_name_taken"}
	ErrKitUserTooMany  = &FieldError{Field: "user_name", Key: "kitorg.error.too_many_users", Args: []any{"N", MaxKitUsers}}
	ErrKitUserDept     = &FieldError{Field: "org_code", Key: "kitorg.error.user_dept"}
	ErrKitRole         = &FieldError{Field: "role", Key: "kitorg.error.role"}
	ErrKitNoUsers      = &FieldError{Field: "user_ids", Key: "kitorg.error.no_users"}
	ErrKitNotBindable  = &FieldError{Field: "subscription_id", Key: "kitorg.error.not_bindable"}
	ErrKitAlreadyBound = &FieldError{Field: "subscription_id", Key: "kitorg.error.already_bound"}
	ErrKitUnbound      = &FieldError{Field: "binding_id", Key: "kitorg.error.unbound"}
)

// KitOrgOf reads the buyer's organisation; ErrNotFound when none was set up.
func (s *Store) KitOrgOf(ctx context.Context, buyerID uint) (KitTenant, error) {
	var t KitTenant
	if buyerID == 0 {
		return t, ErrNotFound
	}
	return t, first(s.r.WithContext(ctx).Where("buyer_id = ?", buyerID), &t)
}

// boundOf lists the bound bindings of an organisation with their apps.
func (s *Store) boundOf(tenantRowID uint) ([]KitBinding, map[uint]KitApp, error) {
	var bs []KitBinding
	if err := s.w.Where("tenant_row_id = ? AND status = ?", tenantRowID, BindingBound).Order("id").Find(&bs).Error; err != nil {
		return nil, nil, err
	}
	apps := map[uint]KitApp{}
	if len(bs) == 0 {
		return bs, apps, nil
	}
	ids := make([]uint, 0, len(bs))
	for _, b := range bs {
		ids = append(ids, b.KitAppID)
	}
	var list []KitApp
	if err := s.w.Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, nil, err
	}
	for _, a := range list {
		apps[a.ID] = a
	}
	return bs, apps, nil
}

// SaveKitOrg sets up the buyer's organisation, or saves its name and domain (version
// checked); a change is synced to every app bound to it (tenantSync, flag 2).
func (s *Store) SaveKitOrg(ctx context.Context, act Actor, buyerID uint, version int, in KitOrgInput) (KitTenant, error) {
	var t KitTenant
	err := s.Tx(ctx, func(tx *Store) error {
		err := first(tx.forUpdate(tx.w.Where("buyer_id = ?", buyerID)), &t)
		creating := errors.Is(err, ErrNotFound)
		if err != nil && !creating {
			return err
		}
		in, errs := checkKitOrg(in, creating)
		if len(errs) > 0 {
			return errs[0]
		}
		now := tx.clock.Now()
		if creating {
			var n int64
			if err := tx.w.Model(&KitTenant{}).Where("tenant_code = ?", in.TenantCode).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return ErrKitCodeTaken
			}
			id, err := newTenantID()
			if err != nil {
				return err
			}
			t = KitTenant{BuyerID: buyerID, TenantID: id, TenantCode: in.TenantCode, Name: in.Name, DomainName: in.DomainName,
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.w.Create(&t).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return ErrKitCodeTaken
				}
				return err
			}
			return tx.audit(act, "kit_org.create", "kit_tenant", t.ID, nil, nil,
				map[string]any{"tenant_code": t.TenantCode, "name": t.Name, "domain_name": t.DomainName}, "", "")
		}
		if t.Version != version {
			return ErrConflict
		}
		before := map[string]any{"name": t.Name, "domain_name": t.DomainName}
		if t.Name == in.Name && t.DomainName == in.DomainName {
			return nil
		}
		if err := tx.saveVersioned(&KitTenant{}, t.ID, t.Version, map[string]any{"name": in.Name, "domain_name": in.DomainName}); err != nil {
			return err
		}
		t.Name, t.DomainName, t.Version = in.Name, in.DomainName, t.Version+1
		if err := tx.audit(act, "kit_org.update", "kit_tenant", t.ID, nil, before, map[string]any{"name": t.Name, "domain_name": t.DomainName}, "", ""); err != nil {
			return err
		}
		bs, apps, err := tx.boundOf(t.ID)
		if err != nil {
			return err
		}
		for _, b := range bs {
			if _, err := tx.queueKitCall(ctx, b, apps[b.KitAppID], PurposeTenantSync, kitTenantBody(b, t, kitFlagModify)); err != nil {
				return err
			}
		}
		return nil
	})
	return t, err
}

// KitDeptsOf lists an organisation's departments by code.
func (s *Store) KitDeptsOf(ctx context.Context, tenantRowID uint) ([]KitDept, error) {
	var out []KitDept
	return out, s.r.WithContext(ctx).Where("tenant_row_id = ?", tenantRowID).Order("org_code").Limit(MaxKitDepts).Find(&out).Error
}

// orgFor reads the buyer's organisation for a change (locked).
func (s *Store) orgFor(buyerID uint) (KitTenant, error) {
	var t KitTenant
	err := first(s.forUpdate(s.w.Where("buyer_id = ? AND buyer_id > 0", buyerID)), &t)
	if errors.Is(err, ErrNotFound) {
		return t, ErrKitOrgMissing
	}
	return t, err
}

// orgOfObject reads the buyer's organisation (locked) for a change to one of its
// objects: without an organisation, the object is not the buyer's (ErrNotFound).
func (s *Store) orgOfObject(buyerID uint) (KitTenant, error) {
	t, err := s.orgFor(buyerID)
	if errors.Is(err, ErrKitOrgMissing) {
		return t, ErrNotFound
	}
	return t, err
}

// deptExists tells whether an organisation has a department code.
func (s *Store) deptExists(tenantRowID uint, code string) (bool, error) {
	var n int64
	err := s.w.Model(&KitDept{}).Where("tenant_row_id = ? AND org_code = ?", tenantRowID, code).Count(&n).Error
	return n > 0, err
}

// SaveKitDept adds a department (id 0) or renames and moves one; every bound app hears
// of it (singleOrgSync, flag 1 or 2).
func (s *Store) SaveKitDept(ctx context.Context, act Actor, buyerID, id uint, in KitDeptInput) (KitDept, error) {
	var d KitDept
	err := s.Tx(ctx, func(tx *Store) error {
		get := tx.orgFor
		if id != 0 {
			get = tx.orgOfObject
		}
		t, err := get(buyerID)
		if err != nil {
			return err
		}
		in, errs := checkKitDept(in, id == 0)
		if len(errs) > 0 {
			return errs[0]
		}
		now := tx.clock.Now()
		flag := kitFlagAdd
		var before any
		if id == 0 {
			var n int64
			if err := tx.w.Model(&KitDept{}).Where("tenant_row_id = ?", t.ID).Count(&n).Error; err != nil {
				return err
			}
			if n >= MaxKitDepts {
				return ErrKitDeptTooMany
			}
			if ok, err := tx.deptExists(t.ID, in.OrgCode); err != nil || ok {
				if ok {
					return ErrKitDeptTaken
				}
				return err
			}
			d = KitDept{TenantRowID: t.ID, OrgCode: in.OrgCode, CreatedAt: now}
		} else {
			if err := first(tx.forUpdate(tx.w.Where("id = ? AND tenant_row_id = ?", id, t.ID)), &d); err != nil {
				return err
			}
			before = map[string]any{"name": d.Name, "parent_code": d.ParentCode}
			flag = kitFlagModify
		}
		if in.ParentCode != "" {
			if in.ParentCode == d.OrgCode {
				return ErrKitDeptParent
			}
			ok, err := tx.deptExists(t.ID, in.ParentCode)
			if err != nil {
				return err
			}
			if !ok {
				return ErrKitDeptParent
			}
			if id != 0 {
				// A department cannot move under one of its own descendants.
				depts, err := tx.KitDeptsOf(ctx, t.ID)
				if err != nil {
					return err
				}
				if descendsFrom(depts, in.ParentCode, d.OrgCode) {
					return ErrKitDeptParent
				}
			}
		}
		d.Name, d.ParentCode, d.UpdatedAt = in.Name, in.ParentCode, now
		if err := tx.w.Save(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrKitDeptTaken
			}
			return err
		}
		action := "kit_dept.add"
		if id != 0 {
			action = "kit_dept.update"
		}
		if err := tx.audit(act, action, "kit_dept", d.ID, nil, before, map[string]any{"org_code": d.OrgCode, "name": d.Name, "parent_code": d.ParentCode}, "", ""); err != nil {
			return err
		}
		return tx.syncDept(ctx, t, d, flag)
	})
	return d, err
}

// descendsFrom tells whether code lies under ancestor in the department tree.
func descendsFrom(depts []KitDept, code, ancestor string) bool {
	parent := map[string]string{}
	for _, d := range depts {
		parent[d.OrgCode] = d.ParentCode
	}
	for i := 0; code != "" && i <= len(depts); i++ {
		if code == ancestor {
			return true
		}
		code = parent[code]
	}
	return false
}

func (s *Store) syncDept(ctx context.Context, t KitTenant, d KitDept, flag int) error {
	bs, apps, err := s.boundOf(t.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if _, err := s.queueKitCall(ctx, b, apps[b.KitAppID], PurposeOrgSync, kitOrgBody(b, t, d, flag)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteKitDept removes a department that has no users and no departments under it;
// every bound app hears of it (singleOrgSync, flag 0).
func (s *Store) DeleteKitDept(ctx context.Context, act Actor, buyerID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		t, err := tx.orgOfObject(buyerID)
		if err != nil {
			return err
		}
		var d KitDept
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND tenant_row_id = ?", id, t.ID)), &d); err != nil {
			return err
		}
		var n int64
		if err := tx.w.Model(&KitDept{}).Where("tenant_row_id = ? AND parent_code = ?", t.ID, d.OrgCode).Count(&n).Error; err != nil {
			return err
		}
		var u int64
		if err := tx.w.Model(&KitUser{}).Where("tenant_row_id = ? AND org_code = ?", t.ID, d.OrgCode).Count(&u).Error; err != nil {
			return err
		}
		if n+u > 0 {
			return ErrKitDeptInUse
		}
		if err := tx.w.Delete(&KitDept{}, d.ID).Error; err != nil {
			return err
		}
		if err := tx.audit(act, "kit_dept.delete", "kit_dept", d.ID, nil, map[string]any{"org_code": d.OrgCode, "name": d.Name}, nil, "", ""); err != nil {
			return err
		}
		return tx.syncDept(ctx, t, d, kitFlagDelete)
	})
}

// KitUsersOf lists an organisation's users by user name (at most MaxKitUsers).
func (s *Store) KitUsersOf(ctx context.Context, tenantRowID uint) ([]KitUser, error) {
	var out []KitUser
	return out, s.r.WithContext(ctx).Where("tenant_row_id = ?", tenantRowID).Order("user_name").Limit(MaxKitUsers).Find(&out).Error
}

// KitUserOf reads one user of the buyer's organisation.
func (s *Store) KitUserOf(ctx context.Context, buyerID, id uint) (KitUser, error) {
	var u KitUser
	t, err := s.KitOrgOf(ctx, buyerID)
	if err != nil {
		return u, err
	}
	return u, first(s.r.WithContext(ctx).Where("id = ? AND tenant_row_id = ?", id, t.ID), &u)
}

// SaveKitUser adds a user (id 0) or saves one (version checked; an empty password keeps
// the current one). The apps the user is authorised on hear of a change (authSync, flag
// 2); a disabled user's login tokens stop working at once.
func (s *Store) SaveKitUser(ctx context.Context, act Actor, buyerID, id uint, version int, in KitUserInput) (KitUser, error) {
	in, errs := checkKitUser(in, id == 0)
	if len(errs) > 0 {
		return KitUser{}, errs[0]
	}
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return KitUser{}, err
		}
	}
	var u KitUser
	err := s.Tx(ctx, func(tx *Store) error {
		get := tx.orgFor
		if id != 0 {
			get = tx.orgOfObject
		}
		t, err := get(buyerID)
		if err != nil {
			return err
		}
		if in.OrgCode != "" {
			ok, err := tx.deptExists(t.ID, in.OrgCode)
			if err != nil {
				return err
			}
			if !ok {
				return ErrKitUserDept
			}
		}
		now := tx.clock.Now()
		fields := map[string]any{"name": in.Name, "position": in.Position, "org_code": in.OrgCode, "employee_code": in.EmployeeCode,
			"mobile": in.Mobile, "email": in.Email, "enabled": in.Enabled}
		if id == 0 {
			var n int64
			if err := tx.w.Model(&KitUser{}).Where("tenant_row_id = ?", t.ID).Count(&n).Error; err != nil {
				return err
			}
			if n >= MaxKitUsers {
				return ErrKitUserTooMany
			}
			if err := tx.w.Model(&KitUser{}).Where("tenant_row_id = ? AND user_name = ?", t.ID, in.UserName).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return ErrKitUserTaken
			}
			u = KitUser{TenantRowID: t.ID, UserName: in.UserName, Name: in.Name, Position: in.Position, OrgCode: in.OrgCode,
				EmployeeCode: in.EmployeeCode, Mobile: in.Mobile, Email: in.Email, PasswordHash: hash, Enabled: in.Enabled,
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.w.Create(&u).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return ErrKitUserTaken
				}
				return err
			}
			return tx.audit(act, "kit_user.add", "kit_user", u.ID, nil, nil, kitUserAudit(u), "", "")
		}
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND tenant_row_id = ?", id, t.ID)), &u); err != nil {
			return err
		}
		if u.Version != version {
			return ErrConflict
		}
		before := kitUserAudit(u)
		if hash != "" {
			fields["password_hash"] = hash
		}
		if err := tx.saveVersioned(&KitUser{}, u.ID, u.Version, fields); err != nil {
			return err
		}
		u.Name, u.Position, u.OrgCode, u.EmployeeCode, u.Mobile, u.Email, u.Enabled = in.Name, in.Position, in.OrgCode, in.EmployeeCode, in.Mobile, in.Email, in.Enabled
		u.Version++
		if err := tx.audit(act, "kit_user.update", "kit_user", u.ID, nil, before, kitUserAudit(u), "", ""); err != nil {
			return err
		}
		if !u.Enabled || hash != "" {
			if err := tx.revokeKitTokens("user_id = ?", u.ID); err != nil {
				return err
			}
		}
		return tx.syncUserGrants(ctx, t, u, nil, kitFlagModify)
	})
	return u, err
}

func kitUserAudit(u KitUser) map[string]any {
	return map[string]any{"user_name": u.UserName, "name": u.Name, "org_code": u.OrgCode, "enabled": u.Enabled}
}

// syncUserGrants tells every app the user is authorised on (only those grants, when
// only is set) about the user with flag.
func (s *Store) syncUserGrants(ctx context.Context, t KitTenant, u KitUser, only []KitGrant, flag int) error {
	grants := only
	if grants == nil {
		if err := s.w.Where("user_id = ?", u.ID).Order("id").Find(&grants).Error; err != nil {
			return err
		}
	}
	for _, g := range grants {
		var b KitBinding
		if err := first(s.w.Where("id = ? AND status = ?", g.BindingID, BindingBound), &b); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return err
		}
		var app KitApp
		if err := first(s.w.Where("id = ?", b.KitAppID), &app); err != nil {
			return err
		}
		if err := s.queueAuthSync(ctx, b, t, app, []kitUser{kitUserEntry(u, g)}, flag); err != nil {
			return err
		}
	}
	return nil
}

// revokeKitTokens deletes the login tokens of the grants a condition on kit_grants
// selects ("user_id = ?", "binding_id = ?", "id = ?").
func (s *Store) revokeKitTokens(cond string, arg any) error {
	sub := s.w.Model(&KitGrant{}).Select("id").Where(cond, arg)
	return s.w.Where("grant_id IN (?)", sub).Delete(&KitToken{}).Error
}

// DeleteKitUser removes a user: the apps it was authorised on hear of it (authSync,
// flag 0) and its logins end.
func (s *Store) DeleteKitUser(ctx context.Context, act Actor, buyerID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		t, err := tx.orgOfObject(buyerID)
		if err != nil {
			return err
		}
		var u KitUser
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND tenant_row_id = ?", id, t.ID)), &u); err != nil {
			return err
		}
		if err := tx.syncUserGrants(ctx, t, u, nil, kitFlagDelete); err != nil {
			return err
		}
		if err := tx.revokeKitTokens("user_id = ?", u.ID); err != nil {
			return err
		}
		if err := tx.w.Where("user_id = ?", u.ID).Delete(&KitGrant{}).Error; err != nil {
			return err
		}
		if err := tx.w.Delete(&KitUser{}, u.ID).Error; err != nil {
			return err
		}
		return tx.audit(act, "kit_user.delete", "kit_user", u.ID, nil, kitUserAudit(u), nil, "", "")
	})
}

// BindableKitSub is a buyer's 联营 subscription with its app and binding, if any.
type BindableKitSub struct {
	Subscription Subscription
	Product      Product
	App          KitApp
	Instance     SaaSInstance
	Binding      *KitBinding
	Grants       int
}

// Bindable tells whether the buyer may bind the app now: the instance is provisioned
// and no binding is in place.
func (b BindableKitSub) Bindable() bool {
	return (b.Binding == nil || b.Binding.Status != BindingBound) && b.Instance.Status == InstanceActive && b.Instance.InstanceID != ""
}

// KitSubsOf lists the buyer's subscriptions of joint-operation products (newest first,
// at most 200) with their apps, instances and bindings, in a fixed number of queries.
func (s *Store) KitSubsOf(ctx context.Context, buyerID uint) ([]BindableKitSub, error) {
	db := s.r.WithContext(ctx)
	var insts []SaaSInstance
	if err := db.Where("buyer_id = ? AND status IN ?", buyerID, []string{InstanceProvisioning, InstanceAwaiting, InstanceActive, InstanceFrozen}).
		Order("id DESC").Limit(200).Find(&insts).Error; err != nil {
		return nil, err
	}
	if len(insts) == 0 {
		return nil, nil
	}
	var productIDs, subIDs []uint
	for _, inst := range insts {
		productIDs = append(productIDs, inst.ProductID)
		subIDs = append(subIDs, inst.SubscriptionID)
	}
	var products []Product
	if err := db.Where("id IN ?", dedupe(productIDs)).Find(&products).Error; err != nil {
		return nil, err
	}
	productOf := map[uint]Product{}
	var appIDs []uint
	for _, p := range products {
		productOf[p.ID] = p
		if c, err := p.LiveContent(); err == nil && c.BusinessModel == BusinessJoint && c.SaaS != nil && c.SaaS.KitAppID != nil {
			appIDs = append(appIDs, *c.SaaS.KitAppID)
		}
	}
	if len(appIDs) == 0 {
		return nil, nil
	}
	var apps []KitApp
	if err := db.Where("id IN ?", dedupe(appIDs)).Find(&apps).Error; err != nil {
		return nil, err
	}
	appOf := map[uint]KitApp{}
	for _, a := range apps {
		appOf[a.ID] = a
	}
	var subs []Subscription
	if err := db.Where("id IN ? AND buyer_id = ?", subIDs, buyerID).Find(&subs).Error; err != nil {
		return nil, err
	}
	subOf := map[uint]Subscription{}
	for _, sub := range subs {
		subOf[sub.ID] = sub
	}
	var bindings []KitBinding
	if err := db.Where("buyer_id = ? AND subscription_id IN ?", buyerID, subIDs).Find(&bindings).Error; err != nil {
		return nil, err
	}
	bindingOf := map[uint]*KitBinding{}
	var bindingIDs []uint
	for i := range bindings {
		bindingOf[bindings[i].SubscriptionID] = &bindings[i]
		bindingIDs = append(bindingIDs, bindings[i].ID)
	}
	grants := map[uint]int{}
	if len(bindingIDs) > 0 {
		var rows []struct {
			BindingID uint
			N         int
		}
		if err := db.Model(&KitGrant{}).Select("binding_id, COUNT(*) AS n").Where("binding_id IN ?", bindingIDs).Group("binding_id").Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			grants[r.BindingID] = r.N
		}
	}
	var out []BindableKitSub
	for _, inst := range insts {
		p := productOf[inst.ProductID]
		c, err := p.LiveContent()
		if err != nil || c.BusinessModel != BusinessJoint || c.SaaS == nil || c.SaaS.KitAppID == nil {
			continue
		}
		app, ok := appOf[*c.SaaS.KitAppID]
		sub, subOK := subOf[inst.SubscriptionID]
		if !ok || !subOK || app.MerchantID != p.MerchantID {
			continue
		}
		row := BindableKitSub{Subscription: sub, Product: p, App: app, Instance: inst, Binding: bindingOf[sub.ID]}
		if row.Binding != nil {
			row.Grants = grants[row.Binding.ID]
		}
		out = append(out, row)
	}
	return out, nil
}

// kitAppOfProduct reads the app credential a joint-operation product's live content
// links; ok false for any other product.
func (s *Store) kitAppOfProduct(db *gorm.DB, p Product) (KitApp, bool, error) {
	var app KitApp
	c, err := p.LiveContent()
	if err != nil || c.BusinessModel != BusinessJoint || c.SaaS == nil || c.SaaS.KitAppID == nil {
		return app, false, nil
	}
	switch err := first(db.Where("id = ? AND merchant_id = ?", *c.SaaS.KitAppID, p.MerchantID), &app); {
	case errors.Is(err, ErrNotFound):
		return app, false, nil
	case err != nil:
		return app, false, err
	}
	return app, true, nil
}

// BindKitApp binds the app of the buyer's 联营 subscription to the buyer's organisation:
// the app hears of the tenant (tenantSync, flag 1), of itself with its secret
// (applicationSync, flag 1) and of the departments (allOrgSync).
func (s *Store) BindKitApp(ctx context.Context, act Actor, buyerID, subID uint) (KitBinding, error) {
	var b KitBinding
	err := s.Tx(ctx, func(tx *Store) error {
		t, err := tx.orgFor(buyerID)
		if err != nil {
			return err
		}
		var sub Subscription
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND buyer_id = ?", subID, buyerID)), &sub); err != nil {
			return err
		}
		var inst SaaSInstance
		if err := first(tx.w.Where("subscription_id = ?", sub.ID), &inst); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrKitNotBindable
			}
			return err
		}
		if inst.Status != InstanceActive || inst.InstanceID == "" {
			return ErrKitNotBindable
		}
		var p Product
		if err := first(tx.w.Where("id = ?", sub.ProductID), &p); err != nil {
			return err
		}
		app, ok, err := tx.kitAppOfProduct(tx.w, p)
		if err != nil {
			return err
		}
		if !ok {
			return ErrKitNotBindable
		}
		var o Order
		if err := first(tx.w.Where("id = ?", sub.OrderID), &o); err != nil {
			return err
		}
		now := tx.clock.Now()
		switch err := first(tx.forUpdate(tx.w.Where("subscription_id = ?", sub.ID)), &b); {
		case err == nil:
			if b.Status == BindingBound {
				return ErrKitAlreadyBound
			}
			if err := tx.saveVersioned(&KitBinding{}, b.ID, b.Version, map[string]any{"status": BindingBound, "bound_at": now,
				"unbound_at": nil, "tenant_row_id": t.ID, "instance_id": inst.InstanceID}); err != nil {
				return err
			}
			b.Status, b.BoundAt, b.UnboundAt, b.TenantRowID, b.InstanceID, b.Version = BindingBound, now, nil, t.ID, inst.InstanceID, b.Version+1
		case errors.Is(err, ErrNotFound):
			b = KitBinding{TenantRowID: t.ID, KitAppID: app.ID, MerchantID: p.MerchantID, BuyerID: buyerID, SubscriptionID: sub.ID,
				InstanceRowID: inst.ID, OrderID: o.ID, OrderNo: o.OrderNo, ProductID: p.ID, InstanceID: inst.InstanceID,
				Status: BindingBound, BoundAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.w.Create(&b).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return ErrKitAlreadyBound
				}
				return err
			}
		default:
			return err
		}
		mid := p.MerchantID
		if err := tx.audit(act, "kit_binding.bind", "kit_binding", b.ID, &mid, nil,
			map[string]any{"tenant_code": t.TenantCode, "order_no": b.OrderNo, "app_id": app.ClientID}, "", ""); err != nil {
			return err
		}
		return tx.queueBindingSyncs(ctx, b, t, app)
	})
	return b, err
}

// queueBindingSyncs tells an app just bound about its tenant, itself and the
// departments, in that order.
func (s *Store) queueBindingSyncs(ctx context.Context, b KitBinding, t KitTenant, app KitApp) error {
	if _, err := s.queueKitCall(ctx, b, app, PurposeTenantSync, kitTenantBody(b, t, kitFlagAdd)); err != nil {
		return err
	}
	body, err := s.kitAppBody(b, t, app, kitFlagAdd)
	if err != nil {
		return err
	}
	if _, err := s.queueKitCall(ctx, b, app, PurposeAppSync, body); err != nil {
		return err
	}
	var depts []KitDept
	if err := s.w.Where("tenant_row_id = ?", t.ID).Order("org_code").Find(&depts).Error; err != nil {
		return err
	}
	if len(depts) == 0 {
		return nil
	}
	_, err = s.queueKitCall(ctx, b, app, PurposeAllOrgSync, kitAllOrgBody(b, t, depts))
	return err
}

// bindingOf reads one of the buyer's bindings (locked) with its organisation and app.
func (s *Store) bindingOf(buyerID, bindingID uint) (KitBinding, KitTenant, KitApp, error) {
	var b KitBinding
	var app KitApp
	t, err := s.orgOfObject(buyerID)
	if err != nil {
		return b, t, app, err
	}
	if err := first(s.forUpdate(s.w.Where("id = ? AND buyer_id = ? AND tenant_row_id = ?", bindingID, buyerID, t.ID)), &b); err != nil {
		return b, t, app, err
	}
	if err := first(s.w.Where("id = ?", b.KitAppID), &app); err != nil {
		return b, t, app, err
	}
	return b, t, app, nil
}

// UnbindKitApp takes the app away from the organisation: the app hears of it
// (tenantSync, flag 0), its users' logins end and their authorisations are removed.
func (s *Store) UnbindKitApp(ctx context.Context, act Actor, buyerID, bindingID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		b, t, app, err := tx.bindingOf(buyerID, bindingID)
		if err != nil {
			return err
		}
		if b.Status != BindingBound {
			return ErrKitUnbound
		}
		now := tx.clock.Now()
		if err := tx.saveVersioned(&KitBinding{}, b.ID, b.Version, map[string]any{"status": BindingUnbound, "unbound_at": now}); err != nil {
			return err
		}
		if err := tx.revokeKitTokens("binding_id = ?", b.ID); err != nil {
			return err
		}
		if err := tx.w.Where("binding_id = ?", b.ID).Delete(&KitGrant{}).Error; err != nil {
			return err
		}
		mid := b.MerchantID
		if err := tx.audit(act, "kit_binding.unbind", "kit_binding", b.ID, &mid, map[string]any{"status": BindingBound},
			map[string]any{"status": BindingUnbound}, "", ""); err != nil {
			return err
		}
		_, err = tx.queueKitCall(ctx, b, app, PurposeTenantSync, kitTenantBody(b, t, kitFlagDelete))
		return err
	})
}

// KitGrantRow is an authorised user of a binding.
type KitGrantRow struct {
	Grant KitGrant
	User  KitUser
}

// KitBindingOf reads one of the buyer's bindings with its authorised users.
func (s *Store) KitBindingOf(ctx context.Context, buyerID, bindingID uint) (KitBinding, []KitGrantRow, error) {
	db := s.r.WithContext(ctx)
	var b KitBinding
	if err := first(db.Where("id = ? AND buyer_id = ?", bindingID, buyerID), &b); err != nil {
		return b, nil, err
	}
	var grants []KitGrant
	if err := db.Where("binding_id = ?", b.ID).Order("id").Find(&grants).Error; err != nil {
		return b, nil, err
	}
	ids := make([]uint, len(grants))
	for i, g := range grants {
		ids[i] = g.UserID
	}
	var users []KitUser
	if len(ids) > 0 {
		if err := db.Where("id IN ? AND tenant_row_id = ?", ids, b.TenantRowID).Find(&users).Error; err != nil {
			return b, nil, err
		}
	}
	byID := make(map[uint]KitUser, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	out := make([]KitGrantRow, 0, len(grants))
	for _, g := range grants {
		if u, ok := byID[g.UserID]; ok {
			out = append(out, KitGrantRow{g, u})
		}
	}
	slices.SortFunc(out, func(a, b KitGrantRow) int { return strings.Compare(a.User.UserName, b.User.UserName) })
	return b, out, nil
}

// AuthorizeKitUsers authorises users of the organisation on a bound app with a role;
// users already authorised get the role (flag 2), the others are added (flag 1). The
// app hears of them in calls of at most MaxKitAuthPerCall users.
func (s *Store) AuthorizeKitUsers(ctx context.Context, act Actor, buyerID, bindingID uint, userIDs []uint, role string) (int, error) {
	if !ValidKitRole(role) {
		return 0, ErrKitRole
	}
	if len(userIDs) == 0 {
		return 0, ErrKitNoUsers
	}
	if len(userIDs) > MaxKitUsers {
		userIDs = userIDs[:MaxKitUsers]
	}
	n := 0
	err := s.Tx(ctx, func(tx *Store) error {
		b, t, app, err := tx.bindingOf(buyerID, bindingID)
		if err != nil {
			return err
		}
		if b.Status != BindingBound {
			return ErrKitUnbound
		}
		var users []KitUser
		if err := tx.w.Where("id IN ? AND tenant_row_id = ?", userIDs, t.ID).Order("user_name").Find(&users).Error; err != nil {
			return err
		}
		if len(users) != len(dedupe(userIDs)) {
			return ErrNotFound // a user of another organisation, or none
		}
		var existing []KitGrant
		if err := tx.w.Where("binding_id = ?", b.ID).Find(&existing).Error; err != nil {
			return err
		}
		had := map[uint]KitGrant{}
		for _, g := range existing {
			had[g.UserID] = g
		}
		now := tx.clock.Now()
		var added, changed []kitUser
		for _, u := range users {
			g, ok := had[u.ID]
			if ok {
				if g.Role == role {
					continue
				}
				if err := tx.w.Model(&KitGrant{}).Where("id = ?", g.ID).Updates(map[string]any{"role": role, "updated_at": now}).Error; err != nil {
					return err
				}
				g.Role = role
				changed = append(changed, kitUserEntry(u, g))
				continue
			}
			g = KitGrant{BindingID: b.ID, UserID: u.ID, Role: role, Enabled: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.w.Create(&g).Error; err != nil {
				return err
			}
			added = append(added, kitUserEntry(u, g))
		}
		n = len(added) + len(changed)
		if n == 0 {
			return nil
		}
		mid := b.MerchantID
		if err := tx.audit(act, "kit_grant.add", "kit_binding", b.ID, &mid, nil,
			map[string]any{"role": role, "count": n, "order_no": b.OrderNo}, "", ""); err != nil {
			return err
		}
		if err := tx.queueAuthSync(ctx, b, t, app, added, kitFlagAdd); err != nil {
			return err
		}
		return tx.queueAuthSync(ctx, b, t, app, changed, kitFlagModify)
	})
	return n, err
}

func dedupe(ids []uint) []uint {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// SetKitGrant changes an authorised user's role or switches their access on or off
// (authSync, flag 2; switched off, their logins to the app end); remove takes the
// authorisation away (flag 0).
func (s *Store) SetKitGrant(ctx context.Context, act Actor, buyerID, bindingID, grantID uint, role string, enabled, remove bool) error {
	if !remove && !ValidKitRole(role) {
		return ErrKitRole
	}
	return s.Tx(ctx, func(tx *Store) error {
		b, t, app, err := tx.bindingOf(buyerID, bindingID)
		if err != nil {
			return err
		}
		if b.Status != BindingBound {
			return ErrKitUnbound
		}
		var g KitGrant
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND binding_id = ?", grantID, b.ID)), &g); err != nil {
			return err
		}
		var u KitUser
		if err := first(tx.w.Where("id = ? AND tenant_row_id = ?", g.UserID, t.ID), &u); err != nil {
			return err
		}
		before := map[string]any{"user_name": u.UserName, "role": g.Role, "enabled": g.Enabled}
		mid := b.MerchantID
		flag := kitFlagModify
		if remove {
			flag = kitFlagDelete
			if err := tx.revokeKitTokens("id = ?", g.ID); err != nil {
				return err
			}
			if err := tx.w.Delete(&KitGrant{}, g.ID).Error; err != nil {
				return err
			}
			if err := tx.audit(act, "kit_grant.revoke", "kit_binding", b.ID, &mid, before, nil, "", ""); err != nil {
				return err
			}
		} else {
			if g.Role == role && g.Enabled == enabled {
				return nil
			}
			if err := tx.w.Model(&KitGrant{}).Where("id = ?", g.ID).Updates(map[string]any{"role": role, "enabled": enabled,
				"updated_at": tx.clock.Now()}).Error; err != nil {
				return err
			}
			g.Role, g.Enabled = role, enabled
			if !enabled {
				if err := tx.revokeKitTokens("id = ?", g.ID); err != nil {
					return err
				}
			}
			if err := tx.audit(act, "kit_grant.update", "kit_binding", b.ID, &mid, before,
				map[string]any{"user_name": u.UserName, "role": g.Role, "enabled": g.Enabled}, "", ""); err != nil {
				return err
			}
		}
		return tx.queueAuthSync(ctx, b, t, app, []kitUser{kitUserEntry(u, g)}, flag)
	})
}

// endKitBindings marks the bindings of a subscription that ended as unbound: the
// release call tells the merchant, the logins end.
func (s *Store) endKitBindings(subID uint) error {
	var bs []KitBinding
	if err := s.w.Where("subscription_id = ? AND status = ?", subID, BindingBound).Find(&bs).Error; err != nil {
		return err
	}
	now := s.clock.Now()
	for _, b := range bs {
		if err := s.saveVersioned(&KitBinding{}, b.ID, b.Version, map[string]any{"status": BindingUnbound, "unbound_at": now}); err != nil {
			return err
		}
		if err := s.revokeKitTokens("binding_id = ?", b.ID); err != nil {
			return err
		}
	}
	return nil
}

// TestTenantAdmin is the user name of a test tenant's administrator.
const TestTenantAdmin = "admin"

// KitTestTenant is a merchant's test tenant with its administrator's password.
type KitTestTenant struct {
	Tenant   KitTenant
	Binding  KitBinding
	Password string
}

// TestTenantOf reads the test tenant of one of the merchant's apps; ErrNotFound when
// none was requested.
func (s *Store) TestTenantOf(ctx context.Context, merchantID, appID uint) (KitTestTenant, error) {
	var out KitTestTenant
	db := s.r.WithContext(ctx)
	if err := first(db.Where("kit_app_id = ? AND merchant_id = ? AND test = ?", appID, merchantID, true), &out.Tenant); err != nil {
		return out, err
	}
	if err := first(db.Where("tenant_row_id = ? AND kit_app_id = ?", out.Tenant.ID, appID), &out.Binding); err != nil {
		return out, err
	}
	pw, err := s.box.Open(out.Tenant.TestPasswordEnc)
	out.Password = pw
	return out, err
}

// RequestTestTenant gives one of the merchant's apps a test tenant (a tenant ID, a
// code, a domain and an administrator account with a password) bound to the app, and
// syncs it: tenant, app, the administrator's authorisation. Asked again, it syncs the
// same tenant again (flag 2).
func (s *Store) RequestTestTenant(ctx context.Context, act Actor, merchantID, appID uint) (KitTestTenant, error) {
	var out KitTestTenant
	err := s.Tx(ctx, func(tx *Store) error {
		var app KitApp
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", appID, merchantID)), &app); err != nil {
			return err
		}
		now := tx.clock.Now()
		mid := merchantID
		t := &out.Tenant
		switch err := first(tx.w.Where("kit_app_id = ? AND test = ?", app.ID, true), t); {
		case err == nil:
			if err := first(tx.w.Where("tenant_row_id = ? AND kit_app_id = ?", t.ID, app.ID), &out.Binding); err != nil {
				return err
			}
			var u KitUser
			if err := first(tx.w.Where("tenant_row_id = ? AND user_name = ?", t.ID, TestTenantAdmin), &u); err != nil {
				return err
			}
			var g KitGrant
			if err := first(tx.w.Where("binding_id = ? AND user_id = ?", out.Binding.ID, u.ID), &g); err != nil {
				return err
			}
			if out.Password, err = tx.box.Open(t.TestPasswordEnc); err != nil {
				return err
			}
			if err := tx.audit(act, "kit_app.test_tenant", "kit_app", app.ID, &mid, nil, map[string]any{"tenant_code": t.TenantCode}, "", ""); err != nil {
				return err
			}
			b := out.Binding
			if _, err := tx.queueKitCall(ctx, b, app, PurposeTenantSync, kitTenantBody(b, *t, kitFlagModify)); err != nil {
				return err
			}
			body, err := tx.kitAppBody(b, *t, app, kitFlagModify)
			if err != nil {
				return err
			}
			if _, err := tx.queueKitCall(ctx, b, app, PurposeAppSync, body); err != nil {
				return err
			}
			return tx.queueAuthSync(ctx, b, *t, app, []kitUser{kitUserEntry(u, g)}, kitFlagModify)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		id, err := newTenantID()
		if err != nil {
			return err
		}
		suffix, err := newTenantID()
		if err != nil {
			return err
		}
		code := "isvtest-" + strings.ToLower(suffix[:8])
		pw, err := newTenantID()
		if err != nil {
			return err
		}
		out.Password = "Kit-" + strings.ToLower(pw[:12])
		sealed, err := tx.box.Seal(out.Password)
		if err != nil {
			return err
		}
		hash, err := HashPassword(out.Password)
		if err != nil {
			return err
		}
		*t = KitTenant{MerchantID: merchantID, KitAppID: app.ID, TenantID: id, TenantCode: code, Name: "isv测试企业 " + code,
			DomainName: "https://" + code + ".example.com", Test: true, TestPasswordEnc: sealed, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(t).Error; err != nil {
			return err
		}
		u := KitUser{TenantRowID: t.ID, UserName: TestTenantAdmin, Name: "Test administrator", PasswordHash: hash, Enabled: true,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&u).Error; err != nil {
			return err
		}
		b := KitBinding{TenantRowID: t.ID, KitAppID: app.ID, MerchantID: merchantID, InstanceID: "test-" + id, Status: BindingBound,
			BoundAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&b).Error; err != nil {
			return err
		}
		out.Binding = b
		g := KitGrant{BindingID: b.ID, UserID: u.ID, Role: KitRoleAdmin, Enabled: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&g).Error; err != nil {
			return err
		}
		if err := tx.audit(act, "kit_app.test_tenant", "kit_app", app.ID, &mid, nil, map[string]any{"tenant_code": t.TenantCode}, "", ""); err != nil {
			return err
		}
		if err := tx.queueBindingSyncs(ctx, b, *t, app); err != nil {
			return err
		}
		return tx.queueAuthSync(ctx, b, *t, app, []kitUser{kitUserEntry(u, g)}, kitFlagAdd)
	})
	return out, err
}

// KitAppBindings counts the bound organisations of one of the merchant's apps (the
// orders 批量订单设置 pushes to), test tenant included.
func (s *Store) KitAppBindings(ctx context.Context, merchantID, appID uint) (int64, error) {
	var n int64
	return n, s.r.WithContext(ctx).Model(&KitBinding{}).Where("merchant_id = ? AND kit_app_id = ? AND status = ?", merchantID, appID, BindingBound).Count(&n).Error
}

// PushKitApp is 批量订单设置: the app's current settings (its secret, encrypted with its
// current public key) go to every organisation it is bound to (applicationSync, flag
// 2), each through the job pool and the interface message log; the calls after a
// reviewed address change go to the new address. It returns how many were queued.
func (s *Store) PushKitApp(ctx context.Context, act Actor, merchantID, appID uint) (int, error) {
	n := 0
	err := s.Tx(ctx, func(tx *Store) error {
		var app KitApp
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", appID, merchantID)), &app); err != nil {
			return err
		}
		var bs []KitBinding
		if err := tx.w.Where("merchant_id = ? AND kit_app_id = ? AND status = ?", merchantID, app.ID, BindingBound).Order("id").Find(&bs).Error; err != nil {
			return err
		}
		if len(bs) == 0 {
			return ErrNothingToPush
		}
		ids := make([]uint, len(bs))
		for i, b := range bs {
			ids[i] = b.TenantRowID
		}
		var tenants []KitTenant
		if err := tx.w.Where("id IN ?", ids).Find(&tenants).Error; err != nil {
			return err
		}
		byID := map[uint]KitTenant{}
		for _, t := range tenants {
			byID[t.ID] = t
		}
		for _, b := range bs {
			body, err := tx.kitAppBody(b, byID[b.TenantRowID], app, kitFlagModify)
			if err != nil {
				return err
			}
			if _, err := tx.queueKitCall(ctx, b, app, PurposeAppSync, body); err != nil {
				return err
			}
		}
		n = len(bs)
		mid := merchantID
		return tx.audit(act, "kit_app.push", "kit_app", app.ID, &mid, nil, map[string]any{"bindings": n}, "", "")
	})
	return n, err
}

// ErrNothingToPush: the app is bound to no organisation yet.
var ErrNothingToPush = &FieldError{Field: "push", Key: "kit.error.nothing_to_push"}
