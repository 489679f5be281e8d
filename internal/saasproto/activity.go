package saasproto

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Version is the protocol generation a production address speaks.
type Version string

// The two protocol versions.
const (
	V1 Version = "v1" // GET with authToken, replies signed with Body-Sign
	V2 Version = "v2" // POST JSON with a URL signature
)

// ParseVersion reads "v1" or "v2".
func ParseVersion(s string) (Version, bool) {
	switch Version(strings.ToLower(strings.TrimSpace(s))) {
	case V1:
		return V1, true
	case V2:
		return V2, true
	}
	return "", false
}

// Activities of the protocol (the activity parameter, or the kit call's name).
const (
	NewInstance          = "newInstance"
	QueryInstance        = "queryInstance"
	RefreshInstance      = "refreshInstance"
	ExpireInstance       = "expireInstance"       // V1
	InstanceStatus       = "instanceStatus"       // V1, on-demand products
	UpdateInstanceStatus = "updateInstanceStatus" // V2
	ReleaseInstance      = "releaseInstance"
	Upgrade              = "upgrade"         // V1
	UpgradeInstance      = "upgradeInstance" // V2
	OrderNotify          = "orderNotify"     // V2
	TenantSync           = "tenantSync"      // kit
	ApplicationSync      = "applicationSync" // kit
	AuthSync             = "authSync"        // kit
	SingleOrgSync        = "singleOrgSync"   // kit
	AllOrgSync           = "allOrgSync"      // kit
	// License 2.0 pushes to the License address (V2 signing).
	RefreshLicenseCode      = "refreshLicenseCode"
	UpdateLicenseCodeStatus = "updateLicenseCodeStatus"
	ReleaseLicenseCode      = "releaseLicenseCode"
)

// Kind is the type of a parameter's value.
type Kind int

// Parameter kinds.
const (
	KindText   Kind = iota // free text
	KindDigits             // decimal digits
	KindTime14             // yyyyMMddHHmmss
	KindAmount             // yuan with at most 3 decimals
	KindOption             // one of Options
	KindEmail
	KindMobile
	KindIDList // comma-separated instance ids, at most MaxQueryIDs
	KindPEM    // an RSA public key (not sent: encrypts clientSecret)
	KindFixed  // set by the platform, shown but not editable
)

// MaxQueryIDs is the most instance ids one queryInstance may ask for.
const MaxQueryIDs = 100

// MaxExtendParams is the most saasExtendParams a product may have.
const MaxExtendParams = 3

// Field is one test parameter of an activity. Names are the protocol's; composite
// parameters use dotted names (saasExtendParams.1.name, platformParams.tenantName,
// user.role) that the builder folds into the wire form.
type Field struct {
	Name      string
	Required  bool
	Kind      Kind
	Max       int // characters; 0: no limit beyond the kind's
	Options   []string
	Sensitive bool // AES-encrypted on the wire (§4)
}

// Spec describes one activity of one version.
type Spec struct {
	Version  Version
	Activity string
	Kit      bool // a joint-operation kit call: POST to /produceAPI[/v2]/<activity>
	Fields   []Field
}

// Path is the path a kit call appends to the production address.
func (s Spec) Path() string {
	if !s.Kit {
		return ""
	}
	if s.Version == V2 {
		return "/produceAPI/v2/" + s.Activity
	}
	return "/produceAPI/" + s.Activity
}

func f(name string, required bool, kind Kind, max int, options ...string) Field {
	return Field{Name: name, Required: required, Kind: kind, Max: max, Options: options}
}

var (
	linear = []Field{f("amount", false, KindDigits, 9), f("diskSize", false, KindDigits, 9), f("bandWidth", false, KindDigits, 9)}
	ext    = func() []Field {
		var out []Field
		for i := 1; i <= MaxExtendParams; i++ {
			out = append(out, f(fmt.Sprintf("saasExtendParams.%d.name", i), false, KindText, 64),
				f(fmt.Sprintf("saasExtendParams.%d.value", i), false, KindText, 256))
		}
		return out
	}()
	platform = []Field{f("platformParams.tenantName", false, KindText, 128),
		f("platformParams.tennantId", false, KindText, 64), f("platformParams.userId", false, KindText, 128)}
	user = []Field{f("user.userName", true, KindText, 64), f("user.name", false, KindText, 64),
		f("user.position", false, KindText, 64), f("user.orgCode", false, KindText, 64),
		f("user.role", true, KindOption, 0, "user", "admin"), f("user.enable", true, KindOption, 0, "true", "false"),
		f("user.employeeCode", false, KindText, 64), f("user.mobile", false, KindMobile, 0), f("user.email", false, KindEmail, 0)}
	flag = f("flag", true, KindOption, 0, "0", "1", "2")
)

