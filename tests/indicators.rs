//! Indicators end to end: a hand-made set of 14 indicators over two years,
//! the comparisons worked out by hand, who sees what of the network, the
//! population on benefits of the facts, and the CSV import.

use crate::common;

use common::{TestApp, error_code, error_field};
use finsam_api::auth::{Caller, Role};
use finsam_api::import::{Kind, import};
use serde_json::{Value, json};

/// Hand-made values in years the demo dataset does not use: 2030 values, 2030
/// national averages (none for I14), 2029 values (none for I13).
const V2030: [f64; 14] = [
    70.0, 65.0, 80.0, 55.0, 60.0, 75.0, 90.0, 50.0, 62.0, 58.0, 71.0, 66.0, 64.0, 77.0,
];
const NAT2030: [Option<f64>; 14] = [
    Some(60.0),
    Some(65.0),
    Some(70.0),
    Some(60.0),
    Some(50.0),
    Some(70.0),
    Some(60.0),
    Some(55.0),
    Some(60.0),
    Some(50.0),
    Some(70.0),
    Some(60.0),
    Some(60.0),
    None,
];
const V2029: [Option<f64>; 14] = [
    Some(72.0),
    Some(60.0),
    Some(85.0),
    Some(57.0),
    Some(60.0),
    Some(80.0),
    Some(88.0),
    Some(55.0),
    Some(65.0),
    Some(60.0),
    Some(70.0),
    Some(60.0),
    None,
    Some(70.0),
];

async fn load_indicators(app: &TestApp) {
    let admin = app.network_admin();
    for i in 1..=14 {
        let kind = if i <= 10 { "PROCESS" } else { "EFFECT" };
        app.data_as(
            Some(&admin),
            r#"mutation($input: IndicatorInput!) { defineIndicator(input: $input) { code } }"#,
            json!({ "input": { "code": format!("I{i}"), "number": i, "name": format!("Indikator {i}"), "level": "PARTICIPANT", "kind": kind } }),
        )
        .await;
    }
    let mut rows = Vec::new();
    for i in 0..14 {
        let code = format!("I{}", i + 1);
        rows.push(json!({ "indicator": code, "year": 2030, "value": V2030[i], "respondents": 30 }));
        if let Some(v) = V2029[i] {
            rows.push(json!({ "indicator": code, "year": 2029, "value": v, "respondents": 28 }));
        }
    }
    // Women and men for two indicators; few women answered I6.
    rows.push(json!({ "indicator": "I6", "year": 2030, "gender": "WOMEN", "value": 80.0, "respondents": 3 }));
    rows.push(json!({ "indicator": "I6", "year": 2030, "gender": "MEN", "value": 68.0, "respondents": 27 }));
    rows.push(json!({ "indicator": "I4", "year": 2030, "gender": "WOMEN", "value": 50.0, "respondents": 15 }));
    rows.push(json!({ "indicator": "I4", "year": 2030, "gender": "MEN", "value": 61.0, "respondents": 15 }));
    let sodra_admin = app.token(&[Role::Admin], Some("sodra-dalarna"));
    let written = app
        .data_as(
            Some(&sodra_admin),
            r#"mutation($rows: [IndicatorResultInput!]!) { upsertIndicatorResults(forbund: "sodra-dalarna", rows: $rows) }"#,
            json!({ "rows": rows }),
        )
        .await;
    assert_eq!(written["upsertIndicatorResults"], 31);
    let averages: Vec<Value> = NAT2030
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.map(|v| json!({ "indicator": format!("I{}", i + 1), "year": 2030, "value": v, "forbundCount": 36 })))
        .collect();
    app.data_as(
        Some(&admin),
        r#"mutation($rows: [NationalAverageInput!]!) { upsertNationalAverages(rows: $rows) }"#,
        json!({ "rows": averages }),
    )
    .await;
}

