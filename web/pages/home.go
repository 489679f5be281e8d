package pages

import (
	"time"

	"sellercenter/web/view"
)

// InboxItem is one message resolved into the reader's language.
type InboxItem struct {
	ID    uint
	Title string
	Body  string
	Link  string
	Read  bool
	At    time.Time
}

// InboxVM is the inbox list.
type InboxVM struct {
	Items  []InboxItem
	Unread bool
	Pager  view.Pager
}
