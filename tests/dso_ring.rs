//! The DSO-ring end to end: lookups on the facts' ring, leaving and joining
//! through the API, refusals that change nothing.

use crate::common;

use common::{TestApp, error_code, error_field};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const WHO: &str = r#"query($f: String!, $on: Date) {
  dsoFor(forbund: $f, on: $on) { provider { slug } recipient { slug } validFrom validTo scopePercent contact }
  dsoServedBy(forbund: $f, on: $on) { recipient { slug } validFrom validTo }
}"#;

async fn dso_of(app: &TestApp, forbund: &str, on: &str) -> Option<String> {
    let data = app.data(WHO, json!({ "f": forbund, "on": on })).await;
    data["dsoFor"]["provider"]["slug"]
        .as_str()
        .map(str::to_owned)
}

async fn serves(app: &TestApp, forbund: &str, on: &str) -> Option<String> {
    let data = app.data(WHO, json!({ "f": forbund, "on": on })).await;
    data["dsoServedBy"]["recipient"]["slug"]
        .as_str()
        .map(str::to_owned)
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|f| f["slug"].as_str().expect("slug"))
        .collect()
}

const RING: &str = r#"query($on: Date, $from: String) {
  dsoRing(on: $on, from: $from) {
    on complete dissolved periodEndsOn noticeDeadline
    members { slug }
    assignments { provider { slug } recipient { slug } contact }
    agreement { name startsOn noticeMonths maxScopePercent members { forbund { slug } withdrewBeforeStart } }
  }
}"#;

#[tokio::test]
async fn the_facts_ring_answers_who_serves_whom() {
    let app = TestApp::spawn().await;
    let data = app
        .data(WHO, json!({ "f": "vasteras", "on": "2021-03-01" }))
        .await;
    assert_eq!(data["dsoFor"]["provider"]["slug"], "sodertalje");
    assert_eq!(data["dsoFor"]["validFrom"], "2020-10-01");
    assert_eq!(data["dsoFor"]["scopePercent"], 2.5);
    assert_eq!(data["dsoServedBy"]["recipient"]["slug"], "sundbyberg");

    // Story 2: Sundbyberg's DSO is Västerås's function address; it serves Södra Dalarna.
    let data = app
        .data(WHO, json!({ "f": "sundbyberg", "on": "2021-03-01" }))
        .await;
    assert_eq!(data["dsoFor"]["provider"]["slug"], "vasteras");
    assert!(
        data["dsoFor"]["contact"]
            .as_str()
            .is_some_and(|c| c.contains("Västerås"))
    );
    assert_eq!(data["dsoServedBy"]["recipient"]["slug"], "sodra-dalarna");

    let ring = app
        .data(RING, json!({ "on": "2021-03-01", "from": "sodra-dalarna" }))
        .await;
    let ring = &ring["dsoRing"];
    assert_eq!(
        slugs(&ring["members"]),
        [
            "sodra-dalarna",
            "sollentuna",
            "norra-dalarna",
            "sodertalje",
            "vasteras",
            "sundbyberg"
        ]
    );
    assert_eq!(ring["complete"], true);
    assert_eq!(ring["assignments"][0]["provider"]["slug"], "sodra-dalarna");
    assert_eq!(ring["assignments"][0]["recipient"]["slug"], "sollentuna");
    let members = ring["agreement"]["members"].as_array().expect("members");
    assert_eq!(members.len(), 7, "seven signed");
    assert!(
        members
            .iter()
            .any(|m| m["forbund"]["slug"] == "vasterdalarna" && m["withdrewBeforeStart"] == true)
    );

    assert_eq!(
        dso_of(&app, "vasteras", "2020-09-30").await,
        None,
        "nothing before the start"
    );
    let before = app.data(RING, json!({ "on": "2020-09-30" })).await;
    assert_eq!(before["dsoRing"]["assignments"], json!([]));

    // The same answer on the förbund itself, for a whole directory page.
    let data = app
        .data(
            r#"{ forbundList(first: 20) { edges { node { slug dso(on: "2021-03-01") { provider { slug } } } } } }"#,
            json!({}),
        )
        .await;
    let edges = data["forbundList"]["edges"].as_array().expect("edges");
    let of = |slug: &str| {
        edges
            .iter()
            .find(|e| e["node"]["slug"] == slug)
            .map(|e| e["node"]["dso"]["provider"]["slug"].clone())
    };
    assert_eq!(of("sollentuna"), Some(json!("sodra-dalarna")));
    assert_eq!(of("varend"), Some(Value::Null), "Värend is not in the ring");
}

