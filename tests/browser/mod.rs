//! The web app in a real browser: headless Chromium driven over WebDriver
//! (chromedriver) against the real server on a random port with the demo
//! dataset. It searches the catalogue, reads the DSO-ring of 2021-03-01 and
//! Södra Dalarna's comparison, opens an insats as anonymous and again signed
//! in, checks that no request left the server's origin, and saves a
//! screenshot of every page at desktop width and at 360 px under
//! `target/screenshots/` (and the README's under `docs/screenshots/`).
//!
//! Without chromedriver the test says so and passes, unless
//! `FINSAM_REQUIRE_BROWSER` is set (`.ci/run` sets it): then it fails.

mod accessibility;
mod forms;
mod live;
mod national;
mod reports;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::TestApp;
use fantoccini::{Client, ClientBuilder, Locator};
use finsam_api::auth::Role;
use serde_json::{Value, json};

/// chromedriver as a child process, stopped with the test; the browsers'
/// profiles live in `profiles`, removed after the driver has stopped.
struct Driver {
    child: Child,
    url: String,
    profiles: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_driver() -> Option<(Driver, PathBuf)> {
    let driver = find_program(&["chromedriver"]);
    let browser = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let (Some(driver), Some(browser)) = (driver, browser) else {
        assert!(
            std::env::var_os("FINSAM_REQUIRE_BROWSER").is_none(),
            "FINSAM_REQUIRE_BROWSER is set but chromium or chromedriver is missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipping the browser tests: chromium and chromedriver are not installed");
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{url}/status")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profiles = tempfile::Builder::new()
        .prefix("finsam-chromium-")
        .tempdir()
        .expect("a folder for the browsers' profiles");
    Some((
        Driver {
            child,
            url,
            profiles,
        },
        browser,
    ))
}

async fn open_browser(driver: &Driver, browser: &Path) -> Client {
    let profile = driver
        .profiles
        .path()
        .join(uuid::Uuid::new_v4().to_string());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": browser,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--lang=sv-SE",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,900"
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// Loads a page of the app and waits until it has rendered (the "Hämtar"
/// placeholder is gone).
async fn open(browser: &Client, base: &str, path: &str) {
    browser.goto(&format!("{base}{path}")).await.expect("goto");
    wait_for(browser, "main > :not(.loading)").await;
}

async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

async fn script(browser: &Client, code: &str) -> Value {
    browser.execute(code, vec![]).await.expect("script")
}

async fn text_of(browser: &Client, css: &str) -> String {
    wait_for(browser, css).await.text().await.expect("text")
}

/// Every resource the page loaded came from the server itself.
async fn assert_same_origin(browser: &Client, base: &str, page: &str) {
    let loaded = script(
        browser,
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);",
    )
    .await;
    for url in loaded.as_array().expect("a list") {
        let url = url.as_str().unwrap_or_default();
        assert!(
            url.starts_with(base),
            "{page} loaded {url} from another origin"
        );
    }
}

/// A screenshot of the whole page at `width`, saved as `name`.
async fn screenshot(browser: &Client, name: &str, width: u32, also: Option<&Path>) {
    browser.set_window_size(width, 900).await.expect("resize");
    let height = script(browser, "return document.documentElement.scrollHeight;")
        .await
        .as_u64()
        .unwrap_or(900)
        .clamp(600, 6000) as u32;
    browser
        .set_window_size(width, height + 140)
        .await
        .expect("resize");
    tokio::time::sleep(Duration::from_millis(150)).await;
    let png = browser.screenshot().await.expect("screenshot");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    std::fs::write(dir.join(format!("{name}.png")), &png).expect("save");
    if let Some(path) = also {
        std::fs::write(path, &png).expect("save the README's screenshot");
    }
    browser.set_window_size(1280, 900).await.expect("resize");
}

/// axe-core's script, from the pinned test tools (`tests/tools`), read once;
/// `None` where the tools are not installed and the browser is not required.
fn axe_source() -> Option<&'static str> {
    static SOURCE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let mut places: Vec<PathBuf> = std::env::var_os("NODE_PATH")
                .map(|p| std::env::split_paths(&p).collect())
                .unwrap_or_default();
            if let Some(tools) = std::env::var_os("FINSAM_NODE_TOOLS") {
                places.push(PathBuf::from(tools).join("node_modules"));
            }
            places.push(std::env::temp_dir().join("finsam-node-tools/node_modules"));
            let found = places
                .iter()
                .find_map(|dir| std::fs::read_to_string(dir.join("axe-core/axe.min.js")).ok());
            assert!(
                found.is_some() || std::env::var_os("FINSAM_REQUIRE_BROWSER").is_none(),
                "FINSAM_REQUIRE_BROWSER is set but axe-core is missing (npm ci in tests/tools)"
            );
            if found.is_none() {
                eprintln!("skipping the accessibility checks: axe-core is not installed");
            }
            found
        })
        .as_deref()
}

