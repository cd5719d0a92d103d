//! GraphQL over HTTP, as the specification has it: POST with a JSON body
//! (one request or a batch), GET with a query string for queries (never
//! mutations), the response type negotiated from `Accept`, automatic
//! persisted queries, and cacheable answers for anonymous GETs. Each request
//! goes the same way: media type, caller (`session`: a bearer token, or the
//! web app's session cookie), rate limit,
//! parameters, execution (reader, loaders, limits, timeout, panics
//! contained), answer.
//!
//! `media` says what a body may be and which answer type a client accepts;
//! `request` checks the parameters and resolves persisted queries;
//! `response` picks the status and the caching headers; `session` says who
//! is calling and keeps the web app's session.

pub mod connections;
pub mod live;
pub mod media;
pub mod request;
mod response;
pub mod session;
pub mod sse;
pub mod state;
pub mod ws;

use std::num::NonZeroU32;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchResponse, ErrorExtensions, Response, ServerError};
use futures_util::FutureExt;
use tracing_actix_web::RequestId;

use crate::auth::{Caller, Principal};
use crate::endpoint::state::AppState;
use crate::error::ApiError;
use crate::graphql::answers::Sources;
use crate::graphql::loaders::LazyLoaders;
use crate::graphql::{Reader, Schemas};
use crate::rate_limit::Client;
use crate::replica::{Lsn, Route};
use media::Answer;
use request::Params;

/// A GraphQL response carrying one error, for failures outside execution.
pub fn error_body(err: ApiError) -> Response {
    let gql = err.extend();
    let mut server_error = ServerError::new(gql.message, None);
    server_error.extensions = gql.extensions;
    Response::from_errors(vec![server_error])
}

/// Counts a refusal before execution and answers it in GraphQL's shape.
fn refuse(state: &AppState, status: StatusCode, err: ApiError, answer: Answer) -> HttpResponse {
    state.metrics.count_error(err.code());
    response::refusal(status, &error_body(err), answer)
}

/// Counts the request against the caller's rate limit: the token's subject
/// when signed in, else the client address.
fn over_limit(
    state: &AppState,
    req: &HttpRequest,
    principal: Option<&Principal>,
    answer: Answer,
    operations: std::num::NonZeroU32,
) -> Option<HttpResponse> {
    let client = match principal.and_then(|p| p.sub.as_deref()) {
        Some(sub) => Client::Subject(sub),
        None => Client::Address(state.rate_limits.address_of(req)?),
    };
    let wait = state.rate_limits.check_n(client, operations).err()?;
    let retry_after_secs = retry_after_secs(wait);
    let mut response = refuse(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        ApiError::RateLimited { retry_after_secs },
        answer,
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(retry_after_secs.max(1)),
    );
    Some(response)
}

