package device

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"go.mau.fi/whatsmeow/types"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestDeviceStoreUpgradesOnTheHubsDatabase runs whatsmeow's own schema
// upgrade on both dialects the hub has, then keeps a paired device and
// finds it again through the channel's mapping.
func TestDeviceStoreUpgradesOnTheHubsDatabase(t *testing.T) {
	engines := map[string]func(t *testing.T) *connectors.Database{
		"sqlite3": testDB,
		"postgres": func(t *testing.T) *connectors.Database {
			db, err := sql.Open("pgx", storetest.PostgresURL(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return &connectors.Database{DB: db, Dialect: "postgres"}
		},
	}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			ds, err := openDeviceStore(ctx, db, newWALogger(discardLogger()))
			if err != nil {
				t.Fatal(err)
			}
			// A second upgrade (the next start) is a no-op.
			if _, err := openDeviceStore(ctx, db, newWALogger(discardLogger())); err != nil {
				t.Fatalf("second upgrade: %v", err)
			}
			for _, table := range []string{"whatsmeow_version", "whatsmeow_device", "whatsmeow_sessions", "whatsmeow_event_buffer", deviceTable} {
				var n int
				if err := db.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
					t.Errorf("table %s: %v", table, err)
				}
			}
			fresh, err := ds.device(ctx, testChannel)
			if err != nil || fresh.ID != nil {
				t.Fatalf("unmapped channel: device %v, %v; want a new unpaired one", fresh.ID, err)
			}
			jid := types.NewJID("819012345678", types.DefaultUserServer)
			jid.Device = 3
			markPaired(fresh, jid)
			if err := fresh.Save(ctx); err != nil {
				t.Fatal(err)
			}
			if err := ds.remember(ctx, testChannel, jid, testNow); err != nil {
				t.Fatal(err)
			}
			if err := ds.remember(ctx, testChannel, jid, testNow); err != nil {
				t.Fatalf("remember twice: %v", err)
			}
			other, err := ds.device(ctx, "another_channel")
			if err != nil || other.ID != nil {
				t.Fatalf("another channel got device %v, %v", other.ID, err)
			}
			got, err := ds.device(ctx, testChannel)
			if err != nil || got.ID == nil || *got.ID != jid {
				t.Fatalf("mapped channel: device %v, %v; want %s", got.ID, err, jid)
			}
			if string(got.NoiseKey.Priv[:]) != string(fresh.NoiseKey.Priv[:]) {
				t.Error("the stored device lost its keys")
			}
			if err := ds.forget(ctx, testChannel); err != nil {
				t.Fatal(err)
			}
			if again, err := ds.device(ctx, testChannel); err != nil || again.ID != nil {
				t.Fatalf("after forget: device %v, %v; want a new one", again.ID, err)
			}
		})
	}
}
