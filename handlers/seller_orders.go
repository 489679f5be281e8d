package handlers

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/export"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// orderFilterForm is the order filter bar: the list's query string, and the export
// form's copy of it. Merchant is the console's filter only, Format the export's only.
type orderFilterForm struct {
	OrderNo  string `query:"order_no" form:"order_no" validate:"max=20"`
	Customer string `query:"customer" form:"customer" validate:"max=100"`
	Product  string `query:"product" form:"product" validate:"max=100"` // an id; in the console a name or an id
	From     string `query:"from" form:"from" validate:"max=10"`
	To       string `query:"to" form:"to" validate:"max=10"`
	Status   string `query:"status" form:"status" validate:"max=20"`
	Kind     string `query:"kind" form:"kind" validate:"max=20"`
	Sort     string `query:"sort" form:"sort"`                            // a whitelisted key, or ignored
	Merchant string `query:"merchant" form:"merchant" validate:"max=100"` // console: a name or an id
	Format   string `form:"format" validate:"max=10"`
}

// orderFilter checks the typed filters into a store filter, adding an error per bad
// field. An unknown sort is not an error: the list falls back to its default order.
func (a *App) orderFilter(c echo.Context, f orderFilterForm, errs view.Errors, console bool) (models.OrderFilter, pages.OrderFilterVM) {
	out := models.OrderFilter{OrderNo: f.OrderNo, Customer: f.Customer, Status: f.Status, Kind: f.Kind}
	if !models.ValidOrderSort(f.Sort) {
		f.Sort = ""
	}
	out.Sort = f.Sort
	if !console {
		f.Merchant = ""
	}
	vm := pages.OrderFilterVM{OrderNo: f.OrderNo, Customer: f.Customer, Product: f.Product, From: f.From, To: f.To,
		Status: f.Status, Kind: f.Kind, Sort: f.Sort, Merchant: f.Merchant, Errors: errs}
	if f.Status != "" && !slices.Contains(models.OrderStatuses, f.Status) {
		errs.Set("status", "order.error.status")
	}
	if f.Kind != "" && !slices.Contains(models.OrderKinds, f.Kind) {
		errs.Set("kind", "order.error.kind")
	}
	if console { // merchant and product are typed as names (or ids): resolved by the caller
	} else if id, ok := optionalID(f.Product); ok {
		out.ProductID = id
	} else if !errs.Has("product") {
		errs.Set("product", "order.error.product")
	}
	if f.From != "" || f.To != "" {
		for name, v := range map[string]string{"from": f.From, "to": f.To} {
			if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil && !errs.Has(name) {
				errs.Set(name, "order.error.date")
			}
		}
		if !errs.Has("from") && !errs.Has("to") {
			from, to, err := models.DayBounds(a.Store.CalendarLocation(c.Request().Context()), f.From, f.To)
			if err != nil {
				errs.Set("to", "order.error.date_range")
			}
			out.From, out.To = from, to
		}
	}
	return out, vm
}

// optionalID reads an optional numeric id: empty is 0; anything but a positive number
// is not ok.
func optionalID(s string) (uint, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		return 0, false
	}
	return uint(n), true
}

// listPage is the page context of a list: the full one for a page, a light one for an
// htmx fragment (no flash is consumed, no inbox count is read).
func (a *App) listPage(c echo.Context) view.Page {
	if !isFragment(c) {
		return a.page(c)
	}
	p := view.Page{Locale: i18n.Lang(c.Request().Context()), Path: c.Request().URL.Path}
	p.CSRF = a.csrfToken(c)
	return p
}

// OrderList is 交易管理 > 订单列表: filters, sort and keyset pages over the merchant's
// orders; htmx gets the results fragment. Bad filters answer 400 with their messages.
func (a *App) OrderList(c echo.Context) error {
	var f orderFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	filter, fvm := a.orderFilter(c, f, errs, false)
	return a.renderOrderList(c, filter, pages.OrderListVM{Filter: fvm})
}

