package seed

import (
	"fmt"
	"math/rand/v2"

	"sellercenter/models"
)

// Word pools for generated companies, people and products: plausible, mixed Chinese and
// English, and varied enough that name filters and searches select realistic fractions.
var (
	bulkCities     = []string{"北京", "上海", "深圳", "杭州", "成都", "南京", "武汉", "西安", "苏州", "广州", "天津", "重庆", "合肥", "厦门", "长沙", "青岛"}
	bulkBrands     = []string{"星云", "远航", "云帆", "智联", "长风", "启明", "蓝海", "极光", "盛世", "华信", "鼎新", "天行", "汇通", "卓越", "明德", "恒泰", "博远", "新锐", "万象", "睿达"}
	bulkIndustries = []string{"信息技术", "软件", "网络科技", "数据服务", "智能科技", "云计算", "电子商务", "系统集成"}
	bulkBrandsEn   = []string{"Nebula", "Voyager", "Cloudsail", "Nexus", "Longwind", "Aurora", "Bluesea", "Polaris", "Summit", "Keystone", "Meridian", "Horizon", "Evergreen", "Pioneer", "Zenith", "Atlas"}
	bulkSuffixesEn = []string{"Technologies Ltd.", "Software Co., Ltd.", "Data Systems Inc.", "Trading Ltd.", "Networks Ltd.", "Consulting Group"}
	bulkSurnames   = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"}
	bulkGiven      = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "俊杰", "子涵", "浩然", "欣怡", "雨桐", "思远"}
	bulkFirstEn    = []string{"Emily", "James", "Olivia", "Daniel", "Sophia", "Michael", "Grace", "David", "Chloe", "Ryan", "Hannah", "Kevin", "Lucy", "Jason", "Amy", "Eric"}
	bulkLastEn     = []string{"Chen", "Wang", "Smith", "Li", "Johnson", "Zhang", "Brown", "Liu", "Taylor", "Huang", "Wilson", "Lin", "Clark", "Zhou", "Walker", "Wu"}
)

// bulkProductKind is a product template: names, type, category and specs.
type bulkProductKind struct {
	zh, en, typ, category string
	specs                 []bulkSpecKind
}

// bulkSpecKind is a spec template; prices in fen, zero when not offered.
type bulkSpecKind struct {
	name                            string
	mode                            string
	year, month, oneTime, hour, pkg int64
	linear                          string
	linearMin, linearMax, trialDays int
	regions                         []string
}

