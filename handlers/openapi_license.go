package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
)

// License 2.0 open APIs (saas-protocol.md §8), APIG-signed like the order query: the
// merchant activates a code its buyer claimed and keeps it alive with heartbeats. Every
// answer is {"error_code", "error_msg", "data"}.
const licenseBodyMax = 4 << 10 // bounds a License API body

// The License API paths, from the one route source.
var (
	OpenAPILicenseActivatePath  = web.OpenAPILicenseActivate()
	OpenAPILicenseHeartbeatPath = web.OpenAPILicenseHeartbeat()
)

var licenseCodeRE = regexp.MustCompile(`^[A-Z0-9-]{1,40}$`)

// licenseReply writes a License API answer.
func licenseReply(c echo.Context, status int, code, msg string, data any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	body := map[string]any{"error_code": code, "error_msg": msg}
	if data != nil {
		body["data"] = data
	}
	return c.JSON(status, body)
}

// licenseRequest authenticates a License API call and reads its JSON body.
func (a *App) licenseRequest(c echo.Context, into any) (models.AccessKey, error) {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, licenseBodyMax+1))
	if err != nil || len(body) > licenseBodyMax {
		return models.AccessKey{}, &models.LicenseError{Code: models.LicenseInvalid, Msg: "invalid parameter: the body is unreadable or larger than 4 KB"}
	}
	key, err := a.authenticateAPI(c, body)
	if err != nil {
		var ae *openAPIError
		if errors.As(err, &ae) {
			return key, &models.LicenseError{Code: models.LicenseUnauthorized, Msg: "unauthorized: " + ae.msg}
		}
		return key, err
	}
	if err := json.Unmarshal(body, into); err != nil {
		return key, &models.LicenseError{Code: models.LicenseInvalid, Msg: "invalid parameter: the body is not a JSON object of the documented fields"}
	}
	return key, nil
}

// licenseRefused answers a refusal with its code: 401 unauthorized, 400 invalid
// parameter, 200 for the business outcomes (illegal state, not claimed, no such code).
func licenseRefused(c echo.Context, err error) error {
	var le *models.LicenseError
	if !errors.As(err, &le) {
		return err
	}
	status := http.StatusOK
	switch le.Code {
	case models.LicenseUnauthorized:
		status = http.StatusUnauthorized
	case models.LicenseInvalid:
		status = http.StatusBadRequest
	}
	return licenseReply(c, status, le.Code, le.Msg, nil)
}

// licenseCodeInfo is the code's license_code_info: a JSON string inside the JSON.
func licenseCodeInfo(lc models.LicenseCode) string {
	info := map[string]any{"status": lc.Status, "expire_time": apiTimeOf(lc.ExpiresAt), "product_id": lc.ProductCode,
		"amount": lc.Amount, "order_id": lc.OrderNo}
	b, _ := json.Marshal(info)
	return string(b)
}

// OpenAPILicenseActivate answers POST …/v1/license/activate {license, real_effect_time}.
func (a *App) OpenAPILicenseActivate(c echo.Context) error {
	var in struct {
		License        *string `json:"license"`
		RealEffectTime *string `json:"real_effect_time"`
	}
	key, err := a.licenseRequest(c, &in)
	if err != nil {
		return licenseRefused(c, err)
	}
	if in.License == nil || !licenseCodeRE.MatchString(*in.License) {
		return licenseReply(c, http.StatusBadRequest, models.LicenseInvalid, "invalid parameter: license is required (the code, at most 40 letters, digits and -)", nil)
	}
	var effect *time.Time
	if in.RealEffectTime != nil && *in.RealEffectTime != "" {
		t, err := time.Parse(apiTime, *in.RealEffectTime)
		if err != nil {
			return licenseReply(c, http.StatusBadRequest, models.LicenseInvalid, "invalid parameter: real_effect_time must be UTC yyyyMMddHHmmss", nil)
		}
		effect = &t
	}
	lc, err := a.Store.ActivateLicense(c.Request().Context(), key.MerchantID, *in.License, effect)
	if err != nil {
		return licenseRefused(c, err)
	}
	return licenseReply(c, http.StatusOK, models.LicenseOK, "success", map[string]any{"license_code_info": licenseCodeInfo(lc)})
}

// OpenAPILicenseHeartbeat answers POST …/v1/license/heartbeat {license}.
func (a *App) OpenAPILicenseHeartbeat(c echo.Context) error {
	var in struct {
		License *string `json:"license"`
	}
	key, err := a.licenseRequest(c, &in)
	if err != nil {
		return licenseRefused(c, err)
	}
	if in.License == nil || !licenseCodeRE.MatchString(*in.License) {
		return licenseReply(c, http.StatusBadRequest, models.LicenseInvalid, "invalid parameter: license is required (the code, at most 40 letters, digits and -)", nil)
	}
	lc, err := a.Store.LicenseHeartbeat(c.Request().Context(), key.MerchantID, *in.License)
	var le *models.LicenseError
	if errors.As(err, &le) && le.Code == models.LicenseIllegalState && lc.ID != 0 {
		return licenseReply(c, http.StatusOK, le.Code, le.Msg, map[string]any{"license_code": lc.Code, "status": lc.Status})
	}
	if err != nil {
		return licenseRefused(c, err)
	}
	return licenseReply(c, http.StatusOK, models.LicenseOK, "success", map[string]any{"license_code": lc.Code, "status": lc.Status,
		"activate_time": apiTimeOf(lc.ActivatedAt), "real_effect_time": apiTimeOf(lc.EffectiveAt), "expire_time": apiTimeOf(lc.ExpiresAt),
		"product_id": lc.ProductCode, "amount": lc.Amount, "order_id": lc.OrderNo})
}
