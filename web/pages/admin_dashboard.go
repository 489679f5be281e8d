package pages

import (
	"time"

	"sellercenter/models"
)

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
	// Bills counts the bills in each status.
	Bills map[string]int64
}

// BillsWaiting counts the bills waiting for the platform: to send, to countersign, an
// invoice to check, a payment to make.
func (vm DashboardVM) BillsWaiting() int64 {
	return vm.Bills[models.BillGenerated] + vm.Bills[models.BillSent] + vm.Bills[models.BillInvoiced] + vm.Bills[models.BillPaying]
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
