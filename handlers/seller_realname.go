package handlers

import (
	"errors"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/idcheck"
	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// realNameForm is the real-name submission; which fields are required depends on the method.
type realNameForm struct {
	Subject      string `form:"subject" validate:"required,oneof=enterprise personal"`
	Method       string `form:"method" validate:"required,oneof=corporate_transfer legal_rep_phone certificate face bank_card id_document"`
	Name         string `form:"name" validate:"required,max=200"`
	CertType     string `form:"cert_type" validate:"required,oneof=uscc resident_id passport hkmo_pass"`
	CertNumber   string `form:"cert_number" validate:"required,max=40"`
	LegalRepName string `form:"legal_rep_name" validate:"max=100"`
	Phone        string `form:"phone" validate:"max=20"`
	BankName     string `form:"bank_name" validate:"max=100"`
	BankAccount  string `form:"bank_account" validate:"max=40"`
}

var passportRE = regexp.MustCompile(`^[A-Za-z0-9]{5,20}$`)

// check applies the rules of the chosen method and subject.
func (f *realNameForm) check(m models.RealNameMethod, errs view.Errors) {
	set := func(field, key string) {
		if !errs.Has(field) {
			errs.Set(field, key)
		}
	}
	if m.Subject == models.SubjectEnterprise {
		if f.CertType != models.CertUSCC {
			set("cert_type", "error.choice")
		} else if !idcheck.USCC(f.CertNumber) {
			set("cert_number", "error.uscc")
		}
	} else {
		switch f.CertType {
		case models.CertResidentID:
			if !idcheck.ResidentID(f.CertNumber) {
				set("cert_number", "error.resident_id")
			}
		case models.CertPassport, models.CertHKMOPass:
			if !passportRE.MatchString(f.CertNumber) {
				set("cert_number", "error.invalid")
			}
		default:
			set("cert_type", "error.choice")
		}
	}
	if m.NeedsLegalRep && f.LegalRepName == "" {
		set("legal_rep_name", "error.required")
	}
	if m.NeedsPhone && !idcheck.Mobile(f.Phone) {
		set("phone", "error.mobile")
	}
	if m.NeedsBank {
		f.BankAccount = idcheck.Digits(f.BankAccount)
		if f.BankName == "" {
			set("bank_name", "error.required")
		}
		if m.Subject == models.SubjectPersonal && !idcheck.BankCard(f.BankAccount) {
			set("bank_account", "error.bank_card")
		} else if !idcheck.BankAccount(f.BankAccount) {
			set("bank_account", "error.bank_account")
		}
	}
}

// realNameUploadRules are the file fields of a method: at most 4 files in all.
func realNameUploadRules(m models.RealNameMethod) []UploadRule {
	var rules []UploadRule
	add := func(purpose string, required bool) {
		rules = append(rules, UploadRule{Field: "file_" + purpose, Purpose: purpose, Types: docTypes, MaxBytes: docMaxBytes, MaxFiles: 1, Required: required})
	}
	for _, p := range m.RequiredFiles {
		add(p, true)
	}
	for _, p := range m.OptionalFiles {
		add(p, false)
	}
	return rules
}

// RealNameShow is the real-name page: current state, the pending check, history.
func (a *App) RealNameShow(c echo.Context) error {
	ctx := c.Request().Context()
	m := currentMerchant(c)
	hist, err := a.Store.RealNameHistory(ctx, m.ID)
	if err != nil {
		return err
	}
	vm := pages.RealNameVM{CanStart: models.CanStartRealName(*m), Merchant: *m, DevOutbox: a.devOutbox()}
	for i := range hist {
		if hist[i].Status != models.RealNameAbandoned {
			cur := hist[i]
			vm.Current = &cur
			files, err := a.Store.FilesFor(ctx, "realname", cur.ID)
			if err != nil {
				return err
			}
			vm.Files = fileLinks(ctx, files)
			break
		}
	}
	vm.History = hist
	return a.render(c, http.StatusOK, pages.RealNamePage(a.page(c), vm, view.Errors{}), nil)
}

// RealNameNew shows the submission form for the chosen subject and method.
func (a *App) RealNameNew(c echo.Context) error {
	m := currentMerchant(c)
	if !models.CanStartRealName(*m) {
		return models.ErrIllegalTransition
	}
	subject := c.QueryParam("subject")
	if subject != models.SubjectPersonal || m.RealNameStatus == models.RealNameVerified {
		subject = models.SubjectEnterprise
	}
	vm := pages.RealNameFormVM{Subject: subject, Upgrade: m.RealNameStatus == models.RealNameVerified}
	if meth, ok := models.RealNameMethodByCode(c.QueryParam("method")); ok && meth.Subject == subject {
		vm.Method = meth.Code
	} else {
		vm.Method = defaultMethod(subject)
	}
	vm.Form.CertType = defaultCertType(subject)
	return a.render(c, http.StatusOK, pages.RealNameFormPage(a.page(c), vm), pages.RealNameFormBody(a.page(c), vm))
}

func defaultMethod(subject string) string {
	if subject == models.SubjectPersonal {
		return models.MethodIDDocument
	}
	return models.MethodCertificate
}

func defaultCertType(subject string) string {
	if subject == models.SubjectPersonal {
		return models.CertResidentID
	}
	return models.CertUSCC
}

// RealNameCreate records a submission with its files.
func (a *App) RealNameCreate(c echo.Context) error {
	m := currentMerchant(c)
	var f realNameForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	meth, ok := models.RealNameMethodByCode(f.Method)
	if !ok || meth.Subject != f.Subject {
		errs.Set("method", "error.choice")
		meth, f.Method = models.RealNameMethods[2], models.MethodCertificate
		f.Subject = models.SubjectEnterprise
	}
	f.check(meth, errs)
	rules := realNameUploadRules(meth)
	parts, err := a.checkUploads(c, rules, errs)
	if err != nil {
		return err
	}
	vm := pages.RealNameFormVM{Subject: f.Subject, Method: f.Method, Upgrade: m.RealNameStatus == models.RealNameVerified,
		Form: pages.RealNameFields{Name: f.Name, CertType: f.CertType, CertNumber: f.CertNumber, LegalRepName: f.LegalRepName,
			Phone: f.Phone, BankName: f.BankName, BankAccount: f.BankAccount}, Errors: errs}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.RealNameFormPage(a.page(c), vm), nil)
	}
	var v models.RealNameVerification
	err = a.withUploads(c, rules, parts, func(ups models.Uploads) (err error) {
		v, err = a.Store.SubmitRealName(c.Request().Context(), actor(c), m.ID, models.RealNameInput{
			Subject: f.Subject, Method: f.Method, Name: f.Name, CertType: f.CertType, CertNumber: f.CertNumber,
			LegalRepName: f.LegalRepName, Phone: f.Phone, BankName: f.BankName, BankAccount: f.BankAccount, Files: ups})
		return err
	})
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.render(c, http.StatusUnprocessableEntity, pages.RealNameFormPage(a.page(c), vm), nil)
	}
	if err != nil {
		return err
	}
	if v.Status == models.RealNameAwaitingCheck {
		a.flash(c, "info", "realname.flash_check_sent_"+v.ChallengeKind)
	} else {
		a.flash(c, "success", "realname.flash_submitted")
	}
	return a.redirect(c, web.SellerRealName())
}

