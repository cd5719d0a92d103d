//! The live transports under fuzzing: WebSocket sessions of random
//! graphql-transport-ws messages (valid ones, generated subscriptions and
//! queries, broken JSON, wrong types, binary frames, oversized messages,
//! unknown ids, tokens good and bad) and SSE requests with generated
//! documents.
//!
//! The oracle: every text the server sends is a protocol message (JSON with
//! a server message type), every error in it has a known code, a close has a
//! code of the protocol or of WebSocket, and the server never panics.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::generate::Generator;

/// Close codes the server may use: WebSocket's own, and the protocol's.
const CLOSE_CODES: [u16; 12] = [
    1000, 1001, 1002, 1008, 1009, 1011, 4400, 4401, 4403, 4408, 4409, 4429,
];

/// One message a client might send, valid or not.
fn message(generator: &mut Generator<'_>, tokens: &[String], id: &str) -> Message {
    let roll = generator.rng.gen_range(0..100);
    let text = match roll {
        0..15 => {
            let payload = match generator.principal().and_then(|i| tokens.get(i)) {
                Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
                None => json!({}),
            };
            json!({ "type": "connection_init", "payload": payload }).to_string()
        }
        15..45 => {
            let query = generator.subscription();
            json!({ "id": id, "type": "subscribe", "payload": { "query": query } }).to_string()
        }
        45..55 => {
            let query = generator.document();
            json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": generator.variables() } }).to_string()
        }
        55..62 => {
            let query = generator.subscription();
            let broken = generator.mutate(&query);
            json!({ "id": id, "type": "subscribe", "payload": { "query": broken } }).to_string()
        }
        62..70 => json!({ "id": id, "type": "complete" }).to_string(),
        70..75 => json!({ "type": "ping" }).to_string(),
        75..78 => json!({ "type": "pong", "payload": { "x": 1 } }).to_string(),
        78..85 => {
            // A valid message with its JSON bent.
            let base = json!({ "id": id, "type": "subscribe", "payload": { "query": "subscription { insatsChanged { kind } }" } }).to_string();
            generator.mutate(&base)
        }
        85..90 => {
            let types = [
                "start",
                "stop",
                "connection_terminate",
                "next",
                "",
                "SUBSCRIBE",
            ];
            let ty = types[generator.rng.gen_range(0..types.len())];
            json!({ "id": generator.rng.r#gen::<u32>(), "type": ty, "payload": [1, 2] }).to_string()
        }
        90..94 => return Message::Binary(vec![0u8, 159, 146, 150].into()),
        94..97 => "x".repeat(70_000),
        _ => {
            let n = generator.rng.gen_range(0..200);
            (0..n)
                .map(|_| generator.rng.gen_range(32u8..127) as char)
                .collect()
        }
    };
    Message::Text(text.into())
}

/// The checks on one message the server sent.
fn check_text(text: &str, codes: &[&str]) -> Result<(), String> {
    let message: Value = serde_json::from_str(text)
        .map_err(|e| format!("a message that is not JSON ({e}): {text}"))?;
    let ty = message["type"].as_str().unwrap_or_default();
    let errors = match ty {
        "connection_ack" | "pong" | "ping" | "complete" => return Ok(()),
        "next" => message["payload"]["errors"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        "error" => message["payload"]
            .as_array()
            .cloned()
            .ok_or_else(|| format!("an error without a list: {text}"))?,
        other => return Err(format!("a message of type {other:?}: {text}")),
    };
    for error in errors {
        let code = error["extensions"]["code"].as_str().unwrap_or("none");
        if !codes.contains(&code) {
            return Err(format!("an error with code {code}: {error}"));
        }
    }
    Ok(())
}

/// One WebSocket session of a few random messages; its answers checked.
pub async fn session(
    generator: &mut Generator<'_>,
    tokens: &[String],
    base: &str,
    codes: &[&str],
) -> Result<String, String> {
    let url = format!("{}/graphql", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("a header value"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| format!("no upgrade: {e}"))?;
    let mut sent = Vec::new();
    let count = generator.rng.gen_range(1..7);
    for i in 0..count {
        let id = if generator.rng.gen_bool(0.8) {
            (i % 3).to_string()
        } else {
            generator.rng.r#gen::<u16>().to_string()
        };
        let message = message(generator, tokens, &id);
        sent.push(format!("{message:?}").chars().take(300).collect::<String>());
        if socket.send(message).await.is_err() {
            break;
        }
    }
    // What comes back within a moment (a subscription may send nothing).
    let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next()).await;
        match next {
            Err(_) | Ok(None) => break,
            Ok(Some(Ok(Message::Text(text)))) => {
                check_text(&text, codes).map_err(|e| format!("{e}\nafter sending {sent:?}"))?;
            }
            Ok(Some(Ok(Message::Close(Some(close))))) => {
                let code = u16::from(close.code);
                if !CLOSE_CODES.contains(&code) {
                    return Err(format!(
                        "closed with {code} ({}) after sending {sent:?}",
                        close.reason
                    ));
                }
                break;
            }
            Ok(Some(Ok(_))) => {}
            // A connection the server cut (a message over the size limit
            // may end it before the close frame is read).
            Ok(Some(Err(_))) => break,
        }
    }
    let _ = socket.close(None).await;
    Ok(sent.join("\n"))
}

/// One SSE request with a generated document: a stream of `next` events
/// whose errors have codes, or a refusal in GraphQL's shape.
pub async fn stream(
    generator: &mut Generator<'_>,
    tokens: &[String],
    client: &reqwest::Client,
    base: &str,
    codes: &[&str],
) -> Result<(), String> {
    let query = if generator.rng.gen_bool(0.7) {
        generator.subscription()
    } else {
        generator.document()
    };
    let mut request = client
        .post(format!("{base}/graphql/stream"))
        .header("accept", "text/event-stream")
        .json(&json!({ "query": query, "variables": { "since": "0" } }));
    if let Some(token) = generator.principal().and_then(|i| tokens.get(i)) {
        request = request.bearer_auth(token);
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    if status >= 500 {
        return Err(format!("status {status} for {query}"));
    }
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, response.chunk()).await {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    if status != 200 {
        let body: Value = serde_json::from_str(&text)
            .map_err(|e| format!("status {status}, not JSON ({e}): {text}"))?;
        return check_text(
            &json!({ "type": "error", "payload": body["errors"] }).to_string(),
            codes,
        );
    }
    for event in text.split("\n\n") {
        if let Some(data) = event.strip_prefix("event: next\ndata: ") {
            check_text(
                &json!({ "type": "next", "payload": serde_json::from_str::<Value>(data).map_err(|e| format!("an event that is not JSON ({e}): {data}"))? }).to_string(),
                codes,
            )
            .map_err(|e| format!("{e}\nfor {query}"))?;
        }
    }
    Ok(())
}
