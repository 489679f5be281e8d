package pages

import (
	"sellercenter/models"
	"sellercenter/web/view"
)

// HolidayForm is the add-a-date form.
type HolidayForm struct {
	Date      string
	Name      string
	IsWorkday bool
}

// SettingsVM is the settings and calendar page.
type SettingsVM struct {
	Specs         []models.SettingSpec
	Values        map[string]string
	Errors        view.Errors
	Holidays      []models.Holiday
	Holiday       HolidayForm
	HolidayErrors view.Errors
}

func settingInputType(k models.SettingKind) string {
	if k == models.SettingKindInt {
		return "number"
	}
	return "text"
}
