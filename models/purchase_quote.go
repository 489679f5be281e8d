package models

import (
	"math/big"
	"time"

	"sellercenter/internal/money"
)

// Period types a spec is sold by: one SpecPrice (and one productId) each.
const (
	PeriodYear    = "year"
	PeriodMonth   = "month"
	PeriodOneTime = "one_time"
	PeriodHour    = "hour"
	PeriodPackage = "package"
)

// Period counts a buyer may prepay at once: 12 months are bought as a year.
const (
	MaxMonths = 11
	MaxYears  = 3
)

// Trial length bounds (domain §4.3): trials exist for period specs only.
const (
	MinTrialDays = 3
	MaxTrialDays = 180
)

// Price and choice errors, each naming the form field it belongs to.
var (
	ErrPeriodNotOffered  = &FieldError{Field: "period", Key: "buyer.error_period"}
	ErrPeriodCount       = &FieldError{Field: "count", Key: "buyer.error_count"}
	ErrPeriodCountOne    = &FieldError{Field: "count", Key: "buyer.error_count_one"}
	ErrQuantityRange     = &FieldError{Field: "quantity", Key: "buyer.error_quantity_range"}
	ErrQuantityFixed     = &FieldError{Field: "quantity", Key: "buyer.error_quantity_fixed"}
	ErrTrialNotOffered   = &FieldError{Field: "trial", Key: "buyer.error_trial"}
	ErrAmountTooLarge    = &FieldError{Field: "quantity", Key: "buyer.error_amount_too_large"}
	ErrUpgradeNotAllowed = &FieldError{Field: "sku", Key: "buyer.error_upgrade_rule"}
)

// QuoteInput is what a buyer chooses for one spec.
type QuoteInput struct {
	PeriodType string // year, month, one_time, hour, package; empty: the spec's first offer
	Count      int    // periods to prepay; 1 for one-time, package and on-demand
	Quantity   int    // linear quantity; 1 for a spec without a linear attribute
	Trial      bool
	// held: the quantity is one the buyer already holds (renewal, conversion), so it is
	// not checked again against the spec's current range.
	held bool
}

// PriceQuote is a computed price in fen. On-demand specs prepay nothing: AmountFen is 0
// and the usage is billed in settlement at UnitFen per hour and unit.
type PriceQuote struct {
	PeriodType  string
	Count       int
	Quantity    int
	UnitFen     int64 // one period of one unit, as sold now
	AmountFen   int64
	Trial       bool
	TrialDays   int
	ProductCode string // the protocol's productId of (spec × period type)
	OnDemand    bool
	// A change (upgrade) pays the difference to the spec left, FromUnitFen, for the
	// RemainingDays of the term.
	Change        bool
	FromUnitFen   int64
	RemainingDays int
}

// TrialOffered tells whether a spec offers a free trial.
func TrialOffered(sc SpecContent) bool {
	return sc.BillingMode == BillingPeriod && TrialDaysValid(sc.TrialDays)
}

// TrialDaysValid tells whether a trial may last days days.
func TrialDaysValid(days int) bool { return days >= MinTrialDays && days <= MaxTrialDays }

// periodOffered tells whether the billing mode sells by the period type.
func periodOffered(mode, period string) bool {
	switch mode {
	case BillingPeriod:
		return period == PeriodYear || period == PeriodMonth
	case BillingOneTime:
		return period == PeriodOneTime
	case BillingOnDemand:
		return period == PeriodHour
	case BillingPackage:
		return period == PeriodPackage
	}
	return false
}

// firstPeriod is the period a form starts with: month before year, then the only offer.
func firstPeriod(prices []SpecPrice) string {
	best := ""
	for _, p := range prices {
		if p.PeriodType == PeriodMonth {
			return PeriodMonth
		}
		if best == "" {
			best = p.PeriodType
		}
	}
	return best
}

