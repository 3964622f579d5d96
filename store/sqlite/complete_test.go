package sqlite_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// TestAcceptAndComplete: outbox rows marked done ride along with a batch of
// messages in one transaction; when the batch fails, neither the messages
// nor the marks are kept.
func TestAcceptAndComplete(t *testing.T) {
	ctx := context.Background()
	s, ws, ch := openLine(t)
	item := func(ext string) store.AcceptItem {
		return store.AcceptItem{
			WorkspaceID: ws, ChannelType: "line",
			Inbound: switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: switchboard.ExternalID(ext),
				Sender: "U1", Parts: switchboard.TextParts("hi " + ext), At: time.Now()},
			MessageID:      switchboard.MessageID(switchboard.NewID("msg")),
			ContactID:      switchboard.ContactID(switchboard.NewID("ct")),
			ConversationID: switchboard.ConversationID(switchboard.NewID("cv")),
			Outbox:         []store.OutboxEntry{{Topic: "inbound", Key: ext, Payload: []byte(`{}`)}},
			Claim:          time.Minute,
		}
	}
	first, err := s.Accept(ctx, []store.AcceptItem{item("e1"), item("e2")})
	if err != nil {
		t.Fatal(err)
	}
	e1Row := first[0].Outbox[0].ID
	if n, _ := s.PendingOutbox(ctx); n != 2 {
		t.Fatalf("pending after the first batch = %d, want 2", n)
	}

	// A failing batch (no conversation id for a new sender's conversation)
	// keeps neither its messages nor the marks.
	bad := item("e3")
	bad.Inbound.Sender, bad.ConversationID = "U2", ""
	if _, err := s.AcceptAndComplete(ctx, []store.AcceptItem{item("e4"), bad}, []int64{e1Row}); err == nil {
		t.Fatal("AcceptAndComplete of a bad item succeeded")
	}
	if n, _ := s.PendingOutbox(ctx); n != 2 {
		t.Fatalf("pending after a failed batch = %d, want 2 (the mark rolled back)", n)
	}
	// The failed batch left no transaction open on the writer: other
	// writes (through database/sql) go on.
	if err := s.PutChannel(ctx, store.Channel{ID: "line-2", WorkspaceID: ws, Type: "line"}); err != nil {
		t.Fatalf("a write after the failed batch: %v", err)
	}

	res, err := s.AcceptAndComplete(ctx, []store.AcceptItem{item("e5")}, []int64{e1Row})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Duplicate || len(res[0].Outbox) != 1 {
		t.Fatalf("result = %+v", res)
	}
	if n, _ := s.PendingOutbox(ctx); n != 2 { // e2 and e5; e1 done
		t.Fatalf("pending = %d, want 2 (e2, e5)", n)
	}
	msgs, err := s.ListMessages(ctx, ws, first[0].ConversationID, store.MessageQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs.Items) != 3 {
		t.Fatalf("the conversation has %d messages, want 3 (e1, e2, e5; not e4)", len(msgs.Items))
	}
	// Marks alone work too.
	if _, err := s.AcceptAndComplete(ctx, nil, []int64{first[1].Outbox[0].ID, res[0].Outbox[0].ID}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingOutbox(ctx); n != 0 {
		t.Fatalf("pending = %d, want 0", n)
	}
}

// The intake's group commit (on the writer's driver connection) and the
// relay's claims (statements prepared through database/sql on the same
// connection) run side by side without waiting on each other for ever.
func TestAcceptBesideClaims(t *testing.T) {
	ctx := context.Background()
	s, ws, ch := openLine(t)
	const rounds = 300
	done := make(chan error, 2)
	go func() {
		for i := range rounds {
			ext := "e" + strconv.Itoa(i)
			_, err := s.Accept(ctx, []store.AcceptItem{{
				WorkspaceID: ws, ChannelType: "line",
				Inbound: switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: switchboard.ExternalID(ext),
					Sender: "U1", Parts: switchboard.TextParts(ext), At: time.Now()},
				MessageID:      switchboard.MessageID(switchboard.NewID("msg")),
				ContactID:      switchboard.ContactID(switchboard.NewID("ct")),
				ConversationID: switchboard.ConversationID(switchboard.NewID("cv")),
				Outbox:         []store.OutboxEntry{{Topic: "inbound", Key: ext, Payload: []byte(`{}`)}},
			}})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	go func() {
		for range rounds {
			rows, err := s.ClaimOutbox(ctx, 10, time.Minute)
			if err != nil {
				done <- err
				return
			}
			ids := make([]int64, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			if err := s.CompleteOutbox(ctx, ids); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	timeout := time.After(30 * time.Second)
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-timeout:
			// Not t.Fatal: the store could not close either.
			panic("accepts and claims side by side did not finish in 30s: deadlock")
		}
	}
}
