//! The throughput runs: finsam-graph's scenarios, and side by side with a
//! server seaography generates over the same tables and the same database
//! (`bench/seaography`), in alternating rounds so that both see the same
//! machine; medians of the rounds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::throughput::{self, Report, Scenario, ServerProcess, free_port};

fn data(a: &Value) -> &Value {
    &a["data"]
}

fn ok(a: &Value) -> bool {
    a.get("errors").is_none() && !data(a).is_null()
}

/// finsam-graph's scenarios (the issue's table and the rest of a day's load).
pub fn finsam_scenarios() -> Vec<Scenario> {
    let s = |name, query: &str, check| Scenario {
        name,
        query: query.to_string(),
        check,
        write_every: None,
        anonymous: false,
        variables: Value::Null,
    };
    let mut list = vec![
        s("{ __typename }", "{ __typename }", |a| {
            data(a)["__typename"] == "Query"
        }),
        s(
            "forbund(slug) { members }",
            r#"{ forbund(slug: "vasteras") { name members { name } } }"#,
            |a| {
                data(a)["forbund"]["members"]
                    .as_array()
                    .is_some_and(|m| m.len() == 4)
            },
        ),
        s(
            "dsoFor + dsoServedBy",
            r#"{ dsoFor(forbund: "sundbyberg", on: "2021-03-01") { contact provider { name } } dsoServedBy(forbund: "sundbyberg", on: "2021-03-01") { recipient { name } } }"#,
            |a| data(a)["dsoFor"]["provider"]["name"] == "Samordningsförbundet Västerås",
        ),
        s(
            "page of 50 insatser with relations",
            r#"{ insatser(first: 50) { edges { node { name forbund { name } budgets { year budgetSek } goals { description } sharedWith { name } } } } }"#,
            |a| {
                data(a)["insatser"]["edges"]
                    .as_array()
                    .is_some_and(|e| e.len() == 50)
            },
        ),
        // The same page as an app asks it, with a variable: never a kept
        // answer, so every request runs the page's statements and fields.
        Scenario {
            variables: json!({ "first": 50 }),
            ..s(
                PAGE_AFRESH,
                r#"query Page($first: Int) { insatser(first: $first) { edges { node { name forbund { name } budgets { year budgetSek } goals { description } sharedWith { name } } } } }"#,
                |a| {
                    data(a)["insatser"]["edges"]
                        .as_array()
                        .is_some_and(|e| e.len() == 50)
                },
            )
        },
        Scenario {
            anonymous: true,
            ..s(
                "public catalogue: a page of 20, anonymous",
                r#"{ insatser(first: 20) { totalCount edges { node { name forbund { name } } } } }"#,
                |a| {
                    data(a)["insatser"]["edges"]
                        .as_array()
                        .is_some_and(|e| e.len() == 20)
                },
            )
        },
        Scenario {
            anonymous: true,
            ..s(
                "public catalogue by start date, anonymous",
                r#"{ insatser(first: 20, orderBy: { field: START_DATE, direction: DESC }) { edges { node { name startsOn } } } }"#,
                |a| {
                    data(a)["insatser"]["edges"]
                        .as_array()
                        .is_some_and(|e| e.len() == 20)
                },
            )
        },
        s(
            "forbundList(first: 20) { insatser(first: 5) }",
            r#"{ forbundList(first: 20) { edges { node { slug insatser(first: 5) { edges { node { name } } } } } } }"#,
            |a| {
                // The demo's eleven, or a page of twenty of the network.
                data(a)["forbundList"]["edges"]
                    .as_array()
                    .is_some_and(|e| (11..=20).contains(&e.len()))
            },
        ),
        s(
            "search \"benchmark insats 001\"",
            r#"{ insatser(filter: { search: "benchmark insats 001" }) { totalCount edges { node { name } } } }"#,
            |a| {
                data(a)["insatser"]["totalCount"]
                    .as_u64()
                    .is_some_and(|n| n >= 10)
            },
        ),
        s(
            "catalogue filtered: förbund, status, age",
            r#"{ insatser(filter: { forbund: ["vasteras", "varend"], status: [ACTIVE], age: 25 }, first: 20) { totalCount edges { node { name status forbund { name } } } } }"#,
            |a| {
                data(a)["insatser"]["edges"]
                    .as_array()
                    .is_some_and(|e| !e.is_empty())
            },
        ),
        s(
            "networkComparison: one indicator, every förbund",
            r#"{ networkComparison(indicator: "6", year: 2020) { nationalAverage forbundCount entries { rank value forbund { name } } distribution { median } } }"#,
            |a| {
                data(a)["networkComparison"]["entries"]
                    .as_array()
                    .is_some_and(|e| !e.is_empty())
            },
        ),
        s(
            "indicatorComparison: a förbund's page",
            r#"{ indicatorComparison(forbund: "sodra-dalarna", year: 2020) { rows { indicator { code name } value { value } nationalAverage difference previousYear { value } women { value } men { value } } summary { measured belowNational } } }"#,
            |a| {
                data(a)["indicatorComparison"]["rows"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
            },
        ),
        s(
            "financeReport: the board's half-year",
            r#"{ financeReport(forbund: "vasteras", year: 2019, through: "2019-08-31") { title disagreements { figure } sections { key heading paragraphs tables { key caption columns { label } rows { kind cells { text value } } } } } }"#,
            |a| {
                data(a)["financeReport"]["sections"]
                    .as_array()
                    .is_some_and(|s| s.len() >= 3)
            },
        ),
        s(
            "node(id) of a förbund",
            // "Forbund:1", the first förbund of the demo.
            r#"{ node(id: "Rm9yYnVuZDox") { id ... on Forbund { name members { name } } } }"#,
            |a| data(a)["node"]["name"].is_string(),
        ),
    ];
    let mut mixed = s(
        "mixed: 4 reads to 1 read-modify-write",
        r#"{ forbund(slug: "varend") { name members { name } } }"#,
        ok,
    );
    mixed.write_every = Some(5);
    list.push(mixed);
    list
}

/// The three scenarios seaography's generated server can answer, in its
/// own query language, checked the same way.
fn seaography_scenarios() -> Vec<(&'static str, Scenario)> {
    let s = |name, query: &str, check| Scenario {
        name,
        query: query.to_string(),
        check,
        write_every: None,
        anonymous: false,
        variables: Value::Null,
    };
    vec![
        (
            "{ __typename }",
            s("{ __typename }", "{ __typename }", |a| {
                data(a)["__typename"] == "Query"
            }),
        ),
        (
            "forbund(slug) { members }",
            s(
                "forbund(slug) { members }",
                r#"{ forbund(filters: { slug: { eq: "vasteras" } }) { nodes { name forbundMember { nodes { name } } } } }"#,
                |a| {
                    data(a)["forbund"]["nodes"][0]["forbundMember"]["nodes"]
                        .as_array()
                        .is_some_and(|m| m.len() == 4)
                },
            ),
        ),
        (
            "page of 50 insatser with relations",
            s(
                "page of 50 insatser with relations",
                SEAOGRAPHY_PAGE,
                page_of_50,
            ),
        ),
        (PAGE_AFRESH, s(PAGE_AFRESH, SEAOGRAPHY_PAGE, page_of_50)),
    ]
}

/// The page of 50 as seaography is asked for it (it keeps no answers, so
/// it is the same request against either of finsam's).
const SEAOGRAPHY_PAGE: &str = r#"{ insats(pagination: { offset: { limit: 50, offset: 0 } }) { nodes { name forbund { name } insatsBudget { nodes { year budgetSek } } insatsGoal { nodes { description } } insatsShare { nodes { forbund { name } } } } } }"#;

fn page_of_50(a: &Value) -> bool {
    data(a)["insats"]["nodes"]
        .as_array()
        .is_some_and(|e| e.len() == 50)
}

/// The page of 50 asked with a variable: made afresh every time.
pub const PAGE_AFRESH: &str = "page of 50 insatser, made afresh (asked with a variable)";

pub fn finsam_server_bin(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("finsam")))
            .unwrap_or_else(|| PathBuf::from("target/release/finsam"))
    })
}

