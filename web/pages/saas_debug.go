package pages

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"sellercenter/internal/saasproto"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// DebugTarget is where a console call goes: a saved address, or a typed URL with a saved
// or typed key.
type DebugTarget struct {
	AddressID string // saved address id; "" when typed
	URL       string
	KeyID     string // saved key for a typed URL; "" with a typed key
}

// DebugConsoleVM is the debugging console (应用接入调试) on one tab.
type DebugConsoleVM struct {
	Active      bool
	Version     string
	Activity    string
	Spec        saasproto.Spec
	Products    []models.SaaSProductRef
	ProductID   string
	Addresses   []models.ProductionAddress
	Keys        []models.AccessKey
	Target      DebugTarget
	EncryptType string
	Params      map[string]string
	Errors      view.Errors
	Built       *saasproto.Request // "Generate link": the signed request, not sent
	Result      *DebugResultVM     // "Send": the call as it went
	Cases       []CaseStatus       // the selected product's required cases
	Timeout     time.Duration
	Notice      string // a message key shown above the form (a replay that needs the key again)
	DemoURL     string
	// Kit tabs: the merchant's app credentials; the chosen one's address, key, IDs and
	// test tenant fill the tab, and its secret is put in when the call is sent.
	KitApps  []models.KitApp
	KitAppID string
}

// chosenKitApp is the app credential the kit tab is filled from, if any.
func (vm DebugConsoleVM) chosenKitApp() (models.KitApp, bool) {
	for _, a := range vm.KitApps {
		if strconv.FormatUint(uint64(a.ID), 10) == vm.KitAppID {
			return a, true
		}
	}
	return models.KitApp{}, false
}

// KitAppLink is the console's kit tab filled from an app credential.
func (vm DebugConsoleVM) KitAppLink(app models.KitApp) string {
	return web.SellerSaaSDebugApp(vm.Version, vm.Activity, app.ID)
}

// CaseStatus is one required debug case of the selected product.
type CaseStatus struct {
	Activity string
	Passed   bool // passed with the product's current address and key
	Call     uint
}

// DebugResultVM is one call as it went, with its checks.
type DebugResultVM struct {
	Call       models.DebugCall
	ReqHeader  http.Header
	RespHeader http.Header
	Checks     []saasproto.Check
	AppInfo    []saasproto.AppInfo
	AppInfoNA  bool   // appInfo was there but cannot be decrypted now (typed or rotated key)
	Product    string // the product it was made for
	CaseSaved  bool   // it became (or replaced) the product's debug case
	Replayable bool
}

// DebugCallsVM is the history of the merchant's debug calls.
type DebugCallsVM struct {
	Items    []models.DebugCall
	Products []models.SaaSProductRef
	Filter   DebugCallFilterForm
	Errors   view.Errors
	Next     string
	Prev     string
}

// DebugCallFilterForm is the history's filter as typed.
type DebugCallFilterForm struct {
	Product  string `query:"product" validate:"max=12"`
	Activity string `query:"activity" validate:"max=40"`
	Outcome  string `query:"outcome" validate:"omitempty,oneof=passed failed"`
	From     string `query:"from" validate:"max=10"`
	To       string `query:"to" validate:"max=10"`
	Before   string `query:"before" validate:"max=12"`
}