// renderOrderList reads the page of filter (unless the filters are bad) and renders it.
func (a *App) renderOrderList(c echo.Context, filter models.OrderFilter, vm pages.OrderListVM) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	status := http.StatusOK
	if vm.Filter.Errors.Any() {
		status = http.StatusBadRequest
	} else {
		page, err := a.Store.Orders(ctx, m.ID, filter, models.OrderCursor{After: c.QueryParam("after"), Before: c.QueryParam("before")})
		if err != nil {
			return err
		}
		vm.Page = page
	}
	if isFragment(c) {
		return a.renderOrderPage(c, status, vm, nil)
	}
	products, err := a.Store.ProductNames(ctx, m.ID)
	if err != nil {
		return err
	}
	return a.renderOrderPage(c, status, vm, products)
}

// renderOrderPage renders a read list: the results fragment for htmx, else the page
// with the merchant's products as the product filter's options.
func (a *App) renderOrderPage(c echo.Context, status int, vm pages.OrderListVM, products []models.ProductNameRow) error {
	p := a.listPage(c)
	if !vm.Console {
		var err error
		if vm.SyncRows, err = a.Store.SettingInt(c.Request().Context(), models.SettingExportSyncRows, models.DefaultExportSyncRows); err != nil {
			return err
		}
	}
	if isFragment(c) {
		return a.render(c, status, nil, pages.OrderResults(p, vm))
	}
	for _, pr := range products {
		vm.Products = append(vm.Products, view.Option{Value: strconv.FormatUint(uint64(pr.ID), 10), Label: pages.ProductName(p.Locale, pr.NameZh, pr.NameEn), Raw: true})
	}
	return a.render(c, status, pages.OrderListPage(p, vm), nil)
}

