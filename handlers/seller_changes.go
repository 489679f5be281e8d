package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/idcheck"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// CompanyFields are the public company fields the onboarding application and a profile
// change share.
type CompanyFields struct {
	Website       string `form:"website" validate:"required,max=300,weburl"`
	Intro         string `form:"intro" validate:"required,min=20,max=2000"`
	ContactName   string `form:"contact_name" validate:"required,max=100"`
	ContactMobile string `form:"contact_mobile" validate:"required,mobile"`
	ContactEmail  string `form:"contact_email" validate:"required,max=254,email"`
	ServiceEmail  string `form:"service_email" validate:"required,max=254,email"`
	ServicePhone  string `form:"service_phone" validate:"required,max=30,phone"`
	Address       string `form:"address" validate:"required,max=300"`
}

// TaxFinanceFields are the tax and finance-contact fields the certification wizard and a
// certification change share.
type TaxFinanceFields struct {
	TaxpayerType   string `form:"taxpayer_type" validate:"required,oneof=general small_scale"`
	InvoiceType    string `form:"invoice_type" validate:"required,oneof=vat_special vat_general"`
	RegisteredAddr string `form:"registered_addr" validate:"required,max=300"`
	FinanceName    string `form:"finance_name" validate:"required,max=100"`
	FinancePhone   string `form:"finance_phone" validate:"required,mobile"`
	FinanceEmail   string `form:"finance_email" validate:"required,max=254,email"`
}

// profileChangeForm proposes new merchant information.
type profileChangeForm struct {
	CompanyFields
}

// certificationChangeForm proposes new settlement data.
type certificationChangeForm struct {
	TaxFinanceFields
	BankName    string `form:"bank_name" validate:"required,max=100"`
	BankBranch  string `form:"bank_branch" validate:"required,max=200"`
	BankAccount string `form:"bank_account" validate:"omitempty,max=40,bankaccount"`
}

var logoRule = UploadRule{Field: "logo", Purpose: "logo", Types: []string{"image/png", "image/jpeg", "image/gif"}, MaxBytes: 2 << 20, MaxFiles: 1}

// ProfileShow shows the merchant's live information.
func (a *App) ProfileShow(c echo.Context) error {
	ctx := c.Request().Context()
	m := currentMerchant(c)
	rows, _, err := a.Store.ChangeRequests(ctx, m.ID, 1, 5)
	if err != nil {
		return err
	}
	cert, err := a.Store.CertificationFor(ctx, m.ID)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.ProfilePage(a.page(c), pages.ProfileVM{Merchant: *m, Recent: rows, Cert: cert}), nil)
}

// ChangeList lists the merchant's change requests.
func (a *App) ChangeList(c echo.Context) error {
	page := pageParam(c)
	rows, total, err := a.Store.ChangeRequests(c.Request().Context(), currentMerchant(c).ID, page, 20)
	if err != nil {
		return err
	}
	vm := pages.ChangeListVM{Items: rows, Pager: view.Pager{Page: page, PerPage: 20, Total: total, BaseURL: web.SellerChanges()}}
	return a.render(c, http.StatusOK, pages.ChangeListPage(a.page(c), vm), nil)
}

// changeKindParam checks that the merchant can ask for this kind of change now.
func changeKindParam(m *models.Merchant, kind string) (string, error) {
	switch kind {
	case models.ChangeProfile:
		if m.ApplicationStatus != models.ApplicationApproved {
			return "", models.ErrStepLocked
		}
	case models.ChangeCertification:
		if m.CertificationStatus != models.CertCertified {
			return "", models.ErrStepLocked
		}
	default:
		return "", echo.NewHTTPError(http.StatusNotFound)
	}
	return kind, nil
}

// ChangeNew shows the change form prefilled with the live values.
func (a *App) ChangeNew(c echo.Context) error {
	m := currentMerchant(c)
	if c.QueryParam("kind") == "" {
		return a.changeChooser(c, m)
	}
	kind, err := changeKindParam(m, c.QueryParam("kind"))
	if err != nil {
		return err
	}
	vm := pages.ChangeFormVM{Kind: kind, Errors: view.Errors{}}
	if kind == models.ChangeProfile {
		vm.Profile = models.ProfileOf(*m)
	} else {
		cert, err := a.Store.CertificationFor(c.Request().Context(), m.ID)
		if err != nil {
			return err
		}
		vm.Cert = models.CertificationOf(cert)
	}
	return a.render(c, http.StatusOK, pages.ChangeFormPage(a.page(c), vm), nil)
}

