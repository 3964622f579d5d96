package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScaleOutConfig: the keys of a multi-instance deployment are read and
// checked, with the field named when wrong; rate_limit is accepted on any
// channel although connectors decode their own keys strictly.
func TestScaleOutConfig(t *testing.T) {
	base := `store:
  driver: postgres
  dsn: postgres://db/switchboard
pubsub:
  driver: nats
  url: nats://127.0.0.1:4222
  namespace: prod
  ack_wait: 5s
shutdown_timeout: 20s
channels:
  - id: line
    type: line
    channel_secret: s
    channel_access_token: t
    rate_limit: 50
`
	dir := t.TempDir()
	path := filepath.Join(dir, "ok.yaml")
	writeFile(t, path, base)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	if cfg.PubSub.AckWait != 5*time.Second || cfg.ShutdownTimeout != 20*time.Second || cfg.PubSub.Namespace != "prod" {
		t.Fatalf("config = %+v", cfg)
	}
	for _, tc := range []struct{ from, to, want string }{
		{"rate_limit: 50", "rate_limit: -2", "channels[0].rate_limit: must be a number"},
		{"rate_limit: 50", "rate_limit: fast", "channels[0].rate_limit: must be a number"},
		{"  url: nats://127.0.0.1:4222\n", "", "pubsub.url: required"},
		{"ack_wait: 5s", "ack_wait: 10ms", "pubsub.ack_wait:"},
		{"shutdown_timeout: 20s", "shutdown_timeout: 0s", "shutdown_timeout:"},
	} {
		path := filepath.Join(dir, "bad.yaml")
		writeFile(t, path, strings.Replace(base, tc.from, tc.to, 1))
		if _, err := loadConfig(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q → %q: err %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}
