package device

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

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
