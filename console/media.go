package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Media: POST /api/v1/media uploads, GET /api/v1/media/{id} serves. Uploads
// are content-addressed (the id is the SHA-256 of the workspace and the
// bytes, so the same file uploaded twice is stored once) and kept in the
// store, so every instance of a cluster serves them.

// DefaultUploadTypes are the content types accepted when the config names
// none.
var DefaultUploadTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "audio/*", "video/mp4"}

// mediaID is the content address of body in workspace ws.
func mediaID(ws switchboard.WorkspaceID, body []byte) string {
	h := sha256.New()
	h.Write([]byte(ws))
	h.Write([]byte{0})
	h.Write(body)
	return "med_" + hex.EncodeToString(h.Sum(nil))
}

// sniffType is the content type of body judged from its bytes alone (the
// client's claim is never trusted); SVG, which sniffs as XML or text, is
// recognised so that it is never served as an image.
func sniffType(body []byte, filename string) string {
	ct := http.DetectContentType(body)
	mt, _, _ := mime.ParseMediaType(ct)
	head := strings.ToLower(string(body[:min(len(body), 1024)]))
	if (mt == "text/xml" || mt == "text/plain" || mt == "text/html") && strings.Contains(head, "<svg") {
		return "image/svg+xml"
	}
	if mt == "application/octet-stream" || mt == "text/plain" {
		// Formats the sniffer does not know (m4a, some video) by name, but
		// only for non-text families.
		if byExt := mime.TypeByExtension(strings.ToLower(path.Ext(filename))); byExt != "" {
			em, _, _ := mime.ParseMediaType(byExt)
			if strings.HasPrefix(em, "audio/") || strings.HasPrefix(em, "video/") {
				return em
			}
		}
	}
	return mt
}

