package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// refundRequestForm is the buyer's after-sales form: an unsubscription carries only the
// key; a negotiated refund the amount and reason; a return the reason.
type refundRequestForm struct {
	Key    string `form:"key"`
	Amount string `form:"amount" validate:"max=20"`
	Reason string `form:"reason" validate:"max=500"`
}

// refundFormVM prepares the form for an order as the rules see it now.
func (a *App) refundFormVM(c echo.Context, off models.RefundOffer) pages.RefundFormVM {
	return pages.RefundFormVM{Order: off.Order, Quote: off.Quote, OpenCase: off.OpenCase, Key: newIdempotencyKey(), Errors: view.Errors{},
		NoReasonDays: off.Rules.NoReasonDays}
}

// BuyerRefundNew shows the after-sales form the order's kind calls for, with the amount
// the rules give.
func (a *App) BuyerRefundNew(c echo.Context) error {
	off, err := a.Store.RefundOfferFor(c.Request().Context(), currentUser(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.RefundFormPage(a.page(c), a.refundFormVM(c, off)), nil)
}

// BuyerRefundCreate unsubscribes, or files a negotiated refund or a return request.
func (a *App) BuyerRefundCreate(c echo.Context) error {
	ctx, u, orderNo := c.Request().Context(), currentUser(c), c.Param("id")
	off, err := a.Store.RefundOfferFor(ctx, u.ID, orderNo)
	if err != nil {
		return err
	}
	var f refundRequestForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if !validKey(f.Key) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	vm := a.refundFormVM(c, off)
	vm.Key, vm.Amount, vm.Reason = f.Key, f.Amount, f.Reason
	var r models.Refund
	if off.Quote.Flow == models.RefundUnsubscribe {
		r, err = a.Store.Unsubscribe(ctx, actor(c), u.ID, orderNo, f.Key)
	} else {
		var fen int64
		if off.Quote.Flow == models.RefundNegotiated && !errs.Has("amount") {
			var key string
			if fen, key = refundAmount(f.Amount); key != "" {
				errs.Set("amount", key)
			}
		}
		if f.Reason == "" && !errs.Has("reason") {
			errs.Set("reason", "error.required")
		}
		if vm.Errors = errs; vm.Errors.Any() {
			return a.render(c, http.StatusUnprocessableEntity, pages.RefundFormPage(a.page(c), vm), nil)
		}
		r, err = a.Store.RequestRefund(ctx, actor(c), u.ID, models.RefundRequest{OrderNo: orderNo, AmountFen: fen, Reason: f.Reason, Key: f.Key})
	}
	if err != nil {
		return a.refundFormError(c, vm, err)
	}
	a.flash(c, "success", "aftersales.flash.requested_"+r.Kind)
	return a.redirect(c, web.BuyerAfterSale(r.RefundNo))
}

// refundAmount reads the asked amount in yuan; a zero amount asks for nothing.
func refundAmount(s string) (int64, string) {
	if s == "" {
		return 0, "error.required"
	}
	fen, err := money.ParseYuan(s)
	if key := moneyErrKey(err); key != "" {
		return 0, key
	}
	if fen == 0 {
		return 0, "aftersales.error.amount_positive"
	}
	return fen, ""
}

// refundFormError re-renders the form for a field error (422) or a rule that refuses the
// request now (409, with the current state of the order).
func (a *App) refundFormError(c echo.Context, vm pages.RefundFormVM, err error) error {
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.render(c, http.StatusUnprocessableEntity, pages.RefundFormPage(a.page(c), vm), nil)
	}
	var rule *models.RuleError
	if !errors.As(err, &rule) {
		return err
	}
	off, oerr := a.Store.RefundOfferFor(c.Request().Context(), currentUser(c).ID, vm.Order.OrderNo)
	if oerr != nil {
		return oerr
	}
	fresh := a.refundFormVM(c, off)
	fresh.Errors.Set("_form", rule.Key)
	return a.render(c, http.StatusConflict, pages.RefundFormPage(a.page(c), fresh), nil)
}

