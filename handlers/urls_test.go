package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sellercenter/web"
)

// urlHelpers calls every URL helper of web with sample arguments. A new helper must be
// added here (TestEveryURLHelperIsListed), and then resolves to a route or fails.
var urlHelpers = map[string]func() string{
	"AccountPassword":              func() string { return web.AccountPassword() },
	"Admin":                        func() string { return web.Admin() },
	"AdminApplication":             func() string { return web.AdminApplication(7) },
	"AdminApplicationApprove":      func() string { return web.AdminApplicationApprove(7) },
	"AdminApplicationReject":       func() string { return web.AdminApplicationReject(7) },
	"AdminApplications":            func() string { return web.AdminApplications() },
	"AdminAsset":                   func() string { return web.AdminAsset(7) },
	"AdminAssetApprove":            func() string { return web.AdminAssetApprove(7) },
	"AdminAssetReject":             func() string { return web.AdminAssetReject(7) },
	"AdminAssets":                  func() string { return web.AdminAssets() },
	"AdminAudit":                   func() string { return web.AdminAudit() },
	"AdminAuditCSV":                func() string { return web.AdminAuditCSV() },
	"AdminSuggest":                 func() string { return web.AdminSuggest("merchants") },
	"AdminCertification":           func() string { return web.AdminCertification(7) },
	"AdminCertificationApprove":    func() string { return web.AdminCertificationApprove(7) },
	"AdminCertificationReject":     func() string { return web.AdminCertificationReject(7) },
	"AdminCertificationReveal":     func() string { return web.AdminCertificationReveal(7) },
	"AdminCertificationUnlock":     func() string { return web.AdminCertificationUnlock(7) },
	"AdminCertifications":          func() string { return web.AdminCertifications() },
	"AdminChange":                  func() string { return web.AdminChange(7) },
	"AdminChangeApprove":           func() string { return web.AdminChangeApprove(7) },
	"AdminChangeReject":            func() string { return web.AdminChangeReject(7) },
	"AdminChanges":                 func() string { return web.AdminChanges() },
	"AdminDispute":                 func() string { return web.AdminDispute("x") },
	"AdminDisputeResolve":          func() string { return web.AdminDisputeResolve("x") },
	"AdminDisputes":                func() string { return web.AdminDisputes() },
	"AdminHolidayDelete":           func() string { return web.AdminHolidayDelete("x") },
	"AdminHolidays":                func() string { return web.AdminHolidays() },
	"AdminMerchant":                func() string { return web.AdminMerchant(7) },
	"AdminMerchantReinstate":       func() string { return web.AdminMerchantReinstate(7) },
	"AdminMerchantSuspend":         func() string { return web.AdminMerchantSuspend(7) },
	"AdminMerchants":               func() string { return web.AdminMerchants() },
	"AdminOrder":                   func() string { return web.AdminOrder("x") },
	"AdminOrders":                  func() string { return web.AdminOrders() },
	"AdminProductApp":              func() string { return web.AdminProductApp(7) },
	"AdminProductAppApprove":       func() string { return web.AdminProductAppApprove(7) },
	"AdminProductAppReject":        func() string { return web.AdminProductAppReject(7) },
	"AdminProductApps":             func() string { return web.AdminProductApps() },
	"AdminRealName":                func() string { return web.AdminRealName(7) },
	"AdminRealNameApprove":         func() string { return web.AdminRealNameApprove(7) },
	"AdminRealNameReject":          func() string { return web.AdminRealNameReject(7) },
	"AdminRealNameReveal":          func() string { return web.AdminRealNameReveal(7) },
	"AdminRealNameUnlock":          func() string { return web.AdminRealNameUnlock(7) },
	"AdminRealNames":               func() string { return web.AdminRealNames() },
	"AdminRegion":                  func() string { return web.AdminRegion("x") },
	"AdminRegionEdit":              func() string { return web.AdminRegionEdit("x") },
	"AdminRegionNew":               func() string { return web.AdminRegionNew() },
	"AdminRegions":                 func() string { return web.AdminRegions() },
	"AdminReviewerNew":             func() string { return web.AdminReviewerNew() },
	"AdminReviewers":               func() string { return web.AdminReviewers() },
	"AdminSettings":                func() string { return web.AdminSettings() },
	"Buyer":                        func() string { return web.Buyer() },
	"BuyerAfterSale":               func() string { return web.BuyerAfterSale("x") },
	"BuyerSupervisions":            web.BuyerSupervisions,
	"BuyerLicenseClaim":            func() string { return web.BuyerLicenseClaim("x", 1) },
	"SellerLicenses":               web.SellerLicenses,
	"OpenAPILicenseActivate":       web.OpenAPILicenseActivate,
	"OpenAPILicenseHeartbeat":      web.OpenAPILicenseHeartbeat,
	"SellerOrderShipment":          func() string { return web.SellerOrderShipment("x") },
	"BuyerOrderReceipt":            func() string { return web.BuyerOrderReceipt("x") },
	"BuyerOrderAccept":             func() string { return web.BuyerOrderAccept("x") },
	"SellerOrderLicenseDelivery":   func() string { return web.SellerOrderLicenseDelivery("x") },
	"SellerOrderLicenseFile":       func() string { return web.SellerOrderLicenseFile("x") },
	"BuyerOrderHardwareCode":       func() string { return web.BuyerOrderHardwareCode("x") },
	"BuyerOrderLicenseFile":        func() string { return web.BuyerOrderLicenseFile("x") },
	"BuyerOrderPackage":            func() string { return web.BuyerOrderPackage("x") },
	"BuyerOrderPackageAccept":      func() string { return web.BuyerOrderPackageAccept("x") },
	"SellerLicenseTestCodes":       web.SellerLicenseTestCodes,
	"BuyerSupervision":             func() string { return web.BuyerSupervision("x") },
	"BuyerSupervisionStep":         func() string { return web.BuyerSupervisionStep("x", "accept") },
	"BuyerSupervisionFile":         func() string { return web.BuyerSupervisionFile("x", 1) },
	"BuyerSupervisionTemplate":     func() string { return web.BuyerSupervisionTemplate("x") },
	"SellerSupervisions":           web.SellerSupervisions,
	"SellerBills":                  web.SellerBills,
	"SellerBill":                   func() string { return web.SellerBill("BL1") },
	"SellerBillInvoice":            func() string { return web.SellerBillInvoice("BL1") },
	"SellerBillExport":             func() string { return web.SellerBillExport("BL1") },
	"SellerTrades":                 web.SellerTrades,
	"SellerTradesExport":           web.SellerTradesExport,
	"AdminBills":                   web.AdminBills,
	"AdminBillsTab":                func() string { return web.AdminBillsTab("SENT") },
	"AdminBill":                    func() string { return web.AdminBill("BL1") },
	"AdminBillStep":                func() string { return web.AdminBillStep("BL1", "pay") },
	"SellerSupervision":            func() string { return web.SellerSupervision("x") },
	"SellerSupervisionStep":        func() string { return web.SellerSupervisionStep("x", "deliver") },
	"SellerSupervisionFile":        func() string { return web.SellerSupervisionFile("x", 1) },
	"SellerSupervisionTemplate":    func() string { return web.SellerSupervisionTemplate("x") },
	"AdminSupervisions":            web.AdminSupervisions,
	"AdminSupervisionAppeals":      web.AdminSupervisionAppeals,
	"AdminSupervision":             func() string { return web.AdminSupervision("x") },
	"AdminSupervisionStep":         func() string { return web.AdminSupervisionStep("x", "approve") },
	"AdminSupervisionAppealDecide": func() string { return web.AdminSupervisionAppealDecide("x", 1) },
	"AdminSupervisionFile":         func() string { return web.AdminSupervisionFile("x", 1) },
	"AdminSupervisionTemplate":     func() string { return web.AdminSupervisionTemplate("x") },
	"BuyerAfterSaleDispute":        func() string { return web.BuyerAfterSaleDispute("x") },
	"BuyerAfterSaleShip":           func() string { return web.BuyerAfterSaleShip("x") },
	"BuyerAfterSaleWithdraw":       func() string { return web.BuyerAfterSaleWithdraw("x") },
	"BuyerAfterSales":              func() string { return web.BuyerAfterSales() },
	"BuyerBuy":                     func() string { return web.BuyerBuy(7, "x") },
	"BuyerBuyBase":                 func() string { return web.BuyerBuyBase() },
	"BuyerBuyConfirm":              func() string { return web.BuyerBuyConfirm() },
	"BuyerConvert":                 func() string { return web.BuyerConvert(7) },
	"BuyerOrder":                   func() string { return web.BuyerOrder("x") },
	"BuyerOrderCancel":             func() string { return web.BuyerOrderCancel("x") },
	"BuyerOrderPay":                func() string { return web.BuyerOrderPay("x") },
	"BuyerOrderRefund":             func() string { return web.BuyerOrderRefund("x") },
	"BuyerOrders":                  func() string { return web.BuyerOrders() },
	"BuyerProfile":                 func() string { return web.BuyerProfile() },
	"BuyerProfileNext":             func() string { return web.BuyerProfileNext("x") },
	"BuyerRenew":                   func() string { return web.BuyerRenew(7) },
	"BuyerResources":               func() string { return web.BuyerResources() },
	"BuyerUpgrade":                 func() string { return web.BuyerUpgrade(7) },
	"Catalog":                      func() string { return web.Catalog() },
	"CatalogFile":                  func() string { return web.CatalogFile(7) },
	"CatalogProduct":               func() string { return web.CatalogProduct(7) },
	"DevOutbox":                    func() string { return web.DevOutbox() },
	"FileURL":                      func() string { return web.FileURL(7) },
	"ForgotPassword":               func() string { return web.ForgotPassword() },
	"Home":                         func() string { return web.Home() },
	"Inbox":                        func() string { return web.Inbox() },
	"InboxRead":                    func() string { return web.InboxRead(7) },
	"InboxReadAll":                 func() string { return web.InboxReadAll() },
	"Locale":                       func() string { return web.Locale() },
	"Login":                        func() string { return web.Login() },
	"LoginNext":                    func() string { return web.LoginNext("x") },
	"Logout":                       func() string { return web.Logout() },
	"Register":                     func() string { return web.Register() },
	"Terms":                        func() string { return web.Terms() },
	"ResendVerification":           func() string { return web.ResendVerification() },
	"ResetPassword":                func() string { return web.ResetPassword("x") },
	"Seller":                       func() string { return web.Seller() },
	"SellerAfterSale":              func() string { return web.SellerAfterSale("x") },
	"SellerAfterSaleApprove":       func() string { return web.SellerAfterSaleApprove("x") },
	"SellerAfterSaleReceive":       func() string { return web.SellerAfterSaleReceive("x") },
	"SellerAfterSaleReject":        func() string { return web.SellerAfterSaleReject("x") },
	"SellerAfterSales":             func() string { return web.SellerAfterSales() },
	"SellerAfterSalesWaiting":      func() string { return web.SellerAfterSalesWaiting() },
	"SellerAnalytics":              func() string { return web.SellerAnalytics("x") },
	"SellerAnalyticsCSV":           func() string { return web.SellerAnalyticsCSV("x", "x") },
	"SellerAnalyticsSales":         func() string { return web.SellerAnalyticsSales("x") },
	"SellerApplication":            func() string { return web.SellerApplication() },
	"SellerAsset":                  func() string { return web.SellerAsset(7) },
	"SellerAssetDelete":            func() string { return web.SellerAssetDelete(7) },
	"SellerAssetEdit":              func() string { return web.SellerAssetEdit(7) },
	"SellerAssetNew":               func() string { return web.SellerAssetNew("x") },
	"SellerAssetNewVersion":        func() string { return web.SellerAssetNewVersion(7) },
	"SellerAssetSubmit":            func() string { return web.SellerAssetSubmit(7) },
	"SellerAssetVerify":            func() string { return web.SellerAssetVerify(7) },
	"SellerAssets":                 func() string { return web.SellerAssets() },
	"SellerCertification":          func() string { return web.SellerCertification() },
	"SellerCertificationStep":      func() string { return web.SellerCertificationStep("x") },
	"SellerChange":                 func() string { return web.SellerChange(7) },
	"SellerChangeNew":              func() string { return web.SellerChangeNew("x") },
	"SellerChangeWithdraw":         func() string { return web.SellerChangeWithdraw(7) },
	"SellerChanges":                func() string { return web.SellerChanges() },
	"SellerExport":                 func() string { return web.SellerExport(7) },
	"SellerSaaS":                   func() string { return web.SellerSaaS() },
	"SellerSaaSOrderNotify":        func() string { return web.SellerSaaSOrderNotify() },
	"SellerSaaSKeys":               func() string { return web.SellerSaaSKeys() },
	"SellerKitApps":                func() string { return web.SellerKitApps() },
	"SellerKitAppNew":              func() string { return web.SellerKitAppNew() },
	"SellerKitApp":                 func() string { return web.SellerKitApp(1) },
	"SellerKitAppEdit":             func() string { return web.SellerKitAppEdit(1) },
	"SellerKitAppRotate":           func() string { return web.SellerKitAppRotate(1) },
	"SellerKitAppTestTenant":       func() string { return web.SellerKitAppTestTenant(1) },
	"SellerKitAppPush":             func() string { return web.SellerKitAppPush(1) },
	"SellerSaaSDebugApp":           func() string { return web.SellerSaaSDebugApp("v2", "tenantSync", 1) },
	"SellerKitAppTryLogin":         func() string { return web.SellerKitAppTryLogin(1) },
	"SellerKitAppTryLoginExchange": func() string { return web.SellerKitAppTryLoginExchange(1) },
	"KitAuthorize":                 func() string { return web.KitAuthorize() },
	"KitToken":                     func() string { return web.KitToken() },
	"KitUserInfo":                  func() string { return web.KitUserInfo() },
	"BuyerOrg":                     func() string { return web.BuyerOrg() },
	"BuyerOrgDepts":                func() string { return web.BuyerOrgDepts() },
	"BuyerOrgDept":                 func() string { return web.BuyerOrgDept(1) },
	"BuyerOrgDeptDelete":           func() string { return web.BuyerOrgDeptDelete(1) },
	"BuyerOrgUsers":                func() string { return web.BuyerOrgUsers() },
	"BuyerOrgUser":                 func() string { return web.BuyerOrgUser(1) },
	"BuyerOrgUserEdit":             func() string { return web.BuyerOrgUserEdit(1) },
	"BuyerOrgUserDelete":           func() string { return web.BuyerOrgUserDelete(1) },
	"BuyerOrgApps":                 func() string { return web.BuyerOrgApps() },
	"BuyerOrgAppBind":              func() string { return web.BuyerOrgAppBind() },
	"BuyerOrgApp":                  func() string { return web.BuyerOrgApp(1) },
	"BuyerOrgAppUnbind":            func() string { return web.BuyerOrgAppUnbind(1) },
	"BuyerOrgAppGrants":            func() string { return web.BuyerOrgAppGrants(1) },
	"BuyerOrgAppGrant":             func() string { return web.BuyerOrgAppGrant(1, 2) },
	"SellerSaaSKeyRotate":          func() string { return web.SellerSaaSKeyRotate(7) },
	"SellerSaaSKeyRetire":          func() string { return web.SellerSaaSKeyRetire(7) },
	"SellerSaaSKeyRevoke":          func() string { return web.SellerSaaSKeyRevoke(7) },
	"SellerSaaSAddresses":          func() string { return web.SellerSaaSAddresses() },
	"SellerSaaSAddressNew":         func() string { return web.SellerSaaSAddressNew() },
	"SellerSaaSAddress":            func() string { return web.SellerSaaSAddress(7) },
	"SellerSaaSAddressEdit":        func() string { return web.SellerSaaSAddressEdit(7) },
	"SellerSaaSAddressDelete":      func() string { return web.SellerSaaSAddressDelete(7) },
	"SellerSaaSDebugSend":          func() string { return web.SellerSaaSDebugSend() },
	"SellerSaaSDebugLink":          func() string { return web.SellerSaaSDebugLink() },
	"SellerSaaSDebugCalls":         func() string { return web.SellerSaaSDebugCalls("product=7") },
	"SellerSaaSDebugCall":          func() string { return web.SellerSaaSDebugCall(7) },
	"SellerSaaSCalls":              func() string { return web.SellerSaaSCalls("status=FAILED") },
	"SellerSaaSCall":               func() string { return web.SellerSaaSCall(7) },
	"SellerSaaSCallRestart":        func() string { return web.SellerSaaSCallRestart(7) },
	"SellerSaaSOrderAccept":        func() string { return web.SellerSaaSOrderAccept("CS2611241000ABCDE") },
	"AdminSaaSCalls":               func() string { return web.AdminSaaSCalls(7, "order=CS2611241000ABCDE") },
	"AdminSaaSCall":                func() string { return web.AdminSaaSCall(7) },
	"SellerProductProbes":          func() string { return web.SellerProductProbes(7) },
	"BuyerResourceSuspend":         func() string { return web.BuyerResourceSuspend(7) },
	"BuyerResourceResume":          func() string { return web.BuyerResourceResume(7) },
	"SellerProductProbeRun":        func() string { return web.SellerProductProbeRun(7) },
	"AdminProductProbes":           func() string { return web.AdminProductProbes(7) },
	"AdminProductProbeRun":         func() string { return web.AdminProductProbeRun(7) },
	"AdminProductStop":             func() string { return web.AdminProductStop(7) },
	"AdminProductRestore":          func() string { return web.AdminProductRestore(7) },
	"AdminSaaSSupervision":         func() string { return web.AdminSaaSSupervision() },
	"AdminProductFlagClose":        func() string { return web.AdminProductFlagClose(7) },
	"SellerSaaSDebugReplay":        func() string { return web.SellerSaaSDebugReplay(7) },
	"SellerSaaSDebugPath":          func() string { return web.SellerSaaSDebugPath() },
	"SellerSaaSAPI":                func() string { return web.SellerSaaSAPI(7) },
	"OpenAPIOrderQuery":            func() string { return web.OpenAPIOrderQuery("MOCKPERIODYEARNEW", "MOCKPERIODYEARNEW-000001") },
	"SellerSaaSDebug":              func() string { return web.SellerSaaSDebug("v2", "newInstance", 7, 8) },
	"SellerExportDownload":         func() string { return web.SellerExportDownload(7) },
	"SellerExports":                func() string { return web.SellerExports() },
	"SellerOrder":                  func() string { return web.SellerOrder("x") },
	"SellerOrderComplete":          func() string { return web.SellerOrderComplete("x") },
	"SellerOrderExport":            func() string { return web.SellerOrderExport() },
	"SellerOrders":                 func() string { return web.SellerOrders() },
	"SellerProduct":                func() string { return web.SellerProduct(7) },
	"SellerProductApp":             func() string { return web.SellerProductApp(7) },
	"SellerProductAppSubmit":       func() string { return web.SellerProductAppSubmit(7) },
	"SellerProductAppWithdraw":     func() string { return web.SellerProductAppWithdraw(7) },
	"SellerProductApps":            func() string { return web.SellerProductApps() },
	"SellerProductDelist":          func() string { return web.SellerProductDelist(7, "x") },
	"SellerProductHide":            func() string { return web.SellerProductHide(7) },
	"SellerProductModify":          func() string { return web.SellerProductModify(7) },
	"SellerProductNew":             func() string { return web.SellerProductNew("x") },
	"SellerProductUnhide":          func() string { return web.SellerProductUnhide(7) },
	"SellerProducts":               func() string { return web.SellerProducts() },
	"SellerProfile":                func() string { return web.SellerProfile() },
	"SellerRealName":               func() string { return web.SellerRealName() },
	"SellerRealNameAbandon":        func() string { return web.SellerRealNameAbandon() },
	"SellerRealNameConfirm":        func() string { return web.SellerRealNameConfirm() },
	"SellerRealNameNew":            func() string { return web.SellerRealNameNew() },
	"SellerSpecHide":               func() string { return web.SellerSpecHide(7, "x") },
	"VerifyEmail":                  func() string { return web.VerifyEmail("x") },
}