// Query is the filter without the cursor, for links.
func (f DebugCallFilterForm) Query() string {
	q := []string{}
	for _, kv := range [][2]string{{"product", f.Product}, {"activity", f.Activity}, {"outcome", f.Outcome}, {"from", f.From}, {"to", f.To}} {
		if kv[1] != "" {
			q = append(q, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(q, "&")
}

// NewDebugResult decodes a stored call for display.
func NewDebugResult(c models.DebugCall) *DebugResultVM {
	r := &DebugResultVM{Call: c, ReqHeader: headerOf(c.ReqHeaders), RespHeader: headerOf(c.RespHeaders)}
	_ = json.Unmarshal([]byte(c.Checks), &r.Checks)
	return r
}

// ParamLabel is the message key and arguments naming a parameter.
func ParamLabel(name string) (string, []any) {
	if rest, ok := strings.CutPrefix(name, "saasExtendParams."); ok {
		n, part, _ := strings.Cut(rest, ".")
		num, _ := strconv.Atoi(n)
		return "saas.param.ext_" + part, []any{"N", num}
	}
	return "saas.param." + strings.ReplaceAll(name, ".", "_"), nil
}

func paramLabel(ctx context.Context, name string) string {
	k, args := ParamLabel(name)
	return i18n.T(ctx, k, args...)
}

// ParamGroup is a fieldset of parameters.
type ParamGroup struct {
	Legend string // message key, "" for the main group
	Fields []saasproto.Field
}

func paramGroups(s saasproto.Spec) []ParamGroup {
	groups := []ParamGroup{{}}
	idx := map[string]int{}
	for _, f := range s.Fields {
		legend := ""
		switch {
		case strings.HasPrefix(f.Name, "saasExtendParams."):
			legend = "saas.debug.group_ext"
		case strings.HasPrefix(f.Name, "platformParams."):
			legend = "saas.debug.group_platform"
		case strings.HasPrefix(f.Name, "user."):
			legend = "saas.debug.group_user"
		case f.Name == "amount" || f.Name == "diskSize" || f.Name == "bandWidth":
			legend = "saas.debug.group_linear"
		}
		if legend == "" {
			groups[0].Fields = append(groups[0].Fields, f)
			continue
		}
		i, ok := idx[legend]
		if !ok {
			groups = append(groups, ParamGroup{Legend: legend})
			i = len(groups) - 1
			idx[legend] = i
		}
		groups[i].Fields = append(groups[i].Fields, f)
	}
	return groups
}

func paramOptions(f saasproto.Field) []view.Option {
	out := make([]view.Option, len(f.Options))
	for i, o := range f.Options {
		out[i] = view.Option{Value: o, Label: o, Raw: true}
	}
	return out
}

// ActivityLabel is the tab name of an activity.
func ActivityLabel(ctx context.Context, activity string) string {
	return i18n.T(ctx, "saas.activity."+activity)
}

// addressOptions offers the addresses of one interface type: the debug console's basic
// or kit tabs, a product's basic SaaS address, an app credential's kit address.
func addressOptions(addrs []models.ProductionAddress, interfaceType string) []view.Option {
	var out []view.Option
	for _, a := range addrs {
		if a.InterfaceType != interfaceType {
			continue
		}
		out = append(out, view.Option{Value: strconv.FormatUint(uint64(a.ID), 10), Label: a.Name + " · " + strings.ToUpper(a.Protocol) + " · " + a.URL, Raw: true})
	}
	return out
}

// specInterface is the interface type of a debug tab's addresses.
func specInterface(kit bool) string {
	if kit {
		return models.InterfaceKit
	}
	return models.InterfaceSaaS
}

func productOptions(ctx context.Context, ps []models.SaaSProductRef) []view.Option {
	out := make([]view.Option, len(ps))
	for i, p := range ps {
		out[i] = view.Option{Value: strconv.FormatUint(uint64(p.ID), 10), Label: ProductName(i18n.Lang(ctx), p.NameZh, p.NameEn), Raw: true}
	}
	return out
}

func activityOptions(ctx context.Context) []view.Option {
	seen := map[string]bool{}
	var out []view.Option
	for _, v := range []saasproto.Version{saasproto.V1, saasproto.V2} {
		for _, s := range saasproto.Specs(v) {
			if !seen[s.Activity] {
				seen[s.Activity] = true
				out = append(out, view.Option{Value: s.Activity, Label: ActivityLabel(ctx, s.Activity) + " (" + s.Activity + ")", Raw: true})
			}
		}
	}
	return out
}

func (vm DebugConsoleVM) tabURL(version, activity string) string {
	pid, _ := strconv.ParseUint(vm.ProductID, 10, 32)
	aid, _ := strconv.ParseUint(vm.Target.AddressID, 10, 32)
	return web.SellerSaaSDebug(version, activity, uint(pid), uint(aid))
}

func (vm DebugConsoleVM) caseOf(activity string) (CaseStatus, bool) {
	for _, c := range vm.Cases {
		if c.Activity == activity {
			return c, true
		}
	}
	return CaseStatus{}, false
}

func headerLines(h http.Header) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}

func checkTone(s saasproto.CheckStatus) string {
	switch s {
	case saasproto.Pass:
		return "green"
	case saasproto.Fail:
		return "red"
	}
	return "gray"
}

// CheckExplanation is a check's verdict in the reader's language; the exact message
// (the protocol's words) is shown beside it.
func CheckExplanation(ctx context.Context, c saasproto.Check) string {
	key := "saas.check_problem." + c.Problem
	if c.Problem == "" {
		key = "saas.check_problem.ok"
	}
	if strings.HasPrefix(c.Problem, "code_") {
		key = "saas.check_problem.code"
	}
	args := []any{"Code", "", "Msg", ""}
	if len(c.Args) > 0 {
		args[1] = c.Args[0]
	}
	if len(c.Args) > 1 {
		args[3] = c.Args[1]
	}
	if strings.HasPrefix(c.Problem, "code_") && len(c.Args) > 0 {
		args = append(args, "Meaning", i18n.T(ctx, "saas.code."+c.Args[0]))
		if c.Status == saasproto.Pass {
			key = "saas.check_problem.code_ok"
		}
	}
	return i18n.T(ctx, key, args...)
}

// headerOf decodes stored headers.
func headerOf(raw string) http.Header {
	var h http.Header
	_ = json.Unmarshal([]byte(raw), &h)
	return h
}

// selected is the product the console works for, if any.
func (vm DebugConsoleVM) selected() *models.SaaSProductRef {
	for i := range vm.Products {
		if strconv.FormatUint(uint64(vm.Products[i].ID), 10) == vm.ProductID {
			return &vm.Products[i]
		}
	}
	return nil
}
