//! GraphQL over HTTP: what a request must be (media type, encoding, size,
//! batch), who sends it (the bearer token) and how fast they may ask (the
//! rate limits), how it runs (reader, loaders, limits, timeout, panics
//! contained) and what it is answered with (the status a failure as a whole
//! gets: 503 with `Retry-After` when the database is not answering).

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensions, Response, ServerError};
use futures_util::FutureExt;
use tracing_actix_web::RequestId;

use crate::auth::{Caller, Principal};
use crate::error::ApiError;
use crate::graphql::{FinsamSchema, Loaders, Reader};
use crate::rate_limit::Client;
use crate::service::AppState;

/// A GraphQL response carrying one error, for failures outside execution.
fn error_body(err: ApiError) -> Response {
    let gql = err.extend();
    let mut server_error = ServerError::new(gql.message, None);
    server_error.extensions = gql.extensions;
    Response::from_errors(vec![server_error])
}

/// An error response in GraphQL's shape, for failures before execution.
fn error_response(status: StatusCode, err: ApiError) -> HttpResponse {
    HttpResponse::build(status).json(error_body(err))
}

/// The request body, decoded (gzip) and counted against the limit as it
/// arrives, so neither a large body nor a small one that inflates (a gzip
/// bomb) is held whole; a broken stream is the client's fault, answered in
/// GraphQL's shape like every other refusal.
async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, (StatusCode, ApiError)> {
    use futures_util::StreamExt;
    let mut payload = actix_web::dev::Decompress::from_headers(payload.into_inner(), req.headers());
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                ApiError::bad_input("body", format!("the body could not be read: {e}")),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::bad_input(
                    "body",
                    format!("the body is larger than {limit} bytes (server.body_limit_bytes)"),
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Counts a refusal before execution and answers it.
fn refuse(state: &AppState, status: StatusCode, err: ApiError) -> HttpResponse {
    state.metrics.count_error(err.code());
    error_response(status, err)
}

/// The caller from the `Authorization` header: none is anonymous; a bad one
/// is refused with the reason. The token itself is never logged.
fn authenticate(state: &AppState, req: &HttpRequest) -> Result<Principal, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Principal::anonymous());
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthenticated("malformed authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::Unauthenticated("authorization must be a Bearer token".into()))?;
    state.tokens.validate(token.trim()).map_err(|reason| {
        tracing::info!(%reason, "refused a bearer token");
        ApiError::Unauthenticated(reason.to_string())
    })
}

/// Media types a GraphQL POST body may have. `application/json` is what the
/// GraphQL-over-HTTP spec requires; `application/graphql-response+json` is
/// accepted from clients that send it for both directions. `text/plain` is
/// refused on purpose: it is the type a browser sends cross-origin without a
/// CORS preflight, and no GraphQL client needs it.
const BODY_TYPES: [&str; 2] = ["application/json", "application/graphql-response+json"];

/// Encodings the server decodes (actix-web decodes gzip before the handler
/// sees the body); anything else would be read as if it were plain JSON.
const BODY_ENCODINGS: [&str; 3] = ["identity", "gzip", "x-gzip"];

/// `415 Unsupported Media Type` for a body the server cannot read as
/// GraphQL: a missing or other `Content-Type`, or an unknown
/// `Content-Encoding` (GraphQL over HTTP, "Media Types").
fn unsupported_media(req: &HttpRequest) -> Option<ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    match content_type {
        None => {
            return Some(ApiError::bad_input(
                "Content-Type",
                "a GraphQL POST needs Content-Type: application/json",
            ));
        }
        Some(t) if !BODY_TYPES.contains(&t.as_str()) => {
            return Some(ApiError::bad_input(
                "Content-Type",
                format!("unsupported Content-Type {t}: send application/json"),
            ));
        }
        Some(_) => {}
    }
    for value in req.headers().get_all(header::CONTENT_ENCODING) {
        let encodings = value.to_str().unwrap_or("?");
        for encoding in encodings.split(',').map(|e| e.trim().to_ascii_lowercase()) {
            if !BODY_ENCODINGS.contains(&encoding.as_str()) {
                return Some(ApiError::bad_input(
                    "Content-Encoding",
                    format!("unsupported Content-Encoding {encoding}: send gzip or none"),
                ));
            }
        }
    }
    None
}

/// Counts the request against the caller's rate limit: the token's subject
/// when signed in, else the client address.
fn over_limit(
    state: &AppState,
    req: &HttpRequest,
    principal: Option<&Principal>,
) -> Option<HttpResponse> {
    let client = match principal.and_then(|p| p.sub.as_deref()) {
        Some(sub) => Client::Subject(sub),
        None => {
            let forwarded = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok());
            let peer = req.peer_addr().map(|a| a.ip());
            Client::Address(state.rate_limits.client_address(peer, forwarded)?)
        }
    };
    let wait = state.rate_limits.check(client).err()?;
    let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = refuse(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        ApiError::RateLimited { retry_after_secs },
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(retry_after_secs.max(1)),
    );
    Some(response)
}

