//! The forms in a real browser: an editor of Värend registers an insats with
//! the keyboard alone, edits it, sets a year's budget and spending, records
//! an outcome and finds it in the catalogue; two sessions edit one insats
//! and the second is told (at once), keeps its input and overwrites only
//! knowingly; a draft survives a reload; anonymous visitors and another
//! förbund's editor see no write control and get no form.

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use finsam_api::auth::Role;
use serde_json::{Value, json};

use super::{both_widths, open, open_browser, script, sign_in_at, start_driver, text_of, wait_for};
use crate::common::TestApp;

/// Signs in with `token` and waits until the app has left the login page.
pub(super) async fn sign_in(browser: &Client, base: &str, token: &str) {
    sign_in_at(browser, base, "/login?back=%2Finsatser", token).await;
    let started = Instant::now();
    while browser.current_url().await.expect("url").path() == "/login" {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still on the login page"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for(browser, "main > :not(.loading)").await;
}

/// Presses `text`'s keys on whatever has the focus, as a keyboard does.
async fn keys(browser: &Client, text: &str) {
    let mut typing = KeyActions::new("keyboard".into());
    for key in text.chars() {
        typing = typing
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    browser.perform_actions(typing).await.expect("keys");
}

/// The form control labelled `label` (by its `<label for>`).
pub(super) async fn field(browser: &Client, label: &str) -> fantoccini::elements::Element {
    wait_for(browser, "form.record-form").await;
    browser
        .find(Locator::XPath(&format!(
            "//form[contains(@class,'record-form')]//*[@id=//label[normalize-space(.)='{label}']/@for]"
        )))
        .await
        .unwrap_or_else(|e| panic!("no field labelled {label}: {e}"))
}

pub(super) async fn fill(browser: &Client, label: &str, value: &str) {
    let input = field(browser, label).await;
    input.clear().await.expect("clear");
    input.send_keys(value).await.expect("type");
}

pub(super) async fn save(browser: &Client) {
    browser
        .find(Locator::XPath(
            "//form[contains(@class,'record-form')]//button[normalize-space(.)='Spara']",
        ))
        .await
        .expect("a Spara button")
        .click()
        .await
        .expect("press Spara");
}

/// Waits until the address is `path` (after a form has saved) and the
/// page there has rendered.
pub(super) async fn arrive_at(browser: &Client, path: &str) {
    let started = Instant::now();
    loop {
        let url = browser.current_url().await.expect("url");
        if url.path() == path {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still at {url}, not {path}: {}",
            text_of(browser, "main").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for(browser, "main > :not(.loading)").await;
}

/// `arrive_at` an insats's page.
async fn wait_for_path(browser: &Client, path: &str) {
    arrive_at(browser, path).await;
    wait_for(browser, "main article.insats-page").await;
}

/// Pastes `rows` (tab-separated, as a copy of spreadsheet cells gives them)
/// into the form's table of rows and adds them.
async fn paste_rows(browser: &Client, rows: &str) {
    wait_for(browser, "details.paste summary")
        .await
        .click()
        .await
        .expect("open paste");
    let pasted = field(browser, "Rader att klistra in").await;
    browser
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&pasted).expect("element"), json!(rows)],
        )
        .await
        .expect("paste");
    browser
        .find(Locator::XPath(
            "//button[normalize-space(.)='Lägg till raderna']",
        ))
        .await
        .expect("add the rows")
        .click()
        .await
        .expect("press");
}

async fn insats(app: &TestApp, id: &str) -> Value {
    app.data_as(
        Some(&app.network_admin()),
        "query($id: ID!) { insats(id: $id) { name targetGroup version endsOn } }",
        json!({ "id": id }),
    )
    .await["insats"]
        .clone()
}

/// The page's history holds each of `seen`.
async fn assert_history(browser: &Client, seen: &[&str]) {
    let history = text_of(browser, "ol.history").await;
    for text in seen {
        assert!(history.contains(text), "{text} not in {history}");
    }
}

/// The id of the insats at the current address (`/insatser/{id}`).
async fn current_id(browser: &Client) -> String {
    let url = browser.current_url().await.expect("url");
    url.path().trim_start_matches("/insatser/").to_string()
}

#[tokio::test]
async fn an_editor_registers_an_insats_with_the_keyboard_and_reports_on_it() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &app.token(&[Role::Editor], Some("varend"))).await;

    // The catalogue offers a new insats to an editor.
    open(&browser, &base, "/insatser").await;
    wait_for(&browser, "a[href='/insatser/ny']").await;

    // The keyboard alone: Tab from the top of the page to each field.
    open(&browser, &base, "/insatser/ny").await;
    wait_for(&browser, "form.record-form").await;
    assert_eq!(
        text_of(&browser, "h1").await,
        "Ny insats för Samordningsförbundet Värend"
    );
    both_widths(&browser, "insats-new", None).await;
    let focused_label = "const e = document.activeElement; const l = e && e.id && document.querySelector(`label[for='${e.id}']`); return l ? l.textContent.trim() : (e ? e.tagName + ':' + e.textContent.trim() : '');";
    for (label, value) in [
        ("Namn", "Stegvis Växjö"),
        ("Startdatum", "2027-01-01"),
        ("Slutdatum", "2028-12-31"),
    ] {
        let mut steps = 0;
        loop {
            let now = script(&browser, focused_label).await;
            if now == label {
                break;
            }
            steps += 1;
            assert!(steps < 60, "Tab never reached {label} (at {now})");
            keys(&browser, &Key::Tab.to_string()).await;
        }
        keys(&browser, value).await;
    }
    // Enter in a field sends the form.
    keys(&browser, &Key::Enter.to_string()).await;
    let started = Instant::now();
    while !browser
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/insatser/")
        || browser.current_url().await.expect("url").path() == "/insatser/ny"
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "not saved: {}",
            text_of(&browser, "main").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for(&browser, "main article.insats-page").await;
    let id = current_id(&browser).await;
    assert_eq!(text_of(&browser, "h1").await, "Stegvis Växjö");
    // The page the save led to says it was saved, once.
    assert_eq!(
        text_of(&browser, "main p.receipt[role=status]").await,
        "Ny insats: sparat."
    );
    let page = text_of(&browser, "main").await;
    assert!(page.contains("2027-01-01 – 2028-12-31"), "{page}");
    // Its own förbund's editor gets the changes it may make.
    for link in [
        "Ändra uppgifterna",
        "Budget och förbrukning",
        "Rapportera resultat",
        "Förläng",
        "Dela",
    ] {
        assert!(
            browser.find(Locator::LinkText(link)).await.is_ok(),
            "no {link} on {page}"
        );
    }

    // A field the API refuses: told beside the field, in Swedish, with focus.
    open(&browser, &base, &format!("/insatser/{id}/redigera")).await;
    fill(&browser, "Lägsta ålder", "40").await;
    fill(&browser, "Högsta ålder", "20").await;
    save(&browser).await;
    let alert = text_of(&browser, "form.record-form [role=alert]:not([hidden])").await;
    assert!(
        alert.contains("lägsta åldern är högre än den högsta"),
        "{alert}"
    );
    let focused = script(&browser, focused_label).await;
    assert_eq!(focused, "Lägsta ålder");
    let invalid = script(
        &browser,
        "return document.activeElement.getAttribute('aria-invalid');",
    )
    .await;
    assert_eq!(invalid, "true");
    both_widths(&browser, "insats-form-error", None).await;

    // A day the calendar lacks: the API's rule (DATE_INVALID) in Swedish
    // words of the app, never the API's English sentence.
    fill(&browser, "Lägsta ålder", "18").await;
    fill(&browser, "Högsta ålder", "29").await;
    fill(&browser, "Slutdatum", "2029-02-29").await;
    save(&browser).await;
    let alert = text_of(&browser, "form.record-form [role=alert]:not([hidden])").await;
    assert!(
        alert.contains("Slutdatum: 29 februari 2029 finns inte i kalendern."),
        "{alert}"
    );
    assert!(!alert.contains("calendar"), "{alert}");
    assert_eq!(script(&browser, focused_label).await, "Slutdatum");
    both_widths(&browser, "insats-form-rule", Some("rule-in-swedish.png")).await;

    // Edit: a new end and target group; the rest is kept.
    fill(
        &browser,
        "Målgrupp",
        "Unga vuxna i Växjö som står långt från arbete",
    )
    .await;
    fill(&browser, "Slutdatum", "2029-06-30").await;
    save(&browser).await;
    wait_for_path(&browser, &format!("/insatser/{id}")).await;
    let page = text_of(&browser, "main").await;
    assert!(page.contains("2027-01-01 – 2029-06-30"), "{page}");
    assert!(page.contains("Unga vuxna i Växjö"), "{page}");
    assert!(page.contains("18–29 år"), "{page}");

    // A year's budget and spending, with the date it was spent through.
    open(&browser, &base, &format!("/insatser/{id}/budget?ar=2027")).await;
    fill(&browser, "Budget (kr)", "300000").await;
    fill(&browser, "Förbrukat (kr)", "120 000").await;
    fill(&browser, "Förbrukat t.o.m.", "2027-06-30").await;
    save(&browser).await;
    wait_for_path(&browser, &format!("/insatser/{id}")).await;
    let budget = text_of(&browser, "table.budgets").await;
    assert!(budget.contains("300 000 kr"), "{budget}");
    assert!(
        budget.contains("120 000 kr (t.o.m. 2027-06-30)"),
        "{budget}"
    );
    assert!(budget.contains("40,0 %"), "{budget}");

    // An outcome for the half-year, by gender.
    open(&browser, &base, &format!("/insatser/{id}/resultat")).await;
    both_widths(&browser, "insats-outcome-form", None).await;
    fill(&browser, "Period från", "2027-01-01").await;
    fill(&browser, "Period till", "2027-06-30").await;
    fill(&browser, "Deltagare totalt", "12").await;
    fill(&browser, "Deltagare kvinnor", "7").await;
    fill(&browser, "Deltagare män", "5").await;
    fill(&browser, "Andel som nått målet (%)", "41,5").await;
    fill(&browser, "Månader i insatsen (medel)", "7,5").await;
    save(&browser).await;
    wait_for_path(&browser, &format!("/insatser/{id}")).await;
    let page = text_of(&browser, "main").await;
    assert!(page.contains("2027-01-01 – 2027-06-30 · alla"), "{page}");
    // Everything entered is shown: the share who reached the goal and the
    // months in the insats too.
    let outcome = text_of(&browser, ".outcomes table").await;
    assert!(
        outcome.contains("Nått målet") && outcome.contains("41,5 %") && outcome.contains("7,5"),
        "{outcome}"
    );

    // And it is in the catalogue.
    open(&browser, &base, "/insatser?search=stegvis").await;
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//ul[@class='results']/li/a[text()='Stegvis Växjö']",
        ))
        .await
        .expect("found in the catalogue");

    // Its history is for those who may read Värend's log: not its editor,
    // its admin: who changed what and when, before and after.
    open(&browser, &base, &format!("/insatser/{id}")).await;
    assert!(!text_of(&browser, "main").await.contains("Historik"));
    sign_in(&browser, &base, &app.token(&[Role::Admin], Some("varend"))).await;
    open(&browser, &base, &format!("/insatser/{id}")).await;
    assert_history(
        &browser,
        &[
            "Lades upp",
            "Uppgifterna ändrades",
            "Budget och förbrukning",
            "Resultat rapporterades",
            "Slutdatum",
            "2028-12-31",
            "2029-06-30",
            // Money as Swedish writes it, the year's budget with nothing before.
            "Budget (kr) – 300 000 kr",
            // The förbund by its name, not its slug.
            "test-user (redaktör, Samordningsförbundet Värend)",
        ],
    )
    .await;
    both_widths(&browser, "insats-history", None).await;
    browser.close().await.expect("close the browser");
}

