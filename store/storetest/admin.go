package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// adminTests are the contract tests of the console's admin side; Run
// registers them.
var adminTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"UpdateOperator", testUpdateOperator},
	{"TokenListRevoke", testTokenListRevoke},
	{"OperatorSettings", testOperatorSettings},
	{"Templates", testTemplates},
	{"MediaUploaderRefs", testMediaUploaderRefs},
	{"LastOutgoing", testLastOutgoing},
}

// testUpdateOperator: name, role, disabled and departments change; another
// workspace's department or operator is ErrNotFound; disabling ends sessions.
func testUpdateOperator(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_a1", WorkspaceID: a, Name: "One"}), "dep")
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_a2", WorkspaceID: a, Name: "Two"}), "dep")
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_b1", WorkspaceID: b, Name: "One"}), "dep")
	op := switchboard.Operator{ID: "op_u", WorkspaceID: a, Email: "u@example.com", Name: "U", Role: switchboard.RoleOperator,
		DepartmentIDs: []switchboard.DepartmentID{"dep_a1"}, CreatedAt: t0}
	must(t, s.CreateOperator(ctx, op, "h"), "CreateOperator")
	must(t, s.CreateSession(ctx, store.Session{Hash: "s_u", OperatorID: op.ID, WorkspaceID: a, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}), "CreateSession")

	op.Name, op.Role, op.DepartmentIDs = "Ursula", switchboard.RoleSupervisor, []switchboard.DepartmentID{"dep_a2", "dep_a1"}
	must(t, s.UpdateOperator(ctx, op), "UpdateOperator")
	got, err := s.GetOperator(ctx, a, op.ID)
	must(t, err, "GetOperator")
	slices.Sort(got.DepartmentIDs)
	if got.Name != "Ursula" || got.Role != switchboard.RoleSupervisor || got.Disabled || got.Email != "u@example.com" ||
		!slices.Equal(got.DepartmentIDs, []switchboard.DepartmentID{"dep_a1", "dep_a2"}) {
		t.Fatalf("after update: %+v", got)
	}
	if _, err := s.SessionByHash(ctx, "s_u", t0); err != nil {
		t.Fatalf("session gone after a plain update: %v", err)
	}

	bad := op
	bad.DepartmentIDs = []switchboard.DepartmentID{"dep_b1"}
	wantErr(t, s.UpdateOperator(ctx, bad), store.ErrNotFound, "UpdateOperator into another workspace's department")
	got, _ = s.GetOperator(ctx, a, op.ID)
	if len(got.DepartmentIDs) != 2 || got.Name != "Ursula" {
		t.Fatalf("failed update changed the operator: %+v", got)
	}
	other := op
	other.WorkspaceID = b
	wantErr(t, s.UpdateOperator(ctx, other), store.ErrNotFound, "UpdateOperator from another workspace")

	op.Disabled, op.DepartmentIDs = true, nil
	must(t, s.UpdateOperator(ctx, op), "UpdateOperator disable")
	got, _ = s.GetOperator(ctx, a, op.ID)
	if !got.Disabled || len(got.DepartmentIDs) != 0 {
		t.Fatalf("after disable: %+v", got)
	}
	if byEmail, _, err := s.OperatorByEmail(ctx, "u@example.com"); err != nil || !byEmail.Disabled {
		t.Fatalf("OperatorByEmail after disable = %+v, %v", byEmail, err)
	}
	_, err = s.SessionByHash(ctx, "s_u", t0)
	wantErr(t, err, store.ErrNotFound, "session of a disabled operator")
}

