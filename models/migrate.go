package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one shipped schema step. Shipped steps are never edited: add a new one.
type migration struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB, d Dialect) error
}

// schemaMigration records applied steps.
type schemaMigration struct {
	Version   int       `gorm:"primaryKey"`
	Name      string    `gorm:"size:100;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (schemaMigration) TableName() string { return "schema_migrations" }

var migrations = []migration{
	{1, "foundation", migrateFoundation},
	{2, "assets and regions", migrateAssets},
	{3, "products, specs and applications", migrateProducts},
	{4, "product review SLA", migrateProductSLA},
	{5, "catalog index", migrateCatalogIndex},
	{6, "orders, subscriptions, refunds, exports, views", migrateOrders},
	{9, "order list sort indexes", migrateOrderListIndexes},
	{10, "refund history, one open case per order, dispute queue index", migrateRefundHistory},
	{11, "sales analysis indexes", migrateAnalyticsIndexes},
	{12, "one set of order type labels", migrateOrderKindLabels},
	{13, "session epochs, real-name check lock and limit, export blob index", migrateSecurity},
	{14, "notice amounts in fen", migrateNoticeAmounts},
	{15, "notices point at objects, not addresses", migrateNoticeTargets},
	{16, "exports remember their first download", migrateExportDownloads},
	{17, "SaaS tools: keys, addresses, debug calls and cases, API replay guard, job groups", migrateSaaSTools},
	{18, "SaaS provisioning and probing: instances, calls, attempts, product flags and stops, probes", migrateSaaSCalls},
	{19, "joint-operation app credentials; change requests about one subject", migrateKitApps},
	{20, "kit organisations: tenants, departments, users, bindings, grants, login tokens", migrateKitOrgs},
	{21, "service supervision: supervisions and their history", migrateSupervision},
	{22, "service supervision: deliveries, signatures, appeals and their settings", migrateSupervisionDelivery},
	{23, "License 2.0 online authorization codes and their pushes", migrateLicenseCodes},
	{24, "hardware shipments and their acceptance", migrateShipments},
	{25, "License deliveries: identification codes, license files and keys, offline proof, package acceptance", migrateLicenseDeliveries},
	{26, "settlement: billable orders, bills, lines, adjustments, invoices, payouts, runs", migrateSettlement},
	{27, "on-demand consumption: usage segments and monthly charges", migrateUsage},
}

// Migrate applies every step not yet applied, each in its own transaction.
func (d *DB) Migrate(ctx context.Context) error {
	if err := d.W.WithContext(ctx).AutoMigrate(&schemaMigration{}); err != nil {
		return err
	}
	var applied []int
	if err := d.W.WithContext(ctx).Model(&schemaMigration{}).Pluck("version", &applied).Error; err != nil {
		return err
	}
	done := map[int]bool{}
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range migrations {
		if done[m.Version] {
			continue
		}
		err := d.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := m.Up(tx, d.Dialect); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migration %d %s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

func migrateFoundation(tx *gorm.DB, d Dialect) error {
	if err := tx.AutoMigrate(
		&User{}, &Merchant{}, &File{}, &RealNameVerification{}, &OnboardingApplication{},
		&BusinessCertification{}, &ChangeRequest{}, &AuditLog{}, &Notification{}, &Job{},
		&OutboxMessage{}, &EmailToken{}, &LoginThrottle{}, &Setting{}, &Holiday{},
	); err != nil {
		return err
	}
	var stmts []string
	switch d {
	case SQLite:
		stmts = []string{
			`CREATE TABLE sessions (token TEXT PRIMARY KEY, data BLOB NOT NULL, expiry REAL NOT NULL)`,
			`CREATE INDEX sessions_expiry_idx ON sessions(expiry)`,
			`CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
			`CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
		}
	case Postgres:
		stmts = []string{
			`CREATE TABLE sessions (token TEXT PRIMARY KEY, data BYTEA NOT NULL, expiry TIMESTAMPTZ NOT NULL)`,
			`CREATE INDEX sessions_expiry_idx ON sessions (expiry)`,
			`CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$`,
			`CREATE TRIGGER audit_logs_no_change BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	for _, s := range defaultSettings {
		if err := tx.Create(&Setting{Key: s.Key, Value: s.Value, UpdatedAt: now}).Error; err != nil {
			return err
		}
	}
	return nil
}

func migrateAssets(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&Region{}, &Asset{}, &AssetRegion{}); err != nil {
		return err
	}
	now := time.Now().UTC()
	regions := []Region{
		{Code: "cn-north-4", NameZh: "华北-北京四", NameEn: "CN North-Beijing4", Recommended: true, Active: true, SortOrder: 10},
		{Code: "cn-east-3", NameZh: "华东-上海一", NameEn: "CN East-Shanghai1", Restricted: true, Active: true, SortOrder: 20},
		{Code: "cn-south-1", NameZh: "华南-广州", NameEn: "CN South-Guangzhou", Active: true, SortOrder: 30},
	}
	for i := range regions {
		regions[i].CreatedAt, regions[i].UpdatedAt = now, now
	}
	if err := tx.Create(&regions).Error; err != nil {
		return err
	}
	return tx.Create([]Setting{
		{Key: SettingImageFlavors, Value: "general,general_plus", UpdatedAt: now},
		{Key: SettingAssetSLA, Value: "3", UpdatedAt: now},
	}).Error
}

func migrateProducts(tx *gorm.DB, _ Dialect) error {
	return tx.AutoMigrate(&Product{}, &Spec{}, &SpecPrice{}, &ProductApplication{})
}

func migrateProductSLA(tx *gorm.DB, _ Dialect) error {
	return tx.Create(&Setting{Key: SettingProductSLA, Value: "3", UpdatedAt: time.Now().UTC()}).Error
}

// migrateCatalogIndex serves the public catalog, which always filters on listing and
// hidden, then often on category.
func migrateCatalogIndex(tx *gorm.DB, _ Dialect) error {
	return tx.Exec(`CREATE INDEX idx_products_catalog_visible ON products (listing, hidden, category)`).Error
}

func migrateSaaSTools(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&AccessKey{}, &ProductionAddress{}, &SaaSSettings{}, &DebugCall{}, &DebugCase{}, &APISignature{}); err != nil {
		return err
	}
	m := tx.Migrator()
	if !m.HasColumn(&Job{}, "Group") {
		if err := m.AddColumn(&Job{}, "Group"); err != nil {
			return err
		}
	}
	for _, model := range []any{&Product{}, &ProductApplication{}} {
		if m.HasColumn(model, "SaaSAddressID") {
			continue // a fresh database got it from the earlier steps' current models
		}
		if err := m.AddColumn(model, "SaaSAddressID"); err != nil {
			return err
		}
	}
	for _, stmt := range []string{
		`CREATE INDEX idx_products_saas_address ON products (merchant_id, saas_address_id)`,
		`CREATE INDEX idx_papps_saas_address ON product_applications (merchant_id, saas_address_id)`,
		`CREATE INDEX idx_debug_calls_product ON debug_calls (product_id, activity)`,
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	return tx.Create([]Setting{
		{Key: SettingKeyGraceHours, Value: "72", UpdatedAt: now},
		{Key: SettingSaaSCallTimeout, Value: "5", UpdatedAt: now},
	}).Error
}
