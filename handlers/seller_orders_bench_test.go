package handlers

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/config"
	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// BenchmarkOrderListRequest serves the order list of a merchant with 100,000 orders
// through the router (session, user and merchant, role check, one list query, render),
// and renders the same page from rows already in memory: the difference is what the
// database costs a request. Run with
//
//	go test ./handlers -run '^$' -bench OrderListRequest -benchtime 3000x
func BenchmarkOrderListRequest(b *testing.B) {
	env := testdb.Open(b)
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	blobs, err := blobstore.NewLocal(filepath.Join(b.TempDir(), "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.Config{BaseURL: "http://sellercenter.test", DataDir: b.TempDir(), IdleTimeout: 2 * 3600e9, SessionLife: 24 * 3600e9}
	app := &App{Cfg: cfg, DB: env.DB, Store: env.Store, Catalog: cat, Blobs: blobs, Box: env.Box, Clock: env.Clock,
		Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))}
	app.Sessions = NewSessions(cfg, env.DB)
	e := app.Router()
	ctx := context.Background()
	u, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw",
		Role: models.RoleMerchant, Name: "M", Verified: true})
	if err != nil {
		b.Fatal(err)
	}
	testdb.BulkOrders(b, env, *u.MerchantID, 100_000, testdb.Start)
	testdb.BulkOrders(b, env, *u.MerchantID+1, 20_000, testdb.Start)
	sctx, err := app.Sessions.Load(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	app.Sessions.Put(sctx, sessionUserKey, int(u.ID))
	token, _, err := app.Sessions.Commit(sctx)
	if err != nil {
		b.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/seller/orders", nil)
		req.AddCookie(&http.Cookie{Name: "sc_session", Value: token})
		req.Header.Set("Accept-Language", "zh-CN")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != http.StatusOK || bytes.Count(rec.Body.Bytes(), []byte(`data-testid="order-row"`)) != models.OrderPageSize {
		b.Fatalf("status %d", rec.Code)
	}
	b.Run("database", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rec := get(); rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
	b.Run("render-only", func(b *testing.B) {
		page, err := env.Store.Orders(ctx, *u.MerchantID, models.OrderFilter{}, models.OrderCursor{})
		if err != nil {
			b.Fatal(err)
		}
		rctx := i18n.With(ctx, cat.Localizer(i18n.ZhCN))
		vm := pages.OrderListVM{Page: page}
		m, err := env.Store.MerchantByID(ctx, *u.MerchantID)
		if err != nil {
			b.Fatal(err)
		}
		p := view.Page{User: viewUser(&u, &m), Locale: i18n.ZhCN, Path: "/seller/orders", CSRF: "token"}
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := pages.OrderListPage(p, vm).Render(rctx, &buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
