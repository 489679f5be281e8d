package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/idcheck"
	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

type certBasicsForm struct {
	CreditCode string `form:"credit_code" validate:"required,uscc"`
	TaxFinanceFields
}

type certBankForm struct {
	AccountName string `form:"account_name" validate:"required,max=200"`
	BankName    string `form:"bank_name" validate:"required,max=100"`
	BankBranch  string `form:"bank_branch" validate:"required,max=200"`
	BankAccount string `form:"bank_account" validate:"required,max=40,bankaccount"`
	Currency    string `form:"currency" validate:"required,oneof=CNY"`
}

type certSurveyForm struct {
	HasRelatedSupplier string `form:"has_related_supplier" validate:"required,oneof=yes no"`
	RelatedSuppliers   string `form:"related_suppliers" validate:"max=1000"`
}

type certTransferForm struct {
	Amount string `form:"amount" validate:"required,max=20"`
}

// certSteps are the wizard's steps in order.
var certSteps = []string{"basics", "bank", "survey", "transfer", "submit"}

// CertificationShow opens the wizard at the first unfinished step, or shows the result.
func (a *App) CertificationShow(c echo.Context) error {
	m := currentMerchant(c)
	cert, err := a.Store.CertificationFor(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	if m.ApplicationStatus != models.ApplicationApproved {
		return a.render(c, http.StatusOK, pages.CertificationPage(a.page(c), pages.CertificationVM{Cert: cert, Locked: true}), nil)
	}
	step := ""
	if cert.Editable() || cert.Status == models.CertAwaitingTransfer {
		step = firstOpenStep(cert)
	}
	return a.renderCertStep(c, http.StatusOK, cert, step, pages.CertificationFields{}, view.Errors{})
}

func firstOpenStep(c models.BusinessCertification) string {
	switch {
	case !c.BasicsDone:
		return "basics"
	case !c.BankDone:
		return "bank"
	case !c.SurveyDone:
		return "survey"
	case c.Status != models.CertAwaitingTransfer || c.TransferVerifiedAt == nil:
		return "transfer"
	}
	return "submit"
}

// stepOpen tells whether the merchant may be on step now.
func stepOpen(c models.BusinessCertification, step string) bool {
	switch step {
	case "basics":
		return c.Editable()
	case "bank":
		return c.Editable() && c.BasicsDone
	case "survey":
		return c.Editable() && c.BankDone
	case "transfer":
		return (c.Editable() && c.SurveyDone) || (c.Status == models.CertAwaitingTransfer && c.TransferVerifiedAt == nil)
	case "submit":
		return c.Status == models.CertAwaitingTransfer && c.TransferVerifiedAt != nil
	}
	return false
}

func (a *App) renderCertStep(c echo.Context, status int, cert models.BusinessCertification, step string, f pages.CertificationFields, errs view.Errors) error {
	m := currentMerchant(c)
	vm := pages.CertificationVM{Cert: cert, Step: step, CompanyName: m.CompanyName, Errors: errs, Form: f, DevOutbox: a.devOutbox()}
	if f == (pages.CertificationFields{}) {
		vm.Form = pages.CertificationFieldsFrom(cert, m.CompanyName)
	}
	return a.render(c, status, pages.CertificationPage(a.page(c), vm), nil)
}

// certStepParam reads and gates the :step parameter.
func (a *App) certStepParam(c echo.Context) (models.BusinessCertification, string, error) {
	m := currentMerchant(c)
	step := c.Param("step")
	known := false
	for _, s := range certSteps {
		known = known || s == step
	}
	if !known {
		return models.BusinessCertification{}, "", echo.NewHTTPError(http.StatusNotFound)
	}
	if m.ApplicationStatus != models.ApplicationApproved {
		return models.BusinessCertification{}, "", models.ErrStepLocked
	}
	cert, err := a.Store.CertificationFor(c.Request().Context(), m.ID)
	if err != nil {
		return cert, "", err
	}
	if !stepOpen(cert, step) {
		return cert, "", models.ErrStepLocked
	}
	return cert, step, nil
}

// CertificationStep shows one wizard step.
func (a *App) CertificationStep(c echo.Context) error {
	cert, step, err := a.certStepParam(c)
	if err != nil {
		return err
	}
	return a.renderCertStep(c, http.StatusOK, cert, step, pages.CertificationFields{}, view.Errors{})
}

// CertificationSave handles a wizard step's form.
func (a *App) CertificationSave(c echo.Context) error {
	cert, step, err := a.certStepParam(c)
	if err != nil {
		return err
	}
	ctx, mid, act := c.Request().Context(), currentMerchant(c).ID, actor(c)
	switch step {
	case "basics":
		var f certBasicsForm
		errs, err := bindForm(c, &f)
		if err != nil {
			return err
		}
		if !errs.Any() {
			_, err = a.Store.SaveCertBasics(ctx, act, mid, models.CertBasicsInput{CreditCode: f.CreditCode, TaxpayerType: f.TaxpayerType,
				InvoiceType: f.InvoiceType, RegisteredAddr: f.RegisteredAddr, FinanceName: f.FinanceName, FinancePhone: f.FinancePhone, FinanceEmail: f.FinanceEmail})
		}
		return a.afterCertSave(c, cert, step, err, errs, pages.CertificationFields{CreditCode: f.CreditCode, TaxpayerType: f.TaxpayerType,
			InvoiceType: f.InvoiceType, RegisteredAddr: f.RegisteredAddr, FinanceName: f.FinanceName, FinancePhone: f.FinancePhone, FinanceEmail: f.FinanceEmail})
	case "bank":
		var f certBankForm
		errs, err := bindForm(c, &f)
		if err != nil {
			return err
		}
		// Every mistake at once: the name is checked with the other fields, not after them.
		if f.AccountName != "" && !errs.Has("account_name") {
			var fe *models.FieldError
			if errors.As(models.CheckAccountName(*currentMerchant(c), f.AccountName), &fe) {
				errs.Set(fe.Field, fe.Key)
			}
		}
		if !errs.Any() {
			_, err = a.Store.SaveCertBank(ctx, act, mid, models.CertBankInput{AccountName: f.AccountName, BankName: f.BankName,
				BankBranch: f.BankBranch, BankAccount: idcheck.Digits(f.BankAccount), Currency: f.Currency})
		}
		return a.afterCertSave(c, cert, step, err, errs, pages.CertificationFields{AccountName: f.AccountName, BankName: f.BankName,
			BankBranch: f.BankBranch, BankAccount: f.BankAccount, Currency: f.Currency})
	case "survey":
		var f certSurveyForm
		errs, err := bindForm(c, &f)
		if err != nil {
			return err
		}
		if f.HasRelatedSupplier == "yes" && f.RelatedSuppliers == "" && !errs.Any() {
			errs.Set("related_suppliers", "error.required")
		}
		if !errs.Any() {
			_, err = a.Store.SaveCertSurvey(ctx, act, mid, models.CertSurveyInput{HasRelatedSupplier: f.HasRelatedSupplier == "yes", RelatedSuppliers: f.RelatedSuppliers})
		}
		return a.afterCertSave(c, cert, step, err, errs, pages.CertificationFields{HasRelatedSupplier: f.HasRelatedSupplier, RelatedSuppliers: f.RelatedSuppliers})
	case "transfer":
		if cert.Status != models.CertAwaitingTransfer {
			if _, err := a.Store.StartCertTransfer(ctx, act, mid); err != nil {
				return err
			}
			a.flash(c, "info", "certification.flash_deposit_sent")
			return a.redirect(c, web.SellerCertificationStep("transfer"))
		}
		var f certTransferForm
		errs, err := bindForm(c, &f)
		if err != nil {
			return err
		}
		fen, perr := money.ParseYuan(f.Amount)
		if key := moneyErrKey(perr); key != "" && !errs.Has("amount") {
			errs.Set("amount", key)
		}
		if errs.Any() {
			return a.renderCertStep(c, http.StatusUnprocessableEntity, cert, step, pages.CertificationFields{Amount: f.Amount}, errs)
		}
		cert, err = a.Store.ConfirmCertTransfer(ctx, act, mid, fen)
		var wrong *models.ErrWrongAnswer
		switch {
		case errors.As(err, &wrong):
			return a.renderCertStep(c, http.StatusUnprocessableEntity, cert, step, pages.CertificationFields{Amount: f.Amount},
				view.Errors{"amount": view.M("certification.wrong_amount", "N", wrong.Left)})
		case errors.Is(err, models.ErrCertLocked):
			a.flash(c, "error", "certification.flash_locked")
			return a.redirect(c, web.SellerCertification())
		case err != nil:
			return err
		}
		a.flash(c, "success", "certification.flash_transfer_ok")
		return a.redirect(c, web.SellerCertificationStep("submit"))
	default: // submit
		if _, err := a.Store.SubmitCertification(ctx, act, mid); err != nil {
			return err
		}
		a.flash(c, "success", "certification.flash_submitted")
		return a.redirect(c, web.SellerCertification())
	}
}

// afterCertSave re-renders with errors or moves to the next step.
func (a *App) afterCertSave(c echo.Context, cert models.BusinessCertification, step string, err error, errs view.Errors, f pages.CertificationFields) error {
	if fe, ok := fieldErrorFrom(err); ok {
		errs, err = fe, nil
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.renderCertStep(c, http.StatusUnprocessableEntity, cert, step, f, errs)
	}
	next := "transfer"
	for i, s := range certSteps {
		if s == step && i+1 < len(certSteps) {
			next = certSteps[i+1]
		}
	}
	return a.redirect(c, web.SellerCertificationStep(next))
}
