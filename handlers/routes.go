package handlers

import (
	"github.com/labstack/echo/v4"

	"sellercenter/models"
)

// routes is the one route table. Reading it tells what URLs exist and who may call them.
func (a *App) routes(g *echo.Group) {
	// Public: visitors and everyone.
	g.GET("/", a.Home)
	g.GET("/login", a.LoginNew)
	g.POST("/login", a.LoginCreate)
	g.POST("/logout", a.Logout)
	g.GET("/register", a.RegisterNew)
	g.POST("/register", a.RegisterCreate)
	g.GET("/verify-email", a.VerifyEmail)
	g.GET("/password/forgot", a.ForgotNew)
	g.POST("/password/forgot", a.ForgotCreate)
	g.GET("/password/reset", a.ResetNew)
	g.POST("/password/reset", a.ResetCreate)
	g.POST("/locale", a.LocaleUpdate)
	if a.devOutbox() {
		g.GET("/dev/outbox", a.DevOutboxList)
	}

	// Any logged-in user.
	// (Per-route middleware: a group with an empty prefix would catch every unknown URL.)
	login := a.requireLogin
	g.POST("/verify-email/resend", a.ResendVerification, login)
	g.GET("/account/password", a.PasswordEdit, login)
	g.POST("/account/password", a.PasswordUpdate, login)
	g.GET("/inbox", a.InboxList, login)
	g.POST("/inbox/:id/read", a.InboxRead, login)
	g.POST("/inbox/read-all", a.InboxReadAll, login)
	g.GET("/files/:id", a.FileShow, login)

	// Seller center: merchants only.
	s := g.Group("/seller", a.requireRole(models.RoleMerchant))
	s.GET("", a.SellerOverview)
	v := a.requireVerified
	s.GET("/realname", a.RealNameShow)
	s.GET("/realname/new", a.RealNameNew, v)
	s.POST("/realname", a.RealNameCreate, v)
	s.POST("/realname/confirm", a.RealNameConfirm, v)
	s.POST("/realname/abandon", a.RealNameAbandon, v)
	s.GET("/application", a.ApplicationShow)
	s.POST("/application", a.ApplicationCreate, v)
	s.GET("/certification", a.CertificationShow)
	s.GET("/certification/:step", a.CertificationStep, v)
	s.POST("/certification/:step", a.CertificationSave, v)
	s.GET("/profile", a.ProfileShow)
	s.GET("/changes", a.ChangeList)
	s.GET("/changes/new", a.ChangeNew, v)
	s.POST("/changes", a.ChangeCreate, v)
	s.GET("/changes/:id", a.ChangeShow)
	s.POST("/changes/:id/withdraw", a.ChangeWithdraw, v)
	s.GET("/assets", a.AssetList)
	s.GET("/assets/new", a.AssetNew)
	s.POST("/assets", a.AssetCreate)
	s.GET("/assets/:id", a.AssetShow)
	s.GET("/assets/:id/edit", a.AssetEdit)
	s.POST("/assets/:id", a.AssetUpdate)
	s.POST("/assets/:id/verify", a.AssetVerifyDomain)
	s.POST("/assets/:id/submit", a.AssetSubmit)
	s.POST("/assets/:id/delete", a.AssetDelete)
	s.GET("/products", a.ProductList)
	s.GET("/products/new", a.ProductNew)
	s.POST("/products", a.ProductCreate)
	s.GET("/products/:id", a.ProductShow)
	s.POST("/products/:id/modify", a.ProductModify)
	s.POST("/products/:id/hide", a.ProductHide)
	s.POST("/products/:id/specs/:sku/hide", a.ProductSpecHide)
	s.POST("/products/:id/unhide", a.ProductUnhide)
	s.GET("/products/:id/delist", a.ProductDelistNew)
	s.POST("/products/:id/delist", a.ProductDelistCreate)
	s.GET("/product-applications", a.ProductAppList)
	s.GET("/product-applications/:id", a.ProductAppEdit)
	s.POST("/product-applications/:id", a.ProductAppUpdate)
	s.POST("/product-applications/:id/submit", a.ProductAppSubmit)
	s.POST("/product-applications/:id/withdraw", a.ProductAppWithdraw)

	// Buyer center: buyers only.
	b := g.Group("/buyer", a.requireRole(models.RoleBuyer))
	b.GET("", a.BuyerHome)

	// Reviewer console: reviewers only; admin pages need the admin flag too.
	r := g.Group("/admin", a.requireRole(models.RoleReviewer))
	r.GET("", a.AdminDashboard)
	r.GET("/realname", a.AdminRealNameList)
	r.GET("/realname/:id", a.AdminRealNameShow)
	r.POST("/realname/:id/approve", a.AdminRealNameApprove)
	r.POST("/realname/:id/reject", a.AdminRealNameReject)
	r.POST("/realname/:id/reveal", a.AdminRealNameReveal)
	r.GET("/applications", a.AdminApplicationList)
	r.GET("/applications/:id", a.AdminApplicationShow)
	r.POST("/applications/:id/approve", a.AdminApplicationApprove)
	r.POST("/applications/:id/reject", a.AdminApplicationReject)
	r.GET("/certifications", a.AdminCertificationList)
	r.GET("/certifications/:id", a.AdminCertificationShow)
	r.POST("/certifications/:id/approve", a.AdminCertificationApprove)
	r.POST("/certifications/:id/reject", a.AdminCertificationReject)
	r.POST("/certifications/:id/unlock", a.AdminCertificationUnlock)
	r.POST("/certifications/:id/reveal", a.AdminCertificationReveal)
	r.GET("/changes", a.AdminChangeList)
	r.GET("/changes/:id", a.AdminChangeShow)
	r.POST("/changes/:id/approve", a.AdminChangeApprove)
	r.POST("/changes/:id/reject", a.AdminChangeReject)
	r.GET("/assets", a.AdminAssetList)
	r.GET("/assets/:id", a.AdminAssetShow)
	r.POST("/assets/:id/approve", a.AdminAssetApprove)
	r.POST("/assets/:id/reject", a.AdminAssetReject)
	r.GET("/merchants", a.AdminMerchantList)
	r.GET("/merchants/:id", a.AdminMerchantShow)
	r.POST("/merchants/:id/suspend", a.AdminMerchantSuspend)
	r.POST("/merchants/:id/reinstate", a.AdminMerchantReinstate)
	r.GET("/audit", a.AdminAuditList)
	// Reviewer accounts: admins only.
	r.GET("/reviewers", a.AdminReviewerList, a.requireAdmin)
	r.GET("/reviewers/new", a.AdminReviewerNew, a.requireAdmin)
	r.POST("/reviewers", a.AdminReviewerCreate, a.requireAdmin)
	// Region catalog: admins only.
	r.GET("/regions", a.AdminRegionList, a.requireAdmin)
	r.GET("/regions/new", a.AdminRegionNew, a.requireAdmin)
	r.POST("/regions", a.AdminRegionCreate, a.requireAdmin)
	r.GET("/regions/:code/edit", a.AdminRegionEdit, a.requireAdmin)
	r.POST("/regions/:code", a.AdminRegionUpdate, a.requireAdmin)
	// Settings and the working-day calendar: admins only.
	r.GET("/settings", a.AdminSettings, a.requireAdmin)
	r.POST("/settings", a.AdminSettingsUpdate, a.requireAdmin)
	r.POST("/holidays", a.AdminHolidayCreate, a.requireAdmin)
	r.POST("/holidays/:date/delete", a.AdminHolidayDelete, a.requireAdmin)
}
