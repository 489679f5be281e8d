// Package web holds the views: layouts, components, pages and the i18n catalogs.
package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"sellercenter/models"
)

// URL helpers: markup never builds paths by hand.
func Home() string                    { return "/" }
func Login() string                   { return "/login" }
func Logout() string                  { return "/logout" }
func Register() string                { return "/register" }
func Terms() string                   { return "/terms" }
func ForgotPassword() string          { return "/password/forgot" }
func ResetPassword(tok string) string { return "/password/reset?token=" + url.QueryEscape(tok) }
func VerifyEmail(tok string) string   { return "/verify-email?token=" + url.QueryEscape(tok) }
func ResendVerification() string      { return "/verify-email/resend" }
func AccountPassword() string         { return "/account/password" }
func Locale() string                  { return "/locale" }
func Inbox() string                   { return "/inbox" }
func InboxRead(id uint) string        { return fmt.Sprintf("/inbox/%d/read", id) }
func InboxReadAll() string            { return "/inbox/read-all" }
func FileURL(id uint) string          { return fmt.Sprintf("/files/%d", id) }
func DevOutbox() string               { return "/dev/outbox" }
func Catalog() string                 { return "/catalog" }
func CatalogProduct(id uint) string   { return fmt.Sprintf("/catalog/%d", id) }
func CatalogFile(id uint) string      { return fmt.Sprintf("/catalog/files/%d", id) }

// Seller center.
func Seller() string                          { return "/seller" }
func SellerRealName() string                  { return "/seller/realname" }
func SellerRealNameNew() string               { return "/seller/realname/new" }
func SellerRealNameConfirm() string           { return "/seller/realname/confirm" }
func SellerRealNameAbandon() string           { return "/seller/realname/abandon" }
func SellerApplication() string               { return "/seller/application" }
func SellerCertification() string             { return "/seller/certification" }
func SellerCertificationStep(s string) string { return "/seller/certification/" + s }
func SellerProfile() string                   { return "/seller/profile" }
func SellerChanges() string                   { return "/seller/changes" }
func SellerChangeNew(kind string) string      { return withParam("/seller/changes/new", "kind", kind) }
func SellerChange(id uint) string             { return fmt.Sprintf("/seller/changes/%d", id) }
func SellerChangeWithdraw(id uint) string     { return fmt.Sprintf("/seller/changes/%d/withdraw", id) }

// Buyer center.
func Buyer() string { return "/buyer" }

// Reviewer console.
func Admin() string                       { return "/admin" }
func AdminRealNames() string              { return "/admin/realname" }
func AdminRealName(id uint) string        { return fmt.Sprintf("/admin/realname/%d", id) }
func AdminRealNameApprove(id uint) string { return fmt.Sprintf("/admin/realname/%d/approve", id) }
func AdminRealNameReject(id uint) string  { return fmt.Sprintf("/admin/realname/%d/reject", id) }
func AdminRealNameReveal(id uint) string  { return fmt.Sprintf("/admin/realname/%d/reveal", id) }
func AdminRealNameUnlock(id uint) string  { return fmt.Sprintf("/admin/realname/%d/unlock", id) }
func AdminApplications() string           { return "/admin/applications" }
func AdminApplication(id uint) string     { return fmt.Sprintf("/admin/applications/%d", id) }
func AdminApplicationApprove(id uint) string {
	return fmt.Sprintf("/admin/applications/%d/approve", id)
}
func AdminApplicationReject(id uint) string { return fmt.Sprintf("/admin/applications/%d/reject", id) }
func AdminCertifications() string           { return "/admin/certifications" }
func AdminCertification(id uint) string     { return fmt.Sprintf("/admin/certifications/%d", id) }
func AdminCertificationApprove(id uint) string {
	return fmt.Sprintf("/admin/certifications/%d/approve", id)
}
func AdminCertificationReject(id uint) string {
	return fmt.Sprintf("/admin/certifications/%d/reject", id)
}
func AdminCertificationUnlock(id uint) string {
	return fmt.Sprintf("/admin/certifications/%d/unlock", id)
}
func AdminCertificationReveal(id uint) string {
	return fmt.Sprintf("/admin/certifications/%d/reveal", id)
}
func AdminChanges() string                  { return "/admin/changes" }
func AdminChange(id uint) string            { return fmt.Sprintf("/admin/changes/%d", id) }
func AdminChangeApprove(id uint) string     { return fmt.Sprintf("/admin/changes/%d/approve", id) }
func AdminChangeReject(id uint) string      { return fmt.Sprintf("/admin/changes/%d/reject", id) }
func AdminMerchants() string                { return "/admin/merchants" }
func AdminMerchant(id uint) string          { return fmt.Sprintf("/admin/merchants/%d", id) }
func AdminMerchantSuspend(id uint) string   { return fmt.Sprintf("/admin/merchants/%d/suspend", id) }
func AdminMerchantReinstate(id uint) string { return fmt.Sprintf("/admin/merchants/%d/reinstate", id) }
func AdminAssets() string                   { return "/admin/assets" }
func AdminAsset(id uint) string             { return fmt.Sprintf("/admin/assets/%d", id) }
func AdminAssetApprove(id uint) string      { return fmt.Sprintf("/admin/assets/%d/approve", id) }
func AdminAssetReject(id uint) string       { return fmt.Sprintf("/admin/assets/%d/reject", id) }
func AdminAudit() string                    { return "/admin/audit" }
func AdminAuditCSV() string                 { return "/admin/audit.csv" }
func AdminSuggest(kind string) string       { return "/admin/suggest/" + kind }

