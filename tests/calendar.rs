//! The calendar feeds as a calendar client reads them: parsed with the
//! icalendar crate, with the facts' board meetings and DSO-ring deadlines,
//! UIDs that stay put across fetches and changes, and no money anywhere.

use crate::common;

use std::collections::BTreeMap;
use std::str::FromStr;

use common::TestApp;
use icalendar::{Calendar, Component};
use serde_json::json;

async fn feed(app: &TestApp, name: &str) -> (String, Calendar) {
    let response = app.get(&format!("/calendar/{name}.ics")).await;
    assert_eq!(response.status(), 200, "{name}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/calendar")
    );
    let text = response.text().await.expect("text");
    let calendar =
        Calendar::from_str(&text).unwrap_or_else(|e| panic!("{name}.ics does not parse: {e}"));
    (text, calendar)
}

/// Each event's UID with its summary, start and sequence.
fn events(calendar: &Calendar) -> BTreeMap<String, (String, String, Option<u32>)> {
    calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .map(|e| {
            let start = e.property_value("DTSTART").unwrap_or_default().to_string();
            (
                e.get_uid().expect("a UID").to_string(),
                (
                    e.get_summary().unwrap_or_default().to_string(),
                    start,
                    e.get_sequence(),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn vasteras_feed_holds_its_meetings_and_the_rings_deadlines() {
    let app = TestApp::spawn().await;
    let (text, calendar) = feed(&app, "vasteras").await;
    let events = events(&calendar);
    let meetings_2021: Vec<&(String, String, Option<u32>)> = events
        .values()
        .filter(|(summary, start, _)| {
            summary.starts_with("Styrelsesammanträde") && start.starts_with("2021")
        })
        .collect();
    assert_eq!(
        meetings_2021.len(),
        8,
        "the eight board meetings of 2021: {events:#?}"
    );
    assert!(
        text.contains("DTSTART;TZID=Europe/Stockholm:20210212T130000"),
        "local times in Stockholm"
    );
    assert!(text.contains("BEGIN:VTIMEZONE") && text.contains("TZID:Europe/Stockholm"));
    assert!(text.contains("LOCATION:Stadshuset"), "the place");
    let deadline = events
        .values()
        .find(|(summary, _, _)| summary.contains("2021-12-31") && summary.contains("uppsägning"))
        .expect("the notice deadline of the 2021-12-31 period end");
    assert!(
        deadline.1.contains("20210831"),
        "all-day on 2021-08-31: {deadline:?}"
    );
    assert!(
        text.contains("DTSTART;VALUE=DATE:20210831"),
        "an all-day event"
    );
    let period_end = events
        .values()
        .find(|(s, start, _)| s.contains("avtalsperioden slutar") && start.contains("20211231"));
    assert!(period_end.is_some(), "the period end itself");

    // No money and no insats in a public feed.
    for money in [
        "kr",
        "SEK",
        "23 841 683",
        "23841683",
        "7938090",
        "136 000",
        "136000",
    ] {
        assert!(!text.contains(money), "the feed holds {money:?}");
    }
    assert!(!text.contains("Samordningsteam"), "no insats");
}

#[tokio::test]
async fn uids_stay_the_same_across_fetches_and_changes() {
    let app = TestApp::spawn().await;
    let (first_text, first) = feed(&app, "vasteras").await;
    let (second_text, second) = feed(&app, "vasteras").await;
    assert_eq!(
        first_text, second_text,
        "the same data is the same feed (DTSTAMP from the data)"
    );
    let before = events(&first);
    assert_eq!(before, events(&second));

    // Move one of the 2021 meetings an hour later.
    let meetings = app
        .data(r#"{ meetings(from: "2021-02-12", to: "2021-02-12", forbund: ["vasteras"]) { id version heldOn place paragraphFrom paragraphTo } }"#, json!({}))
        .await;
    let meeting = &meetings["meetings"][0];
    // Västerås is dissolved: its records are corrected by the network.
    let editor = app.network_admin();
    app.data_as(
        Some(&editor),
        r#"mutation($id: ID!, $v: Int!) { updateMeeting(id: $id, version: $v, input: { forbund: "vasteras", heldOn: "2021-02-12", startsAt: "14:00", endsAt: "16:00", place: "Stadshuset, room D245" }) { id } }"#,
        json!({ "id": meeting["id"], "v": meeting["version"] }),
    )
    .await;
    let (changed_text, changed) = feed(&app, "vasteras").await;
    let after = events(&changed);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "every UID is kept"
    );
    // A UID holds the meeting's row key, stable whatever the API's ids.
    let uid = format!(
        "meeting-{}@finsam-graph",
        crate::common::row_key(meeting["id"].as_str().expect("id"))
    );
    assert!(
        before[&uid].1.contains("T130000") && after[&uid].1.contains("T140000"),
        "{:?} → {:?}",
        before[&uid],
        after[&uid]
    );
    assert!(
        after[&uid].2 > before[&uid].2,
        "SEQUENCE grows so calendars replace the event"
    );
    assert_ne!(first_text, changed_text);
}

#[tokio::test]
async fn the_ring_feed_and_unknown_feeds() {
    let app = TestApp::spawn().await;
    let (text, calendar) = feed(&app, "dso").await;
    let events = events(&calendar);
    assert!(
        events
            .values()
            .any(|(s, start, _)| s.contains("avtalsperioden slutar") && start.contains("20211231"))
    );
    assert!(!text.contains("kr"));
    let missing = app.get("/calendar/no-such-forbund.ics").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(app.get("/calendar/vasteras.txt").await.status(), 404);
    let cached = app.get("/calendar/dso.ics").await;
    assert!(
        cached.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .starts_with("public")
    );
}
