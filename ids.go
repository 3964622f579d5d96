package switchboard

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// Typed identifiers keep a contact id from being passed where a message id
// belongs. All are opaque strings to callers.
type (
	WorkspaceID    string
	ChannelID      string
	ContactID      string
	ConversationID string
	MessageID      string
	DepartmentID   string
	OperatorID     string
	EventID        string
	// ExternalID is an identifier assigned by a provider (LINE message id,
	// Twilio MessageSid, a visitor's widget id). It is only unique within a
	// channel.
	ExternalID string
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a new sortable identifier with the given prefix: a 48-bit
// millisecond timestamp followed by 80 random bits, Crockford base32, so ids
// created later sort later. It is safe for concurrent use.
func NewID(prefix string) string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := rand.Read(b[6:]); err != nil {
		panic("switchboard: no randomness: " + err.Error())
	}
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}