pub async fn start_finsam(bin: &Path, url: &str) -> anyhow::Result<ServerProcess> {
    anyhow::ensure!(
        bin.is_file(),
        "{} is missing: run `cargo build --release` first",
        bin.display()
    );
    let port = free_port();
    let mut command = Command::new(bin);
    command
        .arg("serve")
        .env("FINSAM__DATABASE__URL", url)
        .env("FINSAM__SERVER__PORT", port.to_string())
        .env("FINSAM__DATABASE__SEED_ON_EMPTY", "false")
        .env("FINSAM__DATABASE__MAX_CONNECTIONS", "16")
        .env("FINSAM__RATE_LIMIT__ENABLED", "false")
        .env("FINSAM__LOG__FILTER", "error")
        .env("FINSAM__METRICS__LISTEN", "")
        .env("FINSAM__METRICS__TOKEN", crate::METRICS_TOKEN);
    let base = format!("http://127.0.0.1:{port}");
    ServerProcess::start(command, base.clone(), format!("{base}/graphql"), "/readyz").await
}

pub async fn start_seaography(bin: &Path, url: &str) -> anyhow::Result<ServerProcess> {
    anyhow::ensure!(
        bin.is_file(),
        "{} is missing: run `cargo build --release --manifest-path bench/seaography/Cargo.toml` first",
        bin.display()
    );
    let port = free_port();
    let mut command = Command::new(bin);
    command.arg(port.to_string()).arg(url);
    let base = format!("http://127.0.0.1:{port}");
    ServerProcess::start(command, base.clone(), format!("{base}/graphql"), "/schema").await
}

