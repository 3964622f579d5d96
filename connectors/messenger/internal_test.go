package messenger

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
)

func TestProfileCache(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	pc := newProfileCache(4, time.Hour)
	for i, id := range []string{"a", "b", "c", "d"} {
		pc.put(id, switchboard.Profile{Name: id}, now.Add(time.Duration(i)*time.Minute), 0)
	}
	if p, ok := pc.get("a", now.Add(30*time.Minute)); !ok || p.Name != "a" {
		t.Fatalf("a = %+v, %v", p, ok)
	}
	if _, ok := pc.get("a", now.Add(61*time.Minute)); ok {
		t.Error("a expired profile was served")
	}
	pc.put("e", switchboard.Profile{Name: "e"}, now.Add(10*time.Minute), 0) // full: the older half goes
	if _, ok := pc.get("e", now.Add(11*time.Minute)); !ok {
		t.Error("the newest profile was evicted")
	}
	if _, ok := pc.get("a", now.Add(11*time.Minute)); ok {
		t.Error("the oldest profile survived a full cache")
	}
	if len(pc.entries) > 4 {
		t.Errorf("%d entries in a cache of 4", len(pc.entries))
	}
	pc.put("x", switchboard.Profile{}, now, 10*time.Minute) // a failed look-up, cached briefly
	if _, ok := pc.get("x", now.Add(11*time.Minute)); ok {
		t.Error("a failed look-up was cached for the full time")
	}
}

func TestRecentSet(t *testing.T) {
	s := newRecentSet(2)
	s.add("m1")
	s.add("m2")
	s.add("m2")
	s.add("m3")
	if s.has("m1") || !s.has("m2") || !s.has("m3") {
		t.Errorf("set = %v", s.order)
	}
}

func TestSplitText(t *testing.T) {
	ig := &Connector{flavor: Flavor{MaxTextChars: 1000, MaxTextBytes: 1000}}
	fb := &Connector{flavor: Flavor{MaxTextChars: 2000}}
	tests := []struct {
		name   string
		c      *Connector
		text   string
		pieces int
	}{
		{"fits", fb, "hello", 1},
		{"characters", fb, strings.Repeat("あ", 4001), 3},
		{"bytes", ig, strings.Repeat("あ", 400), 2},
		{"emoji on the boundary", ig, strings.Repeat("a", 998) + "😀b", 2},
		{"invalid UTF-8", ig, strings.Repeat("\xff", 1500), 2},
		{"word break", fb, strings.Repeat("word ", 401), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pieces := tc.c.splitText(tc.text)
			if len(pieces) != tc.pieces || strings.Join(pieces, "") != tc.text {
				t.Fatalf("%d pieces (want %d), joined equal %v", len(pieces), tc.pieces, strings.Join(pieces, "") == tc.text)
			}
			for _, p := range pieces {
				if !tc.c.fitsText(p) {
					t.Errorf("piece of %d bytes, %d characters does not fit", len(p), utf8.RuneCountInString(p))
				}
				if utf8.ValidString(tc.text) && !utf8.ValidString(p) {
					t.Error("a piece splits a character")
				}
			}
		})
	}
}
