package pages

import (
	"context"
	"encoding/json"
	"strconv"

	"sellercenter/models"
	"sellercenter/web"
)

// ChangeDiff compares the live values with the proposed ones field by field. Only the
// fields listed here are shown: the encrypted bank account never reaches the page.
func ChangeDiff(ctx context.Context, r models.ChangeRequest) ([]DiffRow, error) {
	switch r.Kind {
	case models.ChangeProfile:
		var before, after models.ProfileChange
		if err := unmarshalPair(r, &before, &after); err != nil {
			return nil, err
		}
		rows := []DiffRow{
			NewDiffRow("admin.profile.website", before.Website, after.Website),
			NewDiffRow("admin.profile.intro", before.Intro, after.Intro),
			logoRow(before.LogoFileID, after.LogoFileID),
			NewDiffRow("admin.application.contact_name", before.ContactName, after.ContactName),
			NewDiffRow("admin.application.contact_mobile", before.ContactMobile, after.ContactMobile),
			NewDiffRow("admin.application.contact_email", before.ContactEmail, after.ContactEmail),
			NewDiffRow("admin.application.service_email", before.ServiceEmail, after.ServiceEmail),
			NewDiffRow("admin.application.service_phone", before.ServicePhone, after.ServicePhone),
			NewDiffRow("admin.application.address", before.Address, after.Address),
		}
		return rows, nil
	case models.ChangeCertification:
		var before, after models.CertificationChange
		if err := unmarshalPair(r, &before, &after); err != nil {
			return nil, err
		}
		return []DiffRow{
			NewDiffRow("admin.cert.taxpayer_type", Label(ctx, "admin.taxpayer.", before.TaxpayerType), Label(ctx, "admin.taxpayer.", after.TaxpayerType)),
			NewDiffRow("admin.cert.invoice_type", Label(ctx, "admin.invoice.", before.InvoiceType), Label(ctx, "admin.invoice.", after.InvoiceType)),
			NewDiffRow("admin.cert.registered_addr", before.RegisteredAddr, after.RegisteredAddr),
			NewDiffRow("admin.cert.finance_name", before.FinanceName, after.FinanceName),
			NewDiffRow("admin.cert.finance_phone", before.FinancePhone, after.FinancePhone),
			NewDiffRow("admin.cert.finance_email", before.FinanceEmail, after.FinanceEmail),
			NewDiffRow("admin.cert.bank_name", before.BankName, after.BankName),
			NewDiffRow("admin.cert.bank_branch", before.BankBranch, after.BankBranch),
			// A new account has a new ciphertext even when its mask looks alike.
			{Label: "admin.cert.bank_account", Before: before.BankAccountMasked, After: after.BankAccountMasked,
				Changed: before.BankAccountEnc != after.BankAccountEnc},
		}, nil
	case models.ChangeKitAddress:
		var before, after models.KitAddressChange
		if err := unmarshalPair(r, &before, &after); err != nil {
			return nil, err
		}
		return []DiffRow{
			NewDiffRow("kit.apps.name", before.AppName, after.AppName),
			NewDiffRow("audit.field.address_name", before.AddressName, after.AddressName),
			NewDiffRow("audit.field.address_url", before.AddressURL, after.AddressURL),
		}, nil
	}
	return nil, nil
}

// unmarshalPair reads a change request's live and proposed values.
func unmarshalPair(r models.ChangeRequest, before, after any) error {
	if err := json.Unmarshal([]byte(r.Before), before); err != nil {
		return err
	}
	return json.Unmarshal([]byte(r.Payload), after)
}

// logoRow compares two logos, each linked to its file.
func logoRow(before, after *uint) DiffRow {
	row := DiffRow{Label: "admin.profile.logo"}
	if before != nil {
		row.Before, row.BeforeURL = "#"+strconv.FormatUint(uint64(*before), 10), web.FileURL(*before)
	}
	if after != nil {
		row.After, row.AfterURL = "#"+strconv.FormatUint(uint64(*after), 10), web.FileURL(*after)
	}
	row.Changed = row.Before != row.After
	return row
}
