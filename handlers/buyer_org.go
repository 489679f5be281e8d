package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// The buyer's organisation (组织) for joint-operation apps: the tenant, its departments
// and users, the apps bound to it and the users authorised on each. Every change the
// apps must know of goes to them as kit sync calls.

type orgForm struct {
	TenantCode string `form:"tenant_code" validate:"max=32"`
	Name       string `form:"name" validate:"max=100"`
	DomainName string `form:"domain_name" validate:"max=256"`
	Version    string `form:"version"`
}

type deptForm struct {
	OrgCode    string `form:"org_code" validate:"max=64"`
	Name       string `form:"name" validate:"max=100"`
	ParentCode string `form:"parent_code" validate:"max=64"`
}

type kitUserForm struct {
	UserName     string `form:"user_name" validate:"max=64"`
	Name         string `form:"name" validate:"max=100"`
	Position     string `form:"position" validate:"max=64"`
	OrgCode      string `form:"org_code" validate:"max=64"`
	EmployeeCode string `form:"employee_code" validate:"max=64"`
	Mobile       string `form:"mobile" validate:"max=21"`
	Email        string `form:"email" validate:"max=128"`
	Password     string `form:"password" trim:"no" validate:"max=200"`
	Enabled      string `form:"enabled"`
	Version      string `form:"version"`
}

func (f kitUserForm) input() models.KitUserInput {
	return models.KitUserInput{UserName: f.UserName, Name: f.Name, Position: f.Position, OrgCode: f.OrgCode, EmployeeCode: f.EmployeeCode,
		Mobile: f.Mobile, Email: f.Email, Password: f.Password, Enabled: f.Enabled == "true" || f.Enabled == "on"}
}

type grantForm struct {
	UserIDs []string `form:"user_ids" validate:"max=5000"`
	Role    string   `form:"role" validate:"max=10"`
	Enabled string   `form:"enabled"`
	Remove  string   `form:"remove"`
}

// mergeFieldErr adds a store's field refusal to the form's errors; ok false for any
// other error.
func mergeFieldErr(errs view.Errors, err error) bool {
	fe, ok := fieldErrorFrom(err)
	if !ok {
		return false
	}
	for k, v := range fe {
		errs[k] = v
	}
	return true
}

// orgOrRedirect reads the buyer's organisation, or sends the buyer to set it up.
func (a *App) orgOrRedirect(c echo.Context) (models.KitTenant, bool, error) {
	t, err := a.Store.KitOrgOf(c.Request().Context(), currentUser(c).ID)
	if errors.Is(err, models.ErrNotFound) {
		a.flash(c, "info", "kitorg.flash_create_first")
		return t, false, a.redirect(c, web.BuyerOrg())
	}
	return t, err == nil, err
}

// BuyerOrgShow is the organisation page: set up, or its details and form.
func (a *App) BuyerOrgShow(c echo.Context) error {
	return a.renderOrg(c, http.StatusOK, nil, pages.BuyerOrgVM{Errors: view.Errors{}})
}

