package pages

import "sellercenter/models"

// ApplicationReviewVM is one onboarding application in the reviewer console.
type ApplicationReviewVM struct {
	Review ReviewVM
	A      models.OnboardingApplication
}
