package handlers

import (
	"testing"

	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
)

// Every reason, state and code the console can show has a label in both languages;
// reasons in particular, since merchants read them in their inbox.
func TestReviewLabelsInBothLanguages(t *testing.T) {
	cat, err := i18n.Load()
	must(t, err)
	var keys []string
	for _, q := range reviewQueues {
		keys = append(keys, q.TitleKey, q.Subtitle)
		keys = append(keys, q.Reasons...)
		for _, s := range q.Statuses {
			keys = append(keys, pages.StatusKey(q.Kind, s))
		}
		if !isOther(q.Reasons[len(q.Reasons)-1]) {
			t.Errorf("%s: the last reason should be \"other\"", q.Queue)
		}
	}
	keys = append(keys, suspendReasons...)
	for _, s := range merchantStates {
		keys = append(keys, pages.StatusKey(pages.KindMerchant, s))
	}
	// Merchant rows carry the onboarding states of all three records.
	keys = append(keys, pages.StatusKey(pages.KindRealName, models.RealNameNotVerified),
		pages.StatusKey(pages.KindApplication, models.ApplicationNone))
	for _, m := range models.RealNameMethods {
		keys = append(keys, "admin.method."+m.Code, "admin.subject."+m.Subject)
	}
	for _, p := range models.ProductTypes {
		keys = append(keys, "admin.product_type."+p)
	}
	for _, c := range append(append([]string{}, models.TaxpayerTypes...), models.InvoiceTypes...) {
		if !cat.Has(i18n.EN, "admin.taxpayer."+c) && !cat.Has(i18n.EN, "admin.invoice."+c) {
			t.Errorf("no label for tax code %s", c)
		}
	}
	for _, k := range []string{models.ChangeProfile, models.ChangeCertification} {
		keys = append(keys, "admin.change_kind."+k)
	}
	for _, a := range auditAreas {
		keys = append(keys, "admin.audit.area."+a)
	}
	for _, o := range auditObjects {
		keys = append(keys, "admin.object."+o)
	}
	for _, k := range keys {
		for _, lang := range i18n.Locales {
			if !cat.Has(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}

func TestSLATone(t *testing.T) {
	for _, tc := range []struct {
		days float64
		sla  int
		want string
	}{{0, 3, "green"}, {1.9, 3, "green"}, {2, 3, "yellow"}, {3, 3, "yellow"}, {3.01, 3, "red"}, {0.5, 1, "yellow"}} {
		if got := slaTone(tc.days, tc.sla); got != tc.want {
			t.Errorf("slaTone(%v, %d) = %s, want %s", tc.days, tc.sla, got, tc.want)
		}
	}
}
