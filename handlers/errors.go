package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/blobstore"
	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// errorStatus maps an error to the status the user sees.
func errorStatus(err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, models.ErrNotFound), errors.Is(err, blobstore.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, models.ErrOwnSubmission):
		return http.StatusForbidden
	case errors.Is(err, models.ErrConflict), errors.Is(err, models.ErrIllegalTransition), errors.Is(err, models.ErrStepLocked),
		errors.Is(err, models.ErrOpenApplication):
		return http.StatusConflict
	case errors.Is(err, models.ErrLastSpec), errors.As(err, new(*models.FieldError)):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// errorKey is the message shown for a status (and for some errors, a precise one).
func errorKey(status int, err error) string {
	var rule interface{ MessageKey() string }
	if errors.As(err, &rule) {
		return rule.MessageKey()
	}
	switch {
	case errors.Is(err, models.ErrOwnSubmission):
		return "error.own_submission"
	case errors.Is(err, models.ErrStepLocked):
		return "error.step_locked"
	case errors.Is(err, models.ErrIllegalTransition):
		return "error.illegal_transition"
	case errors.Is(err, models.ErrConflict):
		return "error.conflict"
	case errors.Is(err, models.ErrOpenApplication):
		return "error.open_application"
	case errors.Is(err, models.ErrLastSpec):
		return "listing.error_last_spec"
	}
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return "error.not_found"
	case http.StatusForbidden:
		return "error.forbidden"
	case http.StatusBadRequest:
		return "error.bad_request"
	case http.StatusRequestEntityTooLarge:
		return "error.too_large"
	case http.StatusTooManyRequests:
		return "error.too_many"
	case http.StatusConflict:
		return "error.conflict"
	case http.StatusUnauthorized:
		return "error.unauthorized"
	}
	return "error.internal"
}

// handleError is the one place errors become pages: no stack, a request id for 500s.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := errorStatus(err)
	if status == http.StatusMethodNotAllowed {
		status = http.StatusNotFound
	}
	if status >= 500 {
		a.Log.Error("request failed", "err", err, "path", c.Request().URL.Path, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if i18n.From(c.Request().Context()) == nil {
		a.attachLocale(c) // errors raised before the locale middleware ran
	}
	p := a.safePage(c)
	c.Set(ctxPageErr, nil) // the error page shows whatever of the context could be read
	vm := pages.ErrorVM{Status: status, Key: errorKey(status, err), RequestID: p.RequestID}
	if rerr := a.render(c, status, pages.ErrorPage(p, vm), pages.ErrorFragment(vm)); rerr != nil {
		a.Log.Error("error page failed", "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}

// safePage builds a page context even when the session or database failed.
func (a *App) safePage(c echo.Context) (p view.Page) {
	defer func() {
		if r := recover(); r != nil {
			p = view.Page{Locale: "en", Path: c.Request().URL.Path}
		}
	}()
	return a.page(c)
}
