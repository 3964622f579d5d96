package storetest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// csatTests are the contract tests of satisfaction surveys (issue 15);
// Run registers them.
var csatTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"CSATOncePerConversation", testCSATOnce},
	{"CSATListFiltersAndPaging", testCSATList},
	{"CSATAggregates", testCSATAggregates},
	{"CSATErasedWithTheContact", testCSATErased},
	{"CSATQuestionMarked", testCSATAsked},
}

// testCSATAsked: a new survey has no question recorded; MarkCSATAsked
// records it (a second mark replaces the first) in its own workspace only.
func testCSATAsked(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "CSAT asked")
	other := newWorkspace(t, s, "CSAT asked other")
	must(t, s.CreateCSATSurvey(ctx, newSurvey(ws, "cs_q1", "cv_q1", "op_a", "dp_1", "web")), "CreateCSATSurvey")
	got, err := s.GetCSATSurvey(ctx, "cs_q1")
	must(t, err, "GetCSATSurvey")
	if got.QuestionAt != nil || got.QuestionMessageID != "" {
		t.Fatalf("new survey has a question: %+v", got)
	}
	wantErr(t, s.MarkCSATAsked(ctx, other, "cs_q1", "msg_x", t0), store.ErrNotFound, "MarkCSATAsked from another workspace")
	wantErr(t, s.MarkCSATAsked(ctx, ws, "cs_missing", "msg_x", t0), store.ErrNotFound, "MarkCSATAsked of a missing survey")
	got, _ = s.GetCSATSurvey(ctx, "cs_q1")
	if got.QuestionAt != nil {
		t.Fatalf("a refused mark changed the survey: %+v", got)
	}
	must(t, s.MarkCSATAsked(ctx, ws, "cs_q1", "msg_1", t0.Add(time.Minute)), "MarkCSATAsked")
	must(t, s.MarkCSATAsked(ctx, ws, "cs_q1", "msg_2", t0.Add(2*time.Minute)), "MarkCSATAsked again")
	got, err = s.CSATSurveyOfConversation(ctx, ws, "cv_q1")
	must(t, err, "CSATSurveyOfConversation")
	if got.QuestionMessageID != "msg_2" || got.QuestionAt == nil || !got.QuestionAt.Equal(t0.Add(2*time.Minute)) || !isUTC(*got.QuestionAt) {
		t.Fatalf("marked survey = %+v", got)
	}
}

// testCSATErased: erasing a customer empties their ratings' comments and
// keeps the scores (statistics); others' ratings are untouched.
func testCSATErased(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "CSAT erase")
	web := newChannel(t, s, ws, "webchat")
	gone := accept(t, s, msgOn(ws, web, "ext-cs-1", "v-gone", "hello", t0))[0]
	kept := accept(t, s, msgOn(ws, web, "ext-cs-2", "v-kept", "hello", t0))[0]
	for i, res := range []store.AcceptResult{gone, kept} {
		v := newSurvey(ws, fmt.Sprint("cs_e", i), string(res.ConversationID), "op_a", "dp_1", string(web))
		v.ContactID = res.ContactID
		must(t, s.CreateCSATSurvey(ctx, v), "CreateCSATSurvey")
		_, err := s.AnswerCSATSurvey(ctx, ws, v.ID, store.CSATAnswer{Score: 2, Comment: "I am Zebulon, call 555-0100", Via: "link", At: t0})
		must(t, err, "AnswerCSATSurvey")
	}
	_, err := s.EraseContact(ctx, ws, gone.ContactID, []string{"Zebulon"}, t0.Add(time.Hour), nil)
	must(t, err, "EraseContact")
	erased, err := s.GetCSATSurvey(ctx, "cs_e0")
	must(t, err, "GetCSATSurvey erased")
	other, err := s.GetCSATSurvey(ctx, "cs_e1")
	must(t, err, "GetCSATSurvey other")
	if erased.Comment != "" || erased.Score != 2 || other.Comment == "" {
		t.Fatalf("after erasure: erased %+v, other %+v", erased, other)
	}
}

func newSurvey(ws switchboard.WorkspaceID, id, conv, op, dept, ch string) switchboard.CSATSurvey {
	return switchboard.CSATSurvey{ID: switchboard.CSATSurveyID(id), WorkspaceID: ws, ConversationID: switchboard.ConversationID(conv),
		ContactID: "ct_1", ChannelID: switchboard.ChannelID(ch), ChannelType: "webchat", OperatorID: switchboard.OperatorID(op),
		DepartmentID: switchboard.DepartmentID(dept), AskedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour)}
}

func testCSATOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "CSAT")
	other := newWorkspace(t, s, "CSAT other")
	must(t, s.CreateCSATSurvey(ctx, newSurvey(ws, "cs_1", "cv_1", "op_a", "dp_1", "web")), "CreateCSATSurvey")
	wantErr(t, s.CreateCSATSurvey(ctx, newSurvey(ws, "cs_2", "cv_1", "op_a", "dp_1", "web")), store.ErrConflict, "second survey of the conversation")

	got, err := s.GetCSATSurvey(ctx, "cs_1")
	must(t, err, "GetCSATSurvey")
	if got.WorkspaceID != ws || got.ConversationID != "cv_1" || got.OperatorID != "op_a" || got.Answered() || got.Score != 0 ||
		!got.AskedAt.Equal(t0) || !got.ExpiresAt.Equal(t0.Add(7*24*time.Hour)) || !isUTC(got.AskedAt) {
		t.Fatalf("GetCSATSurvey = %+v", got)
	}
	_, err = s.GetCSATSurvey(ctx, "cs_missing")
	wantErr(t, err, store.ErrNotFound, "GetCSATSurvey missing")
	byConv, err := s.CSATSurveyOfConversation(ctx, ws, "cv_1")
	must(t, err, "CSATSurveyOfConversation")
	if byConv.ID != "cs_1" {
		t.Fatalf("CSATSurveyOfConversation = %s", byConv.ID)
	}
	_, err = s.CSATSurveyOfConversation(ctx, other, "cv_1")
	wantErr(t, err, store.ErrNotFound, "CSATSurveyOfConversation in other workspace")

	_, err = s.AnswerCSATSurvey(ctx, other, "cs_1", store.CSATAnswer{Score: 1, Via: "link", At: t0})
	wantErr(t, err, store.ErrNotFound, "AnswerCSATSurvey from another workspace")

	// Answers racing: exactly one wins, the others are conflicts.
	at := t0.Add(time.Hour)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.AnswerCSATSurvey(ctx, ws, "cs_1", store.CSATAnswer{Score: 1 + i%5, Comment: fmt.Sprint("answer ", i), Via: "widget", At: at})
		}(i)
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("answers %d and %d both recorded", winner, i)
			}
			winner = i
			continue
		}
		wantErr(t, err, store.ErrConflict, "racing answer")
	}
	if winner < 0 {
		t.Fatal("no answer recorded")
	}
	got, err = s.GetCSATSurvey(ctx, "cs_1")
	must(t, err, "GetCSATSurvey answered")
	if !got.Answered() || !got.AnsweredAt.Equal(at) || got.Score != 1+winner%5 || got.Comment != fmt.Sprint("answer ", winner) || got.Via != "widget" {
		t.Fatalf("answered survey = %+v, winner %d", got, winner)
	}
	_, err = s.AnswerCSATSurvey(ctx, ws, "cs_1", store.CSATAnswer{Score: 5, Via: "link", At: at})
	wantErr(t, err, store.ErrConflict, "second answer")
	again, _ := s.GetCSATSurvey(ctx, "cs_1")
	if again.Score != got.Score || again.Via != "widget" {
		t.Fatalf("second answer changed the survey: %+v", again)
	}
	_, err = s.AnswerCSATSurvey(ctx, ws, "cs_missing", store.CSATAnswer{Score: 5, At: at})
	wantErr(t, err, store.ErrNotFound, "answer a missing survey")
}

// answered creates and answers a survey.
func answered(t *testing.T, s store.Store, v switchboard.CSATSurvey, score int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	must(t, s.CreateCSATSurvey(ctx, v), "CreateCSATSurvey "+string(v.ID))
	_, err := s.AnswerCSATSurvey(ctx, v.WorkspaceID, v.ID, store.CSATAnswer{Score: score, Comment: "c " + string(v.ID), Via: "link", At: at})
	must(t, err, "AnswerCSATSurvey "+string(v.ID))
}

func ids(items []switchboard.CSATSurvey) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = string(v.ID)
	}
	return out
}

