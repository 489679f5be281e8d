package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// AdminChangeList is the merchant information change queue.
func (a *App) AdminChangeList(c echo.Context) error { return a.listQueue(c, changeQueue) }

// AdminChangeShow shows one change request as a diff with its decision panel.
func (a *App) AdminChangeShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showChange(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminChangeApprove applies the change to the live record.
func (a *App) AdminChangeApprove(c echo.Context) error {
	return a.decide(c, changeQueue, true, a.Store.DecideChange, a.showChange)
}

// AdminChangeReject refuses the change with a reason; the live values stay.
func (a *App) AdminChangeReject(c echo.Context) error {
	return a.decide(c, changeQueue, false, a.Store.DecideChange, a.showChange)
}

func (a *App) showChange(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	ctx := c.Request().Context()
	r, err := a.Store.ChangeRequestByID(ctx, id)
	if err != nil {
		return err
	}
	submitted := r.SubmittedAt
	review, err := a.reviewVM(c, changeQueue, reviewItem{RefType: "change", ID: r.ID, MerchantID: r.MerchantID, Status: r.Status,
		SubmittedAt: &submitted, SubmittedBy: &r.SubmittedByID, DecidedAt: r.DecidedAt, DecidedBy: r.DecidedByID,
		RejectReason: r.RejectReason, RejectComment: r.RejectComment}, panel)
	if err != nil {
		return err
	}
	diff, err := changeDiff(ctx, r)
	if err != nil {
		return err
	}
	p := a.page(c)
	vm := pages.ChangeReviewVM{Review: review, R: r, Diff: diff}
	return a.render(c, status, pages.ChangeReviewPage(p, vm), pages.DecisionPanel(p.CSRF, review.Decision))
}

// changeDiff compares the live values with the proposed ones field by field. Only the
// fields listed here are shown: the encrypted bank account never reaches the page.
func changeDiff(ctx context.Context, r models.ChangeRequest) ([]pages.DiffRow, error) {
	switch r.Kind {
	case models.ChangeProfile:
		var before, after models.ProfileChange
		if err := unmarshalPair(r, &before, &after); err != nil {
			return nil, err
		}
		rows := []pages.DiffRow{
			pages.NewDiffRow("admin.profile.website", before.Website, after.Website),
			pages.NewDiffRow("admin.profile.intro", before.Intro, after.Intro),
			logoRow(before.LogoFileID, after.LogoFileID),
			pages.NewDiffRow("admin.application.contact_name", before.ContactName, after.ContactName),
			pages.NewDiffRow("admin.application.contact_mobile", before.ContactMobile, after.ContactMobile),
			pages.NewDiffRow("admin.application.contact_email", before.ContactEmail, after.ContactEmail),
			pages.NewDiffRow("admin.application.service_email", before.ServiceEmail, after.ServiceEmail),
			pages.NewDiffRow("admin.application.service_phone", before.ServicePhone, after.ServicePhone),
			pages.NewDiffRow("admin.application.address", before.Address, after.Address),
		}
		return rows, nil
	case models.ChangeCertification:
		var before, after models.CertificationChange
		if err := unmarshalPair(r, &before, &after); err != nil {
			return nil, err
		}
		return []pages.DiffRow{
			pages.NewDiffRow("admin.cert.taxpayer_type", pages.Label(ctx, "admin.taxpayer.", before.TaxpayerType), pages.Label(ctx, "admin.taxpayer.", after.TaxpayerType)),
			pages.NewDiffRow("admin.cert.invoice_type", pages.Label(ctx, "admin.invoice.", before.InvoiceType), pages.Label(ctx, "admin.invoice.", after.InvoiceType)),
			pages.NewDiffRow("admin.cert.registered_addr", before.RegisteredAddr, after.RegisteredAddr),
			pages.NewDiffRow("admin.cert.finance_name", before.FinanceName, after.FinanceName),
			pages.NewDiffRow("admin.cert.finance_phone", before.FinancePhone, after.FinancePhone),
			pages.NewDiffRow("admin.cert.finance_email", before.FinanceEmail, after.FinanceEmail),
			pages.NewDiffRow("admin.cert.bank_name", before.BankName, after.BankName),
			pages.NewDiffRow("admin.cert.bank_branch", before.BankBranch, after.BankBranch),
			// A new account has a new ciphertext even when its mask looks alike.
			{Label: "admin.cert.bank_account", Before: before.BankAccountMasked, After: after.BankAccountMasked,
				Changed: before.BankAccountEnc != after.BankAccountEnc},
		}, nil
	}
	return nil, nil
}

func unmarshalPair(r models.ChangeRequest, before, after any) error {
	if err := json.Unmarshal([]byte(r.Before), before); err != nil {
		return err
	}
	return json.Unmarshal([]byte(r.Payload), after)
}

func logoRow(before, after *uint) pages.DiffRow {
	row := pages.DiffRow{Label: "admin.profile.logo"}
	if before != nil {
		row.Before, row.BeforeURL = "#"+strconv.FormatUint(uint64(*before), 10), web.FileURL(*before)
	}
	if after != nil {
		row.After, row.AfterURL = "#"+strconv.FormatUint(uint64(*after), 10), web.FileURL(*after)
	}
	row.Changed = row.Before != row.After
	return row
}
