//! The paging contract, walked over every connection of the schema.
//!
//! The connections are read from the SDL the server prints, not listed by
//! hand: every field whose type is a `…Connection` must have an entry in
//! `reach` (how to get to it, as whom, with which representative filters),
//! or the test fails, so a new connection cannot be added without being
//! walked. For each connection, each caller, each filter, and each order its
//! `orderBy` argument allows (every field of the order enum in both
//! directions, read from the schema too, plus the default order), the pages
//! of sizes 1, 2 and 7 must together equal one large page: the same rows in
//! the same order, each exactly once, `totalCount` equal to the rows seen on
//! every page, `hasNextPage` false exactly on the last.
//!
//! The dataset has ties in every sort key (names, start dates and budget
//! totals shared by several insatser) and empty keys (no start date, no
//! budget), which is where keyset conditions go wrong.

use crate::common;

use std::collections::{BTreeSet, HashMap};

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use common::TestApp;
use finsam_api::auth::Role;
use serde_json::{Value, json};

/// Who walks a connection.
#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    MemberOfVarend,
    NetworkAdmin,
}

/// How to reach one connection field: the document around it and the
/// callers and filters to walk it with.
struct Reach {
    /// Wraps the connection's selection (`field(args) { … }`) into a whole
    /// document.
    wrap: fn(&str) -> String,
    /// Where the connection sits in `data`.
    path: &'static [&'static str],
    callers: &'static [Who],
    /// Representative filter arguments (without paging or order); "" is none.
    filters: &'static [&'static str],
}

