package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
)

// Prober probes (拨测) SaaS products: twice a day a round queues one probe per product
// on sale (a pool job of its merchant, so a slow merchant delays no other); a probe
// replays the product's debug cases against its production address with testFlag=1
// and the store records the verdict, notifies, and stops sales after five failing days.
type Prober struct {
	Store  *models.Store
	Client *outbound.Client
	Local  http.Handler // answers in memory instead of the network (tests)
}

// Register adds the round's handler to w.
func (p *Prober) Register(w *Worker) { w.Handlers[models.JobSaaSProbe] = p.round }

// RegisterPool adds the per-product probe to a pool.
func (p *Prober) RegisterPool(pool *Pool) { pool.Handlers[models.JobSaaSProbeProduct] = p.run }

// Schedule queues the next round.
func (p *Prober) Schedule(ctx context.Context) error { return p.Store.ScheduleProbeRound(ctx) }

func (p *Prober) round(ctx context.Context, _ models.Job) error {
	if _, err := p.Store.QueueProbeRound(ctx); err != nil {
		return err
	}
	return p.Schedule(ctx)
}

func (p *Prober) run(ctx context.Context, j models.Job) error {
	var pl models.ProbeProductPayload
	if err := json.Unmarshal([]byte(j.Payload), &pl); err != nil {
		return err
	}
	_, err := p.Probe(ctx, pl.ProductID, pl.Trigger)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	return err
}

// Probe replays a product's debug cases now and records the run.
func (p *Prober) Probe(ctx context.Context, productID uint, trigger string) (models.ProbeRun, error) {
	t, err := p.Store.ProbeTargetOf(ctx, productID)
	if err != nil {
		return models.ProbeRun{}, err
	}
	if t.Blocked != "" {
		return p.Store.RecordProbe(ctx, productID, trigger, t.Address, nil, t.Blocked)
	}
	timeout, err := p.Store.SaaSCallTimeout(ctx)
	if err != nil {
		return models.ProbeRun{}, err
	}
	v, _ := saasproto.ParseVersion(t.Protocol)
	order := saasproto.Specs(v)
	rank := func(activity string) int {
		return slices.IndexFunc(order, func(s saasproto.Spec) bool { return s.Activity == activity })
	}
	cases := slices.Clone(t.Cases)
	slices.SortStableFunc(cases, func(a, b models.DebugCall) int { return rank(a.Activity) - rank(b.Activity) })
	var out []models.ProbeCase
	instance := ""
	for _, dc := range cases {
		spec, ok := saasproto.Lookup(v, dc.Activity)
		if !ok || spec.Kit {
			continue
		}
		params := map[string]string{}
		_ = json.Unmarshal([]byte(dc.Params), &params)
		if _, has := params["instanceId"]; has && instance != "" {
			params["instanceId"] = instance
		}
		et := t.EncryptType
		if et == "" {
			et = dc.EncryptType
		}
		call := saasproto.Call{Version: v, Activity: dc.Activity, Address: t.Address, AccessKey: t.Secret, EncryptType: et,
			Params: params, TestFlag: "1", Now: p.Store.Now()}
		res, unbuilt := sendCall(ctx, p.Client, p.Local, call, timeout)
		if unbuilt != "" {
			out = append(out, models.ProbeCase{Activity: dc.Activity, Check: saasproto.CheckTransport, Problem: "params", Message: unbuilt})
			continue
		}
		c := models.ProbeCase{Activity: dc.Activity, Passed: res.Passed(), Status: res.Status, ElapsedMS: res.Elapsed.Milliseconds()}
		if ch, failed := res.Outcome.Failed(); failed {
			c.Check, c.Problem, c.Message = ch.Name, ch.Problem, ch.Message
		}
		if dc.Activity == saasproto.NewInstance && len(res.Outcome.InstanceIDs) > 0 {
			instance = res.Outcome.InstanceIDs[0]
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return p.Store.RecordProbe(ctx, productID, trigger, t.Address, nil, "no_cases")
	}
	return p.Store.RecordProbe(ctx, productID, trigger, t.Address, out, "")
}
