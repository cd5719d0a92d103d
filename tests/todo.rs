//! What waits for a förbund's staff (`me.todo`): a proposal waits for the
//! admin of each förbund whose DSO it changes, and the proposer's admin may
//! withdraw it; a running insats without a report for the last half-year
//! waits for its editors. Each leaves the list when it is done.

use crate::common::{Spawn, TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const TODO: &str = r#"{ me { todo {
  count
  proposalsToAnswer { id kind forbund { slug } }
  ownProposalsWaiting { id parties { forbund { slug } answer } }
  reportsDue { insats { id name } periodFrom periodTo }
} } }"#;

async fn todo_of(app: &TestApp, token: &str) -> Value {
    app.data_as(Some(token), TODO, json!({})).await["me"]["todo"].clone()
}

async fn spawn_on(day: &str) -> TestApp {
    TestApp::spawn_with(Spawn {
        today: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_proposal_waits_for_its_parties_until_its_proposer_withdraws_it() {
    let app = spawn_on("2026-12-01").await;
    let varend = app.token(&[Role::Admin], Some("varend"));
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    // Värend asks to join after Södra Dalarna: Sollentuna would get Värend as its DSO.
    let joined = app
        .data_as(
            Some(&varend),
            r#"mutation { joinDsoRing(forbund: "varend", from: "2027-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { proposal { id } } }"#,
            json!({}),
        )
        .await;
    let id = joined["joinDsoRing"]["proposal"]["id"]
        .as_str()
        .expect("a proposal")
        .to_string();

    let theirs = todo_of(&app, &sollentuna).await;
    let asked = theirs["proposalsToAnswer"].as_array().expect("a list");
    assert!(
        asked
            .iter()
            .any(|p| p["id"] == id.as_str() && p["kind"] == "JOIN"),
        "{theirs}"
    );
    assert!(theirs["count"].as_i64().unwrap_or(0) >= 1, "{theirs}");
    let ours = todo_of(&app, &varend).await;
    assert_eq!(ours["proposalsToAnswer"], json!([]), "{ours}");
    assert_eq!(ours["ownProposalsWaiting"][0]["id"], id.as_str(), "{ours}");
    // An editor of Sollentuna answers nothing: nothing to answer waits for them.
    let editor = app.token(&[Role::Editor], Some("sollentuna"));
    assert_eq!(todo_of(&app, &editor).await["proposalsToAnswer"], json!([]));

    // Only the proposer withdraws it.
    const WITHDRAW: &str = r#"mutation($id: ID!, $f: String!, $reason: String) {
      withdrawDsoProposal(id: $id, forbund: $f, reason: $reason) { status outcome }
    }"#;
    let refused = app
        .gql_as(
            Some(&sollentuna),
            WITHDRAW,
            json!({ "id": id, "f": "sollentuna" }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["rule"], "PROPOSAL_NOT_PROPOSER",
        "{refused}"
    );
    let withdrawn = app
        .data_as(
            Some(&varend),
            WITHDRAW,
            json!({ "id": id, "f": "varend", "reason": "Vi väntar till hösten" }),
        )
        .await;
    assert_eq!(withdrawn["withdrawDsoProposal"]["status"], "WITHDRAWN");
    assert_eq!(
        withdrawn["withdrawDsoProposal"]["outcome"],
        "Vi väntar till hösten"
    );
    assert_eq!(
        todo_of(&app, &sollentuna).await["proposalsToAnswer"],
        json!([])
    );
    assert_eq!(
        todo_of(&app, &varend).await["ownProposalsWaiting"],
        json!([])
    );
    // Withdrawn is decided: no answer, and no second withdrawal.
    let late = app
        .gql_as(
            Some(&sollentuna),
            r#"mutation($id: ID!) { acceptDsoProposal(id: $id, forbund: "sollentuna") { status } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&late), "CONFLICT", "{late}");
    assert_eq!(late["errors"][0]["extensions"]["rule"], "PROPOSAL_CLOSED");
    // The parties' logs say who withdrew it.
    let log = app
        .data_as(
            Some(&sollentuna),
            r#"{ auditLog(forbund: "sollentuna", first: 20) { edges { node { operation } } } }"#,
            json!({}),
        )
        .await;
    assert!(log.to_string().contains("withdrawDsoProposal"), "{log}");
    // Nothing of it took effect.
    let dso = app
        .data(
            r#"{ dsoFor(forbund: "sollentuna", on: "2027-06-01") { provider { slug } } }"#,
            json!({}),
        )
        .await;
    assert_ne!(dso["dsoFor"]["provider"]["slug"], "varend", "{dso}");
}

#[tokio::test]
async fn a_running_insats_waits_for_its_half_year_report() {
    let app = spawn_on("2026-12-05").await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Rapportera mig", status: ACTIVE, startsOn: "2026-02-01" }) { id version } }"#,
            json!({}),
        )
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let due = |todo: &Value| {
        todo["reportsDue"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .find(|r| r["insats"]["id"] == id.as_str())
    };
    let todo = todo_of(&app, &editor).await;
    let report = due(&todo).expect("its report is due");
    assert_eq!(report["periodFrom"], "2026-01-01");
    assert_eq!(report["periodTo"], "2026-06-30");
    // A member reports nothing: nothing waits for them.
    let member = app.token(&[Role::Member], Some("varend"));
    assert!(due(&todo_of(&app, &member).await).is_none());

    app.data_as(
        Some(&editor),
        r#"mutation($id: ID!, $v: Int!) { recordInsatsOutcome(id: $id, version: $v, outcome: {
            periodFrom: "2026-01-01", periodTo: "2026-06-30", participants: 9 }) { version } }"#,
        json!({ "id": id, "v": created["createInsats"]["version"] }),
    )
    .await;
    assert!(due(&todo_of(&app, &editor).await).is_none(), "reported");
}

#[tokio::test]
async fn nothing_waits_for_the_staff_of_a_dissolved_forbund() {
    // Västerås was dissolved on 2023-12-31; its running insatser are an archive.
    let app = spawn_on("2026-12-05").await;
    let editor = app.token(&[Role::Editor], Some("vasteras"));
    let todo = todo_of(&app, &editor).await;
    assert_eq!(todo["count"], 0, "{todo}");
    assert_eq!(todo["reportsDue"], json!([]), "{todo}");
}
