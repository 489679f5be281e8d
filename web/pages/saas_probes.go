package pages

import (
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/view"
)

// ProbesVM is a product's probe history (拨测记录), for its merchant or for reviewers.
type ProbesVM struct {
	Product   models.Product
	Runs      []models.ProbeRun
	Next      string
	Prev      string
	Admin     bool
	Probeable bool // a probe can be asked for now
	// Reviewers: restore a stopped product (after a passing probe), or stop one.
	CanRestore  bool
	StopReason  string
	StopComment string
	Errors      view.Errors
}

func (vm ProbesVM) runURL() string {
	if vm.Admin {
		return web.AdminProductProbeRun(vm.Product.ID)
	}
	return web.SellerProductProbeRun(vm.Product.ID)
}

// stopReasons are what a reviewer may stop a product's sales for.
func stopReasons() []view.Option {
	return []view.Option{{Value: models.StopProvisionFailures, Label: "probe.stop_reason." + models.StopProvisionFailures},
		{Value: models.StopProbeFailures, Label: "probe.stop_reason." + models.StopProbeFailures}}
}

// SupervisionVM is the reviewers' SaaS supervision page: stopped products and products
// flagged for their provisioning failures.
type SupervisionVM struct {
	Stopped []models.Product
	Flags   []FlagRow
}

// FlagRow is an open flag with its product.
type FlagRow struct {
	models.ProductFlag
	ProductName string
}
