package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// Helpers both engines use for the customer methods (issue 13): they read
// a contact, change it in Go and write it back, so the rules of an update,
// a merge and an erasure live here once.

// Apply sets the fields u names on k (attributes replaced, then
// MergeAttributes added; labels replaced).
func (u ContactUpdate) Apply(k *switchboard.Contact) {
	setStr := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setStr(&k.Name, u.Name)
	setStr(&k.Email, u.Email)
	setStr(&k.Phone, u.Phone)
	setStr(&k.AvatarURL, u.AvatarURL)
	setStr(&k.Language, u.Language)
	setStr(&k.ExternalRef, u.ExternalRef)
	if u.EmailVerified != nil {
		k.EmailVerified = *u.EmailVerified
	}
	if u.PhoneVerified != nil {
		k.PhoneVerified = *u.PhoneVerified
	}
	if u.Attributes != nil {
		k.Attributes = maps.Clone(u.Attributes)
	}
	if len(u.MergeAttributes) > 0 {
		if k.Attributes == nil {
			k.Attributes = map[string]string{}
		}
		maps.Copy(k.Attributes, u.MergeAttributes)
	}
	if u.Labels != nil {
		k.Labels = slices.Clone(u.Labels)
	}
	if len(k.Attributes) == 0 {
		k.Attributes = nil
	}
	if len(k.Labels) == 0 {
		k.Labels = nil
	}
}

// MergeContact returns into with from made part of it: into's empty
// profile fields and external ref filled from from (an e-mail or phone
// taken over brings its verified flag; the same one verified on either
// side is verified), attributes united (into's values win), labels
// united (sorted, unique), the newer context kept. Identities are not
// touched.
func MergeContact(into, from switchboard.Contact) switchboard.Contact {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&into.Name, from.Name)
	fill(&into.AvatarURL, from.AvatarURL)
	fill(&into.Language, from.Language)
	fill(&into.ExternalRef, from.ExternalRef)
	switch {
	case into.Email == "":
		into.Email, into.EmailVerified = from.Email, from.EmailVerified
	case strings.EqualFold(into.Email, from.Email):
		into.EmailVerified = into.EmailVerified || from.EmailVerified
	}
	switch {
	case into.Phone == "":
		into.Phone, into.PhoneVerified = from.Phone, from.PhoneVerified
	case into.Phone == from.Phone:
		into.PhoneVerified = into.PhoneVerified || from.PhoneVerified
	}
	if len(from.Attributes) > 0 {
		attrs := maps.Clone(from.Attributes)
		maps.Copy(attrs, into.Attributes)
		into.Attributes = attrs
	}
	if len(from.Labels) > 0 {
		labels := append(slices.Clone(into.Labels), from.Labels...)
		slices.Sort(labels)
		into.Labels = slices.Compact(labels)
	}
	if contextSeen(from.Context).After(contextSeen(into.Context)) {
		into.Context = from.Context
	}
	return into
}

// contextSeen is when a context was last seen (zero for none).
func contextSeen(c *switchboard.CustomerContext) time.Time {
	if c == nil || c.LastSeenAt == nil {
		return time.Time{}
	}
	return *c.LastSeenAt
}

// ContextSeenAt is the time engines store beside a context for the
// retention sweep: its LastSeenAt, or now when it has none; nil for no
// context.
func ContextSeenAt(c *switchboard.CustomerContext, now time.Time) *time.Time {
	if c == nil {
		return nil
	}
	at := now.UTC()
	if c.LastSeenAt != nil {
		at = c.LastSeenAt.UTC()
	}
	return &at
}

// EncodeJSON encodes v for a JSON column; a nil map, slice or pointer (or
// an empty map or slice) is "" (none).
func EncodeJSON[T any](v T) (string, error) {
	switch x := any(v).(type) {
	case map[string]string:
		if len(x) == 0 {
			return "", nil
		}
	case []string:
		if len(x) == 0 {
			return "", nil
		}
	case *switchboard.CustomerContext:
		if x == nil {
			return "", nil
		}
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// DecodeJSON decodes a JSON column into *v; "" and "null" leave it zero.
func DecodeJSON[T any](s string, v *T) error {
	if s == "" || s == "null" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// ErasedText is what EraseContact puts where a scrubbed string stood.
const ErasedText = "[erased]"

// ScrubTerms returns the non-empty terms longest first, so that a name is
// replaced whole before its words are.
func ScrubTerms(scrub []string) []string {
	var out []string
	for _, s := range scrub {
		if s != "" && s != ErasedText {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// Scrub replaces each of terms (from ScrubTerms) in s by ErasedText.
func Scrub(s string, terms []string) string {
	for _, t := range terms {
		s = strings.ReplaceAll(s, t, ErasedText)
	}
	return s
}

// ScrubMessage returns m with each of terms replaced in every string of
// its parts and in its failure reason, and whether anything changed.
func ScrubMessage(m switchboard.Message, terms []string) (switchboard.Message, bool, error) {
	raw, err := json.Marshal(m.Parts)
	if err != nil {
		return m, false, err
	}
	out := string(raw)
	for _, t := range terms {
		enc, err := json.Marshal(t)
		if err != nil {
			return m, false, err
		}
		out = strings.ReplaceAll(out, string(enc[1:len(enc)-1]), ErasedText)
	}
	reason := Scrub(m.FailureReason, terms)
	if out == string(raw) && reason == m.FailureReason {
		return m, false, nil
	}
	m.Parts, m.FailureReason = nil, reason
	if err := json.Unmarshal([]byte(out), &m.Parts); err != nil {
		return m, false, fmt.Errorf("message %s: scrubbed parts: %w", m.ID, err)
	}
	return m, true, nil
}

// ErasedContact is k as EraseContact leaves it: every field that named the
// customer empty, ErasedAt at.
func ErasedContact(k switchboard.Contact, at time.Time) switchboard.Contact {
	at = at.UTC()
	return switchboard.Contact{ID: k.ID, WorkspaceID: k.WorkspaceID, ErasedAt: &at, CreatedAt: k.CreatedAt, UpdatedAt: at}
}
