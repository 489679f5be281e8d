package pages

import (
	"context"
	"net/url"
	"strconv"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// OrderFilterVM is the order filter bar as typed, with its errors. Merchant is the
// console's merchant filter.
type OrderFilterVM struct {
	OrderNo, Customer, Product, From, To, Status, Kind, Sort, Merchant string
	Errors                                                             view.Errors
}

// Values encodes the non-empty filters, the sort included, for links and the export form.
func (f OrderFilterVM) Values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"order_no", f.OrderNo}, {"customer", f.Customer}, {"product", f.Product},
		{"from", f.From}, {"to", f.To}, {"status", f.Status}, {"kind", f.Kind}, {"merchant", f.Merchant}, {"sort", f.Sort}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// orderFilterFields lists the filter fields in the order their errors are shown.
var orderFilterFields = []string{"order_no", "customer", "merchant", "product", "status", "kind", "from", "to", "sort"}

// ErrorMessages are the filter's error messages in field order.
func (f OrderFilterVM) ErrorMessages() []view.Msg {
	var out []view.Msg
	for _, name := range orderFilterFields {
		if k, ok := f.Errors[name]; ok {
			out = append(out, k)
		}
	}
	return out
}

// OrderListVM is an order list: the merchant's 订单列表, or the console's across merchants.
type OrderListVM struct {
	Filter   OrderFilterVM
	Page     models.OrderPage
	Products []view.Option // the merchant's products, for the product filter
	Console  bool
	SyncRows int // the largest export downloaded at once
}

// BaseURL is the list's own address.
func (vm OrderListVM) BaseURL() string {
	if vm.Console {
		return web.AdminOrders()
	}
	return web.SellerOrders()
}

// OrderURL is an order's detail page in this list's area.
func (vm OrderListVM) OrderURL(orderNo string) string {
	if vm.Console {
		return web.AdminOrder(orderNo)
	}
	return web.SellerOrder(orderNo)
}

// pageURL is the list with the current filters at a cursor.
func (vm OrderListVM) pageURL(param, cursor string) string {
	v := vm.Filter.Values()
	if cursor != "" {
		v.Set(param, cursor)
	}
	return web.WithQuery(vm.BaseURL(), v.Encode())
}

// NextURL and PrevURL are the keyset pager's links; empty when there is no such page.
func (vm OrderListVM) NextURL() string {
	if vm.Page.Next == "" {
		return ""
	}
	return vm.pageURL("after", vm.Page.Next)
}

func (vm OrderListVM) PrevURL() string {
	if vm.Page.Prev == "" {
		return ""
	}
	return vm.pageURL("before", vm.Page.Prev)
}

// ResetURL is the list without filters.
func (vm OrderListVM) ResetURL() string { return vm.BaseURL() }

// SortURL is the list sorted by column ("created" or "amount"): descending first, then
// the other way when it already is.
func (vm OrderListVM) SortURL(col string) string {
	f := vm.Filter
	f.Sort = col + "_desc"
	if vm.currentSort() == col+"_desc" {
		f.Sort = col + "_asc"
	}
	return web.WithQuery(vm.BaseURL(), f.Values().Encode())
}

func (vm OrderListVM) currentSort() string {
	if models.ValidOrderSort(vm.Filter.Sort) {
		return vm.Filter.Sort
	}
	return models.SortCreatedDesc
}

// SortMark is the arrow after a sortable column's heading, and its aria-sort value.
func (vm OrderListVM) SortMark(col string) (arrow, aria string) {
	switch vm.currentSort() {
	case col + "_desc":
		return "↓", "descending"
	case col + "_asc":
		return "↑", "ascending"
	}
	return "", "none"
}

// Empty tells whether the page has no rows.
func (vm OrderListVM) Empty() bool { return len(vm.Page.Rows) == 0 }

// OrderStatusBadge maps an order status to its label and tone, on every side.
func OrderStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.OrderPendingPayment: "yellow", models.OrderProcessing: "blue",
		models.OrderCompleted: "green", models.OrderCancelled: "gray", models.OrderFailed: "red"}[status]
	return components.BadgeProps{Label: "order.status." + status, Tone: tone, TestID: "order-status"}
}

// OrderKindBadge maps an order type to its label.
func OrderKindBadge(kind string) components.BadgeProps {
	tone := ""
	if kind == models.OrderUnsubscribe {
		tone = "red"
	}
	return components.BadgeProps{Label: "order.kind." + kind, Tone: tone, TestID: "order-kind"}
}

var (
	orderStatusOptions = optionsOf("order.status.", models.OrderStatuses...)
	orderKindOptions   = optionsOf("order.kind.", models.OrderKinds...)
	orderSortOptions   = optionsOf("order.sort.", models.OrderSorts...)
)

// OrderDetailVM is one order's page, for its merchant or the console.
type OrderDetailVM struct {
	D          models.OrderDetail
	Console    bool
	RegionName string // the region's name with its code
	// Instance is the SaaS instance the order acts on, when the merchant's system
	// provisions it: the order then completes with its calls, not by hand.
	Instance *InstanceView
	// Licenses are the order's License codes (masked: the buyer hands them over).
	Licenses []models.LicenseCode
	// Delivery is the order's License delivery by its variant, if any.
	Delivery *models.LicenseDelivery
	// Logistics: the order is delivered by logistics; Shipment is what was entered.
	Logistics bool
	Shipment  *models.Shipment
	// Billing is where the order stands in settlement: its bill, or why none yet.
	Billing  *models.BillingState
	CSRF     string
	Errors   view.Errors
	Carrier  string
	Tracking string
}