/// One throughput run's settings.
#[derive(Clone)]
pub struct Run {
    pub url: String,
    /// A network administrator's token: every scenario sees every row.
    pub token: String,
    pub clients: usize,
    pub seconds: u64,
    pub rounds: usize,
    /// Only the scenarios whose name contains this.
    pub only: Option<String>,
}

impl Run {
    fn wants(&self, name: &str) -> bool {
        self.only.as_deref().is_none_or(|only| name.contains(only))
    }

    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

pub fn median_of(reports: &mut [Report]) -> &Report {
    reports.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    &reports[reports.len() / 2]
}

/// Every finsam scenario, `rounds` times, the median round reported.
pub async fn throughput(bin: &Path, run: &Run, ids: &[String]) -> anyhow::Result<()> {
    let server = start_finsam(bin, &run.url).await?;
    println!("{}", throughput::header());
    for scenario in finsam_scenarios().into_iter().filter(|s| run.wants(s.name)) {
        let mut reports = Vec::new();
        for _ in 0..run.rounds {
            reports.push(
                throughput::run(
                    &server,
                    Some(&run.token),
                    ids,
                    &scenario,
                    run.clients,
                    run.duration(),
                )
                .await?,
            );
        }
        let median = median_of(&mut reports);
        anyhow::ensure!(
            median.failures == 0,
            "{}: {} answers were wrong",
            scenario.name,
            median.failures
        );
        println!("{}", throughput::line(scenario.name, median));
    }
    Ok(())
}

/// finsam-graph and the generated server on the same database, alternating.
pub async fn side_by_side(
    finsam_bin: &Path,
    seaography_bin: &Path,
    run: &Run,
) -> anyhow::Result<()> {
    println!(
        "{:<40} {:>14} {:>14} {:>8}",
        "query", "finsam req/s", "generated", "ratio"
    );
    for (name, _) in seaography_scenarios()
        .into_iter()
        .filter(|(name, _)| run.wants(name))
    {
        let (ma, mb) = against_generated(finsam_bin, seaography_bin, run, name).await?;
        println!("{:<40} {:>14.0} {:>14.0} {:>7.2}×", name, ma, mb, ma / mb);
    }
    Ok(())
}

/// One scenario on finsam and on the generated server in `run.rounds`
/// alternating rounds: the median req/s of each.
pub async fn against_generated(
    finsam_bin: &Path,
    seaography_bin: &Path,
    run: &Run,
    name: &str,
) -> anyhow::Result<(f64, f64)> {
    let ours = finsam_scenarios()
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| anyhow::anyhow!("no finsam scenario {name}"))?;
    let generated = seaography_scenarios()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
        .ok_or_else(|| anyhow::anyhow!("no generated scenario {name}"))?;
    let (a, b) = alternating(finsam_bin, run, &ours, &generated, || {
        start_seaography(seaography_bin, &run.url)
    })
    .await?;
    Ok((a.per_second, b.per_second))
}

/// `ours` on a fresh finsam server and `theirs` on a fresh server `other`
/// starts, in `run.rounds` alternating rounds so that both see the same
/// machine: the median round of each. An error when any answer was wrong.
pub async fn alternating<F, Fut>(
    finsam_bin: &Path,
    run: &Run,
    ours: &Scenario,
    theirs: &Scenario,
    other: F,
) -> anyhow::Result<(Report, Report)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<ServerProcess>>,
{
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..run.rounds {
        {
            let server = start_finsam(finsam_bin, &run.url).await?;
            a.push(
                throughput::run(
                    &server,
                    Some(&run.token),
                    &[],
                    ours,
                    run.clients,
                    run.duration(),
                )
                .await?,
            );
        }
        {
            let server = other().await?;
            b.push(throughput::run(&server, None, &[], theirs, run.clients, run.duration()).await?);
        }
    }
    anyhow::ensure!(
        a.iter().chain(b.iter()).all(|r| r.failures == 0),
        "{}: wrong answers",
        ours.name
    );
    Ok((median_of(&mut a).clone(), median_of(&mut b).clone()))
}
