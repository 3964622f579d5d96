package portal

import (
	"errors"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/store"
)

// Limits of what a customer writes.
const (
	maxSubject = 200
	maxText    = 20000
)

// ticketRow is a ticket in the mailbox list.
type ticketRow struct {
	Number  int64
	Subject string
	Status  switchboard.TicketStatus
	Label   string
	Unread  bool
	Updated string
}

// messageView is one message of the thread.
type messageView struct {
	Mine   bool
	Author string
	At     string
	Parts  []template.HTML
	Files  []fileLink
	New    bool
}

type fileLink struct {
	Name, URL string
	Image     bool
}

// contacts are the workspace's contacts of the session's address: whose
// tickets the customer sees.
func (p *Portal) contacts(r *http.Request, c *ctx) ([]switchboard.ContactID, error) {
	return p.store.ContactsByAddress(r.Context(), c.ws.ID, c.sess.Email, c.sess.Phone)
}

// home is the sign-in form, or the mailbox of a signed-in customer.
func (p *Portal) home(w http.ResponseWriter, r *http.Request, c *ctx) {
	if c.sess == nil {
		p.signinForm(w, r, c, http.StatusOK, "")
		return
	}
	ids, err := p.contacts(r, c)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	t := textsFor(c.lang)
	v := p.newView(r, c, t["myTickets"])
	if len(ids) > 0 { // an empty ContactIDs would not filter: never pass one
		page, err := p.store.ListTickets(r.Context(), c.ws.ID, store.TicketQuery{ContactIDs: ids, Limit: 200})
		if err != nil {
			p.fail(w, r, c, err)
			return
		}
		for _, tk := range page.Items {
			if tk.Conversation == nil || !slices.Contains(ids, tk.Conversation.ContactID) {
				continue // the store's filter is the rule; this is the belt
			}
			v.Tickets = append(v.Tickets, ticketRow{Number: tk.Number, Subject: tk.Subject, Status: tk.Status,
				Label: statusLabel(t, tk.Status), Unread: unread(tk), Updated: p.dateTime(c, lastActivity(tk))})
		}
	}
	v.Notice = noticeText(t, r.URL.Query().Get("done"))
	p.render(w, http.StatusOK, "mailbox", v)
}

// unread reports whether the team answered since the customer last read
// the ticket: a waiting ticket (the team wrote last) with activity after
// CustomerReadAt.
func unread(t switchboard.Ticket) bool {
	if t.Status != switchboard.TicketWaiting {
		return false
	}
	return t.CustomerReadAt == nil || lastActivity(t).After(*t.CustomerReadAt)
}

func lastActivity(t switchboard.Ticket) time.Time {
	if t.Conversation != nil && !t.Conversation.LastActivityAt.IsZero() {
		return t.Conversation.LastActivityAt
	}
	return t.UpdatedAt
}

func statusLabel(t map[string]string, s switchboard.TicketStatus) string {
	return t["status_"+string(s)]
}

// ticketOf finds the ticket of the path's number among the session's:
// anything else (not a number, no such ticket, another customer's) is
// 404, the same answer in every case.
func (p *Portal) ticketOf(w http.ResponseWriter, r *http.Request, c *ctx) (switchboard.Ticket, bool) {
	raw := r.PathValue("number")
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != raw {
		p.notFound(w, r, c)
		return switchboard.Ticket{}, false
	}
	tk, err := p.store.GetTicketByNumber(r.Context(), c.ws.ID, n)
	if err != nil {
		p.fail(w, r, c, err)
		return tk, false
	}
	ids, err := p.contacts(r, c)
	if err != nil {
		p.fail(w, r, c, err)
		return tk, false
	}
	if tk.Conversation == nil || tk.WorkspaceID != c.ws.ID || !slices.Contains(ids, tk.Conversation.ContactID) {
		p.notFound(w, r, c)
		return tk, false
	}
	return tk, true
}

