package models

// AnalyticsQueries exposes the sales analysis statements of a period, by name, to the
// EXPLAIN test.
func (s *Store) AnalyticsQueries(merchantID uint, p Period) map[string]sqlQuery {
	return map[string]sqlQuery{
		"sales days":       s.qSalesDays(merchantID, p),
		"view days":        s.qViewDays(merchantID, p),
		"refund totals":    s.qRefundTotals(merchantID, p),
		"spec sales":       s.qSpecSales(merchantID, p),
		"spec refunds":     s.qSpecRefunds(merchantID, p),
		"top customers":    s.qTopCustomers(merchantID, p, TopCustomersLimit),
		"customer names":   s.qCustomerNames(merchantID, p, []uint{1, 2}),
		"customer refunds": s.qCustomerRefunds(merchantID, p, []uint{1, 2}),
		"refund kinds":     s.qRefundKinds(merchantID, p),
	}
}
