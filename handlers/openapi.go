package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/money"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// Open APIs merchants call (saas-protocol.md §6), authenticated with APIG
// SDK-HMAC-SHA256 AK/SK signing: the AK is an access key's AccessID, the SK its secret.
const (
	OpenAPIOrderQueryPath = "/api/mkp-openapi-public/global/v1/order/query"
	// openAPIWindow is how far X-Sdk-Date may lie from the server's clock.
	openAPIWindow = 15 * time.Minute
)

// Result codes of the order query API.
const (
	cbcOK        = "CBC.0000"
	cbcInvalid   = "CBC.0101" // 400 invalid parameter
	cbcForbidden = "CBC.0150" // 403 authentication failed, or not the caller's order
)

type openAPIError struct {
	status int
	code   string
	msg    string
}

func (e *openAPIError) Error() string { return e.code + " " + e.msg }

func apiFail(status int, code, msg string) error {
	return &openAPIError{status: status, code: code, msg: msg}
}

// openAPIReply writes a result: the order info on success, the code and message else.
func openAPIReply(c echo.Context, err error, body map[string]any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	var ae *openAPIError
	if errors.As(err, &ae) {
		return c.JSON(ae.status, map[string]any{"resultCode": ae.code, "resultMsg": ae.msg})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, body)
}

// authenticateAPI checks the request's APIG signature, date window and freshness, and
// returns the key (and so the merchant) that signed it.
func (a *App) authenticateAPI(c echo.Context, body []byte) (models.AccessKey, error) {
	r := c.Request()
	auth, err := saasproto.ParseAPIGAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return models.AccessKey{}, apiFail(http.StatusForbidden, cbcForbidden, "authentication failed: "+err.Error())
	}
	key, err := a.Store.APIKeyByAccess(r.Context(), auth.Access)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return models.AccessKey{}, apiFail(http.StatusForbidden, cbcForbidden, "authentication failed: unknown access key")
	case errors.Is(err, models.ErrKeyRevoked):
		return models.AccessKey{}, apiFail(http.StatusForbidden, cbcForbidden, "authentication failed: the access key was revoked")
	case err != nil:
		return models.AccessKey{}, err
	}
	h := r.Header.Clone()
	if h.Get("Host") == "" {
		h.Set("Host", r.Host)
	}
	req := saasproto.APIGRequest{Method: r.Method, URL: r.URL, Header: h, Body: body}
	now := a.Clock.Now()
	var verr error
	for _, sk := range key.Secrets {
		if verr = saasproto.APIGVerify(req, auth, sk, now, openAPIWindow); verr == nil {
			break
		}
	}
	if verr != nil {
		return models.AccessKey{}, apiFail(http.StatusForbidden, cbcForbidden, "authentication failed: "+verr.Error())
	}
	if err := a.Store.UseAPISignature(r.Context(), strings.ToLower(auth.Signature), now.Add(2*openAPIWindow)); err != nil {
		if errors.Is(err, models.ErrReplayed) {
			return models.AccessKey{}, apiFail(http.StatusForbidden, cbcForbidden, "authentication failed: this signature was already used; sign every request anew")
		}
		return models.AccessKey{}, err
	}
	return key.Key, nil
}

var apiOrderIDRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)

