//! Subscriptions over WebSocket at `/graphql`, by the `graphql-transport-ws`
//! protocol (the `graphql-ws` library's; its close codes below are the
//! protocol's). The token comes in `connection_init`'s payload
//! (`{"Authorization": "Bearer …"}`), as browsers cannot set headers on a
//! WebSocket, or in the upgrade request's `Authorization` header.
//!
//! Bounded everywhere: operations per connection, connections per client
//! and per process (`live::Connections`), message size, the wait for
//! `connection_init`, pings a silent client must answer, and a client that
//! does not read is disconnected once one message has waited
//! `live.send_timeout_secs` — what it did not read is dropped, not held.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use async_graphql::Response;
use futures_util::stream::{AbortHandle, Abortable, BoxStream, SelectAll};
use futures_util::{StreamExt, stream};
use serde::Deserialize;
use tokio::time::Instant;

use super::live::{self, Subscriber};
use crate::endpoint::state::AppState;
use crate::error::ApiError;
use crate::graphql::FinsamSchema;

pub const PROTOCOL: &str = "graphql-transport-ws";

/// Whether the request asks to become a WebSocket.
pub fn is_upgrade(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn refuse(state: &AppState, status: StatusCode, err: ApiError) -> HttpResponse {
    state.metrics.count_error(err.code());
    let body = super::error_body(err);
    HttpResponse::build(status)
        .content_type("application/json")
        .body(serde_json::to_string(&body).unwrap_or_default())
}

/// The upgrade: the subprotocol, a valid token if one is sent in the
/// header, and room for one more connection of this client.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    schema: FinsamSchema,
    state: Arc<AppState>,
) -> HttpResponse {
    let offered = req
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL);
    if !offered {
        let err = ApiError::request(
            "Sec-WebSocket-Protocol",
            "this server speaks graphql-transport-ws",
        );
        return refuse(&state, StatusCode::BAD_REQUEST, err);
    }
    let from_header = match Subscriber::from_upgrade(&state, &req).await {
        Ok(subscriber) => subscriber,
        Err(err @ ApiError::ForbiddenInput { .. }) => {
            return refuse(&state, StatusCode::FORBIDDEN, err);
        }
        Err(err) => return refuse(&state, StatusCode::UNAUTHORIZED, err),
    };
    let Some(client) = live::client_key(&state, &req, &from_header.principal) else {
        let err = ApiError::request("X-Forwarded-For", "not a client address");
        return refuse(&state, StatusCode::BAD_REQUEST, err);
    };
    let admitted = match state.live.admit(client.clone(), &state.settings.live) {
        Ok(admitted) => admitted,
        Err(err @ ApiError::ServiceUnavailable) => {
            return refuse(&state, StatusCode::SERVICE_UNAVAILABLE, err);
        }
        Err(err) => return refuse(&state, StatusCode::TOO_MANY_REQUESTS, err),
    };
    let (response, session, messages) =
        match actix_ws::handle_with_protocols(&req, body, &[PROTOCOL]) {
            Ok(handled) => handled,
            Err(err) => return err.error_response(),
        };
    let max = state.settings.live.max_message_bytes;
    let messages = messages
        .max_frame_size(max)
        .aggregate_continuations()
        .max_continuation_size(max);
    let connection = Connection {
        schema,
        state,
        client,
        subscriber: None,
        from_header,
        operations: SelectAll::new(),
        running: HashMap::new(),
    };
    actix_web::rt::spawn(async move {
        let _admitted = admitted;
        connection.run(session, messages).await;
    });
    response
}

/// A client's message (graphql-transport-ws).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<serde_json::Value>,
    },
    Ping {
        #[serde(default)]
        #[allow(dead_code)]
        payload: Option<serde_json::Value>,
    },
    Pong {
        #[serde(default)]
        #[allow(dead_code)]
        payload: Option<serde_json::Value>,
    },
    Subscribe {
        id: String,
        payload: SubscribePayload,
    },
    Complete {
        id: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribePayload {
    query: String,
    #[serde(default)]
    variables: Option<serde_json::Value>,
    #[serde(default)]
    operation_name: Option<String>,
}

/// Parses one text message; `None` is the protocol's "invalid message".
fn parse(text: &str) -> Option<ClientMessage> {
    serde_json::from_str(text).ok()
}

/// Why a connection closes, with the protocol's code.
struct Close(u16, String);

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Close(code, reason.into())
    }
}

type Operation = BoxStream<'static, (String, Option<Response>)>;

