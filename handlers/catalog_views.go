package handlers

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
)

// Product views (data analysis): a browser counts once per product and UTC day. The
// products it has counted today are remembered in a small cookie rather than in the
// session, so that visitors do not each create a session row; a browser that drops the
// cookie is counted again, as one without cookies is counted on every view.
const (
	viewCookie       = "sc_pv"
	viewCookieMaxIDs = 50
	viewWriteTimeout = 2 * time.Second
)

// countView records a view of p's page for p's merchant, unless the viewer belongs to
// that merchant or is a reviewer. A failed write is logged and never fails the page.
func (a *App) countView(c echo.Context, p models.Product) {
	if u := currentUser(c); u != nil && u.Role == models.RoleReviewer {
		return
	}
	if m := currentMerchant(c); m != nil && m.ID == p.MerchantID {
		return
	}
	now := a.Store.Now().UTC()
	day := now.Format("20060102")
	seen := viewedToday(c, day)
	if slices.Contains(seen, p.ID) {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), viewWriteTimeout)
	defer cancel()
	if err := a.Store.RecordProductView(ctx, p.ID, p.MerchantID); err != nil {
		a.Log.Warn("product view not recorded", "product", p.ID, "err", err)
		return
	}
	seen = append(seen, p.ID)
	if len(seen) > viewCookieMaxIDs {
		seen = seen[len(seen)-viewCookieMaxIDs:]
	}
	parts := make([]string, 0, len(seen)+1)
	parts = append(parts, day)
	for _, id := range seen {
		parts = append(parts, strconv.FormatUint(uint64(id), 10))
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	c.SetCookie(&http.Cookie{Name: viewCookie, Value: strings.Join(parts, "."), Path: web.Catalog(),
		Expires: midnight, MaxAge: max(1, int(midnight.Sub(now).Seconds())), HttpOnly: true,
		Secure: a.Cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
}

// viewedToday reads the products the browser was counted for on day; a cookie of another
// day, or one that does not parse, counts as none.
func viewedToday(c echo.Context, day string) []uint {
	ck, err := c.Cookie(viewCookie)
	if err != nil {
		return nil
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) < 2 || parts[0] != day || len(parts) > viewCookieMaxIDs+1 {
		return nil
	}
	ids := make([]uint, 0, len(parts)-1)
	for _, s := range parts[1:] {
		id, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil
		}
		ids = append(ids, uint(id))
	}
	return ids
}
