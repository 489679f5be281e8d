package handlers

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// AdminSettings shows the configurable rules and the holiday calendar (admins only).
func (a *App) AdminSettings(c echo.Context) error {
	ctx := c.Request().Context()
	values, err := a.Store.Settings(ctx)
	if err != nil {
		return err
	}
	return a.renderSettings(c, http.StatusOK, values, view.Errors{}, pages.HolidayForm{}, view.Errors{})
}

func (a *App) renderSettings(c echo.Context, status int, values map[string]string, errs view.Errors, hf pages.HolidayForm, herrs view.Errors) error {
	ctx := c.Request().Context()
	from := a.Clock.Now().In(a.Store.CalendarLocation(ctx)).AddDate(0, -1, 0).Format(time.DateOnly)
	hol, err := a.Store.Holidays(ctx, from)
	if err != nil {
		return err
	}
	vm := pages.SettingsVM{Specs: models.SettingSpecs, Values: values, Errors: errs, Holidays: hol, Holiday: hf, HolidayErrors: herrs}
	return a.render(c, status, pages.SettingsPage(a.page(c), vm), nil)
}

// AdminSettingsUpdate validates and saves the settings form.
func (a *App) AdminSettingsUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := c.FormParams(); err != nil {
		return bodyError(err)
	}
	values := map[string]string{}
	errs := view.Errors{}
	for _, spec := range models.SettingSpecs {
		v := strings.TrimSpace(c.FormValue(spec.Key))
		if spec.Kind == models.SettingKindList { // ticked boxes, in the list's own order
			ticked := c.Request().Form[spec.Key]
			var picked []string
			for _, a := range spec.Allowed {
				if slices.Contains(ticked, a) {
					picked = append(picked, a)
				}
			}
			for _, t := range ticked {
				if !slices.Contains(spec.Allowed, t) {
					picked = append(picked, t) // refused below, shown as typed
				}
			}
			v = strings.Join(picked, ",")
		}
		values[spec.Key] = v
		if msg := checkSetting(spec, v); !msg.Empty() {
			errs[spec.Key] = msg
		}
	}
	if errs.Any() {
		return a.renderSettings(c, http.StatusUnprocessableEntity, values, errs, pages.HolidayForm{}, view.Errors{})
	}
	n, err := a.Store.UpdateSettings(ctx, actor(c), values)
	if err != nil {
		return err
	}
	if n == 0 {
		a.flash(c, "info", "settings.unchanged")
	} else {
		a.flash(c, "success", "settings.saved")
	}
	return a.redirect(c, web.AdminSettings())
}

// checkSetting tells what is wrong with v (nothing: the empty message).
func checkSetting(spec models.SettingSpec, v string) view.Msg {
	if v == "" {
		return view.M("error.required")
	}
	if !utf8.ValidString(v) {
		return view.M("error.invalid_utf8")
	}
	switch spec.Kind {
	case models.SettingKindInt:
		if _, msg := wholeNumber(v, spec.Min, spec.Max); !msg.Empty() {
			return msg
		}
	case models.SettingKindTimezone:
		if _, err := time.LoadLocation(v); err != nil || v == "Local" {
			return view.M("settings.error_timezone")
		}
	case models.SettingKindList:
		for _, item := range strings.Split(v, ",") {
			if !slices.Contains(spec.Allowed, strings.TrimSpace(item)) {
				return view.M("settings.error_list")
			}
		}
	case models.SettingKindText:
		if len([]rune(v)) > spec.Max {
			return view.M("error.max_len", "N", spec.Max)
		}
	}
	return view.Msg{}
}

type holidayForm struct {
	Date      string `form:"date" validate:"required,max=10"`
	Name      string `form:"name" validate:"required,max=100"`
	IsWorkday bool   `form:"is_workday"`
}

// AdminHolidayCreate adds a holiday or a worked weekend to the calendar.
func (a *App) AdminHolidayCreate(c echo.Context) error {
	ctx := c.Request().Context()
	var f holidayForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if _, perr := time.Parse(time.DateOnly, f.Date); perr != nil && !errs.Has("date") {
		errs.Set("date", "settings.error_date")
	}
	hf := pages.HolidayForm{Date: f.Date, Name: f.Name, IsWorkday: f.IsWorkday}
	if !errs.Any() {
		err = a.Store.AddHoliday(ctx, actor(c), models.Holiday{Date: f.Date, Name: f.Name, IsWorkday: f.IsWorkday})
		if fe, ok := fieldErrorFrom(err); ok {
			errs, err = fe, nil
		}
		if err != nil {
			return err
		}
	}
	if errs.Any() {
		values, err := a.Store.Settings(ctx)
		if err != nil {
			return err
		}
		return a.renderSettings(c, http.StatusUnprocessableEntity, values, view.Errors{}, hf, errs)
	}
	a.flash(c, "success", "settings.holiday_added")
	return a.redirect(c, web.AdminSettings())
}

// AdminHolidayDelete removes a date from the calendar.
func (a *App) AdminHolidayDelete(c echo.Context) error {
	date := c.Param("date")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err := a.Store.DeleteHoliday(c.Request().Context(), actor(c), date); err != nil {
		return err
	}
	a.flash(c, "success", "settings.holiday_deleted")
	return a.redirect(c, web.AdminSettings())
}
