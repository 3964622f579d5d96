package device

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

// fakeClient stands in for *whatsmeow.Client: it records every call and
// lets tests dispatch whatsmeow's own event types to the handlers, with
// whatsmeow's ack rule (a handler answering false means no ack).
type fakeClient struct {
	mu       sync.Mutex
	dev      deviceHandle
	handlers map[uint32]whatsmeow.EventHandlerWithSuccessStatus
	nextID   uint32
	qr       chan whatsmeow.QRChannelItem
	online   chan struct{}

	connectErr  error
	sendErrs    []error
	downloads   map[string][]byte
	downloadErr error
	pairCode    string

	sent        []sentMessage
	uploads     []upload
	reads       []readReceipt
	presences   []types.ChatPresence
	pairPhones  []string
	connects    int
	disconnects int
}

type sentMessage struct {
	To      types.JID
	Message *waE2E.Message
	ID      types.MessageID
}

type upload struct {
	Body []byte
	Type whatsmeow.MediaType
}

type readReceipt struct {
	IDs  []types.MessageID
	Chat types.JID
}

func newFakeClient(dev deviceHandle) *fakeClient {
	return &fakeClient{dev: dev, handlers: map[uint32]whatsmeow.EventHandlerWithSuccessStatus{}, online: make(chan struct{}), downloads: map[string][]byte{}}
}

func (f *fakeClient) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.handlers[f.nextID] = h
	return f.nextID
}

func (f *fakeClient) RemoveEventHandler(id uint32) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.handlers[id]
	delete(f.handlers, id)
	return ok
}

func (f *fakeClient) GetQRChannel(context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dev.ID != nil {
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	f.qr = make(chan whatsmeow.QRChannelItem, 8)
	return f.qr, nil
}

func (f *fakeClient) ConnectContext(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connects++
	if f.connectErr != nil {
		return f.connectErr
	}
	close(f.online)
	return nil
}

func (f *fakeClient) Disconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disconnects++
}

func (f *fakeClient) DeviceID() *types.JID {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dev.ID
}

func (f *fakeClient) PairPhone(_ context.Context, phone string, _ bool, _ whatsmeow.PairClientType, display string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if display == "" {
		return "", errors.New("fake: no display name")
	}
	f.pairPhones = append(f.pairPhones, phone)
	return f.pairCode, nil
}

func (f *fakeClient) SendMessage(_ context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sendErrs) > 0 {
		err := f.sendErrs[0]
		f.sendErrs = f.sendErrs[1:]
		if err != nil {
			return whatsmeow.SendResponse{}, err
		}
	}
	if to.Device != 0 || (to.Server != types.DefaultUserServer && to.Server != types.HiddenUserServer) {
		return whatsmeow.SendResponse{}, whatsmeow.ErrRecipientADJID
	}
	id := types.MessageID(fmt.Sprintf("3EB0FAKE%d", len(f.sent)))
	if len(extra) == 1 && extra[0].ID != "" {
		id = extra[0].ID
	}
	f.sent = append(f.sent, sentMessage{To: to, Message: m, ID: id})
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Unix(1700000000, 0)}, nil
}

func (f *fakeClient) Upload(_ context.Context, body []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads = append(f.uploads, upload{Body: body, Type: mt})
	n := len(f.uploads)
	return whatsmeow.UploadResponse{URL: fmt.Sprintf("https://mmg.whatsapp.net/u%d", n), DirectPath: fmt.Sprintf("/v/u%d", n),
		MediaKey: []byte("key"), FileSHA256: []byte("sha"), FileEncSHA256: []byte("encsha"), FileLength: uint64(len(body))}, nil
}

func (f *fakeClient) Download(_ context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.downloadErr != nil {
		return nil, f.downloadErr
	}
	body, ok := f.downloads[msg.GetDirectPath()]
	if !ok {
		return nil, whatsmeow.ErrMediaDownloadFailedWith404
	}
	return body, nil
}

func (f *fakeClient) MarkRead(_ context.Context, ids []types.MessageID, _ time.Time, chat, _ types.JID, _ ...types.ReceiptType) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, readReceipt{IDs: ids, Chat: chat})
	return nil
}

func (f *fakeClient) SendChatPresence(_ context.Context, _ types.JID, state types.ChatPresence, _ types.ChatPresenceMedia) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presences = append(f.presences, state)
	return nil
}

func (f *fakeClient) BuildRevoke(chat, sender types.JID, id types.MessageID) *waE2E.Message {
	return (&whatsmeow.Client{}).BuildRevoke(chat, sender, id)
}

