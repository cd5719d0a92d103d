//! Global object identification (the Relay server specification): every
//! type with an identity is a `Node` whose `id` is unique across the schema,
//! `node(id:)` returns the object again by the rules of its own query, and
//! `nodes(ids:)` reads many in a number of statements that does not grow
//! with the number of ids.

use crate::common::{TestApp, statements_for};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";

async fn node_as(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    let body = app.gql_as(token, NODE, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["node"].clone()
}

#[tokio::test]
async fn every_node_type_is_found_again_by_its_id() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let editor = app.token(&[Role::Editor], Some("varend"));
    // A proposal and a log entry to find (Värend asks to join the ring).
    let varend_admin = app.token(&[Role::Admin], Some("varend"));
    app.data_as(
        Some(&varend_admin),
        r#"mutation { joinDsoRing(forbund: "varend", from: "2030-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { applied } }"#,
        json!({}),
    )
    .await;
    app.data_as(
        Some(&editor),
        r#"mutation { createInsats(input: { forbund: "varend", name: "Hittas igen" }) { id } }"#,
        json!({}),
    )
    .await;
    let data = app
        .data_as(
            Some(&admin),
            r#"{
              forbund(slug: "varend") { id }
              insatser(first: 1) { edges { node { id } } }
              meetings(from: "2020-06-05", to: "2020-06-05", forbund: ["varend"]) { id decisions { id } }
              dsoAgreements { id }
              dsoFor(forbund: "sollentuna", on: "2021-03-01") { id }
              dsoProposals(first: 1) { edges { node { id } } }
              indicators { id }
              auditLog(forbund: "varend", first: 1) { edges { node { id } } }
            }"#,
            json!({}),
        )
        .await;
    let found = [
        ("Forbund", &data["forbund"]["id"]),
        ("Insats", &data["insatser"]["edges"][0]["node"]["id"]),
        ("Meeting", &data["meetings"][0]["id"]),
        ("Decision", &data["meetings"][0]["decisions"][0]["id"]),
        ("DsoAgreement", &data["dsoAgreements"][0]["id"]),
        ("DsoAssignment", &data["dsoFor"]["id"]),
        (
            "DsoProposal",
            &data["dsoProposals"]["edges"][0]["node"]["id"],
        ),
        ("Indicator", &data["indicators"][0]["id"]),
        ("AuditEntry", &data["auditLog"]["edges"][0]["node"]["id"]),
    ];
    let mut seen = std::collections::HashSet::new();
    for (typename, id) in found {
        let id = id
            .as_str()
            .unwrap_or_else(|| panic!("an id of {typename} in {data}"));
        assert!(
            seen.insert(id.to_string()),
            "{id} is unique across the schema"
        );
        let node = node_as(&app, Some(&admin), id).await;
        assert_eq!(node["__typename"], typename, "{node}");
        assert_eq!(node["id"], id, "{node}");
    }
    // All of them in one request, in the order asked, an unknown one null.
    let mut ids: Vec<String> = seen.into_iter().collect();
    ids.sort();
    ids.push("bm90aGluZzox".into());
    let many = app
        .data_as(
            Some(&admin),
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    let got: Vec<Value> = many["nodes"].as_array().cloned().unwrap_or_default();
    assert_eq!(got.len(), ids.len());
    for (asked, node) in ids.iter().zip(&got) {
        if asked == "bm90aGluZzox" {
            assert!(node.is_null(), "{node}");
        } else {
            assert_eq!(node["id"], asked.as_str());
        }
    }
}

#[tokio::test]
async fn nothing_is_more_visible_through_node_than_directly() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let private = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Hemlig", visibility: PRIVATE }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let other = app.token(&[Role::Member], Some("vasteras"));
    let own = app.token(&[Role::Member], Some("varend"));
    for (who, token, sees) in [
        ("anonymous", None, false),
        ("another förbund", Some(other.as_str()), false),
        ("its own förbund", Some(own.as_str()), true),
    ] {
        let direct = app
            .gql_as(
                token,
                "query($id: ID!) { insats(id: $id) { id } }",
                json!({ "id": private }),
            )
            .await;
        let by_node = node_as(&app, token, &private).await;
        assert_eq!(!direct["data"]["insats"].is_null(), sees, "{who}: {direct}");
        assert_eq!(!by_node.is_null(), sees, "{who}: {by_node}");
    }
    // A förbund's log through node: to those who may read that log only.
    let admin = app.token(&[Role::Admin], Some("varend"));
    let entry = app
        .data_as(
            Some(&admin),
            r#"{ auditLog(forbund: "varend", first: 1) { edges { node { id } } } }"#,
            json!({}),
        )
        .await["auditLog"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("an entry")
        .to_string();
    assert!(!node_as(&app, Some(&admin), &entry).await.is_null());
    assert!(
        node_as(&app, Some(&own), &entry).await.is_null(),
        "a member reads no log"
    );
    assert!(node_as(&app, None, &entry).await.is_null());
    // An id of one type is no other's, and a bare key names no type.
    let as_meeting = finsam_api::record::id::global(
        finsam_api::record::id::NodeKind::Meeting,
        crate::common::row_key(&private).parse().expect("a key"),
    );
    let meeting = node_as(&app, Some(&own), &as_meeting).await;
    assert!(
        meeting.is_null() || meeting["__typename"] == "Meeting",
        "{meeting}"
    );
    assert!(
        node_as(&app, Some(&own), &crate::common::row_key(&private))
            .await
            .is_null()
    );
}

#[tokio::test]
async fn nodes_cost_the_same_statements_for_two_ids_or_fifty() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let page = app
        .data_as(
            Some(&admin),
            "{ insatser(first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let ids: Vec<Value> = page["insatser"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert!(ids.len() >= 20, "enough insatser: {}", ids.len());
    let query =
        "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Insats { name forbund { name } } } }";
    // The first request warms the reference snapshot; then compare.
    statements_for(&app, Some(&admin), query, json!({ "ids": ids[..2] })).await;
    let two = statements_for(&app, Some(&admin), query, json!({ "ids": ids[..2] })).await;
    let all = statements_for(&app, Some(&admin), query, json!({ "ids": ids })).await;
    assert_eq!(
        two,
        all,
        "{} ids cost {all} statements, 2 cost {two}",
        ids.len()
    );
}
