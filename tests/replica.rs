//! A read replica: requests that only read go there, requests that write
//! (and their answers) go to the primary. Here the "replica" is a second
//! database that does not follow the primary, so where a read went shows.

mod common;

use common::{Spawn, TestApp};
use finsam_api::auth::Role;
use serde_json::json;

#[tokio::test]
async fn reads_go_to_the_replica_and_writes_answer_from_the_primary() {
    let replica = TestApp::spawn().await;
    let replica_url = replica.settings.database.url.clone();
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| s.database.read_url = Some(replica_url))),
        ..Default::default()
    })
    .await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Bara i primären", visibility: PUBLIC }) {
                id name forbund { slug } version } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        created["createInsats"]["name"], "Bara i primären",
        "the answer reads the primary"
    );
    assert_eq!(created["createInsats"]["forbund"]["slug"], "varend");

    let search = r#"{ insatser(filter: { search: "bara i primaren" }) { totalCount } }"#;
    assert_eq!(
        app.data(search, json!({})).await["insatser"]["totalCount"],
        0,
        "a read-only request went to the replica, which has not got the row"
    );
    // The same read inside a request that writes goes to the primary.
    let batch = json!([
        { "query": r#"mutation { setKeyFigures(input: { forbund: "varend", year: 2030, participants: 1 }) { year } }"# },
        { "query": search }
    ]);
    let admin = app.token(&[Role::Admin], Some("varend"));
    let answers: serde_json::Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&admin)
        .json(&batch)
        .send()
        .await
        .expect("batch")
        .json()
        .await
        .expect("json");
    assert_eq!(answers[1]["data"]["insatser"]["totalCount"], 1, "{answers}");
    assert_eq!(
        app.get("/readyz").await.status(),
        200,
        "both databases answer"
    );
    drop(replica);
}