// dispatch hands evt to the handlers as whatsmeow does and reports whether
// whatsmeow would acknowledge it (every handler answered true).
func (f *fakeClient) dispatch(evt any) bool {
	f.mu.Lock()
	hs := make([]whatsmeow.EventHandlerWithSuccessStatus, 0, len(f.handlers))
	for _, h := range f.handlers {
		hs = append(hs, h)
	}
	f.mu.Unlock()
	acked := true
	for _, h := range hs {
		if !h(evt) {
			acked = false
		}
	}
	return acked
}

// pair does what whatsmeow does on a successful pairing: the device gets
// its JID and is saved in the real device store.
func (f *fakeClient) pair(t *testing.T, jid types.JID) {
	t.Helper()
	f.mu.Lock()
	markPaired(f.dev.Device, jid)
	dev := f.dev.Device
	f.mu.Unlock()
	if err := dev.Save(context.Background()); err != nil {
		t.Fatalf("save paired device: %v", err)
	}
}

func (f *fakeClient) sentMessages() []sentMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMessage(nil), f.sent...)
}

func (f *fakeClient) count(what *int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *what
}

// markPaired gives a device what pairing gives it: its JID and the
// account identity signed by the phone (here: placeholder bytes).
func markPaired(dev *store.Device, jid types.JID) {
	dev.ID = &jid
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte("details"), AccountSignatureKey: make([]byte, 32),
		AccountSignature: make([]byte, 64), DeviceSignature: make([]byte, 64)}
	dev.Platform = "android"
}

// statusRecorder is a connectors.StatusReporter keeping every report.
type statusRecorder struct {
	mu      sync.Mutex
	reports []switchboard.ChannelStatus
}

func (s *statusRecorder) ReportStatus(_ context.Context, st switchboard.ChannelStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports = append(s.reports, st)
}

func (s *statusRecorder) all() []switchboard.ChannelStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]switchboard.ChannelStatus(nil), s.reports...)
}

func (s *statusRecorder) last() switchboard.ChannelStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reports) == 0 {
		return switchboard.ChannelStatus{}
	}
	return s.reports[len(s.reports)-1]
}

// fakeLeases is a connectors.Leaser shared by the "instances" of a test.
type fakeLeases struct {
	mu       sync.Mutex
	holders  map[string]string
	tries    map[string]int
	released []string
}

func newFakeLeases() *fakeLeases {
	return &fakeLeases{holders: map[string]string{}, tries: map[string]int{}}
}

func (l *fakeLeases) TryLease(_ context.Context, name, holder string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tries[holder]++
	if ttl <= 0 {
		return false, errors.New("fake: ttl must be positive")
	}
	if h, ok := l.holders[name]; ok && h != holder {
		return false, nil
	}
	l.holders[name] = holder
	return true, nil
}

func (l *fakeLeases) ReleaseLease(_ context.Context, name, holder string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holders[name] == holder {
		delete(l.holders, name)
		l.released = append(l.released, name)
	}
	return nil
}

func (l *fakeLeases) holder(name string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holders[name]
}

func (l *fakeLeases) triesOf(holder string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tries[holder]
}

// testSink is a connectors.Sink recording what it stored, deduplicated as
// the hub does; FailWith makes it fail like a rolled-back transaction.
// Echoes are checked as messages (connectortest.ValidateInbound predates
// them).
type testSink struct {
	mu     sync.Mutex
	stored []switchboard.Inbound
	seen   map[string]bool
	fail   error
	calls  int
}

func (s *testSink) Accept(_ context.Context, events []switchboard.Inbound) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	for _, in := range events {
		if err := validInbound(in); err != nil {
			return fmt.Errorf("malformed event: %w", err)
		}
	}
	if s.fail != nil {
		return s.fail
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, in := range events {
		if k := connectortest.StoreKey(in); !s.seen[k] {
			s.seen[k] = true
			s.stored = append(s.stored, in)
		}
	}
	return nil
}

func (s *testSink) FailWith(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

func (s *testSink) Stored() []switchboard.Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]switchboard.Inbound(nil), s.stored...)
}

// validInbound is connectortest.ValidateInbound, with echoes checked as
// the messages they are stored like.
func validInbound(in switchboard.Inbound) error {
	if in.Kind == switchboard.InboundEcho {
		if in.Via == "" {
			return errors.New("echo without via")
		}
		in.Kind = switchboard.InboundMessage
	}
	return connectortest.ValidateInbound(in)
}

// testDB opens a fresh SQLite database like the hub's.
func testDB(t *testing.T) *connectors.Database {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "hub.db")+"?_foreign_keys=on&_busy_timeout=5000&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &connectors.Database{DB: db, Dialect: "sqlite3"}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
