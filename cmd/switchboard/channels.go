package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// configDeps are the dependencies a connector gets outside a running hub
// (checks, simulation): no sink, the config's URLs.
func configDeps(cfg Config, ch ChannelEntry, secret []byte) connectors.Deps {
	return connectors.Deps{
		ChannelID:  ch.ID,
		Sink:       offlineHub{},
		Hub:        offlineHub{},
		PublicURL:  cfg.PublicURL,
		WebhookURL: cfg.PublicURL + "/webhooks/" + string(ch.ID),
		HTTPClient: connectors.NewHTTPClient(15 * time.Second),
		HubSecret:  secret,
		Now:        time.Now,
		Logger:     newLogger(LogConfig{Level: "error", Format: "text"}, io.Discard),
	}
}

// cmdChannelsCheck checks each configured channel's credentials against
// its provider and says clearly what is wrong. It exits non-zero when any
// check fails.
func cmdChannelsCheck(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("channels check", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	failed := 0
	for _, ch := range cfg.Channels {
		if len(pos) > 0 && !containsString(pos, string(ch.ID)) {
			continue
		}
		conn, err := connectors.Build(ch.Type, ch.Config, configDeps(cfg, ch, make([]byte, 32)))
		if err != nil {
			fmt.Fprintf(stdout, "%-16s %-9s FAIL  %v\n", ch.ID, ch.Type, err)
			failed++
			continue
		}
		checker, ok := conn.(connectors.CredentialChecker)
		if !ok {
			fmt.Fprintf(stdout, "%-16s %-9s ok    (no credentials to check)\n", ch.ID, ch.Type)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err = checker.CheckCredentials(cctx)
		cancel()
		if err != nil {
			fmt.Fprintf(stdout, "%-16s %-9s FAIL  %v\n", ch.ID, ch.Type, err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%-16s %-9s ok    credentials accepted by the provider\n", ch.ID, ch.Type)
	}
	if failed > 0 {
		return fmt.Errorf("%d channel(s) failed the check", failed)
	}
	return nil
}

// cmdSimulate sends a correctly signed provider webhook (or, for the site
// chat, a visitor message) for a text to a running hub, so a channel can be
// tried without a provider account.
func cmdSimulate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	text := fs.String("text", "", "what the customer writes")
	from := fs.String("from", "", "the customer's id at the provider (default: a fixed test user)")
	hubURL := fs.String("url", "", "the hub's base URL (default: public_url of the config)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("simulate: name exactly one CHANNEL id")
	}
	if strings.TrimSpace(*text) == "" {
		return usageError("--text: required")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	var entry *ChannelEntry
	for i := range cfg.Channels {
		if string(cfg.Channels[i].ID) == pos[0] {
			entry = &cfg.Channels[i]
		}
	}
	if entry == nil {
		return fmt.Errorf("simulate: no channel %q in the config", pos[0])
	}
	base := strings.TrimRight(cfg.PublicURL, "/")
	if *hubURL != "" {
		base = strings.TrimRight(*hubURL, "/")
	}
	conn, err := connectors.Build(entry.Type, entry.Config, configDeps(cfg, *entry, make([]byte, 32)))
	if err != nil {
		return err
	}
	sim, ok := conn.(connectors.Simulator)
	if !ok {
		if entry.Type == "webchat" {
			return simulateWebchat(ctx, base, entry.ID, *text, stdout)
		}
		return fmt.Errorf("simulate: channel type %s has no simulator", entry.Type)
	}
	sender := switchboard.ExternalID(*from)
	webhookURL := base + "/webhooks/" + string(entry.ID)
	req, err := sim.SimulateText(ctx, webhookURL, sender, *text)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprintf(stdout, "POST %s → %s %s\n", webhookURL, resp.Status, strings.TrimSpace(string(body)))
	if resp.StatusCode >= 300 {
		return errors.New("simulate: the hub refused the webhook")
	}
	return nil
}

func simulateWebchat(ctx context.Context, base string, channel switchboard.ChannelID, text string, stdout io.Writer) error {
	post := func(path, bearer, body string) (int, string, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return resp.StatusCode, string(b), nil
	}
	code, body, err := post("/widget/v1/sessions", "", fmt.Sprintf(`{"channel":%q}`, channel))
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if code != http.StatusCreated {
		return fmt.Errorf("simulate: session refused: %d %s", code, body)
	}
	var sess struct{ Token string }
	if err := jsonUnmarshalString(body, &sess); err != nil {
		return err
	}
	code, body, err = post("/widget/v1/messages", sess.Token, fmt.Sprintf(`{"text":%q}`, text))
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	fmt.Fprintf(stdout, "POST %s/widget/v1/messages → %d %s\n", base, code, strings.TrimSpace(body))
	if code != http.StatusCreated {
		return errors.New("simulate: the hub refused the message")
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
