package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sellercenter/models"
)

// TestRealNameCheckLocksAndAReviewerUnlocksIt: the legal representative's SMS code
// locks after three wrong answers, in Chinese; the merchant is told to wait, a reviewer
// finds the check in the queue and unlocks it with a comment, and the new code passes.
func TestRealNameCheckLocksAndAReviewerUnlocksIt(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	for _, a := range []models.NewAccount{
		{Email: "reviewer@example.com", Password: "reviewer-password", Role: models.RoleReviewer, IsAdmin: true, Name: "Reviewer", Verified: true},
		{Email: "merchant@example.com", Password: "merchant-password", Role: models.RoleMerchant, Name: "张经理", Locale: "zh-CN", Verified: true},
	} {
		if _, err := srv.Store.CreateUser(ctx, models.Actor{}, a); err != nil {
			t.Fatal(err)
		}
	}
	licence := filepath.Join(t.TempDir(), "licence.png")
	if err := os.WriteFile(licence, pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv, "zh-CN")
	b.login("merchant@example.com", "merchant-password")
	b.open("/seller/realname/new?subject=enterprise&method=legal_rep_phone")
	b.fill(map[string]string{"name": "示例云科技有限公司", "cert_number": "91350100M000100Y43", "legal_rep_name": "张三", "phone": "13800138000"})
	b.upload("file_licence", licence)
	b.submit(`[data-testid="realname-submit"]`)
	code := regexp.MustCompile(`(?:code is|验证码为) (\d{6})`)
	first := b.waitOutbox(code)[1]
	wrong := "000000"
	if first == wrong {
		wrong = "111111"
	}
	for i := 0; i < models.MaxChallengeAttempts; i++ {
		b.open("/seller/realname")
		b.fill(map[string]string{"answer": wrong})
		b.submit(`[data-testid="realname-confirm"]`)
	}
	b.open("/seller/realname")
	b.waitFor(`[data-testid="realname-locked"]`)
	if got := b.text(`[data-testid="realname-locked"]`); !strings.Contains(got, "已锁定") {
		t.Fatalf("the locked check says %q", got)
	}
	b.screenshot("realname-locked-zh")
	b.logout()

	b.login("reviewer@example.com", "reviewer-password")
	b.open("/admin/realname")
	b.submit(`[data-testid="queue-row"] a`)
	b.waitFor(`[data-testid="unlock-form"]`)
	b.screenshot("realname-unlock-panel")
	b.fill(map[string]string{"comment": "已与法定代表人电话核实"})
	b.submit(`[data-testid="unlock"]`)
	b.waitFor(`[data-testid="flash-success"]`)
	b.logout()

	b.login("merchant@example.com", "merchant-password")
	fresh := b.waitOutbox(code)[1]
	b.open("/seller/realname")
	b.fill(map[string]string{"answer": fresh})
	b.submit(`[data-testid="realname-confirm"]`)
	b.waitFor(`[data-testid="realname-status"]`)
	u, err := srv.Store.UserByEmail(ctx, "merchant@example.com")
	if err != nil {
		t.Fatal(err)
	}
	m, err := srv.Store.MerchantByID(ctx, *u.MerchantID)
	if err != nil || m.RealNameStatus != models.RealNameInReview {
		t.Fatalf("after the new code: %s %v", m.RealNameStatus, err)
	}
}