#[tokio::test]
async fn a_second_editor_is_told_keeps_its_input_and_overwrites_only_knowingly() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    // Samordningsteam Västerås, id 1.
    // Insats 1 is Västerås's, dissolved: the network corrects it.
    let one = finsam_api::record::id::global(finsam_api::record::id::NodeKind::Insats, 1);
    let token = app.network_admin();
    let first = open_browser(&driver, &chromium).await;
    let second = open_browser(&driver, &chromium).await;
    for browser in [&first, &second] {
        sign_in(browser, &base, &token).await;
        open(browser, &base, &format!("/insatser/{one}/redigera")).await;
    }
    fill(&first, "Målgrupp", "Målgrupp enligt första").await;
    fill(&first, "Årsplatser", "45").await;
    fill(&second, "Målgrupp", "Målgrupp enligt andra").await;
    save(&first).await;
    wait_for_path(&first, &format!("/insatser/{one}")).await;
    let saved = insats(&app, "1").await;
    assert_eq!(saved["targetGroup"], "Målgrupp enligt första");

    // The second is told at once, before pressing Save (the record changed
    // under its open form: tests/browser/live.rs).
    let alert = text_of(&second, "form.record-form [role=alert]:not([hidden])").await;
    assert!(alert.contains("Någon annan sparade ändringar"), "{alert}");
    // Their value beside the field, what was typed kept.
    let theirs = text_of(&second, ".theirs").await;
    assert!(theirs.contains("Målgrupp enligt första"), "{theirs}");
    let typed = field(&second, "Målgrupp")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(typed.as_deref(), Some("Målgrupp enligt andra"));
    // A field left alone took their value, so saving does not undo it.
    let places = field(&second, "Årsplatser")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(places.as_deref(), Some("45"));
    // Nothing overwritten unknowingly.
    assert_eq!(
        insats(&app, "1").await["targetGroup"],
        "Målgrupp enligt första"
    );
    both_widths(&second, "insats-conflict", Some("insats-conflict.png")).await;

    // Saving again is knowing: their other change stays.
    save(&second).await;
    wait_for_path(&second, &format!("/insatser/{one}")).await;
    let now = insats(&app, "1").await;
    assert_eq!(now["targetGroup"], "Målgrupp enligt andra");
    assert_eq!(
        now["version"],
        saved["version"].as_i64().expect("version") + 1
    );
    let places = app
        .data_as(
            Some(&app.network_admin()),
            r#"{ insats(id: "1") { capacityYearPlaces } }"#,
            json!({}),
        )
        .await;
    assert_eq!(places["insats"]["capacityYearPlaces"], 45);
    first.close().await.expect("close");
    second.close().await.expect("close");
}

