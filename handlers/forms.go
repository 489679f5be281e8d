package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"sellercenter/internal/idcheck"
	"sellercenter/models"
	"sellercenter/web/view"
)

// newValidator registers the house tags on top of the standard ones.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if name == "" || name == "-" {
			return f.Name
		}
		return name
	})
	reg := func(tag string, fn func(string) bool) {
		_ = v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			s := fl.Field().String()
			return s == "" || fn(s)
		})
	}
	// maxbytes counts bytes, not characters: bcrypt takes 72 bytes, which is 24 Chinese
	// characters.
	_ = v.RegisterValidation("maxbytes", func(fl validator.FieldLevel) bool {
		n, err := strconv.Atoi(fl.Param())
		return err == nil && len(fl.Field().String()) <= n
	})
	reg("uscc", idcheck.USCC)
	reg("residentid", idcheck.ResidentID)
	reg("mobile", idcheck.Mobile)
	reg("phone", idcheck.Phone)
	reg("bankaccount", idcheck.BankAccount)
	reg("bankcard", idcheck.BankCard)
	reg("regioncode", regionCode.MatchString)
	reg("weburl", func(s string) bool {
		return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " <>\"'") && len(s) > 10
	})
	return v
}

var validate = newValidator()

// regionCode is a region catalog code like cn-north-4.
var regionCode = regexp.MustCompile(`^[a-z0-9-]{3,40}$`)

// tagKeys maps validator tags to message keys.
var tagKeys = map[string]string{
	"required":    "error.required",
	"email":       "error.email",
	"max":         "error.max_len",
	"min":         "error.min_len",
	"oneof":       "error.choice",
	"uscc":        "error.uscc",
	"residentid":  "error.resident_id",
	"mobile":      "error.mobile",
	"phone":       "error.phone",
	"bankaccount": "error.bank_account",
	"bankcard":    "error.bank_card",
	"weburl":      "error.url",
	"regioncode":  "error.region_code",
	"eqfield":     "error.mismatch",
	"maxbytes":    "error.max_bytes",
	"gte":         "error.min_value",
	"lte":         "error.max_value",
	"numeric":     "error.number",
}

// bindForm fills f from the request body, trims strings, and validates. It returns the
// per-field message keys; a malformed body is a 400.
func bindForm(c echo.Context, f any) (view.Errors, error) {
	if err := (&echo.DefaultBinder{}).BindBody(c, f); err != nil {
		return nil, bodyError(err)
	}
	return checkForm(f)
}

// bodyError is the answer to a body that could not be read: 413 when it was cut off
// by the size limit, else 400.
func bodyError(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		return err
	}
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return echo.ErrStatusRequestEntityTooLarge
	}
	return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
}

// formValue reads one field of the body; a body that cannot be parsed is refused
// rather than read as an empty field.
func formValue(c echo.Context, name string) (string, error) {
	if _, err := c.FormParams(); err != nil {
		return "", bodyError(err)
	}
	return c.FormValue(name), nil
}

// bindQuery fills f from the query string (list filters) and validates like bindForm.
func bindQuery(c echo.Context, f any) (view.Errors, error) {
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, f); err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	return checkForm(f)
}

// checkForm trims f's strings and validates it into per-field message keys.
func checkForm(f any) (view.Errors, error) {
	errs := view.Errors{}
	cleanStrings(reflect.ValueOf(f).Elem(), errs)
	if err := validate.Struct(f); err != nil {
		var ves validator.ValidationErrors
		if !errors.As(err, &ves) {
			return nil, err
		}
		for _, fe := range ves {
			field, _, _ := strings.Cut(fe.Field(), "[")
			if errs.Has(field) {
				continue
			}
			key, ok := tagKeys[fe.Tag()]
			if !ok {
				key = "error.invalid"
			}
			if p := fe.Param(); p != "" && (fe.Tag() == "max" || fe.Tag() == "min" || fe.Tag() == "gte" || fe.Tag() == "lte" || fe.Tag() == "maxbytes") {
				errs.Set(field, key, "N", p)
				continue
			}
			errs.Set(field, key)
		}
	}
	return errs, nil
}

// cleanStrings trims string fields and flags invalid UTF-8.
func cleanStrings(v reflect.Value, errs view.Errors) {
	t := v.Type()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("form"), ",")
		switch f.Kind() {
		case reflect.String:
			s := f.String()
			if !utf8.ValidString(s) {
				errs.Set(name, "error.invalid_utf8")
				f.SetString(strings.ToValidUTF8(s, ""))
				continue
			}
			if t.Field(i).Tag.Get("trim") != "no" {
				f.SetString(strings.TrimSpace(s))
			}
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				for j := 0; j < f.Len(); j++ {
					if !utf8.ValidString(f.Index(j).String()) {
						errs.Set(name, "error.invalid_utf8")
						f.Index(j).SetString("")
					}
				}
			}
		case reflect.Struct:
			if t.Field(i).Anonymous {
				cleanStrings(f, errs)
			}
		}
	}
}

// fieldErrorFrom turns the store's refusals of fields into form errors.
func fieldErrorFrom(err error) (view.Errors, bool) {
	errs := view.Errors{}
	if !addFieldErrors(errs, err, "") {
		return nil, false
	}
	return errs, true
}

// addFieldErrors adds every refusal the store named in err to errs, each field name
// after prefix (a message already on a field stays); it tells whether err named any.
func addFieldErrors(errs view.Errors, err error, prefix string) bool {
	var fes models.FieldErrors
	if !errors.As(err, &fes) {
		var fe *models.FieldError
		if !errors.As(err, &fe) {
			return false
		}
		fes = models.FieldErrors{fe}
	}
	for _, fe := range fes {
		if !errs.Has(prefix + fe.Field) {
			errs[prefix+fe.Field] = view.M(fe.Key, fe.Args...)
		}
	}
	return true
}

// newIdempotencyKey is a fresh key a form carries (R3): a double submit of a purchase,
// a payment or a refund request sends the same key and finds the first result.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validKey tells whether an idempotency key is one this server could have made.
func validKey(k string) bool {
	if len(k) < 16 || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// wholeNumber reads a whole number typed into a form and checks it against its range:
// text that is not a whole number says so; a whole number out of range, however many
// digits it has, says which limit it breaks.
func wholeNumber(s string, lo, hi int) (int, view.Msg) {
	s = strings.TrimSpace(s)
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, view.M("error.number")
	}
	n, err := strconv.Atoi(s)
	switch {
	case (err != nil && strings.HasPrefix(s, "-")) || (err == nil && n < lo):
		return 0, view.M("error.min_value", "N", lo)
	case err != nil || n > hi:
		return 0, view.M("error.max_value", "N", hi)
	}
	return n, view.Msg{}
}

// sentEmpty tells whether the request carried the field, query or body, with nothing in
// it: a number the user cleared is refused, while one the form never had takes its default.
func sentEmpty(c echo.Context, name string) bool {
	_ = c.Request().ParseForm() // a body the binder read stays as read
	vs, sent := c.Request().Form[name]
	return sent && (len(vs) == 0 || strings.TrimSpace(vs[0]) == "")
}
