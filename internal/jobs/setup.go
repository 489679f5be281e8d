package jobs

import (
	"context"
	"log/slog"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/mail"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// Deps are what the server's background jobs work with.
type Deps struct {
	Store   *models.Store
	Blobs   blobstore.Store
	Catalog *i18n.Catalog
	Sender  mail.Sender // nil: mail stays in the outbox
	BaseURL string      // the public URL that mailed links start with
}

// scheduled is a job that runs on a period of its own.
type scheduled interface {
	Register(*Worker)
	Schedule(context.Context) error
}

// registered is a job run only when queued.
type registered interface{ Register(*Worker) }

// jobsOf lists every background job of the server: the one registration the server,
// its tests and the browser journeys share.
func jobsOf(d Deps) ([]registered, []scheduled) {
	return []registered{
			&Mailer{Store: d.Store, Catalog: d.Catalog, Sender: d.Sender, BaseURL: d.BaseURL},
			&AssetScanner{Store: d.Store, Blobs: d.Blobs},
			&Refunds{Store: d.Store},
		}, []scheduled{
			&Exporter{Store: d.Store, Blobs: d.Blobs, Catalog: d.Catalog},
			&SLAReminder{Store: d.Store},
			&OrderExpirer{Store: d.Store},
			&BlobSweeper{Store: d.Store, Blobs: d.Blobs},
		}
}

// NewServerWorker builds a worker that runs every job kind of the server.
func NewServerWorker(d Deps, log *slog.Logger) *Worker {
	w := NewWorker(d.Store, log)
	once, periodic := jobsOf(d)
	for _, j := range once {
		j.Register(w)
	}
	for _, j := range periodic {
		j.Register(w)
	}
	return w
}

// ScheduleAll queues the next run of every periodic job (one per period, however many
// instances call it).
func ScheduleAll(ctx context.Context, d Deps) error {
	_, periodic := jobsOf(d)
	for _, j := range periodic {
		if err := j.Schedule(ctx); err != nil {
			return err
		}
	}
	return nil
}
