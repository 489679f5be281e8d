package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestAccessKeyLifecycle(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "keys@example.com")
	other := activeMerchant(t, env, "other@example.com")
	mid := *u.MerchantID
	act := models.Actor{UserID: u.ID}

	if _, _, err := env.Store.CreateAccessKey(ctx, act, mid, "  "); !isField(err, "saas.error.name_required") {
		t.Fatalf("blank name: %v", err)
	}
	if _, _, err := env.Store.CreateAccessKey(ctx, act, mid, strings.Repeat("名", 61)); !isField(err, "saas.error.name_long") {
		t.Fatalf("long name: %v", err)
	}
	k, secret, err := env.Store.CreateAccessKey(ctx, act, mid, "生产密钥")
	if err != nil || len(secret) != 36 || k.SecretMasked == secret || !strings.HasPrefix(k.SecretMasked, secret[:4]) || strings.Contains(k.SecretEnc, secret) {
		t.Fatalf("%v %q %+v", err, secret, k)
	}
	got, _, err := env.Store.KeySecret(ctx, mid, k.ID)
	if err != nil || got != secret {
		t.Fatalf("secret %q %v", got, err)
	}
	if _, _, err := env.Store.KeySecret(ctx, *other.MerchantID, k.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("other merchant read the key: %v", err)
	}
	if _, _, err := env.Store.RotateAccessKey(ctx, models.Actor{UserID: other.ID}, *other.MerchantID, k.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("other merchant rotated the key: %v", err)
	}

	// Rotation: a new secret, the old one live for the grace period (72 h by default).
	k2, secret2, err := env.Store.RotateAccessKey(ctx, act, mid, k.ID)
	if err != nil || secret2 == secret || k2.Generation != 2 || !k2.PreviousLive(env.Clock.Now()) ||
		!k2.PreviousUntil.Equal(env.Clock.Now().Add(72*time.Hour)) || k2.PreviousMask != k.SecretMasked {
		t.Fatalf("%v %+v", err, k2)
	}
	live, _ := env.Store.LiveKeySecrets(ctx)
	if strings.Join(live, ",") != secret2+","+secret {
		t.Fatalf("live secrets %v", live)
	}
	if s, _, _ := env.Store.SigningSecret(ctx, mid, k.ID); s != secret {
		t.Fatal("production calls do not keep the old secret during the grace period")
	}
	if s, _, _ := env.Store.KeySecret(ctx, mid, k.ID); s != secret2 {
		t.Fatal("the console does not sign with the new secret")
	}
	env.Clock.Advance(73 * time.Hour)
	if s, _, _ := env.Store.SigningSecret(ctx, mid, k.ID); s != secret2 {
		t.Fatal("production calls keep the old secret after the grace period")
	}
	if live, _ = env.Store.LiveKeySecrets(ctx); strings.Join(live, ",") != secret2 {
		t.Fatalf("old secret outlived its grace: %v", live)
	}
	if err := env.Store.RetireOldSecret(ctx, act, mid, k.ID); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("retired an expired old secret: %v", err)
	}
	if _, _, err := env.Store.RotateAccessKey(ctx, act, mid, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.RetireOldSecret(ctx, act, mid, k.ID); err != nil {
		t.Fatal(err)
	}
	if k3, _ := env.Store.AccessKeyOf(ctx, mid, k.ID); k3.PreviousLive(env.Clock.Now()) || k3.PreviousEnc != "" || k3.Generation != 3 {
		t.Fatalf("%+v", k3)
	}

	// Revocation is refused while an address is bound to the key.
	a, err := env.Store.SaveProductionAddress(ctx, act, mid, 0, models.AddressInput{Name: "主地址", InterfaceType: models.InterfaceSaaS,
		Protocol: models.ProtocolV1, URL: "https://isv.example.com/saas", KeyID: k.ID})
	if err != nil {
		t.Fatal(err)
	}
	var inUse *models.KeyInUseError
	if err := env.Store.RevokeAccessKey(ctx, act, mid, k.ID); !errors.As(err, &inUse) || inUse.Addresses[0] != "主地址" {
		t.Fatalf("revoked a bound key: %v", err)
	}
	spare, _, _ := env.Store.CreateAccessKey(ctx, act, mid, "备用")
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, a.ID, models.AddressInput{Name: "主地址", InterfaceType: models.InterfaceSaaS,
		Protocol: models.ProtocolV1, URL: "https://isv.example.com/saas", KeyID: spare.ID}); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.RevokeAccessKey(ctx, act, mid, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Store.KeySecret(ctx, mid, k.ID); !errors.Is(err, models.ErrKeyRevoked) {
		t.Fatalf("revoked key still opens: %v", err)
	}
	if _, _, err := env.Store.RotateAccessKey(ctx, act, mid, k.ID); !errors.Is(err, models.ErrKeyRevoked) {
		t.Fatalf("revoked key rotated: %v", err)
	}
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, a.ID, models.AddressInput{Name: "主地址", InterfaceType: models.InterfaceSaaS,
		Protocol: models.ProtocolV1, URL: "https://isv.example.com/saas", KeyID: k.ID}); !isField(err, "saas.error.key_revoked") {
		t.Fatalf("bound a revoked key: %v", err)
	}
	var n int64
	env.DB.R.Model(&models.AuditLog{}).Where("object_type = ? AND object_id = ?", "access_key", k.ID).Count(&n)
	if n != 5 { // create, rotate, rotate, retire_old, revoke
		t.Fatalf("%d audit rows", n)
	}
	var logs []models.AuditLog
	env.DB.R.Find(&logs)
	for _, l := range logs {
		if strings.Contains(l.Before+l.After, secret) || strings.Contains(l.Before+l.After, secret2) {
			t.Fatalf("a secret reached the audit log: %+v", l)
		}
	}
}

