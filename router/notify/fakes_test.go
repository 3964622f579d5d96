package notify_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/crypto/hkdf"
)

// --- an in-process SMTP server ---------------------------------------------

// mailbox is an SMTP server on loopback that keeps what it receives; fail
// makes the next deliveries answer 451 (try again later).
type mailbox struct {
	Addr string

	mu   sync.Mutex
	got  []received
	fail int
	// arrived is signalled after each stored message.
	arrived chan struct{}
}

// received is one delivered e-mail.
type received struct {
	From, To         string
	Subject          string
	Text, HTML       string
	Header           mail.Header
	RawContentHeader string
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{arrived: make(chan struct{}, 64)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.Addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return mb
}

func (mb *mailbox) failNext(n int) {
	mb.mu.Lock()
	mb.fail = n
	mb.mu.Unlock()
}

func (mb *mailbox) messages() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.got...)
}

// waitFor waits until n messages arrived.
func (mb *mailbox) waitFor(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if got := mb.messages(); len(got) >= n {
			return got
		}
		select {
		case <-mb.arrived:
		case <-deadline:
			t.Fatalf("%d e-mails arrived, want %d", len(mb.messages()), n)
		}
	}
}

type mailSession struct {
	mb       *mailbox
	from, to string
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.fail > 0 {
		s.mb.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailbox busy, try later"}
	}
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	rec := received{From: s.from, To: s.to, Header: msg.Header, RawContentHeader: msg.Header.Get("Content-Type")}
	rec.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(rec.RawContentHeader)
	if err != nil {
		return err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		body, err := io.ReadAll(p) // the reader undoes quoted-printable
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			rec.Text = string(body)
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			rec.HTML = string(body)
		}
	}
	s.mb.mu.Lock()
	s.mb.got = append(s.mb.got, rec)
	s.mb.mu.Unlock()
	s.mb.arrived <- struct{}{}
	return nil
}

// --- an in-process Web Push service ------------------------------------------

// browser is a push subscription's private side: what a browser keeps.
type browser struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return &browser{key: key, auth: auth}
}

// subscription is what the browser hands the console (PushSubscription
// JSON) for endpoint.
func (b *browser) subscription(endpoint string) map[string]any {
	return map[string]any{"endpoint": endpoint, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(b.key.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(b.auth),
	}}
}

// pushed is one message the push service accepted, decrypted.
type pushed struct {
	Path    string
	Payload map[string]string
	TTL     string
}

// pushService is a push service on loopback (TLS) that checks what
// RFC 8030, 8291 and 8292 require of an application server: a VAPID JWT
// signed with the key it names, for this origin, not expired, with a
// subject; an aes128gcm body it decrypts with the subscription's keys.
type pushService struct {
	srv      *httptest.Server
	browsers map[string]*browser // by path
	// vapidKey, when set, is the public key every request must name.
	vapidKey string
	// status, when set, answers every request with it.
	status int

	mu  sync.Mutex
	got []pushed
	// errs are checks that failed (reported by the test).
	errs []string
	hit  chan struct{}
}

