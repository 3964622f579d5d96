package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/natstest"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/postgres"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestTwoHubsNeverAssignTwice runs two hubs (router and console each) on
// one PostgreSQL database and NATS. Conversations arrive on both at once
// while operators are online, then operators finish chats on both while
// more arrive: no conversation is assigned twice (exactly one "assigned"
// entry each) and no operator ever holds more than their limit.
func TestTwoHubsNeverAssignTwice(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	nats := natstest.Start(t)
	ctx := context.Background()
	open := func() store.Store {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := st.PutChannel(ctx, store.Channel{ID: "web", WorkspaceID: ws.ID, Type: "webchat", Name: "Web", Config: json.RawMessage("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	bus := func(name string) router.BusConfig {
		return router.BusConfig{Driver: "nats", URL: nats.URL, Namespace: "t_" + t.Name(), Instance: name}
	}
	a := &fixture{t: t, store: st, ws: ws.ID}
	a.srv, a.rt = startInstance(t, st, bus("a"), console.Config{})
	b := &fixture{t: t, store: open(), ws: ws.ID}
	b.srv, b.rt = startInstance(t, b.store, bus("b"), console.Config{})
	hubs := []*fixture{a, b}

	const limit, operators = 2, 4
	admin := a.token(ws.ID, switchboard.RoleAdmin)
	var members []string
	var emails []string
	for i := range operators {
		email := fmt.Sprintf("op%d@example.com", i)
		members = append(members, string(a.operator(email, switchboard.RoleOperator).ID))
		emails = append(emails, email)
	}
	dept := a.routingDepartment(admin, mustJSON(t, map[string]any{"name": "Support", "assignment": "least_busy", "max_chats": limit, "member_ids": members}))
	if code, out := a.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: `{"name":"all","action":{"department_id":"` + dept + `"}}`}); code != http.StatusCreated {
		t.Fatalf("rule: %d %v", code, out)
	}
	for i, email := range emails {
		hubs[i%2].online(email)
	}

	// Watch the loads while everything runs.
	var overLimit atomic.Int64
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			default:
			}
			loads, err := st.OpenChats(ctx, ws.ID)
			if err == nil {
				for op, n := range loads {
					if n > limit {
						overLimit.Store(1)
						t.Errorf("operator %s holds %d chats, over the limit of %d", op, n, limit)
					}
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()

	arrive := func(wave, n int) []switchboard.ConversationID {
		ids := make([]switchboard.ConversationID, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := hubs[i%2]
				res, err := h.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{
					Kind: switchboard.InboundMessage, ChannelID: "web", ExternalID: switchboard.ExternalID(switchboard.NewID("x")),
					Sender: switchboard.ExternalID(fmt.Sprintf("visitor-%d-%d", wave, i)), Parts: switchboard.TextParts("hello"),
				}})
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = res[0].ConversationID
			}()
		}
		wg.Wait()
		return ids
	}
	assigned := func() map[switchboard.OperatorID]int {
		loads, err := st.OpenChats(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		return loads
	}
	full := func() bool {
		loads := assigned()
		for _, op := range members {
			if loads[switchboard.OperatorID(op)] != limit {
				return false
			}
		}
		return true
	}

	convs := arrive(0, 30)
	eventually(t, "every operator at the limit", full)
	for _, id := range convs {
		a.routed(id)
	}

	// Operators finish their chats on both hubs while more arrive.
	var held []switchboard.ConversationID
	for _, id := range convs {
		if c, _ := st.GetConversation(ctx, ws.ID, id); c.AssigneeID != "" {
			held = append(held, id)
		}
	}
	var wg sync.WaitGroup
	for i, id := range held {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, out := hubs[i%2].do(nil, request{method: "PATCH", path: "/api/v1/conversations/" + string(id), bearer: admin, body: `{"status":"resolved"}`}); code != http.StatusOK {
				t.Errorf("resolve: %d %v", code, out)
			}
		}()
	}
	convs = append(convs, arrive(1, 20)...)
	wg.Wait()
	eventually(t, "every operator at the limit again", full)
	close(stop)
	<-watched

	var assignedConvs int
	for _, id := range convs {
		c := a.routed(id)
		var n int
		for _, act := range activities(t, a, id) {
			if act.Kind == switchboard.ActivityAssigned {
				n++
			}
		}
		switch {
		case n > 1:
			t.Fatalf("conversation %s assigned %d times", id, n)
		case c.AssigneeID != "" && n != 1:
			t.Fatalf("conversation %s held by %s with %d assigned entries", id, c.AssigneeID, n)
		case c.AssigneeID == "" && c.Status == switchboard.ConversationOpen && c.QueuedAt == nil:
			t.Fatalf("conversation %s neither assigned nor queued", id)
		}
		assignedConvs += n
	}
	if want := 2 * operators * limit; assignedConvs != want {
		t.Fatalf("%d conversations assigned, want %d (two rounds of %d operators × %d)", assignedConvs, want, operators, limit)
	}
	if overLimit.Load() != 0 {
		t.Fatal("an operator went over the limit")
	}
}