#[tracing::instrument(name = "graphql", skip_all)]
pub async fn post(
    schema: web::Data<FinsamSchema>,
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    payload: web::Payload,
) -> HttpResponse {
    if let Some(err) = unsupported_media(&req) {
        return refuse(&state, StatusCode::UNSUPPORTED_MEDIA_TYPE, err);
    }
    let principal = match authenticate(&state, &req) {
        Ok(p) => p,
        Err(err) => {
            // Refused tokens count against the address: guessing is limited too.
            if let Some(limited) = over_limit(&state, &req, None) {
                return limited;
            }
            return refuse(&state, StatusCode::UNAUTHORIZED, err);
        }
    };
    if let Some(limited) = over_limit(&state, &req, Some(&principal)) {
        return limited;
    }
    let body = match read_body(&req, payload, state.settings.server.body_limit_bytes).await {
        Ok(body) => body,
        Err((status, err)) => return refuse(&state, status, err),
    };
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            let err =
                ApiError::bad_input("body", format!("the body is not a GraphQL request: {e}"));
            return refuse(&state, StatusCode::BAD_REQUEST, err);
        }
    };
    let operations = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(requests) => requests.len(),
    };
    if operations > state.settings.graphql.max_batch {
        let err = ApiError::QueryTooComplex(format!(
            "a batch may hold at most {} operations",
            state.settings.graphql.max_batch
        ));
        return refuse(&state, StatusCode::BAD_REQUEST, err);
    }
    let response = execute(&schema, &state, principal, request_id, batch).await;
    respond(&response)
}

/// Runs a batch for `principal` with the request's reader and loaders,
/// within the request timeout; a panic is contained as INTERNAL.
async fn execute(
    schema: &FinsamSchema,
    state: &AppState,
    principal: Principal,
    request_id: RequestId,
    batch: BatchRequest,
) -> BatchResponse {
    // Requests that write read from the primary too, so a mutation's answer
    // shows its own change; the rest may read from a replica.
    let reader = if state.settings.database.read_url.is_some()
        && !has_mutation(&batch, state.settings.graphql.max_value_depth)
    {
        state.read_db.clone()
    } else {
        state.db.clone()
    };
    let loaders = Arc::new(Loaders::new(&reader, &principal));
    let caller = Caller::new(principal, Some(request_id.to_string()));
    let batch = batch.data(caller).data(loaders).data(Reader(reader));
    let timeout = Duration::from_secs(state.settings.server.request_timeout_secs);
    // A panic while resolving is a bug, not the caller's fault: it becomes
    // INTERNAL for this request and the worker goes on serving.
    let execution = std::panic::AssertUnwindSafe(schema.execute_batch(batch)).catch_unwind();
    match tokio::time::timeout(timeout, execution).await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => {
            let err = ApiError::Internal(anyhow::anyhow!("a resolver panicked"));
            tracing::error!("a GraphQL request panicked");
            state.metrics.count_error(err.code());
            BatchResponse::Single(error_body(err))
        }
        Err(_) => {
            let err = ApiError::QueryTooComplex(format!(
                "the request ran longer than {} s and was stopped",
                timeout.as_secs()
            ));
            state.metrics.count_error(err.code());
            BatchResponse::Single(error_body(err))
        }
    }
}

/// Whether every error of `response` has `code` and no data came back: the
/// request failed as a whole.
fn failed_whole(response: &Response, code: &str) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .is_some_and(|c| *c == async_graphql::Value::from(code))
        })
}

/// The HTTP answer: 200, or 503 with `Retry-After` when the database did
/// not answer and nothing came back.
fn respond(response: &BatchResponse) -> HttpResponse {
    let unavailable = match response {
        BatchResponse::Single(r) => failed_whole(r, "SERVICE_UNAVAILABLE"),
        BatchResponse::Batch(all) => {
            !all.is_empty() && all.iter().all(|r| failed_whole(r, "SERVICE_UNAVAILABLE"))
        }
    };
    let mut builder = if unavailable {
        let mut b = HttpResponse::ServiceUnavailable();
        b.insert_header((header::RETRY_AFTER, "5"));
        b
    } else {
        HttpResponse::Ok()
    };
    builder
        .content_type("application/graphql-response+json; charset=utf-8")
        .body(serde_json::to_vec(response).unwrap_or_default())
}

/// Whether any operation the batch will run is a mutation. Unparsable
/// documents count as writes: they go to the primary and fail there (a
/// document nested too deeply for the parser is not parsed here either).
fn has_mutation(batch: &BatchRequest, max_value_depth: usize) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    batch.iter().any(|req| {
        if crate::graphql::nesting::check(&req.query, max_value_depth).is_err() {
            return true;
        }
        match async_graphql::parser::parse_query(&req.query) {
            Err(_) => true,
            Ok(doc) => match &doc.operations {
                DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
                DocumentOperations::Multiple(ops) => match &req.operation_name {
                    Some(name) => ops
                        .get(name.as_str())
                        .is_none_or(|op| op.node.ty == OperationType::Mutation),
                    None => ops.values().any(|op| op.node.ty == OperationType::Mutation),
                },
            },
        }
    })
}
