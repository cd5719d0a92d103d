//! The insats catalogue end to end: search, periods, money, outcomes,
//! visibility, changes and their refusals, meetings, and the statement count
//! of a full page.

use crate::common;

use common::{TestApp, error_code, error_field};
use finsam_api::auth::Role;
use finsam_api::domain::text::fold;
use serde_json::{Value, json};

const FIND: &str = r#"query($filter: InsatsFilter, $first: Int, $after: String, $order: InsatsOrder) {
  insatser(filter: $filter, first: $first, after: $after, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name version forbund { slug } } }
  }
}"#;

fn names(data: &Value) -> Vec<String> {
    data["insatser"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().expect("name").to_string())
        .collect()
}

async fn id_of(app: &TestApp, token: Option<&str>, name: &str, forbund: &str) -> (String, i64) {
    let data = app
        .data_as(
            token,
            FIND,
            json!({ "filter": { "search": name, "forbund": [forbund] }, "first": 100 }),
        )
        .await;
    let edge = data["insatser"]["edges"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["node"]["name"] == name))
        .unwrap_or_else(|| panic!("{name} not found: {data}"));
    (
        edge["node"]["id"].as_str().expect("id").to_string(),
        edge["node"]["version"].as_i64().expect("version"),
    )
}

#[tokio::test]
async fn every_insats_is_found_by_search_without_diacritics() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let all = app
        .data_as(Some(&admin), FIND, json!({ "first": 100 }))
        .await;
    let all_names = names(&all);
    assert!(
        all_names.len() >= 39,
        "the demo dataset's insatser: {}",
        all_names.len()
    );
    for name in &all_names {
        let plain = fold(name);
        assert!(
            plain.is_ascii() || plain.chars().all(|c| !"åäöéü".contains(c)),
            "{plain}"
        );
        let found = app
            .data_as(
                Some(&admin),
                FIND,
                json!({ "filter": { "search": plain }, "first": 100 }),
            )
            .await;
        assert!(
            names(&found).contains(name),
            "searching {plain:?} did not find {name:?}"
        );
    }
    for form in ["vasteras", "VÄSTERÅS", "Va\u{308}stera\u{30a}s"] {
        let found = app
            .data(FIND, json!({ "filter": { "search": form }, "first": 100 }))
            .await;
        assert!(
            names(&found).contains(&"Samordningsteam Västerås".to_string()),
            "{form}"
        );
    }
    // LIKE wildcards in the input are taken literally.
    let percent = app
        .data(FIND, json!({ "filter": { "search": "50 %" } }))
        .await;
    assert_eq!(
        names(&percent),
        ["SpiK"],
        "its description mentions a 50 % position"
    );
    let underscore = app
        .data(FIND, json!({ "filter": { "search": "5_ %" } }))
        .await;
    assert_eq!(underscore["insatser"]["totalCount"], 0);
}

const DETAIL: &str = r#"query($id: ID!) { insats(id: $id) {
  name startsOn originalEndsOn endsOn extended status orientation category ageMin ageMax capacityYearPlaces targetParticipants allocatedSek
  extensions { previousEndsOn newEndsOn decidedOn }
  budgets { year budgetSek spentSek spentThrough utilisationPercent }
  goals { description targetPercent horizonMonths }
  outcomes { periodFrom periodTo municipality participants { value suppressed } participantsWomen { value suppressed }
             participantsMen { value suppressed } closures { value suppressed }
             closuresByReason { work { value suppressed } studies { value suppressed } notInfluenceable { value } other { value } }
             shareToWorkOrStudiesPercent note }
  decisions { amountSek text meeting { heldOn forbund { slug } } }
  carriedOverTo { forbund { slug } }
  version
} }"#;

