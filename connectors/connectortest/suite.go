package connectortest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Env is what the suite built for one subtest: the deps handed to the
// connector and the doubles behind them.
type Env struct {
	Deps  connectors.Deps
	Sink  *Sink
	Media *MediaStore
	Conn  connectors.Connector
	logs  *lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Run runs the conformance suite against the connector the harness
// describes. See the package documentation for an example.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("connectortest: Harness.New is required")
	}
	h = h.withDefaults()

	t.Run("Contract", func(t *testing.T) { h.testContract(t) })
	t.Run("Registration", func(t *testing.T) {
		if h.Type == "" {
			t.Skip("Harness.Type not set: registration not checked")
		}
		h.testRegistration(t)
	})
	t.Run("Webhook", func(t *testing.T) { h.testWebhook(t) })
	t.Run("Outbound", func(t *testing.T) {
		if len(h.Outbound) == 0 {
			t.Skip("no Harness.Outbound cases")
		}
		for i, oc := range h.Outbound {
			t.Run(oc.Name, func(t *testing.T) { h.testOutbound(t, i, oc) })
		}
	})
	t.Run("Faults", func(t *testing.T) {
		if h.InjectFault == nil {
			t.Skip("no Harness.InjectFault: provider fault classification not checked")
		}
		for _, fc := range h.Faults {
			t.Run(fc.Name, func(t *testing.T) { h.testFault(t, fc) })
		}
	})
}