struct Connection {
    schema: FinsamSchema,
    state: Arc<AppState>,
    client: crate::rate_limit::ClientKey,
    /// Set by `connection_init`.
    subscriber: Option<Subscriber>,
    from_header: Subscriber,
    operations: SelectAll<Abortable<Operation>>,
    running: HashMap<String, AbortHandle>,
}

impl Connection {
    async fn run(mut self, mut session: Session, mut messages: actix_ws::AggregatedMessageStream) {
        let settings = self.state.settings.live.clone();
        let ping_every = Duration::from_secs(settings.ping_interval_secs.max(1));
        let send_timeout = Duration::from_secs(settings.send_timeout_secs.max(1));
        let init_deadline = tokio::time::sleep(Duration::from_secs(settings.init_timeout_secs));
        tokio::pin!(init_deadline);
        let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
        let mut last_heard = Instant::now();
        let mut stopping = self.state.live.stopping();
        let close = loop {
            // When the token expires (none for the anonymous, or before init).
            let expires = self.subscriber.as_ref().and_then(|s| s.expires);
            tokio::select! {
                _ = live::stopped(&mut stopping) => {
                    // Each operation is completed, then the socket closed:
                    // the client reconnects (to another process).
                    for id in std::mem::take(&mut self.running).into_keys() {
                        let _ = send(&mut session, send_timeout, complete(&id)).await;
                    }
                    break Some(Close::new(1001, "the server is stopping"));
                }
                _ = &mut init_deadline, if self.subscriber.is_none() => {
                    break Some(Close::new(4408, "Connection initialisation timeout"));
                }
                _ = tokio::time::sleep_until(expires.unwrap_or_else(Instant::now)),
                    if expires.is_some() => {
                    break Some(Close::new(4403, "Forbidden: the token expired"));
                }
                message = messages.next() => {
                    last_heard = Instant::now();
                    let outcome = match message {
                        None => break None,
                        Some(Err(err)) => Err(Close::new(
                            1009,
                            format!("message not accepted: {err}"),
                        )),
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            self.on_text(&mut session, send_timeout, &text).await
                        }
                        Some(Ok(AggregatedMessage::Binary(_))) => Err(Close::new(
                            4400,
                            "binary messages are not part of graphql-transport-ws",
                        )),
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            let _ = session.pong(&bytes).await;
                            Ok(())
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => Ok(()),
                        Some(Ok(AggregatedMessage::Close(_))) => break None,
                    };
                    if let Err(close) = outcome {
                        break Some(close);
                    }
                }
                Some((id, item)) = self.operations.next(), if !self.operations.is_empty() => {
                    if let Err(close) = self.deliver(&mut session, send_timeout, id, item).await {
                        break Some(close);
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > ping_every * 2 {
                        break Some(Close::new(1001, "no answer to pings"));
                    }
                    if tokio::time::timeout(send_timeout, session.ping(b"")).await.is_err() {
                        break Some(Close::new(1008, "messages were not read"));
                    }
                }
            }
        };
        for handle in self.running.values() {
            handle.abort();
        }
        if let Some(Close(code, reason)) = close {
            let reason = CloseReason {
                code: CloseCode::Other(code),
                description: Some(reason),
            };
            let _ = tokio::time::timeout(send_timeout, session.close(Some(reason))).await;
        }
    }

