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