func newPushService(t *testing.T) *pushService {
	t.Helper()
	ps := &pushService{browsers: map[string]*browser{}, hit: make(chan struct{}, 64)}
	ps.srv = httptest.NewTLSServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// add makes a browser subscribed at path.
func (ps *pushService) add(t *testing.T, path string) (*browser, string) {
	b := newBrowser(t)
	ps.browsers[path] = b
	return b, ps.srv.URL + path
}

func (ps *pushService) fail(format string, args ...any) {
	ps.mu.Lock()
	ps.errs = append(ps.errs, fmt.Sprintf(format, args...))
	ps.mu.Unlock()
}

func (ps *pushService) serve(w http.ResponseWriter, r *http.Request) {
	defer func() { ps.hit <- struct{}{} }()
	if ps.status != 0 {
		w.WriteHeader(ps.status)
		return
	}
	b, ok := ps.browsers[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if err := ps.checkVAPID(r); err != nil {
		ps.fail("VAPID: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		ps.fail("Content-Encoding = %q, want aes128gcm", ce)
		http.Error(w, "bad encoding", http.StatusBadRequest)
		return
	}
	if r.Header.Get("TTL") == "" {
		ps.fail("no TTL header")
	}
	body, _ := io.ReadAll(r.Body)
	plain, err := decryptAES128GCM(b, body)
	if err != nil {
		ps.fail("decrypt: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var payload map[string]string
	if err := json.Unmarshal(plain, &payload); err != nil {
		ps.fail("payload %q: %v", plain, err)
	}
	ps.mu.Lock()
	ps.got = append(ps.got, pushed{Path: r.URL.Path, Payload: payload, TTL: r.Header.Get("TTL")})
	ps.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func (ps *pushService) received() ([]pushed, []string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]pushed(nil), ps.got...), append([]string(nil), ps.errs...)
}

// checkVAPID verifies "Authorization: vapid t=<JWT>, k=<public key>"
// (RFC 8292): an ES256 JWT whose signature the named key verifies, aud
// the origin of the endpoint, exp in the future (within 24h), sub set.
func (ps *pushService) checkVAPID(r *http.Request) error {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "vapid ")
	if !ok {
		return fmt.Errorf("Authorization %q is not vapid", auth)
	}
	var token, key string
	for _, f := range strings.Split(rest, ",") {
		f = strings.TrimSpace(f)
		switch {
		case strings.HasPrefix(f, "t="):
			token = f[2:]
		case strings.HasPrefix(f, "k="):
			key = f[2:]
		}
	}
	if token == "" || key == "" {
		return fmt.Errorf("Authorization %q lacks t or k", auth)
	}
	if ps.vapidKey != "" && key != ps.vapidKey {
		return fmt.Errorf("k = %s, not the hub's VAPID public key %s", key, ps.vapidKey)
	}
	rawKey, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return fmt.Errorf("k: %v", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), rawKey)
	if err != nil {
		return fmt.Errorf("k is not a P-256 point: %v", err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("JWT has not three parts")
	}
	var header struct{ Alg, Typ string }
	if err := decodeSegment(parts[0], &header); err != nil || header.Alg != "ES256" {
		return fmt.Errorf("JWT header %+v (%v), want alg ES256", header, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("JWT signature is not 64 bytes (%v)", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("JWT signature does not verify with k")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fmt.Errorf("JWT claims: %v", err)
	}
	if origin := "https://" + r.Host; claims.Aud != origin {
		return fmt.Errorf("aud = %q, want %q", claims.Aud, origin)
	}
	exp := time.Unix(claims.Exp, 0)
	if !exp.After(time.Now()) || exp.After(time.Now().Add(24*time.Hour)) {
		return fmt.Errorf("exp = %v, want within the next 24h", exp)
	}
	if !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https://") {
		return fmt.Errorf("sub = %q, want a mailto: or https: URL", claims.Sub)
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// decryptAES128GCM undoes RFC 8291's encryption of body for browser b:
// header salt(16) || rs(4) || idlen(1) || keyid (the application server's
// ephemeral public key), then one record.
func decryptAES128GCM(b *browser, body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen || idlen != 65 {
		return nil, fmt.Errorf("keyid of %d bytes, want 65", idlen)
	}
	asPublic, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, fmt.Errorf("keyid: %v", err)
	}
	record := body[21+idlen:]
	if uint32(len(record)) > rs {
		return nil, fmt.Errorf("record of %d bytes exceeds rs %d", len(record), rs)
	}
	secret, err := b.key.ECDH(asPublic)
	if err != nil {
		return nil, err
	}
	keyInfo := append(append([]byte("WebPush: info\x00"), b.key.PublicKey().Bytes()...), asPublic.Bytes()...)
	ikm := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, b.auth, keyInfo), ikm); err != nil {
		return nil, err
	}
	cek, nonce := make([]byte, 16), make([]byte, 12)
	if _, err := io.ReadFull(hkdf.New(sha256.New, ikm, salt, []byte("Content-Encoding: aes128gcm\x00")), cek); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(hkdf.New(sha256.New, ikm, salt, []byte("Content-Encoding: nonce\x00")), nonce); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, record, nil)
	if err != nil {
		return nil, fmt.Errorf("AES-GCM: %v", err)
	}
	// The last record ends with the delimiter 0x02, then zero padding.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:end], nil
}
