package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestExampleConfigIsValid keeps config.example.yaml loadable: every key
// it documents exists and every value in it is accepted.
func TestExampleConfigIsValid(t *testing.T) {
	cfg, err := loadConfig("../../config.example.yaml")
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	if len(cfg.Channels) == 0 {
		t.Fatal("the example config names no channels")
	}
}

func TestSimulateWebchat(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	token := createToken(t, cfg, "admin")
	hub := startHub(t, cfg)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"simulate", "web", "--text", "simulated hello", "--url", hub.URL, "--config", cfg}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("simulate exited %d: %s %s", code, out.String(), errOut.String())
	}
	var convs list[conversationJSON]
	call(t, "GET", hub.URL+"/api/v1/conversations", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].LastMessage != "simulated hello" {
		t.Fatalf("conversations = %+v", convs.Items)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	tests := []struct {
		args     []string
		stdin    string
		wantCode int
		wantErr  string
	}{
		{nil, "", 2, "Usage"},
		{[]string{"frobnicate"}, "", 2, "unknown command"},
		{[]string{"operators", "add"}, "", 2, "exactly one EMAIL"},
		{[]string{"operators", "add", "not-an-email", "--name", "X"}, "pw", 2, "not an e-mail"},
		{[]string{"operators", "add", "a@example.com", "--name", "A", "--role", "boss"}, "longpassword", 2, "--role"},
		{[]string{"operators", "add", "a@example.com", "--name", "A"}, "", 2, "password"},
		{[]string{"operators", "add", "a@example.com", "--name", "A"}, "short\n", 2, "at least 8"},
		{[]string{"tokens", "create"}, "", 2, "--name"},
		{[]string{"simulate", "web"}, "", 2, "--text"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errOut)
			if code != tc.wantCode || !strings.Contains(errOut.String(), tc.wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut.String(), tc.wantCode, tc.wantErr)
			}
		})
	}
}

func TestOperatorsAddThenLogin(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"operators", "add", "ana@example.com", "--name", "Ana", "--role", "admin", "--config", cfg}, strings.NewReader("a-long-password\n"), &out, &errOut); code != 0 {
		t.Fatalf("operators add: %d %s", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"operators", "add", "ana@example.com", "--name", "Ana", "--config", cfg}, strings.NewReader("a-long-password\n"), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "already exists") {
		t.Fatalf("duplicate operator: %d %s", code, errOut.String())
	}
	hub := startHub(t, cfg)
	var login map[string]any
	if code := call(t, "POST", hub.URL+"/api/v1/auth/login", "", map[string]string{"email": "ana@example.com", "password": "a-long-password"}, &login); code != 200 || login["csrf_token"] == "" {
		t.Fatalf("login: %d %v", code, login)
	}
}
