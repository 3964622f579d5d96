package main

import (
	"strings"
	"testing"
)

// TestConfigRoutingRules stores the config's rules at start, resolving a
// department by name, and a second start updates instead of adding.
func TestConfigRoutingRules(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `routing_rules:
  - id: ja-billing
    name: Japanese billing
    match: {keywords: [料金, 請求]}
    action: {department_id: General, priority: 5, labels: [billing]}
`)
	token := createToken(t, cfg, "admin")
	for start := range 2 {
		hub := startHub(t, cfg)
		var rules list[struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Action struct {
				DepartmentID string   `json:"department_id"`
				Priority     int      `json:"priority"`
				Labels       []string `json:"labels"`
			} `json:"action"`
		}]
		call(t, "GET", hub.URL+"/api/v1/routing-rules", token, nil, &rules)
		var depts list[struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}]
		call(t, "GET", hub.URL+"/api/v1/departments", token, nil, &depts)
		if len(rules.Items) != 1 || rules.Items[0].ID != "ja-billing" || rules.Items[0].Action.Priority != 5 {
			t.Fatalf("start %d: rules = %+v", start, rules.Items)
		}
		if len(depts.Items) != 1 || rules.Items[0].Action.DepartmentID != depts.Items[0].ID {
			t.Fatalf("start %d: rule department %q, departments %+v", start, rules.Items[0].Action.DepartmentID, depts.Items)
		}
		hub.stop()
	}
}

func TestConfigRoutingRulesInvalid(t *testing.T) {
	tests := []struct {
		name, yaml, field string
	}{
		{"no id", "routing_rules:\n  - name: x\n    action: {priority: 1}\n", "routing_rules[0].id"},
		{"twice", "routing_rules:\n  - {id: a, name: a, action: {priority: 1}}\n  - {id: a, name: b, action: {priority: 1}}\n", "routing_rules[1].id"},
		{"priority", "routing_rules:\n  - {id: a, name: a, action: {priority: 1000}}\n", "routing_rules[0].action.priority"},
		{"unknown key", "routing_rules:\n  - {id: a, name: a, action: {priority: 1}, when: now}\n", "when"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(writeConfig(t, t.TempDir(), tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("err = %v, want one naming %s", err, tc.field)
			}
		})
	}
}