// mulFen multiplies a fen amount by n, refusing results above money.MaxFen (and so any
// int64 overflow).
func mulFen(fen int64, n int64) (int64, error) {
	if fen < 0 || n < 0 {
		return 0, ErrAmountTooLarge
	}
	if fen != 0 && n > money.MaxFen/fen {
		return 0, ErrAmountTooLarge
	}
	return fen * n, nil
}

// Quote prices a choice on a spec: the unit price of its (spec × period type) times the
// period count times the linear quantity, all in integer fen. A trial costs nothing for
// the spec's trial days; on-demand specs prepay nothing.
func Quote(sc SpecContent, prices []SpecPrice, in QuoteInput) (PriceQuote, error) {
	q := PriceQuote{PeriodType: in.PeriodType, Count: in.Count, Quantity: in.Quantity, Trial: in.Trial}
	if q.PeriodType == "" {
		q.PeriodType = firstPeriod(prices)
	}
	var price *SpecPrice
	for i := range prices {
		if prices[i].PeriodType == q.PeriodType {
			price = &prices[i]
		}
	}
	if price == nil || !periodOffered(sc.BillingMode, q.PeriodType) {
		return q, ErrPeriodNotOffered
	}
	q.UnitFen, q.ProductCode = price.PriceFen, price.ProductCode
	switch {
	case sc.LinearAttr == "" && q.Quantity != 1:
		return q, ErrQuantityFixed
	case sc.LinearAttr != "" && !in.held && (q.Quantity < sc.LinearMin || q.Quantity > sc.LinearMax):
		return q, ErrQuantityRange
	case q.Quantity < 1:
		return q, ErrQuantityRange
	}
	if in.Trial {
		if !TrialOffered(sc) {
			return q, ErrTrialNotOffered
		}
		q.Count, q.TrialDays, q.AmountFen = 1, sc.TrialDays, 0
		return q, nil
	}
	switch q.PeriodType {
	case PeriodMonth:
		if q.Count < 1 || q.Count > MaxMonths {
			return q, ErrPeriodCount
		}
	case PeriodYear:
		if q.Count < 1 || q.Count > MaxYears {
			return q, ErrPeriodCount
		}
	default:
		if q.Count != 1 {
			return q, ErrPeriodCountOne
		}
	}
	if q.PeriodType == PeriodHour {
		// Usage is metered and billed in settlement; nothing is prepaid.
		q.OnDemand = true
		return q, nil
	}
	per, err := mulFen(q.UnitFen, int64(q.Count))
	if err != nil {
		return q, err
	}
	if q.AmountFen, err = mulFen(per, int64(q.Quantity)); err != nil {
		return q, err
	}
	return q, nil
}

// UpgradeFen is what moving to a dearer spec costs for the rest of the paid term: the
// period price difference times the quantity times the remaining share of one period
// (which exceeds 1 when several periods remain), rounded up to the fen and never
// negative.
func UpgradeFen(currentFen, targetFen int64, quantity int, remaining, period time.Duration) (int64, error) {
	diff := targetFen - currentFen
	if diff <= 0 || remaining <= 0 || quantity < 1 {
		return 0, nil
	}
	if period <= 0 {
		return 0, ErrAmountTooLarge
	}
	full, err := mulFen(diff, int64(quantity))
	if err != nil {
		return 0, err
	}
	num := new(big.Int).Mul(big.NewInt(full), big.NewInt(int64(remaining)))
	den := big.NewInt(int64(period))
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() || q.Int64() > money.MaxFen {
		return 0, ErrAmountTooLarge
	}
	return q.Int64(), nil
}

// addPeriods is t moved n periods on; nil for purchases that never expire.
func addPeriods(t time.Time, period string, n int) *time.Time {
	var out time.Time
	switch period {
	case PeriodMonth:
		out = t.AddDate(0, n, 0)
	case PeriodYear:
		out = t.AddDate(n, 0, 0)
	default:
		return nil
	}
	return &out
}
