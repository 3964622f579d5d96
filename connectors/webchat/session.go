package webchat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// ErrBadSession is returned for a visitor token that is malformed, forged,
// expired or of another channel.
var ErrBadSession = errors.New("invalid or expired visitor session")

type sessionClaims struct {
	Channel  switchboard.ChannelID  `json:"c"`
	Visitor  switchboard.ExternalID `json:"v"`
	IssuedAt int64                  `json:"iat"`
}

// IssueSession starts a visitor session and returns its token and the
// visitor's id. Tokens are signed, not stored, so any instance verifies them.
func (c *Connector) IssueSession() (token string, visitor switchboard.ExternalID) {
	visitor = switchboard.ExternalID(switchboard.NewID("v"))
	return c.sign(sessionClaims{Channel: c.deps.ChannelID, Visitor: visitor, IssuedAt: c.deps.Now().Unix()}), visitor
}

// Visitor verifies a token and returns the visitor it names.
func (c *Connector) Visitor(token string) (switchboard.ExternalID, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", ErrBadSession
	}
	want := c.mac(payload)
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, want) {
		return "", ErrBadSession
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", ErrBadSession
	}
	var cl sessionClaims
	if err := json.Unmarshal(raw, &cl); err != nil || cl.Visitor == "" {
		return "", ErrBadSession
	}
	if cl.Channel != c.deps.ChannelID {
		return "", ErrBadSession
	}
	if c.deps.Now().Sub(time.Unix(cl.IssuedAt, 0)) > time.Duration(c.cfg.SessionTTLHours)*time.Hour {
		return "", ErrBadSession
	}
	return cl.Visitor, nil
}

func (c *Connector) sign(cl sessionClaims) string {
	raw, _ := json.Marshal(cl)
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + base64.RawURLEncoding.EncodeToString(c.mac(payload))
}

func (c *Connector) mac(payload string) []byte {
	m := hmac.New(sha256.New, c.deps.HubSecret)
	m.Write([]byte("webchat-session\x00"))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// ErrBadSignature is returned by VerifyIdentity for a missing or wrong
// identify signature on a channel that sets identity_secret.
var ErrBadSignature = errors.New("signature does not match: compute it on your server as hex HMAC-SHA256(identity_secret, external_id or email)")

// IdentitySigned reports whether the channel requires signed identify calls.
func (c *Connector) IdentitySigned() bool { return c.cfg.IdentitySecret != "" }

// VerifyIdentity checks an identify call's signature: the lowercase hex
// HMAC-SHA256, keyed with the channel's identity_secret, of the visitor's
// external id (or, when there is none, e-mail). It reports whether the
// identity is verified: false with no error when the channel sets no
// identity_secret (the claim is taken as unverified), ErrBadSignature when
// it does and the signature is missing or wrong.
func (c *Connector) VerifyIdentity(externalID, email, signature string) (bool, error) {
	if c.cfg.IdentitySecret == "" {
		return false, nil
	}
	subject := externalID
	if subject == "" {
		subject = email
	}
	if subject == "" {
		return false, errors.New("external_id or email: one is needed to verify the signature")
	}
	got, err := hex.DecodeString(strings.ToLower(strings.TrimSpace(signature)))
	if err != nil || len(got) != sha256.Size {
		return false, ErrBadSignature
	}
	m := hmac.New(sha256.New, []byte(c.cfg.IdentitySecret))
	m.Write([]byte(subject))
	if !hmac.Equal(got, m.Sum(nil)) {
		return false, ErrBadSignature
	}
	return true, nil
}
