package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/layouts"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// loginForm is the login page's form.
type loginForm struct {
	Email    string `form:"email" validate:"required,max=254"`
	Password string `form:"password" trim:"no" validate:"required,max=200"`
	Next     string `form:"next"`
}

// LoginNew shows the login form.
func (a *App) LoginNew(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, layouts.HomeFor(viewUser(u, nil)))
	}
	vm := pages.LoginVM{Next: safeNext(c.QueryParam("next"), "")}
	return a.render(c, http.StatusOK, pages.LoginPage(a.page(c), vm), nil)
}

// LoginCreate checks the credentials and starts a fresh session.
func (a *App) LoginCreate(c echo.Context) error {
	var f loginForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	vm := pages.LoginVM{Email: f.Email, Next: safeNext(f.Next, ""), Errors: errs}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.LoginPage(a.page(c), vm), nil)
	}
	ctx := c.Request().Context()
	u, err := a.Store.Authenticate(ctx, f.Email, f.Password, c.RealIP(), actor(c).RequestID)
	switch {
	case errors.Is(err, models.ErrThrottled):
		vm.Errors = view.Errors{"_form": view.M("auth.throttled")}
		return a.render(c, http.StatusTooManyRequests, pages.LoginPage(a.page(c), vm), nil)
	case errors.Is(err, models.ErrBadCredentials):
		vm.Errors = view.Errors{"_form": view.M("auth.bad_credentials")}
		return a.render(c, http.StatusUnprocessableEntity, pages.LoginPage(a.page(c), vm), nil)
	case errors.Is(err, models.ErrSuspended):
		vm.Errors = view.Errors{"_form": view.M("auth.suspended")}
		return a.render(c, http.StatusForbidden, pages.LoginPage(a.page(c), vm), nil)
	case err != nil:
		return err
	}
	if err := a.startSession(c, u); err != nil {
		return err
	}
	if u.Locale == "" {
		_ = a.Store.SetLocale(ctx, u.ID, i18n.Lang(ctx))
	}
	return a.redirect(c, safeNext(f.Next, layouts.HomeFor(viewUser(&u, nil))))
}

// startSession gives the browser a new session token, a new CSRF token and the user's
// session epoch: a later password change or reset raises the epoch and so ends it.
func (a *App) startSession(c echo.Context, u models.User) error {
	ctx := c.Request().Context()
	if err := a.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	a.Sessions.Put(ctx, sessionUserKey, int(u.ID))
	a.Sessions.Put(ctx, sessionEpochKey, u.SessionEpoch)
	a.Sessions.Put(ctx, sessionBornKey, a.Clock.Now().UnixMilli())
	a.newCSRFToken(c)
	return nil
}

// Logout destroys the session on the server.
func (a *App) Logout(c echo.Context) error {
	if err := a.Sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, web.Login())
}

// registerForm is the registration form.
type registerForm struct {
	Role     string `form:"role" validate:"required,oneof=merchant buyer"`
	Email    string `form:"email" validate:"required,max=254,email"`
	Name     string `form:"name" validate:"required,max=100"`
	Password string `form:"password" trim:"no" validate:"required,min=10,maxbytes=72"`
	Confirm  string `form:"confirm" trim:"no" validate:"required,eqfield=Password"`
	Agree    bool   `form:"agree"`
}

// RegisterNew shows the registration form.
func (a *App) RegisterNew(c echo.Context) error {
	role := c.QueryParam("role")
	if role != "buyer" {
		role = "merchant"
	}
	return a.render(c, http.StatusOK, pages.RegisterPage(a.page(c), pages.RegisterVM{Role: role}), nil)
}

// RegisterCreate creates the account, logs it in and sends the verification mail.
func (a *App) RegisterCreate(c echo.Context) error {
	var f registerForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if !f.Agree {
		errs.Set("agree", "auth.must_agree_terms")
	}
	vm := pages.RegisterVM{Role: f.Role, Email: f.Email, Name: f.Name, Errors: errs}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.RegisterPage(a.page(c), vm), nil)
	}
	ctx := c.Request().Context()
	// A new address and one already registered get the same answer (the owner of the
	// latter is mailed), so registration cannot tell which addresses have accounts.
	err = a.Store.Register(ctx, actor(c), models.NewAccount{
		Email: f.Email, Password: f.Password, Role: models.Role(f.Role), Name: f.Name, Locale: i18n.Lang(ctx),
	})
	if err != nil {
		return err
	}
	a.flash(c, "success", "auth.registered_check_mail")
	return a.redirect(c, web.Login())
}

// VerifyEmail confirms the address from the mailed link.
func (a *App) VerifyEmail(c echo.Context) error {
	_, err := a.Store.VerifyEmail(c.Request().Context(), actor(c), c.QueryParam("token"))
	if errors.Is(err, models.ErrTokenInvalid) {
		return a.render(c, http.StatusBadRequest, pages.MessagePage(a.page(c), pages.MessageVM{
			Title: "auth.verify_failed_title", Body: "auth.verify_failed_body", LinkURL: web.Login(), LinkText: "auth.login"}), nil)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "auth.email_verified")
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, layouts.HomeFor(viewUser(u, nil)))
	}
	return c.Redirect(http.StatusSeeOther, web.Login())
}

