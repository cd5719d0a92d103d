//! Live pages in a real browser: the catalogue, an insats's page and the
//! meetings follow changes saved elsewhere without a reload, and an open
//! form says at once that someone else saved its record (before its own
//! save would have failed).

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::{Value, json};

use super::forms::{field, sign_in};
use super::{both_widths, open, open_browser, script, start_driver, text_of};
use crate::common::TestApp;

/// Waits until the page's main text holds `text` (it arrives over the
/// page's WebSocket, with no reload).
async fn until_shown(browser: &Client, text: &str) {
    let started = Instant::now();
    loop {
        let shown = script(browser, "return document.querySelector('main').innerText;").await;
        if shown.as_str().is_some_and(|s| s.contains(text)) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{text:?} never appeared; the page shows: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Marks the page, so a test can tell it was not loaded again.
async fn mark(browser: &Client) {
    script(browser, "window.__same_page = true; return null;").await;
}

async fn assert_same_page(browser: &Client) {
    let same = script(browser, "return window.__same_page === true;").await;
    assert_eq!(same, Value::Bool(true), "the page was loaded again");
}

async fn rename(app: &TestApp, token: &str, id: &str, name: &str) {
    let current = app
        .data_as(
            Some(&app.network_admin()),
            "query($id: ID!) { insats(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    app.data_as(
        Some(token),
        "mutation($id: ID!, $v: Int!, $name: String) {
            updateInsats(id: $id, version: $v, input: { name: $name }) { id } }",
        json!({ "id": id, "v": current["insats"]["version"], "name": name }),
    )
    .await;
}

#[tokio::test]
async fn the_catalogue_and_an_insats_page_follow_changes_as_they_land() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let editor = app.network_admin();
    let catalogue = open_browser(&driver, &chromium).await;
    let page = open_browser(&driver, &chromium).await;
    // Insats 1 was carried over to Västmanland: behind the status filter.
    open(
        &catalogue,
        &base,
        "/insatser?forbund=vasteras&status=CARRIED_OVER",
    )
    .await;
    open(&page, &base, "/insatser/1").await;
    for browser in [&catalogue, &page] {
        mark(browser).await;
    }
    rename(&app, &editor, "1", "Samordningsteam Västerås – nytt namn").await;
    until_shown(&catalogue, "Samordningsteam Västerås – nytt namn").await;
    until_shown(&page, "Samordningsteam Västerås – nytt namn").await;
    for browser in [&catalogue, &page] {
        assert_same_page(browser).await;
    }
    let note = text_of(&page, ".live-note").await;
    assert!(note.contains("någon sparade en ändring"), "{note}");
    both_widths(&page, "insats-live", None).await;
    catalogue.close().await.expect("close");
    page.close().await.expect("close");
}

#[tokio::test]
async fn an_open_form_is_told_at_once_when_its_record_is_saved_elsewhere() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let token = app.network_admin();
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &token).await;
    open(&browser, &base, "/insatser/1/redigera").await;
    // A colleague saves first; this form has not pressed Save.
    rename(&app, &token, "1", "Samordningsteam Västerås (omdöpt)").await;
    let alert = text_of(&browser, "form.record-form [role=alert]:not([hidden])").await;
    assert!(alert.contains("Någon annan sparade ändringar"), "{alert}");
    // The untouched name field took their value.
    let name = field(&browser, "Namn")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(name.as_deref(), Some("Samordningsteam Västerås (omdöpt)"));
    both_widths(&browser, "form-told-at-once", Some("form-told-at-once.png")).await;
    browser.close().await.expect("close");
}

#[tokio::test]
async fn the_meetings_show_a_decision_as_it_is_recorded() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    open(&browser, &base, "/meetings?forbund=vasteras").await;
    mark(&browser).await;
    let editor = app.network_admin();
    let meetings = app
        .data(
            r#"{ meetings(forbund: ["vasteras"], from: "2021-06-01", to: "2021-12-31") { id version heldOn } }"#,
            json!({}),
        )
        .await;
    let meeting = &meetings["meetings"][0];
    app.data_as(
        Some(&editor),
        "mutation($m: ID!, $v: Int!) { recordDecision(meeting: $m, version: $v,
            input: { text: \"Styrelsen fastställer verksamhetsplanen för 2021\" }) { id } }",
        json!({ "m": meeting["id"], "v": meeting["version"] }),
    )
    .await;
    until_shown(&browser, "Styrelsen fastställer verksamhetsplanen för 2021").await;
    assert_same_page(&browser).await;
    browser.close().await.expect("close");
}