#[tokio::test]
async fn periods_money_and_outcomes_of_the_facts() {
    let app = TestApp::spawn().await;
    let member = app.token(&[Role::Member], Some("varend"));

    let (jobbfokus, _) = id_of(&app, None, "JobbFokus 2.0/SPIRA", "vasteras").await;
    let data = app.data(DETAIL, json!({ "id": jobbfokus })).await;
    let j = &data["insats"];
    assert_eq!(j["startsOn"], "2018-09-01");
    assert_eq!(j["originalEndsOn"], "2021-06-30");
    assert_eq!(j["endsOn"], "2022-06-30");
    assert_eq!(j["extended"], true);
    assert_eq!(j["extensions"][0]["newEndsOn"], "2022-06-30");
    assert_eq!(j["ageMin"], 19);
    assert_eq!(j["targetParticipants"], 60);
    assert_eq!(
        j["budgets"],
        Value::Null,
        "anonymous callers see no budgets"
    );
    assert_eq!(j["allocatedSek"], Value::Null);

    let (team, _) = id_of(&app, None, "Samordningsteam Västerås", "vasteras").await;
    let data = app
        .data_as(Some(&member), DETAIL, json!({ "id": team }))
        .await;
    let t = &data["insats"];
    let y2019 = &t["budgets"][0];
    assert_eq!(y2019["year"], 2019);
    assert_eq!(y2019["budgetSek"], 8_054_364);
    assert_eq!(y2019["spentSek"], 3_429_000);
    assert_eq!(
        y2019["utilisationPercent"], 42.6,
        "43 % as the board report rounds it"
    );
    assert_eq!(t["budgets"].as_array().map(Vec::len), Some(4));
    assert_eq!(t["capacityYearPlaces"], 111);
    assert_eq!(t["goals"][2]["targetPercent"], 90.0);
    assert_eq!(t["goals"][2]["horizonMonths"], 18);
    assert_eq!(t["decisions"][0]["amountSek"], 23_841_683);
    assert_eq!(t["carriedOverTo"][0]["forbund"]["slug"], "vastmanland");

    let (halso, _) = id_of(&app, None, "Hälsofrämjande etablering", "varend").await;
    let data = app
        .data_as(Some(&member), DETAIL, json!({ "id": halso }))
        .await;
    let whole = &data["insats"]["outcomes"][0];
    assert_eq!(whole["municipality"], Value::Null);
    assert_eq!(whole["periodTo"], "2020-04-30");
    assert_eq!(whole["participants"]["value"], 72);
    assert_eq!(whole["closures"]["value"], 29);
    assert_eq!(whole["closuresByReason"]["work"]["value"], 4);
    assert_eq!(whole["closuresByReason"]["studies"]["value"], 4);
    assert_eq!(whole["closuresByReason"]["other"]["value"], 15);
    assert_eq!(whole["shareToWorkOrStudiesPercent"], 27.6);
    assert_eq!(data["insats"]["decisions"][0]["amountSek"], 167_000);
}

#[tokio::test]
async fn small_cells_are_hidden_from_other_forbund_and_shown_to_the_owner() {
    let app = TestApp::spawn().await;
    let (halso, _) = id_of(&app, None, "Hälsofrämjande etablering", "varend").await;
    let tingsryd = |data: &Value| {
        data["insats"]["outcomes"]
            .as_array()
            .and_then(|o| {
                o.iter()
                    .find(|r| r["municipality"] == "Tingsryds kommun")
                    .cloned()
            })
            .expect("Tingsryd's row")
    };
    let own = app.token(&[Role::Member], Some("varend"));
    let data = app
        .data_as(Some(&own), DETAIL, json!({ "id": halso }))
        .await;
    let row = tingsryd(&data);
    assert_eq!(
        row["participants"],
        json!({ "value": 4, "suppressed": false })
    );
    assert_eq!(row["participantsWomen"]["value"], 1);
    assert_eq!(row["participantsMen"]["value"], 3);

    let other = app.token(&[Role::Member], Some("vasteras"));
    let data = app
        .data_as(Some(&other), DETAIL, json!({ "id": halso }))
        .await;
    let row = tingsryd(&data);
    assert_eq!(
        row["participants"],
        json!({ "value": null, "suppressed": true })
    );
    assert_eq!(row["participantsWomen"]["suppressed"], true);
    assert_eq!(row["participantsMen"]["suppressed"], true);
    // The total (72) minus the kommuner shown must not give Tingsryd's 4 away.
    let outcomes = data["insats"]["outcomes"].as_array().expect("outcomes");
    let shown: i64 = outcomes
        .iter()
        .filter(|r| !r["municipality"].is_null())
        .filter_map(|r| r["participants"]["value"].as_i64())
        .sum();
    let hidden = outcomes
        .iter()
        .filter(|r| !r["municipality"].is_null() && r["participants"]["suppressed"] == true)
        .count();
    assert!(hidden >= 2, "a second kommun is hidden too");
    assert_ne!(72 - shown, 4);
    // Closures under five (work 4, studies 4) are hidden from others too.
    assert_eq!(outcomes[0]["closuresByReason"]["work"]["suppressed"], true);
    assert_eq!(outcomes[0]["participants"]["value"], 72);
}

const CREATE: &str = r#"mutation($input: CreateInsatsInput!) { createInsats(input: $input) { id name version visibility status forbund { slug } } }"#;
const UPDATE: &str = r#"mutation($id: ID!, $version: Int!, $input: UpdateInsatsInput!) {
  updateInsats(id: $id, version: $version, input: $input) { id name version targetGroup } }"#;

fn new_insats(name: &str) -> Value {
    json!({ "input": {
        "forbund": "varend", "name": name, "orientation": "INDIVIDUAL", "category": "TEAM",
        "targetGroup": "Unga vuxna", "ageMin": 18, "ageMax": 29, "startsOn": "2026-01-01", "endsOn": "2027-12-31",
        "status": "ACTIVE", "visibility": "NETWORK"
    }})
}

