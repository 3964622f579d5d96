// Command switchboard is the hub: one binary that serves, migrates, manages
// operators and tokens, checks channels and simulates provider webhooks.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	_ "github.com/switchboardhq/switchboard/connectors/line"
	_ "github.com/switchboardhq/switchboard/connectors/slack"
	_ "github.com/switchboardhq/switchboard/connectors/sms"
	_ "github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/postgres"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `switchboard — omnichannel customer-support hub

Usage:
  switchboard serve    [--config FILE]
  switchboard migrate  [--config FILE]
  switchboard operators add EMAIL --name NAME --role admin|supervisor|operator [--department NAMES] [--slack-user ID] [--config FILE]
                                        (password on stdin)
  switchboard tokens create --name NAME --role admin|supervisor|operator [--config FILE]       (prints the token)
  switchboard channels check [CHANNEL…] [--config FILE]                checks credentials with each provider
  switchboard simulate CHANNEL --text TEXT [--from ID] [--url HUB] [--config FILE]
                                        sends a correctly signed provider webhook to a running hub
  switchboard whatsapp link CHANNEL [--phone NUMBER] [--url HUB] [--token TOKEN] [--config FILE]
                                        links a WhatsApp device-mode channel: shows its QR code (or a pairing code)
                                        from a running hub; token also from $SWITCHBOARD_TOKEN
  switchboard bench    [--duration 10s] [--clients 32] [--rate 1000] [--store sqlite|postgres] [--store-dsn DSN]
                       [--pubsub gochannel|nats] [--pubsub-url URL] [--phases ingest,e2e,reply] [--json] [--cpuprofile FILE] [--trace FILE]
                                        measures intake, end-to-end latency and replies of a hub it starts on loopback
  switchboard version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stderr, nil)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout)
	case "operators":
		if len(args) < 2 || args[1] != "add" {
			err = usageError("operators: the only subcommand is 'add'")
		} else {
			err = cmdOperatorsAdd(ctx, args[2:], stdin, stdout)
		}
	case "tokens":
		if len(args) < 2 || args[1] != "create" {
			err = usageError("tokens: the only subcommand is 'create'")
		} else {
			err = cmdTokensCreate(ctx, args[2:], stdout)
		}
	case "channels":
		if len(args) < 2 || args[1] != "check" {
			err = usageError("channels: the only subcommand is 'check'")
		} else {
			err = cmdChannelsCheck(ctx, args[2:], stdout)
		}
	case "simulate":
		err = cmdSimulate(ctx, args[1:], stdout)
	case "whatsapp":
		err = cmdWhatsApp(ctx, args[1:], stdout)
	case "bench":
		err = cmdBench(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "switchboard", version)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		err = usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "switchboard:", err)
	if _, ok := err.(usageError); ok {
		fmt.Fprint(stderr, usage)
		return 2
	}
	return 1
}

type usageError string

func (e usageError) Error() string { return string(e) }

// parseFlags parses flags that may stand before, between or after
// positional arguments, and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func newLogger(cfg LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openStore opens and migrates the configured store.
func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	var st store.Store
	switch cfg.Store.Driver {
	case "postgres":
		pg, err := postgres.Open(ctx, cfg.Store.DSN)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		st = pg
	default:
		path := cfg.Store.DSN
		if path == "" {
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				return nil, fmt.Errorf("data_dir: %w", err)
			}
			path = filepath.Join(cfg.DataDir, "switchboard.db")
		}
		lite, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		st = lite
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	return st, nil
}

func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration file (YAML); embedded defaults when empty")
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "store migrated:", cfg.Store.Driver)
	return nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func readPassword(stdin io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(stdin, 4096))
	if err != nil {
		return "", err
	}
	pw := strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
	if pw == "" {
		return "", usageError("password: none on stdin (echo 'secret' | switchboard operators add ...)")
	}
	return pw, nil
}

func jsonUnmarshalString(s string, v any) error { return json.Unmarshal([]byte(s), v) }
