package storetest

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// customerTests are the contract tests of customers (issue 13); Run
// registers them.
func customerTests(cfg config) []struct {
	name string
	fn   func(t *testing.T, s store.Store)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"UpdateVisitorContext", testUpdateVisitorContext},
		{"UpdateContact", testUpdateContact},
		{"SearchContacts", testSearchContacts},
		{"VerifiedContacts", testVerifiedContacts},
		{"MergeContacts", testMergeContacts},
		{"ContactConversations", testContactConversations},
		{"MarkMessagesRead", testMarkMessagesRead},
		{"WorkspaceSettings", testWorkspaceSettings},
		{"PurgeVisitorContext", testPurgeVisitorContext},
		{"EraseContact", func(t *testing.T, s store.Store) { testEraseContact(t, s, cfg.cells) }},
	}
}

// customer accepts a message from sender (with profile p) on ch and
// returns the result (contact and conversation ids).
func customer(t testing.TB, s store.Store, ws switchboard.WorkspaceID, ch switchboard.ChannelID, sender string, p switchboard.Profile, text string, at time.Time) store.AcceptResult {
	t.Helper()
	it := msgOn(ws, ch, switchboard.NewID("ext"), sender, text, at)
	it.Inbound.Profile = p
	return accept(t, s, it)[0]
}

// pageContext returns an update that records a page view at at.
func pageContext(url, title string, at time.Time) func(switchboard.CustomerContext) switchboard.CustomerContext {
	return func(c switchboard.CustomerContext) switchboard.CustomerContext {
		c.PageURL, c.PageTitle = url, title
		c.Pages = append(c.Pages, switchboard.PageView{URL: url, Title: title, At: at})
		if c.FirstSeenAt == nil {
			c.FirstSeenAt = &at
		}
		c.LastSeenAt = &at
		return c
	}
}

func contactEntry(k switchboard.Contact) []store.OutboxEntry {
	return []store.OutboxEntry{{Topic: "events", Key: string(k.ID), Payload: []byte("contact.updated")}}
}

// testUpdateVisitorContext: a new visitor gets a contact without a
// conversation; once they have one, the context is stored on it too;
// update sees the stored context; lists leave the conversation's out.
func testUpdateVisitorContext(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "A")
	ch := newChannel(t, s, ws, "webchat")
	var calls []*switchboard.Conversation
	outboxFor := func(k switchboard.Contact, c *switchboard.Conversation) []store.OutboxEntry {
		calls = append(calls, c)
		return contactEntry(k)
	}
	before := pending(t, s)
	var seen []switchboard.CustomerContext
	update := func(url string, at time.Time) func(switchboard.CustomerContext) switchboard.CustomerContext {
		return func(c switchboard.CustomerContext) switchboard.CustomerContext {
			seen = append(seen, c)
			return pageContext(url, "Page "+url, at)(c)
		}
	}
	k, conv, err := s.UpdateVisitorContext(ctx, ws, ch, "vis_1", "ct_vis1", update("https://shop.example/a", t0), outboxFor)
	must(t, err, "UpdateVisitorContext new visitor")
	if k.ID != "ct_vis1" || conv != nil || k.Context == nil || k.Context.PageURL != "https://shop.example/a" ||
		len(k.Identities) != 1 || k.Identities[0].ExternalID != "vis_1" {
		t.Fatalf("new visitor: %+v conv %v", k, conv)
	}
	if len(seen) != 1 || seen[0].PageURL != "" || len(seen[0].Pages) != 0 {
		t.Fatalf("update of a new visitor saw %+v, want the zero context", seen)
	}
	if len(calls) != 1 || calls[0] != nil || pending(t, s) != before+1 {
		t.Fatalf("outboxFor calls %v, pending %d (before %d)", calls, pending(t, s), before)
	}
	got, err := s.GetContact(ctx, ws, "ct_vis1")
	must(t, err, "GetContact")
	if got.Context == nil || got.Context.PageTitle != "Page https://shop.example/a" || got.Context.LastSeenAt == nil || !got.Context.LastSeenAt.Equal(t0) {
		t.Fatalf("stored context %+v", got.Context)
	}
	found, err := s.FindIdentityContact(ctx, ch, "vis_1")
	must(t, err, "FindIdentityContact")
	if found.ID != "ct_vis1" || found.Context == nil {
		t.Fatalf("FindIdentityContact = %+v", found)
	}
	_, err = s.FindIdentityContact(ctx, ch, "vis_unknown")
	wantErr(t, err, store.ErrNotFound, "FindIdentityContact unknown")

	// The visitor writes: Accept makes the conversation for the contact.
	res := customer(t, s, ws, ch, "vis_1", switchboard.Profile{}, "hello", t0.Add(time.Minute))
	if res.ContactID != "ct_vis1" || !res.NewConversation {
		t.Fatalf("Accept for the visitor: %+v", res)
	}
	k, conv, err = s.UpdateVisitorContext(ctx, ws, ch, "vis_1", "ct_unused", update("https://shop.example/b", t0.Add(2*time.Minute)), outboxFor)
	must(t, err, "UpdateVisitorContext with conversation")
	if len(seen) != 2 || seen[1].PageURL != "https://shop.example/a" || len(seen[1].Pages) != 1 {
		t.Fatalf("update saw %+v, want the stored context", seen[1])
	}
	if conv == nil || conv.ID != res.ConversationID || conv.Context == nil || conv.Context.PageURL != "https://shop.example/b" ||
		conv.Contact == nil || conv.Contact.ID != "ct_vis1" || len(k.Context.Pages) != 2 {
		t.Fatalf("with conversation: contact %+v conv %+v", k, conv)
	}
	if len(calls) != 2 || calls[1] == nil || calls[1].ID != res.ConversationID {
		t.Fatalf("outboxFor got conversation %v", calls)
	}
	c := getConv(t, s, ws, res.ConversationID)
	if c.Context == nil || c.Context.PageURL != "https://shop.example/b" || c.Contact.Context == nil || len(c.Contact.Context.Pages) != 2 {
		t.Fatalf("GetConversation context %+v, contact context %+v", c.Context, c.Contact.Context)
	}
	page, err := s.ListConversations(ctx, ws, store.ConversationQuery{})
	must(t, err, "ListConversations")
	if len(page.Items) != 1 || page.Items[0].Context != nil || page.Items[0].Contact.Context == nil {
		t.Fatalf("list: conversation context %+v (want none), contact context %+v", page.Items[0].Context, page.Items[0].Contact.Context)
	}

	other := newWorkspace(t, s, "B")
	_, _, err = s.UpdateVisitorContext(ctx, other, ch, "vis_2", "ct_vis2", update("x", t0), outboxFor)
	wantErr(t, err, store.ErrNotFound, "UpdateVisitorContext on another workspace's channel")
	_, err = s.GetContact(ctx, other, "ct_vis2")
	wantErr(t, err, store.ErrNotFound, "contact of a failed UpdateVisitorContext")
}