/// The search index follows every write: a new insats is found at once, a
/// renamed one by its new name and no longer by its old one, and quotes,
/// which mean something to the index's own query language, are just text.
#[tokio::test]
async fn search_follows_creations_and_renames() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(Some(&editor), CREATE, new_insats("Kvällsöppet \"Steget\""))
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let search = |text: &str| json!({ "filter": { "search": text }, "first": 100 });
    for text in ["kvallsoppet", "ÖPPET \"STEG", "\"steget\""] {
        let found = app.data_as(Some(&editor), FIND, search(text)).await;
        assert_eq!(names(&found), ["Kvällsöppet \"Steget\""], "{text}");
    }
    app.data_as(
        Some(&editor),
        UPDATE,
        json!({ "id": id, "version": 1, "input": { "name": "Nattvandring" } }),
    )
    .await;
    let renamed = app.data_as(Some(&editor), FIND, search("nattvandr")).await;
    assert_eq!(names(&renamed), ["Nattvandring"]);
    let old = app
        .data_as(Some(&editor), FIND, search("kvallsoppet"))
        .await;
    assert_eq!(old["insatser"]["totalCount"], 0, "{old}");
}

/// The index is asked for a search's rarest trigrams only, and the
/// substring test decides: for pieces of every insats's text (three to
/// seven characters, so one to five trigrams, common and rare), the search
/// answers exactly the insatser a scan of the same folded text finds.
#[tokio::test]
async fn search_answers_what_a_scan_of_the_text_answers() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let all = app
        .data_as(
            Some(&admin),
            "{ insatser(first: 100) { edges { node { name description targetGroup } } } }",
            json!({}),
        )
        .await;
    let texts: Vec<(String, String)> = all["insatser"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let n = &e["node"];
            let name = n["name"].as_str().expect("name").to_string();
            let text = finsam_api::domain::insats::search_text(
                &name,
                n["description"].as_str(),
                n["targetGroup"].as_str(),
            );
            (name, text)
        })
        .collect();
    assert!(texts.len() >= 39, "the demo dataset: {}", texts.len());
    let mut probes: Vec<String> = Vec::new();
    for (k, (_, text)) in texts.iter().enumerate() {
        let chars: Vec<char> = text.chars().collect();
        for (j, len) in [3, 4, 5, 7].into_iter().enumerate() {
            let start = (k * 7 + j * 13) % chars.len().saturating_sub(len).max(1);
            let probe: String = chars.iter().skip(start).take(len).collect();
            if probe.chars().count() >= 3 && !probes.contains(&probe) {
                probes.push(probe);
            }
        }
    }
    assert!(probes.len() >= 100, "{} probes", probes.len());
    for probe in &probes {
        // A search is folded like the text (its outer spaces go).
        let folded = fold(probe);
        let mut expected: Vec<&str> = texts
            .iter()
            .filter(|(_, text)| text.contains(folded.as_str()))
            .map(|(name, _)| name.as_str())
            .collect();
        expected.sort_unstable();
        let found = app
            .data_as(
                Some(&admin),
                FIND,
                json!({ "filter": { "search": probe }, "first": 100 }),
            )
            .await;
        let mut got = names(&found);
        got.sort_unstable();
        assert_eq!(got, expected, "searching {probe:?}");
        assert_eq!(found["insatser"]["totalCount"], expected.len(), "{probe:?}");
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_the_first_update_stays() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(Some(&editor), CREATE, new_insats("Samverkansteam Växjö"))
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(created["createInsats"]["version"], 1);
    assert_eq!(created["createInsats"]["forbund"]["slug"], "varend");

    let first = app
        .data_as(
            Some(&editor),
            UPDATE,
            json!({ "id": id, "version": 1, "input": { "targetGroup": "Unga vuxna 18–29" } }),
        )
        .await;
    assert_eq!(first["updateInsats"]["version"], 2);
    let second = app
        .gql_as(
            Some(&editor),
            UPDATE,
            json!({ "id": id, "version": 1, "input": { "targetGroup": "Alla åldrar" } }),
        )
        .await;
    assert_eq!(error_code(&second), "CONFLICT");
    let stored = app
        .data_as(Some(&editor), DETAIL, json!({ "id": id }))
        .await;
    assert_eq!(stored["insats"]["version"], 2);

    let data = app
        .data_as(
            Some(&editor),
            r#"query($id: ID!) { insats(id: $id) { targetGroup } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["insats"]["targetGroup"], "Unga vuxna 18–29");

    // Story 9: two editors record the spring's outcome a minute apart.
    let outcome = r#"mutation($id: ID!, $version: Int!) { recordInsatsOutcome(id: $id, version: $version, outcome: {
        periodFrom: "2026-01-01", periodTo: "2026-06-30", participants: 12, participantsWomen: 7, participantsMen: 5, closures: 3, closuresWork: 2, closuresOther: 1
      }) { version } }"#;
    let saved = app
        .data_as(Some(&editor), outcome, json!({ "id": id, "version": 2 }))
        .await;
    assert_eq!(saved["recordInsatsOutcome"]["version"], 3);
    let colleague = app.token(&[Role::Editor], Some("varend"));
    let late = app
        .gql_as(Some(&colleague), outcome, json!({ "id": id, "version": 2 }))
        .await;
    assert_eq!(error_code(&late), "CONFLICT");
}

