//! The app with the whole network in it (`finsam demo --national`): the
//! comparison of 80 förbund keeps its chart readable and its ranking in a
//! region of its own with the caller's row marked, and the catalogue of
//! thousands of insatser pages; both at 1280 and 360 px, checked by
//! axe-core.

use finsam_api::auth::Role;
use finsam_api::service::seed::{self, national::Size};

use super::forms::sign_in;
use super::{both_widths, open, open_browser, script, start_driver, wait_for};
use crate::common::TestApp;

#[tokio::test]
async fn the_comparison_and_the_catalogue_at_the_networks_size() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let size = Size {
        forbund: 80,
        years: 2,
        last_year: 2025,
    };
    seed::load_national(&app.state.service().db, 5, size)
        .await
        .expect("the national network loads");
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    sign_in(
        &browser,
        &base,
        &app.token(&[Role::Member], Some("exempel-10")),
    )
    .await;
    open(
        &browser,
        &base,
        "/comparisons/exempel-10?year=2025&indicator=6",
    )
    .await;
    wait_for(&browser, "svg.dots").await;
    let rows = script(
        &browser,
        "return document.querySelector('table.long-ranking').tBodies[0].rows.length;",
    )
    .await;
    assert!(
        rows.as_i64().unwrap_or(0) >= 75,
        "the whole network ranked: {rows}"
    );
    // The region opens at the caller's own row.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let own = script(
        &browser,
        "const r = document.querySelector('table.long-ranking tr.own'); const g = r.closest('.scroll'); const a = r.getBoundingClientRect(), b = g.getBoundingClientRect(); return [r.textContent, a.top >= b.top && a.bottom <= b.bottom];",
    )
    .await;
    assert_eq!(own[1], true, "the region opens at the caller's row: {own}");
    let own = own[0].as_str().unwrap_or_default().to_string();
    assert!(own.contains("(ert)"), "{own}");
    let rank = script(
        &browser,
        "return document.querySelector('p.own-rank').textContent;",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string();
    assert!(
        rank.contains("Ert förbund: rang") && rank.contains(" av "),
        "{rank}"
    );
    // The ranking scrolls inside its own region; the page does not grow by it.
    let held = script(
        &browser,
        "const r = document.querySelector('table.long-ranking').closest('.scroll'); return r.scrollHeight > r.clientHeight && r.clientHeight < 700;",
    )
    .await;
    assert_eq!(
        held, true,
        "the long ranking is held in a region that scrolls"
    );
    // So does the list of förbund to compare with: ninety checkboxes.
    let chooser = script(
        &browser,
        "const f = document.querySelector('form.chooser fieldset.choices'); return [f.querySelectorAll('input').length, f.scrollHeight > f.clientHeight && f.clientHeight < 400];",
    )
    .await;
    assert!(chooser[0].as_i64().unwrap_or(0) >= 80, "{chooser}");
    assert_eq!(chooser[1], true, "the chooser's list scrolls: {chooser}");
    both_widths(&browser, "comparisons-national", None).await;

    open(&browser, &base, "/insatser").await;
    wait_for(&browser, "ul.results li.insats").await;
    let total = script(
        &browser,
        "return document.querySelector('p.total').textContent;",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string();
    let count: i64 = total
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    assert!(count > 1_000, "{total}");
    let shown = script(
        &browser,
        "return document.querySelectorAll('ul.results li.insats').length;",
    )
    .await;
    assert!(
        shown.as_i64().unwrap_or(0) <= 50,
        "a page, not the whole catalogue: {shown}"
    );
    both_widths(&browser, "catalogue-national", None).await;
    browser.close().await.expect("close");
}
