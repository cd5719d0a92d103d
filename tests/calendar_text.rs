//! Any text a förbund writes — a meeting's place, a DSO contact — reaches
//! the calendar feeds as RFC 5545 TEXT: escaped (CR included, which a client
//! breaking lines on CR would otherwise take for the end of a property and
//! the start of an injected one), folded at 75 octets, and read back by an
//! independent parser (the `ical` crate) as the same events with the same
//! values.

use chrono::{NaiveDate, TimeZone, Utc};
use finsam_api::ics::{render, text};
use finsam_api::service::calendar::{Entry, When};
use proptest::prelude::*;

fn entry(uid: String, summary: String, location: Option<String>, day: u32) -> Entry {
    Entry {
        uid,
        summary,
        when: When::Day(NaiveDate::from_ymd_opt(2026, 1, 1 + day % 28).expect("a day")),
        location,
        description: Some("Dagordning;\\ punkt 1,\r\n punkt 2".into()),
        stamp: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("a time"),
        sequence: day,
    }
}

/// RFC 5545 § 3.3.11: what an escaped TEXT value stands for.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn property<'a>(
    event: &'a ical::parser::ical::component::IcalEvent,
    name: &str,
) -> Option<&'a str> {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

/// The value a reader gets back: the text as the feed holds it (`text`),
/// less the colons it begins with, which the `ical` crate's parser drops
/// (it trims every `:` after the property name; RFC 5545 keeps them).
fn as_read(value: &str) -> String {
    text(value).trim_start_matches(':').to_string()
}

/// Text as people type it and as attackers send it: letters of every
/// script, the characters TEXT escapes, line breaks of every kind and other
/// control characters.
fn any_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            2 => prop::sample::select(vec!['\r', '\n', ';', ',', '\\', ':', '"', ' ', '\u{a0}', '\u{2003}', '\u{2028}', '\u{2029}', 'å', 'ä', 'ö', '€', '😀']),
            1 => Just('\u{0}'),
        ],
        1..120,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn every_text_round_trips_through_the_feed(
        summary in any_text(),
        place in any_text(),
        uid in "[a-z0-9@.-]{1,40}",
        day in 0u32..27,
    ) {
        let entries = vec![
            entry(format!("{uid}-a"), summary.clone(), Some(place.clone()), day),
            entry(format!("{uid}-b"), "Styrelsemöte".into(), None, day + 1),
        ];
        let feed = render("Sammanträden", &entries);

        // Lines end in CR LF only, and none is longer than 75 octets.
        let body = feed.strip_suffix("\r\n").expect("the feed ends a line");
        for line in body.split("\r\n") {
            prop_assert!(!line.contains('\r') && !line.contains('\n'), "a bare line break: {line:?}");
            // Read as line breaks by common parsers: written as `\n`.
            prop_assert!(!line.contains(['\u{2028}', '\u{2029}']), "a Unicode line break: {line:?}");
            prop_assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }

        let calendar = ical::IcalParser::new(std::io::BufReader::new(feed.as_bytes()))
            .next()
            .expect("a calendar")
            .expect("it parses");
        prop_assert_eq!(calendar.events.len(), 2, "no event more, none less");
        let first = calendar
            .events
            .iter()
            .find(|e| property(e, "UID") == Some(&format!("{uid}-a")))
            .expect("the first event by its UID");
        prop_assert_eq!(unescape(property(first, "SUMMARY").unwrap_or("")), as_read(&summary));
        prop_assert_eq!(unescape(property(first, "LOCATION").unwrap_or("")), as_read(&place));
        prop_assert_eq!(
            unescape(property(first, "DESCRIPTION").unwrap_or("")),
            "Dagordning;\\ punkt 1,\n punkt 2"
        );
    }
}

#[test]
fn a_carriage_return_in_a_place_injects_no_event() {
    let place = "Köping\rEND:VEVENT\rBEGIN:VEVENT\rUID:injected\rSUMMARY:Falskt möte";
    let feed = render(
        "Sammanträden",
        &[entry(
            "meeting-1@finsam".into(),
            "Styrelsemöte".into(),
            Some(place.into()),
            3,
        )],
    );
    let unfolded = feed.replace("\r\n ", "");
    let events = unfolded
        .split("\r\n")
        .filter(|l| *l == "BEGIN:VEVENT")
        .count();
    assert_eq!(events, 1, "{feed}");
    assert!(!feed.contains("\rEND:VEVENT\r"), "{feed}");
    let calendar = ical::IcalParser::new(std::io::BufReader::new(feed.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("it parses");
    assert_eq!(calendar.events.len(), 1);
}
