//! A förbund's finances and the report its board receives, made from the
//! data: Västerås's half-year report through August 2019 as the paper has
//! it, with its own sums disagreeing; the report as a PDF, a spreadsheet
//! and CSV files; an unpublished period kept to the förbund's own staff;
//! and the rules of a budget, its lines and its contributions.

use crate::common::{TestApp, error_code, error_field};
use calamine::{Data, Reader, Xlsx};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const REPORT: &str = r#"query($f: String!, $y: Int!, $t: Date) {
  financeReport(forbund: $f, year: $y, through: $t) {
    id version title published publishedOn through
    finances {
      year contributionsSek equityBroughtForwardSek outcomeThrough
      totals { budgetSek outcomeSek plan1Sek plan2Sek shareUsedPercent }
      groups { group budgetSek outcomeSek }
      lines { name group insatsId budgetSek outcomeSek plan1Sek }
      equity { year planned contributionsSek broughtForwardSek availableSek usedSek afterSek warning }
    }
    figures { figure year computed reported difference }
    disagreements { figure year computed reported difference }
    sections { key heading paragraphs tables { key caption rows { kind cells { text value hidden } } } }
    downloads { pdf xlsx csv { table url } }
  } }"#;

fn tkr(v: &Value) -> i64 {
    (v.as_f64().expect("an amount") / 1000.0).round() as i64
}

fn figure<'a>(rows: &'a Value, figure: &str, year: i64) -> &'a Value {
    rows.as_array()
        .and_then(|r| {
            r.iter()
                .find(|f| f["figure"] == figure && f["year"] == year)
        })
        .unwrap_or_else(|| panic!("no {figure} {year} in {rows}"))
}

async fn vasteras_2019(app: &TestApp, token: Option<&str>) -> Value {
    app.data_as(
        token,
        REPORT,
        json!({ "f": "vasteras", "y": 2019, "t": "2019-08-31" }),
    )
    .await["financeReport"]
        .clone()
}

