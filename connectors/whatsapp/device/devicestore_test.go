package device

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
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

func TestNewValidatesConfigAndDeps(t *testing.T) {
	db := testDB(t)
	deps := connectors.Deps{ChannelID: testChannel, Sink: &testSink{}, Media: connectortest.NewMediaStore(), Database: db}
	cases := []struct {
		name string
		cfg  Config
		deps func(connectors.Deps) connectors.Deps
		want string
	}{
		{"wrong mode", Config{Mode: "cloud"}, nil, "mode"},
		{"device name not Browser (OS)", Config{Mode: Mode, DeviceName: "My hub"}, nil, "device_name"},
		{"negative send timeout", Config{Mode: Mode, SendTimeout: connectors.Duration(-time.Second)}, nil, "send_timeout"},
		{"no database", Config{Mode: Mode}, func(d connectors.Deps) connectors.Deps { d.Database = nil; return d }, "SQL database"},
		{"no media store", Config{Mode: Mode}, func(d connectors.Deps) connectors.Deps { d.Media = nil; return d }, "media"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := deps
			if tc.deps != nil {
				d = tc.deps(d)
			}
			_, err := New(tc.cfg, d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error naming %s", err, tc.want)
			}
		})
	}
	c, err := New(Config{Mode: Mode, DeviceName: "Firefox (Mac OS)", SendTimeout: connectors.Duration(5 * time.Second)}, deps)
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.DeviceName != "Firefox (Mac OS)" || time.Duration(c.cfg.SendTimeout) != 5*time.Second {
		t.Fatalf("config %+v", c.cfg)
	}
	c, err = New(Config{Mode: Mode}, deps)
	if err != nil || c.cfg.DeviceName != DefaultDeviceName || time.Duration(c.cfg.SendTimeout) != DefaultSendTimeout {
		t.Fatalf("defaults %+v, %v", c.cfg, err)
	}
}

func TestWhatsmeowDebugOutputNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	log := newWALogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))).Sub("Client")
	log.Debugf("<iq><pair-device><ref>%s</ref></pair-device></iq>", "noise-key-material")
	log.Infof("Successfully paired %s", "819012345678.0:7@s.whatsapp.net")
	if strings.Contains(buf.String(), "noise-key-material") {
		t.Fatalf("debug node logged: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "Successfully paired") || !strings.Contains(buf.String(), "whatsmeow=Client") {
		t.Fatalf("info line missing: %s", buf.String())
	}
}

// TestRealClientDelaysAcks checks the whatsmeow options the at-least-once
// intake relies on, on a real client over the real device store.
func TestRealClientDelaysAcks(t *testing.T) {
	ctx := context.Background()
	ds, err := openDeviceStore(ctx, testDB(t), newWALogger(discardLogger()))
	if err != nil {
		t.Fatal(err)
	}
	dev, err := ds.device(ctx, testChannel)
	if err != nil {
		t.Fatal(err)
	}
	rc, ok := newWhatsmeowClient(dev, newWALogger(discardLogger())).(realClient)
	if !ok {
		t.Fatal("the production client is not whatsmeow's")
	}
	if !rc.SynchronousAck || !rc.EnableDecryptedEventBuffer || rc.EnableAutoReconnect {
		t.Fatalf("SynchronousAck %v, EnableDecryptedEventBuffer %v, EnableAutoReconnect %v; want true, true, false",
			rc.SynchronousAck, rc.EnableDecryptedEventBuffer, rc.EnableAutoReconnect)
	}
	if rc.DeviceID() != nil {
		t.Fatal("a new device has an id")
	}
	if _, err := rc.GetQRChannel(ctx); err != nil {
		t.Fatalf("GetQRChannel on an unpaired device: %v", err)
	}
	// whatsmeow's dispatcher reports a handler's false answer as a failure,
	// which is what withholds the ack.
	id := rc.AddEventHandlerWithSuccessStatus(func(any) bool { return false })
	if failed := rc.DangerousInternals().DispatchEvent(&events.Connected{}); !failed {
		t.Fatal("whatsmeow did not see the handler's failure")
	}
	rc.RemoveEventHandler(id)
}

func TestSQLiteWithoutForeignKeysIsRefused(t *testing.T) {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "nofk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = openDeviceStore(context.Background(), &connectors.Database{DB: db, Dialect: "sqlite3"}, newWALogger(discardLogger()))
	if err == nil || !strings.Contains(err.Error(), "foreign keys") {
		t.Fatalf("upgrade without foreign keys = %v, want whatsmeow's refusal", err)
	}
}