const COMPARISON: &str = r#"query { indicatorComparison(forbund: "sodra-dalarna", year: 2030) {
  summary { measured withNationalAverage atOrAboveNational belowNational withoutNationalAverage
            withPreviousYear higherThanPreviousYear lowerThanPreviousYear unchangedFromPreviousYear withoutPreviousYear suppressed }
  rows { indicator { code } value { value suppressed synthetic } nationalAverage difference atOrAboveNational
         previousYear { value } change women { value suppressed } men { value } womenMenGap }
} }"#;

fn row<'a>(data: &'a Value, code: &str) -> &'a Value {
    data["indicatorComparison"]["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["indicator"]["code"] == code))
        .unwrap_or_else(|| panic!("no row {code}"))
}

#[tokio::test]
async fn a_board_reads_its_comparison_worked_out_by_hand() {
    let app = TestApp::spawn().await;
    load_indicators(&app).await;
    let member = app.token(&[Role::Member], Some("sodra-dalarna"));
    let data = app.data_as(Some(&member), COMPARISON, json!({})).await;
    // Story 3: at or above on 11 of 13 with an average; lower than last year on 7.
    assert_eq!(
        data["indicatorComparison"]["summary"],
        json!({
            "measured": 14, "withNationalAverage": 13, "atOrAboveNational": 11, "belowNational": 2,
            "withoutNationalAverage": 1, "withPreviousYear": 13, "higherThanPreviousYear": 5,
            "lowerThanPreviousYear": 7, "unchangedFromPreviousYear": 1, "withoutPreviousYear": 1, "suppressed": 0
        })
    );
    let i1 = row(&data, "I1");
    assert_eq!(
        i1["value"]["synthetic"], false,
        "recorded without a synthetic source"
    );
    assert_eq!(i1["difference"], 10.0);
    assert_eq!(i1["change"], -2.0);
    assert_eq!(i1["atOrAboveNational"], true);
    assert_eq!(
        row(&data, "I2")["atOrAboveNational"],
        true,
        "equal to the average counts as at"
    );
    assert_eq!(row(&data, "I4")["difference"], -5.0);
    assert_eq!(row(&data, "I4")["womenMenGap"], -11.0);
    assert_eq!(row(&data, "I6")["womenMenGap"], 12.0);
    let i14 = row(&data, "I14");
    assert_eq!(
        i14["nationalAverage"],
        Value::Null,
        "reported as missing, not as zero"
    );
    assert_eq!(i14["atOrAboveNational"], Value::Null);
    assert_eq!(i14["change"], 7.0);
    assert_eq!(row(&data, "I13")["previousYear"], Value::Null);

    // Outside the förbund, the women's cell of I6 (3 answers) is hidden, and so is the gap.
    let other = app.token(&[Role::Member], Some("varend"));
    let data = app.data_as(Some(&other), COMPARISON, json!({})).await;
    assert_eq!(
        row(&data, "I6")["women"],
        json!({ "value": null, "suppressed": true })
    );
    assert_eq!(row(&data, "I6")["womenMenGap"], Value::Null);
    assert_eq!(row(&data, "I1")["value"]["value"], 70.0);

    let trend = app
        .data(
            r#"{ indicatorTrend(forbund: "sodra-dalarna", indicator: "I1", from: 2028, to: 2030) { year value { value } nationalAverage } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        trend["indicatorTrend"],
        json!([
            { "year": 2028, "value": null, "nationalAverage": null },
            { "year": 2029, "value": { "value": 72.0 }, "nationalAverage": null },
            { "year": 2030, "value": { "value": 70.0 }, "nationalAverage": 60.0 }
        ])
    );
}

async fn load_network(app: &TestApp) {
    load_indicators(app).await;
    let admin = app.network_admin();
    for (slug, value, respondents) in [
        ("varend", 80.0, 40),
        ("vastmanland", 70.0, 25),
        ("sundbyberg", 60.0, 12),
        ("sodertalje", 90.0, 4),
    ] {
        app.data_as(
            Some(&admin),
            r#"mutation($f: String!, $rows: [IndicatorResultInput!]!) { upsertIndicatorResults(forbund: $f, rows: $rows) }"#,
            json!({ "f": slug, "rows": [{ "indicator": "I1", "year": 2030, "value": value, "respondents": respondents }] }),
        )
        .await;
    }
}

