package hours_test

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/hours"
)

var weekdays = []switchboard.TimeRange{{From: "09:00", To: "18:00"}}

func tokyo() *switchboard.BusinessHours {
	return &switchboard.BusinessHours{
		TimeZone: "Asia/Tokyo",
		Weekly:   map[string][]switchboard.TimeRange{"mon": weekdays, "tue": weekdays, "wed": weekdays, "thu": weekdays, "fri": weekdays, "sat": {{From: "10:00", To: "12:00"}, {From: "13:00", To: "15:00"}}},
		Holidays: []string{"2026-12-31"},
		Special:  []switchboard.SpecialDay{{Date: "2026-12-24", Ranges: []switchboard.TimeRange{{From: "09:00", To: "12:00"}}}, {Date: "2026-12-27", Ranges: []switchboard.TimeRange{{From: "20:00", To: "24:00"}}}},
	}
}

func at(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpen(t *testing.T) {
	h := tokyo()
	tests := []struct {
		name, zone, when string
		want             bool
	}{
		{"weekday morning", "Asia/Tokyo", "2026-12-02 09:00", true},
		{"just before opening", "Asia/Tokyo", "2026-12-02 08:59", false},
		{"closing minute is closed", "Asia/Tokyo", "2026-12-02 18:00", false},
		{"last open minute", "Asia/Tokyo", "2026-12-02 17:59", true},
		{"the zone, not the caller's: 00:30 UTC is 09:30 in Tokyo", "UTC", "2026-12-02 00:30", true},
		{"09:30 in London is 18:30 in Tokyo", "Europe/London", "2026-12-02 09:30", false},
		{"Saturday lunch break", "Asia/Tokyo", "2026-12-05 12:30", false},
		{"Saturday afternoon", "Asia/Tokyo", "2026-12-05 13:00", true},
		{"Sunday", "Asia/Tokyo", "2026-12-06 11:00", false},
		{"holiday on a Thursday", "Asia/Tokyo", "2026-12-31 10:00", false},
		{"special day short hours", "Asia/Tokyo", "2026-12-24 11:59", true},
		{"special day after its hours", "Asia/Tokyo", "2026-12-24 13:00", false},
		{"special day open on a Sunday until midnight", "Asia/Tokyo", "2026-12-27 23:59", true},
	}
	for _, tc := range tests {
		if got := hours.Open(h, at(t, tc.zone, tc.when)); got != tc.want {
			t.Errorf("%s: Open(%s %s) = %v, want %v", tc.name, tc.when, tc.zone, got, tc.want)
		}
	}
	if !hours.Open(nil, time.Now()) {
		t.Error("a department without hours is not always open")
	}
}

// Daylight-saving changes: hours follow the department's wall clock.
func TestOpenAcrossDST(t *testing.T) {
	ny := &switchboard.BusinessHours{TimeZone: "America/New_York", Weekly: map[string][]switchboard.TimeRange{"sun": {{From: "01:00", To: "04:00"}}, "mon": weekdays}}
	// 2026-03-08 02:00 EST jumps to 03:00 EDT.
	for _, tc := range []struct {
		utc  string
		want bool
	}{
		{"2026-03-08 06:30", true},  // 01:30 EST
		{"2026-03-08 07:30", true},  // 03:30 EDT (02:xx never happened)
		{"2026-03-08 08:00", false}, // 04:00 EDT
		{"2026-03-09 13:00", true},  // Monday 09:00 EDT (was 14:00 UTC in winter)
		{"2026-03-09 12:59", false},
	} {
		if got := hours.Open(ny, at(t, "UTC", tc.utc)); got != tc.want {
			t.Errorf("New York at %s UTC: open %v, want %v", tc.utc, got, tc.want)
		}
	}
	// The week the clocks change, 09:00 London is 08:00 then 09:00 UTC.
	london := &switchboard.BusinessHours{TimeZone: "Europe/London", Weekly: map[string][]switchboard.TimeRange{"fri": weekdays, "mon": weekdays}}
	if !hours.Open(london, at(t, "UTC", "2026-03-27 09:00")) || hours.Open(london, at(t, "UTC", "2026-03-30 07:59")) || !hours.Open(london, at(t, "UTC", "2026-03-30 08:00")) {
		t.Error("London hours do not follow the change to summer time")
	}
}

func TestNextChange(t *testing.T) {
	h := tokyo()
	tests := []struct{ from, want string }{
		{"2026-12-02 10:00", "2026-12-02 18:00"}, // open: closes at six
		{"2026-12-02 18:00", "2026-12-03 09:00"}, // closed: opens next morning
		{"2026-12-05 12:00", "2026-12-05 13:00"}, // lunch break ends
		{"2026-12-05 15:00", "2026-12-07 09:00"}, // over Sunday to Monday
		{"2026-12-30 18:00", "2027-01-01 09:00"}, // over the holiday
		{"2026-12-23 18:30", "2026-12-24 09:00"},
		{"2026-12-26 16:00", "2026-12-27 20:00"}, // a special Sunday evening
		{"2026-12-27 21:00", "2026-12-28 00:00"}, // ends at midnight
	}
	for _, tc := range tests {
		got := hours.NextChange(h, at(t, "Asia/Tokyo", tc.from))
		if want := at(t, "Asia/Tokyo", tc.want); !got.Equal(want) {
			t.Errorf("NextChange(%s) = %s, want %s", tc.from, got.In(want.Location()), want)
		}
	}
	if !hours.NextChange(nil, time.Now()).IsZero() {
		t.Error("always open changes")
	}
	never := &switchboard.BusinessHours{TimeZone: "UTC"}
	if !hours.NextChange(never, time.Now()).IsZero() {
		t.Error("never open changes")
	}
}

func TestValidate(t *testing.T) {
	if err := hours.Validate(tokyo()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		h     switchboard.BusinessHours
		field string
	}{
		{switchboard.BusinessHours{}, "hours.time_zone"},
		{switchboard.BusinessHours{TimeZone: "Mars/Olympus"}, "hours.time_zone"},
		{switchboard.BusinessHours{TimeZone: "UTC", Weekly: map[string][]switchboard.TimeRange{"monday": weekdays}}, "hours.weekly"},
		{switchboard.BusinessHours{TimeZone: "UTC", Weekly: map[string][]switchboard.TimeRange{"mon": {{From: "18:00", To: "09:00"}}}}, "hours.weekly.mon[0]"},
		{switchboard.BusinessHours{TimeZone: "UTC", Weekly: map[string][]switchboard.TimeRange{"mon": {{From: "9:00", To: "17:00"}}}}, "hours.weekly.mon[0]"},
		{switchboard.BusinessHours{TimeZone: "UTC", Weekly: map[string][]switchboard.TimeRange{"mon": {{From: "09:00", To: "24:30"}}}}, "hours.weekly.mon[0]"},
		{switchboard.BusinessHours{TimeZone: "UTC", Holidays: []string{"31/12/2026"}}, "hours.holidays[0]"},
		{switchboard.BusinessHours{TimeZone: "UTC", Special: []switchboard.SpecialDay{{Date: "2026-12-24", Ranges: []switchboard.TimeRange{{From: "x", To: "y"}}}}}, "hours.special[0].ranges[0]"},
	} {
		err := hours.Validate(&tc.h)
		if err == nil || !strings.HasPrefix(err.Error(), tc.field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", tc.h, err, tc.field)
		}
	}
}

func TestWeek(t *testing.T) {
	got := strings.Join(hours.Week(tokyo()), "; ")
	if want := "mon 09:00–18:00; tue 09:00–18:00; wed 09:00–18:00; thu 09:00–18:00; fri 09:00–18:00; sat 10:00–12:00, 13:00–15:00"; got != want {
		t.Errorf("Week = %q, want %q", got, want)
	}
}