#[tokio::test]
async fn the_agreements_are_listed() {
    let app = TestApp::spawn().await;
    let data = app.data("{ dsoAgreements { name startsOn initialEndsOn renewalMonths noticeMonths maxScopePercent } }", json!({})).await;
    assert_eq!(
        data["dsoAgreements"],
        json!([{ "name": "DSO-ring: samverkansavtal om dataskyddsombud", "startsOn": "2020-10-01", "initialEndsOn": "2021-12-31",
                 "renewalMonths": 12, "noticeMonths": 4, "maxScopePercent": 2.5 }])
    );
}

#[tokio::test]
async fn periods_renew_yearly_with_notice_four_months_before() {
    let app = TestApp::spawn().await;
    let may = app.data(RING, json!({ "on": "2021-05-01" })).await;
    assert_eq!(may["dsoRing"]["periodEndsOn"], "2021-12-31");
    assert_eq!(may["dsoRing"]["noticeDeadline"], "2021-08-31");
    let feb = app.data(RING, json!({ "on": "2022-02-01" })).await;
    assert_eq!(feb["dsoRing"]["periodEndsOn"], "2022-12-31");
    assert_eq!(feb["dsoRing"]["noticeDeadline"], "2022-08-31");
}

const LEAVE: &str = r#"mutation($f: String!, $n: Date!) {
  leaveDsoRing(forbund: $f, noticeReceivedOn: $n) {
    applied noticeReceivedOn lastDay periodEndsOn noticeDeadline
    takenOverBy { slug } handedOver { slug }
    ended { provider { slug } recipient { slug } validTo }
    started { provider { slug } recipient { slug } validFrom contact }
  }
}"#;

const PREVIEW: &str = r#"query($f: String!, $n: Date!) {
  dsoLeavePreview(forbund: $f, noticeReceivedOn: $n) {
    applied lastDay noticeDeadline periodEndsOn takenOverBy { slug } handedOver { slug }
  }
}"#;

const SCHEDULE: &str = r#"query($from: Date!, $to: Date!) {
  dsoSchedule(from: $from, to: $to) { from to members { slug } assignments { provider { slug } recipient { slug } } }
}"#;

/// A server whose today is `day` (the ring's rules depend on it).
async fn spawn_on(day: &str) -> TestApp {
    TestApp::spawn_with(common::Spawn {
        today: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
        ..Default::default()
    })
    .await
}

const ACCEPT: &str = r#"mutation($id: ID!, $f: String!) {
  acceptDsoProposal(id: $id, forbund: $f) { status parties { forbund { slug } answer } }
}"#;

