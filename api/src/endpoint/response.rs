//! The HTTP answer to a GraphQL request: its status (by the media type
//! negotiated: a request error is 400 without `data` for
//! `application/graphql-response+json`, 200 for legacy `application/json`;
//! 503 with `Retry-After` when the database was not answering), and whether
//! proxies and browsers may keep it (`Cache-Control: public` with an `ETag`
//! only for an anonymous GET answered without errors; `private, no-store`
//! for everything else).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::{BatchResponse, Response, Value};
use sha2::{Digest, Sha256};

use super::media::Answer;

fn codes_all(response: &Response, code: &str) -> bool {
    response.errors.iter().all(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == Value::from(code))
    })
}

/// A request error: the request failed before execution (parsing,
/// validation, variable coercion, limits), so there is no `data` at all.
/// Errors raised while executing a field carry the field's path.
fn request_error(response: &Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Whether any part of the answer failed because the database did not
/// answer (a read that may be run again elsewhere).
pub(crate) fn any_unavailable(response: &Response) -> bool {
    response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == Value::from("SERVICE_UNAVAILABLE"))
    })
}

fn unavailable(response: &Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && codes_all(response, "SERVICE_UNAVAILABLE")
}

/// The response as JSON, without `data` for a request error in the
/// graphql-response type (the spec: a request error has no data entry).
fn body(response: &Response, answer: Answer) -> serde_json::Value {
    let mut value = serde_json::to_value(response).unwrap_or_default();
    if answer == Answer::GraphqlResponse
        && request_error(response)
        && let Some(object) = value.as_object_mut()
    {
        object.remove("data");
    }
    value
}

/// The bytes of one response: serialized straight from the response, except
/// for the one case that drops an entry.
fn bytes_of(response: &Response, answer: Answer) -> Vec<u8> {
    if answer == Answer::GraphqlResponse && request_error(response) {
        serde_json::to_vec(&body(response, answer)).unwrap_or_default()
    } else {
        serde_json::to_vec(response).unwrap_or_default()
    }
}

/// How long an anonymous GET answer may be kept, in seconds; `None` when it
/// may not be kept at all.
pub type Cacheable = Option<u32>;

pub fn reply(
    req: &HttpRequest,
    response: &BatchResponse,
    answer: Answer,
    cache: Cacheable,
) -> HttpResponse {
    let (status, bytes) = match response {
        BatchResponse::Single(r) => {
            let status = if unavailable(r) {
                StatusCode::SERVICE_UNAVAILABLE
            } else if request_error(r) && answer == Answer::GraphqlResponse {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            (status, bytes_of(r, answer))
        }
        BatchResponse::Batch(all) => {
            let status = if !all.is_empty() && all.iter().all(unavailable) {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::OK
            };
            let json = serde_json::Value::Array(all.iter().map(|r| body(r, answer)).collect());
            (status, serde_json::to_vec(&json).unwrap_or_default())
        }
    };
    let errors = match response {
        BatchResponse::Single(r) => !r.errors.is_empty(),
        BatchResponse::Batch(all) => all.iter().any(|r| !r.errors.is_empty()),
    };
    let mut builder = HttpResponse::build(status);
    builder
        .content_type(answer.content_type())
        .insert_header((header::VARY, "Authorization, Accept"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        builder.insert_header((header::RETRY_AFTER, "5"));
    }
    match cache {
        Some(max_age) if status == StatusCode::OK && !errors => {
            let hex = format!("{:x}", Sha256::digest(&bytes));
            let etag = format!("\"{}\"", &hex[..32]);
            builder.insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")));
            if let Ok(value) = HeaderValue::from_str(&etag) {
                builder.insert_header((header::ETAG, value));
            }
            let matches = req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
            if matches {
                return builder.status(StatusCode::NOT_MODIFIED).finish();
            }
        }
        _ => {
            builder.insert_header((header::CACHE_CONTROL, "private, no-store"));
        }
    }
    builder.body(bytes)
}

/// A refusal before execution, in GraphQL's shape and the negotiated type.
pub fn refusal(status: StatusCode, response: &Response, answer: Answer) -> HttpResponse {
    let mut json = serde_json::to_value(response).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.remove("data");
    }
    HttpResponse::build(status)
        .content_type(answer.content_type())
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::VARY, "Authorization, Accept"))
        .body(serde_json::to_vec(&json).unwrap_or_default())
}