#[tokio::test]
async fn a_draft_survives_a_reload_until_it_is_saved_or_discarded() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &app.network_admin()).await;
    open(&browser, &base, "/insatser/1/redigera").await;
    fill(&browser, "Namn", "Samordningsteam Västerås (utkast)").await;
    browser.refresh().await.expect("reload");
    wait_for(&browser, "form.record-form").await;
    let kept = field(&browser, "Namn")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some("Samordningsteam Västerås (utkast)"));
    let status = text_of(&browser, "form.record-form .form-status").await;
    assert!(status.contains("utkast"), "{status}");
    both_widths(&browser, "insats-edit", Some("insats-form.png")).await;
    // Nothing was saved by keeping it.
    assert_eq!(insats(&app, "1").await["name"], "Samordningsteam Västerås");
    // Discarded: the record's values again, and gone after a reload.
    browser
        .find(Locator::XPath(
            "//button[normalize-space(.)='Släng ändringarna']",
        ))
        .await
        .expect("discard")
        .click()
        .await
        .expect("press");
    browser.refresh().await.expect("reload");
    wait_for(&browser, "form.record-form").await;
    let value = field(&browser, "Namn")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(value.as_deref(), Some("Samordningsteam Västerås"));
    // Signing out forgets the tab's drafts: the next person at the same
    // computer does not find what was typed.
    fill(&browser, "Namn", "Samordningsteam Västerås (osparat)").await;
    browser
        .find(Locator::XPath("//button[normalize-space(.)='Logga ut']"))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("press");
    wait_for(&browser, "a[href^='/login']").await;
    sign_in(&browser, &base, &app.network_admin()).await;
    open(&browser, &base, "/insatser/1/redigera").await;
    let value = field(&browser, "Namn")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(value.as_deref(), Some("Samordningsteam Västerås"));
    browser.close().await.expect("close");
}

