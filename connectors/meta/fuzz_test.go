package meta

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzParseError: any answer body gives an *Error that classifies without
// panicking, and a body in Graph's shape keeps its code.
func FuzzParseError(f *testing.F) {
	f.Add(400, []byte(`{"error":{"message":"Re-engagement message","type":"OAuthException","code":131047,"error_data":{"details":"x"},"fbtrace_id":"A"}}`))
	f.Add(401, []byte(`{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"error_subcode":460}}`))
	f.Add(500, []byte(`<html>oops</html>`))
	f.Add(429, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := ParseError(status, http.Header{"Retry-After": {"3"}}, body, time.Unix(0, 0))
		if e == nil || e.Status != status {
			t.Fatalf("ParseError = %+v", e)
		}
		_ = e.Error()
		if Classify("fuzz", e) == nil {
			t.Fatal("Classify of an error returned nil")
		}
	})
}

// FuzzValidSignature: no header or body makes the check panic, and only
// the right signature passes.
func FuzzValidSignature(f *testing.F) {
	f.Add("sha256=00", []byte("{}"))
	f.Add(Sign("k", []byte("{}")), []byte("{}"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if ValidSignature("k", header, body) && !strings.EqualFold(header, Sign("k", body)) {
			t.Fatalf("%q passed for a body it does not sign", header)
		}
	})
}