func (a *App) renderOrg(c echo.Context, status int, f *orgForm, vm pages.BuyerOrgVM) error {
	ctx := c.Request().Context()
	t, err := a.Store.KitOrgOf(ctx, currentUser(c).ID)
	switch {
	case err == nil:
		vm.Org, vm.Version = &t, t.Version
		vm.Name, vm.DomainName = t.Name, t.DomainName
		depts, err := a.Store.KitDeptsOf(ctx, t.ID)
		if err != nil {
			return err
		}
		users, err := a.Store.KitUsersOf(ctx, t.ID)
		if err != nil {
			return err
		}
		subs, err := a.Store.KitSubsOf(ctx, currentUser(c).ID)
		if err != nil {
			return err
		}
		vm.Depts, vm.Users = len(depts), len(users)
		for _, s := range subs {
			if s.Binding != nil && s.Binding.Status == models.BindingBound {
				vm.Apps++
			}
		}
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	if f != nil {
		vm.TenantCode, vm.Name, vm.DomainName = f.TenantCode, f.Name, f.DomainName
	}
	return a.render(c, status, pages.BuyerOrgPage(a.page(c), vm), nil)
}

// BuyerOrgSave sets up the organisation or saves its name and domain.
func (a *App) BuyerOrgSave(c echo.Context) error {
	var f orgForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.renderOrg(c, http.StatusUnprocessableEntity, &f, pages.BuyerOrgVM{Errors: errs})
	}
	version, _ := strconv.Atoi(f.Version)
	_, err = a.Store.SaveKitOrg(c.Request().Context(), actor(c), currentUser(c).ID, version,
		models.KitOrgInput{TenantCode: f.TenantCode, Name: f.Name, DomainName: f.DomainName})
	switch {
	case mergeFieldErr(errs, err):
		return a.renderOrg(c, http.StatusUnprocessableEntity, &f, pages.BuyerOrgVM{Errors: errs})
	case errors.Is(err, models.ErrConflict):
		return a.renderOrg(c, http.StatusConflict, &f, pages.BuyerOrgVM{Errors: view.Errors{"_form": view.M("error.conflict")}})
	case err != nil:
		return err
	}
	a.flash(c, "success", "kitorg.flash_saved")
	return a.redirect(c, web.BuyerOrg())
}

// BuyerOrgDepts lists the departments.
func (a *App) BuyerOrgDepts(c echo.Context) error {
	return a.renderDepts(c, http.StatusOK, pages.BuyerOrgDeptsVM{Errors: view.Errors{}})
}

func (a *App) renderDepts(c echo.Context, status int, vm pages.BuyerOrgDeptsVM) error {
	t, ok, err := a.orgOrRedirect(c)
	if !ok {
		return err
	}
	vm.Org = t
	if vm.Depts, err = a.Store.KitDeptsOf(c.Request().Context(), t.ID); err != nil {
		return err
	}
	return a.render(c, status, pages.BuyerOrgDeptsPage(a.page(c), vm), nil)
}

// BuyerOrgDeptCreate adds a department; BuyerOrgDeptUpdate renames or moves one.
func (a *App) BuyerOrgDeptCreate(c echo.Context) error { return a.saveDept(c, 0) }

// BuyerOrgDeptUpdate renames or moves a department.
func (a *App) BuyerOrgDeptUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.saveDept(c, id)
}

func (a *App) saveDept(c echo.Context, id uint) error {
	var f deptForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	in := models.KitDeptInput{OrgCode: f.OrgCode, Name: f.Name, ParentCode: f.ParentCode}
	if !errs.Any() {
		_, err = a.Store.SaveKitDept(c.Request().Context(), actor(c), currentUser(c).ID, id, in)
		if !mergeFieldErr(errs, err) && err != nil {
			return err
		}
	}
	if errs.Any() {
		if id != 0 {
			errs = view.Errors{"_form": firstMsg(errs)}
		}
		return a.renderDepts(c, http.StatusUnprocessableEntity, pages.BuyerOrgDeptsVM{Form: in, Errors: errs})
	}
	a.flash(c, "success", "kitorg.flash_dept_saved")
	return a.redirect(c, web.BuyerOrgDepts())
}

// firstMsg is one of a form's messages (a row's inline form shows it above the list).
func firstMsg(errs view.Errors) view.Msg {
	for _, k := range []string{"_form", "org_code", "name", "parent_code"} {
		if m, ok := errs[k]; ok {
			return m
		}
	}
	for _, m := range errs {
		return m
	}
	return view.Msg{}
}

// BuyerOrgDeptDelete removes an empty department.
func (a *App) BuyerOrgDeptDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = a.Store.DeleteKitDept(c.Request().Context(), actor(c), currentUser(c).ID, id)
	if errs := (view.Errors{}); mergeFieldErr(errs, err) {
		return a.renderDepts(c, http.StatusConflict, pages.BuyerOrgDeptsVM{Errors: view.Errors{"_form": firstMsg(errs)}})
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "kitorg.flash_dept_deleted")
	return a.redirect(c, web.BuyerOrgDepts())
}

// BuyerOrgUsers lists the users.
func (a *App) BuyerOrgUsers(c echo.Context) error {
	return a.renderUsers(c, http.StatusOK, pages.BuyerOrgUsersVM{Form: models.KitUserInput{Enabled: true}, Errors: view.Errors{}})
}