// changeChooser offers the change requests the merchant may file now; none yet (before
// the onboarding application is approved) is the step lock.
func (a *App) changeChooser(c echo.Context, m *models.Merchant) error {
	vm := pages.ChooserVM{TitleKey: "chooser.change.title", SubtitleKey: "chooser.change.subtitle"}
	for _, k := range []string{models.ChangeProfile, models.ChangeCertification} {
		if _, err := changeKindParam(m, k); err == nil {
			vm.Choices = append(vm.Choices, pages.Choice{URL: web.SellerChangeNew(k), LabelKey: "change.kind." + k,
				HintKey: "chooser.change.hint." + k, TestID: "choose-" + k})
		}
	}
	if len(vm.Choices) == 0 {
		return models.ErrStepLocked
	}
	return a.render(c, http.StatusOK, pages.ChooserPage(a.page(c), vm), nil)
}

// ChangeCreate files a change request.
func (a *App) ChangeCreate(c echo.Context) error {
	m := currentMerchant(c)
	raw, err := formValue(c, "kind")
	if err != nil {
		return err
	}
	kind, err := changeKindParam(m, raw)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vm := pages.ChangeFormVM{Kind: kind}
	var cr models.ChangeRequest
	if kind == models.ChangeProfile {
		var f profileChangeForm
		errs, err := bindForm(c, &f)
		if err != nil {
			return err
		}
		parts, err := a.checkUploads(c, []UploadRule{logoRule}, errs)
		if err != nil {
			return err
		}
		vm.Profile = models.ProfileChange{Website: f.Website, Intro: f.Intro, ContactName: f.ContactName, ContactMobile: f.ContactMobile,
			ContactEmail: f.ContactEmail, ServiceEmail: f.ServiceEmail, ServicePhone: f.ServicePhone, Address: f.Address}
		if vm.Errors = errs; errs.Any() {
			return a.render(c, http.StatusUnprocessableEntity, pages.ChangeFormPage(a.page(c), vm), nil)
		}
		err = a.withUploads(c, []UploadRule{logoRule}, parts, func(ups models.Uploads) (err error) {
			cr, err = a.Store.SubmitProfileChange(ctx, actor(c), m.ID, vm.Profile, ups.First(logoRule.Purpose))
			return err
		})
		if err != nil {
			return a.changeError(c, vm, err)
		}
	} else {
		var f certificationChangeForm
		errs, err := bindForm(c, &f)
		if err != nil {
			return err
		}
		vm.Cert = models.CertificationChange{TaxpayerType: f.TaxpayerType, InvoiceType: f.InvoiceType, RegisteredAddr: f.RegisteredAddr,
			FinanceName: f.FinanceName, FinancePhone: f.FinancePhone, FinanceEmail: f.FinanceEmail, BankName: f.BankName, BankBranch: f.BankBranch}
		if vm.Errors = errs; errs.Any() {
			return a.render(c, http.StatusUnprocessableEntity, pages.ChangeFormPage(a.page(c), vm), nil)
		}
		cr, err = a.Store.SubmitCertificationChange(ctx, actor(c), m.ID, vm.Cert, idcheck.Digits(f.BankAccount))
		if err != nil {
			return a.changeError(c, vm, err)
		}
	}
	a.flash(c, "success", "changes.flash_submitted")
	return a.redirect(c, web.SellerChange(cr.ID))
}

func (a *App) changeError(c echo.Context, vm pages.ChangeFormVM, err error) error {
	if errors.Is(err, models.ErrChangePending) {
		vm.Errors = view.Errors{"_form": view.M("error.change_pending")}
		return a.render(c, http.StatusConflict, pages.ChangeFormPage(a.page(c), vm), nil)
	}
	return err
}

// ChangeShow shows one change request with the proposed values against the live ones.
func (a *App) ChangeShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := a.Store.ChangeRequestOf(c.Request().Context(), currentMerchant(c).ID, id)
	if err != nil {
		return err
	}
	diff, err := pages.ChangeDiff(c.Request().Context(), r)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.ChangeShowPage(a.page(c), pages.ChangeShowVM{Request: r, Diff: diff}), nil)
}

// ChangeWithdraw takes a pending request back.
func (a *App) ChangeWithdraw(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.WithdrawChange(c.Request().Context(), actor(c), currentMerchant(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "info", "changes.flash_withdrawn")
	return a.redirect(c, web.SellerChange(id))
}