// testUpdateContact applies updates in turn and checks the contact after
// each.
func testUpdateContact(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	id := customer(t, s, f.ws, f.ch, "u_1", switchboard.Profile{Name: "Ann", Phone: "+100"}, "hi", t0).ContactID
	str := func(v string) *string { return &v }
	yes := true
	steps := []struct {
		name  string
		u     store.ContactUpdate
		check func(k switchboard.Contact) bool
	}{
		{"fields", store.ContactUpdate{Name: str("Ann Lee"), Email: str("ann@example.com"), EmailVerified: &yes, ExternalRef: str("crm-1"), Language: str("ja")},
			func(k switchboard.Contact) bool {
				return k.Name == "Ann Lee" && k.Email == "ann@example.com" && k.EmailVerified && !k.PhoneVerified &&
					k.ExternalRef == "crm-1" && k.Language == "ja" && k.Phone == "+100"
			}},
		{"attributes replace", store.ContactUpdate{Attributes: map[string]string{"plan": "gold", "company": "Acme"}},
			func(k switchboard.Contact) bool {
				return maps.Equal(k.Attributes, map[string]string{"plan": "gold", "company": "Acme"}) && k.Name == "Ann Lee"
			}},
		{"attributes merge", store.ContactUpdate{MergeAttributes: map[string]string{"plan": "silver", "seats": "3"}},
			func(k switchboard.Contact) bool {
				return maps.Equal(k.Attributes, map[string]string{"plan": "silver", "company": "Acme", "seats": "3"})
			}},
		{"attributes replace again", store.ContactUpdate{Attributes: map[string]string{"tier": "1"}},
			func(k switchboard.Contact) bool { return maps.Equal(k.Attributes, map[string]string{"tier": "1"}) }},
		{"labels", store.ContactUpdate{Labels: []string{"b2b", "vip"}},
			func(k switchboard.Contact) bool {
				return slices.Equal(k.Labels, []string{"b2b", "vip"}) && maps.Equal(k.Attributes, map[string]string{"tier": "1"})
			}},
		{"labels cleared", store.ContactUpdate{Labels: []string{}},
			func(k switchboard.Contact) bool { return len(k.Labels) == 0 }},
		{"nothing", store.ContactUpdate{},
			func(k switchboard.Contact) bool { return k.Name == "Ann Lee" && k.ExternalRef == "crm-1" }},
	}
	for _, st := range steps {
		before := pending(t, s)
		k, err := s.UpdateContact(ctx, f.ws, id, st.u, contactEntry)
		must(t, err, "UpdateContact "+st.name)
		got, err := s.GetContact(ctx, f.ws, id)
		must(t, err, "GetContact")
		if !st.check(k) || !st.check(got) {
			t.Fatalf("%s: returned %+v, stored %+v", st.name, k, got)
		}
		if len(got.Identities) != 1 || pending(t, s) != before+1 {
			t.Fatalf("%s: identities %v, outbox %d → %d", st.name, got.Identities, before, pending(t, s))
		}
	}
	other := newWorkspace(t, s, "B")
	before := pending(t, s)
	_, err := s.UpdateContact(ctx, other, id, store.ContactUpdate{Name: str("X")}, contactEntry)
	wantErr(t, err, store.ErrNotFound, "UpdateContact from another workspace")
	_, err = s.UpdateContact(ctx, f.ws, "ct_missing", store.ContactUpdate{Name: str("X")}, contactEntry)
	wantErr(t, err, store.ErrNotFound, "UpdateContact missing")
	if pending(t, s) != before {
		t.Fatal("a failed UpdateContact wrote outbox rows")
	}
}