    async fn on_text(
        &mut self,
        session: &mut Session,
        send_timeout: Duration,
        text: &str,
    ) -> Result<(), Close> {
        let Some(message) = parse(text) else {
            return Err(Close::new(4400, "Invalid message received"));
        };
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if self.subscriber.is_some() {
                    return Err(Close::new(4429, "Too many initialisation requests"));
                }
                let subscriber = match token_of(payload.as_ref()) {
                    Some(token) => Subscriber::from_token(&self.state, token)
                        .await
                        .map_err(|err| Close::new(4403, format!("Forbidden: {}", err.message())))?,
                    None => self.from_header.clone(),
                };
                self.subscriber = Some(subscriber);
                send(session, send_timeout, r#"{"type":"connection_ack"}"#.into()).await
            }
            ClientMessage::Ping { .. } => {
                send(session, send_timeout, r#"{"type":"pong"}"#.into()).await
            }
            ClientMessage::Pong { .. } => Ok(()),
            ClientMessage::Subscribe { id, payload } => {
                let Some(subscriber) = self.subscriber.clone() else {
                    return Err(Close::new(4401, "Unauthorized"));
                };
                if self.running.contains_key(&id) {
                    return Err(Close::new(
                        4409,
                        format!("Subscriber for {id} already exists"),
                    ));
                }
                let limit = self.state.settings.live.max_subscriptions_per_connection;
                let refused = if self.running.len() >= limit {
                    Some(ApiError::request(
                        "subscribe",
                        format!("at most {limit} operations at once on one connection"),
                    ))
                } else {
                    live::over_limit(&self.state, &self.client)
                };
                if let Some(err) = refused {
                    self.state.metrics.count_error(err.code());
                    let body = super::error_body(err);
                    return send(session, send_timeout, error_message(&id, &body)).await;
                }
                let mut request = async_graphql::Request::new(payload.query);
                if let Some(name) = payload.operation_name {
                    request = request.operation_name(name);
                }
                if let Some(variables) = payload.variables {
                    request = request.variables(async_graphql::Variables::from_json(variables));
                }
                let responses = live::operation(&self.schema, &self.state, &subscriber, request);
                let tagged = id.clone();
                let operation: Operation = responses
                    .map(move |r| (tagged.clone(), Some(r)))
                    .chain(stream::once(std::future::ready((id.clone(), None))))
                    .boxed();
                let (handle, registration) = AbortHandle::new_pair();
                self.operations
                    .push(Abortable::new(operation, registration));
                self.running.insert(id, handle);
                Ok(())
            }
            ClientMessage::Complete { id } => {
                if let Some(handle) = self.running.remove(&id) {
                    handle.abort();
                }
                Ok(())
            }
        }
    }

    /// One response of operation `id` (`None`: it ended).
    async fn deliver(
        &mut self,
        session: &mut Session,
        send_timeout: Duration,
        id: String,
        item: Option<Response>,
    ) -> Result<(), Close> {
        // The client completed it: nothing more is sent for it.
        if !self.running.contains_key(&id) {
            return Ok(());
        }
        match item {
            None => {
                self.running.remove(&id);
                send(session, send_timeout, complete(&id)).await
            }
            // An operation that could not start (invalid, refused) is the
            // protocol's `error`, which ends it.
            Some(response) if response.data == async_graphql::Value::Null && response.is_err() => {
                if let Some(handle) = self.running.remove(&id) {
                    handle.abort();
                }
                send(session, send_timeout, error_message(&id, &response)).await
            }
            Some(response) => {
                let message = serde_json::json!({"id": id, "type": "next", "payload": response});
                send(session, send_timeout, message.to_string()).await
            }
        }
    }
}

/// The token in `connection_init`'s payload: `Authorization` (any case,
/// with or without `Bearer `) or `token`.
fn token_of(payload: Option<&serde_json::Value>) -> Option<&str> {
    let object = payload?.as_object()?;
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization") || *key == "token")
        .and_then(|(_, value)| value.as_str())
}

fn complete(id: &str) -> String {
    serde_json::json!({"id": id, "type": "complete"}).to_string()
}

fn error_message(id: &str, response: &Response) -> String {
    serde_json::json!({"id": id, "type": "error", "payload": response.errors}).to_string()
}

/// Sends within the time a reading client needs; a client that does not
/// read is disconnected.
async fn send(session: &mut Session, timeout: Duration, text: String) -> Result<(), Close> {
    match tokio::time::timeout(timeout, session.text(text)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_closed)) => Err(Close::new(1000, "closed")),
        Err(_) => Err(Close::new(1008, "messages were not read")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_outside_the_protocol_are_invalid() {
        assert!(parse(r#"{"type":"connection_init"}"#).is_some());
        assert!(parse(r#"{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}"#).is_some());
        for bad in [
            "",
            "null",
            "{}",
            r#"{"type":"start","id":"1","payload":{"query":"{ a }"}}"#,
            r#"{"type":"subscribe","payload":{"query":"{ a }"}}"#,
            r#"{"type":"subscribe","id":1,"payload":{"query":"{ a }"}}"#,
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_token_is_read_from_the_payload_in_any_case() {
        let payload = serde_json::json!({"authorization": "Bearer abc"});
        assert_eq!(token_of(Some(&payload)), Some("Bearer abc"));
        let payload = serde_json::json!({"token": "abc"});
        assert_eq!(token_of(Some(&payload)), Some("abc"));
        assert_eq!(token_of(Some(&serde_json::json!({}))), None);
        assert_eq!(token_of(None), None);
    }
}
