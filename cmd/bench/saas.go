package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"sellercenter/internal/clock"
	"sellercenter/internal/jobs"
	"sellercenter/internal/loadgen"
	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
	"sellercenter/internal/secretbox"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// workingServiceTime is how long the "working" reference endpoint takes per call: the
// order of a real merchant system that creates a tenant.
const workingServiceTime = 20 * time.Millisecond

// provisionBench is P6's world: a fresh database, the reference endpoint on loopback for
// merchant A and a slow one for merchant B, a SaaS product of each, buyers, and the job
// pool the server runs, in this process.
type provisionBench struct {
	ctx     context.Context
	db      *models.DB
	store   *models.Store
	client  *outbound.Client
	pool    *jobs.Pool
	fast    *endpoint
	slow    *endpoint
	working *endpoint // answers correctly after a service time, like a real merchant system
	a, b, c merchantSetup
	buyers  []models.User
	seq     atomic.Int64
}

type endpoint struct {
	url    string
	secret string
	srv    *http.Server
}

type merchantSetup struct {
	id       uint
	products map[string]models.Product // by protocol
	skus     map[string]string
}

func startEndpoint(secret string, mode string, slow time.Duration) (*endpoint, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	demo := saasdemo.New(saasdemo.Options{Keys: func() []string { return []string{secret} }, Mode: mode, Slow: slow})
	srv := &http.Server{Handler: demo, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return &endpoint{url: "http://" + ln.Addr().String() + "/saas", secret: secret, srv: srv}, nil
}

func newProvisionBench(ctx context.Context, dir string) (*provisionBench, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "sellercenter.db"))
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	box, err := secretbox.New(key)
	if err != nil {
		return nil, err
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	pb := &provisionBench{ctx: ctx, db: db, store: models.NewStore(db, clock.Real{}, box, cat),
		client: outbound.New(outbound.Options{AllowPrivate: true, UserAgent: "SellerCenter-bench"})}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pb.pool = jobs.NewServerPool(jobs.Deps{Store: pb.store, Outbound: pb.client}, log)
	if pb.a, pb.fast, err = pb.merchant("a", "", 0); err != nil {
		return nil, err
	}
	if pb.b, pb.slow, err = pb.merchant("b", saasdemo.ModeSlow, time.Minute); err != nil {
		return nil, err
	}
	if pb.c, pb.working, err = pb.merchant("c", saasdemo.ModeSlow, workingServiceTime); err != nil {
		return nil, err
	}
	for i := range 20 {
		u, err := pb.store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: fmt.Sprintf("buyer%02d@bench.local", i), Password: "bench-password-1",
			Role: models.RoleBuyer, Verified: true})
		if err != nil {
			return nil, err
		}
		if _, err := pb.store.SaveBuyerProfile(ctx, models.Actor{}, u.ID, models.BuyerProfileInput{SubjectType: models.BuyerEnterprise, DisplayName: "Bench buyer " + strconv.Itoa(i)}); err != nil {
			return nil, err
		}
		pb.buyers = append(pb.buyers, u)
	}
	return pb, nil
}

// merchant makes an onboarded merchant with a key, a V1 and a V2 address at a reference
// endpoint, and a SaaS product on sale on each.
func (pb *provisionBench) merchant(name, mode string, slow time.Duration) (merchantSetup, *endpoint, error) {
	ctx := pb.ctx
	m := merchantSetup{products: map[string]models.Product{}, skus: map[string]string{}}
	u, err := pb.store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "merchant-" + name + "@bench.local", Password: "bench-password-1",
		Role: models.RoleMerchant, Verified: true})
	if err != nil {
		return m, nil, err
	}
	m.id = *u.MerchantID
	now := time.Now().UTC()
	if err := pb.db.W.Model(&models.Merchant{}).Where("id = ?", m.id).Updates(map[string]any{"activated_at": now, "company_name": "Bench " + name}).Error; err != nil {
		return m, nil, err
	}
	k, secret, err := pb.store.CreateAccessKey(ctx, models.Actor{}, m.id, "bench")
	if err != nil {
		return m, nil, err
	}
	ep, err := startEndpoint(secret, mode, slow)
	if err != nil {
		return m, nil, err
	}
	for _, proto := range []string{models.ProtocolV1, models.ProtocolV2} {
		addr, err := pb.store.SaveProductionAddress(ctx, models.Actor{}, m.id, 0, models.AddressInput{Name: "bench " + proto,
			InterfaceType: models.InterfaceSaaS, Protocol: proto, URL: ep.url, KeyID: k.ID, AllowDev: true})
		if err != nil {
			return m, nil, err
		}
		p, sku, err := pb.product(m.id, name+proto, addr.ID)
		if err != nil {
			return m, nil, err
		}
		m.products[proto], m.skus[proto] = p, sku
	}
	return m, ep, nil
}

