package seed

import (
	"context"
	"errors"
	"fmt"
	"sellercenter/internal/jobs"

	"sellercenter/models"
)

// tinyPDF is a minimal PDF used as the demo products' agreements.
var tinyPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// seedUpload writes a demo file to the blob store for a submission to record.
func seedUpload(ctx context.Context, put BlobPutter, purpose, name, ct string, data []byte) (models.Upload, error) {
	key, err := put(ctx, data)
	return models.Upload{Purpose: purpose, BlobKey: key, Filename: name, ContentType: ct, Size: int64(len(data))}, err
}

// seedProductUploads are a demo product's logo, screenshot and agreement (and a
// service's templates), each product with files of its own: the images are drawn in
// the product's colour, a tile for the logo and a console for the screenshot.
func seedProductUploads(ctx context.Context, put BlobPutter, service bool, tone int) (models.Uploads, error) {
	files := []struct {
		purpose, name, ct string
		data              []byte
	}{
		{models.FileProductLogo, "logo.png", "image/png", productTile(tone)},
		{models.FileProductMedia, "screen.png", "image/png", productScreen(tone)},
		{models.FileProductEULA, "eula.pdf", "application/pdf", tinyPDF},
	}
	if service {
		files = append(files, struct {
			purpose, name, ct string
			data              []byte
		}{models.FileRequirementTemplate, "requirements.pdf", "application/pdf", tinyPDF}, struct {
			purpose, name, ct string
			data              []byte
		}{models.FileDeliveryTemplate, "delivery.pdf", "application/pdf", tinyPDF})
	}
	var ups models.Uploads
	for _, f := range files {
		up, err := seedUpload(ctx, put, f.purpose, f.name, f.ct, f.data)
		if err != nil {
			return nil, err
		}
		ups = append(ups, up)
	}
	return ups, nil
}

// seedApprovedAsset registers an asset and has the reviewer approve it.
func (s store) seedApprovedAsset(ctx context.Context, u models.User, reviewer models.Actor, in models.AssetInput) (uint, error) {
	a := models.Actor{UserID: u.ID, Email: u.Email, RequestID: models.ActorSeed}
	as, err := s.CreateAsset(ctx, a, *u.MerchantID, in)
	if err != nil {
		return 0, err
	}
	if in.Kind == models.AssetSaaS {
		if _, err := s.MarkDomainVerified(ctx, a, *u.MerchantID, as.ID); err != nil {
			return 0, err
		}
	}
	if _, err := s.SubmitAsset(ctx, a, *u.MerchantID, as.ID); err != nil {
		return 0, err
	}
	// The automatic checks run before the reviewer looks, so the asset carries its report.
	if err := (&jobs.AssetScanner{Store: s.Store}).Scan(ctx, as.ID); err != nil {
		return 0, err
	}
	return as.ID, s.DecideAsset(ctx, reviewer, as.ID, models.Decision{Approve: true})
}

