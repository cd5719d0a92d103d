//! The DSO-ring changes only by consent, and never rewrites its past
//! (DESIGN.md, "DSO-ring", "Consent"). A right one party grants another — a
//! DSO reading a förbund's log — is never taken by the other alone.

use crate::common;

use common::{Spawn, TestApp, error_code, error_field};
use finsam_api::auth::Role;
use serde_json::{Value, json};

async fn spawn_on(day: &str) -> TestApp {
    TestApp::spawn_with(Spawn {
        today: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
        ..Default::default()
    })
    .await
}

/// The same database as `app`, on another day.
async fn later(app: &TestApp, day: &str) -> TestApp {
    let url = app.settings.database.url.clone();
    TestApp::spawn_with(Spawn {
        today: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
        configure: Some(Box::new(move |s| s.database.url = url)),
        ..Default::default()
    })
    .await
}

async fn dso_of(app: &TestApp, forbund: &str, on: &str) -> Option<String> {
    let data = app
        .data(
            r#"query($f: String!, $on: Date) { dsoFor(forbund: $f, on: $on) { provider { slug } } }"#,
            json!({ "f": forbund, "on": on }),
        )
        .await;
    data["dsoFor"]["provider"]["slug"]
        .as_str()
        .map(str::to_string)
}

const LOG: &str = r#"query($f: String) { auditLog(forbund: $f, first: 100) { edges { node { operation entity after } } } }"#;

/// The operations in `forbund`'s own audit log, as its admin reads them.
async fn log_of(app: &TestApp, forbund: &str) -> Vec<String> {
    let admin = app.token(&[Role::Admin], Some(forbund));
    let data = app
        .data_as(Some(&admin), LOG, json!({ "f": forbund }))
        .await;
    data["auditLog"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["node"]["operation"].as_str().map(str::to_string))
        .collect()
}

/// Whether the DSO role of `reader` may read `forbund`'s log.
async fn dso_reads(app: &TestApp, reader: &str, forbund: &str) -> bool {
    let dso = app.token(&[Role::Dso], Some(reader));
    let body = app.gql_as(Some(&dso), LOG, json!({ "f": forbund })).await;
    body.get("errors").is_none()
}

const JOIN: &str = r#"mutation($f: String!, $from: Date!, $after: String) {
  joinDsoRing(forbund: $f, from: $from, after: $after, contact: "dso@example.se") {
    applied proposal { id status effectiveOn parties { forbund { slug } answer } }
  }
}"#;

const ANSWER: &str = r#"mutation($id: ID!, $f: String!) {
  acceptDsoProposal(id: $id, forbund: $f) { status }
}"#;

const DECLINE: &str = r#"mutation($id: ID!, $f: String!, $reason: String) {
  declineDsoProposal(id: $id, forbund: $f, reason: $reason) { status outcome }
}"#;

