//! The board's report in a real browser: read by anyone once published,
//! every section found on the page and in Chromium's print of it, its files
//! fetched from its own links, a budget line added through the app's form;
//! and the catalogue's, a comparison's and the meetings' tables out to
//! Excel with their numbers as numbers.

use std::time::Duration;

use calamine::{Data, Reader, Xlsx};
use fantoccini::Locator;
use fantoccini::wd::PrintConfiguration;
use finsam_api::auth::Role;
use serde_json::Value;

use super::forms::{arrive_at, fill, save, sign_in};
use super::{both_widths, open, open_browser, script, start_driver, text_of, wait_for};
use crate::common::TestApp;

const SECTIONS: [&str; 6] = [
    "Budget och utfall t.o.m. 31 augusti 2019",
    "Medlemsbidrag och eget kapital",
    "Redovisade och beräknade belopp",
    "Insatsredovisning",
    "Nationella indikatorer",
    "Befolkning med ersättning",
];

/// Text as a person reads it, white space of any kind as one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a same-origin fetch of `path` answers: status, type and size.
async fn fetched(browser: &fantoccini::Client, path: &str) -> Value {
    browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               fetch(arguments[0]).then(async (r) => done([r.status, r.headers.get("content-type"), (await r.arrayBuffer()).byteLength]))
                 .catch((e) => done([0, String(e), 0]));"#,
            vec![Value::String(path.to_string())],
        )
        .await
        .expect("the fetch ran")
}

#[tokio::test]
async fn the_boards_report_reads_prints_and_hands_out_its_files() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    // From the förbund's page, as anyone: the report is published.
    open(&browser, &base, "/forbund/vasteras").await;
    wait_for(&browser, "a[href^='/forbund/vasteras/rapport?ar=2019']")
        .await
        .click()
        .await
        .expect("open the report");
    wait_for(&browser, "section[data-section='befolkning'] h2").await;
    let page = words(&text_of(&browser, "article.report").await);
    for heading in SECTIONS {
        assert!(page.contains(heading), "{heading:?} not on the page");
    }
    for figure in [
        "15 027", "6 072,5", "14 716", "12 540", "20 177", "20 170", "1 628", "1 635",
    ] {
        assert!(page.contains(figure), "{figure} not on the page");
    }
    assert!(page.contains("Publicerad"), "{page}");
    assert!(page.contains("skiljer sig från de beräknade"), "{page}");
    // Its files, from its own links.
    for (css, kind) in [
        ("nav.report-files a[href*='rapport.pdf']", "application/pdf"),
        ("nav.report-files a[href*='rapport.xlsx']", "spreadsheetml"),
        ("nav.report-files a[href*='budget.csv']", "text/csv"),
    ] {
        let href = wait_for(&browser, css)
            .await
            .attr("href")
            .await
            .expect("href")
            .expect("a link");
        let got = fetched(&browser, &href).await;
        assert_eq!(got[0], 200, "{href}: {got}");
        assert!(
            got[1].as_str().unwrap_or("").contains(kind),
            "{href}: {got}"
        );
        assert!(got[2].as_i64().unwrap_or(0) > 100, "{href}: {got}");
    }
    both_widths(&browser, "report", Some("report.png")).await;

    // Printed by Chromium: every section, the screen's controls left off.
    let pdf = browser
        .print(PrintConfiguration::default())
        .await
        .expect("printed");
    // Chromium places some letters one by one: compared without spaces.
    let printed: String = pdf_extract::extract_text_from_mem(&pdf)
        .expect("the print's text")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for heading in SECTIONS {
        assert!(
            printed.contains(&squeezed(heading)),
            "{heading:?} not in the print"
        );
    }
    assert!(printed.contains("SamordningsförbundetVästerås"));
    assert!(
        !printed.contains("Excel(allatabeller)"),
        "the file links are not for paper"
    );
    browser.close().await.expect("close");
}

