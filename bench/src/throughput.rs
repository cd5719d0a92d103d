//! Throughput: N clients for T seconds against a server running as a
//! process of its own (release build, real HTTP, keep-alive), every answer's
//! body checked. Reports requests per second, p50/p90/p99 latency, SQL
//! statements per request (from the server's /metrics, where it has them)
//! and the server's CPU time per request (from /proc).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One kind of request and how to tell a right answer.
#[derive(Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub query: String,
    pub check: fn(&Value) -> bool,
    /// Every this many requests, a read-modify-write of an insats instead.
    pub write_every: Option<usize>,
    /// Asked without a token, as the public asks (the run's token is not sent).
    pub anonymous: bool,
    /// The request's variables, as apps send them (`null`: none). A request
    /// with variables is never answered from a kept answer
    /// (`graphql::answers`): it is made afresh each time.
    pub variables: Value,
}

impl Scenario {
    /// The request's JSON body.
    pub fn body(&self) -> Value {
        if self.variables.is_null() {
            json!({ "query": self.query })
        } else {
            json!({ "query": self.query, "variables": self.variables })
        }
    }
}

#[derive(Clone)]
pub struct Report {
    pub requests: u64,
    pub failures: u64,
    pub per_second: f64,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub statements: Option<f64>,
    pub cpu_per_request: Option<Duration>,
}

/// A server process; stopped with the value.
pub struct ServerProcess {
    child: Child,
    pub base: String,
    pub graphql: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

impl ServerProcess {
    /// Starts `command` (its port and database already in its arguments or
    /// environment) and waits until `ready` answers 200.
    pub async fn start(
        mut command: Command,
        base: String,
        graphql: String,
        ready: &str,
    ) -> anyhow::Result<Self> {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        let server = ServerProcess {
            child,
            base,
            graphql,
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let ok = client
                .get(format!("{}{ready}", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return Ok(server);
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// CPU time (user + system) a process has used.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: fields start after its ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_second = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(100);
    Some(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// The statements counter of a finsam server (`None` for another server).
async fn statements(client: &reqwest::Client, base: &str) -> Option<u64> {
    metric(client, base, "finsam_db_statements_total").await
}

/// One value of a finsam server's metrics (`None` for another server).
pub async fn metric(client: &reqwest::Client, base: &str, name: &str) -> Option<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .bearer_auth(crate::METRICS_TOKEN)
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> Option<Value> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json().await.ok()
}

/// One read-modify-write of an insats's year-places, retried on CONFLICT.
async fn write(client: &reqwest::Client, url: &str, token: Option<&str>, id: &str) -> bool {
    for _ in 0..20 {
        let Some(read) = post(client, url, token, &json!({ "query": "query($id: ID!) { insats(id: $id) { version capacityYearPlaces } }", "variables": { "id": id } })).await else {
            return false;
        };
        let row = &read["data"]["insats"];
        let (Some(version), value) = (
            row["version"].as_i64(),
            row["capacityYearPlaces"].as_i64().unwrap_or(0),
        ) else {
            return false;
        };
        let Some(answer) = post(client, url, token, &json!({ "query": "mutation($id: ID!, $v: Int!, $n: Int!) { updateInsats(id: $id, version: $v, input: { capacityYearPlaces: $n }) { version } }", "variables": { "id": id, "v": version, "n": (value + 1) % 10_000 } })).await else {
            return false;
        };
        match answer["errors"][0]["extensions"]["code"].as_str() {
            None => return true,
            Some("CONFLICT") => continue,
            Some(_) => return false,
        }
    }
    false
}

/// Runs `scenario` with `clients` clients for `duration` against `server`.
pub async fn run(
    server: &ServerProcess,
    token: Option<&str>,
    ids: &[String],
    scenario: &Scenario,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Report> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let token = token.filter(|_| !scenario.anonymous);
    let body = scenario.body();
    // Warm-up: caches, connections, the first statements.
    for _ in 0..20 {
        post(&client, &server.graphql, token, &body).await;
    }
    let statements_before = statements(&client, &server.base).await;
    let cpu_before = cpu_time(server.pid());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..clients {
        let (client, url, token, ids, body, scenario, stop) = (
            client.clone(),
            server.graphql.clone(),
            token.map(str::to_string),
            ids.to_vec(),
            body.clone(),
            scenario.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut times, mut failures, mut i) = (Vec::new(), 0u64, n);
            while !stop.load(Ordering::Relaxed) {
                i += clients;
                let at = Instant::now();
                let ok = match scenario.write_every {
                    Some(every) if i % every == 0 && !ids.is_empty() => {
                        write(&client, &url, token.as_deref(), &ids[i % ids.len()]).await
                    }
                    _ => post(&client, &url, token.as_deref(), &body)
                        .await
                        .is_some_and(|a| (scenario.check)(&a)),
                };
                times.push(at.elapsed());
                if !ok {
                    failures += 1;
                }
            }
            (times, failures)
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut times = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (t, f) = task.await?;
        times.extend(t);
        failures += f;
    }
    let elapsed = started.elapsed();
    let cpu = match (cpu_before, cpu_time(server.pid())) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    let statements_after = statements(&client, &server.base).await;
    times.sort();
    let requests = times.len() as u64;
    Ok(Report {
        requests,
        failures,
        per_second: requests as f64 / elapsed.as_secs_f64(),
        p50: percentile(&times, 0.5),
        p90: percentile(&times, 0.9),
        p99: percentile(&times, 0.99),
        statements: match (statements_before, statements_after) {
            (Some(b), Some(a)) if requests > 0 => Some((a - b) as f64 / requests as f64),
            _ => None,
        },
        cpu_per_request: cpu.map(|c| c / requests.max(1) as u32),
    })
}

pub fn header() -> String {
    format!(
        "{:<44} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>7} {:>10}",
        "scenario",
        "requests",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "fails",
        "stmts",
        "cpu µs/req"
    )
}

pub fn line(name: &str, r: &Report) -> String {
    format!(
        "{:<44} {:>9} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>6} {:>7} {:>10}",
        name,
        r.requests,
        r.per_second,
        r.p50.as_secs_f64() * 1e3,
        r.p90.as_secs_f64() * 1e3,
        r.p99.as_secs_f64() * 1e3,
        r.failures,
        r.statements.map_or("–".into(), |s| format!("{s:.2}")),
        r.cpu_per_request
            .map_or("–".into(), |c| format!("{:.0}", c.as_secs_f64() * 1e6)),
    )
}