// testSearchContacts: case-insensitive substring of name, e-mail, phone
// or external ref, CJK included, newest first, erased ones left out.
func testSearchContacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	ids := map[string]switchboard.ContactID{}
	for i, p := range []switchboard.Profile{
		{Name: "Alice Smith", Email: "alice@example.com"},
		{Name: "山田花子", Phone: "+81-3-1234"},
		{Name: "Bob", Email: "BOB@Example.org"},
		{Name: "Gone Person"},
	} {
		ids[p.Name] = customer(t, s, f.ws, f.ch, "s_"+p.Name, p, "hi", t0.Add(time.Duration(i)*time.Minute)).ContactID
	}
	ref := "CRM-42"
	// Updated last: first in the "latest" list.
	_, err := s.UpdateContact(ctx, f.ws, ids["Bob"], store.ContactUpdate{ExternalRef: &ref}, nil)
	must(t, err, "UpdateContact")
	_, err = s.EraseContact(ctx, f.ws, ids["Gone Person"], []string{"Gone Person"}, t0, nil)
	must(t, err, "EraseContact")
	other := newWorkspace(t, s, "B")
	customer(t, s, other, newChannel(t, s, other, "line"), "s_other", switchboard.Profile{Name: "Alice Other"}, "hi", t0)

	names := func(ks []switchboard.Contact) []string {
		var out []string
		for _, k := range ks {
			out = append(out, k.Name)
		}
		return out
	}
	for _, tc := range []struct {
		q     string
		limit int
		want  []string
	}{
		{"alice", 0, []string{"Alice Smith"}},
		{"SMITH", 0, []string{"Alice Smith"}},
		{"ALICE@EXAMPLE", 0, []string{"Alice Smith"}},
		{"bob@example.ORG", 0, []string{"Bob"}},
		{"花子", 0, []string{"山田花子"}},
		{"山田", 0, []string{"山田花子"}},
		{"1234", 0, []string{"山田花子"}},
		{"crm-4", 0, []string{"Bob"}},
		{"Gone", 0, nil},
		{"nobody", 0, nil},
		{"", 0, []string{"Bob", "山田花子", "Alice Smith"}},
		{"", 2, []string{"Bob", "山田花子"}},
		{"%", 0, nil},
	} {
		got, err := s.SearchContacts(ctx, f.ws, tc.q, tc.limit)
		must(t, err, "SearchContacts "+tc.q)
		if !slices.Equal(names(got), tc.want) {
			t.Errorf("SearchContacts(%q, %d) = %q, want %q", tc.q, tc.limit, names(got), tc.want)
		}
		for _, k := range got {
			if len(k.Identities) != 1 {
				t.Errorf("SearchContacts(%q): %s has identities %v", tc.q, k.Name, k.Identities)
			}
		}
	}
}

// testVerifiedContacts: only verified e-mails (any case) and phones match;
// except and other workspaces are left out; empty arguments match nothing.
func testVerifiedContacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	yes := true
	mk := func(sender string, p switchboard.Profile, emailV, phoneV bool) switchboard.ContactID {
		id := customer(t, s, f.ws, f.ch, sender, p, "hi", t0).ContactID
		u := store.ContactUpdate{}
		if emailV {
			u.EmailVerified = &yes
		}
		if phoneV {
			u.PhoneVerified = &yes
		}
		_, err := s.UpdateContact(ctx, f.ws, id, u, nil)
		must(t, err, "UpdateContact")
		return id
	}
	a := mk("v_a", switchboard.Profile{Email: "Pat@Example.com"}, true, false)
	mk("v_b", switchboard.Profile{Email: "pat@example.com", Phone: "+1555"}, false, false)
	c := mk("v_c", switchboard.Profile{Phone: "+1555"}, false, true)
	other := newWorkspace(t, s, "B")
	oid := customer(t, s, other, newChannel(t, s, other, "line"), "v_o", switchboard.Profile{Email: "pat@example.com"}, "hi", t0).ContactID
	_, err := s.UpdateContact(ctx, other, oid, store.ContactUpdate{EmailVerified: &yes}, nil)
	must(t, err, "UpdateContact other")

	ids := func(ks []switchboard.Contact) []switchboard.ContactID {
		var out []switchboard.ContactID
		for _, k := range ks {
			out = append(out, k.ID)
		}
		slices.Sort(out)
		return out
	}
	both := []switchboard.ContactID{a, c}
	slices.Sort(both)
	for _, tc := range []struct {
		name, email, phone string
		except             switchboard.ContactID
		want               []switchboard.ContactID
	}{
		{"e-mail any case", "PAT@example.COM", "", "", []switchboard.ContactID{a}},
		{"except", "pat@example.com", "", a, nil},
		{"phone", "", "+1555", "", []switchboard.ContactID{c}},
		{"both", "pat@example.com", "+1555", "", both},
		{"empty", "", "", "", nil},
		{"unknown", "x@example.com", "+999", "", nil},
	} {
		got, err := s.VerifiedContacts(ctx, f.ws, tc.email, tc.phone, tc.except)
		must(t, err, "VerifiedContacts "+tc.name)
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("VerifiedContacts %s = %v, want %v", tc.name, ids(got), tc.want)
		}
	}
}

