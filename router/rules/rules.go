// Package rules matches new conversations against a workspace's routing
// rules. It is pure: the router gathers a conversation's channel, contact
// and first message into a switchboard.RoutingInput and applies the first
// matching rule's action.
package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
)

// First returns the first rule, by Position (ties by id), whose match
// in satisfies; false when none does (the default department takes it).
func First(rules []switchboard.RoutingRule, in switchboard.RoutingInput) (switchboard.RoutingRule, bool) {
	ordered := slices.Clone(rules)
	slices.SortStableFunc(ordered, func(a, b switchboard.RoutingRule) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, r := range ordered {
		if Match(r.Match, in) {
			return r, true
		}
	}
	return switchboard.RoutingRule{}, false
}

// Match reports whether in satisfies every set field of m: channel and
// channel type exactly, language by prefix ("ja" matches "ja-JP"), the page
// URL by glob, any keyword as a case-insensitive substring of the text (no
// word splitting, so Japanese works), every attribute equal and every
// label present. An empty match matches everything.
func Match(m switchboard.RuleMatch, in switchboard.RoutingInput) bool {
	if m.Channel != "" && m.Channel != in.Channel {
		return false
	}
	if m.ChannelType != "" && m.ChannelType != in.ChannelType {
		return false
	}
	if m.Language != "" && !languageMatches(m.Language, in.Language) {
		return false
	}
	if m.PageURL != "" && !Glob(m.PageURL, in.PageURL) {
		return false
	}
	if len(m.Keywords) > 0 && !anyKeyword(m.Keywords, in.Text) {
		return false
	}
	for k, v := range m.Attributes {
		if got, ok := in.Attributes[k]; !ok || got != v {
			return false
		}
	}
	for _, l := range m.Labels {
		if !slices.ContainsFunc(in.Labels, func(have string) bool { return strings.EqualFold(have, l) }) {
			return false
		}
	}
	return true
}

// languageMatches compares BCP 47 tags by prefix on subtag boundaries,
// ignoring case: "ja" matches "ja", "ja-JP"; "en-GB" does not match "en".
func languageMatches(want, have string) bool {
	want, have = strings.ToLower(want), strings.ToLower(strings.ReplaceAll(have, "_", "-"))
	return have == want || strings.HasPrefix(have, want+"-")
}

func anyKeyword(keywords []string, text string) bool {
	text = fold(text)
	for _, k := range keywords {
		if k = fold(strings.TrimSpace(k)); k != "" && strings.Contains(text, k) {
			return true
		}
	}
	return false
}

// fold makes text comparable: lower case, and full-width ASCII (ＡＢＣ１２３,
// common in Japanese input) as half-width.
func fold(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' {
			return r - '！' + '!'
		}
		if r == '\u3000' {
			return ' '
		}
		return r
	}, s))
}

// Glob matches s against pattern, where "*" stands for any run of
// characters (slashes too) and "?" for one; everything else is literal.
// An empty s (no page known) matches only "*".
func Glob(pattern, s string) bool {
	// Not path.Match: it stops "*" at "/" and knows [classes]. This is the
	// classic linear-memory wildcard match: on a mismatch, let the last
	// star take one more character.
	p, str := []rune(pattern), []rune(s)
	i, j, star, mark := 0, 0, -1, 0
	for j < len(str) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == str[j]):
			i, j = i+1, j+1
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			mark++
			i, j = star+1, mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// Validate checks a rule as an admin wrote it; the error names the field.
func Validate(r switchboard.RoutingRule) error {
	if strings.TrimSpace(r.Name) == "" || utf8.RuneCountInString(r.Name) > 100 {
		return errors.New("name: required, at most 100 characters")
	}
	m := r.Match
	if utf8.RuneCountInString(m.PageURL) > 2048 {
		return errors.New("match.page_url: longer than 2048 characters")
	}
	if len(m.Keywords) > 100 {
		return fmt.Errorf("match.keywords: %d is over the limit of 100", len(m.Keywords))
	}
	for i, k := range m.Keywords {
		if strings.TrimSpace(k) == "" || utf8.RuneCountInString(k) > 100 {
			return fmt.Errorf("match.keywords[%d]: empty or longer than 100 characters", i)
		}
	}
	if len(m.Attributes) > 50 {
		return errors.New("match.attributes: more than 50")
	}
	a := r.Action
	if a.DepartmentID == "" && a.AssigneeID == "" && a.Priority == 0 && len(a.Labels) == 0 {
		return errors.New("action: set department_id, assignee_id, priority or labels")
	}
	if a.Priority < -100 || a.Priority > 100 {
		return fmt.Errorf("action.priority: %d is not between -100 and 100", a.Priority)
	}
	return nil
}
