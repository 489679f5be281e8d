package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

func settingsForm(over map[string]string) url.Values {
	f := url.Values{}
	for _, s := range models.SettingSpecs {
		f.Set(s.Key, "")
	}
	f.Set(models.SettingRealNameSLA, "3")
	f.Set(models.SettingApplicationSLA, "3")
	f.Set(models.SettingCertSLA, "3")
	f.Set(models.SettingChangeSLA, "3")
	f.Set(models.SettingCalendarTimezone, "Asia/Shanghai")
	f.Set(models.SettingAgreementCode, models.AgreementCode)
	f.Set(models.SettingAgreementVersion, models.AgreementVersion)
	f.Set(models.SettingAssetSLA, "3")
	f.Set(models.SettingProductSLA, "3")
	f[models.SettingImageFlavors] = []string{"general", "general_plus"} // ticked boxes
	f.Set(models.SettingPayTimeout, "30")
	f.Set(models.SettingNoReasonDays, "5")
	f.Set(models.SettingProRata, "1")
	f.Set(models.SettingExportRetention, "3")
	f.Set(models.SettingExportSyncRows, "5000")
	f.Set(models.SettingRealNameDailyLimit, "3")
	f.Set(models.SettingKeyGraceHours, "72")
	f.Set(models.SettingSaaSCallTimeout, "5")
	f.Set(models.SettingProvisionRetryHours, "3")
	f.Set(models.SettingProvisionRetryMinutes, "60")
	f.Set(models.SettingLifecycleRetryMinutes, "60")
	f.Set(models.SettingLifecycleIntervalMinutes, "10")
	f.Set(models.SettingFreezeDays, "15")
	f.Set(models.SettingMonthlyFailureLimit, "5")
	for _, k := range []string{models.SettingSupScreenshotsGeneral, models.SettingSupScreenshotsEmpower, models.SettingSupScreenshotsBase} {
		f.Set(k, "3")
	}
	f.Set(models.SettingSupSignaturesGeneral, "0")
	f.Set(models.SettingSupSignaturesEmpower, "1")
	f.Set(models.SettingSupSignaturesBase, "1")
	f.Set(models.SettingAppealWaitDays, "5")
	f.Set(models.SettingAppealRejections, "3")
	f.Set(models.SettingSupReminderWorkdays, "2")
	f.Set(models.SettingSupAcceptanceDays, "180")
	f.Set(models.SettingHardwareAutoAcceptDays, "10")
	f.Set(models.SettingBillDay, "3")
	f.Set(models.SettingBillSendDays, "2")
	f.Set(models.SettingBillSignDays, "8")
	f.Set(models.SettingBillPayDays, "6")
	for _, t := range models.ProductTypes {
		f.Set(models.SettingFeeBP(t), "500")
	}
	for k, v := range over {
		f.Set(k, v)
	}
	return f
}

func TestAdminEditsSettingsWithAudit(t *testing.T) {
	ta := newTestApp(t)
	ta.admin("admin@example.com")
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("admin@example.com")
	ctx := context.Background()
	// A list setting is a set of labelled boxes, not codes to type.
	page := c.get("/admin/settings").want(http.StatusOK).Doc()
	box := page.Find(`input[type="checkbox"][name="` + models.SettingImageFlavors + `"][value="general"]`)
	if _, ticked := box.Attr("checked"); !ticked || !strings.Contains(box.Parent().Text(), "General computing") {
		t.Fatalf("flavor families: %q", page.Find(`[data-field="`+models.SettingImageFlavors+`"]`).Text())
	}
	bad := []map[string]string{
		{models.SettingRealNameSLA: "0"},
		{models.SettingRealNameSLA: "31"},
		{models.SettingRealNameSLA: "three"},
		{models.SettingCalendarTimezone: "Mars/Olympus"},
		{models.SettingAgreementVersion: strings.Repeat("v", 21)},
		{models.SettingAgreementCode: ""},
		{models.SettingAgreementCode: "\xff"},
		{models.SettingImageFlavors: "general,quantum"},
		{models.SettingSupScreenshotsBase: "-1"},
		{models.SettingSupSignaturesEmpower: "2"},
	}
	for _, over := range bad {
		r := c.post("/admin/settings", settingsForm(over))
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: status %d", over, r.Status)
			continue
		}
		for k := range over {
			if r.fieldError(k) == "" {
				t.Errorf("%v: no message", over)
			}
		}
	}
	if v, err := ta.Store.SettingInt(ctx, models.SettingRealNameSLA, 0); err != nil || v != 3 {
		t.Fatalf("bad input saved: %d", v)
	}
	c.post("/admin/settings", settingsForm(map[string]string{models.SettingRealNameSLA: "5", models.SettingAgreementVersion: "2027.1"})).want(http.StatusSeeOther)
	if v, err := ta.Store.SettingInt(ctx, models.SettingRealNameSLA, 0); err != nil || v != 5 {
		t.Fatalf("SLA %d", v)
	}
	var n int64
	ta.env.DB.R.Model(&models.AuditLog{}).Where("action = ?", "setting.update").Count(&n)
	if n != 2 {
		t.Fatalf("%d audit rows for two changes", n)
	}
	// A reviewer who is not an admin cannot.
	rc := ta.loggedIn("rev@example.com")
	rc.get("/admin/settings").want(http.StatusForbidden)
	rc.post("/admin/settings", settingsForm(map[string]string{models.SettingRealNameSLA: "9"})).want(http.StatusForbidden)
}

func TestAdminHolidayCalendar(t *testing.T) {
	ta := newTestApp(t)
	ta.admin("admin@example.com")
	c := ta.loggedIn("admin@example.com")
	ctx := context.Background()
	c.post("/admin/holidays", url.Values{"date": {"2027-01-01"}, "name": {"元旦"}}).want(http.StatusSeeOther)
	c.post("/admin/holidays", url.Values{"date": {"2027-02-07"}, "name": {"春节调休"}, "is_workday": {"1"}}).want(http.StatusSeeOther)
	r := c.post("/admin/holidays", url.Values{"date": {"2027-01-01"}, "name": {"again"}}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("date"), "already") {
		t.Fatalf("duplicate date: %q", r.fieldError("date"))
	}
	for _, d := range []string{"2027-13-01", "tomorrow", "", "2027-1-1"} {
		if r := c.post("/admin/holidays", url.Values{"date": {d}, "name": {"x"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("date %q: %d", d, r.Status)
		}
	}
	hol, work, _ := ta.Store.HolidayList(ctx)
	if len(hol) != 1 || len(work) != 1 {
		t.Fatalf("holidays %v workdays %v", hol, work)
	}
	page := c.get("/admin/settings").want(http.StatusOK).Doc()
	if page.Find(`[data-testid="holidays"] tbody tr`).Length() != 2 {
		t.Fatal("calendar not listed")
	}
	c.post("/admin/holidays/2027-01-01/delete", nil).want(http.StatusSeeOther)
	c.post("/admin/holidays/2027-01-01/delete", nil).want(http.StatusNotFound)
	c.post("/admin/holidays/not-a-date/delete", nil).want(http.StatusNotFound)
	hol, _, _ = ta.Store.HolidayList(ctx)
	if len(hol) != 0 {
		t.Fatal("holiday not removed")
	}
}