#[tokio::test]
async fn each_rule_is_refused_with_the_field_at_fault() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let refused = |body: &Value| (error_code(body).to_string(), error_field(body).to_string());
    let bad = |field: &str| ("BAD_USER_INPUT".to_string(), field.to_string());

    let mut input = new_insats("  ");
    assert_eq!(
        refused(&app.gql_as(Some(&editor), CREATE, input.clone()).await),
        bad("name")
    );
    input["input"]["name"] = json!("x".repeat(301));
    assert_eq!(
        refused(&app.gql_as(Some(&editor), CREATE, input.clone()).await),
        bad("name")
    );
    let mut input = new_insats("Team A");
    input["input"]["endsOn"] = json!("2025-12-31");
    assert_eq!(
        refused(&app.gql_as(Some(&editor), CREATE, input).await),
        bad("endsOn")
    );
    let mut input = new_insats("Team A");
    input["input"]["ageMin"] = json!(40);
    assert_eq!(
        refused(&app.gql_as(Some(&editor), CREATE, input).await),
        bad("ageMin")
    );
    let mut input = new_insats("Team A");
    input["input"]["ageMax"] = json!(121);
    assert_eq!(
        refused(&app.gql_as(Some(&editor), CREATE, input).await),
        bad("ageMax")
    );
    let mut input = new_insats("Team A");
    input["input"]["allocatedSek"] = json!(-5);
    assert_eq!(
        refused(&app.gql_as(Some(&editor), CREATE, input).await),
        bad("allocatedSek")
    );
    let mut input = new_insats("Team A");
    input["input"]["forbund"] = json!("atlantis");
    // Värend's editor has no right there, whether or not it exists; for one
    // who may write anywhere, the förbund is the field at fault.
    assert_eq!(
        error_code(&app.gql_as(Some(&editor), CREATE, input.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&app.gql_as(Some(&app.network_admin()), CREATE, input).await),
        bad("forbund")
    );

    let created = app
        .data_as(Some(&editor), CREATE, new_insats("Team A"))
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let budget = r#"mutation($id: ID!) { setInsatsBudget(id: $id, version: 1, year: 2026, budgetSek: -1) { version } }"#;
    assert_eq!(
        refused(&app.gql_as(Some(&editor), budget, json!({ "id": id })).await),
        bad("budgetSek")
    );
    let goal = r#"mutation($id: ID!) { addInsatsGoal(id: $id, version: 1, description: "Steg", targetPercent: 101) { version } }"#;
    assert_eq!(
        refused(&app.gql_as(Some(&editor), goal, json!({ "id": id })).await),
        bad("targetPercent")
    );
    let outcome = r#"mutation($id: ID!) { recordInsatsOutcome(id: $id, version: 1, outcome: {
        periodTo: "2026-06-30", participants: 10, closures: 11 }) { version } }"#;
    assert_eq!(
        refused(
            &app.gql_as(Some(&editor), outcome, json!({ "id": id }))
                .await
        ),
        bad("closures")
    );
    let by_reason = r#"mutation($id: ID!) { recordInsatsOutcome(id: $id, version: 1, outcome: {
        periodTo: "2026-06-30", participants: 10, closures: 3, closuresWork: 2, closuresStudies: 2 }) { version } }"#;
    assert_eq!(
        refused(
            &app.gql_as(Some(&editor), by_reason, json!({ "id": id }))
                .await
        ),
        bad("closures")
    );
    let carry =
        r#"mutation($id: ID!) { carryOverInsats(id: $id, version: 1, to: "vasteras") { id } }"#;
    assert_eq!(
        refused(&app.gql_as(Some(&editor), carry, json!({ "id": id })).await),
        bad("to")
    );

    let stored = app
        .data_as(Some(&editor), DETAIL, json!({ "id": id }))
        .await;
    assert_eq!(
        stored["insats"]["version"], 1,
        "no refused change was written"
    );
    assert_eq!(stored["insats"]["budgets"], json!([]));
    assert_eq!(stored["insats"]["outcomes"], json!([]));
}