func TestAddressRulesAndConfirmation(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"":                                                    "saas.address_error.required",
		"http://isv.example.com/saas":                         "saas.address_error.https",
		"https://203.0.113.7/saas":                            "saas.address_error.ip",
		"https://[2001:db8::1]/saas":                          "saas.address_error.ip",
		"https://localhost/saas":                              "saas.address_error.private",
		"https://intranet/saas":                               "saas.address_error.private",
		"https://svc.internal/saas":                           "saas.address_error.private",
		"https://user:pw@isv.example.com/saas":                "saas.address_error.malformed",
		"https://isv.example.com/saas#x":                      "saas.address_error.malformed",
		"https://isv_x.example.com/":                          "saas.address_error.malformed",
		"https://isv.example.com/" + strings.Repeat("a", 500): "saas.address_error.too_long",
		"ftp://isv.example.com/":                              "saas.address_error.https",
		"https:///nohost":                                     "saas.address_error.malformed",
		"http://127.0.0.1:9100/":                              "saas.address_error.https",
	}
	for in, want := range bad {
		if _, fe := models.CheckAddressURL(in, false); fe == nil || fe.Key != want {
			t.Errorf("%q: %v, want %s", in, fe, want)
		}
	}
	for _, in := range []string{"https://isv.example.com/saas", "https://api.isv-test.com.cn:8443/produce?x=1"} {
		if _, fe := models.CheckAddressURL(in, false); fe != nil {
			t.Errorf("%q refused: %v", in, fe)
		}
	}
	for _, in := range []string{"http://127.0.0.1:9100/", "http://localhost:8080/saasdemo/"} {
		if _, fe := models.CheckAddressURL(in, true); fe != nil {
			t.Errorf("%q refused in development: %v", in, fe)
		}
	}
	if _, fe := models.CheckAddressURL("http://10.0.0.8/", true); fe == nil {
		t.Error("a private address passed in development")
	}

	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "addr@example.com")
	other := activeMerchant(t, env, "other@example.com")
	mid := *u.MerchantID
	act := models.Actor{UserID: u.ID}
	k, _, _ := env.Store.CreateAccessKey(ctx, act, mid, "k")
	otherKey, _, _ := env.Store.CreateAccessKey(ctx, models.Actor{UserID: other.ID}, *other.MerchantID, "theirs")
	in := models.AddressInput{Name: "生产", InterfaceType: models.InterfaceSaaS, Protocol: models.ProtocolV2, URL: "https://isv.example.com/a", KeyID: otherKey.ID}
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, 0, in); !isField(err, "saas.error.key_required") {
		t.Fatalf("bound another merchant's key: %v", err)
	}
	lic := in
	lic.InterfaceType, lic.Protocol, lic.KeyID = models.InterfaceLicense, models.ProtocolV1, k.ID
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, 0, lic); !isField(err, "saas.error.protocol") {
		t.Fatalf("V1 License address: %v", err)
	}
	in.KeyID = k.ID
	a, err := env.Store.SaveProductionAddress(ctx, act, mid, 0, in)
	if err != nil {
		t.Fatal(err)
	}

	// An on-sale product uses the address: changing its URL or key needs confirmation.
	c := models.ProductContent{Type: models.ProductSaaS, NameZh: "在售", NameEn: "On sale", SaaS: &models.SaaSFields{AddressID: &a.ID},
		Specs: []models.SpecContent{{Key: "a", Name: "基础", BillingMode: models.BillingOneTime, OneTimeFen: new(int64)}}}
	p, _ := testdb.ListedProduct(t, env, mid, c)
	env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("saas_address_id", a.ID)
	change := in
	change.URL = "https://isv.example.com/b"
	var ce *models.ConfirmError
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, a.ID, change); !errors.As(err, &ce) || len(ce.Products) != 1 || ce.Products[0].ID != p.ID {
		t.Fatalf("changed without confirmation: %v", err)
	}
	if got, _ := env.Store.ProductionAddressOf(ctx, mid, a.ID); got.URL != "https://isv.example.com/a" {
		t.Fatal("half-saved")
	}
	rename := in
	rename.Name = "生产地址"
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, a.ID, rename); err != nil {
		t.Fatalf("a rename needs no confirmation: %v", err)
	}
	change.Confirmed = true
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, a.ID, change); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Store.NewProductDraft(ctx, act, mid, models.ProductContent{Type: models.ProductSaaS, NameZh: "草稿", SaaS: &models.SaaSFields{AddressID: &a.ID}}); err != nil {
		t.Fatal(err)
	}
	var inUse *models.AddressInUseError
	if err := env.Store.DeleteProductionAddress(ctx, act, mid, a.ID); !errors.As(err, &inUse) || len(inUse.Products) != 2 || inUse.Products[0] != "在售" {
		t.Fatalf("deleted an address in use: %v", err)
	}
	if err := env.Store.DeleteProductionAddress(ctx, models.Actor{UserID: other.ID}, *other.MerchantID, a.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("other merchant deleted: %v", err)
	}
	uses, _, err := env.Store.KeyUsesOf(ctx, mid)
	if err != nil || len(uses[k.ID].Addresses) != 1 || len(uses[k.ID].Products) != 2 {
		t.Fatalf("%v %+v", err, uses)
	}

	// Order notification switch.
	if st, _ := env.Store.SaaSSettingsOf(ctx, mid); st.OrderNotify {
		t.Fatal("on by default")
	}
	if err := env.Store.SetOrderNotify(ctx, act, mid, true); err != nil {
		t.Fatal(err)
	}
	if st, _ := env.Store.SaaSSettingsOf(ctx, mid); !st.OrderNotify {
		t.Fatal("not saved")
	}
	if st, _ := env.Store.SaaSSettingsOf(ctx, *other.MerchantID); st.OrderNotify {
		t.Fatal("leaked to another merchant")
	}
}

