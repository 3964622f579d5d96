package store

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard"
)

// PortalStore keeps what the customer portal (issue 15) needs beside the
// tickets: one-time sign-in links and the workspace's branding.
type PortalStore interface {
	// CreatePortalLogin stores a sign-in link by the SHA-256 hash of its
	// token (the token itself is never stored), pruning the expired ones
	// of every workspace in the same transaction.
	CreatePortalLogin(ctx context.Context, l PortalLogin) error
	// ConsumePortalLogin finds the login of the workspace whose token hash
	// is tokenHash and that expires after now, and deletes it in the same
	// statement, so a link works once even when two requests race for it.
	// ErrNotFound when there is none (unknown, used, expired, or of
	// another workspace).
	ConsumePortalLogin(ctx context.Context, ws switchboard.WorkspaceID, tokenHash string, now time.Time) (PortalLogin, error)
	// GetBranding returns the workspace's portal colours and logo; the
	// zero Branding when none was set.
	GetBranding(ctx context.Context, ws switchboard.WorkspaceID) (Branding, error)
	// PutBranding replaces them (callers validate the values).
	PutBranding(ctx context.Context, ws switchboard.WorkspaceID, b Branding) error
}

// PortalLogin is a pending one-time sign-in link: who asked (an e-mail
// address or a phone number), for which workspace, until when.
type PortalLogin struct {
	TokenHash   string
	WorkspaceID switchboard.WorkspaceID
	// Email (lower-case) or Phone (E.164): the address the link was sent to.
	Email, Phone string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// Branding is how a workspace's portal and help centre look: an accent
// colour "#RRGGBB" and an https logo URL ("" each: the defaults).
type Branding struct {
	Color   string `json:"color"`
	LogoURL string `json:"logo_url"`
}
