package seed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"sellercenter/models"
)

// BulkOptions sizes a generated benchmark data set (`sellercenter seed --merchants N
// --orders M`).
type BulkOptions struct {
	Merchants int // active, certified merchants with products on sale
	Orders    int // orders, one line each
	// LargestShare is the percentage of the orders the first merchant holds, every other
	// merchant holding fewer; 0 means 10.
	LargestShare int
	Buyers       int    // 0: one buyer per 20 orders, at least 50
	SpanDays     int    // the orders are created over this many days up to now; 0 means 365
	Seed         uint64 // the same seed on the same clock gives the same data
	Password     string // the password of every generated account
}

// BulkResult tells what was generated and how to log in.
type BulkResult struct {
	ReviewerEmail        string
	LargestMerchantEmail string // the merchant holding 10 % of the orders
	BuyerEmail           string // the busiest buyer
	Merchants, Buyers    int
	Products, Orders     int
	LargestOrders        int
	Payments             int
	Refunds              int
	Elapsed              time.Duration // all of it
	Indexing             time.Duration // of which rebuilding the order tables' indexes
}

// Generated accounts live under their own domain so they never clash with real ones.
const bulkDomain = "@bulk.sellercenter.local"

// BulkReviewerEmail is the generated reviewer (an admin).
const BulkReviewerEmail = "reviewer" + bulkDomain

// BulkMerchantEmail is the login of the n-th generated merchant (1-based); the first
// is the largest.
func BulkMerchantEmail(n int) string { return fmt.Sprintf("merchant%05d%s", n, bulkDomain) }

// BulkBuyerEmail is the login of the n-th generated buyer (1-based).
func BulkBuyerEmail(n int) string { return fmt.Sprintf("buyer%06d%s", n, bulkDomain) }

// bulkCommitEvery bounds a generator transaction, in orders.
const bulkCommitEvery = 100_000

// bulkIDTables are the tables the generator writes with explicit ids.
var bulkIDTables = []string{"users", "merchants", "business_certifications", "products", "specs", "spec_prices",
	"product_applications", "buyer_profiles", "orders", "order_lines", "payments", "refunds", "product_views"}

// Bulk generates a realistic data set for benchmarks fast: it writes rows with
// multi-row INSERTs on one connection of db in large transactions, not through the
// store's rules (no audit rows, no notifications, no status history). Times are spread
// over the twelve months before the store clock's now.
func Bulk(ctx context.Context, db *models.DB, st *models.Store, o BulkOptions) (BulkResult, error) {
	return store{Store: st, db: db}.bulk(ctx, o)
}

