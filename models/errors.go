package models

import "errors"

// Errors the Store returns; handlers map them to statuses.
var (
	// ErrNotFound: no such object for this owner (answered as 404).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the object changed since it was read, or a unique value is taken (409).
	ErrConflict = errors.New("conflict")
	// ErrIllegalTransition: the object's state does not allow the move (409).
	ErrIllegalTransition = errors.New("illegal state transition")
	// ErrOwnSubmission: a reviewer tried to decide on their own submission (403).
	ErrOwnSubmission = errors.New("cannot decide on own submission")
	// ErrStepLocked: an onboarding step was entered before the earlier one was done (409).
	ErrStepLocked = errors.New("onboarding step not yet open")
)

// FieldError is a validation failure the store found (for example a duplicate email);
// Field names the form field and Key the message key.
type FieldError struct {
	Field string
	Key   string
	Args  []any // the message's arguments, name and value pairs ("N", "cn-north-4")
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Key }

// FieldErrors is every refusal of a form at once; errors.As finds the first.
type FieldErrors []*FieldError

func (e FieldErrors) Error() string { return e[0].Error() }

// Unwrap lets errors.As and errors.Is see each refusal.
func (e FieldErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, f := range e {
		out[i] = f
	}
	return out
}

// MessageKey is the message shown when the refusal reaches the error page.
func (e *FieldError) MessageKey() string { return e.Key }