// testTokenListRevoke: tokens list by workspace, revoke hides them from
// TokenByHash, a second revoke or another workspace's is ErrNotFound.
func testTokenListRevoke(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	must(t, s.CreateToken(ctx, store.Token{ID: "tok_a1", WorkspaceID: a, Name: "ci", Role: switchboard.RoleAdmin, Hash: "ha1", CreatedAt: t0}), "CreateToken")
	must(t, s.CreateToken(ctx, store.Token{ID: "tok_a2", WorkspaceID: a, Name: "bot", Role: switchboard.RoleOperator, Hash: "ha2", CreatedAt: t0.Add(time.Second)}), "CreateToken")
	must(t, s.CreateToken(ctx, store.Token{ID: "tok_b1", WorkspaceID: b, Name: "x", Role: switchboard.RoleAdmin, Hash: "hb1", CreatedAt: t0}), "CreateToken")
	list, err := s.ListTokens(ctx, a)
	must(t, err, "ListTokens")
	if len(list) != 2 || list[0].ID != "tok_a1" || list[1].ID != "tok_a2" || list[1].Name != "bot" || list[0].RevokedAt != nil {
		t.Fatalf("ListTokens = %+v", list)
	}
	wantErr(t, s.RevokeToken(ctx, a, "tok_b1", t0), store.ErrNotFound, "RevokeToken of another workspace")
	if _, err := s.TokenByHash(ctx, "hb1"); err != nil {
		t.Fatalf("another workspace's token revoked: %v", err)
	}
	at := t0.Add(time.Hour)
	must(t, s.RevokeToken(ctx, a, "tok_a1", at), "RevokeToken")
	_, err = s.TokenByHash(ctx, "ha1")
	wantErr(t, err, store.ErrNotFound, "TokenByHash revoked")
	wantErr(t, s.RevokeToken(ctx, a, "tok_a1", at), store.ErrNotFound, "RevokeToken twice")
	list, _ = s.ListTokens(ctx, a)
	if len(list) != 2 || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(at) || !isUTC(*list[0].RevokedAt) || list[1].RevokedAt != nil {
		t.Fatalf("ListTokens after revoke = %+v", list)
	}
}

// testOperatorSettings: defaults until saved, then what was saved; only
// operators of the workspace.
func testOperatorSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	must(t, s.CreateOperator(ctx, switchboard.Operator{ID: "op_s", WorkspaceID: a, Email: "s@example.com", Role: switchboard.RoleOperator}, "h"), "CreateOperator")
	got, err := s.GetOperatorSettings(ctx, a, "op_s")
	must(t, err, "GetOperatorSettings")
	if got != switchboard.DefaultOperatorSettings() {
		t.Fatalf("defaults = %+v", got)
	}
	set := switchboard.OperatorSettings{NotifyTitle: false, NotifyDesktop: true, NotifySound: false, Language: "ja"}
	must(t, s.PutOperatorSettings(ctx, a, "op_s", set), "PutOperatorSettings")
	set.Language = "en"
	must(t, s.PutOperatorSettings(ctx, a, "op_s", set), "PutOperatorSettings again")
	if got, _ := s.GetOperatorSettings(ctx, a, "op_s"); got != set {
		t.Fatalf("GetOperatorSettings = %+v, want %+v", got, set)
	}
	wantErr(t, s.PutOperatorSettings(ctx, b, "op_s", set), store.ErrNotFound, "PutOperatorSettings from another workspace")
	_, err = s.GetOperatorSettings(ctx, b, "op_s")
	wantErr(t, err, store.ErrNotFound, "GetOperatorSettings from another workspace")
}

