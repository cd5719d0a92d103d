//! Access end to end: every operation of the schema against every role, the
//! DSO's access derived from the ring, and the audit log's entries.

use crate::common;

use std::collections::BTreeSet;

use common::{Spawn, TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Member,
    Editor,
    Admin,
    Dso,
    MemberOther,
    EditorOther,
    AdminOther,
    Analyst,
    NetworkAdmin,
}

const EVERYONE: &[Who] = &[
    Who::Anonymous,
    Who::Member,
    Who::Editor,
    Who::Admin,
    Who::Dso,
    Who::MemberOther,
    Who::EditorOther,
    Who::AdminOther,
    Who::Analyst,
    Who::NetworkAdmin,
];
const EDITORS: &[Who] = &[Who::Editor, Who::Admin, Who::NetworkAdmin];
const ADMINS: &[Who] = &[Who::Admin, Who::NetworkAdmin];
const NETWORK: &[Who] = &[Who::NetworkAdmin];
const OWN_READERS: &[Who] = &[
    Who::Member,
    Who::Editor,
    Who::Admin,
    Who::Dso,
    Who::NetworkAdmin,
];

/// The förbund "other" callers belong to.
const OTHER: &str = "norra-dalarna";

fn token(app: &TestApp, who: Who, own: &str) -> Option<String> {
    let t = |roles: &[Role], f: Option<&str>| Some(app.token(roles, f));
    match who {
        Who::Anonymous => None,
        Who::Member => t(&[Role::Member], Some(own)),
        Who::Editor => t(&[Role::Editor], Some(own)),
        Who::Admin => t(&[Role::Admin], Some(own)),
        Who::Dso => t(&[Role::Dso], Some(own)),
        Who::MemberOther => t(&[Role::Member], Some(OTHER)),
        Who::EditorOther => t(&[Role::Editor], Some(OTHER)),
        Who::AdminOther => t(&[Role::Admin], Some(OTHER)),
        Who::Analyst => t(&[Role::Analyst], None),
        Who::NetworkAdmin => t(&[Role::NetworkAdmin], None),
    }
}

/// Ids the operations refer to, looked up in each fresh server.
struct Ids {
    proposal: String,
    min_bok: String,
    private: String,
    pima: String,
    varend_meeting: String,
    varend_id: String,
    /// Lines of Värend's published 2019 budget, one per caller.
    lines: Vec<String>,
}

