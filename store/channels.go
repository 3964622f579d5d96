package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"time"

	"github.com/switchboardhq/switchboard"
)

// ChannelHealthStore keeps what the hub knows about its channels besides
// their config (issue 16): their health as their connectors report it,
// the exclusive leases a connector holding one connection per channel
// takes across the cluster, and the message templates synced from the
// provider.
type ChannelHealthStore interface {
	// PutChannelStatus stores a channel's status, replacing the last one;
	// Since is kept when State is unchanged. It reports whether anything
	// changed and, when something did, writes outbox in the same
	// transaction (nothing is written for a repeat). ErrNotFound when the
	// channel is not in the workspace.
	PutChannelStatus(ctx context.Context, ws switchboard.WorkspaceID, st switchboard.ChannelStatus, outbox []OutboxEntry) (bool, error)
	// ListChannelStatuses returns every stored status of the workspace by
	// channel id; a channel without one is ok.
	ListChannelStatuses(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.ChannelStatus, error)
	// TryLease takes the lease name for holder until until, or renews it
	// when holder has it; it reports false when another holder has it and
	// it has not ended at now. ReleaseLease gives it up (a no-op when
	// holder does not hold it).
	TryLease(ctx context.Context, name, holder string, until, now time.Time) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
	// PutProviderTemplates replaces a channel's synced templates (all of
	// them, in the order given) and records syncedAt. ErrNotFound when the
	// channel is not in the workspace. ListProviderTemplates returns them
	// with the sync time (zero time and no templates when never synced).
	PutProviderTemplates(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, ts []switchboard.ProviderTemplate, syncedAt time.Time) error
	ListProviderTemplates(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID) ([]switchboard.ProviderTemplate, time.Time, error)

	// LatestInbound returns the customer's newest message in a
	// conversation (direction in, by insertion order): the read receipt a
	// provider takes when an operator reads it names it. ErrNotFound when
	// the customer wrote nothing or the conversation is not in ws.
	LatestInbound(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Message, error)

	// DeferOutbox writes outbox entries that no relay claims before
	// notBefore: a send handed back because its connection runs on another
	// instance (a linked device's lease) goes out again a little later,
	// picked up by whichever instance the broker gives it to.
	DeferOutbox(ctx context.Context, entries []OutboxEntry, notBefore time.Time) error
}

// SQLDatabase is implemented by engines that can hand their database to
// connectors whose SDK keeps its own tables in SQL (whatsmeow's device
// store): SQLite a separate pool on the same file (dialect "sqlite3"),
// PostgreSQL a database/sql view of its pool (dialect "postgres"). The
// pool is the engine's: callers must not close it.
type SQLDatabase interface {
	SQLDatabase() (*sql.DB, string)
}

// WatermarkFrom returns the statuses a watermark of status st raises an
// outgoing message from, always two (padded with ""): those of sent and
// delivered that rank below st. Pending messages were never sent and
// failed ones stay failed.
func WatermarkFrom(st switchboard.DeliveryStatus) [2]switchboard.DeliveryStatus {
	var out [2]switchboard.DeliveryStatus
	n := 0
	for _, from := range []switchboard.DeliveryStatus{switchboard.StatusSent, switchboard.StatusDelivered} {
		if st != switchboard.StatusFailed && from.Rank() < st.Rank() {
			out[n] = from
			n++
		}
	}
	return out
}

// StatusSince is the Since to store for st given the stored status old
// (found false when none): old's when the state is unchanged, else st's
// own, or now when st has none.
func StatusSince(old switchboard.ChannelStatus, found bool, st switchboard.ChannelStatus) time.Time {
	if found && old.State == st.State {
		return old.Since.UTC()
	}
	if st.Since.IsZero() {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return st.Since.UTC().Truncate(time.Microsecond)
}

// SameChannelStatus reports whether two statuses say the same (Since
// aside).
func SameChannelStatus(a, b switchboard.ChannelStatus) bool {
	sameUntil := (a.Until == nil) == (b.Until == nil) && (a.Until == nil || a.Until.Truncate(time.Microsecond).Equal(b.Until.Truncate(time.Microsecond)))
	return a.State == b.State && a.Reason == b.Reason && a.QR == b.QR && a.PairCode == b.PairCode && a.Account == b.Account && sameUntil
}

// EncodeProviderTemplates is how engines store a channel's templates: a
// JSON array, each naming the channel.
func EncodeProviderTemplates(channel switchboard.ChannelID, ts []switchboard.ProviderTemplate) ([]byte, error) {
	out := make([]switchboard.ProviderTemplate, len(ts))
	for i, t := range ts {
		t.ChannelID = channel
		out[i] = t
	}
	return json.Marshal(out)
}

// SortMessages orders messages by creation time (ties by id), as a
// watermark's AcceptResult.Messages are listed.
func SortMessages(ms []switchboard.Message) {
	sort.SliceStable(ms, func(i, j int) bool {
		if !ms[i].CreatedAt.Equal(ms[j].CreatedAt) {
			return ms[i].CreatedAt.Before(ms[j].CreatedAt)
		}
		return ms[i].ID < ms[j].ID
	})
}
