package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
)

// Config is the hub's configuration file. Every key is documented in
// config.example.yaml; environment variables override secrets
// (SWITCHBOARD_SECRET_KEY, SWITCHBOARD_STORE_DSN, SWITCHBOARD_PUBSUB_URL,
// SWITCHBOARD_METRICS_TOKEN,
// SWITCHBOARD_CHANNEL_<ID>_<KEY>).
type Config struct {
	Listen    string `yaml:"listen"`
	PublicURL string `yaml:"public_url"`
	DataDir   string `yaml:"data_dir"`
	SecretKey string `yaml:"secret_key"`
	// OldSecretKeys still open channel secrets sealed before a rotation.
	OldSecretKeys []string       `yaml:"old_secret_keys"`
	Log           LogConfig      `yaml:"log"`
	Store         StoreConfig    `yaml:"store"`
	PubSub        PubSubConfig   `yaml:"pubsub"`
	Limits        LimitsConfig   `yaml:"limits"`
	Media         MediaConfig    `yaml:"media"`
	Metrics       MetricsConfig  `yaml:"metrics"`
	Outbound      OutboundConfig `yaml:"outbound"`
	GeoIP         GeoIPConfig    `yaml:"geoip"`
	Map           MapConfig      `yaml:"map"`
	SMTP          SMTPConfig     `yaml:"smtp"`
	// ShutdownTimeout bounds the drain after SIGTERM: stop accepting, finish
	// work in flight, publish the outbox; then the process exits 0.
	ShutdownTimeout time.Duration      `yaml:"shutdown_timeout"`
	Channels        []ChannelEntry     `yaml:"channels"`
	RoutingRules    []RoutingRuleEntry `yaml:"routing_rules"`
	Tickets         TicketsConfig      `yaml:"tickets"`
}

// TicketsConfig tunes tickets (issue 15).
type TicketsConfig struct {
	// BreachSweep is how often tickets' SLA targets are checked for
	// breaches (default 5s; every instance sweeps, each breach is
	// recorded and notified once).
	BreachSweep time.Duration `yaml:"breach_sweep"`
}

// LogConfig chooses log level and format.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// StoreConfig chooses the database.
type StoreConfig struct {
	Driver string `yaml:"driver"`
	DSN    string `yaml:"dsn"`
}

// PubSubConfig chooses the message bus.
type PubSubConfig struct {
	Driver    string `yaml:"driver"`
	URL       string `yaml:"url"`
	Namespace string `yaml:"namespace"`
	// AckWait (nats) is how long a message held by an instance that died
	// waits before another instance gets it.
	AckWait time.Duration `yaml:"ack_wait"`
}

