package switchboard

import "time"

// CustomerContext is what the hub knows of where a customer is and with
// what: for a site-chat visitor the page, browser and place the widget and
// its requests tell; for a messaging channel the channel and first and last
// contact. Empty fields are unknown (or not collected: a workspace can turn
// off IP and location collection).
type CustomerContext struct {
	// PageURL and PageTitle are the page the visitor is on now.
	PageURL   string `json:"page_url,omitempty"`
	PageTitle string `json:"page_title,omitempty"`
	// Pages are the pages of this visit, oldest first, at most MaxPageViews.
	Pages    []PageView `json:"pages"`
	Referrer string     `json:"referrer,omitempty"`
	// Browser ("Chrome 131"), OS ("Windows 10") and Device ("desktop",
	// "mobile", "tablet" or "bot") are parsed from the user agent.
	Browser   string       `json:"browser,omitempty"`
	OS        string       `json:"os,omitempty"`
	Device    string       `json:"device,omitempty"`
	UserAgent string       `json:"user_agent,omitempty"`
	Language  string       `json:"language,omitempty"`
	IP        string       `json:"ip,omitempty"`
	Location  *GeoLocation `json:"location,omitempty"`
	// TimeZone is an IANA name ("Asia/Tokyo"), from the browser or the
	// location database.
	TimeZone string `json:"time_zone,omitempty"`
	// Currency is the ISO 4217 code of the visitor's country ("JPY").
	Currency string `json:"currency,omitempty"`
	// Channel and ChannelType are where the customer last wrote from.
	Channel     ChannelID  `json:"channel,omitempty"`
	ChannelType string     `json:"channel_type,omitempty"`
	FirstSeenAt *time.Time `json:"first_seen_at,omitempty"`
	LastSeenAt  *time.Time `json:"last_seen_at,omitempty"`
}

// MaxPageViews caps CustomerContext.Pages; older views are dropped first.
const MaxPageViews = 50

// PageView is one page a visitor opened, and when.
type PageView struct {
	URL   string    `json:"url"`
	Title string    `json:"title,omitempty"`
	At    time.Time `json:"at"`
}

// GeoLocation is where an IP address is, from a MaxMind-format database.
type GeoLocation struct {
	Country     string  `json:"country,omitempty"`
	CountryCode string  `json:"country_code,omitempty"`
	Region      string  `json:"region,omitempty"`
	City        string  `json:"city,omitempty"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
}

// WorkspaceSettings are a workspace's privacy choices for visitor data.
type WorkspaceSettings struct {
	// CollectIP and CollectLocation let the hub keep a visitor's IP address
	// and the place it resolves to (both on by default).
	CollectIP       bool `json:"collect_ip"`
	CollectLocation bool `json:"collect_location"`
	// VisitorRetentionDays, when above zero, is how long a visitor's
	// context (pages, IP, location, browser) is kept after they were last
	// seen; 0 keeps it.
	VisitorRetentionDays int `json:"visitor_retention_days"`
}

// DefaultWorkspaceSettings are the settings of a workspace that never saved any.
func DefaultWorkspaceSettings() WorkspaceSettings {
	return WorkspaceSettings{CollectIP: true, CollectLocation: true}
}
