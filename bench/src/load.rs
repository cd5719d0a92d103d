//! Load through a deployment (`deploy/rolling-restart`): clients reading and
//! writing through the load balancer for a while, as the processes and the
//! replica are restarted under them. Every request must succeed, every
//! write must be readable at once by its writer (read your writes, through
//! whichever process and database the balancer picks), and every write must
//! be there at the end.
//!
//! A failed request is any that did not come back as HTTP 200 with `data`
//! and no errors: a refused or broken connection, a 5xx, a GraphQL error.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::soak::Counts;

const READS: [&str; 4] = [
    r#"{ forbund(slug: "vasteras") { name members { name } } }"#,
    r#"{ dsoFor(forbund: "sundbyberg") { contact provider { name } } }"#,
    r#"{ insatser(first: 20) { totalCount edges { node { name forbund { slug } budgets { year budgetSek } } } } }"#,
    r#"{ insatser(filter: { search: "team" }) { totalCount edges { node { name } } } }"#,
];

const CREATE: &str = r#"mutation($name: String!) { createInsats(input: { forbund: "varend", name: $name, visibility: PUBLIC }) { id name } }"#;
const READ_BACK: &str = r#"query($id: ID!) { insats(id: $id) { id name } }"#;

/// One GraphQL request; the answer's `data`, or why it failed. `after` is
/// the position of this client's last write, echoed as a frontend would.
async fn send(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: Value,
    after: Option<&str>,
) -> Result<(Value, Option<String>), String> {
    let mut request = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(after) = after {
        request = request.header("finsam-read-after", after);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = response.status();
    let written = response
        .headers()
        .get("finsam-written")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = response
        .json()
        .await
        .map_err(|e| format!("HTTP {status}: body: {e}"))?;
    if !status.is_success() || body.get("errors").is_some() {
        return Err(format!("HTTP {status}: {body}"));
    }
    Ok((body["data"].clone(), written))
}

/// `clients` clients for `seconds` against `base` (the balancer): four reads
/// to one write, each write read back at once. Then every write read back
/// again. Fails when anything failed.
pub async fn run(base: &str, tokens: &[String], seconds: u64) -> anyhow::Result<()> {
    let url = format!("{}/graphql", base.trim_end_matches('/'));
    let counts = Arc::new(Counts::default());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (client_no, token) in tokens.iter().enumerate() {
        let (url, token, counts) = (url.clone(), token.clone(), counts.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client");
            let mut created: Vec<(String, String)> = Vec::new();
            let mut after: Option<String> = None;
            let mut n = 0usize;
            while Instant::now() < deadline {
                n += 1;
                counts.requests.fetch_add(1, Ordering::Relaxed);
                if !n.is_multiple_of(5) {
                    let query = READS[n % READS.len()];
                    match send(&client, &url, &token, query, json!({}), after.as_deref()).await {
                        Ok(_) => counts.reads.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            counts.failed(format!("read: {e}"));
                            continue;
                        }
                    };
                    continue;
                }
                let name = format!("Lasttest {client_no}-{n}");
                let answer =
                    send(&client, &url, &token, CREATE, json!({ "name": name }), None).await;
                let id = match answer {
                    Ok((data, written)) => {
                        counts.writes.fetch_add(1, Ordering::Relaxed);
                        after = written.or(after);
                        data["createInsats"]["id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string()
                    }
                    Err(e) => {
                        counts.failed(format!("write: {e}"));
                        continue;
                    }
                };
                created.push((id.clone(), name.clone()));
                // The writer reads its write at once, wherever it lands.
                counts.requests.fetch_add(1, Ordering::Relaxed);
                match send(
                    &client,
                    &url,
                    &token,
                    READ_BACK,
                    json!({ "id": id }),
                    after.as_deref(),
                )
                .await
                {
                    Ok((data, _)) if data["insats"]["name"] == json!(name) => {
                        counts.reads.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((data, _)) => counts.failed(format!("own write {id} not read: {data}")),
                    Err(e) => counts.failed(format!("read own write: {e}")),
                }
            }
            created
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        created.extend(task.await?);
    }
    let failures_under_load = counts.failures.load(Ordering::Relaxed);
    println!(
        "{} requests in {seconds} s ({} reads, {} writes), {failures_under_load} failed",
        counts.requests.load(Ordering::Relaxed),
        counts.reads.load(Ordering::Relaxed),
        counts.writes.load(Ordering::Relaxed),
    );

    // Every write, read back afterwards by anyone (the replica has caught
    // up, or the lag bound sends the read to the primary).
    let client = reqwest::Client::new();
    let token = &tokens[0];
    let mut missing = 0usize;
    for (id, name) in &created {
        match send(&client, &url, token, READ_BACK, json!({ "id": id }), None).await {
            Ok((data, _)) if data["insats"]["name"] == json!(name) => {}
            Ok((data, _)) => {
                missing += 1;
                counts.failed(format!("write {id} missing afterwards: {data}"));
            }
            Err(e) => {
                missing += 1;
                counts.failed(format!("reading back {id}: {e}"));
            }
        }
    }
    println!(
        "{} writes read back afterwards, {missing} missing",
        created.len()
    );
    let reasons = counts.reasons.lock().map(|r| r.clone()).unwrap_or_default();
    for reason in &reasons {
        println!("  failed: {reason}");
    }
    let failures = counts.failures.load(Ordering::Relaxed);
    anyhow::ensure!(failures == 0, "{failures} requests failed");
    anyhow::ensure!(!created.is_empty(), "no write went through");
    Ok(())
}
