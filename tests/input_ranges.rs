//! Dates have a range (DESIGN.md, "API conventions"): every date a caller
//! sends lies between 1900-01-01 and 2199-12-31, one parsed type for all of
//! them, refused with the field it came in — the calendar feeds never see a
//! year of six digits.

use crate::common;

use common::{TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::json;

const MEETING: &str = r#"mutation($on: Date!) {
  createMeeting(input: { forbund: "varend", heldOn: $on, place: "Växjö" }) { heldOn }
}"#;

#[tokio::test]
async fn a_date_outside_the_range_is_refused_naming_its_field() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    for bad in ["+262142-01-01", "2200-01-01", "1899-12-31", "0001-01-01"] {
        let body = app
            .gql_as(Some(&editor), MEETING, json!({ "on": bad }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{bad}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.heldOn",
            "{bad}"
        );
    }
    // Inline, the argument's field is named.
    let inline = app
        .gql_as(
            Some(&editor),
            r#"mutation { createMeeting(input: { forbund: "varend", heldOn: "2200-01-01" }) { heldOn } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&inline), "BAD_USER_INPUT");
    assert_eq!(inline["errors"][0]["extensions"]["field"], "input.heldOn");
    assert!(
        inline["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("heldOn") && m.contains("1900-01-01 to 2199-12-31")),
        "{inline}"
    );
    let last = app
        .data_as(Some(&editor), MEETING, json!({ "on": "2199-12-31" }))
        .await;
    assert_eq!(last["createMeeting"]["heldOn"], "2199-12-31");
    let feed = app
        .get("/calendar/varend.ics")
        .await
        .text()
        .await
        .expect("the feed");
    assert!(feed.contains("DTSTART;VALUE=DATE:21991231"), "{feed}");
    assert!(!feed.contains("+2621"), "{feed}");
}
