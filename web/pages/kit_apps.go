package pages

import (
	"strconv"

	"sellercenter/models"
	"sellercenter/web/view"
)

// KitAppRow is one app credential with its production address and any address change
// waiting for a reviewer.
type KitAppRow struct {
	App      models.KitApp
	Address  models.ProductionAddress // the address in use (zero when it is gone)
	Pending  *models.KitAddressChange // the address a reviewer has yet to approve
	Test     *models.KitTestTenant    // the app's test tenant, once requested
	Bindings int64                    // organisations the app is bound to (批量订单设置 pushes to them)
}

// KitAppsVM is the app credentials page (应用凭证).
type KitAppsVM struct {
	Active bool
	Rows   []KitAppRow
	// Shown once, right after submission or rotation.
	NewSecret string
	NewApp    *models.KitApp
	Rotated   bool
}

// KitAppFields is the app credential form as typed.
type KitAppFields struct {
	Name       string   `form:"name" validate:"max=200"`
	AuthMode   string   `form:"auth_mode" validate:"max=10"`
	AddressID  string   `form:"address_id" validate:"max=12"`
	LoginType  string   `form:"login_type" validate:"max=10"`
	LoginURL   string   `form:"login_url" validate:"max=2000"`
	PublicKey  string   `form:"public_key" validate:"max=20000"`
	OAEPDigest string   `form:"oaep_digest" validate:"max=10"`
	Platforms  []string `form:"platforms" validate:"max=4,dive,max=20"`
	Version    string   `form:"version" validate:"max=12"`
}

// KitAppFormVM is the new or edit app credential form.
type KitAppFormVM struct {
	Existing  *models.KitApp
	Form      KitAppFields
	Addresses []models.ProductionAddress // the merchant's addresses (the form offers the kit ones)
	Pending   *models.KitAddressChange
	Errors    view.Errors
	DevHint   bool // development: loopback login URLs allowed
}

// KitAppFieldsOf fills the form from a saved app credential.
func KitAppFieldsOf(a models.KitApp) KitAppFields {
	return KitAppFields{Name: a.Name, AuthMode: a.AuthMode, AddressID: strconv.FormatUint(uint64(a.AddressID), 10), LoginType: a.LoginType,
		LoginURL: a.LoginURL, PublicKey: a.PublicKey, OAEPDigest: a.OAEPDigest, Platforms: a.PlatformList(), Version: strconv.Itoa(a.Version)}
}

// kitAppOptions are the merchant's app credentials as select options (their own names).
func kitAppOptions(apps []models.KitApp) []view.Option {
	out := make([]view.Option, 0, len(apps))
	for _, a := range apps {
		out = append(out, view.Option{Value: strconv.FormatUint(uint64(a.ID), 10), Label: a.Name + " (" + a.ClientID + ")", Raw: true})
	}
	return out
}

// KitTryLoginVM is "try unified login" of an app credential: each step of the OAuth
// 2.0 flow with the app's test tenant administrator, as it goes.
type KitTryLoginVM struct {
	App          models.KitApp
	Test         models.KitTestTenant
	AuthorizeURL string // 1. where the app sends the user
	Account      string // 2. who signed in
	RedirectURL  string // 3. where the platform sends the user back, with the code
	Code         string
	State        string
	Verifier     string
	// 4.–5., once exchanged here: the token request (secret elided) and the answers.
	Exchanged    bool
	TokenRequest string
	TokenStatus  int
	TokenBody    string
	InfoStatus   int
	InfoBody     string
}
