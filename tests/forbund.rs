//! The förbund directory and registry, end to end over HTTP.

use crate::common;

use common::{Spawn, TestApp, error_code, error_field};
use finsam_api::auth::Role;
use finsam_entity::audit_log;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

const LIST: &str = r#"query($first: Int, $after: String, $county: String) {
  forbundList(first: $first, after: $after, county: $county) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { slug name orgNumber county } }
  }
}"#;

fn slugs(list: &Value) -> Vec<String> {
    list["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["slug"].as_str().expect("slug").to_string())
        .collect()
}

#[tokio::test]
async fn the_directory_lists_the_eleven_forbund_of_the_demo_dataset() {
    let app = TestApp::spawn().await;
    let data = app.data(LIST, json!({ "first": 20 })).await;
    let list = &data["forbundList"];
    assert_eq!(list["totalCount"], 11);
    assert_eq!(slugs(list).len(), 11);
    let vasteras = list["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["slug"] == "vasteras"))
        .expect("vasteras");
    assert_eq!(vasteras["node"]["orgNumber"], "222000-2824");
    assert_eq!(vasteras["node"]["county"], "Västmanland");
    assert_eq!(vasteras["node"]["name"], "Samordningsförbundet Västerås");
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let data = app.data(LIST, json!({ "first": 4, "after": after })).await;
        let list = &data["forbundList"];
        assert_eq!(list["totalCount"], 11, "the total is for all pages");
        assert_eq!(list["pageInfo"]["hasPreviousPage"], after.is_some());
        seen.extend(slugs(list));
        pages += 1;
        if list["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = list["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "slug order, no repeats");
    assert_eq!(seen.len(), 11);
}

#[tokio::test]
async fn the_county_filter_and_page_limits() {
    let app = TestApp::spawn().await;
    let data = app.data(LIST, json!({ "county": "Västmanland" })).await;
    assert_eq!(
        slugs(&data["forbundList"]),
        [
            "norra-vastmanland",
            "vasteras",
            "vastmanland",
            "vastra-malardalen"
        ]
    );
    assert_eq!(data["forbundList"]["totalCount"], 4);

    let too_many = app.gql(LIST, json!({ "first": 101 })).await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
    assert_eq!(error_field(&too_many), "first");

    let bad_cursor = app.gql(LIST, json!({ "after": "not-a-cursor" })).await;
    assert_eq!(error_code(&bad_cursor), "BAD_USER_INPUT");
    assert_eq!(error_field(&bad_cursor), "after");
}

#[tokio::test]
async fn the_lansforbund_shows_its_predecessors_and_they_their_successor() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{
              vastmanland: forbund(slug: "vastmanland") { foundedOn predecessors { slug dissolvedOn } }
              vasteras: forbund(slug: "vasteras") { successor { slug name } active(on: "2023-06-01") later: active(on: "2024-01-01") }
              sodra: forbund(slug: "sodra-dalarna") { members { name kind fundingSharePercent } funding { group statutoryPercent reportedPercent } }
              missing: forbund(slug: "nowhere") { slug }
            }"#,
            json!({}),
        )
        .await;
    let predecessors: Vec<_> = data["vastmanland"]["predecessors"]
        .as_array()
        .expect("predecessors")
        .iter()
        .map(|p| p["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(
        predecessors,
        ["norra-vastmanland", "vasteras", "vastra-malardalen"]
    );
    assert_eq!(data["vastmanland"]["foundedOn"], "2024-01-01");
    assert_eq!(
        data["vastmanland"]["predecessors"][1]["dissolvedOn"],
        "2023-12-31"
    );
    assert_eq!(data["vasteras"]["successor"]["slug"], "vastmanland");
    assert_eq!(data["vasteras"]["active"], true);
    assert_eq!(data["vasteras"]["later"], false);
    // Södra Dalarna 2020: FK/AF 50 %, Region Dalarna 25 %, Avesta 11, Hedemora 8, Säter 6.
    let funding = &data["sodra"]["funding"];
    assert_eq!(
        funding[0],
        json!({ "group": "STATE", "statutoryPercent": 50.0, "reportedPercent": 50.0 })
    );
    assert_eq!(funding[2]["reportedPercent"], 25.0);
    assert_eq!(data["missing"], Value::Null);
}

const CREATE: &str = r#"mutation($input: CreateForbundInput!) {
  createForbund(input: $input) { id slug name orgNumber county version successor { slug } members { name kind fundingSharePercent } }
}"#;

fn new_forbund(slug: &str, org: &str) -> Value {
    json!({ "input": {
        "slug": slug,
        "name": "Samordningsförbundet Test",
        "orgNumber": org,
        "county": "Uppsala",
        "members": [
            { "name": "Försäkringskassan", "kind": "SOCIAL_INSURANCE", "fundingSharePercent": 50 },
            { "name": "Region Uppsala", "kind": "REGION", "fundingSharePercent": 25 },
            { "name": "Uppsala kommun", "kind": "MUNICIPALITY", "fundingSharePercent": 25 }
        ]
    }})
}

