package pages

import (
	"time"

	"sellercenter/web/components"
)

// OverviewVM is the merchant overview.
type OverviewVM struct {
	CompanyName string
	Active      bool
	ActivatedAt *time.Time
	Steps       []components.Step
	OnYou       int
	OnPlatform  int
	Changes     int64
	AfterSales  int64 // cases waiting for the merchant
}
