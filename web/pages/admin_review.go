package pages

import (
	"time"

	"sellercenter/web/components"
	"sellercenter/web/view"
)

// SLAAge is an item's age in working days against its queue's SLA.
type SLAAge struct {
	Days  float64
	SLA   int
	Tone  string // green, yellow, red
	Known bool   // false when there is nothing waiting
}

// MerchantCard is the merchant an item belongs to.
type MerchantCard struct {
	ID            uint
	Company       string
	OwnerEmail    string
	RealName      string // statuses
	Application   string
	Certification string
	Active        bool
	Suspended     bool
}

// DecisionVM is the decision panel of a review item: approve, reject with a reason, or
// (for a locked certification) unlock; once decided, the verdict.
type DecisionVM struct {
	Kind       string
	Status     string
	Open       bool // waiting for a decision
	Own        bool // submitted by the reviewer looking at it
	ApproveURL string
	RejectURL  string
	Reasons    []view.Option
	Reason     string
	Comment    string
	// Multi: the reviewer checks one or more reasons (field "reasons") instead of
	// choosing one; Chosen are the checked ones.
	Multi      bool
	Chosen     []string
	CommentMax int // 0 means 1000
	Errors     view.Errors
	// The verdict, once given.
	DecidedAt     *time.Time
	DecidedBy     string
	RejectReason  string
	RejectReasons []string // several reasons, when the queue takes them
	RejectComment string
	// Unlocking a locked check (certification transfer, real-name deposit or code).
	UnlockURL     string
	UnlockHint    string
	UnlockComment string
}

// ReviewVM is what every review detail page shows around the submission itself.
type ReviewVM struct {
	Kind        string
	ID          uint
	TitleKey    string
	ListURL     string
	Status      string
	SubmittedAt *time.Time
	Age         SLAAge
	Merchant    MerchantCard
	Files       []components.FileLink
	History     []components.HistoryEntry
	Decision    DecisionVM
}

// SecretsVM is a block of masked numbers a reviewer may reveal once, audited.
type SecretsVM struct {
	ID        string // element id the reveal form swaps
	RevealURL string
	Revealed  bool
	Rows      []SecretRow
}

// SecretRow is one masked number and, after a reveal, its full value.
type SecretRow struct {
	Label  string // message key
	Masked string
	Full   string
}

func (d DecisionVM) commentMax() int {
	if d.CommentMax > 0 {
		return d.CommentMax
	}
	return 1000
}

func (d DecisionVM) chosen() map[string]bool {
	out := make(map[string]bool, len(d.Chosen))
	for _, r := range d.Chosen {
		out[r] = true
	}
	return out
}