#[tokio::test]
async fn a_private_insats_is_hidden_until_shared() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let mut input = new_insats("Hemlig förstudie");
    input["input"]["visibility"] = json!("PRIVATE");
    let created = app.data_as(Some(&editor), CREATE, input).await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();

    let outsider = app.token(&[Role::Member], Some("vasteras"));
    let by_id = r#"query($id: ID!) { insats(id: $id) { name } }"#;
    assert_eq!(
        app.data_as(Some(&outsider), by_id, json!({ "id": id }))
            .await["insats"],
        Value::Null
    );
    assert_eq!(
        app.data_as(Some(&outsider), by_id, json!({ "id": "999999" }))
            .await["insats"],
        Value::Null,
        "a hidden insats answers like a missing one"
    );
    let listed = app
        .data_as(
            Some(&outsider),
            FIND,
            json!({ "filter": { "search": "hemlig" } }),
        )
        .await;
    assert_eq!(listed["insatser"]["totalCount"], 0);
    let update = app
        .gql_as(
            Some(&outsider),
            UPDATE,
            json!({ "id": id, "version": 1, "input": { "name": "x" } }),
        )
        .await;
    assert_eq!(error_code(&update), "NOT_FOUND");
    let missing = app
        .gql_as(
            Some(&outsider),
            UPDATE,
            json!({ "id": "999999", "version": 1, "input": { "name": "x" } }),
        )
        .await;
    assert_eq!(error_code(&missing), "NOT_FOUND");

    let share = r#"mutation($id: ID!) { shareInsats(id: $id, version: 1, visibility: PRIVATE, with: ["vasteras"]) { version sharedWith { slug } } }"#;
    let shared = app.data_as(Some(&editor), share, json!({ "id": id })).await;
    assert_eq!(shared["shareInsats"]["sharedWith"][0]["slug"], "vasteras");
    assert_eq!(
        app.data_as(Some(&outsider), by_id, json!({ "id": id }))
            .await["insats"]["name"],
        "Hemlig förstudie"
    );
    let listed = app
        .data_as(
            Some(&outsider),
            FIND,
            json!({ "filter": { "search": "hemlig" } }),
        )
        .await;
    assert_eq!(listed["insatser"]["totalCount"], 1);
    let third = app.token(&[Role::Member], Some("sodra-dalarna"));
    assert_eq!(
        app.data_as(Some(&third), by_id, json!({ "id": id })).await["insats"],
        Value::Null
    );
    assert_eq!(
        app.data(by_id, json!({ "id": id })).await["insats"],
        Value::Null
    );

    // A member (not editor) of the owner may read but not change it.
    let member = app.token(&[Role::Member], Some("varend"));
    let refused = app
        .gql_as(
            Some(&member),
            UPDATE,
            json!({ "id": id, "version": 2, "input": { "name": "x" } }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
}

#[tokio::test]
async fn the_lansforbund_sees_its_carried_over_insatser_with_their_history() {
    let app = TestApp::spawn().await;
    let member = app.token(&[Role::Member], Some("vastmanland"));
    // Story 1: young adults, active today.
    let q = r#"query($on: Date) { forbund(slug: "vastmanland") {
        own: insatser(first: 100) { totalCount }
        all: insatser(includePredecessors: true, first: 100) { totalCount }
        young: insatser(first: 100, filter: { activeOn: $on, age: 25 }) { edges { node {
            name targetGroup capacityYearPlaces carriedOverFrom { forbund { slug } endsOn } budgets(year: 2026) { budgetSek } } } }
    } }"#;
    let data = app
        .data_as(Some(&member), q, json!({ "on": "2026-11-23" }))
        .await;
    let f = &data["forbund"];
    assert_eq!(
        f["own"]["totalCount"], 12,
        "carried over from the three predecessors"
    );
    assert_eq!(f["all"]["totalCount"], 12 + 10 + 7 + 2);
    let young = f["young"]["edges"].as_array().expect("edges");
    assert_eq!(young.len(), 1);
    assert_eq!(young[0]["node"]["name"], "Samordningsteam Västerås");
    assert_eq!(young[0]["node"]["capacityYearPlaces"], 111);
    assert_eq!(
        young[0]["node"]["carriedOverFrom"]["forbund"]["slug"],
        "vasteras"
    );
    assert_eq!(young[0]["node"]["budgets"], json!([]));

    // A carry-over through the API goes to the successor only.
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let (pima, version) = id_of(&app, Some(&editor), "PIMA", "vasteras").await;
    let carried = app
        .data_as(
            Some(&editor),
            r#"mutation($id: ID!, $v: Int!) { carryOverInsats(id: $id, version: $v, to: "vastmanland") {
                forbund { slug } status carriedOverFrom { name status } } }"#,
            json!({ "id": pima, "v": version }),
        )
        .await;
    assert_eq!(carried["carryOverInsats"]["forbund"]["slug"], "vastmanland");
    assert_eq!(
        carried["carryOverInsats"]["carriedOverFrom"]["status"],
        "CARRIED_OVER"
    );
}