// Admin product application queue (商品审核).
func AdminProductApps() string       { return "/admin/product-applications" }
func AdminProductApp(id uint) string { return fmt.Sprintf("/admin/product-applications/%d", id) }
func AdminProductAppApprove(id uint) string {
	return fmt.Sprintf("/admin/product-applications/%d/approve", id)
}
func AdminProductAppReject(id uint) string {
	return fmt.Sprintf("/admin/product-applications/%d/reject", id)
}
func AdminReviewers() string   { return "/admin/reviewers" }
func AdminReviewerNew() string { return "/admin/reviewers/new" }

// Admin region catalog.
func AdminRegions() string               { return "/admin/regions" }
func AdminRegionNew() string             { return "/admin/regions/new" }
func AdminRegion(code string) string     { return "/admin/regions/" + url.PathEscape(code) }
func AdminRegionEdit(code string) string { return AdminRegion(code) + "/edit" }

// Admin settings and the holiday calendar.
func AdminSettings() string { return "/admin/settings" }
func AdminHolidays() string { return "/admin/holidays" }
func AdminHolidayDelete(date string) string {
	return "/admin/holidays/" + url.PathEscape(date) + "/delete"
}

// Asset center.
func SellerAssets() string                 { return "/seller/assets" }
func SellerAssetNew(kind string) string    { return withParam("/seller/assets/new", "kind", kind) }
func SellerAssetNewVersion(id uint) string { return fmt.Sprintf("/seller/assets/new?from=%d", id) }
func SellerAsset(id uint) string           { return fmt.Sprintf("/seller/assets/%d", id) }
func SellerAssetEdit(id uint) string       { return fmt.Sprintf("/seller/assets/%d/edit", id) }
func SellerAssetSubmit(id uint) string     { return fmt.Sprintf("/seller/assets/%d/submit", id) }
func SellerAssetVerify(id uint) string     { return fmt.Sprintf("/seller/assets/%d/verify", id) }
func SellerAssetDelete(id uint) string     { return fmt.Sprintf("/seller/assets/%d/delete", id) }

// Products (我的商品) and their applications (我的申请).
func SellerProducts() string             { return "/seller/products" }
func SellerProductNew(typ string) string { return withParam("/seller/products/new", "type", typ) }
func SellerProductApps() string          { return "/seller/product-applications" }
func SellerProductApp(id uint) string    { return fmt.Sprintf("/seller/product-applications/%d", id) }
func SellerProductAppSubmit(id uint) string {
	return fmt.Sprintf("/seller/product-applications/%d/submit", id)
}
func SellerProductAppWithdraw(id uint) string {
	return fmt.Sprintf("/seller/product-applications/%d/withdraw", id)
}

// Listing actions on a product (我的商品 > 详情).
func SellerProduct(id uint) string       { return fmt.Sprintf("/seller/products/%d", id) }
func SellerProductModify(id uint) string { return fmt.Sprintf("/seller/products/%d/modify", id) }
func SellerProductHide(id uint) string   { return fmt.Sprintf("/seller/products/%d/hide", id) }
func SellerProductUnhide(id uint) string { return fmt.Sprintf("/seller/products/%d/unhide", id) }
func SellerSpecHide(id uint, sku string) string {
	return fmt.Sprintf("/seller/products/%d/specs/%s/hide", id, url.PathEscape(sku))
}

// SellerProductDelist is the delisting page of a product, or of one spec when sku is set.
func SellerProductDelist(id uint, sku string) string {
	if sku == "" {
		return fmt.Sprintf("/seller/products/%d/delist", id)
	}
	return fmt.Sprintf("/seller/products/%d/delist?sku=%s", id, url.QueryEscape(sku))
}

