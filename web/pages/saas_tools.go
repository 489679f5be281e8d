package pages

import (
	"context"
	"strconv"
	"time"

	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// SaaSToolsVM is the application tools overview (应用工具).
type SaaSToolsVM struct {
	Active      bool // onboarding complete: the tools may be used
	Keys        int
	Addresses   int
	KitApps     int
	Calls       int
	OrderNotify bool
}

// KeyRow is one access key with what uses it.
type KeyRow struct {
	Key       models.AccessKey
	Addresses []models.ProductionAddress
	Products  []models.Product
	OldLive   bool // a rotation's old secret still works
}

// SaaSKeysVM is key management (密钥管理).
type SaaSKeysVM struct {
	Active bool
	Rows   []KeyRow
	Grace  time.Duration
	Name   string
	Errors view.Errors
	// Shown once, right after creation or rotation.
	NewSecret string
	NewKey    *models.AccessKey
	Rotated   bool
	// InUse names the addresses that keep a key from being revoked.
	InUse    []string
	InUseKey string
}

// AddressRow is one production address with its key and products.
type AddressRow struct {
	Address  models.ProductionAddress
	KeyName  string
	KeyOK    bool
	Products []models.Product
}

// SaaSAddressesVM lists production addresses (生产地址).
type SaaSAddressesVM struct {
	Active bool
	Rows   []AddressRow
	// InUse names the products that keep an address from being deleted.
	InUse     []string
	InUseAddr string
}

// AddressFields is the address form as typed.
type AddressFields struct {
	Name          string `form:"name" validate:"max=200"`
	InterfaceType string `form:"interface_type" validate:"max=20"`
	Protocol      string `form:"protocol" validate:"max=5"`
	URL           string `form:"url" validate:"max=2000"`
	KeyID         string `form:"key_id" validate:"max=12"`
	Confirmed     string `form:"confirmed" validate:"max=5"`
}

// SaaSAddressFormVM is the new or edit address form.
type SaaSAddressFormVM struct {
	Existing *models.ProductionAddress
	Form     AddressFields
	Keys     []models.AccessKey
	Errors   view.Errors
	Affected []models.Product // on-sale products the change affects: confirm first
	DevHint  bool             // development: http://127.0.0.1 and the reference endpoint allowed
	DemoURL  string           // the reference endpoint served by this server, in development
}

func interfaceOptions() []view.Option {
	out := make([]view.Option, len(models.InterfaceTypes))
	for i, t := range models.InterfaceTypes {
		out[i] = view.Option{Value: t, Label: "saas.interface." + t}
	}
	return out
}

func protocolOptions() []view.Option {
	return []view.Option{{Value: models.ProtocolV2, Label: "saas.protocol.v2"}, {Value: models.ProtocolV1, Label: "saas.protocol.v1"}}
}

func keyOptions(keys []models.AccessKey) []view.Option {
	var out []view.Option
	for _, k := range keys {
		if k.Status == models.KeyActive {
			out = append(out, view.Option{Value: strconv.FormatUint(uint64(k.ID), 10), Label: k.Name + " (" + k.SecretMasked + ")", Raw: true})
		}
	}
	return out
}

func hours(d time.Duration) int { return int(d / time.Hour) }

// productLabel is the product's name in the reader's language.
func productLabel(ctx context.Context, p models.Product) string {
	return ProductName(i18n.Lang(ctx), p.NameZh, p.NameEn)
}

func keyStatusTone(s string) string {
	if s == models.KeyActive {
		return "green"
	}
	return "gray"
}

func listingTone(s string) string {
	if s == models.ListingOnSale {
		return "green"
	}
	return "gray"
}

// SaaSAPIVM documents the open APIs merchants call, with a signed example.
type SaaSAPIVM struct {
	Keys      []models.AccessKey
	KeyID     string
	Endpoint  string // the order query's full URL for a mock order
	Curl      string // a signed curl command for it; "" without an active key
	ValidTill time.Time
	Mocks     []string
}
