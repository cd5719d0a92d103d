//! Hidden values do not leak by side channel: not through the order a list
//! may be sorted in, not through page cursors, not through counts under a
//! filter, not through the difference between a hidden and a missing row.

use crate::common;

use base64::Engine;
use common::{Spawn, TestApp, error_code, error_field};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const ORDER: &str = "query($field: InsatsOrderField!, $direction: OrderDirection!) {
    insatser(first: 3, orderBy: { field: $field, direction: $direction }) {
        pageInfo { endCursor } edges { node { name budgetTotalSek } } } }";

/// Every caller: anonymous, each tenant role of Värend, and the national roles.
fn callers(app: &TestApp) -> Vec<(String, Option<String>)> {
    let mut callers = vec![("anonymous".to_string(), None)];
    for role in [Role::Member, Role::Editor, Role::Admin, Role::Dso] {
        callers.push((
            format!("{role:?} of varend"),
            Some(app.token(&[role], Some("varend"))),
        ));
    }
    for role in [Role::Analyst, Role::NetworkAdmin] {
        callers.push((format!("{role:?}"), Some(app.token(&[role], None))));
    }
    callers
}

#[tokio::test]
async fn ordering_by_a_value_is_only_for_callers_who_may_see_it() {
    let app = TestApp::spawn().await;
    let fields = app
        .data(
            "{ __type(name: \"InsatsOrderField\") { enumValues { name } } }",
            json!({}),
        )
        .await;
    let fields: Vec<String> = fields["__type"]["enumValues"]
        .as_array()
        .expect("the order fields")
        .iter()
        .map(|v| v["name"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(
        fields,
        ["NAME", "START_DATE", "BUDGET"],
        "a new order field needs its rule here"
    );
    for (who, token) in callers(&app) {
        for field in &fields {
            for direction in ["ASC", "DESC"] {
                let body = app
                    .gql_as(
                        token.as_deref(),
                        ORDER,
                        json!({ "field": field, "direction": direction }),
                    )
                    .await;
                let may_see_money = token.is_some();
                if field == "BUDGET" && !may_see_money {
                    assert_eq!(error_code(&body), "FORBIDDEN", "{who} {field}: {body}");
                    assert_eq!(error_field(&body), "orderBy.field");
                    assert!(
                        body["data"].is_null(),
                        "{who}: nothing of the list is shown"
                    );
                } else {
                    assert!(
                        body.get("errors").is_none(),
                        "{who} {field} {direction}: {body}"
                    );
                }
            }
        }
    }
}

fn decoded(cursor: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .expect("cursors are base64url")
}

#[tokio::test]
async fn cursors_reveal_nothing_and_cannot_be_edited_or_moved() {
    let app = TestApp::spawn().await;
    let member = app.token(&[Role::Member], Some("varend"));
    // Signed in, ordered by budget: the cursor's key is a budget total.
    let page = app
        .data_as(
            Some(&member),
            ORDER,
            json!({ "field": "BUDGET", "direction": "DESC" }),
        )
        .await;
    let cursor = page["insatser"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("a cursor")
        .to_string();
    let budgets: Vec<String> = page["insatser"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["budgetTotalSek"].as_i64())
        .map(|b| b.to_string())
        .collect();
    assert!(!budgets.is_empty());
    let bytes = decoded(&cursor);
    let text = String::from_utf8_lossy(&bytes);
    for budget in &budgets {
        assert!(!text.contains(budget.as_str()), "the cursor shows {budget}");
        assert!(!cursor.contains(budget.as_str()));
    }
    assert!(
        !text.contains("Budget")
            && !text.contains("field")
            && serde_json::from_slice::<Value>(&bytes).is_err(),
        "the cursor is not readable JSON: {text}"
    );

    let next = |after: String| {
        json!({ "query": "query($after: String) { insatser(first: 3, after: $after, orderBy: { field: BUDGET, direction: DESC }) { edges { node { name } } } }",
                "variables": { "after": after } })
    };
    let post = |body: Value| {
        let member = member.clone();
        let app = &app;
        async move {
            app.client
                .post(format!("{}/graphql", app.address))
                .bearer_auth(member)
                .json(&body)
                .send()
                .await
                .expect("send")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    assert!(
        post(next(cursor.clone())).await.get("errors").is_none(),
        "the cursor works as given"
    );

    // Every one-character edit is refused, never read as another position.
    let mut chars: Vec<char> = cursor.chars().collect();
    for i in [0, chars.len() / 2, chars.len() - 1] {
        let original = chars[i];
        chars[i] = if original == 'A' { 'B' } else { 'A' };
        let edited: String = chars.iter().collect();
        chars[i] = original;
        let body = post(next(edited)).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(error_field(&body), "after");
    }

    // A cursor of another list is refused.
    let directory = app
        .data(
            "{ forbundList(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let other = directory["forbundList"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    assert_eq!(error_code(&post(next(other)).await), "BAD_USER_INPUT");

    // A server with another cursor secret (a rotation) refuses it clearly.
    let rotated = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.server.cursor_secret = secrecy::SecretString::from("a rotated secret".to_string());
        })),
        ..Default::default()
    })
    .await;
    let token = rotated.token(&[Role::Member], Some("varend"));
    let body = rotated
        .gql_as(
            Some(&token),
            "query($after: String) { insatser(first: 3, after: $after, orderBy: { field: BUDGET, direction: DESC }) { edges { node { name } } } }",
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not a cursor")
    );
}

#[tokio::test]
async fn a_hidden_insats_is_absent_from_counts_lookups_and_refusals_alike() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Hemligt projekt Zebra", visibility: PRIVATE }) { id } }"#,
            json!({}),
        )
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let other = app.token(&[Role::Editor], Some("vasteras"));
    for token in [None, Some(other.as_str())] {
        // Not counted under a filter that matches only it.
        let count = app
            .data_as(
                token,
                r#"{ insatser(filter: { search: "Zebra" }) { totalCount } }"#,
                json!({}),
            )
            .await;
        assert_eq!(count["insatser"]["totalCount"], 0);
        // Looked up, it is missing like an id that does not exist.
        let row = app
            .data_as(
                token,
                "query($id: ID!) { insats(id: $id) { name } }",
                json!({ "id": id }),
            )
            .await;
        assert!(row["insats"].is_null());
    }
    // A change to it is refused exactly as a change to no insats at all.
    let change =
        "mutation($id: ID!) { updateInsats(id: $id, version: 1, input: { name: \"x\" }) { id } }";
    let hidden = app.gql_as(Some(&other), change, json!({ "id": id })).await;
    let missing = app
        .gql_as(Some(&other), change, json!({ "id": "999999" }))
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    assert_eq!(
        hidden["errors"][0]["message"],
        missing["errors"][0]["message"]
    );
    assert_eq!(
        hidden["errors"][0]["extensions"],
        missing["errors"][0]["extensions"]
    );
}