async fn setup(app: &TestApp) -> Ids {
    let admin = app.network_admin();
    let find = |name: &'static str, forbund: &'static str| {
        let admin = admin.clone();
        async move {
            let data = app
                .data_as(
                    Some(&admin),
                    r#"query($s: String!, $f: [String!]) { insatser(filter: { search: $s, forbund: $f }) { edges { node { id name } } } }"#,
                    json!({ "s": name, "f": [forbund] }),
                )
                .await;
            data["insatser"]["edges"]
                .as_array()
                .and_then(|e| e.iter().find(|e| e["node"]["name"] == name))
                .and_then(|e| e["node"]["id"].as_str())
                .expect("insats id")
                .to_string()
        }
    };
    let varend_editor = app.token(&[Role::Editor], Some("varend"));
    let private = app
        .data_as(
            Some(&varend_editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Intern förstudie", visibility: PRIVATE }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.data_as(
        Some(&admin),
        r#"mutation { defineIndicator(input: { code: "M1", name: "Matrix", level: STAFF, kind: PROCESS }) { code } }"#,
        json!({}),
    )
    .await;
    let meetings = app
        .data(r#"{ meetings(from: "2020-06-05", to: "2020-06-05", forbund: ["varend"]) { id } forbund(slug: "varend") { id } }"#, json!({}))
        .await;
    // Värend asks to join the ring after Södra Dalarna, whose recipient
    // Sollentuna would get Värend as its DSO: a proposal Sollentuna answers.
    let varend_admin = app.token(&[Role::Admin], Some("varend"));
    let proposal = app
        .data_as(
            Some(&varend_admin),
            r#"mutation { joinDsoRing(forbund: "varend", from: "2030-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { applied proposal { id } } }"#,
            json!({}),
        )
        .await["joinDsoRing"]["proposal"]["id"]
        .as_str()
        .expect("a proposal")
        .to_string();
    // Värend's 2019 budget, published: its lines are anyone's to read, so
    // a caller without the right to change one is refused, not told it is
    // missing.
    app.data_as(
        Some(&admin),
        r#"mutation { saveFinanceReport(input: { forbund: "varend", year: 2019, through: "2019-12-31", published: true }) { id } }"#,
        json!({}),
    )
    .await;
    let mut lines = Vec::new();
    for n in 0..EVERYONE.len() * 2 {
        let line = app
            .data_as(
                Some(&admin),
                r#"mutation($n: String!) { createBudgetLine(input: { forbund: "varend", year: 2019, group: BOARD, name: $n, budgetSek: 1000 }) { id } }"#,
                json!({ "n": format!("Matrisrad {n}") }),
            )
            .await;
        lines.push(
            line["createBudgetLine"]["id"]
                .as_str()
                .expect("a line")
                .to_string(),
        );
    }
    Ids {
        lines,
        proposal,
        min_bok: find("Min Bok", "varend").await,
        private,
        pima: find("PIMA", "vasteras").await,
        varend_meeting: meetings["meetings"][0]["id"]
            .as_str()
            .expect("meeting")
            .to_string(),
        varend_id: meetings["forbund"]["id"].as_str().expect("id").to_string(),
    }
}

struct Op {
    name: &'static str,
    own: &'static str,
    allowed: &'static [Who],
    doc: &'static str,
    vars: fn(&Ids, usize) -> Value,
}

fn none(_: &Ids, _: usize) -> Value {
    json!({})
}

fn ops() -> Vec<Op> {
    vec![
        Op {
            name: "me",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ me { sub } }",
            vars: none,
        },
        Op {
            name: "forbund",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ forbund(slug: "varend") { name } }"#,
            vars: none,
        },
        // The federation entry points are open to any caller; what each
        // entity shows follows the rules of its root field
        // (tests/federation_entities.rs).
        Op {
            name: "_service",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ _service { sdl } }",
            vars: none,
        },
        Op {
            name: "_entities",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ _entities(representations: [{ __typename: "Forbund", slug: "varend" }]) { ... on Forbund { name } } }"#,
            vars: none,
        },
        Op {
            name: "forbundList",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ forbundList { totalCount } }",
            vars: none,
        },
        Op {
            name: "insats",
            own: "varend",
            allowed: OWN_READERS,
            doc: "query($id: ID!) { insats(id: $id) { name } }",
            vars: |i, _| json!({ "id": i.private }),
        },
        Op {
            name: "insatser",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ insatser { totalCount } }",
            vars: none,
        },
        Op {
            name: "meetings",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ meetings(from: "2020-01-01", to: "2020-12-31") { id } }"#,
            vars: none,
        },
        Op {
            name: "meeting",
            own: "varend",
            allowed: EVERYONE,
            doc: "query($id: ID!) { meeting(id: $id) { id heldOn } }",
            vars: |ids, _| json!({ "id": ids.varend_meeting }),
        },
        Op {
            name: "dsoRing",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ dsoRing(on: "2021-03-01") { complete } }"#,
            vars: none,
        },
        Op {
            name: "dsoAgreements",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ dsoAgreements { name } }",
            vars: none,
        },
        Op {
            name: "dsoFor",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ dsoFor(forbund: "vasteras", on: "2021-03-01") { contact } }"#,
            vars: none,
        },
        Op {
            name: "dsoServedBy",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ dsoServedBy(forbund: "vasteras", on: "2021-03-01") { contact } }"#,
            vars: none,
        },
        Op {
            name: "dsoSchedule",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ dsoSchedule(from: "2021-01-01", to: "2021-12-31") { from } }"#,
            vars: none,
        },
        Op {
            name: "dsoLeavePreview",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ dsoLeavePreview(forbund: "vasteras", noticeReceivedOn: "2021-08-31") { lastDay } }"#,
            vars: none,
        },
        Op {
            name: "indicators",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ indicators { code } }",
            vars: none,
        },
        Op {
            name: "indicatorComparison",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ indicatorComparison(forbund: "varend", year: 2020) { year } }"#,
            vars: none,
        },
        Op {
            name: "networkComparison",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ networkComparison(indicator: "M1", year: 2020) { forbundCount } }"#,
            vars: none,
        },
        Op {
            name: "indicatorTrend",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ indicatorTrend(forbund: "varend", indicator: "M1", from: 2019, to: 2020) { year } }"#,
            vars: none,
        },
        Op {
            name: "keyFigureComparison",
            own: "varend",
            allowed: EVERYONE,
            doc: "{ keyFigureComparison(year: 2020, figure: CLOSURES) { forbundCount } }",
            vars: none,
        },
        Op {
            name: "populationSupport",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ populationSupport(area: "1980", year: 2018) { sharePercent } }"#,
            vars: none,
        },
        Op {
            name: "populationSupportSeries",
            own: "varend",
            allowed: EVERYONE,
            doc: r#"{ populationSupportSeries(area: "1980") { year } }"#,
            vars: none,
        },
        Op {
            name: "auditLog",
            own: "varend",
            allowed: ADMINS,
            doc: r#"{ auditLog(forbund: "varend") { totalCount } }"#,
            vars: none,
        },
        Op {
            name: "createForbund",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation($s: String!) { createForbund(input: { slug: $s, name: "Test", county: "Uppsala" }) { id } }"#,
            vars: |_, k| json!({ "s": format!("matrix-{k}") }),
        },
        Op {
            name: "updateForbund",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation($id: ID!) { updateForbund(input: { id: $id, version: 1, notes: "x" }) { id } }"#,
            vars: |i, _| json!({ "id": i.varend_id }),
        },
        Op {
            name: "createInsats",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($n: String!) { createInsats(input: { forbund: "varend", name: $n }) { id } }"#,
            vars: |_, k| json!({ "n": format!("Matrix {k}") }),
        },
        Op {
            name: "updateInsats",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { updateInsats(id: $id, version: 1, input: { description: "x" }) { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "extendInsats",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { extendInsats(id: $id, version: 1, newEndsOn: "2021-12-31") { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "setInsatsBudget",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { setInsatsBudget(id: $id, version: 1, year: 2020, budgetSek: 1000) { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "recordInsatsOutcome",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { recordInsatsOutcome(id: $id, version: 1, outcome: { periodTo: "2020-12-31", participants: 5 }) { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "addInsatsGoal",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { addInsatsGoal(id: $id, version: 1, description: "x") { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "removeInsatsGoal",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { removeInsatsGoal(id: $id, version: 1, goal: "1") { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "updateInsatsGoal",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { updateInsatsGoal(id: $id, version: 1, goal: "1", description: "x") { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "shareInsats",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { shareInsats(id: $id, version: 1, visibility: PUBLIC) { id } }"#,
            vars: |i, _| json!({ "id": i.min_bok }),
        },
        Op {
            name: "carryOverInsats",
            // The successor's staff: Västerås's ended with it.
            own: "vastmanland",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { carryOverInsats(id: $id, version: 1, to: "vastmanland") { id } }"#,
            vars: |i, _| json!({ "id": i.pima }),
        },
        Op {
            name: "createMeeting",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($d: Date!) { createMeeting(input: { forbund: "varend", heldOn: $d }) { id } }"#,
            vars: |_, k| json!({ "d": format!("2030-01-{:02}", k + 1) }),
        },
        Op {
            name: "updateMeeting",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($m: ID!) { updateMeeting(id: $m, version: 1, input: { forbund: "varend", heldOn: "2020-06-05", place: "Växjö" }) { id } }"#,
            vars: |i, _| json!({ "m": i.varend_meeting }),
        },
        Op {
            name: "recordDecision",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($m: ID!) { recordDecision(meeting: $m, version: 1, input: { text: "x" }) { id } }"#,
            vars: |i, _| json!({ "m": i.varend_meeting }),
        },
        Op {
            name: "updateDecision",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($m: ID!) { updateDecision(meeting: $m, version: 1, decision: "1", input: { text: "x" }) { id } }"#,
            vars: |i, _| json!({ "m": i.varend_meeting }),
        },
        Op {
            name: "financeReport",
            own: "varend",
            allowed: OWN_READERS,
            doc: r#"{ financeReport(forbund: "varend", year: 2026) { title } }"#,
            vars: none,
        },
        Op {
            name: "saveFinanceYear",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($y: Int!) { saveFinanceYear(input: { forbund: "varend", year: $y, equityBroughtForwardSek: 1 }) { year } }"#,
            vars: |_, k| json!({ "y": 2030 + k }),
        },
        Op {
            name: "createBudgetLine",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($n: String!) { createBudgetLine(input: { forbund: "varend", year: 2030, group: OTHER, name: $n, budgetSek: 1 }) { id } }"#,
            vars: |_, k| json!({ "n": format!("Rad {k}") }),
        },
        Op {
            name: "updateBudgetLine",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { updateBudgetLine(id: $id, version: 1, input: { forbund: "varend", year: 2019, group: BOARD, name: "Rättad", budgetSek: 2000 }) { id } }"#,
            vars: |i, _| json!({ "id": i.lines[0] }),
        },
        Op {
            name: "deleteBudgetLine",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($id: ID!) { deleteBudgetLine(id: $id, version: 1) }"#,
            vars: |i, k| json!({ "id": i.lines[k] }),
        },
        Op {
            name: "saveFinanceReport",
            own: "varend",
            allowed: EDITORS,
            doc: r#"mutation($t: Date!) { saveFinanceReport(input: { forbund: "varend", year: 2027, through: $t }) { title } }"#,
            vars: |_, k| json!({ "t": format!("2027-01-{:02}", k + 1) }),
        },
        Op {
            name: "createDsoAgreement",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation { createDsoAgreement(input: { name: "x", startsOn: "2030-01-01", initialEndsOn: "2030-12-31", members: [] }) { id } }"#,
            vars: none,
        },
        Op {
            name: "joinDsoRing",
            own: "varend",
            allowed: ADMINS,
            doc: r#"mutation { joinDsoRing(forbund: "varend", from: "2030-01-01", after: "sodra-dalarna", contact: "dso@varend.example") { joinedOn } }"#,
            vars: none,
        },
        Op {
            name: "leaveDsoRing",
            own: "sodertalje",
            allowed: ADMINS,
            doc: r#"mutation { leaveDsoRing(forbund: "sodertalje", noticeReceivedOn: "2030-08-31") { lastDay } }"#,
            vars: none,
        },
        Op {
            name: "setDsoAssignmentScope",
            own: "sodertalje",
            allowed: ADMINS,
            doc: r#"mutation { setDsoAssignmentScope(forbund: "sodertalje", scopePercent: 2.0, from: "2030-01-01") { applied } }"#,
            vars: none,
        },
        Op {
            name: "rearrangeDsoRing",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation { rearrangeDsoRing(from: "2030-01-01", order: ["sodra-dalarna", "sollentuna", "norra-dalarna", "vasteras", "sodertalje", "sundbyberg"]) { complete } }"#,
            vars: none,
        },
        Op {
            name: "correctDsoRingHistory",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation { correctDsoRingHistory(from: "2022-01-01", order: ["sodra-dalarna", "sollentuna", "norra-dalarna", "vasteras", "sodertalje", "sundbyberg"], reason: "Matrix") { complete } }"#,
            vars: none,
        },
        Op {
            name: "closeDsoMembership",
            own: "sundbyberg",
            allowed: NETWORK,
            doc: r#"mutation { closeDsoMembership(forbund: "sundbyberg", lastDay: "2027-06-30", reason: "Matrix") { lastDay } }"#,
            vars: none,
        },
        Op {
            name: "acceptDsoProposal",
            own: "sollentuna",
            allowed: ADMINS,
            doc: r#"mutation($id: ID!) { acceptDsoProposal(id: $id, forbund: "sollentuna") { status } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        Op {
            name: "declineDsoProposal",
            own: "sollentuna",
            allowed: ADMINS,
            doc: r#"mutation($id: ID!) { declineDsoProposal(id: $id, forbund: "sollentuna") { status } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        Op {
            name: "withdrawDsoProposal",
            own: "varend",
            allowed: ADMINS,
            doc: r#"mutation($id: ID!) { withdrawDsoProposal(id: $id, forbund: "varend") { status } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        Op {
            name: "decideDsoProposal",
            own: "sollentuna",
            allowed: NETWORK,
            doc: r#"mutation($id: ID!) { decideDsoProposal(id: $id, apply: false) { status } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        Op {
            name: "dsoProposals",
            own: "sollentuna",
            allowed: OWN_READERS,
            doc: r#"{ dsoProposals(forbund: "sollentuna") { edges { node { id kind status } } } }"#,
            vars: none,
        },
        Op {
            name: "dsoProposal",
            own: "sollentuna",
            allowed: OWN_READERS,
            doc: r#"query($id: ID!) { dsoProposal(id: $id) { id status parties { answer } } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        // Through `node` and `nodes`, a proposal is seen by exactly those
        // who see it through `dsoProposal`.
        Op {
            name: "node",
            own: "sollentuna",
            allowed: OWN_READERS,
            doc: r#"query($id: ID!) { node(id: $id) { id ... on DsoProposal { status } } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        Op {
            name: "nodes",
            own: "sollentuna",
            allowed: OWN_READERS,
            doc: r#"query($id: ID!) { nodes(ids: [$id]) { id ... on DsoProposal { status } } }"#,
            vars: |ids, _| json!({ "id": ids.proposal }),
        },
        Op {
            name: "defineIndicator",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation($c: String!) { defineIndicator(input: { code: $c, name: "x", level: STAFF, kind: PROCESS }) { code } }"#,
            vars: |_, k| json!({ "c": format!("X{k}") }),
        },
        Op {
            name: "upsertIndicatorResults",
            own: "varend",
            allowed: ADMINS,
            doc: r#"mutation { upsertIndicatorResults(forbund: "varend", rows: [{ indicator: "M1", year: 2020, value: 50 }]) }"#,
            vars: none,
        },
        Op {
            name: "upsertNationalAverages",
            own: "varend",
            allowed: NETWORK,
            doc: r#"mutation { upsertNationalAverages(rows: [{ indicator: "M1", year: 2020, value: 50 }]) }"#,
            vars: none,
        },
        Op {
            name: "setKeyFigures",
            own: "varend",
            allowed: ADMINS,
            doc: r#"mutation { setKeyFigures(input: { forbund: "varend", year: 2020, participants: 10 }) { year } }"#,
            vars: none,
        },
    ]
}

#[tokio::test]
async fn every_operation_against_every_role() {
    let ops = ops();
    // The table must cover the schema: a new operation without a rule fails here.
    let app = TestApp::spawn().await;
    let schema = app
        .data(
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let from_schema: BTreeSet<String> = ["queryType", "mutationType"]
        .iter()
        .flat_map(|t| {
            schema["__schema"][t]["fields"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect();
    let in_table: BTreeSet<String> = ops.iter().map(|o| o.name.to_string()).collect();
    assert_eq!(
        from_schema, in_table,
        "every operation needs a row in the access matrix"
    );

    for op in &ops {
        let app = TestApp::spawn().await;
        let ids = setup(&app).await;
        // What a missing row looks like, for reads that must not reveal one.
        let missing = app
            .gql_as(
                Some(&app.token(&[Role::Member], Some(OTHER))),
                "query($id: ID!) { insats(id: $id) { name } }",
                json!({ "id": "999999" }),
            )
            .await;
        // Each caller twice: with a bearer token as API clients send it, and
        // signed in by the web app's session cookie; the same rule holds.
        let callers = EVERYONE
            .iter()
            .flat_map(|who| [(*who, false), (*who, true)]);
        for (k, (who, in_session)) in callers.enumerate() {
            let who = &who;
            let token = token(&app, *who, op.own);
            let vars = (op.vars)(&ids, k);
            let body = if in_session {
                app.gql_in_session(token.as_deref(), op.doc, vars).await
            } else {
                app.gql_as(token.as_deref(), op.doc, vars).await
            };
            let code = body["errors"][0]["extensions"]["code"].as_str();
            let refused_by_error = matches!(code, Some("FORBIDDEN") | Some("UNAUTHENTICATED"));
            // A row the caller may not see reads as missing, not as refused.
            let hides = matches!(
                op.name,
                "insats" | "dsoProposal" | "node" | "nodes" | "financeReport"
            );
            let shown = &body["data"][op.name];
            let hidden = hides
                && (shown.is_null() || shown.as_array().is_some_and(|list| list[0].is_null()));
            let allowed = op.allowed.contains(who);
            if allowed {
                assert!(
                    !refused_by_error && !hidden,
                    "{} as {who:?} (session: {in_session}) should be allowed: {body}",
                    op.name
                );
            } else if hides {
                assert!(
                    hidden && body.get("errors").is_none(),
                    "{} as {who:?} should not see the row: {body}",
                    op.name
                );
                if op.name == "insats" {
                    assert_eq!(body, missing, "a hidden row answers like a missing one");
                }
            } else {
                assert!(
                    refused_by_error,
                    "{} as {who:?} (session: {in_session}) should be refused: {body}",
                    op.name
                );
                let expected = if *who == Who::Anonymous {
                    "UNAUTHENTICATED"
                } else {
                    "FORBIDDEN"
                };
                assert_eq!(code, Some(expected), "{} as {who:?}", op.name);
            }
        }
    }
}

/// The subscriptions against every role: who may start each, and which
/// changes reach whom — every change is read again under the subscriber's
/// access, as the matching query would read it.
#[tokio::test]
async fn every_subscription_against_every_role() {
    let Some(tools) = common::live::tools() else {
        return;
    };
    let app = TestApp::spawn().await;
    let live = common::live::Live::of(&tools, &app);
    let schema = app
        .data(
            "{ __schema { subscriptionType { fields { name } } } }",
            json!({}),
        )
        .await;
    let fields: BTreeSet<String> = schema["__schema"]["subscriptionType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect();
    let table: BTreeSet<String> = [
        "insatsChanged",
        "recordChanged",
        "meetingChanged",
        "dsoRingChanged",
        "auditEvents",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(fields, table, "every subscription needs a row here");

    let ids = setup(&app).await;
    let admin = app.network_admin();
    let since = app
        .data_as(
            Some(&admin),
            "{ auditLog(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await["auditLog"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("an entry")
        .to_owned();
    let public = app
        .data(
            r#"{ insatser(filter: { forbund: ["varend"], search: "Min Bok" }) { edges { node { id version } } } }"#,
            json!({}),
        )
        .await["insatser"]["edges"][0]["node"]
        .clone();
    let mut clients = Vec::new();
    for who in EVERYONE {
        let token = token(&app, *who, "varend");
        let mut client = live.ws(
            "subscription($s: ID) { insatsChanged(since: $s) { kind insatsId } }",
            json!({ "s": since }),
            token.as_deref(),
        );
        client.also(
            "subscription($s: ID, $id: ID!) { recordChanged(entity: \"Insats\", id: $id, since: $s) { version } }",
            json!({ "s": since, "id": ids.private }),
        );
        client.also(
            "subscription($s: ID) { meetingChanged(forbund: [\"varend\"], since: $s) { kind } }",
            json!({ "s": since }),
        );
        client.also(
            "subscription($s: ID) { dsoRingChanged(since: $s) { kind } }",
            json!({ "s": since }),
        );
        client.also(
            "subscription($s: ID) { auditEvents(forbund: \"varend\", since: $s) { entry { operation } } }",
            json!({ "s": since }),
        );
        clients.push((*who, client));
    }

    // 1. Värend's private insats changes.
    let editor = app.token(&[Role::Editor], Some("varend"));
    app.data_as(
        Some(&editor),
        "mutation($id: ID!) { updateInsats(id: $id, version: 1, input: { targetParticipants: 8 }) { id } }",
        json!({ "id": ids.private }),
    )
    .await;
    // 2. A proposal whose parties are Västmanland and Sollentuna.
    let vastmanland = app.token(&[Role::Admin], Some("vastmanland"));
    app.data_as(
        Some(&vastmanland),
        r#"mutation { joinDsoRing(forbund: "vastmanland", from: "2031-01-01", after: "sodra-dalarna", contact: "dso@vastmanland.example") { applied } }"#,
        json!({}),
    )
    .await;
    // 3. A new agreement: public.
    app.data_as(
        Some(&admin),
        r#"mutation { createDsoAgreement(input: { name: "DSO-ring Norr", startsOn: "2031-01-01", initialEndsOn: "2032-12-31", members: [{ forbund: "sodertalje", contact: "dso@sodertalje.example" }, { forbund: "sundbyberg", contact: "dso@sundbyberg.example" }] }) { id } }"#,
        json!({}),
    )
    .await;
    // 4. A decision at Värend's meeting: public.
    let meeting = app
        .data(
            "query($id: ID!) { meeting(id: $id) { version } }",
            json!({ "id": ids.varend_meeting }),
        )
        .await;
    app.data_as(
        Some(&editor),
        "mutation($m: ID!, $v: Int!) { recordDecision(meeting: $m, version: $v, input: { text: \"Beslut i matrisen\" }) { id } }",
        json!({ "m": ids.varend_meeting, "v": meeting["meeting"]["version"] }),
    )
    .await;
    // 5. Värend's public insats changes: the last change, seen by all.
    app.data_as(
        Some(&editor),
        "mutation($id: ID!, $v: Int!) { updateInsats(id: $id, version: $v, input: { targetParticipants: 25 }) { id } }",
        json!({ "id": public["id"], "v": public["version"] }),
    )
    .await;

    for (who, client) in &mut clients {
        let readers = OWN_READERS.contains(who);
        let network = *who == Who::NetworkAdmin;
        let log_readers = ADMINS.contains(who);
        // Until each followed change has come: the changes of one
        // subscription come in order, so what is not first was not sent.
        let mut seen: Vec<Vec<Value>> = vec![Vec::new(); 5];
        let done = |seen: &Vec<Vec<Value>>| {
            let last = |op: usize, key: &str, value: &str| {
                seen[op]
                    .last()
                    .is_some_and(|m| m.to_string().contains(&format!("\"{key}\":\"{value}\"")))
            };
            last(0, "insatsId", public["id"].as_str().unwrap_or_default())
                && last(2, "kind", "DECISION_RECORDED")
                && last(3, "kind", "AGREEMENT_CREATED")
                && (!readers || !seen[1].is_empty())
                && if log_readers {
                    seen[4].len() == 3
                } else {
                    !seen[4].is_empty()
                }
        };
        while !done(&seen) {
            let message = client.message().await;
            if let Some(op) = message["op"].as_u64() {
                seen[op as usize].push(message);
            }
        }
        let kinds = |op: usize| -> Vec<String> {
            seen[op]
                .iter()
                .filter_map(|m| {
                    m["next"]["data"]
                        .as_object()
                        .and_then(|d| d.values().next())
                        .and_then(|v| v["kind"].as_str().or(v["insatsId"].as_str()))
                        .map(str::to_owned)
                })
                .collect()
        };
        let first_insats = &seen[0][0]["next"]["data"]["insatsChanged"]["insatsId"];
        if readers {
            assert_eq!(first_insats, ids.private.as_str(), "{who:?}: {:?}", seen[0]);
            assert_eq!(
                seen[1][0]["next"]["data"]["recordChanged"]["version"], 2,
                "{who:?}"
            );
        } else {
            assert_eq!(first_insats, &public["id"], "{who:?} saw a private change");
            assert!(
                seen[1].is_empty(),
                "{who:?} followed a private record: {:?}",
                seen[1]
            );
        }
        let ring = kinds(3);
        if network {
            assert_eq!(ring, ["PROPOSED", "AGREEMENT_CREATED"], "{who:?}");
        } else {
            assert_eq!(
                ring,
                ["AGREEMENT_CREATED"],
                "{who:?} saw another's proposal"
            );
        }
        assert_eq!(kinds(2), ["DECISION_RECORDED"], "{who:?}");
        if log_readers {
            let operations: Vec<&str> = seen[4]
                .iter()
                .filter_map(|m| m["next"]["data"]["auditEvents"]["entry"]["operation"].as_str())
                .collect();
            assert_eq!(
                operations,
                ["updateInsats", "recordDecision", "updateInsats"],
                "{who:?}"
            );
        } else {
            let expected = if *who == Who::Anonymous {
                "UNAUTHENTICATED"
            } else {
                "FORBIDDEN"
            };
            assert_eq!(
                seen[4][0]["error"][0]["extensions"]["code"], expected,
                "{who:?}: {:?}",
                seen[4]
            );
        }
    }
}

const AUDIT: &str = r#"query($f: String) { auditLog(forbund: $f, first: 50) { totalCount edges { node {
    operation entity entityId before after requestId actor { sub roles forbund } forbund { slug } } } } }"#;

#[tokio::test]
async fn the_dso_reads_the_log_of_the_forbund_it_serves_that_day() {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let app = TestApp::spawn_with(Spawn {
        today: day("2021-03-01"),
        ..Default::default()
    })
    .await;
    let dso = app.token(&[Role::Dso], Some("vasteras"));
    let served = app
        .gql_as(Some(&dso), AUDIT, json!({ "f": "sundbyberg" }))
        .await;
    assert!(
        served.get("errors").is_none(),
        "Västerås's DSO serves Sundbyberg: {served}"
    );
    let not_served = app
        .gql_as(Some(&dso), AUDIT, json!({ "f": "sodertalje" }))
        .await;
    assert_eq!(error_code(&not_served), "FORBIDDEN");
    let member = app.token(&[Role::Member], Some("vasteras"));
    assert_eq!(
        error_code(
            &app.gql_as(Some(&member), AUDIT, json!({ "f": "sundbyberg" }))
                .await
        ),
        "FORBIDDEN"
    );

    // Västerås leaves: notice received 2021-03-01, last day 2021-07-01.
    let admin = app.token(&[Role::Admin], Some("vasteras"));
    let left = app
        .data_as(Some(&admin), r#"mutation { leaveDsoRing(forbund: "vasteras", noticeReceivedOn: "2021-03-01") { lastDay applied proposal { id parties { forbund { slug } answer } } } }"#, json!({}))
        .await;
    assert_eq!(left["leaveDsoRing"]["lastDay"], "2021-07-01");
    // Sundbyberg, which Västerås served, gets a new DSO: it must consent.
    assert_eq!(left["leaveDsoRing"]["applied"], false);
    let proposal = left["leaveDsoRing"]["proposal"]["id"].clone();
    let sundbyberg = app.token(&[Role::Admin], Some("sundbyberg"));
    let accepted = app
        .data_as(
            Some(&sundbyberg),
            r#"mutation($id: ID!) { acceptDsoProposal(id: $id, forbund: "sundbyberg") { status } }"#,
            json!({ "id": proposal }),
        )
        .await;
    assert_eq!(accepted["acceptDsoProposal"]["status"], "APPLIED");

    // The same database, seen on the last day and on the day after.
    let url = app.settings.database.url.clone();
    for (today, allowed) in [("2021-07-01", true), ("2021-07-02", false)] {
        let url = url.clone();
        let later = TestApp::spawn_with(Spawn {
            today: day(today),
            configure: Some(Box::new(move |s| s.database.url = url)),
            ..Default::default()
        })
        .await;
        let body = later
            .gql_as(
                Some(&later.token(&[Role::Dso], Some("vasteras"))),
                AUDIT,
                json!({ "f": "sundbyberg" }),
            )
            .await;
        if allowed {
            assert!(body.get("errors").is_none(), "{today}: {body}");
        } else {
            assert_eq!(error_code(&body), "FORBIDDEN", "{today}");
        }
    }
}

#[tokio::test]
async fn changes_are_audited_with_before_and_after_and_refusals_leave_none() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(Some(&editor), r#"mutation { createInsats(input: { forbund: "varend", name: "Granskad insats", visibility: NETWORK }) { id } }"#, json!({}))
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let update = r#"mutation($id: ID!, $v: Int!, $d: String) { updateInsats(id: $id, version: $v, input: { description: $d }) { version } }"#;
    app.data_as(
        Some(&editor),
        update,
        json!({ "id": id, "v": 1, "d": "Första" }),
    )
    .await;
    let stale = app
        .gql_as(
            Some(&editor),
            update,
            json!({ "id": id, "v": 1, "d": "Andra" }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let outsider = app.token(&[Role::Editor], Some("vasteras"));
    let refused = app
        .gql_as(
            Some(&outsider),
            update,
            json!({ "id": id, "v": 2, "d": "Tredje" }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");

    let admin = app.token(&[Role::Admin], Some("varend"));
    let log = app
        .data_as(Some(&admin), AUDIT, json!({ "f": "varend" }))
        .await;
    let entries = log["auditLog"]["edges"].as_array().expect("entries");
    assert_eq!(
        log["auditLog"]["totalCount"], 2,
        "the create and the update; neither refusal wrote"
    );
    let (update_entry, create_entry) = (&entries[0]["node"], &entries[1]["node"]);
    assert_eq!(update_entry["operation"], "updateInsats");
    assert_eq!(create_entry["operation"], "createInsats");
    assert_eq!(create_entry["before"], Value::Null);
    assert!(
        create_entry["after"]
            .as_str()
            .is_some_and(|a| a.contains("Granskad insats"))
    );
    let before: Value =
        serde_json::from_str(update_entry["before"].as_str().expect("before")).expect("json");
    let after: Value =
        serde_json::from_str(update_entry["after"].as_str().expect("after")).expect("json");
    assert_eq!(before["description"], Value::Null);
    assert_eq!(after["description"], "Första");
    assert_eq!(after["version"], 2);
    assert_eq!(
        update_entry["actor"],
        json!({ "sub": "test-user", "roles": ["editor"], "forbund": "varend" })
    );
    assert_eq!(update_entry["forbund"]["slug"], "varend");
    assert!(
        update_entry["requestId"]
            .as_str()
            .is_some_and(|r| r.len() >= 32)
    );
    assert_eq!(
        error_code(
            &app.gql_as(Some(&editor), AUDIT, json!({ "f": "varend" }))
                .await
        ),
        "FORBIDDEN",
        "editors do not read the log"
    );
    assert_eq!(
        error_code(&app.gql_as(Some(&admin), AUDIT, json!({ "f": null })).await),
        "FORBIDDEN",
        "the whole log is network_admin's"
    );

    // A DSO change refused whole leaves no entry.
    let network = app.network_admin();
    let before_count = app
        .data_as(Some(&network), AUDIT, json!({ "f": null }))
        .await["auditLog"]["totalCount"]
        .clone();
    let broken = app
        .gql_as(Some(&network), r#"mutation { rearrangeDsoRing(from: "2022-01-01", order: ["sodra-dalarna", "vasteras"]) { complete } }"#, json!({}))
        .await;
    assert_eq!(error_code(&broken), "DSO_RING_INVALID");
    let after_count = app
        .data_as(Some(&network), AUDIT, json!({ "f": null }))
        .await["auditLog"]["totalCount"]
        .clone();
    assert_eq!(before_count, after_count);
}

/// The report's files against every role, by bearer token and by the web
/// app's session cookie: an unpublished period is the förbund's own staff's
/// and the network's, answered 404 to anyone else as if it did not exist;
/// a published one is everyone's.
#[tokio::test]
async fn every_report_download_against_every_role() {
    let app = TestApp::spawn().await;
    let unpublished = "/forbund/varend/rapport{ending}?ar=2026&tom=2026-06-30";
    let published = "/forbund/vasteras/rapport{ending}?ar=2019&tom=2019-08-31";
    for ending in [".pdf", ".xlsx", "/budget.csv"] {
        for who in EVERYONE {
            for in_session in [false, true] {
                let token = token(&app, *who, "varend");
                let path = unpublished.replace("{ending}", ending);
                let status = app
                    .get_as(token.as_deref(), &path, in_session)
                    .await
                    .status();
                let expected = if OWN_READERS.contains(who) { 200 } else { 404 };
                assert_eq!(
                    status, expected,
                    "{path} as {who:?} (session: {in_session})"
                );
                let path = published.replace("{ending}", ending);
                let status = app
                    .get_as(token.as_deref(), &path, in_session)
                    .await
                    .status();
                assert_eq!(status, 200, "{path} as {who:?} (session: {in_session})");
            }
        }
    }
}