// notRoutes are exported helpers of web/urls*.go that build no address of their own
// (NoticeURL is checked target by target below).
var notRoutes = map[string]bool{"WithQuery": true, "NoticeURL": true}

// TestEveryURLHelperIsListed: the table above names every exported helper.
func TestEveryURLHelperIsListed(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../web/urls*.go")
	fset := token.NewFileSet()
	seen := 0
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		must(t, err)
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !fd.Name.IsExported() || notRoutes[fd.Name.Name] {
				continue
			}
			seen++
			if urlHelpers[fd.Name.Name] == nil {
				t.Errorf("web.%s is not in urlHelpers", fd.Name.Name)
			}
		}
	}
	if seen != len(urlHelpers) {
		t.Errorf("%d helpers in web, %d in the table", seen, len(urlHelpers))
	}
}

// TestEveryURLHelperResolvesToARoute: what every helper builds is an address the router
// serves (by GET or POST), not the not-found handler.
func TestEveryURLHelperResolvesToARoute(t *testing.T) {
	ta := newTestApp(t)
	for name, helper := range urlHelpers {
		if !ta.routed(helper()) {
			t.Errorf("web.%s builds %s, which no route serves", name, helper())
		}
	}
}

// routed tells whether the router serves address by GET or POST.
func (ta *testApp) routed(address string) bool {
	u, err := url.Parse(address)
	if err != nil || address == "" {
		return false
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		c := ta.e.NewContext(nil, nil)
		ta.e.Router().Find(method, u.Path, c)
		// Groups answer unknown addresses under them with a catch-all (/seller/*).
		if p := c.Path(); p != "" && !strings.HasSuffix(p, "*") {
			return true
		}
	}
	return false
}

// TestEveryNoticeTargetHasAPage: every target a notice can point at (the Target*
// constants of models) has an address the router serves.
func TestEveryNoticeTargetHasAPage(t *testing.T) {
	ta := newTestApp(t)
	src, err := os.ReadFile("../models/store.go")
	must(t, err)
	kinds := regexp.MustCompile(`(?m)^\s+Target\w+\s+= "(\w+)"`).FindAllStringSubmatch(string(src), -1)
	if len(kinds) < 10 {
		t.Fatalf("only %d targets found", len(kinds))
	}
	for _, k := range kinds {
		if address := web.NoticeURL(k[1], "7"); !ta.routed(address) {
			t.Errorf("target %s leads to %q, which no route serves", k[1], address)
		}
	}
	if web.NoticeURL("no_such_target", "1") != "" {
		t.Error("an unknown target has an address")
	}
}
