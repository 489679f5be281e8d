package models

import (
	"cmp"
	"context"

	"encoding/json"
	"fmt"
	"gorm.io/gorm"
	"slices"
	"strings"
	"unicode"
)

// Actors that are not people: what the audit log records as the actor's address when
// the platform itself, the demo data or the command line acted.
const (
	ActorSystem = "system"
	ActorSeed   = "seed"
	ActorCLI    = "cli"
)

// AuditActions is every action the audit log records. audit refuses any other, and the
// catalogs name each one (audit.action.*) in every language: a new action is added here
// and gets its labels, or the change fails its tests.
var AuditActions = []string{
	"access_key.create", "access_key.retire_old", "access_key.revoke", "access_key.rotate",
	"address.create", "address.delete", "address.update",
	"application.approve", "application.reject", "application.sign_agreement", "application.submit",
	"asset.approve", "asset.create", "asset.delete", "asset.domain_verified", "asset.reject", "asset.scanned",
	"asset.submit", "asset.update",
	"bill.adjust", "bill.approve", "bill.countersign", "bill.export", "bill.generate", "bill.invoice", "bill.pay", "bill.reject", "bill.send",
	"buyer_profile.save",
	"certification.approve", "certification.check_transfer", "certification.reject", "certification.reveal",
	"certification.save_bank", "certification.save_basics", "certification.save_survey",
	"certification.start_transfer", "certification.submit", "certification.unlock",
	"change.approve", "change.reject", "change.submit", "change.withdraw",
	"holiday.add", "holiday.delete",
	"kit_app.create", "kit_app.push", "kit_app.rotate", "kit_app.test_tenant", "kit_app.update",
	"kit_binding.bind", "kit_binding.unbind", "kit_dept.add", "kit_dept.delete", "kit_dept.update",
	"kit_grant.add", "kit_grant.revoke", "kit_grant.update", "kit_org.create", "kit_org.update",
	"kit_user.add", "kit_user.delete", "kit_user.update",
	"license.accept", "license.activate", "license.claim", "license.deliver", "license.hardware_code", "license.test_code",
	"merchant.reinstate", "merchant.suspend",
	"order.cancelled", "order.completed", "order.create", "order.export", "order.failed", "order.processing",
	"product.create", "product.flag", "product.flag_close", "product.hide", "product.restore", "product.stop",
	"product_application.approve", "product_application.create", "product_application.reject",
	"product_application.save", "product_application.submit", "product_application.withdraw",
	"realname.abandon", "realname.approve", "realname.check_failed", "realname.check_passed", "realname.reject",
	"realname.reveal", "realname.submit", "realname.unlock",
	"refund.approve", "refund.close", "refund.dispute", "refund.receive", "refund.refunded", "refund.reject",
	"refund.appeal", "refund.provision_failed", "refund.request", "refund.resolve", "refund.ship", "refund.unsubscribe", "refund.withdraw",
	"region.create", "region.update",
	"saas_call.restart",
	"shipment.accept", "shipment.receive", "shipment.ship",
	"saas_instance.active", "saas_instance.awaiting", "saas_instance.failed", "saas_instance.frozen",
	"saas_instance.provisioning", "saas_instance.released",
	"saas_settings.update",
	"setting.update",
	"spec.hide",
	"supervision.accept", "supervision.appeal", "supervision.appeal_decide", "supervision.approve", "supervision.confirm",
	"supervision.deliver", "supervision.reject", "supervision.return", "supervision.send_back", "supervision.submit_requirement",
	"user.create", "user.email_verified", "user.login", "user.login_failed", "user.password_change",
	"user.password_reset", "user.password_reset_requested", "user.register_existing",
}

// AuditObjects is every object type the audit log records.
var AuditObjects = []string{
	"access_key", "production_address", "saas_settings", "saas_call", "saas_instance", "kit_app",
	"kit_tenant", "kit_dept", "kit_user", "kit_binding", "supervision", "license_code", "license_delivery", "shipment", "bill",
	"application", "asset", "buyer_profile", "certification", "change", "export", "holiday", "merchant", "order",
	"product", "product_application", "realname", "refund", "region", "setting", "user",
}