/// Every connection field of the schema, by `Type.field`. A connection not
/// named here fails `every_connection_is_walked`.
fn reach() -> HashMap<&'static str, Reach> {
    HashMap::from([
        (
            "Query.insatser",
            Reach {
                wrap: |field| format!("query($first: Int, $after: String) {{ {field} }}"),
                path: &["insatser"],
                callers: &[Who::Anonymous, Who::MemberOfVarend, Who::NetworkAdmin],
                filters: &[
                    "",
                    r#"filter: { search: "a" }"#,
                    // Three characters and more go through the search index.
                    r#"filter: { search: "ing" }"#,
                    r#"filter: { forbund: ["varend", "sundbyberg", "sodra-dalarna"], status: [ACTIVE, COMPLETED, PLANNED] }"#,
                ],
            },
        ),
        (
            "Forbund.insatser",
            Reach {
                wrap: |field| {
                    format!(
                        "query($first: Int, $after: String) {{ forbund(slug: \"vastmanland\") {{ {field} }} }}"
                    )
                },
                path: &["forbund", "insatser"],
                callers: &[Who::Anonymous, Who::NetworkAdmin],
                filters: &[
                    // Without predecessors a förbund's first page comes from
                    // the window-function batch, the next pages by keyset.
                    "",
                    r#"filter: { search: "a" }"#,
                    "includePredecessors: true",
                    // The README's story 1.
                    r#"includePredecessors: true, filter: { activeOn: "2026-11-23", age: 25 }"#,
                ],
            },
        ),
        (
            "Query.forbundList",
            Reach {
                wrap: |field| format!("query($first: Int, $after: String) {{ {field} }}"),
                path: &["forbundList"],
                callers: &[Who::Anonymous],
                filters: &["", r#"county: "Västmanland""#],
            },
        ),
        (
            "Query.dsoProposals",
            Reach {
                wrap: |field| format!("query($first: Int, $after: String) {{ {field} }}"),
                path: &["dsoProposals"],
                callers: &[Who::NetworkAdmin],
                filters: &[r#"forbund: "sollentuna""#, r#"forbund: "sodra-dalarna""#],
            },
        ),
        (
            "Query.auditLog",
            Reach {
                wrap: |field| format!("query($first: Int, $after: String) {{ {field} }}"),
                path: &["auditLog"],
                callers: &[Who::NetworkAdmin],
                filters: &["", r#"entity: "Insats""#, r#"forbund: "varend""#],
            },
        ),
    ])
}

/// A connection field found in the SDL.
struct ConnectionField {
    key: String,
    /// The id field of its node type (`id`, else `slug`).
    node_id: &'static str,
    /// `orderBy: { field: X, direction: D }` for every order it allows.
    orders: Vec<Option<String>>,
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// Every connection field of the SDL with the orders it accepts.
fn connection_fields(sdl: &str) -> Vec<ConnectionField> {
    let doc = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut objects = HashMap::new();
    let mut inputs = HashMap::new();
    let mut enums: HashMap<String, Vec<String>> = HashMap::new();
    for def in &doc.definitions {
        if let TypeSystemDefinition::Type(ty) = def {
            let name = ty.node.name.node.to_string();
            match &ty.node.kind {
                TypeKind::Object(o) => {
                    objects.insert(name, o.fields.clone());
                }
                TypeKind::InputObject(i) => {
                    inputs.insert(name, i.fields.clone());
                }
                TypeKind::Enum(e) => {
                    enums.insert(
                        name,
                        e.values
                            .iter()
                            .map(|v| v.node.value.node.to_string())
                            .collect(),
                    );
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    for (type_name, fields) in &objects {
        for field in fields {
            let returns = named(&field.node.ty.node);
            if !returns.ends_with("Connection") {
                continue;
            }
            let node_type = returns.trim_end_matches("Connection");
            let node_fields = &objects[node_type];
            let has = |f: &str| node_fields.iter().any(|n| n.node.name.node == f);
            let node_id = if has("id") {
                "id"
            } else if has("slug") {
                "slug"
            } else {
                panic!("{node_type} has neither id nor slug to compare pages by")
            };
            let mut orders = vec![None];
            if let Some(order_arg) = field
                .node
                .arguments
                .iter()
                .find(|a| a.node.name.node == "orderBy")
            {
                let order_input = &inputs[named(&order_arg.node.ty.node)];
                let enum_of = |name: &str| {
                    let f = order_input
                        .iter()
                        .find(|f| f.node.name.node == name)
                        .unwrap_or_else(|| panic!("the order input has no {name}"));
                    enums[named(&f.node.ty.node)].clone()
                };
                for order_field in enum_of("field") {
                    for direction in enum_of("direction") {
                        orders.push(Some(format!(
                            "orderBy: {{ field: {order_field}, direction: {direction} }}"
                        )));
                    }
                }
            }
            found.push(ConnectionField {
                key: format!("{type_name}.{}", field.node.name.node),
                node_id,
                orders,
            });
        }
    }
    found.sort_by(|a, b| a.key.cmp(&b.key));
    found
}

/// Insatser that tie on every sort key and leave keys empty, in several
/// förbund and visibilities, so keyset conditions meet equal and null keys.
async fn add_ties(app: &TestApp) {
    let admin = app.network_admin();
    let rows = [
        (
            "varend",
            "Samma namn",
            Some("2024-01-01"),
            Some(100_000),
            "PUBLIC",
        ),
        (
            "sundbyberg",
            "Samma namn",
            Some("2024-01-01"),
            Some(100_000),
            "PUBLIC",
        ),
        (
            "sodra-dalarna",
            "Samma namn",
            Some("2024-01-01"),
            None,
            "NETWORK",
        ),
        ("vastmanland", "Samma namn", None, Some(100_000), "PRIVATE"),
        (
            "varend",
            "Annat namn",
            Some("2024-01-01"),
            Some(250_000),
            "PUBLIC",
        ),
        ("vastmanland", "Annat namn", None, None, "PUBLIC"),
        ("sundbyberg", "Annat namn", None, Some(250_000), "NETWORK"),
        ("sundbyberg", "Ett tredje namn", None, None, "PUBLIC"),
        (
            "sodra-dalarna",
            "Ett tredje namn",
            Some("2019-06-01"),
            Some(250_000),
            "PUBLIC",
        ),
        (
            "vastmanland",
            "Ett tredje namn",
            Some("2019-06-01"),
            None,
            "PUBLIC",
        ),
    ];
    for (forbund, name, starts_on, budget, visibility) in rows {
        let created = app
            .data_as(
                Some(&admin),
                "mutation($input: CreateInsatsInput!) { createInsats(input: $input) { id version } }",
                json!({ "input": {
                    "forbund": forbund, "name": name, "startsOn": starts_on,
                    "status": "ACTIVE", "visibility": visibility,
                    "targetGroup": "unga vuxna", "ageMin": 18, "ageMax": 29,
                } }),
            )
            .await;
        if let Some(budget) = budget {
            app.data_as(
                Some(&admin),
                "mutation($id: ID!, $v: Int!, $b: Int!) { setInsatsBudget(id: $id, version: $v, year: 2026, budgetSek: $b) { id } }",
                json!({ "id": created["createInsats"]["id"], "v": created["createInsats"]["version"], "b": budget }),
            )
            .await;
        }
    }
}

/// DSO-ring proposals that concern Sollentuna (each join after Södra
/// Dalarna would give it a new DSO), some concerning Södra Dalarna too.
async fn add_proposals(app: &TestApp) {
    for (i, forbund) in ["vasterdalarna", "varend", "vastmanland", "sodra-dalarna"]
        .iter()
        .enumerate()
    {
        let admin = app.token(&[Role::Admin], Some(forbund));
        let doc = if *forbund == "sodra-dalarna" {
            r#"mutation { setDsoAssignmentScope(forbund: "sodra-dalarna", scopePercent: 2.0, from: "2031-01-01") { applied } }"#.to_string()
        } else {
            format!(
                r#"mutation {{ joinDsoRing(forbund: "{forbund}", from: "2031-0{}-01", after: "sodra-dalarna", contact: "dso@{forbund}.example") {{ applied }} }}"#,
                i + 1
            )
        };
        let data = app.data_as(Some(&admin), &doc, json!({})).await;
        assert!(data.to_string().contains("false"), "a proposal: {data}");
    }
}

fn token(app: &TestApp, who: Who) -> Option<String> {
    match who {
        Who::Anonymous => None,
        Who::MemberOfVarend => Some(app.token(&[Role::Member], Some("varend"))),
        Who::NetworkAdmin => Some(app.network_admin()),
    }
}

fn at<'a>(data: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(data, |v, key| &v[*key])
}

/// Walks a connection with pages of `size` and returns its rows' ids,
/// checking every page's own promises on the way.
async fn walk(
    app: &TestApp,
    token: Option<&str>,
    document: &str,
    path: &[&str],
    node_id: &str,
    size: i64,
    label: &str,
) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    let mut total: Option<i64> = None;
    for page_number in 1.. {
        let data = app
            .data_as(token, document, json!({ "first": size, "after": after }))
            .await;
        let connection = at(&data, path);
        let page_total = connection["totalCount"].as_i64().expect("totalCount");
        assert_eq!(
            *total.get_or_insert(page_total),
            page_total,
            "{label}, size {size}: totalCount changed on page {page_number}"
        );
        let edges = connection["edges"].as_array().expect("edges");
        assert!(
            edges.len() as i64 <= size,
            "{label}: a page of {size} held {}",
            edges.len()
        );
        for edge in edges {
            let id = &edge["node"][node_id];
            ids.push(id.as_str().map_or_else(|| id.to_string(), str::to_string));
            assert!(
                edge["cursor"].is_string(),
                "{label}: an edge without a cursor"
            );
        }
        let info = &connection["pageInfo"];
        let has_next = info["hasNextPage"].as_bool().expect("hasNextPage");
        if !has_next {
            break;
        }
        assert_eq!(
            edges.len() as i64,
            size,
            "{label}, size {size}: page {page_number} is short but says more follow"
        );
        after = Some(
            info["endCursor"]
                .as_str()
                .unwrap_or_else(|| panic!("{label}: a page with more after it has no endCursor"))
                .to_string(),
        );
        assert!(
            page_number < 1_000,
            "{label}, size {size}: paging does not end"
        );
    }
    assert_eq!(
        ids.len() as i64,
        total.unwrap_or(0),
        "{label}, size {size}: totalCount differs from the rows walked"
    );
    ids
}

#[tokio::test]
async fn every_connection_is_walked_in_every_order_with_small_pages() {
    let app = TestApp::spawn().await;
    add_ties(&app).await;
    add_proposals(&app).await;
    let sdl = app
        .get("/schema.graphql")
        .await
        .text()
        .await
        .expect("the SDL");
    let connections = connection_fields(&sdl);
    let reach = reach();
    let unknown: Vec<&str> = connections
        .iter()
        .map(|c| c.key.as_str())
        .filter(|key| !reach.contains_key(key))
        .collect();
    assert!(
        unknown.is_empty(),
        "connections the paging contract does not know how to walk (add them to `reach`): {unknown:?}"
    );
    assert_eq!(
        connections.len(),
        reach.len(),
        "`reach` names a connection the schema no longer has"
    );

    let mut walked = 0;
    let mut refused = BTreeSet::new();
    for connection in &connections {
        let how = &reach[connection.key.as_str()];
        let field_name = connection.key.split('.').nth(1).expect("Type.field");
        for &who in how.callers {
            let token = token(&app, who);
            for filter in how.filters {
                for order in &connection.orders {
                    let args: Vec<&str> = [*filter, order.as_deref().unwrap_or("")]
                        .into_iter()
                        .filter(|a| !a.is_empty())
                        .chain(["first: $first", "after: $after"])
                        .collect();
                    let selection = format!(
                        "{field_name}({}) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {} }} }} }}",
                        args.join(", "),
                        connection.node_id
                    );
                    let document = (how.wrap)(&selection);
                    let label = format!("{} as {who:?} with [{}]", connection.key, args.join(", "));
                    // An order the caller may not use is refused, naming the field.
                    let probe = app
                        .gql_as(token.as_deref(), &document, json!({ "first": 1 }))
                        .await;
                    if probe.get("errors").is_some() {
                        assert_eq!(common::error_code(&probe), "FORBIDDEN", "{label}: {probe}");
                        assert_eq!(common::error_field(&probe), "orderBy.field", "{label}");
                        refused.insert((format!("{who:?}"), order.clone().unwrap_or_default()));
                        continue;
                    }
                    let whole = walk(
                        &app,
                        token.as_deref(),
                        &document,
                        how.path,
                        connection.node_id,
                        100,
                        &label,
                    )
                    .await;
                    let distinct: BTreeSet<&String> = whole.iter().collect();
                    assert_eq!(
                        distinct.len(),
                        whole.len(),
                        "{label}: a row twice in one page: {whole:?}"
                    );
                    for size in [1, 2, 7] {
                        let paged = walk(
                            &app,
                            token.as_deref(),
                            &document,
                            how.path,
                            connection.node_id,
                            size,
                            &label,
                        )
                        .await;
                        assert_eq!(
                            paged, whole,
                            "{label}: pages of {size} differ from one page"
                        );
                    }
                    walked += 1;
                }
            }
        }
    }
    // Only ordering by budget is refused, and only to anonymous callers
    // (budgets are not public; DESIGN.md, "Access").
    let expected: BTreeSet<(String, String)> = ["ASC", "DESC"]
        .iter()
        .map(|d| {
            (
                "Anonymous".to_string(),
                format!("orderBy: {{ field: BUDGET, direction: {d} }}"),
            )
        })
        .collect();
    assert_eq!(refused, expected);
    // 3 callers × 3 filters × 7 orders + 2 × 4 × 7 + 2 + 3, less the refused.
    assert!(walked >= 110, "only {walked} walks");
}

/// Keyset paging's promise: a row inserted or removed between two page
/// requests neither repeats nor skips the rows that were there before.
#[tokio::test]
async fn rows_changed_between_pages_neither_repeat_nor_skip_the_others() {
    let app = TestApp::spawn().await;
    add_ties(&app).await;
    let admin = app.network_admin();
    let editor = app.token(&[Role::Editor], Some("varend"));
    let document = "query($first: Int, $after: String) { insatser(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name version } } } }";
    let before = walk(&app, None, document, &["insatser"], "id", 100, "before").await;
    assert!(before.len() > 10);

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut page = 0;
    let mut removed = None;
    loop {
        let data = app
            .data(document, json!({ "first": 4, "after": after }))
            .await;
        let connection = &data["insatser"];
        for edge in connection["edges"].as_array().expect("edges") {
            seen.push(edge["node"]["id"].as_str().expect("id").to_string());
        }
        page += 1;
        if page == 2 {
            // Rows sorting before and after the position so far, …
            for name in [
                "AAA först i alfabetet",
                "Öööö sist i alfabetet",
                "Mitt i alfabetet",
            ] {
                app.data_as(
                    Some(&admin),
                    "mutation($input: CreateInsatsInput!) { createInsats(input: $input) { id } }",
                    json!({ "input": { "forbund": "varend", "name": name, "visibility": "PUBLIC", "status": "ACTIVE" } }),
                )
                .await;
            }
            // … and one not yet reached taken out of the public's view.
            let target = &before[before.len() - 3];
            let row = app
                .data_as(
                    Some(&editor),
                    "query($id: ID!) { insats(id: $id) { id version forbund { slug } } }",
                    json!({ "id": target }),
                )
                .await;
            let token = if row["insats"]["forbund"]["slug"] == "varend" {
                &editor
            } else {
                &admin
            };
            app.data_as(
                Some(token),
                "mutation($id: ID!, $v: Int!) { shareInsats(id: $id, version: $v, visibility: PRIVATE) { id } }",
                json!({ "id": target, "v": row["insats"]["version"] }),
            )
            .await;
            removed = Some(target.clone());
        }
        if !connection["pageInfo"]["hasNextPage"]
            .as_bool()
            .expect("hasNextPage")
        {
            break;
        }
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_string);
    }
    let removed = removed.expect("the walk reached its second page");
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "a row repeated: {seen:?}");
    for id in &before {
        if *id != removed {
            assert!(seen.contains(id), "row {id} was skipped: {seen:?}");
        }
    }
    assert!(
        !seen.contains(&removed),
        "the row taken out was still listed"
    );
    // The row added ahead of the position was reached; the one behind it was not.
    let names = app
        .data(
            "{ insatser(filter: { search: \"alfabetet\" }) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    for edge in names["insatser"]["edges"].as_array().expect("edges") {
        let id = edge["node"]["id"].as_str().expect("id").to_string();
        let name = edge["node"]["name"].as_str().expect("name");
        if name.starts_with("AAA") {
            assert!(
                !seen.contains(&id),
                "{name} was added behind the position, yet listed"
            );
        }
        if name.starts_with("Öööö") {
            assert!(
                seen.contains(&id),
                "{name} was added ahead of the position, yet not listed"
            );
        }
    }
}
