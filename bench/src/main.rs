//! A rerunnable benchmark of finsam-graph's request paths: the real server
//! in-process on a random port, a fresh database with the demo dataset plus
//! generated insatser, and real HTTP. Reports the median and 90th percentile
//! latency per scenario, SQL statements per request, and the ratio of a
//! 100-row page to a 10-row page (which should stay near the ratio of the
//! bytes sent, not of the rows' relations: statements do not grow).
//!
//! `cargo run --release -p finsam-bench -- --iterations 200`
//! `cargo run --release -p finsam-bench -- --soak-seconds 600 --clients 64`
//! `cargo build --release && cargo run --release -p finsam-bench -- --throughput`
//! `… -- --versus bench/seaography/target/release/finsam-seaography-bench`
//! `cargo build --release && cargo run --release -p finsam-bench -- --live --seconds 300`
//! `cargo run -p finsam-bench -- --load http://127.0.0.1:8080 --seconds 60 --clients 8`
//!   (through a running deployment: `deploy/rolling-restart`)

mod dataset;
mod floor;
mod guard;
mod live;
mod load;
mod soak;
mod throughput;
mod versus;

use std::time::{Duration, Instant};

use clap::Parser;
use finsam_api::auth::Role;
use finsam_api::{Application, Settings};
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// Timed requests per scenario (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 200)]
    iterations: usize,
    /// Insatser generated beside the demo dataset.
    #[arg(long, default_value_t = 400)]
    insatser: usize,
    /// A database URL to run against instead of a fresh SQLite file.
    #[arg(long)]
    database_url: Option<String>,
    /// Run the soak instead: this many seconds of mixed reads and writes.
    #[arg(long)]
    soak_seconds: Option<u64>,
    /// Concurrent clients of the soak (64) or the throughput runs (16).
    #[arg(long)]
    clients: Option<usize>,
    /// Throughput: every scenario against the release server as a process
    /// of its own (`cargo build --release` first).
    #[arg(long)]
    throughput: bool,
    /// Side by side with seaography's generated server (its binary; build
    /// it with `cargo build --release --manifest-path bench/seaography/Cargo.toml`).
    #[arg(long)]
    versus: Option<std::path::PathBuf>,
    /// The finsam server binary (default: `finsam` beside this one).
    #[arg(long)]
    server_bin: Option<std::path::PathBuf>,
    /// Seconds per throughput round, and rounds per scenario (the median is reported).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Insatser in the throughput database (the demo's 39 copied up to this).
    #[arg(long, default_value_t = 429)]
    total_insatser: usize,
    /// Throughput: only the scenarios whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// Load through a running deployment at this address (its balancer)
    /// for `--seconds`, with `--clients` editors (tokens signed with the
    /// configured development secret, as the deployment's processes have it).
    #[arg(long)]
    load: Option<String>,
    /// Subscriptions held open for `--seconds` (then a client that reads
    /// nothing), against the release server as a process of its own.
    #[arg(long)]
    live: bool,
    /// Each read scenario beside its floor: the same statements run and the
    /// same answer written without GraphQL (`floor.rs`), alternating.
    #[arg(long)]
    floor: bool,
    /// Serve the floor of the scenarios captured in this file (started by
    /// `--floor` as a process of its own).
    #[arg(long, hide = true)]
    floor_serve: Option<std::path::PathBuf>,
    #[arg(long, hide = true, default_value_t = 0)]
    floor_port: u16,
    /// The speed guard: the ratios this README states (the table after its
    /// `<!-- speed guard -->`), measured in short paired runs against the
    /// generated server of `--versus`; fails when one falls more than
    /// `--margin` below its figure.
    #[arg(long, requires = "versus")]
    guard: Option<std::path::PathBuf>,
    /// How far below the README's figure a guarded ratio may fall (0.35:
    /// to 65 % of it).
    #[arg(long, default_value_t = 0.35)]
    margin: f64,
    /// Subscribers of `--live`.
    #[arg(long, default_value_t = 1000)]
    subscribers: usize,
}

const PAGE: &str = r#"query($first: Int) { insatser(first: $first) { totalCount edges { node {
    name forbund { slug } budgets { year budgetSek utilisationPercent } goals { description }
    outcomes { participants { value } } sharedWith { slug } carriedOverFrom { name } carriedOverTo { name } } } } }"#;