// testMergeContacts: identities and conversations move, the profile's
// gaps are filled, attributes and labels united (into's values win),
// from is gone and its channel identity now finds into.
func testMergeContacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	sms := newChannel(t, s, f.ws, "sms")
	into := customer(t, s, f.ws, f.ch, "m_into", switchboard.Profile{Email: "kim@example.com"}, "hi", t0)
	from := customer(t, s, f.ws, sms, "+4477", switchboard.Profile{Name: "Kim", Email: "KIM@example.com", Phone: "+4477"}, "sms hi", t0.Add(time.Minute))
	yes := true
	_, err := s.UpdateContact(ctx, f.ws, into.ContactID, store.ContactUpdate{
		Attributes: map[string]string{"plan": "gold"}, Labels: []string{"vip"}}, nil)
	must(t, err, "UpdateContact into")
	ref := "crm-kim"
	_, err = s.UpdateContact(ctx, f.ws, from.ContactID, store.ContactUpdate{
		EmailVerified: &yes, PhoneVerified: &yes, ExternalRef: &ref,
		Attributes: map[string]string{"plan": "silver", "company": "Acme"}, Labels: []string{"new", "vip"}}, nil)
	must(t, err, "UpdateContact from")

	_, err = s.MergeContacts(ctx, f.ws, into.ContactID, into.ContactID, contactEntry)
	wantErr(t, err, store.ErrConflict, "MergeContacts into itself")
	other := newWorkspace(t, s, "B")
	foreign := customer(t, s, other, newChannel(t, s, other, "line"), "m_foreign", switchboard.Profile{}, "hi", t0).ContactID
	_, err = s.MergeContacts(ctx, f.ws, into.ContactID, foreign, contactEntry)
	wantErr(t, err, store.ErrNotFound, "MergeContacts from another workspace")
	_, err = s.MergeContacts(ctx, other, into.ContactID, from.ContactID, contactEntry)
	wantErr(t, err, store.ErrNotFound, "MergeContacts in another workspace")

	before := pending(t, s)
	k, err := s.MergeContacts(ctx, f.ws, into.ContactID, from.ContactID, contactEntry)
	must(t, err, "MergeContacts")
	stored, err := s.GetContact(ctx, f.ws, into.ContactID)
	must(t, err, "GetContact into")
	for _, got := range []switchboard.Contact{k, stored} {
		if got.ID != into.ContactID || got.Name != "Kim" || got.Email != "kim@example.com" || !got.EmailVerified ||
			got.Phone != "+4477" || !got.PhoneVerified || got.ExternalRef != "crm-kim" ||
			!maps.Equal(got.Attributes, map[string]string{"plan": "gold", "company": "Acme"}) ||
			!slices.Equal(got.Labels, []string{"new", "vip"}) || len(got.Identities) != 2 {
			t.Fatalf("merged contact %+v", got)
		}
	}
	if pending(t, s) != before+1 {
		t.Fatalf("MergeContacts wrote %d outbox rows, want 1", pending(t, s)-before)
	}
	_, err = s.GetContact(ctx, f.ws, from.ContactID)
	wantErr(t, err, store.ErrNotFound, "GetContact of the merged-away contact")
	convs, err := s.ContactConversations(ctx, f.ws, into.ContactID, 10)
	must(t, err, "ContactConversations")
	if len(convs) != 2 || convs[0].ID != from.ConversationID || convs[1].ID != into.ConversationID {
		t.Fatalf("conversations after merge %+v", convs)
	}
	if c := getConv(t, s, f.ws, from.ConversationID); c.ContactID != into.ContactID || c.Contact.ID != into.ContactID {
		t.Fatalf("moved conversation's contact %s", c.ContactID)
	}
	byIdentity, err := s.FindIdentityContact(ctx, sms, "+4477")
	must(t, err, "FindIdentityContact")
	if byIdentity.ID != into.ContactID {
		t.Fatalf("identity finds %s, want %s", byIdentity.ID, into.ContactID)
	}
	// The moved identity's next message goes on in its conversation.
	res := customer(t, s, f.ws, sms, "+4477", switchboard.Profile{}, "again", t0.Add(time.Hour))
	if res.ContactID != into.ContactID || res.ConversationID != from.ConversationID || res.NewContact {
		t.Fatalf("message after merge: %+v", res)
	}
	_, err = s.MergeContacts(ctx, f.ws, into.ContactID, from.ContactID, contactEntry)
	wantErr(t, err, store.ErrNotFound, "MergeContacts again")
}

// testContactConversations: every channel, newest activity first, the
// limit kept, Contact not filled, scoped by workspace.
func testContactConversations(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	sms := newChannel(t, s, f.ws, "sms")
	a := customer(t, s, f.ws, f.ch, "cc_1", switchboard.Profile{}, "first", t0)
	b := customer(t, s, f.ws, sms, "cc_2", switchboard.Profile{}, "second", t0.Add(time.Minute))
	_, err := s.MergeContacts(ctx, f.ws, a.ContactID, b.ContactID, nil)
	must(t, err, "MergeContacts")
	customer(t, s, f.ws, f.ch, "cc_1", switchboard.Profile{}, "latest", t0.Add(time.Hour))
	customer(t, s, f.ws, f.ch, "cc_other", switchboard.Profile{}, "someone else", t0.Add(2*time.Hour))

	got, err := s.ContactConversations(ctx, f.ws, a.ContactID, 0)
	must(t, err, "ContactConversations")
	if len(got) != 2 || got[0].ID != a.ConversationID || got[1].ID != b.ConversationID {
		t.Fatalf("ContactConversations = %+v", got)
	}
	for _, c := range got {
		if c.Contact != nil || c.ContactID != a.ContactID || c.LastMessage == "" || !isUTC(c.LastActivityAt) {
			t.Fatalf("conversation %+v", c)
		}
	}
	got, err = s.ContactConversations(ctx, f.ws, a.ContactID, 1)
	must(t, err, "ContactConversations limit")
	if len(got) != 1 || got[0].ID != a.ConversationID {
		t.Fatalf("ContactConversations limit 1 = %+v", got)
	}
	other := newWorkspace(t, s, "B")
	got, err = s.ContactConversations(ctx, other, a.ContactID, 0)
	if err == nil && len(got) != 0 {
		t.Fatalf("ContactConversations from another workspace = %+v", got)
	}
}

