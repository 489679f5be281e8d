package pages

import (
	"strings"
	"testing"

	"sellercenter/models"
)

func TestSpecRowsReadTheirRegions(t *testing.T) {
	f := ProductFields{SpecName: []string{"a", "b"}, SpecRegion: []string{"1:cn-south-1", "0:cn-north-4", "1:cn-north-4", "x:cn-north-4", "5:cn-north-4", "0:"}}
	rows := f.Specs()
	if strings.Join(rows[0].Regions, ",") != "cn-north-4" || strings.Join(rows[1].Regions, ",") != "cn-south-1,cn-north-4" {
		t.Fatalf("rows %+v", rows)
	}
	if _, _, ok := SpecRegionValue(SpecRegionEntry(3, "cn-north-4")); !ok {
		t.Fatal("an entry does not read back")
	}
}

func TestRegionChoicesKeepTickedRegionsTheRulesRefuse(t *testing.T) {
	north := models.Region{Code: "cn-north-4", NameEn: "CN North-Beijing4", NameZh: "华北-北京四", Recommended: true}
	south := models.Region{Code: "cn-south-1", NameEn: "CN South-Guangzhou", NameZh: "华南-广州"}
	vm := ProductAppVM{Form: ProductFields{SalesRegions: []string{"cn-south-1", "mars-1"}},
		Regions: models.RegionRules{Image: true, ImageChosen: true, Offered: []string{"cn-north-4", "cn-south-1"}, Replicated: []string{"cn-north-4"}, Catalog: []models.Region{north, south}}}
	var got []string
	for _, c := range vm.SalesRegionChoices() {
		got = append(got, c.Region.Code+":"+map[bool]string{true: "ticked", false: "open"}[c.Checked]+":"+map[bool]string{true: "outside", false: "ok"}[c.Outside]+":"+regionChoiceLabel("zh-CN", c))
	}
	want := "cn-north-4:open:ok:华北-北京四|cn-south-1:ticked:outside:华南-广州|mars-1:ticked:outside:mars-1"
	if strings.Join(got, "|") != want {
		t.Fatalf("choices %q, want %q", strings.Join(got, "|"), want)
	}
	doc := renderDoc(t, "en", salesRegions(vm))
	if doc.Find(`input[name="sales_regions"]`).Length() != 3 || !strings.Contains(doc.Text(), "no longer available") ||
		!strings.Contains(doc.Text(), "all of the image's regions") {
		t.Fatalf("rendered %q", doc.Text())
	}
}
