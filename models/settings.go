package models

import (
	"context"
	"errors"
	"fmt"
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
	SettingAssetSLA         = "sla.asset.workdays"
	SettingImageFlavors     = "image.flavor_families"
	SettingProductSLA       = "sla.product.workdays"
	SettingPayTimeout       = "order.pay_timeout_minutes"
	SettingNoReasonDays     = "refund.no_reason_days"
	SettingProRata          = "refund.prorata"
	SettingExportRetention  = "export.retention_days"
	SettingExportSyncRows   = "export.sync_max_rows"
	// SettingRealNameDailyLimit caps real-name submissions with a check per 24 hours.
	SettingRealNameDailyLimit = "onboarding.realname_daily_checks"
)

// Order and after-sales rule defaults, also used when a setting is missing.
const (
	DefaultPayTimeoutMinutes = 30
	DefaultNoReasonDays      = 5
	DefaultProRata           = 1
	DefaultExportRetention   = 3
	DefaultExportSyncRows    = 5000
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

// SettingInt reads an integer setting. Only an absent key falls back to def: a database
// error, or a value the settings form could never have saved, is an error, so a rule
// such as a refund window is never silently replaced by its default.
func (s *Store) SettingInt(ctx context.Context, key string, def int) (int, error) {
	var row Setting
	err := first(s.r.WithContext(ctx).Where("key = ?", key), &row)
	if errors.Is(err, ErrNotFound) {
		return def, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(row.Value)
	if err != nil {
		return 0, fmt.Errorf("setting %s: %q is not a number", key, row.Value)
	}
	return v, nil
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

// SettingKind says how a setting's value is checked.
type SettingKind string

// Setting kinds.
const (
	SettingKindInt      SettingKind = "int"
	SettingKindTimezone SettingKind = "timezone"
	SettingKindText     SettingKind = "text"
	SettingKindList     SettingKind = "list" // comma-separated subset of Allowed
)

// SettingSpec describes one editable setting.
type SettingSpec struct {
	Key      string
	Kind     SettingKind
	Min, Max int      // for ints; for text, Max is the length limit
	Allowed  []string // for lists
}

// SettingSpecs lists every editable setting in display order.
var SettingSpecs = []SettingSpec{
	{Key: SettingRealNameSLA, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingApplicationSLA, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingCertSLA, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingChangeSLA, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingAssetSLA, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingProductSLA, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingImageFlavors, Kind: SettingKindList, Allowed: FlavorFamilies},
	{Key: SettingPayTimeout, Kind: SettingKindInt, Min: 5, Max: 1440},
	{Key: SettingNoReasonDays, Kind: SettingKindInt, Min: 0, Max: 30},
	{Key: SettingProRata, Kind: SettingKindInt, Min: 0, Max: 1},
	{Key: SettingExportRetention, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingExportSyncRows, Kind: SettingKindInt, Min: 0, Max: 100000},
	{Key: SettingRealNameDailyLimit, Kind: SettingKindInt, Min: 1, Max: 10},
	{Key: SettingKeyGraceHours, Kind: SettingKindInt, Min: 1, Max: 720},
	{Key: SettingSaaSCallTimeout, Kind: SettingKindInt, Min: 1, Max: 10}, // the outbound client gives up after 10 s anyway
	{Key: SettingProvisionRetryHours, Kind: SettingKindInt, Min: 0, Max: 72},
	{Key: SettingProvisionRetryMinutes, Kind: SettingKindInt, Min: 1, Max: 1440},
	{Key: SettingLifecycleRetryMinutes, Kind: SettingKindInt, Min: 0, Max: 1440},
	{Key: SettingLifecycleIntervalMinutes, Kind: SettingKindInt, Min: 1, Max: 1440},
	{Key: SettingFreezeDays, Kind: SettingKindInt, Min: 0, Max: 180},
	{Key: SettingMonthlyFailureLimit, Kind: SettingKindInt, Min: 1, Max: 1000},
	{Key: SettingSupScreenshotsGeneral, Kind: SettingKindInt, Min: 0, Max: 20},
	{Key: SettingSupScreenshotsEmpower, Kind: SettingKindInt, Min: 0, Max: 20},
	{Key: SettingSupScreenshotsBase, Kind: SettingKindInt, Min: 0, Max: 20},
	{Key: SettingSupSignaturesGeneral, Kind: SettingKindInt, Min: 0, Max: 1},
	{Key: SettingSupSignaturesEmpower, Kind: SettingKindInt, Min: 0, Max: 1},
	{Key: SettingSupSignaturesBase, Kind: SettingKindInt, Min: 0, Max: 1},
	{Key: SettingAppealWaitDays, Kind: SettingKindInt, Min: 1, Max: 60},
	{Key: SettingAppealRejections, Kind: SettingKindInt, Min: 1, Max: 10},
	{Key: SettingSupReminderWorkdays, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingSupAcceptanceDays, Kind: SettingKindInt, Min: 30, Max: 365},
	{Key: SettingHardwareAutoAcceptDays, Kind: SettingKindInt, Min: 1, Max: 60},
	{Key: SettingBillDay, Kind: SettingKindInt, Min: 1, Max: 28},
	{Key: SettingBillSendDays, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingBillSignDays, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingBillPayDays, Kind: SettingKindInt, Min: 1, Max: 30},
	{Key: SettingFeeBP(ProductSaaS), Kind: SettingKindInt, Min: 0, Max: billFeeMaxBP},
	{Key: SettingFeeBP(ProductImage), Kind: SettingKindInt, Min: 0, Max: billFeeMaxBP},
	{Key: SettingFeeBP(ProductLicense), Kind: SettingKindInt, Min: 0, Max: billFeeMaxBP},
	{Key: SettingFeeBP(ProductService), Kind: SettingKindInt, Min: 0, Max: billFeeMaxBP},
	{Key: SettingFeeBP(ProductHardware), Kind: SettingKindInt, Min: 0, Max: billFeeMaxBP},
	{Key: SettingCalendarTimezone, Kind: SettingKindTimezone},
	{Key: SettingAgreementCode, Kind: SettingKindText, Max: 30},
	{Key: SettingAgreementVersion, Kind: SettingKindText, Max: 20},
}

// UpdateSettings writes the changed values, one audit row per change.
func (s *Store) UpdateSettings(ctx context.Context, a Actor, values map[string]string) (int, error) {
	changed := 0
	err := s.Tx(ctx, func(tx *Store) error {
		current, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		for _, spec := range SettingSpecs {
			v, ok := values[spec.Key]
			if !ok || v == current[spec.Key] {
				continue
			}
			row := Setting{Key: spec.Key, Value: v, UpdatedAt: now}
			if a.UserID != 0 {
				row.UpdatedByID = &a.UserID
			}
			if err := tx.w.Save(&row).Error; err != nil {
				return err
			}
			if err := tx.audit(a, "setting.update", "setting", 0, nil, map[string]string{spec.Key: current[spec.Key]}, map[string]string{spec.Key: v}, "", ""); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}

// Holidays lists the calendar's special dates from a date on, in order.
func (s *Store) Holidays(ctx context.Context, from string) ([]Holiday, error) {
	var rows []Holiday
	err := s.r.WithContext(ctx).Where("date >= ?", from).Order("date").Limit(500).Find(&rows).Error
	return rows, err
}

// ErrHolidayExists: the date is already in the calendar.
var ErrHolidayExists = &FieldError{Field: "date", Key: "error.holiday_exists"}

// AddHoliday puts a holiday (or a worked weekend) into the calendar.
func (s *Store) AddHoliday(ctx context.Context, a Actor, h Holiday) error {
	return s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.w.Model(&Holiday{}).Where("date = ?", h.Date).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrHolidayExists
		}
		if err := tx.w.Create(&h).Error; err != nil {
			return err
		}
		return tx.audit(a, "holiday.add", "holiday", 0, nil, nil, h, "", "")
	})
}

// DeleteHoliday removes a date from the calendar.
func (s *Store) DeleteHoliday(ctx context.Context, a Actor, date string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var h Holiday
		if err := first(tx.w.Where("date = ?", date), &h); err != nil {
			return err
		}
		if err := tx.w.Where("date = ?", date).Delete(&Holiday{}).Error; err != nil {
			return err
		}
		return tx.audit(a, "holiday.delete", "holiday", 0, nil, h, nil, "", "")
	})
}