#[tokio::test]
async fn an_editor_adds_a_budget_line_and_the_report_counts_it() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    sign_in(&browser, &base, &app.token(&[Role::Editor], Some("varend"))).await;
    open(&browser, &base, "/forbund/varend/rapport?ar=2026").await;
    wait_for(&browser, "#edit-finances").await;
    assert!(
        text_of(&browser, "article.report")
            .await
            .contains("Inte publicerad"),
        "a period no report has published"
    );
    browser
        .find(Locator::LinkText("Ny budgetrad"))
        .await
        .expect("the link")
        .click()
        .await
        .expect("follow it");
    fill(&browser, "Namn", "Revision").await;
    super::forms::field(&browser, "Grupp")
        .await
        .select_by_label("Styrelsen")
        .await
        .expect("choose the group");
    fill(&browser, "Budget (kr)", "48 000").await;
    fill(&browser, "Utfall (kr)", "52 000").await;
    // An outcome without its day names the rule in Swedish beside its field.
    save(&browser).await;
    let alert = text_of(&browser, "form.record-form [role=alert]:not([hidden])").await;
    assert!(alert.contains("fyll i utfall t.o.m."), "{alert}");
    fill(&browser, "Utfall t.o.m.", "2026-08-31").await;
    both_widths(&browser, "budget-line-form", None).await;
    save(&browser).await;
    arrive_at(&browser, "/forbund/varend/rapport").await;
    wait_for(&browser, "section[data-section='budget'] table").await;
    let budget = words(&text_of(&browser, "section[data-section='budget']").await);
    assert!(budget.contains("Revision 48 52 108 %"), "{budget}");
    assert!(budget.contains("Summa styrelsen 48 52 108 %"), "{budget}");
    browser.close().await.expect("close");
}

/// The workbook the app's own export makes of `rows`, read back.
async fn workbook_of(browser: &fantoccini::Client, rows_js: &str) -> Vec<Vec<Data>> {
    use base64::Engine;
    let made = browser
        .execute_async(
            &format!(
                r#"const done = arguments[arguments.length - 1];
                   import("/app/js/export.js").then(async (m) => {{
                     const rows = {rows_js};
                     const bytes = new Uint8Array(await m.xlsx(rows, "Tabell").arrayBuffer());
                     let text = ""; for (const b of bytes) text += String.fromCharCode(b);
                     done(btoa(text));
                   }}).catch((e) => done(String(e)));"#
            ),
            vec![],
        )
        .await
        .expect("the export ran");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(made.as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("a workbook: {e} ({made})"));
    let mut xlsx: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let sheet = xlsx.worksheet_range("Tabell").expect("the sheet");
    sheet.rows().map(<[Data]>::to_vec).collect()
}

#[tokio::test]
async fn the_catalogue_a_comparison_and_the_meetings_go_out_to_excel() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    open(&browser, &base, "/insatser?forbund=vasteras").await;
    wait_for(&browser, "ul.results li.insats").await;
    // The list offers its downloads, of exactly the results it shows.
    let offered = text_of(&browser, "main p.downloads").await;
    assert!(offered.contains("Excel"), "{offered}");
    let shown = browser
        .find_all(Locator::Css("ul.results li.insats"))
        .await
        .expect("results")
        .len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rows = workbook_of(
        &browser,
        r#"document.querySelector("main p.downloads").rows()"#,
    )
    .await;
    assert_eq!(rows[0][0], Data::String("Insats".into()));
    assert_eq!(rows.len(), shown + 1, "{rows:?}");
    assert!(
        rows.iter().any(|r| r[0] == Data::String("PIMA".into())),
        "{rows:?}"
    );

    open(&browser, &base, "/comparisons/sodra-dalarna?year=2020").await;
    wait_for(&browser, "svg.bars").await;
    let rows = workbook_of(
        &browser,
        r#"m.tableData(document.querySelector("main table"))"#,
    )
    .await;
    assert!(rows.len() > 2, "{rows:?}");
    let numbers = rows
        .iter()
        .skip(1)
        .flat_map(|r| r.iter())
        .filter(|c| matches!(c, Data::Float(_)))
        .count();
    assert!(
        numbers > 0,
        "the comparison's numbers are numbers: {rows:?}"
    );
    // The meetings and their decisions, a row per decision; amounts are
    // money, for the signed in.
    sign_in(&browser, &base, &app.token(&[Role::Member], Some("varend"))).await;
    open(
        &browser,
        &base,
        "/meetings?from=2020-01-01&to=2021-12-31&forbund=varend",
    )
    .await;
    wait_for(&browser, "ol.meetings li").await;
    let rows = workbook_of(
        &browser,
        r#"document.querySelector("main p.downloads").rows()"#,
    )
    .await;
    assert_eq!(rows[0][0], Data::String("Datum".into()), "{rows:?}");
    let grant = rows
        .iter()
        .find(|r| r[0] == Data::String("2020-06-05".into()))
        .unwrap_or_else(|| panic!("Värend's meeting of 2020-06-05: {rows:?}"));
    assert_eq!(
        grant[6],
        Data::Float(167_000.0),
        "an amount is a number: {rows:?}"
    );
    let _ = script(&browser, "return null;").await;
    browser.close().await.expect("close");
}
