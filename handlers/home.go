package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/web/layouts"
	"sellercenter/web/pages"
)

// Home sends users to their own center and shows visitors the landing page.
func (a *App) Home(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, layouts.HomeFor(viewUser(u, nil)))
	}
	return a.render(c, http.StatusOK, pages.HomePage(a.page(c)), nil)
}

// BuyerHome is the buyer center (我的云商店).
func (a *App) BuyerHome(c echo.Context) error {
	return a.render(c, http.StatusOK, pages.BuyerHomePage(a.page(c)), nil)
}
