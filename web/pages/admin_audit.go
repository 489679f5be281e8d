package pages

import (
	"time"

	"sellercenter/web/view"
)

// AuditVM is the audit log with its filters.
type AuditVM struct {
	Action        string
	Actor         string
	ObjectType    string
	MerchantID    string
	From          string
	To            string
	Zone          string // the calendar's time zone the dates are read in
	ActionOptions []view.Option
	ObjectOptions []view.Option
	Errors        view.Errors
	Rows          []AuditRowVM
	Pager         view.Pager
}

// AuditRowVM is one audit entry, with values already made safe to show.
type AuditRowVM struct {
	At         time.Time
	Actor      string
	Action     string // code
	ObjectType string
	ObjectID   uint
	ObjectURL  string
	MerchantID uint
	Before     string
	After      string
	Reason     string // message key or code
	Comment    string
	RequestID  string
	IP         string
}
