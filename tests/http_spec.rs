//! GraphQL over HTTP as the specification has it, as clients and proxies see
//! it: the response type negotiated from `Accept` with its status rules,
//! queries over GET (never mutations), automatic persisted queries, and
//! cacheable anonymous answers.

use crate::common;

use common::{TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn post(app: &TestApp, accept: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_string();
    (status, content_type, response.json().await.expect("json"))
}

#[tokio::test]
async fn the_response_type_and_status_follow_accept() {
    let app = TestApp::spawn().await;
    let ok = json!({ "query": "{ __typename }" });
    for (accept, expected) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("application/json"), "application/json"),
        (
            Some("application/graphql-response+json"),
            "application/graphql-response+json",
        ),
    ] {
        let (status, content_type, body) = post(&app, accept, ok.clone()).await;
        assert_eq!(status, 200, "{accept:?}");
        assert!(
            content_type.starts_with(expected),
            "{accept:?}: {content_type}"
        );
        assert!(content_type.contains("charset=utf-8"));
        assert_eq!(body["data"]["__typename"], "Query");
    }
    // Request errors: parse, validation, variable coercion.
    for request in [
        json!({ "query": "{" }),
        json!({ "query": "{ notAField }" }),
        json!({ "query": "query($id: ID!) { insats(id: $id) { name } }", "variables": { "id": null } }),
    ] {
        let (status, _, body) = post(
            &app,
            Some("application/graphql-response+json"),
            request.clone(),
        )
        .await;
        assert_eq!(status, 400, "{request}");
        assert!(body.get("data").is_none(), "no data entry: {body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT");
        let (status, _, body) = post(&app, Some("application/json"), request.clone()).await;
        assert_eq!(status, 200, "legacy application/json: {request}");
        assert!(body["errors"].is_array());
    }
    // A field error is not a request error: 200 with data.
    let editor = app.token(&[Role::Editor], Some("varend"));
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&editor)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "mutation { updateInsats(id: \"999999\", version: 1, input: { name: \"x\" }) { id } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "NOT_FOUND");
    // Malformed requests are 400 for both types; an unacceptable Accept is 406.
    for bad in [
        json!({ "notquery": "{ __typename }" }),
        json!({ "query": 0 }),
        json!({ "query": "{ a }", "variables": "x" }),
    ] {
        assert_eq!(post(&app, None, bad.clone()).await.0, 400, "{bad}");
    }
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{ \"not a JSON")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    assert_eq!(post(&app, Some("text/html"), ok).await.0, 406);
}

async fn get(
    app: &TestApp,
    token: Option<&str>,
    query: &[(&str, String)],
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(query);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.expect("send")
}

#[tokio::test]
async fn queries_over_get_are_cacheable_when_anonymous_and_mutations_are_refused() {
    let app = TestApp::spawn().await;
    let dso =
        r#"{ dsoFor(forbund: "sundbyberg", on: "2021-03-01") { contact provider { name } } }"#
            .to_string();
    let response = get(&app, None, &[("query", dso.clone())], None).await;
    assert_eq!(response.status(), 200);
    let cache = response.headers()["cache-control"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(
        cache,
        format!(
            "public, max-age={}",
            app.settings.server.public_max_age_secs
        )
    );
    assert!(
        response.headers()["vary"]
            .to_str()
            .expect("vary")
            .contains("Authorization")
    );
    let etag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_string();
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["data"]["dsoFor"]["provider"]["name"],
        "Samordningsförbundet Västerås"
    );

    let again = get(&app, None, &[("query", dso.clone())], Some(&etag)).await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.expect("body").is_empty());

    // Signed in: private, never stored.
    let member = app.token(&[Role::Member], Some("varend"));
    let signed_in = get(&app, Some(&member), &[("query", dso.clone())], None).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(signed_in.headers()["cache-control"], "private, no-store");
    assert!(signed_in.headers().get("etag").is_none());
    // Errors and POSTs: private too.
    let failing = get(&app, None, &[("query", "{ nothing }".into())], None).await;
    assert_eq!(failing.headers()["cache-control"], "private, no-store");
    let posted = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": dso }))
        .send()
        .await
        .expect("send");
    assert_eq!(posted.headers()["cache-control"], "private, no-store");

    // A mutation over GET is refused with a clear error and nothing changes.
    let editor = app.token(&[Role::Editor], Some("varend"));
    let mutation =
        r#"mutation { createInsats(input: { forbund: "varend", name: "Via GET" }) { id } }"#;
    let refused = get(&app, Some(&editor), &[("query", mutation.into())], None).await;
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers()["allow"], "POST");
    let body: Value = refused.json().await.expect("json");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("POST")
    );
    let none = app
        .data(
            r#"{ insatser(filter: { search: "Via GET" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(none["insatser"]["totalCount"], 0);
}

#[tokio::test]
async fn automatic_persisted_queries_round_trip_over_get() {
    let app = TestApp::spawn().await;
    let query = r#"{ forbund(slug: "varend") { name } }"#;
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();

    // Unknown hash: the client is told to send the text.
    let unknown = get(&app, None, &[("extensions", extensions.clone())], None).await;
    let body: Value = unknown.json().await.expect("json");
    assert_eq!(error_code(&body), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    // The text with its hash registers it …
    let registered = get(
        &app,
        None,
        &[("query", query.into()), ("extensions", extensions.clone())],
        None,
    )
    .await;
    let body: Value = registered.json().await.expect("json");
    assert_eq!(
        body["data"]["forbund"]["name"],
        "Samordningsförbundet Värend"
    );

    // … and from then on the hash alone is enough, cacheable like any GET.
    let by_hash = get(&app, None, &[("extensions", extensions.clone())], None).await;
    assert_eq!(by_hash.status(), 200);
    assert!(
        by_hash.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .starts_with("public")
    );
    let body: Value = by_hash.json().await.expect("json");
    assert_eq!(
        body["data"]["forbund"]["name"],
        "Samordningsförbundet Värend"
    );

    // A text that does not match its hash is refused.
    let wrong = get(
        &app,
        None,
        &[
            ("query", "{ __typename }".into()),
            ("extensions", extensions),
        ],
        None,
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let body: Value = wrong.json().await.expect("json");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("does not match")
    );
}