func (a *App) renderUsers(c echo.Context, status int, vm pages.BuyerOrgUsersVM) error {
	t, ok, err := a.orgOrRedirect(c)
	if !ok {
		return err
	}
	ctx := c.Request().Context()
	vm.Org = t
	if vm.Users, err = a.Store.KitUsersOf(ctx, t.ID); err != nil {
		return err
	}
	if vm.Depts, err = a.Store.KitDeptsOf(ctx, t.ID); err != nil {
		return err
	}
	return a.render(c, status, pages.BuyerOrgUsersPage(a.page(c), vm), nil)
}

// BuyerOrgUserCreate adds a user.
func (a *App) BuyerOrgUserCreate(c echo.Context) error {
	var f kitUserForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	in := f.input()
	if !errs.Any() {
		_, err = a.Store.SaveKitUser(c.Request().Context(), actor(c), currentUser(c).ID, 0, 0, in)
		if !mergeFieldErr(errs, err) && err != nil {
			return err
		}
	}
	if errs.Any() {
		in.Password = ""
		return a.renderUsers(c, http.StatusUnprocessableEntity, pages.BuyerOrgUsersVM{Form: in, Errors: errs})
	}
	a.flash(c, "success", "kitorg.flash_user_saved")
	return a.redirect(c, web.BuyerOrgUsers())
}