// TestDebugCasesFollowTheAddressAndKey: a case counts only while the product's address
// keeps its URL and protocol and its key keeps its generation.
func TestDebugCasesFollowTheAddressAndKey(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "cases@example.com")
	mid := *u.MerchantID
	act := models.Actor{UserID: u.ID}
	p, app, err := env.Store.NewProductDraft(ctx, act, mid, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公"})
	if err != nil {
		t.Fatal(err)
	}
	c := completeSaaS(t, env, u)
	c.Specs = c.Specs[:1]
	c.Specs[0].BillingMode, c.Specs[0].YearFen, c.Specs[0].MonthFen, c.Specs[0].OneTimeFen, c.Specs[0].TrialDays = models.BillingOneTime, nil, nil, new(int64), 0
	c.UpgradeRules = nil
	addr := testdb.ReadySaaS(t, env, mid, p.ID, &c)
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, c); err != nil {
		t.Fatal(err)
	}
	gaps := func() []string {
		t.Helper()
		g, err := env.Store.ProductStandardsGaps(ctx, mid, p.ID, c)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range g {
			out = append(out, m.Key+":"+m.Activity)
		}
		return out
	}
	if g := gaps(); len(g) != 0 {
		t.Fatalf("gaps with every case: %v", g)
	}
	cases, err := env.Store.DebugCasesOf(ctx, 0, p.ID, c.SaaS.AddressID)
	if err != nil || len(cases) != 3 || !cases[0].Current || cases[0].Call.RespBody == "" {
		t.Fatalf("%v %+v", err, cases)
	}
	if _, _, err := env.Store.RotateAccessKey(ctx, act, mid, addr.KeyID); err != nil {
		t.Fatal(err)
	}
	if g := gaps(); strings.Join(g, " ") != "standards.debug_case:newInstance standards.debug_case:queryInstance standards.debug_case:releaseInstance" {
		t.Fatalf("cases survived a key rotation: %v", g)
	}
	testdb.ReadySaaS(t, env, mid, p.ID, &c)
	if g := gaps(); len(g) != 0 {
		t.Fatalf("after re-running: %v", g)
	}
	in := models.AddressInput{Name: addr.Name, InterfaceType: addr.InterfaceType, Protocol: models.ProtocolV1, URL: addr.URL, KeyID: addr.KeyID}
	if _, err := env.Store.SaveProductionAddress(ctx, act, mid, addr.ID, in); err != nil {
		t.Fatal(err)
	}
	if g := gaps(); strings.Join(g, " ") != "standards.debug_case:newInstance standards.debug_case:releaseInstance" {
		t.Fatalf("V2 cases counted for a V1 address: %v", g)
	}
	// Calls list: newest first, filters, keyset, tenant-scoped.
	calls, more, err := env.Store.DebugCallsOf(ctx, mid, models.DebugCallFilter{Activity: "newInstance", Limit: 1})
	if err != nil || len(calls) != 1 || !more {
		t.Fatalf("%v %d %v", err, len(calls), more)
	}
	next, _, _ := env.Store.DebugCallsOf(ctx, mid, models.DebugCallFilter{Activity: "newInstance", Before: calls[0].ID, Limit: 5})
	if len(next) != 1 || next[0].ID >= calls[0].ID {
		t.Fatalf("%+v", next)
	}
	other := activeMerchant(t, env, "nosy@example.com")
	if got, _, _ := env.Store.DebugCallsOf(ctx, *other.MerchantID, models.DebugCallFilter{}); len(got) != 0 {
		t.Fatal("another merchant sees the calls")
	}
	if _, err := env.Store.DebugCallOf(ctx, *other.MerchantID, calls[0].ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatal(err)
	}
	pid := p.ID
	if _, err := env.Store.RecordDebugCall(ctx, *other.MerchantID, models.DebugCall{ProductID: &pid, Exchange: models.Exchange{Protocol: "v2", Activity: "newInstance"}}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a call recorded for another merchant's product: %v", err)
	}
}

