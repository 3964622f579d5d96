package router_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/switchboardhq/switchboard"
	_ "github.com/switchboardhq/switchboard/connectors/line"
	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
	_ "github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

const csatPublicURL = "https://hub.example"

// csatEnv is a running router with a site-chat, a LINE (against the
// fake) and a scripted text-only channel.
type csatEnv struct {
	store  store.Store
	rt     *router.Router
	ws     switchboard.WorkspaceID
	line   *linefake.Server
	script *scripted
	chans  map[string]switchboard.ChannelID // by type
}

func newCSATEnv(t *testing.T) *csatEnv { return newCSATEnvOn(t, nil) }

// newCSATEnvOn is newCSATEnv with the router over wrap(store) (nil: the store).
func newCSATEnvOn(t *testing.T, wrap func(store.Store) store.Store) *csatEnv {
	t.Helper()
	ctx := context.Background()
	e := &csatEnv{script: &scripted{}, line: linefake.New(t, "line-token"), chans: map[string]switchboard.ChannelID{}}
	st, ws, ch := newScriptedStore(t, e.script, "{}")
	e.store, e.ws, e.chans["scripted"] = st, ws, ch
	now := time.Now().UTC()
	for typ, cfg := range map[string]string{
		"webchat": `{}`,
		"line":    fmt.Sprintf(`{"channel_secret":"s","channel_access_token":"line-token","api_base_url":%q,"data_api_base_url":%q}`, e.line.URL, e.line.URL),
	} {
		id := switchboard.ChannelID(typ + "-1")
		if err := st.PutChannel(ctx, store.Channel{ID: id, WorkspaceID: ws, Type: typ, Name: typ, Config: json.RawMessage(cfg), CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		e.chans[typ] = id
	}
	var rst store.Store = st
	if wrap != nil {
		rst = wrap(st)
	}
	rt, err := router.New(rst, router.Config{
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		OutboundRetries: 2, RetryInitial: time.Millisecond, RetryMax: 5 * time.Millisecond,
		OutboxLease: time.Second, PublicURL: csatPublicURL, HubSecret: []byte("a-hub-secret-of-the-tests-0123456789"),
	})
	if err != nil {
		t.Fatal(err)
	}
	runRouter(t, rt)
	e.rt = rt
	return e
}

// conversation starts a customer's conversation on the channel of typ
// and waits until it is routed.
func (e *csatEnv) conversation(t *testing.T, typ, sender string) switchboard.Conversation {
	t.Helper()
	ctx := context.Background()
	res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.chans[typ],
		ExternalID: switchboard.ExternalID("first-" + sender), Sender: switchboard.ExternalID(sender), Parts: switchboard.TextParts("hello")}})
	if err != nil {
		t.Fatal(err)
	}
	var conv switchboard.Conversation
	eventuallyR(t, "the conversation routed", func() bool {
		conv, err = e.store.GetConversation(ctx, e.ws, res[0].ConversationID)
		return err == nil && conv.DepartmentID != ""
	})
	return conv
}