#[tokio::test]
async fn no_write_control_or_form_for_those_who_may_not_write() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;

    // Anonymous: no link to a form, and a form's address says why.
    for (path, css) in [
        ("/insatser", "a[href='/insatser/ny']"),
        ("/insatser/1", "nav.record-actions"),
    ] {
        open(&browser, &base, path).await;
        assert!(
            browser.find(Locator::Css(css)).await.is_err(),
            "{path} shows {css}"
        );
        assert!(
            browser
                .find(Locator::Css("main button.secondary"))
                .await
                .is_err(),
            "{path}"
        );
    }
    for path in ["/insatser/ny", "/insatser/1/redigera", "/insatser/1/budget"] {
        open(&browser, &base, path).await;
        let alert = text_of(&browser, "main [role=alert]").await;
        assert!(alert.contains("Logga in"), "{path}: {alert}");
        assert!(
            browser
                .find(Locator::Css("form.record-form"))
                .await
                .is_err(),
            "{path} has a form"
        );
    }

    // Värend's editor on a Västerås insats: none either.
    sign_in(&browser, &base, &app.token(&[Role::Editor], Some("varend"))).await;
    open(&browser, &base, "/insatser/1").await;
    assert!(
        browser
            .find(Locator::Css("nav.record-actions"))
            .await
            .is_err()
    );
    open(&browser, &base, "/insatser/1/redigera").await;
    let alert = text_of(&browser, "main [role=alert]").await;
    assert!(alert.contains("Din roll får inte"), "{alert}");
    assert!(
        browser
            .find(Locator::Css("form.record-form"))
            .await
            .is_err()
    );
    // A member of Värend may read but not write: no new insats either.
    sign_in(&browser, &base, &app.token(&[Role::Member], Some("varend"))).await;
    open(&browser, &base, "/insatser").await;
    assert!(
        browser
            .find(Locator::Css("a[href='/insatser/ny']"))
            .await
            .is_err()
    );
    browser.close().await.expect("close");
}

