package device

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"
	"google.golang.org/protobuf/proto"
)

// waClient is every whatsmeow call the connector makes. *whatsmeow.Client
// (through realClient) implements it; tests replace it with a fake that
// records sends and lets them dispatch whatsmeow's own event types.
type waClient interface {
	// AddEventHandlerWithSuccessStatus registers the handler whose false
	// answer keeps whatsmeow from acknowledging the event (with
	// SynchronousAck set).
	AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32
	RemoveEventHandler(id uint32) bool
	// GetQRChannel must be called before Connect, for an unpaired device.
	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	ConnectContext(ctx context.Context) error
	Disconnect()
	// DeviceID is the linked device's JID, nil while unpaired.
	DeviceID() *types.JID
	PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error)
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
	BuildRevoke(chat, sender types.JID, id types.MessageID) *waE2E.Message
}

var nameDevice sync.Once

// realClient adapts *whatsmeow.Client to waClient.
type realClient struct{ *whatsmeow.Client }

func (r realClient) DeviceID() *types.JID { return r.Store.ID }

// newWhatsmeowClient builds the production client for a device: acks only
// after the handlers returned true (SynchronousAck), decrypted events kept
// until handled so a redelivery decrypts again (EnableDecryptedEventBuffer),
// and reconnects left to the connector (it holds the lease and reports the
// state), except the reconnect whatsmeow itself does right after pairing.
func newWhatsmeowClient(dev *store.Device, log waLog.Logger) waClient {
	// The name the phone lists the linked device under ("whatsmeow" by
	// default); whatsmeow keeps it process-wide.
	nameDevice.Do(func() { store.DeviceProps.Os = proto.String("Switchboard") })
	cli := whatsmeow.NewClient(dev, log)
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	cli.EnableAutoReconnect = false
	cli.AutomaticMessageRerequestFromPhone = true
	return realClient{cli}
}

// slogLogger is whatsmeow's logger on slog. Debug output is dropped: it
// holds raw protocol nodes (pairing material and key exchanges among them),
// and the device store's keys must never reach the logs.
type slogLogger struct {
	log *slog.Logger
}

func newWALogger(log *slog.Logger) waLog.Logger { return slogLogger{log: log} }

func (l slogLogger) Errorf(msg string, args ...any) { l.log.Error(fmt.Sprintf(msg, args...)) }
func (l slogLogger) Warnf(msg string, args ...any)  { l.log.Warn(fmt.Sprintf(msg, args...)) }
func (l slogLogger) Infof(msg string, args ...any)  { l.log.Info(fmt.Sprintf(msg, args...)) }
func (l slogLogger) Debugf(string, ...any)          {}
func (l slogLogger) Sub(module string) waLog.Logger {
	return slogLogger{log: l.log.With("whatsmeow", module)}
}
