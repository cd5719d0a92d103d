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

fn event(entry: &Entry) -> Event {
    let mut event = Event::new();
    event
        .uid(&entry.uid)
        .summary(&entry.summary)
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
        event.location(location);
    }
    if let Some(description) = &entry.description {
        event.description(description);
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
    calendar.name(name).timezone(ZONE);
    for entry in sorted {
        calendar.push(event(entry));
    }
    let text = calendar.done().to_string();
    // The zone's definition goes before the first event.
    match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{VTIMEZONE}{}", &text[..at], &text[at..]),
        None => text.replacen("END:VCALENDAR", &format!("{VTIMEZONE}END:VCALENDAR"), 1),
    }
}
