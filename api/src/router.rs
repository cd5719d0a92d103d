//! The routes and what sits around them: which handler answers each path,
//! the middleware every request passes (metrics, request ids, compression,
//! CORS, the request log), and the small pages of the process itself
//! (`/schema.graphql`, `/healthz`, `/readyz`, `/metrics`). The server
//! (`app`) builds the state and runs what this returns.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::{Server, Service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use tracing_actix_web::{RequestId, TracingLogger};

use crate::endpoint::state::AppState;
use crate::graphql::{FinsamSchema, Schemas};

/// Binds the routes to `listener` with `http_workers()` workers.
pub fn serve(listener: TcpListener, state: Arc<AppState>) -> std::io::Result<Server> {
    let schemas = Schemas::new(state.graphql.clone());
    let schema = schemas.strict.clone();
    let shutdown_timeout = state.settings.server.shutdown_timeout_secs;
    let origins = state.settings.server.cors_origins.clone();
    let next_worker = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = HttpServer::new(move || {
        // Called once on each worker's thread, before it serves.
        crate::replica::enter_worker(
            next_worker.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        );
        let metrics = state.metrics.clone();
        let mut app = App::new()
            .app_data(web::Data::new(schema.clone()))
            .app_data(web::Data::new(schemas.clone()))
            .app_data(web::Data::from(state.clone()))
            .app_data(web::Data::new(state.rate_limits.addresses.clone()))
            .wrap_fn(move |req, srv| {
                let started = Instant::now();
                let method = crate::metrics::method_label(req.method());
                let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
                let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
                let metrics = metrics.clone();
                let stopping = req
                    .app_data::<web::Data<AppState>>()
                    .is_some_and(|s| s.stopping.load(std::sync::atomic::Ordering::Relaxed));
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    let status = res.status().as_u16().to_string();
                    metrics
                        .requests
                        .with_label_values(&[method, route.as_str(), status.as_str()])
                        .inc();
                    metrics
                        .latency
                        .with_label_values(&[route.as_str()])
                        .observe(started.elapsed().as_secs_f64());
                    // A stopping process asks each client to reconnect (to
                    // another process) after this answer.
                    if stopping {
                        res.response_mut()
                            .head_mut()
                            .set_connection_type(actix_web::http::ConnectionType::Close);
                    }
                    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        res.headers_mut()
                            .insert(header::HeaderName::from_static("x-request-id"), id);
                    }
                    Ok(res)
                }
            })
            // brotli or gzip, as the client prefers (GraphiQL's 3.5 MB of script
            // goes out as about 730 KB; a page of insatser as a fifth).
            .wrap(actix_web::middleware::Compress::default())
            .wrap(cors(&origins))
            .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
            .route("/graphql", web::post().to(crate::endpoint::post))
            .route(
                "/graphql/stream",
                web::post().to(crate::endpoint::sse::post),
            )
            .route("/graphql/stream", web::get().to(crate::endpoint::sse::get))
            .route(
                "/auth/session",
                web::post().to(crate::endpoint::session::start),
            )
            .route(
                "/auth/session",
                web::delete().to(crate::endpoint::session::end),
            )
            .route("/schema.graphql", crate::web::get_or_head().to(schema_sdl))
            .route(
                "/app/trusted-documents.json",
                crate::web::get_or_head().to(trusted_documents),
            )
            .route("/healthz", crate::web::get_or_head().to(healthz))
            .route("/readyz", crate::web::get_or_head().to(readyz))
            .route("/metrics", crate::web::get_or_head().to(metrics_text))
            .configure(crate::report::configure)
            .configure(crate::web::configure)
            .default_service(web::to(crate::web::not_found));
        app = app.route("/graphql", web::get().to(crate::web::graphql_get));
        app
    })
    .workers(http_workers())
    // Stopping is `run_until_stopped`'s (a lame duck first), not actix's.
    .disable_signals()
    .shutdown_timeout(shutdown_timeout)
    .listen(listener)?
    .run();
    Ok(server)
}

/// HTTP workers: one per core the process may use, as actix would choose;
/// the read pools are made per worker (`db::connect_worker_pools`).
pub fn http_workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// CORS for browser frontends: the configured origins may POST GraphQL with
/// an Authorization header. No credentials (cookies) are involved.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static(crate::replica::READ_AFTER),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static(crate::replica::WRITTEN),
        ])
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

/// The SDL, where introspection is on: with it off (production), the
/// schema is not handed out by another door either.
async fn schema_sdl(schema: web::Data<FinsamSchema>, state: web::Data<AppState>) -> HttpResponse {
    if !state.settings.graphql.introspection {
        return HttpResponse::NotFound().body("not found");
    }
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(crate::graphql::sdl(&schema))
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// Ready when the primary answers within `server.readiness_timeout_ms`: a
/// load balancer sees a 503 at once, not a hang, while the database is
/// down. A replica that is down or lagging does not make the process unready
/// (the primary serves its reads); the answer says where reads go, in its
/// body and in `Finsam-Reads` (`replica` or `primary`).
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.stopping.load(std::sync::atomic::Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "1"))
            .body("stopping");
    }
    let limit = Duration::from_millis(state.settings.server.readiness_timeout_ms);
    match tokio::time::timeout(limit, state.service().db.ping()).await {
        Ok(Ok(())) => {
            let (reads, why) = match state.reads.health() {
                None => ("primary", "no replica configured".to_string()),
                Some(health) if health.serving => (
                    "replica",
                    match health.lag {
                        Some(lag) => format!("replica lag {} ms", lag.as_millis()),
                        None => "replica lag not measured".to_string(),
                    },
                ),
                Some(health) => (
                    "primary",
                    format!("replica {}", health.reason.unwrap_or_default()),
                ),
            };
            HttpResponse::Ok()
                .insert_header(("finsam-reads", reads))
                .body(format!("ready; reads from the {reads} ({why})"))
        }
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "database not reachable");
            HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, "5"))
                .body("database unreachable")
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = limit.as_millis() as u64,
                "database did not answer in time"
            );
            HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, "5"))
                .body("database not answering")
        }
    }
}

/// The app's trusted documents, by hash: what anonymous callers may run
/// with `graphql.trusted_documents_only`.
async fn trusted_documents(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(state.trusted.manifest())
}

/// `/metrics` on the API's own address: only for the configured bearer
/// token (compared in constant time), else as if there were no such page.
async fn metrics_text(state: web::Data<AppState>, req: actix_web::HttpRequest) -> HttpResponse {
    use secrecy::ExposeSecret;
    use sha2::{Digest, Sha256};
    // An empty token is no token (`FINSAM__METRICS__TOKEN=` opens nothing).
    let token = state.settings.metrics.token.as_ref();
    let Some(token) = token.filter(|t| !t.expose_secret().trim().is_empty()) else {
        return HttpResponse::NotFound().body("not found");
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Equal digests, not equal strings: the comparison's time says nothing
    // about how much of the token was right.
    let same = Sha256::digest(sent.as_bytes()) == Sha256::digest(token.expose_secret().as_bytes());
    if !same {
        return HttpResponse::NotFound().body("not found");
    }
    crate::metrics::page(&state.metrics)
}
