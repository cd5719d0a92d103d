//! The parameters of a GraphQL request — `query`, `operationName`,
//! `variables`, `extensions` — from a JSON body (one request or a batch) or
//! a GET query string, checked for shape before anything runs (the body
//! read within its limit), and automatic persisted queries (Apollo's
//! `extensions.persistedQuery`): a request may carry only the SHA-256 of a
//! query the server has seen.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use std::ops::ControlFlow;

use async_graphql::{Request, Response, Variables};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use actix_web::http::StatusCode;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::graphql::GraphqlContext;
use crate::graphql::answers::{Key, Lookup, Pending};
use crate::graphql::documents::Kept;
use crate::graphql::loaders::LazyLoaders;
use crate::metrics::KeptAnswers;

/// The request body, decoded (gzip) and counted against the limit as it
/// arrives, so neither a large body nor a small one that inflates (a gzip
/// bomb) is held whole; a broken stream is the client's fault.
pub(super) async fn read_body(
    req: &actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    limit: usize,
) -> Result<actix_web::web::BytesMut, (StatusCode, ApiError)> {
    use futures_util::StreamExt;
    let mut payload = actix_web::dev::Decompress::from_headers(payload.into_inner(), req.headers());
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                ApiError::request("body", format!("the body could not be read: {e}")),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::request(
                    "body",
                    format!("the body is larger than {limit} bytes (server.body_limit_bytes)"),
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// One request's parameters, checked for shape.
#[derive(Debug, Default, Clone)]
pub struct Params {
    pub query: Option<String>,
    pub operation_name: Option<String>,
    pub variables: Option<Map<String, Value>>,
    pub extensions: Option<Map<String, Value>>,
}

fn bad(field: &str, message: &str) -> ApiError {
    ApiError::request(field, message.to_string())
}

fn string_param(object: &mut Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match object.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(key, &format!("{key} must be a string"))),
    }
}

fn map_param(
    object: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<Map<String, Value>>, ApiError> {
    match object.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(bad(key, &format!("{key} must be a map (a JSON object)"))),
    }
}

impl Params {
    fn from_object(value: Value) -> Result<Params, ApiError> {
        let Value::Object(mut object) = value else {
            return Err(bad("body", "a GraphQL request is a JSON object"));
        };
        Ok(Params {
            query: string_param(&mut object, "query")?,
            operation_name: string_param(&mut object, "operationName")?,
            variables: map_param(&mut object, "variables")?,
            extensions: map_param(&mut object, "extensions")?,
        })
    }

    /// A GET request's parameters: `variables` and `extensions` are
    /// URL-encoded JSON.
    pub fn from_query_string(query_string: &str) -> Result<Params, ApiError> {
        let mut object = Map::new();
        for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
            let value = match key.as_ref() {
                "variables" | "extensions" => serde_json::from_str(&value)
                    .map_err(|_| bad(&key, &format!("{key} must be URL-encoded JSON")))?,
                _ => Value::String(value.into_owned()),
            };
            object.insert(key.into_owned(), value);
        }
        Params::from_object(Value::Object(object))
    }
}

/// The requests of a POST body: one object, or an array of them (a batch).
pub fn from_body(body: &[u8]) -> Result<(Vec<Params>, bool), ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad("body", &format!("the body is not JSON: {e}")))?;
    match value {
        Value::Array(items) => {
            let params = items
                .into_iter()
                .map(Params::from_object)
                .collect::<Result<Vec<_>, _>>()?;
            Ok((params, true))
        }
        other => Ok((vec![Params::from_object(other)?], false)),
    }
}

/// Queries seen with their hash, most recently used kept (bounded).
pub struct PersistedQueries {
    store: Mutex<lru::LruCache<String, Arc<str>>>,
}

