package pages

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"sellercenter/internal/richtext"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
)

// The product review page's presenters: a content as the reviewer reads it, and a
// modify application's changes field by field.

// LiveSpec is a live spec's SKU code and the productIds of its periods.
type LiveSpec struct {
	SKU   string
	Codes map[string]string // period → productId
}

// SplitReasons reads the reasons a rejection stored.
func SplitReasons(raw string) []string {
	var out []string
	for _, k := range strings.Split(raw, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// NewDiffRow compares one field.
func NewDiffRow(label, before, after string) DiffRow {
	return DiffRow{Label: label, Before: before, After: after, Changed: before != after}
}

// regionsText names regions with their codes; none chosen reads as allKey says.
func regionsText(ctx context.Context, names map[string]string, codes []string, allKey string) string {
	if len(codes) == 0 {
		return i18n.T(ctx, allKey)
	}
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = code
		if n := names[code]; n != "" {
			parts[i] = n + " (" + code + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// salesRegionsAllKey says what "no sales regions chosen" means for the product's type.
func salesRegionsAllKey(typ string) string {
	if typ == models.ProductImage {
		return "product.sales_regions_all_image"
	}
	return "product.sales_regions_all"
}

// purchaseLimitText is the per-buyer limit, or "no limit".
func purchaseLimitText(ctx context.Context, n int) string {
	if n <= 0 {
		return i18n.T(ctx, "product.purchase_limit_none")
	}
	return strconv.Itoa(n)
}

// contentFile is a file a content names, with what it is for.
type contentFile struct {
	id      *uint
	purpose string
}

// contentFiles lists the files a content names.
func contentFiles(c models.ProductContent) []contentFile {
	refs := []contentFile{{c.LogoFileID, "product.logo"}}
	for i := range c.MediaFileIDs {
		refs = append(refs, contentFile{&c.MediaFileIDs[i], "product.media"})
	}
	refs = append(refs, contentFile{c.EULAFileID, "product.eula"}, contentFile{c.CopyrightID, "admin.product_app.copyright"})
	if c.Service != nil {
		refs = append(refs, contentFile{c.Service.RequirementTemplateFileID, "product.requirement_template"}, contentFile{c.Service.DeliveryTemplateFileID, "product.delivery_template"})
	}
	return refs
}

// ContentFileIDs are the ids of the files a content names, for reading them.
func ContentFileIDs(c models.ProductContent) []uint {
	var ids []uint
	for _, r := range contentFiles(c) {
		if r.id != nil {
			ids = append(ids, *r.id)
		}
	}
	return ids
}

// FillProductContent puts a content's fields, files and specs on the review page; the
// description is sanitized once more on the way out.
func FillProductContent(ctx context.Context, vm *ProductAppReviewVM, c models.ProductContent, live map[string]LiveSpec, names map[string]string, files map[uint]models.File) {
	vm.C = &c
	vm.DescriptionHTML = richtext.Sanitize(c.Description)
	if c.AssetID != nil {
		vm.AssetURL = web.AdminAsset(*c.AssetID)
	}
	if c.License != nil && c.License.PackageAssetID != nil {
		vm.PackageAssetURL = web.AdminAsset(*c.License.PackageAssetID)
	}
	for _, r := range contentFiles(c) {
		if r.id == nil {
			continue
		}
		f, ok := files[*r.id]
		link := components.FileLink{URL: web.FileURL(*r.id), Name: "#" + strconv.FormatUint(uint64(*r.id), 10), Purpose: r.purpose}
		if ok {
			link.Name, link.IsImage = f.Filename, f.IsImage()
		}
		vm.ContentFiles = append(vm.ContentFiles, link)
	}
	vm.SalesRegionsAll = i18n.T(ctx, salesRegionsAllKey(c.Type))
	vm.PurchaseLimit = purchaseLimitText(ctx, c.PurchaseLimit)
	for _, code := range c.SalesRegions {
		vm.SalesRegions = append(vm.SalesRegions, RegionName{Code: code, Name: names[code]})
	}
	specName := map[string]string{}
	for _, sc := range c.Specs {
		row := ProductSpecRow{Content: sc}
		if ls, ok := live[sc.Key]; ok {
			row.SKU = ls.SKU
		}
		for _, pr := range specPrices(sc) {
			pr.ProductCode = live[sc.Key].Codes[pr.Period]
			row.Prices = append(row.Prices, pr)
		}
		for _, code := range sc.Regions {
			n := names[code]
			if n == "" {
				n = code
			}
			row.Regions = append(row.Regions, n)
		}
		vm.Specs = append(vm.Specs, row)
		specName[sc.Key] = sc.Name
	}
	for _, r := range c.UpgradeRules {
		vm.Rules = append(vm.Rules, [2]string{keyOrRaw(specName, r.From), keyOrRaw(specName, r.To)})
	}
}

func keyOrRaw(m map[string]string, k string) string {
	if v, ok := m[k]; ok && v != "" {
		return v
	}
	return k
}

// pricePeriods are a spec's sellable periods in display order, with their labels.
var pricePeriods = []struct{ period, label string }{
	{"year", "product.spec_year"}, {"month", "product.spec_month"}, {"one_time", "product.spec_one_time"},
	{"hour", "product.spec_hour"}, {"package", "product.spec_package"},
}

// specPrices lists the prices a spec's billing mode sells (the model says which), in
// display order.
func specPrices(sc models.SpecContent) []SpecPriceVM {
	prices := models.PeriodPrices(sc)
	var out []SpecPriceVM
	for _, p := range pricePeriods {
		if fen, ok := prices[p.period]; ok {
			out = append(out, SpecPriceVM{Period: p.period, Label: p.label, Fen: fen})
		}
	}
	return out
}

// ProductDiff compares a modify application's snapshot with the live content field by
// field, then spec by spec (one row per price).
func ProductDiff(ctx context.Context, before, after models.ProductContent, regionNames map[string]string) []DiffRow {
	label := func(prefix, code string) string { return Label(ctx, prefix, code) }
	yn := func(b bool) string { return yesNoText(ctx, b) }
	fileRow := func(key string, b, a *uint) DiffRow {
		row := DiffRow{Label: key}
		if b != nil {
			row.Before = "#" + strconv.FormatUint(uint64(*b), 10)
		}
		if a != nil {
			row.After = "#" + strconv.FormatUint(uint64(*a), 10)
		}
		row.Changed = row.Before != row.After
		return row
	}
	ids := func(v []uint) string {
		parts := make([]string, len(v))
		for i, id := range v {
			parts[i] = "#" + strconv.FormatUint(uint64(id), 10)
		}
		return strings.Join(parts, ", ")
	}
	asset := func(id *uint) string {
		if id == nil {
			return ""
		}
		return "#" + strconv.FormatUint(uint64(*id), 10)
	}
	rows := []DiffRow{
		NewDiffRow("product.name_zh", before.NameZh, after.NameZh),
		NewDiffRow("product.name_en", before.NameEn, after.NameEn),
		NewDiffRow("product.category", label("product.category.", before.Category), label("product.category.", after.Category)),
		NewDiffRow("product.version", before.Version, after.Version),
		fileRow("product.logo", before.LogoFileID, after.LogoFileID),
		NewDiffRow("product.media", ids(before.MediaFileIDs), ids(after.MediaFileIDs)),
		NewDiffRow("product.summary", before.Summary, after.Summary),
		NewDiffRow("product.description", richtext.Text(before.Description), richtext.Text(after.Description)),
		NewDiffRow("product.highlights", before.Highlights, after.Highlights),
		NewDiffRow("product.customer_cases", before.CustomerCases, after.CustomerCases),
		NewDiffRow("product.user_guide", before.UserGuide, after.UserGuide),
		NewDiffRow("product.card.support", supportText(before.Support), supportText(after.Support)),
		fileRow("product.eula", before.EULAFileID, after.EULAFileID),
		fileRow("admin.product_app.copyright", before.CopyrightID, after.CopyrightID),
		NewDiffRow("product.supervised", yn(before.Supervised), yn(after.Supervised)),
		NewDiffRow("product.public_sale", yn(before.PublicSale), yn(after.PublicSale)),
		NewDiffRow("product.sales_objects", label("product.sales.", before.SalesObjects), label("product.sales.", after.SalesObjects)),
		NewDiffRow("product.named_buyers", strings.Join(before.NamedBuyers, "\n"), strings.Join(after.NamedBuyers, "\n")),
		NewDiffRow("admin.product_app.sales_regions", regionsText(ctx, regionNames, before.SalesRegions, salesRegionsAllKey(before.Type)),
			regionsText(ctx, regionNames, after.SalesRegions, salesRegionsAllKey(after.Type))),
		NewDiffRow("product.purchase_limit", purchaseLimitText(ctx, before.PurchaseLimit), purchaseLimitText(ctx, after.PurchaseLimit)),
		NewDiffRow("product.asset", asset(before.AssetID), asset(after.AssetID)),
		NewDiffRow("admin.product_app.type_fields", typeFieldsText(ctx, before), typeFieldsText(ctx, after)),
	}
	old := map[string]models.SpecContent{}
	for _, s := range before.Specs {
		old[s.Key] = s
	}
	seen := map[string]bool{}
	specRows := func(b, a *models.SpecContent) {
		name := ""
		var bs, as models.SpecContent
		if b != nil {
			bs, name = *b, b.Name
		}
		if a != nil {
			as, name = *a, a.Name
		}
		text := func(key string) string { return name + " · " + i18n.T(ctx, key) }
		row := func(key, bv, av string) {
			r := NewDiffRow(key, bv, av)
			r.Text = text(key)
			rows = append(rows, r)
		}
		opt := func(present bool, v string) string {
			if !present {
				return ""
			}
			return v
		}
		row("product.spec_name", opt(b != nil, bs.Name), opt(a != nil, as.Name))
		row("product.spec_billing", opt(b != nil, label("product.billing.", bs.BillingMode)), opt(a != nil, label("product.billing.", as.BillingMode)))
		bp, ap := map[string]int64{}, map[string]int64{}
		if b != nil {
			for _, p := range specPrices(bs) {
				bp[p.Period] = p.Fen
			}
		}
		if a != nil {
			for _, p := range specPrices(as) {
				ap[p.Period] = p.Fen
			}
		}
		for _, p := range pricePeriods {
			bv, bok := bp[p.period]
			av, aok := ap[p.period]
			if !bok && !aok {
				continue
			}
			money := func(ok bool, v int64) string {
				if !ok {
					return ""
				}
				return i18n.Money(ctx, v)
			}
			row(p.label, money(bok, bv), money(aok, av))
		}
		row("product.spec_linear", opt(b != nil, linearText(ctx, bs)), opt(a != nil, linearText(ctx, as)))
		row("product.spec_trial", opt(b != nil, strconv.Itoa(bs.TrialDays)), opt(a != nil, strconv.Itoa(as.TrialDays)))
		if before.Type == models.ProductImage || after.Type == models.ProductImage || len(bs.Regions)+len(as.Regions) > 0 {
			row("product.spec_regions", opt(b != nil, regionsText(ctx, regionNames, bs.Regions, "product.spec_regions_all")),
				opt(a != nil, regionsText(ctx, regionNames, as.Regions, "product.spec_regions_all")))
		}
	}
	for i := range after.Specs {
		a := after.Specs[i]
		seen[a.Key] = true
		if b, ok := old[a.Key]; ok {
			specRows(&b, &a)
		} else {
			specRows(nil, &a)
		}
	}
	for i := range before.Specs {
		if !seen[before.Specs[i].Key] {
			specRows(&before.Specs[i], nil)
		}
	}
	rows = append(rows, NewDiffRow("admin.product_app.upgrade_rules", rulesText(before), rulesText(after)))
	return rows
}

func supportText(items []models.SupportItem) string {
	lines := make([]string, 0, len(items))
	for _, s := range items {
		lines = append(lines, strings.Join([]string{s.Content, s.Hours, s.Phone, s.Email}, " · "))
	}
	return strings.Join(lines, "\n")
}

func linearText(ctx context.Context, s models.SpecContent) string {
	if s.LinearAttr == "" {
		return i18n.T(ctx, "product.linear.none")
	}
	return Label(ctx, "product.linear.", s.LinearAttr) + " " + strconv.Itoa(s.LinearMin) + "–" + strconv.Itoa(s.LinearMax)
}

func rulesText(c models.ProductContent) string {
	names := map[string]string{}
	for _, s := range c.Specs {
		names[s.Key] = s.Name
	}
	lines := make([]string, 0, len(c.UpgradeRules))
	for _, r := range c.UpgradeRules {
		lines = append(lines, keyOrRaw(names, r.From)+" → "+keyOrRaw(names, r.To))
	}
	return strings.Join(lines, "\n")
}

// typeFieldsText sums up the type's own fields in one value, for the diff.
func typeFieldsText(ctx context.Context, c models.ProductContent) string {
	var parts []string
	add := func(key, v string) { parts = append(parts, i18n.T(ctx, key)+": "+v) }
	switch {
	case c.SaaS != nil:
		if c.SaaS.AddressID != nil {
			add("product.saas_address", "#"+strconv.FormatUint(uint64(*c.SaaS.AddressID), 10))
		}
		add("product.provision_mode", Label(ctx, "product.provision.", c.SaaS.ProvisionMode))
		add("product.user_auth", Label(ctx, "product.user_auth.", c.SaaS.UserAuth))
		add("product.encrypt_type", c.SaaS.EncryptType)
		add("product.ext_params", strings.Join(c.SaaS.ExtParams, ", "))
		add("product.platforms", Labels(ctx, "product.platform.", strings.Join(c.SaaS.Platforms, ",")))
		add("product.business_model", Label(ctx, "product.business.", cmp.Or(c.BusinessModel, models.BusinessGeneral)))
		if c.SaaS.KitAppID != nil {
			add("product.kit_app", "#"+strconv.FormatUint(uint64(*c.SaaS.KitAppID), 10))
		}
	case c.License != nil:
		add("product.delivery", Label(ctx, "product.delivery.", c.License.Delivery))
	case c.Service != nil:
		add("product.flow_template", Label(ctx, "product.flow.", c.Service.FlowTemplate))
		add("product.avg_delivery_days", strconv.Itoa(c.Service.AvgDeliveryDays))
		add("product.acceptance_standard", c.Service.AcceptanceStandard)
	case c.Image != nil:
		add("product.per_core", yesNoText(ctx, c.Image.PerCore))
	case c.Hardware != nil:
		add("product.logistics", yesNoText(ctx, c.Hardware.LogisticsRequired))
	}
	return strings.Join(parts, "\n")
}

func yesNoText(ctx context.Context, b bool) string {
	if b {
		return i18n.T(ctx, "common.yes")
	}
	return i18n.T(ctx, "common.no")
}
