//! Every GraphQL operation of the web app (`web/operations.graphql`) is in
//! the committed schema's terms: each runs against the real server, with the
//! variables of its `# example:` line, without a single error. A schema
//! change that breaks the app fails here.

use crate::common;

use common::TestApp;
use serde_json::{Value, json};

/// The operations of the file: (name, text, example variables).
fn operations() -> Vec<(String, String, Value)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/web/operations.graphql"
    ))
    .expect("web/operations.graphql");
    let mut found = Vec::new();
    let mut example: Option<Value> = None;
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        if let Some(json) = line.strip_prefix("# example: ") {
            if let Some((name, body)) = current.take() {
                found.push((name, body.join("\n"), example.take().expect("an example")));
            }
            example = Some(serde_json::from_str(json).expect("the example is JSON"));
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("query ")
            .or_else(|| line.strip_prefix("mutation "))
            .or_else(|| line.strip_prefix("subscription "))
        {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            current = Some((name, vec![line.to_string()]));
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line.to_string());
        }
    }
    if let Some((name, body)) = current {
        found.push((name, body.join("\n"), example.expect("an example")));
    }
    found
}

#[tokio::test]
async fn every_operation_of_the_web_app_runs_against_the_schema() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    // The proposals the DSO page's examples answer (ids 1 and 2): Värend
    // and Västmanland ask to join after Södra Dalarna, which would give
    // Sollentuna a new DSO.
    for forbund in ["varend", "vastmanland"] {
        let asker = app.token(&[finsam_api::auth::Role::Admin], Some(forbund));
        let asked = app
            .data_as(
                Some(&asker),
                &format!(
                    r#"mutation {{ joinDsoRing(forbund: "{forbund}", from: "2031-01-01", after: "sodra-dalarna", contact: "dso@{forbund}.example") {{ applied }} }}"#
                ),
                json!({}),
            )
            .await;
        assert_eq!(asked["joinDsoRing"]["applied"], false);
    }
    // And one the network decides (id 3): Sollentuna's smaller DSO, which
    // waits for Norra Dalarna, the förbund it serves.
    let sollentuna = app.token(&[finsam_api::auth::Role::Admin], Some("sollentuna"));
    let scoped = app
        .data_as(
            Some(&sollentuna),
            r#"mutation { setDsoAssignmentScope(forbund: "sollentuna", scopePercent: 2.0, from: "2031-01-01") { applied } }"#,
            json!({}),
        )
        .await;
    assert_eq!(scoped["setDsoAssignmentScope"]["applied"], false);
    // And one its proposer withdraws (id 4): Södra Dalarna's smaller DSO.
    let sodra = app.token(&[finsam_api::auth::Role::Admin], Some("sodra-dalarna"));
    let scoped = app
        .data_as(
            Some(&sodra),
            r#"mutation { setDsoAssignmentScope(forbund: "sodra-dalarna", scopePercent: 2.0, from: "2031-01-01") { applied } }"#,
            json!({}),
        )
        .await;
    assert_eq!(scoped["setDsoAssignmentScope"]["applied"], false);
    let operations = operations();
    assert!(
        operations.len() >= 12,
        "found {} operations",
        operations.len()
    );
    for (name, query, variables) in &operations {
        assert!(query.contains(&format!(" {name}")), "{name}");
        if query.starts_with("subscription") {
            let body = first_event(&app, &admin, name, query, variables).await;
            assert!(body.get("errors").is_none(), "{name}: {body:#}");
            assert!(
                body["data"]
                    .as_object()
                    .is_some_and(|d| d.values().all(|v| !v.is_null())),
                "{name} sent null with its example variables: {body:#}"
            );
            continue;
        }
        let body = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&admin)
            .json(&json!({ "query": query, "operationName": name, "variables": variables }))
            .send()
            .await
            .expect("send")
            .json::<Value>()
            .await
            .expect("json");
        assert!(body.get("errors").is_none(), "{name}: {body:#}");
        assert!(
            body["data"]
                .as_object()
                .is_some_and(|d| d.values().all(|v| !v.is_null())),
            "{name} answered null with its example variables: {body:#}"
        );
    }
}

