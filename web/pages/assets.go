package pages

import (
	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// AssetListVM is the asset center list.
type AssetListVM struct {
	Items  []models.Asset
	Kind   string
	Status string
	Active bool
	Pager  view.Pager
}

// AssetFields are the typed values of the asset form.
type AssetFields struct {
	Name, AssetVersion, Description, DeclaredChecksum string
	ImageID, ImageKind, FromPublic, FlavorFamily      string
	OSType, OSVersion, Domain                         string
	Regions                                           []string
}

// AssetFormVM is the new or edit asset form.
type AssetFormVM struct {
	Kind     string
	Existing *models.Asset
	Form     AssetFields
	Regions  []models.Region // the catalog this merchant may use
	Errors   view.Errors
}

// AssetVM is one asset's page.
type AssetVM struct {
	Asset       models.Asset
	Regions     []string
	Catalog     []models.Region
	Files       []components.FileLink
	InUse       int64
	VerifyURL   string
	VerifyError string
}

// AssetStatusBadge maps an asset state to its label and tone.
func AssetStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.AssetApproved: "green", models.AssetScanning: "yellow", models.AssetRejected: "red"}[status]
	return components.BadgeProps{Label: "asset.status." + status, Tone: tone, TestID: "asset-status"}
}

func assetKindOptions() []view.Option {
	var out []view.Option
	for _, k := range models.AssetKinds {
		out = append(out, view.Option{Value: k, Label: "asset.kind." + k})
	}
	return out
}

func assetStatusOptions() []view.Option {
	var out []view.Option
	for _, s := range []string{models.AssetDraft, models.AssetScanning, models.AssetApproved, models.AssetRejected} {
		out = append(out, view.Option{Value: s, Label: "asset.status." + s})
	}
	return out
}

func imageKindOptions() []view.Option {
	var out []view.Option
	for _, k := range models.ImageKinds {
		out = append(out, view.Option{Value: k, Label: "asset.image_kind." + k})
	}
	return out
}

func flavorOptions() []view.Option {
	var out []view.Option
	for _, f := range models.FlavorFamilies {
		out = append(out, view.Option{Value: f, Label: "asset.flavor." + f})
	}
	return out
}

var osOptions = []view.Option{{Value: "linux", Label: "asset.os.linux"}, {Value: "windows", Label: "asset.os.windows"}}

// regionDisplayName is a region's name in the reader's language.
func regionDisplayName(lang string, r models.Region) string {
	if lang == "zh-CN" {
		return r.NameZh
	}
	return r.NameEn
}

func regionLabel(lang string, catalog []models.Region, code string) string {
	for _, r := range catalog {
		if r.Code == code {
			return regionDisplayName(lang, r) + " (" + code + ")"
		}
	}
	return code
}

func setOf(list []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range list {
		out[s] = true
	}
	return out
}