// testTemplates: personal replies are listed for their owner only, shared
// for everyone; shortcuts are unique per scope and owner; update and delete
// are workspace-scoped.
func testTemplates(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	parts := []switchboard.Part{{Kind: switchboard.PartText, Text: "Hi {{contact.name}}"},
		{Kind: switchboard.PartButtons, QuickReply: true, Buttons: []switchboard.Button{{Label: "Yes", Payload: "yes"}}}}
	mk := func(id, name, shortcut string, scope switchboard.ResponseScope, owner switchboard.OperatorID) switchboard.CannedResponse {
		return switchboard.CannedResponse{ID: switchboard.CannedResponseID(id), WorkspaceID: a, Name: name, Shortcut: shortcut,
			Text: "text of " + name, Scope: scope, OwnerID: owner, CreatedAt: t0, UpdatedAt: t0}
	}
	shared := mk("tpl_1", "Greeting", "hi", switchboard.ScopeShared, "")
	shared.Text, shared.Parts = "", parts
	must(t, s.CreateTemplate(ctx, shared), "CreateTemplate shared")
	must(t, s.CreateTemplate(ctx, mk("tpl_2", "Alice's", "hi", switchboard.ScopePersonal, "op_alice")), "personal may reuse a shared shortcut")
	must(t, s.CreateTemplate(ctx, mk("tpl_3", "Bob's", "hi", switchboard.ScopePersonal, "op_bob")), "another owner may reuse it")
	must(t, s.CreateTemplate(ctx, mk("tpl_4", "No shortcut", "", switchboard.ScopeShared, "")), "empty shortcut")
	must(t, s.CreateTemplate(ctx, mk("tpl_5", "No shortcut 2", "", switchboard.ScopeShared, "")), "empty shortcuts do not collide")
	wantErr(t, s.CreateTemplate(ctx, mk("tpl_6", "Dup", "hi", switchboard.ScopeShared, "")), store.ErrConflict, "duplicate shared shortcut")
	wantErr(t, s.CreateTemplate(ctx, mk("tpl_7", "Dup", "hi", switchboard.ScopePersonal, "op_alice")), store.ErrConflict, "duplicate personal shortcut")

	ids := func(ts []switchboard.CannedResponse) []string {
		var out []string
		for _, x := range ts {
			out = append(out, string(x.ID))
		}
		return out
	}
	list, err := s.ListTemplates(ctx, a, "op_alice")
	must(t, err, "ListTemplates")
	if got := ids(list); !slices.Equal(got, []string{"tpl_2", "tpl_1", "tpl_4", "tpl_5"}) {
		t.Fatalf("ListTemplates(alice) = %v", got)
	}
	if got := ids(must2(s.ListTemplates(ctx, a, ""))(t)); !slices.Equal(got, []string{"tpl_1", "tpl_4", "tpl_5"}) {
		t.Fatalf("ListTemplates(no operator) = %v", got)
	}
	if got := must2(s.ListTemplates(ctx, b, "op_alice"))(t); len(got) != 0 {
		t.Fatalf("ListTemplates(B) = %v", ids(got))
	}
	got, err := s.GetTemplate(ctx, a, "tpl_1")
	must(t, err, "GetTemplate")
	if got.Name != "Greeting" || got.Scope != switchboard.ScopeShared || len(got.Parts) != 2 || !got.Parts[1].QuickReply ||
		got.Parts[1].Buttons[0].Payload != "yes" || !got.CreatedAt.Equal(t0) || !isUTC(got.UpdatedAt) {
		t.Fatalf("GetTemplate = %+v", got)
	}
	_, err = s.GetTemplate(ctx, b, "tpl_1")
	wantErr(t, err, store.ErrNotFound, "GetTemplate from another workspace")

	got.Name, got.Shortcut, got.Parts, got.Text, got.UpdatedAt = "Hello", "hello", nil, "Hello!", t0.Add(time.Hour)
	must(t, s.UpdateTemplate(ctx, got), "UpdateTemplate")
	after, _ := s.GetTemplate(ctx, a, "tpl_1")
	if after.Name != "Hello" || after.Shortcut != "hello" || after.Text != "Hello!" || len(after.Parts) != 0 ||
		!after.UpdatedAt.Equal(t0.Add(time.Hour)) || !after.CreatedAt.Equal(t0) {
		t.Fatalf("after UpdateTemplate = %+v", after)
	}
	clash := after
	clash.ID, clash.Shortcut = "tpl_4", "hello"
	wantErr(t, s.UpdateTemplate(ctx, clash), store.ErrConflict, "UpdateTemplate onto a taken shortcut")
	foreign := after
	foreign.WorkspaceID = b
	wantErr(t, s.UpdateTemplate(ctx, foreign), store.ErrNotFound, "UpdateTemplate from another workspace")
	wantErr(t, s.DeleteTemplate(ctx, b, "tpl_1"), store.ErrNotFound, "DeleteTemplate from another workspace")
	must(t, s.DeleteTemplate(ctx, a, "tpl_1"), "DeleteTemplate")
	wantErr(t, s.DeleteTemplate(ctx, a, "tpl_1"), store.ErrNotFound, "DeleteTemplate twice")
}

