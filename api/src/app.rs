//! The HTTP server: `Application::build(settings)` connects, migrates, seeds an
//! empty database when configured to, and binds (port 0 picks a free port, as
//! the end-to-end tests do).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::{Server, Service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, Either, HttpMessage, HttpRequest, HttpResponse, HttpServer, web};
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensions, Response, ServerError};
use async_graphql_actix_web::GraphQLResponse;
use futures_util::FutureExt;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::auth::jwt::TokenValidator;
use crate::auth::{Caller, Principal};
use crate::config::Settings;
use crate::error::ApiError;
use crate::graphql::{FinsamSchema, Loaders, Reader, build_schema};
use crate::metrics::Metrics;
use crate::service::{AppState, Clock, seed};

pub struct Application {
    port: u16,
    server: Server,
    state: Arc<AppState>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Clock::System).await
    }

    /// As `build`, with the day the rules see fixed (tests).
    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<Self> {
        let state = Arc::new(prepare_state(settings, clock).await?);
        if state.settings.database.seed_on_empty && seed::is_empty(&state.db).await? {
            let report = seed::load(&state.db).await?;
            tracing::info!(?report, "loaded the demo dataset into the empty database");
        }
        let address = format!(
            "{}:{}",
            state.settings.server.host, state.settings.server.port
        );
        let listener = TcpListener::bind(&address)?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state.clone())?;
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Connects (counting statements for `/metrics`), migrates and builds the
/// shared state.
pub async fn prepare_state(settings: Settings, clock: Clock) -> anyhow::Result<AppState> {
    let metrics = Metrics::new()?;
    let counter = metrics.db_statements.clone();
    let db = crate::db::connect(&settings.database, Some(Box::new(move || counter.inc()))).await?;
    crate::db::migrate(&db).await?;
    // The replica is migrated through its primary, never here.
    let read_db = match &settings.database.read_url {
        Some(url) => {
            let mut replica = settings.database.clone();
            replica.url = url.clone();
            let counter = metrics.db_statements.clone();
            crate::db::connect(&replica, Some(Box::new(move || counter.inc()))).await?
        }
        None => db.clone(),
    };
    let tokens = TokenValidator::from_settings(&settings.auth)?;
    Ok(AppState {
        db,
        read_db,
        settings,
        tokens,
        metrics,
        clock,
    })
}

fn serve(listener: TcpListener, state: Arc<AppState>) -> std::io::Result<Server> {
    let schema = build_schema(state.clone());
    let graphiql = state.settings.server.graphiql;
    let origins = state.settings.server.cors_origins.clone();
    let server = HttpServer::new(move || {
        let metrics = state.metrics.clone();
        let mut app = App::new()
            .app_data(web::Data::new(schema.clone()))
            .app_data(web::Data::from(state.clone()))
            .wrap_fn(move |req, srv| {
                let started = Instant::now();
                let method = req.method().to_string();
                let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
                let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
                let metrics = metrics.clone();
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    let status = res.status().as_u16().to_string();
                    metrics
                        .requests
                        .with_label_values(&[method.as_str(), route.as_str(), status.as_str()])
                        .inc();
                    metrics
                        .latency
                        .with_label_values(&[route.as_str()])
                        .observe(started.elapsed().as_secs_f64());
                    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        res.headers_mut()
                            .insert(header::HeaderName::from_static("x-request-id"), id);
                    }
                    Ok(res)
                }
            })
            .wrap(cors(&origins))
            .wrap(TracingLogger::default())
            .route("/graphql", web::post().to(graphql))
            .route("/schema.graphql", web::get().to(schema_sdl))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_text))
            .configure(crate::web::configure);
        if graphiql {
            app = app.route("/graphql", web::get().to(graphiql_page));
        }
        app
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// CORS for browser frontends: the configured origins may POST GraphQL with
/// an Authorization header. No credentials (cookies) are involved.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

/// A GraphQL response carrying one error, for failures outside execution.
fn error_body(err: ApiError) -> Response {
    let gql = err.extend();
    let mut server_error = ServerError::new(gql.message, None);
    server_error.extensions = gql.extensions;
    Response::from_errors(vec![server_error])
}

/// An error response in GraphQL's shape, for failures before execution.
fn error_response(status: actix_web::http::StatusCode, err: ApiError) -> HttpResponse {
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
) -> Result<web::BytesMut, (actix_web::http::StatusCode, ApiError)> {
    use futures_util::StreamExt;
    let mut payload = actix_web::dev::Decompress::from_headers(payload.into_inner(), req.headers());
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            (
                actix_web::http::StatusCode::BAD_REQUEST,
                ApiError::bad_input("body", format!("the body could not be read: {e}")),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err((
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
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
fn refuse(state: &AppState, status: actix_web::http::StatusCode, err: ApiError) -> HttpResponse {
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

#[tracing::instrument(name = "graphql", skip_all)]
async fn graphql(
    schema: web::Data<FinsamSchema>,
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    payload: web::Payload,
) -> Either<HttpResponse, GraphQLResponse> {
    if let Some(err) = unsupported_media(&req) {
        return Either::Left(refuse(
            &state,
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            err,
        ));
    }
    let principal = match authenticate(&state, &req) {
        Ok(p) => p,
        Err(err) => {
            return Either::Left(refuse(
                &state,
                actix_web::http::StatusCode::UNAUTHORIZED,
                err,
            ));
        }
    };
    let body = match read_body(&req, payload, state.settings.server.body_limit_bytes).await {
        Ok(body) => body,
        Err((status, err)) => return Either::Left(refuse(&state, status, err)),
    };
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            let err =
                ApiError::bad_input("body", format!("the body is not a GraphQL request: {e}"));
            return Either::Left(refuse(
                &state,
                actix_web::http::StatusCode::BAD_REQUEST,
                err,
            ));
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
        return Either::Left(refuse(
            &state,
            actix_web::http::StatusCode::BAD_REQUEST,
            err,
        ));
    }
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
    let response = match tokio::time::timeout(timeout, execution).await {
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
    };
    Either::Right(GraphQLResponse::from(response))
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

/// GraphiQL, from the binary's own copies of its assets (no CDN).
async fn graphiql_page(req: HttpRequest) -> HttpResponse {
    crate::web::graphiql(&req)
}

async fn schema_sdl(schema: web::Data<FinsamSchema>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(crate::graphql::sdl(&schema))
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// Ready when the database (and the replica, if any) answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ping = match state.db.ping().await {
        Ok(()) => state.read_db.ping().await,
        err => err,
    };
    match ping {
        Ok(()) => HttpResponse::Ok().body("ready"),
        Err(err) => {
            tracing::warn!(error = %err, "database not reachable");
            HttpResponse::ServiceUnavailable().body("database unreachable")
        }
    }
}

async fn metrics_text(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