// LimitsConfig bounds what clients may send.
type LimitsConfig struct {
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// Requests per minute on the public endpoints; 0 turns a limit off.
	WidgetPerIPPerMinute      int `yaml:"widget_per_ip_per_minute"`
	WidgetPerVisitorPerMinute int `yaml:"widget_per_visitor_per_minute"`
	LoginPerIPPerMinute       int `yaml:"login_per_ip_per_minute"`
	// LoginPerAccountPerMinute bounds attempts on one e-mail address from
	// any number of addresses.
	LoginPerAccountPerMinute int  `yaml:"login_per_account_per_minute"`
	TrustForwardedFor        bool `yaml:"trust_forwarded_for"`
	// TrustedProxies (IPs or CIDRs) are skipped from the right end of
	// X-Forwarded-For when finding the client (with trust_forwarded_for).
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// MetricsConfig protects /metrics.
type MetricsConfig struct {
	// Token, when set, is the Bearer token /metrics requires (env
	// SWITCHBOARD_METRICS_TOKEN).
	Token string `yaml:"token"`
	// Listen, when set, serves /metrics on this address only (not on the
	// main listener).
	Listen string `yaml:"listen"`
}

// trustedProxies parses limits.trusted_proxies (validated by Validate).
func (l LimitsConfig) trustedProxies() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(l.TrustedProxies))
	for i, v := range l.TrustedProxies {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("limits.trusted_proxies[%d]: %q is not an IP address or CIDR", i, v)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// MediaConfig bounds operators' uploads (POST /api/v1/media).
type MediaConfig struct {
	// MaxUploadBytes is the largest upload (default 10 MiB).
	MaxUploadBytes int64 `yaml:"max_upload_bytes"`
	// AllowedTypes are the content types (as sniffed; "image/*" matches a
	// family) accepted; empty means the console's default list.
	AllowedTypes []string `yaml:"allowed_types"`
}

// GeoIPConfig names the MaxMind-format database (GeoLite2-City or a
// compatible one) that places site-chat visitors by IP address; without
// one the hub runs and shows no location.
type GeoIPConfig struct {
	Database string `yaml:"database"`
}

// MapConfig chooses the map tiles of the console's visitor map.
type MapConfig struct {
	// TileURL is a Leaflet tile template with {z}, {x} and {y} (and
	// optionally {s}); empty means OpenStreetMap's tiles.
	TileURL string `yaml:"tile_url"`
}

// OutboundConfig tunes sending.
type OutboundConfig struct {
	Retries      int           `yaml:"retries"`
	RetryInitial time.Duration `yaml:"retry_initial"`
	RetryMax     time.Duration `yaml:"retry_max"`
	Timeout      time.Duration `yaml:"timeout"`
}

// ChannelEntry is one channel of the config file: id, type, name, paused,
// and the type's own keys, passed to the connector as JSON.
type ChannelEntry struct {
	ID     switchboard.ChannelID
	Type   string
	Name   string
	Paused bool
	Config json.RawMessage
}

// UnmarshalYAML splits the common keys from the type's own.
func (c *ChannelEntry) UnmarshalYAML(node *yaml.Node) error {
	var raw map[string]any
	if err := node.Decode(&raw); err != nil {
		return err
	}
	str := func(key string) (string, error) {
		v, ok := raw[key]
		delete(raw, key)
		if !ok || v == nil {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%s: must be a string", key)
		}
		return s, nil
	}
	id, err := str("id")
	if err != nil {
		return err
	}
	c.ID = switchboard.ChannelID(id)
	if c.Type, err = str("type"); err != nil {
		return err
	}
	if c.Name, err = str("name"); err != nil {
		return err
	}
	if v, ok := raw["paused"]; ok {
		b, ok := v.(bool)
		if !ok {
			return errors.New("paused: must be true or false")
		}
		c.Paused = b
		delete(raw, "paused")
	}
	c.Config, err = json.Marshal(raw)
	return err
}

// defaults are the embedded settings: SQLite under ./data, GoChannel, one
// site-chat channel "web", port 8080.
func defaults() Config {
	return Config{
		Listen:  ":8080",
		DataDir: "./data",
		Log:     LogConfig{Level: "info", Format: "json"},
		Store:   StoreConfig{Driver: "sqlite"},
		PubSub:  PubSubConfig{Driver: "gochannel", Namespace: "switchboard", AckWait: 30 * time.Second},
		Limits: LimitsConfig{
			MaxBodyBytes: 1 << 20, WidgetPerIPPerMinute: 1200, WidgetPerVisitorPerMinute: 120, LoginPerIPPerMinute: 20, LoginPerAccountPerMinute: 10,
		},
		Outbound: OutboundConfig{
			Retries: 6, RetryInitial: 500 * time.Millisecond, RetryMax: 30 * time.Second, Timeout: 15 * time.Second,
		},
		ShutdownTimeout: 30 * time.Second,
		Channels:        []ChannelEntry{{ID: "web", Type: "webchat", Name: "Website chat", Config: json.RawMessage("{}")}},
	}
}

// loadConfig reads path (embedded defaults when empty), applies the
// environment and validates. Errors name the field and say what is wrong.
func loadConfig(path string) (Config, error) {
	cfg := defaults()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		// A channels list in the file replaces the default one; without
		// the key the default site chat stays.
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file means all defaults
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	applyEnv(&cfg)
	if err := cfg.validate(); err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

func applyEnv(cfg *Config) {
	if v := os.Getenv("SWITCHBOARD_SECRET_KEY"); v != "" {
		cfg.SecretKey = v
	}
	if v := os.Getenv("SWITCHBOARD_STORE_DSN"); v != "" {
		cfg.Store.DSN = v
	}
	if v := os.Getenv("SWITCHBOARD_PUBSUB_URL"); v != "" {
		cfg.PubSub.URL = v
	}
	if v := os.Getenv("SWITCHBOARD_METRICS_TOKEN"); v != "" {
		cfg.Metrics.Token = v
	}
	if v := os.Getenv("SWITCHBOARD_LISTEN"); v != "" {
		cfg.Listen = v
	}
	cfg.SMTP.applyEnv()
	for i := range cfg.Channels {
		ch := &cfg.Channels[i]
		prefix := "SWITCHBOARD_CHANNEL_" + envName(string(ch.ID)) + "_"
		var keys map[string]any
		if json.Unmarshal(ch.Config, &keys) != nil || keys == nil {
			keys = map[string]any{}
		}
		changed := false
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			if strings.HasPrefix(k, prefix) {
				keys[strings.ToLower(strings.TrimPrefix(k, prefix))] = v
				changed = true
			}
		}
		if changed {
			ch.Config, _ = json.Marshal(keys)
		}
	}
}

func envName(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(s))
}

