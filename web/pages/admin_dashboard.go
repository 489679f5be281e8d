package pages

import "time"

// DashboardVM is the reviewer dashboard.
type DashboardVM struct {
	Tiles     []QueueTile
	Locked    int64
	LockedURL string
	// Disputes counts the refund disputes waiting for a reviewer.
	Disputes    int64
	DisputesURL string
	// Supervision: deliveries waiting for 华为云复核, those past the reminder, open appeals.
	Reviews, ReviewsOverdue, Appeals int64
}

// QueueTile is one queue's size and the age of its oldest item.
type QueueTile struct {
	Kind     string
	TitleKey string
	URL      string
	Count    int64
	Oldest   *time.Time
	Age      SLAAge
}