// thread shows a ticket's public messages, oldest first, and marks it
// read.
func (p *Portal) thread(w http.ResponseWriter, r *http.Request, c *ctx) {
	tk, ok := p.ticketOf(w, r, c)
	if !ok {
		return
	}
	p.showThread(w, r, c, tk, http.StatusOK, "", "")
	now := p.now()
	if _, err := p.store.UpdateTicket(r.Context(), c.ws.ID, tk.ConversationID, store.TicketUpdate{CustomerReadAt: &now}, nil); err != nil && p.cfg.Log != nil {
		p.cfg.Log(r.Context(), "portal: marking a ticket read", err)
	}
}

func (p *Portal) showThread(w http.ResponseWriter, r *http.Request, c *ctx, tk switchboard.Ticket, status int, errText, draft string) {
	t := textsFor(c.lang)
	v := p.newView(r, c, tk.SubjectTag()+" "+tk.Subject)
	row := ticketRow{Number: tk.Number, Subject: tk.Subject, Status: tk.Status, Label: statusLabel(t, tk.Status), Updated: p.dateTime(c, tk.CreatedAt)}
	v.Ticket = &row
	v.Error, v.Draft = errText, draft
	v.Notice = noticeText(t, r.URL.Query().Get("done"))
	cursor := ""
	for range 20 { // up to 10,000 entries
		page, err := p.store.ListMessages(r.Context(), c.ws.ID, tk.ConversationID, store.MessageQuery{Limit: 500, Cursor: cursor})
		if err != nil {
			p.fail(w, r, c, err)
			return
		}
		for _, m := range page.Items {
			if mv, ok := p.messageView(r, c, tk, m); ok {
				v.Messages = append(v.Messages, mv)
			}
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	p.render(w, status, "thread", v)
}

// messageView is what the customer sees of m: the customer's and the
// team's messages, never notes, activity entries, deleted or retracted
// ones, or messages that failed to go out.
func (p *Portal) messageView(r *http.Request, c *ctx, tk switchboard.Ticket, m switchboard.Message) (messageView, bool) {
	if (m.Direction != switchboard.DirectionIn && m.Direction != switchboard.DirectionOut) || m.DeletedAt != nil || m.RetractedAt != nil ||
		m.Status == switchboard.StatusFailed {
		return messageView{}, false
	}
	t := textsFor(c.lang)
	v := messageView{Mine: m.Direction == switchboard.DirectionIn, At: p.dateTime(c, m.CreatedAt)}
	if v.Mine {
		v.Author = t["you"]
	} else {
		v.Author = t["team"]
		if p.cfg.Desk != nil && m.AuthorID != "" {
			if name := p.cfg.Desk.OperatorName(r.Context(), c.ws.ID, m.AuthorID); name != "" {
				v.Author = name
			}
		}
		v.New = tk.CustomerReadAt == nil || m.CreatedAt.After(*tk.CustomerReadAt)
	}
	for _, part := range m.Parts {
		switch part.Kind {
		case switchboard.PartText:
			if part.Text != "" {
				v.Parts = append(v.Parts, template.HTML(`<p class="text">`+template.HTMLEscapeString(part.Text)+`</p>`))
			}
		case switchboard.PartMarkdown:
			v.Parts = append(v.Parts, template.HTML(richtext.MarkdownHTML(part.Text))) // sanitised by bluemonday
		case switchboard.PartHTML:
			v.Parts = append(v.Parts, template.HTML(richtext.SanitizeHTML(part.Text)))
		case switchboard.PartCSAT:
			v.Parts = append(v.Parts, p.csatPart(r, c, tk, part))
		default:
			if a := part.Attachment; a != nil && a.MediaID != "" && p.cfg.Desk != nil {
				name := a.Filename
				if name == "" {
					name = t["attachment"]
				}
				v.Files = append(v.Files, fileLink{Name: name, URL: p.cfg.Desk.MediaURL(a.MediaID), Image: part.Kind == switchboard.PartImage})
			} else if part.Text != "" {
				v.Parts = append(v.Parts, template.HTML(`<p class="text">`+template.HTMLEscapeString(part.Text)+`</p>`))
			}
		}
	}
	return v, len(v.Parts) > 0 || len(v.Files) > 0
}

// written is a customer's form: its text fields and stored attachments.
type written struct {
	Subject, Text string
	Parts         []switchboard.Part
}

// readWritten reads a reply or new-ticket form (multipart with files, or
// urlencoded without): text fields within their limits, each file
// checked and stored by the Desk. A refused input is an *InputError.
func (p *Portal) readWritten(w http.ResponseWriter, r *http.Request, c *ctx) (written, error) {
	t := textsFor(c.lang)
	var out written
	r.Body = http.MaxBytesReader(w, r.Body, int64(p.cfg.MaxFiles)*p.cfg.MaxUploadBytes+128<<10)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		out.Subject, out.Text = r.PostFormValue("subject"), r.PostFormValue("text")
		return out, p.checkWritten(t, &out)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return out, &InputError{Message: t["badForm"]}
	}
	files := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, p.readError(t, err)
		}
		switch part.FormName() {
		case "subject", "text":
			b, err := io.ReadAll(io.LimitReader(part, 4*maxText+1))
			if err != nil {
				return out, p.readError(t, err)
			}
			if part.FormName() == "subject" {
				out.Subject = string(b)
			} else {
				out.Text = string(b)
			}
		case "file":
			part, stored, err := p.readFile(r, c, part, t)
			if err != nil {
				return out, err
			}
			if stored {
				files++
				if files > p.cfg.MaxFiles {
					return out, &InputError{Message: t["tooManyFiles"]}
				}
				out.Parts = append(out.Parts, part)
			}
		}
	}
	return out, p.checkWritten(t, &out)
}

