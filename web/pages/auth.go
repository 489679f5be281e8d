// Package pages holds one view file per resource: full pages and their fragments, each
// taking the page context and one typed view model.
package pages

import "sellercenter/web/view"

// LoginVM is the login form.
type LoginVM struct {
	Email  string
	Next   string
	Errors view.Errors
}

// RegisterVM is the registration form.
type RegisterVM struct {
	Role   string
	Email  string
	Name   string
	Errors view.Errors
}

// ForgotVM is the forgotten-password form.
type ForgotVM struct {
	Email  string
	Sent   bool
	Errors view.Errors
}

// ResetVM is the new-password form.
type ResetVM struct {
	Token  string
	Errors view.Errors
}

// PasswordVM is the change-password form.
type PasswordVM struct {
	Errors view.Errors
}

// MessageVM is a page that only tells something.
type MessageVM struct {
	Title    string
	Body     string
	LinkURL  string
	LinkText string
}

// ErrorVM is an error page.
type ErrorVM struct {
	Status    int
	Key       string
	RequestID string
}

var roleOptions = []view.Option{{Value: "merchant", Label: "auth.role_merchant"}, {Value: "buyer", Label: "auth.role_buyer"}}
