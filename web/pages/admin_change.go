package pages

import "sellercenter/models"

// ChangeReviewVM is one merchant information change request in the reviewer console.
type ChangeReviewVM struct {
	Review ReviewVM
	R      models.ChangeRequest
	Diff   []DiffRow
}

// DiffRow is one field of a change: the live value and the proposed one.
type DiffRow struct {
	Label   string // message key
	Text    string // an already-resolved label, used instead of Label when set
	Before  string
	After   string
	Changed bool
	// FileURLs: the values are uploaded images (a logo), shown inline.
	BeforeURL string
	AfterURL  string
}