// seedProducts gives the demo merchant products of every type on sale (SaaS, image,
// License, a supervised service, hardware), each in its category with a description of
// its own and images drawn for it, beside a SaaS waiting for review, a service rejected
// once and a draft. The products on sale are published now; the others happen later, when
// the returned function is called with the store at that time (a reviewer queue shows a
// recent submission, not a year-old one).
func (s store) seedProducts(ctx context.Context, put BlobPutter, u models.User, reviewer models.Actor) (func(store) error, error) {
	a := models.Actor{UserID: u.ID, Email: u.Email, RequestID: models.ActorSeed}
	mid := *u.MerchantID
	integration, err := s.seedIntegration(ctx, a, mid, s.saasAddress)
	if err != nil {
		return nil, err
	}
	saasAsset, err := s.seedApprovedAsset(ctx, u, reviewer, models.AssetInput{Kind: models.AssetSaaS, Name: "云协同办公", AssetVersion: "3.2", Domain: "teamwork.example.com"})
	if err != nil {
		return nil, err
	}
	imageAsset, err := s.seedApprovedAsset(ctx, u, reviewer, models.AssetInput{Kind: models.AssetImage, Name: "LAMP 运行环境", AssetVersion: "1.0",
		ImageID: "8f3d2c1a-5b6e-4f70-9a1b-2c3d4e5f6a7b", ImageKind: models.ImageSystemDisk, FromPublic: true, FlavorFamily: "general",
		OSType: "linux", OSVersion: "Ubuntu 22.04", Regions: []string{"cn-north-4", "cn-south-1"}})
	if err != nil {
		return nil, err
	}
	support := []models.SupportItem{
		{Content: "在线工单", Hours: "7×24", Email: "support@example.com"},
		{Content: "电话支持", Hours: "9:00–18:00", Phone: "400-820-1234"},
		{Content: "远程协助", Hours: "9:00–21:00", Phone: "400-820-1234"},
		{Content: "上线培训", Hours: "9:00–17:00", Email: "training@example.com"},
	}
	base := func(typ, category, zh, en, summary, description string, asset *uint) models.ProductContent {
		return models.ProductContent{Type: typ, BusinessModel: models.BusinessGeneral, Category: category, NameZh: zh, NameEn: en, Version: "1.0",
			Summary: summary, Description: description, Highlights: "开箱即用；安全合规；专属服务", Support: support, PublicSale: true,
			SalesObjects: models.SalesAll, AssetID: asset}
	}
	fen := func(v int64) *int64 { return &v }
	tone := 0
	publish := func(s store, c models.ProductContent, decide string) error {
		tone++
		ups, err := seedProductUploads(ctx, put, c.Service != nil, tone)
		if err != nil {
			return err
		}
		if c.Type == models.ProductSaaS && decide != "draft" {
			c.SaaS.AddressID = &integration.addr.ID
		}
		if c.Type == models.ProductLicense && c.License != nil && c.License.Delivery == models.LicenseOnlineCode {
			c.License.AddressID = &integration.license.ID
		}
		_, app, err := s.NewProductDraft(ctx, a, mid, c, ups...)
		if err != nil || decide == "draft" {
			return err
		}
		if c.Type == models.ProductSaaS {
			if err := s.passDebugCases(ctx, u.ID, mid, app.ProductID, c, integration); err != nil {
				return err
			}
		}
		if _, err := s.SubmitProductApplication(ctx, a, mid, app.ID); err != nil || decide == "pending" {
			var se *models.StandardsError
			if errors.As(err, &se) {
				return fmt.Errorf("seed %s: %v", c.NameEn, se.Gaps)
			}
			return err
		}
		if decide == "reject" {
			return s.DecideProductApplication(ctx, reviewer, app.ID, models.Decision{Approve: false, Reasons: []string{"reason.product.description"}, Comment: "请补充服务交付流程说明"})
		}
		return s.DecideProductApplication(ctx, reviewer, app.ID, models.Decision{Approve: true})
	}
	saas := base(models.ProductSaaS, "office", "云协同办公", "Cloud Teamwork", "面向中小企业的协同办公 SaaS", descTeamwork, &saasAsset)
	saas.SaaS = &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "mobile", EncryptType: "1", KitAppID: &integration.app.ID}
	// Sold jointly with the platform: buyers bind it to their organisation and their
	// users sign in through unified login.
	saas.BusinessModel = models.BusinessJoint
	saas.Specs = []models.SpecContent{
		{Key: "new-1", Name: "基础版 20 用户", NameEn: "Basic, 20 users", BillingMode: models.BillingPeriod, YearFen: fen(299900), MonthFen: fen(29900), TrialDays: 14},
		{Key: "new-2", Name: "专业版 100 用户", NameEn: "Professional, 100 users", BillingMode: models.BillingPeriod, YearFen: fen(999900), MonthFen: fen(99900)},
	}
	saas.UpgradeRules = []models.UpgradeRule{{From: "new-1", To: "new-2"}}
	image := base(models.ProductImage, "dev_tools", "LAMP 运行环境", "LAMP Stack", "预装 Linux、Apache、MySQL 与 PHP 的镜像", descLAMP, &imageAsset)
	image.Image = &models.ImageFields{PerCore: true}
	image.Specs = []models.SpecContent{{Key: "new-1", Name: "按核计费", NameEn: "Per core", BillingMode: models.BillingOnDemand, HourFen: fen(12), Regions: []string{"cn-north-4", "cn-south-1"}}}
	license := base(models.ProductLicense, "security", "文档加密 License", "DocGuard License", "终端文档加密授权，离职与外发不泄密", descDocGuard, nil)
	license.License = &models.LicenseFields{Delivery: "online_code"}
	license.Specs = []models.SpecContent{
		{Key: "new-1", Name: "10 终端永久授权", NameEn: "10 devices, perpetual", BillingMode: models.BillingOneTime, OneTimeFen: fen(680000)},
		{Key: "new-2", Name: "50 终端永久授权", NameEn: "50 devices, perpetual", BillingMode: models.BillingOneTime, OneTimeFen: fen(2980000)},
	}
	service := base(models.ProductService, "professional", "上云迁移服务", "Cloud Migration Service", "业务系统上云迁移实施", descMigration, nil)
	service.Service = &models.ServiceFields{FlowTemplate: "standard", AvgDeliveryDays: 15, AcceptanceStandard: "迁移后业务验证通过"}
	service.Specs = []models.SpecContent{{Key: "new-1", Name: "标准迁移包", NameEn: "Standard migration", BillingMode: models.BillingOneTime, OneTimeFen: fen(2000000)}}
	// A supervised service on sale (联营-基地云): its orders take negotiated refunds (the
	// demo's cases) and go through 华为云复核.
	consulting := base(models.ProductService, "professional", "ERP 实施顾问服务", "ERP Implementation Consulting", "ERP 系统选型、实施与上线辅导", descERP, nil)
	consulting.Supervised, consulting.SupervisionScenario = true, models.ScenarioBase
	consulting.Service = &models.ServiceFields{FlowTemplate: "standard", AvgDeliveryDays: 30, AcceptanceStandard: "系统上线并通过用户验收"}
	consulting.Specs = []models.SpecContent{{Key: "new-1", Name: "标准实施包", NameEn: "Standard implementation", BillingMode: models.BillingOneTime, OneTimeFen: fen(3000000)}}
	hardware := base(models.ProductHardware, "industry", "边缘计算网关", "Edge Gateway", "工业现场边缘计算网关，协议采集与本地计算", descGateway, nil)
	hardware.Hardware = &models.HardwareFields{LogisticsRequired: true}
	hardware.Specs = []models.SpecContent{{Key: "new-1", Name: "EG-200 标准版", NameEn: "EG-200 standard", BillingMode: models.BillingOneTime, OneTimeFen: fen(458000)}}
	backup := base(models.ProductSaaS, "data", "云数据备份", "Cloud Backup", "数据库与文件的定时备份与一键恢复", descBackup, &saasAsset)
	backup.SaaS = &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "email", EncryptType: "1"}
	backup.Specs = []models.SpecContent{{Key: "new-1", Name: "500 GB", NameEn: "500 GB", BillingMode: models.BillingPeriod, YearFen: fen(360000), MonthFen: fen(36000)}}
	bot := base(models.ProductSaaS, "ai", "智能客服机器人", "AI Service Bot", "基于大模型的智能客服", "", nil)
	type step struct {
		c   models.ProductContent
		how string
	}
	run := func(s store, steps ...step) error {
		for _, p := range steps {
			if err := publish(s, p.c, p.how); err != nil {
				return err
			}
		}
		return nil
	}
	if err := run(s, step{saas, "approve"}, step{image, "approve"}, step{license, "approve"}, step{consulting, "approve"}, step{hardware, "approve"}); err != nil {
		return nil, err
	}
	return func(later store) error {
		return run(later, step{service, "reject"}, step{backup, "pending"}, step{bot, "draft"})
	}, nil
}
