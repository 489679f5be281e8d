package handlers

import (
	"net/http"
	"slices"
	"testing"

	"sellercenter/internal/config"
)

func TestBenchOrderListRendersTheFirstPageFromMemory(t *testing.T) {
	ta := newTestAppWith(t, func(c *config.Config) { c.BenchRoutes = true })
	a := merchantWithOrders(t, ta, "a@example.com", 60)
	merchantWithOrders(t, ta, "b@example.com", 5)
	c := ta.loggedIn("a@example.com")

	want := rowNos(c.get("/seller/orders").want(http.StatusOK))
	got := rowNos(c.get("/seller/bench/orders").want(http.StatusOK))
	if len(want) != 50 || !slices.Equal(got, want) {
		t.Fatalf("in-memory page rows %v, the list's %v", got, want)
	}
	// Held in memory: orders written afterwards do not show.
	must(t, ta.env.DB.W.Exec("DELETE FROM orders WHERE merchant_id = ?", a.id).Error)
	if again := rowNos(c.get("/seller/bench/orders").want(http.StatusOK)); !slices.Equal(again, want) {
		t.Fatalf("second in-memory page %v", again)
	}
	// Another merchant sees their own.
	b := ta.loggedIn("b@example.com")
	if rows := rowNos(b.get("/seller/bench/orders").want(http.StatusOK)); len(rows) != 5 {
		t.Fatalf("merchant B's in-memory page has %d rows", len(rows))
	}
	// Merchants only, as the list.
	ta.user("buyer", "buyer@example.com")
	ta.loggedIn("buyer@example.com").get("/seller/bench/orders").want(http.StatusForbidden)
}

func TestBenchOrderListIsNotRoutedByDefault(t *testing.T) {
	ta := newTestApp(t)
	merchantWithOrders(t, ta, "a@example.com", 3)
	ta.loggedIn("a@example.com").get("/seller/bench/orders").want(http.StatusNotFound)
}
