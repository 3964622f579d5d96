package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestInboxPlanWithTickets checks that joining the ticket badge keeps the
// inbox list on its conversations index: the ticket is looked up by its
// primary key per row, nothing is scanned or sorted.
func TestInboxPlanWithTickets(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for name, where := range map[string]string{
		"all":        `c.workspace_id = ?`,
		"status":     `c.workspace_id = ? AND c.status = ?`,
		"department": `c.workspace_id = ? AND c.department_id IN (?, ?)`,
	} {
		rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT `+conversationListCols+conversationFrom+
			` WHERE `+where+` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 51`, "ws", "open", "d")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "\n")
		t.Logf("%s:\n%s", name, all)
		if !strings.Contains(all, "SEARCH c USING INDEX conversations_") || strings.Contains(all, "TEMP B-TREE") ||
			!strings.Contains(all, "SEARCH t USING INDEX sqlite_autoindex_tickets_1 (conversation_id=?)") {
			t.Errorf("%s: inbox plan:\n%s", name, all)
		}
	}
}
