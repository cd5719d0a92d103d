//! Every page and every form of the app, signed out and signed in (an
//! editor of Västerås, who gets the forms), at 1280 and at 360 px: axe-core
//! finds no violation of WCAG 2.1 A or AA, and nothing scrolls sideways on
//! the narrow screen.

use finsam_api::auth::Role;
use serde_json::json;

use super::forms::sign_in;
use super::{assert_accessible, open, open_browser, script, start_driver};
use crate::common::TestApp;

#[tokio::test]
async fn every_page_and_form_at_both_widths_signed_in_and_out() {
    let Some((driver, chromium)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let meetings = app
        .data(
            r#"{ meetings(from: "2019-01-01", to: "2023-12-31", forbund: ["vasteras"]) { id } }"#,
            json!({}),
        )
        .await;
    let meeting = meetings["meetings"][0]["id"]
        .as_str()
        .expect("a meeting of Västerås")
        .to_string();
    let mut paths: Vec<String> = [
        "/",
        "/insatser",
        "/insatser?search=team",
        "/insatser/1",
        "/forbund/vasteras",
        "/dso",
        "/comparisons/sodra-dalarna",
        "/meetings",
        "/login",
        "/tillganglighet",
        "/meetings/finns-inte",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let mut forms = vec!["/insatser/ny".to_string()];
    for action in [
        "redigera", "forlang", "budget", "resultat", "mal", "dela", "overfor",
    ] {
        forms.push(format!("/insatser/1/{action}"));
    }
    forms.push("/meetings/ny".into());
    forms.push(format!("/meetings/{meeting}/redigera"));
    forms.push(format!("/meetings/{meeting}/beslut"));
    paths.extend(forms.iter().cloned());
    // The network's forms: refused to the editor, given to network_admin.
    let network_forms: Vec<String> = [
        "/forbund/ny",
        "/forbund/vasteras/redigera",
        "/forbund/vasteras/resultat",
        "/forbund/vasteras/nyckeltal",
        "/indikatorer/ny",
        "/indikatorer/6/redigera",
        "/indikatorer/riksgenomsnitt",
        "/dso/ordning",
        "/dso/rattelse",
        "/dso/avsluta",
        "/dso/avtal",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    paths.extend(network_forms.iter().cloned());
    // A member's ring changes: for its admin (the DSO test signs one in).
    for path in ["/dso/ga-med", "/dso/lamna", "/dso/omfattning"] {
        paths.push(path.to_string());
    }

    let browser = open_browser(&driver, &chromium).await;
    let editor = app.token(&[Role::Editor], Some("vasteras"));
    let admin = app.network_admin();
    let none = Vec::new();
    for (who, token, gets) in [
        ("signed out", None, &none),
        ("signed in as an editor", Some(&editor), &forms),
        ("signed in as network_admin", Some(&admin), &network_forms),
    ] {
        if let Some(token) = token {
            sign_in(&browser, &base, token).await;
        }
        for path in &paths {
            if who.ends_with("network_admin") && !network_forms.contains(path) {
                continue;
            }
            open(&browser, &base, path).await;
            if gets.contains(path) {
                // The form itself, not a refusal.
                assert!(
                    browser
                        .find(fantoccini::Locator::Css("form.record-form"))
                        .await
                        .is_ok(),
                    "{path}: no form {who}"
                );
            }
            assert_accessible(&browser, &format!("{path} {who} at 1280 px")).await;
            browser.set_window_size(360, 900).await.expect("resize");
            assert_accessible(&browser, &format!("{path} {who} at 360 px")).await;
            let overflow = script(
                &browser,
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            )
            .await;
            assert!(
                overflow.as_i64().unwrap_or(0) <= 1,
                "{path} {who} scrolls sideways at 360 px ({overflow} px)"
            );
            browser.set_window_size(1280, 900).await.expect("resize");
        }
    }
    browser.close().await.expect("close");
}