var bulkProductKinds = []bulkProductKind{
	{"协同办公", "Teamwork", models.ProductSaaS, "office", []bulkSpecKind{
		{name: "基础版 20 用户", mode: models.BillingPeriod, year: 299900, month: 29900, trialDays: 14},
		{name: "专业版 100 用户", mode: models.BillingPeriod, year: 999900, month: 99900},
		{name: "按用户数", mode: models.BillingPeriod, year: 19900, month: 1990, linear: "amount", linearMin: 5, linearMax: 500}}},
	{"客户关系管理", "CRM", models.ProductSaaS, "ecommerce", []bulkSpecKind{
		{name: "标准版", mode: models.BillingPeriod, year: 599900, month: 59900, trialDays: 30},
		{name: "旗舰版", mode: models.BillingPeriod, year: 1999900, month: 199900}}},
	{"网站建设平台", "Site Builder", models.ProductSaaS, "website", []bulkSpecKind{
		{name: "个人版", mode: models.BillingPeriod, year: 69900, month: 6900, trialDays: 7},
		{name: "企业版", mode: models.BillingPeriod, year: 299900}}},
	{"数据可视化", "Data Insight", models.ProductSaaS, "data", []bulkSpecKind{
		{name: "团队版", mode: models.BillingPeriod, year: 899900, month: 89900},
		{name: "分析套餐包", mode: models.BillingPackage, pkg: 150000}}},
	{"智能客服", "AI Assistant", models.ProductSaaS, "ai", []bulkSpecKind{
		{name: "1 万次调用", mode: models.BillingPackage, pkg: 99900},
		{name: "坐席版", mode: models.BillingPeriod, month: 39900, linear: "amount", linearMin: 1, linearMax: 50}}},
	{"LAMP 运行环境", "LAMP Stack", models.ProductImage, "dev_tools", []bulkSpecKind{
		{name: "按核计费", mode: models.BillingOnDemand, hour: 12, regions: []string{"cn-north-4", "cn-south-1"}}}},
	{"数据库镜像", "Database Image", models.ProductImage, "data", []bulkSpecKind{
		{name: "按核计费", mode: models.BillingOnDemand, hour: 25, regions: []string{"cn-north-4", "cn-east-3"}},
		{name: "包年授权", mode: models.BillingPeriod, year: 360000, month: 36000, regions: []string{"cn-north-4"}}}},
	{"文档加密", "DocGuard", models.ProductLicense, "security", []bulkSpecKind{
		{name: "10 终端永久授权", mode: models.BillingOneTime, oneTime: 680000},
		{name: "100 终端永久授权", mode: models.BillingOneTime, oneTime: 4800000}}},
	{"终端安全", "Endpoint Shield", models.ProductLicense, "security", []bulkSpecKind{
		{name: "年度授权", mode: models.BillingPeriod, year: 12000, linear: "amount", linearMin: 10, linearMax: 500}}},
	{"上云迁移服务", "Cloud Migration", models.ProductService, "professional", []bulkSpecKind{
		{name: "标准迁移包", mode: models.BillingOneTime, oneTime: 2000000},
		{name: "大型迁移包", mode: models.BillingOneTime, oneTime: 8800000}}},
	{"等保咨询", "Compliance Consulting", models.ProductService, "professional", []bulkSpecKind{
		{name: "二级等保", mode: models.BillingOneTime, oneTime: 3500000}}},
	{"边缘计算网关", "Edge Gateway", models.ProductHardware, "industry", []bulkSpecKind{
		{name: "标准款", mode: models.BillingOneTime, oneTime: 458000}}},
}

// bulkCompany makes a Chinese company name from the merchant's index, unique for the
// first few thousand indexes and plausible beyond.
func bulkCompany(i int) string {
	city := bulkCities[i%len(bulkCities)]
	brand := bulkBrands[(i/len(bulkCities))%len(bulkBrands)]
	ind := bulkIndustries[(i/(len(bulkCities)*len(bulkBrands)))%len(bulkIndustries)]
	name := city + brand + ind + "有限公司"
	if n := len(bulkCities) * len(bulkBrands) * len(bulkIndustries); i >= n {
		name = fmt.Sprintf("%s%s%s（%d）有限公司", city, brand, ind, i/n+1)
	}
	return name
}

// bulkPerson makes a person's name, Chinese seven times in ten.
func bulkPerson(r *rand.Rand) string {
	if r.IntN(10) < 7 {
		return bulkSurnames[r.IntN(len(bulkSurnames))] + bulkGiven[r.IntN(len(bulkGiven))]
	}
	return bulkFirstEn[r.IntN(len(bulkFirstEn))] + " " + bulkLastEn[r.IntN(len(bulkLastEn))]
}

// bulkBuyerName makes a buyer's display name: a company for enterprise buyers (Chinese
// or English), a person for personal ones.
func bulkBuyerName(r *rand.Rand, enterprise bool) string {
	if !enterprise {
		return bulkPerson(r)
	}
	if r.IntN(10) < 7 {
		return bulkCities[r.IntN(len(bulkCities))] + bulkBrands[r.IntN(len(bulkBrands))] + bulkIndustries[r.IntN(len(bulkIndustries))] + "有限公司"
	}
	return bulkBrandsEn[r.IntN(len(bulkBrandsEn))] + " " + bulkSuffixesEn[r.IntN(len(bulkSuffixesEn))]
}

// bulkCode makes prefix + n characters of codeAlphabet from r.
func bulkCode(r *rand.Rand, prefix string, n int) string {
	const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, len(prefix)+n)
	copy(b, prefix)
	for i := len(prefix); i < len(b); i++ {
		b[i] = codeAlphabet[r.IntN(len(codeAlphabet))]
	}
	return string(b)
}