func cat(groups ...[]Field) []Field {
	var out []Field
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var specs = []Spec{
	{Version: V1, Activity: NewInstance, Fields: cat([]Field{
		f("customerId", true, KindText, 64), f("customerName", false, KindText, 128),
		f("userId", false, KindText, 64), f("userName", false, KindText, 128),
		{Name: "mobilePhone", Kind: KindMobile, Sensitive: true}, {Name: "email", Kind: KindEmail, Sensitive: true},
		f("businessId", true, KindText, 64), f("orderId", true, KindText, 64),
		f("skuCode", true, KindText, 64), f("productId", true, KindText, 64),
		f("trialFlag", false, KindOption, 0, "0", "1"), f("expireTime", false, KindTime14, 0),
		f("chargingMode", false, KindOption, 0, "1", "3"), f("periodType", false, KindOption, 0, "year", "month"),
		f("periodNumber", false, KindDigits, 4), f("orderAmount", false, KindAmount, 0)}, linear, ext, platform)},
	{Version: V1, Activity: QueryInstance, Fields: []Field{f("instanceId", true, KindIDList, 0)}},
	{Version: V1, Activity: RefreshInstance, Fields: []Field{
		f("orderId", true, KindText, 64), f("instanceId", true, KindText, 64), f("productId", true, KindText, 64),
		f("expireTime", true, KindTime14, 0), f("trialToFormal", false, KindOption, 0, "0", "1"),
		f("periodType", false, KindOption, 0, "year", "month"), f("periodNumber", false, KindDigits, 4),
		f("orderAmount", false, KindAmount, 0)}},
	{Version: V1, Activity: ExpireInstance, Fields: []Field{f("instanceId", true, KindText, 64), f("orderId", true, KindText, 64)}},
	{Version: V1, Activity: InstanceStatus, Fields: []Field{f("instanceId", true, KindText, 64),
		f("instanceStatus", true, KindOption, 0, "FREEZE", "NORMAL")}},
	{Version: V1, Activity: ReleaseInstance, Fields: []Field{f("instanceId", true, KindText, 64), f("orderId", true, KindText, 64)}},
	{Version: V1, Activity: Upgrade, Fields: cat([]Field{f("instanceId", true, KindText, 64), f("orderId", true, KindText, 64),
		f("skuCode", true, KindText, 64), f("productId", true, KindText, 64)}, linear)},

	{Version: V2, Activity: NewInstance, Fields: []Field{f("businessId", true, KindText, 64),
		f("orderId", true, KindText, 64), f("orderLineId", true, KindText, 64)}},
	{Version: V2, Activity: QueryInstance, Fields: []Field{f("instanceId", true, KindIDList, 0)}},
	{Version: V2, Activity: RefreshInstance, Fields: []Field{
		f("scene", true, KindOption, 0, "TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD"),
		f("orderId", true, KindText, 64), f("orderLineId", true, KindText, 64), f("instanceId", true, KindText, 64),
		f("productId", true, KindText, 64), f("expireTime", true, KindTime14, 0)}},
	{Version: V2, Activity: UpdateInstanceStatus, Fields: []Field{f("instanceId", true, KindText, 64),
		f("status", true, KindOption, 0, "FREEZE", "UNFREEZE")}},
	{Version: V2, Activity: ReleaseInstance, Fields: []Field{f("instanceId", true, KindText, 64),
		f("orderId", true, KindText, 64), f("orderLineId", true, KindText, 64)}},
	{Version: V2, Activity: UpgradeInstance, Fields: []Field{f("instanceId", true, KindText, 64),
		f("orderId", true, KindText, 64), f("orderLineId", true, KindText, 64)}},
	{Version: V2, Activity: OrderNotify, Fields: []Field{f("orderId", true, KindText, 64), f("orderLineId", true, KindText, 64)}},
	{Version: V2, Activity: RefreshLicenseCode, Fields: []Field{f("scene", true, KindOption, 0, "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD"),
		f("orderId", true, KindText, 64), f("orderLineId", true, KindText, 64), f("license", true, KindText, 64),
		f("productId", false, KindText, 64), f("expireTime", true, KindTime14, 0)}},
	{Version: V2, Activity: UpdateLicenseCodeStatus, Fields: []Field{f("license", true, KindText, 64),
		f("status", true, KindOption, 0, "FREEZE", "UNFREEZE")}},
	{Version: V2, Activity: ReleaseLicenseCode, Fields: []Field{f("license", true, KindText, 64)}},
}

func init() {
	for _, v := range []Version{V1, V2} {
		specs = append(specs,
			Spec{Version: v, Activity: TenantSync, Kit: true, Fields: []Field{
				f("instanceId", true, KindText, 64), f("orderId", true, KindText, 64), f("tenantId", true, KindText, 64),
				f("tenantCode", true, KindText, 64), f("name", true, KindText, 128), f("domainName", false, KindText, 256), flag}},
			Spec{Version: v, Activity: ApplicationSync, Kit: true, Fields: []Field{
				f("instanceId", true, KindText, 64), f("tenantId", true, KindText, 64), f("appId", true, KindText, 64),
				f("clientId", true, KindText, 64), f("clientSecret", true, KindText, 128),
				f("publicKey", true, KindPEM, 0), f("oaepDigest", true, KindOption, 0, OAEPSHA256, OAEPSHA1), flag}},
			Spec{Version: v, Activity: AuthSync, Kit: true, Fields: cat([]Field{
				f("instanceId", true, KindText, 64), f("tenantId", true, KindText, 64), f("appId", true, KindText, 64)},
				user, []Field{flag})},
			Spec{Version: v, Activity: SingleOrgSync, Kit: true, Fields: []Field{
				f("instanceId", true, KindText, 64), f("tenantId", true, KindText, 64), f("orgCode", true, KindText, 64),
				f("orgName", true, KindText, 128), f("parentCode", false, KindText, 64), flag}},
			Spec{Version: v, Activity: AllOrgSync, Kit: true, Fields: []Field{
				f("instanceId", true, KindText, 64), f("tenantId", true, KindText, 64), f("orgCode", true, KindText, 64),
				f("orgName", true, KindText, 128), f("parentCode", false, KindText, 64)}},
		)
	}
}

// Specs lists the activities of version v in the console's order.
func Specs(v Version) []Spec {
	var out []Spec
	for _, s := range specs {
		if s.Version == v {
			out = append(out, s)
		}
	}
	return out
}

// Lookup finds the spec of an activity in version v.
func Lookup(v Version, activity string) (Spec, bool) {
	for _, s := range specs {
		if s.Version == v && s.Activity == activity {
			return s, true
		}
	}
	return Spec{}, false
}

// Billing modes, as the product's specs name them.
const (
	BillingPeriod   = "period"
	BillingOneTime  = "one_time"
	BillingOnDemand = "on_demand"
	BillingPackage  = "package"
)

// RequiredActivities lists the activities whose debug cases must pass before a product
// with these billing modes can be submitted: V1 period → new, refresh, expire, release;
// one-time (and packages) → new, release; on-demand → new, instanceStatus, release. V2
// has the same set with its own names (expiry and status are updateInstanceStatus), plus
// queryInstance, since a V2 new purchase is only complete once the query answers.
func RequiredActivities(v Version, billingModes []string) []string {
	need := map[string]bool{NewInstance: true, ReleaseInstance: true}
	if v == V2 {
		need[QueryInstance] = true
	}
	for _, m := range billingModes {
		switch m {
		case BillingPeriod:
			need[RefreshInstance] = true
			if v == V1 {
				need[ExpireInstance] = true
			} else {
				need[UpdateInstanceStatus] = true
			}
		case BillingOnDemand:
			if v == V1 {
				need[InstanceStatus] = true
			} else {
				need[UpdateInstanceStatus] = true
			}
		}
	}
	var out []string
	for _, s := range Specs(v) {
		if need[s.Activity] {
			out = append(out, s.Activity)
		}
	}
	return out
}

// Defaults are prefilled test parameters for spec s: the WeLink test tenant, fresh
// order and business ids, a year's expiry. Callers override product ids and instances.
func Defaults(s Spec, now time.Time) map[string]string {
	now = now.UTC()
	order := "CS" + now.Format("0601021504") + strings.ToUpper(randHex(3))
	p := map[string]string{
		"customerId": randHex(16), "customerName": "isv测试企业", "userId": randHex(16), "userName": "admin@isvtest",
		"mobilePhone": "13800000000", "email": "isvtest@example.com",
		"skuCode": "00301-000001-0--0-sku", "productId": "00301-000001-0--0",
		"businessId": uuid(), "orderId": order, "orderLineId": order + "-000001",
		"trialFlag": "0", "expireTime": now.AddDate(1, 0, 0).Format("20060102150405"),
		"chargingMode": "1", "periodType": "year", "periodNumber": "1", "orderAmount": "0.01",
		"amount": "", "diskSize": "", "bandWidth": "",
		"platformParams.tenantName": "isv测试企业", "platformParams.tennantId": "4CA08CF8F3E34566A07584D4C74D41ED",
		"platformParams.userId":   "admin@isvtest",
		"saasExtendParams.1.name": "emailDomainName", "saasExtendParams.1.value": "isvtest.example.com",
		"trialToFormal": "0", "scene": "RENEWAL", "status": "FREEZE", "instanceStatus": "FREEZE",
		"tenantId": "68cbc86abc2018ab880d92f36422fa0e", "tenantCode": "isvtest", "name": "isv测试企业",
		"domainName": "https://isvtest.example.com", "flag": "1", "appId": randHex(16), "clientId": randHex(16),
		"clientSecret": randHex(16), "oaepDigest": OAEPSHA256,
		"user.userName": "admin", "user.name": "测试管理员", "user.role": "admin", "user.enable": "true",
		"user.orgCode": "root", "orgCode": "root", "orgName": "isv测试企业",
		"license": testLicense(),
	}
	out := map[string]string{}
	for _, fl := range s.Fields {
		if v, ok := p[fl.Name]; ok {
			out[fl.Name] = v
		}
	}
	return out
}

// testLicense is a License code of the platform's form (five groups of five) for tests.
func testLicense() string {
	h := strings.ToUpper(randHex(13))
	return h[0:5] + "-" + h[5:10] + "-" + h[10:15] + "-" + h[15:20] + "-" + h[20:25]
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func uuid() string {
	h := randHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