struct Scenario {
    name: &'static str,
    query: &'static str,
    variables: Value,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "insatser, page of 10, all relations",
            query: PAGE,
            variables: json!({ "first": 10 }),
        },
        Scenario {
            name: "insatser, page of 100, all relations",
            query: PAGE,
            variables: json!({ "first": 100 }),
        },
        Scenario {
            name: "search \"vasteras\"",
            query: r#"{ insatser(filter: { search: "vasteras" }) { totalCount edges { node { name } } } }"#,
            variables: json!({}),
        },
        Scenario {
            name: "dsoFor + dsoServedBy",
            query: r#"{ dsoFor(forbund: "sundbyberg", on: "2021-03-01") { contact provider { name } } dsoServedBy(forbund: "sundbyberg", on: "2021-03-01") { recipient { name } } }"#,
            variables: json!({}),
        },
        Scenario {
            name: "directory with each förbund's DSO",
            query: r#"{ forbundList(first: 100) { edges { node { slug dso(on: "2021-03-01") { provider { slug } } members { name } } } } }"#,
            variables: json!({}),
        },
        Scenario {
            name: "DSO schedule 2020–2030",
            query: r#"{ dsoSchedule(from: "2020-01-01", to: "2030-12-31") { from members { slug } } }"#,
            variables: json!({}),
        },
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// The token that opens `/metrics` on the servers the benchmark starts (the
/// metrics listener of their own is turned off: several run at once).
pub const METRICS_TOKEN: &str = "finsam-bench-metrics";

async fn statements(client: &reqwest::Client, base: &str) -> anyhow::Result<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await?
        .text()
        .await?;
    Ok(text
        .lines()
        .find(|l| l.starts_with("finsam_db_statements_total "))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// A SQLite file the benchmark made for itself: removed, with its journal
/// and lock files, when the run ends (a failed one too).
struct Scratch(Option<std::path::PathBuf>);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            for suffix in ["", "-wal", "-shm", ".lock"] {
                let mut file = path.clone().into_os_string();
                file.push(suffix);
                std::fs::remove_file(file).ok();
            }
        }
    }
}

/// The database to run against: the one given, or a fresh SQLite file.
fn database(given: &Option<String>, prefix: &str) -> (String, Scratch) {
    match given {
        Some(url) => (url.clone(), Scratch(None)),
        None => {
            let path = std::env::temp_dir().join(format!("{prefix}-{}.db", uuid::Uuid::new_v4()));
            (format!("sqlite://{}", path.display()), Scratch(Some(path)))
        }
    }
}

