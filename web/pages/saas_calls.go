package pages

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"sellercenter/internal/saasproto"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// SaaSCallFilterForm is the production interface messages' filter as typed.
type SaaSCallFilterForm struct {
	Product string `query:"product" validate:"max=12"`
	Purpose string `query:"purpose" validate:"max=20"`
	Status  string `query:"status" validate:"max=20"`
	Order   string `query:"order" validate:"max=40"`
	From    string `query:"from" validate:"max=10"`
	To      string `query:"to" validate:"max=10"`
	Before  string `query:"before" validate:"max=12"`
}

// Query is the filter as a query string, without the page.
func (f SaaSCallFilterForm) Query() string {
	q := url.Values{}
	for _, kv := range [][2]string{{"product", f.Product}, {"purpose", f.Purpose}, {"status", f.Status}, {"order", f.Order}, {"from", f.From}, {"to", f.To}} {
		if kv[1] != "" {
			q.Set(kv[0], kv[1])
		}
	}
	return q.Encode()
}

// SaaSCallsVM is the list of production calls (生产接口消息): the merchant's own, or one
// merchant's for a reviewer.
type SaaSCallsVM struct {
	Items    []models.SaaSCallRow
	Products []models.SaaSProductRef
	Filter   SaaSCallFilterForm
	Errors   view.Errors
	Next     string
	Prev     string
	Failed   int64 // failed calls waiting for a restart
	// Reviewer view: whose calls.
	Admin        bool
	MerchantID   uint
	MerchantName string
}

// ListURL is the list with q, for the merchant or the reviewer.
func (vm SaaSCallsVM) ListURL(q string) string {
	if vm.Admin {
		return web.AdminSaaSCalls(vm.MerchantID, q)
	}
	return web.SellerSaaSCalls(q)
}

func (vm SaaSCallsVM) callURL(id uint) string {
	if vm.Admin {
		return web.AdminSaaSCall(id)
	}
	return web.SellerSaaSCall(id)
}

// AttemptVM is one attempt of a call, decoded for display.
type AttemptVM struct {
	models.SaaSAttempt
	ReqHeader  http.Header
	RespHeader http.Header
	Checks     []saasproto.Check
}

// SaaSCallVM is one production call with its attempts.
type SaaSCallVM struct {
	D           models.SaaSCallDetail
	Attempts    []AttemptVM
	Restartable bool // the viewer may restart it now
	Admin       bool
}

// NewSaaSCallVM decodes a call's attempts, newest first.
func NewSaaSCallVM(d models.SaaSCallDetail) SaaSCallVM {
	vm := SaaSCallVM{D: d}
	for i := len(d.History) - 1; i >= 0; i-- {
		a := d.History[i]
		av := AttemptVM{SaaSAttempt: a, ReqHeader: headerOf(a.ReqHeaders), RespHeader: headerOf(a.RespHeaders)}
		_ = json.Unmarshal([]byte(a.Checks), &av.Checks)
		vm.Attempts = append(vm.Attempts, av)
	}
	return vm
}

// callTone colours a call's status.
func callTone(status string) string {
	switch status {
	case models.CallSucceeded:
		return "green"
	case models.CallFailed:
		return "red"
	case models.CallQueued, models.CallProcessing:
		return "yellow"
	}
	return "gray"
}

// InstanceTone colours an instance's status.
func InstanceTone(status string) string {
	switch status {
	case models.InstanceActive:
		return "green"
	case models.InstanceFailed:
		return "red"
	case models.InstanceFrozen, models.InstanceAwaiting, models.InstanceProvisioning:
		return "yellow"
	}
	return "gray"
}

func purposeOptions() []view.Option {
	out := make([]view.Option, 0, len(models.CallPurposes))
	for _, p := range models.CallPurposes {
		out = append(out, view.Option{Value: p, Label: "saas.purpose." + p})
	}
	return out
}

func callStatusOptions() []view.Option {
	out := make([]view.Option, 0, len(models.CallStatuses))
	for _, s := range models.CallStatuses {
		out = append(out, view.Option{Value: s, Label: "saas.call_status." + s})
	}
	return out
}

// checkLabel names a failed check.
func checkLabel(ctx context.Context, check string) string {
	if check == "" {
		return ""
	}
	return i18n.T(ctx, "saas.check."+check)
}

// InstanceView is an order's or resource's SaaS instance as a page shows it.
type InstanceView struct {
	models.SaaSInstance
	Login     models.InstanceLoginInfo
	ShowLogin bool   // the buyer sees the login; the merchant and reviewers do not
	CallsURL  string // the order's production calls (merchant, reviewer)
	AcceptURL string // "accept and provision" (merchant, an order awaiting acceptance)
	CSRF      string
}

// onDemandAction is what the buyer may do with an on-demand instance: suspend or resume.
func onDemandAction(inst InstanceView) string {
	if inst.Status == models.InstanceFrozen {
		return "resume"
	}
	return "suspend"
}

func onDemandURL(inst InstanceView) string {
	if inst.Status == models.InstanceFrozen {
		return web.BuyerResourceResume(inst.SubscriptionID)
	}
	return web.BuyerResourceSuspend(inst.SubscriptionID)
}
