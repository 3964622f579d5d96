package switchboard

import "time"

// ChannelState is a channel's health as its connector last reported it.
type ChannelState string

const (
	// ChannelOK: the channel works (the default when nothing was reported).
	ChannelOK ChannelState = "ok"
	// ChannelCredentialsBroken: the provider refused the channel's
	// credentials (Meta's error 190, a revoked token): sends fail until an
	// admin fixes the config.
	ChannelCredentialsBroken ChannelState = "credentials_broken"
	// ChannelUnpaired: a linked-device channel (WhatsApp device mode) has no
	// device yet; QR or PairCode carry the current pairing code.
	ChannelUnpaired ChannelState = "unpaired"
	// ChannelLoggedOut: the phone removed the linked device.
	ChannelLoggedOut ChannelState = "logged_out"
	// ChannelOutdatedClient: WhatsApp refuses the client version.
	ChannelOutdatedClient ChannelState = "outdated_client"
	// ChannelTemporaryBan: WhatsApp banned the number for a while (Until).
	ChannelTemporaryBan ChannelState = "temporary_ban"
	// ChannelDisconnected: the connection is down and being retried.
	ChannelDisconnected ChannelState = "disconnected"
)

// Valid reports whether s is a known state.
func (s ChannelState) Valid() bool {
	switch s {
	case ChannelOK, ChannelCredentialsBroken, ChannelUnpaired, ChannelLoggedOut,
		ChannelOutdatedClient, ChannelTemporaryBan, ChannelDisconnected:
		return true
	}
	return false
}

// Trouble reports whether s is a state an admin must act on (and is
// notified of): credentials refused, logged out, outdated client, banned.
// Waiting to be paired and a connection being retried are not.
func (s ChannelState) Trouble() bool {
	switch s {
	case ChannelCredentialsBroken, ChannelLoggedOut, ChannelOutdatedClient, ChannelTemporaryBan:
		return true
	}
	return false
}

// ChannelStatus is what the console shows about a channel's health.
type ChannelStatus struct {
	ChannelID ChannelID    `json:"channel_id"`
	State     ChannelState `json:"state"`
	// Reason is the provider's words, for admins (never a secret).
	Reason string `json:"reason,omitempty"`
	// QR is the pairing payload to show as a QR code while State is
	// unpaired; PairCode the phone-number pairing code when one was asked
	// for. Both are short-lived.
	QR       string `json:"qr,omitempty"`
	PairCode string `json:"pair_code,omitempty"`
	// Account names what the channel is linked as (a linked device's
	// phone number), when known.
	Account string `json:"account,omitempty"`
	// Until ends a temporary ban.
	Until *time.Time `json:"until,omitempty"`
	// Since is when the channel entered State.
	Since time.Time `json:"since"`
}

// ProviderTemplate is a message template approved (or pending) at the
// provider, synced from the business account (WhatsApp); the composer
// offers the approved ones, and outside the customer-service window they
// are the only messages that may go out. A part of kind template with Name
// and Language sends one; its Variables are the body's parameters by
// number ("1", "2", ...) or by name, and the header's as "header.1" (or
// "header.<name>").
type ProviderTemplate struct {
	ChannelID ChannelID `json:"channel_id"`
	Name      string    `json:"name"`
	Language  string    `json:"language"`
	// Status is the provider's review state (APPROVED, PENDING, REJECTED,
	// PAUSED, DISABLED); only APPROVED ones can be sent.
	Status   string `json:"status"`
	Category string `json:"category,omitempty"`
	// Header, Body and Footer are the template's texts with their
	// placeholders ({{1}} or {{name}}); Params lists the body's parameter
	// names in order.
	Header string   `json:"header,omitempty"`
	Body   string   `json:"body"`
	Footer string   `json:"footer,omitempty"`
	Params []string `json:"params,omitempty"`
	// HeaderParams lists a text header's parameter names in order; a
	// template part gives them as Variables "header.<name>".
	HeaderParams []string `json:"header_params,omitempty"`
	Buttons      []string `json:"buttons,omitempty"`
}