// product writes an on-sale SaaS product with one monthly spec, as an approved publish
// application leaves it.
func (pb *provisionBench) product(merchantID uint, name string, addressID uint) (models.Product, string, error) {
	month := int64(9900)
	c := models.ProductContent{Type: models.ProductSaaS, NameZh: "压测 " + name, NameEn: "Bench " + name, SalesObjects: models.SalesAll,
		SaaS:  &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1", AddressID: &addressID},
		Specs: []models.SpecContent{{Key: "basic", Name: "基础版", BillingMode: models.BillingPeriod, MonthFen: &month}}}
	now := time.Now().UTC()
	p := models.Product{MerchantID: merchantID, Type: models.ProductSaaS, NameZh: c.NameZh, NameEn: c.NameEn, Listing: models.ListingOnSale,
		SaaSAddressID: &addressID, Content: "{}", ListedAt: &now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := pb.db.W.Create(&p).Error; err != nil {
		return p, "", err
	}
	sku := fmt.Sprintf("BENCH%d", p.ID)
	c.Specs[0].Key = sku
	sc, _ := json.Marshal(c.Specs[0])
	sp := models.Spec{ProductID: p.ID, MerchantID: merchantID, SKUCode: sku, Name: "基础版", BillingMode: models.BillingPeriod, Content: string(sc), CreatedAt: now, UpdatedAt: now}
	if err := pb.db.W.Create(&sp).Error; err != nil {
		return p, "", err
	}
	if err := pb.db.W.Create(&models.SpecPrice{SpecID: sp.ID, PeriodType: models.PeriodMonth, ProductCode: sku + "-month", PriceFen: month}).Error; err != nil {
		return p, "", err
	}
	content, _ := json.Marshal(c)
	if err := pb.db.W.Model(&p).Update("content", string(content)).Error; err != nil {
		return p, "", err
	}
	return p, sku, nil
}

// buy places and pays one order of a merchant's product; it returns when the payment
// (and the production call it queues) is committed.
func (pb *provisionBench) buy(m merchantSetup, proto string) (models.Order, error) {
	n := pb.seq.Add(1)
	b := pb.buyers[int(n)%len(pb.buyers)]
	a := models.Actor{UserID: b.ID}
	o, err := pb.store.Purchase(pb.ctx, a, b.ID, models.PurchaseInput{ProductID: m.products[proto].ID, SKU: m.skus[proto], PeriodType: models.PeriodMonth,
		Count: 1, Quantity: 1, IdempotencyKey: fmt.Sprintf("bench-%d", n)})
	if err != nil {
		return o, err
	}
	return pb.store.Pay(pb.ctx, a, b.ID, o.OrderNo)
}

// active counts the merchant's ACTIVE instances of a product.
func (pb *provisionBench) active(productID uint) (int64, error) {
	var n int64
	err := pb.db.R.Model(&models.SaaSInstance{}).Where("product_id = ? AND status = ?", productID, models.InstanceActive).Count(&n).Error
	return n, err
}

// bareRate is the rate of signed calls the platform makes to the endpoint with conns
// at once: build, sign, send, read and check the reply, nothing stored.
func (pb *provisionBench) bareRate(ep *endpoint, conns, n int) (float64, error) {
	var next atomic.Int64
	var failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				spec, _ := saasproto.Lookup(saasproto.V1, saasproto.NewInstance)
				p := saasproto.Defaults(spec, time.Now())
				p["orderId"] = fmt.Sprintf("BARE%012d", i)
				call := saasproto.Call{Version: saasproto.V1, Activity: saasproto.NewInstance, Address: ep.url, AccessKey: ep.secret,
					EncryptType: "1", Params: p, TestFlag: "0", Now: time.Now()}
				res, err := saasdebug.Send(pb.ctx, pb.client, call, 5*time.Second)
				if err != nil || !res.Passed() {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		return 0, fmt.Errorf("%d of %d bare calls failed", f, n)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// drainRate pays n orders with the pool stopped, then runs the pool and returns the rate
// at which the orders' instances became ACTIVE.
func (pb *provisionBench) drainRate(m merchantSetup, proto string, n int) (float64, error) {
	p := m.products[proto]
	before, err := pb.active(p.ID)
	if err != nil {
		return 0, err
	}
	if err := pb.parallelBuy(m, proto, n); err != nil {
		return 0, err
	}
	ctx, stop := context.WithCancel(pb.ctx)
	defer stop()
	start := time.Now()
	done := make(chan struct{})
	go func() { pb.pool.Run(ctx); close(done) }()
	defer func() { stop(); <-done }()
	for {
		got, err := pb.active(p.ID)
		if err != nil {
			return 0, err
		}
		if got-before >= int64(n) {
			return float64(n) / time.Since(start).Seconds(), nil
		}
		if time.Since(start) > 10*time.Minute {
			return 0, fmt.Errorf("only %d of %d orders provisioned in 10 minutes", got-before, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (pb *provisionBench) parallelBuy(m merchantSetup, proto string, n int) error {
	var next atomic.Int64
	errc := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := pb.buy(m, proto); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// latency pays orders of merchant A at rate per second for d (open loop) with the pool
// running, and meanwhile, when slowRate > 0, orders of merchant B whose endpoint answers
// too late; it returns the payment-to-ACTIVE latencies of A's orders.
func (pb *provisionBench) latency(proto string, rate, slowRate float64, d time.Duration) ([]time.Duration, error) {
	ctx, stop := context.WithCancel(pb.ctx)
	done := make(chan struct{})
	go func() { pb.pool.Run(ctx); close(done) }()
	defer func() { stop(); <-done }()
	type paid struct {
		no string
		at time.Time
	}
	var mu sync.Mutex
	var orders []paid
	var firstErr error
	var wg sync.WaitGroup
	pace := func(r float64, m merchantSetup, record bool) {
		defer wg.Done()
		interval := time.Duration(float64(time.Second) / r)
		start := time.Now()
		var inner sync.WaitGroup
		for i := 0; ; i++ {
			at := start.Add(time.Duration(i) * interval)
			if at.Sub(start) >= d {
				break
			}
			time.Sleep(time.Until(at))
			inner.Add(1)
			go func() {
				defer inner.Done()
				o, err := pb.buy(m, proto)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					return
				}
				if record {
					orders = append(orders, paid{o.OrderNo, *o.PaidAt})
				}
			}()
		}
		inner.Wait()
	}
	wg.Add(1)
	go pace(rate, pb.a, true)
	if slowRate > 0 {
		wg.Add(1)
		go pace(slowRate, pb.b, false)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	// Read the activation times together, a few times a second, so that reading them does
	// not compete with the pool for the orders still in flight.
	paidAt := make(map[string]time.Time, len(orders))
	for _, o := range orders {
		paidAt[o.no] = o.at
	}
	deadline := time.Now().Add(time.Minute)
	var out []time.Duration
	for len(paidAt) > 0 {
		nos := make([]string, 0, len(paidAt))
		for no := range paidAt {
			nos = append(nos, no)
		}
		for chunk := range slices.Chunk(nos, 500) {
			var rows []struct {
				OrderNo     string
				ActivatedAt *time.Time
			}
			if err := pb.db.R.Table("saas_instances").Select("orders.order_no, saas_instances.activated_at").
				Joins("JOIN orders ON orders.id = saas_instances.order_id").
				Where("orders.order_no IN ? AND saas_instances.activated_at IS NOT NULL", chunk).Scan(&rows).Error; err != nil {
				return nil, err
			}
			for _, r := range rows {
				out = append(out, r.ActivatedAt.Sub(paidAt[r.OrderNo]))
				delete(paidAt, r.OrderNo)
			}
		}
		if len(paidAt) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d orders not ACTIVE a minute after the load", len(paidAt))
		}
		time.Sleep(100 * time.Millisecond)
	}
	slices.Sort(out)
	return out, nil
}

// p6 measures SaaS provisioning (issue 11): orders reaching ACTIVE against the reference
// endpoint as a ratio of the bare rate of signed calls, the latency from payment to ACTIVE
// at half that rate, and the same latency while another merchant's endpoint is too slow.
func (b *bench) p6() error {
	pb, err := newProvisionBench(b.ctx, filepath.Join(b.opt.dataRoot, "p6"))
	if err != nil {
		return err
	}
	defer pb.fast.srv.Close()
	defer pb.slow.srv.Close()
	defer pb.working.srv.Close()
	defer pb.db.Close()
	per := pb.pool.PerGroup
	bare, err := pb.bareRate(pb.fast, per, 5000)
	if err != nil {
		return err
	}
	n := b.opt.p6Orders
	v1, err := pb.drainRate(pb.a, models.ProtocolV1, n)
	if err != nil {
		return err
	}
	bareAfter, err := pb.bareRate(pb.fast, per, 5000)
	if err != nil {
		return err
	}
	bare = (bare + bareAfter) / 2

	ratio := v1 / bare
	b.add("P6", fmt.Sprintf("%d paid SaaS orders (V1) to ACTIVE: %.0f orders/s vs %.0f signed calls/s to the same endpoint, %d at once", n, v1, bare, per),
		fmt.Sprintf("%.0f %%", 100*ratio), ">= 50 %", pass(ratio >= 0.5))
	wn := min(n/5, 2000)
	workingBare, err := pb.bareRate(pb.working, per, wn/2)
	if err != nil {
		return err
	}
	working, err := pb.drainRate(pb.c, models.ProtocolV1, wn)
	if err != nil {
		return err
	}
	b.add("P6", fmt.Sprintf("the same against a merchant system taking %s a call: %d orders, %.0f orders/s vs %.0f signed calls/s", workingServiceTime, wn, working, workingBare),
		fmt.Sprintf("%.0f %%", 100*working/workingBare), "", nil)
	v2, err := pb.drainRate(pb.a, models.ProtocolV2, n/5)
	if err != nil {
		return err
	}
	b.add("P6", fmt.Sprintf("%d paid SaaS orders (V2: newInstance then queryInstance, two calls each) to ACTIVE: %.0f orders/s", n/5, v2),
		fmt.Sprintf("%.0f %%", 100*v2/bare), "", nil)
	rate := v1 / 2
	d := b.opt.duration * 2
	lat, err := pb.latency(models.ProtocolV1, rate, 0, d)
	if err != nil {
		return err
	}
	p99 := loadgen.Percentile(lat, 99)
	b.add("P6", fmt.Sprintf("payment to ACTIVE at %.0f orders/s (half the rate above) for %s: p99 (p50 %s, %d orders)", rate, d, loadgen.Ms(loadgen.Percentile(lat, 50)), len(lat)),
		loadgen.Ms(p99), "< 1 s", pass(p99 < time.Second))
	const steady = 100.0
	latSteady, err := pb.latency(models.ProtocolV1, steady, 0, d)
	if err != nil {
		return err
	}
	b.add("P6", fmt.Sprintf("payment to ACTIVE at a steady %.0f orders/s for %s: p99 (p50 %s, %d orders)", steady, d, loadgen.Ms(loadgen.Percentile(latSteady, 50)), len(latSteady)),
		loadgen.Ms(loadgen.Percentile(latSteady, 99)), "", nil)
	timeout, err := pb.store.SaaSCallTimeout(b.ctx)
	if err != nil {
		return err
	}
	slowRate := 2.0
	lat2, err := pb.latency(models.ProtocolV1, rate, slowRate, d)
	if err != nil {
		return err
	}
	p99s := loadgen.Percentile(lat2, 99)
	b.add("P6", fmt.Sprintf("the same while another merchant's endpoint answers after the %s timeout (%.0f orders/s of theirs): p99 (p50 %s, %d orders)", timeout, slowRate, loadgen.Ms(loadgen.Percentile(lat2, 50)), len(lat2)),
		loadgen.Ms(p99s), "< 1 s", pass(p99s < time.Second))
	return nil
}
