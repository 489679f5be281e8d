package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

func changedFields(r *resp) map[string][2]string {
	out := map[string][2]string{}
	r.Doc().Find(`[data-testid="diff-row"][data-changed="true"]`).Each(func(_ int, s *goquery.Selection) {
		cells := s.Find("td")
		label := strings.TrimSpace(s.Find("th").Contents().First().Text())
		out[label] = [2]string{strings.TrimSpace(cells.Eq(0).Text()), strings.TrimSpace(cells.Eq(1).Text())}
	})
	return out
}

func TestAdminProfileChangeApprove(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atActive)
	ch := ta.submitProfileChange(m, "https://new.example.com")
	path := "/admin/changes/" + uitoa(ch.ID)

	page := c.get(path).want(http.StatusOK)
	diff := changedFields(page)
	if len(diff) != 1 || diff["Website"] != [2]string{"https://www.example.com", "https://new.example.com"} {
		t.Fatalf("diff %v", diff)
	}
	c.post(path+"/approve", nil).want(http.StatusSeeOther)
	mer, _ := ta.Store.MerchantByID(context.Background(), m.MerchantID)
	if mer.Website != "https://new.example.com" {
		t.Fatalf("website %q after approval", mer.Website)
	}
	if !ta.hasNotice(m.User.ID, "change.approve") {
		t.Fatal("not notified")
	}
	if a := ta.latestAudit("change.approve"); a.ObjectID != ch.ID {
		t.Fatalf("audit %+v", a)
	}
	c.post(path+"/approve", nil).want(http.StatusConflict)
}

func TestAdminCertificationChangeRejectHidesCiphertext(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atActive)
	ctx := context.Background()
	cert, err := ta.Store.CertificationFor(ctx, m.MerchantID)
	must(t, err)
	p := models.CertificationOf(cert)
	p.BankName = "中国建设银行"
	ch, err := ta.Store.SubmitCertificationChange(ctx, m.actor(), m.MerchantID, p, "6227000011112222333")
	must(t, err)
	path := "/admin/changes/" + uitoa(ch.ID)

	page := c.get(path).want(http.StatusOK)
	diff := changedFields(page)
	if diff["Bank"] != [2]string{"中国工商银行", "中国建设银行"} {
		t.Fatalf("bank diff %v", diff)
	}
	acct, ok := diff["Account number"]
	if !ok || strings.Contains(acct[1], "6227000011112222333") || !strings.HasSuffix(acct[1], "2333") {
		t.Fatalf("account diff %v", diff)
	}
	var after models.CertificationChange
	must(t, json.Unmarshal([]byte(ch.Payload), &after))
	if after.BankAccountEnc == "" || strings.Contains(page.Body, after.BankAccountEnc) || strings.Contains(page.Body, cert.BankAccountEnc) {
		t.Fatal("encrypted account on the page")
	}

	c.post(path+"/reject", url.Values{"reason": {"reason.change.proof_missing"}, "comment": {"Bank letter needed"}}).want(http.StatusSeeOther)
	live, _ := ta.Store.CertificationFor(ctx, m.MerchantID)
	if live.BankName != "中国工商银行" || live.BankAccountEnc != cert.BankAccountEnc {
		t.Fatal("a rejected change reached the live record")
	}
	if a := ta.latestAudit("change.reject"); a.Reason != "reason.change.proof_missing" {
		t.Fatalf("audit %+v", a)
	}
	if !ta.hasNotice(m.User.ID, "change.reject") {
		t.Fatal("not notified")
	}
	// The audit log shows the change without the ciphertext either.
	log := c.get("/admin/audit?action=change").want(http.StatusOK)
	if strings.Contains(log.Body, after.BankAccountEnc) || strings.Contains(log.Body, "bank_account_enc") {
		t.Fatal("encrypted account in the audit log page")
	}
	if !strings.Contains(log.Doc().Find(`[data-testid="audit-change"]`).Text(), "中国建设银行") {
		t.Fatal("audit log does not show what changed")
	}
}