#[tokio::test]
async fn vasteras_through_august_2019_as_the_paper_has_it_and_where_it_disagrees() {
    let app = TestApp::spawn().await;
    // Published: anyone reads it, signed in or not.
    let r = vasteras_2019(&app, None).await;
    assert_eq!(r["published"], true);
    assert_eq!(r["title"], "Halvårsrapport januari–augusti 2019");
    let f = &r["finances"];
    assert_eq!(
        f["lines"].as_array().map(Vec::len),
        Some(24),
        "every line of the table"
    );
    let totals = &f["totals"];
    assert_eq!(tkr(&totals["budgetSek"]), 15_027);
    assert_eq!(totals["outcomeSek"], 6_072_500, "6 072,5 tkr");
    assert_eq!(
        totals["shareUsedPercent"].as_f64().map(f64::round),
        Some(40.0)
    );
    assert_eq!(totals["plan1Sek"], 14_716_000);
    assert_eq!(totals["plan2Sek"], 12_540_000);
    assert_eq!(f["contributionsSek"], 13_392_000);
    assert_eq!(f["equityBroughtForwardSek"], 6_778_000);
    assert_eq!(f["outcomeThrough"], "2019-08-31");
    let groups = f["groups"].as_array().expect("groups");
    let sums: Vec<(String, i64, i64)> = groups
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap_or("").to_string(),
                tkr(&g["budgetSek"]),
                g["outcomeSek"].as_i64().unwrap_or(0) / 100,
            )
        })
        .collect();
    assert_eq!(
        sums,
        vec![
            ("INSATSER".into(), 13_468, 53_440),
            ("BOARD".into(), 181, 1_030),
            ("ADMINISTRATION".into(), 1_378, 6_255),
        ],
        "the groups' sums as facts.md adds them"
    );
    // An insats line is its insats's budget: one source.
    let team = f["lines"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["name"] == "Samordningsteam Västerås"))
        .expect("the team's line");
    assert!(team["insatsId"].is_string());
    assert_eq!(team["budgetSek"], 8_054_364, "the insats's own 2019 budget");
    assert_eq!(team["outcomeSek"], 3_429_000);
    assert_eq!(team["plan1Sek"], 8_100_000, "the board's plan for 2020");

    // The paper's sums against the computed ones: both kept, both shown.
    let d = &r["disagreements"];
    let available = figure(d, "AVAILABLE", 2019);
    assert_eq!(available["reported"], 20_177_000);
    assert_eq!(available["computed"], 20_170_000);
    assert_eq!(available["difference"], 7_000);
    let used = figure(d, "EQUITY_USED", 2019);
    assert_eq!(used["reported"], 1_628_000);
    assert_eq!(tkr(&used["computed"]), 1_635);
    assert_eq!(tkr(&figure(d, "EQUITY_AFTER", 2019)["computed"]), 5_143);
    // Where they agree there is no difference to show.
    let contributions = figure(&r["figures"], "CONTRIBUTIONS", 2019);
    assert_eq!(contributions["reported"], contributions["computed"]);
    assert!(contributions["difference"].is_null());
    assert!(
        d.as_array()
            .is_some_and(|d| d.iter().all(|x| x["figure"] != "CONTRIBUTIONS")),
        "{d}"
    );
    // The forecast chain: each year brings forward what the last left.
    let equity = f["equity"].as_array().expect("equity");
    assert_eq!(equity.len(), 3);
    assert_eq!(equity[1]["broughtForwardSek"], equity[0]["afterSek"]);
    assert_eq!(equity[1]["contributionsSek"], 12_052_000);
    assert_eq!(tkr(&equity[2]["afterSek"]), 1_255);
    assert!(equity.iter().all(|e| e["warning"].is_null()));

    // No report of a förbund in a year outside its life: Västmanland's
    // länsförbund was founded in 2024, Västerås dissolved at the end of 2023.
    for (f, y) in [("vastmanland", 2019), ("vasteras", 2024)] {
        let outside = app
            .data_as(
                Some(&app.network_admin()),
                REPORT,
                json!({ "f": f, "y": y, "t": null }),
            )
            .await;
        assert!(outside["financeReport"].is_null(), "{f} {y}: {outside}");
    }

    // The report in the seed's order, in Swedish.
    let keys: Vec<&str> = r["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "budget",
            "medel",
            "redovisat",
            "insatser",
            "indikatorer",
            "befolkning"
        ]
    );
    let text = r["sections"].to_string();
    for words in [
        "Nyttjandegraden av medlen t.o.m. 31 augusti 2019 är 40\u{a0}%.",
        "Prognos 2019: 13\u{a0}392 tkr + eget kapital 6\u{a0}778 tkr = 20\u{a0}170 tkr.",
        "Västerås",
        "Västmanlands län",
    ] {
        assert!(text.contains(words), "{words:?} not in the report");
    }
}

/// Text as a person reads it: any run of white space (a no-break space
/// between thousands) as one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_report_goes_out_as_pdf_spreadsheet_and_csv_with_the_same_numbers() {
    let app = TestApp::spawn().await;
    let r = vasteras_2019(&app, None).await;
    let links = &r["downloads"];

    let xlsx = app.get(links["xlsx"].as_str().expect("a link")).await;
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .contains("spreadsheetml")
    );
    let bytes = xlsx.bytes().await.expect("the workbook").to_vec();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX file");
    let sheets = book.sheet_names().to_vec();
    assert!(sheets.len() >= 5, "one sheet per table: {sheets:?}");
    let budget = book.worksheet_range("budget").expect("the budget sheet");
    let total = budget
        .rows()
        .find(|row| matches!(&row[0], Data::String(s) if s == "Summa"))
        .expect("the total row");
    let number = |c: &Data| match c {
        Data::Float(v) => *v,
        Data::Int(v) => *v as f64,
        other => panic!("a number, not {other:?}"),
    };
    assert_eq!(number(&total[1]).round(), 15_027.0);
    assert_eq!(number(&total[2]), 6_072.5);
    assert_eq!(number(&total[3]).round(), 40.0);
    assert_eq!(number(&total[4]), 14_716.0);
    assert_eq!(number(&total[5]), 12_540.0);
    let stated = book
        .worksheet_range("redovisat")
        .expect("the stated figures");
    let stated_numbers: Vec<f64> = stated
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::Float(v) => Some(*v),
            _ => None,
        })
        .collect();
    for v in [20_177.0, 20_170.0, 1_628.0] {
        assert!(stated_numbers.contains(&v), "{v} in {stated_numbers:?}");
    }

    let pdf = app.get(links["pdf"].as_str().expect("a link")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.expect("the PDF").to_vec();
    let text = words(&pdf_extract::extract_text_from_mem(&bytes).expect("the PDF's text"));
    for expected in [
        "Samordningsförbundet Västerås",
        "Budget och utfall t.o.m. 31 augusti 2019",
        "15 027",
        "6 072,5",
        "14 716",
        "12 540",
        "13 392",
        "6 778",
        "20 177",
        "20 170",
        "1 628",
        "1 635",
        "Insatsredovisning",
        "Befolkning med ersättning",
        "Sida 1 av",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }

    let csv = links["csv"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["table"] == "budget"))
        .and_then(|c| c["url"].as_str())
        .expect("the budget's CSV");
    let csv = app.get(csv).await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("the CSV");
    assert!(
        text.starts_with('\u{feff}'),
        "Excel reads UTF-8 by its mark"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Summa;15027,364;6072,5;")),
        "{text}"
    );
}

