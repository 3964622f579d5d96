// Package hours answers whether a department is open at a moment, and
// when that next changes, from its business hours (switchboard.
// BusinessHours: an IANA time zone, weekly ranges, holidays and special
// days). It is pure: times are interpreted in the department's zone, so
// daylight-saving changes and holidays fall where the department's clock
// puts them.
package hours

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// Days are the keys of BusinessHours.Weekly, Sunday first like time.Weekday.
var Days = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

const dateLayout = "2006-01-02"

// Validate checks hours as an admin wrote them; the error names the field.
func Validate(h *switchboard.BusinessHours) error {
	if h == nil {
		return nil
	}
	if h.TimeZone == "" || h.TimeZone == "Local" {
		return errors.New("hours.time_zone: required, an IANA name like Asia/Tokyo")
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil {
		return fmt.Errorf("hours.time_zone: %q is not an IANA time zone like Asia/Tokyo", h.TimeZone)
	}
	for day, ranges := range h.Weekly {
		if !slices.Contains(Days[:], day) {
			return fmt.Errorf("hours.weekly: %q is not one of mon, tue, wed, thu, fri, sat, sun", day)
		}
		if err := checkRanges("hours.weekly."+day, ranges); err != nil {
			return err
		}
	}
	for i, d := range h.Holidays {
		if _, err := time.Parse(dateLayout, d); err != nil {
			return fmt.Errorf("hours.holidays[%d]: %q is not a date like 2026-12-31", i, d)
		}
	}
	for i, sd := range h.Special {
		if _, err := time.Parse(dateLayout, sd.Date); err != nil {
			return fmt.Errorf("hours.special[%d].date: %q is not a date like 2026-12-24", i, sd.Date)
		}
		if err := checkRanges(fmt.Sprintf("hours.special[%d].ranges", i), sd.Ranges); err != nil {
			return err
		}
	}
	return nil
}

func checkRanges(field string, ranges []switchboard.TimeRange) error {
	for i, r := range ranges {
		from, err1 := minutes(r.From)
		to, err2 := minutes(r.To)
		if err1 != nil || err2 != nil || from >= to || from == 24*60 {
			return fmt.Errorf("%s[%d]: %q to %q is not a range like 09:00 to 18:00 (to after from, at most 24:00)", field, i, r.From, r.To)
		}
	}
	return nil
}

// minutes parses "HH:MM" (00:00 to 24:00) into minutes since midnight.
func minutes(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || len(hh) != 2 || len(mm) != 2 || err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time like 09:30", s)
	}
	return h*60 + m, nil
}

// Open reports whether the department with hours h is open at t. Nil
// hours are always open; hours that don't validate are closed.
func Open(h *switchboard.BusinessHours, t time.Time) bool {
	if h == nil {
		return true
	}
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		return false
	}
	local := t.In(loc)
	now := local.Hour()*60 + local.Minute()
	for _, r := range dayRanges(h, local) {
		from, err1 := minutes(r.From)
		to, err2 := minutes(r.To)
		if err1 == nil && err2 == nil && now >= from && now < to {
			return true
		}
	}
	return false
}

// dayRanges are the opening ranges of the local date of t: a special
// day's, none on a holiday, else the weekday's.
func dayRanges(h *switchboard.BusinessHours, t time.Time) []switchboard.TimeRange {
	date := t.Format(dateLayout)
	for _, sd := range h.Special {
		if sd.Date == date {
			return sd.Ranges
		}
	}
	if slices.Contains(h.Holidays, date) {
		return nil
	}
	return h.Weekly[Days[t.Weekday()]]
}

// NextChange returns the first moment after t when Open changes (the next
// opening while closed, the next closing while open), looking at most two
// weeks plus the special days ahead; zero when it never changes (nil
// hours, or never open).
func NextChange(h *switchboard.BusinessHours, t time.Time) time.Time {
	if h == nil {
		return time.Time{}
	}
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		return time.Time{}
	}
	open := Open(h, t)
	local := t.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	horizon := 15
	for _, sd := range h.Special {
		if d, err := time.ParseInLocation(dateLayout, sd.Date, loc); err == nil && d.After(day) {
			horizon = max(horizon, int(d.Sub(day).Hours()/24)+2)
		}
	}
	for i := 0; i < horizon; i++ {
		d := day.AddDate(0, 0, i)
		// Each boundary of the day (range starts and ends, and the next
		// midnight) is a candidate; the first after t where Open differs
		// is the change.
		var marks []int
		for _, r := range dayRanges(h, d) {
			if from, err := minutes(r.From); err == nil {
				marks = append(marks, from)
			}
			if to, err := minutes(r.To); err == nil {
				marks = append(marks, to)
			}
		}
		marks = append(marks, 24*60)
		slices.Sort(marks)
		for _, m := range marks {
			at := atMinute(d, m)
			if at.After(t) && Open(h, at) != open {
				return at
			}
		}
	}
	return time.Time{}
}

// atMinute is minute m of the local day d (m may be 24*60: the next
// midnight). On a daylight-saving jump, a wall time that doesn't exist
// lands where time.Date puts it (after the gap).
func atMinute(d time.Time, m int) time.Time {
	if m == 24*60 {
		return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, d.Location())
	}
	return time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, d.Location())
}

// Week describes the weekly hours for people, Monday first: one line per
// day ("mon 09:00–18:00") for widgets and auto replies; closed days are
// left out.
func Week(h *switchboard.BusinessHours) []string {
	if h == nil {
		return nil
	}
	var out []string
	for _, i := range []int{1, 2, 3, 4, 5, 6, 0} {
		day := Days[i]
		ranges := h.Weekly[day]
		if len(ranges) == 0 {
			continue
		}
		parts := make([]string, len(ranges))
		for j, r := range ranges {
			parts[j] = r.From + "–" + r.To
		}
		out = append(out, day+" "+strings.Join(parts, ", "))
	}
	return out
}
