package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/console/visitorinfo"
	"github.com/switchboardhq/switchboard/store"
)

// maxVisitorFiles is how many attachments one visitor message may carry.
const maxVisitorFiles = 10

// visitGap starts a new visit: pages seen after this much quiet are a
// new visit's (the pages list and referrer start again).
const visitGap = 30 * time.Minute

// widgetConfig is what the widget needs to draw itself: look, language,
// limits. It names no secret.
func (s *Server) widgetConfig(id switchboard.ChannelID, wc *webchat.Connector) map[string]any {
	cfg := wc.Config()
	return map[string]any{
		"channel": id, "title": cfg.Title, "greeting": cfg.Greeting, "color": cfg.Color, "position": cfg.Position,
		"language": cfg.Language, "max_text_length": cfg.MaxTextLength,
		"upload":                map[string]any{"max_bytes": s.cfg.MaxUploadBytes, "types": s.cfg.UploadTypes, "max_files": maxVisitorFiles},
		"identity_verification": wc.IdentitySigned(),
		// workspace_id: the help centre (/help/{id}/) and the portal the widget links to.
		"workspace_id": s.channelWorkspaceID(id),
	}
}

// channelWorkspaceID is the workspace of a running channel ("" when gone).
func (s *Server) channelWorkspaceID(id switchboard.ChannelID) switchboard.WorkspaceID {
	if ch, ok := s.router.Channels.Get(id); ok {
		return ch.WorkspaceID
	}
	return ""
}

// widgetConfigGet serves GET /widget/v1/config?channel=: a returning
// visitor's widget (it already holds a token) reads the look from here.
func (s *Server) widgetConfigGet(w http.ResponseWriter, r *http.Request) {
	id := switchboard.ChannelID(r.URL.Query().Get("channel"))
	wc, ok := s.webchatChannel(w, id)
	if !ok || !originOK(w, r, wc) {
		return
	}
	out := s.widgetConfig(id, wc)
	out["availability"] = s.availability(r.Context(), id, widgetLanguage(r, wc))
	writeJSON(w, http.StatusOK, out)
}

// channelWorkspace is the workspace of a running channel; it writes the
// error answer itself when the channel is gone.
func (s *Server) channelWorkspace(w http.ResponseWriter, channel switchboard.ChannelID) (switchboard.WorkspaceID, bool) {
	ch, found := s.router.Channels.Get(channel)
	if !found {
		writeError(w, http.StatusNotFound, "unknown_channel", "no channel with id "+string(channel))
		return "", false
	}
	return ch.WorkspaceID, true
}

// visitorUploader names a visitor as the uploader of media (never an
// operator id: those have no colon).
func visitorUploader(channel switchboard.ChannelID, visitor switchboard.ExternalID) switchboard.OperatorID {
	return switchboard.OperatorID("visitor:" + string(channel) + ":" + string(visitor))
}

// publicMediaURL is a link to media anyone holding it may fetch (signed):
// what a visitor's widget shows.
func (s *Server) publicMediaURL(id string) string {
	return strings.TrimSuffix(s.cfg.PublicURL, "/") + "/media/" + id + "?sig=" + url.QueryEscape(s.router.MediaSignature(id))
}

// widgetUpload serves POST /widget/v1/uploads: one file a visitor attaches;
// they send it with POST /widget/v1/messages naming its media_id.
func (s *Server) widgetUpload(w http.ResponseWriter, r *http.Request) {
	_, channel, visitor, ok := s.visitor(w, r)
	if !ok || throttled(w, s.widgetVisitor, string(visitor), "uploads") {
		return
	}
	ws, ok := s.channelWorkspace(w, channel)
	if !ok {
		return
	}
	body, filename, ct, ok := s.readUpload(w, r)
	if !ok {
		return
	}
	uploader := visitorUploader(channel, visitor)
	// Addressed by content per visitor, so the same bytes an operator
	// uploaded stay theirs and the visitor's copy stays the visitor's.
	id := mediaID(switchboard.WorkspaceID(string(ws)+"\x00"+string(uploader)), body)
	m := store.Media{ID: id, WorkspaceID: ws, ContentType: ct, Body: body, UploaderID: uploader, Filename: filename, CreatedAt: s.now()}
	if err := s.store.PutMedia(r.Context(), m); err != nil {
		s.writeStoreError(w, r, err, "media")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"media_id": id, "url": s.publicMediaURL(id), "content_type": ct, "size": len(body), "filename": filename})
}

