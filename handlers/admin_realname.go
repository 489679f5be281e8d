package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// AdminRealNameList is the real-name verification queue.
func (a *App) AdminRealNameList(c echo.Context) error { return a.listQueue(c, realNameQueue) }

// AdminRealNameShow shows one submission with its decision panel.
func (a *App) AdminRealNameShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showRealName(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminRealNameApprove verifies the merchant.
func (a *App) AdminRealNameApprove(c echo.Context) error {
	return a.decide(c, realNameQueue, true, a.Store.DecideRealName, a.showRealName)
}

// AdminRealNameReject refuses the submission with a reason.
func (a *App) AdminRealNameReject(c echo.Context) error {
	return a.decide(c, realNameQueue, false, a.Store.DecideRealName, a.showRealName)
}

// AdminRealNameUnlock releases a check locked by three wrong answers; a new amount or
// code is sent.
func (a *App) AdminRealNameUnlock(c echo.Context) error {
	return a.unlock(c, a.Store.UnlockRealName, a.showRealName, web.AdminRealName, "admin.realname.unlocked")
}

// AdminRealNameReveal shows the full certificate and bank numbers once, audited.
func (a *App) AdminRealNameReveal(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	vm, err := a.realNameVM(c, id, pages.DecisionVM{})
	if err != nil {
		return err
	}
	cert, bank, err := a.Store.RealNameSecrets(c.Request().Context(), actor(c), vm.V)
	if err != nil {
		return err
	}
	vm.Secrets.Revealed = true
	vm.Secrets.Rows[0].Full = cert
	if len(vm.Secrets.Rows) > 1 {
		vm.Secrets.Rows[1].Full = bank
	}
	return a.render(c, http.StatusOK, pages.RealNameReviewPage(a.page(c), vm), pages.SecretsBlock(a.page(c).CSRF, vm.Secrets))
}

func (a *App) showRealName(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	vm, err := a.realNameVM(c, id, panel)
	if err != nil {
		return err
	}
	p := a.page(c)
	return a.render(c, status, pages.RealNameReviewPage(p, vm), pages.DecisionPanel(p.CSRF, vm.Review.Decision))
}

func (a *App) realNameVM(c echo.Context, id uint, panel pages.DecisionVM) (pages.RealNameReviewVM, error) {
	v, err := a.Store.RealNameByID(c.Request().Context(), id)
	if err != nil {
		return pages.RealNameReviewVM{}, err
	}
	review, err := a.reviewVM(c, realNameQueue, reviewItem{RefType: "realname", ID: v.ID, MerchantID: v.MerchantID, Status: v.Status,
		SubmittedAt: v.SubmittedAt, SubmittedBy: &v.SubmittedByID, DecidedAt: v.DecidedAt, DecidedBy: v.DecidedByID,
		RejectReason: v.RejectReason, RejectComment: v.RejectComment}, panel)
	if err != nil {
		return pages.RealNameReviewVM{}, err
	}
	if v.Status == models.RealNameLocked {
		review.Decision.UnlockURL, review.Decision.UnlockHint = web.AdminRealNameUnlock(v.ID), "admin.realname.locked_hint"
	}
	secrets := pages.SecretsVM{ID: "realname-secrets", RevealURL: web.AdminRealNameReveal(v.ID),
		Rows: []pages.SecretRow{{Label: "admin.realname.cert_number", Masked: v.CertNumberMasked}}}
	if v.BankAccountMasked != "" {
		secrets.Rows = append(secrets.Rows, pages.SecretRow{Label: "admin.realname.bank_account", Masked: v.BankAccountMasked})
	}
	return pages.RealNameReviewVM{Review: review, V: v, Secrets: secrets}, nil
}
