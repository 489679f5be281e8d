package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

const inboxPerPage = 20

// InboxList shows the user's messages (站内信).
func (a *App) InboxList(c echo.Context) error {
	ctx := c.Request().Context()
	page := pageParam(c)
	unread := c.QueryParam("filter") == "unread"
	rows, total, err := a.Store.Notifications(ctx, currentUser(c).ID, unread, page, inboxPerPage)
	if err != nil {
		return err
	}
	vm := pages.InboxVM{Unread: unread, Pager: view.Pager{Page: page, PerPage: inboxPerPage, Total: total, BaseURL: web.Inbox()}}
	if unread {
		vm.Pager.Query = "filter=unread"
	}
	l := i18n.From(ctx)
	for _, n := range rows {
		vm.Items = append(vm.Items, notificationItem(l, n))
	}
	return a.render(c, http.StatusOK, pages.InboxPage(a.page(c), vm), pages.InboxList(vm, a.page(c).CSRF))
}

func notificationItem(l *i18n.Localizer, n models.Notification) pages.InboxItem {
	args := l.Args(n.Args)
	return pages.InboxItem{ID: n.ID, Title: l.TMap(n.TitleKey, args), Body: l.TMap(n.BodyKey, args),
		Link: web.NoticeURL(n.Target, n.TargetRef), Read: n.ReadAt != nil, At: n.CreatedAt}
}

// InboxRead marks a message read and follows its link.
func (a *App) InboxRead(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	n, err := a.Store.MarkNotificationRead(c.Request().Context(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	return a.redirect(c, safeNext(web.NoticeURL(n.Target, n.TargetRef), web.Inbox()))
}

// InboxReadAll marks every message read.
func (a *App) InboxReadAll(c echo.Context) error {
	if err := a.Store.MarkAllNotificationsRead(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	a.flash(c, "success", "inbox.all_read")
	return a.redirect(c, web.Inbox())
}

// DevOutboxList shows the mail, SMS and bank notices the platform sent, when no
// gateway is configured (development only).
func (a *App) DevOutboxList(c echo.Context) error {
	rows, err := a.Store.OutboxMessages(c.Request().Context(), 100)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.OutboxPage(a.page(c), rows), nil)
}

// idParam parses the :id path parameter; anything else is a 404.
func idParam(c echo.Context) (uint, error) { return parseID(c.Param("id")) }

// parseID reads an object id from a URL; a malformed one names no object (404).
func parseID(s string) (uint, error) {
	id, err := strconv.ParseUint(s, 10, 32)
	if err != nil || id == 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return uint(id), nil
}

// pageParam parses ?page=, defaulting to 1.
func pageParam(c echo.Context) int {
	p, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || p < 1 || p > 100000 {
		return 1
	}
	return p
}
