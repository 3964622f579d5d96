package main

import (
	"strings"
	"testing"
)

func TestSMTPConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     SMTPConfig
		wantErr string
	}{
		{"empty turns e-mail off", SMTPConfig{}, ""},
		{"starttls by default", SMTPConfig{Addr: "smtp.example.com:587", From: "Support <support@example.com>", Username: "u", Password: "p"}, ""},
		{"implicit tls", SMTPConfig{Addr: "smtp.example.com:465", From: "support@example.com", TLS: "tls"}, ""},
		{"unknown tls", SMTPConfig{Addr: "smtp.example.com:587", From: "a@example.com", TLS: "ssl"}, "smtp.tls"},
		{"addr without port", SMTPConfig{Addr: "smtp.example.com", From: "a@example.com"}, "smtp.addr"},
		{"from without addr", SMTPConfig{From: "a@example.com"}, "smtp.addr"},
		{"no from", SMTPConfig{Addr: "smtp.example.com:587"}, "smtp.from"},
		{"bad from", SMTPConfig{Addr: "smtp.example.com:587", From: "not an address"}, "smtp.from"},
		{"password without user", SMTPConfig{Addr: "smtp.example.com:587", From: "a@example.com", Password: "p"}, "smtp.username"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
			}
		})
	}
}

func TestSMTPPasswordFromEnvNeverShown(t *testing.T) {
	t.Setenv("SWITCHBOARD_SMTP_PASSWORD", "s3cret-pass")
	cfg, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.Password != "s3cret-pass" {
		t.Fatalf("password from env = %q", cfg.SMTP.Password)
	}
	if s := cfg.SMTP.String(); strings.Contains(s, "s3cret") {
		t.Fatalf("String shows the password: %s", s)
	}
}
