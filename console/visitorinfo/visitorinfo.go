// Package visitorinfo tells who a site-chat visitor is from what their
// browser sends: the user agent parsed into browser, OS and device type
// (ua-parser's maintained regexes), the IP address resolved to a place and
// time zone through a MaxMind-format database (GeoLite2 City or compatible;
// optional), and the currency of the country.
package visitorinfo

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/oschwald/geoip2-golang/v2"
	"github.com/ua-parser/uap-go/uaparser"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"

	"github.com/switchboardhq/switchboard"
)

// Resolver turns request facts into a visitor's context. It is safe for
// concurrent use; the zero value is not: use New.
type Resolver struct {
	geo *geoip2.Reader // nil: no location database

	uaOnce sync.Once
	ua     *uaparser.Parser
}

// New opens the location database at geoPath ("" runs without one: no
// location, no time zone from the IP).
func New(geoPath string) (*Resolver, error) {
	r := &Resolver{}
	if geoPath == "" {
		return r, nil
	}
	db, err := geoip2.Open(geoPath)
	if err != nil {
		return nil, fmt.Errorf("geoip.database %s: %w", geoPath, err)
	}
	r.geo = db
	return r, nil
}

// Close releases the location database.
func (r *Resolver) Close() error {
	if r == nil || r.geo == nil {
		return nil
	}
	return r.geo.Close()
}

// HasLocation reports whether a location database is loaded.
func (r *Resolver) HasLocation() bool { return r != nil && r.geo != nil }

// Agent is what a user agent string says.
type Agent struct {
	Browser, OS string
	// Device is "desktop", "mobile", "tablet" or "bot".
	Device string
}

// ParseAgent parses a User-Agent header. The first call compiles the
// parser's regexes (some tens of milliseconds); later calls are cached.
func (r *Resolver) ParseAgent(ua string) Agent {
	if strings.TrimSpace(ua) == "" {
		return Agent{}
	}
	r.uaOnce.Do(func() {
		r.ua, _ = uaparser.New(uaparser.WithMode(uaparser.EOsLookUpMode | uaparser.EUserAgentLookUpMode | uaparser.EDeviceLookUpMode))
	})
	c := r.ua.Parse(ua)
	a := Agent{Browser: joinVersion(c.UserAgent.Family, c.UserAgent.Major), OS: joinVersion(c.Os.Family, c.Os.Major)}
	a.Device = deviceType(c.Device.Family, c.UserAgent.Family, ua)
	return a
}

func joinVersion(family, major string) string {
	if family == "" || family == "Other" {
		return ""
	}
	if major == "" {
		return family
	}
	return family + " " + major
}

// deviceType sorts a device into desktop, mobile, tablet or bot from
// ua-parser's device family and the user agent's own markers.
func deviceType(device, agent, ua string) string {
	low := strings.ToLower(ua)
	switch {
	case device == "Spider" || strings.Contains(strings.ToLower(agent), "bot") || strings.Contains(low, "bot/") || strings.Contains(low, "crawler"):
		return "bot"
	case strings.Contains(device, "iPad") || strings.Contains(low, "tablet") || (strings.Contains(low, "android") && !strings.Contains(low, "mobile")):
		return "tablet"
	case strings.Contains(low, "mobi") || strings.Contains(device, "iPhone") || strings.Contains(device, "Smartphone"):
		return "mobile"
	}
	return "desktop"
}

// Place is where an address is.
type Place struct {
	Location *switchboard.GeoLocation
	TimeZone string
	Currency string
}

// ErrNoLocation is returned by Locate when no database is loaded or the
// address is not in it.
var ErrNoLocation = errors.New("no location for this address")

// Locate resolves ip to a place; lang ("ja", "en") picks the names'
// language where the database has it (English otherwise).
func (r *Resolver) Locate(ip netip.Addr, lang string) (Place, error) {
	if !r.HasLocation() || !ip.IsValid() {
		return Place{}, ErrNoLocation
	}
	rec, err := r.geo.City(ip.Unmap())
	if err != nil {
		return Place{}, fmt.Errorf("locate %s: %w", ip, err)
	}
	if !rec.HasData() {
		return Place{}, ErrNoLocation
	}
	loc := &switchboard.GeoLocation{
		Country:     name(rec.Country.Names.English, rec.Country.Names.Japanese, lang),
		CountryCode: rec.Country.ISOCode,
		City:        name(rec.City.Names.English, rec.City.Names.Japanese, lang),
	}
	if len(rec.Subdivisions) > 0 {
		loc.Region = name(rec.Subdivisions[0].Names.English, rec.Subdivisions[0].Names.Japanese, lang)
	}
	if rec.Location.Latitude != nil && rec.Location.Longitude != nil {
		loc.Latitude, loc.Longitude = *rec.Location.Latitude, *rec.Location.Longitude
	}
	return Place{Location: loc, TimeZone: rec.Location.TimeZone, Currency: CountryCurrency(loc.CountryCode)}, nil
}

func name(en, ja, lang string) string {
	if strings.HasPrefix(lang, "ja") && ja != "" {
		return ja
	}
	return en
}

// CountryCurrency is the ISO 4217 code of the currency a country
// (ISO 3166 alpha-2) uses today, "" when unknown.
func CountryCurrency(country string) string {
	if len(country) != 2 {
		return ""
	}
	region, err := language.ParseRegion(country)
	if err != nil {
		return ""
	}
	unit, ok := currency.FromRegion(region)
	if !ok {
		return ""
	}
	return unit.String()
}