func (s store) bulk(ctx context.Context, o BulkOptions) (BulkResult, error) {
	start := time.Now()
	if o.LargestShare == 0 {
		o.LargestShare = 10
	}
	if o.LargestShare < 1 || o.LargestShare > 100 {
		return BulkResult{}, errors.New("seed: the largest merchant's share is a percentage, 1 to 100")
	}
	if o.Merchants < 1 || (o.LargestShare < 100 && float64(o.Merchants-1)*othersCap(o.LargestShare) < 1) {
		return BulkResult{}, fmt.Errorf("seed: too few merchants for one to hold %d %% of the orders and every other less", o.LargestShare)
	}
	if o.Orders < 0 || o.Buyers < 0 {
		return BulkResult{}, errors.New("seed: negative counts")
	}
	if len(o.Password) < 10 || len(o.Password) > models.MaxPasswordBytes {
		return BulkResult{}, errors.New("seed: the password must be 10 to 72 bytes")
	}
	if o.Buyers == 0 {
		o.Buyers = max(50, o.Orders/20)
	}
	var n int64
	if err := s.db.W.WithContext(ctx).Model(&models.User{}).Where("email = ?", BulkReviewerEmail).Count(&n).Error; err != nil {
		return BulkResult{}, err
	}
	if n > 0 {
		return BulkResult{}, errors.New("seed: a generated data set is present already; start from an empty database")
	}
	hash, err := models.HashPassword(o.Password)
	if err != nil {
		return BulkResult{}, err
	}
	sqlDB, err := s.db.W.DB()
	if err != nil {
		return BulkResult{}, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return BulkResult{}, err
	}
	defer conn.Close()
	restore, err := s.bulkTune(ctx, conn)
	if err != nil {
		return BulkResult{}, err
	}
	defer restore()
	g := &bulkGen{opt: o, hash: hash, now: s.Now().UTC().Truncate(time.Millisecond),
		r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), ids: map[string]uint{}}
	for _, t := range bulkIDTables {
		var id sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT MAX(id) FROM "+t).Scan(&id); err != nil {
			return BulkResult{}, err
		}
		g.ids[t] = uint(id.Int64)
	}
	minutes, err := s.SettingInt(ctx, models.SettingPayTimeout, models.DefaultPayTimeoutMinutes)
	if err != nil {
		return BulkResult{}, err
	}
	g.payTimeout = time.Duration(minutes) * time.Minute
	// Loading a million orders into tables whose indexes are already there costs
	// random B-tree writes per row; building the order tables' indexes afterwards sorts
	// once and is several times faster (101 s against 38 s for a million orders on
	// SQLite). The indexes are put back even when the load fails.
	indexes, err := s.bulkDropIndexes(ctx, conn, "orders", "order_lines", "payments")
	if err != nil {
		return BulkResult{}, err
	}
	g.w = newBulkWriter(ctx, conn, s.db.Dialect)
	g.declare()
	firstOrder := g.ids["orders"]
	err = g.run()
	if cerr := g.w.close(); err == nil {
		err = cerr
	}
	if err == nil {
		// A payment repeats its order's figures: the database copies them faster than
		// they can be sent.
		_, err = conn.ExecContext(ctx, `INSERT INTO payments (order_id, buyer_id, amount_fen, reference, paid_at)
			SELECT id, buyer_id, paid_fen, 'PAY' || SUBSTR(order_no, 3), paid_at FROM orders WHERE id > `+strconv.FormatUint(uint64(firstOrder), 10)+` AND paid_fen > 0 ORDER BY id`)
	}
	indexStart := time.Now()
	for _, ddl := range indexes {
		if _, ierr := conn.ExecContext(context.WithoutCancel(ctx), ddl); ierr != nil && err == nil {
			err = fmt.Errorf("seed: rebuild index: %w", ierr)
		}
	}
	if err != nil {
		return BulkResult{}, err
	}
	g.res.Indexing = time.Since(indexStart)
	if s.db.Dialect == models.Postgres {
		for _, t := range bulkIDTables {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", t, t)); err != nil {
				return BulkResult{}, err
			}
		}
		// Fresh statistics, so the planner sees the new size before autovacuum does.
		if _, err := conn.ExecContext(ctx, "ANALYZE "+strings.Join(bulkIDTables, ", ")); err != nil {
			return BulkResult{}, err
		}
	}
	g.res.Elapsed = time.Since(start)
	return g.res, nil
}

// bulkTune makes the SQLite connection fit for a bulk load (a crash only loses the
// generated set, which is made again) and returns what puts it back.
func (s store) bulkTune(ctx context.Context, conn *sql.Conn) (func(), error) {
	if s.db.Dialect != models.SQLite {
		return func() {}, nil
	}
	var sync, cache int64
	var journal string
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		return nil, err
	}
	// In WAL mode every page is written twice (log, then checkpoint); a rollback journal
	// only keeps the few existing pages a load changes. The switch needs the database
	// to itself: when another connection has it open, the load stays in WAL mode.
	switched := false
	if journal == "wal" {
		var got string
		switched = conn.QueryRowContext(ctx, "PRAGMA journal_mode=TRUNCATE").Scan(&got) == nil && got == "truncate"
	}
	for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144", "PRAGMA temp_store=MEMORY"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return nil, err
		}
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		if switched {
			_, _ = conn.ExecContext(ctx, "PRAGMA journal_mode=WAL")
		}
		_, _ = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		_, _ = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA synchronous=%d", sync))
		_, _ = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size=%d", cache))
		_, _ = conn.ExecContext(ctx, "PRAGMA temp_store=DEFAULT")
	}, nil
}

