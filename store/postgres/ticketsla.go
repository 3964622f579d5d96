package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// ClaimTicketBreaches records the targets missed at now. Each kind's
// overdue rows are locked FOR UPDATE SKIP LOCKED and marked in the same
// statement, so a concurrent claimer skips them and, once this one
// commits, no longer finds them (breached_at is set).
func (s *Store) ClaimTicketBreaches(ctx context.Context, now time.Time, limit int, outboxFor func(store.TicketBreach) []store.OutboxEntry) ([]store.TicketBreach, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.UTC()
	var out []store.TicketBreach
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
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
			rows, err := tx.Query(ctx, `UPDATE tickets SET `+k.breach+` = $1
				WHERE conversation_id IN (SELECT conversation_id FROM tickets
					WHERE `+k.due+` IS NOT NULL AND `+k.met+` IS NULL AND `+k.breach+` IS NULL AND `+k.due+` <= $1
					ORDER BY `+k.due+`, conversation_id LIMIT $2 FOR UPDATE SKIP LOCKED)
					AND `+k.breach+` IS NULL
				RETURNING workspace_id, conversation_id`, now, limit-len(found))
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
		}
		for _, d := range found {
			t, err := ticketTx(ctx, tx, d.ws, d.id)
			if err != nil {
				return err
			}
			b := store.TicketBreach{Ticket: t, Kind: d.kind}
			out = append(out, b)
			if outboxFor != nil {
				if err := insertOutbox(ctx, tx, time.Now().UTC(), outboxFor(b)); err != nil {
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
