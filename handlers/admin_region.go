package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// AdminRegionList lists the region catalog images are published to (admins only).
func (a *App) AdminRegionList(c echo.Context) error {
	rows, err := a.Store.Regions(c.Request().Context())
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.RegionsPage(a.page(c), pages.RegionsVM{Regions: rows}), nil)
}

// AdminRegionNew shows the new-region form; a new region is active unless unticked.
func (a *App) AdminRegionNew(c echo.Context) error {
	vm := pages.RegionFormVM{New: true, Active: true, SortOrder: "0"}
	return a.render(c, http.StatusOK, pages.RegionFormPage(a.page(c), vm), nil)
}

// AdminRegionEdit shows a region's form; its code cannot change.
func (a *App) AdminRegionEdit(c echo.Context) error {
	r, err := a.Store.RegionByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	vm := pages.RegionFormVM{Code: r.Code, NameZh: r.NameZh, NameEn: r.NameEn, Recommended: r.Recommended,
		Restricted: r.Restricted, Active: r.Active, SortOrder: strconv.Itoa(r.SortOrder)}
	return a.render(c, http.StatusOK, pages.RegionFormPage(a.page(c), vm), nil)
}

// RegionFields are the editable fields of a catalog entry. The order arrives as text so
// a malformed number becomes a message, not a failed bind.
type RegionFields struct {
	NameZh      string `form:"name_zh" validate:"required,max=100"`
	NameEn      string `form:"name_en" validate:"required,max=100"`
	Recommended bool   `form:"recommended"`
	Restricted  bool   `form:"restricted"`
	Active      bool   `form:"active"`
	SortOrder   string `form:"sort_order" validate:"required,max=10"`
}

// regionCreateForm is a new catalog entry: the code is given once.
type regionCreateForm struct {
	Code string `form:"code" validate:"required,regioncode"`
	RegionFields
}

// AdminRegionCreate adds a region to the catalog; a code already there is a field error.
func (a *App) AdminRegionCreate(c echo.Context) error {
	var f regionCreateForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	return a.saveRegion(c, f.Code, f.RegionFields, errs, true)
}

// AdminRegionUpdate changes a region's names, flags and order.
func (a *App) AdminRegionUpdate(c echo.Context) error {
	var f RegionFields
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	return a.saveRegion(c, c.Param("code"), f, errs, false)
}

// saveRegion finishes a create or an update: the form again with 422 when something is
// wrong, else the catalog with a flash.
func (a *App) saveRegion(c echo.Context, code string, f RegionFields, errs view.Errors, create bool) error {
	order := sortOrder(errs, f.SortOrder)
	vm := pages.RegionFormVM{New: create, Code: code, NameZh: f.NameZh, NameEn: f.NameEn, Recommended: f.Recommended,
		Restricted: f.Restricted, Active: f.Active, SortOrder: f.SortOrder, Errors: errs}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.RegionFormPage(a.page(c), vm), nil)
	}
	err := a.Store.SaveRegion(c.Request().Context(), actor(c), models.Region{Code: code, NameZh: f.NameZh, NameEn: f.NameEn,
		Recommended: f.Recommended, Restricted: f.Restricted, Active: f.Active, SortOrder: order}, create)
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.render(c, http.StatusUnprocessableEntity, pages.RegionFormPage(a.page(c), vm), nil)
	}
	if err != nil {
		return err
	}
	if create {
		a.flash(c, "success", "admin.regions.created")
	} else {
		a.flash(c, "success", "admin.regions.updated")
	}
	return a.redirect(c, web.AdminRegions())
}

// sortOrder reads the display order, a whole number from 0 to 9999.
func sortOrder(errs view.Errors, s string) int {
	if errs.Has("sort_order") {
		return 0
	}
	n, msg := wholeNumber(s, 0, 9999)
	if !msg.Empty() {
		errs["sort_order"] = msg
	}
	return n
}
