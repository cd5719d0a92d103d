//! Subscriptions over Server-Sent Events at `/graphql/stream`, by the
//! GraphQL-over-SSE protocol (the `graphql-sse` library's) in its
//! distinct-connections mode: one request (POST with a JSON body, or GET with
//! the parameters in the query string), one operation, its results as `next`
//! events and a `complete` at the end. The token is the `Authorization`
//! header. For networks where WebSockets do not pass.
//!
//! A client that does not read stops the stream being polled: nothing is
//! queued for it beyond the socket's buffer and one event, and when that
//! event has waited `live.send_timeout_secs` the subscription ends and what
//! it held is dropped.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use super::live::{self, Subscriber};
use super::request::{self, Params};
use crate::endpoint::state::AppState;
use crate::error::ApiError;
use crate::graphql::FinsamSchema;

fn refuse(state: &AppState, status: StatusCode, err: ApiError) -> HttpResponse {
    state.metrics.count_error(err.code());
    let body = super::error_body(err);
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(serde_json::to_string(&body).unwrap_or_default())
}

fn accepts_event_stream(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"))
}

pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    schema: web::Data<FinsamSchema>,
    state: web::Data<AppState>,
) -> HttpResponse {
    // The body as POST /graphql takes it: its media type, its size bound
    // (`server.body_limit_bytes`, counted as it is decompressed).
    if let Some(err) = super::media::unsupported_body(&req) {
        return refuse(&state, StatusCode::UNSUPPORTED_MEDIA_TYPE, err);
    }
    let body = match super::request::read_body(
        &req,
        payload,
        state.settings.server.body_limit_bytes,
    )
    .await
    {
        Ok(body) => body,
        Err((status, err)) => return refuse(&state, status, err),
    };
    let params = match request::from_body(&body) {
        Ok((mut batch, false)) if batch.len() == 1 => batch.remove(0),
        Ok(_) => {
            let err = ApiError::request("body", "one operation per stream, not a batch");
            return refuse(&state, StatusCode::BAD_REQUEST, err);
        }
        Err(err) => return refuse(&state, StatusCode::BAD_REQUEST, err),
    };
    stream(req, params, schema, state).await
}

pub async fn get(
    req: HttpRequest,
    schema: web::Data<FinsamSchema>,
    state: web::Data<AppState>,
) -> HttpResponse {
    match Params::from_query_string(req.query_string()) {
        Ok(params) => stream(req, params, schema, state).await,
        Err(err) => refuse(&state, StatusCode::BAD_REQUEST, err),
    }
}

async fn stream(
    req: HttpRequest,
    mut params: Params,
    schema: web::Data<FinsamSchema>,
    state: web::Data<AppState>,
) -> HttpResponse {
    if !accepts_event_stream(&req) {
        let err = ApiError::request("Accept", "this endpoint answers text/event-stream");
        return refuse(&state, StatusCode::NOT_ACCEPTABLE, err);
    }
    let state: Arc<AppState> = state.into_inner();
    let subscriber = match Subscriber::from_header(&state, &req).await {
        Ok(subscriber) => subscriber,
        Err(err) => return refuse(&state, StatusCode::UNAUTHORIZED, err),
    };
    let Some(client) = live::client_key(&state, &req, &subscriber.principal) else {
        let err = ApiError::request("X-Forwarded-For", "not a client address");
        return refuse(&state, StatusCode::BAD_REQUEST, err);
    };
    if let Some(err) = live::over_limit(&state, &client) {
        return refuse(&state, StatusCode::TOO_MANY_REQUESTS, err);
    }
    let admitted = match state.live.admit(client, &state.settings.live) {
        Ok(admitted) => admitted,
        Err(err @ ApiError::ServiceUnavailable) => {
            return refuse(&state, StatusCode::SERVICE_UNAVAILABLE, err);
        }
        Err(err) => return refuse(&state, StatusCode::TOO_MANY_REQUESTS, err),
    };
    let query = match request::query_text(&mut params, &state.persisted_queries) {
        Ok(query) => query,
        Err(err) => return refuse(&state, StatusCode::BAD_REQUEST, err),
    };
    let responses = live::operation(
        &schema,
        &state,
        &subscriber,
        request::to_request(query, params),
    );
    let ping_every = Duration::from_secs(state.settings.live.ping_interval_secs.max(1));
    let send_timeout = Duration::from_secs(state.settings.live.send_timeout_secs.max(1));
    let mut stopping = state.live.stopping();
    let mut events = Box::pin(responses.map(|response| {
        let data = serde_json::to_string(&response).unwrap_or_default();
        Bytes::from(format!("event: next\ndata: {data}\n\n"))
    }));
    // The subscription runs in a task of its own and hands each event to the
    // response through a channel of one. A client that does not read stops
    // the response being polled; its next event then waits, and after
    // `live.send_timeout_secs` the task lets the client go, dropping the
    // subscription and whatever it held (a replay, a change's earlier state)
    // rather than keeping it for a reader that may never come — as the
    // WebSocket does. A comment line after each quiet interval keeps proxies
    // from closing the stream and finds clients that are gone.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(1);
    actix_web::rt::spawn(async move {
        loop {
            let (bytes, last) = tokio::select! {
                biased;
                _ = sender.closed() => return,
                _ = live::stopped(&mut stopping) => (Bytes::from_static(COMPLETE), true),
                next = events.next() => match next {
                    Some(bytes) => (bytes, false),
                    None => (Bytes::from_static(COMPLETE), true),
                },
                _ = tokio::time::sleep(ping_every) => (Bytes::from_static(b":\n\n"), false),
            };
            match tokio::time::timeout(send_timeout, sender.send(bytes)).await {
                Ok(Ok(())) if !last => {}
                Ok(_) => return,
                Err(_) => {
                    tracing::info!(
                        "an SSE subscriber did not read within the send timeout; let go"
                    );
                    return;
                }
            }
        }
    });
    // The connection counts against the client until its response is dropped.
    let body = futures_util::stream::unfold(
        (receiver, admitted),
        |(mut receiver, admitted)| async move {
            let bytes = receiver.recv().await?;
            Some((
                Ok::<_, std::convert::Infallible>(bytes),
                (receiver, admitted),
            ))
        },
    );
    HttpResponse::Ok()
        .content_type("text/event-stream; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Not compressed: the compressor would hold events back.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body)
}

const COMPLETE: &[u8] = b"event: complete\ndata:\n\n";