// AuditFields is every field name a before or after value may carry (in snake case;
// struct values are read with their field names in snake case). Each has a label
// (audit.field.*) so a change reads as "Status: Pending → Approved".
var AuditFields = []string{
	// accounts, onboarding, reviews
	"admin", "email", "role", "method", "subject", "signer", "status", "kind", "code", "version", "name", "type",
	// change requests: the profile and the certified settlement data
	"address", "contact_email", "contact_mobile", "contact_name", "intro", "logo_file_id", "service_email",
	"service_phone", "website", "bank_account_masked", "bank_branch", "bank_name", "finance_email", "finance_name",
	"finance_phone", "invoice_type", "registered_addr", "taxpayer_type",
	// products, orders, after-sales, exports
	"spec", "order_no", "refund_no", "amount_fen", "format", "filter", "rows", "subject_type", "display_name",
	// regions and the calendar
	"name_zh", "name_en", "recommended", "restricted", "active", "sort_order", "created_at", "updated_at",
	"date", "is_workday",
	// a single value stands for one of these (a product hidden, a spec hidden)
	"hidden",
	// SaaS integration: keys (never the secret, only its masked form), addresses, switches
	"masked", "generation", "grace_until", "interface_type", "protocol", "url", "key_id", "order_notify",
	// SaaS provisioning: instances, production calls, product flags
	"instance_id", "purpose", "reason", "month", "count", "listing",
	// joint-operation app credentials (never the secret, only its masked form)
	"auth_mode", "address_id", "login_type", "login_url", "key_bits", "oaep_digest", "platforms", "client_id",
	"app_id", "app_name", "address_name", "address_url",
	// joint-operation organisations: tenants, departments, users, bindings, grants
	"tenant_code", "domain_name", "org_code", "parent_code", "user_name", "enabled", "bindings",
	// service supervision
	"node", "frozen", "by", "decision",
	// License codes, hardware shipments
	"product_id", "carrier", "tracking_no", "auto",
	// settlement
	"period", "entity", "bill_no",
}

// auditCheck refuses an action, object type or value field the log does not know.
func auditCheck(action, objType string, values ...string) error {
	if !slices.Contains(AuditActions, action) {
		return fmt.Errorf("audit: action %q is not registered", action)
	}
	if !slices.Contains(AuditObjects, objType) {
		return fmt.Errorf("audit: object type %q is not registered", objType)
	}
	for _, v := range values {
		for _, k := range AuditValueFields(v) {
			if objType == "setting" && slices.ContainsFunc(SettingSpecs, func(s SettingSpec) bool { return s.Key == k }) {
				continue
			}
			if !slices.Contains(AuditFields, k) {
				return fmt.Errorf("audit: %s value field %q is not registered", action, k)
			}
		}
	}
	return nil
}

