package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testkeys"
	"sellercenter/models"
)

// access says who may call a route.
type access int

const (
	public   access = iota // anyone, logged in or not
	loggedIn               // any logged-in user
	merchantOnly
	buyerOnly
	reviewerOnly
	adminOnly
	signed      // an open API: a valid APIG signature, whoever's session
	oauthClient // unified login's token and userinfo: the app's credentials or bearer token, no session
)

// routeSpec is one row of the route matrix: who may call the route and, for routes whose
// :id names a tenant's object, which kind of object that is.
type routeSpec struct {
	access access
	owned  string // "" | change | file | notification | asset | product_app | product | order | refund | export | access_key | address | debug_call | saas_call | buyer_order | buyer_refund | buyer_resource
}

// buyerOwned kinds belong to buyer A (buyera@example.com); every other kind to merchant A.
var buyerOwned = map[string]bool{"buyer_order": true, "buyer_refund": true, "buyer_resource": true,
	"buyer_dept": true, "buyer_kit_user": true, "buyer_binding": true, "buyer_supervision": true}

// routeMatrix lists every route. A route missing here fails TestRouteMatrixCoversEveryRoute.
var routeMatrix = map[string]routeSpec{
	"GET /":                       {access: public},
	"GET /login":                  {access: public},
	"GET /oauth2/authorize":       {access: public},
	"POST /oauth2/authorize":      {access: public},
	"POST /api/v1/oauth2/token":   {access: oauthClient},
	"GET /api/v1/oauth2/userinfo": {access: oauthClient},
	"POST /login":                 {access: public},
	"POST /logout":                {access: public},
	"GET /register":               {access: public},
	"GET /terms":                  {access: public},
	"POST /register":              {access: public},
	"GET /verify-email":           {access: public},
	"GET /password/forgot":        {access: public},
	"POST /password/forgot":       {access: public},
	"GET /password/reset":         {access: public},
	"POST /password/reset":        {access: public},
	"POST /locale":                {access: public},
	"GET /dev/outbox":             {access: public},
	"GET /healthz":                {access: public},
	"GET /api/mkp-openapi-public/global/v1/order/query":        {access: signed},
	"POST /api/mkp-openapi-public/global/v1/license/activate":  {access: signed},
	"POST /api/mkp-openapi-public/global/v1/license/heartbeat": {access: signed},
	"GET /catalog":                                      {access: public},
	"GET /catalog/:id":                                  {access: public},
	"GET /catalog/files/:id":                            {access: public},
	"POST /verify-email/resend":                         {access: loggedIn},
	"GET /account/password":                             {access: loggedIn},
	"POST /account/password":                            {access: loggedIn},
	"GET /inbox":                                        {access: loggedIn},
	"POST /inbox/:id/read":                              {access: loggedIn, owned: "notification"},
	"POST /inbox/read-all":                              {access: loggedIn},
	"GET /files/:id":                                    {access: loggedIn, owned: "file"},
	"GET /seller":                                       {access: merchantOnly},
	"GET /seller/realname":                              {access: merchantOnly},
	"GET /seller/realname/new":                          {access: merchantOnly},
	"POST /seller/realname":                             {access: merchantOnly},
	"POST /seller/realname/confirm":                     {access: merchantOnly},
	"POST /seller/realname/abandon":                     {access: merchantOnly},
	"GET /seller/application":                           {access: merchantOnly},
	"POST /seller/application":                          {access: merchantOnly},
	"GET /seller/certification":                         {access: merchantOnly},
	"GET /seller/certification/:step":                   {access: merchantOnly},
	"POST /seller/certification/:step":                  {access: merchantOnly},
	"GET /seller/profile":                               {access: merchantOnly},
	"GET /seller/changes":                               {access: merchantOnly},
	"GET /seller/changes/new":                           {access: merchantOnly},
	"POST /seller/changes":                              {access: merchantOnly},
	"GET /seller/changes/:id":                           {access: merchantOnly, owned: "change"},
	"POST /seller/changes/:id/withdraw":                 {access: merchantOnly, owned: "change"},
	"GET /seller/assets":                                {access: merchantOnly},
	"GET /seller/assets/new":                            {access: merchantOnly},
	"POST /seller/assets":                               {access: merchantOnly},
	"GET /seller/assets/:id":                            {access: merchantOnly, owned: "asset"},
	"GET /seller/assets/:id/edit":                       {access: merchantOnly, owned: "asset"},
	"POST /seller/assets/:id":                           {access: merchantOnly, owned: "asset"},
	"POST /seller/assets/:id/verify":                    {access: merchantOnly, owned: "asset"},
	"POST /seller/assets/:id/submit":                    {access: merchantOnly, owned: "asset"},
	"POST /seller/assets/:id/delete":                    {access: merchantOnly, owned: "asset"},
	"GET /seller/products":                              {access: merchantOnly},
	"GET /seller/products/new":                          {access: merchantOnly},
	"POST /seller/products":                             {access: merchantOnly},
	"GET /seller/products/:id":                          {access: merchantOnly, owned: "product"},
	"POST /seller/products/:id/modify":                  {access: merchantOnly, owned: "product"},
	"POST /seller/products/:id/hide":                    {access: merchantOnly, owned: "product"},
	"POST /seller/products/:id/specs/:sku/hide":         {access: merchantOnly, owned: "product"},
	"POST /seller/products/:id/unhide":                  {access: merchantOnly, owned: "product"},
	"GET /seller/products/:id/delist":                   {access: merchantOnly, owned: "product"},
	"POST /seller/products/:id/delist":                  {access: merchantOnly, owned: "product"},
	"GET /seller/product-applications":                  {access: merchantOnly},
	"GET /seller/product-applications/:id":              {access: merchantOnly, owned: "product_app"},
	"POST /seller/product-applications/:id":             {access: merchantOnly, owned: "product_app"},
	"POST /seller/product-applications/:id/submit":      {access: merchantOnly, owned: "product_app"},
	"POST /seller/product-applications/:id/withdraw":    {access: merchantOnly, owned: "product_app"},
	"GET /seller/analytics":                             {access: merchantOnly},
	"GET /seller/analytics/sales":                       {access: merchantOnly},
	"GET /seller/analytics.csv":                         {access: merchantOnly},
	"GET /seller/orders":                                {access: merchantOnly},
	"POST /seller/orders/export":                        {access: merchantOnly},
	"GET /seller/orders/:id":                            {access: merchantOnly, owned: "order"},
	"POST /seller/orders/:id/complete":                  {access: merchantOnly, owned: "order"},
	"GET /seller/exports":                               {access: merchantOnly},
	"GET /seller/exports/:id":                           {access: merchantOnly, owned: "export"},
	"GET /seller/exports/:id/download":                  {access: merchantOnly, owned: "export"},
	"GET /seller/saas":                                  {access: merchantOnly},
	"POST /seller/saas/order-notify":                    {access: merchantOnly},
	"GET /seller/saas/keys":                             {access: merchantOnly},
	"POST /seller/saas/keys":                            {access: merchantOnly},
	"POST /seller/saas/keys/:id/rotate":                 {access: merchantOnly, owned: "access_key"},
	"POST /seller/saas/keys/:id/retire":                 {access: merchantOnly, owned: "access_key"},
	"POST /seller/saas/keys/:id/revoke":                 {access: merchantOnly, owned: "access_key"},
	"GET /seller/saas/kit-apps":                         {access: merchantOnly},
	"GET /seller/saas/kit-apps/new":                     {access: merchantOnly},
	"POST /seller/saas/kit-apps":                        {access: merchantOnly},
	"GET /seller/saas/kit-apps/:id/edit":                {access: merchantOnly, owned: "kit_app"},
	"POST /seller/saas/kit-apps/:id":                    {access: merchantOnly, owned: "kit_app"},
	"POST /seller/saas/kit-apps/:id/rotate":             {access: merchantOnly, owned: "kit_app"},
	"POST /seller/saas/kit-apps/:id/test-tenant":        {access: merchantOnly, owned: "kit_app"},
	"POST /seller/saas/kit-apps/:id/push":               {access: merchantOnly, owned: "kit_app"},
	"POST /seller/saas/kit-apps/:id/try-login":          {access: merchantOnly, owned: "kit_app"},
	"POST /seller/saas/kit-apps/:id/try-login/exchange": {access: merchantOnly, owned: "kit_app"},
	"GET /seller/saas/addresses":                        {access: merchantOnly},
	"GET /seller/saas/addresses/new":                    {access: merchantOnly},
	"POST /seller/saas/addresses":                       {access: merchantOnly},
	"GET /seller/saas/addresses/:id/edit":               {access: merchantOnly, owned: "address"},
	"POST /seller/saas/addresses/:id":                   {access: merchantOnly, owned: "address"},
	"POST /seller/saas/addresses/:id/delete":            {access: merchantOnly, owned: "address"},
	"GET /seller/saas/api":                              {access: merchantOnly},
	"GET /seller/saas/debug":                            {access: merchantOnly},
	"POST /seller/saas/debug/send":                      {access: merchantOnly},
	"POST /seller/saas/debug/link":                      {access: merchantOnly},
	"GET /seller/saas/debug/calls":                      {access: merchantOnly},
	"GET /seller/saas/debug/calls/:id":                  {access: merchantOnly, owned: "debug_call"},
	"POST /seller/saas/debug/calls/:id/replay":          {access: merchantOnly, owned: "debug_call"},
	"GET /seller/saas/calls":                            {access: merchantOnly},
	"POST /buyer/resources/:id/suspend":                 {access: buyerOnly, owned: "buyer_resource"},
	"POST /buyer/resources/:id/resume":                  {access: buyerOnly, owned: "buyer_resource"},
	"GET /seller/saas/calls/:id":                        {access: merchantOnly, owned: "saas_call"},
	"POST /seller/saas/calls/:id/restart":               {access: merchantOnly, owned: "saas_call"},
	"POST /seller/orders/:id/accept":                    {access: merchantOnly, owned: "order"},
	"GET /admin/merchants/:id/saas-calls":               {access: reviewerOnly},
	"GET /admin/saas-calls/:id":                         {access: reviewerOnly},
	"GET /seller/products/:id/probes":                   {access: merchantOnly, owned: "product"},
	"POST /seller/products/:id/probes/run":              {access: merchantOnly, owned: "product"},
	"GET /admin/saas":                                   {access: reviewerOnly},
	"POST /admin/saas/flags/:id/close":                  {access: reviewerOnly},
	"GET /admin/products/:id/probes":                    {access: reviewerOnly},
	"POST /admin/products/:id/probes/run":               {access: reviewerOnly},
	"POST /admin/products/:id/stop":                     {access: reviewerOnly},
	"POST /admin/products/:id/restore":                  {access: reviewerOnly},
	"GET /buyer":                                        {access: buyerOnly},
	"GET /buyer/profile":                                {access: buyerOnly},
	"GET /buyer/org":                                    {access: buyerOnly},
	"POST /buyer/org":                                   {access: buyerOnly},
	"GET /buyer/org/depts":                              {access: buyerOnly},
	"POST /buyer/org/depts":                             {access: buyerOnly},
	"POST /buyer/org/depts/:id":                         {access: buyerOnly, owned: "buyer_dept"},
	"POST /buyer/org/depts/:id/delete":                  {access: buyerOnly, owned: "buyer_dept"},
	"GET /buyer/org/users":                              {access: buyerOnly},
	"POST /buyer/org/users":                             {access: buyerOnly},
	"GET /buyer/org/users/:id/edit":                     {access: buyerOnly, owned: "buyer_kit_user"},
	"POST /buyer/org/users/:id":                         {access: buyerOnly, owned: "buyer_kit_user"},
	"POST /buyer/org/users/:id/delete":                  {access: buyerOnly, owned: "buyer_kit_user"},
	"GET /buyer/org/apps":                               {access: buyerOnly},
	"POST /buyer/org/apps/bind":                         {access: buyerOnly},
	"GET /buyer/org/apps/:id":                           {access: buyerOnly, owned: "buyer_binding"},
	"POST /buyer/org/apps/:id/grants":                   {access: buyerOnly, owned: "buyer_binding"},
	"POST /buyer/org/apps/:id/grants/:gid":              {access: buyerOnly, owned: "buyer_binding"},
	"POST /buyer/org/apps/:id/unbind":                   {access: buyerOnly, owned: "buyer_binding"},
	"POST /buyer/profile":                               {access: buyerOnly},
	"GET /buyer/buy":                                    {access: buyerOnly},
	"GET /buyer/buy/confirm":                            {access: buyerOnly},
	"GET /buyer/orders":                                 {access: buyerOnly},
	"POST /buyer/orders":                                {access: buyerOnly},
	"GET /buyer/orders/:id":                             {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/pay":                        {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/cancel":                     {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/licenses/:lid/claim":        {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/receipt":                    {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/accept":                     {access: buyerOnly, owned: "buyer_order"},
	"POST /seller/orders/:id/shipment":                  {access: merchantOnly, owned: "order"},
	"POST /seller/orders/:id/license-delivery":          {access: merchantOnly, owned: "order"},
	"GET /seller/orders/:id/license-file":               {access: merchantOnly, owned: "order"},
	"POST /buyer/orders/:id/hardware-code":              {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/package-accept":             {access: buyerOnly, owned: "buyer_order"},
	"GET /buyer/orders/:id/license-file":                {access: buyerOnly, owned: "buyer_order"},
	"GET /buyer/orders/:id/package":                     {access: buyerOnly, owned: "buyer_order"},
	"GET /seller/licenses":                              {access: merchantOnly},
	"POST /seller/licenses/test-codes":                  {access: merchantOnly},
	"GET /buyer/resources":                              {access: buyerOnly},
	"GET /buyer/resources/:id/renew":                    {access: buyerOnly, owned: "buyer_resource"},
	"POST /buyer/resources/:id/renew":                   {access: buyerOnly, owned: "buyer_resource"},
	"GET /buyer/resources/:id/upgrade":                  {access: buyerOnly, owned: "buyer_resource"},
	"POST /buyer/resources/:id/upgrade":                 {access: buyerOnly, owned: "buyer_resource"},
	"GET /buyer/resources/:id/convert":                  {access: buyerOnly, owned: "buyer_resource"},
	"POST /buyer/resources/:id/convert":                 {access: buyerOnly, owned: "buyer_resource"},
	"GET /buyer/orders/:id/refund":                      {access: buyerOnly, owned: "buyer_order"},
	"POST /buyer/orders/:id/refund":                     {access: buyerOnly, owned: "buyer_order"},
	"GET /buyer/after-sales":                            {access: buyerOnly},
	"GET /buyer/after-sales/:id":                        {access: buyerOnly, owned: "buyer_refund"},
	"POST /buyer/after-sales/:id/withdraw":              {access: buyerOnly, owned: "buyer_refund"},
	"POST /buyer/after-sales/:id/dispute":               {access: buyerOnly, owned: "buyer_refund"},
	"POST /buyer/after-sales/:id/ship":                  {access: buyerOnly, owned: "buyer_refund"},
	"GET /seller/after-sales":                           {access: merchantOnly},
	"GET /seller/after-sales/:id":                       {access: merchantOnly, owned: "refund"},
	"POST /seller/after-sales/:id/approve":              {access: merchantOnly, owned: "refund"},
	"POST /seller/after-sales/:id/reject":               {access: merchantOnly, owned: "refund"},
	"POST /seller/after-sales/:id/receive":              {access: merchantOnly, owned: "refund"},
	"GET /seller/supervision":                           {access: merchantOnly},
	"GET /seller/supervision/:id":                       {access: merchantOnly, owned: "supervision"},
	"POST /seller/supervision/:id/confirm":              {access: merchantOnly, owned: "supervision"},
	"POST /seller/supervision/:id/return":               {access: merchantOnly, owned: "supervision"},
	"POST /seller/supervision/:id/deliver":              {access: merchantOnly, owned: "supervision"},
	"POST /seller/supervision/:id/appeal":               {access: merchantOnly, owned: "supervision"},
	"GET /seller/supervision/:id/files/:fid":            {access: merchantOnly, owned: "supervision"},
	"GET /seller/supervision/:id/template":              {access: merchantOnly, owned: "supervision"},
	"GET /buyer/supervision":                            {access: buyerOnly},
	"GET /buyer/supervision/:id":                        {access: buyerOnly, owned: "buyer_supervision"},
	"POST /buyer/supervision/:id/requirement":           {access: buyerOnly, owned: "buyer_supervision"},
	"POST /buyer/supervision/:id/accept":                {access: buyerOnly, owned: "buyer_supervision"},
	"POST /buyer/supervision/:id/reject":                {access: buyerOnly, owned: "buyer_supervision"},
	"POST /buyer/supervision/:id/appeal":                {access: buyerOnly, owned: "buyer_supervision"},
	"GET /buyer/supervision/:id/files/:fid":             {access: buyerOnly, owned: "buyer_supervision"},
	"GET /buyer/supervision/:id/template":               {access: buyerOnly, owned: "buyer_supervision"},
	"GET /seller/bills":                                 {access: merchantOnly},
	"GET /seller/bills/:id":                             {access: merchantOnly, owned: "bill"},
	"POST /seller/bills/:id/invoice":                    {access: merchantOnly, owned: "bill"},
	"POST /seller/bills/:id/export":                     {access: merchantOnly, owned: "bill"},
	"GET /seller/trades":                                {access: merchantOnly},
	"POST /seller/trades/export":                        {access: merchantOnly},
	"GET /admin/bills":                                  {access: reviewerOnly},
	"GET /admin/bills/:id":                              {access: reviewerOnly},
	"POST /admin/bills/:id/send":                        {access: reviewerOnly},
	"POST /admin/bills/:id/countersign":                 {access: reviewerOnly},
	"POST /admin/bills/:id/approve":                     {access: reviewerOnly},
	"POST /admin/bills/:id/reject":                      {access: reviewerOnly},
	"POST /admin/bills/:id/pay":                         {access: reviewerOnly},
	"POST /admin/bills/:id/adjustments":                 {access: reviewerOnly},
	"GET /admin/supervision":                            {access: reviewerOnly},
	"GET /admin/supervision/:id":                        {access: reviewerOnly},
	"POST /admin/supervision/:id/approve":               {access: reviewerOnly},
	"POST /admin/supervision/:id/send-back":             {access: reviewerOnly},
	"POST /admin/supervision/:id/appeals/:aid/decide":   {access: reviewerOnly},
	"GET /admin/supervision/:id/files/:fid":             {access: reviewerOnly},
	"GET /admin/supervision/:id/template":               {access: reviewerOnly},
	"GET /admin/disputes":                               {access: reviewerOnly},
	"GET /admin/disputes/:id":                           {access: reviewerOnly},
	"POST /admin/disputes/:id/resolve":                  {access: reviewerOnly},
	"GET /admin":                                        {access: reviewerOnly},
	"GET /admin/realname":                               {access: reviewerOnly},
	"GET /admin/realname/:id":                           {access: reviewerOnly},
	"POST /admin/realname/:id/approve":                  {access: reviewerOnly},
	"POST /admin/realname/:id/reject":                   {access: reviewerOnly},
	"POST /admin/realname/:id/reveal":                   {access: reviewerOnly},
	"POST /admin/realname/:id/unlock":                   {access: reviewerOnly},
	"GET /admin/applications":                           {access: reviewerOnly},
	"GET /admin/applications/:id":                       {access: reviewerOnly},
	"POST /admin/applications/:id/approve":              {access: reviewerOnly},
	"POST /admin/applications/:id/reject":               {access: reviewerOnly},
	"GET /admin/certifications":                         {access: reviewerOnly},
	"GET /admin/certifications/:id":                     {access: reviewerOnly},
	"POST /admin/certifications/:id/approve":            {access: reviewerOnly},
	"POST /admin/certifications/:id/reject":             {access: reviewerOnly},
	"POST /admin/certifications/:id/unlock":             {access: reviewerOnly},
	"POST /admin/certifications/:id/reveal":             {access: reviewerOnly},
	"GET /admin/changes":                                {access: reviewerOnly},
	"GET /admin/changes/:id":                            {access: reviewerOnly},
	"POST /admin/changes/:id/approve":                   {access: reviewerOnly},
	"POST /admin/changes/:id/reject":                    {access: reviewerOnly},
	"GET /admin/merchants":                              {access: reviewerOnly},
	"GET /admin/merchants/:id":                          {access: reviewerOnly},
	"POST /admin/merchants/:id/suspend":                 {access: reviewerOnly},
	"POST /admin/merchants/:id/reinstate":               {access: reviewerOnly},
	"GET /admin/audit":                                  {access: reviewerOnly},
	"GET /admin/audit.csv":                              {access: reviewerOnly},
	"GET /admin/suggest/:kind":                          {access: reviewerOnly},
	"GET /admin/orders":                                 {access: reviewerOnly},
	"GET /admin/orders/:id":                             {access: reviewerOnly},
	"GET /admin/reviewers":                              {access: adminOnly},
	"GET /admin/reviewers/new":                          {access: adminOnly},
	"POST /admin/reviewers":                             {access: adminOnly},
	"GET /admin/settings":                               {access: adminOnly},
	"POST /admin/settings":                              {access: adminOnly},
	"POST /admin/holidays":                              {access: adminOnly},
	"POST /admin/holidays/:date/delete":                 {access: adminOnly},
	"GET /admin/assets":                                 {access: reviewerOnly},
	"GET /admin/assets/:id":                             {access: reviewerOnly},
	"POST /admin/assets/:id/approve":                    {access: reviewerOnly},
	"POST /admin/assets/:id/reject":                     {access: reviewerOnly},
	"GET /admin/product-applications":                   {access: reviewerOnly},
	"GET /admin/product-applications/:id":               {access: reviewerOnly},
	"POST /admin/product-applications/:id/approve":      {access: reviewerOnly},
	"POST /admin/product-applications/:id/reject":       {access: reviewerOnly},
	"GET /admin/regions":                                {access: adminOnly},
	"GET /admin/regions/new":                            {access: adminOnly},
	"POST /admin/regions":                               {access: adminOnly},
	"GET /admin/regions/:code/edit":                     {access: adminOnly},
	"POST /admin/regions/:code":                         {access: adminOnly},
}

// appRoutes lists the app's own routes as "METHOD /path" (catch-alls and static files aside).
func appRoutes(ta *testApp) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range ta.e.Routes() {
		if strings.Contains(r.Path, "*") || strings.HasPrefix(r.Path, "/static") || r.Method == "echo_route_any" || r.Method == "echo_route_not_found" {
			continue
		}
		path := r.Path
		if path == "" {
			path = "/"
		}
		k := r.Method + " " + path
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestRouteMatrixCoversEveryRoute(t *testing.T) {
	ta := newTestApp(t)
	have := map[string]bool{}
	for _, k := range appRoutes(ta) {
		have[k] = true
		if _, ok := routeMatrix[k]; !ok {
			t.Errorf("route %s has no entry in the route matrix", k)
		}
	}
	for k := range routeMatrix {
		if !have[k] {
			t.Errorf("route matrix names %s, which the router does not have", k)
		}
	}
}

// matrixFixture is a small world: two merchants with objects, a buyer, reviewers.
type matrixFixture struct {
	ta                    *testApp
	a, b                  models.Merchant
	aChange, aFile, aNote uint
	aAsset                uint
	aProductApp           uint
	aProduct              uint
	// An order of merchant A's product bought by buyer A, its after-sales case and an export.
	aOrder     models.Order
	aRefundRow models.Refund
	aExport    uint
	// The purchased resource (subscription) buyer A holds through that order.
	aSub uint
	// Merchant A's application tools: an access key, a production address, a debug call.
	aKey, aAddress, aDebugCall uint
	aSaaSCall                  uint
	aKitApp                    uint
	// Buyer A's organisation: a department, a user and merchant A's app bound to it
	// through buyer A's subscription, with the user authorised.
	aDept, aKitUser, aBinding, aGrant uint
	// The supervision of buyer A's order of merchant A's product, with a history file and
	// an open appeal.
	aSupFile, aAppeal uint
	// A License code of buyer A's order, not yet claimed.
	aLicense uint
	// A countersigned bill of merchant A.
	aBill string
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	ta := newTestApp(t)
	rev := ta.admin("admin@example.com")
	ta.user(models.RoleReviewer, "reviewer@example.com")
	ta.user(models.RoleBuyer, "buyer@example.com")
	a := onboarded(t, ta, "a@example.com", rev)
	b := onboarded(t, ta, "b@example.com", rev)
	ctx := context.Background()
	cr, err := ta.Store.SubmitProfileChange(ctx, models.Actor{UserID: a.OwnerUserID}, a.ID, models.ProfileOf(a), nil)
	if err != nil {
		t.Fatal(err)
	}
	var f models.File
	ta.env.DB.R.Where("owner_merchant_id = ?", a.ID).First(&f)
	var n models.Notification
	ta.env.DB.R.Where("user_id = ?", a.OwnerUserID).First(&n)
	if f.ID == 0 || n.ID == 0 {
		t.Fatal("fixture lacks a file or a notification of merchant A")
	}
	for _, m := range []models.Merchant{a, b} {
		must(t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", m.ID).Update("activated_at", ta.env.Clock.Now()).Error)
	}
	as, err := ta.Store.CreateAsset(ctx, models.Actor{UserID: a.OwnerUserID}, a.ID, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "1", Domain: "crm.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	_, papp, err := ta.Store.NewProductDraft(ctx, models.Actor{UserID: a.OwnerUserID}, a.ID, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公"})
	if err != nil {
		t.Fatal(err)
	}
	fx := &matrixFixture{ta: ta, a: a, b: b, aChange: cr.ID, aFile: f.ID, aNote: n.ID, aAsset: as.ID, aProductApp: papp.ID, aProduct: papp.ProductID}
	fx.addOrders(t)
	fx.addSaaSTools(t)
	return fx
}

// addSaaSTools gives merchant A a key, an address bound to it and a debug call.
func (fx *matrixFixture) addSaaSTools(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: fx.a.OwnerUserID}
	k, _, err := fx.ta.Store.CreateAccessKey(ctx, act, fx.a.ID, "A key")
	must(t, err)
	ad, err := fx.ta.Store.SaveProductionAddress(ctx, act, fx.a.ID, 0, models.AddressInput{Name: "A address", InterfaceType: models.InterfaceSaaS,
		Protocol: models.ProtocolV2, URL: "https://a.example.com/saas", KeyID: k.ID})
	must(t, err)
	call, err := fx.ta.Store.RecordDebugCall(ctx, fx.a.ID, models.DebugCall{UserID: fx.a.OwnerUserID, Exchange: models.Exchange{Protocol: "v2", Activity: "newInstance",
		Params: "{}", Address: ad.URL, Method: "POST", URL: ad.URL, ReqHeaders: "{}", ReqBody: "{}", RespHeaders: "{}", Checks: "[]"}})
	must(t, err)
	fx.aKey, fx.aAddress, fx.aDebugCall = k.ID, ad.ID, call.ID
	kitAddr, err := fx.ta.Store.SaveProductionAddress(ctx, act, fx.a.ID, 0, models.AddressInput{Name: "A kit address", InterfaceType: models.InterfaceKit,
		Protocol: models.ProtocolV2, URL: "https://a.example.com/produceAPI", KeyID: k.ID})
	must(t, err)
	app, _, err := fx.ta.Store.CreateKitApp(ctx, act, fx.a.ID, models.KitAppInput{Name: "A app", AuthMode: models.KitAuthOAuth2, AddressID: kitAddr.ID,
		LoginType: models.KitLoginOwn, LoginURL: "https://a.example.com/login", PublicKey: testkeys.Public3072()})
	must(t, err)
	fx.aKitApp = app.ID
	fx.addOrg(t, app)
	// A production call of merchant A's order that failed and waits for a restart.
	now := fx.ta.env.Clock.Now()
	inst := models.SaaSInstance{SubscriptionID: fx.aSub, MerchantID: fx.a.ID, BuyerID: fx.aOrder.BuyerID, ProductID: fx.aProduct,
		OrderID: fx.aOrder.ID, AddressID: ad.ID, Protocol: models.ProtocolV2, Status: models.InstanceActive, InstanceID: "inst-a",
		Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, fx.ta.env.DB.W.Create(&inst).Error)
	sc := models.SaaSCall{MerchantID: fx.a.ID, ProductID: fx.aProduct, SubscriptionID: fx.aSub, InstanceRowID: inst.ID, OrderID: fx.aOrder.ID,
		OrderNo: fx.aOrder.OrderNo, OrderLineNo: models.LineNo(fx.aOrder.OrderNo, 1), AddressID: ad.ID, Protocol: models.ProtocolV2,
		Purpose: models.PurposeRenew, Activity: "refreshInstance", Status: models.CallFailed, Params: "{}", Attempts: 7,
		RetryFrom: now, Deadline: now, FinishedAt: &now, InstanceID: "inst-a", FailedCheck: "result_code", Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, fx.ta.env.DB.W.Create(&sc).Error)
	fx.aSaaSCall = sc.ID
}

// addOrg gives buyer A an organisation with a department and a user, and binds merchant
// A's app to it through buyer A's subscription (written directly: the fixture's order
// has no provisioned instance), the user authorised.
func (fx *matrixFixture) addOrg(t *testing.T, app models.KitApp) {
	t.Helper()
	ctx := context.Background()
	var buyer models.User
	must(t, fx.ta.env.DB.R.Where("email = ?", "buyera@example.com").Take(&buyer).Error)
	act := models.Actor{UserID: buyer.ID}
	org, err := fx.ta.Store.SaveKitOrg(ctx, act, buyer.ID, 0, models.KitOrgInput{TenantCode: "buyer-a", Name: "Buyer A"})
	must(t, err)
	d, err := fx.ta.Store.SaveKitDept(ctx, act, buyer.ID, 0, models.KitDeptInput{OrgCode: "HQ", Name: "总部"})
	must(t, err)
	u, err := fx.ta.Store.SaveKitUser(ctx, act, buyer.ID, 0, 0, models.KitUserInput{UserName: "zhang", Name: "张三", OrgCode: "HQ", Password: "long-enough-pw", Enabled: true})
	must(t, err)
	now := fx.ta.env.Clock.Now()
	b := models.KitBinding{TenantRowID: org.ID, KitAppID: app.ID, MerchantID: fx.a.ID, BuyerID: buyer.ID, SubscriptionID: fx.aSub,
		OrderID: fx.aOrder.ID, OrderNo: fx.aOrder.OrderNo, ProductID: fx.aProduct, InstanceID: "inst-a", Status: models.BindingBound,
		BoundAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, fx.ta.env.DB.W.Create(&b).Error)
	g := models.KitGrant{BindingID: b.ID, UserID: u.ID, Role: models.KitRoleUser, Enabled: true, CreatedAt: now, UpdatedAt: now}
	must(t, fx.ta.env.DB.W.Create(&g).Error)
	fx.aDept, fx.aKitUser, fx.aBinding, fx.aGrant = d.ID, u.ID, b.ID, g.ID
}

// addOrders gives merchant A and buyer A an order, an after-sales case and an export,
// written directly so the fixture does not depend on the purchase flow.
func (fx *matrixFixture) addOrders(t *testing.T) {
	t.Helper()
	ta := fx.ta
	buyer := ta.user(models.RoleBuyer, "buyera@example.com")
	now := ta.env.Clock.Now()
	db := ta.env.DB.W
	o := models.Order{OrderNo: models.NewOrderNo(now), MerchantID: fx.a.ID, BuyerID: buyer.ID, ProductID: fx.aProduct,
		Kind: models.OrderNew, Status: models.OrderProcessing, ProductType: models.ProductSaaS, ProductNameZh: "协同办公",
		CustomerName: "Buyer A", CustomerEmail: "buyera@example.com", AmountFen: 10000, PaidFen: 10000, PaidAt: &now,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := db.Create(&o).Error; err != nil {
		t.Fatal(err)
	}
	sub := models.Subscription{BuyerID: buyer.ID, MerchantID: fx.a.ID, ProductID: fx.aProduct, SKUCode: "SKU-NONE", PeriodType: models.PeriodMonth,
		Quantity: 1, Status: models.SubActive, StartsAt: now, OrderID: o.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&sub).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&models.BuyerProfile{UserID: buyer.ID, SubjectType: models.BuyerEnterprise, DisplayName: "Buyer A", CreatedAt: now, UpdatedAt: now}).Error; err != nil {
		t.Fatal(err)
	}
	fx.aSub = sub.ID
	rf := models.Refund{RefundNo: models.NewRefundNo(now), OrderID: o.ID, MerchantID: fx.a.ID, BuyerID: buyer.ID,
		Kind: models.RefundNegotiated, Status: models.RefundRequested, PaidFen: 10000, AmountFen: 5000, Reason: "not used",
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := db.Create(&rf).Error; err != nil {
		t.Fatal(err)
	}
	key, size, err := ta.Blobs.Put(context.Background(), strings.NewReader("\ufefforder\n"), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	expires := now.AddDate(0, 0, 3)
	ex := models.ExportJob{MerchantID: fx.a.ID, UserID: fx.a.OwnerUserID, Format: "csv", Status: models.ExportDone,
		BlobKey: key, FileName: "orders.csv", Bytes: size, ExpiresAt: &expires, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&ex).Error; err != nil {
		t.Fatal(err)
	}
	fx.aOrder, fx.aRefundRow, fx.aExport = o, rf, ex.ID
	sv := models.Supervision{OrderID: o.ID, OrderNo: o.OrderNo, MerchantID: fx.a.ID, BuyerID: buyer.ID, ProductID: fx.aProduct,
		Scenario: models.ScenarioGeneral, Node: models.NodeRequirement, NodeSince: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&sv).Error)
	ev := models.SupervisionEvent{SupervisionID: sv.ID, Action: "start", ToNode: models.NodeRequirement, CreatedAt: now}
	must(t, db.Create(&ev).Error)
	skey, ssize, err := ta.Blobs.Put(context.Background(), strings.NewReader("%PDF-1.4 requirements"), 1<<10)
	must(t, err)
	sf := models.File{OwnerUserID: buyer.ID, Purpose: models.FileSupRequirement, RefType: "supervision_event", RefID: ev.ID, BlobKey: skey,
		Filename: "req.pdf", ContentType: "application/pdf", Size: ssize, CreatedAt: now}
	must(t, db.Create(&sf).Error)
	ap := models.SupervisionAppeal{SupervisionID: sv.ID, OrderNo: o.OrderNo, MerchantID: fx.a.ID, BuyerID: buyer.ID, By: models.SupBuyer,
		UserID: buyer.ID, Node: sv.Node, Reason: "slow", Status: models.AppealOpen, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&ap).Error)
	fx.aSupFile, fx.aAppeal = sf.ID, ap.ID
	lc := models.LicenseCode{Code: "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", MerchantID: fx.a.ID, BuyerID: buyer.ID, ProductID: fx.aProduct, OrderID: o.ID,
		OrderNo: o.OrderNo, SubscriptionID: sub.ID, Amount: 1, Status: models.LicenseAlive, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&lc).Error)
	fx.aLicense = lc.ID
	// The product's requirement template: one of merchant A's files; its software
	// package: merchant A's asset with a file; the order's License delivery with a file.
	pkey, psize, err := ta.Blobs.Put(context.Background(), strings.NewReader("PK\x03\x04 package"), 1<<10)
	must(t, err)
	pf := models.File{OwnerUserID: fx.a.OwnerUserID, OwnerMerchantID: &fx.a.ID, Purpose: "package", BlobKey: pkey, Filename: "app.zip",
		ContentType: "application/zip", Size: psize, CreatedAt: now}
	must(t, db.Create(&pf).Error)
	must(t, db.Model(&models.Asset{}).Where("id = ?", fx.aAsset).Update("file_id", pf.ID).Error)
	must(t, db.Exec(`UPDATE products SET content = ? WHERE id = ?`, `{"type":"saas","service":{"requirement_template_file_id":`+itoa64(int64(fx.aFile))+
		`},"license":{"delivery":"package_deploy","package_asset_id":`+itoa64(int64(fx.aAsset))+`}}`, fx.aProduct).Error)
	ld := models.LicenseDelivery{OrderID: o.ID, OrderNo: o.OrderNo, MerchantID: fx.a.ID, BuyerID: buyer.ID, Variant: models.LicensePackage,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&ld).Error)
	lkey, lsize, err := ta.Blobs.Put(context.Background(), strings.NewReader("license-file"), 1<<10)
	must(t, err)
	lf := models.File{OwnerUserID: fx.a.OwnerUserID, OwnerMerchantID: &fx.a.ID, Purpose: "license_file", RefType: "license_delivery", RefID: ld.ID,
		BlobKey: lkey, Filename: "license.lic", ContentType: "application/octet-stream", Size: lsize, CreatedAt: now}
	must(t, db.Create(&lf).Error)
	must(t, db.Model(&models.LicenseDelivery{}).Where("id = ?", ld.ID).Update("file_id", lf.ID).Error)
	bill := models.Bill{BillNo: "BL2026100100000001", MerchantID: fx.a.ID, Entity: models.EntityGeneral, Period: "202610", Status: models.BillCountersigned,
		StepSince: now, GeneratedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&bill).Error)
	fx.aBill = bill.BillNo
}

func (fx *matrixFixture) idFor(owned string) string {
	switch owned {
	case "change":
		return itoa64(int64(fx.aChange))
	case "file":
		return itoa64(int64(fx.aFile))
	case "notification":
		return itoa64(int64(fx.aNote))
	case "asset":
		return itoa64(int64(fx.aAsset))
	case "product_app":
		return itoa64(int64(fx.aProductApp))
	case "product":
		return itoa64(int64(fx.aProduct))
	case "order", "buyer_order":
		return fx.aOrder.OrderNo
	case "supervision", "buyer_supervision":
		return fx.aOrder.OrderNo
	case "refund", "buyer_refund":
		return fx.aRefundRow.RefundNo
	case "export":
		return itoa64(int64(fx.aExport))
	case "buyer_resource":
		return itoa64(int64(fx.aSub))
	case "access_key":
		return itoa64(int64(fx.aKey))
	case "address":
		return itoa64(int64(fx.aAddress))
	case "debug_call":
		return itoa64(int64(fx.aDebugCall))
	case "saas_call":
		return itoa64(int64(fx.aSaaSCall))
	case "kit_app":
		return itoa64(int64(fx.aKitApp))
	case "buyer_dept":
		return itoa64(int64(fx.aDept))
	case "buyer_kit_user":
		return itoa64(int64(fx.aKitUser))
	case "buyer_binding":
		return itoa64(int64(fx.aBinding))
	case "bill":
		return fx.aBill
	}
	return "1"
}

func (fx *matrixFixture) path(route string, spec routeSpec) (method, path string) {
	method, path, _ = strings.Cut(route, " ")
	path = strings.ReplaceAll(path, ":id", fx.idFor(spec.owned))
	path = strings.ReplaceAll(path, ":step", "basics")
	path = strings.ReplaceAll(path, ":gid", itoa64(int64(fx.aGrant)))
	path = strings.ReplaceAll(path, ":fid", itoa64(int64(fx.aSupFile)))
	path = strings.ReplaceAll(path, ":aid", itoa64(int64(fx.aAppeal)))
	path = strings.ReplaceAll(path, ":lid", itoa64(int64(fx.aLicense)))
	path = strings.ReplaceAll(path, ":date", "2026-10-01")
	path = strings.ReplaceAll(path, ":code", "cn-north-4")
	path = strings.ReplaceAll(path, ":sku", "SKU-NONE")
	return method, path
}

func call(c *client, method, path string, headers ...string) *resp {
	if method == http.MethodGet {
		return c.get(path, headers...)
	}
	return c.post(path, url.Values{}, headers...)
}

func TestRoleGatesOnEveryRoute(t *testing.T) {
	fx := newMatrixFixture(t)
	ta := fx.ta
	clients := map[string]*client{
		"anonymous": ta.client(),
		"merchant":  ta.loggedIn("b@example.com"),
		"buyer":     ta.loggedIn("buyer@example.com"),
		"reviewer":  ta.loggedIn("reviewer@example.com"),
		"admin":     ta.loggedIn("admin@example.com"),
	}
	allowed := func(a access, role string) bool {
		switch a {
		case public:
			return true
		case loggedIn:
			return role != "anonymous"
		case merchantOnly:
			return role == "merchant"
		case buyerOnly:
			return role == "buyer"
		case reviewerOnly:
			return role == "reviewer" || role == "admin"
		case adminOnly:
			return role == "admin"
		}
		return false
	}
	for _, route := range appRoutes(ta) {
		spec := routeMatrix[route]
		if spec.owned != "" || route == "POST /logout" {
			continue // owned objects are covered by the tenant test; logout would end the session
		}
		method, path := fx.path(route, spec)
		for _, role := range []string{"anonymous", "merchant", "buyer", "reviewer", "admin"} {
			r := call(clients[role], method, path)
			toLogin := r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/login")
			switch {
			case spec.access == oauthClient:
				if (r.Status != http.StatusBadRequest && r.Status != http.StatusUnauthorized) || !strings.Contains(r.Body, `"error":`) {
					t.Errorf("%s as %s without client credentials: status %d %s, want an OAuth error", route, role, r.Status, r.Body)
				}
			case spec.access == signed && strings.Contains(route, "/license/"):
				if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `"error_code":"92020001"`) {
					t.Errorf("%s as %s without a signature: status %d %s, want 401 92020001", route, role, r.Status, r.Body)
				}
			case spec.access == signed:
				if r.Status != http.StatusForbidden || !strings.Contains(r.Body, `"resultCode":"CBC.0150"`) {
					t.Errorf("%s as %s without a signature: status %d %s, want 403 CBC.0150", route, role, r.Status, r.Body)
				}
			case allowed(spec.access, role):
				if r.Status == http.StatusForbidden || (toLogin && spec.access != public) || r.Status >= 500 {
					t.Errorf("%s as %s: status %d (location %q), want access", route, role, r.Status, r.Location())
				}
			case role == "anonymous":
				if !toLogin {
					t.Errorf("%s as anonymous: status %d location %q, want redirect to /login", route, r.Status, r.Location())
				}
			default:
				if r.Status != http.StatusForbidden {
					t.Errorf("%s as %s: status %d, want 403", route, role, r.Status)
				}
			}
		}
	}
}

