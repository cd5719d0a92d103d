//! A decision's text and amount follow the visibility of the insats it funds
//! (DESIGN.md role table): board minutes are public, but a grant to a
//! private insats does not tell the public what the insats is, nor its money.

use crate::common;

use common::TestApp;
use finsam_api::auth::Role;
use serde_json::{Value, json};

const MEETINGS: &str = r#"{ meetings(from: "2026-03-02", to: "2026-03-02", forbund: ["varend"]) {
  decisions { text amountSek withheld insats { name } } } }"#;

#[tokio::test]
async fn a_grant_to_a_private_insats_is_withheld_as_the_insats_is() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let private = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Hemlig förstudie", visibility: PRIVATE }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .clone();
    let meeting = app
        .data_as(
            Some(&editor),
            r#"mutation { createMeeting(input: { forbund: "varend", heldOn: "2026-03-02" }) { id version } }"#,
            json!({}),
        )
        .await;
    let recorded = app
        .data_as(
            Some(&editor),
            r#"mutation($m: ID!, $v: Int!, $i: ID) { recordDecision(meeting: $m, version: $v, input: {
                text: "Beviljar medel till Hemlig förstudie", amountSek: 450000, insats: $i }) { text } }"#,
            json!({ "m": meeting["createMeeting"]["id"], "v": meeting["createMeeting"]["version"], "i": private }),
        )
        .await;
    assert_eq!(
        recorded["recordDecision"]["text"],
        "Beviljar medel till Hemlig förstudie"
    );

    let hidden = json!({ "text": Value::Null, "amountSek": Value::Null, "withheld": true, "insats": Value::Null });
    let anonymous = app.data(MEETINGS, json!({})).await;
    assert_eq!(anonymous["meetings"][0]["decisions"][0], hidden);
    let other = app.token(&[Role::Member], Some("vasteras"));
    let outsider = app.data_as(Some(&other), MEETINGS, json!({})).await;
    assert_eq!(outsider["meetings"][0]["decisions"][0], hidden);
    let own = app.token(&[Role::Member], Some("varend"));
    let insider = app.data_as(Some(&own), MEETINGS, json!({})).await;
    assert_eq!(
        insider["meetings"][0]["decisions"][0],
        json!({ "text": "Beviljar medel till Hemlig förstudie", "amountSek": 450000, "withheld": false,
                "insats": { "name": "Hemlig förstudie" } })
    );
    // Shared with Västerås, it shows there too: the insats's rule, not another.
    let id = private.as_str().expect("id");
    app.data_as(
        Some(&editor),
        r#"mutation($id: ID!) { shareInsats(id: $id, version: 1, visibility: PRIVATE, with: ["vasteras"]) { id } }"#,
        json!({ "id": id }),
    )
    .await;
    let shared = app.data_as(Some(&other), MEETINGS, json!({})).await;
    assert_eq!(shared["meetings"][0]["decisions"][0]["withheld"], false);
    assert_eq!(shared["meetings"][0]["decisions"][0]["amountSek"], 450000);
}
