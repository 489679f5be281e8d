package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
)

// AdminAssetList is the asset review queue: assets the automatic scan let through.
func (a *App) AdminAssetList(c echo.Context) error { return a.listQueue(c, assetQueue) }

// AdminAssetShow shows one asset with its scan report and decision panel.
func (a *App) AdminAssetShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showAsset(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminAssetApprove lets products use the asset.
func (a *App) AdminAssetApprove(c echo.Context) error {
	return a.decide(c, assetQueue, true, a.Store.DecideAsset, a.showAsset)
}

// AdminAssetReject refuses the asset with a reason; the merchant may fix and resubmit it.
func (a *App) AdminAssetReject(c echo.Context) error {
	return a.decide(c, assetQueue, false, a.Store.DecideAsset, a.showAsset)
}

func (a *App) showAsset(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	ctx := c.Request().Context()
	as, err := a.Store.AssetByID(ctx, id)
	if err != nil {
		return err
	}
	review, err := a.reviewVM(c, assetQueue, reviewItem{RefType: "asset", ID: as.ID, MerchantID: as.MerchantID, Status: as.Status,
		SubmittedAt: as.SubmittedAt, SubmittedBy: as.SubmittedByID, DecidedAt: as.DecidedAt, DecidedBy: as.DecidedByID,
		RejectReason: as.RejectReason, RejectComment: as.RejectComment}, panel)
	if err != nil {
		return err
	}
	if as.Status == models.AssetRejected && as.DecidedByID == nil {
		review.Decision.DecidedBy = i18n.T(ctx, "admin.asset.decided_by_scan") // a failed automatic check
	}
	vm := pages.AssetReviewVM{Review: review, A: as}
	switch as.Kind {
	case models.AssetPackage:
		vm.File, err = a.assetFile(c, as)
	case models.AssetImage:
		vm.Regions, err = a.assetRegions(c, as)
	}
	if err != nil {
		return err
	}
	p := a.page(c)
	return a.render(c, status, pages.AssetReviewPage(p, vm), pages.DecisionPanel(p.CSRF, review.Decision))
}

// assetFile finds a package's current upload among the files attached to the asset
// (earlier versions' uploads stay attached).
func (a *App) assetFile(c echo.Context, as models.Asset) (*pages.AssetFile, error) {
	if as.FileID == nil {
		return nil, nil
	}
	files, err := a.Store.FilesFor(c.Request().Context(), "asset", as.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.ID == *as.FileID {
			return &pages.AssetFile{URL: web.FileURL(f.ID), Name: f.Filename, Size: f.Size}, nil
		}
	}
	return nil, nil
}

// assetRegions names an image's regions from the catalog in the reader's language; a
// code the catalog no longer has is shown as it is.
func (a *App) assetRegions(c echo.Context, as models.Asset) ([]pages.RegionName, error) {
	ctx := c.Request().Context()
	codes, err := a.Store.AssetRegionCodes(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	catalog, err := a.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range catalog {
		names[r.Code] = regionName(i18n.Lang(ctx), r)
	}
	out := make([]pages.RegionName, len(codes))
	for i, code := range codes {
		out[i] = pages.RegionName{Code: code, Name: names[code]}
	}
	return out, nil
}

// regionName is a catalog entry's name in a language.
func regionName(lang string, r models.Region) string {
	if lang == i18n.ZhCN {
		return r.NameZh
	}
	return r.NameEn
}