impl PersistedQueries {
    pub fn new(capacity: usize) -> Self {
        PersistedQueries {
            store: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    fn get(&self, hash: &str) -> Option<Arc<str>> {
        self.store.lock().ok()?.get(hash).cloned()
    }

    fn put(&self, hash: String, query: &str) {
        if let Ok(mut store) = self.store.lock() {
            store.put(hash, Arc::from(query));
        }
    }
}

/// The query text a request stands for: its `query`, or — with
/// `extensions.persistedQuery` — the text registered under the hash. A text
/// sent with a hash registers it, once its hash checks out.
pub fn query_text(params: &mut Params, persisted: &PersistedQueries) -> Result<String, ApiError> {
    let persisted_query = params
        .extensions
        .as_mut()
        .and_then(|e| e.remove("persistedQuery"));
    let Some(persisted_query) = persisted_query else {
        return params
            .query
            .take()
            .filter(|q| !q.trim().is_empty())
            .ok_or_else(|| bad("query", "the request has no query"));
    };
    let version = persisted_query.get("version").and_then(Value::as_i64);
    let hash = persisted_query
        .get("sha256Hash")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    let (Some(1), Some(hash)) = (version, hash) else {
        return Err(bad(
            "extensions.persistedQuery",
            "persistedQuery needs version 1 and a sha256Hash",
        ));
    };
    match params.query.take().filter(|q| !q.is_empty()) {
        Some(query) => {
            let actual = format!("{:x}", Sha256::digest(query.as_bytes()));
            if actual != hash {
                return Err(bad(
                    "extensions.persistedQuery.sha256Hash",
                    "provided sha does not match query",
                ));
            }
            persisted.put(hash, &query);
            Ok(query)
        }
        None => persisted
            .get(&hash)
            .map(|q| q.to_string())
            .ok_or(ApiError::PersistedQueryNotFound),
    }
}

/// The request async-graphql runs.
pub fn to_request(query: String, params: Params) -> Request {
    let mut request = Request::new(query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables {
        request = request.variables(Variables::from_json(Value::Object(variables)));
    }
    request
}

/// What a request's kept answer gives it (`graphql::answers`): the answer
/// (`Break`), or the answer is made, with what keeping it takes when it may
/// be kept. An answer made from memory alone is given at once; one that read
/// storage after one statement finds storage still at its version.
#[allow(clippy::too_many_arguments)]
pub(super) async fn kept_answer(
    graphql: &GraphqlContext,
    counted: &KeptAnswers,
    kept: Option<&Kept>,
    request: &Request,
    caller: &Caller,
    loaders: &LazyLoaders,
    reader: &sea_orm::DatabaseConnection,
    federation: bool,
) -> ControlFlow<Response, Option<Pending>> {
    let operation = request.operation_name.as_deref();
    let answers = &graphql.answers;
    if !kept.is_some_and(|k| answers.keepable(k, operation, &request.variables)) {
        return ControlFlow::Continue(None);
    }
    let service = &graphql.service;
    let found = answers.lookup(&Key {
        text: &request.query,
        operation,
        caller: &caller.principal,
        day: service.clock.today(),
        generation: service.reference.generation(),
        federation,
    });
    match found {
        Lookup::Hit(answer) => {
            counted.memory.inc();
            ControlFlow::Break(answer)
        }
        Lookup::IfStill {
            version,
            answer,
            pending,
        } => match crate::db::data_version(reader).await {
            Ok(now) if now == version => {
                counted.unchanged.inc();
                ControlFlow::Break(answer)
            }
            Ok(now) => {
                counted.changed.inc();
                ControlFlow::Continue(Some(pending.at(now)))
            }
            // Storage cannot say: the answer is made (and says why).
            Err(_) => ControlFlow::Continue(None),
        },
        // A batch's earlier requests may have filled the loaders with what
        // they read: storage is read at a version only with empty ones.
        Lookup::Miss {
            pending,
            needs_version,
        } => {
            counted.made.inc();
            if needs_version && !loaders.made() {
                match crate::db::data_version(reader).await {
                    Ok(now) => ControlFlow::Continue(Some(pending.at(now))),
                    Err(_) => ControlFlow::Continue(None),
                }
            } else {
                ControlFlow::Continue(Some(pending))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(value: Value) -> Params {
        Params::from_object(value).expect("valid")
    }

    #[test]
    fn parameters_of_the_wrong_type_are_refused() {
        for body in [
            json!({ "query": { "obj": "ect" } }),
            json!({ "query": 0 }),
            json!({ "query": "{ a }", "operationName": false }),
            json!({ "query": "{ a }", "variables": "string" }),
            json!({ "query": "{ a }", "extensions": ["array"] }),
            json!(["not an object"]),
        ] {
            assert!(from_body(body.to_string().as_bytes()).is_err(), "{body}");
        }
        assert!(from_body(b"{ \"not a JSON").is_err());
        let store = PersistedQueries::new(4);
        let mut missing = params(json!({ "qeury": "{ a }" }));
        assert!(query_text(&mut missing, &store).is_err());
    }

    #[test]
    fn a_persisted_query_round_trip() {
        let store = PersistedQueries::new(2);
        let query = "{ __typename }";
        let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
        let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        let mut only_hash = params(json!({ "extensions": ext }));
        assert!(matches!(
            query_text(&mut only_hash, &store),
            Err(ApiError::PersistedQueryNotFound)
        ));
        let mut wrong = params(json!({ "query": "{ other }", "extensions": ext }));
        assert!(
            query_text(&mut wrong, &store).is_err(),
            "a text that does not match its hash"
        );
        let mut register = params(json!({ "query": query, "extensions": ext }));
        assert_eq!(
            query_text(&mut register, &store).expect("registered"),
            query
        );
        let mut again = params(json!({ "extensions": ext }));
        assert_eq!(query_text(&mut again, &store).expect("found"), query);
    }

    #[test]
    fn the_store_is_bounded() {
        let store = PersistedQueries::new(2);
        for q in ["{ a }", "{ b }", "{ c }"] {
            store.put(format!("{:x}", Sha256::digest(q.as_bytes())), q);
        }
        assert!(
            store
                .get(&format!("{:x}", Sha256::digest(b"{ a }")))
                .is_none(),
            "the oldest went"
        );
        assert!(
            store
                .get(&format!("{:x}", Sha256::digest(b"{ c }")))
                .is_some()
        );
    }
}
