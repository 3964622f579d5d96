# Switchboard — build, run and test. `make run` starts the hub with embedded
# defaults; `make test` runs every test (PostgreSQL ones when a server
# answers on 127.0.0.1:5432, otherwise they skip with a visible message).

SHELL    := /bin/bash
GO       ?= go
BIN      ?= bin/switchboard
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# FTS5 (with the trigram tokenizer) is compiled into SQLite by this tag.
export GOFLAGS := -tags=sqlite_fts5 -buildvcs=false
export CGO_ENABLED := 1

PG_URL   ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
PG_UP    := $(shell (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && echo yes)
ifeq ($(PG_UP),yes)
export SWITCHBOARD_TEST_POSTGRES_URL ?= $(PG_URL)
endif

.PHONY: all build web web-test run test lint fuzz bench bench-go bench-inbox screenshots clean

all: build

# The operator web app (console/web) and the site chat widget
# (console/widget, built with console/web's tooling): `npm ci` only when
# package-lock.json changed since the last install (a stamp in node_modules),
# `npm run build` only when a source changed; the builds land in
# console/web/dist/app and dist/widget, which the binary embeds (no Node
# needed at run time).
WEB       := console/web
WEB_STAMP := $(WEB)/node_modules/.switchboard-npm-ci
WEB_OUT   := $(WEB)/dist/app/index.html
WIDGET_OUT := $(WEB)/dist/widget/widget.js
WIDGET_SRC := $(shell find console/widget/src $(WEB)/vite.widget.config.ts $(WEB)/tsconfig.widget.json -type f 2>/dev/null)
WEB_SRC   := $(shell find $(WEB)/src $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json -type f 2>/dev/null) $(WIDGET_SRC)

$(WEB_STAMP): $(WEB)/package-lock.json $(WEB)/package.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20+ to build the operator web app"; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund
	@touch $@

$(WEB_OUT): $(WEB_STAMP) $(WEB_SRC)
	cd $(WEB) && npm run build

# `npm run build` builds the widget too; this covers a tree where only
# the widget is missing.
$(WIDGET_OUT): $(WEB_STAMP) $(WIDGET_SRC)
	cd $(WEB) && npm run build:widget

web: $(WEB_OUT) $(WIDGET_OUT)

build: web
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/switchboard

run: build
	./$(BIN) serve $(if $(CONFIG),--config $(CONFIG))

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Webhook parsers fuzzed briefly on every test run (corpora in testdata/);
# `make fuzz FUZZTIME=1000000x` runs them longer.
# A count, not a duration: a time limit can end a run mid-input and fail it
# with "context deadline exceeded".
FUZZTIME ?= 10000x
FUZZ_TARGETS := ./connectors/meta:FuzzParseError ./connectors/line:FuzzWebhook ./connectors/sms:FuzzWebhook ./connectors/slack:FuzzEventsWebhook ./console:FuzzWidgetMessage ./connectors/telegram:FuzzWebhook ./connectors/telegram:FuzzEscapeMarkdownV2 ./connectors/telegram:FuzzMarkdownToV2 ./connectors/whatsapp/device:FuzzNormalizeMessage ./connectors/whatsapp/device:FuzzNormalizeReceipt ./console:FuzzChannelLink ./connectors/messenger:FuzzWebhook ./connectors/instagram:FuzzWebhook ./connectors/whatsapp:FuzzWebhook

test: lint build
	@if [ -z "$$SWITCHBOARD_TEST_POSTGRES_URL" ]; then echo "NOTE: no PostgreSQL on 127.0.0.1:5432: PostgreSQL tests will skip"; fi
	$(GO) test -count=1 -race -timeout 15m ./...
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory web-test

# Browser tests of the web app: headless Debian chromium driven by
# playwright-core against a real hub (bin/switchboard serve on a random port,
# SQLite in a temp dir). Chromium is installed when missing; only where it
# cannot be installed do the tests skip, saying so.
CHROMIUM ?= /usr/bin/chromium
web-test: build
	@if ! command -v chromium >/dev/null && [ ! -x "$(CHROMIUM)" ]; then \
		echo "chromium missing: installing Debian's chromium"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
			|| echo "NOTE: could not install chromium: browser tests will skip"; \
	fi
	cd $(WEB) && SWITCHBOARD_BIN=$(abspath $(BIN)) CHROMIUM=$(CHROMIUM) npm test
	cd $(WEB) && npm run --silent size

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) "$${t%%:*}"; \
	done

# `make bench` runs `switchboard bench` with its defaults (a hub of its own
# on loopback, SQLite, 10s per phase) and prints the table; BENCHFLAGS adds
# flags (e.g. BENCHFLAGS='--json' or '--store postgres'). `make bench-go`
# runs the Go benchmarks (store and in-process intake) instead.
BENCHFLAGS ?=
bench: build
	./$(BIN) bench $(BENCHFLAGS)

bench-go:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./store/sqlite/ ./cmd/switchboard/

# Screenshots of the console (docs/screenshots/), in headless chromium with
# the fonts Japanese needs (Debian's fonts-noto-cjk, installed when missing).
screenshots: build
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-noto-color-emoji; \
	fi
	cd $(WEB) && SWITCHBOARD_BIN=$(abspath $(BIN)) CHROMIUM=$(CHROMIUM) npm run screenshots

# The inbox's first pages at 100k conversations / 1M messages, SQLite and
# (when a server answers) PostgreSQL; the seeded data is kept between runs.
bench-inbox:
	$(GO) test -run '^$$' -bench BenchmarkInbox -benchtime 200x ./console/

clean:
	rm -rf bin $(WEB)/dist/app $(WEB)/dist/widget $(WEB)/node_modules
