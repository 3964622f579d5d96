package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// testAcceptSnapshot: a stored message item's result carries the
// conversation as the item left it (what GetConversation then returns), and
// OutboxFor is called with that result inside the transaction, never for
// duplicates.
func testAcceptSnapshot(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	var seen []store.AcceptResult
	withFor := func(it store.AcceptItem) store.AcceptItem {
		it.OutboxFor = func(r store.AcceptResult) []store.OutboxEntry {
			seen = append(seen, r)
			return []store.OutboxEntry{{Topic: "announce", Key: string(r.MessageID), Payload: []byte(r.Conversation.LastMessage)}}
		}
		return it
	}
	compare := func(what string, snap *switchboard.Conversation, id switchboard.ConversationID) {
		t.Helper()
		if snap == nil {
			t.Fatalf("%s: no conversation snapshot", what)
		}
		got, err := s.GetConversation(ctx, f.ws, id)
		must(t, err, "GetConversation")
		got.Contact = nil
		if !reflect.DeepEqual(*snap, got) {
			t.Fatalf("%s: snapshot\n%+v\nstored\n%+v", what, *snap, got)
		}
	}

	first := accept(t, s, withFor(f.msg("e1", "u1", "hello", t0)))[0]
	compare("new conversation", first.Conversation, first.ConversationID)
	if first.Conversation.UnreadCount != 1 || first.Conversation.Status != switchboard.ConversationOpen {
		t.Fatalf("new conversation snapshot = %+v", first.Conversation)
	}
	must(t, s.SetConversationStatus(ctx, f.ws, first.ConversationID, switchboard.ConversationResolved), "SetConversationStatus")
	second := accept(t, s, withFor(f.msg("e2", "u1", "again", t0.Add(time.Minute))))[0]
	compare("existing conversation", second.Conversation, first.ConversationID)
	if second.Conversation.UnreadCount != 2 || second.Conversation.Status != switchboard.ConversationOpen || second.Conversation.LastMessage != "again" {
		t.Fatalf("existing conversation snapshot = %+v", second.Conversation)
	}
	dup := accept(t, s, withFor(f.msg("e2", "u1", "again", t0.Add(time.Minute))))[0]
	if !dup.Duplicate || dup.Conversation != nil {
		t.Fatalf("duplicate result = %+v", dup)
	}
	if len(seen) != 2 || seen[0].MessageID != first.MessageID || seen[1].Conversation.UnreadCount != 2 {
		t.Fatalf("OutboxFor saw %+v", seen)
	}
	rows, err := s.ClaimOutbox(ctx, 100, time.Minute)
	must(t, err, "ClaimOutbox")
	announced := 0
	for _, r := range rows {
		if r.Topic == "announce" {
			announced++
		}
	}
	if announced != 2 {
		t.Fatalf("%d announce rows, want 2 (none for the duplicate)", announced)
	}
}

// testAcceptClaim: with Claim set, an item's outbox rows come back with
// their ids, already leased: ClaimOutbox skips them until the lease ends,
// and completing them by id works.
func testAcceptClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	it := f.msg("c1", "u1", "hello", t0)
	it.Claim = 200 * time.Millisecond
	res := accept(t, s, it, f.msg("c2", "u2", "unclaimed", t0))
	if len(res[0].Outbox) != 1 || res[0].Outbox[0].ID == 0 || string(res[0].Outbox[0].Payload) != "hello" {
		t.Fatalf("claimed rows = %+v", res[0].Outbox)
	}
	if len(res[1].Outbox) != 0 {
		t.Fatalf("an item without Claim returned rows: %+v", res[1].Outbox)
	}
	rows, err := s.ClaimOutbox(ctx, 10, time.Minute)
	must(t, err, "ClaimOutbox")
	if len(rows) != 1 || string(rows[0].Payload) != "unclaimed" {
		t.Fatalf("ClaimOutbox took %+v; the pre-leased row must wait for its lease", rows)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows, err = s.ClaimOutbox(ctx, 10, time.Minute)
		must(t, err, "ClaimOutbox")
		if len(rows) == 1 && rows[0].ID == res[0].Outbox[0].ID {
			break
		}
		if len(rows) != 0 || time.Now().After(deadline) {
			t.Fatalf("after the lease ClaimOutbox took %+v", rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
	must(t, s.CompleteOutbox(ctx, []int64{res[0].Outbox[0].ID, rows[0].ID}), "CompleteOutbox")
	if n := pending(t, s); n != 1 {
		t.Fatalf("pending = %d, want 1 (the unclaimed row is leased, not done)", n)
	}
}

// testPruneOutbox: done rows older than the cut are deleted, pending ones
// never.
func testPruneOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	accept(t, s, f.msg("p1", "u1", "one", t0), f.msg("p2", "u1", "two", t0))
	rows, err := s.ClaimOutbox(ctx, 10, time.Minute)
	must(t, err, "ClaimOutbox")
	if len(rows) != 2 {
		t.Fatalf("claimed %d rows", len(rows))
	}
	must(t, s.CompleteOutbox(ctx, []int64{rows[0].ID}), "CompleteOutbox")
	if n, err := s.PruneOutbox(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("prune before the row was done: %d, %v", n, err)
	}
	n, err := s.PruneOutbox(ctx, time.Now().Add(time.Hour))
	must(t, err, "PruneOutbox")
	if n != 1 {
		t.Fatalf("pruned %d rows, want the 1 done row", n)
	}
	if p := pending(t, s); p != 1 {
		t.Fatalf("pending = %d: a row not done was pruned", p)
	}
}