// After-sales (售后): the buyer's refund form and cases, the merchant's queue, and the
// reviewer console's disputes. Cases are named by RefundNo, orders by OrderNo.
func BuyerOrderRefund(orderNo string) string {
	return "/buyer/orders/" + url.PathEscape(orderNo) + "/refund"
}
func BuyerAfterSales() string                 { return "/buyer/after-sales" }
func BuyerAfterSale(no string) string         { return "/buyer/after-sales/" + url.PathEscape(no) }
func BuyerAfterSaleWithdraw(no string) string { return BuyerAfterSale(no) + "/withdraw" }
func BuyerAfterSaleDispute(no string) string  { return BuyerAfterSale(no) + "/dispute" }
func BuyerAfterSaleShip(no string) string     { return BuyerAfterSale(no) + "/ship" }
func SellerAfterSales() string                { return "/seller/after-sales" }
func SellerAfterSalesWaiting() string         { return "/seller/after-sales?status=waiting" }
func SellerAfterSale(no string) string        { return "/seller/after-sales/" + url.PathEscape(no) }
func SellerAfterSaleApprove(no string) string { return SellerAfterSale(no) + "/approve" }
func SellerAfterSaleReject(no string) string  { return SellerAfterSale(no) + "/reject" }
func SellerAfterSaleReceive(no string) string { return SellerAfterSale(no) + "/receive" }
func AdminDisputes() string                   { return "/admin/disputes" }
func AdminDispute(no string) string           { return "/admin/disputes/" + url.PathEscape(no) }
func AdminDisputeResolve(no string) string    { return AdminDispute(no) + "/resolve" }

// Data analysis (数据分析). q is the period's query (range, from, to), already encoded.
func SellerAnalytics(q string) string      { return withQuery("/seller/analytics", q) }
func SellerAnalyticsSales(q string) string { return withQuery("/seller/analytics/sales", q) }
func SellerAnalyticsCSV(section, q string) string {
	return withQuery("/seller/analytics.csv?section="+url.QueryEscape(section), q)
}

// withQuery appends an encoded query to a path that may already have one.
func withQuery(path, q string) string {
	switch {
	case q == "":
		return path
	case strings.Contains(path, "?"):
		return path + "&" + q
	}
	return path + "?" + q
}

// Transactions (交易管理): orders and their exports.
func SellerOrders() string                      { return "/seller/orders" }
func SellerOrder(orderNo string) string         { return "/seller/orders/" + url.PathEscape(orderNo) }
func SellerOrderComplete(orderNo string) string { return SellerOrder(orderNo) + "/complete" }
func SellerOrderExport() string                 { return "/seller/orders/export" }
func SellerExports() string                     { return "/seller/exports" }
func SellerExport(id uint) string               { return fmt.Sprintf("/seller/exports/%d", id) }
func SellerExportDownload(id uint) string {
	return fmt.Sprintf("/seller/exports/%d/download", id)
}

// Reviewer console: orders across merchants (read only).
func AdminOrders() string              { return "/admin/orders" }
func AdminOrder(orderNo string) string { return "/admin/orders/" + url.PathEscape(orderNo) }

// WithQuery appends an encoded query string to a path, if there is one.
func WithQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}

// NoticeURL is the address of what a notice points at (its models target); "" for a
// target without a page.
func NoticeURL(kind, ref string) string {
	id := func() uint {
		n, _ := strconv.ParseUint(ref, 10, 32)
		return uint(n)
	}
	switch kind {
	case models.TargetRealName:
		return SellerRealName()
	case models.TargetApplication:
		return SellerApplication()
	case models.TargetCertification:
		return SellerCertification()
	case models.TargetChange:
		return SellerChange(id())
	case models.TargetAsset:
		return SellerAsset(id())
	case models.TargetProductApp:
		return SellerProductApp(id())
	case models.TargetExports:
		return SellerExports()
	case models.TargetSellerOrder:
		return SellerOrder(ref)
	case models.TargetBuyerOrder:
		return BuyerOrder(ref)
	case models.TargetSellerCase:
		return SellerAfterSale(ref)
	case models.TargetBuyerCase:
		return BuyerAfterSale(ref)
	case models.TargetConsole:
		return Admin()
	case models.TargetSaaSCall:
		return SellerSaaSCall(id())
	case models.TargetProductProbes:
		return SellerProductProbes(id())
	case models.TargetBuyerSupervision:
		return BuyerSupervision(ref)
	case models.TargetSellerSupervision:
		return SellerSupervision(ref)
	case models.TargetAdminSupervision:
		return AdminSupervision(ref)
	case models.TargetSellerBill:
		return SellerBill(ref)
	case models.TargetAdminBill:
		return AdminBill(ref)
	}
	return ""
}

// withParam is path with one query parameter, or path alone when the value is empty (the
// "new" pages then show their chooser).
func withParam(path, name, value string) string {
	if value == "" {
		return path
	}
	return path + "?" + name + "=" + url.QueryEscape(value)
}
