package pages

import (
	"context"
	"strconv"
	"strings"

	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// LicenseListVM is the merchant's License codes with the test-code form.
type LicenseListVM struct {
	Rows     []models.LicenseRow
	Products []models.Product // License products delivered by code, for test codes
	Status   string
	Kind     string
	Pager    view.Pager
	Errors   view.Errors
}

// licenseProductOptions are the products a test code may be requested for.
func licenseProductOptions(ps []models.Product, lang string) []view.Option {
	out := make([]view.Option, 0, len(ps))
	for _, p := range ps {
		name := p.NameZh
		if lang == "en" && p.NameEn != "" {
			name = p.NameEn
		}
		out = append(out, view.Option{Value: strconv.FormatUint(uint64(p.ID), 10), Label: name, Raw: true})
	}
	return out
}

var (
	licenseStatusOptions = []view.Option{{Value: models.LicenseAlive, Label: "license.status.ALIVE"},
		{Value: models.LicenseExpired, Label: "license.status.EXPIRED"}, {Value: models.LicenseReleased, Label: "license.status.RELEASED"}}
	licenseKindOptions = []view.Option{{Value: "order", Label: "license.kind.order"}, {Value: "test", Label: "license.kind.test"}}
)

// LicenseStatusBadge is a License code's status pill.
func LicenseStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.LicenseAlive: "green", models.LicenseExpired: "yellow", models.LicenseReleased: "gray"}[status]
	return components.BadgeProps{Label: "license.status." + status, Tone: tone, TestID: "license-status"}
}

// licenseDates says when a code was claimed, activated and until when it is valid.
func licenseDates(ctx context.Context, lc models.LicenseCode) string {
	parts := []string{}
	if lc.ClaimedAt != nil {
		parts = append(parts, i18n.T(ctx, "license.claimed_at", "When", i18n.DateTime(ctx, *lc.ClaimedAt)))
	} else {
		parts = append(parts, i18n.T(ctx, "license.not_claimed"))
	}
	if lc.ActivatedAt != nil {
		parts = append(parts, i18n.T(ctx, "license.activated_at", "When", i18n.DateTime(ctx, *lc.ActivatedAt)))
	}
	if lc.ExpiresAt != nil {
		parts = append(parts, i18n.T(ctx, "license.expires_at", "When", i18n.DateTime(ctx, *lc.ExpiresAt)))
	} else {
		parts = append(parts, i18n.T(ctx, "license.perpetual"))
	}
	return strings.Join(parts, " · ")
}