// visitorAttachments checks the image and file parts of a visitor's
// message: each names media this visitor uploaded; it returns the parts
// as stored, or an error naming the bad part.
func (s *Server) visitorAttachments(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, parts []switchboard.Part) ([]switchboard.Part, error) {
	if len(parts) > maxVisitorFiles {
		return nil, fmt.Errorf("parts: %d attachments is over the limit of %d", len(parts), maxVisitorFiles)
	}
	out := make([]switchboard.Part, 0, len(parts))
	for i, p := range parts {
		field := fmt.Sprintf("parts[%d]", i)
		if p.Kind != switchboard.PartImage && p.Kind != switchboard.PartFile {
			return nil, fmt.Errorf("%s.kind: %q; a visitor sends image or file parts (or one form_response)", field, p.Kind)
		}
		if p.Attachment == nil || p.Attachment.MediaID == "" {
			return nil, fmt.Errorf("%s.attachment.media_id: missing; upload the file with POST /widget/v1/uploads first", field)
		}
		m, err := s.store.GetMedia(ctx, p.Attachment.MediaID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (m.WorkspaceID != ws || m.UploaderID != visitorUploader(channel, visitor))) {
			return nil, fmt.Errorf("%s.attachment.media_id: %q is not a file you uploaded", field, p.Attachment.MediaID)
		}
		if err != nil {
			return nil, err
		}
		kind := switchboard.PartFile
		if strings.HasPrefix(m.ContentType, "image/") && inlineSafe(m.ContentType) {
			kind = switchboard.PartImage
		}
		out = append(out, switchboard.Part{Kind: kind, Attachment: &switchboard.Attachment{MediaID: m.ID, ContentType: m.ContentType, Filename: m.Filename, Size: int64(len(m.Body))}})
	}
	return out, nil
}

// widgetView is a message as the visitor's widget shows it: the
// operator's name, and media as links the visitor may fetch.
func (s *Server) widgetView(ctx context.Context, m switchboard.Message) (widgetMessage, bool) {
	v, ok := viewWidgetMessage(m)
	if !ok {
		return v, false
	}
	if m.Direction == switchboard.DirectionOut && m.AuthorID != "" {
		if name := s.operatorName(ctx, m.WorkspaceID, m.AuthorID); name != "" {
			v.Author = &widgetAuthor{Name: name}
		}
	}
	v.Parts = s.visitorParts(v.Parts)
	return v, true
}

// visitorParts copies parts with each attachment's URL signed for the
// visitor (the operator's /api/v1/media link needs a session).
func (s *Server) visitorParts(parts []switchboard.Part) []switchboard.Part {
	out := make([]switchboard.Part, len(parts))
	for i, p := range parts {
		if p.Attachment != nil && p.Attachment.MediaID != "" {
			a := *p.Attachment
			a.URL = s.publicMediaURL(a.MediaID)
			p.Attachment = &a
		}
		out[i] = p
	}
	return out
}

type widgetAuthor struct {
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url,omitempty"`
}

type widgetContextRequest struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	Referrer string `json:"referrer"`
	Language string `json:"language"`
	TimeZone string `json:"time_zone"`
}

// check validates what the widget reports; it names the bad field.
func (req widgetContextRequest) check() error {
	if err := webURL("url", req.URL, true); err != nil {
		return err
	}
	if err := webURL("referrer", req.Referrer, false); err != nil {
		return err
	}
	if utf8.RuneCountInString(req.Title) > 300 {
		return errors.New("title: longer than 300 characters")
	}
	if req.Language != "" {
		if _, err := language.Parse(req.Language); err != nil || len(req.Language) > 35 {
			return fmt.Errorf("language: %q is not a language tag like ja-JP", req.Language)
		}
	}
	if req.TimeZone != "" {
		if _, err := time.LoadLocation(req.TimeZone); err != nil || len(req.TimeZone) > 64 || req.TimeZone == "Local" {
			return fmt.Errorf("time_zone: %q is not an IANA time zone like Asia/Tokyo", req.TimeZone)
		}
	}
	return nil
}

