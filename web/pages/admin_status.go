package pages

import (
	"context"
	"strconv"
	"strings"

	"sellercenter/web/components"
	"sellercenter/web/i18n"
)

// Status kinds: the records whose states the reviewer console shows.
const (
	KindRealName      = "realname"
	KindApplication   = "application"
	KindCertification = "certification"
	KindChange        = "change"
	KindMerchant      = "merchant"
	KindAsset         = "asset"
	KindProductApp    = "product_app"
)

// StatusKey is the message key of a record's state; every status label in the console
// comes from here.
func StatusKey(kind, status string) string {
	return "admin.status." + kind + "." + status
}

// StatusTone is the badge colour of a state, whatever the record.
func StatusTone(status string) string {
	switch status {
	case "IN_REVIEW", "PENDING", "SCANNING":
		return "blue"
	case "AWAITING_CHECK", "AWAITING_TRANSFER", "onboarding":
		return "yellow"
	case "VERIFIED", "APPROVED", "CERTIFIED", "active":
		return "green"
	case "REJECTED", "LOCKED", "suspended":
		return "red"
	}
	return "gray"
}

// StatusBadge is the badge of a record's state.
func StatusBadge(kind, status string) components.BadgeProps {
	return components.BadgeProps{Label: StatusKey(kind, status), Tone: StatusTone(status), TestID: "status-" + kind}
}

// ActionKey is the message key of an audit action (realname.approve →
// "audit.action.realname_approve").
func ActionKey(action string) string {
	return "audit.action." + strings.ReplaceAll(action, ".", "_")
}

// ActionLabel resolves an audit action, falling back to its code for an action this
// catalog does not know yet.
func ActionLabel(ctx context.Context, action string) string {
	key := ActionKey(action)
	if s := i18n.T(ctx, key); s != key {
		return s
	}
	return action
}

// keyOr resolves key, or shows raw when the catalog lacks it (codes stored by older
// versions, free text).
func keyOr(ctx context.Context, key, raw string) string {
	if key == "" {
		return raw
	}
	if s := i18n.T(ctx, key); s != key {
		return s
	}
	return raw
}

// Label resolves a code under a message key prefix ("admin.method." + "face").
func Label(ctx context.Context, prefix, code string) string {
	if code == "" {
		return ""
	}
	return keyOr(ctx, prefix+code, code)
}

// Labels resolves comma-separated codes under a prefix and joins them.
func Labels(ctx context.Context, prefix, codes string) string {
	if codes == "" {
		return ""
	}
	parts := strings.Split(codes, ",")
	for i, p := range parts {
		parts[i] = Label(ctx, prefix, strings.TrimSpace(p))
	}
	sep := ", "
	if i18n.Lang(ctx) == i18n.ZhCN {
		sep = "、"
	}
	return strings.Join(parts, sep)
}

func uitoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }
