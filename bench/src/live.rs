//! Subscriptions held open: the release server as a process of its own on a
//! fresh database with the demo dataset (a SQLite file, or the PostgreSQL
//! database `--database-url` names, empty), `subscribers` WebSocket
//! connections each following `insatsChanged`, one change a second for
//! `seconds` — alternately made through this process and through a second
//! one on the same database — and the server's resident memory sampled every
//! ten seconds. How long a change takes to reach a subscriber, made here and
//! made in the other process (median, p90). Then one client that reads
//! nothing while changes keep coming: how far the server's memory grows
//! before it lets the client go.
//!
//! `cargo build --release && cargo run --release -p finsam-bench -- --live --seconds 300`

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::throughput::{ServerProcess, free_port};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscriber(ws: &str, query: &str) -> anyhow::Result<Socket> {
    let mut request = ws.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    socket
        .send(Message::Text(
            json!({ "type": "connection_init" }).to_string().into(),
        ))
        .await?;
    let ack = socket
        .next()
        .await
        .ok_or_else(|| anyhow::anyhow!("closed"))??;
    anyhow::ensure!(ack.to_text()?.contains("connection_ack"), "no ack: {ack}");
    socket
        .send(Message::Text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } })
                .to_string()
                .into(),
        ))
        .await?;
    Ok(socket)
}

async fn change(
    client: &reqwest::Client,
    graphql: &str,
    token: &str,
    n: u64,
) -> anyhow::Result<()> {
    let current: Value = client
        .post(graphql)
        .bearer_auth(token)
        .json(&json!({ "query": r#"{ insats(id: "1") { version } }"# }))
        .send()
        .await?
        .json()
        .await?;
    let body: Value = client
        .post(graphql)
        .bearer_auth(token)
        .json(&json!({
            "query": "mutation($v: Int!, $n: Int) { updateInsats(id: \"1\", version: $v, input: { targetParticipants: $n }) { id } }",
            "variables": { "v": current["data"]["insats"]["version"], "n": n % 1000 }
        }))
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(body.get("errors").is_none(), "{body}");
    Ok(())
}

fn median_and_p90(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (
        crate::throughput::percentile(&samples, 0.5),
        crate::throughput::percentile(&samples, 0.9),
    )
}

async fn start(bin: &Path, url: &str, subscribers: usize) -> anyhow::Result<ServerProcess> {
    let port = free_port();
    let mut command = std::process::Command::new(bin);
    command
        .arg("serve")
        .env("FINSAM__DATABASE__URL", url)
        .env("FINSAM__SERVER__PORT", port.to_string())
        .env("FINSAM__RATE_LIMIT__ENABLED", "false")
        .env("FINSAM__LOG__FILTER", "error")
        .env("FINSAM__METRICS__LISTEN", "")
        .env("FINSAM__METRICS__TOKEN", crate::METRICS_TOKEN)
        .env(
            "FINSAM__LIVE__MAX_CONNECTIONS_PER_CLIENT",
            (subscribers + 16).to_string(),
        );
    let base = format!("http://127.0.0.1:{port}");
    ServerProcess::start(command, base.clone(), format!("{base}/graphql"), "/readyz").await
}

pub async fn run(
    bin: &Path,
    url: &str,
    subscribers: usize,
    seconds: u64,
    token: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        bin.is_file(),
        "{} is missing: run `cargo build --release` first",
        bin.display()
    );
    // The first seeds the empty database; the second finds it seeded.
    let server = start(bin, url, subscribers).await?;
    let other = start(bin, url, subscribers).await?;
    let pid = server.pid();
    let base = server.base.clone();
    let ws = format!("{}/graphql", base.replacen("http", "ws", 1));
    let client = reqwest::Client::new();
    // Warm: the first requests fill the caches the server keeps anyway.
    for n in 0..20 {
        change(&client, &server.graphql, token, n).await?;
    }
    let before = crate::soak::resident_mib_of(pid);

    // The subscribers read every message (idle between changes).
    let delivered = Arc::new(AtomicU64::new(0));
    let mut sockets = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        sockets.push(subscriber(&ws, "subscription { insatsChanged { eventId kind insats { name targetParticipants } } }").await?);
    }
    // When the first subscriber got each change (by the number it set).
    let (latency_send, mut latencies) = tokio::sync::mpsc::unbounded_channel::<(Instant, i64)>();
    for (i, socket) in sockets.into_iter().enumerate() {
        let delivered = delivered.clone();
        let latency_send = latency_send.clone();
        tokio::spawn(async move {
            let mut socket = socket;
            while let Some(Ok(message)) = socket.next().await {
                if message.is_text() {
                    delivered.fetch_add(1, Ordering::Relaxed);
                    if i == 0 {
                        let at = Instant::now();
                        let n = serde_json::from_str::<Value>(message.to_text().unwrap_or("{}"))
                            .ok()
                            .and_then(|m| m["payload"]["data"]["insatsChanged"]["insats"]["targetParticipants"].as_i64())
                            .unwrap_or(-1);
                        let _ = latency_send.send((at, n));
                    }
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let held = crate::soak::resident_mib_of(pid);
    anyhow::ensure!(
        open_connections(&client, &base).await == Some(subscribers as u64),
        "not every subscriber is connected"
    );
    println!(
        "{subscribers} subscriptions: server {before:.1} MiB before, {held:.1} MiB with them ({:.1} KiB each)",
        (held - before) * 1024.0 / subscribers as f64
    );

    // One change a second; memory every ten.
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut here = Vec::new();
    let mut elsewhere = Vec::new();
    let mut n = 100;
    while started.elapsed() < Duration::from_secs(seconds) {
        let sent = Instant::now();
        let through = if n % 2 == 0 { &server } else { &other };
        change(&client, &through.graphql, token, n).await?;
        // From sending the mutation (its own time included: the commit is
        // somewhere within it) to the first subscriber's message with it.
        let wanted = (n % 1000) as i64;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while let Ok(Some((arrived, got))) =
            tokio::time::timeout_at(deadline, latencies.recv()).await
        {
            if got == wanted {
                let delay = arrived.saturating_duration_since(sent);
                if n % 2 == 0 {
                    here.push(delay)
                } else {
                    elsewhere.push(delay)
                }
                break;
            }
        }
        n += 1;
        if n % 10 == 0 {
            let mib = crate::soak::resident_mib_of(pid);
            samples.push(mib);
            println!(
                "{:>5} s  {mib:.1} MiB  {} messages delivered",
                started.elapsed().as_secs(),
                delivered.load(Ordering::Relaxed)
            );
        }
        // About one a second, never in step with a poll of the log.
        let pause = Duration::from_millis(750 + (n * 7919 % 500));
        tokio::time::sleep(pause.saturating_sub(sent.elapsed())).await;
    }
    let (p50, p90) = median_and_p90(here);
    let (other_p50, other_p90) = median_and_p90(elsewhere);
    let tail = &samples[samples.len().saturating_sub(samples.len() * 4 / 5)..];
    let (low, high) = tail
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    println!(
        "held {seconds} s: memory {low:.1}–{high:.1} MiB over the last four fifths ({:.1} MiB apart); a change made in this process reached a subscriber in {} ms median, {} ms p90; made in the other process, {} ms median, {} ms p90 (from sending the mutation)",
        high - low,
        p50.as_millis(),
        p90.as_millis(),
        other_p50.as_millis(),
        other_p90.as_millis()
    );

    // A client that reads nothing, asking for the biggest messages it may.
    let fields: String = (0..14)
        .map(|i| format!("d{i}: description t{i}: targetGroup "))
        .collect();
    let stalled = subscriber(
        &ws,
        &format!("subscription {{ insatsChanged {{ insats {{ {fields} }} }} }}"),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_stalled = open_connections(&client, &base).await;
    let floor = crate::soak::resident_mib_of(pid);
    let mut peak = floor;
    let began = Instant::now();
    let mut changes = 0;
    let mut gone_after = None;
    while began.elapsed() < Duration::from_secs(120) {
        change(&client, &server.graphql, token, n).await?;
        n += 1;
        changes += 1;
        peak = peak.max(crate::soak::resident_mib_of(pid));
        if gone_after.is_none()
            && changes % 10 == 0
            && open_connections(&client, &base).await < with_stalled
        {
            gone_after = Some(changes);
        }
        if gone_after.is_some_and(|g| changes >= g + 200) {
            break;
        }
    }
    drop(stalled);
    println!(
        "a client that reads nothing: let go after {} changes; the server's memory {floor:.1} MiB before, at most {peak:.1} MiB (+{:.1} MiB)",
        gone_after.map_or("no".to_string(), |g| g.to_string()),
        peak - floor
    );
    sse_stalled(&client, &server, pid, token, &mut n).await?;
    drop(other);
    drop(server);
    Ok(())
}

/// Sixteen anonymous SSE streams that resume from 400 changes back (a
/// replay of the biggest messages they may ask for) and read nothing, not
/// even the response's head, while changes keep coming: how far the
/// server's memory grows, and when they are let go.
async fn sse_stalled(
    client: &reqwest::Client,
    server: &ServerProcess,
    pid: u32,
    token: &str,
    n: &mut u64,
) -> anyhow::Result<()> {
    use tokio::io::AsyncWriteExt;
    for _ in 0..400 {
        change(client, &server.graphql, token, *n).await?;
        *n += 1;
    }
    let newest: Value = client
        .post(&server.graphql)
        .bearer_auth(token)
        .json(&json!({ "query": "{ auditLog(first: 1) { edges { node { id } } } }" }))
        .send()
        .await?
        .json()
        .await?;
    // The entry's global id names its key, where the log's events start.
    let newest: i64 = newest["data"]["auditLog"]["edges"][0]["node"]["id"]
        .as_str()
        .and_then(finsam_api::record::id::decode)
        .map(|(_, key)| i64::from(key))
        .ok_or_else(|| anyhow::anyhow!("no newest log entry: {newest}"))?;
    let fields: String = (0..14)
        .map(|i| format!("d{i}: description t{i}: targetGroup "))
        .collect();
    let body = json!({
        "query": format!("subscription($s: ID) {{ insatsChanged(since: $s) {{ insats {{ {fields} }} }} }}"),
        "variables": { "s": (newest - 400).to_string() },
    })
    .to_string();
    let address = server.base.trim_start_matches("http://").to_string();
    let floor = crate::soak::resident_mib_of(pid);
    let mut streams = Vec::new();
    for _ in 0..16 {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(4096)?;
        let mut stream = socket.connect(address.parse()?).await?;
        stream
            .write_all(
                format!(
                    "POST /graphql/stream HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\
                     Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await?;
        streams.push(stream);
    }
    // Well past `live.send_timeout_secs`, sampling the memory as it goes.
    let began = Instant::now();
    let mut peak = floor;
    let mut last = floor;
    while began.elapsed() < Duration::from_secs(60) {
        change(client, &server.graphql, token, *n).await?;
        *n += 1;
        last = crate::soak::resident_mib_of(pid);
        peak = peak.max(last);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(streams);
    println!(
        "16 SSE streams replaying 400 changes and reading nothing, 60 s: the server's memory {floor:.1} MiB before, at most {peak:.1} MiB (+{:.1} MiB), {last:.1} MiB at the end",
        peak - floor
    );
    Ok(())
}

/// Open subscription connections, from the server's metrics.
async fn open_connections(client: &reqwest::Client, base: &str) -> Option<u64> {
    crate::throughput::metric(client, base, "finsam_live_connections").await
}