/// The first result of a subscription, over SSE: its example resumes from
/// the start of the log, so the changes this test made come at once.
async fn first_event(
    app: &TestApp,
    token: &str,
    name: &str,
    query: &str,
    variables: &Value,
) -> Value {
    let mut response = app
        .client
        .post(format!("{}/graphql/stream", app.address))
        .bearer_auth(token)
        .header("accept", "text/event-stream")
        .json(&json!({ "query": query, "operationName": name, "variables": variables }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200, "{name}");
    let mut text = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), response.chunk())
            .await
            .unwrap_or_else(|_| panic!("{name}: no event"))
            .expect("read")
            .unwrap_or_else(|| panic!("{name}: ended without an event: {text}"));
        text.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(start) = text.find("event: next\ndata: ") {
            let rest = &text[start + "event: next\ndata: ".len()..];
            if let Some(end) = rest.find("\n\n") {
                return serde_json::from_str(&rest[..end]).expect("the event is JSON");
            }
        }
    }
}

/// The app is served by the binary: its page on every app URL, its modules
/// and operations, and GraphiQL from the binary's own assets.
#[tokio::test]
async fn the_app_and_graphiql_come_from_the_binary() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/insatser?search=x",
        "/insatser/1",
        "/forbund/varend",
        "/dso?on=2021-03-01",
        "/comparisons/sodra-dalarna?year=2020",
        "/meetings",
        "/login",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_string();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        // Under the build's versioned address (`/app/v/{build}/…`).
        let html = page.text().await.expect("html");
        assert!(
            html.contains("/app/v/") && html.contains("/js/main.js"),
            "{path}: {html}"
        );
    }
    let module = app.get("/app/js/main.js").await;
    assert_eq!(
        module.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let etag = module.headers()["etag"].clone();
    let again = app
        .client
        .get(format!("{}/app/js/main.js", app.address))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 304);
    let graphiql = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(graphiql.contains("/vendor/graphiql/graphiql.min.js"));
    assert!(
        !graphiql.contains("http://") && !graphiql.contains("https://"),
        "GraphiQL loads nothing from another host"
    );
    assert_eq!(
        app.get("/app/vendor/graphiql/graphiql.min.js")
            .await
            .status(),
        200
    );
    assert_eq!(app.get("/app/../Cargo.toml").await.status(), 404);
    assert_eq!(app.get("/app/nothing.js").await.status(), 404);
}

/// The mutations no form of the app sends yet, each with its reason. A
/// mutation leaves this list when a form uses it; one that is on it and
/// used fails the test too, so the list stays true.
const WITHOUT_FORM: &[(&str, &str)] = &[];

/// Every mutation of the schema is sent by an operation of the app, and
/// every operation of the app is sent by one of its modules (a form of the
/// table in form-table.js, or a page), unless it is on `WITHOUT_FORM`.
#[test]
fn every_mutation_has_a_form_in_the_app() {
    let root = env!("CARGO_MANIFEST_DIR");
    let schema = std::fs::read_to_string(format!("{root}/schema.graphql")).expect("schema.graphql");
    let document = async_graphql::parser::parse_schema(&schema).expect("the schema parses");
    let mut mutations = std::collections::BTreeSet::new();
    for definition in &document.definitions {
        if let async_graphql::parser::types::TypeSystemDefinition::Type(ty) = definition
            && ty.node.name.node == "Mutation"
            && let async_graphql::parser::types::TypeKind::Object(object) = &ty.node.kind
        {
            mutations.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
        }
    }
    assert!(mutations.len() >= 25, "{mutations:?}");

    let mut modules = String::new();
    for dir in ["web/js", "web/js/pages"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).expect("web/js") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "js") {
                modules.push_str(&std::fs::read_to_string(&path).expect("a module"));
            }
        }
    }
    let mut sent = std::collections::BTreeSet::new();
    for (name, query, _) in operations() {
        assert!(
            modules.contains(&format!("\"{name}\"")),
            "the app never sends its operation {name}"
        );
        if !query.trim_start().starts_with("mutation") {
            continue;
        }
        let document = async_graphql::parser::parse_query(&query).expect("the operation parses");
        for (_, operation) in document.operations.iter() {
            for selection in &operation.node.selection_set.node.items {
                if let async_graphql::parser::types::Selection::Field(field) = &selection.node {
                    sent.insert(field.node.name.node.to_string());
                }
            }
        }
    }
    let listed: std::collections::BTreeSet<String> = WITHOUT_FORM
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    let missing: Vec<_> = mutations
        .iter()
        .filter(|m| !sent.contains(*m) && !listed.contains(*m))
        .collect();
    assert!(missing.is_empty(), "mutations without a form: {missing:?}");
    let stale: Vec<_> = listed.iter().filter(|m| sent.contains(*m)).collect();
    assert!(
        stale.is_empty(),
        "listed as without a form but used: {stale:?}"
    );
    let unknown: Vec<_> = listed.iter().filter(|m| !mutations.contains(*m)).collect();
    assert!(
        unknown.is_empty(),
        "listed but not in the schema: {unknown:?}"
    );
}

