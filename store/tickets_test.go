package store

import (
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
)

func TestBadge(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	for _, tc := range []struct {
		name     string
		t        switchboard.Ticket
		due      *time.Time
		breached bool
	}{
		{"no targets", switchboard.Ticket{}, nil, false},
		{"first reply pending", switchboard.Ticket{FirstReplyDueAt: at(time.Hour), ResolutionDueAt: at(24 * time.Hour)}, at(time.Hour), false},
		{"replied: resolution next", switchboard.Ticket{FirstReplyDueAt: at(time.Hour), FirstRepliedAt: at(-time.Minute), ResolutionDueAt: at(24 * time.Hour)}, at(24 * time.Hour), false},
		{"resolution nearer than first reply", switchboard.Ticket{FirstReplyDueAt: at(2 * time.Hour), ResolutionDueAt: at(time.Hour)}, at(time.Hour), false},
		{"first reply overdue", switchboard.Ticket{FirstReplyDueAt: at(-time.Minute)}, at(-time.Minute), true},
		{"due exactly now", switchboard.Ticket{FirstReplyDueAt: at(0)}, at(0), true},
		{"resolved: nothing pending", switchboard.Ticket{FirstRepliedAt: at(-time.Hour), ResolutionDueAt: at(-time.Minute), ResolvedAt: at(-2 * time.Minute)}, nil, false},
		{"recorded breach stays", switchboard.Ticket{FirstRepliedAt: at(-time.Hour), FirstReplyBreachedAt: at(-2 * time.Hour)}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := Badge(tc.t, now)
			if b.Breached != tc.breached {
				t.Errorf("Breached = %v, want %v", b.Breached, tc.breached)
			}
			if (b.DueAt == nil) != (tc.due == nil) || (b.DueAt != nil && !b.DueAt.Equal(*tc.due)) {
				t.Errorf("DueAt = %v, want %v", b.DueAt, tc.due)
			}
		})
	}
}

func TestScrubTicket(t *testing.T) {
	terms := ScrubTerms([]string{"Taro Yamada", "taro@example.com"})
	subject, fields := ScrubTicket("Taro Yamada: refund", map[string]any{
		"contact": "TARO@example.com", "count": float64(2), "vip": true, "tags": []any{"taro yamada", "x", float64(1)},
	}, terms)
	if subject != "[erased]: refund" {
		t.Errorf("subject = %q", subject)
	}
	if fields["contact"] != "[erased]" || fields["count"] != float64(2) || fields["vip"] != true {
		t.Errorf("fields = %#v", fields)
	}
	if tags := fields["tags"].([]any); tags[0] != "[erased]" || tags[1] != "x" || tags[2] != float64(1) {
		t.Errorf("tags = %#v", tags)
	}
}

func TestTicketCursor(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 0, 0, 123000, time.UTC)
	gotAt, gotID, err := DecodeTicketCursor(EncodeTicketCursor(at, "cv_1|x"))
	if err != nil || !gotAt.Equal(at) || gotID != "cv_1|x" {
		t.Fatalf("round trip = %v %q %v", gotAt, gotID, err)
	}
	for _, bad := range []string{"", "!!", "dDF8eA", "YzF8MXxjdg"} {
		if _, _, err := DecodeTicketCursor(bad); err != ErrBadCursor {
			t.Errorf("DecodeTicketCursor(%q) err = %v, want ErrBadCursor", bad, err)
		}
	}
}