func isField(err error, key string) bool {
	var fe *models.FieldError
	return errors.As(err, &fe) && fe.Key == key
}

// TestDebugHistoryUsesIndexes EXPLAINs the debug history's query for every combination
// of its filters: it must read debug_calls through one of its indexes.
func TestDebugHistoryUsesIndexes(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	if env.DB.Dialect == models.Postgres {
		must(t, env.DB.W.Exec("ANALYZE debug_calls").Error)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	pid := uint(3)
	for mask := 0; mask < 1<<5; mask++ {
		f := models.DebugCallFilter{}
		if mask&1 != 0 {
			f.ProductID = &pid
		}
		if mask&2 != 0 {
			f.Activity = "newInstance"
		}
		if mask&4 != 0 {
			f.Outcome = "failed"
		}
		if mask&8 != 0 {
			f.From, f.To = &from, &to
		}
		if mask&16 != 0 {
			f.Before = 100
		}
		sql := models.DebugCallsSQL(env.DB, 7, f)
		plan := explain(t, env, models.Statement{Name: "history", SQL: sql})
		if env.DB.Dialect == models.Postgres {
			if strings.Contains(plan, "Seq Scan on debug_calls") {
				t.Errorf("%+v: sequential scan\n%s\n%s", f, sql, plan)
			}
			continue
		}
		if !strings.Contains(plan, "USING INDEX idx_debug_calls_") && !strings.Contains(plan, "USING COVERING INDEX idx_debug_calls_") {
			t.Errorf("%+v: no index\n%s\n%s", f, sql, plan)
		}
		if strings.Contains(plan, "TEMP B-TREE") && f.ProductID == nil {
			t.Errorf("%+v: sorts instead of walking the index\n%s", f, plan)
		}
	}
}