// testMarkMessagesRead: outgoing messages up to upTo become read, never
// downwards (failed and read stay), later ones stay; upTo must be an
// incoming or outgoing message of the conversation.
func testMarkMessagesRead(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	res := customer(t, s, f.ws, f.ch, "r_1", switchboard.Profile{}, "question", t0)
	conv := getConv(t, s, f.ws, res.ConversationID)
	out := func(text string, min int, st switchboard.DeliveryStatus) switchboard.MessageID {
		m := newOutgoing(conv, text, t0.Add(time.Duration(min)*time.Minute))
		m.Status = st
		must(t, s.CreateMessage(ctx, m, nil), "CreateMessage")
		return m.ID
	}
	pendingMsg := out("queued", 1, switchboard.StatusPending)
	sent := out("sent", 2, switchboard.StatusSent)
	failed := out("failed", 3, switchboard.StatusFailed)
	already := out("read", 4, switchboard.StatusRead)
	delivered := out("delivered", 5, switchboard.StatusDelivered)
	note := switchboard.Message{ID: "msg_note_r", WorkspaceID: f.ws, ConversationID: conv.ID, Direction: switchboard.DirectionNote,
		Parts: switchboard.TextParts("note"), CreatedAt: t0.Add(6 * time.Minute)}
	must(t, s.CreateMessage(ctx, note, nil), "CreateMessage note")
	later := customer(t, s, f.ws, f.ch, "r_1", switchboard.Profile{}, "later", t0.Add(7*time.Minute))
	last := out("after", 8, switchboard.StatusDelivered)

	entries := func(m switchboard.Message) []store.OutboxEntry {
		return []store.OutboxEntry{{Topic: "events", Key: string(m.ID), Payload: []byte(m.Status)}}
	}
	ids := func(ms []switchboard.Message) []switchboard.MessageID {
		var o []switchboard.MessageID
		for _, m := range ms {
			if m.Status != switchboard.StatusRead || m.Direction != switchboard.DirectionOut {
				t.Fatalf("returned message %s status %s direction %s", m.ID, m.Status, m.Direction)
			}
			o = append(o, m.ID)
		}
		return o
	}
	before := pending(t, s)
	got, err := s.MarkMessagesRead(ctx, f.ws, conv.ID, sent, entries)
	must(t, err, "MarkMessagesRead up to sent")
	if !slices.Equal(ids(got), []switchboard.MessageID{pendingMsg, sent}) || pending(t, s) != before+2 {
		t.Fatalf("up to sent: %v, outbox +%d", ids(got), pending(t, s)-before)
	}
	got, err = s.MarkMessagesRead(ctx, f.ws, conv.ID, later.MessageID, entries)
	must(t, err, "MarkMessagesRead up to an incoming message")
	if !slices.Equal(ids(got), []switchboard.MessageID{delivered}) {
		t.Fatalf("up to the incoming message: %v", ids(got))
	}
	got, err = s.MarkMessagesRead(ctx, f.ws, conv.ID, later.MessageID, entries)
	must(t, err, "MarkMessagesRead again")
	if len(got) != 0 {
		t.Fatalf("second MarkMessagesRead changed %v", ids(got))
	}
	for id, want := range map[switchboard.MessageID]switchboard.DeliveryStatus{
		pendingMsg: switchboard.StatusRead, sent: switchboard.StatusRead, failed: switchboard.StatusFailed,
		already: switchboard.StatusRead, delivered: switchboard.StatusRead, last: switchboard.StatusDelivered,
	} {
		m, err := s.GetMessage(ctx, f.ws, id)
		must(t, err, "GetMessage")
		if m.Status != want {
			t.Errorf("message %s status %s, want %s", id, m.Status, want)
		}
	}
	before = pending(t, s)
	otherConv := customer(t, s, f.ws, f.ch, "r_2", switchboard.Profile{}, "other", t0)
	for name, upTo := range map[string]switchboard.MessageID{
		"another conversation's message": otherConv.MessageID,
		"a note":                         note.ID,
		"a missing message":              "msg_missing",
	} {
		_, err := s.MarkMessagesRead(ctx, f.ws, conv.ID, upTo, entries)
		wantErr(t, err, store.ErrNotFound, "MarkMessagesRead up to "+name)
	}
	other := newWorkspace(t, s, "B")
	_, err = s.MarkMessagesRead(ctx, other, conv.ID, last, entries)
	wantErr(t, err, store.ErrNotFound, "MarkMessagesRead from another workspace")
	if m, _ := s.GetMessage(ctx, f.ws, last); m.Status != switchboard.StatusDelivered || pending(t, s) != before+1 {
		t.Fatalf("failed calls changed something: status %s, outbox +%d", m.Status, pending(t, s)-before)
	}

	// An operator reading the conversation records when.
	if c := getConv(t, s, f.ws, conv.ID); c.LastReadAt != nil {
		t.Fatalf("LastReadAt %v before anyone read", c.LastReadAt)
	}
	must(t, s.MarkConversationRead(ctx, f.ws, conv.ID), "MarkConversationRead")
	if c := getConv(t, s, f.ws, conv.ID); c.LastReadAt == nil || !isUTC(*c.LastReadAt) {
		t.Fatalf("LastReadAt after MarkConversationRead: %v", c.LastReadAt)
	}
}

