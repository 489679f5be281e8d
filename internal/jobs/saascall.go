package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// SaaSCalls makes production calls (生产接口消息) to merchants' systems: one attempt per
// job, signed with the key's signing secret, through the one outbound client, checked as
// the debugging console checks; the store records the attempt and decides what follows.
// A job interrupted mid-call is claimed again when its lease ends and resends the same
// attempt (the merchant answers a resend with the same instance); an attempt already
// recorded is never recorded twice.
type SaaSCalls struct {
	Store  *models.Store
	Client *outbound.Client
	// Local, when set, answers every call in memory instead of the network: the demo
	// data provisions its year of orders against the reference endpoint this way.
	Local http.Handler
}

// RegisterPool adds the call handler to a pool.
func (c *SaaSCalls) RegisterPool(p *Pool) { p.Handlers[models.JobSaaSCall] = c.run }

func (c *SaaSCalls) run(ctx context.Context, j models.Job) error {
	var p models.SaaSCallPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return err
	}
	return c.attempt(ctx, p.CallID, p.Attempt, j.ID)
}

// Attempt makes attempt no of a call, unless it was made already.
func (c *SaaSCalls) Attempt(ctx context.Context, callID uint, no int) error {
	return c.attempt(ctx, callID, no, 0)
}

// attempt makes the attempt; the transaction that records it also finishes the job
// (jobID, when run by the pool), which then has nothing more to write.
func (c *SaaSCalls) attempt(ctx context.Context, callID uint, no int, jobID uint) error {
	plan, err := c.Store.PlanSaaSAttempt(ctx, callID, no)
	if errors.Is(err, models.ErrCallNotDue) || errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	plan.JobID = jobID
	if err := c.send(ctx, plan); err != nil || jobID == 0 {
		return err
	}
	return ErrFinished
}

// send makes the call a plan describes and records it.
func (c *SaaSCalls) send(ctx context.Context, plan models.SaaSAttemptPlan) error {
	if plan.Blocked != "" {
		return c.Store.RecordSaaSAttempt(ctx, plan, models.Exchange{}, models.BlockedOutcome(plan.Blocked, blockedDetail[plan.Blocked]))
	}
	timeout, err := c.Store.SaaSCallTimeout(ctx)
	if err != nil {
		return err
	}
	call := plan.SaaSCallFor(c.Store.Now())
	res, unbuilt := sendCall(ctx, c.Client, c.Local, call, timeout)
	CallDone(ctx)
	if unbuilt != "" {
		plan.Blocked = "params"
		return c.Store.RecordSaaSAttempt(ctx, plan, models.Exchange{}, models.BlockedOutcome("params", unbuilt))
	}
	return c.Store.RecordSaaSAttempt(ctx, plan, saasdebug.Exchange(call, res), res.Outcome)
}

// sendCall builds and sends a call over the network, or in memory to local when set;
// a call that cannot be built (parameters the protocol refuses) comes back as the
// reason instead.
func sendCall(ctx context.Context, client *outbound.Client, local http.Handler, call saasproto.Call, timeout time.Duration) (*saasdebug.Result, string) {
	req, problems, err := call.Build()
	if err != nil || len(problems) > 0 {
		var parts []string
		for _, p := range problems {
			parts = append(parts, p.Error())
		}
		if err != nil {
			parts = append(parts, err.Error())
		}
		return nil, strings.Join(parts, "; ")
	}
	if local != nil {
		return saasdebug.DoLocal(call, req, local), ""
	}
	return saasdebug.Do(ctx, client, call, req, timeout), ""
}

// RunDue makes every call attempt due now, one after the other, until none is left (the
// demo data, at each moment of its story); it returns how many it made.
func (c *SaaSCalls) RunDue(ctx context.Context) (int, error) {
	ran := 0
	for {
		batch, err := c.Store.ClaimGroupJobs(ctx, "seed", []string{models.JobSaaSCall}, 50, nil, 50, time.Minute)
		if err != nil || len(batch) == 0 {
			return ran, err
		}
		for _, j := range batch {
			switch err := c.run(ctx, j); {
			case errors.Is(err, ErrFinished):
			case err != nil:
				return ran, err
			default:
				if err := c.Store.FinishJob(ctx, j.ID); err != nil {
					return ran, err
				}
			}
			ran++
		}
	}
}

var blockedDetail = map[string]string{
	"no_address":  "the production address was deleted",
	"key_revoked": "the production address's access key was revoked",
}

// SaaSLifecycle freezes expired SaaS instances and releases those whose freeze period
// ended, every minute.
type SaaSLifecycle struct {
	Store *models.Store
}

// Register adds the sweep handler to w.
func (l *SaaSLifecycle) Register(w *Worker) { w.Handlers[models.JobSaaSLifecycle] = l.run }

// Schedule queues the next sweep.
func (l *SaaSLifecycle) Schedule(ctx context.Context) error {
	return l.Store.ScheduleSaaSLifecycle(ctx, models.SaaSLifecyclePeriod)
}

func (l *SaaSLifecycle) run(ctx context.Context, _ models.Job) error {
	if _, err := l.Store.SweepSaaSInstances(ctx); err != nil {
		return err
	}
	if _, err := l.Store.SweepLicenseCodes(ctx); err != nil {
		return err
	}
	return l.Schedule(ctx)
}
