package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// testUpdateConversation: each field of a ConversationUpdate changes only
// itself; the outbox entries built from the changed conversation are
// written with it; unread marks stay until read; another workspace's
// conversation is ErrNotFound and nothing is written.
func testUpdateConversation(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_a", WorkspaceID: f.ws, Name: "A"}), "dep")
	res := accept(t, s, f.msg("e1", "u1", "hello", t0))[0]
	claimAll(t, s, time.Hour)
	id := res.ConversationID
	status := switchboard.ConversationPending
	assignee := switchboard.OperatorID("op_1")
	dept := switchboard.DepartmentID("dep_a")
	labels := []string{"billing", "vip"}
	var seen switchboard.Conversation
	conv, err := s.UpdateConversation(ctx, f.ws, id, store.ConversationUpdate{Status: &status, AssigneeID: &assignee, DepartmentID: &dept, Labels: &labels},
		func(c switchboard.Conversation) []store.OutboxEntry {
			seen = c
			b, _ := json.Marshal(c)
			return []store.OutboxEntry{{Topic: "events", Key: string(c.ID), Payload: b}}
		})
	must(t, err, "UpdateConversation")
	if conv.Status != status || conv.AssigneeID != assignee || conv.DepartmentID != dept || !slices.Equal(conv.Labels, labels) ||
		conv.Contact == nil || len(conv.Contact.Identities) != 1 || !conv.Unread || conv.UnreadCount != 1 {
		t.Fatalf("UpdateConversation = %+v", conv)
	}
	if seen.ID != id || seen.Status != status || !slices.Equal(seen.Labels, labels) {
		t.Fatalf("outboxFor saw %+v", seen)
	}
	rows := claimAll(t, s, time.Hour)
	if len(rows) != 1 || rows[0].Topic != "events" {
		t.Fatalf("outbox after update = %+v", rows)
	}
	got := getConv(t, s, f.ws, id)
	if got.Status != status || got.AssigneeID != assignee || !slices.Equal(got.Labels, labels) {
		t.Fatalf("GetConversation after update = %+v", got)
	}

	read, unread := false, true
	_, err = s.UpdateConversation(ctx, f.ws, id, store.ConversationUpdate{Unread: &read}, nil)
	must(t, err, "UpdateConversation read")
	if c := getConv(t, s, f.ws, id); c.Unread || c.UnreadCount != 0 {
		t.Fatalf("after read: unread %v count %d", c.Unread, c.UnreadCount)
	}
	_, err = s.UpdateConversation(ctx, f.ws, id, store.ConversationUpdate{Unread: &unread}, nil)
	must(t, err, "UpdateConversation unread")
	if c := getConv(t, s, f.ws, id); !c.Unread || c.UnreadCount != 0 {
		t.Fatalf("after mark unread: unread %v count %d", c.Unread, c.UnreadCount)
	}
	// A customer message keeps it unread; reading clears the mark too.
	accept(t, s, f.msg("e2", "u1", "again", t0.Add(time.Minute)))
	must(t, s.MarkConversationRead(ctx, f.ws, id), "MarkConversationRead")
	if c := getConv(t, s, f.ws, id); c.Unread || c.UnreadCount != 0 {
		t.Fatalf("after MarkConversationRead: unread %v count %d", c.Unread, c.UnreadCount)
	}

	// Unassign and clear labels.
	none := switchboard.OperatorID("")
	empty := []string{}
	conv, err = s.UpdateConversation(ctx, f.ws, id, store.ConversationUpdate{AssigneeID: &none, Labels: &empty}, nil)
	must(t, err, "UpdateConversation clear")
	if conv.AssigneeID != "" || len(conv.Labels) != 0 || conv.Status != status {
		t.Fatalf("after clearing = %+v", conv)
	}

	other := newWorkspace(t, s, "Other")
	claimAll(t, s, time.Hour)
	_, err = s.UpdateConversation(ctx, other, id, store.ConversationUpdate{Status: &status}, func(switchboard.Conversation) []store.OutboxEntry {
		return []store.OutboxEntry{{Topic: "events", Key: "x"}}
	})
	wantErr(t, err, store.ErrNotFound, "UpdateConversation of another workspace")
	if n := pending(t, s); n != 0 {
		// Rows claimed above are still pending (leased), none new.
		rows, _ := s.ClaimOutbox(ctx, 10, time.Second)
		if len(rows) != 0 {
			t.Fatalf("a refused update wrote outbox rows: %+v", rows)
		}
	}
}

