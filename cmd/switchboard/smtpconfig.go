package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/notify"
	"github.com/switchboardhq/switchboard/store"
)

// SMTPConfig is the mail server operators' e-mail notifications go
// through (the top-level smtp: block). Without addr no e-mail is sent.
type SMTPConfig struct {
	Addr     string `yaml:"addr"`
	Username string `yaml:"username"`
	// Password is a secret (also from SWITCHBOARD_SMTP_PASSWORD); it is
	// never logged.
	Password string `yaml:"password"`
	From     string `yaml:"from"`
	// TLS is starttls (default), tls (implicit, usually port 465) or none.
	TLS string `yaml:"tls"`
}

// applyEnv takes the password from the environment when set there.
func (c *SMTPConfig) applyEnv() {
	if v := os.Getenv("SWITCHBOARD_SMTP_PASSWORD"); v != "" {
		c.Password = v
	}
}

// validate checks the block; an empty one (no addr) turns e-mail off.
func (c *SMTPConfig) validate() error {
	if c.TLS == "" {
		c.TLS = "starttls"
	}
	switch c.TLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf("smtp.tls: %q is not one of starttls, tls, none", c.TLS)
	}
	if c.Addr == "" {
		if c.From != "" || c.Username != "" {
			return errors.New("smtp.addr: required when smtp is configured (host:port, e.g. smtp.example.com:587)")
		}
		return nil
	}
	if host, port, err := net.SplitHostPort(c.Addr); err != nil || host == "" || port == "" {
		return fmt.Errorf("smtp.addr: %q is not host:port (e.g. smtp.example.com:587)", c.Addr)
	}
	if c.From == "" {
		return errors.New("smtp.from: required with smtp.addr (the sender, e.g. \"Support <support@example.com>\")")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("smtp.from: %q is not an address like \"Support <support@example.com>\"", c.From)
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("smtp.username: required with a password")
	}
	return nil
}

// notifier is the block as the notifier takes it.
func (c SMTPConfig) notifier() notify.SMTPConfig {
	return notify.SMTPConfig{Addr: c.Addr, Username: c.Username, Password: c.Password, From: c.From, TLS: c.TLS}
}

// String never shows the password.
func (c SMTPConfig) String() string {
	return fmt.Sprintf("smtp{addr=%s from=%s tls=%s user=%s}", c.Addr, c.From, c.TLS, c.Username)
}

// newNotifier builds the notifier of operators' notifications and has rt
// hand it every committed event; its sender runs with runNotifier.
// secrets (the hub's secret key first) seal the VAPID private key.
func newNotifier(st store.Store, rt *router.Router, cfg Config, log *slog.Logger, secrets ...[]byte) (*notify.Notifier, error) {
	sealer, err := router.NewSealer(secrets...)
	if err != nil {
		return nil, err
	}
	n := notify.New(st, notify.Config{
		Secrets:    sealer,
		PublicURL:  cfg.PublicURL,
		SMTP:       cfg.SMTP.notifier(),
		HTTPClient: connectors.NewHTTPClient(cfg.Outbound.Timeout),
		Logger:     log.With("component", "notify"),
		SMS:        rt.Channels,
	})
	rt.OnEvent("notify", n.HandleEvent)
	return n, nil
}

// runNotifier makes the VAPID keys on first start (stored, shared by
// every instance) and sends notifications until ctx is done.
func runNotifier(ctx context.Context, n *notify.Notifier, log *slog.Logger) {
	if _, err := n.VAPIDPublicKey(ctx); err != nil {
		log.Warn("no VAPID keys yet; Web Push waits until the store answers", "err", err)
	}
	n.Run(ctx)
}