const NETWORK: &str = r#"{ networkComparison(indicator: "I1", year: 2030) {
  nationalAverage nationalAverageForbundCount forbundCount
  entries { forbund { slug } own rank percentile value respondents }
  distribution { count min q1 median q3 max }
} }"#;

#[tokio::test]
async fn each_role_sees_its_part_of_the_network() {
    let app = TestApp::spawn().await;
    load_network(&app).await;

    // Story 4: the analyst ranks every förbund, named, ties sharing a rank.
    let analyst = app.token(&[Role::Analyst], None);
    let data = app.data_as(Some(&analyst), NETWORK, json!({})).await;
    let n = &data["networkComparison"];
    assert_eq!(n["nationalAverage"], 60.0);
    assert_eq!(n["nationalAverageForbundCount"], 36);
    assert_eq!(n["forbundCount"], 5);
    let ranked: Vec<(String, i64, f64)> = n["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["forbund"]["slug"].as_str().unwrap_or("?").to_string(),
                e["rank"].as_i64().unwrap_or(0),
                e["percentile"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            ("sodertalje".to_string(), 1, 100.0),
            ("varend".to_string(), 2, 80.0),
            ("sodra-dalarna".to_string(), 3, 60.0),
            ("vastmanland".to_string(), 3, 60.0),
            ("sundbyberg".to_string(), 5, 20.0)
        ]
    );
    assert_eq!(
        n["distribution"],
        json!({ "count": 5, "min": 60.0, "q1": 70.0, "median": 70.0, "q3": 80.0, "max": 90.0 })
    );
    let admin = app.network_admin();
    assert_eq!(
        app.data_as(Some(&admin), NETWORK, json!({})).await,
        data,
        "network_admin sees what the analyst sees"
    );

    // A member sees its own förbund named among anonymous ranks; the small cell (4 answers) is left out.
    let member = app.token(&[Role::Member], Some("sodra-dalarna"));
    let data = app.data_as(Some(&member), NETWORK, json!({})).await;
    let n = &data["networkComparison"];
    let entries = n["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 4);
    let named: Vec<&Value> = entries.iter().filter(|e| !e["forbund"].is_null()).collect();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0]["forbund"]["slug"], "sodra-dalarna");
    assert_eq!(named[0]["own"], true);
    assert_eq!(named[0]["rank"], 2);
    assert_eq!(
        n["distribution"],
        json!({ "count": 4, "min": 60.0, "q1": 67.5, "median": 70.0, "q3": 72.5, "max": 80.0 })
    );

    // Anonymous callers get the average and the distribution only.
    let data = app.data(NETWORK, json!({})).await;
    let n = &data["networkComparison"];
    assert_eq!(n["entries"], json!([]));
    assert_eq!(n["nationalAverage"], 60.0);
    assert_eq!(n["distribution"]["median"], 70.0);
}

