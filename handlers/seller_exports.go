package handlers

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/export"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// exportsPerPage is the number of export records per page.
const exportsPerPage = 20

// ExportList is 交易管理 > 导出记录: the merchant's exports with their progress.
func (a *App) ExportList(c echo.Context) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	page := pageParam(c)
	rows, total, err := a.Store.Exports(ctx, m.ID, page, exportsPerPage)
	if err != nil {
		return err
	}
	now := a.Store.Now()
	days, err := a.Store.SettingInt(ctx, models.SettingExportRetention, models.DefaultExportRetention)
	if err != nil {
		return err
	}
	vm := pages.ExportListVM{RetentionDays: days,
		Pager: view.Pager{Page: page, PerPage: exportsPerPage, Total: total, BaseURL: web.SellerExports()}}
	for _, e := range rows {
		vm.Rows = append(vm.Rows, pages.ExportRowVM{E: e, Downloadable: e.Downloadable(now)})
	}
	return a.render(c, http.StatusOK, pages.ExportListPage(a.page(c), vm), nil)
}

// ExportShow is one export: its page, or for htmx its records row (what the row polls).
func (a *App) ExportShow(c echo.Context) error {
	e, err := a.exportParam(c)
	if err != nil {
		return err
	}
	row := pages.ExportRowVM{E: e, Downloadable: e.Downloadable(a.Store.Now())}
	if isFragment(c) {
		return a.render(c, http.StatusOK, nil, pages.ExportRow(row))
	}
	return a.render(c, http.StatusOK, pages.ExportShowPage(a.page(c), row), nil)
}

// ExportDownload serves a finished export's file to its merchant, as an attachment;
// anyone else's, and an expired one, is 404.
func (a *App) ExportDownload(c echo.Context) error {
	e, err := a.exportParam(c)
	if err != nil {
		return err
	}
	if !e.Downloadable(a.Store.Now()) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	ctx := c.Request().Context()
	rc, err := a.Blobs.Open(ctx, e.BlobKey)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := a.Store.MarkExportDownloaded(ctx, e.MerchantID, e.ID); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": e.FileName}))
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	if e.Bytes > 0 {
		h.Set(echo.HeaderContentLength, strconv.FormatInt(e.Bytes, 10))
	}
	return c.Stream(http.StatusOK, export.ContentType(e.Format), rc)
}

// exportParam reads the :id export of the current merchant (404 for anyone else's).
func (a *App) exportParam(c echo.Context) (models.ExportJob, error) {
	id, err := idParam(c)
	if err != nil {
		return models.ExportJob{}, err
	}
	return a.Store.ExportOf(c.Request().Context(), currentMerchant(c).ID, id)
}
