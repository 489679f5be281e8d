package pages

import "sellercenter/web/view"

// KitLoginVM is the platform's unified login page for a joint-operation app: the
// authorised user of an organisation signs in as userName@tenantCode.
type KitLoginVM struct {
	AppName string
	Account string
	// Params are the OAuth 2.0 authorize request's parameters, carried through the form.
	Params [][2]string
	Errors view.Errors
}

// KitRefusedVM says why unified login will not go on (an unknown app, a redirect
// address that is not the app's, a user the organisation has not authorised).
type KitRefusedVM struct {
	Title   string
	Body    string
	AppName string
}
