package web

import "net/url"

// Settlement (结算): the merchant's bills and trade details, the reviewers' bill queue.
// billNo is a bill's number.

// SellerBills is the merchant's bill list (结算 > 账单).
func SellerBills() string { return "/seller/bills" }

// SellerBill is one of the merchant's bills.
func SellerBill(billNo string) string { return SellerBills() + "/" + url.PathEscape(billNo) }

// SellerBillInvoice is where the merchant records a bill's invoice (the payment application).
func SellerBillInvoice(billNo string) string { return SellerBill(billNo) + "/invoice" }

// SellerBillExport exports a bill's lines.
func SellerBillExport(billNo string) string { return SellerBill(billNo) + "/export" }

// SellerTrades is 交易明细: billed and unbilled orders.
func SellerTrades() string { return "/seller/trades" }

// SellerTradesExport exports the filtered trade details.
func SellerTradesExport() string { return SellerTrades() + "/export" }

// AdminBills is the reviewers' bill queue.
func AdminBills() string { return "/admin/bills" }

// AdminBillsTab is the queue of bills in one status.
func AdminBillsTab(status string) string { return AdminBills() + "?status=" + url.QueryEscape(status) }

// AdminBill is a bill's page for reviewers.
func AdminBill(billNo string) string { return AdminBills() + "/" + url.PathEscape(billNo) }

// AdminBillStep is where a reviewer posts a step: send, countersign, approve, reject, pay,
// adjustments.
func AdminBillStep(billNo, step string) string { return AdminBill(billNo) + "/" + step }
