package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mdp/qrterminal/v3"
	"golang.org/x/term"
)

// TokenEnv is the environment variable holding the API token of commands
// that talk to a running hub.
const TokenEnv = "SWITCHBOARD_TOKEN"

// cmdWhatsApp runs `switchboard whatsapp link CHANNEL`.
func cmdWhatsApp(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "link" {
		return usageError("whatsapp: the only subcommand is 'link'")
	}
	return cmdWhatsAppLink(ctx, args[1:], stdout)
}

// cmdWhatsAppLink links a WhatsApp device-mode channel: it polls the
// running hub's channel answer and draws its status.qr in the terminal
// whenever it changes (or, with --phone, asks the hub for a pairing code
// and prints it), and returns once the channel is linked, printing the
// account.
func cmdWhatsAppLink(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("whatsapp link", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	hubURL := fs.String("url", "", "the hub's base URL (default: public_url of the config)")
	token := fs.String("token", "", "an admin API token (default: $"+TokenEnv+")")
	phone := fs.String("phone", "", "pair by a code typed on this phone (international format) instead of scanning")
	interval := fs.Duration("interval", 2*time.Second, "how often to ask the hub for the channel's status")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("whatsapp link: name exactly one CHANNEL id")
	}
	tok := strings.TrimSpace(*token)
	if tok == "" {
		tok = strings.TrimSpace(os.Getenv(TokenEnv))
	}
	if tok == "" {
		return usageError("whatsapp link: --token or " + TokenEnv + ": an admin API token is required")
	}
	if *interval <= 0 {
		return usageError("--interval: must be positive")
	}
	base := strings.TrimRight(*hubURL, "/")
	if base == "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		base = strings.TrimRight(cfg.PublicURL, "/")
	}
	hub := &hubAPI{base: base, token: tok, http: &http.Client{Timeout: 30 * time.Second}}
	channelPath := "/api/v1/channels/" + url.PathEscape(pos[0])

	if *phone != "" {
		var answer struct {
			PairCode string `json:"pair_code"`
		}
		if err := hub.do(ctx, http.MethodPost, channelPath+"/link", map[string]string{"phone": *phone}, &answer); err != nil {
			return fmt.Errorf("whatsapp link: pairing code: %w", err)
		}
		fmt.Fprintf(stdout, "On the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead, and enter\n\n    %s\n\n", answer.PairCode)
	}
	var shownQR, shownState, shownReason string
	for {
		var ch struct {
			Type   string `json:"type"`
			Status struct {
				State   string `json:"state"`
				Reason  string `json:"reason"`
				QR      string `json:"qr"`
				Account string `json:"account"`
			} `json:"status"`
		}
		if err := hub.do(ctx, http.MethodGet, channelPath, nil, &ch); err != nil {
			return fmt.Errorf("whatsapp link: %w", err)
		}
		st := ch.Status
		if ch.Type != "" && ch.Type != "whatsapp" {
			return fmt.Errorf("whatsapp link: channel %s is a %s channel, not whatsapp", pos[0], ch.Type)
		}
		switch {
		case st.State == "ok" && st.Account != "":
			fmt.Fprintf(stdout, "Linked: channel %s is WhatsApp %s.\n", pos[0], st.Account)
			return nil
		case st.State == "outdated_client" || st.State == "temporary_ban":
			return fmt.Errorf("whatsapp link: channel %s is %s: %s", pos[0], st.State, st.Reason)
		case st.State == "unpaired" && st.QR != "" && st.QR != shownQR && *phone == "":
			shownQR = st.QR
			clearTerminal(stdout)
			fmt.Fprintf(stdout, "Scan with the phone: WhatsApp → Linked devices → Link a device (channel %s)\n", pos[0])
			qrterminal.GenerateHalfBlock(st.QR, qrterminal.L, stdout)
			fmt.Fprintln(stdout, "The code changes every 20 seconds or so; this picture follows it.")
		case st.State != shownState || st.Reason != shownReason:
			if st.State != "unpaired" {
				msg := "waiting for the hub to run the device"
				if st.State != "ok" {
					msg = st.State
					if st.Reason != "" {
						msg += ": " + st.Reason
					}
				}
				fmt.Fprintf(stdout, "Channel %s: %s…\n", pos[0], msg)
			}
		}
		shownState, shownReason = st.State, st.Reason
		t := time.NewTimer(*interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// clearTerminal clears the screen before a new QR code, when stdout is a
// terminal.
func clearTerminal(w io.Writer) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(w, "\033[H\033[2J")
	}
}

// hubAPI calls a running hub's console API with a Bearer token.
type hubAPI struct {
	base, token string
	http        *http.Client
}

// do sends body as JSON (when not nil) and decodes the 2xx answer into
// out; other answers become an error with the hub's error message.
func (h *hubAPI) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s %s: hub answered %d %s: %s", method, path, resp.StatusCode, e.Error.Code, e.Error.Message)
		}
		return fmt.Errorf("%s %s: hub answered %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return errors.Join(fmt.Errorf("%s %s: unreadable answer", method, path), err)
	}
	return nil
}
