package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// AdminCertificationList is the business certification queue.
func (a *App) AdminCertificationList(c echo.Context) error {
	return a.listQueue(c, certificationQueue)
}

// AdminCertificationShow shows one certification with its decision (or unlock) panel.
func (a *App) AdminCertificationShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showCertification(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminCertificationApprove certifies: the merchant becomes active.
func (a *App) AdminCertificationApprove(c echo.Context) error {
	return a.decide(c, certificationQueue, true, a.Store.DecideCertification, a.showCertification)
}

// AdminCertificationReject sends the certification back with a reason.
func (a *App) AdminCertificationReject(c echo.Context) error {
	return a.decide(c, certificationQueue, false, a.Store.DecideCertification, a.showCertification)
}

// unlockForm is the comment a reviewer gives for unlocking.
type unlockForm struct {
	Comment string `form:"comment" validate:"required,max=1000"`
}

// AdminCertificationUnlock releases a certification locked by three wrong amounts; the
// platform deposits a new amount.
func (a *App) AdminCertificationUnlock(c echo.Context) error {
	return a.unlock(c, a.Store.UnlockCertification, a.showCertification, web.AdminCertification, "admin.cert.unlocked")
}

// unlock releases a check locked by wrong answers (the certification's transfer, the
// real-name deposit or code) with the reviewer's comment; the store sends a new one.
func (a *App) unlock(c echo.Context, apply func(context.Context, models.Actor, uint, string) error, show detailRenderer,
	itemURL func(uint) string, flashKey string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f unlockForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return show(c, id, http.StatusUnprocessableEntity, pages.DecisionVM{UnlockComment: f.Comment, Errors: errs})
	}
	if err := apply(c.Request().Context(), actor(c), id, f.Comment); err != nil {
		return err
	}
	a.flash(c, "success", flashKey)
	return a.redirect(c, itemURL(id))
}

// AdminCertificationReveal shows the full bank account number once, audited.
func (a *App) AdminCertificationReveal(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	vm, err := a.certificationVM(c, id, pages.DecisionVM{})
	if err != nil {
		return err
	}
	acct, err := a.Store.CertificationSecrets(c.Request().Context(), actor(c), vm.C)
	if err != nil {
		return err
	}
	vm.Secrets.Revealed, vm.Secrets.Rows[0].Full = true, acct
	p := a.page(c)
	return a.render(c, http.StatusOK, pages.CertificationReviewPage(p, vm), pages.SecretsBlock(p.CSRF, vm.Secrets))
}

func (a *App) showCertification(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	vm, err := a.certificationVM(c, id, panel)
	if err != nil {
		return err
	}
	p := a.page(c)
	return a.render(c, status, pages.CertificationReviewPage(p, vm), pages.DecisionPanel(p.CSRF, vm.Review.Decision))
}

func (a *App) certificationVM(c echo.Context, id uint, panel pages.DecisionVM) (pages.CertificationReviewVM, error) {
	cert, err := a.Store.CertificationByID(c.Request().Context(), id)
	if err != nil {
		return pages.CertificationReviewVM{}, err
	}
	review, err := a.reviewVM(c, certificationQueue, reviewItem{RefType: "certification", ID: cert.ID, MerchantID: cert.MerchantID,
		Status: cert.Status, SubmittedAt: cert.SubmittedAt, SubmittedBy: cert.SubmittedByID, DecidedAt: cert.DecidedAt,
		DecidedBy: cert.DecidedByID, RejectReason: cert.RejectReason, RejectComment: cert.RejectComment}, panel)
	if err != nil {
		return pages.CertificationReviewVM{}, err
	}
	if cert.Status == models.CertLocked {
		review.Decision.UnlockURL, review.Decision.UnlockHint = web.AdminCertificationUnlock(cert.ID), "admin.cert.locked_hint"
	}
	secrets := pages.SecretsVM{ID: "certification-secrets", RevealURL: web.AdminCertificationReveal(cert.ID),
		Rows: []pages.SecretRow{{Label: "admin.cert.bank_account", Masked: cert.BankAccountMasked}}}
	return pages.CertificationReviewVM{Review: review, C: cert, Secrets: secrets}, nil
}
