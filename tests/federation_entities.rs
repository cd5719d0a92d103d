//! The subgraph as a router uses it: `_entities` representations by slug,
//! id and code, resolved under exactly the rules of the root fields — a
//! hidden insats comes back null, never revealed.

use crate::common;

use common::TestApp;
use finsam_api::auth::Role;
use serde_json::{Value, json};

const ENTITIES: &str = r#"query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Forbund { slug name county }
    ... on Insats { id name visibility forbund { slug } }
    ... on Indicator { code name }
    ... on DsoAgreement { id name noticeMonths }
  }
}"#;

async fn entities(app: &TestApp, token: Option<&str>, representations: Value) -> Vec<Value> {
    let data = app
        .data_as(
            token,
            ENTITIES,
            json!({ "representations": representations }),
        )
        .await;
    data["_entities"].as_array().expect("a list").clone()
}

#[tokio::test]
async fn entities_resolve_by_their_keys_under_the_same_rules() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let private = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Endast Värend", visibility: PRIVATE }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let public = app
        .data(r#"{ insatser(filter: { search: "Samordningsteam Västerås" }) { edges { node { id name } } } }"#, json!({}))
        .await["insatser"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a public insats")
        .to_string();
    let agreement = app.data("{ dsoAgreements { id } }", json!({})).await["dsoAgreements"][0]["id"]
        .as_str()
        .expect("agreement")
        .to_string();

    let representations = json!([
        { "__typename": "Forbund", "slug": "vasteras" },
        { "__typename": "Insats", "id": public },
        { "__typename": "Insats", "id": private },
        { "__typename": "Indicator", "code": "6" },
        { "__typename": "DsoAgreement", "id": agreement },
        { "__typename": "Forbund", "slug": "no-such-forbund" },
    ]);
    let member_of_varend = app.token(&[Role::Member], Some("varend"));
    let member_elsewhere = app.token(&[Role::Member], Some("vasteras"));
    for (who, token, sees_private) in [
        ("anonymous", None, false),
        (
            "a member of another förbund",
            Some(member_elsewhere.as_str()),
            false,
        ),
        (
            "a member of the owner",
            Some(member_of_varend.as_str()),
            true,
        ),
    ] {
        let got = entities(&app, token, representations.clone()).await;
        assert_eq!(
            got.len(),
            6,
            "{who}: one answer per representation, in order"
        );
        assert_eq!(got[0]["name"], "Samordningsförbundet Västerås", "{who}");
        assert_eq!(got[1]["name"], "Samordningsteam Västerås", "{who}");
        if sees_private {
            assert_eq!(got[2]["name"], "Endast Värend", "{who}");
            assert_eq!(got[2]["visibility"], "PRIVATE");
        } else {
            assert!(
                got[2].is_null(),
                "{who} must not see the private insats: {}",
                got[2]
            );
        }
        assert_eq!(got[3]["name"], "Övergången efter avslut", "{who}");
        assert_eq!(got[4]["noticeMonths"], 4, "{who}");
        assert!(got[5].is_null(), "{who}: an unknown slug is null");
    }
}

#[tokio::test]
async fn a_hidden_insats_through_entities_looks_like_a_missing_one() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let id = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Dold via router", visibility: PRIVATE }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let hidden = app
        .gql(
            ENTITIES,
            json!({ "representations": [{ "__typename": "Insats", "id": id }] }),
        )
        .await;
    let missing = app
        .gql(
            ENTITIES,
            json!({ "representations": [{ "__typename": "Insats", "id": "999999" }] }),
        )
        .await;
    assert_eq!(hidden, missing, "the answers cannot be told apart");
    assert!(hidden["data"]["_entities"][0].is_null());
}