#[tokio::test]
async fn an_editor_records_a_meeting_and_its_decision_on_an_insats() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &app.token(&[Role::Editor], Some("varend"))).await;
    open(&browser, &base, "/meetings?forbund=varend").await;
    wait_for(&browser, "a[href^='/meetings/ny']")
        .await
        .click()
        .await
        .expect("new meeting");
    fill(&browser, "Datum", "2026-11-20").await;
    fill(&browser, "Börjar (TT:MM)", "25.00").await;
    fill(&browser, "Plats", "Växjö, Västergatan 2").await;
    save(&browser).await;
    // No such time: told beside the field, in Swedish.
    let alert = text_of(&browser, "form.record-form [role=alert]:not([hidden])").await;
    assert!(alert.contains("en tid skrivs TT.MM eller TT:MM"), "{alert}");
    // "13.00", as Swedish has it, is a time.
    fill(&browser, "Börjar (TT:MM)", "13.00").await;
    save(&browser).await;
    arrive_at(&browser, "/meetings").await;
    wait_for(&browser, "ol.meetings").await;
    let decision_link = wait_for(&browser, "ol.meetings li a[href$='/beslut']").await;
    let list = text_of(&browser, "ol.meetings").await;
    assert!(list.contains("2026-11-20"), "{list}");
    assert!(list.contains("Växjö, Västergatan 2"), "{list}");
    decision_link.click().await.expect("new decision");
    // As a secretary types them: "§ 12", "150 000,50" (told whole
    // kronor), then "150 000".
    fill(&browser, "§", "§ 12").await;
    fill(
        &browser,
        "Beslut",
        "Styrelsen beviljar Min Bok 150 000 kr för 2027",
    )
    .await;
    fill(&browser, "Belopp (kr)", "150 000,50").await;
    save(&browser).await;
    let alert = text_of(&browser, "form.record-form [role=alert]:not([hidden])").await;
    assert!(
        alert.contains("anges i hela kronor, utan ören (150 000 eller 150 001)"),
        "{alert}"
    );
    fill(&browser, "Belopp (kr)", "150 000").await;
    let insats = field(&browser, "Insats").await;
    insats
        .select_by_label("Min Bok")
        .await
        .expect("choose the insats");
    both_widths(&browser, "decision-form", None).await;
    save(&browser).await;
    arrive_at(&browser, "/meetings").await;
    let list = text_of(&browser, "ol.meetings").await;
    assert!(
        list.contains(
            "§ 12: Styrelsen beviljar Min Bok 150 000 kr för 2027 (150 000 kr) – Min Bok"
        ),
        "{list}"
    );
    // A saved decision is corrected from its own "Ändra", in a form that
    // holds what was saved.
    wait_for(&browser, "ol.meetings a[href*='/andra-beslut?beslut=']")
        .await
        .click()
        .await
        .expect("correct the decision");
    let amount = field(&browser, "Belopp (kr)").await;
    // Written as Swedish writes it, with a no-break space between thousands.
    assert_eq!(
        amount.prop("value").await.expect("value").as_deref(),
        Some("150\u{a0}000")
    );
    fill(&browser, "Belopp (kr)", "160 000").await;
    save(&browser).await;
    arrive_at(&browser, "/meetings").await;
    let list = text_of(&browser, "ol.meetings").await;
    assert!(
        list.contains("§ 12: Styrelsen beviljar Min Bok 150 000 kr för 2027 (160 000 kr)"),
        "{list}"
    );
    browser.close().await.expect("close");
}

#[tokio::test]
async fn an_editor_corrects_a_goal_and_a_reported_outcome() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let editor = app.token(&[Role::Editor], Some("varend"));
    let id = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Rättas i webben", status: ACTIVE }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.data_as(
        Some(&editor),
        r#"mutation($id: ID!) { addInsatsGoal(id: $id, version: 1, description: "Hälften till arbete", targetPercent: 50) { id } }"#,
        json!({ "id": id }),
    )
    .await;
    app.data_as(
        Some(&editor),
        r#"mutation($id: ID!) { recordInsatsOutcome(id: $id, version: 2, outcome: {
            periodFrom: "2026-01-01", periodTo: "2026-06-30", participants: 12,
            municipalities: [{ municipality: "Växjö kommun", participants: 12 }] }) { id } }"#,
        json!({ "id": id }),
    )
    .await;
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &editor).await;
    open(&browser, &base, &format!("/insatser/{id}")).await;

    // The goal, from its own "Ändra".
    wait_for(&browser, "ul.goals a[href*='/andra-mal?mal=']")
        .await
        .click()
        .await
        .expect("correct the goal");
    let goal = field(&browser, "Mål").await;
    assert_eq!(
        goal.prop("value").await.expect("value").as_deref(),
        Some("Hälften till arbete")
    );
    fill(&browser, "Mål", "Hälften till arbete eller studier").await;
    save(&browser).await;
    arrive_at(&browser, &format!("/insatser/{id}")).await;
    let goals = text_of(&browser, "ul.goals").await;
    assert!(
        goals.contains("Hälften till arbete eller studier"),
        "{goals}"
    );

    // The period's report, with its kommun chosen among Värend's members.
    wait_for(&browser, "ul.corrections a")
        .await
        .click()
        .await
        .expect("correct the report");
    let total = field(&browser, "Deltagare totalt").await;
    assert_eq!(
        total.prop("value").await.expect("value").as_deref(),
        Some("12")
    );
    let kommun = field(&browser, "Kommun, rad 1").await;
    assert_eq!(
        kommun.prop("value").await.expect("value").as_deref(),
        Some("Växjö kommun")
    );
    let offered = kommun.text().await.expect("options");
    assert!(
        offered.contains("Alvesta kommun") && offered.contains("Tingsryds kommun"),
        "{offered}"
    );
    both_widths(&browser, "outcome-correction", None).await;
    fill(&browser, "Deltagare totalt", "14").await;
    fill(&browser, "Deltagare totalt, rad 1", "14").await;
    save(&browser).await;
    arrive_at(&browser, &format!("/insatser/{id}")).await;
    let table = text_of(&browser, "div.outcomes").await;
    assert!(table.contains("14"), "{table}");
    assert!(
        !table.contains("12"),
        "the report was corrected, not added: {table}"
    );
    browser.close().await.expect("close");
}