#[tokio::test]
async fn bad_batches_name_the_row_and_write_nothing() {
    let app = TestApp::spawn().await;
    load_indicators(&app).await;
    let sodra_admin = app.token(&[Role::Admin], Some("sodra-dalarna"));
    let mutation = r#"mutation($rows: [IndicatorResultInput!]!) { upsertIndicatorResults(forbund: "sodra-dalarna", rows: $rows) }"#;
    let body = app
        .gql_as(
            Some(&sodra_admin),
            mutation,
            json!({ "rows": [
                { "indicator": "I1", "year": 2021, "value": 50.0 },
                { "indicator": "I2", "year": 2021, "value": 150.0 }
            ] }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(error_field(&body), "rows[1].value");
    let body = app
        .gql_as(
            Some(&sodra_admin),
            mutation,
            json!({ "rows": [{ "indicator": "NOPE", "year": 2021, "value": 50.0 }] }),
        )
        .await;
    assert_eq!(error_field(&body), "rows[0].indicator");
    let trend = app
        .data(r#"{ indicatorTrend(forbund: "sodra-dalarna", indicator: "I1", from: 2021, to: 2021) { value { value } } }"#, json!({}))
        .await;
    assert_eq!(
        trend["indicatorTrend"][0]["value"],
        Value::Null,
        "nothing of the refused batch was written"
    );

    let member = app.token(&[Role::Member], Some("sodra-dalarna"));
    let body = app
        .gql_as(
            Some(&member),
            mutation,
            json!({ "rows": [{ "indicator": "I1", "year": 2021, "value": 50.0 }] }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let other_admin = app.token(&[Role::Admin], Some("varend"));
    let body = app
        .gql_as(
            Some(&other_admin),
            mutation,
            json!({ "rows": [{ "indicator": "I1", "year": 2021, "value": 50.0 }] }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn a_csv_import_with_one_bad_line_loads_nothing_and_names_it() {
    let app = TestApp::spawn().await;
    load_indicators(&app).await;
    let dir = std::env::temp_dir().join(format!("finsam-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("results.csv");
    std::fs::write(
        &bad,
        "forbund,indicator,year,gender,value,respondents,source\n\
         varend,I1,2030,TOTAL,81.5,40,synthetic example\n\
         varend,I2,2030,TOTAL,abc,40,synthetic example\n\
         varend,I3,2030,TOTAL,70,40,synthetic example\n",
    )
    .expect("write");
    let err = import(
        app.state.service(),
        &Caller::command_line(),
        Kind::IndicatorResults,
        &bad,
    )
    .await
    .expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("line 3") && message.contains("column value"),
        "{message}"
    );

    let out_of_range = dir.join("range.csv");
    std::fs::write(
        &out_of_range,
        "forbund,indicator,year,gender,value,respondents,source\n\
         varend,I1,2030,TOTAL,81.5,40,synthetic example\n\
         varend,I2,2030,TOTAL,70,40,synthetic example\n\
         varend,I3,2030,TOTAL,170,40,synthetic example\n",
    )
    .expect("write");
    let err = import(
        app.state.service(),
        &Caller::command_line(),
        Kind::IndicatorResults,
        &out_of_range,
    )
    .await
    .expect_err("refused");
    assert!(err.to_string().contains("line 4, column value"), "{err}");
    let analyst = app.token(&[Role::Analyst], None);
    let data = app.data_as(Some(&analyst), NETWORK, json!({})).await;
    assert_eq!(
        data["networkComparison"]["forbundCount"], 1,
        "only Södra Dalarna: nothing of the files loaded"
    );

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "forbund,indicator,year,gender,value,respondents,source\nvarend,I1,2030,TOTAL,\"81,5\",40,synthetic example\n",
    )
    .expect("write");
    let written = import(
        app.state.service(),
        &Caller::command_line(),
        Kind::IndicatorResults,
        &good,
    )
    .await
    .expect("loaded");
    assert_eq!(written, 1);
    let data = app.data_as(Some(&analyst), NETWORK, json!({})).await;
    assert_eq!(
        data["networkComparison"]["entries"][0]["value"], 81.5,
        "a decimal comma reads as a decimal"
    );
    let audit = app
        .data_as(
            Some(&app.network_admin()),
            r#"{ auditLog(first: 1) { edges { node { operation actor { sub } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        audit["auditLog"]["edges"][0]["node"]["operation"],
        "upsertIndicatorResults"
    );
    assert!(
        audit["auditLog"]["edges"][0]["node"]["actor"]["sub"]
            .as_str()
            .is_some_and(|s| s.starts_with("cli:"))
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn population_on_benefits_of_the_facts() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ populationSupport(area: "Västerås", year: 2018) {
                area { code name } sharePercent population20To64 total { total }
                comparison { area { name kind } sharePercent }
            } sweden: populationSupport(area: "00", year: 2018) {
                benefits { benefit total women men womenSharePercent }
            } series: populationSupportSeries(area: "vasteras") { year sharePercent } }"#,
            json!({}),
        )
        .await;
    let v = &data["populationSupport"];
    assert_eq!(v["area"]["code"], "1980");
    assert_eq!(v["sharePercent"], 15.2);
    assert_eq!(v["population20To64"], 86708);
    assert_eq!(v["total"]["total"], 13198.0);
    assert_eq!(v["comparison"][0]["area"]["name"], "Västmanlands län");
    assert_eq!(v["comparison"][0]["sharePercent"], 15.8);
    assert_eq!(v["comparison"][1]["area"]["kind"], "COUNTRY");
    assert_eq!(v["comparison"][1]["sharePercent"], 13.3);
    let sickness = &data["sweden"]["benefits"][0];
    assert_eq!(sickness["benefit"], "SICKNESS_BENEFIT");
    assert_eq!(sickness["women"], 99229.0);
    assert_eq!(sickness["womenSharePercent"], 64.6);
    let years: Vec<i64> = data["series"]
        .as_array()
        .expect("series")
        .iter()
        .filter_map(|p| p["year"].as_i64())
        .collect();
    assert_eq!(years, [2016, 2017, 2018]);
    assert_eq!(data["series"][0]["sharePercent"], 16.5);
}

#[tokio::test]
async fn key_figures_of_the_facts_and_their_comparison() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ forbund(slug: "sodra-dalarna") { keyFigures { year participants closures shareToWorkOrStudiesPercent meanMonthsInInsats } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["forbund"]["keyFigures"],
        json!([
            { "year": 2019, "participants": null, "closures": null, "shareToWorkOrStudiesPercent": 47.0, "meanMonthsInInsats": null },
            { "year": 2020, "participants": 164, "closures": 68, "shareToWorkOrStudiesPercent": 66.0, "meanMonthsInInsats": 18.0 }
        ])
    );
    let admin = app.token(&[Role::Admin], Some("varend"));
    app.data_as(
        Some(&admin),
        r#"mutation { setKeyFigures(input: { forbund: "varend", year: 2020, participants: 72, closures: 29, shareToWorkOrStudiesPercent: 27.6, source: "synthetic example" }) { year } }"#,
        json!({}),
    )
    .await;
    let analyst = app.token(&[Role::Analyst], None);
    let data = app
        .data_as(
            Some(&analyst),
            r#"{ keyFigureComparison(year: 2020, figure: SHARE_TO_WORK_OR_STUDIES) { forbundCount entries { forbund { slug } rank value } distribution { median } } }"#,
            json!({}),
        )
        .await;
    let c = &data["keyFigureComparison"];
    assert_eq!(c["forbundCount"], 2);
    assert_eq!(c["entries"][0]["forbund"]["slug"], "sodra-dalarna");
    assert_eq!(c["entries"][0]["value"], 66.0);
    assert_eq!(c["entries"][1]["rank"], 2);
    assert_eq!(c["distribution"]["median"], 46.8);
}

#[tokio::test]
async fn recording_again_replaces_the_value() {
    let app = TestApp::spawn().await;
    load_indicators(&app).await;
    let sodra_admin = app.token(&[Role::Admin], Some("sodra-dalarna"));
    app.data_as(
        Some(&sodra_admin),
        r#"mutation { upsertIndicatorResults(forbund: "sodra-dalarna", rows: [{ indicator: "I1", year: 2030, value: 73.5, respondents: 31 }]) }"#,
        json!({}),
    )
    .await;
    app.data_as(
        Some(&app.network_admin()),
        r#"mutation { upsertNationalAverages(rows: [{ indicator: "I1", year: 2030, value: 61.0, forbundCount: 37 }]) }"#,
        json!({}),
    )
    .await;
    let member = app.token(&[Role::Member], Some("sodra-dalarna"));
    let data = app.data_as(Some(&member), COMPARISON, json!({})).await;
    let i1 = row(&data, "I1");
    assert_eq!(i1["value"]["value"], 73.5);
    assert_eq!(i1["nationalAverage"], 61.0);
    assert_eq!(i1["difference"], 12.5);
    assert_eq!(
        data["indicatorComparison"]["summary"]["measured"], 14,
        "replaced, not added"
    );
    use finsam_entity::indicator_result;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let stored = indicator_result::Entity::find()
        .filter(indicator_result::Column::Year.eq(2030))
        .filter(indicator_result::Column::Value.eq(73.5))
        .one(&app.state.service().db)
        .await
        .expect("query")
        .expect("the replaced row");
    assert_eq!(stored.version, 2, "a replaced row's version moves on");
    assert_eq!(stored.respondents, Some(31));
}

#[tokio::test]
async fn a_definition_changes_only_on_its_version() {
    let app = TestApp::spawn().await;
    let admin = app.network_admin();
    let define = r#"mutation($v: Int, $n: String!) { defineIndicator(input: { code: "X6", number: 106, name: $n, level: PARTICIPANT, kind: EFFECT }, version: $v) { name version } }"#;
    let first = app
        .data_as(
            Some(&admin),
            define,
            json!({ "n": "Övergång efter avslut" }),
        )
        .await;
    assert_eq!(first["defineIndicator"]["version"], 1);
    let unversioned = app
        .gql_as(Some(&admin), define, json!({ "n": "Utan version" }))
        .await;
    assert_eq!(error_code(&unversioned), "CONFLICT");
    let changed = app
        .data_as(
            Some(&admin),
            define,
            json!({ "v": 1, "n": "The transition after closure" }),
        )
        .await;
    assert_eq!(
        changed["defineIndicator"],
        json!({ "name": "The transition after closure", "version": 2 })
    );
    let stale = app
        .gql_as(Some(&admin), define, json!({ "v": 1, "n": "Gammal" }))
        .await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let listed = app.data("{ indicators { code name } }", json!({})).await;
    let ours: Vec<&Value> = listed["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .filter(|i| i["code"] == "X6")
        .collect();
    assert_eq!(
        ours,
        [&json!({ "code": "X6", "name": "The transition after closure" })]
    );
}

/// The demo dataset's example values for Södra Dalarna agree with what its
/// board was told about 2020, which is stored as reported: the summary the
/// API computes equals the reported one, for anyone who asks.
#[tokio::test]
async fn the_summary_computed_from_the_example_values_equals_the_reported_one() {
    let app = TestApp::spawn().await;
    let query = r#"{ indicatorComparison(forbund: "sodra-dalarna", year: 2020) {
        summary { measured withNationalAverage atOrAboveNational lowerThanPreviousYear suppressed }
        reported { measured atOrAboveNational lowerThanPreviousYear answers answersWomen answersMen source }
        rows { indicator { code } value { value respondents synthetic } nationalAverage women { respondents } men { respondents } }
    } }"#;
    let member = app.token(&[Role::Member], Some("sodra-dalarna"));
    for token in [None, Some(member.as_str())] {
        let data = app.data_as(token, query, json!({})).await;
        let c = &data["indicatorComparison"];
        let (summary, reported) = (&c["summary"], &c["reported"]);
        assert_eq!(reported["measured"], 14);
        assert_eq!(reported["atOrAboveNational"], 12);
        assert_eq!(reported["lowerThanPreviousYear"], 7);
        assert_eq!(summary["measured"], reported["measured"]);
        assert_eq!(summary["withNationalAverage"], reported["measured"]);
        assert_eq!(summary["atOrAboveNational"], reported["atOrAboveNational"]);
        assert_eq!(
            summary["lowerThanPreviousYear"],
            reported["lowerThanPreviousYear"]
        );
        assert_eq!(summary["suppressed"], 0);
        assert_eq!(
            (
                reported["answers"].clone(),
                reported["answersWomen"].clone(),
                reported["answersMen"].clone()
            ),
            (json!(126), json!(52), json!(41))
        );
        let rows = c["rows"].as_array().expect("rows");
        assert!(
            rows.iter().all(|r| r["value"]["synthetic"] == true),
            "every value is an example"
        );
        // Indicator 6 far above the national average; participants answered as 52 women, 41 men.
        let six = rows
            .iter()
            .find(|r| r["indicator"]["code"] == "6")
            .expect("indicator 6");
        let gap = six["value"]["value"].as_f64().expect("value")
            - six["nationalAverage"].as_f64().expect("average");
        assert!(gap > 15.0, "indicator 6 is {gap} above the average");
        assert_eq!(six["women"]["respondents"], 52);
        assert_eq!(six["men"]["respondents"], 41);
    }
}