#[tokio::test]
async fn leaving_and_joining_through_the_api_reform_the_ring() {
    let app = spawn_on("2021-08-31").await;
    let vasteras_admin = app.token(&[Role::Admin], Some("vasteras"));

    // Story 5: before filing, ask what a notice received on 2021-08-31 means.
    let preview = app
        .data(PREVIEW, json!({ "f": "vasteras", "n": "2021-08-31" }))
        .await;
    let preview = &preview["dsoLeavePreview"];
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["lastDay"], "2021-12-31");
    assert_eq!(preview["periodEndsOn"], "2021-12-31");
    assert_eq!(preview["noticeDeadline"], "2021-08-31");
    assert_eq!(preview["takenOverBy"]["slug"], "sodertalje");
    assert_eq!(preview["handedOver"]["slug"], "sundbyberg");
    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-01-01").await.as_deref(),
        Some("vasteras"),
        "a preview writes nothing"
    );

    let left = app
        .data_as(
            Some(&vasteras_admin),
            LEAVE,
            json!({ "f": "vasteras", "n": "2021-08-31" }),
        )
        .await;
    let left = &left["leaveDsoRing"];
    // Sundbyberg, which Västerås serves, gets a new DSO: until it consents,
    // nothing changes.
    assert_eq!(left["applied"], false);
    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-01-01").await.as_deref(),
        Some("vasteras"),
        "a proposal writes nothing to the ring"
    );
    let sundbyberg_admin = app.token(&[Role::Admin], Some("sundbyberg"));
    let proposals = app
        .data_as(
            Some(&sundbyberg_admin),
            r#"{ dsoProposals(forbund: "sundbyberg") { edges { node { id kind status noticeReceivedOn parties { forbund { slug } answer } } } } }"#,
            json!({}),
        )
        .await;
    let proposal = &proposals["dsoProposals"]["edges"][0]["node"];
    assert_eq!(proposal["kind"], "LEAVE");
    assert_eq!(proposal["status"], "PENDING");
    assert_eq!(
        proposal["parties"],
        json!([{ "forbund": { "slug": "vasteras" }, "answer": "ACCEPTED" },
               { "forbund": { "slug": "sundbyberg" }, "answer": "PENDING" }])
    );
    let accepted = app
        .data_as(
            Some(&sundbyberg_admin),
            ACCEPT,
            json!({ "id": proposal["id"], "f": "sundbyberg" }),
        )
        .await;
    assert_eq!(accepted["acceptDsoProposal"]["status"], "APPLIED");
    assert_eq!(left["lastDay"], "2021-12-31");
    assert_eq!(left["takenOverBy"]["slug"], "sodertalje");
    assert_eq!(left["started"][0]["provider"]["slug"], "sodertalje");
    assert_eq!(left["started"][0]["recipient"]["slug"], "sundbyberg");
    assert_eq!(left["started"][0]["validFrom"], "2022-01-01");
    assert_eq!(
        left["ended"].as_array().map(Vec::len),
        Some(2),
        "into and out of Västerås"
    );

    assert_eq!(
        dso_of(&app, "sundbyberg", "2021-12-31").await.as_deref(),
        Some("vasteras")
    );
    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-01-01").await.as_deref(),
        Some("sodertalje")
    );
    assert_eq!(serves(&app, "vasteras", "2022-01-01").await, None);
    assert_eq!(dso_of(&app, "vasteras", "2022-01-01").await, None);

    // Västerdalarna, which withdrew before the start, joins after Södra Dalarna.
    let varderdalarna_admin = app.token(&[Role::Admin], Some("vasterdalarna"));
    let joined = app
        .data_as(
            Some(&varderdalarna_admin),
            r#"mutation { joinDsoRing(forbund: "vasterdalarna", from: "2022-03-01", after: "sodra-dalarna",
                 contact: "Dataskyddsombud, Samordningsförbundet Västerdalarna") {
                 joinedOn applied proposal { id } started { provider { slug } recipient { slug } validFrom } ended { provider { slug } recipient { slug } validTo } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(joined["joinDsoRing"]["joinedOn"], "2022-03-01");
    assert_eq!(joined["joinDsoRing"]["ended"][0]["validTo"], "2022-02-28");
    // Sollentuna would get Västerdalarna as its DSO: it consents.
    assert_eq!(joined["joinDsoRing"]["applied"], false);
    let sollentuna_admin = app.token(&[Role::Admin], Some("sollentuna"));
    let accepted = app
        .data_as(
            Some(&sollentuna_admin),
            ACCEPT,
            json!({ "id": joined["joinDsoRing"]["proposal"]["id"], "f": "sollentuna" }),
        )
        .await;
    assert_eq!(accepted["acceptDsoProposal"]["status"], "APPLIED");
    assert_eq!(
        dso_of(&app, "vasterdalarna", "2022-03-01").await.as_deref(),
        Some("sodra-dalarna")
    );
    assert_eq!(
        dso_of(&app, "sollentuna", "2022-03-01").await.as_deref(),
        Some("vasterdalarna")
    );
    assert_eq!(
        dso_of(&app, "sollentuna", "2022-02-28").await.as_deref(),
        Some("sodra-dalarna")
    );

    let schedule = app
        .data(
            SCHEDULE,
            json!({ "from": "2021-06-01", "to": "2022-06-30" }),
        )
        .await;
    let periods = schedule["dsoSchedule"].as_array().expect("periods");
    let shape: Vec<(String, usize)> = periods
        .iter()
        .map(|p| {
            (
                p["from"].as_str().unwrap_or("").to_string(),
                p["members"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("2021-06-01".to_string(), 6),
            ("2022-01-01".to_string(), 5),
            ("2022-03-01".to_string(), 6)
        ]
    );
    assert_eq!(periods[0]["to"], "2021-12-31");
    assert_eq!(periods[2]["to"], "2022-06-30");
    let ring = app
        .data(RING, json!({ "on": "2022-03-01", "from": "sodra-dalarna" }))
        .await;
    assert_eq!(
        slugs(&ring["dsoRing"]["members"]),
        [
            "sodra-dalarna",
            "vasterdalarna",
            "sollentuna",
            "norra-dalarna",
            "sodertalje",
            "sundbyberg"
        ]
    );
}

#[tokio::test]
async fn a_change_that_would_break_the_ring_is_refused_and_nothing_changes() {
    let app = spawn_on("2021-08-31").await;
    let admin = app.network_admin();
    let rearrange = r#"mutation($order: [String!]!) {
        rearrangeDsoRing(from: "2022-01-01", order: $order) { members { slug } }
    }"#;
    let missing = app
        .gql_as(
            Some(&admin),
            rearrange,
            json!({ "order": ["sodra-dalarna", "sollentuna", "norra-dalarna", "sodertalje", "vasteras"] }),
        )
        .await;
    assert_eq!(error_code(&missing), "DSO_RING_INVALID", "{missing}");
    let message = missing["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Sundbyberg") && message.contains("without a DSO"),
        "{message}"
    );

    let twice = app
        .gql_as(
            Some(&admin),
            rearrange,
            json!({ "order": ["sodra-dalarna", "sollentuna", "norra-dalarna", "sodertalje", "vasteras", "sundbyberg", "vasteras"] }),
        )
        .await;
    assert_eq!(error_code(&twice), "DSO_RING_INVALID");

    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-06-01").await.as_deref(),
        Some("vasteras"),
        "unchanged"
    );

    // A valid rearrangement goes through: Västerås and Södertälje swap places.
    let data = app
        .data_as(
            Some(&admin),
            rearrange,
            json!({ "order": ["sodra-dalarna", "sollentuna", "norra-dalarna", "vasteras", "sodertalje", "sundbyberg"] }),
        )
        .await;
    assert_eq!(data["rearrangeDsoRing"]["members"][3]["slug"], "vasteras");
    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-06-01").await.as_deref(),
        Some("sodertalje")
    );
    assert_eq!(
        dso_of(&app, "sundbyberg", "2021-06-01").await.as_deref(),
        Some("vasteras"),
        "history kept"
    );
}

