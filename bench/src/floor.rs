//! The floor (`--floor`): what a request of each scenario costs without
//! GraphQL. The finsam server runs each scenario once with its statement
//! log on (`database.statement_log`); the floor server — this binary again,
//! `--floor-serve`, actix-web on the same runtime, a pool of the same size
//! on the same database — answers the same request by running exactly those
//! statements through the driver and writing the answer finsam gave with
//! serde: a request with nothing of GraphQL, nothing made of the rows but
//! the answer. Both are then driven in alternating rounds, and
//! finsam's share of the floor is its req/s over the floor's.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::throughput::{Scenario, ServerProcess, free_port};
use crate::versus::{Run, finsam_scenarios};

/// One scenario as finsam answered it: its statements and its answer.
#[derive(Serialize, Deserialize)]
pub struct Captured {
    pub query: String,
    pub statements: Vec<String>,
    pub answer: Value,
}

/// Runs each read scenario on a finsam server whose statement log is on,
/// and keeps the fourth run's statements (the first three warm its caches).
async fn capture(bin: &Path, run: &Run, log: &Path) -> anyhow::Result<Vec<Captured>> {
    let port = free_port();
    let mut command = Command::new(bin);
    command
        .arg("serve")
        .env("FINSAM__DATABASE__URL", &run.url)
        .env("FINSAM__DATABASE__STATEMENT_LOG", log)
        .env("FINSAM__SERVER__PORT", port.to_string())
        .env("FINSAM__DATABASE__SEED_ON_EMPTY", "false")
        .env("FINSAM__DATABASE__MAX_CONNECTIONS", "16")
        .env("FINSAM__RATE_LIMIT__ENABLED", "false")
        .env("FINSAM__LOG__FILTER", "error")
        .env("FINSAM__METRICS__LISTEN", "");
    let base = format!("http://127.0.0.1:{port}");
    let server =
        ServerProcess::start(command, base.clone(), format!("{base}/graphql"), "/readyz").await?;
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for scenario in reads()
        .iter()
        .filter(|s| run.only.as_deref().is_none_or(|o| s.name.contains(o)))
    {
        let ask = || {
            let request = client.post(&server.graphql);
            let request = if scenario.anonymous {
                request
            } else {
                request.bearer_auth(&run.token)
            };
            request.json(&scenario.body()).send()
        };
        // Three times before the statements are taken: a query whose answer
        // is kept with the data's version (`graphql::answers`) is made on
        // its first two requests (the first passes every rule, the second
        // finds that it reads storage), made at a version on the third, and
        // from the fourth on served after the one statement that checks it.
        for _ in 0..3 {
            ask().await?.error_for_status()?;
        }
        std::fs::write(log, "")?;
        let answer: Value = ask().await?.json().await?;
        anyhow::ensure!(
            (scenario.check)(&answer),
            "{}: a wrong answer",
            scenario.name
        );
        let statements = std::fs::read_to_string(log)?
            .lines()
            .map(serde_json::from_str::<String>)
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Captured {
            query: scenario.query.clone(),
            statements,
            answer,
        });
    }
    Ok(out)
}

/// The scenarios that only read (a write changes what the next reads).
fn reads() -> Vec<Scenario> {
    finsam_scenarios()
        .into_iter()
        .filter(|s| s.write_every.is_none())
        .collect()
}

/// `--floor`: each read scenario on finsam and on its floor, alternating.
pub async fn compare(bin: &Path, run: &Run) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("finsam-floor-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let captured = capture(bin, run, &dir.join("statements.log")).await?;
    let file = dir.join("captured.json");
    std::fs::write(&file, serde_json::to_vec(&captured)?)?;
    // A Markdown table, as docs/speed.md and the README hold it.
    println!(
        "| scenario | statements | finsam req/s | p50 | p99 | floor req/s | share of the floor |"
    );
    println!("|---|---|---|---|---|---|---|");
    let scenarios = reads();
    for c in &captured {
        let scenario = scenarios
            .iter()
            .find(|s| s.query == c.query)
            .expect("a captured scenario");
        let (a, b) = crate::versus::alternating(bin, run, scenario, scenario, || {
            start_floor(&file, &run.url)
        })
        .await?;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        println!(
            "| {} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.0} | {:.2} |",
            scenario.name.replace('|', "\\|"),
            c.statements.len(),
            a.per_second,
            ms(a.p50),
            ms(a.p99),
            b.per_second,
            a.per_second / b.per_second
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

async fn start_floor(file: &Path, url: &str) -> anyhow::Result<ServerProcess> {
    let port = free_port();
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("--floor-serve")
        .arg(file)
        .arg("--floor-port")
        .arg(port.to_string())
        .arg("--database-url")
        .arg(url);
    let base = format!("http://127.0.0.1:{port}");
    ServerProcess::start(command, base.clone(), format!("{base}/graphql"), "/readyz").await
}

struct Floor {
    db: sea_orm::DatabaseConnection,
    captured: Vec<Captured>,
}

/// `--floor-serve FILE`: the floor server, until killed.
pub async fn serve(file: PathBuf, port: u16, url: String) -> anyhow::Result<()> {
    use actix_web::{App, HttpServer, web};
    let captured: Vec<Captured> = serde_json::from_slice(&std::fs::read(&file)?)?;
    let mut options = sea_orm::ConnectOptions::new(url);
    options.max_connections(16).sqlx_logging(false);
    let db = sea_orm::Database::connect(options).await?;
    let floor = web::Data::new(Floor { db, captured });
    HttpServer::new(move || {
        App::new()
            .app_data(floor.clone())
            .route("/graphql", web::post().to(answer))
            .route("/readyz", web::get().to(|| async { "ready" }))
    })
    .workers(finsam_api::router::http_workers())
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Ask {
    query: String,
}

/// The captured statements, run; the captured answer, written.
async fn answer(
    floor: actix_web::web::Data<Floor>,
    ask: actix_web::web::Json<Ask>,
) -> actix_web::HttpResponse {
    use sea_orm::{ConnectionTrait, Statement};
    let Some(c) = floor.captured.iter().find(|c| c.query == ask.query) else {
        return actix_web::HttpResponse::NotFound().finish();
    };
    let backend = floor.db.get_database_backend();
    let mut read = 0usize;
    for sql in &c.statements {
        match floor
            .db
            .query_all_raw(Statement::from_string(backend, sql.clone()))
            .await
        {
            // The driver has read every row and column; the answer is the
            // one finsam gave, so nothing more is made of them.
            Ok(rows) => read += rows.len(),
            Err(e) => return actix_web::HttpResponse::InternalServerError().body(e.to_string()),
        }
    }
    let _ = std::hint::black_box(read);
    match serde_json::to_vec(&c.answer) {
        Ok(body) => actix_web::HttpResponse::Ok()
            .content_type("application/json")
            .body(body),
        Err(e) => actix_web::HttpResponse::InternalServerError().body(e.to_string()),
    }
}