const SAVE_YEAR: &str = r#"mutation($i: FinanceYearInput!, $v: Int) {
  saveFinanceYear(input: $i, version: $v) {
    version contributionsSek memberContributions { member amountSek sharePercent }
    contributionShares { statePercent departsFromLaw }
    equity { year afterSek warning } } }"#;
const ADD_LINE: &str = r#"mutation($i: BudgetLineInput!) {
  createBudgetLine(input: $i) { id version name budgetSek outcomeSek outcomeThrough shareUsedPercent } }"#;
const SAVE_REPORT: &str = r#"mutation($i: FinanceReportInput!, $v: Int) {
  saveFinanceReport(input: $i, version: $v) { id version published publishedOn disagreements { figure difference } } }"#;

#[tokio::test]
async fn an_unpublished_period_is_the_forbunds_own_until_its_board_has_it() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    app.data_as(
        Some(&editor),
        SAVE_YEAR,
        json!({ "i": { "forbund": "varend", "year": 2026, "contributionsSek": 4_000_000, "equityBroughtForwardSek": 900_000 } }),
    )
    .await;
    app.data_as(
        Some(&editor),
        ADD_LINE,
        json!({ "i": { "forbund": "varend", "year": 2026, "group": "ADMINISTRATION", "name": "Förbundschef", "budgetSek": 1_200_000, "outcomeSek": 600_000, "outcomeThrough": "2026-06-30" } }),
    )
    .await;
    let vars = json!({ "f": "varend", "y": 2026, "t": "2026-06-30" });
    let path = "/forbund/varend/rapport.pdf?ar=2026&tom=2026-06-30";
    let member = app.token(&[Role::Member], Some("varend"));
    let other = app.token(&[Role::Editor], Some("vasteras"));
    let analyst = app.token(&[Role::Analyst], None);
    // The förbund's own staff and the network read it; nobody else, by
    // any way in, and a refusal looks like a report that is not there.
    for (token, sees) in [
        (Some(member.as_str()), true),
        (Some(editor.as_str()), true),
        (Some(app.network_admin()).as_deref(), true),
        (None, false),
        (Some(other.as_str()), false),
        (Some(analyst.as_str()), false),
    ] {
        let r = app.data_as(token, REPORT, vars.clone()).await;
        assert_eq!(!r["financeReport"].is_null(), sees, "{token:?}: {r}");
        let year = app
            .data_as(
                token,
                r#"{ forbund(slug: "varend") { finances(year: 2026) { totals { budgetSek } } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            !year["forbund"]["finances"].is_null(),
            sees,
            "{token:?}: {year}"
        );
        for in_session in [false, true] {
            let file = app.get_as(token, path, in_session).await;
            assert_eq!(file.status() == 200, sees, "{token:?} {path}");
            if !sees {
                assert_eq!(file.status(), 404);
            }
        }
    }
    let own = app.data_as(Some(&member), REPORT, vars.clone()).await;
    assert_eq!(own["financeReport"]["published"], false);
    assert!(
        own["financeReport"]["id"].is_null(),
        "no report is stored yet"
    );
    assert_eq!(
        tkr(&own["financeReport"]["finances"]["equity"][0]["afterSek"]),
        3_700
    );

    // The board receives it: a public document from then on.
    let saved = app
        .data_as(
            Some(&editor),
            SAVE_REPORT,
            json!({ "i": { "forbund": "varend", "year": 2026, "through": "2026-06-30", "publishedOn": "2026-09-04",
              "reportedFigures": [{ "figure": "EQUITY_AFTER", "year": 2026, "value": 3_650_000 }] } }),
        )
        .await["saveFinanceReport"]
        .clone();
    assert_eq!(saved["published"], true);
    assert_eq!(saved["disagreements"][0]["difference"], -50_000);
    let public = app.data_as(None, REPORT, vars.clone()).await;
    assert_eq!(public["financeReport"]["publishedOn"], "2026-09-04");
    assert_eq!(app.get(path).await.status(), 200);

    // It stays published; a stale version is a conflict; neither changes it.
    let unpublish = app
        .gql_as(
            Some(&editor),
            SAVE_REPORT,
            json!({ "i": { "forbund": "varend", "year": 2026, "through": "2026-06-30" }, "v": saved["version"] }),
        )
        .await;
    assert_eq!(error_code(&unpublish), "BAD_USER_INPUT");
    assert_eq!(
        unpublish["errors"][0]["extensions"]["rule"],
        "REPORT_PUBLISHED_STAYS"
    );
    let stale = app
        .gql_as(
            Some(&editor),
            SAVE_REPORT,
            json!({ "i": { "forbund": "varend", "year": 2026, "through": "2026-06-30", "published": true }, "v": 0 }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let again = app.data_as(None, REPORT, vars).await;
    assert_eq!(again["financeReport"]["version"], saved["version"]);
    assert_eq!(again["financeReport"]["published"], true);
}

#[tokio::test]
async fn a_budget_keeps_its_rules_and_an_insats_line_reads_its_insats() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let insats = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Budgeterad insats", visibility: PUBLIC }) { id } }"#,
            json!({}),
        )
        .await["createInsats"]["id"]
        .clone();
    app.data_as(
        Some(&editor),
        "mutation($id: ID!) { setInsatsBudget(id: $id, version: 1, year: 2026, budgetSek: 500000, spentSek: 125000, spentThrough: \"2026-04-30\") { id } }",
        json!({ "id": insats }),
    )
    .await;
    let refused = |body: &Value| {
        (
            error_code(body).to_string(),
            error_field(body).to_string(),
            body["errors"][0]["extensions"]["rule"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        )
    };
    let line = |extra: Value| {
        let mut i = json!({ "forbund": "varend", "year": 2026, "group": "INSATSER", "name": "Insatsens rad", "insats": insats });
        for (k, v) in extra.as_object().expect("fields") {
            i[k] = v.clone();
        }
        json!({ "i": i })
    };
    // An insats line takes no amounts of its own: they are the insats's.
    let twice = app
        .gql_as(Some(&editor), ADD_LINE, line(json!({ "budgetSek": 1 })))
        .await;
    assert_eq!(
        refused(&twice),
        (
            "BAD_USER_INPUT".into(),
            "budgetSek".into(),
            "INSATS_LINE_AMOUNTS".into()
        )
    );
    let added = app.data_as(Some(&editor), ADD_LINE, line(json!({}))).await;
    let added = &added["createBudgetLine"];
    assert_eq!(added["budgetSek"], 500_000);
    assert_eq!(added["outcomeSek"], 125_000);
    assert_eq!(added["outcomeThrough"], "2026-04-30");
    assert_eq!(added["shareUsedPercent"], 25.0);
    // Change the insats's budget, and the line says so: nothing was copied.
    let insats_version = app
        .data_as(
            Some(&editor),
            "query($id: ID!) { insats(id: $id) { version } }",
            json!({ "id": insats }),
        )
        .await["insats"]["version"]
        .clone();
    app.data_as(
        Some(&editor),
        "mutation($id: ID!, $v: Int!) { setInsatsBudget(id: $id, version: $v, year: 2026, budgetSek: 600000, spentSek: 300000, spentThrough: \"2026-08-31\") { id } }",
        json!({ "id": insats, "v": insats_version }),
    )
    .await;
    let year = app
        .data_as(
            Some(&editor),
            r#"{ forbund(slug: "varend") { finances(year: 2026) { lines { name budgetSek outcomeSek } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        year["forbund"]["finances"]["lines"][0]["budgetSek"],
        600_000
    );
    // The same insats twice in a year's budget, an insats of another
    // förbund, an outcome without its day, a day in another year.
    let again = app
        .gql_as(Some(&editor), ADD_LINE, line(json!({ "name": "Igen" })))
        .await;
    assert_eq!(refused(&again).2, "BUDGET_LINE_TAKEN");
    let pima = app
        .data(
            r#"{ insatser(filter: { search: "PIMA", forbund: ["vasteras"] }) { edges { node { id } } } }"#,
            json!({}),
        )
        .await["insatser"]["edges"][0]["node"]["id"]
        .clone();
    let foreign = app
        .gql_as(
            Some(&editor),
            ADD_LINE,
            line(json!({ "name": "Lånad", "insats": pima })),
        )
        .await;
    assert_eq!(
        refused(&foreign),
        (
            "BAD_USER_INPUT".into(),
            "insats".into(),
            "INSATS_NOT_OWN".into()
        )
    );
    let plain = |extra: Value| {
        let mut i = json!({ "forbund": "varend", "year": 2026, "group": "BOARD", "name": "Revision", "budgetSek": 50000 });
        for (k, v) in extra.as_object().expect("fields") {
            i[k] = v.clone();
        }
        json!({ "i": i })
    };
    let undated = app
        .gql_as(Some(&editor), ADD_LINE, plain(json!({ "outcomeSek": 10 })))
        .await;
    assert_eq!(refused(&undated).2, "OUTCOME_DATE_REQUIRED");
    let elsewhere = app
        .gql_as(
            Some(&editor),
            ADD_LINE,
            plain(json!({ "outcomeSek": 10, "outcomeThrough": "2025-12-31" })),
        )
        .await;
    assert_eq!(
        refused(&elsewhere),
        (
            "BAD_USER_INPUT".into(),
            "outcomeThrough".into(),
            "DATE_OUTSIDE_YEAR".into()
        )
    );

    // Contributions: in all or per member, never both; per member they
    // show the law's halves, and a year that departs from them is flagged.
    let both = app
        .gql_as(
            Some(&editor),
            SAVE_YEAR,
            json!({ "i": { "forbund": "varend", "year": 2026, "contributionsSek": 1,
              "memberContributions": [{ "member": "Växjö kommun", "amountSek": 1 }] } }),
        )
        .await;
    assert_eq!(refused(&both).2, "CONTRIBUTIONS_TWICE");
    let stranger = app
        .gql_as(
            Some(&editor),
            SAVE_YEAR,
            json!({ "i": { "forbund": "varend", "year": 2026,
              "memberContributions": [{ "member": "Region Dalarna", "amountSek": 1 }] } }),
        )
        .await;
    assert_eq!(refused(&stranger).2, "MEMBER_UNKNOWN");
    let split = |fk: i64| {
        json!({ "i": { "forbund": "varend", "year": 2026, "equityBroughtForwardSek": 100_000, "equityCeilingSek": 200_000,
          "contributionsPlan1Sek": 0,
          "memberContributions": [
            { "member": "Försäkringskassan", "amountSek": fk },
            { "member": "Region Kronoberg", "amountSek": 250_000 },
            { "member": "Växjö kommun", "amountSek": 250_000 } ] } })
    };
    let lawful =
        app.data_as(Some(&editor), SAVE_YEAR, split(500_000)).await["saveFinanceYear"].clone();
    assert_eq!(lawful["contributionsSek"], 1_000_000);
    assert_eq!(lawful["contributionShares"]["statePercent"], 50.0);
    assert_eq!(lawful["contributionShares"]["departsFromLaw"], false);
    // 100 000 brought in + 1 000 000 − 600 000 spent = 500 000: above the ceiling.
    assert_eq!(lawful["equity"][0]["afterSek"], 500_000);
    assert_eq!(lawful["equity"][0]["warning"], "ABOVE_CEILING");
    let mut off = split(300_000);
    off["v"] = lawful["version"].clone();
    let off = app.data_as(Some(&editor), SAVE_YEAR, off).await["saveFinanceYear"].clone();
    assert_eq!(off["contributionShares"]["departsFromLaw"], true);
    // A concurrent change: the version read is stale.
    let stale = app.gql_as(Some(&editor), SAVE_YEAR, split(500_000)).await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale}");
    // The year reads back at the version last written.
    let lines = app
        .data_as(
            Some(&editor),
            r#"{ forbund(slug: "varend") { finances(year: 2026) { version equity { year warning } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(lines["forbund"]["finances"]["version"], off["version"]);
}

