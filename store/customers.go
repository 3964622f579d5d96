package store

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
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

// Scrub replaces each of terms (from ScrubTerms) in s by ErasedText,
// ignoring case ("ZELDA" and "zelda" name Zelda too).
func Scrub(s string, terms []string) string {
	if s == "" || len(terms) == 0 {
		return s
	}
	return scrubPattern(terms).ReplaceAllLiteralString(s, ErasedText)
}

// scrubPattern matches any of terms, ignoring case; nil for no terms.
func scrubPattern(terms []string) *regexp.Regexp {
	if len(terms) == 0 {
		return nil
	}
	alts := make([]string, len(terms))
	for i, t := range terms {
		alts[i] = regexp.QuoteMeta(t)
	}
	return regexp.MustCompile("(?i)(?:" + strings.Join(alts, "|") + ")")
}

// ScrubMessage returns m with each of terms replaced in every string of
// its parts (text, captions, file names, button labels, form answers,
// link previews...) and in its failure reason, and whether anything
// changed. Field names and kinds are never touched.
func ScrubMessage(m switchboard.Message, terms []string) (switchboard.Message, bool, error) {
	before, err := json.Marshal(m.Parts)
	if err != nil {
		return m, false, err
	}
	var parts []switchboard.Part
	if err := json.Unmarshal(before, &parts); err != nil { // a deep copy
		return m, false, err
	}
	if re := scrubPattern(terms); re != nil {
		scrubStrings(reflect.ValueOf(&parts).Elem(), re)
	}
	after, err := json.Marshal(parts)
	if err != nil {
		return m, false, err
	}
	reason := Scrub(m.FailureReason, terms)
	if string(after) == string(before) && reason == m.FailureReason {
		return m, false, nil
	}
	m.Parts, m.FailureReason = parts, reason
	return m, true, nil
}

// notScrubbed are the fields of parts that identify rather than say
// something (a media id is hex a short name could match); string types
// of their own (kinds, ids) are never scrubbed either.
var notScrubbed = map[string]bool{"MediaID": true, "ContentType": true, "StickerID": true, "PackageID": true}

var plainString = reflect.TypeFor[string]()

// scrubStrings replaces what re matches in every plain string (and byte
// slice, such as a template's raw JSON) reachable from v, which must be
// settable. The pattern is made once per message, not per string.
func scrubStrings(v reflect.Value, re *regexp.Regexp) {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == plainString {
			v.SetString(re.ReplaceAllLiteralString(v.String(), ErasedText))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scrubStrings(v.Elem(), re)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && !notScrubbed[f.Name] {
				scrubStrings(v.Field(i), re)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.Kind() == reflect.Slice && !v.IsNil() {
				v.SetBytes(re.ReplaceAllLiteral(v.Bytes(), []byte(ErasedText)))
			}
			return
		}
		for i := range v.Len() {
			scrubStrings(v.Index(i), re)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scrubStrings(e, re)
			v.SetMapIndex(k, e)
		}
	}
}

// ErasedMessage is a message of an erased customer's conversation as
// EraseContact leaves it: the columns an engine writes back.
type ErasedMessage struct {
	ID            switchboard.MessageID
	Parts, Text   string // parts as stored JSON
	ExternalID    switchboard.ExternalID
	FailureReason string
	DeletedAt     *time.Time
}

// EraseMessages returns how the messages of an erased customer's
// conversation change (only those that do) and the media ids the
// customer's messages named: theirs lose parts and external id
// ("erased:<id>") and are marked deleted at at; every other message has
// each of terms replaced by ErasedText.
func EraseMessages(msgs []switchboard.Message, terms []string, at time.Time) ([]ErasedMessage, []string, error) {
	var out []ErasedMessage
	var mediaIDs []string
	for _, m := range msgs {
		if m.Direction == switchboard.DirectionIn {
			mediaIDs = append(mediaIDs, MediaIDs(m.Parts)...)
			deleted := m.DeletedAt
			if deleted == nil {
				deleted = &at
			}
			out = append(out, ErasedMessage{ID: m.ID, Parts: "[]", ExternalID: switchboard.ExternalID("erased:" + string(m.ID)),
				FailureReason: m.FailureReason, DeletedAt: deleted})
			continue
		}
		sm, ok, err := ScrubMessage(m, terms)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		parts, err := json.Marshal(sm.Parts)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, ErasedMessage{ID: m.ID, Parts: string(parts), Text: sm.Text(), ExternalID: m.ExternalID,
			FailureReason: sm.FailureReason, DeletedAt: m.DeletedAt})
	}
	return out, mediaIDs, nil
}

// ErasedContact is k as EraseContact leaves it: every field that named the
// customer empty, ErasedAt at.
func ErasedContact(k switchboard.Contact, at time.Time) switchboard.Contact {
	at = at.UTC()
	return switchboard.Contact{ID: k.ID, WorkspaceID: k.WorkspaceID, ErasedAt: &at, CreatedAt: k.CreatedAt, UpdatedAt: at}
}
