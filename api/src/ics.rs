//! Calendar entries as iCalendar (RFC 5545), made with the icalendar crate:
//! all-day events for deadlines, Europe/Stockholm local times for meetings
//! (with the zone's definition, which Outlook needs), stable UIDs, and
//! DTSTAMP and SEQUENCE from the data, so the same data is the same feed.

use chrono::NaiveDate;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

use crate::service::calendar::{Entry, When};

const ZONE: &str = "Europe/Stockholm";

/// Europe/Stockholm: CET, CEST from the last Sunday of March to the last
/// Sunday of October (EU rules since 1996).
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// A TEXT value as RFC 5545 allows it (§ 3.3.11): a line break is written
/// `\n` (the crate escapes LF, and `;`, `,` and `\\`, but not CR, which a
/// client that breaks lines on CR would read as the end of the property — a
/// way to inject events), so CR LF and a lone CR become LF; other control
/// characters are not allowed in TEXT and are dropped.
/// The Unicode line and paragraph separators (U+2028, U+2029), which common
/// parsers read as line breaks too, are written as the line break they mean.
/// Whitespace at the end of a value (any Unicode whitespace) carries nothing
/// and is dropped, as many clients drop it on reading.
pub fn text(value: &str) -> String {
    let kept: String = value
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    kept.trim_end().to_string()
}

/// The longest line RFC 5545 allows (§ 3.1), in octets, without its CR LF.
const LINE: usize = 75;

/// Folds a content line at 75 octets, on a character boundary, and where it
/// can so that no piece ends in whitespace: clients that trim the end of
/// each line they read would otherwise lose a space of the value.
fn fold(line: &str, out: &mut String) {
    let mut rest = line;
    let mut limit = LINE;
    while rest.len() > limit {
        let mut at = limit;
        while !rest.is_char_boundary(at) {
            at -= 1;
        }
        let mut nice = at;
        // Any Unicode whitespace: clients trim a no-break space as well.
        while let Some(last) = rest[..nice]
            .chars()
            .next_back()
            .filter(|c| c.is_whitespace())
        {
            if nice <= last.len_utf8() + 1 {
                break;
            }
            nice -= last.len_utf8();
        }
        if nice > 1 {
            at = nice;
        }
        out.push_str(&rest[..at]);
        out.push_str("\r\n ");
        rest = &rest[at..];
        // A continuation starts with the space that marks it.
        limit = LINE - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// Every line of `feed` folded by `fold`, whatever folding it had.
fn refold(feed: &str) -> String {
    let unfolded = feed.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(feed.len() + feed.len() / 32);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        fold(line, &mut out);
    }
    out
}

fn event(entry: &Entry) -> Event {
    let mut event = Event::new();
    event
        .uid(&text(&entry.uid))
        .summary(&text(&entry.summary))
        .timestamp(entry.stamp)
        .sequence(entry.sequence);
    match &entry.when {
        When::Day(day) => {
            event.all_day(*day);
        }
        When::Local { start, end } => {
            event.starts(CalendarDateTime::WithTimezone {
                date_time: *start,
                tzid: ZONE.into(),
            });
            if let Some(end) = end {
                event.ends(CalendarDateTime::WithTimezone {
                    date_time: *end,
                    tzid: ZONE.into(),
                });
            }
        }
    }
    if let Some(location) = &entry.location {
        event.location(&text(location));
    }
    if let Some(description) = &entry.description {
        event.description(&text(description));
    }
    event.done()
}

fn day_of(when: &When) -> NaiveDate {
    match when {
        When::Day(day) => *day,
        When::Local { start, .. } => start.date(),
    }
}

/// The feed named `name`, its entries in date order.
pub fn render(name: &str, entries: &[Entry]) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| {
        day_of(&a.when)
            .cmp(&day_of(&b.when))
            .then(a.uid.cmp(&b.uid))
    });
    let mut calendar = Calendar::new();
    calendar.name(&text(name)).timezone(ZONE);
    for entry in sorted {
        calendar.push(event(entry));
    }
    let feed = refold(&calendar.done().to_string());
    // The zone's definition goes before the first event.
    match feed.find("\r\nBEGIN:VEVENT") {
        Some(at) => format!("{}\r\n{VTIMEZONE}{}", &feed[..at], &feed[at + 2..]),
        None => feed.replacen("END:VCALENDAR", &format!("{VTIMEZONE}END:VCALENDAR"), 1),
    }
}