func testCSATList(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "CSAT list")
	other := newWorkspace(t, s, "CSAT list other")
	for i := 0; i < 5; i++ {
		op, dept, ch := "op_a", "dp_1", "web"
		if i%2 == 1 {
			op, dept, ch = "op_b", "dp_2", "line"
		}
		answered(t, s, newSurvey(ws, fmt.Sprintf("cs_%d", i), fmt.Sprintf("cv_%d", i), op, dept, ch), 1+i, t0.Add(time.Duration(i)*time.Hour))
	}
	// Unanswered and other workspaces' surveys are never listed.
	must(t, s.CreateCSATSurvey(ctx, newSurvey(ws, "cs_open", "cv_open", "op_a", "dp_1", "web")), "unanswered survey")
	answered(t, s, newSurvey(other, "cs_other", "cv_other", "op_a", "dp_1", "web"), 5, t0)

	page, err := s.ListCSATAnswers(ctx, ws, store.CSATQuery{Limit: 2})
	must(t, err, "ListCSATAnswers")
	var all []string
	for {
		all = append(all, ids(page.Items)...)
		if page.Next == "" {
			break
		}
		if page, err = s.ListCSATAnswers(ctx, ws, store.CSATQuery{Limit: 2, Cursor: page.Next}); err != nil {
			t.Fatalf("ListCSATAnswers next: %v", err)
		}
	}
	if fmt.Sprint(all) != "[cs_4 cs_3 cs_2 cs_1 cs_0]" {
		t.Fatalf("paged answers = %v", all)
	}
	cases := []struct {
		name string
		q    store.CSATQuery
		want string
	}{
		{"operator", store.CSATQuery{OperatorID: "op_b"}, "[cs_3 cs_1]"},
		{"department", store.CSATQuery{DepartmentID: "dp_1"}, "[cs_4 cs_2 cs_0]"},
		{"own departments", store.CSATQuery{Departments: []switchboard.DepartmentID{"dp_2"}}, "[cs_3 cs_1]"},
		{"no departments", store.CSATQuery{Departments: []switchboard.DepartmentID{}}, "[]"},
		{"channel", store.CSATQuery{ChannelID: "line"}, "[cs_3 cs_1]"},
		{"period", store.CSATQuery{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, "[cs_2 cs_1]"},
	}
	for _, tc := range cases {
		page, err := s.ListCSATAnswers(ctx, ws, tc.q)
		must(t, err, "ListCSATAnswers "+tc.name)
		if got := fmt.Sprint(ids(page.Items)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	_, err = s.ListCSATAnswers(ctx, ws, store.CSATQuery{Cursor: "garbage"})
	wantErr(t, err, store.ErrBadCursor, "bad cursor")
}

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func testCSATAggregates(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "CSAT aggregates")
	empty, err := s.CSATAggregates(ctx, ws, store.CSATQuery{})
	must(t, err, "CSATAggregates empty")
	if empty.Overall.Count != 0 || len(empty.ByOperator) != 0 || len(empty.ByPeriod) != 0 {
		t.Fatalf("empty aggregates = %+v", empty)
	}
	// t0 is Saturday 2025-03-01: day buckets 03-01, 03-03 (Monday), 04-02;
	// weeks start on Mondays 02-24 and 03-03 and 03-31.
	answered(t, s, newSurvey(ws, "cs_1", "cv_1", "op_a", "dp_1", "web"), 5, t0)
	answered(t, s, newSurvey(ws, "cs_2", "cv_2", "op_a", "dp_1", "web"), 4, t0.Add(2*24*time.Hour))
	answered(t, s, newSurvey(ws, "cs_3", "cv_3", "op_b", "dp_1", "line"), 2, t0.Add(2*24*time.Hour+time.Hour))
	answered(t, s, newSurvey(ws, "cs_4", "cv_4", "op_b", "dp_2", "line"), 1, t0.Add(32*24*time.Hour))

	agg, err := s.CSATAggregates(ctx, ws, store.CSATQuery{})
	must(t, err, "CSATAggregates")
	if o := agg.Overall; o.Count != 4 || !approx(o.Average, 3) || o.Satisfied != 2 || !approx(o.SatisfiedShare, 0.5) {
		t.Fatalf("overall = %+v", o)
	}
	str := func(bs []switchboard.CSATBucket) string {
		out := ""
		for _, b := range bs {
			out += fmt.Sprintf("%s:%d/%.2f/%d ", b.Key, b.Count, b.Average, b.Satisfied)
		}
		return out
	}
	checks := []struct{ name, got, want string }{
		{"by operator", str(agg.ByOperator), "op_a:2/4.50/2 op_b:2/1.50/0 "},
		{"by department", str(agg.ByDepartment), "dp_1:3/3.67/2 dp_2:1/1.00/0 "},
		{"by channel", str(agg.ByChannel), "line:2/1.50/0 web:2/4.50/2 "},
		{"by day", str(agg.ByPeriod), "2025-03-01:1/5.00/1 2025-03-03:2/3.00/1 2025-04-02:1/1.00/0 "},
	}
	week, err := s.CSATAggregates(ctx, ws, store.CSATQuery{Period: switchboard.CSATWeek})
	must(t, err, "CSATAggregates week")
	month, err := s.CSATAggregates(ctx, ws, store.CSATQuery{Period: switchboard.CSATMonth})
	must(t, err, "CSATAggregates month")
	filtered, err := s.CSATAggregates(ctx, ws, store.CSATQuery{Departments: []switchboard.DepartmentID{"dp_2"}})
	must(t, err, "CSATAggregates own departments")
	checks = append(checks,
		struct{ name, got, want string }{"by week", str(week.ByPeriod), "2025-02-24:1/5.00/1 2025-03-03:2/3.00/1 2025-03-31:1/1.00/0 "},
		struct{ name, got, want string }{"by month", str(month.ByPeriod), "2025-03-01:3/3.67/2 2025-04-01:1/1.00/0 "},
		struct{ name, got, want string }{"restricted", str(filtered.ByOperator), "op_b:1/1.00/0 "},
	)
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}