// readFile stores one file field; stored is false for an empty field (no
// file chosen).
func (p *Portal) readFile(r *http.Request, c *ctx, part *multipart.Part, t map[string]string) (switchboard.Part, bool, error) {
	body, err := io.ReadAll(io.LimitReader(part, p.cfg.MaxUploadBytes+1))
	if err != nil {
		return switchboard.Part{}, false, p.readError(t, err)
	}
	name := path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
	if len(body) == 0 {
		if name == "" || name == "." {
			return switchboard.Part{}, false, nil
		}
		return switchboard.Part{}, false, &InputError{Message: strings.ReplaceAll(t["emptyFile"], "%s", name)}
	}
	if int64(len(body)) > p.cfg.MaxUploadBytes {
		return switchboard.Part{}, false, &InputError{Message: strings.ReplaceAll(t["fileTooBig"], "%s", name)}
	}
	if name == "." || name == "/" {
		name = ""
	}
	uploader := "portal:" + c.sess.Email + c.sess.Phone
	stored, err := p.cfg.Desk.StoreUpload(r.Context(), c.ws.ID, uploader, name, body)
	return stored, err == nil, err
}

func (p *Portal) readError(t map[string]string, err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &InputError{Message: t["bodyTooBig"]}
	}
	return &InputError{Message: t["badForm"]}
}

