package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"gopkg.in/yaml.v3"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/rules"
	"github.com/switchboardhq/switchboard/store"
)

// RoutingRuleEntry is a routing rule in the config file: the API's JSON
// shape ({"id", "name", "match", "action"}) written in YAML. id is
// required (it names the rule across restarts); action.department_id may
// name a department by id or by name.
type RoutingRuleEntry struct {
	ID     string                 `json:"id"`
	Name   string                 `json:"name"`
	Match  switchboard.RuleMatch  `json:"match"`
	Action switchboard.RuleAction `json:"action"`
}

// UnmarshalYAML reads the entry through its JSON shape, so the keys are
// the API's; unknown keys are errors.
func (e *RoutingRuleEntry) UnmarshalYAML(node *yaml.Node) error {
	var raw any
	if err := node.Decode(&raw); err != nil {
		return err
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	type plain RoutingRuleEntry
	return dec.Decode((*plain)(e))
}

// validateRoutingRules checks the config's rules; errors name the field.
func (c *Config) validateRoutingRules() error {
	seen := map[string]bool{}
	for i, e := range c.RoutingRules {
		field := fmt.Sprintf("routing_rules[%d]", i)
		if e.ID == "" {
			return fmt.Errorf("%s.id: required (it names the rule across restarts)", field)
		}
		if seen[e.ID] {
			return fmt.Errorf("%s.id: %q is used twice", field, e.ID)
		}
		seen[e.ID] = true
		if err := rules.Validate(switchboard.RoutingRule{Name: e.Name, Match: e.Match, Action: e.Action}); err != nil {
			return fmt.Errorf("%s.%w", field, err)
		}
	}
	return nil
}

// syncConfigRoutingRules creates or updates the rules named in the config
// in the default workspace: a new one goes to the end of the order, one
// that exists gets the config's name, match and action (its place stays,
// as an admin may have moved it). Rules added through the API are left
// alone.
func syncConfigRoutingRules(ctx context.Context, st store.Store, cfg Config) error {
	if len(cfg.RoutingRules) == 0 {
		return nil
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		return err
	}
	depts, err := st.ListDepartments(ctx, ws.ID)
	if err != nil {
		return err
	}
	for i, e := range cfg.RoutingRules {
		field := fmt.Sprintf("routing_rules[%d]", i)
		action := e.Action
		if action.DepartmentID != "" {
			found := false
			for _, d := range depts {
				if d.ID == action.DepartmentID || d.Name == string(action.DepartmentID) {
					action.DepartmentID, found = d.ID, true
					break
				}
			}
			if !found {
				return fmt.Errorf("%s.action.department_id: no department %q (by id or name)", field, e.Action.DepartmentID)
			}
		}
		rule := switchboard.RoutingRule{ID: e.ID, WorkspaceID: ws.ID, Name: e.Name, Match: e.Match, Action: action}
		_, err := st.UpdateRoutingRule(ctx, rule)
		if errors.Is(err, store.ErrNotFound) {
			_, err = st.CreateRoutingRule(ctx, rule)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		slog.Debug("routing rule from config stored", "rule", e.ID)
	}
	return nil
}
