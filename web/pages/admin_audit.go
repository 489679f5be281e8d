package pages

import (
	"sellercenter/web/view"
)

// AuditVM is the audit log with its filters.
type AuditVM struct {
	Action        string
	Actor         string
	ObjectType    string
	Merchant      string // a name or an id
	From          string
	To            string
	Zone          string // the calendar's time zone the dates are read in
	ActionOptions []view.Option
	ObjectOptions []view.Option
	Errors        view.Errors
	Rows          []AuditEntry
	CSVURL        string // the same filters, as a CSV download
	Pager         view.Pager
}
