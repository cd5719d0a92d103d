//! The soak: many clients for a long while, mixed reads and writes, with the
//! server's memory sampled every five seconds. A system of record must come
//! out of it with no failed request and a flat memory curve.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The resident memory of this process (the server runs in it), in MiB.
fn resident_mib() -> f64 {
    resident_mib_of("self")
}

/// The resident memory of process `pid` ("self" for this one), in MiB.
pub(crate) fn resident_mib_of(pid: impl std::fmt::Display) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// What a run of many clients counts (the soak here, and `load.rs`).
#[derive(Default)]
pub(crate) struct Counts {
    pub(crate) requests: AtomicU64,
    pub(crate) reads: AtomicU64,
    pub(crate) writes: AtomicU64,
    pub(crate) conflicts: AtomicU64,
    pub(crate) failures: AtomicU64,
    /// What the first failures were, so a failed run says why.
    pub(crate) reasons: std::sync::Mutex<Vec<String>>,
}

impl Counts {
    pub(crate) fn failed(&self, reason: String) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut reasons) = self.reasons.lock()
            && reasons.len() < 20
        {
            reasons.push(reason);
        }
    }
}

const READS: [&str; 5] = [
    r#"{ forbund(slug: "vasteras") { name members { name } } }"#,
    r#"{ dsoFor(forbund: "sundbyberg") { contact provider { name } } dsoServedBy(forbund: "sundbyberg") { recipient { name } } }"#,
    r#"{ insatser(first: 20) { totalCount edges { node { name forbund { slug } budgets { year budgetSek } } } } }"#,
    r#"{ insatser(filter: { search: "team" }) { totalCount edges { node { name } } } }"#,
    r#"{ indicatorComparison(forbund: "sodra-dalarna", year: 2020) { summary { atOrAboveNational } } }"#,
];

/// Runs `clients` clients for `duration`: four reads to one read-modify-write
/// of an insats (retried on CONFLICT). Prints the memory curve and the counts.
pub async fn run(
    base: &str,
    token: &str,
    ids: &[String],
    clients: usize,
    duration: Duration,
) -> anyhow::Result<()> {
    let counts = Arc::new(Counts::default());
    let deadline = Instant::now() + duration;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let mut tasks = Vec::new();
    for n in 0..clients {
        let (client, base, token, ids, counts) = (
            client.clone(),
            base.to_string(),
            token.to_string(),
            ids.to_vec(),
            counts.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = n;
            while Instant::now() < deadline {
                i += clients;
                let outcome = if i % 5 == 4 {
                    write(&client, &base, &token, &ids[i % ids.len()], &counts).await
                } else {
                    post(
                        &client,
                        &base,
                        &token,
                        json!({ "query": READS[i % READS.len()] }),
                    )
                    .await
                    .and_then(|answer| match answer.get("errors") {
                        None => Ok(()),
                        Some(errors) => Err(format!("a read answered {errors}")),
                    })
                };
                counts.requests.fetch_add(1, Ordering::Relaxed);
                if let Err(reason) = outcome {
                    counts.failed(reason);
                }
            }
        }));
    }
    println!(
        "{:>8} {:>12} {:>10} {:>12}",
        "second", "requests", "failures", "memory MiB"
    );
    let started = Instant::now();
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        tokio::time::sleep(
            Duration::from_secs(5).min(deadline.saturating_duration_since(Instant::now())),
        )
        .await;
        let memory = resident_mib();
        samples.push(memory);
        println!(
            "{:>8} {:>12} {:>10} {:>12.1}",
            started.elapsed().as_secs(),
            counts.requests.load(Ordering::Relaxed),
            counts.failures.load(Ordering::Relaxed),
            memory
        );
    }
    for task in tasks {
        task.await?;
    }
    let requests = counts.requests.load(Ordering::Relaxed);
    let (first_minute, last_minute) = (
        samples.iter().take(12).copied().fold(0.0, f64::max),
        samples.iter().rev().take(12).copied().fold(0.0, f64::max),
    );
    println!(
        "\nsoak: {clients} clients for {} s: {requests} requests ({:.0}/s), {} writes ({} conflicts retried), {} failures; memory peak {:.1} MiB in the first minute, {:.1} MiB in the last",
        duration.as_secs(),
        requests as f64 / duration.as_secs_f64(),
        counts.writes.load(Ordering::Relaxed),
        counts.conflicts.load(Ordering::Relaxed),
        counts.failures.load(Ordering::Relaxed),
        first_minute,
        last_minute,
    );
    if let Ok(reasons) = counts.reasons.lock() {
        for reason in reasons.iter() {
            println!("failed: {reason}");
        }
    }
    anyhow::ensure!(
        counts.failures.load(Ordering::Relaxed) == 0,
        "requests failed during the soak"
    );
    Ok(())
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    body: Value,
) -> Result<Value, String> {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        return Err(format!("HTTP {status}: {text}"));
    }
    response.json().await.map_err(|e| format!("not JSON: {e}"))
}

/// One read-modify-write of an insats's year-places, retried on CONFLICT.
async fn write(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: &str,
    counts: &Counts,
) -> Result<(), String> {
    for _ in 0..20 {
        let read = post(client, base, token, json!({ "query": "query($id: ID!) { insats(id: $id) { version capacityYearPlaces } }", "variables": { "id": id } })).await?;
        let row = &read["data"]["insats"];
        let (Some(version), value) = (
            row["version"].as_i64(),
            row["capacityYearPlaces"].as_i64().unwrap_or(0),
        ) else {
            return Err(format!("the read before a write answered {read}"));
        };
        let answer = post(
            client,
            base,
            token,
            json!({ "query": "mutation($id: ID!, $v: Int!, $n: Int!) { updateInsats(id: $id, version: $v, input: { capacityYearPlaces: $n }) { version } }",
                    "variables": { "id": id, "v": version, "n": (value + 1) % 10_000 } }),
        )
        .await?;
        match answer["errors"][0]["extensions"]["code"].as_str() {
            None => {
                counts.writes.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Some("CONFLICT") => {
                counts.conflicts.fetch_add(1, Ordering::Relaxed);
            }
            Some(_) => return Err(format!("a write answered {}", answer["errors"])),
        }
    }
    Err("twenty conflicts in a row on one insats".into())
}
