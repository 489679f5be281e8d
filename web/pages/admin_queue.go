package pages

import (
	"time"

	"sellercenter/web/view"
)

// QueueVM is one reviewer queue: filters, rows and the page.
type QueueVM struct {
	Kind          string
	TitleKey      string
	SubtitleKey   string
	ListURL       string
	KindHeader    string // message key of the kind column; empty hides it
	ItemHeader    string // message key of the item name column; empty hides it
	SearchHint    string // message key of what the search matches; empty: merchant name and email
	Status        string
	Q             string
	StatusOptions []view.Option
	Filters       []QueueSelect // the queue's own filters beside status and search
	Errors        view.Errors
	Rows          []QueueRowVM
	Pager         view.Pager
}

// QueueRowVM is one item of a queue.
type QueueRowVM struct {
	ID          uint
	URL         string
	Company     string
	OwnerEmail  string
	Kind        string // resolved text
	Item        string // the item's own name, when the queue has one
	ItemSub     string // a second line under it (a product's English name)
	SubmittedAt *time.Time
	Age         SLAAge
	Status      string
}

// QueueSelect is one extra filter of a queue.
type QueueSelect struct {
	Name    string
	Label   string // message key
	Value   string
	Options []view.Option
}

// SearchHintKey is the search box's placeholder key.
// SuggestKind is what the queue's search suggests as the reviewer types: product names
// in the product queue, merchant names elsewhere.
func (vm QueueVM) SuggestKind() string {
	if vm.Kind == KindProductApp {
		return suggestProductsKind
	}
	return suggestMerchantsKind
}

func (vm QueueVM) SearchHintKey() string {
	if vm.SearchHint != "" {
		return vm.SearchHint
	}
	return "admin.queue.search_hint"
}