// OrderShow is one order of the merchant: lines, masked buyer, payment and history.
func (a *App) OrderShow(c echo.Context) error {
	d, err := a.Store.OrderDetail(c.Request().Context(), currentMerchant(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	names, err := a.regionNames(c.Request().Context())
	if err != nil {
		return err
	}
	p := a.page(c)
	inst, err := a.orderInstance(c.Request().Context(), currentMerchant(c).ID, d.Order, p.CSRF)
	if err != nil {
		return err
	}
	vm := pages.OrderDetailVM{D: d, RegionName: pages.RegionLabel(names, d.Order.Region), Instance: inst, CSRF: p.CSRF, Errors: view.Errors{}}
	if err := a.orderDelivery(c, &vm); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.OrderDetailPage(p, vm), nil)
}

// OrderComplete is the merchant confirming delivery of a PROCESSING order; supervised
// orders complete with their supervision and are refused.
func (a *App) OrderComplete(c echo.Context) error {
	o, err := a.Store.CompleteOrder(c.Request().Context(), actor(c), currentMerchant(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	a.flash(c, "success", "order.delivered_flash")
	return a.redirect(c, web.SellerOrder(o.OrderNo))
}

// OrderExport exports the filtered orders as CSV or XLSX. Up to the sync setting's rows
// stream straight into the response; more become a background export on the export
// records page.
func (a *App) OrderExport(c echo.Context) error {
	var f orderFilterForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	filter, fvm := a.orderFilter(c, f, errs, false)
	if f.Format != export.CSV && f.Format != export.XLSX {
		errs.Set("format", "export.error.format")
	}
	if errs.Any() {
		return a.renderOrderList(c, filter, pages.OrderListVM{Filter: fvm})
	}
	return a.exportFor(c, f.Format, models.ExportSpec{Filter: filter}, "order.flash_export_queued")
}

// exportFor exports what spec names of the current merchant's: up to the sync setting's
// rows at once as the response, more through the export records (with the flash
// queued).
func (a *App) exportFor(c echo.Context, format string, spec models.ExportSpec, queued string) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	rows, err := a.Store.SettingInt(ctx, models.SettingExportSyncRows, models.DefaultExportSyncRows)
	if err != nil {
		return err
	}
	limit := int64(rows)
	n, err := export.Count(ctx, a.Store, m.ID, spec, limit)
	if err != nil {
		return err
	}
	spec.Lang = i18n.Lang(ctx)
	if n > limit {
		if _, err := a.Store.CreateExport(ctx, actor(c), m.ID, format, spec); err != nil {
			return err
		}
		a.flash(c, "success", queued)
		return a.redirect(c, web.SellerExports())
	}
	return a.streamExport(c, m.ID, format, spec)
}

// streamExport writes the export file as the response, row by row from the database.
func (a *App) streamExport(c echo.Context, merchantID uint, format string, spec models.ExportSpec) error {
	ctx := c.Request().Context()
	loc := a.Store.CalendarLocation(ctx)
	l := i18n.From(ctx)
	name := export.FileName(spec.FilePrefix(), format, a.Store.Now().In(loc))
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, export.ContentType(format))
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	// The file goes to the client and, through a pipe, into the blob store, so the export
	// records keep a copy; neither side holds more than a buffer.
	type stored struct {
		key  string
		size int64
		err  error
	}
	pr, pw := io.Pipe()
	done := make(chan stored, 1)
	go func() {
		key, size, err := a.Blobs.Put(context.WithoutCancel(ctx), pr, directExportMaxBytes)
		pr.CloseWithError(errors.New("export: blob store stopped reading"))
		done <- stored{key, size, err}
	}()
	lb := export.Labels{T: l.T, Lang: l.Lang, Zone: loc}
	rows, err := export.Write(ctx, a.Store, merchantID, format, spec, io.MultiWriter(c.Response(), pw), lb, nil)
	pw.CloseWithError(err)
	res := <-done
	if err == nil && res.err == nil {
		_, err = a.Store.RecordDirectExport(ctx, actor(c), merchantID, format, spec, res.key, name, res.size, rows)
	} else if err == nil {
		err = res.err
	}
	if err != nil {
		if res.key != "" {
			_ = a.Blobs.Delete(context.WithoutCancel(ctx), res.key)
		}
		if !errors.Is(err, ctx.Err()) {
			// The status is sent already: the truncated file is all the client can get.
			a.Log.Error("export failed", "err", err, "merchant", merchantID, "kind", spec.Kind)
		}
	}
	return nil
}

// directExportMaxBytes bounds the kept copy of a direct download (a few thousand rows).
const directExportMaxBytes = 256 << 20

// orderDelivery adds what the order's page needs beyond its detail: where it stands in
// settlement, its License codes, or its logistics.
func (a *App) orderDelivery(c echo.Context, vm *pages.OrderDetailVM) error {
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	st, err := a.Store.OrderBillingState(ctx, mid, vm.D.Order)
	if err != nil {
		return err
	}
	vm.Billing = &st
	if vm.Licenses, err = a.Store.LicenseCodesOfOrder(ctx, 0, mid, vm.D.Order.OrderNo); err != nil {
		return err
	}
	if vm.Delivery, err = a.Store.LicenseDeliveryOf(ctx, 0, mid, vm.D.Order.OrderNo); err != nil {
		return err
	}
	if vm.Logistics, err = a.Store.ShipsByLogistics(ctx, vm.D.Order); err != nil || !vm.Logistics {
		return err
	}
	vm.Shipment, err = a.Store.ShipmentOf(ctx, 0, mid, vm.D.Order.OrderNo)
	return err
}

// OrderShipment enters (or corrects) a hardware order's logistics.
func (a *App) OrderShipment(c echo.Context) error {
	var f struct {
		Carrier    string `form:"carrier"`
		TrackingNo string `form:"tracking_no"`
	}
	if _, err := bindForm(c, &f); err != nil {
		return err
	}
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	no := c.Param("id")
	_, err := a.Store.ShipOrder(ctx, actor(c), mid, no, f.Carrier, f.TrackingNo)
	if errs, ok := fieldErrorFrom(err); ok {
		d, derr := a.Store.OrderDetail(ctx, mid, no)
		if derr != nil {
			return derr
		}
		names, nerr := a.regionNames(ctx)
		if nerr != nil {
			return nerr
		}
		p := a.page(c)
		vm := pages.OrderDetailVM{D: d, RegionName: pages.RegionLabel(names, d.Order.Region), CSRF: p.CSRF, Errors: errs, Carrier: f.Carrier, Tracking: f.TrackingNo}
		if err := a.orderDelivery(c, &vm); err != nil {
			return err
		}
		return a.render(c, http.StatusUnprocessableEntity, pages.OrderDetailPage(p, vm), nil)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "shipment.flash.shipped")
	return a.redirect(c, web.SellerOrder(no))
}