/// `/app/inputs.json` holds what the forms can use — the mutations, and the
/// input types and enums their arguments reach — and nothing more of the
/// schema: no query inputs, no output-only enums.
#[tokio::test]
async fn the_forms_description_holds_only_what_the_forms_use() {
    let app = TestApp::spawn().await;
    let inputs: serde_json::Value = app
        .get("/app/inputs.json")
        .await
        .json()
        .await
        .expect("json");
    for used in ["CreateInsatsInput", "InsatsOutcomeInput", "MemberInput"] {
        assert!(inputs["inputs"].get(used).is_some(), "{used}");
    }
    for used in ["Status", "Visibility", "Gender"] {
        assert!(inputs["enums"].get(used).is_some(), "{used}");
    }
    assert!(inputs["mutations"].get("createInsats").is_some());
    for unused in ["InsatsFilter", "InsatsOrder"] {
        assert!(inputs["inputs"].get(unused).is_none(), "{unused}");
    }
    for unused in [
        "DsoProposalStatus",
        "InsatsChangeKind",
        "AuditLogChangeKind",
        "Role",
        "OrderDirection",
    ] {
        assert!(inputs["enums"].get(unused).is_none(), "{unused}");
    }
}

/// No dead ends: an address nothing answers is the app's Swedish "page does
/// not exist" with status 404 for a browser (plain 404 for other clients);
/// every page and asset answers HEAD as it answers GET; the icon is there.
#[tokio::test]
async fn unknown_addresses_heads_and_the_icon_answer_as_a_browser_expects() {
    let app = TestApp::spawn().await;
    let html = |path: &str| {
        app.client
            .get(format!("{}{path}", app.address))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
    };
    let missing = html("/finns/inte/alls").await.expect("send");
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["cache-control"], "no-store");
    assert!(
        missing.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let page = missing.text().await.expect("html");
    assert!(
        page.contains(r#"<html lang="sv">"#) && page.contains("/js/main.js"),
        "{page}"
    );
    let plain = app.get("/finns/inte/alls").await;
    assert_eq!(plain.status(), 404);
    assert_eq!(plain.text().await.expect("text"), "not found");
    // A POST nowhere is no page either.
    let post = app
        .client
        .post(format!("{}/finns-inte", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(post.status(), 404);

    // The directory of förbund is a page of the app.
    assert_eq!(html("/forbund").await.expect("send").status(), 200);

    for path in [
        "/",
        "/insatser",
        "/forbund",
        "/app/app.css",
        "/app/js/main.js",
        "/favicon.ico",
        "/healthz",
    ] {
        let get = app.get(path).await;
        let head = app
            .client
            .head(format!("{}{path}", app.address))
            .send()
            .await
            .expect("send");
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.expect("body").is_empty(),
            "HEAD {path} sends no body"
        );
    }

    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(icon.text().await.expect("svg").starts_with("<svg"));
    let start = html("/").await.expect("send").text().await.expect("html");
    assert!(start.contains(r#"rel="icon""#), "the pages name the icon");
}