/// axe-core on the page as it is now: no violation of WCAG 2.1 A or AA
/// (what lag 2018:1937 asks of Swedish public services).
async fn assert_accessible(browser: &Client, name: &str) {
    let Some(source) = axe_source() else { return };
    let loaded = script(
        browser,
        &format!("if (!window.axe) {{ {source} }} return typeof window.axe;"),
    )
    .await;
    assert_eq!(loaded, "object", "axe-core did not load on {name}");
    let found = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
              .then((r) => done(r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }))))
              .catch((e) => done([{ id: "axe-failed", help: String(e), nodes: [] }]));"#,
            vec![],
        )
        .await
        .expect("axe ran");
    let violations = found.as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{name}: axe-core found {} violation(s): {:#}",
        violations.len(),
        Value::Array(violations.clone())
    );
}

async fn both_widths(browser: &Client, name: &str, readme: Option<&str>) {
    let docs = readme.map(|file| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots")
            .join(file)
    });
    screenshot(browser, &format!("{name}-desktop"), 1280, docs.as_deref()).await;
    assert_accessible(browser, &format!("{name} at 1280 px")).await;
    screenshot(browser, &format!("{name}-360"), 360, None).await;
    browser.set_window_size(360, 900).await.expect("resize");
    assert_accessible(browser, &format!("{name} at 360 px")).await;
    // Nothing is wider than a 360 px screen.
    browser.set_window_size(360, 900).await.expect("resize");
    let overflow = script(
        browser,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    if overflow.as_i64().unwrap_or(0) > 1 {
        // The widest elements that stick out, to say what to fix.
        let wide = script(
            browser,
            "const w = document.documentElement.clientWidth; const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1)); const chain = []; for (let e = out[0]; e; e = e.parentElement) chain.push(e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width)); return chain;",
        )
        .await;
        panic!("{name} scrolls sideways at 360 px ({overflow} px): {wide}");
    }
    browser.set_window_size(1280, 900).await.expect("resize");
}

