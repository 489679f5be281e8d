package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"sellercenter/internal/mail"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
)

// Mailer turns notifications and account events into outbox messages and delivers them.
type Mailer struct {
	Store   *models.Store
	Catalog *i18n.Catalog
	Sender  mail.Sender // nil: no SMTP, messages stay in the outbox
	BaseURL string
}

// Register adds the mail handlers to w.
func (m *Mailer) Register(w *Worker) {
	w.Handlers[models.JobNotificationMail] = m.notificationMail
	w.Handlers[models.JobAccountMail] = m.accountMail
	w.Handlers[models.JobDeliverOutbox] = m.deliver
}

func (m *Mailer) notificationMail(ctx context.Context, j models.Job) error {
	var p models.NotificationMailPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return err
	}
	n, u, err := m.Store.NotificationForMail(ctx, p.NotificationID)
	if err != nil {
		return err
	}
	l := m.Catalog.Localizer(u.Locale)
	args := l.Args(n.Args)
	body := l.TMap(n.BodyKey, args)
	if link := web.NoticeURL(n.Target, n.TargetRef); link != "" {
		body += "\n\n" + m.BaseURL + link
	}
	body += "\n\n" + l.T("mail.footer")
	return m.Store.AddOutboxOnce(ctx, fmt.Sprintf("notification:%d", n.ID), models.ChannelEmail, u.Email, l.TMap(n.TitleKey, args), body)
}

func (m *Mailer) accountMail(ctx context.Context, j models.Job) error {
	var p models.AccountMailPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return err
	}
	u, err := m.Store.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	l := m.Catalog.Localizer(u.Locale)
	var subject, body string
	switch p.Purpose {
	case models.TokenVerifyEmail:
		subject = l.T("mail.verify.subject")
		body = l.T("mail.verify.body", "Link", m.BaseURL+web.VerifyEmail(p.Token))
	case models.TokenResetPassword:
		subject = l.T("mail.reset.subject")
		body = l.T("mail.reset.body", "Link", m.BaseURL+web.ResetPassword(p.Token))
	case models.MailAccountExists:
		subject = l.T("mail.account_exists.subject")
		body = l.T("mail.account_exists.body", "Login", m.BaseURL+web.Login(), "Reset", m.BaseURL+web.ForgotPassword())
	default:
		return fmt.Errorf("unknown account mail %q", p.Purpose)
	}
	return m.Store.AddOutboxOnce(ctx, fmt.Sprintf("account:%d", j.ID), models.ChannelEmail, u.Email, subject, body+"\n\n"+l.T("mail.footer"))
}

func (m *Mailer) deliver(ctx context.Context, j models.Job) error {
	var p models.DeliverOutboxPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return err
	}
	msg, err := m.Store.OutboxMessageByID(ctx, p.MessageID)
	if err != nil {
		return err
	}
	if msg.Status == models.OutboxSent || msg.Status == models.OutboxKept {
		return nil
	}
	if msg.Channel != models.ChannelEmail || m.Sender == nil {
		return m.Store.MarkOutbox(ctx, msg.ID, models.OutboxKept, "")
	}
	if err := m.Sender.Send(ctx, msg.To, msg.Subject, msg.Body); err != nil {
		_ = m.Store.MarkOutbox(ctx, msg.ID, models.OutboxPending, err.Error())
		return err
	}
	return m.Store.MarkOutbox(ctx, msg.ID, models.OutboxSent, "")
}