// BuyerOrgUserEdit is one user's form.
func (a *App) BuyerOrgUserEdit(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	u, err := a.Store.KitUserOf(c.Request().Context(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	in := models.KitUserInput{UserName: u.UserName, Name: u.Name, Position: u.Position, OrgCode: u.OrgCode, EmployeeCode: u.EmployeeCode,
		Mobile: u.Mobile, Email: u.Email, Enabled: u.Enabled}
	return a.renderUser(c, http.StatusOK, u, pages.BuyerOrgUserVM{Form: in, Version: u.Version, Errors: view.Errors{}})
}

func (a *App) renderUser(c echo.Context, status int, u models.KitUser, vm pages.BuyerOrgUserVM) error {
	ctx := c.Request().Context()
	t, err := a.Store.KitOrgOf(ctx, currentUser(c).ID)
	if err != nil {
		return err
	}
	vm.Org, vm.User = t, u
	if vm.Depts, err = a.Store.KitDeptsOf(ctx, t.ID); err != nil {
		return err
	}
	return a.render(c, status, pages.BuyerOrgUserPage(a.page(c), vm), nil)
}

// BuyerOrgUserUpdate saves a user.
func (a *App) BuyerOrgUserUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := a.Store.KitUserOf(ctx, currentUser(c).ID, id)
	if err != nil {
		return err
	}
	var f kitUserForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	in := f.input()
	version, _ := strconv.Atoi(f.Version)
	if !errs.Any() {
		_, err = a.Store.SaveKitUser(ctx, actor(c), currentUser(c).ID, id, version, in)
		switch {
		case mergeFieldErr(errs, err):
		case errors.Is(err, models.ErrConflict):
			errs["_form"] = view.M("error.conflict")
		case err != nil:
			return err
		}
	}
	if errs.Any() {
		in.Password = ""
		status := http.StatusUnprocessableEntity
		if errs.Has("_form") {
			status = http.StatusConflict
		}
		return a.renderUser(c, status, u, pages.BuyerOrgUserVM{Form: in, Version: version, Errors: errs})
	}
	a.flash(c, "success", "kitorg.flash_user_saved")
	return a.redirect(c, web.BuyerOrgUsers())
}

// BuyerOrgUserDelete removes a user.
func (a *App) BuyerOrgUserDelete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.DeleteKitUser(c.Request().Context(), actor(c), currentUser(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "kitorg.flash_user_deleted")
	return a.redirect(c, web.BuyerOrgUsers())
}

// BuyerOrgApps lists the joint-operation apps the buyer bought.
func (a *App) BuyerOrgApps(c echo.Context) error {
	ctx := c.Request().Context()
	vm := pages.BuyerOrgAppsVM{}
	t, err := a.Store.KitOrgOf(ctx, currentUser(c).ID)
	switch {
	case err == nil:
		vm.Org = &t
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	if vm.Subs, err = a.Store.KitSubsOf(ctx, currentUser(c).ID); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.BuyerOrgAppsPage(a.page(c), vm), nil)
}

// BuyerOrgAppBind binds a subscription's app to the organisation.
func (a *App) BuyerOrgAppBind(c echo.Context) error {
	id, err := parseID(c.FormValue("subscription_id"))
	if err != nil {
		return err
	}
	b, err := a.Store.BindKitApp(c.Request().Context(), actor(c), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	a.flash(c, "success", "kitorg.flash_bound")
	return a.redirect(c, web.BuyerOrgApp(b.ID))
}

// BuyerOrgApp is one bound app with its authorised users.
func (a *App) BuyerOrgApp(c echo.Context) error {
	return a.renderBinding(c, http.StatusOK, pages.BuyerOrgAppVM{Role: models.KitRoleUser, Errors: view.Errors{}})
}

func (a *App) renderBinding(c echo.Context, status int, vm pages.BuyerOrgAppVM) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	buyer := currentUser(c).ID
	b, grants, err := a.Store.KitBindingOf(ctx, buyer, id)
	if err != nil {
		return err
	}
	if b.Status != models.BindingBound {
		return a.redirect(c, web.BuyerOrgApps())
	}
	t, err := a.Store.KitOrgOf(ctx, buyer)
	if err != nil {
		return err
	}
	users, err := a.Store.KitUsersOf(ctx, t.ID)
	if err != nil {
		return err
	}
	granted := map[uint]bool{}
	for _, g := range grants {
		granted[g.User.ID] = true
	}
	vm.Org, vm.Binding, vm.Grants = t, b, grants
	for _, u := range users {
		if !granted[u.ID] {
			vm.Users = append(vm.Users, u)
		}
	}
	return a.render(c, status, pages.BuyerOrgAppPage(a.page(c), vm), nil)
}

// BuyerOrgAppGrantsCreate authorises users on a bound app.
func (a *App) BuyerOrgAppGrantsCreate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f grantForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	var ids []uint
	for _, s := range f.UserIDs {
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			errs.Set("user_ids", "kitorg.error.no_users")
			break
		}
		ids = append(ids, uint(v))
	}
	if !errs.Any() {
		_, err = a.Store.AuthorizeKitUsers(c.Request().Context(), actor(c), currentUser(c).ID, id, ids, f.Role)
		if !mergeFieldErr(errs, err) && err != nil {
			return err
		}
	}
	if errs.Any() {
		return a.renderBinding(c, http.StatusUnprocessableEntity, pages.BuyerOrgAppVM{Role: f.Role, Errors: errs})
	}
	a.flash(c, "success", "kitorg.flash_authorised")
	return a.redirect(c, web.BuyerOrgApp(id))
}

// BuyerOrgAppGrantUpdate changes an authorised user's role or access, or removes it.
func (a *App) BuyerOrgAppGrantUpdate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	gid, err := parseID(c.Param("gid"))
	if err != nil {
		return err
	}
	var f grantForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if !errs.Any() {
		err = a.Store.SetKitGrant(c.Request().Context(), actor(c), currentUser(c).ID, id, gid, f.Role, f.Enabled == "true", f.Remove == "true")
		if !mergeFieldErr(errs, err) && err != nil {
			return err
		}
	}
	if errs.Any() {
		return a.renderBinding(c, http.StatusUnprocessableEntity, pages.BuyerOrgAppVM{Role: models.KitRoleUser, Errors: view.Errors{"_form": firstMsg(errs)}})
	}
	a.flash(c, "success", "kitorg.flash_grant_saved")
	return a.redirect(c, web.BuyerOrgApp(id))
}

// BuyerOrgAppUnbind takes the app away from the organisation.
func (a *App) BuyerOrgAppUnbind(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.UnbindKitApp(c.Request().Context(), actor(c), currentUser(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "kitorg.flash_unbound")
	return a.redirect(c, web.BuyerOrgApps())
}
