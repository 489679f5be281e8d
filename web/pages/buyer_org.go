package pages

import (
	"sellercenter/models"
	"sellercenter/web/view"
)

// BuyerOrgVM is the buyer's organisation (组织): set up once with its tenant code, then
// its name and domain.
type BuyerOrgVM struct {
	Org        *models.KitTenant
	TenantCode string
	Name       string
	DomainName string
	Version    int
	Depts      int
	Users      int
	Apps       int
	Errors     view.Errors
}

// BuyerOrgDeptsVM lists the departments with the form that adds one.
type BuyerOrgDeptsVM struct {
	Org    models.KitTenant
	Depts  []models.KitDept
	Form   models.KitDeptInput
	Errors view.Errors
}

// BuyerOrgUsersVM lists the users with the form that adds one.
type BuyerOrgUsersVM struct {
	Org    models.KitTenant
	Users  []models.KitUser
	Depts  []models.KitDept
	Form   models.KitUserInput
	Errors view.Errors
}

// BuyerOrgUserVM edits one user.
type BuyerOrgUserVM struct {
	Org     models.KitTenant
	User    models.KitUser
	Depts   []models.KitDept
	Form    models.KitUserInput
	Version int
	Errors  view.Errors
}

// BuyerOrgAppsVM lists the buyer's joint-operation subscriptions and their bindings.
type BuyerOrgAppsVM struct {
	Org  *models.KitTenant
	Subs []models.BindableKitSub
}

// BuyerOrgAppVM is one bound app: its authorised users and the form authorising more.
type BuyerOrgAppVM struct {
	Org     models.KitTenant
	Binding models.KitBinding
	Grants  []models.KitGrantRow
	Users   []models.KitUser // users not yet authorised
	Role    string
	Errors  view.Errors
}

// deptOptions are the departments as select options (raw labels: code and name).
func deptOptions(depts []models.KitDept, except string) []view.Option {
	out := make([]view.Option, 0, len(depts))
	for _, d := range depts {
		if d.OrgCode != except {
			out = append(out, view.Option{Value: d.OrgCode, Label: d.Name + " (" + d.OrgCode + ")", Raw: true})
		}
	}
	return out
}

// deptName is a department's name by its code ("" for none).
func deptName(depts []models.KitDept, code string) string {
	for _, d := range depts {
		if d.OrgCode == code {
			return d.Name
		}
	}
	return code
}

var kitRoleOptions = optionsOf("kitorg.role.", models.KitRoles...)
