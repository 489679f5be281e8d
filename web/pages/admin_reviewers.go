package pages

import (
	"sellercenter/models"
	"sellercenter/web/view"
)

// ReviewersVM lists reviewer accounts.
type ReviewersVM struct {
	Users []models.User
}

// ReviewerFormVM is the new-reviewer form.
type ReviewerFormVM struct {
	Email   string
	Name    string
	IsAdmin bool
	Errors  view.Errors
}