#[tokio::test]
async fn bad_notices_are_bad_input() {
    let app = spawn_on("2021-05-10").await;
    let admin = app.network_admin();
    let ok = app
        .gql_as(
            Some(&admin),
            LEAVE,
            json!({ "f": "sodertalje", "n": "2021-05-10" }),
        )
        .await;
    assert!(ok.get("errors").is_none(), "{ok}");
    assert_eq!(ok["data"]["leaveDsoRing"]["lastDay"], "2021-09-10");

    let twice = app
        .gql_as(
            Some(&admin),
            LEAVE,
            json!({ "f": "sodertalje", "n": "2021-06-01" }),
        )
        .await;
    assert_eq!(error_code(&twice), "BAD_USER_INPUT");
    assert_eq!(error_field(&twice), "noticeReceivedOn");

    let early = app
        .gql_as(
            Some(&admin),
            LEAVE,
            json!({ "f": "vasteras", "n": "2020-09-01" }),
        )
        .await;
    assert_eq!(error_code(&early), "BAD_USER_INPUT");
    assert_eq!(error_field(&early), "noticeReceivedOn");

    let outsider = app
        .gql_as(
            Some(&admin),
            r#"mutation { leaveDsoRing(agreement: "1", forbund: "varend", noticeReceivedOn: "2021-06-01") { lastDay } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&outsider), "BAD_USER_INPUT");
    assert_eq!(error_field(&outsider), "forbund");

    let scope = app
        .gql_as(
            Some(&admin),
            r#"mutation { setDsoAssignmentScope(forbund: "vasteras", scopePercent: 3.0, from: "2021-01-01") { applied } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&scope), "BAD_USER_INPUT");
    assert_eq!(error_field(&scope), "scopePercent");
}

#[tokio::test]
async fn only_the_forbunds_admin_or_a_network_admin_files_its_notice() {
    let app = TestApp::spawn().await;
    let vars = json!({ "f": "vasteras", "n": "2021-08-31" });
    let editor = app.token(&[Role::Editor], Some("vasteras"));
    assert_eq!(
        error_code(&app.gql_as(Some(&editor), LEAVE, vars.clone()).await),
        "FORBIDDEN"
    );
    let other_admin = app.token(&[Role::Admin], Some("sodertalje"));
    assert_eq!(
        error_code(&app.gql_as(Some(&other_admin), LEAVE, vars.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.gql(LEAVE, vars.clone()).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        dso_of(&app, "sundbyberg", "2022-06-01").await.as_deref(),
        Some("vasteras"),
        "nothing changed"
    );
}

#[tokio::test]
async fn a_network_admin_creates_an_agreement_with_its_first_ring() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let data = app
        .data_as(
            Some(&admin),
            r#"mutation { createDsoAgreement(input: {
                name: "Ring of Kronoberg and Västmanland", startsOn: "2025-01-01", initialEndsOn: "2025-12-31",
                members: [
                  { forbund: "varend", contact: "Dataskyddsombud, Värend" },
                  { forbund: "vastmanland", contact: "Dataskyddsombud, Västmanland", scopePercent: 2.0 },
                  { forbund: "norra-dalarna", contact: "Dataskyddsombud, Norra Dalarna" }
                ] }) { id name noticeMonths periodEndsOn(on: "2026-03-01") } }"#,
            json!({}),
        )
        .await;
    let agreement = &data["createDsoAgreement"];
    assert_eq!(agreement["noticeMonths"], 4);
    assert_eq!(agreement["periodEndsOn"], "2026-12-31");
    let ring = app
        .data(
            r#"query($a: ID) { dsoRing(agreement: $a, on: "2025-06-01") { complete members { slug } assignments { provider { slug } recipient { slug } scopePercent } } }"#,
            json!({ "a": agreement["id"] }),
        )
        .await;
    assert_eq!(ring["dsoRing"]["complete"], true);
    assert_eq!(
        slugs(&ring["dsoRing"]["members"]),
        ["varend", "vastmanland", "norra-dalarna"]
    );
    assert_eq!(ring["dsoRing"]["assignments"][1]["scopePercent"], 2.0);
}

