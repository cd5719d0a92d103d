//! With `graphql.trusted_documents_only`, anonymous callers run only the
//! web app's own operations, byte for byte as the app sends them; signed-in
//! callers are not limited, and the list is served for the app and for
//! registries.

use serde_json::{Value, json};

use crate::common::{Spawn, TestApp};
use finsam_api::auth::Role;

async fn spawn_trusting() -> TestApp {
    TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.graphql.trusted_documents_only = true)),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn anonymous_callers_run_only_the_apps_operations() {
    let app = spawn_trusting().await;
    let list: Value = app
        .client
        .get(format!("{}/app/trusted-documents.json", app.address))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = list
        .as_object()
        .expect("hash → name")
        .values()
        .filter_map(Value::as_str)
        .collect();
    assert!(names.contains(&"ForbundDirectory"), "{list}");

    // Any other document, anonymous: refused, and said why.
    let refused = app.gql("{ __typename }", json!({})).await;
    let ext = &refused["errors"][0]["extensions"];
    assert_eq!(ext["code"], "FORBIDDEN", "{refused}");
    assert_eq!(ext["rule"], "DOCUMENT_NOT_TRUSTED", "{refused}");

    // The app's own operation, exactly as the app sends it, is answered.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/web/operations.graphql"
    ))
    .expect("the app's operations");
    let (_, directory) = finsam_api::trusted::operations(&text)
        .into_iter()
        .find(|(name, _)| name == "ForbundDirectory")
        .expect("ForbundDirectory");
    let answered = app.gql(&directory, json!({ "first": 100 })).await;
    assert!(answered.get("errors").is_none(), "{answered}");
    assert!(
        answered["data"]["forbundList"]["edges"]
            .as_array()
            .is_some_and(|e| e.len() >= 10),
        "{answered}"
    );
    // The same document reworded is another document.
    let reworded = app
        .gql(&directory.replace("  ", " "), json!({ "first": 100 }))
        .await;
    assert_eq!(
        reworded["errors"][0]["extensions"]["rule"],
        "DOCUMENT_NOT_TRUSTED"
    );

    // A signed-in caller is not limited.
    let member = app.token(&[Role::Member], Some("varend"));
    let signed_in = app.gql_as(Some(&member), "{ __typename }", json!({})).await;
    assert_eq!(signed_in["data"]["__typename"], "Query", "{signed_in}");
}