// AuditValueFields lists the field names of a JSON object value in snake case, without
// encrypted fields (which are never shown); nothing for any other value.
func AuditValueFields(v string) []string {
	if !strings.HasPrefix(v, "{") {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(v), &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		if k = SnakeCase(k); !strings.HasSuffix(k, "_enc") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// SnakeCase turns a Go field name (NameZh) into the snake-case one (name_zh); a name
// already in snake case stays as it is.
func SnakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AuditRef names one audited object.
type AuditRef struct {
	Type string
	ID   uint
}

// AuditName is what a reader knows an audited object by: its number or its name in
// each language, and where needed the number of the page that shows it.
type AuditName struct {
	Zh, En string
	Page   string // the order number of an order or refund, the case number of a dispute
	Case   bool   // a refund that was disputed: it has a page of its own in the console
}

// AuditNames are the human names of the objects, merchants and actors of a page of
// audit rows, read with one query per kind of object.
type AuditNames struct {
	Objects   map[AuditRef]AuditName
	Merchants map[uint]string // company name, or the owner's address before there is one
	Actors    map[uint]string // addresses of actors the row does not name
}

// AuditNamesOf reads the names a page of audit rows shows.
func (s *Store) AuditNamesOf(ctx context.Context, rows []AuditLog) (AuditNames, error) {
	out := AuditNames{Objects: map[AuditRef]AuditName{}, Merchants: map[uint]string{}, Actors: map[uint]string{}}
	ids := map[string][]uint{}
	var merchants, actors []uint
	for _, r := range rows {
		if r.ObjectID != 0 {
			ids[r.ObjectType] = append(ids[r.ObjectType], r.ObjectID)
		}
		if r.MerchantID != nil {
			merchants = append(merchants, *r.MerchantID)
		}
		if r.ObjectType == "merchant" && r.ObjectID != 0 {
			merchants = append(merchants, r.ObjectID)
		}
		if r.ActorEmail == "" && r.ActorID != nil {
			actors = append(actors, *r.ActorID)
		}
	}
	db := s.r.WithContext(ctx)
	type named struct {
		ID       uint
		Zh, En   string
		Page     string
		Disputed bool
	}
	queries := map[string]func(ids []uint) *gorm.DB{
		"order": func(ids []uint) *gorm.DB {
			return db.Table("orders").Select("id, order_no AS zh, order_no AS en, order_no AS page").Where("id IN ?", ids)
		},
		"refund": func(ids []uint) *gorm.DB {
			return db.Table("refunds AS r").Joins("JOIN orders o ON o.id = r.order_id").
				Select("r.id, r.refund_no AS zh, r.refund_no AS en, o.order_no AS page, r.disputed").Where("r.id IN ?", ids)
		},
		"product": func(ids []uint) *gorm.DB {
			return db.Table("products").Select("id, name_zh AS zh, name_en AS en").Where("id IN ?", ids)
		},
		"product_application": func(ids []uint) *gorm.DB {
			return db.Table("product_applications AS a").Joins("JOIN products p ON p.id = a.product_id").
				Select("a.id, p.name_zh AS zh, p.name_en AS en").Where("a.id IN ?", ids)
		},
		"asset": func(ids []uint) *gorm.DB {
			return db.Table("assets").Select("id, name || ' ' || asset_version AS zh, name || ' ' || asset_version AS en").Where("id IN ?", ids)
		},
		"user": func(ids []uint) *gorm.DB {
			return db.Table("users").Select("id, email AS zh, email AS en").Where("id IN ?", ids)
		},
		"access_key": func(ids []uint) *gorm.DB {
			return db.Table("access_keys").Select("id, name AS zh, name AS en").Where("id IN ?", ids)
		},
		"production_address": func(ids []uint) *gorm.DB {
			return db.Table("production_addresses").Select("id, name AS zh, name AS en").Where("id IN ?", ids)
		},
	}
	for typ, q := range queries {
		if len(ids[typ]) == 0 {
			continue
		}
		var found []named
		if err := q(slices.Compact(slices.Sorted(slices.Values(ids[typ])))).Scan(&found).Error; err != nil {
			return out, err
		}
		for _, n := range found {
			if n.En == "" {
				n.En = n.Zh
			}
			if n.Zh == "" {
				n.Zh = n.En
			}
			page := n.Page
			if typ == "refund" && n.Disputed {
				page = n.Zh
			}
			out.Objects[AuditRef{typ, n.ID}] = AuditName{Zh: n.Zh, En: n.En, Page: page, Case: n.Disputed}
		}
	}
	if len(merchants) > 0 {
		var found []struct {
			ID                uint
			CompanyName, Mail string
		}
		err := db.Table("merchants AS m").Joins("JOIN users u ON u.id = m.owner_user_id").
			Select("m.id, m.company_name, u.email AS mail").Where("m.id IN ?", slices.Compact(slices.Sorted(slices.Values(merchants)))).Scan(&found).Error
		if err != nil {
			return out, err
		}
		for _, m := range found {
			out.Merchants[m.ID] = cmp.Or(m.CompanyName, m.Mail)
		}
	}
	if len(actors) > 0 {
		users, err := s.UsersByIDs(ctx, actors)
		if err != nil {
			return out, err
		}
		for id, u := range users {
			out.Actors[id] = u.Email
		}
	}
	return out, nil
}

// AuditSingleField is the field a plain (not an object) before or after value of an
// action stands for: most record a state, a few a flag, a spec or a kind.
func AuditSingleField(action string) string {
	switch action {
	case "product.hide":
		return "hidden"
	case "spec.hide":
		return "spec"
	case "product_application.create":
		return "kind"
	}
	return "status"
}
