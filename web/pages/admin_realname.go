package pages

import "sellercenter/models"

// RealNameReviewVM is one real-name submission in the reviewer console.
type RealNameReviewVM struct {
	Review  ReviewVM
	V       models.RealNameVerification
	Secrets SecretsVM
}
