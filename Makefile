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

.PHONY: all build run test lint fuzz bench bench-go clean

all: build

build:
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
FUZZ_TARGETS := ./connectors/line:FuzzWebhook ./connectors/sms:FuzzWebhook ./connectors/slack:FuzzEventsWebhook ./console:FuzzWidgetMessage

test: lint
	@if [ -z "$$SWITCHBOARD_TEST_POSTGRES_URL" ]; then echo "NOTE: no PostgreSQL on 127.0.0.1:5432: PostgreSQL tests will skip"; fi
	$(GO) test -count=1 -race -timeout 15m ./...
	@$(MAKE) --no-print-directory fuzz

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

clean:
	rm -rf bin
