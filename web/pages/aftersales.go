package pages

import (
	"context"
	"strconv"
	"time"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// Sides of an after-sales case: who is looking at it.
const (
	SideBuyer    = "buyer"
	SideMerchant = "merchant"
	SideReviewer = "reviewer"
)

// RefundFormVM is the buyer's after-sales form for one paid order: the flow the rules
// chose, the amount they give, and the open case or the reason nothing can be done.
type RefundFormVM struct {
	Order        models.Order
	Quote        models.RefundQuote
	OpenCase     *models.Refund
	NoReasonDays int
	Key          string // the idempotency key of this form
	Amount       string
	Reason       string
	Errors       view.Errors
}

// BlockedKey is the message telling why no request may be made, or "".
func (vm RefundFormVM) BlockedKey() string {
	if re, ok := vm.Quote.Blocked.(*models.RuleError); ok && vm.OpenCase == nil {
		return re.Key
	}
	return ""
}

// RefundTab is one status tab of the merchant's queue.
type RefundTab struct {
	Value  string
	Label  string // message key
	Count  int64
	Active bool
	URL    string
}

// RefundListVM is a list of cases: the buyer's, or the merchant's queue with its tabs
// and filters.
type RefundListVM struct {
	Rows   []models.RefundRow
	Pager  view.Pager
	Tabs   []RefundTab
	Status string
	Kind   string
	Q      string
	Errors view.Errors
}

// RefundCaseVM is one case as the buyer, the merchant or a reviewer sees it, with the
// values of an action form that came back with errors.
type RefundCaseVM struct {
	Case     models.RefundCase
	Side     string
	Own      bool // a reviewer looking at a case they are a party to
	Errors   view.Errors
	Comment  string
	Reason   string
	Tracking string
	Decision string
	// StaleKey explains why an action was refused because the case moved on since its
	// form was shown; the page then shows the case as it is now.
	StaleKey string
}

// R is the case itself.
func (vm RefundCaseVM) R() models.Refund { return vm.Case.Refund }

// RefundStatusBadge maps a case status to its label and tone.
func RefundStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.RefundRequested: "yellow", models.RefundApproved: "blue", models.RefundRefunded: "green",
		models.RefundRejected: "red", models.RefundWithdrawn: "gray"}[status]
	return components.BadgeProps{Label: "aftersales.status." + status, Tone: tone, TestID: "refund-status"}
}

// refundKindOptions lists the kinds for the queue's filter.
func refundKindOptions() []view.Option {
	return []view.Option{
		{Value: models.RefundUnsubscribe, Label: "aftersales.kind.unsubscribe"},
		{Value: models.RefundNegotiated, Label: "aftersales.kind.negotiated"},
		{Value: models.RefundReturn, Label: "aftersales.kind.return"},
	}
}

// caseHistory turns a case's events into timeline entries. The buyer and the merchant
// see who acted by role; the reviewer console adds the account.
func caseHistory(ctx context.Context, c models.RefundCase, side string) []components.HistoryEntry {
	out := make([]components.HistoryEntry, 0, len(c.Events))
	for _, e := range c.Events {
		who := i18n.T(ctx, "aftersales.party.platform")
		if e.ActorID != nil {
			u := c.Parties[*e.ActorID]
			switch {
			case *e.ActorID == c.Refund.BuyerID:
				who = i18n.T(ctx, "aftersales.party.buyer")
			case u.Role == models.RoleMerchant:
				who = i18n.T(ctx, "aftersales.party.merchant")
			}
			if side == SideReviewer && u.Email != "" {
				who += " · " + u.Email
			}
		}
		out = append(out, components.HistoryEntry{When: i18n.DateTime(ctx, e.CreatedAt), Who: who, Action: i18n.T(ctx, e.Action), Comment: e.Comment})
	}
	return out
}

// orderStatusKey is the label of an order status.
func orderStatusKey(s string) string { return "order.status." + s }

// refundBasisText explains an unsubscription's amount.
func refundBasisText(ctx context.Context, vm RefundFormVM) string {
	amount := i18n.Money(ctx, vm.Quote.AmountFen)
	switch vm.Quote.Basis {
	case models.BasisFull:
		return i18n.T(ctx, "aftersales.basis.full", "Days", vm.NoReasonDays, "Amount", amount)
	case models.BasisProRata:
		return i18n.T(ctx, "aftersales.basis.prorata", "Amount", amount)
	case models.BasisTrial:
		return i18n.T(ctx, "aftersales.basis.trial")
	}
	return i18n.T(ctx, "aftersales.basis.none")
}

// deadlineText tells the next deadline of a hardware return, if one runs.
func deadlineText(ctx context.Context, r models.Refund) string {
	switch {
	case r.AwaitsBuyerShipping():
		return i18n.T(ctx, "aftersales.ship_by", "When", i18n.DateTime(ctx, *r.ShipBy()))
	case r.Kind == models.RefundReturn && r.Status == models.RefundApproved && r.ShippedAt != nil && r.ReceivedAt == nil && r.ResolvedByID == nil:
		return i18n.T(ctx, "aftersales.receive_by", "When", i18n.DateTime(ctx, *r.ReceiveBy()))
	}
	return ""
}

// caseBackURL is the list a side's case page goes back to.
func caseBackURL(side string) string {
	switch side {
	case SideMerchant:
		return web.SellerAfterSales()
	case SideReviewer:
		return web.AdminDisputes()
	}
	return web.BuyerAfterSales()
}

// caseBackKey names that list.
func caseBackKey(side string) string {
	switch side {
	case SideMerchant:
		return "aftersales.seller.title"
	case SideReviewer:
		return "aftersales.disputes.title"
	}
	return "aftersales.buyer.title"
}

// caseURL links a case on the side looking at it.
func caseURL(side, no string) string {
	switch side {
	case SideMerchant:
		return web.SellerAfterSale(no)
	case SideReviewer:
		return web.AdminDispute(no)
	}
	return web.BuyerAfterSale(no)
}

// disputeAge is how long a dispute has waited, in whole days.
func disputeAge(ctx context.Context, since *time.Time, now time.Time) string {
	if since == nil {
		return "—"
	}
	return i18n.T(ctx, "aftersales.age_days", "N", int(now.Sub(*since).Hours()/24))
}

// DisputeListVM is the reviewer's dispute queue.
type DisputeListVM struct {
	Rows   []models.RefundRow
	Pager  view.Pager
	State  string
	Q      string
	Now    time.Time
	Errors view.Errors
}

// disputeStateOptions lists the queue's views.
func disputeStateOptions() []view.Option {
	return []view.Option{
		{Value: models.DisputesOpen, Label: "aftersales.disputes.open"},
		{Value: models.DisputesClosed, Label: "aftersales.disputes.closed"},
		{Value: models.DisputesAll, Label: "common.all"},
	}
}

// fenText is an amount in fen as plain digits, for data attributes.
func fenText(n int64) string { return strconv.FormatInt(n, 10) }
