package visitorinfo_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/switchboardhq/switchboard/console/visitorinfo"
	"github.com/switchboardhq/switchboard/console/visitorinfo/geotest"
)

func TestParseAgent(t *testing.T) {
	r, err := visitorinfo.New("")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ua   string
		want visitorinfo.Agent
	}{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", visitorinfo.Agent{Browser: "Chrome 131", OS: "Windows 10", Device: "desktop"}},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", visitorinfo.Agent{Browser: "Mobile Safari 17", OS: "iOS 17", Device: "mobile"}},
		{"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", visitorinfo.Agent{Browser: "Mobile Safari 16", OS: "iOS 16", Device: "tablet"}},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0", visitorinfo.Agent{Browser: "Firefox 128", OS: "Mac OS X 14", Device: "desktop"}},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", visitorinfo.Agent{Browser: "Googlebot 2", Device: "bot"}},
		{"", visitorinfo.Agent{}},
	}
	for _, c := range cases {
		if got := r.ParseAgent(c.ua); got != c.want {
			t.Errorf("ParseAgent(%.40q) = %+v, want %+v", c.ua, got, c.want)
		}
	}
}

func TestLocate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "city.mmdb")
	if err := geotest.Write(path); err != nil {
		t.Fatal(err)
	}
	r, err := visitorinfo.New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := r.Locate(netip.MustParseAddr(geotest.TokyoIP), "ja")
	if err != nil {
		t.Fatal(err)
	}
	if p.Location.City != "千代田区" || p.Location.Country != "日本" || p.Location.CountryCode != "JP" || p.TimeZone != "Asia/Tokyo" || p.Currency != "JPY" {
		t.Errorf("Tokyo in ja: %+v %+v", p, *p.Location)
	}
	p, err = r.Locate(netip.MustParseAddr(geotest.LondonIP), "en")
	if err != nil {
		t.Fatal(err)
	}
	if p.Location.City != "London" || p.Location.Region != "England" || p.Location.Latitude != 51.5142 || p.Location.Longitude != -0.0931 || p.Currency != "GBP" || p.TimeZone != "Europe/London" {
		t.Errorf("London in en: %+v %+v", p, *p.Location)
	}
	if _, err := r.Locate(netip.MustParseAddr("192.0.2.1"), "en"); err == nil {
		t.Error("an address outside the database has a location")
	}
	none, _ := visitorinfo.New("")
	if _, err := none.Locate(netip.MustParseAddr(geotest.LondonIP), "en"); err == nil {
		t.Error("no database, yet a location")
	}
	if _, err := visitorinfo.New(filepath.Join(t.TempDir(), "missing.mmdb")); err == nil {
		t.Error("a missing database opened")
	}
}

func TestCountryCurrency(t *testing.T) {
	for cc, want := range map[string]string{"JP": "JPY", "US": "USD", "DE": "EUR", "GB": "GBP", "": "", "XX": "", "toolong": ""} {
		if got := visitorinfo.CountryCurrency(cc); got != want {
			t.Errorf("CountryCurrency(%q) = %q, want %q", cc, got, want)
		}
	}
}
