package console

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// historyEntry is one line of a ticket's history.
type historyEntry struct {
	At        time.Time              `json:"at"`
	Kind      string                 `json:"kind"`
	Direction switchboard.Direction  `json:"direction,omitempty"`
	ActorID   switchboard.OperatorID `json:"actor_id,omitempty"`
	ActorName string                 `json:"actor_name,omitempty"`
	Via       string                 `json:"via,omitempty"`
	Text      string                 `json:"text,omitempty"`
	// Activity is the activity entry's content, for lines that are one
	// (Text says the same in one string, for API users who read text).
	Activity *historyActivity `json:"activity,omitempty"`
}

// historyActivity is what an activity line of the history records: its
// kind, who made the change, the operator or department it names and why.
type historyActivity struct {
	Kind             switchboard.ActivityKind `json:"kind"`
	ActorID          switchboard.OperatorID   `json:"actor_id,omitempty"`
	ActorName        string                   `json:"actor_name,omitempty"`
	OperatorID       switchboard.OperatorID   `json:"operator_id,omitempty"`
	OperatorName     string                   `json:"operator_name,omitempty"`
	DepartmentID     switchboard.DepartmentID `json:"department_id,omitempty"`
	DepartmentName   string                   `json:"department_name,omitempty"`
	FromDepartmentID switchboard.DepartmentID `json:"from_department_id,omitempty"`
	Reason           string                   `json:"reason,omitempty"`
}

// historyKinds maps activity kinds to the history's kinds.
var historyKinds = map[switchboard.ActivityKind]string{
	switchboard.ActivityResolved:        "status",
	switchboard.ActivityReopened:        "status",
	switchboard.ActivityAssigned:        "assigned",
	switchboard.ActivityClaimed:         "assigned",
	switchboard.ActivityUnassigned:      "assigned",
	switchboard.ActivityTransferred:     "transferred",
	switchboard.ActivityRouted:          "routed",
	switchboard.ActivityPriorityChanged: "priority",
	switchboard.ActivityTicketMerged:    "merged",
	switchboard.ActivityTicketLinked:    "linked",
	switchboard.ActivityTicketUnlinked:  "unlinked",
	switchboard.ActivityTicketUpdated:   "updated",
}

// maxHistoryMessages bounds how much of a conversation the history reads.
const maxHistoryMessages = 5000

