package handlers

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/outbound"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// DomainVerifyPath is where a merchant places the verification file of a SaaS domain.
const DomainVerifyPath = "/sellercenter-verify.txt"

// packageMaxBytes bounds a software package upload.
const packageMaxBytes = 1 << 30

var packageRule = UploadRule{Field: "package", Purpose: "package", MaxBytes: packageMaxBytes, MaxFiles: 1}

var (
	assetVersionRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$`)
	imageIDRE      = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{5,63}$`)
	hostnameRE     = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	devHostRE      = regexp.MustCompile(`^[a-z0-9.-]+(?::[0-9]{1,5})?$`)
)

// assetForm is the asset form of every kind; which fields are required depends on it.
type assetForm struct {
	Kind             string   `form:"kind" validate:"required,oneof=package image saas"`
	Name             string   `form:"name" validate:"required,max=100"`
	AssetVersion     string   `form:"asset_version" validate:"required,max=40"`
	Description      string   `form:"description" validate:"max=1000"`
	DeclaredChecksum string   `form:"declared_checksum" validate:"omitempty,len=64,hexadecimal"`
	ImageID          string   `form:"image_id" validate:"max=64"`
	ImageKind        string   `form:"image_kind" validate:"omitempty,oneof=system_disk shared encrypted whole_server marketplace_derived"`
	FromPublic       string   `form:"from_public" validate:"omitempty,oneof=yes no"`
	FlavorFamily     string   `form:"flavor_family" validate:"max=30"`
	OSType           string   `form:"os_type" validate:"omitempty,oneof=linux windows"`
	OSVersion        string   `form:"os_version" validate:"max=100"`
	Regions          []string `form:"regions" validate:"max=20,dive,max=40"`
	Domain           string   `form:"domain" validate:"max=253"`
}

// check applies the rules of the kind.
func (f *assetForm) check(errs view.Errors, allowDevHosts bool) {
	set := func(field, key string) {
		if !errs.Has(field) {
			errs.Set(field, key)
		}
	}
	if f.AssetVersion != "" && !assetVersionRE.MatchString(f.AssetVersion) {
		set("asset_version", "asset.error_version")
	}
	switch f.Kind {
	case models.AssetImage:
		if !imageIDRE.MatchString(f.ImageID) {
			set("image_id", "asset.error_image_id")
		}
		for field, v := range map[string]string{"image_kind": f.ImageKind, "from_public": f.FromPublic, "flavor_family": f.FlavorFamily, "os_type": f.OSType, "os_version": f.OSVersion} {
			if v == "" {
				set(field, "error.required")
			}
		}
		if len(f.Regions) == 0 {
			set("regions", "error.required")
		}
	case models.AssetSaaS:
		f.Domain = strings.ToLower(strings.TrimSuffix(f.Domain, "."))
		ok := hostnameRE.MatchString(f.Domain) || (allowDevHosts && devHostRE.MatchString(f.Domain))
		if f.Domain == "" {
			set("domain", "error.required")
		} else if !ok {
			set("domain", "asset.error_domain")
		}
	}
}

func (f *assetForm) input() models.AssetInput {
	return models.AssetInput{Kind: f.Kind, Name: f.Name, AssetVersion: f.AssetVersion, Description: f.Description,
		DeclaredChecksum: f.DeclaredChecksum, ImageID: f.ImageID, ImageKind: f.ImageKind, FromPublic: f.FromPublic == "yes",
		FlavorFamily: f.FlavorFamily, OSType: f.OSType, OSVersion: f.OSVersion, Regions: f.Regions, Domain: f.Domain}
}

func assetFields(a models.Asset, regions []string) pages.AssetFields {
	f := pages.AssetFields{Name: a.Name, AssetVersion: a.AssetVersion, Description: a.Description, DeclaredChecksum: a.DeclaredChecksum,
		ImageID: a.ImageID, ImageKind: a.ImageKind, FlavorFamily: a.FlavorFamily, OSType: a.OSType, OSVersion: a.OSVersion,
		Regions: regions, Domain: a.Domain}
	if a.Kind == models.AssetImage {
		f.FromPublic = "no"
		if a.FromPublic {
			f.FromPublic = "yes"
		}
	}
	return f
}

// AssetList is the asset center (资产中心).
func (a *App) AssetList(c echo.Context) error {
	m := currentMerchant(c)
	kind, status := c.QueryParam("kind"), c.QueryParam("status")
	if kind != "" && !slices.Contains(models.AssetKinds, kind) || status != "" && !slices.Contains(assetStatuses, status) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	page := pageParam(c)
	rows, total, err := a.Store.Assets(c.Request().Context(), m.ID, models.AssetFilter{Kind: kind, Status: status, Page: page, Per: 20})
	if err != nil {
		return err
	}
	vm := pages.AssetListVM{Items: rows, Kind: kind, Status: status, Active: m.Active(),
		Pager: view.Pager{Page: page, PerPage: 20, Total: total, BaseURL: web.SellerAssets(), Query: filterQuery("kind", kind, "status", status)}}
	return a.render(c, http.StatusOK, pages.AssetListPage(a.page(c), vm), pages.AssetTable(vm))
}

