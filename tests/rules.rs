//! Every rule an input can break has a stable code, a line in
//! `docs/rules.md` and Swedish words in the web app, and a refusal reaches
//! a client with its code and values; the app words it from those, never
//! from the API's English.

use serde_json::json;

use crate::common::TestApp;
use finsam_api::auth::Role;
use finsam_api::domain::rule::{Rule, table};

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_committed_table_of_rules_matches_the_code() {
    assert!(
        repo_file("docs/rules.md") == table(),
        "docs/rules.md is out of date: run `cargo run -- rules > docs/rules.md`"
    );
}

/// The codes `web/js/rules.js` words, read from its `RULES` object.
fn worded_in_swedish() -> Vec<String> {
    let js = repo_file("web/js/rules.js");
    let start = js
        .find("export const RULES = {")
        .expect("RULES in rules.js");
    let end = start + js[start..].find("\n};").expect("end of RULES");
    js[start..end]
        .lines()
        .skip(1)
        .filter_map(|line| {
            line.trim()
                .split_once(':')
                .map(|(code, _)| code.to_string())
        })
        .filter(|code| code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        .collect()
}

#[test]
fn every_rule_has_swedish_words_and_no_words_lack_a_rule() {
    let swedish = worded_in_swedish();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.code())
        .filter(|code| !swedish.iter().any(|s| s == code))
        .collect();
    assert!(
        missing.is_empty(),
        "no Swedish in web/js/rules.js for {missing:?}"
    );
    let unknown: Vec<&String> = swedish
        .iter()
        .filter(|s| !Rule::ALL.iter().any(|r| r.code() == s.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "web/js/rules.js words unknown rules {unknown:?}"
    );
}

#[test]
fn the_app_never_shows_the_apis_english() {
    // The one place the app reads an error: by `extensions`, not `message`.
    let api = repo_file("web/js/api.js");
    assert!(api.contains("ruleText(ext.rule, ext.params)"));
    assert!(
        !api.contains("first.message"),
        "api.js reads the API's English"
    );
    for file in [
        "web/js/forms.js",
        "web/js/pages/dso.js",
        "web/js/pages/dso-form.js",
    ] {
        assert!(
            !repo_file(file).contains(".detail"),
            "{file} reads the API's English"
        );
    }
}

#[tokio::test]
async fn a_refusal_names_its_rule_field_and_values() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("sodra-dalarna"));
    let create = "mutation($i: CreateInsatsInput!) { createInsats(input: $i) { id } }";
    let cases = [
        (
            json!({"forbund": "sodra-dalarna", "name": "X", "startsOn": "2027-02-29"}),
            "input.startsOn",
            "DATE_INVALID",
            json!({"value": "2027-02-29"}),
        ),
        (
            json!({"forbund": "sodra-dalarna", "name": "X", "startsOn": "2027-2-28"}),
            "input.startsOn",
            "DATE_FORMAT",
            json!({"value": "2027-2-28"}),
        ),
        (
            json!({"forbund": "sodra-dalarna", "name": " "}),
            "name",
            "TEXT_EMPTY",
            json!({}),
        ),
        (
            json!({"forbund": "sodra-dalarna", "name": "X", "ageMin": 40, "ageMax": 20}),
            "ageMin",
            "AGE_ORDER",
            json!({}),
        ),
        (
            json!({"forbund": "sodra-dalarna", "name": "X", "startsOn": "2027-03-01", "endsOn": "2027-02-01"}),
            "endsOn",
            "BEFORE_START",
            json!({"other": "startsOn"}),
        ),
    ];
    for (input, field, rule, params) in cases {
        let body = app
            .gql_as(Some(&editor), create, json!({ "i": input }))
            .await;
        let ext = &body["errors"][0]["extensions"];
        assert_eq!(ext["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(ext["field"], field, "{body}");
        assert_eq!(ext["rule"], rule, "{body}");
        assert_eq!(ext["params"], params, "{body}");
    }
    // A literal date names the rule it may have broken, with its limits.
    let body = app
        .gql_as(
            Some(&editor),
            r#"mutation { createInsats(input: {forbund: "sodra-dalarna", name: "X", startsOn: "2027-02-31"}) { id } }"#,
            json!({}),
        )
        .await;
    let ext = &body["errors"][0]["extensions"];
    assert_eq!(ext["rule"], "DATE_NOT_TAKEN", "{body}");
    assert_eq!(ext["params"]["first"], "1900-01-01", "{body}");
    // The operation that does not fit the schema is the client's fault.
    let body = app.gql("{ nope }", json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["rule"], "QUERY_INVALID",
        "{body}"
    );
}
