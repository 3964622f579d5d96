package router

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
)

func init() {
	connectors.Register(connectors.Registration{Type: "sealtest", Secrets: []string{"token"}, New: func(json.RawMessage, connectors.Deps) (connectors.Connector, error) { return nil, nil }})
}

func TestSealerRoundTripAndRotation(t *testing.T) {
	oldKey := []byte("0123456789abcdef0123456789abcdef")
	newKey := []byte("fedcba9876543210fedcba9876543210")
	old, err := NewSealer(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := json.RawMessage(`{"token":"xoxb-very-secret","name":"visible"}`)
	sealed, err := old.Seal("sealtest", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), "very-secret") || !strings.Contains(string(sealed), "visible") {
		t.Fatalf("sealed config = %s", sealed)
	}
	again, _ := old.Seal("sealtest", sealed)
	if string(again) != string(sealed) {
		t.Fatal("sealing twice changed the value")
	}

	rotated, _ := NewSealer(newKey, oldKey)
	opened, err := rotated.Open("sealtest", sealed)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	_ = json.Unmarshal(opened, &m)
	if m["token"] != "xoxb-very-secret" {
		t.Fatalf("opened = %s", opened)
	}

	onlyNew, _ := NewSealer(newKey)
	if _, err := onlyNew.Open("sealtest", sealed); err == nil || !strings.Contains(err.Error(), "token") {
		t.Fatalf("opening with a missing key: err = %v", err)
	}
	tampered := strings.Replace(string(sealed), "sealed:v1:", "sealed:v1:", 1)
	tampered = tampered[:len(tampered)-4] + "AAA\"}"
	if _, err := old.Open("sealtest", json.RawMessage(tampered)); err == nil {
		t.Fatal("a tampered value opened")
	}
}
