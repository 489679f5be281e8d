package handlers

import (
	"context"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/microcosm-cc/bluemonday"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// productAppFilterForm is the product queue's filter bar.
type productAppFilterForm struct {
	Status string `query:"status"`
	Kind   string `query:"kind"`
	Type   string `query:"type"`
	Q      string `query:"q" validate:"max=100"`
}

// AdminProductAppList is the product audit queue (商品审核): status, kind, product type
// and a search over merchants and product names.
func (a *App) AdminProductAppList(c echo.Context) error {
	q := productAppQueue
	var f productAppFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if (f.Status != "" && f.Status != "all" && !slices.Contains(q.Statuses, f.Status)) ||
		(f.Kind != "" && !slices.Contains(productAppKinds, f.Kind)) ||
		(f.Type != "" && !slices.Contains(pages.ProductTypes(), f.Type)) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	page := pageParam(c)
	vm := pages.QueueVM{Kind: q.Kind, TitleKey: q.TitleKey, SubtitleKey: q.Subtitle, ListURL: q.ListURL, KindHeader: q.KindHeader, ItemHeader: q.ItemHeader, SearchHint: q.SearchHint,
		Status: f.Status, Q: f.Q, StatusOptions: queueStatusOptions(q), Errors: errs,
		Filters: []pages.QueueSelect{
			{Name: "kind", Label: "product_app.kind", Value: f.Kind, Options: allOptions("product_app.kind.", productAppKinds)},
			{Name: "type", Label: "product.type", Value: f.Type, Options: allOptions("product.type.", pages.ProductTypes())},
		},
		Pager: view.Pager{Page: page, PerPage: queuePerPage, BaseURL: q.ListURL, Query: filterQuery("status", f.Status, "kind", f.Kind, "type", f.Type, "q", f.Q)}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.QueuePage(a.page(c), vm), pages.QueueTable(vm))
	}
	rows, total, err := a.Store.QueueItems(ctx, q.Queue, models.QueueFilter{Status: f.Status, Q: f.Q, Kind: f.Kind, ProductType: f.Type, Page: page, Per: queuePerPage})
	if err != nil {
		return err
	}
	meter, err := a.slaMeter(ctx)
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	ids := make([]uint, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	names, err := a.Store.ProductAppNames(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		n := names[r.ID]
		row := pages.QueueRowVM{ID: r.ID, URL: q.ItemURL(r.ID), Company: r.CompanyName, OwnerEmail: r.OwnerEmail,
			SubmittedAt: r.SubmittedAt, Status: r.Status, Item: n.NameZh, ItemSub: n.NameEn, Kind: pages.Label(ctx, q.KindPrefix, r.Extra)}
		if r.Status == q.Pending {
			row.Age = meter.age(q.Queue, r.SubmittedAt)
		}
		vm.Rows = append(vm.Rows, row)
	}
	return a.render(c, http.StatusOK, pages.QueuePage(a.page(c), vm), pages.QueueTable(vm))
}

// allOptions is a filter's options: every value, then each one.
func allOptions(prefix string, values []string) []view.Option {
	opts := []view.Option{{Value: "", Label: "common.all"}}
	for _, v := range values {
		opts = append(opts, view.Option{Value: v, Label: prefix + v})
	}
	return opts
}

// AdminProductAppShow shows one application with everything it would put before buyers.
func (a *App) AdminProductAppShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showProductApp(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminProductAppApprove makes the application live.
func (a *App) AdminProductAppApprove(c echo.Context) error {
	return a.decide(c, productAppQueue, true, a.Store.DecideProductApplication, a.showProductApp)
}

// AdminProductAppReject refuses the application with one or more reasons.
func (a *App) AdminProductAppReject(c echo.Context) error {
	return a.decide(c, productAppQueue, false, a.Store.DecideProductApplication, a.showProductApp)
}

func (a *App) showProductApp(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	ctx := c.Request().Context()
	app, err := a.Store.ProductApplicationByID(ctx, id)
	if err != nil {
		return err
	}
	p, err := a.Store.ProductByID(ctx, app.ProductID)
	if err != nil {
		return err
	}
	review, err := a.reviewVM(c, productAppQueue, reviewItem{RefType: "product_application", ID: app.ID, MerchantID: app.MerchantID, Status: app.Status,
		SubmittedAt: app.SubmittedAt, SubmittedBy: app.SubmittedByID, DecidedAt: app.DecidedAt, DecidedBy: app.DecidedByID,
		RejectComment: app.RejectComment}, panel)
	if err != nil {
		return err
	}
	review.Decision.Multi, review.Decision.CommentMax = true, 2000
	review.Decision.RejectReasons = splitReasons(app.RejectReasons)

	vm := pages.ProductAppReviewVM{Review: review, App: app, Product: p}
	live, err := p.LiveContent()
	if err != nil {
		return err
	}
	specs, err := a.Store.LiveSpecs(ctx, p.ID)
	if err != nil {
		return err
	}
	liveSpecs, err := a.liveSpecInfo(ctx, specs)
	if err != nil {
		return err
	}
	names, err := a.regionNames(ctx)
	if err != nil {
		return err
	}
	switch app.Kind {
	case models.AppPublish, models.AppModify:
		c2, err := app.ContentOf()
		if err != nil {
			return err
		}
		if err := a.fillContent(ctx, &vm, c2, liveSpecs, names); err != nil {
			return err
		}
		if app.Kind == models.AppModify {
			vm.Diff = productDiff(ctx, live, c2, names)
		}
	default:
		vm.Reason = app.Reason
		if app.SpecKey != "" {
			vm.SpecKey, vm.SpecName = app.SpecKey, app.SpecKey
			for _, sp := range specs {
				if sp.SKUCode == app.SpecKey {
					vm.SpecName = sp.Name
				}
			}
		}
		if err := a.fillContent(ctx, &vm, live, liveSpecs, names); err != nil {
			return err
		}
	}
	pg := a.page(c)
	return a.render(c, status, pages.ProductAppReviewPage(pg, vm), pages.DecisionPanel(pg.CSRF, review.Decision))
}

func splitReasons(raw string) []string {
	var out []string
	for _, k := range strings.Split(raw, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// liveSpec is a live spec's SKU code and the productIds of its periods.
type liveSpec struct {
	SKU   string
	Codes map[string]string // period → productId
}

func (a *App) liveSpecInfo(ctx context.Context, specs []models.Spec) (map[string]liveSpec, error) {
	out := map[string]liveSpec{}
	ids := make([]uint, len(specs))
	byID := map[uint]string{}
	for i, sp := range specs {
		ids[i] = sp.ID
		byID[sp.ID] = sp.SKUCode
		out[sp.SKUCode] = liveSpec{SKU: sp.SKUCode, Codes: map[string]string{}}
	}
	prices, err := a.Store.SpecPrices(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, pr := range prices {
		out[byID[pr.SpecID]].Codes[pr.PeriodType] = pr.ProductCode
	}
	return out, nil
}

// regionNames maps every catalog region's code to its name in the reader's language.
func (a *App) regionNames(ctx context.Context) (map[string]string, error) {
	regions, err := a.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range regions {
		names[r.Code] = regionName(i18n.Lang(ctx), r)
	}
	return names, nil
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

// fillContent puts a content's fields, files and specs on the page; the description is
// sanitized once more on the way out.
func (a *App) fillContent(ctx context.Context, vm *pages.ProductAppReviewVM, c models.ProductContent, live map[string]liveSpec, names map[string]string) error {
	vm.C = &c
	vm.DescriptionHTML = descriptionPolicy.Sanitize(c.Description)
	if c.AssetID != nil {
		vm.AssetURL = web.AdminAsset(*c.AssetID)
	}
	if c.License != nil && c.License.PackageAssetID != nil {
		vm.PackageAssetURL = web.AdminAsset(*c.License.PackageAssetID)
	}
	type ref struct {
		id      *uint
		purpose string
	}
	refs := []ref{{c.LogoFileID, "product.logo"}}
	for i := range c.MediaFileIDs {
		refs = append(refs, ref{&c.MediaFileIDs[i], "product.media"})
	}
	refs = append(refs, ref{c.EULAFileID, "product.eula"}, ref{c.CopyrightID, "admin.product_app.copyright"})
	if c.Service != nil {
		refs = append(refs, ref{c.Service.RequirementTemplateFileID, "product.requirement_template"}, ref{c.Service.DeliveryTemplateFileID, "product.delivery_template"})
	}
	var ids []uint
	for _, r := range refs {
		if r.id != nil {
			ids = append(ids, *r.id)
		}
	}
	files, err := a.Store.FilesByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range refs {
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
		vm.SalesRegions = append(vm.SalesRegions, pages.RegionName{Code: code, Name: names[code]})
	}
	specName := map[string]string{}
	for _, sc := range c.Specs {
		row := pages.ProductSpecRow{Content: sc}
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
	return nil
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

// specPrices lists the prices a spec's billing mode sells.
func specPrices(sc models.SpecContent) []pages.SpecPriceVM {
	vals := map[string]*int64{}
	switch sc.BillingMode {
	case models.BillingPeriod:
		vals["year"], vals["month"] = sc.YearFen, sc.MonthFen
	case models.BillingOneTime:
		vals["one_time"] = sc.OneTimeFen
	case models.BillingOnDemand:
		vals["hour"] = sc.HourFen
	case models.BillingPackage:
		vals["package"] = sc.PackageFen
	}
	var out []pages.SpecPriceVM
	for _, p := range pricePeriods {
		if v := vals[p.period]; v != nil {
			out = append(out, pages.SpecPriceVM{Period: p.period, Label: p.label, Fen: *v})
		}
	}
	return out
}

var textPolicy = bluemonday.StrictPolicy()

// plain is sanitized HTML as text, for the diff.
func plain(s string) string { return strings.TrimSpace(html.UnescapeString(textPolicy.Sanitize(s))) }

// productDiff compares a modify application's snapshot with the live content field by
// field, then spec by spec (one row per price).
func productDiff(ctx context.Context, before, after models.ProductContent, regionNames map[string]string) []pages.DiffRow {
	label := func(prefix, code string) string { return pages.Label(ctx, prefix, code) }
	yn := func(b bool) string { return yesNoText(ctx, b) }
	fileRow := func(key string, b, a *uint) pages.DiffRow {
		row := pages.DiffRow{Label: key}
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
	rows := []pages.DiffRow{
		diffRow("product.name_zh", before.NameZh, after.NameZh),
		diffRow("product.name_en", before.NameEn, after.NameEn),
		diffRow("product.category", label("product.category.", before.Category), label("product.category.", after.Category)),
		diffRow("product.version", before.Version, after.Version),
		fileRow("product.logo", before.LogoFileID, after.LogoFileID),
		diffRow("product.media", ids(before.MediaFileIDs), ids(after.MediaFileIDs)),
		diffRow("product.summary", before.Summary, after.Summary),
		diffRow("product.description", plain(before.Description), plain(after.Description)),
		diffRow("product.highlights", before.Highlights, after.Highlights),
		diffRow("product.customer_cases", before.CustomerCases, after.CustomerCases),
		diffRow("product.user_guide", before.UserGuide, after.UserGuide),
		diffRow("product.card.support", supportText(before.Support), supportText(after.Support)),
		fileRow("product.eula", before.EULAFileID, after.EULAFileID),
		fileRow("admin.product_app.copyright", before.CopyrightID, after.CopyrightID),
		diffRow("product.supervised", yn(before.Supervised), yn(after.Supervised)),
		diffRow("product.public_sale", yn(before.PublicSale), yn(after.PublicSale)),
		diffRow("product.sales_objects", label("product.sales.", before.SalesObjects), label("product.sales.", after.SalesObjects)),
		diffRow("product.named_buyers", strings.Join(before.NamedBuyers, "\n"), strings.Join(after.NamedBuyers, "\n")),
		diffRow("admin.product_app.sales_regions", regionsText(ctx, regionNames, before.SalesRegions, salesRegionsAllKey(before.Type)),
			regionsText(ctx, regionNames, after.SalesRegions, salesRegionsAllKey(after.Type))),
		diffRow("product.purchase_limit", purchaseLimitText(ctx, before.PurchaseLimit), purchaseLimitText(ctx, after.PurchaseLimit)),
		diffRow("product.asset", asset(before.AssetID), asset(after.AssetID)),
		diffRow("admin.product_app.type_fields", typeFieldsText(ctx, before), typeFieldsText(ctx, after)),
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
			r := diffRow(key, bv, av)
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
	rows = append(rows, diffRow("admin.product_app.upgrade_rules", rulesText(before), rulesText(after)))
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
	return pages.Label(ctx, "product.linear.", s.LinearAttr) + " " + strconv.Itoa(s.LinearMin) + "–" + strconv.Itoa(s.LinearMax)
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
		add("product.provision_mode", pages.Label(ctx, "product.provision.", c.SaaS.ProvisionMode))
		add("product.user_auth", pages.Label(ctx, "product.user_auth.", c.SaaS.UserAuth))
		add("product.encrypt_type", c.SaaS.EncryptType)
		add("product.ext_params", strings.Join(c.SaaS.ExtParams, ", "))
		add("product.platforms", pages.Labels(ctx, "product.platform.", strings.Join(c.SaaS.Platforms, ",")))
	case c.License != nil:
		add("product.delivery", pages.Label(ctx, "product.delivery.", c.License.Delivery))
	case c.Service != nil:
		add("product.flow_template", pages.Label(ctx, "product.flow.", c.Service.FlowTemplate))
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
