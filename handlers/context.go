package handlers

import (
	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/view"
)

const (
	ctxUser     = "sc.user"
	ctxMerchant = "sc.merchant"
	ctxPageErr  = "sc.page_err" // a failure while building the page context

)

// currentUser is the logged-in user, or nil.
func currentUser(c echo.Context) *models.User {
	u, _ := c.Get(ctxUser).(*models.User)
	return u
}

// currentMerchant is the logged-in merchant's company, or nil.
func currentMerchant(c echo.Context) *models.Merchant {
	m, _ := c.Get(ctxMerchant).(*models.Merchant)
	return m
}

// actor describes the current user for the audit log.
func actor(c echo.Context) models.Actor {
	a := models.Actor{RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
	if u := currentUser(c); u != nil {
		a.UserID, a.Email = u.ID, u.Email
	}
	return a
}

func viewUser(u *models.User, m *models.Merchant) *view.User {
	if u == nil {
		return nil
	}
	v := &view.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), IsAdmin: u.IsAdmin, Verified: u.Verified()}
	if m != nil {
		v.MerchantActive = m.Active()
	}
	return v
}
