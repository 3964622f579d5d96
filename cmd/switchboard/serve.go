package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/console/visitorinfo"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// cmdServe runs the hub until ctx is done. When ready is not nil it receives
// the bound address once the hub answers (tests use it).
func cmdServe(ctx context.Context, args []string, logOut io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("serve: unexpected argument " + pos[0])
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// The hub's live heap is small (tens of MB) and its garbage is
		// per-message; collecting at 5× the live heap instead of 2× costs
		// little memory and measured +7% intake (README, Performance).
		// GOGC in the environment still wins.
		debug.SetGCPercent(400)
	}
	log := newLogger(cfg.Log, logOut)
	secret, err := cfg.secretKey()
	if err != nil {
		return err
	}

	oldSecrets, err := cfg.oldSecretKeys()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	rt, err := router.New(st, router.Config{
		Bus:             router.BusConfig{Driver: cfg.PubSub.Driver, URL: cfg.PubSub.URL, Namespace: cfg.PubSub.Namespace, Instance: instanceName(), AckWait: cfg.PubSub.AckWait},
		DrainTimeout:    cfg.ShutdownTimeout,
		TicketSweep:     cfg.Tickets.BreachSweep,
		PublicURL:       cfg.PublicURL,
		HTTPClient:      connectors.NewHTTPClient(cfg.Outbound.Timeout),
		Logger:          log,
		OutboundRetries: cfg.Outbound.Retries,
		RetryInitial:    cfg.Outbound.RetryInitial,
		RetryMax:        cfg.Outbound.RetryMax,
		HubSecret:       secret,
		OldSecrets:      oldSecrets,
	})
	if err != nil {
		return err
	}
	notifier, err := newNotifier(st, rt, cfg, log, append([][]byte{secret}, oldSecrets...)...)
	if err != nil {
		return err
	}
	if err := syncConfigChannels(ctx, st, rt.Channels, cfg); err != nil {
		return err
	}
	if err := syncConfigRoutingRules(ctx, st, cfg); err != nil {
		return err
	}
	proxies, err := cfg.Limits.trustedProxies()
	if err != nil {
		return err
	}
	visitors, err := visitorinfo.New(cfg.GeoIP.Database)
	if err != nil {
		return fmt.Errorf("geoip.database: %w", err)
	}
	defer visitors.Close()
	cons := console.New(rt, console.Config{
		Visitors: visitors, MapTileURL: cfg.Map.TileURL,
		PublicURL: cfg.PublicURL, MaxBodyBytes: cfg.Limits.MaxBodyBytes, Logger: log,
		WidgetPerIP:       console.RateLimit{PerMinute: cfg.Limits.WidgetPerIPPerMinute},
		WidgetPerVisitor:  console.RateLimit{PerMinute: cfg.Limits.WidgetPerVisitorPerMinute},
		LoginPerIP:        console.RateLimit{PerMinute: cfg.Limits.LoginPerIPPerMinute},
		LoginPerAccount:   console.RateLimit{PerMinute: cfg.Limits.LoginPerAccountPerMinute},
		TrustForwardedFor: cfg.Limits.TrustForwardedFor, TrustedProxies: proxies,
		MetricsToken: cfg.Metrics.Token, MetricsOff: cfg.Metrics.Listen != "",
		MaxUploadBytes: cfg.Media.MaxUploadBytes, UploadTypes: cfg.Media.AllowedTypes,
		Notifier: notifier,
	})

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	routerCtx, stopRouter := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRouter()
	routerDone := make(chan error, 1)
	go func() { routerDone <- rt.Run(routerCtx) }()
	select {
	case <-rt.Running():
	case err := <-routerDone:
		ln.Close()
		return fmt.Errorf("router: %w", err)
	}
	go runNotifier(routerCtx, notifier, log)

	srv := &http.Server{Handler: cons.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if cfg.Metrics.Listen != "" {
		mln, err := net.Listen("tcp", cfg.Metrics.Listen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics.listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", console.MetricsHandler(cfg.Metrics.Token))
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}
	log.Info("switchboard listening", "addr", ln.Addr().String(), "public_url", cfg.PublicURL, "store", cfg.Store.Driver, "pubsub", cfg.PubSub.Driver, "version", version)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			stopRouter()
			<-routerDone
			return fmt.Errorf("http: %w", err)
		}
	}
	// Drain: /readyz answers 503 at once; the listener closes and requests
	// in flight finish; the router publishes the outbox and finishes the
	// messages its handlers hold. All of it within shutdown_timeout.
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	rt.StartDraining()
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	stopRouter()
	select {
	case err := <-routerDone:
		if err != nil {
			log.Warn("router shutdown", "err", err)
		}
		log.Info("stopped")
	case <-shutCtx.Done():
		log.Warn("shutdown_timeout reached; exiting with work left to the other instances or the next start", "timeout", cfg.ShutdownTimeout)
	}
	return nil
}

// instanceName names this process to the message broker (its fan-out
// consumer): host, process id and a random suffix.
func instanceName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%x", host, os.Getpid(), randomBytes(3))
}

// syncConfigChannels creates or updates the channels named in the config in
// the default workspace (secrets sealed). Channels added through the API are
// left alone.
func syncConfigChannels(ctx context.Context, st store.Store, channels *router.Channels, cfg Config) error {
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		return err
	}
	if _, err := st.DefaultDepartment(ctx, ws.ID); err != nil {
		return err
	}
	for i, ch := range cfg.Channels {
		changed, err := channels.Put(ctx, store.Channel{ID: ch.ID, WorkspaceID: ws.ID, Type: ch.Type, Name: ch.Name, Config: ch.Config, Paused: ch.Paused})
		if err != nil {
			return fmt.Errorf("channels[%d]: %w", i, err)
		}
		if changed {
			slog.Debug("channel from config stored", "channel", ch.ID)
		}
	}
	return nil
}