// testWorkspaceSettings: defaults until saved, replaced by Put, per
// workspace; ListWorkspaces lists them all.
func testWorkspaceSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	got, err := s.GetWorkspaceSettings(ctx, a)
	must(t, err, "GetWorkspaceSettings")
	if got != switchboard.DefaultWorkspaceSettings() {
		t.Fatalf("unsaved settings %+v", got)
	}
	for _, set := range []switchboard.WorkspaceSettings{
		{CollectIP: false, CollectLocation: true, VisitorRetentionDays: 30},
		{CollectIP: true, CollectLocation: false, VisitorRetentionDays: 0},
	} {
		must(t, s.PutWorkspaceSettings(ctx, a, set), "PutWorkspaceSettings")
		got, err := s.GetWorkspaceSettings(ctx, a)
		must(t, err, "GetWorkspaceSettings")
		if got != set {
			t.Fatalf("settings %+v, want %+v", got, set)
		}
	}
	if got, _ := s.GetWorkspaceSettings(ctx, b); got != switchboard.DefaultWorkspaceSettings() {
		t.Fatalf("B's settings changed with A's: %+v", got)
	}
	wantErr(t, s.PutWorkspaceSettings(ctx, "ws_missing", switchboard.WorkspaceSettings{}), store.ErrNotFound, "PutWorkspaceSettings unknown workspace")
	wss, err := s.ListWorkspaces(ctx)
	must(t, err, "ListWorkspaces")
	var ids []switchboard.WorkspaceID
	for _, ws := range wss {
		ids = append(ids, ws.ID)
		if ws.Name == "" || !isUTC(ws.CreatedAt) {
			t.Fatalf("listed workspace %+v", ws)
		}
	}
	if !slices.Contains(ids, a) || !slices.Contains(ids, b) {
		t.Fatalf("ListWorkspaces = %v, want %s and %s", ids, a, b)
	}
}

// testPurgeVisitorContext: contexts last seen before the cut go from
// contacts and conversations; newer ones and other workspaces stay.
func testPurgeVisitorContext(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "A")
	ch := newChannel(t, s, ws, "webchat")
	old, _, err := s.UpdateVisitorContext(ctx, ws, ch, "p_old", "ct_p_old", pageContext("https://old.example", "Old", t0), nil)
	must(t, err, "UpdateVisitorContext old")
	res := customer(t, s, ws, ch, "p_old", switchboard.Profile{}, "hi", t0)
	_, conv, err := s.UpdateVisitorContext(ctx, ws, ch, "p_old", "", pageContext("https://old.example/2", "Old 2", t0.Add(time.Hour)), nil)
	must(t, err, "UpdateVisitorContext old with conversation")
	if conv == nil || conv.ID != res.ConversationID {
		t.Fatalf("conversation %v", conv)
	}
	recent, _, err := s.UpdateVisitorContext(ctx, ws, ch, "p_new", "ct_p_new", pageContext("https://new.example", "New", t0.Add(10*24*time.Hour)), nil)
	must(t, err, "UpdateVisitorContext new")
	other := newWorkspace(t, s, "B")
	och := newChannel(t, s, other, "webchat")
	_, _, err = s.UpdateVisitorContext(ctx, other, och, "p_o", "ct_p_o", pageContext("https://o.example", "O", t0), nil)
	must(t, err, "UpdateVisitorContext other")

	n, err := s.PurgeVisitorContext(ctx, ws, t0.Add(24*time.Hour))
	must(t, err, "PurgeVisitorContext")
	if n != 1 {
		t.Fatalf("PurgeVisitorContext emptied %d contacts, want 1", n)
	}
	if k, _ := s.GetContact(ctx, ws, old.ID); k.Context != nil {
		t.Fatalf("old contact's context %+v kept", k.Context)
	}
	if c := getConv(t, s, ws, res.ConversationID); c.Context != nil {
		t.Fatalf("old conversation's context %+v kept", c.Context)
	}
	if k, _ := s.GetContact(ctx, ws, recent.ID); k.Context == nil || k.Context.PageURL != "https://new.example" {
		t.Fatalf("recent contact's context %+v", k.Context)
	}
	if k, _ := s.GetContact(ctx, other, "ct_p_o"); k.Context == nil {
		t.Fatal("another workspace's context was purged")
	}
	if n, err := s.PurgeVisitorContext(ctx, ws, t0.Add(24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("second purge = %d, %v", n, err)
	}
}

// The erased customer of testEraseContact: every one of these strings
// names them, and none may be left anywhere once they are erased.
const (
	erName    = "Zebulon Quixotewright"
	erEmail   = "zebulon.q@erase-me.example"
	erPhone   = "+81-90-5550-7731"
	erVisitor = "visitor-zq-4417"
	erRef     = "crm-zq-9917"
	erIP      = "203.0.113.77"
)

var erNeedles = []string{"Zebulon", "Quixotewright", "zebulon.q", "erase-me.example", "5550-7731", "visitor-zq", "crm-zq", erIP}