// BuyerAfterSalesList lists the buyer's after-sales cases (我的售后).
func (a *App) BuyerAfterSalesList(c echo.Context) error {
	page := pageParam(c)
	rows, total, err := a.Store.BuyerRefunds(c.Request().Context(), currentUser(c).ID, page, 20)
	if err != nil {
		return err
	}
	vm := pages.RefundListVM{Rows: rows, Pager: view.Pager{Page: page, PerPage: 20, Total: total, BaseURL: web.BuyerAfterSales()}}
	return a.render(c, http.StatusOK, pages.BuyerRefundListPage(a.page(c), vm), nil)
}

// buyerCase reads one of the buyer's cases; another buyer's is not found.
func (a *App) buyerCase(c echo.Context) (pages.RefundCaseVM, error) {
	rc, err := a.Store.BuyerRefundCase(c.Request().Context(), currentUser(c).ID, c.Param("id"))
	return pages.RefundCaseVM{Case: rc, Side: pages.SideBuyer, Errors: view.Errors{}}, err
}

// BuyerAfterSalesShow shows one case with what the buyer may do next.
func (a *App) BuyerAfterSalesShow(c echo.Context) error {
	vm, err := a.buyerCase(c)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.RefundCasePage(a.page(c), vm), nil)
}

// BuyerAfterSalesWithdraw takes a request back before the merchant decides.
func (a *App) BuyerAfterSalesWithdraw(c echo.Context) error {
	vm, err := a.buyerCase(c)
	if err != nil {
		return err
	}
	if _, err := a.Store.WithdrawRefund(c.Request().Context(), actor(c), currentUser(c).ID, vm.R().RefundNo); err != nil {
		return a.caseRefused(c, err, a.buyerCase)
	}
	a.flash(c, "info", "aftersales.flash.withdrawn")
	return a.redirect(c, web.BuyerAfterSale(vm.R().RefundNo))
}

// reasonForm carries the buyer's dispute reason.
type reasonForm struct {
	Reason string `form:"reason" validate:"required,max=500"`
}

// BuyerAfterSalesDispute takes a rejected case to the platform.
func (a *App) BuyerAfterSalesDispute(c echo.Context) error {
	var f reasonForm
	return a.buyerCaseStep(c, &f, func(vm *pages.RefundCaseVM) { vm.Reason = f.Reason }, "aftersales.flash.disputed",
		func(ctx context.Context, refundNo string) error {
			_, err := a.Store.DisputeRefund(ctx, actor(c), currentUser(c).ID, refundNo, f.Reason)
			return err
		})
}

// buyerCaseStep runs one of the buyer's one-field steps on a case: the form bound into f
// and kept on the page by keep, the step done, its field errors shown on the form (422),
// a step the case no longer allows answered with the case as it stands now (409).
func (a *App) buyerCaseStep(c echo.Context, f any, keep func(*pages.RefundCaseVM), flash string, do func(ctx context.Context, refundNo string) error) error {
	vm, err := a.buyerCase(c)
	if err != nil {
		return err
	}
	if vm.Errors, err = bindForm(c, f); err != nil {
		return err
	}
	keep(&vm)
	if !vm.Errors.Any() {
		err = do(c.Request().Context(), vm.R().RefundNo)
		if fe, ok := fieldErrorFrom(err); ok {
			vm.Errors, err = fe, nil
		}
	}
	if err != nil {
		return a.caseRefused(c, err, a.buyerCase)
	}
	if vm.Errors.Any() {
		return a.renderCase(c, http.StatusUnprocessableEntity, vm)
	}
	a.flash(c, "success", flash)
	return a.redirect(c, web.BuyerAfterSale(vm.R().RefundNo))
}

// shipForm carries a return's waybill number.
type shipForm struct {
	TrackingNo string `form:"tracking_no" validate:"required,max=60"`
}

// BuyerAfterSalesShip records the logistics of an approved hardware return.
func (a *App) BuyerAfterSalesShip(c echo.Context) error {
	var f shipForm
	return a.buyerCaseStep(c, &f, func(vm *pages.RefundCaseVM) { vm.Tracking = f.TrackingNo }, "aftersales.flash.shipped",
		func(ctx context.Context, refundNo string) error {
			_, err := a.Store.ShipReturn(ctx, actor(c), currentUser(c).ID, refundNo, f.TrackingNo)
			return err
		})
}
