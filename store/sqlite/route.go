package sqlite

import (
	"context"
	"database/sql"

	"github.com/switchboardhq/switchboard"
)

const (
	qRouteMessage      = `SELECT ` + messageCols + ` FROM messages m WHERE m.workspace_id = ? AND m.id = ?`
	qRouteConversation = `SELECT ` + conversationCols + conversationFrom + ` WHERE c.workspace_id = ? AND c.id = ?`
	qRouteIdentities   = `SELECT channel_id, external_id, opted_out FROM identities
		WHERE contact_id = ? ORDER BY created_at, channel_id, external_id`
)

// MessageWithConversation returns a message with its conversation (and the
// conversation's contact with identities), as GetMessage and
// GetConversation would, read in one transaction. The route handler calls
// it for every customer message: one read transaction instead of three
// means the connection's page cache, invalidated by every commit of the
// writer, is revalidated once rather than three times.
func (s *Store) MessageWithConversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID) (switchboard.Message, switchboard.Conversation, error) {
	var m switchboard.Message
	var c switchboard.Conversation
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return m, c, mapErr("message with conversation", err)
	}
	defer tx.Rollback()
	row := func(q string, args ...any) *sql.Row {
		if st := s.readStmt(ctx, q); st != nil {
			return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
		}
		return tx.QueryRowContext(ctx, q, args...)
	}
	if m, _, err = scanMessage(row(qRouteMessage, ws, id)); err != nil {
		return m, c, mapErr("get message", err)
	}
	if c, err = scanConversation(row(qRouteConversation, ws, m.ConversationID)); err != nil {
		return m, c, mapErr("get conversation", err)
	}
	var rows *sql.Rows
	if st := s.readStmt(ctx, qRouteIdentities); st != nil {
		rows, err = tx.StmtContext(ctx, st).QueryContext(ctx, c.Contact.ID)
	} else {
		rows, err = tx.QueryContext(ctx, qRouteIdentities, c.Contact.ID)
	}
	if err != nil {
		return m, c, mapErr("get conversation", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idn switchboard.Identity
		if err := rows.Scan(&idn.ChannelID, &idn.ExternalID, &idn.OptedOut); err != nil {
			return m, c, mapErr("get conversation", err)
		}
		c.Contact.Identities = append(c.Contact.Identities, idn)
	}
	if err := rows.Err(); err != nil {
		return m, c, mapErr("get conversation", err)
	}
	return m, c, nil
}
