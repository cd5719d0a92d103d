//! The national network, generated (`finsam demo --national`): loaded
//! beside the demo through the same loaders and checks as the demo's own
//! files — a row a rule of the API refuses fails the load — and read back
//! through the API: förbund, a merger's carried-over insats, a DSO-ring
//! that closes around a dissolved member and around two that join later,
//! the network's comparison, and the marker on what was generated.

use crate::common::TestApp;
use finsam_api::auth::Role;
use finsam_api::service::seed::{self, national::Size};
use serde_json::json;

#[tokio::test]
async fn a_generated_network_loads_through_the_apis_checks_and_reads_back() {
    let app = TestApp::spawn().await;
    let size = Size {
        forbund: 26,
        years: 7,
        last_year: 2025,
    };
    let db = &app.state.service().db;
    let report = seed::load_national(db, 11, size).await.expect("loads");
    let text = report.to_string();
    assert!(text.contains("förbund 26"), "{text}");
    // Loading it again adds nothing: every row is found by its key.
    let again = seed::load_national(db, 11, size)
        .await
        .expect("loads again");
    assert_eq!(again.total(), 0, "{again}");

    let analyst = app.token(&[Role::Analyst], None);
    let data = app
        .data_as(
            Some(&analyst),
            r#"{ forbundList(first: 100) { totalCount }
                 merged: forbund(slug: "exempel-04") { name notes dissolvedOn successor { slug } }
                 networkComparison(indicator: "6", year: 2024) { forbundCount }
                 carried: insatser(filter: { forbund: ["exempel-05"], search: "2021" }, first: 100) { edges { node { name carriedOverFrom { forbund { slug } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["forbundList"]["totalCount"], 11 + 26);
    let merged = &data["merged"];
    assert!(
        merged["name"]
            .as_str()
            .is_some_and(|n| n.contains("exempeldata")),
        "{merged}"
    );
    assert!(
        merged["notes"]
            .as_str()
            .is_some_and(|n| n.contains("exempeldata"))
    );
    assert_eq!(merged["successor"]["slug"], "exempel-05");
    assert!(
        data["networkComparison"]["forbundCount"]
            .as_i64()
            .unwrap_or(0)
            >= 24,
        "{data}"
    );
    let carried = data["carried"]["edges"].as_array().expect("edges");
    assert!(
        carried
            .iter()
            .any(|e| e["node"]["carriedOverFrom"]["forbund"]["slug"] == "exempel-04"),
        "an insats running at the merger goes on with the successor: {carried:?}"
    );
    // The first ring begins with twelve; the member the merger dissolves
    // leaves it on its last day, and the ring is whole on both sides of it.
    let dissolved = merged["dissolvedOn"]
        .as_str()
        .expect("a last day")
        .to_string();
    let agreements = app.data("{ dsoAgreements { id name } }", json!({})).await;
    let first = agreements["dsoAgreements"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["name"] == "DSO-ring 1 (exempeldata)"))
        .map(|a| a["id"].clone())
        .expect("the first generated ring");
    let mut on_ring: Vec<Vec<String>> = Vec::new();
    for on in ["2022-06-01", "2023-06-01", "2024-06-01"] {
        let ring = app
            .data(
                r#"query($a: ID!, $on: Date!) { dsoRing(agreement: $a, on: $on) { complete members { slug } problem } }"#,
                json!({ "a": first, "on": on }),
            )
            .await;
        let generated = &ring["dsoRing"];
        assert_eq!(generated["complete"], true, "{on}: {generated}");
        assert!(generated["problem"].is_null(), "{on}: {generated}");
        let slugs: Vec<&str> = generated["members"]
            .as_array()
            .expect("members")
            .iter()
            .filter_map(|m| m["slug"].as_str())
            .collect();
        assert_eq!(
            slugs.contains(&"exempel-04"),
            on < dissolved.as_str(),
            "{on}: {slugs:?}"
        );
        on_ring.push(slugs.iter().map(|s| s.to_string()).collect());
    }
    // Two join later, one in each of the years after the first: the ring
    // closes around each from its first day.
    for pair in on_ring.windows(2) {
        let joined: Vec<&String> = pair[1].iter().filter(|s| !pair[0].contains(s)).collect();
        assert_eq!(joined.len(), 1, "{pair:?}");
    }
}

/// What a request costs in statements does not grow with the network: the
/// same requests send as many on the demo alone as with a generated network
/// of 26 more förbund over seven years beside it.
#[tokio::test]
async fn statements_per_request_do_not_grow_with_the_network() {
    use crate::common::statements_for;
    let demo = TestApp::spawn().await;
    let network = TestApp::spawn().await;
    let size = Size {
        forbund: 26,
        years: 7,
        last_year: 2025,
    };
    seed::load_national(&network.state.service().db, 3, size)
        .await
        .expect("loads");
    let requests = [
        r#"{ insatser(first: 50) { edges { node { name forbund { name } budgets { year budgetSek } goals { description } sharedWith { name } } } } }"#,
        r#"{ insatser(filter: { search: "samverkan" }, first: 20) { totalCount edges { node { name } } } }"#,
        r#"{ networkComparison(indicator: "6", year: 2020) { forbundCount entries { rank value forbund { name } } } }"#,
        r#"{ indicatorComparison(forbund: "sodra-dalarna", year: 2020) { rows { value { value } } summary { measured } } }"#,
        r#"{ financeReport(forbund: "vasteras", year: 2019, through: "2019-08-31") { sections { key } } }"#,
        r#"{ forbund(slug: "vasteras") { name members { name } } }"#,
    ];
    for query in requests {
        let on_demo = statements_for(&demo, Some(&demo.network_admin()), query, json!({})).await;
        let on_network =
            statements_for(&network, Some(&network.network_admin()), query, json!({})).await;
        assert_eq!(on_demo, on_network, "{query}");
    }
}

/// At the network's size a catalogue page walks an index in its own order
/// and stops after its rows, whoever asks and whichever order they choose:
/// an anonymous caller (public insatser only), a member (the network's and
/// its own), the network's administrator (all), by name, by start date and
/// by budget either way, and one förbund's list. Once the statistics are
/// brought up to date after the load, as `finsam demo` and the server do,
/// no such page sorts the rows the caller may see (SQLite: no temporary
/// B-tree for the ORDER BY; PostgreSQL: no sequential scan of the insatser).
#[tokio::test]
async fn a_catalogue_page_at_national_size_walks_an_index_in_its_order() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    // Loaded as `finsam demo --national` loads it, then served by a server
    // of its own, as `finsam serve` serves it.
    let loader = TestApp::spawn().await;
    let size = Size {
        forbund: 26,
        years: 7,
        last_year: 2025,
    };
    let loaded = &loader.state.service().db;
    seed::load_national(loaded, 5, size).await.expect("loads");
    finsam_api::db::refresh_statistics(loaded)
        .await
        .expect("statistics");
    let log = std::env::temp_dir().join(format!("finsam-statements-{}.log", uuid::Uuid::new_v4()));
    let (path, url) = (log.clone(), loader.settings.database.url.clone());
    let app = TestApp::spawn_with(crate::common::Spawn {
        configure: Some(Box::new(move |s| {
            s.database.url = url;
            s.database.statement_log = Some(path);
        })),
        ..Default::default()
    })
    .await;
    let db = &app.state.service().db;

    let member = app.token(&[Role::Member], Some("vasteras"));
    let admin = app.network_admin();
    let pages: [(Option<&str>, &str); 11] = [
        (None, ""),
        (None, "orderBy: { field: START_DATE, direction: DESC }"),
        (None, "orderBy: { field: START_DATE }"),
        (None, r#"filter: { forbund: ["vasteras"] }"#),
        (None, r#"filter: { forbund: ["exempel-05"] }"#),
        (Some(&member), ""),
        (Some(&member), r#"filter: { forbund: ["exempel-05"] }"#),
        // A förbund's page: its own and those of the förbund merged into it.
        (
            Some(&member),
            r#"filter: { forbund: ["exempel-05"], includePredecessors: true }"#,
        ),
        (Some(&admin), ""),
        (Some(&admin), "orderBy: { field: BUDGET, direction: DESC }"),
        (Some(&admin), "orderBy: { field: BUDGET }"),
    ];
    let backend = db.get_database_backend();
    let plan_of = |sql: String| async move {
        let explain = match backend {
            DbBackend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
            _ => format!("EXPLAIN {sql}"),
        };
        db.query_all_raw(Statement::from_string(backend, explain))
            .await
            .expect("explain")
            .iter()
            .map(|row| {
                row.try_get_by_index::<String>(match backend {
                    DbBackend::Sqlite => 3,
                    _ => 0,
                })
                .expect("a line of the plan")
            })
            .collect::<Vec<String>>()
    };
    for (token, arguments) in pages {
        std::fs::write(&log, "").expect("empty the log");
        let query = format!(
            "{{ insatser(first: 20 {arguments}) {{ totalCount edges {{ node {{ name }} }} }} }}"
        );
        let data = app.data_as(token, &query, json!({})).await;
        assert!(
            !data["insatser"]["edges"]
                .as_array()
                .expect("edges")
                .is_empty(),
            "{query}: {data}"
        );
        let logged = std::fs::read_to_string(&log).expect("the statement log");
        let statement = |what: &dyn Fn(&str) -> bool| {
            logged
                .lines()
                .filter_map(|line| serde_json::from_str::<String>(line).ok())
                .find(|sql| sql.contains(r#"FROM "insats""#) && what(sql))
                .unwrap_or_else(|| panic!("{query}: not in {logged}"))
        };
        let page = statement(&|sql| sql.contains("LIMIT"));
        let plan = plan_of(page.clone()).await;
        // One förbund's list (with those merged into it) searches by förbund
        // and may sort those few; any other page walks an order.
        let by_forbund = arguments.contains("forbund:");
        let reads_everything = match backend {
            DbBackend::Sqlite if by_forbund => !plan.iter().any(|l| l.contains("(forbund_id=?)")),
            DbBackend::Sqlite => plan.iter().any(|l| l.contains("TEMP B-TREE FOR ORDER BY")),
            // (not "Seq Scan on insats_share", a subquery's)
            _ => plan.iter().any(|l| l.contains("Seq Scan on insats ")),
        };
        assert!(
            !reads_everything,
            "{query} as {token:?}:\n{page}\n{plan:#?}"
        );
        // The count reads an index, never the table's wide rows (SQLite;
        // PostgreSQL reads its heap for visibility anyway).
        if backend == DbBackend::Sqlite {
            let count = statement(&|sql| sql.contains("COUNT(*)"));
            let plan = plan_of(count.clone()).await;
            assert!(
                !plan.iter().any(|l| l == "SCAN insats"),
                "{query} as {token:?}:\n{count}\n{plan:#?}"
            );
        }
    }
    let _ = std::fs::remove_file(&log);
}
