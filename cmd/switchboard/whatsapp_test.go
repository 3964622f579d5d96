package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mdp/qrterminal/v3"
)

// fakeLinkHub answers GET /api/v1/channels/{id} with the statuses in turn
// (the last one repeats) and POST .../link with a pairing code, for one
// admin token, in the console API's shapes.
type fakeLinkHub struct {
	mu       sync.Mutex
	statuses []string
	gets     int
	phones   []string
}

func (h *fakeLinkHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer sb_admin_token" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"code":"unauthorized","message":"a valid API token is required"}}`))
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/channels/wa_shop":
		st := h.statuses[min(h.gets, len(h.statuses)-1)]
		h.gets++
		w.Write([]byte(`{"id":"wa_shop","type":"whatsapp","name":"Shop","status":` + st + `}`))
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/channels/wa_shop/link":
		var body struct {
			Phone string `json:"phone"`
		}
		if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil || body.Phone == "" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":{"code":"invalid_phone","message":"phone: required"}}`))
			return
		}
		h.phones = append(h.phones, body.Phone)
		w.Write([]byte(`{"pair_code":"ABCD-EFGH"}`))
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"code":"not_found","message":"no channel"}}`))
	}
}

func qrPicture(code string) string {
	var b bytes.Buffer
	qrterminal.GenerateHalfBlock(code, qrterminal.L, &b)
	return b.String()
}

func TestWhatsAppLinkDrawsEachQRCodeUntilLinked(t *testing.T) {
	hub := &fakeLinkHub{statuses: []string{
		`{"state":"ok"}`,
		`{"state":"unpaired","qr":"2@first,key,ref"}`,
		`{"state":"unpaired","qr":"2@first,key,ref"}`,
		`{"state":"unpaired","qr":"2@second,key,ref"}`,
		`{"state":"ok","account":"+819012345678"}`,
	}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	t.Setenv(TokenEnv, "sb_admin_token")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"whatsapp", "link", "wa_shop", "--url", srv.URL, "--interval", "1ms"}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	for _, qr := range []string{"2@first,key,ref", "2@second,key,ref"} {
		if n := strings.Count(got, qrPicture(qr)); n != 1 {
			t.Errorf("QR code %q drawn %d times, want once", qr, n)
		}
	}
	if !strings.Contains(got, "waiting for the hub") {
		t.Error("the wait before the device runs is not shown")
	}
	if !strings.HasSuffix(got, "Linked: channel wa_shop is WhatsApp +819012345678.\n") {
		t.Errorf("output does not end with the account:\n%s", got)
	}
	if hub.gets != 5 {
		t.Errorf("polled %d times, want 5", hub.gets)
	}
}

func TestWhatsAppLinkByPhoneCode(t *testing.T) {
	hub := &fakeLinkHub{statuses: []string{
		`{"state":"unpaired","qr":"2@x","pair_code":"ABCD-EFGH"}`,
		`{"state":"ok","account":"+819012345678"}`,
	}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	var out bytes.Buffer
	err := cmdWhatsAppLink(context.Background(), []string{"wa_shop", "--url", srv.URL, "--token", "sb_admin_token", "--phone", "+81 90 1234 5678", "--interval", "1ms"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(hub.phones) != 1 || hub.phones[0] != "+81 90 1234 5678" {
		t.Fatalf("phones posted %v", hub.phones)
	}
	if !strings.Contains(out.String(), "ABCD-EFGH") || strings.Contains(out.String(), qrPicture("2@x")) {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestWhatsAppLinkErrors(t *testing.T) {
	srv := httptest.NewServer(&fakeLinkHub{statuses: []string{`{"state":"temporary_ban","reason":"too many people blocked you"}`}})
	defer srv.Close()
	t.Setenv(TokenEnv, "")
	cases := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"no channel", []string{"whatsapp", "link", "--url", srv.URL, "--token", "sb_admin_token"}, "exactly one CHANNEL", 2},
		{"unknown subcommand", []string{"whatsapp", "unlink", "wa_shop"}, "only subcommand", 2},
		{"no token", []string{"whatsapp", "link", "wa_shop", "--url", srv.URL}, TokenEnv, 2},
		{"wrong token", []string{"whatsapp", "link", "wa_shop", "--url", srv.URL, "--token", "nope"}, "a valid API token is required", 1},
		{"unknown channel", []string{"whatsapp", "link", "other", "--url", srv.URL, "--token", "sb_admin_token"}, "404", 1},
		{"banned", []string{"whatsapp", "link", "wa_shop", "--url", srv.URL, "--token", "sb_admin_token"}, "too many people blocked you", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tc.args, nil, &out, &errOut); code != tc.code || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d naming %q", code, errOut.String(), tc.code, tc.want)
			}
		})
	}
}