#[tokio::test]
async fn one_forbunds_admin_cannot_make_itself_another_forbunds_dso() {
    // The exploit as it was run: Västerdalarna's admin joins after Södra
    // Dalarna from today, which would make it Sollentuna's DSO and give its
    // DSO Sollentuna's audit log.
    let app = spawn_on("2021-08-31").await;
    let vasterdalarna = app.token(&[Role::Admin], Some("vasterdalarna"));
    assert!(!dso_reads(&app, "vasterdalarna", "sollentuna").await);
    let joined = app
        .data_as(
            Some(&vasterdalarna),
            JOIN,
            json!({ "f": "vasterdalarna", "from": "2021-08-31", "after": "sodra-dalarna" }),
        )
        .await;
    let joined = &joined["joinDsoRing"];
    assert_eq!(joined["applied"], false, "Sollentuna was not asked");
    assert_eq!(joined["proposal"]["status"], "PENDING");
    assert_eq!(
        joined["proposal"]["parties"],
        json!([{ "forbund": { "slug": "sollentuna" }, "answer": "PENDING" },
               { "forbund": { "slug": "vasterdalarna" }, "answer": "ACCEPTED" }])
    );
    // Nothing changed: Sollentuna's DSO, and who may read its log.
    assert_eq!(
        dso_of(&app, "sollentuna", "2021-08-31").await.as_deref(),
        Some("sodra-dalarna")
    );
    assert!(!dso_reads(&app, "vasterdalarna", "sollentuna").await);
    // Sollentuna finds the proposal in its own log, and among its proposals.
    assert!(
        log_of(&app, "sollentuna")
            .await
            .contains(&"proposeDsoRingChange".to_string())
    );
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    let listed = app
        .data_as(
            Some(&sollentuna),
            r#"{ dsoProposals(forbund: "sollentuna") { edges { node { id kind proposedBy { slug } } } } }"#,
            json!({}),
        )
        .await;
    let node = &listed["dsoProposals"]["edges"][0]["node"];
    assert_eq!(node["kind"], "JOIN");
    assert_eq!(node["proposedBy"]["slug"], "vasterdalarna");
    // The proposer cannot answer for Sollentuna.
    let forged = app
        .gql_as(
            Some(&vasterdalarna),
            ANSWER,
            json!({ "id": node["id"], "f": "sollentuna" }),
        )
        .await;
    assert_eq!(error_code(&forged), "FORBIDDEN");
    // A reason past its bound is refused and answers nothing.
    let long = app
        .gql_as(
            Some(&sollentuna),
            DECLINE,
            json!({ "id": node["id"], "f": "sollentuna", "reason": "x".repeat(1_001) }),
        )
        .await;
    assert_eq!(error_code(&long), "BAD_USER_INPUT");
    assert_eq!(error_field(&long), "reason");
    // Sollentuna declines, saying why: nothing of it takes effect, and the
    // proposer reads the reason on the proposal and in its log.
    let reason = "Vi har avtal med Södra Dalarna till årsskiftet.";
    let declined = app
        .data_as(
            Some(&sollentuna),
            DECLINE,
            json!({ "id": node["id"], "f": "sollentuna", "reason": format!("  {reason} ") }),
        )
        .await;
    assert_eq!(declined["declineDsoProposal"]["status"], "DECLINED");
    assert_eq!(declined["declineDsoProposal"]["outcome"], reason);
    let proposer_log = app
        .data_as(
            Some(&app.token(&[Role::Admin], Some("vasterdalarna"))),
            LOG,
            json!({ "f": "vasterdalarna" }),
        )
        .await;
    assert!(
        proposer_log.to_string().contains(reason),
        "the reason is in the proposer's log: {proposer_log}"
    );
    assert_eq!(
        dso_of(&app, "sollentuna", "2021-09-15").await.as_deref(),
        Some("sodra-dalarna")
    );
    assert!(!dso_reads(&app, "vasterdalarna", "sollentuna").await);
    let again = app
        .gql_as(
            Some(&sollentuna),
            ANSWER,
            json!({ "id": node["id"], "f": "sollentuna" }),
        )
        .await;
    assert_eq!(
        error_code(&again),
        "CONFLICT",
        "a declined proposal stays declined"
    );
    for forbund in ["sollentuna", "vasterdalarna"] {
        assert!(
            log_of(&app, forbund)
                .await
                .contains(&"declineDsoProposal".to_string()),
            "{forbund}'s own log has the answer"
        );
    }
}

#[tokio::test]
async fn the_rings_past_is_not_rewritten_and_a_dissolved_forbund_cannot_join() {
    // The second exploit: Västra Mälardalen, dissolved 2023-12-31, joins
    // from 2021-06-01, which would rewrite who was Sollentuna's DSO in 2022.
    let app = spawn_on("2024-03-01").await;
    let vastra = app.token(&[Role::Admin], Some("vastra-malardalen"));
    let backdated = app
        .gql_as(
            Some(&vastra),
            JOIN,
            json!({ "f": "vastra-malardalen", "from": "2021-06-01", "after": "sodra-dalarna" }),
        )
        .await;
    assert_eq!(error_code(&backdated), "BAD_USER_INPUT", "{backdated}");
    assert_eq!(error_field(&backdated), "from");
    // Not even the network: the past changes only through a correction.
    let network = app.network_admin();
    let by_network = app
        .gql_as(
            Some(&network),
            JOIN,
            json!({ "f": "vastra-malardalen", "from": "2021-06-01", "after": "sodra-dalarna" }),
        )
        .await;
    assert_eq!(error_code(&by_network), "BAD_USER_INPUT");
    // From today it is refused too: the förbund no longer exists.
    let dissolved = app
        .gql_as(
            Some(&network),
            JOIN,
            json!({ "f": "vastra-malardalen", "from": "2024-03-01", "after": "sodra-dalarna" }),
        )
        .await;
    assert_eq!(error_code(&dissolved), "BAD_USER_INPUT");
    assert!(
        dissolved["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not an active förbund")),
        "{dissolved}"
    );
    assert_eq!(
        dso_of(&app, "sollentuna", "2022-01-01").await.as_deref(),
        Some("sodra-dalarna"),
        "history as it was"
    );
}