// OpenAPIOrderQuery answers GET …/v1/order/query?orderId=&orderLineId=: one of the
// caller's orders, or a documented mock order for integration tests.
func (a *App) OpenAPIOrderQuery(c echo.Context) error {
	key, err := a.authenticateAPI(c, nil)
	if err != nil {
		return openAPIReply(c, err, nil)
	}
	orderID, lineID := c.QueryParam("orderId"), c.QueryParam("orderLineId")
	if !apiOrderIDRE.MatchString(orderID) || lineID != "" && (!apiOrderIDRE.MatchString(lineID) || !strings.HasPrefix(lineID, orderID+"-")) {
		return openAPIReply(c, apiFail(http.StatusBadRequest, cbcInvalid, "invalid parameter: orderId is required (letters, digits and -, at most 40) and orderLineId, when given, must be a line of that order"), nil)
	}
	if mock, ok := mockOrders[orderID]; ok {
		if lineID != "" && lineID != orderID+"-000001" {
			return openAPIReply(c, apiFail(http.StatusBadRequest, cbcInvalid, "invalid parameter: the mock order has one line, "+orderID+"-000001"), nil)
		}
		return openAPIReply(c, nil, map[string]any{"resultCode": cbcOK, "resultMsg": "success", "orderInfo": mock(a.Clock.Now())})
	}
	o, err := a.Store.OpenAPIOrderOf(c.Request().Context(), key.MerchantID, orderID, lineID)
	if errors.Is(err, models.ErrNotFound) {
		return openAPIReply(c, apiFail(http.StatusForbidden, cbcForbidden, "no such order of yours"), nil)
	}
	if err != nil {
		return err
	}
	return openAPIReply(c, nil, map[string]any{"resultCode": cbcOK, "resultMsg": "success", "orderInfo": apiOrderInfo(o)})
}

const apiTime = "20060102150405"

// flag01 is the protocol's "1" or "0".
func flag01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func apiTimeOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(apiTime)
}

// apiChargingMode is the protocol's chargingMode of a billing mode.
func apiChargingMode(billing string) string {
	switch billing {
	case models.BillingPeriod:
		return "1"
	case models.BillingOnDemand:
		return "2"
	case models.BillingOneTime:
		return "3"
	case models.BillingPackage:
		return "5"
	}
	return ""
}

// apiOrderInfo is an order as the order query API describes it.
func apiOrderInfo(o models.OpenAPIOrder) map[string]any {
	lines := make([]map[string]any, 0, len(o.Lines))
	for _, l := range o.Lines {
		line := map[string]any{
			"orderLineId": l.LineNo, "chargingMode": apiChargingMode(l.BillingMode), "periodType": l.PeriodType,
			"periodNumber": l.PeriodCount, "expireTime": apiTimeOf(l.EndsAt), "startTime": apiTimeOf(l.StartsAt),
			"trialFlag": flag01(l.TrialDays > 0),
			"currency":  "CNY", "currencyAfterDiscount": money.FormatYuan(l.AmountFen),
			"productInfo": []map[string]any{{"productId": l.ProductCode, "skuCode": l.SKUCode, "productName": l.SpecName,
				"linearValue": l.Quantity, "linearAttr": l.LinearAttr}},
		}
		lines = append(lines, line)
	}
	return map[string]any{
		"orderId": o.Order.OrderNo, "orderType": o.Order.Kind, "createTime": o.Order.CreatedAt.UTC().Format(apiTime),
		"paymentTime": apiTimeOf(o.Order.PaidAt), "orderLine": lines,
		"buyerInfo":    map[string]any{"customerId": fmt.Sprintf("%016x", o.Order.BuyerID), "customerName": o.Order.CustomerName},
		"extendParams": []any{},
	}
}

// mockOrders are the documented orders for integration tests, answered to any caller.
var mockOrders = map[string]func(now time.Time) map[string]any{
	"MOCKPERIODYEARNEW":      mockOrder("MOCKPERIODYEARNEW", "NEW", "1", "year", 1, 0, 365),
	"MOCKONETIMENEW":         mockOrder("MOCKONETIMENEW", "NEW", "3", "", 1, 0, 0),
	"MOCKONDEMAND":           mockOrder("MOCKONDEMAND", "NEW", "2", "hour", 1, 0, 0),
	"MOCKONDEMANDPKG":        mockOrder("MOCKONDEMANDPKG", "NEW", "5", "package", 1, 0, 0),
	"MOCKPERIODDAYTRIAL":     mockOrder("MOCKPERIODDAYTRIAL", "TRIAL", "1", "day", 7, 7, 7),
	"MOCKMONTYTRIALTOFORMAL": mockOrder("MOCKMONTYTRIALTOFORMAL", "TRIAL_TO_FORMAL", "1", "month", 1, 0, 30),
	"MOCKMONTYUNSUBSCRIBE":   mockOrder("MOCKMONTYUNSUBSCRIBE", "UNSUBSCRIBE", "1", "month", 1, 0, 0),
	"MOCKMONTYRENEW":         mockOrder("MOCKMONTYRENEW", "RENEW", "1", "month", 1, 0, 30),
	"MOCKMONTYCHANGE":        mockOrder("MOCKMONTYCHANGE", "CHANGE", "1", "month", 1, 0, 30),
}

