//! Odd and hostile input never breaks the server: every answer is a clear
//! GraphQL error or a result, never INTERNAL, and the server goes on.

use crate::common;

use common::TestApp;
use finsam_api::auth::Role;
use serde_json::{Value, json};

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("none")
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn odd_strings_are_answered_without_internal_errors() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let strings = [
        String::new(),
        "\u{0}".to_string(),
        "a\u{0}b".to_string(),
        "' OR 1=1 --".to_string(),
        "%_\\\\".to_string(),
        "x".repeat(100_000),
        "🙂🚀".repeat(50),
        "\u{202e}ögat".to_string(),
        "Va\u{308}stera\u{30a}s".to_string(),
    ];
    for s in &strings {
        for (query, variables) in [
            (
                "query($s: String!) { insatser(filter: { search: $s }) { totalCount } }",
                json!({ "s": s }),
            ),
            (
                "query($s: String!) { forbund(slug: $s) { name } }",
                json!({ "s": s }),
            ),
            (
                "query($s: String!) { dsoFor(forbund: $s) { contact } }",
                json!({ "s": s }),
            ),
            (
                "query($s: String!) { populationSupport(area: $s, year: 2018) { sharePercent } }",
                json!({ "s": s }),
            ),
            (
                "query($s: String!) { insats(id: $s) { name } }",
                json!({ "s": s }),
            ),
            (
                "query($s: String) { forbundList(after: $s) { totalCount } }",
                json!({ "s": s }),
            ),
            (
                "mutation($s: String!) { createInsats(input: { forbund: \"varend\", name: $s, description: $s }) { id } }",
                json!({ "s": s }),
            ),
        ] {
            let body = app.gql_as(Some(&editor), query, variables).await;
            let codes = codes(&body);
            assert!(
                !codes.iter().any(|c| c == "INTERNAL" || c == "none"),
                "{query} with {:?}: {body}",
                &s[..s.len().min(20)]
            );
        }
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn extreme_numbers_and_inline_nul_are_answered_without_internal_errors() {
    let app = TestApp::spawn().await;
    let analyst = app.token(&[Role::Analyst], None);
    for (query, variables) in [
        (
            r#"{ insatser(filter: { search: "\u0000" }) { totalCount } }"#,
            json!({}),
        ),
        (
            "query($y: Int!) { indicatorComparison(forbund: \"varend\", year: $y) { year } }",
            json!({ "y": i32::MIN }),
        ),
        (
            "query($y: Int!) { indicatorComparison(forbund: \"varend\", year: $y) { year } }",
            json!({ "y": i32::MAX }),
        ),
        (
            "query($a: Int!, $b: Int!) { indicatorTrend(forbund: \"varend\", indicator: \"6\", from: $a, to: $b) { year } }",
            json!({ "a": i32::MIN, "b": i32::MAX }),
        ),
        (
            "query($y: Int!) { networkComparison(indicator: \"6\", year: $y) { forbundCount } }",
            json!({ "y": i32::MIN }),
        ),
        (
            "query($y: Int!) { keyFigureComparison(year: $y, figure: CLOSURES) { forbundCount } }",
            json!({ "y": i32::MAX }),
        ),
        (
            "query($y: Int!) { populationSupport(area: \"00\", year: $y) { sharePercent } }",
            json!({ "y": i32::MIN }),
        ),
        (
            "query($n: Int!) { insatser(first: $n) { totalCount } }",
            json!({ "n": i32::MIN }),
        ),
        (
            "query($n: Int!) { insatser(filter: { age: $n }) { totalCount } }",
            json!({ "n": i32::MAX }),
        ),
        (
            r#"{ dsoRing(on: "262142-12-31") { complete periodEndsOn noticeDeadline } }"#,
            json!({}),
        ),
        (
            r#"{ dsoSchedule(from: "0001-01-01", to: "262142-12-31") { from } }"#,
            json!({}),
        ),
        (
            r#"{ dsoLeavePreview(forbund: "vasteras", noticeReceivedOn: "262142-12-31") { lastDay } }"#,
            json!({}),
        ),
        (
            r#"{ meetings(from: "0001-01-01", to: "262142-12-31") { id } }"#,
            json!({}),
        ),
    ] {
        let body = app.gql_as(Some(&analyst), query, variables).await;
        let codes = codes(&body);
        assert!(
            !codes.iter().any(|c| c == "INTERNAL" || c == "none"),
            "{query}: {body}"
        );
    }
    // A förbund's finances, read by the network, which may read them all:
    // years out of range are refused before anything counts from them.
    let network = app.network_admin();
    for (query, variables) in [
        (
            "query($y: Int!) { forbund(slug: \"varend\") { finances(year: $y) { year } } }",
            json!({ "y": i32::MAX }),
        ),
        (
            "query($a: Int!, $b: Int!) { forbund(slug: \"varend\") { financeReports(fromYear: $a, toYear: $b) { year } } }",
            json!({ "a": i32::MIN, "b": i32::MAX }),
        ),
    ] {
        let body = app.gql_as(Some(&network), query, variables).await;
        assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{query}: {body}");
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn extreme_counts_and_money_in_changes_get_clear_answers() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Gränsfall" }) { id } }"#,
            json!({}),
        )
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let max = i32::MAX;
    let outcome = app
        .gql_as(
            Some(&editor),
            r#"mutation($id: ID!, $n: Int!) { recordInsatsOutcome(id: $id, version: 1, outcome: {
                periodTo: "2026-06-30", participants: $n, participantsWomen: $n, participantsMen: $n,
                closures: $n, closuresWork: $n, closuresStudies: $n,
                municipalities: [{ municipality: "A", participants: $n }, { municipality: "B", participants: $n }] }) { version } }"#,
            json!({ "id": id, "n": max }),
        )
        .await;
    assert_eq!(codes(&outcome), ["BAD_USER_INPUT"], "{outcome}");
    let budget = app
        .gql_as(
            Some(&editor),
            r#"mutation($id: ID!, $b: Int!) { setInsatsBudget(id: $id, version: 1, year: 2026, budgetSek: $b, spentSek: $b) {
                budgetTotalSek budgets { utilisationPercent } } }"#,
            json!({ "id": id, "b": i64::MAX }),
        )
        .await;
    assert!(!codes(&budget).iter().any(|c| c == "INTERNAL"), "{budget}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}