type realNameConfirmForm struct {
	Answer string `form:"answer" validate:"required,max=20"`
}

// RealNameConfirm checks the deposit amount or SMS code.
func (a *App) RealNameConfirm(c echo.Context) error {
	m := currentMerchant(c)
	ctx := c.Request().Context()
	var f realNameConfirmForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	cur, err := a.Store.CurrentRealName(ctx, m.ID)
	if err != nil {
		return err
	}
	answer := f.Answer
	if !errs.Any() && cur.ChallengeKind == models.ChallengeTransfer {
		fen, perr := money.ParseYuan(f.Answer)
		if key := moneyErrKey(perr); key != "" {
			errs.Set("answer", key)
		}
		answer = itoa64(fen)
	}
	if errs.Any() {
		return a.realNameRerender(c, errs)
	}
	_, err = a.Store.ConfirmRealNameCheck(ctx, actor(c), m.ID, answer)
	var wrong *models.ErrWrongAnswer
	if errors.As(err, &wrong) {
		if wrong.Left <= 0 {
			a.flash(c, "error", "realname.flash_check_locked")
			return a.redirect(c, web.SellerRealName())
		}
		return a.realNameRerender(c, view.Errors{"answer": view.M("realname.wrong_answer", "N", wrong.Left)})
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "realname.flash_submitted")
	return a.redirect(c, web.SellerRealName())
}

// realNameRerender shows the real-name page again with errors on the check form.
func (a *App) realNameRerender(c echo.Context, errs view.Errors) error {
	ctx := c.Request().Context()
	m := currentMerchant(c)
	hist, err := a.Store.RealNameHistory(ctx, m.ID)
	if err != nil {
		return err
	}
	vm := pages.RealNameVM{CanStart: models.CanStartRealName(*m), Merchant: *m, History: hist, DevOutbox: a.devOutbox()}
	if cur, err := a.Store.CurrentRealName(ctx, m.ID); err == nil {
		vm.Current = &cur
	}
	return a.render(c, http.StatusUnprocessableEntity, pages.RealNamePage(a.page(c), vm, errs), nil)
}

// RealNameAbandon drops a submission still waiting for its check.
func (a *App) RealNameAbandon(c echo.Context) error {
	if err := a.Store.AbandonRealName(c.Request().Context(), actor(c), currentMerchant(c).ID); err != nil {
		return err
	}
	a.flash(c, "info", "realname.flash_abandoned")
	return a.redirect(c, web.SellerRealName())
}

// moneyErrKey maps a money parse error to its message key.
func moneyErrKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, money.ErrDecimals):
		return "error.amount_decimals"
	case errors.Is(err, money.ErrNegative):
		return "error.amount_negative"
	case errors.Is(err, money.ErrTooLarge):
		return "error.amount_too_large"
	}
	return "error.amount"
}