// snapshot reads merchant A's rows that the owned routes could touch.
func (fx *matrixFixture) snapshot(t *testing.T) string {
	var cr models.ChangeRequest
	var n models.Notification
	var f models.File
	var as models.Asset
	var pa models.ProductApplication
	var pr models.Product
	db := fx.ta.env.DB.R
	db.First(&pa, fx.aProductApp)
	db.First(&pr, pa.ProductID)
	db.First(&cr, fx.aChange)
	db.First(&n, fx.aNote)
	db.First(&f, fx.aFile)
	db.First(&as, fx.aAsset)
	var o models.Order
	var rf models.Refund
	var ex models.ExportJob
	var sub models.Subscription
	var subs, orders, refunds int64
	db.First(&sub, fx.aSub)
	db.First(&o, fx.aOrder.ID)
	db.First(&rf, fx.aRefundRow.ID)
	db.First(&ex, fx.aExport)
	ex.DownloadedAt, ex.UpdatedAt = nil, time.Time{} // the owner's own download is recorded
	db.Model(&models.Subscription{}).Count(&subs)
	db.Model(&models.Order{}).Count(&orders)
	db.Model(&models.Refund{}).Count(&refunds)
	var sc models.SaaSCall
	db.First(&sc, fx.aSaaSCall)
	var kd models.KitDept
	var ku models.KitUser
	var kb models.KitBinding
	var kg models.KitGrant
	db.First(&kd, fx.aDept)
	db.First(&ku, fx.aKitUser)
	db.First(&kb, fx.aBinding)
	db.First(&kg, fx.aGrant)
	var lc models.LicenseCode
	var sv models.Supervision
	var ap models.SupervisionAppeal
	db.First(&lc, fx.aLicense)
	db.Where("order_id = ?", fx.aOrder.ID).First(&sv)
	db.First(&ap, fx.aAppeal)
	b, _ := json.Marshal([]any{cr, n, f, as, pa, pr, o, rf, ex, sub, subs, orders, refunds, sc, kd, ku, kb, kg, lc, sv, ap})
	return string(b)
}

