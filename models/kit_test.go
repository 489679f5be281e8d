package models_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/internal/testkeys"
	"sellercenter/models"
)

// kitSetup makes an active merchant with a key and two kit addresses and a basic one.
func kitSetup(t *testing.T, env *testdb.Env, email string) (uint, []models.ProductionAddress) {
	t.Helper()
	ctx := context.Background()
	u := activeMerchant(t, env, email)
	m := *u.MerchantID
	k, _, err := env.Store.CreateAccessKey(ctx, models.Actor{}, m, "kit key")
	if err != nil {
		t.Fatal(err)
	}
	var out []models.ProductionAddress
	for i, it := range []string{models.InterfaceKit, models.InterfaceKit, models.InterfaceSaaS} {
		a, err := env.Store.SaveProductionAddress(ctx, models.Actor{}, m, 0, models.AddressInput{Name: "addr " + string(rune('a'+i)),
			InterfaceType: it, Protocol: models.ProtocolV2, URL: "https://isv" + string(rune('a'+i)) + ".example.com/produceAPI", KeyID: k.ID})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return m, out
}

func kitInput(addr uint, loginURL string) models.KitAppInput {
	return models.KitAppInput{Name: "协同办公", AuthMode: models.KitAuthOAuth2, AddressID: addr, LoginType: models.KitLoginOwn,
		LoginURL: loginURL, PublicKey: testkeys.Public3072(), Platforms: []string{models.PlatformWeLink}}
}

// TestKitAppCredentials: submitting generates the app ID and a secret shown once and
// kept sealed; the secret rotates; login URLs are unique; another merchant reaches none
// of it.
func TestKitAppCredentials(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	m, addrs := kitSetup(t, env, "kit@example.com")
	app, secret, err := env.Store.CreateKitApp(ctx, models.Actor{}, m, kitInput(addrs[0].ID, "https://app.example.com/login"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(app.ClientID) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(secret) {
		t.Fatalf("app ID %q, secret %q", app.ClientID, secret)
	}
	if app.KeyBits != 3072 || app.OAEPDigest != "sha256" || app.Platforms != "welink" || app.AddressID != addrs[0].ID {
		t.Fatalf("app %+v", app)
	}
	if got, err := env.Store.KitAppSecret(app); err != nil || got != secret {
		t.Fatalf("unsealed %q (%v), want the secret shown", got, err)
	}
	rotated, secret2, err := env.Store.RotateKitAppSecret(ctx, models.Actor{}, m, app.ID)
	if err != nil || secret2 == secret || rotated.SecretGeneration != 2 {
		t.Fatalf("rotation: %v, generation %d, same secret %v", err, rotated.SecretGeneration, secret2 == secret)
	}
	if got, _ := env.Store.KitAppSecret(rotated); got != secret2 {
		t.Fatal("the rotated secret is not the one kept")
	}
	// Neither secret is stored or audited in the clear.
	for _, table := range []string{"kit_apps", "audit_logs"} {
		var rows []map[string]any
		if err := env.DB.R.Table(table).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for col, v := range r {
				if s, ok := v.(string); ok && (strings.Contains(s, secret) || strings.Contains(s, secret2)) {
					t.Fatalf("%s.%s holds an app secret in the clear", table, col)
				}
			}
		}
	}
	// One login URL per app, across merchants.
	other, otherAddrs := kitSetup(t, env, "kit2@example.com")
	if _, _, err := env.Store.CreateKitApp(ctx, models.Actor{}, other, kitInput(otherAddrs[0].ID, "https://app.example.com/login")); !isField(err, "kit.error.login_url_taken") {
		t.Fatalf("a second app with the same login URL: %v", err)
	}
	// Another merchant's address, a basic SaaS address.
	if _, _, err := env.Store.CreateKitApp(ctx, models.Actor{}, other, kitInput(addrs[1].ID, "https://b.example.com/login")); !isField(err, "kit.error.address_required") {
		t.Fatalf("another merchant's address: %v", err)
	}
	if _, _, err := env.Store.CreateKitApp(ctx, models.Actor{}, m, kitInput(addrs[2].ID, "https://c.example.com/login")); !isField(err, "kit.error.address_kit") {
		t.Fatalf("a basic SaaS address: %v", err)
	}
	// Another merchant reaches none of the app.
	if _, err := env.Store.KitAppOf(ctx, other, app.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant read the app: %v", err)
	}
	if _, _, err := env.Store.RotateKitAppSecret(ctx, models.Actor{}, other, app.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant rotated the secret: %v", err)
	}
	if _, _, err := env.Store.UpdateKitApp(ctx, models.Actor{}, other, app.ID, rotated.Version, kitInput(otherAddrs[0].ID, "https://d.example.com/login")); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant changed the app: %v", err)
	}
	if got, err := env.Store.KitAppByClientID(ctx, app.ClientID); err != nil || got.ID != app.ID {
		t.Fatalf("by app ID: %v", err)
	}
	if _, err := env.Store.KitAppByClientID(ctx, ""); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("an empty app ID found an app")
	}
}

