package connectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/switchboardhq/switchboard"
)

// Factory builds a connector of one type from its own config keys (the
// channel's entry in the config file or the API, as JSON, without id and
// type). It validates the config and returns errors that name the field and
// say what is wrong. It must not do network I/O: credentials are checked by
// CredentialChecker, on demand.
type Factory func(config json.RawMessage, deps Deps) (Connector, error)

// Registration describes a channel type.
type Registration struct {
	Type string
	New  Factory
	// Secrets lists the config keys that hold secrets: they are encrypted at
	// rest, never returned by the API and may be overridden from the
	// environment (SWITCHBOARD_CHANNEL_<ID>_<KEY>).
	Secrets []string
	// Name is the type's display name ("LINE", "Site chat").
	Name string
	// Config is a zero value of the connector's config struct; its tags
	// describe the keys for the console (see DescribeConfig).
	Config any
	// Required and Hidden adjust Config's tags for types that share one
	// config struct (Messenger and Instagram): keys this type requires
	// although the struct's tag does not say so, and keys it does not take.
	Required []string
	Hidden   []string
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Registration{}
)

// Register adds a channel type. Connector packages call it from init; a
// second registration of the same type panics, as that is a programming error.
func Register(r Registration) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if r.Type == "" || r.New == nil {
		panic("connectors: Register needs a type and a factory")
	}
	if _, dup := registry[r.Type]; dup {
		panic("connectors: type registered twice: " + r.Type)
	}
	registry[r.Type] = r
}

// Lookup returns the registration of a channel type.
func Lookup(channelType string) (Registration, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	r, ok := registry[channelType]
	return r, ok
}

// Types lists the registered channel types, sorted.
func Types() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Build constructs a connector of the given type.
func Build(channelType string, config json.RawMessage, deps Deps) (Connector, error) {
	r, ok := Lookup(channelType)
	if !ok {
		return nil, fmt.Errorf("unknown channel type %q (known: %v)", channelType, Types())
	}
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	c, err := r.New(config, deps)
	if err != nil {
		return nil, fmt.Errorf("channel %s (%s): %w", deps.ChannelID, channelType, err)
	}
	return c, nil
}

// DecodeConfig unmarshals a connector's config strictly: unknown keys are an
// error naming the key, so typos fail at start instead of being ignored.
func DecodeConfig(raw json.RawMessage, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

var channelIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidChannelID reports whether id can name a channel: 1-63 lower-case
// letters, digits, - or _, starting with a letter or digit (it appears in
// webhook URLs and environment variable names).
func ValidChannelID(id switchboard.ChannelID) bool { return channelIDPattern.MatchString(string(id)) }
