//! Writers under load, on SQLite and (in `.ci/run`) PostgreSQL: 16 clients
//! each do 50 read-modify-write cycles on the same insats through the API,
//! retrying on CONFLICT. No update is lost — the stored count equals the
//! successful writes — and the audit log holds exactly one entry for each.

use crate::common;

use common::TestApp;
use finsam_api::auth::Role;
use serde_json::{Value, json};

const CLIENTS: usize = 16;
const CYCLES: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_update_is_lost_and_each_success_is_audited_once() {
    let app = TestApp::spawn_with(common::Spawn {
        configure: Some(Box::new(|s| s.database.max_connections = 8)),
        ..Default::default()
    })
    .await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Räknaren", capacityYearPlaces: 0 }) { id } }"#,
            json!({}),
        )
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();

    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (client, address, token, id) = (
            app.client.clone(),
            app.address.clone(),
            editor.clone(),
            id.clone(),
        );
        clients.push(tokio::spawn(async move {
            let post = |query: &'static str, variables: Value| {
                let request = client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": query, "variables": variables }));
                async move { request.send().await.expect("send").json::<Value>().await.expect("json") }
            };
            let (mut successes, mut conflicts) = (0usize, 0usize);
            while successes < CYCLES {
                let read = post("query($id: ID!) { insats(id: $id) { version capacityYearPlaces } }", json!({ "id": id })).await;
                let row = &read["data"]["insats"];
                let (version, value) = (row["version"].as_i64().expect("version"), row["capacityYearPlaces"].as_i64().expect("value"));
                let write = post(
                    "mutation($id: ID!, $v: Int!, $n: Int!) { updateInsats(id: $id, version: $v, input: { capacityYearPlaces: $n }) { version } }",
                    json!({ "id": id, "v": version, "n": value + 1 }),
                )
                .await;
                match write["errors"][0]["extensions"]["code"].as_str() {
                    None => successes += 1,
                    Some("CONFLICT") => conflicts += 1,
                    Some(other) => panic!("a write failed with {other}: {write}"),
                }
            }
            (successes, conflicts)
        }));
    }
    let (mut successes, mut conflicts) = (0, 0);
    for c in clients {
        let (s, c) = c.await.expect("a client");
        successes += s;
        conflicts += c;
    }
    assert_eq!(successes, CLIENTS * CYCLES);
    let stored = app
        .data_as(
            Some(&editor),
            "query($id: ID!) { insats(id: $id) { version capacityYearPlaces } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        stored["insats"]["capacityYearPlaces"], successes,
        "no update was lost ({conflicts} conflicts retried)"
    );
    assert_eq!(stored["insats"]["version"], successes + 1);

    // One audit entry per successful update, none for the refused ones.
    let admin = app.network_admin();
    let (mut audited, mut after) = (0, None::<String>);
    loop {
        let page = app
            .data_as(
                Some(&admin),
                "query($after: String) { auditLog(forbund: \"varend\", entity: \"Insats\", first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { operation entityId } } } }",
                json!({ "after": after }),
            )
            .await;
        let log = &page["auditLog"];
        audited += log["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|e| {
                e["node"]["operation"] == "updateInsats"
                    && e["node"]["entityId"] == crate::common::row_key(&id).as_str()
            })
            .count();
        if !log["pageInfo"]["hasNextPage"].as_bool().expect("more") {
            break;
        }
        after = log["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(audited, successes);
}
