package web

import (
	"fmt"
	"net/url"
	"sellercenter/internal/saasproto"
	"strconv"
)

// Application tools (应用工具): keys, production addresses, order notification, and the
// debugging console.
func SellerSaaS() string                   { return "/seller/saas" }
func SellerSaaSOrderNotify() string        { return "/seller/saas/order-notify" }
func SellerSaaSKeys() string               { return "/seller/saas/keys" }
func SellerSaaSKeyRotate(id uint) string   { return fmt.Sprintf("/seller/saas/keys/%d/rotate", id) }
func SellerSaaSKeyRetire(id uint) string   { return fmt.Sprintf("/seller/saas/keys/%d/retire", id) }
func SellerSaaSKeyRevoke(id uint) string   { return fmt.Sprintf("/seller/saas/keys/%d/revoke", id) }
func SellerSaaSAddresses() string          { return "/seller/saas/addresses" }
func SellerSaaSAddressNew() string         { return "/seller/saas/addresses/new" }
func SellerSaaSAddress(id uint) string     { return fmt.Sprintf("/seller/saas/addresses/%d", id) }
func SellerSaaSAddressEdit(id uint) string { return fmt.Sprintf("/seller/saas/addresses/%d/edit", id) }
func SellerSaaSAddressDelete(id uint) string {
	return fmt.Sprintf("/seller/saas/addresses/%d/delete", id)
}

// App credentials (应用凭证) of joint-operation apps (联营kit).
func SellerKitApps() string                { return "/seller/saas/kit-apps" }
func SellerKitAppNew() string              { return "/seller/saas/kit-apps/new" }
func SellerKitApp(id uint) string          { return fmt.Sprintf("/seller/saas/kit-apps/%d", id) }
func SellerKitAppEdit(id uint) string      { return fmt.Sprintf("/seller/saas/kit-apps/%d/edit", id) }
func SellerKitAppRotate(id uint) string    { return fmt.Sprintf("/seller/saas/kit-apps/%d/rotate", id) }
func SellerSaaSDebugSend() string          { return "/seller/saas/debug/send" }
func SellerSaaSDebugLink() string          { return "/seller/saas/debug/link" }
func SellerSaaSDebugCalls(q string) string { return withQuery("/seller/saas/debug/calls", q) }
func SellerSaaSDebugCall(id uint) string   { return fmt.Sprintf("/seller/saas/debug/calls/%d", id) }
func SellerSaaSDebugReplay(id uint) string {
	return fmt.Sprintf("/seller/saas/debug/calls/%d/replay", id)
}
func SellerSaaSDebugPath() string { return "/seller/saas/debug" }

// Production interface messages (生产接口消息): the calls of real orders.
func SellerSaaSCalls(q string) string      { return withQuery("/seller/saas/calls", q) }
func SellerSaaSCall(id uint) string        { return fmt.Sprintf("/seller/saas/calls/%d", id) }
func SellerSaaSCallRestart(id uint) string { return fmt.Sprintf("/seller/saas/calls/%d/restart", id) }
func SellerSaaSOrderAccept(no string) string {
	return "/seller/orders/" + url.PathEscape(no) + "/accept"
}

// The reviewers' view of one merchant's production calls.
func AdminSaaSCalls(merchantID uint, q string) string {
	return withQuery(fmt.Sprintf("/admin/merchants/%d/saas-calls", merchantID), q)
}
func AdminSaaSCall(id uint) string { return fmt.Sprintf("/admin/saas-calls/%d", id) }

// SellerSaaSDebug is the console on one tab: a protocol version and an activity, for a
// product (0: none) and a saved address (0: typed).
func SellerSaaSDebug(version, activity string, productID, addressID uint) string {
	q := url.Values{}
	if version != "" {
		q.Set("version", version)
	}
	if activity != "" {
		q.Set("activity", activity)
	}
	if productID != 0 {
		q.Set("product", strconv.FormatUint(uint64(productID), 10))
	}
	if addressID != 0 {
		q.Set("address", strconv.FormatUint(uint64(addressID), 10))
	}
	return withQuery("/seller/saas/debug", q.Encode())
}

// SellerSaaSDebugApp is a kit tab of the console filled from an app credential.
func SellerSaaSDebugApp(version, activity string, appID uint) string {
	q := url.Values{"version": {version}, "activity": {activity}, "app": {strconv.FormatUint(uint64(appID), 10)}}
	return withQuery("/seller/saas/debug", q.Encode())
}

