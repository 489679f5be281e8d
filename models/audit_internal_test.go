package models

import "fmt"

// AuditCheckForTest lets the tests ask what the audit log accepts.
var AuditCheckForTest = auditCheck

// FeeSQLForTest is the bill run's fee expression over an amount and a rate, as a query.
func FeeSQLForTest(amount, rate string) string { return "SELECT " + fmt.Sprintf(feeSQL, amount, rate) }