#[tokio::test]
async fn the_app_in_a_real_browser() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    std::fs::create_dir_all(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots"))
        .expect("docs folder");

    // The start page.
    open(&browser, &base, "/").await;
    assert_eq!(
        text_of(&browser, "h1").await,
        "Samordningsförbundens gemensamma underlag"
    );
    assert_same_origin(&browser, &base, "/").await;
    both_widths(&browser, "start", None).await;

    // The directory: every förbund, the dissolved ones with their end and
    // where they went; an address nothing answers says so in Swedish.
    open(&browser, &base, "/forbund").await;
    let vasteras = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//tr[th/a[@href='/forbund/vasteras']]/td[last()]",
        ))
        .await
        .expect("Västerås is listed")
        .text()
        .await
        .expect("text");
    assert_eq!(
        vasteras,
        "Upplöst 2023-12-31, uppgick i Samordningsförbundet Västmanland"
    );
    let active = text_of(
        &browser,
        "tr:has(a[href='/forbund/sodra-dalarna']) td:last-child",
    )
    .await;
    assert_eq!(active, "Verksamt");
    both_widths(&browser, "forbund-directory", None).await;
    open(&browser, &base, "/finns/inte").await;
    assert_eq!(text_of(&browser, "h1").await, "Sidan finns inte");
    // An insats a visitor cannot see (a private one, by a link from a
    // colleague) offers signing in, and back to it.
    open(&browser, &base, "/insatser/999999").await;
    let login = wait_for(&browser, "main [role=alert] a[href^='/login']").await;
    assert_eq!(
        login.attr("href").await.expect("href").as_deref(),
        Some("/login?back=%2Finsatser%2F999999")
    );

    // The catalogue: search as you type, with the API's folded search.
    open(&browser, &base, "/insatser").await;
    let search = wait_for(&browser, "#search").await;
    search.send_keys("vasteras").await.expect("type");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//ul[@class='results']/li/a[text()='Samordningsteam Västerås']",
        ))
        .await
        .expect("the search finds Samordningsteam Västerås");
    let url = browser.current_url().await.expect("url");
    assert!(
        url.as_str().ends_with("/insatser?search=vasteras"),
        "the search is in the URL: {url}"
    );
    assert_same_origin(&browser, &base, "/insatser").await;
    both_widths(&browser, "insatser", None).await;
    // Reload keeps the search.
    browser.refresh().await.expect("reload");
    assert_eq!(
        wait_for(&browser, "#search")
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("vasteras")
    );

    // A carried-over insats is one story: "BIP" once, under Västmanland,
    // linking back to Norra Västmanland's record; that one is behind the
    // status filter, linking forward.
    open(&browser, &base, "/insatser?search=BIP").await;
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//ul[@class='results']/li/a[text()='BIP']"))
        .await
        .expect("BIP is listed");
    let bip = browser
        .find_all(Locator::XPath("//ul[@class='results']/li[a[text()='BIP']]"))
        .await
        .expect("BIP");
    assert_eq!(bip.len(), 1, "BIP is listed once");
    let shown = bip[0].text().await.expect("text");
    assert!(
        shown.contains("Samordningsförbundet Västmanland")
            && shown.contains("överförd från Norra Västmanlands Samordningsförbund"),
        "{shown}"
    );
    open(&browser, &base, "/insatser?search=BIP&status=CARRIED_OVER").await;
    let earlier = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//ul[@class='results']/li[a[text()='BIP']]"))
        .await
        .expect("the earlier record behind the filter");
    let shown = earlier.text().await.expect("text");
    assert!(
        shown.contains("överförd till Samordningsförbundet Västmanland"),
        "{shown}"
    );

    // The DSO-ring on 2021-03-01: six members, Västerås serving Sundbyberg.
    open(&browser, &base, "/dso?on=2021-03-01").await;
    wait_for(&browser, "svg.ring").await;
    let members = browser
        .find_all(Locator::Css("svg.ring circle.member"))
        .await
        .expect("members");
    assert_eq!(members.len(), 6, "six members on the ring");
    browser
        .find(Locator::Css(
            "svg.ring line.assignment[data-provider='vasteras'][data-recipient='sundbyberg']",
        ))
        .await
        .expect("an arrow from Västerås to Sundbyberg");
    let facts = text_of(&browser, "dl.facts").await;
    assert!(
        facts.contains("2021-12-31") && facts.contains("2021-08-31"),
        "{facts}"
    );
    // The ring over time: each period's label inside its bar or clear of it,
    // never running out of it halfway (a short period's label sits beside).
    let labels = script(
        &browser,
        "const bars = [...document.querySelectorAll('svg.timeline rect.period')]; const labels = [...document.querySelectorAll('svg.timeline text.period-label')]; return bars.map((r, i) => { const a = r.getBBox(), b = labels[i].getBBox(); const inside = b.x >= a.x && b.x + b.width <= a.x + a.width; const clear = b.x >= a.x + a.width || b.x + b.width <= a.x; return [labels[i].textContent, inside || clear]; });",
    )
    .await;
    let labels = labels.as_array().cloned().unwrap_or_default();
    assert!(labels.len() >= 2, "the ring's periods drawn: {labels:?}");
    for label in &labels {
        assert_eq!(label[1], true, "a label runs out of its bar: {label}");
    }
    assert_same_origin(&browser, &base, "/dso").await;
    both_widths(&browser, "dso", Some("dso-ring.png")).await;

    // Södra Dalarna's comparison for 2020: 14 bars, 12 of 14, examples marked.
    // The menu's Jämförelser asks which förbund first.
    open(&browser, &base, "/").await;
    wait_for(&browser, "nav a[href='/comparisons']")
        .await
        .click()
        .await
        .expect("Jämförelser");
    let varend = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//ul[@class='choices']/li/a[text()='Samordningsförbundet Värend']",
        ))
        .await
        .expect("Värend is a choice");
    let choices = text_of(&browser, "ul.choices").await;
    assert!(
        !choices.contains("Samordningsförbundet Västerås"),
        "dissolved ones are not offered: {choices}"
    );
    both_widths(&browser, "comparison-choice", Some("comparison-choice.png")).await;
    varend.click().await.expect("choose Värend");
    wait_for(&browser, "main h1").await;
    assert!(
        browser
            .current_url()
            .await
            .expect("url")
            .path()
            .ends_with("/comparisons/varend"),
        "the choice opens its comparison"
    );
    open(&browser, &base, "/comparisons/sodra-dalarna?year=2020").await;
    wait_for(&browser, "svg.bars").await;
    let bars = browser
        .find_all(Locator::Css("svg.bars rect.bar[data-indicator]"))
        .await
        .expect("bars");
    assert_eq!(bars.len(), 14, "one bar per indicator measured");
    let headline = text_of(&browser, ".summary .headline").await;
    assert!(headline.contains("12 av 14"), "{headline}");
    let examples = browser
        .find_all(Locator::Css(".example"))
        .await
        .expect("markers");
    assert!(
        examples.len() >= 14,
        "every example value is marked ({} markers)",
        examples.len()
    );
    assert_same_origin(&browser, &base, "/comparisons").await;
    // Each bar is named by its indicator, not its number alone.
    let labels = text_of(&browser, "svg.bars").await;
    assert!(labels.contains("6. Övergången efter avslut"), "{labels}");
    // Women and men: the data hold no national average by gender, and the
    // page says so instead of counting "0 of 0".
    let page = text_of(&browser, "main").await;
    assert!(
        page.contains("Riksgenomsnittet finns bara för alla deltagare"),
        "{page}"
    );
    both_widths(&browser, "comparisons", Some("comparisons.png")).await;

    // As in Kolada: another förbund beside it and fewer indicators, with
    // the national average as a column and who is below it said in words.
    browser
        .find(Locator::XPath(
            "//form[contains(@class,'chooser')]//label[normalize-space(.)='Samordningsförbundet Värend']",
        ))
        .await
        .expect("Värend to compare with")
        .click()
        .await
        .expect("tick");
    browser
        .find(Locator::XPath(
            "//form[contains(@class,'chooser')]//button[normalize-space(.)='Visa jämförelsen']",
        ))
        .await
        .expect("show")
        .click()
        .await
        .expect("press");
    let side = browser
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//h2[starts-with(normalize-space(.),'Förbunden sida vid sida')]/following::table[1]",
        ))
        .await
        .expect("the förbund side by side")
        .text()
        .await
        .expect("text");
    assert!(
        side.contains("Södra Dalarnas Samordningsförbund")
            && side.contains("Samordningsförbundet Värend")
            && side.contains("Riksgenomsnitt"),
        "{side}"
    );
    assert!(
        browser
            .current_url()
            .await
            .expect("url")
            .query()
            .unwrap_or_default()
            .contains("med=varend"),
        "the choice is in the address"
    );
    both_widths(&browser, "comparisons-side-by-side", None).await;

    // The förbund page and the calendar.
    open(&browser, &base, "/forbund/vastmanland").await;
    assert!(
        text_of(&browser, "main")
            .await
            .contains("Samordningsförbundet Västerås")
    );
    both_widths(&browser, "forbund", None).await;
    // A dissolved förbund's page says so first, since when, and where it went.
    open(&browser, &base, "/forbund/vasteras").await;
    let notice = text_of(&browser, "main article > p.message").await;
    assert!(
        notice.contains("upplöstes 2023-12-31")
            && notice.contains("uppgick i Samordningsförbundet Västmanland"),
        "{notice}"
    );
    assert!(
        browser
            .find(Locator::Css(
                "main article > p.message a[href='/forbund/vastmanland']"
            ))
            .await
            .is_ok(),
        "the successor is linked"
    );
    both_widths(&browser, "forbund-dissolved", None).await;
    open(
        &browser,
        &base,
        "/meetings?from=2021-01-01&to=2021-12-31&forbund=vasteras",
    )
    .await;
    let meetings = browser
        .find_all(Locator::Css("ol.meetings > li"))
        .await
        .expect("meetings");
    assert_eq!(meetings.len(), 8, "Västerås's eight board meetings of 2021");
    both_widths(&browser, "meetings", None).await;

    // An insats as anonymous shows no money; signed in as an editor of its
    // förbund, the budgets.
    let id = app
        .data(
            r#"{ insatser(filter: { search: "Samordningsteam Västerås" }) { edges { node { id name } } } }"#,
            json!({}),
        )
        .await["insatser"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["name"] == "Samordningsteam Västerås"))
        .map(|e| e["node"]["id"].as_str().expect("id").to_string())
        .expect("the insats");
    open(&browser, &base, &format!("/insatser/{id}")).await;
    let anonymous = text_of(&browser, "main").await;
    assert!(
        anonymous.contains("Budgetar visas för inloggad personal"),
        "{anonymous}"
    );
    assert!(!anonymous.contains("7 938 090"), "no budget for anonymous");
    assert!(browser.find(Locator::Css("table.budgets")).await.is_err());
    both_widths(&browser, "insats-anonymous", None).await;

    let token = app.token(&[Role::Editor], Some("vasteras"));
    open(&browser, &base, &format!("/login?back=/insatser/{id}")).await;
    both_widths(&browser, "login", None).await;
    wait_for(&browser, "#token")
        .await
        .send_keys(&token)
        .await
        .expect("paste");
    wait_for(&browser, "form.login button[type=submit]")
        .await
        .click()
        .await
        .expect("sign in");
    let budgets = wait_for(&browser, "table.budgets")
        .await
        .text()
        .await
        .expect("budgets");
    assert!(budgets.contains("7 938 090 kr"), "{budgets}");
    let url = browser.current_url().await.expect("url");
    assert!(
        url.as_str().ends_with(&format!("/insatser/{id}")),
        "back on the insats: {url}"
    );
    let header = text_of(&browser, "header .who").await;
    assert!(
        header.contains("redaktör") && header.contains("Samordningsförbundet Västerås"),
        "{header}"
    );
    // The token is the session cookie's, which no script reads: not in
    // storage, not in a readable cookie, not in a URL.
    let stored = script(
        &browser,
        "return [JSON.stringify({...localStorage, ...sessionStorage}), document.cookie, location.href];",
    )
    .await;
    assert!(
        !stored[0].as_str().unwrap_or_default().contains(&token),
        "the token is not in the page's storage: {}",
        stored[0]
    );
    assert_eq!(stored[1], "", "nor in a cookie a script can read");
    assert!(
        !stored[2].as_str().unwrap_or_default().contains(&token),
        "nor in a URL"
    );
    both_widths(&browser, "insats-signed-in", None).await;

    // A link opened in a new tab is signed in there too.
    let first_tab = browser.window().await.expect("this tab");
    let second_tab = browser.new_window(true).await.expect("a new tab");
    browser
        .switch_to_window(second_tab.handle)
        .await
        .expect("to the new tab");
    open(&browser, &base, &format!("/insatser/{id}")).await;
    let budgets = text_of(&browser, "table.budgets").await;
    assert!(
        budgets.contains("7 938 090 kr"),
        "signed in in a new tab: {budgets}"
    );
    browser.close_window().await.expect("close the new tab");
    browser
        .switch_to_window(first_tab)
        .await
        .expect("back to the first tab");
    assert_same_origin(&browser, &base, "/insatser/{id}").await;

    // Back and forward move between the app's pages, each with its state.
    wait_for(&browser, "header nav a[href='/dso']")
        .await
        .click()
        .await
        .expect("to the ring");
    wait_for(&browser, "svg.ring").await;
    browser.back().await.expect("back");
    wait_for(&browser, "table.budgets").await;
    browser.forward().await.expect("forward");
    wait_for(&browser, "svg.ring").await;
    browser.back().await.expect("back again");
    wait_for(&browser, "table.budgets").await;

    // Signing out hides the money again.
    wait_for(&browser, "header .who button")
        .await
        .click()
        .await
        .expect("sign out");
    wait_for(&browser, "header .who a.button").await;
    wait_for(&browser, "main article .message").await;
    assert!(!text_of(&browser, "main").await.contains("7 938 090"));

    browser.close().await.expect("close the browser");
}