func webURL(field, raw string, required bool) error {
	if raw == "" {
		if required {
			return errors.New(field + ": missing")
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2048 {
		return fmt.Errorf("%s: %q is not an http(s) URL of at most 2048 characters", field, raw)
	}
	return nil
}

// widgetContext serves POST /widget/v1/context: the page the visitor is
// on (sent on load and on each navigation) with what their request says
// of browser, address and place, folded into their contact's context.
func (s *Server) widgetContext(w http.ResponseWriter, r *http.Request) {
	_, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var req widgetContextRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if err := req.check(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_context", err.Error())
		return
	}
	ws, ok := s.channelWorkspace(w, channel)
	if !ok {
		return
	}
	ctx := r.Context()
	set, err := s.store.GetWorkspaceSettings(ctx, ws)
	if err != nil {
		s.writeStoreError(w, r, err, "workspace settings")
		return
	}
	update := s.visitUpdate(req, r, set, channel, s.now())
	if _, _, err := s.hub.RecordVisit(ctx, ws, channel, visitor, update); err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// visitUpdate folds one page view into a stored context. What the
// workspace does not collect (IP, location) is dropped, also from what
// was stored before the setting changed.
func (s *Server) visitUpdate(req widgetContextRequest, r *http.Request, set switchboard.WorkspaceSettings, channel switchboard.ChannelID, now time.Time) func(switchboard.CustomerContext) switchboard.CustomerContext {
	agent := s.visitors.ParseAgent(r.UserAgent())
	ip, _ := netip.ParseAddr(s.clientIP(r))
	var place visitorinfo.Place
	if set.CollectLocation {
		place, _ = s.visitors.Locate(ip, req.Language)
	}
	return func(c switchboard.CustomerContext) switchboard.CustomerContext {
		if c.LastSeenAt == nil || now.Sub(*c.LastSeenAt) > visitGap {
			c.Pages, c.Referrer = nil, ""
		}
		if c.FirstSeenAt == nil {
			c.FirstSeenAt = &now
		}
		c.LastSeenAt = &now
		if n := len(c.Pages); n > 0 && c.Pages[n-1].URL == req.URL {
			c.Pages[n-1].Title = req.Title
		} else {
			c.Pages = append(c.Pages, switchboard.PageView{URL: req.URL, Title: req.Title, At: now})
		}
		if n := len(c.Pages); n > switchboard.MaxPageViews {
			c.Pages = append([]switchboard.PageView(nil), c.Pages[n-switchboard.MaxPageViews:]...)
		}
		c.PageURL, c.PageTitle = req.URL, req.Title
		if c.Referrer == "" {
			c.Referrer = req.Referrer
		}
		c.Browser, c.OS, c.Device, c.UserAgent = agent.Browser, agent.OS, agent.Device, r.UserAgent()
		if req.Language != "" {
			c.Language = req.Language
		}
		c.Channel, c.ChannelType = channel, webchat.Type
		c.IP = ""
		if set.CollectIP && ip.IsValid() {
			c.IP = ip.String()
		}
		c.Location, c.Currency = place.Location, place.Currency
		c.TimeZone = req.TimeZone
		if c.TimeZone == "" {
			c.TimeZone = place.TimeZone
		}
		if c.Currency == "" && req.Language != "" {
			// No place: the region of the browser's language ("ja-JP").
			if tag, err := language.Parse(req.Language); err == nil {
				if region, conf := tag.Region(); conf == language.Exact {
					c.Currency = visitorinfo.CountryCurrency(region.String())
				}
			}
		}
		return c
	}
}

type widgetIdentifyRequest struct {
	Name       string            `json:"name"`
	Email      string            `json:"email"`
	Phone      string            `json:"phone"`
	ExternalID string            `json:"external_id"`
	Attributes map[string]string `json:"attributes"`
	Signature  string            `json:"signature"`
}

// widgetIdentify serves POST /widget/v1/identify: the host site says who
// the visitor is. On a channel with identity_secret the claim must carry
// the site's HMAC signature (401 otherwise, nothing stored); a verified
// e-mail or phone merges the visitor into the contact that already has
// it, so one person has one history.
func (s *Server) widgetIdentify(w http.ResponseWriter, r *http.Request) {
	wc, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var req widgetIdentifyRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	u, err := profileUpdate(req.Name, req.Email, req.Phone, req.ExternalID)
	if err == nil {
		err = checkAttributes(req.Attributes)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_identity", err.Error())
		return
	}
	if req.Name == "" && req.Email == "" && req.Phone == "" && req.ExternalID == "" && len(req.Attributes) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_identity", "nothing to identify: send name, email, phone, external_id or attributes")
		return
	}
	verified, err := wc.VerifyIdentity(req.ExternalID, req.Email, req.Signature)
	if errors.Is(err, webchat.ErrBadSignature) {
		writeError(w, http.StatusUnauthorized, "invalid_signature", err.Error())
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_identity", err.Error())
		return
	}
	ws, ok := s.channelWorkspace(w, channel)
	if !ok {
		return
	}
	ctx := r.Context()
	contact, err := s.visitorContact(ctx, ws, channel, visitor)
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	if verified {
		u.EmailVerified = ptrIf(req.Email != "")
		u.PhoneVerified = ptrIf(req.Phone != "")
	}
	u.MergeAttributes = req.Attributes
	depts := s.contactDepartments(ctx, ws, contact.ID)
	contact, err = s.hub.UpdateContact(ctx, ws, contact.ID, u, depts)
	if err != nil {
		s.writeStoreError(w, r, err, "contact")
		return
	}
	if verified {
		if contact, err = s.mergeVerified(ctx, contact); err != nil {
			s.writeStoreError(w, r, err, "contact")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"verified": verified, "contact": map[string]any{
		"name": contact.Name, "email": contact.Email, "phone": contact.Phone, "external_id": contact.ExternalRef}})
}

// ptrIf is a pointer to true when set, nil otherwise (a field left alone).
func ptrIf(set bool) *bool {
	if !set {
		return nil
	}
	t := true
	return &t
}

// visitorContact finds or creates the contact of a site-chat visitor
// (who may not have written yet).
func (s *Server) visitorContact(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID) (switchboard.Contact, error) {
	c, err := s.store.FindIdentityContact(ctx, channel, visitor)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return c, err
	}
	c, _, err = s.store.UpdateVisitorContext(ctx, ws, channel, visitor, switchboard.ContactID(switchboard.NewID("ct")),
		func(cc switchboard.CustomerContext) switchboard.CustomerContext { return cc },
		func(switchboard.Contact, *switchboard.Conversation) []store.OutboxEntry { return nil })
	return c, err
}

// mergeVerified merges contact into an older contact of the workspace
// with the same verified e-mail or phone (the same person on another
// channel or device) and returns the contact that remains.
func (s *Server) mergeVerified(ctx context.Context, contact switchboard.Contact) (switchboard.Contact, error) {
	email, phone := "", ""
	if contact.EmailVerified {
		email = contact.Email
	}
	if contact.PhoneVerified {
		phone = contact.Phone
	}
	if email == "" && phone == "" {
		return contact, nil
	}
	others, err := s.store.VerifiedContacts(ctx, contact.WorkspaceID, email, phone, contact.ID)
	if err != nil || len(others) == 0 {
		return contact, err
	}
	into := others[0]
	for _, o := range others[1:] {
		if o.CreatedAt.Before(into.CreatedAt) {
			into = o
		}
	}
	depts := append(s.contactDepartments(ctx, contact.WorkspaceID, into.ID), s.contactDepartments(ctx, contact.WorkspaceID, contact.ID)...)
	return s.hub.MergeContacts(ctx, contact.WorkspaceID, into.ID, contact.ID, depts)
}

// contactDepartments lists the departments of a contact's conversations
// (where its changes are announced); empty on error or none.
func (s *Server) contactDepartments(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID) []switchboard.DepartmentID {
	convs, err := s.store.ContactConversations(ctx, ws, id, 200)
	if err != nil {
		s.log.WarnContext(ctx, "contact departments not read", "contact", id, "err", err)
		return nil
	}
	return departmentsOf(convs)
}

type widgetReadRequest struct {
	MessageID switchboard.MessageID `json:"message_id"`
}

// widgetRead serves POST /widget/v1/read: the visitor saw the business's
// messages up to message_id (their delivery marks become read).
func (s *Server) widgetRead(w http.ResponseWriter, r *http.Request) {
	_, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var req widgetReadRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.MessageID == "" {
		writeError(w, http.StatusBadRequest, "invalid_message_id", "message_id: missing")
		return
	}
	conv, err := s.store.FindConversation(r.Context(), channel, visitor)
	if err == nil {
		_, err = s.hub.MarkRead(r.Context(), conv, req.MessageID)
	}
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "unknown_message", "message_id: no message "+string(req.MessageID)+" in your conversation")
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "messages")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