// testConversationInboxFilters: unassigned, department, unread and label
// filters, alone and with keyset paging.
func testConversationInboxFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	for _, d := range []switchboard.DepartmentID{"dep_a", "dep_b"} {
		must(t, s.CreateDepartment(ctx, switchboard.Department{ID: d, WorkspaceID: f.ws, Name: string(d)}), "dep")
	}
	ids := make([]switchboard.ConversationID, 6)
	for i := range ids {
		res := accept(t, s, f.msg("e"+string(rune('0'+i)), "u"+string(rune('0'+i)), "hi", t0.Add(time.Duration(i)*time.Minute)))[0]
		ids[i] = res.ConversationID
	}
	read := false
	unread := true
	op := switchboard.OperatorID("op_1")
	depA, depB := switchboard.DepartmentID("dep_a"), switchboard.DepartmentID("dep_b")
	vip := []string{"vip"}
	upd := func(i int, u store.ConversationUpdate) {
		t.Helper()
		_, err := s.UpdateConversation(ctx, f.ws, ids[i], u, nil)
		must(t, err, "UpdateConversation")
	}
	// 0: dep_a, read, vip; 1: dep_a, assigned, read; 2: dep_b, read, marked unread, vip;
	// 3: dep_b, read; 4 and 5: no department, unread.
	upd(0, store.ConversationUpdate{DepartmentID: &depA, Unread: &read, Labels: &vip})
	upd(1, store.ConversationUpdate{DepartmentID: &depA, Unread: &read, AssigneeID: &op})
	upd(2, store.ConversationUpdate{DepartmentID: &depB, Unread: &read, Labels: &vip})
	upd(2, store.ConversationUpdate{Unread: &unread})
	upd(3, store.ConversationUpdate{DepartmentID: &depB, Unread: &read})
	list := func(q store.ConversationQuery) []switchboard.ConversationID {
		t.Helper()
		var out []switchboard.ConversationID
		for {
			p, err := s.ListConversations(ctx, f.ws, q)
			must(t, err, "ListConversations")
			for _, c := range p.Items {
				out = append(out, c.ID)
			}
			if p.Next == "" {
				return out
			}
			q.Cursor = p.Next
		}
	}
	for _, tc := range []struct {
		name string
		q    store.ConversationQuery
		want []int
	}{
		{"unassigned", store.ConversationQuery{Unassigned: true, Limit: 2}, []int{5, 4, 3, 2, 0}},
		{"assignee", store.ConversationQuery{AssigneeID: op}, []int{1}},
		{"department", store.ConversationQuery{DepartmentID: depB, Limit: 1}, []int{3, 2}},
		{"department within restrict", store.ConversationQuery{DepartmentID: depB, Restrict: true, DepartmentIDs: []switchboard.DepartmentID{depA}}, nil},
		{"unread", store.ConversationQuery{Unread: true, Limit: 1}, []int{5, 4, 2}},
		{"label", store.ConversationQuery{Label: "vip", Limit: 1}, []int{2, 0}},
		{"label and department", store.ConversationQuery{Label: "vip", DepartmentID: depA}, []int{0}},
		{"unknown label", store.ConversationQuery{Label: "nope"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []switchboard.ConversationID
			for _, i := range tc.want {
				want = append(want, ids[i])
			}
			if got := list(tc.q); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}

// testRetractDeleteMessage: retract sets retracted_at once; delete empties
// the parts, removes the text from search and the media nobody else
// names, keeps a marker; both write their outbox entries; another
// workspace's message is ErrNotFound.
func testRetractDeleteMessage(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	res := accept(t, s, f.msg("e1", "u1", "hello", t0))[0]
	conv := getConv(t, s, f.ws, res.ConversationID)
	out := newOutgoing(conv, "secret plan zebra", t0.Add(time.Minute))
	out.Parts = append(out.Parts, switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "med_x", ContentType: "image/png"}})
	must(t, s.CreateMessage(ctx, out, nil), "CreateMessage")
	shared := newOutgoing(conv, "shared", t0.Add(2*time.Minute))
	shared.Parts = append(shared.Parts, switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "med_shared"}})
	both := newOutgoing(conv, "both", t0.Add(3*time.Minute))
	both.Parts = append(both.Parts, switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "med_shared"}})
	must(t, s.CreateMessage(ctx, shared, nil), "CreateMessage shared")
	must(t, s.CreateMessage(ctx, both, nil), "CreateMessage both")
	for _, id := range []string{"med_x", "med_shared"} {
		must(t, s.PutMedia(ctx, store.Media{ID: id, WorkspaceID: f.ws, ContentType: "image/png", Body: []byte("png"), CreatedAt: t0}), "PutMedia")
	}
	claimAll(t, s, time.Hour)
	if found, err := s.SearchMessages(ctx, f.ws, "zebra", 10); err != nil || len(found) != 1 {
		t.Fatalf("search before delete = %v, %v", found, err)
	}

	at := t0.Add(time.Hour)
	m, err := s.RetractMessage(ctx, f.ws, out.ID, at, func(m switchboard.Message) []store.OutboxEntry {
		return []store.OutboxEntry{{Topic: "events", Key: "retract:" + string(m.ID)}}
	})
	must(t, err, "RetractMessage")
	if m.RetractedAt == nil || !m.RetractedAt.Equal(at) || !isUTC(*m.RetractedAt) {
		t.Fatalf("RetractMessage = %+v", m)
	}
	m, err = s.RetractMessage(ctx, f.ws, out.ID, at.Add(time.Hour), nil)
	must(t, err, "RetractMessage again")
	if !m.RetractedAt.Equal(at) {
		t.Fatalf("second retract moved retracted_at to %v", m.RetractedAt)
	}
	if rows := claimAll(t, s, time.Hour); len(rows) != 1 || rows[0].Key != "retract:"+string(out.ID) {
		t.Fatalf("outbox after retract = %+v", rows)
	}

	m, err = s.DeleteMessage(ctx, f.ws, out.ID, "op_admin", at, func(m switchboard.Message) []store.OutboxEntry {
		return []store.OutboxEntry{{Topic: "events", Key: "delete:" + string(m.ID)}}
	})
	must(t, err, "DeleteMessage")
	if m.DeletedAt == nil || !m.DeletedAt.Equal(at) || m.DeletedBy != "op_admin" || len(m.Parts) != 0 || m.Text() != "" {
		t.Fatalf("DeleteMessage = %+v", m)
	}
	if rows := claimAll(t, s, time.Hour); len(rows) != 1 || rows[0].Key != "delete:"+string(out.ID) {
		t.Fatalf("outbox after delete = %+v", rows)
	}
	got, err := s.GetMessage(ctx, f.ws, out.ID)
	must(t, err, "GetMessage")
	if got.DeletedAt == nil || got.DeletedBy != "op_admin" || len(got.Parts) != 0 {
		t.Fatalf("GetMessage after delete = %+v", got)
	}
	if found, err := s.SearchMessages(ctx, f.ws, "zebra", 10); err != nil || len(found) != 0 {
		t.Fatalf("search after delete = %v, %v", found, err)
	}
	_, err = s.GetMedia(ctx, "med_x")
	wantErr(t, err, store.ErrNotFound, "media of a deleted message")

	_, err = s.DeleteMessage(ctx, f.ws, shared.ID, "op_admin", at, nil)
	must(t, err, "DeleteMessage shared")
	if _, err := s.GetMedia(ctx, "med_shared"); err != nil {
		t.Fatalf("media another message still names was deleted: %v", err)
	}

	other := newWorkspace(t, s, "Other")
	_, err = s.RetractMessage(ctx, other, both.ID, at, nil)
	wantErr(t, err, store.ErrNotFound, "RetractMessage of another workspace")
	_, err = s.DeleteMessage(ctx, other, both.ID, "op_x", at, nil)
	wantErr(t, err, store.ErrNotFound, "DeleteMessage of another workspace")
	if m, _ := s.GetMessage(ctx, f.ws, both.ID); m.DeletedAt != nil || m.RetractedAt != nil || m.Text() != "both" {
		t.Fatalf("a refused call changed the message: %+v", m)
	}
}