#[tokio::test]
async fn a_network_admin_registers_a_forbund_with_a_valid_organisation_number() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    // 212000-2890: a number not in the dataset, with a valid check digit.
    let data = app
        .data_as(
            Some(&admin),
            CREATE,
            new_forbund("uppsala-test", "2120002890"),
        )
        .await;
    let created = &data["createForbund"];
    assert_eq!(created["slug"], "uppsala-test");
    assert_eq!(created["orgNumber"], "212000-2890", "stored hyphenated");
    assert_eq!(created["version"], 1);
    assert_eq!(created["members"].as_array().map(Vec::len), Some(3));

    let list = app.data(LIST, json!({ "first": 50 })).await;
    assert_eq!(list["forbundList"]["totalCount"], 12);

    let entries = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state.service().db)
        .await
        .expect("audit entries");
    let entry = entries.last().expect("an audit entry");
    assert_eq!(entry.operation, "createForbund");
    assert_eq!(entry.actor_sub, "test-user");
    assert!(entry.before.is_none());
    assert!(
        entry
            .after
            .as_deref()
            .is_some_and(|a| a.contains("uppsala-test"))
    );
}

#[tokio::test]
async fn a_wrong_check_digit_or_a_taken_slug_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let body = app
        .gql_as(
            Some(&admin),
            CREATE,
            new_forbund("uppsala-test", "222000-2825"),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(error_field(&body), "orgNumber");

    let body = app
        .gql_as(Some(&admin), CREATE, new_forbund("vasteras", "2120002890"))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(error_field(&body), "slug");

    let mut over = new_forbund("uppsala-test", "2120002890");
    over["input"]["members"][2]["fundingSharePercent"] = json!(26);
    let body = app.gql_as(Some(&admin), CREATE, over).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(error_field(&body), "members[2].fundingSharePercent");

    let list = app.data(LIST, json!({})).await;
    assert_eq!(list["forbundList"]["totalCount"], 11, "nothing was written");
}

#[tokio::test]
async fn only_a_network_admin_may_register() {
    let app = TestApp::spawn().await;
    let body = app
        .gql(CREATE, new_forbund("uppsala-test", "2120002890"))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let admin_of_varend = app.token(&[Role::Admin], Some("varend"));
    let body = app
        .gql_as(
            Some(&admin_of_varend),
            CREATE,
            new_forbund("uppsala-test", "2120002890"),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(body["data"], Value::Null);
}

const UPDATE: &str = r#"mutation($input: UpdateForbundInput!) {
  updateForbund(input: $input) { id name county version notes }
}"#;

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_the_row_keeps_the_first_update() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let before = app
        .data(r#"{ forbund(slug: "varend") { id version } }"#, json!({}))
        .await;
    let id = before["forbund"]["id"].as_str().expect("id").to_string();
    assert_eq!(before["forbund"]["version"], 1);

    let first = app
        .data_as(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "version": 1, "notes": "First editor's note" } }),
        )
        .await;
    assert_eq!(first["updateForbund"]["version"], 2);

    let second = app
        .gql_as(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "version": 1, "notes": "Second editor's note" } }),
        )
        .await;
    assert_eq!(error_code(&second), "CONFLICT");

    let after = app
        .data(
            r#"{ forbund(slug: "varend") { version notes } }"#,
            json!({}),
        )
        .await;
    assert_eq!(after["forbund"]["version"], 2);
    assert_eq!(after["forbund"]["notes"], "First editor's note");
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let report = finsam_api::service::seed::load(&app.state.service().db)
        .await
        .expect("second load");
    assert_eq!(report.total(), 0, "{report}");
    let data = app.data(LIST, json!({})).await;
    assert_eq!(data["forbundList"]["totalCount"], 11);
}