// NewEnv builds the deps for one test and the connector from them, as Run
// does for each of its subtests. Connector tests use it for their own
// checks beyond the suite.
func (h Harness) NewEnv(t *testing.T) *Env {
	t.Helper()
	h = h.withDefaults()
	if h.Reset != nil {
		h.Reset()
	}
	env := &Env{Sink: NewSink(), Media: NewMediaStore(), logs: &lockedBuffer{}}
	now := h.Now
	env.Deps = connectors.Deps{
		ChannelID:   h.ChannelID,
		WorkspaceID: "ws_conformance",
		Sink:        env.Sink,
		Media:       env.Media,
		PublicURL:   h.PublicURL,
		WebhookURL:  h.PublicURL + "/webhooks/" + string(h.ChannelID),
		HTTPClient:  &http.Client{Timeout: h.HTTPTimeout},
		Logger:      slog.New(slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:         func() time.Time { return now },
	}
	env.Conn = h.New(t, env.Deps)
	if env.Conn == nil {
		t.Fatal("Harness.New returned nil")
	}
	t.Cleanup(func() {
		logs := env.logs.String()
		for _, s := range h.Secrets {
			if s != "" && strings.Contains(logs, s) {
				t.Errorf("a secret appears in the connector's logs:\n%s", logs)
			}
		}
		if bad := env.Sink.Malformed(); len(bad) > 0 {
			t.Errorf("malformed events were handed to the Sink: %v", bad)
		}
	})
	return env
}

func (h Harness) testContract(t *testing.T) {
	env := h.NewEnv(t)
	if env.Conn.Type() == "" {
		t.Error("Type() is empty")
	}
	if h.Type != "" && env.Conn.Type() != h.Type {
		t.Errorf("Type() = %q, want %q", env.Conn.Type(), h.Type)
	}
	caps := env.Conn.Capabilities()
	if caps.MaxTextLength < 0 {
		t.Errorf("Capabilities().MaxTextLength = %d, want >= 0", caps.MaxTextLength)
	}
	for _, k := range caps.Media {
		switch k {
		case switchboard.PartImage, switchboard.PartFile, switchboard.PartAudio, switchboard.PartVideo:
		default:
			t.Errorf("Capabilities().Media lists %q, which is not a media kind", k)
		}
	}
}

func (h Harness) testRegistration(t *testing.T) {
	reg, ok := connectors.Lookup(h.Type)
	if !ok {
		t.Fatalf("type %q is not registered (registered: %v)", h.Type, connectors.Types())
	}
	if reg.Type != h.Type {
		t.Errorf("registration type = %q, want %q", reg.Type, h.Type)
	}
	env := h.NewEnv(t)
	const key = "connectortest_unknown_key"
	_, err := connectors.Build(h.Type, json.RawMessage(`{"`+key+`": 1}`), env.Deps)
	if err == nil {
		t.Errorf("config with unknown key %q accepted; configs must be decoded strictly", key)
	} else if !strings.Contains(err.Error(), key) {
		t.Errorf("config error %q does not name the unknown key %q", err, key)
	}
}

// serve hands req to the connector's webhook handler and returns the answer.
func serve(t *testing.T, c connectors.Connector, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	wr, ok := c.(connectors.WebhookReceiver)
	if !ok {
		t.Fatalf("%T is not a WebhookReceiver", c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rec := httptest.NewRecorder()
	wr.HandleWebhook(rec, req.WithContext(ctx))
	return rec
}

func (h Harness) firstStoring() (InboundCase, bool) {
	for _, ic := range h.Inbound {
		if len(ic.Want) > 0 {
			return ic, true
		}
	}
	return InboundCase{}, false
}

func (h Harness) testWebhook(t *testing.T) {
	if len(h.Inbound) == 0 {
		t.Skip("no Harness.Inbound cases")
	}
	probe := h.NewEnv(t)
	_, isReceiver := probe.Conn.(connectors.WebhookReceiver)
	var requestCases, deliverCases int
	for _, ic := range h.Inbound {
		switch {
		case ic.Request != nil && ic.Deliver != nil:
			t.Fatalf("inbound case %q sets both Request and Deliver", ic.Name)
		case ic.Request != nil:
			requestCases++
		case ic.Deliver != nil:
			deliverCases++
		default:
			t.Fatalf("inbound case %q sets neither Request nor Deliver", ic.Name)
		}
	}
	if requestCases > 0 && !isReceiver {
		t.Fatalf("inbound cases build webhook requests but %T is not a WebhookReceiver", probe.Conn)
	}

	t.Run("Signature", func(t *testing.T) {
		if requestCases == 0 {
			t.Skip("no webhook Request cases: signature checks do not apply")
		}
		if h.SignatureHeader == "" {
			t.Fatal("Harness.SignatureHeader is required for webhook Request cases")
		}
		for _, ic := range h.Inbound {
			if ic.Request == nil {
				continue
			}
			for _, tm := range tamperings(h.SignatureHeader) {
				t.Run(ic.Name+"/"+tm.name, func(t *testing.T) {
					if h.SharedSecret && tm.name == bodyChanged {
						t.Skip("the header is a shared secret, not a signature over the body")
					}
					env := h.NewEnv(t)
					req := ic.Request(t, env.Deps)
					if !tm.apply(t, req) {
						t.Skip("not applicable to this request")
					}
					rec := serve(t, env.Conn, req)
					if rec.Code != http.StatusUnauthorized {
						t.Errorf("status = %d, want 401", rec.Code)
					}
					if n := env.Sink.Calls(); n != 0 {
						t.Errorf("Sink.Accept called %d times for a rejected request", n)
					}
					if n := env.Media.Puts(); n != 0 {
						t.Errorf("MediaStore.Put called %d times for a rejected request", n)
					}
				})
			}
		}
	})

	t.Run("Normalise", func(t *testing.T) {
		for _, ic := range h.Inbound {
			t.Run(ic.Name, func(t *testing.T) {
				env := h.NewEnv(t)
				if err := h.deliver(t, env, ic, nil); err != nil {
					t.Fatal(err)
				}
				env.checkStored(t, ic.Want)
			})
		}
	})

	t.Run("RedeliveryStoredOnce", func(t *testing.T) {
		ic, ok := h.firstStoring()
		if !ok {
			t.Skip("no inbound case stores anything")
		}
		env := h.NewEnv(t)
		if err := h.deliver(t, env, ic, nil); err != nil {
			t.Fatal(err)
		}
		var again *http.Request
		if h.Redelivery != nil && ic.Request != nil {
			again = h.Redelivery(t, env.Deps)
		}
		if err := h.deliver(t, env, ic, again); err != nil {
			t.Fatalf("redelivery: %v", err)
		}
		env.checkStored(t, ic.Want)
	})

	t.Run("SinkFailureAsksForRedelivery", func(t *testing.T) {
		ic, ok := h.firstStoring()
		if !ok {
			t.Skip("no inbound case stores anything")
		}
		env := h.NewEnv(t)
		env.Sink.FailWith(errors.New("connectortest: store unavailable"))
		switch {
		case ic.Request != nil:
			rec := serve(t, env.Conn, ic.Request(t, env.Deps))
			if rec.Code < 500 {
				t.Errorf("status = %d while the Sink fails, want 5xx so the provider redelivers", rec.Code)
			}
		default:
			if err := ic.Deliver(t, env.Conn, env.Deps); err == nil {
				t.Error("Deliver returned nil while the Sink fails, want an error")
			}
		}
		if n := len(env.Sink.Stored()); n != 0 {
			t.Errorf("%d events stored while the Sink fails", n)
		}
		if env.Sink.Calls() == 0 {
			t.Error("Sink.Accept was never called")
		}
		env.Sink.FailWith(nil)
		if err := h.deliver(t, env, ic, nil); err != nil {
			t.Fatalf("redelivery after the Sink recovered: %v", err)
		}
		env.checkStored(t, ic.Want)
	})
}

// deliver sends the case (or override, a prepared request) and checks the
// connector accepted it.
func (h Harness) deliver(t *testing.T, env *Env, ic InboundCase, override *http.Request) error {
	t.Helper()
	if ic.Deliver != nil && override == nil {
		if err := ic.Deliver(t, env.Conn, env.Deps); err != nil {
			return fmt.Errorf("Deliver: %w", err)
		}
		return nil
	}
	req := override
	if req == nil {
		req = ic.Request(t, env.Deps)
	}
	rec := serve(t, env.Conn, req)
	if rec.Code < 200 || rec.Code > 299 {
		return fmt.Errorf("webhook answered %d, want 2xx; body: %s", rec.Code, rec.Body.String())
	}
	return nil
}

func (env *Env) checkStored(t *testing.T, want []switchboard.Inbound) {
	t.Helper()
	got := env.Sink.Stored()
	wantFilled := make([]switchboard.Inbound, len(want))
	for i, w := range want {
		if w.ChannelID == "" {
			w.ChannelID = env.Deps.ChannelID
		}
		wantFilled[i] = w
	}
	gotJSON, wantJSON := canonical(got), canonical(wantFilled)
	if gotJSON != wantJSON {
		t.Errorf("stored events differ\n got: %s\nwant: %s", gotJSON, wantJSON)
	}
	for _, in := range got {
		for _, p := range in.Parts {
			if p.Attachment == nil || p.Attachment.MediaID == "" {
				continue
			}
			if _, ok := env.Media.Get(p.Attachment.MediaID); !ok {
				t.Errorf("event %s names media %s, which is not in the MediaStore", in.ExternalID, p.Attachment.MediaID)
			}
		}
	}
}

// canonical renders events as indented JSON with times in UTC, so
// equivalent events compare equal regardless of location or nil-vs-empty.
func canonical(events []switchboard.Inbound) string {
	norm := make([]switchboard.Inbound, len(events))
	for i, in := range events {
		in.At = in.At.UTC()
		in.ReplyUntil = in.ReplyUntil.UTC()
		norm[i] = in
	}
	b, err := json.MarshalIndent(norm, "      ", "  ")
	if err != nil {
		return fmt.Sprintf("unmarshalable events: %v", err)
	}
	return string(b)
}

type tampering struct {
	name string
	// apply changes req and reports whether it applied.
	apply func(t *testing.T, req *http.Request) bool
}

// bodyChanged names the tampering that changes the body under a valid signature.
const bodyChanged = "body changed under signature"

func tamperings(header string) []tampering {
	return []tampering{
		{"missing signature", func(t *testing.T, req *http.Request) bool {
			req.Header.Del(header)
			return true
		}},
		{"garbage signature", func(t *testing.T, req *http.Request) bool {
			req.Header.Set(header, "not-a-signature")
			return true
		}},
		{"corrupted signature", func(t *testing.T, req *http.Request) bool {
			sig := req.Header.Get(header)
			if sig == "" {
				t.Fatalf("the inbound case's request carries no %s header", header)
			}
			b := []byte(sig)
			if b[0] == 'A' {
				b[0] = 'B'
			} else {
				b[0] = 'A'
			}
			req.Header.Set(header, string(b))
			return true
		}},
		{bodyChanged, func(t *testing.T, req *http.Request) bool {
			if req.Body == nil {
				return false
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			if len(body) == 0 {
				return false
			}
			body = append(body, '\n')
			req.Body = io.NopCloser(bytes.NewReader(body))
			req.ContentLength = int64(len(body))
			return true
		}},
	}
}

func (h Harness) testOutbound(t *testing.T, i int, oc OutboundCase) {
	env := h.NewEnv(t)
	msg := oc.Message
	if msg.ChannelID == "" {
		msg.ChannelID = env.Deps.ChannelID
	}
	if msg.MessageID == "" {
		msg.MessageID = switchboard.MessageID(fmt.Sprintf("msg_conformance_%d", i))
	}
	caps := env.Conn.Capabilities()
	for _, p := range msg.Parts {
		if !caps.Supports(p.Kind) {
			t.Errorf("outbound case sends a %s part but Capabilities() does not support it", p.Kind)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := env.Conn.Send(ctx, msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.Status != switchboard.StatusSent && res.Status != switchboard.StatusDelivered {
		t.Errorf("SendResult.Status = %q, want sent or delivered", res.Status)
	}
	if oc.Check != nil {
		oc.Check(t, res)
	}
}

func (h Harness) testFault(t *testing.T, fc FaultCase) {
	env := h.NewEnv(t)
	h.InjectFault(fc.Fault)
	msg := h.FaultMessage
	if msg.ChannelID == "" {
		msg.ChannelID = env.Deps.ChannelID
	}
	if msg.MessageID == "" {
		msg.MessageID = "msg_conformance_fault"
	}
	// The context outlives the client timeout so a hang is ended by the
	// connector's own client, as in production.
	ctx, cancel := context.WithTimeout(context.Background(), 20*h.HTTPTimeout+10*time.Second)
	defer cancel()
	_, err := env.Conn.Send(ctx, msg)
	if err == nil {
		t.Fatalf("Send succeeded although the provider answered %+v", fc.Fault)
	}
	for _, s := range h.Secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("Send's error reveals a secret: %v", err)
		}
	}
	var retryable *connectors.RetryableError
	switch fc.Want {
	case Permanent:
		if !connectors.IsPermanent(err) {
			t.Errorf("error %v (%T) is not permanent", err, err)
		}
	case Retryable:
		if connectors.IsPermanent(err) || !errors.As(err, &retryable) {
			t.Errorf("error %v (%T) is not retryable", err, err)
		}
	default:
		t.Fatalf("FaultCase %q has no Want class", fc.Name)
	}
	if fc.WantRetryAfter > 0 {
		got, ok := connectors.RetryAfter(err)
		if !ok || got != fc.WantRetryAfter {
			t.Errorf("RetryAfter(err) = %v, %v; want %v", got, ok, fc.WantRetryAfter)
		}
	}
}