// ResendVerification sends a fresh verification link.
func (a *App) ResendVerification(c echo.Context) error {
	u := currentUser(c)
	if err := a.Store.ResendVerification(c.Request().Context(), u.ID); err != nil {
		return err
	}
	a.flash(c, "success", "auth.verification_resent")
	return a.redirect(c, layouts.HomeFor(viewUser(u, nil)))
}

type forgotForm struct {
	Email string `form:"email" validate:"required,max=254,email"`
}

// ForgotNew shows the forgotten-password form.
func (a *App) ForgotNew(c echo.Context) error {
	return a.render(c, http.StatusOK, pages.ForgotPage(a.page(c), pages.ForgotVM{}), nil)
}

// ForgotCreate sends a reset link if the address is known; the answer is the same
// either way.
func (a *App) ForgotCreate(c echo.Context) error {
	var f forgotForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.ForgotPage(a.page(c), pages.ForgotVM{Email: f.Email, Errors: errs}), nil)
	}
	if err := a.Store.RequestPasswordReset(c.Request().Context(), actor(c), f.Email); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.ForgotPage(a.page(c), pages.ForgotVM{Sent: true}), nil)
}

type resetForm struct {
	Token    string `form:"token" validate:"required,max=200"`
	Password string `form:"password" trim:"no" validate:"required,min=10,maxbytes=72"`
	Confirm  string `form:"confirm" trim:"no" validate:"required,eqfield=Password"`
}

// ResetNew shows the new-password form for a valid link.
func (a *App) ResetNew(c echo.Context) error {
	tok := c.QueryParam("token")
	if !a.Store.ResetTokenValid(c.Request().Context(), tok) {
		return a.render(c, http.StatusBadRequest, pages.MessagePage(a.page(c), pages.MessageVM{
			Title: "auth.reset_invalid_title", Body: "auth.reset_invalid_body", LinkURL: web.ForgotPassword(), LinkText: "auth.forgot_password"}), nil)
	}
	return a.render(c, http.StatusOK, pages.ResetPage(a.page(c), pages.ResetVM{Token: tok}), nil)
}

// ResetCreate sets the new password.
func (a *App) ResetCreate(c echo.Context) error {
	var f resetForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.ResetPage(a.page(c), pages.ResetVM{Token: f.Token, Errors: errs}), nil)
	}
	_, err = a.Store.ResetPassword(c.Request().Context(), actor(c), f.Token, f.Password)
	if errors.Is(err, models.ErrTokenInvalid) {
		return a.render(c, http.StatusBadRequest, pages.MessagePage(a.page(c), pages.MessageVM{
			Title: "auth.reset_invalid_title", Body: "auth.reset_invalid_body", LinkURL: web.ForgotPassword(), LinkText: "auth.forgot_password"}), nil)
	}
	if err != nil {
		return err
	}
	// Any session this browser had is replaced: the user logs in with the new password.
	if err := a.Sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	a.flash(c, "success", "auth.password_reset_done")
	return c.Redirect(http.StatusSeeOther, web.Login())
}

type passwordForm struct {
	Current  string `form:"current" trim:"no" validate:"required,max=200"`
	Password string `form:"password" trim:"no" validate:"required,min=10,maxbytes=72"`
	Confirm  string `form:"confirm" trim:"no" validate:"required,eqfield=Password"`
}

// PasswordEdit shows the change-password form.
func (a *App) PasswordEdit(c echo.Context) error {
	return a.render(c, http.StatusOK, pages.PasswordPage(a.page(c), pages.PasswordVM{}), nil)
}

// PasswordUpdate changes the password and renews the session token.
func (a *App) PasswordUpdate(c echo.Context) error {
	var f passwordForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.PasswordPage(a.page(c), pages.PasswordVM{Errors: errs}), nil)
	}
	u, err := a.Store.ChangePassword(c.Request().Context(), actor(c), currentUser(c).ID, f.Current, f.Password)
	if fe, ok := fieldErrorFrom(err); ok {
		return a.render(c, http.StatusUnprocessableEntity, pages.PasswordPage(a.page(c), pages.PasswordVM{Errors: fe}), nil)
	}
	if err != nil {
		return err
	}
	// Every other session of the user ended with the change; this one goes on renewed.
	if err := a.startSession(c, u); err != nil {
		return err
	}
	a.flash(c, "success", "auth.password_changed")
	return a.redirect(c, web.AccountPassword())
}

type localeForm struct {
	Locale string `form:"locale" validate:"required,oneof=en zh-CN"`
	Next   string `form:"next"`
}

// LocaleUpdate remembers the chosen language in a cookie and the user's profile.
func (a *App) LocaleUpdate(c echo.Context) error {
	var f localeForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	c.SetCookie(&http.Cookie{Name: "lang", Value: f.Locale, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.Cfg.CookieSecure})
	if u := currentUser(c); u != nil {
		if err := a.Store.SetLocale(c.Request().Context(), u.ID, f.Locale); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, safeNext(f.Next, web.Home()))
}

// Terms is the terms of use and privacy statement every account accepts.
func (a *App) Terms(c echo.Context) error {
	return a.render(c, http.StatusOK, pages.TermsPage(a.page(c)), nil)
}
