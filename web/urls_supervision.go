package web

import (
	"net/url"
	"strconv"
)

// Service supervision (服务监管): each center's list and an order's supervision page,
// with the steps posted to it. orderNo is the supervised order's number.

// BuyerSupervisions is the buyer's list (我的云商店 > 服务监管).
func BuyerSupervisions() string { return "/buyer/supervision" }

// BuyerSupervision is a supervised order's page for its buyer.
func BuyerSupervision(orderNo string) string {
	return BuyerSupervisions() + "/" + url.PathEscape(orderNo)
}

// BuyerSupervisionStep is where the buyer posts a step (requirement, accept, reject, appeal).
func BuyerSupervisionStep(orderNo, step string) string { return BuyerSupervision(orderNo) + "/" + step }

// BuyerSupervisionFile is a file of the supervision's history.
func BuyerSupervisionFile(orderNo string, id uint) string {
	return BuyerSupervision(orderNo) + "/files/" + strconv.FormatUint(uint64(id), 10)
}

// BuyerSupervisionTemplate is the product's requirement template.
func BuyerSupervisionTemplate(orderNo string) string { return BuyerSupervision(orderNo) + "/template" }

// SellerSupervisions is the merchant's list (服务监管).
func SellerSupervisions() string { return "/seller/supervision" }

// SellerSupervision is a supervised order's page for its merchant.
func SellerSupervision(orderNo string) string {
	return SellerSupervisions() + "/" + url.PathEscape(orderNo)
}

// SellerSupervisionStep is where the merchant posts a step (confirm, return, deliver, appeal).
func SellerSupervisionStep(orderNo, step string) string {
	return SellerSupervision(orderNo) + "/" + step
}

// SellerSupervisionFile is a file of the supervision's history.
func SellerSupervisionFile(orderNo string, id uint) string {
	return SellerSupervision(orderNo) + "/files/" + strconv.FormatUint(uint64(id), 10)
}

// SellerSupervisionTemplate is the product's requirement template.
func SellerSupervisionTemplate(orderNo string) string {
	return SellerSupervision(orderNo) + "/template"
}

// AdminSupervisions is the reviewers' 华为云复核 queue, appeals and all supervised orders.
func AdminSupervisions() string { return "/admin/supervision" }

// AdminSupervisionAppeals is the queue of open appeals.
func AdminSupervisionAppeals() string { return AdminSupervisions() + "?tab=appeals" }

// AdminSupervision is a supervised order's page for reviewers.
func AdminSupervision(orderNo string) string {
	return AdminSupervisions() + "/" + url.PathEscape(orderNo)
}

// AdminSupervisionStep is where a reviewer posts a review (approve, send-back).
func AdminSupervisionStep(orderNo, step string) string { return AdminSupervision(orderNo) + "/" + step }

// AdminSupervisionAppealDecide is where a reviewer decides an appeal.
func AdminSupervisionAppealDecide(orderNo string, appealID uint) string {
	return AdminSupervision(orderNo) + "/appeals/" + strconv.FormatUint(uint64(appealID), 10) + "/decide"
}

// AdminSupervisionFile is a file of the supervision's history.
func AdminSupervisionFile(orderNo string, id uint) string {
	return AdminSupervision(orderNo) + "/files/" + strconv.FormatUint(uint64(id), 10)
}

// AdminSupervisionTemplate is the product's requirement template.
func AdminSupervisionTemplate(orderNo string) string { return AdminSupervision(orderNo) + "/template" }

// BuyerLicenseClaim is where the buyer claims (领取) a License code of an order.
func BuyerLicenseClaim(orderNo string, id uint) string {
	return BuyerOrder(orderNo) + "/licenses/" + strconv.FormatUint(uint64(id), 10) + "/claim"
}

// SellerOrderShipment is where the merchant enters a hardware order's logistics.
func SellerOrderShipment(orderNo string) string { return SellerOrder(orderNo) + "/shipment" }

// BuyerOrderReceipt is where the buyer confirms the signed receipt of a shipment.
func BuyerOrderReceipt(orderNo string) string { return BuyerOrder(orderNo) + "/receipt" }

// BuyerOrderAccept is where the buyer accepts a received hardware order.
func BuyerOrderAccept(orderNo string) string { return BuyerOrder(orderNo) + "/accept" }

// SellerOrderLicenseDelivery is where the merchant delivers a License order's file or key.
func SellerOrderLicenseDelivery(orderNo string) string {
	return SellerOrder(orderNo) + "/license-delivery"
}

// SellerOrderLicenseFile is the delivered license file (or offline proof) for the merchant.
func SellerOrderLicenseFile(orderNo string) string { return SellerOrder(orderNo) + "/license-file" }

// BuyerOrderHardwareCode is where the buyer types the hardware identification code.
func BuyerOrderHardwareCode(orderNo string) string { return BuyerOrder(orderNo) + "/hardware-code" }

// BuyerOrderLicenseFile is the delivered license file for the buyer.
func BuyerOrderLicenseFile(orderNo string) string { return BuyerOrder(orderNo) + "/license-file" }

// BuyerOrderPackage is the software package of a package-deployment order.
func BuyerOrderPackage(orderNo string) string { return BuyerOrder(orderNo) + "/package" }

// BuyerOrderPackageAccept is where the buyer accepts a package deployment.
func BuyerOrderPackageAccept(orderNo string) string { return BuyerOrder(orderNo) + "/package-accept" }

// SellerLicenses is the merchant's License codes (授权码管理) with the test codes.
func SellerLicenses() string { return "/seller/licenses" }

// SellerLicenseTestCodes is where the merchant requests a test code.
func SellerLicenseTestCodes() string { return SellerLicenses() + "/test-codes" }
