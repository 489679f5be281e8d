package models

import "fmt"

// FeeSQLForTest is the bill run's fee expression over an amount and a rate, as a query.
func FeeSQLForTest(amount, rate string) string { return "SELECT " + fmt.Sprintf(feeSQL, amount, rate) }