// testEraseContact: after EraseContact nothing the store keeps names the
// customer: not the contact, identities, messages (theirs emptied, the
// operators' scrubbed), search index, conversations, media, nor outbox
// rows already done. With cells, every stored value of the engine is
// looked through.
func testEraseContact(t *testing.T, s store.Store, cells CellsFunc) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "A")
	web := newChannel(t, s, ws, "webchat")
	sms := newChannel(t, s, ws, "sms")

	k, _, err := s.UpdateVisitorContext(ctx, ws, web, erVisitor, "ct_erase", func(c switchboard.CustomerContext) switchboard.CustomerContext {
		c = pageContext("https://shop.example/account?email="+erEmail, "Zebulon's account", t0)(c)
		c.IP = erIP
		return c
	}, nil)
	must(t, err, "UpdateVisitorContext")
	profile := switchboard.Profile{Name: erName, Email: erEmail, Phone: erPhone}
	first := msgOn(ws, web, "ext-er-1", erVisitor, "Hi, I am "+erName+", mail me at "+erEmail+" or call "+erPhone, t0.Add(time.Minute))
	first.Inbound.Profile = profile
	first.Outbox = append(first.Outbox, store.OutboxEntry{Topic: "events", Key: string(first.MessageID),
		Payload: []byte(`{"contact_id":"ct_erase","name":"` + erName + `"}`)})
	res := accept(t, s, first)[0]
	if res.ContactID != k.ID {
		t.Fatalf("message went to contact %s, want %s", res.ContactID, k.ID)
	}
	body := []byte("scan of the passport of " + erName)
	must(t, s.PutMedia(ctx, store.Media{ID: "med_erase", WorkspaceID: ws, ContentType: "image/jpeg", Body: body,
		Filename: "zebulon-passport.jpg", CreatedAt: t0}), "PutMedia")
	must(t, s.PutMedia(ctx, store.Media{ID: "med_keep", WorkspaceID: ws, ContentType: "image/png", Body: []byte("logo"), CreatedAt: t0}), "PutMedia keep")
	img := msgOn(ws, web, "ext-er-2", erVisitor, "", t0.Add(2*time.Minute))
	img.Inbound.Parts = []switchboard.Part{{Kind: switchboard.PartImage, Text: "my passport, " + erName,
		Attachment: &switchboard.Attachment{MediaID: "med_erase", Filename: "zebulon-passport.jpg", URL: "https://cdn.example/zebulon.jpg"}}}
	accept(t, s, img)
	must(t, s.AddMediaRef(ctx, ws, "med_erase", res.ConversationID), "AddMediaRef")
	_, _, err = s.UpdateVisitorContext(ctx, ws, web, erVisitor, "", pageContext("https://shop.example/help", "Help for Zebulon", t0.Add(3*time.Minute)), nil)
	must(t, err, "UpdateVisitorContext with conversation")
	ref, yes := erRef, true
	_, err = s.UpdateContact(ctx, ws, k.ID, store.ContactUpdate{ExternalRef: &ref, EmailVerified: &yes,
		Labels: []string{"zebulon-vip"}, Attributes: map[string]string{"company": "Quixotewright Holdings"}}, contactEntry)
	must(t, err, "UpdateContact")
	conv := getConv(t, s, ws, res.ConversationID)
	reply := newOutgoing(conv, "Thanks "+erName+", we wrote to "+erEmail, t0.Add(4*time.Minute))
	reply.Parts = append(reply.Parts, switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "med_keep"}})
	must(t, s.CreateMessage(ctx, reply, []store.OutboxEntry{{Topic: "outbound", Key: string(reply.ID), Payload: []byte("to " + erName)}}), "CreateMessage reply")
	note := switchboard.Message{ID: "msg_er_note", WorkspaceID: ws, ConversationID: conv.ID, Direction: switchboard.DirectionNote,
		Parts: switchboard.TextParts(erName + " is a VIP, phone " + erPhone), CreatedAt: t0.Add(5 * time.Minute)}
	must(t, s.CreateMessage(ctx, note, nil), "CreateMessage note")
	// The same customer by SMS, merged in: a second conversation.
	smsRes := customer(t, s, ws, sms, erPhone, switchboard.Profile{Name: erName}, "SMS from "+erName, t0.Add(6*time.Minute))
	_, err = s.MergeContacts(ctx, ws, k.ID, smsRes.ContactID, contactEntry)
	must(t, err, "MergeContacts")
	bystander := customer(t, s, ws, web, "visitor-other", switchboard.Profile{Name: "Olive Other"}, "hello from Olive", t0.Add(7*time.Minute))

	found, err := s.SearchMessages(ctx, ws, "Quixotewright", 10)
	must(t, err, "SearchMessages before erasure")
	if len(found) != 5 {
		t.Fatalf("search before erasure found %d messages, want 5", len(found))
	}
	var done []int64
	for _, r := range claimAll(t, s, time.Minute) {
		done = append(done, r.ID)
	}
	must(t, s.CompleteOutbox(ctx, done), "CompleteOutbox")
	if cells != nil && !anyCellHas(cells(t, s), "Quixotewright") {
		t.Fatal("the cells before erasure do not name the customer: the scan sees nothing")
	}

	scrub := []string{erName, "Zebulon", "Quixotewright", erEmail, erPhone, erRef, erVisitor, erIP}
	other := newWorkspace(t, s, "B")
	_, err = s.EraseContact(ctx, other, k.ID, scrub, t0, nil)
	wantErr(t, err, store.ErrNotFound, "EraseContact from another workspace")
	_, err = s.EraseContact(ctx, ws, "ct_missing", scrub, t0, nil)
	wantErr(t, err, store.ErrNotFound, "EraseContact missing")

	at := t0.Add(time.Hour)
	var announced []switchboard.ConversationID
	er, err := s.EraseContact(ctx, ws, k.ID, scrub, at, func(c switchboard.Conversation) []store.OutboxEntry {
		announced = append(announced, c.ID)
		payload, err := json.Marshal(c)
		must(t, err, "marshal conversation")
		return []store.OutboxEntry{{Topic: "events", Key: string(c.ID), Payload: payload}}
	})
	must(t, err, "EraseContact")
	wantConvs := []switchboard.ConversationID{res.ConversationID, smsRes.ConversationID}
	slices.Sort(wantConvs)
	slices.Sort(er.Conversations)
	slices.Sort(announced)
	if !slices.Equal(er.Conversations, wantConvs) || !slices.Equal(announced, wantConvs) {
		t.Fatalf("erased conversations %v, announced %v, want %v", er.Conversations, announced, wantConvs)
	}
	if !slices.Equal(er.MediaIDs, []string{"med_erase"}) || er.Messages != 5 {
		t.Fatalf("EraseResult media %v, messages %d (want med_erase, 5)", er.MediaIDs, er.Messages)
	}

	got, err := s.GetContact(ctx, ws, k.ID)
	must(t, err, "GetContact erased")
	if got.ErasedAt == nil || !got.ErasedAt.Equal(at) || got.Profile != (switchboard.Profile{}) || got.ExternalRef != "" ||
		got.EmailVerified || len(got.Attributes) != 0 || len(got.Labels) != 0 || got.Context != nil || len(got.Identities) != 0 {
		t.Fatalf("erased contact %+v", got)
	}
	_, err = s.FindIdentityContact(ctx, web, erVisitor)
	wantErr(t, err, store.ErrNotFound, "FindIdentityContact of the erased visitor")
	_, err = s.UpdateContact(ctx, ws, k.ID, store.ContactUpdate{Name: &ref}, nil)
	wantErr(t, err, store.ErrNotFound, "UpdateContact of an erased contact")
	_, err = s.GetMedia(ctx, "med_erase")
	wantErr(t, err, store.ErrNotFound, "GetMedia of the erased customer's upload")
	_, err = s.GetMedia(ctx, "med_keep")
	must(t, err, "GetMedia of the operator's attachment")

	for _, cid := range wantConvs {
		c := getConv(t, s, ws, cid)
		if c.Context != nil || c.Contact.ErasedAt == nil || c.ContactID != k.ID {
			t.Fatalf("conversation %s after erasure: context %+v contact %+v", cid, c.Context, c.Contact)
		}
		for _, m := range allMessages(t, s, ws, cid) {
			switch m.Direction {
			case switchboard.DirectionIn:
				if len(m.Parts) != 0 || m.DeletedAt == nil || m.ExternalID != switchboard.ExternalID("erased:"+string(m.ID)) {
					t.Fatalf("customer message after erasure %+v", m)
				}
			default:
				if strings.Contains(m.Text(), "Zebulon") || !strings.Contains(m.Text(), store.ErasedText) {
					t.Fatalf("%s message after erasure: %q", m.Direction, m.Text())
				}
			}
		}
	}
	if m, err := s.GetMessage(ctx, ws, reply.ID); err != nil || m.Text() != "Thanks [erased], we wrote to [erased]" ||
		len(m.Parts) != 2 || m.Parts[1].Attachment == nil || m.Parts[1].Attachment.MediaID != "med_keep" || m.DeletedAt != nil {
		t.Fatalf("operator reply after erasure %+v, %v", m, err)
	}
	for q, want := range map[string]int{"Zebulon": 0, "Quixotewright": 0, "5550-7731": 0, "Thanks": 1, "hello from Olive": 1} {
		found, err := s.SearchMessages(ctx, ws, q, 10)
		must(t, err, "SearchMessages "+q)
		if len(found) != want {
			t.Errorf("SearchMessages(%q) after erasure found %d, want %d", q, len(found), want)
		}
	}
	if ks, _ := s.SearchContacts(ctx, ws, "", 10); len(ks) != 1 || ks[0].ID != bystander.ContactID {
		t.Fatalf("SearchContacts after erasure = %+v", ks)
	}
	if ms := allMessages(t, s, ws, bystander.ConversationID); len(ms) != 1 || ms[0].Text() != "hello from Olive" {
		t.Fatalf("bystander's messages %+v", ms)
	}
	// Erasing again changes nothing that names them; the visitor writing
	// again is a new contact.
	_, err = s.EraseContact(ctx, ws, k.ID, scrub, at, nil)
	must(t, err, "EraseContact again")
	again := customer(t, s, ws, web, "visitor-new", switchboard.Profile{}, "back", t0.Add(2*time.Hour))
	if again.ContactID == k.ID {
		t.Fatal("a new visitor got the erased contact")
	}

	if cells == nil {
		t.Log("engine gave no cells: every stored value not looked through")
		return
	}
	all := cells(t, s)
	if !anyCellHas(all, "hello from Olive") {
		t.Fatal("the cells after erasure miss the bystander's message: the scan sees nothing")
	}
	for _, c := range all {
		for _, needle := range erNeedles {
			if strings.Contains(c.Value, needle) {
				t.Errorf("%s still names the erased customer (%q): %.200q", c.Where, needle, c.Value)
			}
		}
	}
}

func anyCellHas(cells []Cell, s string) bool {
	return slices.ContainsFunc(cells, func(c Cell) bool { return strings.Contains(c.Value, s) })
}
