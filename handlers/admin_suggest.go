package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/pages"
)

// What a console filter typed as a name looks up.
const (
	suggestMerchants = "merchants"
	suggestProducts  = "products"
)

// suggestMax is how many names a suggestion list offers.
const suggestMax = 10

// namedIDs resolves a merchant or product filter the reviewer typed: a number is an id,
// anything else a part of a name, standing for every merchant or product whose name
// contains it (at most models.NameMatchMax); a name matching none stands for the id 0,
// which matches nothing. Empty: no filter.
func (a *App) namedIDs(ctx context.Context, kind, typed string) ([]uint, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return nil, nil
	}
	if n, err := strconv.ParseUint(typed, 10, 32); err == nil && n > 0 {
		return []uint{uint(n)}, nil
	}
	found, err := a.named(ctx, kind, typed, models.NameMatchMax)
	if err != nil || len(found) == 0 {
		return []uint{0}, err
	}
	ids := make([]uint, len(found))
	for i, f := range found {
		ids[i] = f.ID
	}
	return ids, nil
}

func (a *App) named(ctx context.Context, kind, q string, limit int) ([]models.Named, error) {
	if kind == suggestProducts {
		return a.Store.ProductsNamed(ctx, q, limit)
	}
	return a.Store.MerchantsNamed(ctx, q, limit)
}

// AdminSuggest answers a name filter as the reviewer types: the options of its
// datalist, the names containing what was typed (in the field named after the kind).
func (a *App) AdminSuggest(c echo.Context) error {
	kind := c.Param("kind")
	field := map[string]string{suggestMerchants: "merchant", suggestProducts: "product"}[kind]
	if field == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	q := strings.TrimSpace(c.QueryParam(field))
	if q == "" { // a queue's search box
		q = strings.TrimSpace(c.QueryParam("q"))
	}
	if q == "" || len([]rune(q)) > 100 {
		return a.render(c, http.StatusOK, pages.SuggestOptions(nil), nil)
	}
	found, err := a.named(c.Request().Context(), kind, q, suggestMax)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.SuggestOptions(found), nil)
}