/// A network admin's token, signed with the configured development secret
/// (as the servers the bench starts have it).
fn network_admin_token() -> anyhow::Result<String> {
    let settings = Settings::load(None)?;
    finsam_api::auth::jwt::mint_dev_token(
        &settings.auth,
        "bench",
        None,
        &[Role::NetworkAdmin],
        Duration::from_secs(24 * 3600),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(file) = args.floor_serve.clone() {
        let url = args
            .database_url
            .clone()
            .ok_or_else(|| anyhow::anyhow!("--floor-serve needs --database-url"))?;
        return floor::serve(file, args.floor_port, url).await;
    }
    if let Some(base) = &args.load {
        let settings = Settings::load(None)?;
        let mut tokens = Vec::new();
        for client in 0..args.clients.unwrap_or(8) {
            tokens.push(finsam_api::auth::jwt::mint_dev_token(
                &settings.auth,
                &format!("load-{client}"),
                Some("varend"),
                &[Role::Editor],
                Duration::from_secs(3600),
            )?);
        }
        return load::run(base, &tokens, args.seconds).await;
    }
    if args.live {
        let token = network_admin_token()?;
        let bin = versus::finsam_server_bin(args.server_bin.clone());
        let (url, _scratch) = database(&args.database_url, "finsam-live");
        return live::run(&bin, &url, args.subscribers, args.seconds, &token).await;
    }
    if args.throughput || args.versus.is_some() || args.floor || args.guard.is_some() {
        let (url, _scratch) = database(&args.database_url, "finsam-throughput");
        let ids = dataset::prepare(&url, args.total_insatser).await?;
        let token = network_admin_token()?;
        let bin = versus::finsam_server_bin(args.server_bin.clone());
        let clients = args.clients.unwrap_or(16);
        println!(
            "database {url}: {} insatser; {clients} clients, {} s × {} rounds",
            args.total_insatser, args.seconds, args.rounds
        );
        let run = versus::Run {
            url,
            token,
            clients,
            seconds: args.seconds,
            rounds: args.rounds,
            only: args.only.clone(),
        };
        if args.floor {
            return floor::compare(&bin, &run).await;
        }
        if let (Some(readme), Some(generated)) = (&args.guard, &args.versus) {
            return guard::check(readme, &bin, generated, &run, args.margin).await;
        }
        return match &args.versus {
            Some(generated) => versus::side_by_side(&bin, generated, &run).await,
            None => versus::throughput(&bin, &run, &ids).await,
        };
    }
    let mut settings = Settings::load(None)?;
    settings.server.port = 0;
    settings.database.seed_on_empty = true;
    let (url, _scratch) = database(&args.database_url, "finsam-bench");
    settings.database.url = url;
    settings.log.filter = "warn".into();
    // The benchmark is one client asking as fast as it can, on purpose.
    settings.rate_limit.enabled = false;
    settings.database.max_connections = settings.database.max_connections.max(16);
    settings.metrics.listen = None;
    settings.metrics.token = Some(METRICS_TOKEN.to_string().into());
    let app = Application::build(settings.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let token = finsam_api::auth::jwt::mint_dev_token(
        &settings.auth,
        "bench",
        None,
        &[Role::NetworkAdmin],
        Duration::from_secs(3600),
    )?;

    // Generated insatser, in batches of 100 mutations per request.
    let mut ids: Vec<String> = Vec::new();
    let create = r#"mutation($input: CreateInsatsInput!) { createInsats(input: $input) { id } }"#;
    for chunk in (0..args.insatser).collect::<Vec<_>>().chunks(100) {
        let batch: Vec<Value> = chunk
            .iter()
            .map(|i| {
                let forbund = ["varend", "vasteras", "sodra-dalarna"][i % 3];
                json!({ "query": create, "variables": { "input": {
                    "forbund": forbund,
                    "name": format!("Benchmark insats {i:05}"),
                    "description": "Generated for the benchmark",
                    "visibility": "NETWORK", "status": "ACTIVE"
                } } })
            })
            .collect();
        let answers: Vec<Value> = client
            .post(format!("{base}/graphql"))
            .bearer_auth(&token)
            .json(&batch)
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(
            answers.iter().all(|a| a.get("errors").is_none()),
            "setup failed: {:?}",
            answers.first()
        );
        ids.extend(
            answers
                .iter()
                .filter_map(|a| a["data"]["createInsats"]["id"].as_str().map(str::to_string)),
        );
    }
    if let Some(seconds) = args.soak_seconds {
        return soak::run(
            &base,
            &token,
            &ids,
            args.clients.unwrap_or(64),
            Duration::from_secs(seconds),
        )
        .await;
    }

    println!(
        "{:<40} {:>10} {:>10} {:>12}",
        "scenario", "median", "p90", "statements"
    );
    let mut medians = Vec::new();
    for s in scenarios() {
        let body = json!({ "query": s.query, "variables": s.variables });
        for _ in 0..(args.iterations / 10).max(1) {
            client
                .post(format!("{base}/graphql"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await?
                .bytes()
                .await?;
        }
        let before = statements(&client, &base).await?;
        let mut times = Vec::with_capacity(args.iterations);
        for _ in 0..args.iterations {
            let started = Instant::now();
            let answer: Value = client
                .post(format!("{base}/graphql"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await?
                .json()
                .await?;
            times.push(started.elapsed());
            anyhow::ensure!(answer.get("errors").is_none(), "{}: {answer}", s.name);
        }
        let per_request =
            (statements(&client, &base).await? - before) as f64 / args.iterations as f64;
        times.sort();
        let median = percentile(&times, 0.5);
        println!(
            "{:<40} {:>8.2}ms {:>8.2}ms {:>12.1}",
            s.name,
            median.as_secs_f64() * 1e3,
            percentile(&times, 0.9).as_secs_f64() * 1e3,
            per_request
        );
        medians.push(median);
    }
    println!(
        "\npage of 100 / page of 10, median latency: {:.2}×",
        medians[1].as_secs_f64() / medians[0].as_secs_f64()
    );
    import_scenario(&base, &client, &token, &settings).await
}

/// Times a CSV import of indicator results: 15 indicators × 11 förbund ×
/// 3 genders × `years` years, through the command line's code path.
async fn import_scenario(
    base: &str,
    client: &reqwest::Client,
    token: &str,
    settings: &Settings,
) -> anyhow::Result<()> {
    let define = r#"mutation($c: String!) { defineIndicator(input: { code: $c, name: "Benchmark", level: STAFF, kind: PROCESS }) { code } }"#;
    for i in 1..=15 {
        client
            .post(format!("{base}/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": define, "variables": { "c": format!("B{i}") } }))
            .send()
            .await?;
    }
    let forbund = [
        "vasteras",
        "sodra-dalarna",
        "varend",
        "vastmanland",
        "norra-vastmanland",
        "vastra-malardalen",
        "norra-dalarna",
        "sundbyberg",
        "sodertalje",
        "sollentuna",
        "vasterdalarna",
    ];
    let years = 2000..2030;
    let mut csv = String::from("forbund,indicator,year,gender,value,respondents,source\n");
    let mut rows = 0;
    for f in forbund {
        for i in 1..=15 {
            for y in years.clone() {
                for g in ["TOTAL", "WOMEN", "MEN"] {
                    csv.push_str(&format!(
                        "{f},B{i},{y},{g},{}.5,40,synthetic benchmark\n",
                        (i * 7 + y) % 90
                    ));
                    rows += 1;
                }
            }
        }
    }
    let path = std::env::temp_dir().join(format!("finsam-bench-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&path, csv)?;
    let clock = finsam_api::service::Clock::System(settings.server.time_zone);
    let state = finsam_api::app::prepare_state(settings.clone(), clock).await?;
    let caller = finsam_api::auth::Caller::command_line();
    let started = Instant::now();
    let written = finsam_api::import::import(
        state.service(),
        &caller,
        finsam_api::import::Kind::IndicatorResults,
        &path,
    )
    .await?;
    let first = started.elapsed();
    let started = Instant::now();
    finsam_api::import::import(
        state.service(),
        &caller,
        finsam_api::import::Kind::IndicatorResults,
        &path,
    )
    .await?;
    let again = started.elapsed();
    std::fs::remove_file(&path).ok();
    println!(
        "import of {rows} indicator results: {:.0} ms new, {:.0} ms replacing ({written} rows, {:.0} rows/s)",
        first.as_secs_f64() * 1e3,
        again.as_secs_f64() * 1e3,
        rows as f64 / first.as_secs_f64()
    );
    Ok(())
}

/// The generated server's tables are made from the project's entities by its
/// build script (`bench/seaography/model_from_entity.rs`, which it shares
/// with this test): every table it serves gets the project's columns, so the
/// comparison reads the same data on both sides.
#[cfg(test)]
mod generated_models {
    use std::path::Path;

    include!("../seaography/model_from_entity.rs");

    /// `name: Type` of each field of a `pub struct Model`.
    fn fields(source: &str) -> Vec<String> {
        let start = source.find("pub struct Model {").expect("a Model");
        let body = &source[start..];
        let end = body.find("\n}").expect("the Model's end");
        body[..end]
            .lines()
            .skip(1)
            .map(str::trim)
            .filter_map(|l| l.strip_prefix("pub "))
            .map(|l| l.trim_end_matches(',').to_string())
            .collect()
    }

    #[test]
    fn each_served_table_has_every_column_of_its_entity_as_stored() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let values = std::fs::read_to_string(root.join("../entity/src/value.rs")).expect("values");
        let sets = value_sets(&values);
        assert!(
            sets.iter().any(|s| s == "Status"),
            "value sets read: {sets:?}"
        );
        let build = std::fs::read_to_string(root.join("seaography/build.rs")).expect("build.rs");
        let mut compared = 0;
        for entry in std::fs::read_dir(root.join("seaography/src/entities")).expect("entities") {
            let path = entry.expect("an entry").path();
            let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
            if name == "mod" {
                continue;
            }
            assert!(
                build.contains(&format!("\"{name}\"")),
                "build.rs makes no {name}"
            );
            let served = std::fs::read_to_string(&path).expect("a served table");
            assert!(
                served.contains(&format!("\"/{name}_model.rs\""))
                    && !served.contains("pub struct Model"),
                "bench/seaography/src/entities/{name}.rs keeps a Model of its own"
            );
            let entity =
                std::fs::read_to_string(root.join("../entity/src").join(format!("{name}.rs")))
                    .unwrap_or_else(|_| panic!("{name} has no entity in the project"));
            let model = model_from_entity(&entity, &sets).expect("a model");
            let (made, original) = (fields(&model), fields(&entity));
            assert_eq!(made.len(), original.len(), "{name}");
            for (made, original) in made.iter().zip(&original) {
                let (field, ty) = original.split_once(": ").expect("name: Type");
                let stored = if sets.iter().any(|s| ty == s || ty == format!("Option<{s}>")) {
                    ty.replace(
                        ty.trim_start_matches("Option<").trim_end_matches('>'),
                        "String",
                    )
                } else {
                    ty.to_string()
                };
                assert_eq!(made, &format!("{field}: {stored}"), "{name}");
            }
            compared += 1;
        }
        assert!(compared >= 5, "only {compared} tables compared");
    }
}
