// Package view holds what every page is given: the page context (who is looking, in
// which language, with which CSRF token and flash) and small shared view types.
package view

import (
	"context"

	"sellercenter/web/i18n"
)

// Page is the context every full page renders with.
type Page struct {
	User   *User
	CSRF   string
	Flash  []Flash
	Locale string
	Path   string
	// Here is the address the language switch comes back to: the page's whole URL (path
	// and query), or for a form shown again after a POST the page the form was on.
	Here      string
	Unread    int64
	DevOutbox bool
	RequestID string
}

// User is the logged-in user as pages need them.
type User struct {
	ID             uint
	Email          string
	Name           string
	Role           string
	IsAdmin        bool
	Verified       bool
	MerchantActive bool
}

// Flash is a one-time message shown after a redirect; Key is a message key.
type Flash struct {
	Kind string // success, error, info
	Key  string
}

// Msg is a message of the catalogs with its arguments, typed: name, value pairs such as
// "N", 72 for "At most {{.N}} bytes.".
type Msg struct {
	Key  string
	Args []any
}

// M is the message key with its arguments.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Text is the message in the request's language.
func (m Msg) Text(ctx context.Context) string { return i18n.T(ctx, m.Key, m.Args...) }

// Empty tells whether there is no message.
func (m Msg) Empty() bool { return m.Key == "" }

// Errors maps a form field to its message.
type Errors map[string]Msg

// Set puts the message key (with its arguments) on field.
func (e Errors) Set(field, key string, args ...any) { e[field] = M(key, args...) }

// Has tells whether field has an error.
func (e Errors) Has(field string) bool { _, ok := e[field]; return ok }

// Any tells whether there is any error.
func (e Errors) Any() bool { return len(e) > 0 }

// Option is one choice of a select or radio group; Label is a message key unless Raw.
type Option struct {
	Value string
	Label string
	Raw   bool
}

// Pager describes one page of a list for the pagination component.
type Pager struct {
	Page    int
	PerPage int
	Total   int64
	// Query is the current query string without "page"; links keep the filters.
	BaseURL string
	Query   string
}

// Pages is the number of pages.
func (p Pager) Pages() int {
	if p.PerPage <= 0 {
		return 1
	}
	n := int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
	return max(n, 1)
}