/// A förbund's life bounds what the ring says of it: Västerås, dissolved on
/// 2023-12-31 when it merged into Västmanland, serves Sundbyberg until that
/// day and nobody after it; from 2024-01-01 Södertälje, which served
/// Västerås, serves Sundbyberg. Asked today, too.
#[tokio::test]
async fn a_dissolved_forbund_is_no_ones_dso_after_its_last_day() {
    let app = spawn_on("2026-12-05").await;
    assert_eq!(
        dso_of(&app, "sundbyberg", "2023-06-01").await.as_deref(),
        Some("vasteras")
    );
    assert_eq!(
        dso_of(&app, "sundbyberg", "2023-12-31").await.as_deref(),
        Some("vasteras")
    );
    assert_eq!(
        dso_of(&app, "sundbyberg", "2024-01-01").await.as_deref(),
        Some("sodertalje")
    );
    let today = app
        .data(
            r#"{ dsoFor(forbund: "sundbyberg") { provider { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(today["dsoFor"]["provider"]["slug"], "sodertalje");
    assert_eq!(dso_of(&app, "vasteras", "2024-01-01").await, None);
    assert_eq!(serves(&app, "vasteras", "2024-01-01").await, None);
    // Västmanland did not join: the seeds do not say so.
    assert_eq!(dso_of(&app, "vastmanland", "2024-01-01").await, None);
    let ring = app.data(RING, json!({ "on": "2026-12-05" })).await;
    let ring = &ring["dsoRing"];
    assert_eq!(ring["complete"], true, "{ring}");
    assert!(!slugs(&ring["members"]).contains(&"vasteras"), "{ring}");
    // It was the network's correction, with its reason, in the logs of the
    // förbund it touched.
    let admin = app.token(&[Role::Admin], Some("sundbyberg"));
    let log = app
        .data_as(
            Some(&admin),
            r#"{ auditLog(forbund: "sundbyberg", first: 50) { edges { node { operation after } } } }"#,
            json!({}),
        )
        .await;
    let closing = log["auditLog"]["edges"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["node"]["operation"] == "closeDsoMembership")
        .cloned()
        .expect("the closing in Sundbyberg's log");
    assert!(
        closing["node"]["after"].as_str().is_some_and(
            |a| a.contains("upplöst 2023-12-31, uppgick i Samordningsförbundet Västmanland")
        ),
        "{closing}"
    );
    // And the ring can be rearranged again without the dissolved member.
    let network = app.network_admin();
    let rearranged = app
        .gql_as(
            Some(&network),
            r#"mutation { rearrangeDsoRing(from: "2027-01-01", order: ["sodra-dalarna", "sollentuna", "norra-dalarna", "sodertalje", "sundbyberg"]) { complete } }"#,
            json!({}),
        )
        .await;
    assert!(rearranged.get("errors").is_none(), "{rearranged}");
}

/// Every period of the demo's ring, from its start to years ahead, names
/// only förbund that exist that day.
#[tokio::test]
async fn the_ring_on_every_day_names_only_forbund_alive_that_day() {
    let app = TestApp::spawn().await;
    let lives = app
        .data(
            "{ forbundList(first: 100) { edges { node { slug foundedOn dissolvedOn } } } }",
            json!({}),
        )
        .await;
    let alive = |slug: &str, day: &str| {
        lives["forbundList"]["edges"]
            .as_array()
            .expect("förbund")
            .iter()
            .map(|e| &e["node"])
            .find(|f| f["slug"] == slug)
            .is_some_and(|f| {
                f["foundedOn"].as_str().is_none_or(|from| from <= day)
                    && f["dissolvedOn"].as_str().is_none_or(|end| day <= end)
            })
    };
    let schedule = app
        .data(
            r#"{ dsoSchedule(from: "2020-10-01", to: "2030-12-31") { from assignments { provider { slug } recipient { slug } } } }"#,
            json!({}),
        )
        .await;
    let periods = schedule["dsoSchedule"].as_array().expect("periods");
    assert!(periods.len() >= 2, "{schedule}");
    for period in periods {
        let day = period["from"].as_str().expect("from");
        for a in period["assignments"].as_array().expect("assignments") {
            for side in ["provider", "recipient"] {
                let slug = a[side]["slug"].as_str().expect("slug");
                assert!(
                    alive(slug, day),
                    "{slug} is named on {day} outside its life"
                );
            }
        }
        let ring = app.data(RING, json!({ "on": day })).await;
        assert_eq!(ring["dsoRing"]["complete"], true, "{day}: {ring}");
    }
}

/// Closing a member's place is the network's, and the ring closes around
/// it from the next day.
#[tokio::test]
async fn the_network_closes_a_members_place_and_the_ring_closes_around_it() {
    let app = spawn_on("2026-12-05").await;
    let admin = app.token(&[Role::Admin], Some("sollentuna"));
    let close = r#"mutation { closeDsoMembership(forbund: "sollentuna", lastDay: "2027-03-31", reason: "upplöses") { lastDay takenOverBy { slug } handedOver { slug } } }"#;
    let refused = app.gql_as(Some(&admin), close, json!({})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    assert_eq!(
        dso_of(&app, "norra-dalarna", "2027-04-01").await.as_deref(),
        Some("sollentuna")
    );
    let closed = app
        .data_as(Some(&app.network_admin()), close, json!({}))
        .await;
    let closed = &closed["closeDsoMembership"];
    assert_eq!(closed["lastDay"], "2027-03-31");
    assert_eq!(closed["takenOverBy"]["slug"], "sodra-dalarna");
    assert_eq!(closed["handedOver"]["slug"], "norra-dalarna");
    assert_eq!(
        dso_of(&app, "norra-dalarna", "2027-04-01").await.as_deref(),
        Some("sodra-dalarna")
    );
    assert_eq!(
        dso_of(&app, "norra-dalarna", "2027-03-31").await.as_deref(),
        Some("sollentuna")
    );
}

/// Stored data that breaks the rule (a dissolution recorded before the rule
/// existed, straight into the database) is flagged and never believed: the
/// ring names the problem, no lookup names the dissolved förbund, and its
/// DSO does not read the log of the förbund it served.
#[tokio::test]
async fn a_ring_stored_past_a_dissolution_is_flagged_and_not_believed() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_on("2026-12-05").await;
    let dso = app.token(&[Role::Dso], Some("sollentuna"));
    let log = r#"{ auditLog(forbund: "norra-dalarna", first: 1) { totalCount } }"#;
    assert!(
        app.gql_as(Some(&dso), log, json!({}))
            .await
            .get("errors")
            .is_none(),
        "Sollentuna serves Norra Dalarna while it exists"
    );
    let db = &app.state.service().db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "UPDATE forbund SET dissolved_on = $1 WHERE slug = 'sollentuna'",
        _ => "UPDATE forbund SET dissolved_on = ? WHERE slug = 'sollentuna'",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [chrono::NaiveDate::from_ymd_opt(2025, 6, 30).into()],
    ))
    .await
    .expect("a dissolution written past the rules");
    finsam_api::service::reference::invalidate();

    let ring = app.data(RING, json!({ "on": "2026-12-05" })).await;
    assert_eq!(ring["dsoRing"]["complete"], false, "{ring}");
    let problem = app
        .data(r#"{ dsoRing(on: "2026-12-05") { problem } }"#, json!({}))
        .await;
    assert!(
        problem["dsoRing"]["problem"]
            .as_str()
            .is_some_and(|p| p.contains("Sollentuna") && p.contains("2025-06-30")),
        "{problem}"
    );
    assert_eq!(dso_of(&app, "norra-dalarna", "2026-12-05").await, None);
    assert_eq!(serves(&app, "sollentuna", "2026-12-05").await, None);
    assert_eq!(
        error_code(&app.gql_as(Some(&dso), log, json!({})).await),
        "FORBIDDEN",
        "a dissolved förbund's DSO reads no log"
    );
}