// testPresence: operator presence per workspace; presence leases end at
// their time, are extended by touching, and dropped per holder.
func testPresence(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	must(t, s.CreateOperator(ctx, switchboard.Operator{ID: "op_p1", WorkspaceID: a, Email: "p1@example.com", Role: switchboard.RoleOperator}, "h"), "op")
	must(t, s.SetOperatorPresence(ctx, a, "op_p1", switchboard.PresenceAway, t0), "SetOperatorPresence")
	must(t, s.SetOperatorPresence(ctx, a, "op_p1", switchboard.PresenceOnline, t0.Add(time.Second)), "SetOperatorPresence again")
	wantErr(t, s.SetOperatorPresence(ctx, b, "op_p1", switchboard.PresenceOnline, t0), store.ErrNotFound, "SetOperatorPresence of another workspace")
	if err := s.SetOperatorPresence(ctx, a, "op_p1", "busy", t0); err == nil {
		t.Fatal("SetOperatorPresence took an unknown presence")
	}
	pa, err := s.OperatorPresence(ctx, a)
	must(t, err, "OperatorPresence")
	if len(pa) != 1 || pa["op_p1"] != switchboard.PresenceOnline {
		t.Fatalf("OperatorPresence(A) = %v", pa)
	}
	pb, err := s.OperatorPresence(ctx, b)
	must(t, err, "OperatorPresence B")
	if len(pb) != 0 {
		t.Fatalf("OperatorPresence(B) = %v", pb)
	}

	now := t0
	must(t, s.TouchPresenceLease(ctx, "conv:1", "h1", now.Add(time.Minute)), "Touch h1")
	must(t, s.TouchPresenceLease(ctx, "conv:1", "h2", now.Add(10*time.Second)), "Touch h2")
	must(t, s.TouchPresenceLease(ctx, "conv:2", "h3", now.Add(10*time.Second)), "Touch h3")
	present := func(at time.Time) map[string]bool {
		t.Helper()
		m, err := s.PresentSubjects(ctx, []string{"conv:1", "conv:2", "conv:3"}, at)
		must(t, err, "PresentSubjects")
		return m
	}
	if m := present(now); !m["conv:1"] || !m["conv:2"] || m["conv:3"] {
		t.Fatalf("present now = %v", m)
	}
	if m := present(now.Add(30 * time.Second)); !m["conv:1"] || m["conv:2"] {
		t.Fatalf("present after 30s = %v", m)
	}
	must(t, s.TouchPresenceLease(ctx, "conv:2", "h3", now.Add(2*time.Minute)), "Touch h3 again")
	if m := present(now.Add(90 * time.Second)); m["conv:1"] || !m["conv:2"] {
		t.Fatalf("present after 90s = %v", m)
	}
	must(t, s.DropPresenceLease(ctx, "conv:2", "h3"), "Drop h3")
	must(t, s.DropPresenceLease(ctx, "conv:2", "h3"), "Drop h3 again")
	if m := present(now); m["conv:2"] {
		t.Fatalf("present after drop = %v", m)
	}
	if m, err := s.PresentSubjects(ctx, nil, now); err != nil || len(m) != 0 {
		t.Fatalf("PresentSubjects(nil) = %v, %v", m, err)
	}
}

