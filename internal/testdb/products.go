package testdb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sellercenter/models"
)

// ListedProduct writes an on-sale product of the merchant with its live specs and prices
// straight into the database, as an approved publish application leaves them, so order
// tests can use any content without the review flow. Spec keys become SKU codes
// (SKU<product id><KEY>) in the specs and the upgrade rules.
func ListedProduct(t testing.TB, env *Env, merchantID uint, c models.ProductContent) (models.Product, []models.Spec) {
	t.Helper()
	db := env.DB.W
	c.Specs = append([]models.SpecContent(nil), c.Specs...)
	c.UpgradeRules = append([]models.UpgradeRule(nil), c.UpgradeRules...)
	now := env.Clock.Now()
	p := models.Product{MerchantID: merchantID, Type: c.Type, Category: c.Category, NameZh: c.NameZh, NameEn: c.NameEn,
		Listing: models.ListingOnSale, Content: "{}", ListedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	sku := map[string]string{}
	var specs []models.Spec
	for i, sc := range c.Specs {
		code := fmt.Sprintf("SKU%d%s", p.ID, strings.ToUpper(strings.ReplaceAll(sc.Key, "-", "")))
		sku[sc.Key] = code
		sc.Key = code
		c.Specs[i] = sc
		content, _ := json.Marshal(sc)
		sp := models.Spec{ProductID: p.ID, MerchantID: merchantID, SKUCode: code, Name: sc.Name, BillingMode: sc.BillingMode,
			Content: string(content), SortOrder: i, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&sp).Error; err != nil {
			t.Fatal(err)
		}
		for period, fen := range map[string]*int64{models.PeriodYear: sc.YearFen, models.PeriodMonth: sc.MonthFen,
			models.PeriodOneTime: sc.OneTimeFen, models.PeriodHour: sc.HourFen, models.PeriodPackage: sc.PackageFen} {
			if fen == nil {
				continue
			}
			pr := models.SpecPrice{SpecID: sp.ID, PeriodType: period, ProductCode: code + "-" + period, PriceFen: *fen}
			if err := db.Create(&pr).Error; err != nil {
				t.Fatal(err)
			}
		}
		specs = append(specs, sp)
	}
	for i, r := range c.UpgradeRules {
		c.UpgradeRules[i] = models.UpgradeRule{From: sku[r.From], To: sku[r.To]}
	}
	content, _ := json.Marshal(c)
	if err := db.Model(&p).Update("content", string(content)).Error; err != nil {
		t.Fatal(err)
	}
	p.Content = string(content)
	return p, specs
}
