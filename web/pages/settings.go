package pages

import (
	"strings"

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

// settingListOptions are a list setting's allowed values with their labels.
func settingListOptions(s models.SettingSpec) []view.Option {
	out := make([]view.Option, len(s.Allowed))
	for i, v := range s.Allowed {
		out[i] = view.Option{Value: v, Label: settingValuePrefix(s.Key) + v}
	}
	return out
}

// settingValuePrefix is the message key prefix of a list setting's values.
func settingValuePrefix(key string) string {
	if key == models.SettingImageFlavors {
		return "admin.flavor."
	}
	return "settings.value."
}

// settingListChecked are the values a list setting holds, ticked.
func settingListChecked(v string) map[string]bool {
	out := map[string]bool{}
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out[item] = true
		}
	}
	return out
}
