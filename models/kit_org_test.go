package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
	"sellercenter/internal/testkeys"
	"sellercenter/models"
)

// kitShop is a provisioning shop whose SaaS product is a joint-operation product linked
// to an app credential on a kit address of the reference endpoint.
type kitShop struct {
	*provisioning
	app     models.KitApp
	secret  string
	kitAddr models.ProductionAddress
}

func newKitShop(t *testing.T, protocol string) *kitShop {
	t.Helper()
	p := newProvisioning(t, protocol, nil)
	// The reference endpoint decrypts applicationSync's secret with the app's private key.
	priv := testkeys.RSA3072()
	key, secret, err := p.env.Store.CreateAccessKey(p.ctx, models.Actor{}, p.mid, "kit key")
	if err != nil {
		t.Fatal(err)
	}
	prodSecret, _, err := p.env.Store.SigningSecret(p.ctx, p.mid, p.addr.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	p.ep.demo = saasdemo.New(saasdemo.Options{Keys: func() []string { return []string{prodSecret, secret} }, Now: p.env.Clock.Now,
		PrivateKey: priv, OAEPDigest: saasproto.OAEPSHA256})
	kitAddr, err := p.env.Store.SaveProductionAddress(p.ctx, models.Actor{}, p.mid, 0, models.AddressInput{Name: "kit",
		InterfaceType: models.InterfaceKit, Protocol: protocol, URL: p.ep.srv.URL + "/kit", KeyID: key.ID, AllowDev: true})
	if err != nil {
		t.Fatal(err)
	}
	app, appSecret, err := p.env.Store.CreateKitApp(p.ctx, models.Actor{}, p.mid, models.KitAppInput{Name: "协同办公", AuthMode: models.KitAuthOAuth2,
		AddressID: kitAddr.ID, LoginType: models.KitLoginOwn, LoginURL: "https://app.example.com/login", PublicKey: testkeys.Public3072(),
		OAEPDigest: saasproto.OAEPSHA256})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.product.LiveContent()
	if err != nil {
		t.Fatal(err)
	}
	c.BusinessModel = models.BusinessJoint
	c.SaaS.KitAppID = &app.ID
	b, _ := json.Marshal(c)
	if err := p.env.DB.W.Model(&models.Product{}).Where("id = ?", p.product.ID).Update("content", string(b)).Error; err != nil {
		t.Fatal(err)
	}
	p.product.Content = string(b)
	return &kitShop{provisioning: p, app: app, secret: appSecret, kitAddr: kitAddr}
}

// kitCalls lists a binding's kit calls in order.
func (k *kitShop) kitCalls(t *testing.T, bindingID uint) []models.SaaSCall {
	t.Helper()
	var out []models.SaaSCall
	if err := k.env.DB.R.Where("kit_binding_id = ?", bindingID).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestKitSyncFollowsTheOrganisation: in both kit versions, a buyer who bought the 联营
// product sets up the organisation, binds the app (tenantSync, applicationSync with the
// secret the merchant's key decrypts, allOrgSync), authorises users in batches of at
// most 500 (authSync), changes and removes them; every call succeeds against the
// reference endpoint, in order; another buyer reaches none of it.
func TestKitSyncFollowsTheOrganisation(t *testing.T) {
	for _, protocol := range []string{models.ProtocolV2, models.ProtocolV1} {
		t.Run(protocol, func(t *testing.T) {
			k := newKitShop(t, protocol)
			o := k.buyPaid(t, models.PurchaseInput{})
			k.run(t)
			if st := k.orderStatus(t, o.OrderNo); st != models.OrderCompleted {
				t.Fatalf("order %s", st)
			}
			st := k.env.Store
			if _, err := st.BindKitApp(k.ctx, k.act, k.buyer.ID, *o.SubscriptionID); !errors.Is(err, models.ErrKitOrgMissing) {
				t.Fatalf("bind without an organisation: %v", err)
			}
			if _, err := st.SaveKitOrg(k.ctx, k.act, k.buyer.ID, 0, models.KitOrgInput{TenantCode: "Bad Code", Name: ""}); err == nil {
				t.Fatal("a bad tenant code was accepted")
			}
			org, err := st.SaveKitOrg(k.ctx, k.act, k.buyer.ID, 0, models.KitOrgInput{TenantCode: "xinghe", Name: "星河零售", DomainName: "https://xinghe.example.com"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.SaveKitDept(k.ctx, k.act, k.buyer.ID, 0, models.KitDeptInput{OrgCode: "HQ", Name: "总部"}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.SaveKitDept(k.ctx, k.act, k.buyer.ID, 0, models.KitDeptInput{OrgCode: "SALES", Name: "销售部", ParentCode: "NOPE"}); !errors.Is(err, models.ErrKitDeptParent) {
				t.Fatalf("unknown parent: %v", err)
			}
			b, err := st.BindKitApp(k.ctx, k.act, k.buyer.ID, *o.SubscriptionID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.BindKitApp(k.ctx, k.act, k.buyer.ID, *o.SubscriptionID); !errors.Is(err, models.ErrKitAlreadyBound) {
				t.Fatalf("bound twice: %v", err)
			}
			var ids []uint
			for i := range 2 {
				u, err := st.SaveKitUser(k.ctx, k.act, k.buyer.ID, 0, 0, models.KitUserInput{UserName: fmt.Sprintf("user%03d", i), Name: "用户",
					OrgCode: "HQ", Password: "long-enough-pw", Enabled: true})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			if _, err := st.SaveKitUser(k.ctx, k.act, k.buyer.ID, 0, 0, models.KitUserInput{UserName: "user000", Name: "重名", Password: "long-enough-pw"}); !errors.Is(err, models.ErrKitUserTaken) {
				t.Fatalf("a taken user name: %v", err)
			}
			// The rest of the 501 users are written directly: hashing 500 passwords
			// at the production cost would only slow the test.
			more := make([]models.KitUser, 499)
			for i := range more {
				more[i] = models.KitUser{TenantRowID: org.ID, UserName: fmt.Sprintf("user%03d", i+2), Name: "用户", OrgCode: "HQ",
					PasswordHash: "x", Enabled: true, Version: 1, CreatedAt: k.env.Clock.Now(), UpdatedAt: k.env.Clock.Now()}
			}
			if err := k.env.DB.W.CreateInBatches(more, 100).Error; err != nil {
				t.Fatal(err)
			}
			for _, u := range more {
				ids = append(ids, u.ID)
			}
			if n, err := st.AuthorizeKitUsers(k.ctx, k.act, k.buyer.ID, b.ID, ids, models.KitRoleUser); err != nil || n != 501 {
				t.Fatalf("authorise: %d %v", n, err)
			}
			if err := st.SetKitGrant(k.ctx, k.act, k.buyer.ID, b.ID, 999999, models.KitRoleAdmin, true, false); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("unknown grant: %v", err)
			}
			k.run(t)
			calls := k.kitCalls(t, b.ID)
			var got []string
			for _, c := range calls {
				got = append(got, c.Activity)
				if c.Status != models.CallSucceeded {
					var atts []models.SaaSAttempt
					k.env.DB.R.Where("call_id = ?", c.ID).Find(&atts)
					t.Fatalf("%s: %s %s %+v", c.Activity, c.Status, c.Problem, atts)
				}
			}
			want := []string{"tenantSync", "applicationSync", "allOrgSync", "authSync", "authSync"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("calls %v, want %v", got, want)
			}
			var first, second struct {
				UserList []map[string]any `json:"userList"`
				Flag     int              `json:"flag"`
			}
			json.Unmarshal([]byte(calls[3].Params), &first)
			json.Unmarshal([]byte(calls[4].Params), &second)
			if len(first.UserList) != 500 || len(second.UserList) != 1 || first.Flag != 1 {
				t.Fatalf("batches %d + %d, flag %d", len(first.UserList), len(second.UserList), first.Flag)
			}
			// The secret in applicationSync is the app's, encrypted for the merchant's key.
			var appBody struct{ ClientSecret, ClientID string }
			json.Unmarshal([]byte(calls[1].Params), &appBody)
			plain, err := saasproto.DecryptOAEP(testkeys.RSA3072(), saasproto.OAEPSHA256, appBody.ClientSecret)
			if err != nil || plain != k.secret || appBody.ClientID != k.app.ClientID {
				t.Fatalf("clientSecret decrypts to %q (%v)", plain, err)
			}
			// A change of the organisation, a department and a user each reach the app.
			if _, err := st.SaveKitOrg(k.ctx, k.act, k.buyer.ID, org.Version, models.KitOrgInput{Name: "星河零售集团"}); err != nil {
				t.Fatal(err)
			}
			u0, _ := st.KitUserOf(k.ctx, k.buyer.ID, ids[0])
			if _, err := st.SaveKitUser(k.ctx, k.act, k.buyer.ID, u0.ID, u0.Version, models.KitUserInput{Name: "用户零", OrgCode: "HQ", Enabled: false}); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteKitUser(k.ctx, k.act, k.buyer.ID, ids[1]); err != nil {
				t.Fatal(err)
			}
			k.run(t)
			calls = k.kitCalls(t, b.ID)
			got = got[:0]
			for _, c := range calls[5:] {
				got = append(got, c.Activity+"/"+c.Status)
			}
			want = []string{"tenantSync/SUCCEEDED", "authSync/SUCCEEDED", "authSync/SUCCEEDED"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("after changes %v, want %v", got, want)
			}
			if err := st.DeleteKitDept(k.ctx, k.act, k.buyer.ID, 1); err == nil {
				t.Fatal("a department with users was deleted")
			}
			// Another buyer reaches neither the binding nor the users.
			other := k.newBuyer(t, "other@example.com", models.BuyerEnterprise)
			if _, err := st.SaveKitOrg(k.ctx, models.Actor{UserID: other.ID}, other.ID, 0, models.KitOrgInput{TenantCode: "other", Name: "别家"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.KitBindingOf(k.ctx, other.ID, b.ID); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("other buyer reads the binding: %v", err)
			}
			if _, err := st.AuthorizeKitUsers(k.ctx, models.Actor{UserID: other.ID}, other.ID, b.ID, ids[:1], models.KitRoleAdmin); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("other buyer authorises on the binding: %v", err)
			}
			if _, err := st.KitUserOf(k.ctx, other.ID, ids[0]); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("other buyer reads a user: %v", err)
			}
			if err := st.UnbindKitApp(k.ctx, k.act, k.buyer.ID, b.ID); err != nil {
				t.Fatal(err)
			}
			k.run(t)
			calls = k.kitCalls(t, b.ID)
			last := calls[len(calls)-1]
			if last.Activity != "tenantSync" || last.Status != models.CallSucceeded || !json.Valid([]byte(last.Params)) {
				t.Fatalf("unbind: %+v", last)
			}
		})
	}
}

// TestKitTestTenantAndPush: a merchant's test tenant is synced like an order (tenant,
// app, its administrator) and 批量订单设置 pushes the app to every bound organisation.
func TestKitTestTenantAndPush(t *testing.T) {
	k := newKitShop(t, models.ProtocolV2)
	st := k.env.Store
	if _, err := st.PushKitApp(k.ctx, models.Actor{}, k.mid, k.app.ID); !errors.Is(err, models.ErrNothingToPush) {
		t.Fatalf("push with nothing bound: %v", err)
	}
	tt, err := st.RequestTestTenant(k.ctx, models.Actor{}, k.mid, k.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tt.Password == "" || tt.Tenant.TenantID == "" || !tt.Tenant.Test {
		t.Fatalf("test tenant %+v", tt)
	}
	k.run(t)
	var got []string
	for _, c := range k.kitCalls(t, tt.Binding.ID) {
		got = append(got, c.Activity+"/"+c.Status)
	}
	if fmt.Sprint(got) != "[tenantSync/SUCCEEDED applicationSync/SUCCEEDED authSync/SUCCEEDED]" {
		t.Fatalf("test tenant calls %v", got)
	}
	again, err := st.RequestTestTenant(k.ctx, models.Actor{}, k.mid, k.app.ID)
	if err != nil || again.Tenant.ID != tt.Tenant.ID || again.Password != tt.Password {
		t.Fatalf("asked again: %+v %v", again, err)
	}
	if n, err := st.PushKitApp(k.ctx, models.Actor{}, k.mid, k.app.ID); err != nil || n != 1 {
		t.Fatalf("push: %d %v", n, err)
	}
	if _, err := st.PushKitApp(k.ctx, models.Actor{}, k.mid+1000, k.app.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant pushes: %v", err)
	}
	k.run(t)
	calls := k.kitCalls(t, tt.Binding.ID)
	if len(calls) != 7 {
		t.Fatalf("%d calls", len(calls))
	}
	for _, c := range calls {
		if c.Status != models.CallSucceeded {
			t.Fatalf("%s %s %s", c.Activity, c.Status, c.Problem)
		}
	}
	// The administrator signs in to the app with the tenant's account.
	who, err := st.KitAuthenticate(k.ctx, k.app.ClientID, models.KitIdentity(models.TestTenantAdmin, tt.Tenant.TenantCode), tt.Password, "127.0.0.1")
	if err != nil || who.Role != models.KitRoleAdmin {
		t.Fatalf("sign in: %+v %v", who, err)
	}
	if _, err := st.KitAuthenticate(k.ctx, k.app.ClientID, models.KitIdentity(models.TestTenantAdmin, tt.Tenant.TenantCode), "wrong-password", "127.0.0.1"); !errors.Is(err, models.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := st.KitAuthenticate(k.ctx, "not-the-app", models.KitIdentity(models.TestTenantAdmin, tt.Tenant.TenantCode), tt.Password, "127.0.0.1"); !errors.Is(err, models.ErrKitNotAuthorised) {
		t.Fatalf("another app: %v", err)
	}
}

// TestJointProductsNeedAnAppAndHiddenSale: a 联营 product names its app credential, and
// a product distributed to WeLink or the industrial software cloud is on hidden sale.
func TestJointProductsNeedAnAppAndHiddenSale(t *testing.T) {
	gaps := func(c models.ProductContent) map[string]bool {
		out := map[string]bool{}
		for _, m := range c.StandardsGaps() {
			out[m.Key] = true
		}
		return out
	}
	id := uint(7)
	c := models.ProductContent{Type: models.ProductSaaS, BusinessModel: models.BusinessJoint, PublicSale: true,
		SaaS: &models.SaaSFields{Platforms: []string{models.PlatformWeLink}}}
	if g := gaps(c); !g["standards.kit_app"] || !g["standards.platforms_hidden"] {
		t.Fatalf("gaps %v", g)
	}
	c.PublicSale, c.SaaS.KitAppID = false, &id
	if g := gaps(c); g["standards.kit_app"] || g["standards.platforms_hidden"] {
		t.Fatalf("gaps %v", g)
	}
	c.BusinessModel, c.SaaS.KitAppID, c.SaaS.Platforms, c.PublicSale = models.BusinessGeneral, nil, nil, true
	if g := gaps(c); g["standards.kit_app"] || g["standards.platforms_hidden"] {
		t.Fatalf("a general product: gaps %v", g)
	}
}

// TestKitSyncFailuresWaitForRestart: a merchant whose kit answers with a wrong signature
// (V1) or an error code gets each attempt recorded and retried for an hour; then the call
// is FAILED with the check that failed, and the binding's next sync goes out (as an
// instance's calls do); restarted after the fix, the failed calls succeed.
func TestKitSyncFailuresWaitForRestart(t *testing.T) {
	for _, tc := range []struct{ protocol, mode, check string }{
		{models.ProtocolV1, saasdemo.ModeWrongBodySign, saasproto.CheckBodySign},
		{models.ProtocolV2, saasdemo.ModeErrorCode, saasproto.CheckResultCode},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			k := newKitShop(t, tc.protocol)
			st := k.env.Store
			tt, err := st.RequestTestTenant(k.ctx, models.Actor{}, k.mid, k.app.ID)
			if err != nil {
				t.Fatal(err)
			}
			k.ep.mode.Store(tc.mode)
			k.run(t)
			for range 3 * 7 {
				k.advance(t, 10*time.Minute)
			}
			calls := k.kitCalls(t, tt.Binding.ID)
			if len(calls) != 3 {
				t.Fatalf("%d calls", len(calls))
			}
			for _, c := range calls {
				if c.Status != models.CallFailed || !c.Restartable() || c.FailedCheck != tc.check || c.Attempts != 7 {
					t.Fatalf("%s: %s %s after %d attempts", c.Activity, c.Status, c.FailedCheck, c.Attempts)
				}
			}
			var atts []models.SaaSAttempt
			if err := k.env.DB.R.Where("call_id = ?", calls[0].ID).Find(&atts).Error; err != nil || len(atts) != 7 || atts[0].Passed {
				t.Fatalf("%d attempts recorded: %v", len(atts), err)
			}
			k.ep.mode.Store("")
			for _, c := range calls {
				if _, err := st.RestartSaaSCall(k.ctx, models.Actor{}, k.mid, c.ID); err != nil {
					t.Fatal(err)
				}
			}
			k.run(t)
			for _, c := range k.kitCalls(t, tt.Binding.ID) {
				if c.Status != models.CallSucceeded {
					t.Fatalf("after the restart %s is %s", c.Activity, c.Status)
				}
			}
		})
	}
}