// SellerSaaSAPI documents the open APIs with a signed example for one of the keys.
func SellerSaaSAPI(keyID uint) string {
	if keyID == 0 {
		return "/seller/saas/api"
	}
	return fmt.Sprintf("/seller/saas/api?key=%d", keyID)
}

// OpenAPIOrderQuery is the order query open API merchants call, for an order (and line).
func OpenAPIOrderQuery(orderID, lineID string) string {
	return "/api/mkp-openapi-public/global/v1/order/query?" + url.Values{"orderId": {orderID}, "orderLineId": {lineID}}.Encode()
}

// OpenAPILicenseActivate is the License 2.0 activation open API merchants call.
func OpenAPILicenseActivate() string { return "/api/mkp-openapi-public/global/v1/license/activate" }

// OpenAPILicenseHeartbeat is the License 2.0 heartbeat (query) open API merchants call.
func OpenAPILicenseHeartbeat() string { return "/api/mkp-openapi-public/global/v1/license/heartbeat" }

// Probing (拨测): a product's probe history, for the merchant and for reviewers.
func SellerProductProbes(id uint) string   { return fmt.Sprintf("/seller/products/%d/probes", id) }
func SellerProductProbeRun(id uint) string { return fmt.Sprintf("/seller/products/%d/probes/run", id) }
func AdminProductProbes(id uint) string    { return fmt.Sprintf("/admin/products/%d/probes", id) }
func AdminProductProbeRun(id uint) string  { return fmt.Sprintf("/admin/products/%d/probes/run", id) }
func AdminProductStop(id uint) string      { return fmt.Sprintf("/admin/products/%d/stop", id) }
func AdminProductRestore(id uint) string   { return fmt.Sprintf("/admin/products/%d/restore", id) }
func AdminSaaSSupervision() string         { return "/admin/saas" }
func AdminProductFlagClose(id uint) string { return fmt.Sprintf("/admin/saas/flags/%d/close", id) }

// Joint-operation kit: the merchant's test tenant and 批量订单设置.
func SellerKitAppTestTenant(id uint) string {
	return fmt.Sprintf("/seller/saas/kit-apps/%d/test-tenant", id)
}
func SellerKitAppPush(id uint) string { return fmt.Sprintf("/seller/saas/kit-apps/%d/push", id) }

// Unified login (统一登录): the platform's OAuth 2.0 endpoints.
func KitAuthorize() string { return saasproto.OAuthAuthorizePath }
func KitToken() string     { return saasproto.OAuthTokenPath }
func KitUserInfo() string  { return saasproto.OAuthUserInfoPath }

// The buyer's organisation (组织): departments, users, the joint-operation apps bound to
// it and the users authorised on each.
func BuyerOrg() string                  { return "/buyer/org" }
func BuyerOrgDepts() string             { return "/buyer/org/depts" }
func BuyerOrgDept(id uint) string       { return fmt.Sprintf("/buyer/org/depts/%d", id) }
func BuyerOrgDeptDelete(id uint) string { return fmt.Sprintf("/buyer/org/depts/%d/delete", id) }
func BuyerOrgUsers() string             { return "/buyer/org/users" }
func BuyerOrgUser(id uint) string       { return fmt.Sprintf("/buyer/org/users/%d", id) }
func BuyerOrgUserEdit(id uint) string   { return fmt.Sprintf("/buyer/org/users/%d/edit", id) }
func BuyerOrgUserDelete(id uint) string { return fmt.Sprintf("/buyer/org/users/%d/delete", id) }
func BuyerOrgApps() string              { return "/buyer/org/apps" }
func BuyerOrgAppBind() string           { return "/buyer/org/apps/bind" }
func BuyerOrgApp(id uint) string        { return fmt.Sprintf("/buyer/org/apps/%d", id) }
func BuyerOrgAppUnbind(id uint) string  { return fmt.Sprintf("/buyer/org/apps/%d/unbind", id) }
func BuyerOrgAppGrants(id uint) string  { return fmt.Sprintf("/buyer/org/apps/%d/grants", id) }
func BuyerOrgAppGrant(id, gid uint) string {
	return fmt.Sprintf("/buyer/org/apps/%d/grants/%d", id, gid)
}

// SellerKitAppTryLogin runs unified login with the app's test tenant, step by step.
func SellerKitAppTryLogin(id uint) string {
	return fmt.Sprintf("/seller/saas/kit-apps/%d/try-login", id)
}

// SellerKitAppTryLoginExchange exchanges the tried code here and reads userinfo.
func SellerKitAppTryLoginExchange(id uint) string {
	return fmt.Sprintf("/seller/saas/kit-apps/%d/try-login/exchange", id)
}