func (c *Config) validate() error {
	if c.Listen == "" {
		return errors.New("listen: empty; use an address like :8080 or 127.0.0.1:8080")
	}
	if c.PublicURL == "" {
		host := c.Listen
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("public_url: %q is not an http(s) URL", c.PublicURL)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.DataDir == "" {
		return errors.New("data_dir: empty")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		return fmt.Errorf("log.format: %q is not json or text", c.Log.Format)
	}
	switch c.Store.Driver {
	case "sqlite":
	case "postgres":
		if c.Store.DSN == "" {
			return errors.New("store.dsn: required for the postgres driver (or set SWITCHBOARD_STORE_DSN)")
		}
	default:
		return fmt.Errorf("store.driver: %q is not sqlite or postgres", c.Store.Driver)
	}
	switch c.PubSub.Driver {
	case "gochannel":
	case "nats":
		if c.PubSub.URL == "" {
			return errors.New("pubsub.url: required for the nats driver (or set SWITCHBOARD_PUBSUB_URL)")
		}
	default:
		return fmt.Errorf("pubsub.driver: %q is not gochannel or nats", c.PubSub.Driver)
	}
	if c.PubSub.AckWait < time.Second {
		return fmt.Errorf("pubsub.ack_wait: %v is below the minimum of 1s", c.PubSub.AckWait)
	}
	if c.Tickets.BreachSweep != 0 && c.Tickets.BreachSweep < time.Second {
		return fmt.Errorf("tickets.breach_sweep: %v is below the minimum of 1s", c.Tickets.BreachSweep)
	}
	if c.ShutdownTimeout < time.Second {
		return fmt.Errorf("shutdown_timeout: %v is below the minimum of 1s", c.ShutdownTimeout)
	}
	if c.SecretKey != "" {
		if k, err := hex.DecodeString(c.SecretKey); err != nil || len(k) < 32 {
			return errors.New("secret_key: must be at least 64 hex characters (32 bytes); make one with `openssl rand -hex 32`")
		}
	}
	for i, k := range c.OldSecretKeys {
		if b, err := hex.DecodeString(k); err != nil || len(b) < 32 {
			return fmt.Errorf("old_secret_keys[%d]: must be at least 64 hex characters", i)
		}
	}
	if c.Limits.MaxBodyBytes < 1024 {
		return fmt.Errorf("limits.max_body_bytes: %d is below the minimum of 1024", c.Limits.MaxBodyBytes)
	}
	for field, v := range map[string]int{
		"limits.widget_per_ip_per_minute": c.Limits.WidgetPerIPPerMinute, "limits.widget_per_visitor_per_minute": c.Limits.WidgetPerVisitorPerMinute,
		"limits.login_per_ip_per_minute": c.Limits.LoginPerIPPerMinute, "limits.login_per_account_per_minute": c.Limits.LoginPerAccountPerMinute,
	} {
		if v < 0 {
			return fmt.Errorf("%s: %d is negative (0 turns the limit off)", field, v)
		}
	}
	if _, err := c.Limits.trustedProxies(); err != nil {
		return err
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			return fmt.Errorf("metrics.listen: %q is not host:port (e.g. 127.0.0.1:9090)", c.Metrics.Listen)
		}
	}
	if c.Media.MaxUploadBytes < 0 {
		return fmt.Errorf("media.max_upload_bytes: %d is negative", c.Media.MaxUploadBytes)
	}
	for i, t := range c.Media.AllowedTypes {
		if major, minor, ok := strings.Cut(t, "/"); !ok || major == "" || minor == "" || strings.ContainsAny(t, " ;") {
			return fmt.Errorf("media.allowed_types[%d]: %q is not a content type like image/png or image/*", i, t)
		}
	}
	if err := c.SMTP.validate(); err != nil {
		return err
	}
	if c.Outbound.Retries < 0 || c.Outbound.Retries > 50 {
		return fmt.Errorf("outbound.retries: %d is out of range 0..50", c.Outbound.Retries)
	}
	if err := c.validateRoutingRules(); err != nil {
		return err
	}
	seen := map[switchboard.ChannelID]bool{}
	for i, ch := range c.Channels {
		field := fmt.Sprintf("channels[%d]", i)
		if !connectors.ValidChannelID(ch.ID) {
			return fmt.Errorf("%s.id: %q must be 1-63 lower-case letters, digits, - or _", field, ch.ID)
		}
		if seen[ch.ID] {
			return fmt.Errorf("%s.id: %q is used twice", field, ch.ID)
		}
		seen[ch.ID] = true
		if _, ok := connectors.Lookup(ch.Type); !ok {
			return fmt.Errorf("%s.type: %q is not a channel type (known: %s)", field, ch.Type, strings.Join(connectors.Types(), ", "))
		}
		// rate_limit is the hub's key, not the connector's.
		connConfig, err := router.SplitRateLimit(ch.Config)
		if err != nil {
			return fmt.Errorf("%s.%w", field, err)
		}
		// Build once with placeholder dependencies: factories validate their
		// config and do no I/O.
		if _, err := connectors.Build(ch.Type, connConfig, connectors.Deps{ChannelID: ch.ID, HubSecret: make([]byte, 32), Sink: offlineHub{}, Hub: offlineHub{}, PublicURL: c.PublicURL, WebhookURL: c.PublicURL + "/webhooks/" + string(ch.ID)}); err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
	}
	return nil
}

// secretKey returns the hub secret: from config or environment, else from
// data_dir/secret.key, created (0600) on first start.
func (c *Config) secretKey() ([]byte, error) {
	if c.SecretKey != "" {
		return hex.DecodeString(c.SecretKey)
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 32 {
			return nil, fmt.Errorf("%s: not a hex key of 32 bytes or more", path)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	k := randomBytes(32)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return k, nil
}

func (c *Config) oldSecretKeys() ([][]byte, error) {
	var out [][]byte
	for _, k := range c.OldSecretKeys {
		b, err := hex.DecodeString(k)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
