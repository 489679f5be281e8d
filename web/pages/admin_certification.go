package pages

import "sellercenter/models"

// CertificationReviewVM is one business certification in the reviewer console.
type CertificationReviewVM struct {
	Review  ReviewVM
	C       models.BusinessCertification
	Secrets SecretsVM
}
