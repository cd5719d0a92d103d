//! Documents nested thousands of levels deep, sent anonymously, get a clear
//! `BAD_USER_INPUT` and the same server goes on answering. Before the nesting
//! bound (graphql.max_value_depth) the first of these overflowed a worker's
//! stack and aborted the whole process.

use crate::common;

use common::{TestApp, error_code};
use serde_json::{Value, json};

fn nested(open: &str, inner: &str, close: &str, levels: usize) -> String {
    format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
}

/// The four shapes that reached recursive code unbounded: a list argument,
/// an input object argument, a directive argument and a variable default.
fn hostile_documents(levels: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "list argument",
            format!(
                "{{ forbund(slug: {}) {{ slug }} }}",
                nested("[", "\"x\"", "]", levels)
            ),
        ),
        (
            "input object argument",
            format!(
                "{{ insatser(filter: {}) {{ totalCount }} }}",
                nested("{a:", "1", "}", levels)
            ),
        ),
        (
            "directive argument",
            format!(
                "{{ __typename @skip(if: {}) }}",
                nested("[", "true", "]", levels)
            ),
        ),
        (
            "variable default",
            format!(
                "query($a: [String] = {}) {{ __typename }}",
                nested("[", "\"x\"", "]", levels)
            ),
        ),
        ("selection sets", nested("{ a ", "", "}", levels)),
    ]
}

async fn still_answers(app: &TestApp) {
    let data = app
        .data("{ forbund(slug: \"varend\") { name } }", json!({}))
        .await;
    assert_eq!(data["forbund"]["name"], "Samordningsförbundet Värend");
}

#[tokio::test]
async fn deeply_nested_documents_are_refused_and_the_server_goes_on() {
    let app = TestApp::spawn().await;
    for levels in [1_600, 5_000, 100_000] {
        for (shape, query) in hostile_documents(levels) {
            let body = app.gql(&query, json!({})).await;
            assert_eq!(
                error_code(&body),
                "BAD_USER_INPUT",
                "{shape} at {levels} levels: {body}"
            );
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("levels"),
                "{shape} at {levels} levels names no limit: {message}"
            );
            assert!(body.get("data").is_none_or(Value::is_null), "{body}");
            still_answers(&app).await;
        }
    }
}

#[tokio::test]
async fn a_batch_of_deep_documents_is_refused_one_by_one() {
    let app = TestApp::spawn().await;
    let batch: Vec<Value> = hostile_documents(5_000)
        .into_iter()
        .map(|(_, query)| json!({ "query": query }))
        .chain([json!({ "query": "{ __typename }" })])
        .collect();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&batch)
        .send()
        .await
        .expect("send the batch");
    let answers: Vec<Value> = response.json().await.expect("a JSON array");
    assert_eq!(answers.len(), batch.len());
    for answer in &answers[..answers.len() - 1] {
        assert_eq!(error_code(answer), "BAD_USER_INPUT", "{answer}");
    }
    assert_eq!(answers[answers.len() - 1]["data"]["__typename"], "Query");
    still_answers(&app).await;
}

#[tokio::test]
async fn values_as_deep_as_the_limit_allow_are_answered_normally() {
    let app = TestApp::spawn().await;
    let limit = app.settings.graphql.max_value_depth;
    // A list as deep as allowed is parsed and then refused by type, not depth.
    let query = format!(
        "{{ forbund(slug: {}) {{ slug }} }}",
        nested("[", "\"x\"", "]", limit)
    );
    let body = app.gql(&query, json!({})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("max_value_depth"), "{message}");
    // One level deeper is refused by the bound, naming it.
    let query = format!(
        "{{ forbund(slug: {}) {{ slug }} }}",
        nested("[", "\"x\"", "]", limit + 1)
    );
    let body = app.gql(&query, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("max_value_depth"), "{message}");
}

#[tokio::test]
async fn long_fragment_chains_are_refused_without_recursing_away() {
    let app = TestApp::spawn().await;
    for length in [1_000, 10_000] {
        let mut query = String::from("{ ...f0 }\n");
        for i in 0..length {
            query.push_str(&format!("fragment f{i} on Query {{ ...f{} }}\n", i + 1));
        }
        query.push_str(&format!("fragment f{length} on Query {{ __typename }}\n"));
        let body = app.gql(&query, json!({})).await;
        let code = error_code(&body);
        assert!(
            code == "BAD_USER_INPUT" || code == "QUERY_TOO_COMPLEX",
            "a chain of {length} fragments: {body}"
        );
        still_answers(&app).await;
    }
}

#[tokio::test]
async fn deeply_nested_json_variables_are_refused() {
    let app = TestApp::spawn().await;
    let variables = nested("[", "1", "]", 100_000);
    let body = format!(
        "{{\"query\":\"query($a: [Int]) {{ __typename }}\",\"variables\":{{\"a\":{variables}}}}}"
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send");
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    still_answers(&app).await;
}
