// Package geotest writes a small MaxMind-format (GeoIP2-City) database for
// tests, with mmdbwriter: two known networks, one in London and one in
// Tokyo, with English and Japanese names, coordinates and time zones.
package geotest

import (
	"fmt"
	"net"
	"os"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Known test addresses and what the database says of them.
const (
	LondonIP = "81.2.69.142"
	TokyoIP  = "133.242.187.207"
)

type place struct {
	network                        string
	country, countryJA, iso        string
	region, regionJA, city, cityJA string
	lat, lon                       float64
	tz                             string
}

var places = []place{
	{"81.2.69.0/24", "United Kingdom", "イギリス", "GB", "England", "イングランド", "London", "ロンドン", 51.5142, -0.0931, "Europe/London"},
	{"133.242.187.0/24", "Japan", "日本", "JP", "Tokyo", "東京都", "Chiyoda", "千代田区", 35.6940, 139.7536, "Asia/Tokyo"},
}

func names(en, ja string) mmdbtype.Map {
	return mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(en), "ja": mmdbtype.String(ja)}}
}

// Write writes the database to path.
func Write(path string) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoIP2-City", RecordSize: 24})
	if err != nil {
		return fmt.Errorf("geotest: %w", err)
	}
	for _, p := range places {
		_, network, err := net.ParseCIDR(p.network)
		if err != nil {
			return fmt.Errorf("geotest: %w", err)
		}
		country := names(p.country, p.countryJA)
		country["iso_code"] = mmdbtype.String(p.iso)
		region := names(p.region, p.regionJA)
		rec := mmdbtype.Map{
			"country":      country,
			"subdivisions": mmdbtype.Slice{region},
			"city":         names(p.city, p.cityJA),
			"location": mmdbtype.Map{
				"latitude": mmdbtype.Float64(p.lat), "longitude": mmdbtype.Float64(p.lon),
				"time_zone": mmdbtype.String(p.tz),
			},
		}
		if err := tree.Insert(network, rec); err != nil {
			return fmt.Errorf("geotest: insert %s: %w", p.network, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("geotest: %w", err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("geotest: write %s: %w", path, err)
	}
	return f.Close()
}