#[tokio::test]
async fn lists_filter_and_order_with_stable_pages() {
    let app = TestApp::spawn().await;
    let member = app.token(&[Role::Member], Some("vasteras"));
    let teams = app
        .data(FIND, json!({ "filter": { "forbund": ["sodra-dalarna", "varend"], "category": ["TEAM"] }, "first": 50 }))
        .await;
    assert_eq!(
        names(&teams),
        [
            "Samverkansteam Avesta",
            "Samverkansteam Kraften Hedemora",
            "Samverkansteam Säter"
        ]
    );
    let structural = app
        .data(
            FIND,
            json!({ "filter": { "forbund": ["varend"], "orientation": ["STRUCTURAL"] } }),
        )
        .await;
    assert_eq!(names(&structural), ["Min Bok", "SpiK"]);
    let ended_early = app
        .data(FIND, json!({ "filter": { "status": ["ENDED_EARLY"] } }))
        .await;
    assert_eq!(
        names(&ended_early),
        ["Hälsofrämjande etablering – utökad målgrupp"]
    );
    let in_2019 = app
        .data(
            FIND,
            json!({ "filter": { "forbund": ["vasteras"], "activeOn": "2019-06-01" }, "first": 50 }),
        )
        .await;
    assert!(names(&in_2019).contains(&"JobbFokus 2.0/SPIRA".to_string()));
    assert!(
        !names(&in_2019).contains(&"PIMA".to_string()),
        "PIMA ended 2018"
    );

    // By budget, largest first, two at a time: the same order as one page.
    let order = json!({ "field": "BUDGET", "direction": "DESC" });
    let whole = app
        .data_as(Some(&member), FIND, json!({ "order": order, "first": 100 }))
        .await;
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .data_as(
                Some(&member),
                FIND,
                json!({ "order": order, "first": 2, "after": after }),
            )
            .await;
        paged.extend(names(&page));
        if page["insatser"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["insatser"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(paged, names(&whole));
    assert_eq!(paged[0], "Samordningsteam Västerås", "the largest budget");
    let mismatched = app
        .gql(
            FIND,
            json!({ "first": 2, "after": after, "order": { "field": "NAME" } }),
        )
        .await;
    assert_eq!(error_code(&mismatched), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_board_calendar_across_forbund_and_its_decisions() {
    let app = TestApp::spawn().await;
    let autumn = app
        .data(
            r#"{ meetings(from: "2020-08-01", to: "2020-12-31") { heldOn startsAt place forbund { slug } } }"#,
            json!({}),
        )
        .await;
    let days: Vec<&str> = autumn["meetings"]
        .as_array()
        .expect("meetings")
        .iter()
        .map(|m| m["heldOn"].as_str().expect("day"))
        .collect();
    assert_eq!(days, ["2020-09-04", "2020-09-25"]);
    let vasteras_2021 = app
        .data(
            r#"{ meetings(from: "2021-01-01", to: "2021-12-31", forbund: ["vasteras"]) { heldOn startsAt endsAt place } }"#,
            json!({}),
        )
        .await;
    let meetings = vasteras_2021["meetings"].as_array().expect("meetings");
    assert_eq!(meetings.len(), 8);
    assert_eq!(meetings[0]["heldOn"], "2021-02-12");
    assert_eq!(meetings[0]["endsAt"], "15:30");
    assert_eq!(meetings[1]["endsAt"], "15:00");

    // Story 6: the decision that granted the group-leader course its money.
    let (course, _) = id_of(
        &app,
        None,
        "Lösningsfokuserad gruppledarutbildning 3",
        "sodra-dalarna",
    )
    .await;
    // Money is for signed-in callers, a grant's like any other.
    let anonymous = app.data(DETAIL, json!({ "id": course })).await;
    assert_eq!(
        anonymous["insats"]["decisions"][0]["amountSek"],
        Value::Null
    );
    let member = app.token(&[Role::Member], Some("varend"));
    let data = app
        .data_as(Some(&member), DETAIL, json!({ "id": course }))
        .await;
    let decision = &data["insats"]["decisions"][0];
    assert_eq!(decision["amountSek"], 136_000);
    assert_eq!(decision["meeting"]["heldOn"], "2021-03-08");

    let editor = app.token(&[Role::Editor], Some("sodra-dalarna"));
    let created = app
        .data_as(
            Some(&editor),
            // Times as Swedish writes them ("9.00") or as HH:MM.
            r#"mutation { createMeeting(input: { forbund: "sodra-dalarna", heldOn: "2026-12-07", startsAt: "9.00", endsAt: "12:00", place: "Avesta", paragraphFrom: 40, paragraphTo: 52 }) { id version startsAt endsAt } }"#,
            json!({}),
        )
        .await;
    assert_eq!(created["createMeeting"]["startsAt"], "09:00");
    assert_eq!(created["createMeeting"]["endsAt"], "12:00");
    let meeting = created["createMeeting"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let decided = app
        .data_as(
            Some(&editor),
            r#"mutation($m: ID!, $i: ID!) { recordDecision(meeting: $m, version: 1, input: { paragraph: 44, text: "Förlänger kursen", amountSek: 50000, insats: $i }) { amountSek insats { name } meeting { version } } }"#,
            json!({ "m": meeting, "i": course }),
        )
        .await;
    assert_eq!(
        decided["recordDecision"]["insats"]["name"],
        "Lösningsfokuserad gruppledarutbildning 3"
    );
    assert_eq!(decided["recordDecision"]["meeting"]["version"], 2);
    let outside = app
        .gql_as(
            Some(&editor),
            r#"mutation($m: ID!) { recordDecision(meeting: $m, version: 2, input: { paragraph: 60, text: "x" }) { id } }"#,
            json!({ "m": meeting }),
        )
        .await;
    assert_eq!(error_field(&outside), "paragraph");
    let member = app.token(&[Role::Member], Some("sodra-dalarna"));
    let refused = app
        .gql_as(
            Some(&member),
            r#"mutation { createMeeting(input: { forbund: "sodra-dalarna", heldOn: "2026-12-14" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
}

/// SQL statements the server ran for one request, read from `/metrics`.
async fn statements_for(app: &TestApp, token: &str, query: &str, variables: Value) -> u64 {
    let read = |text: String| {
        text.lines()
            .find(|l| l.starts_with("finsam_db_statements_total "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .expect("the statement counter")
    };
    let before = read(app.metrics().await);
    let body = app.gql_as(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    let after = read(app.metrics().await);
    after - before
}

#[tokio::test]
async fn a_page_costs_the_same_statements_for_10_or_100_insatser() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    // Enough insatser for a full page of 100, in one batched request.
    let batch: Vec<Value> = (0..70)
        .map(|i| json!({ "query": CREATE, "variables": new_insats(&format!("Testteam {i:03}")) }))
        .collect();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&editor)
        .json(&batch)
        .send()
        .await
        .expect("batch");
    let created: Vec<Value> = response.json().await.expect("batch answers");
    assert!(
        created.iter().all(|r| r.get("errors").is_none()),
        "{:?}",
        created.first()
    );

    let page = r#"query($first: Int) { insatser(first: $first) { edges { node {
        name forbund { slug name } budgets { year budgetSek utilisationPercent } goals { description }
        outcomes { participants { value } } sharedWith { slug }
        carriedOverFrom { name } carriedOverTo { name } } } } }"#;
    let admin = app.network_admin();
    // Owners and shares come from the reference snapshot, which the first
    // request to need it loads once for the whole process (six statements
    // that no later page repeats): load it before counting.
    statements_for(&app, &admin, page, json!({ "first": 1 })).await;
    let ten = statements_for(&app, &admin, page, json!({ "first": 10 })).await;
    let hundred = statements_for(&app, &admin, page, json!({ "first": 100 })).await;
    assert_eq!(ten, hundred, "statements do not grow with the page");
    assert!(hundred <= 8, "{hundred} statements");
}

#[tokio::test]
async fn of_concurrent_saves_on_one_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(Some(&editor), CREATE, new_insats("Samtidigt sparad"))
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let saves = (0..8).map(|i| {
        let (app, editor, id) = (&app, editor.clone(), id.clone());
        async move {
            app.gql_as(
                Some(&editor),
                UPDATE,
                json!({ "id": id, "version": 1, "input": { "targetGroup": format!("Version {i}") } }),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(saves).await;
    let won: Vec<&Value> = answers
        .iter()
        .filter(|a| a.get("errors").is_none())
        .collect();
    let conflicts = answers
        .iter()
        .filter(|a| a["errors"][0]["extensions"]["code"] == "CONFLICT")
        .count();
    assert_eq!(won.len(), 1, "{answers:?}");
    assert_eq!(conflicts, 7, "every other save is told it changed under it");
    let stored = app
        .data_as(
            Some(&editor),
            r#"query($id: ID!) { insats(id: $id) { version targetGroup } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["insats"]["version"], 2);
    assert_eq!(
        stored["insats"]["targetGroup"],
        won[0]["data"]["updateInsats"]["targetGroup"]
    );
}

#[tokio::test]
async fn a_goal_can_be_added_and_removed() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(Some(&editor), CREATE, new_insats("Målstyrt team"))
        .await;
    let id = created["createInsats"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let added = app
        .data_as(
            Some(&editor),
            r#"mutation($id: ID!) { addInsatsGoal(id: $id, version: 1, description: "Stegförflyttning", targetPercent: 80, horizonMonths: 6) {
                version goals { id description targetPercent horizonMonths } } }"#,
            json!({ "id": id }),
        )
        .await;
    let goal = &added["addInsatsGoal"]["goals"][0];
    assert_eq!(goal["targetPercent"], 80.0);
    assert_eq!(goal["horizonMonths"], 6);
    let removed = app
        .data_as(
            Some(&editor),
            r#"mutation($id: ID!, $g: ID!) { removeInsatsGoal(id: $id, version: 2, goal: $g) { version goals { id } } }"#,
            json!({ "id": id, "g": goal["id"] }),
        )
        .await;
    assert_eq!(removed["removeInsatsGoal"]["version"], 3);
    assert_eq!(removed["removeInsatsGoal"]["goals"], json!([]));
    let again = app
        .gql_as(
            Some(&editor),
            r#"mutation($id: ID!, $g: ID!) { removeInsatsGoal(id: $id, version: 3, goal: $g) { version } }"#,
            json!({ "id": id, "g": goal["id"] }),
        )
        .await;
    assert_eq!(error_field(&again), "goal");
}

#[tokio::test]
async fn a_meeting_is_corrected_on_its_version() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let meeting = app
        .data(
            r#"{ meetings(from: "2020-09-04", to: "2020-09-04") { id version place } }"#,
            json!({}),
        )
        .await;
    let id = meeting["meetings"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(meeting["meetings"][0]["place"], "Alvesta");
    let update = r#"mutation($id: ID!, $v: Int!, $f: String!) { updateMeeting(id: $id, version: $v, input: {
        forbund: $f, heldOn: "2020-09-04", startsAt: "09:00", endsAt: "12:00", place: "Alvesta kommunhus" }) { version place startsAt } }"#;
    let done = app
        .data_as(
            Some(&editor),
            update,
            json!({ "id": id, "v": 1, "f": "varend" }),
        )
        .await;
    assert_eq!(
        done["updateMeeting"],
        json!({ "version": 2, "place": "Alvesta kommunhus", "startsAt": "09:00" })
    );
    let stale = app
        .gql_as(
            Some(&editor),
            update,
            json!({ "id": id, "v": 1, "f": "varend" }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let moved = app
        .gql_as(
            Some(&editor),
            update,
            json!({ "id": id, "v": 2, "f": "vasteras" }),
        )
        .await;
    assert_eq!(error_field(&moved), "forbund");
}

/// Pages read insatser, budgets and goals by column position rather than
/// by name (`service::columns`): every row of the demo catalogue reads the
/// same both ways, NULLs and all, on each database.
#[tokio::test]
async fn rows_read_by_position_equal_rows_read_by_name() {
    use finsam_api::service::insats::{BudgetLine, GoalLine, Listed};
    use finsam_entity::{insats, insats_budget, insats_goal};
    use sea_orm::{EntityTrait, QueryOrder};

    let app = TestApp::spawn().await;
    let db = &app.state.service().db;
    let by_name = insats::Entity::find()
        .order_by_asc(insats::Column::Id)
        .all(db)
        .await
        .expect("insatser by name");
    let by_position: Vec<insats::Model> = insats::Entity::find()
        .order_by_asc(insats::Column::Id)
        .into_model::<Listed>()
        .all(db)
        .await
        .expect("insatser by position")
        .into_iter()
        .map(|l| l.0)
        .collect();
    assert!(by_name.len() >= 39);
    // Both kinds of value in the optional columns, or the comparison
    // proves little.
    assert!(by_name.iter().any(|i| i.starts_on.is_none()));
    assert!(by_name.iter().any(|i| i.starts_on.is_some()));
    assert!(by_name.iter().any(|i| i.carried_over_from_id.is_some()));
    assert_eq!(by_position, by_name);

    let budgets: Vec<BudgetLine> = insats_budget::Entity::find()
        .order_by_asc(insats_budget::Column::Id)
        .all(db)
        .await
        .expect("budgets")
        .into_iter()
        .map(|b| BudgetLine {
            insats_id: b.insats_id,
            year: b.year,
            budget_sek: b.budget_sek,
            spent_sek: b.spent_sek,
            spent_through: b.spent_through,
        })
        .collect();
    let read = insats_budget::Entity::find()
        .order_by_asc(insats_budget::Column::Id)
        .into_partial_model::<BudgetLine>()
        .all(db)
        .await
        .expect("budget lines");
    assert!(budgets.iter().any(|b| b.spent_sek.is_none()));
    assert!(budgets.iter().any(|b| b.spent_sek.is_some()));
    assert_eq!(read, budgets);

    let goals: Vec<GoalLine> = insats_goal::Entity::find()
        .order_by_asc(insats_goal::Column::Id)
        .all(db)
        .await
        .expect("goals")
        .into_iter()
        .map(|g| GoalLine {
            id: g.id,
            insats_id: g.insats_id,
            description: g.description,
            target_percent: g.target_percent,
            horizon_months: g.horizon_months,
        })
        .collect();
    let read = insats_goal::Entity::find()
        .order_by_asc(insats_goal::Column::Id)
        .into_partial_model::<GoalLine>()
        .all(db)
        .await
        .expect("goal lines");
    assert_eq!(read, goals);
}