var assetStatuses = []string{models.AssetDraft, models.AssetScanning, models.AssetApproved, models.AssetRejected}

// requireActive keeps the asset center for merchants whose onboarding is complete.
func requireActive(c echo.Context) error {
	if m := currentMerchant(c); m == nil || !m.Active() {
		return models.ErrStepLocked
	}
	return nil
}

// AssetNew shows the form for a new asset, or a new version of an existing one.
func (a *App) AssetNew(c echo.Context) error {
	ctx := c.Request().Context()
	m := currentMerchant(c)
	vm := pages.AssetFormVM{Kind: c.QueryParam("kind"), Errors: view.Errors{}}
	if vm.Kind == "" && c.QueryParam("from") == "" { // the chooser, also before onboarding is done
		choose := pages.ChooserVM{TitleKey: "chooser.asset.title", SubtitleKey: "chooser.asset.subtitle", Locked: requireActive(c) != nil}
		for _, k := range models.AssetKinds {
			choose.Choices = append(choose.Choices, pages.Choice{URL: web.SellerAssetNew(k), LabelKey: "asset.kind." + k,
				HintKey: "chooser.asset.hint." + k, TestID: "choose-" + k})
		}
		return a.render(c, http.StatusOK, pages.ChooserPage(a.page(c), choose), nil)
	}
	if err := requireActive(c); err != nil {
		return err
	}
	if from := c.QueryParam("from"); from != "" {
		id, err := parseID(from)
		if err != nil {
			return err
		}
		src, err := a.Store.AssetOf(ctx, m.ID, id)
		if err != nil {
			return err
		}
		regions, err := a.Store.AssetRegionCodes(ctx, src.ID)
		if err != nil {
			return err
		}
		vm.Kind, vm.Form = src.Kind, assetFields(src, regions)
		vm.Form.AssetVersion, vm.Form.DeclaredChecksum = "", ""
	}
	if !slices.Contains(models.AssetKinds, vm.Kind) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return a.renderAssetForm(c, http.StatusOK, vm)
}

func (a *App) renderAssetForm(c echo.Context, status int, vm pages.AssetFormVM) error {
	regions, err := a.Store.RegionsFor(c.Request().Context(), currentMerchant(c).ID)
	if err != nil {
		return err
	}
	vm.Regions = regions
	return a.render(c, status, pages.AssetFormPage(a.page(c), vm), nil)
}

// AssetCreate registers a draft asset.
func (a *App) AssetCreate(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	return a.saveAsset(c, nil)
}

// AssetEdit shows the form of a draft or rejected asset.
func (a *App) AssetEdit(c echo.Context) error {
	as, err := a.assetParam(c)
	if err != nil {
		return err
	}
	if !as.Editable() {
		return models.ErrIllegalTransition
	}
	regions, err := a.Store.AssetRegionCodes(c.Request().Context(), as.ID)
	if err != nil {
		return err
	}
	return a.renderAssetForm(c, http.StatusOK, pages.AssetFormVM{Kind: as.Kind, Existing: &as, Form: assetFields(as, regions), Errors: view.Errors{}})
}

// AssetUpdate saves changes to a draft or rejected asset.
func (a *App) AssetUpdate(c echo.Context) error {
	as, err := a.assetParam(c)
	if err != nil {
		return err
	}
	return a.saveAsset(c, &as)
}

// saveAsset validates the form and creates (existing nil) or updates an asset.
func (a *App) saveAsset(c echo.Context, existing *models.Asset) error {
	var f assetForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if existing != nil {
		f.Kind = existing.Kind
		delete(errs, "kind")
	}
	f.check(errs, a.Cfg.OutboundAllowPrivate)
	rule := packageRule
	rule.Required = f.Kind == models.AssetPackage && existing == nil
	var parts map[string][]*multipart.FileHeader
	if f.Kind == models.AssetPackage {
		parts, err = a.checkUploads(c, []UploadRule{rule}, errs)
		if err != nil {
			return err
		}
		for _, h := range parts[rule.Field] {
			if !packageExt(h.Filename) {
				errs.Set(rule.Field, "asset.error_package_ext")
			}
		}
	}
	vm := pages.AssetFormVM{Kind: f.Kind, Existing: existing, Errors: errs, Form: pages.AssetFields{Name: f.Name, AssetVersion: f.AssetVersion,
		Description: f.Description, DeclaredChecksum: f.DeclaredChecksum, ImageID: f.ImageID, ImageKind: f.ImageKind, FromPublic: f.FromPublic,
		FlavorFamily: f.FlavorFamily, OSType: f.OSType, OSVersion: f.OSVersion, Regions: f.Regions, Domain: f.Domain}}
	if !slices.Contains(models.AssetKinds, vm.Kind) {
		vm.Kind = models.AssetPackage
	}
	if errs.Any() {
		return a.renderAssetForm(c, http.StatusUnprocessableEntity, vm)
	}
	in := f.input()
	var files []UploadRule
	if f.Kind == models.AssetPackage {
		files = []UploadRule{rule}
	}
	ctx, m := c.Request().Context(), currentMerchant(c)
	var saved models.Asset
	err = a.withUploads(c, files, parts, func(ups models.Uploads) (err error) {
		in.Package = ups.First(rule.Purpose)
		if existing == nil {
			saved, err = a.Store.CreateAsset(ctx, actor(c), m.ID, in)
		} else {
			saved, err = a.Store.UpdateAsset(ctx, actor(c), m.ID, existing.ID, in)
		}
		return err
	})
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.renderAssetForm(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "asset.flash_saved")
	return a.redirect(c, web.SellerAsset(saved.ID))
}

