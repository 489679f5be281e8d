package jobs

import (
	"context"
	"log/slog"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/mail"
	"sellercenter/internal/outbound"
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
	// Outbound is the client calls to merchants' systems go through; nil: a default one
	// that refuses private addresses.
	Outbound *outbound.Client
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
			&SaaSLifecycle{Store: d.Store},
			&SupervisionTimers{Store: d.Store},
			&Prober{Store: d.Store, Client: d.client()},
			&BillRun{Store: d.Store},
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

// client is the outbound client of calls to merchants' systems.
func (d Deps) client() *outbound.Client {
	if d.Outbound == nil {
		return outbound.New(outbound.Options{})
	}
	return d.Outbound
}

// NewServerPool builds the pool that makes the calls to merchants' systems: production
// calls and probes.
func NewServerPool(d Deps, log *slog.Logger) *Pool {
	p := NewPool(d.Store, log)
	(&SaaSCalls{Store: d.Store, Client: d.client()}).RegisterPool(p)
	(&Prober{Store: d.Store, Client: d.client()}).RegisterPool(p)
	return p
}