func mockOrder(id, kind, charging, period string, number, trialDays, days int) func(time.Time) map[string]any {
	return func(now time.Time) map[string]any {
		created := now.UTC().Truncate(24 * time.Hour)
		expire := ""
		if days > 0 {
			expire = created.AddDate(0, 0, days).Format(apiTime)
		}
		return map[string]any{
			"orderId": id, "orderType": kind, "createTime": created.Format(apiTime), "paymentTime": created.Format(apiTime),
			"orderLine": []map[string]any{{"orderLineId": id + "-000001", "chargingMode": charging, "periodType": period,
				"periodNumber": number, "expireTime": expire, "startTime": created.Format(apiTime),
				"trialFlag": flag01(trialDays > 0), "currency": "CNY", "currencyAfterDiscount": "0.01",
				"productInfo": []map[string]any{{"productId": "00301-MOCK-" + strconv.Itoa(number), "skuCode": "MOCK-SKU", "productName": "mock", "linearValue": 1, "linearAttr": ""}}}},
			"buyerInfo":    map[string]any{"customerId": "68cbc86abc2018ab880d92f36422fa0e", "customerName": "isv测试企业"},
			"extendParams": []any{},
		}
	}
}

// SaaSAPIDocs documents the open APIs with a signed curl example for one of the
// merchant's keys (its secret never leaves the server: only the signature is shown).
func (a *App) SaaSAPIDocs(c echo.Context) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	keys, err := a.Store.AccessKeysOf(ctx, m.ID)
	if err != nil {
		return err
	}
	vm := pages.SaaSAPIVM{Keys: keys, KeyID: c.QueryParam("key")}
	for id := range mockOrders {
		vm.Mocks = append(vm.Mocks, id)
	}
	slices.Sort(vm.Mocks)
	var chosen *models.AccessKey
	for i := range keys {
		if keys[i].Status == models.KeyActive && (vm.KeyID == "" || strconv.FormatUint(uint64(keys[i].ID), 10) == vm.KeyID) {
			chosen = &keys[i]
			break
		}
	}
	if vm.KeyID != "" && chosen == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if chosen != nil {
		vm.KeyID = strconv.FormatUint(uint64(chosen.ID), 10)
		secret, _, err := a.Store.KeySecret(ctx, m.ID, chosen.ID)
		if err != nil {
			return err
		}
		u, err := url.Parse(a.Cfg.BaseURL + web.OpenAPIOrderQuery("MOCKPERIODYEARNEW", "MOCKPERIODYEARNEW-000001"))
		if err != nil {
			return err
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		now := a.Clock.Now()
		saasproto.APIGSign(saasproto.APIGRequest{Method: http.MethodGet, URL: u, Header: h}, chosen.AccessID, secret, now)
		vm.Endpoint, vm.ValidTill = u.String(), now.Add(openAPIWindow)
		vm.Curl = fmt.Sprintf("curl -H 'Content-Type: application/json' \\\n  -H 'X-Sdk-Date: %s' \\\n  -H 'Authorization: %s' \\\n  '%s'",
			h.Get(saasproto.APIGDateHeader), h.Get("Authorization"), u.String())
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, pages.SaaSAPIPage(a.page(c), vm), nil)
}