#[tokio::test]
async fn the_network_admin_registers_a_forbund_with_members_pasted_from_a_spreadsheet() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    // A förbund's admin may not: the registry is the network's.
    sign_in(&browser, &base, &app.token(&[Role::Admin], Some("varend"))).await;
    open(&browser, &base, "/").await;
    assert!(
        browser
            .find(Locator::Css("a[href='/forbund/ny']"))
            .await
            .is_err()
    );
    open(&browser, &base, "/forbund/varend").await;
    assert!(
        browser
            .find(Locator::Css("a[href='/forbund/varend/redigera']"))
            .await
            .is_err()
    );
    // Its own results and key figures it may register.
    wait_for(&browser, "a[href='/forbund/varend/resultat']").await;

    sign_in(&browser, &base, &app.network_admin()).await;
    open(&browser, &base, "/").await;
    wait_for(&browser, "a[href='/forbund/ny']")
        .await
        .click()
        .await
        .expect("new förbund");
    fill(&browser, "Namn", "Samordningsförbundet Södra Lappland").await;
    fill(&browser, "Kortnamn i adresser", "sodra-lappland").await;
    fill(&browser, "Län", "Västerbotten").await;
    fill(&browser, "Bildat", "2027-01-01").await;
    // What a copy of six rows of a spreadsheet puts in the field (a header
    // row, then the members; tabs between the cells).
    paste_rows(
        &browser,
        "Namn\tTyp\tAndel av finansieringen (%)\nLycksele kommun\tKommun\t12,5\nStorumans kommun\tMUNICIPALITY\t12,5\nRegion Västerbotten\tRegion\t25\nFörsäkringskassan\tFörsäkringskassan\t25\nArbetsförmedlingen\tArbetsförmedlingen\t25",
    )
    .await;
    let rows = script(
        &browser,
        "return document.querySelectorAll('fieldset.rows tbody tr').length;",
    )
    .await;
    assert_eq!(rows, 5, "a header row and five members");
    both_widths(&browser, "forbund-new", None).await;
    save(&browser).await;
    arrive_at(&browser, "/forbund/sodra-lappland").await;
    wait_for(&browser, "main article h1").await;
    let page = text_of(&browser, "main").await;
    for seen in [
        "Samordningsförbundet Södra Lappland",
        "Västerbotten",
        "Lycksele kommun",
        "Region Västerbotten",
        "12,5 %",
        "Försäkringskassan",
    ] {
        assert!(page.contains(seen), "{seen} not on {page}");
    }

    // Edited: a member's share, the rest kept.
    open(&browser, &base, "/forbund/sodra-lappland/redigera").await;
    // A row added and thrown away: the table is the record's again.
    let rows = "return document.querySelectorAll('fieldset.rows tbody tr').length;";
    for button in ["Lägg till rad", "Släng ändringarna"] {
        browser
            .find(Locator::XPath(&format!(
                "//form//button[normalize-space(.)='{button}']"
            )))
            .await
            .expect(button)
            .click()
            .await
            .expect("press");
        if button == "Lägg till rad" {
            assert_eq!(script(&browser, rows).await, 6);
        }
    }
    assert_eq!(script(&browser, rows).await, 5);
    let share = browser
        .find(Locator::XPath("//fieldset[contains(@class,'rows')]//tbody/tr[1]//input[@data-sub='fundingSharePercent']"))
        .await
        .expect("the first member's share");
    share.clear().await.expect("clear");
    share.send_keys("10").await.expect("type");
    let second = browser
        .find(Locator::XPath("//fieldset[contains(@class,'rows')]//tbody/tr[2]//input[@data-sub='fundingSharePercent']"))
        .await
        .expect("the second member's share");
    second.clear().await.expect("clear");
    second.send_keys("15").await.expect("type");
    save(&browser).await;
    arrive_at(&browser, "/forbund/sodra-lappland").await;
    let members = app
        .data(r#"{ forbund(slug: "sodra-lappland") { county members { name fundingSharePercent } } }"#, json!({}))
        .await;
    assert_eq!(members["forbund"]["county"], "Västerbotten");
    assert_eq!(
        members["forbund"]["members"][0]["fundingSharePercent"],
        10.0
    );
    assert_eq!(
        members["forbund"]["members"][1]["fundingSharePercent"],
        15.0
    );
    assert_eq!(
        members["forbund"]["members"].as_array().map(Vec::len),
        Some(5)
    );
    // Its history, for the network: registered, then the shares changed.
    open(&browser, &base, "/forbund/sodra-lappland").await;
    assert_history(
        &browser,
        &[
            "Registrerades",
            "Uppgifterna ändrades",
            "Medlemmar",
            "Lycksele kommun, Kommun, 10",
        ],
    )
    .await;
    both_widths(&browser, "forbund-history", None).await;
    browser.close().await.expect("close");
}