/// Pastes a development token on the login page reached at `path`.
async fn sign_in_at(browser: &Client, base: &str, path: &str, token: &str) {
    open(browser, base, path).await;
    wait_for(browser, "#token")
        .await
        .send_keys(token)
        .await
        .expect("paste");
    wait_for(browser, "form.login button[type=submit]")
        .await
        .click()
        .await
        .expect("sign in");
}

/// A ring change waits for the förbund whose DSO it changes: Värend asks to
/// join after Södra Dalarna, and Sollentuna's admin finds the proposal on
/// the DSO page and accepts it; only then is Värend its DSO.
#[tokio::test]
async fn an_admin_answers_a_ring_proposal_that_concerns_its_forbund() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with(common::Spawn {
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        ..Default::default()
    })
    .await;
    let base = app.address.clone();
    let varend = app.token(&[Role::Admin], Some("varend"));
    let asked = app
        .data_as(
            Some(&varend),
            r#"mutation { joinDsoRing(forbund: "varend", from: "2027-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { applied } }"#,
            json!({}),
        )
        .await;
    assert_eq!(asked["joinDsoRing"]["applied"], false);
    let browser = open_browser(&driver, &chromium).await;

    // A hostile way back after signing in leads into the app, not away.
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    // `/.//evil.example` resolves to the path `//evil.example`.
    for back in ["%2F.%2F%2Fevil.example", "%2F%5Cevil.example%2Fx"] {
        sign_in_at(&browser, &base, &format!("/login?back={back}"), &sollentuna).await;
        let started = Instant::now();
        let mut url = browser.current_url().await.expect("url");
        while url.path() == "/login" && started.elapsed() < Duration::from_secs(20) {
            tokio::time::sleep(Duration::from_millis(100)).await;
            url = browser.current_url().await.expect("url");
        }
        assert_eq!(
            url.as_str(),
            format!("{base}/"),
            "stayed in the app ({back})"
        );
    }

    open(&browser, &base, "/dso?on=2027-01-01").await;
    let section = text_of(&browser, "section.proposals").await;
    assert!(section.contains("Inträde i ringen"), "{section}");
    assert!(
        section.contains("Samordningsförbundet Värend vill gå med"),
        "{section}"
    );
    assert!(section.contains("har inte svarat"), "{section}");
    both_widths(&browser, "dso-proposal", None).await;
    let dso = |app: &TestApp| {
        let app = app.address.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{app}/graphql"))
                .json(&json!({ "query": r#"{ dsoFor(forbund: "sollentuna", on: "2027-01-01") { provider { slug } } }"# }))
                .send()
                .await
                .expect("send")
                .json::<Value>()
                .await
                .expect("json")["data"]["dsoFor"]["provider"]["slug"]
                .clone()
        }
    };
    assert_eq!(
        dso(&app).await,
        "sodra-dalarna",
        "nothing changed before consent"
    );
    wait_for(&browser, "section.proposals .actions button")
        .await
        .click()
        .await
        .expect("accept");
    // Asked once more, with what it means, before it is sent.
    let question = text_of(&browser, "section.proposals .actions [role=alert]").await;
    assert!(
        question.contains("Godkänna förslaget") && question.contains("Det går inte att ångra"),
        "{question}"
    );
    assert_eq!(
        dso(&app).await,
        "sodra-dalarna",
        "nothing is sent before the answer is confirmed"
    );
    browser
        .find(Locator::XPath(
            "//section[contains(@class,'proposals')]//button[normalize-space(.)='Ja, godkänn']",
        ))
        .await
        .expect("confirm")
        .click()
        .await
        .expect("press");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//section[contains(@class,'proposals')]//p[contains(., 'Genomförd')]",
        ))
        .await
        .expect("the proposal is applied");
    assert!(
        browser
            .find(Locator::Css("section.proposals .actions button"))
            .await
            .is_err()
    );
    // Decided, it reads as decided: from when it applies, no deadline.
    let decided = text_of(&browser, "section.proposals li.proposal").await;
    assert!(
        decided.contains("Genomförd") && decided.contains("Gäller från"),
        "{decided}"
    );
    assert!(!decided.contains("senast"), "{decided}");
    assert_eq!(dso(&app).await, "varend", "applied with consent");
    browser.close().await.expect("close the browser");
}

