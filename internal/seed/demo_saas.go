package seed

import (
	"context"
	"fmt"
	"strings"

	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// DefaultDemoSaaSAddress is the reference merchant endpoint a development server on the
// default address serves (handlers.SaaSDemoPath).
const DefaultDemoSaaSAddress = "http://localhost:8080/saasdemo"

// demoIntegration is the demo merchant's application tools: a key, the production
// address of the reference endpoint, and that endpoint in memory for the debug cases.
type demoIntegration struct {
	key    models.AccessKey
	secret string
	addr   models.ProductionAddress
	demo   *saasdemo.Server
	app    models.KitApp // the joint-operation app credential on the kit address
	// license is the License address online codes' changes are pushed to.
	license models.ProductionAddress
}

// seedIntegration creates the demo merchant's access key and a V2 production address
// pointing at the reference endpoint the development server serves.
func (s store) seedIntegration(ctx context.Context, a models.Actor, mid uint, address string) (*demoIntegration, error) {
	if address == "" {
		address = DefaultDemoSaaSAddress
	}
	k, secret, err := s.CreateAccessKey(ctx, a, mid, "演示密钥 Demo key")
	if err != nil {
		return nil, err
	}
	addr, err := s.SaveProductionAddress(ctx, a, mid, 0, models.AddressInput{Name: "参考商家端点 Reference endpoint",
		InterfaceType: models.InterfaceSaaS, Protocol: models.ProtocolV2, URL: address, KeyID: k.ID, AllowDev: true})
	if err != nil {
		return nil, fmt.Errorf("demo production address %s: %w", address, err)
	}
	// The same endpoint answers the joint-operation kit's sync calls: the console's kit
	// tabs work with it too.
	kitAddr, err := s.SaveProductionAddress(ctx, a, mid, 0, models.AddressInput{Name: "参考商家端点（联营Kit）Reference endpoint (kit)",
		InterfaceType: models.InterfaceKit, Protocol: models.ProtocolV2, URL: address, KeyID: k.ID, AllowDev: true})
	if err != nil {
		return nil, fmt.Errorf("demo kit address %s: %w", address, err)
	}
	// And the License pushes of the demo License delivered by online codes.
	licenseAddr, err := s.SaveProductionAddress(ctx, a, mid, 0, models.AddressInput{Name: "参考商家端点（License）Reference endpoint (License)",
		InterfaceType: models.InterfaceLicense, Protocol: models.ProtocolV2, URL: address, KeyID: k.ID, AllowDev: true})
	if err != nil {
		return nil, fmt.Errorf("demo License address %s: %w", address, err)
	}
	o := saasdemo.Options{Keys: func() []string { return []string{secret} }, Now: s.Now}
	if s.ref != nil {
		o.PrivateKey = s.ref.key
	}
	demo := saasdemo.New(o)
	if s.ref != nil {
		s.ref.handler = demo
	}
	// The joint-operation app: its secret is encrypted to the reference endpoint's key,
	// and the endpoint's /login page signs users in through unified login.
	pub, err := demo.PublicKeyPEM()
	if err != nil {
		return nil, err
	}
	app, _, err := s.CreateKitApp(ctx, a, mid, models.KitAppInput{Name: "云协同办公 Kit", AuthMode: models.KitAuthOAuth2, AddressID: kitAddr.ID,
		LoginType: models.KitLoginOwn, LoginURL: strings.TrimRight(address, "/") + "/login", PublicKey: pub, OAEPDigest: saasproto.OAEPSHA256, AllowDev: true})
	if err != nil {
		return nil, fmt.Errorf("demo app credential: %w", err)
	}
	return &demoIntegration{key: k, secret: secret, addr: addr, demo: demo, app: app, license: licenseAddr}, nil
}

// passDebugCases makes the calls the product's billing modes require against the
// reference endpoint, in memory, and records them as the console records its calls:
// they become the product's debug cases.
func (s store) passDebugCases(ctx context.Context, userID, mid, productID uint, c models.ProductContent, in *demoIntegration) error {
	var instance string
	for _, act := range saasproto.RequiredActivities(saasproto.Version(in.addr.Protocol), models.BillingModesOf(c)) {
		spec, _ := saasproto.Lookup(saasproto.Version(in.addr.Protocol), act)
		p := saasproto.Defaults(spec, s.Now())
		if _, ok := p["instanceId"]; ok || act != saasproto.NewInstance {
			p["instanceId"] = instance
		}
		call := saasproto.Call{Version: spec.Version, Activity: act, Address: in.addr.URL, AccessKey: in.secret,
			EncryptType: c.SaaS.EncryptType, Params: p, Now: s.Now()}
		req, problems, err := call.Build()
		if err != nil || len(problems) > 0 {
			return fmt.Errorf("demo debug case %s: %v %v", act, err, problems)
		}
		res := saasdebug.DoLocal(call, req, in.demo)
		if !res.Passed() {
			ch, _ := res.Outcome.Failed()
			return fmt.Errorf("demo debug case %s failed: %s", act, ch.Message)
		}
		if act == saasproto.NewInstance && len(res.Outcome.InstanceIDs) > 0 {
			instance = res.Outcome.InstanceIDs[0]
		}
		rec := saasdebug.Record(call, res)
		pid, aid, kid := productID, in.addr.ID, in.key.ID
		rec.UserID, rec.ProductID, rec.AddressID, rec.KeyID, rec.KeyGeneration = userID, &pid, &aid, &kid, in.key.Generation
		if _, err := s.RecordDebugCall(ctx, mid, rec); err != nil {
			return err
		}
	}
	return nil
}
