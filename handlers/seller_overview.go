package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
)

// SellerOverview is the merchant overview (总览): the onboarding checklist and todos.
func (a *App) SellerOverview(c echo.Context) error {
	ctx := c.Request().Context()
	u, m := currentUser(c), currentMerchant(c)
	rn, err := a.Store.CurrentRealName(ctx, m.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	app, err := a.Store.CurrentApplication(ctx, m.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	cert, err := a.Store.CertificationFor(ctx, m.ID)
	if err != nil {
		return err
	}
	_, pendingChanges, err := a.Store.ChangeRequests(ctx, m.ID, 1, 1)
	if err != nil {
		return err
	}
	afterSales, err := a.Store.AfterSalesWaiting(ctx, m.ID)
	if err != nil {
		return err
	}
	steps := onboardingSteps(c, u, m, rn, app, cert)
	vm := pages.OverviewVM{Steps: steps, CompanyName: m.CompanyName, Active: m.Active(), ActivatedAt: m.ActivatedAt, Changes: pendingChanges, AfterSales: afterSales}
	for _, s := range steps {
		switch s.State {
		case components.StepCurrent, components.StepAction:
			vm.OnYou++
		case components.StepWaiting:
			vm.OnPlatform++
		}
	}
	return a.render(c, http.StatusOK, pages.OverviewPage(a.page(c), vm), nil)
}

// rejection renders a reason key and comment as one line.
func rejection(c echo.Context, reason, comment string) string {
	ctx := c.Request().Context()
	s := i18n.T(ctx, reason)
	if comment != "" {
		s += " — " + comment
	}
	return i18n.T(ctx, "overview.rejected_because", "Reason", s)
}

// onboardingSteps derives the checklist: each step is done, current, waiting on the
// platform, needing the merchant's action, or locked until the previous one is done.
func onboardingSteps(c echo.Context, u *models.User, m *models.Merchant, rn models.RealNameVerification, app models.OnboardingApplication, cert models.BusinessCertification) []components.Step {
	steps := make([]components.Step, 0, 5)
	prevDone := true
	add := func(s components.Step, done bool) {
		if !prevDone && !done {
			s.State, s.Status = components.StepLocked, "overview.status.locked"
		}
		steps = append(steps, s)
		prevDone = prevDone && done
	}

	acct := components.Step{N: 1, Title: "overview.step.account", TestID: "step-account", LinkURL: web.Seller()}
	if u.Verified() {
		acct.State, acct.Status, acct.LinkURL = components.StepDone, "overview.status.done", ""
	} else {
		acct.State, acct.Status, acct.Detail = components.StepCurrent, "overview.status.verify_email", i18n.T(c.Request().Context(), "overview.verify_email_detail")
		acct.LinkURL = ""
	}
	add(acct, u.Verified())

	realDone := m.RealNameStatus == models.RealNameVerified && m.RealNameSubject == models.SubjectEnterprise
	rs := components.Step{N: 2, Title: "overview.step.realname", TestID: "step-realname", LinkURL: web.SellerRealName(), LinkText: "overview.open"}
	switch {
	case realDone:
		rs.State, rs.Status = components.StepDone, "overview.status.done"
	case m.RealNameStatus == models.RealNameInReview:
		rs.State, rs.Status = components.StepWaiting, "overview.status.in_review"
	case m.RealNameStatus == models.RealNameAwaitingCheck:
		rs.State, rs.Status, rs.LinkText = components.StepCurrent, "overview.status.awaiting_check", "overview.confirm"
	case m.RealNameStatus == models.RealNameLocked:
		rs.State, rs.Status = components.StepWaiting, "overview.status.locked_transfer"
		rs.Detail = i18n.T(c.Request().Context(), "realname.locked_body")
	case m.RealNameStatus == models.RealNameRejected:
		rs.State, rs.Status, rs.LinkText = components.StepAction, "overview.status.rejected", "overview.resubmit"
		rs.Detail = rejection(c, rn.RejectReason, rn.RejectComment)
	case m.RealNameStatus == models.RealNameVerified:
		rs.State, rs.Status, rs.LinkText = components.StepAction, "overview.status.personal_only", "overview.upgrade"
		rs.Detail = i18n.T(c.Request().Context(), "overview.need_enterprise")
	default:
		rs.State, rs.Status, rs.LinkText = components.StepCurrent, "overview.status.todo", "overview.start"
	}
	add(rs, realDone)

	appDone := m.ApplicationStatus == models.ApplicationApproved
	as := components.Step{N: 3, Title: "overview.step.application", TestID: "step-application", LinkURL: web.SellerApplication(), LinkText: "overview.open"}
	switch m.ApplicationStatus {
	case models.ApplicationApproved:
		as.State, as.Status = components.StepDone, "overview.status.done"
	case models.ApplicationPending:
		as.State, as.Status = components.StepWaiting, "overview.status.in_review"
	case models.ApplicationRejected:
		as.State, as.Status, as.LinkText = components.StepAction, "overview.status.rejected", "overview.resubmit"
		as.Detail = rejection(c, app.RejectReason, app.RejectComment)
	default:
		as.State, as.Status, as.LinkText = components.StepCurrent, "overview.status.todo", "overview.start"
	}
	add(as, appDone)

	certDone := m.CertificationStatus == models.CertCertified
	cs := components.Step{N: 4, Title: "overview.step.certification", TestID: "step-certification", LinkURL: web.SellerCertification(), LinkText: "overview.open"}
	switch m.CertificationStatus {
	case models.CertCertified:
		cs.State, cs.Status = components.StepDone, "overview.status.done"
	case models.CertInReview:
		cs.State, cs.Status = components.StepWaiting, "overview.status.in_review"
	case models.CertLocked:
		cs.State, cs.Status = components.StepWaiting, "overview.status.locked_transfer"
		cs.Detail = i18n.T(c.Request().Context(), "overview.locked_detail")
	case models.CertAwaitingTransfer:
		cs.State, cs.Status, cs.LinkText = components.StepCurrent, "overview.status.awaiting_transfer", "overview.confirm"
	case models.CertRejected:
		cs.State, cs.Status, cs.LinkText = components.StepAction, "overview.status.rejected", "overview.resubmit"
		cs.Detail = rejection(c, cert.RejectReason, cert.RejectComment)
	default:
		cs.State, cs.Status, cs.LinkText = components.StepCurrent, "overview.status.todo", "overview.start"
	}
	add(cs, certDone)

	act := components.Step{N: 5, Title: "overview.step.active", TestID: "step-active"}
	if m.Active() {
		act.State, act.Status = components.StepDone, "overview.status.active"
	} else {
		act.State, act.Status = components.StepWaiting, "overview.status.not_yet"
	}
	add(act, m.Active())
	return steps
}
