//! The förbund directory, members and DSO-ring come from memory: lookups
//! cost no statement, a change is seen by the next request in the same
//! process, and a second server process on the same database sees it
//! within a second (its watcher polls the change counter).

use crate::common;

use std::time::{Duration, Instant};

use common::{TestApp, statements_for};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const LOOKUP: &str = r#"{ forbund(slug: "varend") { name notes members { name } dso(on: "2021-03-01") { contact } } }"#;

#[tokio::test]
async fn reference_lookups_cost_no_statement_and_see_a_change_at_once() {
    let app = TestApp::spawn().await;
    // The first request loads the snapshot; after that, lookups are free.
    app.data(LOOKUP, json!({})).await;
    for query in [
        LOOKUP,
        r#"{ dsoFor(forbund: "sundbyberg", on: "2021-03-01") { contact provider { name } } dsoServedBy(forbund: "sundbyberg", on: "2021-03-01") { recipient { name } } }"#,
        r#"{ forbundList(first: 20) { totalCount edges { node { slug members { name } predecessors { slug } successor { slug } } } } }"#,
    ] {
        assert_eq!(
            statements_for(&app, None, query, json!({})).await,
            0,
            "{query}"
        );
    }
    // A change: the very next request in this process sees it.
    let admin = app.network_admin();
    let current = app
        .data(r#"{ forbund(slug: "varend") { id version } }"#, json!({}))
        .await;
    app.data_as(
        Some(&admin),
        "mutation($id: ID!, $v: Int!) { updateForbund(input: { id: $id, version: $v, notes: \"Styrelsen möts i Växjö\" }) { version } }",
        json!({ "id": current["forbund"]["id"], "v": current["forbund"]["version"] }),
    )
    .await;
    let after = app.data(LOOKUP, json!({})).await;
    assert_eq!(after["forbund"]["notes"], "Styrelsen möts i Växjö");
    assert_eq!(
        statements_for(&app, None, LOOKUP, json!({})).await,
        0,
        "and from memory again"
    );
}

async fn notes_at(client: &reqwest::Client, base: &str) -> Option<String> {
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": r#"{ forbund(slug: "varend") { notes } }"# }))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    body["data"]["forbund"]["notes"].as_str().map(str::to_owned)
}

/// Another process: the real binary on the same database.
#[tokio::test]
async fn a_second_process_sees_a_change_within_a_second() {
    let app = TestApp::spawn().await;
    let other = common::process::OtherProcess::start(&app);
    let base = other.address.clone();
    let client = reqwest::Client::new();
    other.wait_ready(&client).await;
    // It has its snapshot.
    let before = notes_at(&client, &base).await;

    let admin = app.token(&[Role::NetworkAdmin], None);
    let current = app
        .data(r#"{ forbund(slug: "varend") { id version } }"#, json!({}))
        .await;
    app.data_as(
        Some(&admin),
        "mutation($id: ID!, $v: Int!) { updateForbund(input: { id: $id, version: $v, notes: \"Ändrat i den första processen\" }) { version } }",
        json!({ "id": current["forbund"]["id"], "v": current["forbund"]["version"] }),
    )
    .await;
    let changed = Instant::now();
    let seen = loop {
        if notes_at(&client, &base).await.as_deref() == Some("Ändrat i den första processen") {
            break changed.elapsed();
        }
        assert!(
            changed.elapsed() < Duration::from_secs(10),
            "never seen (before: {before:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    drop(other);
    // The watcher polls each second; allow for the poll's own time on a
    // loaded machine.
    eprintln!("the second process saw the change after {seen:?}");
    assert!(seen < Duration::from_secs(3), "seen after {seen:?}");
}

/// A connection nested in a list: every förbund's first page is one
/// window-function statement, their counts one more, the page's budgets
/// one more — however many förbund the directory holds.
#[tokio::test]
async fn a_directory_with_each_forbunds_insatser_is_three_statements() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let nested = r#"{ forbundList(first: 20) { edges { node { slug insatser(first: 5) { totalCount edges { node { name budgets { year budgetSek } } } } } } } }"#;
    let data = app.data_as(Some(&admin), nested, json!({})).await;
    let edges = data["forbundList"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 11);
    let vasteras = edges
        .iter()
        .find(|e| e["node"]["slug"] == "vasteras")
        .expect("Västerås");
    assert_eq!(
        vasteras["node"]["insatser"]["edges"]
            .as_array()
            .expect("page")
            .len(),
        5
    );
    assert!(
        vasteras["node"]["insatser"]["totalCount"]
            .as_u64()
            .expect("count")
            > 5
    );
    let statements = statements_for(&app, Some(&admin), nested, json!({})).await;
    assert!(statements <= 3, "{statements} statements");
    // The same rows as asking each förbund on its own.
    let alone = app
        .data_as(Some(&admin), r#"{ forbund(slug: "vasteras") { insatser(first: 5) { totalCount edges { node { name } } } } }"#, json!({}))
        .await;
    let names = |v: &Value| -> Vec<String> {
        v["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["name"].as_str().expect("name").to_string())
            .collect()
    };
    assert_eq!(
        names(&vasteras["node"]["insatser"]),
        names(&alone["forbund"]["insatser"])
    );
    assert_eq!(
        vasteras["node"]["insatser"]["totalCount"],
        alone["forbund"]["insatser"]["totalCount"]
    );
}

/// Answers made from memory alone are kept (`graphql::answers`): a caller
/// is answered as itself however often another asked the same text before.
#[tokio::test]
async fn a_kept_answer_is_each_callers_own() {
    let app = TestApp::spawn().await;
    let query = r#"{ me { roles } forbund(slug: "varend") { name } }"#;
    let member = app.token(&[Role::Member], Some("varend"));
    let editor = app.token(&[Role::Editor], Some("varend"));
    for _ in 0..3 {
        for (token, roles) in [
            (Some(&member), json!(["MEMBER"])),
            (Some(&editor), json!(["EDITOR"])),
            (None, Value::Null),
        ] {
            let data = app
                .data_as(token.map(String::as_str), query, json!({}))
                .await;
            assert_eq!(data["me"]["roles"], roles, "{token:?}");
            assert_eq!(data["forbund"]["name"], "Samordningsförbundet Värend");
        }
    }
}

/// An answer that read the database is kept only while the database is
/// unchanged, even beside fields from memory: a change made behind the
/// server's back (no request of its own saw it) is in the next answer.
#[tokio::test]
async fn an_answer_that_read_the_database_is_made_afresh() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    let member = app.token(&[Role::Member], Some("varend"));
    let first = app
        .data_as(
            Some(&member),
            r#"{ insatser(first: 1) { edges { node { id name } } } }"#,
            json!({}),
        )
        .await;
    let node = &first["insatser"]["edges"][0]["node"];
    let name = node["name"].as_str().expect("a name").to_owned();
    let query = format!(
        r#"{{ forbund(slug: "varend") {{ name }} node(id: "{}") {{ ... on Insats {{ name }} }} }}"#,
        node["id"].as_str().expect("an id")
    );
    for _ in 0..3 {
        let data = app.data_as(Some(&member), &query, json!({})).await;
        assert_eq!(data["node"]["name"], name.as_str());
    }
    let db = &app.state.service().db;
    let renamed = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => "UPDATE insats SET name = $1 WHERE name = $2",
                _ => "UPDATE insats SET name = ? WHERE name = ?",
            },
            ["Ändrad utanför servern".into(), name.into()],
        ))
        .await
        .expect("the update runs");
    // Carried-over insatser keep their name: each row of it is renamed.
    assert!(renamed.rows_affected() >= 1);
    let data = app.data_as(Some(&member), &query, json!({})).await;
    assert_eq!(data["node"]["name"], "Ändrad utanför servern");
}

/// A catalogue page read from the database is kept with the data's version
/// (`graphql::answers`): asked again, it costs the one statement that finds
/// the data unchanged, and it follows every change at once — one made
/// through the API, and one made behind the server's back — while another
/// caller asking the same text is answered as itself.
#[tokio::test]
async fn a_kept_page_costs_one_statement_and_follows_every_change() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let page = r#"{ insatser(first: 50, filter: { forbund: ["varend"] }) { edges { node { id name version budgets { year budgetSek } goals { description } } } } }"#;
    // The reference snapshot and the search vocabulary, loaded.
    app.data_as(
        Some(&editor),
        r#"{ forbund(slug: "varend") { name } insatser(first: 1) { totalCount } }"#,
        json!({}),
    )
    .await;
    let [first, second, third, fourth] = [
        statements_for(&app, Some(&editor), page, json!({})).await,
        statements_for(&app, Some(&editor), page, json!({})).await,
        statements_for(&app, Some(&editor), page, json!({})).await,
        statements_for(&app, Some(&editor), page, json!({})).await,
    ];
    assert!(first >= 3, "the page, its budgets and goals: {first}");
    // The first request passes every rule, the second finds that the page
    // reads storage, the third reads the data's version before it is made.
    assert_eq!(second, first);
    assert_eq!(third, first + 1, "made after reading the data's version");
    if app.state.service().db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        assert_eq!(fourth, 1, "the kept page after the version, alone");
        let metrics = app.metrics().await;
        assert!(
            metrics.contains("finsam_kept_answers_total{outcome=\"unchanged\"} 1"),
            "{metrics}"
        );
    } else {
        // PostgreSQL's version is the cluster's snapshot, which the other
        // tests' writes to their own databases move too: the page is given
        // after the version, or made again at the one found.
        assert!(fourth == 1 || fourth == first + 1, "{fourth} statements");
    }

    let data = app.data_as(Some(&editor), page, json!({})).await;
    let node = data["insatser"]["edges"][0]["node"].clone();
    let id = node["id"].as_str().expect("an id").to_owned();
    let version = node["version"].as_i64().expect("a version");
    // A change through the API is in the next answer.
    let changed = app
        .data_as(
            Some(&editor),
            "mutation($id: ID!, $v: Int!) { setInsatsBudget(id: $id, version: $v, year: 2031, budgetSek: 123456) { version } }",
            json!({ "id": id, "v": version }),
        )
        .await;
    assert_eq!(changed["setInsatsBudget"]["version"], version + 1);
    let data = app.data_as(Some(&editor), page, json!({})).await;
    let node = &data["insatser"]["edges"][0]["node"];
    assert_eq!(node["version"], version + 1);
    assert!(
        node["budgets"]
            .as_array()
            .expect("budgets")
            .iter()
            .any(|b| b["year"] == 2031 && b["budgetSek"] == 123456),
        "{node}"
    );
    // So is one made in the database by hand, which no request saw.
    let db = &app.state.service().db;
    let key = crate::common::row_key(&id);
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!("DELETE FROM insats_budget WHERE insats_id = {key} AND year = 2031"),
    ))
    .await
    .expect("the delete runs");
    let data = app.data_as(Some(&editor), page, json!({})).await;
    let node = &data["insatser"]["edges"][0]["node"];
    assert!(
        !node["budgets"]
            .as_array()
            .expect("budgets")
            .iter()
            .any(|b| b["year"] == 2031),
        "{node}"
    );
    // The public asking the same text sees no money, kept or not.
    for _ in 0..4 {
        let data = app.data_as(None, page, json!({})).await;
        let edges = data["insatser"]["edges"].as_array().expect("edges");
        assert!(!edges.is_empty(), "Värend's public insatser");
        for edge in edges {
            assert!(edge["node"]["budgets"].is_null(), "{edge}");
        }
    }
}
