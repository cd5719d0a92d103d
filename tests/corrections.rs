//! What was entered can be corrected by whoever may write it: a goal of an
//! insats, a decision of a meeting, a period's reported outcome — each
//! against the version read (a stale one is a CONFLICT and changes
//! nothing), each logged with its values before and after.

use crate::common::{TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const LOG: &str = r#"query($f: String!) { auditLog(forbund: $f, first: 50) { edges { node { operation before after } } } }"#;

async fn last_logged(app: &TestApp, operation: &str) -> Value {
    let admin = app.token(&[Role::Admin], Some("varend"));
    let log = app
        .data_as(Some(&admin), LOG, json!({ "f": "varend" }))
        .await;
    log["auditLog"]["edges"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .find(|e| e["node"]["operation"] == operation)
                .map(|e| e["node"].clone())
        })
        .unwrap_or_else(|| panic!("no {operation} in {log}"))
}

#[tokio::test]
async fn a_goal_is_corrected_against_its_insats_version() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Mål att rätta" }) { id } }"#,
            json!({}),
        )
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let added = app
        .data_as(
            Some(&editor),
            r#"mutation($id: ID!) { addInsatsGoal(id: $id, version: 1, description: "Hälften till arbete", targetPercent: 50) { version goals { id } } }"#,
            json!({ "id": id }),
        )
        .await;
    let goal = added["addInsatsGoal"]["goals"][0]["id"].clone();
    const UPDATE: &str = r#"mutation($id: ID!, $v: Int!, $g: ID!, $d: String!, $p: Float) {
      updateInsatsGoal(id: $id, version: $v, goal: $g, description: $d, targetPercent: $p, horizonMonths: 12) {
        version goals { id description targetPercent horizonMonths } } }"#;
    let corrected = app
        .data_as(
            Some(&editor),
            UPDATE,
            json!({ "id": id, "v": 2, "g": goal, "d": "Hälften till arbete eller studier", "p": 55.0 }),
        )
        .await;
    let goals = &corrected["updateInsatsGoal"]["goals"];
    assert_eq!(corrected["updateInsatsGoal"]["version"], 3);
    assert_eq!(goals[0]["id"], goal);
    assert_eq!(goals[0]["description"], "Hälften till arbete eller studier");
    assert_eq!(goals[0]["targetPercent"], 55.0);
    assert_eq!(goals[0]["horizonMonths"], 12);

    // A colleague who read version 2 is told, and changes nothing.
    let stale = app
        .gql_as(
            Some(&editor),
            UPDATE,
            json!({ "id": id, "v": 2, "g": goal, "d": "Något annat", "p": 10.0 }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale}");
    // A rule broken names its field and rule, and changes nothing.
    let refused = app
        .gql_as(
            Some(&editor),
            UPDATE,
            json!({ "id": id, "v": 3, "g": goal, "d": "Hälften", "p": 150.0 }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["rule"], "PERCENT_RANGE",
        "{refused}"
    );
    let logged = last_logged(&app, "updateInsatsGoal").await;
    assert!(
        logged["before"]
            .as_str()
            .unwrap_or_default()
            .contains("Hälften till arbete\"")
            && logged["after"]
                .as_str()
                .unwrap_or_default()
                .contains("Hälften till arbete eller studier"),
        "{logged}"
    );
    // Another förbund's editor may not.
    let other = app.token(&[Role::Editor], Some("vasteras"));
    let denied = app
        .gql_as(
            Some(&other),
            UPDATE,
            json!({ "id": id, "v": 3, "g": goal, "d": "x", "p": 1.0 }),
        )
        .await;
    assert!(
        matches!(error_code(&denied), "FORBIDDEN" | "NOT_FOUND"),
        "{denied}"
    );
}

#[tokio::test]
async fn a_decision_is_corrected_against_its_meeting_version() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let meeting = app
        .data_as(
            Some(&editor),
            r#"mutation { createMeeting(input: { forbund: "varend", heldOn: "2026-04-14", paragraphFrom: 1, paragraphTo: 20 }) { id version } }"#,
            json!({}),
        )
        .await;
    let m = meeting["createMeeting"]["id"].clone();
    let decision = app
        .data_as(
            Some(&editor),
            r#"mutation($m: ID!) { recordDecision(meeting: $m, version: 1, input: { paragraph: 4, text: "Beviljade 100 000 kr", amountSek: 100000 }) { id } }"#,
            json!({ "m": m }),
        )
        .await["recordDecision"]["id"]
        .clone();
    const UPDATE: &str = r#"mutation($m: ID!, $v: Int!, $d: ID!, $input: DecisionInput!) {
      updateDecision(meeting: $m, version: $v, decision: $d, input: $input) { id paragraph text amountSek } }"#;
    let corrected = app
        .data_as(
            Some(&editor),
            UPDATE,
            json!({ "m": m, "v": 2, "d": decision, "input": { "paragraph": 5, "text": "Beviljade 120 000 kr", "amountSek": 120000 } }),
        )
        .await;
    assert_eq!(corrected["updateDecision"]["id"], decision);
    assert_eq!(corrected["updateDecision"]["paragraph"], 5);
    assert_eq!(corrected["updateDecision"]["amountSek"], 120000);
    let stale = app
        .gql_as(
            Some(&editor),
            UPDATE,
            json!({ "m": m, "v": 2, "d": decision, "input": { "text": "Något annat" } }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale}");
    let outside = app
        .gql_as(
            Some(&editor),
            UPDATE,
            json!({ "m": m, "v": 3, "d": decision, "input": { "paragraph": 44, "text": "x" } }),
        )
        .await;
    assert_eq!(
        outside["errors"][0]["extensions"]["rule"], "PARAGRAPH_OUTSIDE",
        "{outside}"
    );
    let unknown = app
        .gql_as(
            Some(&editor),
            UPDATE,
            json!({ "m": m, "v": 3, "d": "999999", "input": { "text": "x" } }),
        )
        .await;
    assert_eq!(
        unknown["errors"][0]["extensions"]["rule"], "DECISION_UNKNOWN",
        "{unknown}"
    );
    let shown = app
        .data_as(
            Some(&editor),
            r#"{ meetings(from: "2026-04-14", to: "2026-04-14", forbund: ["varend"]) { decisions { paragraph text amountSek } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        shown["meetings"][0]["decisions"],
        json!([{ "paragraph": 5, "text": "Beviljade 120 000 kr", "amountSek": 120000 }])
    );
    let logged = last_logged(&app, "updateDecision").await;
    assert!(
        logged["before"]
            .as_str()
            .unwrap_or_default()
            .contains("100 000")
            && logged["after"]
                .as_str()
                .unwrap_or_default()
                .contains("120 000"),
        "{logged}"
    );
}

#[tokio::test]
async fn a_reported_outcome_is_corrected_by_reporting_its_period_again() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let id = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Resultat att rätta" }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .clone();
    const REPORT: &str = r#"mutation($id: ID!, $v: Int!, $n: Int!) { recordInsatsOutcome(id: $id, version: $v, outcome: {
        periodFrom: "2026-01-01", periodTo: "2026-06-30", participants: $n,
        municipalities: [{ municipality: "Växjö kommun", participants: $n }] }) {
        version outcomes { periodTo municipality participants { value } } } }"#;
    app.data_as(Some(&editor), REPORT, json!({ "id": id, "v": 1, "n": 12 }))
        .await;
    let corrected = app
        .data_as(Some(&editor), REPORT, json!({ "id": id, "v": 2, "n": 14 }))
        .await;
    let rows = corrected["recordInsatsOutcome"]["outcomes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rows.len(), 2, "the whole and one kommun, once: {rows:?}");
    assert!(
        rows.iter().all(|r| r["participants"]["value"] == 14),
        "{rows:?}"
    );
    let stale = app
        .gql_as(Some(&editor), REPORT, json!({ "id": id, "v": 2, "n": 99 }))
        .await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale}");
}