/// Whether the request holds the federation router's credential
/// (`graphql.federation_token`, in `Finsam-Federation-Token`); compared as
/// digests, so the time taken says nothing about how much of it was right.
fn federation_router(state: &AppState, req: &HttpRequest) -> bool {
    use secrecy::ExposeSecret;
    use sha2::{Digest, Sha256};
    let Some(token) = state
        .settings
        .graphql
        .federation_token
        .as_ref()
        .map(|t| t.expose_secret().trim())
        .filter(|t| !t.is_empty())
    else {
        return false;
    };
    let sent = req
        .headers()
        .get("finsam-federation-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Sha256::digest(sent.as_bytes()) == Sha256::digest(token.as_bytes())
}

/// A rate limit's wait in whole seconds (`Retry-After`), rounded up.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// What every request checks first: an acceptable answer type, a valid
/// caller, and the rate limit. The caller, or the refusal (boxed: a refusal
/// is the rare path).
async fn admit(
    state: &AppState,
    req: &HttpRequest,
) -> Result<(Principal, Answer), Box<HttpResponse>> {
    let Some(answer) = media::negotiate(req) else {
        let err = ApiError::request(
            "Accept",
            "this server answers application/graphql-response+json or application/json",
        );
        return Err(Box::new(refuse(
            state,
            StatusCode::NOT_ACCEPTABLE,
            err,
            Answer::Json,
        )));
    };
    let principal = match session::authenticate(state, req).await {
        Ok(p) => p,
        Err(err) => {
            // Refused tokens count against the address: guessing is limited too.
            if let Some(limited) = over_limit(state, req, None, answer, NonZeroU32::MIN) {
                return Err(Box::new(limited));
            }
            let status = match err {
                // A session cookie sent from another site.
                ApiError::ForbiddenInput { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            };
            return Err(Box::new(refuse(state, status, err, answer)));
        }
    };
    if let Some(limited) = over_limit(state, req, Some(&principal), answer, NonZeroU32::MIN) {
        return Err(Box::new(limited));
    }
    Ok((principal, answer))
}

#[tracing::instrument(name = "graphql", skip_all)]
pub async fn post(
    schema: web::Data<Schemas>,
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    payload: web::Payload,
) -> HttpResponse {
    if let Some(err) = media::unsupported_body(&req) {
        let answer = media::negotiate(&req).unwrap_or(Answer::Json);
        return refuse(&state, StatusCode::UNSUPPORTED_MEDIA_TYPE, err, answer);
    }
    let (principal, answer) = match admit(&state, &req).await {
        Ok(admitted) => admitted,
        Err(refused) => return *refused,
    };
    let body = match request::read_body(&req, payload, state.settings.server.body_limit_bytes).await
    {
        Ok(body) => body,
        Err((status, err)) => return refuse(&state, status, err, answer),
    };
    let (params, batched) = match request::from_body(&body) {
        Ok(parsed) => parsed,
        Err(err) => return refuse(&state, StatusCode::BAD_REQUEST, err, answer),
    };
    if params.len() > state.settings.graphql.max_batch {
        let err = ApiError::QueryTooComplex(format!(
            "a batch may hold at most {} operations",
            state.settings.graphql.max_batch
        ));
        return refuse(&state, StatusCode::BAD_REQUEST, err, answer);
    }
    // Each operation of a batch costs what a request costs: the first was
    // counted on admission, the rest are counted here.
    let further = u32::try_from(params.len().saturating_sub(1)).unwrap_or(u32::MAX);
    if let Some(further) = NonZeroU32::new(further)
        && let Some(limited) = over_limit(&state, &req, Some(&principal), answer, further)
    {
        return limited;
    }
    let mut queries = Vec::with_capacity(params.len());
    for mut p in params {
        match request::query_text(&mut p, &state.persisted_queries) {
            Ok(query) => queries.push(Ok((query, p))),
            // A request without a usable query is malformed: 400 whatever
            // the answer type. An unknown persisted hash is answered as a
            // GraphQL error, which Apollo clients take as "send the text".
            Err(ApiError::PersistedQueryNotFound) => {
                queries.push(Err(ApiError::PersistedQueryNotFound))
            }
            Err(err) => return refuse(&state, StatusCode::BAD_REQUEST, err, answer),
        }
    }
    let after = crate::replica::requested(&req);
    let federation = federation_router(&state, &req);
    let (responses, written) = execute(
        &schema, &state, principal, request_id, queries, after, federation,
    )
    .await;
    let response = if batched {
        BatchResponse::Batch(responses)
    } else {
        BatchResponse::Single(responses.into_iter().next().unwrap_or_default())
    };
    let mut reply = response::reply(&req, &response, answer, None);
    if let Some(lsn) = written {
        tell_written(&mut reply, lsn);
    }
    reply
}

/// Hands the position of the caller's write back: a header for clients
/// that echo it (`Finsam-Read-After`), a cookie for browsers.
fn tell_written(reply: &mut HttpResponse, lsn: Lsn) {
    let headers = reply.headers_mut();
    if let Ok(value) = header::HeaderValue::from_str(&lsn.to_string()) {
        headers.insert(
            header::HeaderName::from_static(crate::replica::WRITTEN),
            value,
        );
    }
    if let Ok(value) = header::HeaderValue::from_str(&crate::replica::cookie(lsn)) {
        headers.append(header::SET_COOKIE, value);
    }
}

/// GET /graphql: a query in the query string (never a mutation), or, for a
/// browser asking for a page without one, GraphiQL (which the web app, a floor
/// above, answers before this: `web::graphql_get`).
#[tracing::instrument(name = "graphql_get", skip_all)]
pub async fn get(
    schema: web::Data<Schemas>,
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    body: web::Payload,
) -> HttpResponse {
    if ws::is_upgrade(&req) {
        return ws::upgrade(req, body, schema.strict.clone(), state.into_inner()).await;
    }
    let query_string = req.query_string();
    let (principal, answer) = match admit(&state, &req).await {
        Ok(admitted) => admitted,
        Err(refused) => return *refused,
    };
    let mut params = match Params::from_query_string(query_string) {
        Ok(params) => params,
        Err(err) => return refuse(&state, StatusCode::BAD_REQUEST, err, answer),
    };
    let query = match request::query_text(&mut params, &state.persisted_queries) {
        Ok(query) => Ok(query),
        Err(ApiError::PersistedQueryNotFound) => Err(ApiError::PersistedQueryNotFound),
        Err(err) => return refuse(&state, StatusCode::BAD_REQUEST, err, answer),
    };
    if let Ok(query) = &query
        && state
            .graphql
            .documents
            .operation_kind(query, params.operation_name.as_deref())
            == Some(true)
    {
        let err = ApiError::request("query", "a mutation is sent with POST, never with GET");
        let mut refused = refuse(&state, StatusCode::METHOD_NOT_ALLOWED, err, answer);
        refused
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return refused;
    }
    // Anonymous answers hold only what the public may see, so browsers and
    // proxies may keep them; a signed-in caller's never.
    let cache = principal
        .is_anonymous()
        .then_some(state.settings.server.public_max_age_secs);
    let after = crate::replica::requested(&req);
    // The federation credential counts over POST only: a GET answer may be
    // kept by caches and shown to others.
    let (responses, _) = execute(
        &schema,
        &state,
        principal,
        request_id,
        vec![query.map(|q| (q, params))],
        after,
        false,
    )
    .await;
    let response = BatchResponse::Single(responses.into_iter().next().unwrap_or_default());
    response::reply(&req, &response, answer, cache)
}

/// Runs each request for `principal` with the request's reader and loaders,
/// within the request timeout; a panic is contained as INTERNAL. A request
/// that could not be resolved to a query answers with its error. `after` is
/// the position of the caller's last write (`replica.rs`); the answer holds
/// the position of this one's, when it wrote.
async fn execute(
    schema: &Schemas,
    state: &AppState,
    principal: Principal,
    request_id: RequestId,
    requests: Vec<Result<(String, Params), ApiError>>,
    after: Option<Lsn>,
    federation: bool,
) -> (Vec<Response>, Option<Lsn>) {
    // Requests that write read from the primary too, so a mutation's answer
    // shows its own change; the rest may read from a replica.
    let writes = requests.iter().any(|r| match r {
        Ok((query, params)) => state
            .graphql
            .documents
            .operation_kind(query, params.operation_name.as_deref())
            .unwrap_or(true),
        Err(_) => false,
    });
    let subject = principal.sub.clone();
    let (mut route, reader) = if writes {
        (Route::Primary, state.reads.primary())
    } else {
        state.reads.route(after, subject.as_deref())
    };
    let mut reader = reader.clone();
    let mut loaders = Arc::new(LazyLoaders::new(reader.clone(), principal.clone()));
    let caller = Caller::new(principal.clone(), Some(request_id.to_string()));
    let timeout = Duration::from_secs(state.settings.server.request_timeout_secs);
    let mut responses = Vec::with_capacity(requests.len());
    for request in requests {
        let (query, params) = match request {
            Ok(found) => found,
            Err(err) => {
                state.metrics.count_error(err.code());
                responses.push(error_body(err));
                continue;
            }
        };
        // Kept only while the replica may fail under this request.
        let again = (route == Route::Replica).then(|| (query.clone(), params.clone()));
        let mut response = run_one(
            schema, state, &caller, &loaders, &reader, timeout, query, params, federation,
        )
        .await;
        if let Some((query, params)) = again
            && response::any_unavailable(&response)
        {
            // The replica failed under a read: out of reads, and this
            // request (and the batch's rest) runs on the primary.
            tracing::warn!("the replica did not answer a read; reading from the primary");
            state.reads.replica_failed("a read failed");
            route = Route::Primary;
            reader = state.reads.primary().clone();
            loaders = Arc::new(LazyLoaders::new(reader.clone(), principal.clone()));
            response = run_one(
                schema, state, &caller, &loaders, &reader, timeout, query, params, federation,
            )
            .await;
        }
        responses.push(response);
    }
    let written = if writes {
        state.reads.written(subject.as_deref()).await
    } else {
        None
    };
    (responses, written)
}

/// One request of a batch, on `reader`.
#[allow(clippy::too_many_arguments)]
async fn run_one(
    schemas: &Schemas,
    state: &AppState,
    caller: &Caller,
    loaders: &Arc<LazyLoaders>,
    reader: &sea_orm::DatabaseConnection,
    timeout: Duration,
    query: String,
    params: Params,
    federation: bool,
) -> Response {
    let limits = state.limits();
    if let Err(err) = state.check_trusted(&caller.principal, &query) {
        state.metrics.count_error(err.code());
        return error_body(err);
    }
    let request = request::to_request(query, params);
    let documents = &state.graphql.documents;
    let kept = documents.get(&request.query);
    // A query answered before is answered from there (`graphql::answers`).
    let pending = match request::kept_answer(
        &state.graphql,
        &state.metrics.kept_answers,
        kept.as_deref(),
        &request,
        caller,
        loaders,
        reader,
        federation,
    )
    .await
    {
        ControlFlow::Break(answer) => return answer,
        ControlFlow::Continue(pending) => pending,
    };
    let dates = crate::graphql::limits::BadDates::of(&request.variables);
    let mut request = request
        .data(caller.clone())
        .data(loaders.clone())
        .data(Reader(reader.clone()));
    // Only an answer that may be kept needs to know where it was read from.
    let pending = pending.map(|pending| {
        let sources = Arc::new(Sources::default());
        request.data.insert(sources.clone());
        (pending, sources)
    });
    if let Err(err) = limits
        .prepare(&mut request)
        .and_then(|()| limits.check_service(&mut request, federation))
    {
        return limits.refused(err);
    }
    let (schema, validated) = schemas.for_query(kept.as_deref());
    // Kept to mark the document once it has passed every rule.
    let query = (!validated).then(|| request.query.clone());
    // A panic while resolving is a bug, not the caller's fault: it
    // becomes INTERNAL for this request and the worker goes on serving.
    let execution = std::panic::AssertUnwindSafe(crate::service::reference::serving(
        state.service().reference.clone(),
        schema.execute(request),
    ))
    .catch_unwind();
    match tokio::time::timeout(timeout, execution).await {
        Ok(Ok(mut response)) => {
            if let Some((pending, sources)) = pending {
                state.graphql.answers.keep(pending, &sources, &response);
            }
            if let Some(query) = query
                && response.errors.is_empty()
            {
                documents.validated(&query);
            }
            limits.finish(&mut response, &dates);
            response
        }
        Ok(Err(_)) => {
            let err = ApiError::Internal(anyhow::anyhow!("a resolver panicked"));
            tracing::error!("a GraphQL request panicked");
            state.metrics.count_error(err.code());
            error_body(err)
        }
        Err(_) => {
            let err = ApiError::QueryTooComplex(format!(
                "the request ran longer than {} s and was stopped",
                timeout.as_secs()
            ));
            state.metrics.count_error(err.code());
            error_body(err)
        }
    }
}

/// Whether a GET of `/graphql` carries a GraphQL request (a query, or a
/// persisted query's hash in its extensions).
pub fn has_request(req: &HttpRequest) -> bool {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(key, _)| key == "query" || key == "extensions")
}
