package web

import (
	"fmt"
	"net/url"
)

// Buyer center: profile, buying, orders and purchased resources.
func BuyerProfile() string { return "/buyer/profile" }

// BuyerProfileNext is the profile form returning to next once saved.
func BuyerProfileNext(next string) string { return "/buyer/profile?next=" + url.QueryEscape(next) }

// BuyerBuy is the buy form of a product, starting with one of its specs.
func BuyerBuy(productID uint, sku string) string {
	if sku == "" {
		return fmt.Sprintf("/buyer/buy?product=%d", productID)
	}
	return fmt.Sprintf("/buyer/buy?product=%d&sku=%s", productID, url.QueryEscape(sku))
}

// BuyerBuyBase is the buy form's own address, for forms that add their fields.
func BuyerBuyBase() string                { return "/buyer/buy" }
func BuyerBuyConfirm() string             { return "/buyer/buy/confirm" }
func BuyerOrders() string                 { return "/buyer/orders" }
func BuyerOrder(orderNo string) string    { return "/buyer/orders/" + url.PathEscape(orderNo) }
func BuyerOrderPay(orderNo string) string { return BuyerOrder(orderNo) + "/pay" }
func BuyerOrderCancel(orderNo string) string {
	return BuyerOrder(orderNo) + "/cancel"
}
func BuyerResources() string    { return "/buyer/resources" }
func BuyerRenew(id uint) string { return fmt.Sprintf("/buyer/resources/%d/renew", id) }

// BuyerResourceSuspend and BuyerResourceResume stop and restart an on-demand SaaS resource.
func BuyerResourceSuspend(id uint) string { return fmt.Sprintf("/buyer/resources/%d/suspend", id) }
func BuyerResourceResume(id uint) string  { return fmt.Sprintf("/buyer/resources/%d/resume", id) }
func BuyerUpgrade(id uint) string         { return fmt.Sprintf("/buyer/resources/%d/upgrade", id) }
func BuyerConvert(id uint) string         { return fmt.Sprintf("/buyer/resources/%d/convert", id) }
func LoginNext(next string) string        { return Login() + "?next=" + url.QueryEscape(next) }