func (p *Portal) checkWritten(t map[string]string, in *written) error {
	in.Subject = strings.TrimSpace(in.Subject)
	in.Text = strings.TrimSpace(strings.ReplaceAll(in.Text, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(in.Subject) || !utf8.ValidString(in.Text):
		return &InputError{Message: t["badForm"]}
	case utf8.RuneCountInString(in.Subject) > maxSubject:
		return &InputError{Message: t["subjectTooLong"]}
	case utf8.RuneCountInString(in.Text) > maxText:
		return &InputError{Message: t["textTooLong"]}
	case in.Text == "" && len(in.Parts) == 0:
		return &InputError{Message: t["textMissing"]}
	}
	return nil
}

// reply stores the customer's reply in the ticket.
func (p *Portal) reply(w http.ResponseWriter, r *http.Request, c *ctx) {
	tk, ok := p.ticketOf(w, r, c)
	if !ok {
		return
	}
	in, err := p.readWritten(w, r, c)
	var bad *InputError
	if errors.As(err, &bad) {
		p.showThread(w, r, c, tk, http.StatusBadRequest, bad.text(textsFor(c.lang)), in.Text)
		return
	}
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	parts := in.Parts
	if in.Text != "" {
		parts = append(switchboard.TextParts(in.Text), parts...)
	}
	if err := p.cfg.Desk.Reply(r.Context(), tk, parts); err != nil {
		p.deskError(w, r, c, err, func(msg string) { p.showThread(w, r, c, tk, http.StatusBadRequest, msg, in.Text) })
		return
	}
	now := p.now()
	if _, err := p.store.UpdateTicket(r.Context(), c.ws.ID, tk.ConversationID, store.TicketUpdate{CustomerReadAt: &now}, nil); err != nil && p.cfg.Log != nil {
		p.cfg.Log(r.Context(), "portal: marking a ticket read", err)
	}
	http.Redirect(w, r, c.base+"/tickets/"+strconv.FormatInt(tk.Number, 10)+c.query(url.Values{"done": {"replied"}})+"#latest", http.StatusSeeOther)
}

// setStatus closes (resolved) or reopens (open) the ticket.
func (p *Portal) setStatus(status switchboard.TicketStatus) handler {
	return func(w http.ResponseWriter, r *http.Request, c *ctx) {
		tk, ok := p.ticketOf(w, r, c)
		if !ok {
			return
		}
		if tk.Status != status && !(status == switchboard.TicketOpen && tk.Status != switchboard.TicketResolved) {
			if _, err := p.cfg.Desk.SetStatus(r.Context(), tk, status); err != nil {
				p.deskError(w, r, c, err, func(msg string) { p.showThread(w, r, c, tk, http.StatusBadRequest, msg, "") })
				return
			}
		}
		done := "closed"
		if status == switchboard.TicketOpen {
			done = "reopened"
		}
		http.Redirect(w, r, c.base+"/tickets/"+strconv.FormatInt(tk.Number, 10)+c.query(url.Values{"done": {done}}), http.StatusSeeOther)
	}
}

func (p *Portal) newTicketPage(w http.ResponseWriter, r *http.Request, c *ctx) {
	p.render(w, http.StatusOK, "new", p.newView(r, c, textsFor(c.lang)["newTicket"]))
}

// createTicket opens a ticket from the new-ticket form.
func (p *Portal) createTicket(w http.ResponseWriter, r *http.Request, c *ctx) {
	t := textsFor(c.lang)
	in, err := p.readWritten(w, r, c)
	again := func(msg string) {
		v := p.newView(r, c, t["newTicket"])
		v.Error, v.Draft, v.DraftSubject = msg, in.Text, in.Subject
		p.render(w, http.StatusBadRequest, "new", v)
	}
	var bad *InputError
	if errors.As(err, &bad) {
		again(bad.text(t))
		return
	}
	if err == nil && in.Text == "" {
		again(t["textMissing"]) // a ticket needs words, not only files
		return
	}
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	tk, err := p.cfg.Desk.OpenTicket(r.Context(), NewTicket{WorkspaceID: c.ws.ID, Subject: in.Subject, Text: in.Text, Parts: in.Parts,
		Email: c.sess.Email, Phone: c.sess.Phone})
	if err != nil {
		p.deskError(w, r, c, err, again)
		return
	}
	now := p.now()
	if _, err := p.store.UpdateTicket(r.Context(), c.ws.ID, tk.ConversationID, store.TicketUpdate{CustomerReadAt: &now}, nil); err != nil && p.cfg.Log != nil {
		p.cfg.Log(r.Context(), "portal: marking a ticket read", err)
	}
	http.Redirect(w, r, c.base+"/tickets/"+strconv.FormatInt(tk.Number, 10)+c.query(url.Values{"done": {"opened"}}), http.StatusSeeOther)
}

// deskError shows an *InputError of the Desk with again, and fails
// otherwise.
func (p *Portal) deskError(w http.ResponseWriter, r *http.Request, c *ctx, err error, again func(string)) {
	var bad *InputError
	if errors.As(err, &bad) {
		again(bad.text(textsFor(c.lang)))
		return
	}
	p.fail(w, r, c, err)
}

func noticeText(t map[string]string, done string) string {
	switch done {
	case "replied", "closed", "reopened", "opened":
		return t["done_"+done]
	}
	return ""
}
