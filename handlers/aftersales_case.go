package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/pages"
)

// renderCase answers an after-sales action with the case page, or for htmx with the
// forms of the side looking at it.
func (a *App) renderCase(c echo.Context, status int, vm pages.RefundCaseVM) error {
	p := a.page(c)
	return a.render(c, status, pages.RefundCasePage(p, vm), pages.CaseActions(p, vm))
}

// caseRefused answers an action the case no longer allows because it moved on since the
// form was shown (the other party acted, another window, a deadline passed): the case as
// it stands now, with the reason, and 409. Other errors pass through.
func (a *App) caseRefused(c echo.Context, err error, load func(echo.Context) (pages.RefundCaseVM, error)) error {
	if !errors.Is(err, models.ErrConflict) && !errors.Is(err, models.ErrIllegalTransition) {
		return err
	}
	vm, lerr := load(c)
	if lerr != nil {
		return lerr
	}
	vm.StaleKey = "aftersales.stale"
	var rule interface{ MessageKey() string }
	if errors.As(err, &rule) {
		vm.StaleKey = rule.MessageKey()
	}
	return a.renderCase(c, http.StatusConflict, vm)
}