// TestKitAppPublicKeyChecks: only a PEM RSA public key of at least 3072 bits passes, each
// other kind with its own message; a private key is dropped, never kept.
func TestKitAppPublicKeyChecks(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                                      "kit.error.key_required",
		testkeys.PrivatePEM(testkeys.RSA3072()): "kit.error.key_private",
		testkeys.CertificatePEM():               "kit.error.key_certificate",
		testkeys.ECPublicPEM():                  "kit.error.key_not_rsa",
		testkeys.Public2048():                   "kit.error.key_small",
		"ssh-rsa AAAAB3NzaC1yc2E":               "kit.error.key_pem",
		"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----": "kit.error.key_pem",
	}
	for key, want := range cases {
		in := kitInput(1, "https://app.example.com/login")
		in.PublicKey = key
		errs := models.CheckKitAppInput(&in)
		if len(errs) != 1 || errs[0].Field != "public_key" || errs[0].Key != want {
			t.Errorf("key %.40q: %v, want %s", key, errs, want)
		}
		if strings.Contains(key, "PRIVATE") && in.PublicKey != "" {
			t.Error("a pasted private key was kept in the input")
		}
	}
	for _, key := range []string{testkeys.Public3072(), testkeys.PKCS1PublicPEM(testkeys.RSA3072())} {
		in := kitInput(1, "https://app.example.com/login")
		in.PublicKey = "\n  " + key + "\n"
		if errs := models.CheckKitAppInput(&in); len(errs) != 0 {
			t.Errorf("a 3072-bit key refused: %v", errs)
		}
	}
	in := models.KitAppInput{Name: " ", AuthMode: "basic", LoginType: "x", LoginURL: "http://app.example.com/", OAEPDigest: "md5",
		Platforms: []string{"elsewhere"}, PublicKey: testkeys.Public3072()}
	got := map[string]string{}
	for _, fe := range models.CheckKitAppInput(&in) {
		got[fe.Field] = fe.Key
	}
	want := map[string]string{"name": "saas.error.name_required", "auth_mode": "kit.error.auth_mode", "login_type": "kit.error.login_type",
		"login_url": "kit.login_error.https", "oaep_digest": "kit.error.digest", "platforms": "kit.error.platform", "address_id": "kit.error.address_required"}
	for f, k := range want {
		if got[f] != k {
			t.Errorf("%s: %q, want %q", f, got[f], k)
		}
	}
}

// TestKitAppAddressChangeIsReviewed: a different production address waits for a
// reviewer (one request per app at a time) and applies on approval; the address an app
// uses keeps its URL and cannot be deleted.
func TestKitAppAddressChangeIsReviewed(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	m, addrs := kitSetup(t, env, "kit@example.com")
	app, _, err := env.Store.CreateKitApp(ctx, models.Actor{}, m, kitInput(addrs[0].ID, "https://app.example.com/login"))
	if err != nil {
		t.Fatal(err)
	}
	in := kitInput(addrs[1].ID, "https://app.example.com/login2")
	in.Name = "协同办公 2"
	updated, change, err := env.Store.UpdateKitApp(ctx, models.Actor{}, m, app.ID, app.Version, in)
	if err != nil || change == nil {
		t.Fatalf("update: %v, change %v", err, change)
	}
	if updated.AddressID != addrs[0].ID || updated.Name != "协同办公 2" || updated.LoginURL != "https://app.example.com/login2" {
		t.Fatalf("after the update: %+v", updated)
	}
	if change.Kind != models.ChangeKitAddress || change.SubjectID != app.ID || change.Status != models.ChangePending {
		t.Fatalf("change %+v", change)
	}
	if _, _, err := env.Store.UpdateKitApp(ctx, models.Actor{}, m, app.ID, app.Version, in); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a stale version: %v", err)
	}
	if _, _, err := env.Store.UpdateKitApp(ctx, models.Actor{}, m, app.ID, updated.Version, in); !errors.Is(err, models.ErrChangePending) {
		t.Fatalf("a second address change while one waits: %v", err)
	}
	// The address in use keeps its URL and stays.
	if _, err := env.Store.SaveProductionAddress(ctx, models.Actor{}, m, addrs[0].ID, models.AddressInput{Name: "renamed", InterfaceType: models.InterfaceKit,
		Protocol: models.ProtocolV2, URL: "https://moved.example.com/produceAPI", KeyID: addrs[0].KeyID}); !isField(err, "saas.error.kit_in_use") {
		t.Fatalf("the app's address changed its URL: %v", err)
	}
	var inUse *models.AddressInUseError
	if err := env.Store.DeleteProductionAddress(ctx, models.Actor{}, m, addrs[0].ID); !errors.As(err, &inUse) || len(inUse.Apps) != 1 {
		t.Fatalf("the app's address deleted: %v", err)
	}
	rev, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.DecideChange(ctx, models.Actor{UserID: rev.ID}, change.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	got, err := env.Store.KitAppOf(ctx, m, app.ID)
	if err != nil || got.AddressID != addrs[1].ID {
		t.Fatalf("after approval the app uses address %d (%v), want %d", got.AddressID, err, addrs[1].ID)
	}
	if p, err := env.Store.PendingKitAddresses(ctx, m); err != nil || len(p) != 0 {
		t.Fatalf("a change still pending: %v %v", p, err)
	}
	// The old address is free again.
	if err := env.Store.DeleteProductionAddress(ctx, models.Actor{}, m, addrs[0].ID); err != nil {
		t.Fatalf("the address no app uses any more: %v", err)
	}
}
