// Package layouts holds the page shells: the base document, the console with its
// side navigation per role, and the public shell for visitors.
package layouts

import (
	"strings"

	"sellercenter/web"
	"sellercenter/web/view"
)

// NavItem is one entry of the side navigation.
type NavItem struct {
	URL    string
	Label  string // message key
	Prefix string // the item is active for paths under this prefix
	Exact  bool
}

// Active tells whether the item matches path.
func (n NavItem) Active(path string) bool {
	if n.Exact {
		return path == n.URL
	}
	p := n.Prefix
	if p == "" {
		p = n.URL
	}
	return path == p || strings.HasPrefix(path, p+"/")
}

// activeURL is the entry the page belongs to: of the entries matching path, the one with
// the longest address (on /seller/products/new, "Publish product", not "My products").
func activeURL(sections []NavSection, path string) string {
	best, bestLen := "", -1
	for _, s := range sections {
		for _, it := range s.Items {
			if it.Active(path) && len(it.URL) > bestLen {
				best, bestLen = it.URL, len(it.URL)
			}
		}
	}
	return best
}

// NavSection groups items under a heading key.
type NavSection struct {
	Title string
	Items []NavItem
}

// Nav returns the side navigation for the user's role.
func Nav(u *view.User) []NavSection {
	if u == nil {
		return nil
	}
	switch u.Role {
	case "merchant":
		return []NavSection{
			{Title: "nav.section.onboarding", Items: []NavItem{
				{URL: web.Seller(), Label: "nav.seller.overview", Exact: true},
				{URL: web.SellerRealName(), Label: "nav.seller.realname"},
				{URL: web.SellerApplication(), Label: "nav.seller.application"},
				{URL: web.SellerCertification(), Label: "nav.seller.certification"},
			}},
			{Title: "nav.section.products", Items: []NavItem{
				{URL: web.SellerProductNew(""), Label: "nav.seller.publish"},
				{URL: web.SellerAssets(), Label: "nav.seller.assets"},
				{URL: web.SellerProducts(), Label: "nav.seller.products"},
				{URL: web.SellerProductApps(), Label: "nav.seller.product_apps"},
			}},
			{Title: "nav.section.app_tools", Items: []NavItem{
				{URL: web.SellerSaaS(), Label: "nav.seller.saas_tools", Exact: true},
				{URL: web.SellerSaaSKeys(), Label: "nav.seller.saas_keys"},
				{URL: web.SellerSaaSAddresses(), Label: "nav.seller.saas_addresses"},
				{URL: web.SellerKitApps(), Label: "nav.seller.kit_apps"},
				{URL: web.SellerSaaSDebugPath(), Label: "nav.seller.saas_debug"},
				{URL: web.SellerSaaSCalls(""), Label: "nav.seller.saas_calls"},
				{URL: web.SellerSaaSAPI(0), Label: "nav.seller.saas_api"},
			}},
			{Title: "nav.section.transactions", Items: []NavItem{
				{URL: web.SellerOrders(), Label: "nav.seller.orders"},
				{URL: web.SellerExports(), Label: "nav.seller.exports"},
				{URL: web.SellerAfterSales(), Label: "nav.seller.after_sales"},
				{URL: web.SellerSupervisions(), Label: "nav.seller.supervision"},
				{URL: web.SellerLicenses(), Label: "nav.seller.licenses"},
			}},
			{Title: "nav.section.settlement", Items: []NavItem{
				{URL: web.SellerBills(), Label: "nav.seller.bills"},
				{URL: web.SellerTrades(), Label: "nav.seller.trades"},
			}},
			{Title: "analytics.nav.section", Items: []NavItem{
				{URL: web.SellerAnalytics(""), Label: "analytics.nav.analytics", Prefix: "/seller/analytics"},
			}},
			{Title: "nav.section.account", Items: []NavItem{
				{URL: web.SellerProfile(), Label: "nav.seller.profile"},
				{URL: web.SellerChanges(), Label: "nav.seller.changes"},
				{URL: web.Inbox(), Label: "nav.inbox"},
				{URL: web.AccountPassword(), Label: "nav.password"},
			}},
		}
	case "buyer":
		return []NavSection{
			{Title: "nav.section.buyer", Items: []NavItem{
				{URL: web.Buyer(), Label: "nav.buyer.home", Exact: true},
				{URL: web.Catalog(), Label: "nav.catalog"},
				{URL: web.BuyerOrders(), Label: "nav.buyer.orders"},
				{URL: web.BuyerResources(), Label: "nav.buyer.resources"},
				{URL: web.BuyerAfterSales(), Label: "nav.buyer.after_sales"},
				{URL: web.BuyerSupervisions(), Label: "nav.buyer.supervision"},
				{URL: web.BuyerOrg(), Label: "nav.buyer.org"},
			}},
			{Title: "nav.section.account", Items: []NavItem{
				{URL: web.BuyerProfile(), Label: "nav.buyer.profile"},
				{URL: web.Inbox(), Label: "nav.inbox"},
				{URL: web.AccountPassword(), Label: "nav.password"},
			}},
		}
	case "reviewer":
		queues := []NavItem{
			{URL: web.Admin(), Label: "nav.admin.dashboard", Exact: true},
			{URL: web.AdminRealNames(), Label: "nav.admin.realname"},
			{URL: web.AdminApplications(), Label: "nav.admin.applications"},
			{URL: web.AdminCertifications(), Label: "nav.admin.certifications"},
			{URL: web.AdminChanges(), Label: "nav.admin.changes"},
			{URL: web.AdminAssets(), Label: "nav.admin.assets"},
			{URL: web.AdminProductApps(), Label: "nav.admin.product_apps"},
			{URL: web.AdminDisputes(), Label: "nav.admin.disputes"},
			{URL: web.AdminSupervisions(), Label: "nav.admin.supervision"},
			{URL: web.AdminSaaSSupervision(), Label: "nav.admin.saas"},
			{URL: web.AdminBills(), Label: "nav.admin.bills"},
		}
		manage := []NavItem{
			{URL: web.AdminMerchants(), Label: "nav.admin.merchants"},
			{URL: web.AdminOrders(), Label: "nav.admin.orders"},
			{URL: web.AdminAudit(), Label: "nav.admin.audit"},
		}
		if u.IsAdmin {
			manage = append(manage, NavItem{URL: web.AdminReviewers(), Label: "nav.admin.reviewers"},
				NavItem{URL: web.AdminRegions(), Label: "nav.admin.regions"},
				NavItem{URL: web.AdminSettings(), Label: "nav.admin.settings"})
		}
		return []NavSection{
			{Title: "nav.section.queues", Items: queues},
			{Title: "nav.section.manage", Items: manage},
			{Title: "nav.section.account", Items: []NavItem{
				{URL: web.Inbox(), Label: "nav.inbox"},
				{URL: web.AccountPassword(), Label: "nav.password"},
			}},
		}
	}
	return nil
}

// HomeFor is the center a role lands on.
func HomeFor(u *view.User) string {
	if u == nil {
		return web.Home()
	}
	switch u.Role {
	case "merchant":
		return web.Seller()
	case "reviewer":
		return web.Admin()
	default:
		return web.Buyer()
	}
}

// brandKey names the product for the user: buyers are in the buyer center, everyone
// else (visitors, merchants, reviewers) in the seller center.
func brandKey(u *view.User) string {
	if u != nil && u.Role == "buyer" {
		return "app.name_buyer"
	}
	return "app.name"
}

func areaKey(u *view.User) string {
	if u == nil {
		return "app.name"
	}
	switch u.Role {
	case "merchant":
		return "area.seller"
	case "reviewer":
		return "area.admin"
	default:
		return "area.buyer"
	}
}