func typeAllowed(ct string, allowed []string) bool {
	for _, a := range allowed {
		if a == ct || (strings.HasSuffix(a, "/*") && strings.HasPrefix(ct, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}

type mediaView struct {
	ID          string `json:"id"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Filename    string `json:"filename,omitempty"`
}

func (s *Server) mediaURL(id string) string {
	return strings.TrimSuffix(s.cfg.PublicURL, "/") + "/api/v1/media/" + id
}

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	body, filename, ct, ok := s.readUpload(w, r)
	if !ok {
		return
	}
	m := store.Media{ID: mediaID(p.WorkspaceID, body), WorkspaceID: p.WorkspaceID, ContentType: ct, Body: body,
		UploaderID: p.OperatorID, Filename: filename, CreatedAt: s.now()}
	if err := s.store.PutMedia(r.Context(), m); err != nil {
		s.writeStoreError(w, r, err, "media")
		return
	}
	writeJSON(w, http.StatusCreated, mediaView{ID: m.ID, URL: s.mediaURL(m.ID), ContentType: ct, Size: int64(len(body)), Filename: filename})
}

// readUpload reads the one file of a multipart upload (field "file") and
// checks its size and sniffed type against the limits; on bad input it
// writes the error answer itself and reports false.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (body []byte, filename, contentType string, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_body", "body must be multipart/form-data with a file field")
		return nil, "", "", false
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.uploadReadError(w, err)
			return nil, "", "", false
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		if body != nil {
			writeError(w, http.StatusBadRequest, "invalid_file", "file: send one file per request")
			return nil, "", "", false
		}
		filename = path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
		body, err = io.ReadAll(io.LimitReader(part, s.cfg.MaxUploadBytes+1))
		if err != nil {
			s.uploadReadError(w, err)
			return nil, "", "", false
		}
		if int64(len(body)) > s.cfg.MaxUploadBytes {
			writeError(w, http.StatusRequestEntityTooLarge, "file_too_large", fmt.Sprintf("file: over the limit of %d bytes", s.cfg.MaxUploadBytes))
			return nil, "", "", false
		}
	}
	if body == nil {
		writeError(w, http.StatusBadRequest, "invalid_file", "file: missing (multipart field \"file\")")
		return nil, "", "", false
	}
	if len(body) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_file", "file: empty")
		return nil, "", "", false
	}
	ct := sniffType(body, filename)
	if !typeAllowed(ct, s.cfg.UploadTypes) {
		writeError(w, http.StatusUnsupportedMediaType, "file_type_not_allowed", fmt.Sprintf("file: %s is not an allowed type (allowed: %s)", ct, strings.Join(s.cfg.UploadTypes, ", ")))
		return nil, "", "", false
	}
	if filename == "." || filename == "/" {
		filename = ""
	}
	return body, filename, ct, true
}

func (s *Server) uploadReadError(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, "file_too_large", fmt.Sprintf("file: over the limit of %d bytes", s.cfg.MaxUploadBytes))
		return
	}
	writeError(w, http.StatusBadRequest, "invalid_body", "could not read the upload: "+err.Error())
}

// mayFetchMedia reports whether the caller may fetch m: it must be of the
// caller's workspace and either referenced by a conversation the caller
// may see, or (not sent yet) uploaded by the caller. Admins and
// supervisors see every department, so workspace is enough for them.
func (s *Server) mayFetchMedia(ctx context.Context, p principal, m store.Media) (bool, error) {
	if m.WorkspaceID != p.WorkspaceID {
		return false, nil
	}
	if p.Role.SeesAllDepartments() {
		return true, nil
	}
	if m.UploaderID != "" && m.UploaderID == p.OperatorID {
		return true, nil
	}
	// An image of a template the caller may use (shared, or their own):
	// they see it in the template's preview and may send it.
	tpls, err := s.store.ListTemplates(ctx, p.WorkspaceID, p.OperatorID)
	if err != nil {
		return false, err
	}
	for _, t := range tpls {
		if slices.Contains(store.MediaIDs(t.Parts), m.ID) {
			return true, nil
		}
	}
	convs, err := s.store.MediaConversations(ctx, p.WorkspaceID, m.ID)
	if err != nil {
		return false, err
	}
	for _, id := range convs {
		conv, err := s.store.GetConversation(ctx, p.WorkspaceID, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if p.canSee(conv.DepartmentID) {
			return true, nil
		}
	}
	return false, nil
}

// inlineSafe reports whether a type may be shown inline: images other
// than SVG, audio, video, PDF and plain text; anything else (HTML, SVG,
// XML, unknown) is a download.
func inlineSafe(ct string) bool {
	switch {
	case ct == "image/svg+xml":
		return false
	case strings.HasPrefix(ct, "image/"), strings.HasPrefix(ct, "audio/"), strings.HasPrefix(ct, "video/"):
		return true
	case ct == "application/pdf", ct == "text/plain":
		return true
	}
	return false
}

func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	m, err := s.store.GetMedia(r.Context(), r.PathValue("id"))
	if err == nil {
		var ok bool
		if ok, err = s.mayFetchMedia(r.Context(), p, m); err == nil && !ok {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		s.writeStoreError(w, r, err, "media")
		return
	}
	serveMedia(w, m)
}

// publicMedia serves GET /media/{id}?sig=...: media an operator sent,
// fetched by the provider or the site-chat visitor without a session. The
// signature (router.MediaSignature) is the only check; a wrong one is 404.
func (s *Server) publicMedia(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.router.ValidMediaSignature(id, r.URL.Query().Get("sig")) {
		writeError(w, http.StatusNotFound, "not_found", "media not found")
		return
	}
	m, err := s.store.GetMedia(r.Context(), id)
	if err != nil {
		s.writeStoreError(w, r, err, "media")
		return
	}
	serveMedia(w, m)
}

// serveMedia writes media bytes with headers that keep them from running:
// the type re-checked against the bytes, HTML/SVG/unknown as attachment,
// nosniff and a sandboxing CSP.
func serveMedia(w http.ResponseWriter, m store.Media) {
	// The stored type is re-checked against the bytes: a provider's claim
	// of image/png on an HTML body is served as what it is.
	ct := m.ContentType
	if sniffed := sniffType(m.Body, m.Filename); ct == "" || (strings.HasPrefix(ct, "image/") && !strings.HasPrefix(sniffed, "image/")) ||
		sniffed == "text/html" || sniffed == "image/svg+xml" {
		ct = sniffed
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	} else {
		ct = "application/octet-stream"
	}
	disposition := "inline"
	if !inlineSafe(ct) {
		disposition = "attachment"
	}
	name := m.Filename
	if name == "" {
		name = m.ID
		if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
			name += exts[0]
		}
	}
	h := w.Header()
	if ct == "text/plain" {
		ct = "text/plain; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(m.Body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=86400")
	_, _ = w.Write(m.Body)
}

// checkPartMedia makes sure every attachment that names a media id names
// one the caller may fetch, and fills its URL, type, size and name.
func (s *Server) checkPartMedia(ctx context.Context, p principal, parts []switchboard.Part) (string, error) {
	for i := range parts {
		a := parts[i].Attachment
		if a == nil || a.MediaID == "" {
			continue
		}
		field := fmt.Sprintf("parts[%d].attachment.media_id", i)
		m, err := s.store.GetMedia(ctx, a.MediaID)
		if errors.Is(err, store.ErrNotFound) {
			return field + ": no such media", nil
		}
		if err != nil {
			return "", err
		}
		ok, err := s.mayFetchMedia(ctx, p, m)
		if err != nil {
			return "", err
		}
		if !ok {
			return field + ": no such media", nil
		}
		a.ContentType, a.Size = m.ContentType, int64(len(m.Body))
		if a.Filename == "" {
			a.Filename = m.Filename
		}
		if a.URL == "" {
			a.URL = s.mediaURL(m.ID)
			if sig := s.router.MediaSignature(m.ID); sig != "" {
				// Providers and visitors fetch it without a session.
				a.URL = strings.TrimSuffix(s.cfg.PublicURL, "/") + "/media/" + m.ID + "?sig=" + sig
			}
		}
	}
	return "", nil
}