// ticketHistory answers who did what when on a ticket: its creation, the
// messages and notes (with where they were written), the conversation's
// activity entries and recorded breaches, oldest first.
func (s *Server) ticketHistory(w http.ResponseWriter, r *http.Request) {
	t, ok := s.ticketByRef(w, r, r.PathValue("ref"), "ticket")
	if !ok {
		return
	}
	ctx := r.Context()
	items := []historyEntry{{At: t.CreatedAt, Kind: "created", Text: "#" + strconv.FormatInt(t.Number, 10) + " " + t.Subject, Via: string(t.Source)}}
	cursor := ""
	for n := 0; n < maxHistoryMessages; {
		page, err := s.store.ListMessages(ctx, t.WorkspaceID, t.ConversationID, store.MessageQuery{Limit: 500, Cursor: cursor})
		if err != nil {
			s.writeStoreError(w, r, err, "conversation")
			return
		}
		for _, m := range page.Items {
			if e, ok := s.historyOf(r, m); ok {
				items = append(items, e)
			}
		}
		n += len(page.Items)
		if page.Next == "" || len(page.Items) == 0 {
			break
		}
		cursor = page.Next
	}
	for kind, at := range map[string]*time.Time{"first_reply": t.FirstReplyBreachedAt, "resolution": t.ResolutionBreachedAt} {
		if at != nil {
			items = append(items, historyEntry{At: *at, Kind: "breached", Text: kind})
		}
	}
	slices.SortStableFunc(items, func(a, b historyEntry) int { return a.At.Compare(b.At) })
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// historyOf is the history line of a message; false for entries the
// history leaves out (the ticket_created entry: "created" says it).
func (s *Server) historyOf(r *http.Request, m switchboard.Message) (historyEntry, bool) {
	e := historyEntry{At: m.CreatedAt, Direction: m.Direction, ActorID: m.AuthorID, Via: m.Via}
	switch m.Direction {
	case switchboard.DirectionActivity:
		if m.Activity == nil || m.Activity.Kind == switchboard.ActivityTicketCreated {
			return e, false
		}
		e.Kind = historyKinds[m.Activity.Kind]
		if e.Kind == "" {
			e.Kind = string(m.Activity.Kind)
		}
		a := m.Activity
		e.ActorID, e.ActorName = a.ActorID, a.ActorName
		e.Activity = &historyActivity{
			Kind: a.Kind, ActorID: a.ActorID, ActorName: a.ActorName, OperatorID: a.OperatorID, OperatorName: a.OperatorName,
			DepartmentID: a.DepartmentID, DepartmentName: a.DepartmentName, FromDepartmentID: a.FromDepartmentID, Reason: a.Reason,
		}
		e.Text = string(m.Activity.Kind)
		if name := firstNonEmpty(m.Activity.OperatorName, m.Activity.DepartmentName); name != "" {
			e.Text += ": " + name
		}
		if m.Activity.Reason != "" {
			e.Text += " (" + m.Activity.Reason + ")"
		}
	case switchboard.DirectionNote:
		e.Kind, e.Text = "note", m.Text()
	default:
		e.Kind, e.Text = "message", m.Text()
		if m.DeletedAt != nil {
			e.Text = ""
		}
	}
	if e.ActorName == "" && e.ActorID != "" {
		e.ActorName = s.operatorName(r.Context(), m.WorkspaceID, e.ActorID)
		if e.Activity != nil {
			e.Activity.ActorName = e.ActorName
		}
	}
	return e, true
}

var fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Limits of ticket field definitions.
const (
	maxFieldLabel   = 100
	maxFieldOptions = 100
)

func (s *Server) listTicketFields(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	fields, err := s.store.ListTicketFields(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "ticket fields")
		return
	}
	if fields == nil {
		fields = []switchboard.TicketField{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": fields})
}

type ticketFieldBody struct {
	Label    string                      `json:"label"`
	Type     switchboard.TicketFieldType `json:"type"`
	Options  []string                    `json:"options"`
	Required bool                        `json:"required"`
	Public   bool                        `json:"public"`
	Position int                         `json:"position"`
}

func (s *Server) putTicketField(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "ticket fields") {
		return
	}
	key := r.PathValue("key")
	if !fieldKeyPattern.MatchString(key) {
		writeError(w, http.StatusBadRequest, "invalid_key", fmt.Sprintf("key: %q must be 1-63 lower-case letters, digits or _, starting with a letter", key))
		return
	}
	var body ticketFieldBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	f := switchboard.TicketField{
		WorkspaceID: principalFrom(r.Context()).WorkspaceID, Key: key, Label: strings.TrimSpace(body.Label), Type: body.Type,
		Required: body.Required, Public: body.Public, Position: body.Position,
	}
	if f.Label == "" {
		writeError(w, http.StatusBadRequest, "invalid_label", "label: missing")
		return
	}
	if utf8.RuneCountInString(f.Label) > maxFieldLabel {
		writeError(w, http.StatusBadRequest, "invalid_label", fmt.Sprintf("label: longer than %d characters", maxFieldLabel))
		return
	}
	if !f.Type.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_type", fmt.Sprintf("type: %q is not one of text, number, select, checkbox, date", body.Type))
		return
	}
	if f.Type == switchboard.TicketFieldSelect {
		if len(body.Options) == 0 || len(body.Options) > maxFieldOptions {
			writeError(w, http.StatusBadRequest, "invalid_options", fmt.Sprintf("options: a select field needs 1 to %d options", maxFieldOptions))
			return
		}
		seen := map[string]bool{}
		for i, o := range body.Options {
			o = strings.TrimSpace(o)
			if o == "" || utf8.RuneCountInString(o) > maxFieldLabel || seen[o] {
				writeError(w, http.StatusBadRequest, "invalid_options", fmt.Sprintf("options[%d]: must be non-empty, unique and at most %d characters", i, maxFieldLabel))
				return
			}
			seen[o] = true
			f.Options = append(f.Options, o)
		}
	} else if len(body.Options) > 0 {
		writeError(w, http.StatusBadRequest, "invalid_options", "options: only select fields have options")
		return
	}
	if err := s.store.PutTicketField(r.Context(), f); err != nil {
		s.writeStoreError(w, r, err, "ticket field")
		return
	}
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) deleteTicketField(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "ticket fields") {
		return
	}
	p := principalFrom(r.Context())
	if err := s.store.DeleteTicketField(r.Context(), p.WorkspaceID, r.PathValue("key")); err != nil {
		s.writeStoreError(w, r, err, "ticket field")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
