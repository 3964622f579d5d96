package switchboard

import "time"

// CSATSurveyID identifies a satisfaction survey.
type CSATSurveyID string

// How a customer answered a survey (CSATSurvey.Via).
const (
	// CSATViaWidget: the rating card of the site-chat widget.
	CSATViaWidget = "widget"
	// CSATViaLine: a LINE postback button.
	CSATViaLine = "line"
	// CSATViaLink: the /csat/{token} page (SMS, e-mail and other channels).
	CSATViaLink = "link"
)

// PartCSAT asks the customer to rate the conversation (issue 15): a
// rating card on channels that render it (the site chat), the question
// and a link to the rating page elsewhere (connectors.Fallback). Text is
// the question; CSAT carries the signed token and the page's URL.
const PartCSAT PartKind = "csat"

// ActivityRated is not stored by routing; it names the hub note that
// records a customer's rating in the conversation's history.
const ActivityRated ActivityKind = "rated"

// CSATCard is the content of a csat part.
type CSATCard struct {
	// Token is the signed, single-use token naming the survey.
	Token string `json:"token"`
	// URL is the rating page (<public_url>/csat/<token>).
	URL string `json:"url,omitempty"`
	// Score is the visitor's rating once given (1–5), and Closed says the
	// card takes no answer (rated or expired): filled for the widget's
	// view, never stored.
	Score  int  `json:"score,omitempty"`
	Closed bool `json:"closed,omitempty"`
}

// CSATSurvey is the satisfaction survey of one resolved conversation: at
// most one per conversation, answered at most once.
type CSATSurvey struct {
	ID             CSATSurveyID   `json:"id"`
	WorkspaceID    WorkspaceID    `json:"workspace_id"`
	ConversationID ConversationID `json:"conversation_id"`
	ContactID      ContactID      `json:"contact_id"`
	ChannelID      ChannelID      `json:"channel"`
	ChannelType    string         `json:"channel_type"`
	// OperatorID is the conversation's assignee when it was resolved.
	OperatorID   OperatorID   `json:"operator_id"`
	DepartmentID DepartmentID `json:"department_id"`
	AskedAt      time.Time    `json:"asked_at"`
	ExpiresAt    time.Time    `json:"expires_at"`
	// Score is 1–5 once answered, 0 before.
	Score      int        `json:"score"`
	Comment    string     `json:"comment"`
	AnsweredAt *time.Time `json:"answered_at"`
	// Via is how the answer came (CSATViaWidget, CSATViaLine, CSATViaLink).
	Via string `json:"via"`
	// QuestionMessageID and QuestionAt record the stored question (the
	// message asking for the rating); QuestionAt is nil until the router
	// has asked, so a redelivered resolution asks again.
	QuestionMessageID MessageID  `json:"-"`
	QuestionAt        *time.Time `json:"-"`
}

// Answered reports whether the customer has rated.
func (s CSATSurvey) Answered() bool { return s.AnsweredAt != nil }

// CSATBucket is the aggregate of the answers in one group (an operator, a
// department, a channel, a period, or all).
type CSATBucket struct {
	// Key is the operator, department or channel id, or the period's
	// first day (YYYY-MM-DD, UTC); "" for the overall bucket.
	Key   string `json:"key"`
	Count int    `json:"count"`
	// Average is the mean score (0 when Count is 0).
	Average float64 `json:"average"`
	// Satisfied counts scores of 4 or 5; SatisfiedShare is Satisfied/Count.
	Satisfied      int     `json:"satisfied"`
	SatisfiedShare float64 `json:"satisfied_share"`
}

// CSATAggregates are the answers' aggregates per group.
type CSATAggregates struct {
	Overall      CSATBucket   `json:"overall"`
	ByOperator   []CSATBucket `json:"by_operator"`
	ByDepartment []CSATBucket `json:"by_department"`
	ByChannel    []CSATBucket `json:"by_channel"`
	ByPeriod     []CSATBucket `json:"by_period"`
}

// CSATPeriod is the size of CSATAggregates.ByPeriod's buckets.
type CSATPeriod string

const (
	CSATDay   CSATPeriod = "day"
	CSATWeek  CSATPeriod = "week"
	CSATMonth CSATPeriod = "month"
)

// Valid reports whether p is a known period.
func (p CSATPeriod) Valid() bool { return p == CSATDay || p == CSATWeek || p == CSATMonth }

// CSATSettings is a department's survey setting (DepartmentSettings.CSAT).
// A nil Enabled means on: surveys are asked unless turned off.
type CSATSettings struct {
	Enabled *bool `json:"enabled,omitempty"`
	// Question replaces the default question, by language ("ja", "en").
	Question map[string]string `json:"question,omitempty"`
}

// On reports whether surveys are asked.
func (c *CSATSettings) On() bool { return c == nil || c.Enabled == nil || *c.Enabled }
