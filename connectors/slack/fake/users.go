package fake

import (
	"net/http"
	"strings"
)

// User is a member of the fake workspace, answered by users.info and
// users.lookupByEmail.
type User struct {
	ID    string
	Name  string
	Email string
	// EmailUnconfirmed makes is_email_confirmed false.
	EmailUnconfirmed bool
	Deleted          bool
}

// AddUser adds (or replaces, by id) a member of the fake workspace.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		s.users = map[string]User{}
	}
	s.users[u.ID] = u
}

// userObject is a user as Slack's users.info documents it (the fields the
// hub reads, and a few around them).
func userObject(u User, team string) map[string]any {
	return map[string]any{
		"id": u.ID, "team_id": team, "name": u.Name, "deleted": u.Deleted, "real_name": u.Name,
		"is_bot": false, "is_email_confirmed": !u.EmailUnconfirmed,
		"profile": map[string]any{"real_name": u.Name, "display_name": u.Name, "email": u.Email},
	}
}

// usersInfo serves users.info: user is required; an unknown id answers
// {"ok":false,"error":"user_not_found"}.
func (s *Server) usersInfo(w http.ResponseWriter, r *http.Request) {
	params, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	if !s.begin(w, r, "users.info", params, s.opts.BotToken) {
		return
	}
	id := params.Get("user")
	if id == "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "user_not_found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": userObject(u, s.opts.TeamID)})
}

// usersLookupByEmail serves users.lookupByEmail: email is required (compared
// case-insensitively); no match answers {"ok":false,"error":"users_not_found"}.
func (s *Server) usersLookupByEmail(w http.ResponseWriter, r *http.Request) {
	params, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	if !s.begin(w, r, "users.lookupByEmail", params, s.opts.BotToken) {
		return
	}
	email := strings.TrimSpace(params.Get("email"))
	if email == "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if strings.EqualFold(u.Email, email) && !u.Deleted {
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": userObject(u, s.opts.TeamID)})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "users_not_found"})
}
