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
	Before  string
	After   string
	Changed bool
	// FileURLs: the values are uploaded images (a logo), shown inline.
	BeforeURL string
	AfterURL  string
}