// CanShip tells whether the merchant may enter (or correct) the logistics.
func (vm OrderDetailVM) CanShip() bool {
	return vm.Logistics && !vm.Console && vm.D.Order.Status == models.OrderProcessing && (vm.Shipment == nil || vm.Shipment.ReceivedAt == nil)
}

// carrierOptions are the carriers of the logistics form.
func carrierOptions() []view.Option {
	out := make([]view.Option, 0, len(models.Carriers))
	for _, c := range models.Carriers {
		out = append(out, view.Option{Value: c, Label: "shipment.carrier." + c})
	}
	return out
}

// RegionLabel names a region for the reader with its code ("华北-北京四 (cn-north-4)"),
// or shows the code of a region the catalog no longer has.
func RegionLabel(names map[string]string, code string) string {
	if code == "" {
		return ""
	}
	if n := names[code]; n != "" && n != code {
		return n + " (" + code + ")"
	}
	return code
}

// CanComplete tells whether the merchant may confirm delivery here (the order's rule).
func (vm OrderDetailVM) CanComplete() bool {
	return !vm.Console && vm.Instance == nil && !vm.Logistics && vm.D.Order.Completable() == nil
}

// BackURL is the list the page came from.
func (vm OrderDetailVM) BackURL() string {
	if vm.Console {
		return web.AdminOrders()
	}
	return web.SellerOrders()
}

// PaymentNoteKey says why an order has no payment: an unsubscription pays the buyer
// back, a free order (a trial, on-demand use) costs nothing, a cancelled one was never
// paid, and the rest are not paid yet.
func (vm OrderDetailVM) PaymentNoteKey() string {
	o := vm.D.Order
	switch {
	case o.Kind == models.OrderUnsubscribe:
		return "order.detail.refund_order"
	case o.AmountFen == 0:
		return "order.detail.nothing_to_pay"
	case o.Status == models.OrderCancelled:
		return "order.detail.cancelled_unpaid"
	}
	return "order.detail.no_payment"
}

// orderPeriod is a line's period as a message key and its count.
func orderPeriod(l models.OrderLine) (key string, n int) {
	switch l.PeriodType {
	case "year", "month", "hour":
		return "order.period." + l.PeriodType, l.PeriodCount
	case "one_time", "package":
		return "order.period." + l.PeriodType, 0
	}
	return "", 0
}

// actorKey is who made a history entry.
func actorKey(role string) string {
	switch role {
	case string(models.RoleBuyer), string(models.RoleMerchant), string(models.RoleReviewer):
		return "order.actor." + role
	}
	return "order.actor.platform"
}

// ExportListVM is 导出记录.
type ExportListVM struct {
	Rows          []ExportRowVM
	Pager         view.Pager
	RetentionDays int
}

// ExportBadge maps an export status to its label and tone.
func ExportBadge(status string) components.BadgeProps {
	tone := map[string]string{models.ExportQueued: "gray", models.ExportRunning: "blue", models.ExportDone: "green",
		models.ExportFailed: "red", models.ExportExpired: "gray"}[status]
	return components.BadgeProps{Label: "export.status." + status, Tone: tone, TestID: "export-status"}
}

// ExportRowVM is one export in the records list, with what the page needs to know.
type ExportRowVM struct {
	E            models.ExportJob
	Downloadable bool
}

// humanSize formats a byte count for people: 980 B, 12.4 KB, 3.1 MB.
func humanSize(n int64) string {
	switch {
	case n <= 0:
		return "—"
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	case n < 1024*1024*1024:
		return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024*1024), 'f', 2, 64) + " GB"
}

func orderListTitle(ctx context.Context, vm OrderListVM) string {
	if vm.Console {
		return i18n.T(ctx, "order.admin_title")
	}
	return i18n.T(ctx, "order.title")
}

// allFirst puts an "all" choice before the options of a filter.
func allFirst(opts []view.Option) []view.Option {
	return append([]view.Option{{Value: "", Label: "common.all"}}, opts...)
}

// linePeriod is a line's period in words: "1 year", "3 months", "One-time", with the
// trial days of a trial line.
func linePeriod(ctx context.Context, l models.OrderLine) string {
	if l.TrialDays > 0 {
		return i18n.T(ctx, "order.period.trial", "N", l.TrialDays)
	}
	key, n := orderPeriod(l)
	if key == "" {
		return "—"
	}
	return i18n.T(ctx, key, "N", n)
}

// orderHistory turns status history entries into the timeline component's rows.
func orderHistory(ctx context.Context, evs []models.OrderEventRow) []components.HistoryEntry {
	out := make([]components.HistoryEntry, len(evs))
	for i, e := range evs {
		out[i] = components.HistoryEntry{When: i18n.DateTime(ctx, e.CreatedAt), Who: i18n.T(ctx, actorKey(e.ActorRole)),
			Action: i18n.T(ctx, "order.status."+e.ToStatus), Reason: keyOr(ctx, e.Note, e.Note)}
	}
	return out
}

// merchantLabel names an order's merchant in the console: the company, or its id.
func merchantLabel(r models.OrderRow) string {
	if r.MerchantName != "" {
		return r.MerchantName
	}
	return "#" + uitoa(r.MerchantID)
}
