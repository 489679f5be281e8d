package pages

import (
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/view"
)

// RegionsVM is the region catalog.
type RegionsVM struct {
	Regions []models.Region
}

// RegionFormVM is the form of a new or an existing catalog entry.
type RegionFormVM struct {
	New         bool // the code is entered once, when the region is created
	Code        string
	NameZh      string
	NameEn      string
	Recommended bool
	Restricted  bool
	Active      bool
	SortOrder   string
	Errors      view.Errors
}

// Action is where the form posts.
func (vm RegionFormVM) Action() string {
	if vm.New {
		return web.AdminRegions()
	}
	return web.AdminRegion(vm.Code)
}

// TitleKey is the page title's message key.
func (vm RegionFormVM) TitleKey() string {
	if vm.New {
		return "admin.regions.new"
	}
	return "admin.regions.edit_title"
}