/// Signing in as förbund staff do: an insats of Värend as anonymous (no
/// money), "Logga in", Värend's provider, its own login page, back on the
/// same insats with its budgets; signing out at the provider hides them again.
#[tokio::test]
async fn signing_in_through_the_forbunds_own_provider() {
    let Some(modules) = common::oidc::node_modules() else {
        return;
    };
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let (varend_port, national_port) = (common::oidc::free_port(), common::oidc::free_port());
    let app = TestApp::spawn_with(common::Spawn {
        configure: Some(Box::new(move |s| {
            s.auth.providers = vec![
                common::oidc::settings("Samordningsförbundet Värend", varend_port, &["varend"]),
                common::oidc::settings("Nationella nätverket", national_port, &["*"]),
            ];
        })),
        ..Default::default()
    })
    .await;
    let base = app.address.clone();
    let _varend =
        common::oidc::OidcProvider::start(&modules, "varend", varend_port, &[&base]).await;
    let _national =
        common::oidc::OidcProvider::start(&modules, "national", national_port, &[&base]).await;

    // An insats of Värend with a budget.
    let admin = app.network_admin();
    let insats = app
        .data_as(
            Some(&admin),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Inloggningsprovet", visibility: PUBLIC, status: ACTIVE }) { id version } }"#,
            json!({}),
        )
        .await["createInsats"]
        .clone();
    let id = insats["id"].as_str().expect("id").to_string();
    app.data_as(
        Some(&admin),
        "mutation($id: ID!, $v: Int!) { setInsatsBudget(id: $id, version: $v, year: 2026, budgetSek: 412500) { id } }",
        json!({ "id": id, "v": insats["version"] }),
    )
    .await;

    let browser = open_browser(&driver, &chromium).await;
    open(&browser, &base, &format!("/insatser/{id}")).await;
    assert!(
        !text_of(&browser, "main").await.contains("412 500"),
        "no money for anonymous"
    );
    wait_for(&browser, "header .who a.button")
        .await
        .click()
        .await
        .expect("Logga in");
    let choice = wait_for(&browser, "ul.providers button.provider").await;
    assert_eq!(
        choice.text().await.expect("text"),
        "Logga in via Samordningsförbundet Värend"
    );
    screenshot(&browser, "login-providers-desktop", 1280, None).await;
    choice.click().await.expect("choose Värend's provider");

    // The provider's own login page.
    let login = wait_for(&browser, "input[name='login']").await;
    let url = browser.current_url().await.expect("url");
    assert!(
        url.as_str().starts_with(&common::oidc::issuer(varend_port)),
        "on the provider: {url}"
    );
    screenshot(&browser, "provider-login-desktop", 1280, None).await;
    login.send_keys("editor-varend").await.expect("user");
    wait_for(&browser, "input[name='password']")
        .await
        .send_keys("secret")
        .await
        .expect("password");
    wait_for(&browser, "button[type='submit']")
        .await
        .click()
        .await
        .expect("sign in");

    // Back on the same insats, signed in, with its budgets.
    let budgets = wait_for(&browser, "table.budgets")
        .await
        .text()
        .await
        .expect("budgets");
    assert!(budgets.contains("412 500 kr"), "{budgets}");
    let url = browser.current_url().await.expect("url");
    assert!(
        url.as_str().ends_with(&format!("/insatser/{id}")),
        "back on the insats: {url}"
    );
    let who = text_of(&browser, "header .who").await;
    assert!(
        who.contains("editor-varend") && who.contains("redaktör") && who.contains("Värend"),
        "{who}"
    );
    let stored = script(
        &browser,
        "return [document.cookie, location.href, localStorage.getItem('finsam.session') !== null];",
    )
    .await;
    assert_eq!(stored[0], "", "no token in a cookie a script can read");
    assert_eq!(
        stored[2], true,
        "the session is shared by the browser's tabs"
    );
    screenshot(&browser, "insats-via-provider-desktop", 1280, None).await;

    // Signing out ends the session at the provider, then no money again.
    wait_for(&browser, "header .who button")
        .await
        .click()
        .await
        .expect("Logga ut");
    if let Ok(confirm) = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("button[name='logout'], button[value='yes']"))
        .await
    {
        confirm.click().await.expect("confirm at the provider");
    }
    wait_for(&browser, "header .who a.button").await;
    open(&browser, &base, &format!("/insatser/{id}")).await;
    assert!(
        !text_of(&browser, "main").await.contains("412 500"),
        "no money after signing out"
    );
    browser.close().await.expect("close");
}

