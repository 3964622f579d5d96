package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// VAPIDPublicKey returns the install's VAPID public key (base64url), the
// applicationServerKey browsers subscribe with. The key pair is made on
// first use and stored, so every instance signs with the same one.
func (n *Notifier) VAPIDPublicKey(ctx context.Context) (string, error) {
	k, err := n.vapidKeys(ctx)
	return k.PublicKey, err
}

func (n *Notifier) vapidKeys(ctx context.Context) (store.VAPIDKeys, error) {
	n.vapidMu.Lock()
	defer n.vapidMu.Unlock()
	if n.vapid.PublicKey != "" {
		return n.vapid, nil
	}
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return store.VAPIDKeys{}, fmt.Errorf("generate vapid keys: %w", err)
	}
	if n.cfg.Secrets != nil {
		if private, err = n.cfg.Secrets.SealString(vapidSecretKey, private); err != nil {
			return store.VAPIDKeys{}, fmt.Errorf("seal vapid key: %w", err)
		}
	}
	k, err := n.store.VAPIDKeys(ctx, store.VAPIDKeys{PublicKey: public, PrivateKey: private})
	if err != nil {
		return store.VAPIDKeys{}, fmt.Errorf("vapid keys: %w", err)
	}
	if n.cfg.Secrets != nil {
		// A key stored plain (before a secret key was set) opens as is.
		if k.PrivateKey, err = n.cfg.Secrets.OpenString(vapidSecretKey, k.PrivateKey); err != nil {
			return store.VAPIDKeys{}, fmt.Errorf("open vapid key: %w", err)
		}
	}
	n.vapid = k
	return k, nil
}

// vapidSecretKey names the VAPID private key to the sealer.
const vapidSecretKey = "vapid_private_key"

// pushPayload is what the console's service worker receives.
type pushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Tag   string `json:"tag"`
}

// pushTTL is how long a push service keeps a message for a browser that
// is offline (seconds).
const pushTTL = 24 * 60 * 60

// sendPush sends a row to every browser the recipient subscribed. It
// succeeds when one took it; subscriptions the push service says are gone
// (404, 410) are deleted.
func (n *Notifier) sendPush(ctx context.Context, row store.Notification) error {
	keys, err := n.vapidKeys(ctx)
	if err != nil {
		return err
	}
	subs, err := n.store.ListPushSubscriptions(ctx, row.WorkspaceID, row.RecipientID)
	if err != nil {
		return err
	}
	if len(subs) == 0 {
		return connectors.Permanent("no push subscription", nil)
	}
	payload, err := json.Marshal(pushPayload{Title: row.Subject, Body: row.Body, URL: row.URL, Tag: pushTag(row.ConversationID)})
	if err != nil {
		return err
	}
	var errs []error
	sent := 0
	for _, sub := range subs {
		err := n.pushOne(ctx, keys, sub, payload)
		if err == nil {
			sent++
			continue
		}
		if errors.Is(err, errGone) {
			if derr := n.store.DeletePushSubscription(ctx, sub.WorkspaceID, sub.OperatorID, sub.Endpoint); derr != nil && !errors.Is(derr, store.ErrNotFound) {
				n.log.Warn("deleting an expired push subscription failed", "operator", sub.OperatorID, "err", derr)
			}
			err = connectors.Permanent("subscription expired", err)
		}
		errs = append(errs, err)
	}
	if sent > 0 {
		return nil
	}
	err = errors.Join(errs...)
	for _, e := range errs {
		if !connectors.IsPermanent(e) {
			return err // something may work later
		}
	}
	return connectors.Permanent("push", err)
}

// errGone is a subscription the push service no longer knows.
var errGone = errors.New("push subscription gone")

// pushOne posts an encrypted message (RFC 8291, aes128gcm) with a VAPID
// JWT (RFC 8292) to one subscription's endpoint.
func (n *Notifier) pushOne(ctx context.Context, keys store.VAPIDKeys, sub store.PushSubscription, payload []byte) error {
	resp, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{
		Endpoint: sub.Endpoint,
		Keys:     webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth},
	}, &webpush.Options{
		HTTPClient:      n.cfg.HTTPClient,
		Subscriber:      n.vapidSubject(),
		VAPIDPublicKey:  keys.PublicKey,
		VAPIDPrivateKey: keys.PrivateKey,
		TTL:             pushTTL,
		Urgency:         webpush.UrgencyHigh,
	})
	if err != nil {
		return fmt.Errorf("push to %s: %w", endpointOrigin(sub.Endpoint), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return fmt.Errorf("%w: %s answered %d", errGone, endpointOrigin(sub.Endpoint), resp.StatusCode)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("push service %s answered %d: %s", endpointOrigin(sub.Endpoint), resp.StatusCode, strings.TrimSpace(string(body)))
	default:
		return connectors.Permanent(fmt.Sprintf("push service %s answered %d: %s", endpointOrigin(sub.Endpoint), resp.StatusCode, strings.TrimSpace(string(body))), nil)
	}
}

// vapidSubject is the JWT's sub: the hub's https URL, else the sender
// address of e-mails (webpush-go prefixes "mailto:").
func (n *Notifier) vapidSubject() string {
	if strings.HasPrefix(n.cfg.PublicURL, "https://") {
		return n.cfg.PublicURL
	}
	if n.cfg.SMTP.From != "" {
		if a, err := mailAddress(n.cfg.SMTP.From); err == nil {
			return a
		}
	}
	return "notifications@switchboard.invalid"
}

// endpointOrigin is the scheme and host of a push endpoint: what logs and
// errors name (the path identifies the browser).
func endpointOrigin(endpoint string) string {
	scheme, rest, ok := strings.Cut(endpoint, "://")
	if !ok {
		return "push service"
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
}

// pushTag groups a conversation's notifications: a browser shows the
// newest in place of the one before.
func pushTag(conv switchboard.ConversationID) string { return "conversation:" + string(conv) }