func (e *csatEnv) setStatus(t *testing.T, id switchboard.ConversationID, status switchboard.ConversationStatus) {
	t.Helper()
	ctx := context.Background()
	conv, err := e.store.GetConversation(ctx, e.ws, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rt.Hub.UpdateConversation(ctx, conv, store.ConversationUpdate{Status: &status}); err != nil {
		t.Fatal(err)
	}
}

// outgoing lists the conversation's messages of direction d.
func (e *csatEnv) messages(t *testing.T, id switchboard.ConversationID, d switchboard.Direction) []switchboard.Message {
	t.Helper()
	page, err := e.store.ListMessages(context.Background(), e.ws, id, store.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var out []switchboard.Message
	for _, m := range page.Items {
		if m.Direction == d {
			out = append(out, m)
		}
	}
	return out
}

// survey waits for the conversation's survey and its question.
func (e *csatEnv) survey(t *testing.T, id switchboard.ConversationID) (switchboard.CSATSurvey, switchboard.Message) {
	t.Helper()
	var s switchboard.CSATSurvey
	var asks []switchboard.Message
	eventuallyR(t, "the survey and its question", func() bool {
		var err error
		s, err = e.store.CSATSurveyOfConversation(context.Background(), e.ws, id)
		asks = e.messages(t, id, switchboard.DirectionOut)
		return err == nil && len(asks) == 1 && asks[0].Status == switchboard.StatusSent
	})
	return s, asks[0]
}

func eventuallyR(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCSATAskedOnceInTheChannelsWay: resolving a conversation asks its
// customer once, as the channel can: the rating card in the site chat,
// five postback buttons on LINE, the question and the link elsewhere.
// Reopening and resolving again asks nothing more.
func TestCSATAskedOnceInTheChannelsWay(t *testing.T) {
	e := newCSATEnv(t)
	for _, typ := range []string{"webchat", "line", "scripted"} {
		t.Run(typ, func(t *testing.T) {
			conv := e.conversation(t, typ, "cust-"+typ)
			e.setStatus(t, conv.ID, switchboard.ConversationResolved)
			s, ask := e.survey(t, conv.ID)
			if s.ChannelID != conv.ChannelID || s.ChannelType != typ || s.DepartmentID != conv.DepartmentID || s.Answered() ||
				s.ExpiresAt.Sub(s.AskedAt) != router.DefaultCSATExpiry {
				t.Fatalf("survey = %+v", s)
			}
			if len(ask.Parts) != 1 {
				t.Fatalf("question parts = %+v", ask.Parts)
			}
			p := ask.Parts[0]
			switch typ {
			case "line":
				if p.Kind != switchboard.PartButtons || !p.QuickReply || len(p.Buttons) != 5 || p.Buttons[3].Label != "★4" ||
					!strings.HasPrefix(p.Buttons[3].Payload, router.CSATPostbackPrefix) || !strings.HasSuffix(p.Buttons[3].Payload, ":4") {
					t.Fatalf("LINE question = %+v", p)
				}
				pushes := e.line.RequestsTo("/v2/bot/message/push")
				if len(pushes) != 1 {
					t.Fatalf("LINE pushes = %d", len(pushes))
				}
				msgs := pushes[0].Decoded.(*messaging_api.PushMessageRequest).Messages
				tm, ok := msgs[len(msgs)-1].(messaging_api.TextMessage)
				if !ok || tm.QuickReply == nil || len(tm.QuickReply.Items) != 5 {
					t.Fatalf("LINE message = %#v", msgs)
				}
			default:
				if p.Kind != switchboard.PartCSAT || p.CSAT == nil || p.CSAT.Token == "" || p.CSAT.URL != csatPublicURL+"/csat/"+p.CSAT.Token {
					t.Fatalf("%s question = %+v", typ, p)
				}
				if typ == "scripted" {
					sent := e.script.sent[len(e.script.sent)-1].Parts
					if len(sent) != 1 || sent[0].Kind != switchboard.PartText || !strings.Contains(sent[0].Text, p.CSAT.URL) {
						t.Fatalf("text channel got %+v, want the question with the link", sent)
					}
				}
			}
			e.setStatus(t, conv.ID, switchboard.ConversationOpen)
			e.setStatus(t, conv.ID, switchboard.ConversationResolved)
			// The second resolution's activity is handled after it is
			// stored; wait for both to be in the history, then give the
			// hook a moment it would need to (wrongly) ask again.
			eventuallyR(t, "two resolutions", func() bool {
				n := 0
				for _, m := range e.messages(t, conv.ID, switchboard.DirectionActivity) {
					if m.Activity != nil && m.Activity.Kind == switchboard.ActivityResolved {
						n++
					}
				}
				return n == 2
			})
			time.Sleep(200 * time.Millisecond)
			if asks := e.messages(t, conv.ID, switchboard.DirectionOut); len(asks) != 1 {
				t.Fatalf("asked %d times, want once", len(asks))
			}
		})
	}
}

// TestCSATOffInTheDepartment: a department with "csat": {"enabled":
// false} asks nothing.
func TestCSATOffInTheDepartment(t *testing.T) {
	e := newCSATEnv(t)
	ctx := context.Background()
	def, err := e.store.DefaultDepartment(ctx, e.ws)
	if err != nil {
		t.Fatal(err)
	}
	off := false
	def.CSAT = &switchboard.CSATSettings{Enabled: &off}
	if err := e.store.UpdateDepartment(ctx, def); err != nil {
		t.Fatal(err)
	}
	conv := e.conversation(t, "webchat", "v-off")
	e.setStatus(t, conv.ID, switchboard.ConversationResolved)
	eventuallyR(t, "the resolution", func() bool { return len(e.messages(t, conv.ID, switchboard.DirectionActivity)) > 0 })
	time.Sleep(200 * time.Millisecond)
	if _, err := e.store.CSATSurveyOfConversation(ctx, e.ws, conv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("survey of a department with CSAT off: %v", err)
	}
}

// mergedStore is a store whose every conversation is a ticket merged
// into another.
type mergedStore struct{ store.Store }

func (mergedStore) GetTicket(_ context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Ticket, error) {
	return switchboard.Ticket{WorkspaceID: ws, ConversationID: conv, MergedInto: "cv_target"}, nil
}

// TestCSATNotForMergedTickets: a ticket resolved by merging it into
// another is not rated.
func TestCSATNotForMergedTickets(t *testing.T) {
	e := newCSATEnvOn(t, func(s store.Store) store.Store { return mergedStore{s} })
	ctx := context.Background()
	conv := e.conversation(t, "scripted", "merged-customer")
	e.setStatus(t, conv.ID, switchboard.ConversationResolved)
	eventuallyR(t, "the resolution", func() bool { return len(e.messages(t, conv.ID, switchboard.DirectionActivity)) > 0 })
	time.Sleep(200 * time.Millisecond)
	if _, err := e.store.CSATSurveyOfConversation(ctx, e.ws, conv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("survey of a merged ticket: %v", err)
	}
}

// TestCSATTokens: a rating link records one answer; a replay, an expired
// link, a forged one and one signed with another secret are refused and
// change nothing; bad scores are validation errors.
func TestCSATTokens(t *testing.T) {
	e := newCSATEnv(t)
	ctx := context.Background()
	conv := e.conversation(t, "webchat", "v-tokens")
	e.setStatus(t, conv.ID, switchboard.ConversationResolved)
	s, ask := e.survey(t, conv.ID)
	tok := ask.Parts[0].CSAT.Token

	var verr *router.ValidationError
	for _, score := range []int{0, 6, -1} {
		if _, err := e.rt.AnswerCSAT(ctx, tok, score, "", switchboard.CSATViaWidget); !errors.As(err, &verr) || verr.Field != "score" {
			t.Errorf("score %d: %v, want a validation error of score", score, err)
		}
	}
	if _, err := e.rt.AnswerCSAT(ctx, tok, 3, strings.Repeat("あ", 2001), switchboard.CSATViaWidget); !errors.As(err, &verr) || verr.Field != "comment" {
		t.Errorf("long comment: %v", err)
	}
	expired := e.rt.CSATToken(s.ID, time.Now().Add(-time.Minute))
	other, err := router.New(e.store, router.Config{HubSecret: []byte("another-secret-entirely-0123456789"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name, tok string
		want      error
	}{
		{"expired", expired, router.ErrCSATExpired},
		{"forged signature", tok[:len(tok)-2] + "xx", router.ErrCSATToken},
		{"longer expiry", strings.Replace(tok, ".", ".z", 1), router.ErrCSATToken},
		{"another secret", other.CSATToken(s.ID, time.Now().Add(time.Hour)), router.ErrCSATToken},
		{"unknown survey", e.rt.CSATToken("cs_unknown", time.Now().Add(time.Hour)), router.ErrCSATToken},
		{"garbage", "nonsense", router.ErrCSATToken},
	}
	for _, tc := range refused {
		if _, err := e.rt.AnswerCSAT(ctx, tc.tok, 2, "", switchboard.CSATViaLink); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	got, err := e.rt.AnswerCSAT(ctx, tok, 4, "  丁寧な対応でした  ", switchboard.CSATViaWidget)
	if err != nil || got.Score != 4 || got.Comment != "丁寧な対応でした" || got.Via != switchboard.CSATViaWidget {
		t.Fatalf("answer = %+v, %v", got, err)
	}
	if _, err := e.rt.AnswerCSAT(ctx, tok, 1, "changed my mind", switchboard.CSATViaLink); !errors.Is(err, router.ErrCSATAnswered) {
		t.Fatalf("replay: %v, want ErrCSATAnswered", err)
	}
	if s, err := e.rt.CSATSurvey(ctx, tok); !errors.Is(err, router.ErrCSATAnswered) || s.Score != 4 {
		t.Fatalf("opening the used link: %+v %v", s, err)
	}
	eventuallyR(t, "the rating's note", func() bool {
		notes := e.messages(t, conv.ID, switchboard.DirectionNote)
		return len(notes) == 1 && notes[0].Text() == "CSAT ★4\n丁寧な対応でした"
	})
	if c, _ := e.store.GetConversation(ctx, e.ws, conv.ID); c.Status != switchboard.ConversationResolved {
		t.Fatalf("rating changed the status to %s", c.Status)
	}
}

// TestCSATLinePostback: a LINE rating button's postback records the
// answer once, without reopening the conversation or storing a customer
// message; LINE's redelivery changes nothing; another press is refused
// (the customer told once); a forged payload is an ordinary message.
func TestCSATLinePostback(t *testing.T) {
	e := newCSATEnv(t)
	ctx := context.Background()
	conv := e.conversation(t, "line", "Uline1")
	e.setStatus(t, conv.ID, switchboard.ConversationResolved)
	s, ask := e.survey(t, conv.ID)
	press := func(id string, button int) error {
		return e.rt.Hub.Accept(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.chans["line"],
			ExternalID: switchboard.ExternalID(id), Sender: "Uline1", Parts: switchboard.TextParts(ask.Parts[0].Buttons[button].Payload)}})
	}
	if err := press("ev-1", 3); err != nil {
		t.Fatal(err)
	}
	if err := press("ev-1", 3); err != nil { // redelivered
		t.Fatal(err)
	}
	got, err := e.store.GetCSATSurvey(ctx, s.ID)
	if err != nil || got.Score != 4 || got.Via != switchboard.CSATViaLine {
		t.Fatalf("survey after the postback = %+v, %v", got, err)
	}
	if err := press("ev-2", 4); err != nil { // pressed ★5 later
		t.Fatal(err)
	}
	if got, _ := e.store.GetCSATSurvey(ctx, s.ID); got.Score != 4 {
		t.Fatalf("second press changed the score to %d", got.Score)
	}
	eventuallyR(t, "the thanks and the refusal", func() bool {
		outs := e.messages(t, conv.ID, switchboard.DirectionOut)
		return len(outs) == 3 && outs[1].Text() == "Thank you for your rating!" && strings.Contains(outs[2].Text(), "already rated")
	})
	if ins := e.messages(t, conv.ID, switchboard.DirectionIn); len(ins) != 1 {
		t.Fatalf("customer messages = %d, want only the first (postbacks are not stored)", len(ins))
	}
	if c, _ := e.store.GetConversation(ctx, e.ws, conv.ID); c.Status != switchboard.ConversationResolved {
		t.Fatalf("the postback changed the status to %s", c.Status)
	}
	// Another LINE user's press of the same button is not a rating of theirs.
	if err := e.rt.Hub.Accept(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.chans["line"],
		ExternalID: "ev-other", Sender: "Uother", Parts: switchboard.TextParts(ask.Parts[0].Buttons[0].Payload)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.store.GetCSATSurvey(ctx, s.ID); got.Score != 4 {
		t.Fatalf("another user's postback changed the score to %d", got.Score)
	}
	// A forged payload is not a rating: it is stored as what the customer sent.
	forged := router.CSATPostbackPrefix + string(s.ID) + ".zzzzzz.forgedsignature:1"
	if err := e.rt.Hub.Accept(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.chans["line"],
		ExternalID: "ev-3", Sender: "Uline1", Parts: switchboard.TextParts(forged)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.store.GetCSATSurvey(ctx, s.ID); got.Score != 4 {
		t.Fatalf("forged postback changed the score to %d", got.Score)
	}
	if ins := e.messages(t, conv.ID, switchboard.DirectionIn); len(ins) != 2 || ins[1].Text() != forged {
		t.Fatalf("forged payload not stored as a message: %d", len(ins))
	}
}