/// With only trusted documents for anonymous callers, the app works signed
/// out: every operation it sends is one of them, byte for byte.
#[tokio::test]
async fn the_app_runs_signed_out_on_trusted_documents_alone() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with(crate::common::Spawn {
        configure: Some(Box::new(|s| s.graphql.trusted_documents_only = true)),
        ..Default::default()
    })
    .await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    for (path, shown) in [
        ("/insatser", "ul.results li"),
        ("/dso", "svg.ring"),
        ("/comparisons/sodra-dalarna?year=2020", "svg.bars"),
        ("/meetings?forbund=varend", "ol.meetings"),
        ("/forbund", "main table"),
    ] {
        open(&browser, &base, path).await;
        wait_for(&browser, shown).await;
        let main = text_of(&browser, "main").await;
        assert!(
            !main.contains("godtas inte utan inloggning"),
            "{path}: {main}"
        );
    }
    browser.close().await.expect("close");
}

/// Every table the app shows goes out to a spreadsheet as the page shows
/// it: the workbook, read back with a spreadsheet reader, holds the
/// numbers as numbers, and the CSV reads as Swedish Excel reads it.
#[tokio::test]
async fn a_table_goes_out_to_excel_with_its_numbers_as_numbers() {
    use base64::Engine;
    use calamine::{Data, Reader, Xlsx};
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    forms::sign_in(
        &browser,
        &base,
        &app.token(&[Role::Editor], Some("vasteras")),
    )
    .await;
    let id = app
        .data(
            r#"{ insatser(filter: { search: "Samordningsteam Västerås" }) { edges { node { id name } } } }"#,
            json!({}),
        )
        .await["insatser"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["name"] == "Samordningsteam Västerås"))
        .map(|e| e["node"]["id"].as_str().expect("id").to_string())
        .expect("the insats");
    open(&browser, &base, &format!("/insatser/{id}")).await;
    wait_for(&browser, "table.budgets").await;
    // The page offers both under the table.
    let offered = text_of(&browser, "table.budgets").await;
    assert!(offered.contains("7 938 090 kr"), "{offered}");
    let downloads = browser
        .find_all(Locator::Css(".downloads button"))
        .await
        .expect("downloads");
    assert!(
        downloads.len() >= 2,
        "a CSV and an Excel download under each table"
    );
    // What the buttons save, made by the app's own module from the page.
    let made = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               import("/app/js/export.js").then(async (m) => {
                 const rows = m.tableData(document.querySelector("table.budgets"));
                 const bytes = new Uint8Array(await m.xlsx(rows, "Budget").arrayBuffer());
                 let text = ""; for (const b of bytes) text += String.fromCharCode(b);
                 done([btoa(text), m.csv(rows)]);
               }).catch((e) => done(["", String(e)]));"#,
            vec![],
        )
        .await
        .expect("the export ran");
    let workbook = base64::engine::general_purpose::STANDARD
        .decode(made[0].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("a workbook: {e} ({made})"));
    let csv = made[1].as_str().unwrap_or_default().to_string();
    let mut xlsx: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(workbook)).expect("a workbook Excel can read");
    let sheet = xlsx.worksheet_range("Budget").expect("the sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("År".into()), "{rows:?}");
    let year2020 = rows
        .iter()
        .find(|r| r[0] == Data::Float(2020.0))
        .unwrap_or_else(|| panic!("2020 as a number: {rows:?}"));
    assert_eq!(year2020[1], Data::Float(7_938_090.0), "{rows:?}");
    // CSV: semicolons, decimal commas, no thousands separators, UTF-8 marked.
    assert!(csv.starts_with('\u{feff}'), "{csv:?}");
    assert!(csv.contains("2020;7938090"), "{csv}");
    browser.close().await.expect("close");
}