#[tokio::test]
async fn an_admin_registers_its_indicator_results_pasted_from_a_spreadsheet() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    // An editor may not: results are the admin's (DESIGN's role table).
    sign_in(&browser, &base, &app.token(&[Role::Editor], Some("varend"))).await;
    open(&browser, &base, "/forbund/varend/resultat").await;
    assert!(
        text_of(&browser, "main [role=alert]")
            .await
            .contains("Din roll får inte")
    );

    sign_in(&browser, &base, &app.token(&[Role::Admin], Some("varend"))).await;
    open(&browser, &base, "/forbund/varend").await;
    wait_for(&browser, "a[href='/forbund/varend/resultat']")
        .await
        .click()
        .await
        .expect("results");
    paste_rows(
        &browser,
        "6\t2026\tTotalt\t81,5\t44\treported: enkät hösten 2026\n6\t2026\tKvinnor\t84\t25\treported: enkät hösten 2026",
    )
    .await;
    both_widths(&browser, "indicator-results", None).await;
    save(&browser).await;
    arrive_at(&browser, "/comparisons/varend").await;
    let trend = app
        .data_as(
            Some(&app.token(&[Role::Admin], Some("varend"))),
            r#"{ indicatorTrend(forbund: "varend", indicator: "6", from: 2026, to: 2026, gender: WOMEN) { year value { value respondents } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        trend["indicatorTrend"][0]["value"]["value"], 84.0,
        "{trend}"
    );
    browser.close().await.expect("close");
}

#[tokio::test]
async fn an_admin_asks_to_join_the_ring_and_another_previews_its_notice() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with(crate::common::Spawn {
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        ..Default::default()
    })
    .await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    // An editor gets no ring change: that is the admin's.
    sign_in(&browser, &base, &app.token(&[Role::Editor], Some("varend"))).await;
    open(&browser, &base, "/dso").await;
    assert!(
        browser
            .find(Locator::Css("a[href='/dso/ga-med']"))
            .await
            .is_err()
    );

    sign_in(&browser, &base, &app.token(&[Role::Admin], Some("varend"))).await;
    open(&browser, &base, "/dso").await;
    wait_for(&browser, "a[href='/dso/ga-med']")
        .await
        .click()
        .await
        .expect("join");
    fill(&browser, "Från och med", "2027-01-01").await;
    field(&browser, "Placeras efter")
        .await
        .select_by_label("Södra Dalarnas Samordningsförbund")
        .await
        .expect("after Södra Dalarna");
    fill(
        &browser,
        "Kontaktadress för dataskyddsombudet",
        "dso@varend.example",
    )
    .await;
    both_widths(&browser, "dso-join", None).await;
    save(&browser).await;
    arrive_at(&browser, "/dso").await;
    // Told that it waits, not that it is done.
    let receipt = text_of(&browser, "main p.receipt[role=status]").await;
    assert!(receipt.contains("skickat som förslag"), "{receipt}");
    // It waits for Sollentuna, whose DSO it changes.
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    let pending = app
        .data_as(
            Some(&sollentuna),
            r#"{ dsoProposals(forbund: "sollentuna") { edges { node { kind status forbund { slug } } } } }"#,
            json!({}),
        )
        .await;
    let first = &pending["dsoProposals"]["edges"][0]["node"];
    assert_eq!(first["kind"], "JOIN", "{pending}");
    assert_eq!(first["status"], "PENDING");
    assert_eq!(first["forbund"]["slug"], "varend");

    // Sollentuna's admin may decline it, saying why; it changes its mind.
    sign_in(&browser, &base, &sollentuna).await;
    open(&browser, &base, "/dso").await;
    browser
        .find(Locator::XPath(
            "//section[contains(@class,'proposals')]//button[normalize-space(.)='Avslå']",
        ))
        .await
        .expect("decline")
        .click()
        .await
        .expect("press");
    let why = browser
        .find(Locator::XPath(
            "//section[contains(@class,'proposals')]//*[@id=//label[normalize-space(.)='Skäl (förslagsställaren ser det, och det sparas i loggen)']/@for]",
        ))
        .await
        .expect("a labelled field for the reason");
    why.send_keys("Inte nu").await.expect("type");
    browser
        .find(Locator::XPath(
            "//section[contains(@class,'proposals')]//button[normalize-space(.)='Avbryt']",
        ))
        .await
        .expect("cancel")
        .click()
        .await
        .expect("press");
    wait_for(&browser, "section.proposals .actions button").await;

    // Its start page says what waits, what it means for Sollentuna and by
    // when; the menu counts it.
    open(&browser, &base, "/").await;
    let todo = text_of(&browser, "section.todo").await;
    assert!(
        todo.contains("Förslag att svara på: Samordningsförbundet Värend vill gå med i ringen från 2027-01-01, efter Södra Dalarnas Samordningsförbund."),
        "{todo}"
    );
    assert!(
        todo.contains("får Samordningsförbundet Värend som dataskyddsombud från 2027-01-01")
            && todo.contains("Svara senast 2027-01-01"),
        "{todo}"
    );
    let badge = text_of(&browser, "header nav a.todo-link .badge").await;
    assert!(badge.trim().ends_with(char::is_numeric), "{badge}");
    both_widths(&browser, "home-todo", Some("att-gora.png")).await;
    // Its link leads to where it is answered.
    wait_for(&browser, "section.todo a[href='/dso#forslag']")
        .await
        .click()
        .await
        .expect("to the answer");
    wait_for(&browser, "section#forslag .actions button").await;

    // Sollentuna's admin looks at what a notice would do before giving it.
    open(&browser, &base, "/dso/lamna").await;
    fill(&browser, "Uppsägningen togs emot", "2027-03-15").await;
    browser
        .find(Locator::XPath(
            "//button[normalize-space(.)='Visa följderna']",
        ))
        .await
        .expect("preview")
        .click()
        .await
        .expect("press");
    let shown = text_of(&browser, ".preview-result dl").await;
    assert!(shown.contains("Sista dag i ringen"), "{shown}");
    both_widths(&browser, "dso-leave-preview", None).await;
    // The preview wrote nothing.
    let after = app
        .data_as(
            Some(&sollentuna),
            r#"{ dsoProposals(forbund: "sollentuna") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(after["dsoProposals"]["totalCount"], 1);

    // The network may decide it, whatever the parties have answered.
    sign_in(&browser, &base, &app.network_admin()).await;
    open(&browser, &base, "/dso").await;
    let waiting = text_of(&browser, "section.proposals").await;
    assert!(
        waiting.contains("Samordningsförbundet Värend vill gå med"),
        "{waiting}"
    );
    // Each party is shown what the change does to it: what it accepts.
    assert!(
        waiting.contains("får Samordningsförbundet Värend som dataskyddsombud från 2027-01-01"),
        "{waiting}"
    );
    both_widths(&browser, "dso-proposal-parties", None).await;
    browser
        .find(Locator::XPath(
            "//section[contains(@class,'proposals')]//button[normalize-space(.)='Avslå']",
        ))
        .await
        .expect("decline")
        .click()
        .await
        .expect("press");
    browser.accept_alert().await.expect("confirm");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//section[contains(@class,'proposals')]//p[normalize-space(.)='Inga förslag väntar.']",
        ))
        .await
        .expect("nothing waits");
    let decided = app
        .data_as(
            Some(&sollentuna),
            r#"{ dsoProposals(forbund: "sollentuna") { edges { node { status } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        decided["dsoProposals"]["edges"][0]["node"]["status"],
        "DECLINED"
    );
    // The network closes a member's place, as at a dissolution: the form
    // offers the members on the ring today.
    open(&browser, &base, "/dso/avsluta").await;
    let form = text_of(&browser, "form.record-form").await;
    assert!(
        form.contains("Sista dag i ringen") && form.contains("Skäl"),
        "{form}"
    );
    assert!(
        field(&browser, "Förbund")
            .await
            .select_by_label("Samordningsförbundet Sollentuna Upplands Väsby och Sigtuna")
            .await
            .is_ok(),
        "the members to choose from"
    );
    both_widths(&browser, "dso-close", None).await;
    browser.close().await.expect("close");
}

