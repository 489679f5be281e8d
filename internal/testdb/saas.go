package testdb

import (
	"context"
	"testing"

	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// ReadySaaS gives a SaaS product's content what submission needs from the application
// tools: a production address with an active key (made when c has none) and a passing
// debug case for each activity its billing modes require (none for productID 0), recorded through the store as
// the console records them. It returns the address.
func ReadySaaS(t testing.TB, env *Env, merchantID, productID uint, c *models.ProductContent) models.ProductionAddress {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{Email: "fixture@example.com"}
	if c.SaaS == nil {
		c.SaaS = &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1"}
	}
	var addr models.ProductionAddress
	var err error
	if c.SaaS.AddressID != nil {
		if addr, err = env.Store.ProductionAddressOf(ctx, merchantID, *c.SaaS.AddressID); err != nil {
			t.Fatal(err)
		}
	} else if reuse := fixtureAddress(t, env, merchantID); reuse != nil {
		addr = *reuse
		c.SaaS.AddressID = &addr.ID
	} else {
		k, _, err := env.Store.CreateAccessKey(ctx, act, merchantID, "fixture key")
		if err != nil {
			t.Fatal(err)
		}
		addr, err = env.Store.SaveProductionAddress(ctx, act, merchantID, 0, models.AddressInput{Name: "fixture address",
			InterfaceType: models.InterfaceSaaS, Protocol: models.ProtocolV2, URL: "https://isv.example.com/saas", KeyID: k.ID})
		if err != nil {
			t.Fatal(err)
		}
		c.SaaS.AddressID = &addr.ID
	}
	if productID == 0 {
		return addr
	}
	k, err := env.Store.AccessKeyOf(ctx, merchantID, addr.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range saasproto.RequiredActivities(saasproto.Version(addr.Protocol), models.BillingModesOf(*c)) {
		pid, aid, kid := productID, addr.ID, k.ID
		if _, err := env.Store.RecordDebugCall(ctx, merchantID, models.DebugCall{ProductID: &pid, AddressID: &aid, KeyID: &kid,
			KeyGeneration: k.Generation, Exchange: models.Exchange{Protocol: addr.Protocol, Activity: a, Params: "{}", Method: "POST", URL: addr.URL,
				ReqHeaders: "{}", ReqBody: "{}", Status: 200, RespHeaders: "{}", RespBody: `{"resultCode":"000000","resultMsg":"success"}`,
				Checks: "[]", Passed: true}}); err != nil {
			t.Fatal(err)
		}
	}
	return addr
}

// fixtureAddress is the address an earlier ReadySaaS made for the merchant, if any.
func fixtureAddress(t testing.TB, env *Env, merchantID uint) *models.ProductionAddress {
	t.Helper()
	addrs, err := env.Store.ProductionAddressesOf(context.Background(), merchantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if a.Name == "fixture address" {
			return &a
		}
	}
	return nil
}
