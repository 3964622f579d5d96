package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Limits of what operators and host sites say about a contact.
const (
	maxAttributes     = 50
	maxAttrKeyRunes   = 64
	maxAttrValueRunes = 1000
	maxNameRunes      = 200
)

var (
	phonePattern   = regexp.MustCompile(`^\+?[0-9][0-9 ()\-.]{3,24}$`)
	attrKeyPattern = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}_ .\-]*$`)
)

// profileUpdate validates profile fields (empty ones are left alone) and
// returns them as a store update; the error names the bad field.
func profileUpdate(name, email, phone, externalID string) (store.ContactUpdate, error) {
	var u store.ContactUpdate
	if name = strings.TrimSpace(name); name != "" {
		if utf8.RuneCountInString(name) > maxNameRunes || strings.ContainsFunc(name, unicode.IsControl) {
			return u, fmt.Errorf("name: longer than %d characters or has control characters", maxNameRunes)
		}
		u.Name = &name
	}
	if email = strings.TrimSpace(email); email != "" {
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || len(email) > 254 {
			return u, fmt.Errorf("email: %q is not an e-mail address like ana@example.com", email)
		}
		u.Email = &email
	}
	if phone = strings.TrimSpace(phone); phone != "" {
		if !phonePattern.MatchString(phone) {
			return u, fmt.Errorf("phone: %q is not a phone number like +81 3 1234 5678", phone)
		}
		u.Phone = &phone
	}
	if externalID = strings.TrimSpace(externalID); externalID != "" {
		if len(externalID) > 200 || strings.ContainsFunc(externalID, unicode.IsControl) {
			return u, errors.New("external_id: longer than 200 bytes or has control characters")
		}
		u.ExternalRef = &externalID
	}
	return u, nil
}

// checkAttributes validates contact attributes; the error names the key.
func checkAttributes(attrs map[string]string) error {
	if len(attrs) > maxAttributes {
		return fmt.Errorf("attributes: %d keys is over the limit of %d", len(attrs), maxAttributes)
	}
	for k, v := range attrs {
		if utf8.RuneCountInString(k) > maxAttrKeyRunes || !attrKeyPattern.MatchString(k) {
			return fmt.Errorf("attributes: key %q must be 1 to %d letters, digits, spaces, '_', '-' or '.'", k, maxAttrKeyRunes)
		}
		if utf8.RuneCountInString(v) > maxAttrValueRunes || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
			return fmt.Errorf("attributes.%s: longer than %d characters or has control characters", k, maxAttrValueRunes)
		}
	}
	return nil
}

// contactFor loads the contact named by the path when the caller may see
// it: admins and supervisors every contact of the workspace, operators
// those with a conversation in one of their departments (404 otherwise).
func (s *Server) contactFor(w http.ResponseWriter, r *http.Request, id switchboard.ContactID) (switchboard.Contact, []switchboard.Conversation, bool) {
	p := principalFrom(r.Context())
	c, err := s.store.GetContact(r.Context(), p.WorkspaceID, id)
	var convs []switchboard.Conversation
	if err == nil {
		convs, err = s.store.ContactConversations(r.Context(), p.WorkspaceID, id, 200)
	}
	if err == nil && !p.Role.SeesAllDepartments() {
		visible := convs[:0:0]
		for _, conv := range convs {
			if p.canSee(conv.DepartmentID) {
				visible = append(visible, conv)
			}
		}
		if len(visible) == 0 {
			err = store.ErrNotFound
		}
		convs = visible
	}
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return c, nil, false
	}
	return viewContact(c), convs, true
}

// viewContact makes a contact's JSON stable: attributes and labels never null.
func viewContact(c switchboard.Contact) switchboard.Contact {
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	return c
}

type contactConversation struct {
	ID             switchboard.ConversationID     `json:"id"`
	ChannelID      switchboard.ChannelID          `json:"channel"`
	ChannelType    string                         `json:"channel_type"`
	Status         switchboard.ConversationStatus `json:"status"`
	DepartmentID   switchboard.DepartmentID       `json:"department_id,omitempty"`
	LastMessage    string                         `json:"last_message,omitempty"`
	LastActivityAt time.Time                      `json:"last_activity_at"`
	CreatedAt      time.Time                      `json:"created_at"`
}

type contactView struct {
	switchboard.Contact
	Conversations  []contactConversation `json:"conversations"`
	FirstContactAt *time.Time            `json:"first_contact_at,omitempty"`
	LastContactAt  *time.Time            `json:"last_contact_at,omitempty"`
}

func newContactView(c switchboard.Contact, convs []switchboard.Conversation) contactView {
	v := contactView{Contact: c, Conversations: make([]contactConversation, 0, len(convs))}
	for _, conv := range convs {
		v.Conversations = append(v.Conversations, contactConversation{ID: conv.ID, ChannelID: conv.ChannelID, ChannelType: conv.ChannelType,
			Status: conv.Status, DepartmentID: conv.DepartmentID, LastMessage: conv.LastMessage, LastActivityAt: conv.LastActivityAt, CreatedAt: conv.CreatedAt})
		created, last := conv.CreatedAt, conv.LastActivityAt
		if v.FirstContactAt == nil || created.Before(*v.FirstContactAt) {
			v.FirstContactAt = &created
		}
		if v.LastContactAt == nil || last.After(*v.LastContactAt) {
			v.LastContactAt = &last
		}
	}
	return v
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	if c, convs, ok := s.contactFor(w, r, switchboard.ContactID(r.PathValue("id"))); ok {
		writeJSON(w, http.StatusOK, newContactView(c, convs))
	}
}

// listContacts serves GET /api/v1/contacts?q=: contacts by name, e-mail,
// phone or external id (the merge picker), those the caller may see.
func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 200 {
		writeError(w, http.StatusBadRequest, "invalid_q", "q: longer than 200 characters")
		return
	}
	found, err := s.store.SearchContacts(r.Context(), p.WorkspaceID, q, limit)
	if err != nil {
		s.writeStoreError(w, r, err, "contacts")
		return
	}
	items := make([]switchboard.Contact, 0, len(found))
	for _, c := range found {
		if p.Role.SeesAllDepartments() || s.seesContact(r.Context(), p, c.ID) {
			items = append(items, viewContact(c))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// seesContact reports whether an operator limited to departments has a
// conversation of the contact in one of them.
func (s *Server) seesContact(ctx context.Context, p principal, id switchboard.ContactID) bool {
	convs, err := s.store.ContactConversations(ctx, p.WorkspaceID, id, 200)
	if err != nil {
		return false
	}
	for _, c := range convs {
		if p.canSee(c.DepartmentID) {
			return true
		}
	}
	return false
}

type patchContactRequest struct {
	Name       *string            `json:"name"`
	Email      *string            `json:"email"`
	Phone      *string            `json:"phone"`
	Attributes *map[string]string `json:"attributes"`
	Labels     *[]string          `json:"labels"`
}

// patchContact serves PATCH /api/v1/contacts/{id}: an operator corrects
// the profile or edits attributes and labels. Changing an e-mail or phone
// by hand drops its verified mark.
func (s *Server) patchContact(w http.ResponseWriter, r *http.Request) {
	var req patchContactRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.Name == nil && req.Email == nil && req.Phone == nil && req.Attributes == nil && req.Labels == nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "nothing to change: send name, email, phone, attributes or labels")
		return
	}
	val := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	u, err := profileUpdate(val(req.Name), val(req.Email), val(req.Phone), "")
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_"+strings.SplitN(err.Error(), ":", 2)[0], err.Error())
		return
	}
	// An explicit "" clears the field.
	for _, f := range []struct {
		in  *string
		out **string
	}{{req.Name, &u.Name}, {req.Email, &u.Email}, {req.Phone, &u.Phone}} {
		if f.in != nil && strings.TrimSpace(*f.in) == "" {
			empty := ""
			*f.out = &empty
		}
	}
	if req.Attributes != nil {
		if err := checkAttributes(*req.Attributes); err != nil {
			writeError(w, http.StatusBadRequest, "invalid_attributes", err.Error())
			return
		}
		u.Attributes = *req.Attributes
		if u.Attributes == nil {
			u.Attributes = map[string]string{}
		}
	}
	if req.Labels != nil {
		labels, field, msg := normaliseLabels(*req.Labels)
		if field != "" {
			writeError(w, http.StatusBadRequest, "invalid_labels", field+": "+msg)
			return
		}
		u.Labels = labels
	}
	c, convs, ok := s.contactFor(w, r, switchboard.ContactID(r.PathValue("id")))
	if !ok {
		return
	}
	f := false
	if u.Email != nil && *u.Email != c.Email {
		u.EmailVerified = &f
	}
	if u.Phone != nil && *u.Phone != c.Phone {
		u.PhoneVerified = &f
	}
	updated, err := s.hub.UpdateContact(r.Context(), c.WorkspaceID, c.ID, u, departmentsOf(convs))
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	writeJSON(w, http.StatusOK, newContactView(viewContact(updated), convs))
}

func departmentsOf(convs []switchboard.Conversation) []switchboard.DepartmentID {
	var out []switchboard.DepartmentID
	seen := map[switchboard.DepartmentID]bool{}
	for _, c := range convs {
		if !seen[c.DepartmentID] {
			seen[c.DepartmentID] = true
			out = append(out, c.DepartmentID)
		}
	}
	return out
}

type mergeContactRequest struct {
	ContactID switchboard.ContactID `json:"contact_id"`
}

// mergeContact serves POST /api/v1/contacts/{id}/merge: the contact of
// contact_id becomes part of {id} (one person on several channels).
func (s *Server) mergeContact(w http.ResponseWriter, r *http.Request) {
	var req mergeContactRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	into := switchboard.ContactID(r.PathValue("id"))
	if req.ContactID == "" {
		writeError(w, http.StatusBadRequest, "invalid_contact_id", "contact_id: missing (the contact to merge into this one)")
		return
	}
	if req.ContactID == into {
		writeError(w, http.StatusBadRequest, "invalid_contact_id", "contact_id: a contact cannot be merged into itself")
		return
	}
	c, convs, ok := s.contactFor(w, r, into)
	if !ok {
		return
	}
	other, otherConvs, ok := s.contactFor(w, r, req.ContactID)
	if !ok {
		return
	}
	if c.ErasedAt != nil || other.ErasedAt != nil {
		writeError(w, http.StatusConflict, "contact_erased", "an erased contact cannot be merged")
		return
	}
	merged, err := s.hub.MergeContacts(r.Context(), c.WorkspaceID, c.ID, other.ID, departmentsOf(append(convs, otherConvs...)))
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	p := principalFrom(r.Context())
	all, err := s.store.ContactConversations(r.Context(), p.WorkspaceID, merged.ID, 200)
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	writeJSON(w, http.StatusOK, newContactView(viewContact(merged), all))
}

// exportContact serves GET /api/v1/contacts/{id}/export: everything the
// hub holds about the contact (profile, context, conversations and their
// messages, notes included), as a JSON download.
func (s *Server) exportContact(w http.ResponseWriter, r *http.Request) {
	c, convs, ok := s.contactFor(w, r, switchboard.ContactID(r.PathValue("id")))
	if !ok {
		return
	}
	type exportConversation struct {
		switchboard.Conversation
		Messages []switchboard.Message `json:"messages"`
	}
	out := struct {
		ExportedAt    time.Time            `json:"exported_at"`
		Contact       switchboard.Contact  `json:"contact"`
		Conversations []exportConversation `json:"conversations"`
	}{ExportedAt: s.now(), Contact: c, Conversations: []exportConversation{}}
	for _, conv := range convs {
		full, err := s.store.GetConversation(r.Context(), c.WorkspaceID, conv.ID)
		if err != nil {
			s.writeStoreError(w, r, err, "conversation")
			return
		}
		full.Contact = nil
		ec := exportConversation{Conversation: full, Messages: []switchboard.Message{}}
		cursor := ""
		for {
			page, err := s.store.ListMessages(r.Context(), c.WorkspaceID, conv.ID, store.MessageQuery{Limit: 200, Cursor: cursor})
			if err != nil {
				s.writeStoreError(w, r, err, "messages")
				return
			}
			ec.Messages = append(ec.Messages, page.Items...)
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		out.Conversations = append(out.Conversations, ec)
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="contact-%s.json"`, c.ID))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// eraseContact serves DELETE /api/v1/contacts/{id}: the customer asked to
// be forgotten. Admins and supervisors only. Everything that names them
// goes (profile, identities, context, their messages' content, their name
// inside replies); the conversations stay, anonymised.
func (s *Server) eraseContact(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if !p.Role.SeesAllDepartments() {
		writeError(w, http.StatusForbidden, "forbidden", "only admins and supervisors erase contacts")
		return
	}
	c, _, ok := s.contactFor(w, r, switchboard.ContactID(r.PathValue("id")))
	if !ok {
		return
	}
	if c.ErasedAt != nil {
		writeJSON(w, http.StatusOK, map[string]any{"erased": true, "conversations": 0})
		return
	}
	res, err := s.hub.EraseContact(r.Context(), c.WorkspaceID, c.ID, scrubTerms(c))
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	if _, err := s.store.PruneOutbox(r.Context(), s.now().Add(time.Second)); err != nil {
		// Best effort: done outbox rows of the contact were already deleted.
		s.log.WarnContext(r.Context(), "outbox not pruned after erasure", "err", err)
	}
	s.log.InfoContext(r.Context(), "contact erased", "contact", c.ID, "conversations", len(res.Conversations), "messages", res.Messages, "by", p.OperatorID)
	writeJSON(w, http.StatusOK, map[string]any{"erased": true, "conversations": len(res.Conversations)})
}

// scrubTerms are the strings that name a contact inside other messages:
// name (and its words of three or more characters), e-mail, phone, ids.
func scrubTerms(c switchboard.Contact) []string {
	var terms []string
	add := func(s string) {
		if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= 3 {
			terms = append(terms, s)
		}
	}
	add(c.Name)
	if words := strings.Fields(c.Name); len(words) > 1 {
		for _, w := range words {
			add(w)
		}
	}
	add(c.Email)
	add(c.Phone)
	add(c.ExternalRef)
	for _, id := range c.Identities {
		add(string(id.ExternalID))
	}
	if c.Context != nil {
		add(c.Context.IP)
	}
	return terms
}
