package pages

import (
	"context"
	"strconv"
	"time"

	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// QuoteVM is a computed price as the buy and resource forms show it, or why there is none.
type QuoteVM struct {
	Quote  models.PriceQuote
	Linear string   // the spec's linear attribute, for the breakdown
	Error  view.Msg // set when the choice cannot be priced or bought
}

// OK tells whether the quote is a price the buyer may order at.
func (q QuoteVM) OK() bool { return q.Error.Empty() }

// quoteBreakdown explains a price: unit × periods × quantity.
func quoteBreakdown(ctx context.Context, q QuoteVM) string {
	p := q.Quote
	switch {
	case p.Trial:
		return i18n.T(ctx, "buyer.quote_trial", "N", p.TrialDays)
	case p.OnDemand:
		return i18n.T(ctx, "buyer.quote_on_demand", "Price", i18n.Money(ctx, p.UnitFen), "Quantity", p.Quantity)
	case p.Change:
		return i18n.T(ctx, "buyer.quote_change", "Diff", i18n.Money(ctx, max(p.UnitFen-p.FromUnitFen, 0)),
			"Period", i18n.T(ctx, periodKey(p.PeriodType)), "Quantity", p.Quantity, "Days", p.RemainingDays)
	}
	s := i18n.T(ctx, "buyer.quote_unit", "Price", i18n.Money(ctx, p.UnitFen), "Period", i18n.T(ctx, periodKey(p.PeriodType)))
	if p.PeriodType == models.PeriodMonth || p.PeriodType == models.PeriodYear {
		s += " × " + periodCount(ctx, p.PeriodType, p.Count)
	}
	if q.Linear != "" || p.Quantity > 1 {
		s += " × " + strconv.Itoa(p.Quantity)
		if q.Linear != "" {
			s += " " + i18n.T(ctx, "buyer.unit."+q.Linear)
		}
	}
	return s
}

// periodCount is "1 month", "3 months" or "2 years".
func periodCount(ctx context.Context, period string, n int) string {
	if n == 1 {
		return i18n.T(ctx, "buyer.count."+period+"_one")
	}
	return i18n.T(ctx, "buyer.count."+period, "N", n)
}

// buyerOrderPeriod describes a line's term: "3 months", "one-time", "14-day trial".
func buyerOrderPeriod(ctx context.Context, l models.OrderLine) string {
	switch {
	case l.TrialDays > 0:
		return i18n.T(ctx, "buyer.trial_days", "N", l.TrialDays)
	case l.PeriodType == models.PeriodMonth || l.PeriodType == models.PeriodYear:
		return periodCount(ctx, l.PeriodType, l.PeriodCount)
	case l.PeriodType == "":
		return ""
	}
	return i18n.T(ctx, "listing.period."+l.PeriodType)
}

// ResourceStateBadge colours a purchased resource's state.
func ResourceStateBadge(state string) components.BadgeProps {
	tone := map[string]string{models.ResourceActive: "green", models.ResourceExpired: "yellow", models.ResourceUnsubscribed: "gray",
		models.ResourceFailed: "red"}[state]
	return components.BadgeProps{Label: "buyer.resource_state." + state, Tone: tone, TestID: "resource-state"}
}

// buyerOrderStatusOptions is the "my orders" status filter.
func buyerOrderStatusOptions() []view.Option {
	out := []view.Option{{Value: "", Label: "common.all"}}
	return append(out, orderStatusOptions...)
}

// BuyerOrderRow is one order in a list.
type BuyerOrderRow struct {
	Order       models.Order
	ProductName string
}

// BuyerOrderListVM is "my orders" with its status filter.
type BuyerOrderListVM struct {
	Rows   []BuyerOrderRow
	Status string
	Pager  view.Pager
}

// BuyerOrderVM is an order's page: its pay step while unpaid, its lines and history.
type BuyerOrderVM struct {
	Order       models.Order
	RegionName  string // the region's name with its code
	ProductName string
	Lines       []models.OrderLine
	Payment     *models.Payment
	History     []components.HistoryEntry
	Now         time.Time
	Instance    *InstanceView // the SaaS instance the order acts on, with its login
	Licenses    []models.LicenseCode
	Shipment    *models.Shipment
	Delivery    *models.LicenseDelivery
	Errors      view.Errors
	CSRF        string
}

// Payable tells whether the pay step is open.
func (vm BuyerOrderVM) Payable() bool {
	return vm.Order.Status == models.OrderPendingPayment && (vm.Order.PayBy == nil || vm.Now.Before(*vm.Order.PayBy))
}

// MinutesLeft is the whole minutes left to pay, rounded up.
func (vm BuyerOrderVM) MinutesLeft() int {
	if vm.Order.PayBy == nil {
		return 0
	}
	d := vm.Order.PayBy.Sub(vm.Now)
	return int((d + time.Minute - 1) / time.Minute)
}

// ResourceRow is one purchased resource in a list.
type ResourceRow struct {
	Resource    models.Resource
	ProductName string
	State       string
	Upgradable  bool
	RegionName  string        // the region's name with its code
	Instance    *InstanceView // a provisioned SaaS resource's instance, with its login
}

// ResourceListVM is the purchased resources page.
type ResourceListVM struct {
	Rows  []ResourceRow
	Pager view.Pager
}

// BuyerHomeVM is the buyer center's start page.
type BuyerHomeVM struct {
	HasProfile bool
	Orders     []BuyerOrderRow
	Resources  []ResourceRow
	Pending    int64
}

// BuyerProfileVM is the buyer profile form.
type BuyerProfileVM struct {
	SubjectType string
	DisplayName string
	Mobile      string
	Next        string
	Errors      view.Errors
}

var buyerSubjectOptions = []view.Option{{Value: models.BuyerEnterprise, Label: "buyer.subject.enterprise"}, {Value: models.BuyerPersonal, Label: "buyer.subject.personal"}}