/// Pages of a PDF as Chromium writes them (each page a `/Type /Page` object).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    [
        "/Type /Page\n",
        "/Type /Page/",
        "/Type /Page ",
        "/Type /Page>",
    ]
    .iter()
    .map(|p| text.matches(p).count())
    .sum()
}

/// An insats and a comparison print for a board paper: the print
/// stylesheet leaves the screen's controls (menu, chooser, downloads) off
/// the paper, so the comparison takes fewer pages with it than without.
#[tokio::test]
async fn an_insats_and_a_comparison_print_without_the_screens_controls() {
    use fantoccini::wd::PrintConfiguration;
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let browser = open_browser(&driver, &chromium).await;
    open(&browser, &base, "/insatser/1").await;
    wait_for(&browser, "article.insats-page h1").await;
    let insats = browser
        .print(PrintConfiguration::default())
        .await
        .expect("printed");
    assert!(insats.starts_with(b"%PDF"));
    let pages = pdf_pages(&insats);
    assert!((1..=3).contains(&pages), "an insats on {pages} pages");

    open(&browser, &base, "/comparisons/sodra-dalarna?year=2020").await;
    wait_for(&browser, "svg.bars").await;
    let with_print = pdf_pages(
        &browser
            .print(PrintConfiguration::default())
            .await
            .expect("printed"),
    );
    script(
        &browser,
        "document.querySelector('link[href*=\"print.css\"]').disabled = true; return null;",
    )
    .await;
    let without = pdf_pages(
        &browser
            .print(PrintConfiguration::default())
            .await
            .expect("printed"),
    );
    assert!(
        with_print >= 1 && with_print < without,
        "the comparison on {with_print} pages, {without} without the print stylesheet"
    );
    browser.close().await.expect("close");
}
