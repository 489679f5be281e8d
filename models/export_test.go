package models

// AnalyticsQueries exposes the sales analysis statements of a period, by name, to the
// EXPLAIN test.
func (s *Store) AnalyticsQueries(merchantID uint, p Period) map[string]sqlQuery {
	return map[string]sqlQuery{
		"sales buckets":    s.qSalesBuckets(merchantID, p, 86400),
		"view days":        s.qViewDays(merchantID, p),
		"refund totals":    s.qRefundTotals(merchantID, p),
		"spec sales":       s.qSpecSales(merchantID, p),
		"spec refunds":     s.qSpecRefunds(merchantID, p),
		"top customers":    s.qTopCustomers(merchantID, p, TopCustomersLimit),
		"customer refunds": s.qCustomerRefunds(merchantID, p, []uint{1, 2}),
		"refund kinds":     s.qRefundKinds(merchantID, p),
	}
}

// BucketSeconds exposes the bucket width chosen for a period.
func BucketSeconds(p Period) int64 { return bucketSeconds(p.Days(), p.To) }
