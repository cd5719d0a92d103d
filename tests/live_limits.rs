//! The WebSocket's protocol and limits, spoken frame by frame: what a client
//! that breaks the graphql-transport-ws protocol is told (its close codes),
//! and the bounds on operations, connections, message size, the wait for
//! `connection_init`, the rate limit, a client that does not read, and a
//! server that is asked to stop.

use crate::common;

use std::time::Duration;

use common::{Spawn, TestApp};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(20);

async fn connect_as(address: &str, protocol: Option<&str>) -> Result<Socket, u16> {
    let url = format!("{}/graphql", address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("request");
    if let Some(protocol) = protocol {
        request
            .headers_mut()
            .insert("sec-websocket-protocol", protocol.parse().expect("header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("connect: {err}"),
    }
}

async fn connect(app: &TestApp) -> Socket {
    connect_as(&app.address, Some("graphql-transport-ws"))
        .await
        .expect("upgraded")
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("send");
}

/// The next text message, or the close frame's (code, reason).
async fn receive(socket: &mut Socket) -> Result<Value, (u16, String)> {
    loop {
        let frame = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a message in time");
        match frame {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).expect("json")),
            Some(Ok(Message::Close(Some(close)))) => {
                return Err((u16::from(close.code), close.reason.to_string()));
            }
            Some(Ok(Message::Close(None))) | None => return Err((1005, String::new())),
            Some(Ok(_)) => continue,
            Some(Err(err)) => return Err((1006, err.to_string())),
        }
    }
}

async fn closed_with(socket: &mut Socket) -> u16 {
    loop {
        match receive(socket).await {
            Ok(_) => continue,
            Err((code, _)) => return code,
        }
    }
}

async fn acknowledged(socket: &mut Socket, token: Option<&str>) {
    let payload = token.map_or(
        json!({}),
        |t| json!({ "Authorization": format!("Bearer {t}") }),
    );
    send(
        socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(
        receive(socket).await.expect("ack")["type"],
        "connection_ack"
    );
}

fn subscribe(id: &str) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": {
        "query": "subscription { insatsChanged { eventId kind } }" } })
}

#[tokio::test]
async fn a_client_that_breaks_the_protocol_is_told_by_its_close_code() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.live.init_timeout_secs = 1)),
        ..Spawn::default()
    })
    .await;
    // Without the subprotocol there is no upgrade.
    assert_eq!(connect_as(&app.address, None).await.err(), Some(400));
    assert_eq!(
        connect_as(&app.address, Some("graphql-ws")).await.err(),
        Some(400)
    );

    let mut socket = connect(&app).await;
    send(&mut socket, subscribe("1")).await;
    assert_eq!(
        closed_with(&mut socket).await,
        4401,
        "subscribe before init"
    );

    let mut socket = connect(&app).await;
    acknowledged(&mut socket, None).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(closed_with(&mut socket).await, 4429, "a second init");

    let mut socket = connect(&app).await;
    send(&mut socket, json!({ "type": "start", "id": "1" })).await;
    assert_eq!(closed_with(&mut socket).await, 4400, "not a message");

    let mut socket = connect(&app).await;
    acknowledged(&mut socket, None).await;
    send(&mut socket, subscribe("a")).await;
    send(&mut socket, subscribe("a")).await;
    assert_eq!(closed_with(&mut socket).await, 4409, "the same id twice");

    let mut socket = connect(&app).await;
    assert_eq!(closed_with(&mut socket).await, 4408, "no init in time");

    let mut socket = connect(&app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer nonsense" } }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 4403, "a bad token");

    // A mutation belongs to POST /graphql.
    let mut socket = connect(&app).await;
    acknowledged(&mut socket, None).await;
    send(
        &mut socket,
        json!({ "id": "m", "type": "subscribe", "payload": {
            "query": "mutation { createForbund(input: { slug: \"x\", name: \"X\" }) { slug } }" } }),
    )
    .await;
    let refused = receive(&mut socket).await.expect("an error");
    assert_eq!(refused["type"], "error");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn operations_connections_and_message_size_are_bounded() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.live.max_subscriptions_per_connection = 2;
            s.live.max_connections_per_address = 2;
            s.live.max_message_bytes = 2048;
        })),
        ..Spawn::default()
    })
    .await;
    let mut first = connect(&app).await;
    acknowledged(&mut first, None).await;
    for id in ["1", "2", "3"] {
        send(&mut first, subscribe(id)).await;
    }
    let refused = receive(&mut first).await.expect("an error");
    assert_eq!(refused["id"], "3");
    assert_eq!(refused["type"], "error");
    assert!(
        refused["payload"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 2")),
        "{refused}"
    );
    // Completing one makes room.
    send(&mut first, json!({ "id": "1", "type": "complete" })).await;
    send(&mut first, subscribe("4")).await;

    // A third connection from the same address is refused before upgrading.
    let _second = connect(&app).await;
    assert_eq!(
        connect_as(&app.address, Some("graphql-transport-ws"))
            .await
            .err(),
        Some(429)
    );
    // And a message over the size limit closes the connection.
    let big = "x".repeat(4096);
    send(
        &mut first,
        json!({ "id": "5", "type": "subscribe", "payload": { "query": big } }),
    )
    .await;
    assert_eq!(closed_with(&mut first).await, 1009);
    // Its room is given back.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _third = connect(&app).await;
}

