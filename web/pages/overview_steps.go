package pages

import (
	"context"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
)

// NewOverviewVM is the overview with its onboarding checklist, counting the steps that
// wait on the merchant and on the platform.
func NewOverviewVM(ctx context.Context, verified bool, m models.Merchant, rn models.RealNameVerification, app models.OnboardingApplication, cert models.BusinessCertification) OverviewVM {
	steps := onboardingSteps(ctx, verified, m, rn, app, cert)
	vm := OverviewVM{Steps: steps, CompanyName: m.CompanyName, Active: m.Active(), ActivatedAt: m.ActivatedAt}
	for _, s := range steps {
		switch s.State {
		case components.StepCurrent, components.StepAction:
			vm.OnYou++
		case components.StepWaiting:
			vm.OnPlatform++
		}
	}
	return vm
}

// rejection renders a reason key and comment as one line.
func rejection(ctx context.Context, reason, comment string) string {
	s := i18n.T(ctx, reason)
	if comment != "" {
		s += " — " + comment
	}
	return i18n.T(ctx, "overview.rejected_because", "Reason", s)
}

// onboardingSteps derives the checklist: each step is done, current, waiting on the
// platform, needing the merchant's action, or locked until the previous one is done.
func onboardingSteps(ctx context.Context, verified bool, m models.Merchant, rn models.RealNameVerification, app models.OnboardingApplication, cert models.BusinessCertification) []components.Step {
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
	if verified {
		acct.State, acct.Status, acct.LinkURL = components.StepDone, "overview.status.done", ""
	} else {
		acct.State, acct.Status, acct.Detail = components.StepCurrent, "overview.status.verify_email", i18n.T(ctx, "overview.verify_email_detail")
		acct.LinkURL = ""
	}
	add(acct, verified)

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
		rs.Detail = i18n.T(ctx, "realname.locked_body")
	case m.RealNameStatus == models.RealNameRejected:
		rs.State, rs.Status, rs.LinkText = components.StepAction, "overview.status.rejected", "overview.resubmit"
		rs.Detail = rejection(ctx, rn.RejectReason, rn.RejectComment)
	case m.RealNameStatus == models.RealNameVerified:
		rs.State, rs.Status, rs.LinkText = components.StepAction, "overview.status.personal_only", "overview.upgrade"
		rs.Detail = i18n.T(ctx, "overview.need_enterprise")
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
		as.Detail = rejection(ctx, app.RejectReason, app.RejectComment)
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
		cs.Detail = i18n.T(ctx, "overview.locked_detail")
	case models.CertAwaitingTransfer:
		cs.State, cs.Status, cs.LinkText = components.StepCurrent, "overview.status.awaiting_transfer", "overview.confirm"
	case models.CertRejected:
		cs.State, cs.Status, cs.LinkText = components.StepAction, "overview.status.rejected", "overview.resubmit"
		cs.Detail = rejection(ctx, cert.RejectReason, cert.RejectComment)
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
