package device

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// deviceTable maps a channel to its device's JID. whatsmeow's container
// holds every device of every channel in whatsmeow_device, keyed by JID;
// the JID is known only after pairing, so the mapping is kept here, in the
// hub's database next to whatsmeow's own tables (same *sql.DB, same
// dialect, created with the device store's upgrade).
const deviceTable = "switchboard_wa_devices"

var deviceTableDDL = `CREATE TABLE IF NOT EXISTS ` + deviceTable + ` (
	channel_id TEXT PRIMARY KEY,
	jid        TEXT NOT NULL,
	paired_at  BIGINT NOT NULL
)`

// deviceStore is whatsmeow's device store (its tables hold the device's
// keys: secrets) on the hub's database, and the channel→device mapping.
type deviceStore struct {
	db        *sql.DB
	container *sqlstore.Container
}

// openDeviceStore wraps the hub's database in whatsmeow's container and
// upgrades its tables (whatsmeow_* and switchboard_wa_devices). It is
// called by Run, never by New: it does I/O.
func openDeviceStore(ctx context.Context, database *connectors.Database, log waLog.Logger) (*deviceStore, error) {
	if database == nil || database.DB == nil {
		return nil, errors.New("whatsapp device mode needs the hub's SQL database (the sqlite or postgres store)")
	}
	switch database.Dialect {
	case "sqlite3", "postgres":
	default:
		return nil, fmt.Errorf("whatsapp device store: dialect %q is not sqlite3 or postgres", database.Dialect)
	}
	container := sqlstore.NewWithDB(database.DB, database.Dialect, log)
	if err := container.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("whatsapp device store: upgrade: %w", err)
	}
	if _, err := database.DB.ExecContext(ctx, deviceTableDDL); err != nil {
		return nil, fmt.Errorf("whatsapp device store: create %s: %w", deviceTable, err)
	}
	return &deviceStore{db: database.DB, container: container}, nil
}

// device returns the channel's device: the paired one named by the
// mapping, or a new unpaired one (not yet saved: whatsmeow saves it when
// pairing succeeds).
func (s *deviceStore) device(ctx context.Context, channel switchboard.ChannelID) (*store.Device, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT jid FROM `+deviceTable+` WHERE channel_id = $1`, string(channel)).Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return s.container.NewDevice(), nil
	case err != nil:
		return nil, fmt.Errorf("whatsapp device store: read mapping: %w", err)
	}
	jid, err := types.ParseJID(raw)
	if err != nil {
		return nil, fmt.Errorf("whatsapp device store: mapping of %s: %w", channel, err)
	}
	dev, err := s.container.GetDevice(ctx, jid)
	if err != nil {
		return nil, fmt.Errorf("whatsapp device store: load device: %w", err)
	}
	if dev == nil {
		// whatsmeow deleted it (logged out): start afresh.
		if err := s.forget(ctx, channel); err != nil {
			return nil, err
		}
		return s.container.NewDevice(), nil
	}
	return dev, nil
}

// remember maps channel to the device paired as jid.
func (s *deviceStore) remember(ctx context.Context, channel switchboard.ChannelID, jid types.JID, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO `+deviceTable+` (channel_id, jid, paired_at) VALUES ($1, $2, $3)
		ON CONFLICT (channel_id) DO UPDATE SET jid = excluded.jid, paired_at = excluded.paired_at`,
		string(channel), jid.String(), at.Unix())
	if err != nil {
		return fmt.Errorf("whatsapp device store: save mapping: %w", err)
	}
	return nil
}

// forget drops the channel's mapping (the device was logged out).
func (s *deviceStore) forget(ctx context.Context, channel switchboard.ChannelID) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM `+deviceTable+` WHERE channel_id = $1`, string(channel)); err != nil {
		return fmt.Errorf("whatsapp device store: delete mapping: %w", err)
	}
	return nil
}