#[tokio::test]
async fn each_subscribe_counts_against_the_rate_limit() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.rate_limit.enabled = true;
            s.rate_limit.anonymous_per_second = 1;
            s.rate_limit.anonymous_burst = 3;
        })),
        ..Spawn::default()
    })
    .await;
    let mut socket = connect(&app).await;
    acknowledged(&mut socket, None).await;
    for id in 1..=6 {
        send(&mut socket, subscribe(&id.to_string())).await;
    }
    let refused = receive(&mut socket).await.expect("an error");
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
}

/// A client that stops reading: the server stops sending to it once one
/// message has waited `send_timeout_secs`, and closes it; nothing is kept
/// for it (its subscriptions end).
#[tokio::test]
async fn a_client_that_does_not_read_is_disconnected() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.live.send_timeout_secs = 1)),
        ..Spawn::default()
    })
    .await;
    let (address, stream) = slow_reader(&app).await;
    let mut request = format!("ws://{address}/graphql")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) =
        tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .expect("upgraded");
    acknowledged(&mut socket, None).await;
    send(
        &mut socket,
        json!({ "id": "big", "type": "subscribe", "payload": { "query": biggest_messages() } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.state.service().changes.subscribers(), 1);
    // The client reads nothing from here on.
    let changes = change_until_let_go(&app).await;
    eprintln!("disconnected after {changes} unread changes");
    // What it reads now ends with the connection: with the close frame
    // (1008) when there was room for it, else cut (1006) — a client that
    // does not read cannot be sent a goodbye either.
    let code = closed_with(&mut socket).await;
    assert!(matches!(code, 1006 | 1008), "closed with {code}");
}

/// SIGTERM: every open operation is completed and the socket closed with
/// 1001 (going away), so clients reconnect to another process.
#[tokio::test]
async fn a_stopping_server_completes_its_subscriptions() {
    let app = TestApp::spawn().await;
    let other = common::process::OtherProcess::start(&app);
    other.wait_ready(&app.client).await;
    let mut socket = connect_as(&other.address, Some("graphql-transport-ws"))
        .await
        .expect("upgraded");
    acknowledged(&mut socket, None).await;
    send(&mut socket, subscribe("1")).await;
    send(&mut socket, subscribe("2")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    other.terminate();
    let mut completed = Vec::new();
    let code = loop {
        match receive(&mut socket).await {
            Ok(message) => {
                assert_eq!(message["type"], "complete", "{message}");
                completed.push(message["id"].as_str().expect("id").to_owned());
            }
            Err((code, _)) => break code,
        }
    };
    completed.sort();
    assert_eq!(completed, ["1", "2"]);
    assert_eq!(code, u16::from(CloseCode::Away));
}

/// SSE in the distinct-connections mode, spoken by hand: GET with the
/// parameters in the query string, what it refuses, and its events.
#[tokio::test]
async fn server_sent_events_by_get_and_post_and_what_they_refuse() {
    let app = TestApp::spawn().await;
    let stream = format!("{}/graphql/stream", app.address);
    // Without asking for an event stream: 406.
    let plain = app
        .client
        .post(&stream)
        .json(&json!({ "query": "subscription { insatsChanged { kind } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(plain.status(), 406);
    // A batch: one operation per stream.
    let batch = app
        .client
        .post(&stream)
        .header("accept", "text/event-stream")
        .json(&json!([{ "query": "{ me { sub } }" }, { "query": "{ me { sub } }" }]))
        .send()
        .await
        .expect("send");
    assert_eq!(batch.status(), 400);
    let body: Value = batch.json().await.expect("json");
    assert_eq!(common::error_code(&body), "BAD_USER_INPUT");

    // A query over GET: one `next`, then `complete`, without compression
    // holding the events back.
    let mut answer = app
        .client
        .get(format!(
            "{stream}?query=%7B%20forbund(slug%3A%20%22varend%22)%20%7B%20name%20%7D%20%7D"
        ))
        .header("accept", "text/event-stream")
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/event-stream")
    );
    assert!(
        answer
            .headers()
            .get("content-encoding")
            .is_none_or(|e| e == "identity")
    );
    let mut text = String::new();
    while !text.contains("event: complete") {
        let chunk = tokio::time::timeout(PATIENCE, answer.chunk())
            .await
            .expect("in time")
            .expect("read")
            .expect("more before complete");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = text
        .split("\n\n")
        .find_map(|event| event.strip_prefix("event: next\ndata: "))
        .expect("a next event");
    let result: Value = serde_json::from_str(data).expect("json");
    assert_eq!(
        result["data"]["forbund"]["name"],
        "Samordningsförbundet Värend"
    );
}

/// The same over SSE: a stream that is never read held its subscription
/// (and any replay with it) for as long as the socket stayed open. Once an
/// event has waited `send_timeout_secs`, the subscription ends and what it
/// held is dropped.
#[tokio::test]
async fn an_sse_client_that_does_not_read_is_let_go() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.live.send_timeout_secs = 1)),
        ..Spawn::default()
    })
    .await;
    let (address, mut stream) = slow_reader(&app).await;
    stream
        .write_all(sse_post(&address.to_string(), biggest_messages()).as_bytes())
        .await
        .expect("request sent");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.state.service().changes.subscribers(), 1);
    // The client reads nothing, not even the response's head.
    let changes = change_until_let_go(&app).await;
    eprintln!("let go after {changes} unread changes");
    drop(stream);
}

