package fake

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// mediaPath is where the fake serves media content (a lookaside-like URL
// outside the versioned API, behind the token like WhatsApp's).
const mediaPath = "/whatsapp_business/attachments/"

func (s *Server) mediaInfo(w http.ResponseWriter, id string) int {
	s.mu.Lock()
	m, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		return s.unknownObject(w, "get", id)
	}
	return s.writeJSON(w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"url":               s.URL + mediaPath + "?mid=" + id + "&ext=" + strconv.FormatInt(time.Now().Unix(), 10) + "&hash=" + randomHex(8),
		"mime_type":         m.ContentType, "sha256": randomHex(32), "file_size": len(m.Body), "id": id,
	})
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) int {
	s.mu.Lock()
	m, ok := s.media[r.URL.Query().Get("mid")]
	fault := s.downloadFault
	s.mu.Unlock()
	if fault != 0 {
		w.WriteHeader(fault)
		return fault
	}
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return http.StatusNotFound
	}
	w.Header().Set("Content-Type", m.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(m.Body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(m.Body)
	return http.StatusOK
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) int {
	s.mu.Lock()
	all := append([]Template(nil), s.templates...)
	s.mu.Unlock()
	start := 0
	if after := r.URL.Query().Get("after"); after != "" {
		b, err := base64.RawURLEncoding.DecodeString(after)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(all) {
			return s.fail(w, http.StatusBadRequest, 100, "invalid after cursor")
		}
		start = n
	}
	size := s.TemplatePageSize
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < size {
		size = l
	}
	end := min(start+size, len(all))
	data := make([]map[string]any, 0, end-start)
	for i, t := range all[start:end] {
		var comps []map[string]any
		if t.Header != "" {
			comps = append(comps, map[string]any{"type": "HEADER", "format": "TEXT", "text": t.Header})
		}
		comps = append(comps, map[string]any{"type": "BODY", "text": t.Body})
		if t.Footer != "" {
			comps = append(comps, map[string]any{"type": "FOOTER", "text": t.Footer})
		}
		if len(t.Buttons) > 0 {
			var bs []map[string]string
			for _, b := range t.Buttons {
				bs = append(bs, map[string]string{"type": "QUICK_REPLY", "text": b})
			}
			comps = append(comps, map[string]any{"type": "BUTTONS", "buttons": bs})
		}
		data = append(data, map[string]any{"name": t.Name, "language": t.Language, "status": t.Status,
			"category": t.Category, "components": comps, "id": strconv.Itoa(1000 + start + i)})
	}
	paging := map[string]any{"cursors": map[string]string{
		"before": base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start))),
		"after":  base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))),
	}}
	if end < len(all) {
		paging["next"] = s.URL + r.URL.Path + "?limit=" + strconv.Itoa(size) + "&after=" + base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return s.writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": paging})
}