#[tokio::test]
async fn an_empty_database_is_seeded_by_the_seed_function() {
    let app = TestApp::spawn_with(Spawn {
        empty: true,
        ..Default::default()
    })
    .await;
    assert_eq!(
        app.data(LIST, json!({})).await["forbundList"]["totalCount"],
        0
    );
    let report = finsam_api::service::seed::load(&app.state.service().db)
        .await
        .expect("load");
    assert!(report.total() > 0);
    // Seeded from outside any request of the server (as `finsam seed`
    // would, from another process): the server notices through the change
    // counter it polls each second.
    let started = std::time::Instant::now();
    loop {
        let count = app.data(LIST, json!({})).await["forbundList"]["totalCount"].clone();
        if count == 11 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "still {count} förbund after the seed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn allocations_are_money_and_shown_only_to_signed_in_callers() {
    let app = TestApp::spawn().await;
    let q = r#"{ forbund(slug: "sodra-dalarna") { allocations { year amountSek kind note } } }"#;
    assert_eq!(
        app.data(q, json!({})).await["forbund"]["allocations"],
        Value::Null
    );
    let member = app.token(&[Role::Member], Some("varend"));
    let data = app.data_as(Some(&member), q, json!({})).await;
    assert_eq!(data["forbund"]["allocations"][0]["year"], 2020);
    assert_eq!(data["forbund"]["allocations"][0]["amountSek"], 7_000_000);
    assert_eq!(data["forbund"]["allocations"][0]["kind"], "TOTAL");
    let data = app
        .data_as(
            Some(&member),
            r#"{ forbund(slug: "vastmanland") { allocations { year amountSek kind } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["forbund"]["allocations"],
        json!([{ "year": 2024, "amountSek": 9_519_000, "kind": "STATE_PRELIMINARY" }])
    );
}

#[tokio::test]
async fn successors_cannot_go_round_in_a_circle() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let data = app
        .data(
            r#"{ forbund(slug: "vastmanland") { id version } }"#,
            json!({}),
        )
        .await;
    let body = app
        .gql_as(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": data["forbund"]["id"], "version": 1, "successor": "vasteras" } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(error_field(&body), "successor");
    let body = app
        .gql_as(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": data["forbund"]["id"], "version": 1, "successor": "vastmanland" } }),
        )
        .await;
    assert_eq!(error_field(&body), "successor", "nor succeed itself");
}

/// After its last day a förbund is an archive: Västerås (dissolved
/// 2023-12-31, merged into Västmanland) registers no new insats or meeting
/// by its own staff, nothing dated after its life even by the network, and
/// the network still corrects its records, audited.
#[tokio::test]
async fn a_dissolved_forbund_is_an_archive_its_staff_no_longer_write() {
    let app = TestApp::spawn_with(Spawn {
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 5),
        ..Default::default()
    })
    .await;
    let editor = app.token(&[Role::Editor], Some("vasteras"));
    let insats = app
        .gql_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "vasteras", name: "Efter upplösningen" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&insats), "FORBIDDEN", "{insats}");
    assert_eq!(error_field(&insats), "forbund");
    // Its last day and its successor, for a client to word the refusal.
    let ext = &insats["errors"][0]["extensions"];
    assert_eq!(ext["rule"], "FORBUND_ARCHIVED", "{insats}");
    assert_eq!(ext["params"]["day"], "2023-12-31", "{insats}");
    assert_eq!(
        ext["params"]["successor"], "Samordningsförbundet Västmanland",
        "{insats}"
    );
    let message = insats["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("2023-12-31"), "{message}");
    let meeting = app
        .gql_as(
            Some(&editor),
            r#"mutation { createMeeting(input: { forbund: "vasteras", heldOn: "2023-11-02" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&meeting), "FORBIDDEN", "{meeting}");
    // Nothing dated after its life, whoever asks.
    let network = app.network_admin();
    let late = app
        .gql_as(
            Some(&network),
            r#"mutation { createMeeting(input: { forbund: "vasteras", heldOn: "2027-02-01" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&late), "BAD_USER_INPUT", "{late}");
    assert_eq!(error_field(&late), "heldOn");
    let late_insats = app
        .gql_as(
            Some(&network),
            r#"mutation { createInsats(input: { forbund: "vasteras", name: "Sent", startsOn: "2025-01-01" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&late_insats), "BAD_USER_INPUT", "{late_insats}");
    assert_eq!(error_field(&late_insats), "startsOn");
    // Its records stay readable, and the network corrects them, audited.
    let owned = app
        .data_as(
            Some(&network),
            r#"{ insatser(filter: { forbund: ["vasteras"] }, first: 1) { edges { node { id version name } } } }"#,
            json!({}),
        )
        .await;
    let node = owned["insatser"]["edges"][0]["node"].clone();
    assert!(node["id"].is_string(), "{owned}");
    let corrected = app
        .data_as(
            Some(&network),
            r#"mutation($id: ID!, $v: Int!) { updateInsats(id: $id, version: $v, input: { targetGroup: "Rättad i efterhand" }) { targetGroup } }"#,
            json!({ "id": node["id"], "v": node["version"] }),
        )
        .await;
    assert_eq!(
        corrected["updateInsats"]["targetGroup"],
        "Rättad i efterhand"
    );
    // Its own staff may not correct them.
    let refused = app
        .gql_as(
            Some(&editor),
            r#"mutation($id: ID!, $v: Int!) { updateInsats(id: $id, version: $v, input: { targetGroup: "Av personalen" }) { targetGroup } }"#,
            json!({ "id": node["id"], "v": node["version"].as_i64().unwrap_or(0) + 1 }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
}