func packageExt(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".zip", ".tar", ".tar.gz", ".tgz"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// assetParam reads the :id asset of the current merchant (404 for anyone else's).
func (a *App) assetParam(c echo.Context) (models.Asset, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Asset{}, err
	}
	return a.Store.AssetOf(c.Request().Context(), currentMerchant(c).ID, id)
}

// AssetShow shows an asset with its review state and the next steps.
func (a *App) AssetShow(c echo.Context) error {
	as, err := a.assetParam(c)
	if err != nil {
		return err
	}
	return a.renderAsset(c, http.StatusOK, as, "")
}

func (a *App) renderAsset(c echo.Context, status int, as models.Asset, verifyErr string) error {
	ctx := c.Request().Context()
	regions, err := a.Store.AssetRegionCodes(ctx, as.ID)
	if err != nil {
		return err
	}
	files, err := a.Store.FilesFor(ctx, "asset", as.ID)
	if err != nil {
		return err
	}
	inUse, err := a.Store.AssetInUse(ctx, as.ID)
	if err != nil {
		return err
	}
	catalog, err := a.Store.Regions(ctx)
	if err != nil {
		return err
	}
	vm := pages.AssetVM{Asset: as, Regions: regions, Catalog: catalog, Files: fileLinks(ctx, files), InUse: inUse, VerifyError: verifyErr}
	if as.Kind == models.AssetSaaS {
		vm.VerifyURL = a.Cfg.VerifyScheme + "://" + as.Domain + DomainVerifyPath
	}
	return a.render(c, status, pages.AssetPage(a.page(c), vm), nil)
}

// AssetVerifyDomain fetches the verification file from the domain root through the
// guarded outbound client and records the domain as verified when it holds the token.
func (a *App) AssetVerifyDomain(c echo.Context) error {
	as, err := a.assetParam(c)
	if err != nil {
		return err
	}
	if as.Kind != models.AssetSaaS || !as.Editable() {
		return models.ErrIllegalTransition
	}
	target := (&url.URL{Scheme: a.Cfg.VerifyScheme, Host: as.Domain, Path: DomainVerifyPath}).String()
	res, err := a.Outbound.Get(c.Request().Context(), target, nil)
	key := ""
	switch {
	case errors.Is(err, outbound.ErrBlockedAddress):
		key = "asset.verify_blocked"
	case errors.Is(err, outbound.ErrRedirect):
		key = "asset.verify_redirect"
	case errors.Is(err, outbound.ErrTimeout):
		key = "asset.verify_timeout"
	case errors.Is(err, outbound.ErrBodyTooLarge):
		key = "asset.verify_too_large"
	case err != nil:
		key = "asset.verify_unreachable"
	case res.Status != http.StatusOK:
		key = "asset.verify_status"
	case string(bytes.TrimSpace(res.Body)) != as.VerifyToken:
		key = "asset.verify_mismatch"
	}
	if key != "" {
		return a.renderAsset(c, http.StatusUnprocessableEntity, as, key)
	}
	if _, err := a.Store.MarkDomainVerified(c.Request().Context(), actor(c), currentMerchant(c).ID, as.ID); err != nil {
		return err
	}
	a.flash(c, "success", "asset.flash_verified")
	return a.redirect(c, web.SellerAsset(as.ID))
}

// AssetSubmit sends an asset to scanning and review.
func (a *App) AssetSubmit(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := a.Store.SubmitAsset(c.Request().Context(), actor(c), currentMerchant(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "asset.flash_submitted")
	return a.redirect(c, web.SellerAsset(id))
}

// AssetDelete removes an asset no product uses.
func (a *App) AssetDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = a.Store.DeleteAsset(c.Request().Context(), actor(c), currentMerchant(c).ID, id)
	if errors.Is(err, models.ErrAssetInUse) {
		a.flash(c, "error", "asset.flash_in_use")
		return a.redirect(c, web.SellerAsset(id))
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "asset.flash_deleted")
	return a.redirect(c, web.SellerAssets())
}