/// A client that opens SSE streams and closes them at once frees its slots
/// as each socket closes, not at the next ping: twenty quick cycles with
/// room for two never lock it out of live updates.
#[tokio::test]
async fn sse_slots_are_freed_when_the_socket_closes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.live.max_connections_per_address = 2;
            s.live.ping_interval_secs = 60;
        })),
        ..Spawn::default()
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_string();
    let request = sse_post(
        &address,
        "subscription { insatsChanged { eventId kind } }".into(),
    );
    for cycle in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connect");
        stream.write_all(request.as_bytes()).await.expect("sent");
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await.expect("an answer");
        assert_eq!(
            &head[..],
            b"HTTP/1.1 200",
            "cycle {cycle}: {}",
            String::from_utf8_lossy(&head)
        );
        drop(stream);
        // The slot is free again well before any ping.
        let started = std::time::Instant::now();
        while app.state.live.open() > 0 {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "cycle {cycle}: the closed stream still holds its slot"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Changes insats 1 until no subscriber is left (a few pauses let the
/// server's send timeout pass); how many changes that took.
async fn change_until_let_go(app: &TestApp) -> i64 {
    // Insats 1 is Västerås's; Västerås is dissolved, so the network writes.
    let network = app.network_admin();
    let mut version = app
        .data(r#"{ insats(id: "1") { version } }"#, json!({}))
        .await["insats"]["version"]
        .as_i64()
        .expect("version");
    let mut changes = 0;
    while app.state.service().changes.subscribers() > 0 {
        assert!(changes < 3000, "still subscribed after {changes} changes");
        app.data_as(
            Some(&network),
            "mutation($v: Int!, $n: Int) { updateInsats(id: \"1\", version: $v, input: { targetParticipants: $n }) { id } }",
            json!({ "v": version, "n": changes }),
        )
        .await;
        version += 1;
        changes += 1;
        if changes % 50 == 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    changes
}

/// The statements sent to the database so far, from the server's metrics.
async fn statements(app: &TestApp) -> f64 {
    app.metrics()
        .await
        .lines()
        .find_map(|l| l.strip_prefix("finsam_db_statements_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("finsam_db_statements_total")
}

/// A change followed by thirty subscriptions of callers who see insatser
/// alike is read once for all of them, not once each (the cost of a change
/// grew with the subscriptions an address held open).
#[tokio::test]
async fn one_change_is_read_once_for_subscribers_who_see_alike() {
    let app = TestApp::spawn().await;
    let mut socket = connect(&app).await;
    acknowledged(&mut socket, None).await;
    for i in 0..30 {
        send(&mut socket, subscribe(&i.to_string())).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let network = app.network_admin();
    let current = app
        .data(r#"{ insats(id: "1") { version } }"#, json!({}))
        .await;
    let before = statements(&app).await;
    app.data_as(
        Some(&network),
        "mutation($v: Int!) { updateInsats(id: \"1\", version: $v, input: { targetParticipants: 12 }) { id } }",
        json!({ "v": current["insats"]["version"] }),
    )
    .await;
    let mut delivered = 0;
    while delivered < 30 {
        let message = receive(&mut socket).await.expect("a message");
        if message["type"] == "next" {
            delivered += 1;
        }
    }
    let spent = statements(&app).await - before;
    // The mutation's own statements and one read, not thirty reads.
    assert!(
        spent < 30.0,
        "{spent} statements for one change to 30 subscribers"
    );
}

/// A connection to `app` with a small receive buffer, so what it leaves
/// unread fills the connection sooner; and the address it reached.
async fn slow_reader(app: &TestApp) -> (std::net::SocketAddr, tokio::net::TcpStream) {
    let address: std::net::SocketAddr = app
        .address
        .trim_start_matches("http://")
        .parse()
        .expect("address");
    let tcp = tokio::net::TcpSocket::new_v4().expect("socket");
    tcp.set_recv_buffer_size(4096).expect("buffer");
    (address, tcp.connect(address).await.expect("connect"))
}

/// A subscription to the biggest messages a caller may ask for: each change
/// with the whole description, many times over (aliases), so a socket's
/// buffers fill after a few hundred.
fn biggest_messages() -> String {
    let fields: String = (0..14)
        .map(|i| format!("d{i}: description t{i}: targetGroup "))
        .collect();
    format!("subscription {{ insatsChanged {{ insats {{ {fields} }} }} }}")
}

/// An SSE subscription request to `address`, written by hand (a client
/// that reads nothing must not have a library read for it).
fn sse_post(address: &str, query: String) -> String {
    let body = json!({ "query": query }).to_string();
    format!(
        "POST /graphql/stream HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// An office behind one address: its anonymous visitors share an allowance
/// of their own, larger than one person's, and still bounded; a signed-in
/// user from that address has their own, as before.
#[tokio::test]
async fn anonymous_visitors_of_one_address_share_a_larger_allowance() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.live.max_connections_per_client = 1;
            s.live.max_connections_per_address = 3;
        })),
        ..Spawn::default()
    })
    .await;
    let mut anonymous = Vec::new();
    for _ in 0..3 {
        anonymous.push(connect(&app).await);
    }
    assert_eq!(
        connect_as(&app.address, Some("graphql-transport-ws"))
            .await
            .err(),
        Some(429),
        "a fourth anonymous connection from the address is refused"
    );
    let signed_in = |token: &str| {
        let url = format!("{}/graphql", app.address.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("request");
        let headers = request.headers_mut();
        headers.insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        headers.insert(
            "authorization",
            format!("Bearer {token}").parse().expect("header"),
        );
        tokio_tungstenite::connect_async(request)
    };
    let token = app.network_admin();
    let _own = signed_in(&token).await.expect("the user's own allowance");
    match signed_in(&token).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(
                response.status().as_u16(),
                429,
                "a user's second is refused"
            );
        }
        other => panic!(
            "a user's second connection is refused: {:?}",
            other.map(|_| ())
        ),
    }
    // A visitor who leaves gives the office its room back.
    drop(anonymous.pop());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _again = connect(&app).await;
}