#[tokio::test]
async fn a_correction_of_history_is_the_networks_with_a_reason_in_every_log() {
    let app = spawn_on("2022-06-01").await;
    let order = json!([
        "sodra-dalarna",
        "sollentuna",
        "norra-dalarna",
        "vasteras",
        "sodertalje",
        "sundbyberg"
    ]);
    let correct = r#"mutation($order: [String!]!, $reason: String!) {
      correctDsoRingHistory(from: "2021-01-01", order: $order, reason: $reason) { members { slug } }
    }"#;
    let admin = app.token(&[Role::Admin], Some("sundbyberg"));
    let refused = app
        .gql_as(
            Some(&admin),
            correct,
            json!({ "order": order, "reason": "x" }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let network = app.network_admin();
    let no_reason = app
        .gql_as(
            Some(&network),
            correct,
            json!({ "order": order, "reason": " " }),
        )
        .await;
    assert_eq!(error_field(&no_reason), "reason");
    let rearranged_today = app
        .gql_as(
            Some(&network),
            r#"mutation($order: [String!]!) { rearrangeDsoRing(from: "2021-01-01", order: $order) { complete } }"#,
            json!({ "order": order }),
        )
        .await;
    assert_eq!(
        error_code(&rearranged_today),
        "BAD_USER_INPUT",
        "rearranging is not a way into the past"
    );
    let data = app
        .data_as(
            Some(&network),
            correct,
            json!({ "order": order, "reason": "Board minutes of 2020-12-10 put Västerås before Södertälje" }),
        )
        .await;
    assert_eq!(
        data["correctDsoRingHistory"]["members"][3]["slug"],
        "vasteras"
    );
    assert_eq!(
        dso_of(&app, "sundbyberg", "2021-06-01").await.as_deref(),
        Some("sodertalje")
    );
    for forbund in [
        "sodra-dalarna",
        "sollentuna",
        "norra-dalarna",
        "vasteras",
        "sodertalje",
        "sundbyberg",
    ] {
        let admin = app.token(&[Role::Admin], Some(forbund));
        let log = app
            .data_as(Some(&admin), LOG, json!({ "f": forbund }))
            .await;
        let entry = log["auditLog"]["edges"]
            .as_array()
            .and_then(|e| {
                e.iter()
                    .find(|e| e["node"]["operation"] == "correctDsoRingHistory")
                    .cloned()
            })
            .unwrap_or_else(|| panic!("{forbund}'s log has the correction"));
        assert!(
            entry["node"]["after"].to_string().contains("Board minutes"),
            "{forbund}: the reason is kept: {entry}"
        );
    }
}

#[tokio::test]
async fn a_proposal_not_accepted_by_its_first_day_expires_and_changes_nothing() {
    let app = spawn_on("2021-08-31").await;
    let vasterdalarna = app.token(&[Role::Admin], Some("vasterdalarna"));
    let joined = app
        .data_as(
            Some(&vasterdalarna),
            JOIN,
            json!({ "f": "vasterdalarna", "from": "2021-09-15", "after": "sodra-dalarna" }),
        )
        .await;
    let id = joined["joinDsoRing"]["proposal"]["id"].clone();
    assert_eq!(
        joined["joinDsoRing"]["proposal"]["effectiveOn"],
        "2021-09-15"
    );
    let after = later(&app, "2021-09-16").await;
    let sollentuna = after.token(&[Role::Admin], Some("sollentuna"));
    let status = after
        .data_as(
            Some(&sollentuna),
            r#"query($id: ID!) { dsoProposal(id: $id) { status } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(status["dsoProposal"]["status"], "EXPIRED");
    let late = after
        .gql_as(
            Some(&sollentuna),
            ANSWER,
            json!({ "id": id, "f": "sollentuna" }),
        )
        .await;
    assert_eq!(error_code(&late), "CONFLICT");
    assert_eq!(
        dso_of(&after, "sollentuna", "2021-09-20").await.as_deref(),
        Some("sodra-dalarna")
    );
}

#[tokio::test]
async fn the_network_decides_a_proposal_and_the_last_acceptance_applies_it() {
    let app = spawn_on("2021-08-31").await;
    // A scope change: Västerås's DSO would give Sundbyberg less time.
    let vasteras = app.token(&[Role::Admin], Some("vasteras"));
    let scope = app
        .data_as(
            Some(&vasteras),
            r#"mutation { setDsoAssignmentScope(forbund: "vasteras", scopePercent: 1.5, from: "2021-10-01") { applied proposal { id parties { forbund { slug } } } } }"#,
            json!({}),
        )
        .await;
    let scope = &scope["setDsoAssignmentScope"];
    assert_eq!(scope["applied"], false);
    assert_eq!(
        scope["proposal"]["parties"],
        json!([{ "forbund": { "slug": "sundbyberg" } }]),
        "the förbund served is the one whose service changes"
    );
    let network = app.network_admin();
    let decided = app
        .data_as(
            Some(&network),
            r#"mutation($id: ID!) { decideDsoProposal(id: $id, apply: true) { status } }"#,
            json!({ "id": scope["proposal"]["id"] }),
        )
        .await;
    assert_eq!(decided["decideDsoProposal"]["status"], "APPLIED");
    let ring = app
        .data(
            r#"{ dsoFor(forbund: "sundbyberg", on: "2021-10-01") { scopePercent } }"#,
            json!({}),
        )
        .await;
    assert_eq!(ring["dsoFor"]["scopePercent"], 1.5);
    let log = log_of(&app, "sundbyberg").await;
    for step in ["proposeDsoRingChange", "setDsoAssignmentScope"] {
        assert!(
            log.contains(&step.to_string()),
            "Sundbyberg's log has {step}: {log:?}"
        );
    }
}

#[tokio::test]
async fn a_forbund_on_the_ring_is_not_dissolved_past_its_last_day() {
    let app = spawn_on("2021-08-31").await;
    let network = app.network_admin();
    let id = app
        .data(
            r#"{ forbund(slug: "sundbyberg") { id version } }"#,
            json!({}),
        )
        .await;
    let body = app
        .gql_as(
            Some(&network),
            r#"mutation($id: ID!, $v: Int!) { updateForbund(input: { id: $id, version: $v, dissolvedOn: "2021-12-31" }) { slug } }"#,
            json!({ "id": id["forbund"]["id"], "v": id["forbund"]["version"] }),
        )
        .await;
    assert_eq!(error_field(&body), "dissolvedOn", "{body}");
    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-06-01").await.as_deref(),
        Some("vasteras")
    );
}

/// Which DSO may read which förbund's log today, among `ring`.
async fn readers(app: &TestApp, ring: &[&str]) -> Vec<String> {
    let mut grants = Vec::new();
    for reader in ring {
        for forbund in ring {
            if reader != forbund && dso_reads(app, reader, forbund).await {
                grants.push(format!("{reader}→{forbund}"));
            }
        }
    }
    grants
}

/// Every way the ring changes, asked by a förbund's admin: after each, no
/// DSO reads a log it was not given by consent, until the parties accept.
#[tokio::test]
async fn no_dso_reads_a_log_it_was_not_given_by_consent() {
    let app = spawn_on("2021-08-31").await;
    let ring = [
        "sodra-dalarna",
        "norra-dalarna",
        "vasteras",
        "sollentuna",
        "sodertalje",
        "sundbyberg",
        "vasterdalarna",
    ];
    let asks: [(&str, &str, Value); 3] = [
        (
            "vasterdalarna",
            JOIN,
            json!({ "f": "vasterdalarna", "from": "2021-08-31", "after": "sodra-dalarna" }),
        ),
        (
            "vasteras",
            r#"mutation($f: String!) { leaveDsoRing(forbund: $f, noticeReceivedOn: "2021-08-31") { applied } }"#,
            json!({ "f": "vasteras" }),
        ),
        (
            "sodertalje",
            r#"mutation($f: String!) { setDsoAssignmentScope(forbund: $f, scopePercent: 2.0, from: "2021-08-31") { applied } }"#,
            json!({ "f": "sodertalje" }),
        ),
    ];
    let before = readers(&app, &ring).await;
    assert!(
        before.contains(&"vasteras→sundbyberg".to_string()) && before.len() == 6,
        "the ring's six DSOs each read the log they serve: {before:?}"
    );
    for (asker, doc, vars) in asks {
        let token = app.token(&[Role::Admin], Some(asker));
        let body = app.gql_as(Some(&token), doc, vars).await;
        assert!(body.get("errors").is_none(), "{asker}: {body}");
        assert_eq!(
            readers(&app, &ring).await,
            before,
            "{asker}'s request alone changed who reads whose log"
        );
    }
    // Expiry changes nothing either.
    let next_year = later(&app, "2022-06-01").await;
    assert_eq!(readers(&next_year, &ring).await.len(), before.len());
}

/// Found by the fuzzer: a proposal accepted after the ring has moved must not
/// reach a förbund that was never asked.
#[tokio::test]
async fn an_accepted_proposal_that_would_now_reach_an_unasked_forbund_fails() {
    let app = spawn_on("2021-08-31").await;
    let varend = app.token(&[Role::Admin], Some("varend"));
    let asked = app
        .data_as(
            Some(&varend),
            JOIN,
            json!({ "f": "varend", "from": "2021-10-01", "after": "sodra-dalarna" }),
        )
        .await;
    let id = asked["joinDsoRing"]["proposal"]["id"].clone();
    // Meanwhile the network places Västerdalarna after Södra Dalarna: it, not
    // Sollentuna, would now get Värend as its DSO.
    let network = app.network_admin();
    let placed = app
        .data_as(
            Some(&network),
            JOIN,
            json!({ "f": "vasterdalarna", "from": "2021-09-15", "after": "sodra-dalarna" }),
        )
        .await;
    assert_eq!(placed["joinDsoRing"]["applied"], true);
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    let accepted = app
        .data_as(
            Some(&sollentuna),
            r#"mutation($id: ID!) { acceptDsoProposal(id: $id, forbund: "sollentuna") { status outcome } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(accepted["acceptDsoProposal"]["status"], "FAILED");
    assert!(
        accepted["acceptDsoProposal"]["outcome"]
            .as_str()
            .is_some_and(|o| o.contains("vasterdalarna")),
        "{accepted}"
    );
    assert_eq!(
        dso_of(&app, "vasterdalarna", "2021-11-01").await.as_deref(),
        Some("sodra-dalarna"),
        "Västerdalarna keeps the DSO it agreed to"
    );
    assert_eq!(dso_of(&app, "varend", "2021-11-01").await, None);
}

/// The network sees every proposal in one list (its decisions page); a
/// förbund only those that concern it.
#[tokio::test]
async fn the_network_lists_every_proposal_and_a_forbund_only_its_own() {
    let app = TestApp::spawn().await;
    // Sollentuna's smaller DSO waits for Norra Dalarna, which it serves;
    // Värend's joining after Södra Dalarna waits for Sollentuna.
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    let varend = app.token(&[Role::Admin], Some("varend"));
    for (token, mutation) in [
        (
            &sollentuna,
            r#"mutation { setDsoAssignmentScope(forbund: "sollentuna", scopePercent: 2.0, from: "2031-01-01") { applied } }"#,
        ),
        (
            &varend,
            r#"mutation { joinDsoRing(forbund: "varend", from: "2031-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { applied } }"#,
        ),
    ] {
        let asked = app.data_as(Some(token), mutation, json!({})).await;
        assert!(asked.to_string().contains("\"applied\":false"), "{asked}");
    }
    const ALL: &str = "{ dsoProposals(first: 100) { edges { node { proposedBy { slug } } } } }";
    let askers = |body: &Value| -> Vec<String> {
        body["dsoProposals"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e["node"]["proposedBy"]["slug"].as_str().map(str::to_owned))
            .collect()
    };
    let all = app
        .data_as(Some(&app.network_admin()), ALL, json!({}))
        .await;
    let every = askers(&all);
    assert!(
        every.contains(&"sollentuna".to_string()) && every.contains(&"varend".to_string()),
        "{every:?}"
    );
    // Anyone else names its förbund; without one it is the network's view.
    let norra = app.token(&[Role::Admin], Some("norra-dalarna"));
    assert_eq!(
        error_code(&app.gql_as(Some(&norra), ALL, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.gql_as(None, ALL, json!({})).await),
        "UNAUTHENTICATED"
    );
    let own = app
        .data_as(
            Some(&norra),
            r#"{ dsoProposals(forbund: "norra-dalarna") { edges { node { proposedBy { slug } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(askers(&own), ["sollentuna"]);
}

const LEAVE: &str = r#"mutation($f: String!, $on: Date!) {
  leaveDsoRing(forbund: $f, noticeReceivedOn: $on) {
    applied lastDay
    proposal { id status parties { forbund { slug } answer newDso { slug } willServe { slug } begins { provider { slug } recipient { slug } validFrom } } }
  }
}"#;

/// The exploit as it was found: a leave kept what was asked, not who takes
/// over, so a join accepted meanwhile handed the leaver's recipient to a DSO
/// it was never shown.
#[tokio::test]
async fn a_leave_does_not_hand_its_recipient_to_a_dso_it_never_accepted() {
    let app = spawn_on("2021-08-31").await;
    // Sollentuna gives notice: Norra Dalarna, which it serves, is asked to
    // accept Södra Dalarna as its DSO from 2022-01-01, and is shown exactly
    // that.
    let sollentuna = app.token(&[Role::Admin], Some("sollentuna"));
    let leave = app
        .data_as(
            Some(&sollentuna),
            LEAVE,
            json!({ "f": "sollentuna", "on": "2021-08-31" }),
        )
        .await;
    let leave = &leave["leaveDsoRing"];
    assert_eq!(leave["applied"], false);
    assert_eq!(leave["lastDay"], "2021-12-31");
    let asked = leave["proposal"]["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .find(|p| p["forbund"]["slug"] == "norra-dalarna")
        .cloned()
        .expect("Norra Dalarna is asked");
    assert_eq!(asked["answer"], "PENDING");
    assert_eq!(asked["newDso"]["slug"], "sodra-dalarna");
    assert_eq!(
        asked["begins"],
        json!([{ "provider": { "slug": "sodra-dalarna" }, "recipient": { "slug": "norra-dalarna" }, "validFrom": "2022-01-01" }])
    );
    let leave_id = leave["proposal"]["id"].clone();
    // Värend joins after Södra Dalarna; Sollentuna, whose DSO that changes,
    // accepts.
    let varend = app.token(&[Role::Admin], Some("varend"));
    let join = app
        .data_as(
            Some(&varend),
            JOIN,
            json!({ "f": "varend", "from": "2021-10-01", "after": "sodra-dalarna" }),
        )
        .await;
    let join_id = join["joinDsoRing"]["proposal"]["id"].clone();
    let accepted = app
        .data_as(
            Some(&sollentuna),
            ANSWER,
            json!({ "id": join_id, "f": "sollentuna" }),
        )
        .await;
    assert_eq!(accepted["acceptDsoProposal"]["status"], "APPLIED");
    // Norra Dalarna accepts the leave it was shown: worked out now it would
    // give Norra Dalarna Värend, so it fails and changes nothing.
    let norra_dalarna = app.token(&[Role::Admin], Some("norra-dalarna"));
    let answered = app
        .data_as(
            Some(&norra_dalarna),
            r#"mutation($id: ID!) { acceptDsoProposal(id: $id, forbund: "norra-dalarna") { status outcome } }"#,
            json!({ "id": leave_id }),
        )
        .await;
    assert_eq!(answered["acceptDsoProposal"]["status"], "FAILED");
    assert!(
        answered["acceptDsoProposal"]["outcome"]
            .as_str()
            .is_some_and(|o| o.contains("norra-dalarna")),
        "{answered}"
    );
    assert_eq!(
        dso_of(&app, "norra-dalarna", "2022-01-01").await.as_deref(),
        Some("sollentuna"),
        "Sollentuna stays, since it never left"
    );
    // Every party is told, in its own log.
    for forbund in ["norra-dalarna", "sollentuna"] {
        assert!(
            log_of(&app, forbund)
                .await
                .contains(&"dsoProposalFailed".to_string()),
            "{forbund}"
        );
    }
}

/// A scope change dated on an assignment's first day changes that
/// assignment in place; it is still the recipient's DSO that changes, so it
/// needs the recipient's consent, and it is in the log of each förbund it
/// touches.
#[tokio::test]
async fn a_scope_change_on_an_assignments_first_day_asks_the_recipient() {
    let app = spawn_on("2021-08-31").await;
    let network = app.network_admin();
    let joined = app
        .data_as(
            Some(&network),
            JOIN,
            json!({ "f": "varend", "from": "2021-10-01", "after": "norra-dalarna" }),
        )
        .await;
    assert_eq!(joined["joinDsoRing"]["applied"], true);
    let varend = app.token(&[Role::Admin], Some("varend"));
    let scope = app
        .data_as(
            Some(&varend),
            r#"mutation { setDsoAssignmentScope(forbund: "varend", scopePercent: 1.0, from: "2021-10-01") { applied proposal { parties { forbund { slug } answer } } } }"#,
            json!({}),
        )
        .await;
    let scope = &scope["setDsoAssignmentScope"];
    assert_eq!(scope["applied"], false, "{scope}");
    assert_eq!(
        scope["proposal"]["parties"],
        json!([{ "forbund": { "slug": "sodertalje" }, "answer": "PENDING" }])
    );
    let ring = app
        .data(
            r#"{ dsoFor(forbund: "sodertalje", on: "2021-10-01") { scopePercent } }"#,
            json!({}),
        )
        .await;
    assert_eq!(ring["dsoFor"]["scopePercent"], 2.5, "nothing changed yet");
    for forbund in ["sodertalje", "varend"] {
        assert!(
            log_of(&app, forbund)
                .await
                .contains(&"proposeDsoRingChange".to_string()),
            "{forbund}"
        );
    }
}

/// Ring changes one at a time: four joins after Sollentuna, each waiting
/// for Norra Dalarna, accepted by Norra Dalarna all at once. Exactly one
/// fits; the ring stays one cycle (issue: on PostgreSQL, two were applied).
#[tokio::test]
async fn acceptances_at_the_same_moment_leave_one_ring() {
    let app = spawn_on("2021-08-31").await;
    let joiners = [
        "varend",
        "vasterdalarna",
        "norra-vastmanland",
        "vastra-malardalen",
    ];
    let mut ids = Vec::new();
    for joiner in joiners {
        let admin = app.token(&[Role::Admin], Some(joiner));
        let asked = app
            .data_as(
                Some(&admin),
                JOIN,
                json!({ "f": joiner, "from": "2021-10-01", "after": "sollentuna" }),
            )
            .await;
        assert_eq!(asked["joinDsoRing"]["applied"], false, "{asked}");
        ids.push(asked["joinDsoRing"]["proposal"]["id"].clone());
    }
    let norra_dalarna = app.token(&[Role::Admin], Some("norra-dalarna"));
    let answers = futures_util::future::join_all(ids.iter().map(|id| {
        app.gql_as(
            Some(&norra_dalarna),
            r#"mutation($id: ID!) { acceptDsoProposal(id: $id, forbund: "norra-dalarna") { status } }"#,
            json!({ "id": id }),
        )
    }))
    .await;
    let statuses: Vec<String> = answers
        .iter()
        .map(|a| {
            a["data"]["acceptDsoProposal"]["status"]
                .as_str()
                .unwrap_or("error")
                .to_string()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "APPLIED").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "FAILED").count(),
        joiners.len() - 1,
        "{statuses:?}"
    );
    let ring = app
        .data(
            r#"{ dsoRing(on: "2021-10-01") { complete problem members { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(ring["dsoRing"]["problem"], Value::Null, "{ring}");
    assert_eq!(ring["dsoRing"]["complete"], true);
    assert_eq!(ring["dsoRing"]["members"].as_array().map(Vec::len), Some(7));
}