// bulkDropIndexes drops the secondary indexes of tables and returns the statements
// that create them again.
func (s store) bulkDropIndexes(ctx context.Context, conn *sql.Conn, tables ...string) ([]string, error) {
	q := "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
	if s.db.Dialect == models.Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexname NOT IN (SELECT conname FROM pg_constraint)`
	}
	var names, ddls []string
	for _, t := range tables {
		rows, err := conn.QueryContext(ctx, q, t)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, ddl string
			if err := rows.Scan(&name, &ddl); err != nil {
				rows.Close()
				return nil, err
			}
			names, ddls = append(names, name), append(ddls, ddl)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for i, name := range names {
		if _, err := conn.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			// Put back what was dropped before failing.
			for _, ddl := range ddls[:i] {
				_, _ = conn.ExecContext(ctx, ddl)
			}
			return nil, err
		}
	}
	return ddls, nil
}

// bulkGen holds a generation's state.
type bulkGen struct {
	opt        BulkOptions
	hash       string
	now        time.Time
	payTimeout time.Duration
	r          *rand.Rand
	w          *bulkWriter
	ids        map[string]uint // last id used per table
	res        BulkResult

	reviewerID uint
	merchants  []bulkMerchant
	buyers     []bulkBuyer

	users, merchantsT, certs, products, specs, prices, apps, profiles, orders, lines, refunds, views *bulkTable
}

type bulkMerchant struct {
	id       uint
	products []bulkProduct
	cum      []float64 // cumulative product popularity
}

type bulkProduct struct {
	id             uint
	typ            string
	nameZh, nameEn string
	supervised     bool
	specs          []bulkSpec
}

type bulkSpec struct {
	id        uint
	sku, name string
	kind      bulkSpecKind
	prices    []bulkPrice
}

type bulkPrice struct {
	period string
	code   string
	fen    int64
}

type bulkBuyer struct {
	id          uint
	email, name string
}

func (g *bulkGen) next(table string) uint {
	g.ids[table]++
	return g.ids[table]
}

func (g *bulkGen) declare() {
	w := g.w
	g.users = w.table("users", "id", "email", "password_hash", "role", "is_admin", "status", "name", "locale",
		"email_verified_at", "merchant_id", "created_at", "updated_at")
	g.merchantsT = w.table("merchants", "id", "owner_user_id", "company_name", "website", "intro", "contact_name",
		"contact_mobile", "contact_email", "service_email", "service_phone", "address", "real_name_status",
		"real_name_subject", "application_status", "certification_status", "activated_at", "version", "created_at", "updated_at")
	g.certs = w.table("business_certifications", "id", "merchant_id", "company_name", "credit_code", "taxpayer_type",
		"invoice_type", "registered_addr", "finance_name", "finance_phone", "finance_email", "basics_done", "account_name",
		"bank_name", "bank_branch", "bank_account_masked", "currency", "bank_done", "survey_done", "transfer_verified_at",
		"status", "submitted_at", "decided_at", "decided_by_id", "version", "created_at", "updated_at")
	g.products = w.table("products", "id", "merchant_id", "type", "category", "name_zh", "name_en", "listing", "hidden",
		"content", "listed_at", "version", "created_at", "updated_at")
	g.specs = w.table("specs", "id", "product_id", "merchant_id", "sku_code", "name", "billing_mode", "content", "hidden",
		"removed", "sort_order", "created_at", "updated_at")
	g.prices = w.table("spec_prices", "id", "spec_id", "period_type", "product_code", "price_fen")
	g.apps = w.table("product_applications", "id", "merchant_id", "product_id", "kind", "status", "snapshot",
		"submitted_by_id", "submitted_at", "decided_at", "decided_by_id", "version", "created_at", "updated_at")
	g.profiles = w.table("buyer_profiles", "id", "user_id", "subject_type", "display_name", "mobile", "created_at", "updated_at")
	g.orders = w.table("orders", "id", "order_no", "merchant_id", "buyer_id", "product_id", "spec_id", "kind", "status",
		"product_type", "product_name_zh", "product_name_en", "spec_name", "customer_name", "customer_email", "region",
		"amount_fen", "paid_fen", "refunded_fen", "supervised", "pay_by", "paid_at", "cancelled_at", "completed_at",
		"billable_at", "version", "created_at", "updated_at")
	g.lines = w.table("order_lines", "id", "order_id", "line_no", "spec_id", "sku_code", "spec_name", "product_code",
		"billing_mode", "period_type", "period_count", "linear_attr", "quantity", "unit_fen", "amount_fen", "trial_days",
		"starts_at", "ends_at")
	g.refunds = w.table("refunds", "id", "refund_no", "order_id", "merchant_id", "buyer_id", "kind", "status", "paid_fen",
		"amount_fen", "reason", "merchant_comment", "disputed", "dispute_reason", "disputed_at", "decided_at", "refunded_at",
		"version", "created_at", "updated_at")
	g.views = w.table("product_views", "id", "product_id", "merchant_id", "day", "views")
}

func (g *bulkGen) run() error {
	for _, step := range []func() error{g.reviewer, g.genMerchants, g.genBuyers, g.genViews, g.w.commit, g.genOrders} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// ago is a time d before now.
func (g *bulkGen) ago(d time.Duration) time.Time { return g.now.Add(-d) }

// between is a random time in [from, to).
func (g *bulkGen) between(from, to time.Time) time.Time {
	span := to.Sub(from)
	if span <= 0 {
		return from
	}
	return from.Add(time.Duration(g.r.Int64N(int64(span)))).Truncate(time.Millisecond)
}

const day = 24 * time.Hour

func (g *bulkGen) reviewer() error {
	g.reviewerID = g.next("users")
	t := g.ago(800 * day)
	g.res.ReviewerEmail = BulkReviewerEmail
	return g.w.add(g.users, g.reviewerID, BulkReviewerEmail, g.hash, string(models.RoleReviewer), true, string(models.UserActive),
		"审核员 Bench", "zh-CN", t, nil, t, t)
}

// nullTime is t, or NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// genMerchants writes the merchants, certified and active, each with products on sale
// (live specs and prices, the approved publish application); one in twenty also has a
// product waiting for review.
func (g *bulkGen) genMerchants() error {
	desc := "<p>" + strings.Repeat("开箱即用，按需扩展，安全合规，专业团队全程服务，助力企业数字化转型。", 14) + "</p>"
	support := []models.SupportItem{
		{Content: "在线工单", Hours: "7×24", Email: "support@example.com"},
		{Content: "电话支持", Hours: "工作日 9:00–18:00", Phone: "400-820-1234"},
		{Content: "远程协助", Hours: "工作日 9:00–18:00", Phone: "400-820-1234"},
		{Content: "上线培训", Hours: "预约", Email: "training@example.com"},
	}
	g.merchants = make([]bulkMerchant, g.opt.Merchants)
	for i := range g.merchants {
		uid, mid, cid := g.next("users"), g.next("merchants"), g.next("business_certifications")
		company := bulkCompany(i)
		contact := bulkPerson(g.r)
		email := BulkMerchantEmail(i + 1)
		joined := g.between(g.ago(800*day), g.ago(400*day))
		certified := joined.Add(time.Duration(3+g.r.IntN(20)) * day)
		if err := g.w.add(g.users, uid, email, g.hash, string(models.RoleMerchant), false, string(models.UserActive), contact, "zh-CN",
			joined, mid, joined, certified); err != nil {
			return err
		}
		if err := g.w.add(g.merchantsT, mid, uid, company, fmt.Sprintf("https://m%05d.example.com", i+1), company+"：专注企业级 SaaS 与云服务。",
			contact, fmt.Sprintf("139%08d", i), email, "service"+bulkDomain, "400-820-1234", "北京市海淀区示例路 1 号",
			models.RealNameVerified, models.SubjectEnterprise, models.ApplicationApproved, models.CertCertified, certified, 4, joined, certified); err != nil {
			return err
		}
		if err := g.w.add(g.certs, cid, mid, company, bulkCode(g.r, "91", 16), "general", "vat_special", "北京市海淀区示例路 1 号",
			contact, "13900139000", "finance"+bulkDomain, true, company, "中国工商银行", "北京海淀支行",
			fmt.Sprintf("****%04d", i%10000), "CNY", true, true, certified, models.CertCertified, certified, certified, g.reviewerID,
			5, joined, certified); err != nil {
			return err
		}
		m := &g.merchants[i]
		m.id = mid
		nProducts := 2 + g.r.IntN(3)
		if i == 0 {
			nProducts = 4
		}
		brandZh, brandEn := bulkBrands[i%len(bulkBrands)], bulkBrandsEn[i%len(bulkBrandsEn)]
		perm := g.r.Perm(len(bulkProductKinds))
		for k := 0; k < nProducts; k++ {
			pk := bulkProductKinds[perm[k]]
			p, err := g.genProduct(uid, mid, brandZh, brandEn, pk, desc, support, certified, true)
			if err != nil {
				return err
			}
			m.products = append(m.products, p)
			w := 1 / float64(k+1)
			if len(m.cum) > 0 {
				w += m.cum[len(m.cum)-1]
			}
			m.cum = append(m.cum, w)
		}
		if g.r.IntN(20) == 0 {
			if _, err := g.genProduct(uid, mid, brandZh, brandEn, bulkProductKinds[perm[nProducts]], desc, support, certified, false); err != nil {
				return err
			}
		}
		g.res.Products += nProducts
	}
	g.res.Merchants = len(g.merchants)
	g.res.LargestMerchantEmail = BulkMerchantEmail(1)
	return nil
}

// genProduct writes one product: on sale with its specs, prices and approved
// application, or (onSale false) not listed with a publish application pending review.
func (g *bulkGen) genProduct(uid, mid uint, brandZh, brandEn string, pk bulkProductKind, desc string, support []models.SupportItem, after time.Time, onSale bool) (bulkProduct, error) {
	p := bulkProduct{id: g.next("products"), typ: pk.typ, nameZh: brandZh + pk.zh, nameEn: brandEn + " " + pk.en,
		supervised: pk.typ == models.ProductService || pk.typ == models.ProductLicense}
	created := g.between(after, after.Add(60*day))
	listed := created.Add(time.Duration(1+g.r.IntN(5)) * day)
	factor := 0.6 + g.r.Float64()
	c := models.ProductContent{Type: pk.typ, BusinessModel: models.BusinessGeneral, Category: pk.category, NameZh: p.nameZh, NameEn: p.nameEn,
		Version: "1.0", MediaFileIDs: []uint{}, Summary: p.nameZh + "：面向企业的" + pk.zh, Description: desc,
		Highlights: "开箱即用；安全合规；专属服务", Support: support, Supervised: p.supervised, PublicSale: true, SalesObjects: models.SalesAll,
		NamedBuyers: []string{}, SalesRegions: []string{}, UpgradeRules: []models.UpgradeRule{}}
	switch pk.typ {
	case models.ProductSaaS:
		c.SaaS = &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "mobile", EncryptType: "1"}
	case models.ProductImage:
		c.Image = &models.ImageFields{PerCore: true}
	case models.ProductLicense:
		c.License = &models.LicenseFields{Delivery: "online_code"}
	case models.ProductService:
		c.Service = &models.ServiceFields{FlowTemplate: "standard", AvgDeliveryDays: 15, AcceptanceStandard: "业务验证通过"}
	case models.ProductHardware:
		c.Hardware = &models.HardwareFields{LogisticsRequired: true}
	}
	for si, sk := range pk.specs {
		sp := bulkSpec{id: g.next("specs"), sku: bulkCode(g.r, "SKU", 12), name: sk.name, kind: sk}
		price := func(v int64) *int64 {
			if v == 0 {
				return nil
			}
			f := max(1, int64(math.Round(float64(v)*factor/100))*100)
			if v < 100 {
				f = max(1, int64(math.Round(float64(v)*factor)))
			}
			return &f
		}
		sc := models.SpecContent{Key: sp.sku, Name: sk.name, BillingMode: sk.mode, YearFen: price(sk.year), MonthFen: price(sk.month),
			OneTimeFen: price(sk.oneTime), HourFen: price(sk.hour), PackageFen: price(sk.pkg), LinearAttr: sk.linear,
			LinearMin: sk.linearMin, LinearMax: sk.linearMax, TrialDays: sk.trialDays, Regions: sk.regions}
		if sc.Regions == nil {
			sc.Regions = []string{}
		}
		c.Specs = append(c.Specs, sc)
		if !onSale {
			continue
		}
		spec, err := jsonText(sc)
		if err != nil {
			return p, err
		}
		if err := g.w.add(g.specs, sp.id, p.id, mid, sp.sku, sk.name, sk.mode, spec, false, false, si, listed, listed); err != nil {
			return p, err
		}
		for _, period := range models.PeriodOrder {
			fen, ok := models.PeriodPrices(sc)[period]
			if !ok {
				continue
			}
			bp := bulkPrice{period: period, code: bulkCode(g.r, "P", 12), fen: fen}
			if err := g.w.add(g.prices, g.next("spec_prices"), sp.id, period, bp.code, fen); err != nil {
				return p, err
			}
			sp.prices = append(sp.prices, bp)
		}
		p.specs = append(p.specs, sp)
	}
	content, err := jsonText(c)
	if err != nil {
		return bulkProduct{}, err
	}
	listing, listedAt, version := models.ListingOnSale, any(listed), 2
	if !onSale {
		listing, listedAt, version = models.ListingNotListed, nil, 1
	}
	if err := g.w.add(g.products, p.id, mid, pk.typ, pk.category, p.nameZh, p.nameEn, listing, false, content, listedAt,
		version, created, listed); err != nil {
		return p, err
	}
	if onSale {
		return p, g.w.add(g.apps, g.next("product_applications"), mid, p.id, models.AppPublish, models.PAApproved, content, uid, created,
			listed, g.reviewerID, 2, created, listed)
	}
	submitted := g.between(g.ago(5*day), g.now)
	return p, g.w.add(g.apps, g.next("product_applications"), mid, p.id, models.AppPublish, models.PAPending, content, uid, submitted,
		nil, nil, 2, submitted, submitted)
}

// genBuyers writes the buyer accounts with their profiles, six in ten enterprises.
func (g *bulkGen) genBuyers() error {
	g.buyers = make([]bulkBuyer, g.opt.Buyers)
	from, to := g.ago(400*day), g.ago(366*day)
	for i := range g.buyers {
		b := &g.buyers[i]
		b.id, b.email = g.next("users"), BulkBuyerEmail(i+1)
		enterprise := g.r.IntN(10) < 6
		subject := models.BuyerPersonal
		if enterprise {
			subject = models.BuyerEnterprise
		}
		b.name = bulkBuyerName(g.r, enterprise)
		locale := "zh-CN"
		if g.r.IntN(5) == 0 {
			locale = "en"
		}
		t := g.between(from, to)
		if err := g.w.add(g.users, b.id, b.email, g.hash, string(models.RoleBuyer), false, string(models.UserActive), bulkPerson(g.r), locale,
			t, nil, t, t); err != nil {
			return err
		}
		if err := g.w.add(g.profiles, g.next("buyer_profiles"), b.id, subject, b.name, fmt.Sprintf("138%08d", i), t, t); err != nil {
			return err
		}
	}
	g.res.Buyers = len(g.buyers)
	g.res.BuyerEmail = BulkBuyerEmail(1)
	return nil
}

// othersCap is the most of the other merchants' orders one of them may hold: nine
// tenths of what the largest holds.
func othersCap(share int) float64 { return 0.9 * float64(share) / float64(100-share) }

// genViews writes the catalog's daily view counts of the products on sale over the
// year: the largest merchant's products are looked at every day, the others' now and
// then.
func (g *bulkGen) genViews() error {
	for d := 364; d >= 0; d-- {
		day := g.now.AddDate(0, 0, -d).Format(time.DateOnly)
		for mi, m := range g.merchants {
			for pi, p := range m.products {
				base := 10
				if mi == 0 {
					base = 200
				} else if g.r.IntN(4) != 0 {
					continue
				}
				views := 1 + g.r.IntN(base/(pi+1)+1)
				if err := g.w.add(g.views, g.next("product_views"), p.id, m.id, day, views); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// merchantWeights shares the orders not given to the largest merchant among the n-1
// others by a long-tailed popularity, none holding more than capShare of them.
func merchantWeights(n int, capShare float64) []float64 {
	if n < 2 {
		return nil
	}
	w := make([]float64, n-1)
	total := 0.0
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), 0.8)
		total += w[i]
	}
	// Water-fill: cap the most popular, share what they lose among the uncapped in
	// proportion.
	for range n {
		over, free := 0.0, 0.0
		for i := range w {
			if w[i]/total > capShare {
				over += w[i] - capShare*total
				w[i] = capShare * total
			} else if w[i] < capShare*total {
				free += w[i]
			}
		}
		if over == 0 || free == 0 {
			break
		}
		for i := range w {
			if w[i] < capShare*total {
				w[i] += over * w[i] / free
			}
		}
	}
	cum := make([]float64, len(w))
	acc := 0.0
	for i := range w {
		acc += w[i]
		cum[i] = acc
	}
	return cum
}

// pick draws an index from cumulative weights.
func (g *bulkGen) pick(cum []float64) int {
	x := g.r.Float64() * cum[len(cum)-1]
	return min(sort.SearchFloat64s(cum, x), len(cum)-1)
}

// jsonText is v as JSON text, the way the store keeps contents.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