// testConversationContactSearch: the Contact filter finds conversations by
// the contact's name, e-mail or phone, case-insensitively and in Japanese,
// with LIKE's wildcards taken literally, within the department filter.
func testConversationContactSearch(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	ids := map[string]switchboard.ConversationID{}
	for i, p := range []switchboard.Profile{
		{Name: "Yamada Taro", Email: "taro@example.jp"},
		{Name: "山田花子", Phone: "+81 90 1234 5678"},
		{Name: "Ana Souza", Email: "ana_s@example.com"},
	} {
		it := f.msg("cs"+string(rune('0'+i)), "cu"+string(rune('0'+i)), "hello", t0.Add(time.Duration(i)*time.Minute))
		it.Inbound.Profile = p
		ids[p.Name] = accept(t, s, it)[0].ConversationID
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"yamada", []string{"Yamada Taro"}},
		{"EXAMPLE.JP", []string{"Yamada Taro"}},
		{"山田", []string{"山田花子"}},
		{"1234", []string{"山田花子"}},
		{"a_s@", []string{"Ana Souza"}},
		{"%", nil},
		{"nobody", nil},
	} {
		t.Run(tc.q, func(t *testing.T) {
			p, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{Contact: tc.q})
			must(t, err, "ListConversations")
			var got, want []switchboard.ConversationID
			for _, c := range p.Items {
				got = append(got, c.ID)
			}
			for _, n := range tc.want {
				want = append(want, ids[n])
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	// Restricted to no department: nothing.
	p, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{Contact: "yamada", Restrict: true, DepartmentIDs: []switchboard.DepartmentID{"dep_none"}})
	must(t, err, "ListConversations")
	if len(p.Items) != 0 {
		t.Fatalf("restricted search found %d", len(p.Items))
	}
}