#[tokio::test]
async fn a_budget_file_loads_whole_or_not_at_all_and_names_the_line_at_fault() {
    use finsam_api::auth::Caller;
    use finsam_api::import::{Kind, import};
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("finsam-budget-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let header =
        "forbund,year,group,name,budgetSek,outcomeSek,outcomeThrough,plan1Sek,plan2Sek,insats\n";
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}varend,2026,BOARD,Revision,\"48 000\",\"52 000\",2026-08-31,50000,50000,\n\
             varend,2026,BOARD,Konferenser,90000,22000,,90000,90000,\n"
        ),
    )
    .expect("write");
    let err = import(
        app.state.service(),
        &Caller::command_line(),
        Kind::Budget,
        &bad,
    )
    .await
    .expect_err("refused");
    assert!(
        err.to_string().contains("line 3, column outcomeThrough"),
        "{err}"
    );
    let none = app
        .data_as(
            Some(&app.network_admin()),
            r#"{ forbund(slug: "varend") { finances(year: 2026) { lines { name } } } }"#,
            json!({}),
        )
        .await;
    assert!(
        none["forbund"]["finances"].is_null(),
        "nothing loaded: {none}"
    );

    let unknown = dir.join("unknown.csv");
    std::fs::write(
        &unknown,
        format!("{header}varend,2026,INSATSER,Min rad,,,,,,Finns inte\n"),
    )
    .expect("write");
    let err = import(
        app.state.service(),
        &Caller::command_line(),
        Kind::Budget,
        &unknown,
    )
    .await
    .expect_err("refused");
    assert!(err.to_string().contains("line 2, column insats"), "{err}");

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{header}varend,2026,BOARD,Revision,\"48 000\",\"52 000\",2026-08-31,50000,50000,\n\
             varend,2026,INSATSER,Min Bok,,,,120000,,Min Bok\n"
        ),
    )
    .expect("write");
    let written = import(
        app.state.service(),
        &Caller::command_line(),
        Kind::Budget,
        &good,
    )
    .await
    .expect("loaded");
    assert_eq!(written, 2);
    // Loading it again replaces the lines, it does not add them twice.
    import(
        app.state.service(),
        &Caller::command_line(),
        Kind::Budget,
        &good,
    )
    .await
    .expect("loaded again");
    let year = app
        .data_as(
            Some(&app.network_admin()),
            r#"{ forbund(slug: "varend") { finances(year: 2026) { lines { name group insatsId budgetSek outcomeSek plan1Sek } } } }"#,
            json!({}),
        )
        .await;
    let lines = year["forbund"]["finances"]["lines"]
        .as_array()
        .expect("lines");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["name"], "Min Bok");
    assert!(
        lines[0]["insatsId"].is_string(),
        "named by its name, linked by id"
    );
    assert_eq!(lines[0]["plan1Sek"], 120_000);
    assert_eq!(
        lines[1]["budgetSek"], 48_000,
        "spaces between thousands read"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The report's population section reads every member kommun with its
/// county and the country in the same statements whether the förbund has
/// one kommun on record or three: no statement per kommun.
#[tokio::test]
async fn the_reports_population_costs_the_same_for_one_kommun_or_three() {
    use crate::common::statements_for;
    use finsam_api::auth::Caller;
    use finsam_api::import::{Kind, import};
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("finsam-population-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let header = "area,areaName,areaKind,parent,year,gender,sicknessBenefit,sicknessActivityCompensation,unemployment,labourMarketProgrammes,socialAssistance,establishmentBenefit,total,population20To64,sharePercent,source\n";
    let row = |code: &str, name: &str, kind: &str, parent: &str, total: u32| {
        format!("{code},{name},{kind},{parent},2020,TOTAL,1,1,1,1,1,1,{total},20000,,test\n")
    };
    // A file written and imported as `finsam import population` does.
    let load = async |name: &str, rows: String| {
        let path = dir.join(name);
        std::fs::write(&path, format!("{header}{rows}")).expect("write");
        import(
            app.state.service(),
            &Caller::command_line(),
            Kind::PopulationSupport,
            &path,
        )
        .await
        .expect("loaded");
    };
    load(
        "avesta.csv",
        row("20", "Dalarnas län", "COUNTY", "00", 30000)
            + &row("2084", "Avesta", "MUNICIPALITY", "20", 2100),
    )
    .await;
    let query = r#"{ financeReport(forbund: "sodra-dalarna", year: 2020) { sections { key tables { rows { cells { text } } } } } }"#;
    let admin = app.network_admin();
    let one = statements_for(&app, Some(&admin), query, json!({})).await;
    load(
        "others.csv",
        row("2083", "Hedemora", "MUNICIPALITY", "20", 1500)
            + &row("2082", "Säter", "MUNICIPALITY", "20", 900),
    )
    .await;
    let three = statements_for(&app, Some(&admin), query, json!({})).await;
    assert_eq!(one, three, "statements for one kommun and for three");
    let report = app.data_as(Some(&admin), query, json!({})).await;
    let population = report["financeReport"]["sections"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["key"] == "befolkning"))
        .expect("the population section")
        .to_string();
    for area in ["Avesta", "Hedemora", "Säter", "Dalarnas län"] {
        assert!(population.contains(area), "{area}: {population}");
    }
}

/// A page of förbund, each with its finances and its reports, costs the
/// statements of one förbund: the finances of every förbund on the page are
/// read together (`graphql::loaders::finance`), and each caller still sees
/// only what it may (a published year for anyone, its own for its staff).
#[tokio::test]
async fn a_page_of_forbund_reads_its_finances_in_the_statements_of_one() {
    use crate::common::statements_for;
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    app.data_as(
        Some(&editor),
        SAVE_YEAR,
        json!({ "i": { "forbund": "varend", "year": 2019, "contributionsSek": 4_000_000 } }),
    )
    .await;
    let fields = "slug finances(year: 2019) { year totals { budgetSek } } financeReports(fromYear: 2018, toYear: 2019) { year published }";
    let one = format!(r#"{{ forbund(slug: "vasteras") {{ {fields} }} }}"#);
    let page = format!("{{ forbundList(first: 20) {{ edges {{ node {{ {fields} }} }} }} }}");
    let admin = app.network_admin();
    let alone = statements_for(&app, Some(&admin), &one, json!({})).await;
    let all = statements_for(&app, Some(&admin), &page, json!({})).await;
    assert!(alone > 0, "finances are read");
    assert_eq!(alone, all, "statements for one förbund and for the page");

    let with_finances = async |token: Option<&str>| -> Vec<String> {
        let data = app.data_as(token, &page, json!({})).await;
        data["forbundList"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["node"])
            .filter(|n| !n["finances"].is_null())
            .map(|n| n["slug"].as_str().unwrap_or_default().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    // Västerås's 2019 is published; Värend's is its own until its board
    // has a report on it.
    assert_eq!(with_finances(None).await, ["vasteras"]);
    assert_eq!(with_finances(Some(&editor)).await, ["varend", "vasteras"]);
    assert_eq!(with_finances(Some(&admin)).await, ["varend", "vasteras"]);
    let public = app.data_as(None, &one, json!({})).await;
    let reports = public["forbund"]["financeReports"]
        .as_array()
        .expect("reports");
    assert!(!reports.is_empty(), "{public}");
    assert!(reports.iter().all(|r| r["published"] == true), "{public}");
}