// testMediaUploaderRefs: uploads keep their first uploader and filename;
// references tie media to conversations per workspace.
func testMediaUploaderRefs(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	must(t, s.PutMedia(ctx, store.Media{ID: "med_up", WorkspaceID: a, ContentType: "image/png", Body: []byte("png"),
		UploaderID: "op_1", Filename: "cat.png", CreatedAt: t0}), "PutMedia")
	must(t, s.PutMedia(ctx, store.Media{ID: "med_up", WorkspaceID: a, ContentType: "image/png", Body: []byte("png"),
		UploaderID: "op_2", Filename: "other.png", CreatedAt: t0}), "PutMedia again")
	m, err := s.GetMedia(ctx, "med_up")
	must(t, err, "GetMedia")
	if m.UploaderID != "op_1" || m.Filename != "cat.png" {
		t.Fatalf("GetMedia uploader/filename = %q %q", m.UploaderID, m.Filename)
	}
	if refs := must2(s.MediaConversations(ctx, a, "med_up"))(t); len(refs) != 0 {
		t.Fatalf("refs before any = %v", refs)
	}
	must(t, s.AddMediaRef(ctx, a, "med_up", "conv_2"), "AddMediaRef")
	must(t, s.AddMediaRef(ctx, a, "med_up", "conv_1"), "AddMediaRef")
	must(t, s.AddMediaRef(ctx, a, "med_up", "conv_1"), "AddMediaRef again")
	if refs := must2(s.MediaConversations(ctx, a, "med_up"))(t); !slices.Equal(refs, []switchboard.ConversationID{"conv_1", "conv_2"}) {
		t.Fatalf("MediaConversations = %v", refs)
	}
	if refs := must2(s.MediaConversations(ctx, b, "med_up"))(t); len(refs) != 0 {
		t.Fatalf("MediaConversations(B) = %v", refs)
	}
}

// must2 returns v, failing the test given to the returned func on err.
func must2[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// testLastOutgoing: the newest out message, notes and customer messages
// skipped; none is ErrNotFound; another workspace sees nothing.
func testLastOutgoing(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	res := accept(t, s, f.msg("e1", "u1", "hello", t0))
	conv := getConv(t, s, f.ws, res[0].ConversationID)
	_, err := s.LastOutgoing(ctx, f.ws, conv.ID)
	wantErr(t, err, store.ErrNotFound, "LastOutgoing with none")
	first := newOutgoing(conv, "first", t0.Add(time.Second))
	second := newOutgoing(conv, "second", t0.Add(2*time.Second))
	second.Parts = append(second.Parts, switchboard.Part{Kind: switchboard.PartButtons, Buttons: []switchboard.Button{{Label: "Yes", Payload: "y"}}})
	note := newOutgoing(conv, "a note", t0.Add(3*time.Second))
	note.Direction, note.Status = switchboard.DirectionNote, switchboard.StatusDelivered
	for _, m := range []switchboard.Message{first, second, note} {
		must(t, s.CreateMessage(ctx, m, nil), "CreateMessage")
	}
	accept(t, s, f.msg("e2", "u1", "2", t0.Add(4*time.Second)))
	got, err := s.LastOutgoing(ctx, f.ws, conv.ID)
	must(t, err, "LastOutgoing")
	if got.ID != second.ID || len(got.Parts) != 2 || got.Parts[1].Buttons[0].Payload != "y" {
		t.Fatalf("LastOutgoing = %s %+v, want %s", got.ID, got.Parts, second.ID)
	}
	other := newWorkspace(t, s, "Other")
	_, err = s.LastOutgoing(ctx, other, conv.ID)
	wantErr(t, err, store.ErrNotFound, "LastOutgoing from another workspace")
}