#[tokio::test]
async fn an_admin_withdraws_its_own_proposal_from_what_waits() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with(crate::common::Spawn {
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        ..Default::default()
    })
    .await;
    let base = app.address.clone();
    let varend = app.token(&[Role::Admin], Some("varend"));
    app.data_as(
        Some(&varend),
        r#"mutation { joinDsoRing(forbund: "varend", from: "2027-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { applied } }"#,
        json!({}),
    )
    .await;
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &varend).await;
    open(&browser, &base, "/").await;
    let todo = text_of(&browser, "section.todo").await;
    assert!(
        todo.contains("Ert förslag väntar: Samordningsförbundet Värend vill gå med i ringen")
            && todo.contains("Väntar på svar från Samordningsförbundet Sollentuna"),
        "{todo}"
    );
    wait_for(&browser, "section.todo a[href='/dso#forslag']")
        .await
        .click()
        .await
        .expect("to the proposal");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//section[@id='forslag']//button[normalize-space(.)='Dra tillbaka']",
        ))
        .await
        .expect("withdraw")
        .click()
        .await
        .expect("press");
    let why = browser
        .find(Locator::XPath(
            "//section[@id='forslag']//*[@id=//label[normalize-space(.)='Skäl (parterna ser det, och det sparas i loggen)']/@for]",
        ))
        .await
        .expect("a labelled field for the reason");
    why.send_keys("Vi väntar till hösten").await.expect("type");
    browser
        .find(Locator::XPath(
            "//section[@id='forslag']//button[normalize-space(.)='Ja, dra tillbaka']",
        ))
        .await
        .expect("confirm")
        .click()
        .await
        .expect("press");
    let receipt = text_of(&browser, "main p.receipt[role=status]").await;
    assert!(
        receipt.contains("Förslaget är tillbakadraget."),
        "{receipt}"
    );
    let shown = text_of(&browser, "section#forslag").await;
    assert!(
        shown.contains("Status: Tillbakadragen") && shown.contains("Skäl: Vi väntar till hösten"),
        "{shown}"
    );
    both_widths(&browser, "dso-withdrawn", Some("receipt.png")).await;
    // Nothing waits any more.
    open(&browser, &base, "/").await;
    let todo = text_of(&browser, "section.todo").await;
    assert!(!todo.contains("Ert förslag väntar"), "{todo}");
    browser.close().await.expect("close");
}
