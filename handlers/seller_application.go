package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// applicationForm is the onboarding application (入驻申请).
type applicationForm struct {
	CompanyFields
	Employees         string   `form:"employees" validate:"required,max=9"`
	YearsInBusiness   string   `form:"years_in_business" validate:"required,max=3"`
	RegisteredCapital string   `form:"registered_capital" validate:"required,max=20"`
	ProductTypes      []string `form:"product_types" validate:"required,min=1,max=5,dive,oneof=saas license image service hardware"`
	SignerName        string   `form:"signer_name" validate:"required,max=100"`
	Agree             bool     `form:"agree"`
}

var licenceRule = UploadRule{Field: "licence", Purpose: models.FileLicence, Types: docTypes, MaxBytes: docMaxBytes, MaxFiles: 1, Required: true}

// parse turns the numeric fields into values, adding errors.
func (f *applicationForm) parse(errs view.Errors) (employees, years int, capital int64) {
	var err error
	if employees, err = strconv.Atoi(f.Employees); !errs.Has("employees") && (err != nil || employees < 1 || employees > 10_000_000) {
		errs.Set("employees", "application.error_employees")
	}
	if years, err = strconv.Atoi(f.YearsInBusiness); !errs.Has("years_in_business") && (err != nil || years < 0 || years > 200) {
		errs.Set("years_in_business", "application.error_years")
	}
	if !errs.Has("registered_capital") {
		c, perr := money.ParseYuan(f.RegisteredCapital)
		if key := moneyErrKey(perr); key != "" {
			errs.Set("registered_capital", key)
		}
		capital = c
	}
	if !f.Agree {
		errs.Set("agree", "application.must_agree")
	}
	return
}

// ApplicationShow shows the current application, or the form when one may be submitted.
func (a *App) ApplicationShow(c echo.Context) error {
	ctx := c.Request().Context()
	m := currentMerchant(c)
	vm := pages.ApplicationVM{Merchant: *m, CanApply: models.CanApply(*m), Locked: m.RealNameStatus != models.RealNameVerified || m.RealNameSubject != models.SubjectEnterprise}
	cur, err := a.Store.CurrentApplication(ctx, m.ID)
	switch {
	case errors.Is(err, models.ErrNotFound):
	case err != nil:
		return err
	default:
		vm.Current = &cur
		files, err := a.Store.FilesFor(ctx, "application", cur.ID)
		if err != nil {
			return err
		}
		vm.Files = fileLinks(ctx, files)
		vm.Form = applicationFormFrom(cur)
	}
	if vm.Form.ContactEmail == "" {
		vm.Form.ContactEmail = currentUser(c).Email
		vm.Form.SignerName = currentUser(c).Name
	}
	if all, err := a.Store.Applications(ctx, m.ID); err == nil {
		vm.History = all
	} else {
		return err
	}
	return a.render(c, http.StatusOK, pages.ApplicationPage(a.page(c), vm), nil)
}

func applicationFormFrom(app models.OnboardingApplication) pages.ApplicationFields {
	return pages.ApplicationFields{Website: app.Website, Employees: strconv.Itoa(app.Employees), YearsInBusiness: strconv.Itoa(app.YearsInBusiness),
		RegisteredCapital: money.FormatYuan(app.RegisteredCapital), Intro: app.Intro, ContactName: app.ContactName,
		ContactMobile: app.ContactMobile, ContactEmail: app.ContactEmail, ServiceEmail: app.ServiceEmail, ServicePhone: app.ServicePhone,
		Address: app.Address, ProductTypes: strings.Split(app.ProductTypes, ","), SignerName: app.SignerName}
}

// ApplicationCreate submits the application and signs the agreement.
func (a *App) ApplicationCreate(c echo.Context) error {
	m := currentMerchant(c)
	if !models.CanApply(*m) {
		if m.RealNameStatus != models.RealNameVerified || m.RealNameSubject != models.SubjectEnterprise {
			return models.ErrStepLocked
		}
		return models.ErrIllegalTransition
	}
	var f applicationForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	employees, years, capital := f.parse(errs)
	parts, err := a.checkUploads(c, []UploadRule{licenceRule}, errs)
	if err != nil {
		return err
	}
	if errs.Any() {
		vm := pages.ApplicationVM{Merchant: *m, CanApply: true, Errors: errs, Form: pages.ApplicationFields{
			Website: f.Website, Employees: f.Employees, YearsInBusiness: f.YearsInBusiness, RegisteredCapital: f.RegisteredCapital,
			Intro: f.Intro, ContactName: f.ContactName, ContactMobile: f.ContactMobile, ContactEmail: f.ContactEmail,
			ServiceEmail: f.ServiceEmail, ServicePhone: f.ServicePhone, Address: f.Address, ProductTypes: f.ProductTypes,
			SignerName: f.SignerName, Agree: f.Agree}}
		return a.render(c, http.StatusUnprocessableEntity, pages.ApplicationPage(a.page(c), vm), nil)
	}
	err = a.withUploads(c, []UploadRule{licenceRule}, parts, func(ups models.Uploads) error {
		_, err := a.Store.SubmitApplication(c.Request().Context(), actor(c), m.ID, models.ApplicationInput{
			Website: f.Website, Employees: employees, YearsInBusiness: years, RegisteredCapital: capital,
			Licence: *ups.First(models.FileLicence), Intro: f.Intro, ContactName: f.ContactName, ContactMobile: f.ContactMobile,
			ContactEmail: f.ContactEmail, ServiceEmail: f.ServiceEmail, ServicePhone: f.ServicePhone, Address: f.Address,
			ProductTypes: dedupe(f.ProductTypes), SignerName: f.SignerName})
		return err
	})
	if err != nil {
		return err
	}
	a.flash(c, "success", "application.flash_submitted")
	return a.redirect(c, web.SellerApplication())
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
