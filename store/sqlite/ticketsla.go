package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// ClaimTicketBreaches records the targets missed at now; the single
// writer makes each claimed once.
func (s *Store) ClaimTicketBreaches(ctx context.Context, now time.Time, limit int, outboxFor func(store.TicketBreach) []store.OutboxEntry) ([]store.TicketBreach, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []store.TicketBreach
	err := s.write(ctx, func(tx *sql.Tx) error {
		out = nil
		type due struct {
			ws   switchboard.WorkspaceID
			id   switchboard.ConversationID
			kind string
		}
		var found []due
		for _, k := range []struct{ kind, due, met, breach string }{
			{"first_reply", "first_reply_due_at", "first_replied_at", "first_reply_breached_at"},
			{"resolution", "resolution_due_at", "resolved_at", "resolution_breached_at"},
		} {
			if len(found) >= limit {
				break
			}
			start := len(found)
			rows, err := tx.QueryContext(ctx, `SELECT workspace_id, conversation_id FROM tickets
				WHERE `+k.due+` IS NOT NULL AND `+k.met+` IS NULL AND `+k.breach+` IS NULL AND `+k.due+` <= ?
				ORDER BY `+k.due+`, conversation_id LIMIT ?`, ts(now), limit-len(found))
			if err != nil {
				return err
			}
			for rows.Next() {
				d := due{kind: k.kind}
				if err := rows.Scan(&d.ws, &d.id); err != nil {
					rows.Close()
					return err
				}
				found = append(found, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, d := range found[start:] {
				if _, err := tx.ExecContext(ctx, `UPDATE tickets SET `+k.breach+` = ? WHERE conversation_id = ?`, ts(now), d.id); err != nil {
					return err
				}
			}
		}
		for _, d := range found {
			t, err := ticketTx(ctx, tx, d.ws, d.id)
			if err != nil {
				return err
			}
			b := store.TicketBreach{Ticket: t, Kind: d.kind}
			out = append(out, b)
			if outboxFor != nil {
				if err := insertOutbox(ctx, tx, outboxFor(b)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, mapErr("claim ticket breaches", err)
	}
	return out, nil
}
