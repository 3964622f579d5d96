package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// transcriptCSP is the policy of the HTML transcript, sent as a header and
// repeated in the page (a saved file has no headers): no script, no
// remote anything, only the page's own inline style.
const transcriptCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// transcriptLine is one message of a transcript.
type transcriptLine struct {
	ID            switchboard.MessageID      `json:"id"`
	Direction     switchboard.Direction      `json:"direction"`
	Note          bool                       `json:"note"`
	AuthorName    string                     `json:"author_name"`
	Text          string                     `json:"text"`
	Parts         []switchboard.Part         `json:"parts"`
	Status        switchboard.DeliveryStatus `json:"status"`
	CreatedAt     time.Time                  `json:"created_at"`
	RetractedAt   *time.Time                 `json:"retracted_at,omitempty"`
	DeletedAt     *time.Time                 `json:"deleted_at,omitempty"`
	DeletedByName string                     `json:"deleted_by_name,omitempty"`
}

type transcriptDoc struct {
	Conversation switchboard.Conversation `json:"conversation"`
	ContactName  string                   `json:"contact_name"`
	ExportedAt   time.Time                `json:"exported_at"`
	Messages     []transcriptLine         `json:"messages"`
}

// transcript answers the whole history of a conversation as a download:
// plain text, JSON or a printable HTML page.
func (s *Server) transcript(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "txt"
	}
	if format != "txt" && format != "json" && format != "html" {
		writeError(w, http.StatusBadRequest, "invalid_format", fmt.Sprintf("format: %q is not one of txt, json, html", format))
		return
	}
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	doc := transcriptDoc{Conversation: s.viewConversation(ctx, conv), ExportedAt: s.now(), Messages: []transcriptLine{}}
	doc.ContactName = "Customer"
	if conv.Contact != nil && conv.Contact.Name != "" {
		doc.ContactName = conv.Contact.Name
	}
	q := store.MessageQuery{Limit: 500}
	for {
		page, err := s.store.ListMessages(ctx, conv.WorkspaceID, conv.ID, q)
		if err != nil {
			s.writeStoreError(w, r, err, "messages")
			return
		}
		for _, m := range page.Items {
			v := s.namedMessage(ctx, m)
			line := transcriptLine{
				ID: m.ID, Direction: m.Direction, Note: m.Direction == switchboard.DirectionNote, AuthorName: v.AuthorName,
				Text: v.Text, Parts: m.Parts, Status: m.Status, CreatedAt: m.CreatedAt, RetractedAt: m.RetractedAt,
				DeletedAt: m.DeletedAt, DeletedByName: v.DeletedByName,
			}
			switch {
			case m.Direction == switchboard.DirectionActivity:
				line.AuthorName, line.Text = "Activity", activityText(m.Activity)
			case m.Direction == switchboard.DirectionIn:
				line.AuthorName = doc.ContactName
			case line.AuthorName == "":
				line.AuthorName = "Operator"
			}
			if line.Parts == nil {
				line.Parts = []switchboard.Part{}
			}
			doc.Messages = append(doc.Messages, line)
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	var body []byte
	var contentType string
	switch format {
	case "json":
		contentType = "application/json; charset=utf-8"
		body, _ = json.MarshalIndent(doc, "", "  ")
	case "html":
		contentType = "text/html; charset=utf-8"
		var buf bytes.Buffer
		if err := transcriptHTML.Execute(&buf, doc); err != nil {
			s.writeStoreError(w, r, fmt.Errorf("transcript html: %w", err), "transcript")
			return
		}
		body = buf.Bytes()
		w.Header().Set("Content-Security-Policy", transcriptCSP)
	default:
		contentType = "text/plain; charset=utf-8"
		body = []byte(transcriptText(doc))
	}
	name := fmt.Sprintf("transcript-%s-%s.%s", conv.ID, doc.ExportedAt.Format("20060102-150405"), format)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// lineBody is what a transcript shows of a message besides its text:
// media, locations, stickers, buttons, as short bracketed notes.
func lineExtras(l transcriptLine) []string {
	var out []string
	for _, p := range l.Parts {
		switch {
		case p.Attachment != nil:
			name := p.Attachment.Filename
			if name == "" {
				name = p.Attachment.ContentType
			}
			out = append(out, fmt.Sprintf("[%s: %s]", p.Kind, name))
		case p.Location != nil:
			out = append(out, fmt.Sprintf("[location: %s %.6f,%.6f]", p.Location.Title, p.Location.Latitude, p.Location.Longitude))
		case p.Sticker != nil:
			out = append(out, "[sticker]")
		case len(p.Buttons) > 0:
			labels := make([]string, len(p.Buttons))
			for i, b := range p.Buttons {
				labels[i] = b.Label
			}
			out = append(out, "[buttons: "+strings.Join(labels, " | ")+"]")
		}
	}
	return out
}

// lineMarker is the state a transcript line notes: deleted, retracted,
// failed.
func lineMarker(l transcriptLine) string {
	switch {
	case l.DeletedAt != nil:
		by := l.DeletedByName
		if by == "" {
			by = "an administrator"
		}
		return fmt.Sprintf("deleted by %s at %s", by, l.DeletedAt.UTC().Format(time.RFC3339))
	case l.RetractedAt != nil:
		return "retracted at " + l.RetractedAt.UTC().Format(time.RFC3339)
	case l.Status == switchboard.StatusFailed:
		return "failed"
	}
	return ""
}

func transcriptText(doc transcriptDoc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Conversation %s with %s (%s)\n", doc.Conversation.ID, doc.ContactName, doc.Conversation.ChannelType)
	fmt.Fprintf(&b, "Exported %s; %d messages; times in UTC\n\n", doc.ExportedAt.Format(time.RFC3339), len(doc.Messages))
	for _, l := range doc.Messages {
		who := l.AuthorName
		if l.Note {
			who += " (private note)"
		}
		fmt.Fprintf(&b, "[%s] %s:", l.CreatedAt.UTC().Format("2006-01-02 15:04:05"), who)
		if m := lineMarker(l); m != "" {
			fmt.Fprintf(&b, " [%s]", m)
		}
		b.WriteByte('\n')
		for _, line := range strings.Split(l.Text, "\n") {
			if line != "" {
				b.WriteString("    " + line + "\n")
			}
		}
		for _, x := range lineExtras(l) {
			b.WriteString("    " + x + "\n")
		}
	}
	return b.String()
}

var transcriptHTML = template.Must(template.New("transcript").Funcs(template.FuncMap{
	"when":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " UTC" },
	"extras": lineExtras,
	"marker": lineMarker,
	"csp":    func() string { return transcriptCSP },
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{csp}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Transcript {{.Conversation.ID}}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",sans-serif;color:#111;margin:2rem auto;max-width:48rem;padding:0 1rem}
h1{font-size:1.3rem;margin:0 0 .25rem}
.meta{color:#555;margin:0 0 1.5rem}
.msg{border-left:3px solid #ccc;padding:.4rem .8rem;margin:.6rem 0;break-inside:avoid}
.msg.in{border-color:#2a7ae2}.msg.out{border-color:#2e9e5b}
.msg.note{border-color:#d4a017;background:#fff8e1}
.head{font-size:.85rem;color:#444}.who{font-weight:600;color:#111}
.marker{color:#a33;font-style:italic}
.text{white-space:pre-wrap;word-wrap:break-word;margin:.2rem 0 0}
.extra{color:#555;font-size:.85rem}
@media print{body{margin:0;max-width:none}.msg{page-break-inside:avoid}}
</style>
</head>
<body>
<h1>Conversation with {{.ContactName}}</h1>
<p class="meta">{{.Conversation.ChannelType}} · {{.Conversation.ID}} · exported {{when .ExportedAt}} · {{len .Messages}} messages</p>
{{range .Messages}}<div class="msg {{.Direction}}">
<div class="head"><span class="who">{{.AuthorName}}</span>{{if .Note}} · private note{{end}} · {{when .CreatedAt}}{{with marker .}} · <span class="marker">{{.}}</span>{{end}}</div>
{{if .Text}}<p class="text">{{.Text}}</p>{{end}}{{range extras .}}<div class="extra">{{.}}</div>{{end}}
</div>
{{end}}</body>
</html>
`))