func TestOtherTenantsGet404OnEveryOwnedRoute(t *testing.T) {
	fx := newMatrixFixture(t)
	ta := fx.ta
	other := map[string]*client{"merchant": ta.loggedIn("b@example.com"), "buyer": ta.loggedIn("buyer@example.com")}
	owner := ta.loggedIn("a@example.com")
	buyerOwner := ta.loggedIn("buyera@example.com")
	before := fx.snapshot(t)
	checked := 0
	for _, route := range appRoutes(ta) {
		spec := routeMatrix[route]
		if spec.owned == "" {
			continue
		}
		method, path := fx.path(route, spec)
		for role, c := range other {
			if spec.access == merchantOnly && role != "merchant" || spec.access == buyerOnly && role != "buyer" {
				continue
			}
			for _, hx := range [][]string{nil, {"HX-Request", "true"}} {
				if r := call(c, method, path, hx...); r.Status != http.StatusNotFound {
					t.Errorf("%s as %s (htmx %v) with merchant A's id: status %d, want 404", route, role, hx != nil, r.Status)
				}
				checked++
			}
		}
		if method == http.MethodGet {
			if buyerOwned[spec.owned] {
				buyerOwner.get(path).want(http.StatusOK)
			} else {
				owner.get(path).want(http.StatusOK)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no owned route was checked")
	}
	if after := fx.snapshot(t); after != before {
		t.Fatalf("merchant A's rows changed through another tenant's requests:\n%s\n%s", before, after)
	}
}

// TestEveryStateChangeNeedsTheSessionToken: every route that changes state refuses a
// request without the session's CSRF token (403), for the very user allowed to make it,
// on the owner's own objects, and nothing changes. A new route registered without the
// check fails here.
func TestEveryStateChangeNeedsTheSessionToken(t *testing.T) {
	fx := newMatrixFixture(t)
	ta := fx.ta
	clients := map[access]*client{
		public: ta.loggedIn("b@example.com"), loggedIn: ta.loggedIn("b@example.com"), merchantOnly: ta.loggedIn("a@example.com"),
		buyerOnly: ta.loggedIn("buyera@example.com"), reviewerOnly: ta.loggedIn("admin@example.com"), adminOnly: ta.loggedIn("admin@example.com"),
	}
	before := fx.snapshot(t)
	checked := 0
	for _, route := range appRoutes(ta) {
		spec := routeMatrix[route]
		method, path := fx.path(route, spec)
		if method == http.MethodGet || spec.access == oauthClient || spec.access == signed {
			continue // unified login's token endpoint and the open APIs authenticate the caller, not a session
		}
		c := clients[spec.access]
		if spec.owned != "" && buyerOwned[spec.owned] {
			c = clients[buyerOnly]
		}
		for _, tok := range []string{"", "not-the-token"} {
			if r := c.post(path, url.Values{"_csrf": {tok}}); r.Status != http.StatusForbidden {
				t.Errorf("%s with token %q: status %d, want 403", route, tok, r.Status)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d requests checked", checked)
	}
	if after := fx.snapshot(t); after != before {
		t.Fatalf("rows changed through requests without the token:\n%s\n%s", before, after)
	}
	// The same clients are still logged in: the refusals ended nothing.
	clients[merchantOnly].get("/seller").want(http.StatusOK)
}
