package models

import (
	"context"
	"strconv"
	"time"
)

// Setting keys: the rules the domain marks as configurable.
const (
	SettingRealNameSLA      = "sla.realname.workdays"
	SettingApplicationSLA   = "sla.onboarding.workdays"
	SettingCertSLA          = "sla.certification.workdays"
	SettingChangeSLA        = "sla.change.workdays"
	SettingCalendarTimezone = "calendar.timezone"
	SettingAgreementCode    = "agreement.code"
	SettingAgreementVersion = "agreement.version"
)

var defaultSettings = []Setting{
	{Key: SettingRealNameSLA, Value: "3"},
	{Key: SettingApplicationSLA, Value: "3"},
	{Key: SettingCertSLA, Value: "3"},
	{Key: SettingChangeSLA, Value: "3"},
	{Key: SettingCalendarTimezone, Value: "Asia/Shanghai"},
	{Key: SettingAgreementCode, Value: AgreementCode},
	{Key: SettingAgreementVersion, Value: AgreementVersion},
}

// Settings returns every setting by key.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	var rows []Setting
	if err := s.r.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}

// SettingInt reads an integer setting, falling back to def when missing or malformed.
func (s *Store) SettingInt(ctx context.Context, key string, def int) int {
	var row Setting
	if err := s.r.WithContext(ctx).Where("key = ?", key).Take(&row).Error; err != nil {
		return def
	}
	v, err := strconv.Atoi(row.Value)
	if err != nil {
		return def
	}
	return v
}

// HolidayList returns the calendar's holidays and worked weekends.
func (s *Store) HolidayList(ctx context.Context) (holidays, workdays []string, err error) {
	var rows []Holiday
	if err = s.r.WithContext(ctx).Order("date").Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	for _, h := range rows {
		if h.IsWorkday {
			workdays = append(workdays, h.Date)
		} else {
			holidays = append(holidays, h.Date)
		}
	}
	return holidays, workdays, nil
}

// CalendarLocation is the zone the working-day calendar counts in.
func (s *Store) CalendarLocation(ctx context.Context) *time.Location {
	var row Setting
	if err := s.r.WithContext(ctx).Where("key = ?", SettingCalendarTimezone).Take(&row).Error; err == nil {
		if loc, err := time.LoadLocation(row.Value); err == nil {
			return loc
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return loc
}
