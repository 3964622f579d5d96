package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// apiError is the one error shape of every endpoint.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code = code
	e.Error.Message = msg
	writeJSON(w, status, e)
}

// writeStoreError answers an error from the store or the hub with the
// status it deserves.
func (s *Server) writeStoreError(w http.ResponseWriter, r *http.Request, err error, what string) {
	status, code, msg := s.errorAnswer(r.Context(), err, what)
	writeError(w, status, code, msg)
}

// errorAnswer maps an error of the store or the hub to status, code and
// message; unexpected errors are logged and answered without details.
func (s *Server) errorAnswer(ctx context.Context, err error, what string) (int, string, string) {
	var verr *router.ValidationError
	var conflict *router.ConflictError
	switch {
	case errors.As(err, &conflict):
		return http.StatusConflict, conflict.Code, conflict.Message
	case errors.Is(err, router.ErrProvider):
		return http.StatusBadGateway, "provider_error", err.Error()
	case errors.As(err, &verr) && errors.Is(err, connectors.ErrWindowClosed):
		return http.StatusUnprocessableEntity, "window_closed", verr.Message
	case errors.Is(err, router.ErrNoTemplates):
		return http.StatusConflict, "no_templates", "the channel's provider has no message templates"
	case errors.As(err, &verr):
		status := http.StatusBadRequest
		if errors.Is(err, router.ErrTooLong) {
			status = http.StatusUnprocessableEntity
		}
		return status, "invalid_" + strings.ReplaceAll(strings.SplitN(verr.Field, "[", 2)[0], ".", "_"), verr.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not_found", what + " not found"
	case errors.Is(err, store.ErrBadCursor):
		return http.StatusBadRequest, "invalid_cursor", "cursor: malformed"
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, "conflict", what + " already exists"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "timeout", "the request was cancelled or timed out"
	default:
		s.log.ErrorContext(ctx, "request failed", "err", err, "request_id", RequestID(ctx))
		return http.StatusInternalServerError, "internal", "internal error"
	}
}

// decodeJSON reads a JSON body strictly: the content type must be JSON, the
// body at most MaxBodyBytes, unknown fields and trailing data are errors.
// It writes the error answer itself and returns false on failure.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, into any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "body must be application/json, not "+ct)
			return false
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("body is over the limit of %d bytes", s.cfg.MaxBodyBytes))
		} else {
			writeError(w, http.StatusBadRequest, "invalid_body", "could not read the body: "+err.Error())
		}
		return false
	}
	if !utf8.Valid(raw) {
		writeError(w, http.StatusBadRequest, "invalid_encoding", "body is not valid UTF-8")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, "invalid_json", "body is empty; expected a JSON object")
		case errors.As(err, &syn):
			writeError(w, http.StatusBadRequest, "invalid_json", fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, err))
		case errors.As(err, &typ):
			writeError(w, http.StatusBadRequest, "invalid_json", fmt.Sprintf("field %q must be %s", typ.Field, typ.Type))
		default:
			writeError(w, http.StatusBadRequest, "invalid_json", "malformed JSON: "+err.Error())
		}
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "invalid_json", "trailing data after the JSON object")
		return false
	}
	return true
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController and websocket reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

type ctxKey int

const requestIDKey ctxKey = 1

// withMiddleware adds a request id (X-Request-Id, honoured when the client
// sent a sane one), recovery from panics and one JSON log line per request.
func (s *Server) withMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if rid == "" || len(rid) > 64 {
			rid = switchboard.NewID("req")
		}
		w.Header().Set("X-Request-Id", rid)
		rec := &statusRecorder{ResponseWriter: w}
		r = r.WithContext(contextWithRequestID(r.Context(), rid))
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic serving request", "request_id", rid, "panic", p, "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeError(rec, http.StatusInternalServerError, "internal", "internal error")
				}
			}
			level := slog.LevelInfo
			if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
				level = slog.LevelDebug
			}
			s.log.Log(r.Context(), level, "http", "request_id", rid, "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000)
		}()
		next.ServeHTTP(rec, r)
	})
}
