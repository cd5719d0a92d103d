//! Every mutation checks the caller's right before it looks at its input
//! (DESIGN.md, "Access"): an anonymous caller is told to sign in, and a
//! signed-in caller without the right is refused, whatever the input — an
//! unknown förbund, a missing row, an empty list, a bad value — and however
//! early the input would otherwise fail.

use crate::common;

use std::collections::BTreeSet;

use common::{TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::json;

/// Each mutation with input that is wrong in every way it can be, naming
/// `nowhere`, a förbund that does not exist.
const JUNK: &[(&str, &str)] = &[
    (
        "createForbund",
        r#"mutation { createForbund(input: { slug: "", name: "", county: "", orgNumber: "1" }) { id } }"#,
    ),
    (
        "updateForbund",
        r#"mutation { updateForbund(input: { id: "999999", version: 0, name: "" }) { id } }"#,
    ),
    (
        "createInsats",
        r#"mutation { createInsats(input: { forbund: "nowhere", name: "", ageMin: -1 }) { id } }"#,
    ),
    (
        "updateInsats",
        r#"mutation { updateInsats(id: "999999", version: 0, input: { name: "" }) { id } }"#,
    ),
    (
        "extendInsats",
        r#"mutation { extendInsats(id: "999999", version: 0, newEndsOn: "2020-01-01") { id } }"#,
    ),
    (
        "setInsatsBudget",
        r#"mutation { setInsatsBudget(id: "999999", version: 0, year: 1, budgetSek: -1) { id } }"#,
    ),
    (
        "recordInsatsOutcome",
        r#"mutation { recordInsatsOutcome(id: "999999", version: 0, outcome: { periodTo: "2020-01-01", participants: -1 }) { id } }"#,
    ),
    (
        "addInsatsGoal",
        r#"mutation { addInsatsGoal(id: "999999", version: 0, description: "") { id } }"#,
    ),
    (
        "removeInsatsGoal",
        r#"mutation { removeInsatsGoal(id: "999999", version: 0, goal: "999998") { id } }"#,
    ),
    (
        "updateInsatsGoal",
        r#"mutation { updateInsatsGoal(id: "999999", version: 0, goal: "999998", description: "") { id } }"#,
    ),
    (
        "shareInsats",
        r#"mutation { shareInsats(id: "999999", version: 0, visibility: PUBLIC, with: ["nowhere"]) { id } }"#,
    ),
    (
        "carryOverInsats",
        r#"mutation { carryOverInsats(id: "999999", version: 0, to: "nowhere") { id } }"#,
    ),
    (
        "createMeeting",
        r#"mutation { createMeeting(input: { forbund: "nowhere", heldOn: "2020-01-01", startsAt: "25:99" }) { id } }"#,
    ),
    (
        "updateMeeting",
        r#"mutation { updateMeeting(id: "999999", version: 0, input: { forbund: "nowhere", heldOn: "2020-01-01" }) { id } }"#,
    ),
    (
        "recordDecision",
        r#"mutation { recordDecision(meeting: "999999", version: 0, input: { text: "" }) { id } }"#,
    ),
    (
        "updateDecision",
        r#"mutation { updateDecision(meeting: "999999", version: 0, decision: "999998", input: { text: "" }) { id } }"#,
    ),
    (
        "saveFinanceYear",
        r#"mutation { saveFinanceYear(input: { forbund: "nowhere", year: 1, equityCeilingSek: -1 }) { year } }"#,
    ),
    (
        "createBudgetLine",
        r#"mutation { createBudgetLine(input: { forbund: "nowhere", year: 1, group: BOARD, name: "", budgetSek: -1 }) { id } }"#,
    ),
    (
        "updateBudgetLine",
        r#"mutation { updateBudgetLine(id: "999999", version: 0, input: { forbund: "nowhere", year: 1, group: BOARD, name: "" }) { id } }"#,
    ),
    (
        "deleteBudgetLine",
        r#"mutation { deleteBudgetLine(id: "999999", version: 0) }"#,
    ),
    (
        "saveFinanceReport",
        r#"mutation { saveFinanceReport(input: { forbund: "nowhere", year: 1, through: "1900-01-01" }) { id } }"#,
    ),
    (
        "createDsoAgreement",
        r#"mutation { createDsoAgreement(input: { name: "", startsOn: "2020-01-01", initialEndsOn: "2019-01-01", members: [] }) { id } }"#,
    ),
    (
        "joinDsoRing",
        r#"mutation { joinDsoRing(forbund: "nowhere", from: "1900-01-01", contact: "") { applied } }"#,
    ),
    (
        "leaveDsoRing",
        r#"mutation { leaveDsoRing(forbund: "nowhere", noticeReceivedOn: "1900-01-01") { applied } }"#,
    ),
    (
        "setDsoAssignmentScope",
        r#"mutation { setDsoAssignmentScope(forbund: "nowhere", scopePercent: -1, from: "1900-01-01") { applied } }"#,
    ),
    (
        "rearrangeDsoRing",
        r#"mutation { rearrangeDsoRing(from: "1900-01-01", order: []) { complete } }"#,
    ),
    (
        "correctDsoRingHistory",
        r#"mutation { correctDsoRingHistory(from: "1900-01-01", order: [], reason: "") { complete } }"#,
    ),
    (
        "closeDsoMembership",
        r#"mutation { closeDsoMembership(forbund: "nowhere", lastDay: "1900-01-01", reason: "") { lastDay } }"#,
    ),
    (
        "acceptDsoProposal",
        r#"mutation { acceptDsoProposal(id: "999999", forbund: "nowhere") { id } }"#,
    ),
    (
        "declineDsoProposal",
        r#"mutation { declineDsoProposal(id: "999999", forbund: "nowhere") { id } }"#,
    ),
    (
        "withdrawDsoProposal",
        r#"mutation { withdrawDsoProposal(id: "999999", forbund: "nowhere") { id } }"#,
    ),
    (
        "decideDsoProposal",
        r#"mutation { decideDsoProposal(id: "999999", apply: true) { id } }"#,
    ),
    (
        "defineIndicator",
        r#"mutation { defineIndicator(input: { code: "", name: "", level: STAFF, kind: PROCESS }) { id } }"#,
    ),
    (
        "upsertIndicatorResults",
        r#"mutation { upsertIndicatorResults(forbund: "nowhere", rows: []) }"#,
    ),
    (
        "upsertNationalAverages",
        r#"mutation { upsertNationalAverages(rows: []) }"#,
    ),
    (
        "setKeyFigures",
        r#"mutation { setKeyFigures(input: { forbund: "nowhere", year: 1, participants: -1 }) { year } }"#,
    ),
];

/// Mutations that name their target by a row id: a signed-in caller who may
/// not see the row gets NOT_FOUND, as for a missing one (DESIGN.md: a denial
/// reveals nothing about whether the row exists).
const BY_ROW: &[&str] = &[
    "updateInsats",
    "extendInsats",
    "setInsatsBudget",
    "recordInsatsOutcome",
    "addInsatsGoal",
    "removeInsatsGoal",
    "updateInsatsGoal",
    "shareInsats",
    "carryOverInsats",
    "updateMeeting",
    "recordDecision",
    "updateDecision",
    "updateBudgetLine",
    "deleteBudgetLine",
];

#[tokio::test]
async fn every_mutation_refuses_before_it_reads_its_input() {
    let app = TestApp::spawn().await;
    let schema = app
        .data(
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let in_schema: BTreeSet<String> = schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("mutations")
        .iter()
        .filter_map(|f| f["name"].as_str().map(str::to_string))
        .collect();
    let listed: BTreeSet<String> = JUNK.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(in_schema, listed, "every mutation needs a row here");

    // A member of another förbund: signed in, with no right to any of this.
    let member = app.token(&[Role::Member], Some("norra-dalarna"));
    for (name, doc) in JUNK {
        let anonymous = app.gql(doc, json!({})).await;
        assert_eq!(
            error_code(&anonymous),
            "UNAUTHENTICATED",
            "{name} as anonymous: {anonymous}"
        );
        let signed_in = app.gql_as(Some(&member), doc, json!({})).await;
        let expected = if BY_ROW.contains(name) {
            "NOT_FOUND"
        } else {
            "FORBIDDEN"
        };
        assert_eq!(
            error_code(&signed_in),
            expected,
            "{name} as another förbund's member: {signed_in}"
        );
    }
}
