package router_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// failingQuestions is a store whose first storing of a CSAT question
// fails (a database hiccup: not a validation error).
type failingQuestions struct {
	store.Store
	mu     sync.Mutex
	left   int
	failed int
}

func (f *failingQuestions) CreateMessage(ctx context.Context, msg switchboard.Message, outbox []store.OutboxEntry) error {
	f.mu.Lock()
	fail := f.left > 0 && len(msg.Parts) == 1 && msg.Parts[0].Kind == switchboard.PartCSAT
	if fail {
		f.left--
		f.failed++
	}
	f.mu.Unlock()
	if fail {
		return errors.New("database is locked")
	}
	return f.Store.CreateMessage(ctx, msg, outbox)
}

// marked waits until the conversation's survey records its question.
func (e *csatEnv) marked(t *testing.T, id switchboard.ConversationID) switchboard.CSATSurvey {
	t.Helper()
	var s switchboard.CSATSurvey
	eventuallyR(t, "the question recorded on the survey", func() bool {
		var err error
		s, err = e.store.CSATSurveyOfConversation(context.Background(), e.ws, id)
		return err == nil && s.QuestionAt != nil
	})
	return s
}

// TestCSATAskedAfterAFailedReply: when storing the question fails, the
// hook fails, the resolution is redelivered and the customer is asked
// then, once, with the survey created the first time.
func TestCSATAskedAfterAFailedReply(t *testing.T) {
	var fq *failingQuestions
	e := newCSATEnvOn(t, func(s store.Store) store.Store {
		fq = &failingQuestions{Store: s, left: 1}
		return fq
	})
	conv := e.conversation(t, "scripted", "cust-fail")
	e.setStatus(t, conv.ID, switchboard.ConversationResolved)
	s := e.marked(t, conv.ID)
	_, ask := e.survey(t, conv.ID)
	fq.mu.Lock()
	failed := fq.failed
	fq.mu.Unlock()
	if failed != 1 {
		t.Fatalf("failed question stores = %d, want 1", failed)
	}
	if s.QuestionMessageID != ask.ID || ask.Parts[0].Kind != switchboard.PartCSAT {
		t.Fatalf("survey records question %q, asked with %+v", s.QuestionMessageID, ask)
	}
	if outs := e.messages(t, conv.ID, switchboard.DirectionOut); len(outs) != 1 {
		t.Fatalf("asked %d times, want once", len(outs))
	}
}

// TestCSATAskedAfterACrash: a survey created by a delivery that crashed
// before the question was stored is asked on the redelivery; a
// redelivery of a resolution that was asked asks nothing more.
func TestCSATAskedAfterACrash(t *testing.T) {
	e := newCSATEnv(t)
	ctx := context.Background()
	conv := e.conversation(t, "webchat", "cust-crash")
	now := time.Now().UTC()
	// The crashed delivery: the survey is there, its question is not.
	crashed := switchboard.CSATSurvey{ID: "cs_crashed", WorkspaceID: e.ws, ConversationID: conv.ID, ContactID: conv.ContactID,
		ChannelID: conv.ChannelID, ChannelType: conv.ChannelType, DepartmentID: conv.DepartmentID, AskedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := e.store.CreateCSATSurvey(ctx, crashed); err != nil {
		t.Fatal(err)
	}
	e.setStatus(t, conv.ID, switchboard.ConversationResolved) // its redelivery
	s := e.marked(t, conv.ID)
	_, ask := e.survey(t, conv.ID)
	if s.ID != crashed.ID || s.QuestionMessageID != ask.ID || ask.Parts[0].CSAT == nil ||
		ask.Parts[0].CSAT.Token != e.rt.CSATToken(crashed.ID, s.ExpiresAt) {
		t.Fatalf("survey %+v asked with %+v, want the crashed survey's link", s, ask.Parts)
	}

	var resolved *switchboard.Message
	for _, m := range e.messages(t, conv.ID, switchboard.DirectionActivity) {
		if m.Activity != nil && m.Activity.Kind == switchboard.ActivityResolved {
			resolved = &m
		}
	}
	if resolved == nil {
		t.Fatal("no resolution in the history")
	}
	ev := switchboard.Event{Type: switchboard.EventMessageCreated, WorkspaceID: e.ws, ConversationID: conv.ID, Message: resolved}
	for i := 0; i < 2; i++ {
		if err := e.rt.CSATOnEvent(ctx, ev); err != nil {
			t.Fatalf("redelivery %d: %v", i, err)
		}
	}
	if outs := e.messages(t, conv.ID, switchboard.DirectionOut); len(outs) != 1 {
		t.Fatalf("asked %d times after redeliveries, want once", len(outs))
	}
	if again, _ := e.store.CSATSurveyOfConversation(ctx, e.ws, conv.ID); again.QuestionMessageID != ask.ID {
		t.Fatalf("redelivery re-recorded the question: %+v", again)
	}
}
