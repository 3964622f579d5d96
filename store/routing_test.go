package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

func TestPickAssignee(t *testing.T) {
	cands := []store.Candidate{{ID: "op_c", Chats: 0, Limit: 2}, {ID: "op_a", Chats: 1, Limit: 2}, {ID: "op_b", Chats: 2, Limit: 2}}
	tests := []struct {
		name string
		mode switchboard.AssignmentMode
		last switchboard.OperatorID
		want switchboard.OperatorID
	}{
		{"round robin from the start", switchboard.AssignRoundRobin, "", "op_a"},
		{"round robin after a", switchboard.AssignRoundRobin, "op_a", "op_c"}, // op_b is full
		{"round robin wraps", switchboard.AssignRoundRobin, "op_c", "op_a"},
		{"round robin after someone gone", switchboard.AssignRoundRobin, "op_bb", "op_c"},
		{"least busy", switchboard.AssignLeastBusy, "", "op_c"},
		{"least busy ties rotate", switchboard.AssignLeastBusy, "op_c", "op_c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := store.PickAssignee(tc.mode, cands, tc.last)
			if !ok || got != tc.want {
				t.Fatalf("got %q %v, want %q", got, ok, tc.want)
			}
		})
	}
	if _, ok := store.PickAssignee(switchboard.AssignRoundRobin, []store.Candidate{{ID: "op_a", Chats: 3, Limit: 3}}, ""); ok {
		t.Fatal("picked an operator at the limit")
	}
	tie := []store.Candidate{{ID: "op_a", Chats: 1, Limit: 5}, {ID: "op_b", Chats: 1, Limit: 5}}
	if got, _ := store.PickAssignee(switchboard.AssignLeastBusy, tie, "op_a"); got != "op_b" {
		t.Fatalf("least busy tie after op_a = %q, want op_b", got)
	}
}

func TestChatLimitAndWait(t *testing.T) {
	zero, three := 0, 3
	for _, tc := range []struct {
		own        *int
		dept, want int
	}{{nil, 0, switchboard.DefaultMaxChats}, {nil, 4, 4}, {&three, 4, 3}} {
		if got := store.ChatLimit(tc.own, tc.dept); got != tc.want {
			t.Fatalf("store.ChatLimit(%v, %d) = %d, want %d", tc.own, tc.dept, got, tc.want)
		}
	}
	if store.ChatLimit(&zero, 4) < 1<<30 {
		t.Fatal("an own limit of 0 is no limit")
	}
	recent := []time.Duration{time.Minute, 3 * time.Minute}
	for _, tc := range []struct {
		recent           []time.Duration
		position, online int
		want             time.Duration
	}{
		{recent, 1, 1, 2 * time.Minute},
		{recent, 3, 2, 3 * time.Minute},
		{nil, 2, 0, 4 * time.Minute},
		{recent, 0, 1, 0},
	} {
		if got := store.EstimateWait(tc.recent, tc.position, tc.online, 2*time.Minute); got != tc.want {
			t.Fatalf("store.EstimateWait(%v, %d, %d) = %s, want %s", tc.recent, tc.position, tc.online, got, tc.want)
		}
	}
}

func TestApplyRouting(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	earlier := at.Add(-time.Hour)
	open := switchboard.Conversation{Status: switchboard.ConversationOpen, Labels: []string{"b"}}
	op, none := switchboard.OperatorID("op_a"), switchboard.OperatorID("")
	resolved := switchboard.ConversationResolved
	tests := []struct {
		name       string
		conv       switchboard.Conversation
		change     store.RoutingChange
		wantQueued *time.Time
		wantLabels []string
	}{
		{"queue", open, store.RoutingChange{Queue: true, At: at, Labels: []string{"a", "b"}}, &at, []string{"a", "b"}},
		{"keeps its place", switchboard.Conversation{Status: switchboard.ConversationOpen, QueuedAt: &earlier}, store.RoutingChange{Queue: true, At: at}, &earlier, nil},
		{"assigned leaves", switchboard.Conversation{Status: switchboard.ConversationOpen, QueuedAt: &earlier}, store.RoutingChange{AssigneeID: &op}, nil, nil},
		{"resolved leaves", switchboard.Conversation{Status: switchboard.ConversationOpen, QueuedAt: &earlier}, store.RoutingChange{Status: &resolved}, nil, nil},
		{"unassigned without queue", switchboard.Conversation{Status: switchboard.ConversationOpen, AssigneeID: op}, store.RoutingChange{AssigneeID: &none}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := store.ApplyRouting(tc.conv, tc.change)
			if (got.QueuedAt == nil) != (tc.wantQueued == nil) || (got.QueuedAt != nil && !got.QueuedAt.Equal(*tc.wantQueued)) {
				t.Fatalf("queued_at = %v, want %v", got.QueuedAt, tc.wantQueued)
			}
			if tc.wantLabels != nil && !slices.Equal(got.Labels, tc.wantLabels) {
				t.Fatalf("labels = %v, want %v", got.Labels, tc.wantLabels)
			}
		})
	}
}

func TestValidateOrder(t *testing.T) {
	have := []string{"a", "b", "c"}
	for _, tc := range []struct {
		ids []string
		ok  bool
	}{{[]string{"c", "a", "b"}, true}, {[]string{"a", "b"}, false}, {[]string{"a", "b", "b"}, false}, {[]string{"a", "b", "d"}, false}, {nil, false}} {
		if got := store.ValidateOrder(have, tc.ids); got != tc.ok {
			t.Fatalf("store.ValidateOrder(%v) = %v, want %v", tc.ids, got, tc.ok)
		}
	}
	if !store.ValidateOrder(nil, nil) {
		t.Fatal("no rules, empty order")
	}
}
