//! The HTTP server: `Application::build(settings)` connects, migrates, seeds an
//! empty database when configured to, and binds (port 0 picks a free port, as
//! the end-to-end tests do).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::{Server, Service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use tracing_actix_web::{RequestId, TracingLogger};

use crate::auth::jwt::TokenValidator;
use crate::config::Settings;
use crate::graphql::{FinsamSchema, build_schema};
use crate::metrics::Metrics;
use crate::service::{Clock, ServiceContext, seed};

pub use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    /// The `/metrics` listener and its port, when one is configured.
    metrics: Option<(u16, Server)>,
    state: Arc<AppState>,
    /// Held while the server runs, so `finsam restore` cannot replace the
    /// SQLite file under it.
    _lock: Option<crate::backup::ServerLock>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let clock = Clock::System(settings.server.time_zone);
        Self::build_with_clock(settings, clock).await
    }

    /// As `build`, with the day the rules see fixed (tests).
    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<Self> {
        let lock = crate::backup::lock_for_server(&settings.database)?;
        let state = Arc::new(prepare_state(settings, clock).await?);
        if state.settings.database.seed_on_empty && seed::is_empty(&state.service.db).await? {
            let report = seed::load(&state.service.db).await?;
            tracing::info!(?report, "loaded the demo dataset into the empty database");
        }
        // Read once before serving, so that the first searches already ask
        // the index for their rarest trigrams; a failure only makes them
        // slower until the next read.
        if let Err(err) = state.service.trigrams.read(&state.service.db).await {
            tracing::warn!(error = ?err, "could not read the search vocabulary");
        }
        let address = format!(
            "{}:{}",
            state.settings.server.host, state.settings.server.port
        );
        let listener = TcpListener::bind(&address)?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state.clone())?;
        let metrics = match state.settings.metrics.listen() {
            Some(at) => {
                let listener = TcpListener::bind(at)
                    .map_err(|e| anyhow::anyhow!("the metrics listener on {at}: {e}"))?;
                let port = listener.local_addr()?.port();
                Some((
                    port,
                    crate::metrics::serve(listener, state.metrics.clone())?,
                ))
            }
            None => None,
        };
        Ok(Application {
            port,
            server,
            metrics,
            state,
            _lock: lock,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` listens on apart from the API, when it does.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// Stops the server from elsewhere (the benchmark's set-up server).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or Ctrl-C, then stops as a lame duck: not ready
    /// at once, still serving for `server.lame_duck_ms`, then no new
    /// connections, requests in flight finished, idle ones closed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let state = self.state.clone();
        tokio::spawn(async move {
            stop_signal().await;
            lame_duck(&state, handle).await;
        });
        let served = self.server.await;
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        // Requests are done: the database connections close cleanly rather
        // than when the process ends (or never, for a server stopped inside
        // a process that goes on, as in the tests).
        self.state.reads.close().await;
        served
    }
}

/// Connects (counting statements for `/metrics`), migrates and builds the
/// shared state.
pub async fn prepare_state(settings: Settings, clock: Clock) -> anyhow::Result<AppState> {
    let metrics = Metrics::new()?;
    let counter = metrics.db_statements.clone();
    let workers = http_workers();
    // On PostgreSQL the shared pool (writes, background work) takes a share
    // of `max_connections` and each HTTP worker reads through a pool of its
    // own (`db::connect_worker_pools`).
    let mut shared = settings.database.clone();
    if crate::db::is_postgres(&shared.url) {
        shared.max_connections = crate::db::split(shared.max_connections, workers).shared;
    }
    let db = crate::db::connect(&shared, Some(Box::new(move || counter.inc()))).await?;
    crate::db::migrate(&db).await?;
    let counting = || -> Box<dyn Fn() + Send + Sync> {
        let counter = metrics.db_statements.clone();
        Box::new(move || counter.inc())
    };
    let primary = crate::replica::Pools {
        shared: db.clone(),
        workers: crate::db::connect_worker_pools(&settings.database, workers, counting).await?,
    };
    // The replica is migrated through its primary, never here.
    let replica = match &settings.database.read_url {
        Some(url) => {
            let mut replica = settings.database.clone();
            replica.url = url.clone();
            let workers = crate::db::connect_worker_pools(&replica, workers, counting).await?;
            replica.max_connections = shared.max_connections;
            Some(crate::replica::Pools {
                shared: crate::db::connect_lazy(&replica, Some(counting())).await?,
                workers,
            })
        }
        None => None,
    };
    let reads = Arc::new(crate::replica::Reads::new(
        primary,
        replica,
        Duration::from_millis(settings.database.replica_max_lag_ms),
        Duration::from_millis(settings.database.replica_check_ms.max(10)),
    ));
    reads.watch();
    let tokens = TokenValidator::with_providers(&settings.auth, &metrics)?;
    // Each provider's keys are fetched in the background: a provider that is
    // down does not keep the server from starting.
    tokens.providers.start();
    let cursors =
        crate::graphql::pagination::CursorKey::from_secret(&settings.server.cursor_secret);
    let rate_limits = crate::rate_limit::RateLimits::from_settings(&settings.rate_limit)?;
    let persisted_queries =
        crate::endpoint::request::PersistedQueries::new(settings.graphql.persisted_queries);
    let documents = Arc::new(crate::graphql::documents::Documents::new(
        settings.graphql.parsed_documents,
        settings.graphql.max_value_depth,
    ));
    let reference = Arc::new(crate::service::reference::Reference::default());
    // The watcher polls on a connection of its own, outside the statement
    // counter: its one statement a second is not any request's.
    let mut watch_settings = settings.database.clone();
    watch_settings.max_connections = 1;
    // On the primary, where snapshots are loaded from (graphql::reference).
    let watcher = crate::db::connect(&watch_settings, None).await?;
    reference.watch(watcher.clone());
    let trigrams = Arc::new(crate::service::insats::TrigramCounts::default());
    trigrams.watch(watcher);
    // The changes are read on the primary, outside the statement counter
    // too (they are no request's): one connection for PostgreSQL's LISTEN,
    // one for the reads.
    // (An in-memory SQLite database is one pool's alone: read through it.)
    watch_settings.max_connections = 2;
    let url = &settings.database.url;
    let changes_db = if crate::db::is_postgres(url) || crate::db::sqlite_path(url).is_some() {
        crate::db::connect(&watch_settings, None).await?
    } else {
        db.clone()
    };
    let changes = crate::service::changes::Changes::start(changes_db, &settings.live, clock)
        .await
        .map_err(|err| anyhow::anyhow!("cannot read the audit log: {err:?}"))?;
    let live = Arc::new(crate::endpoint::live::Connections::new(
        metrics.live_connections.clone(),
    ));
    Ok(AppState {
        service: ServiceContext {
            db,
            clock,
            reference,
            trigrams,
            changes,
            min_cell: settings.privacy.min_cell,
        },
        documents,
        reads,
        cursors,
        rate_limits,
        persisted_queries,
        settings,
        tokens,
        metrics,
        stopping: std::sync::atomic::AtomicBool::new(false),
        live,
    })
}

fn serve(listener: TcpListener, state: Arc<AppState>) -> std::io::Result<Server> {
    let schema = build_schema(state.clone());
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
            .route("/schema.graphql", web::get().to(schema_sdl))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_text))
            .configure(crate::web::configure);
        app = app.route("/graphql", web::get().to(crate::endpoint::get));
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
fn http_workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// SIGTERM (what systemd and orchestrators send) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The lame-duck stop: `/readyz` answers 503 from now on and responses ask
/// their clients to close the connection, while requests are served for
/// `server.lame_duck_ms` more — long enough for a load balancer's health
/// checks to take the process out. Then the listener closes and requests in
/// flight finish (`server.shutdown_timeout_secs`).
async fn lame_duck(state: &AppState, server: actix_web::dev::ServerHandle) {
    let lame = Duration::from_millis(state.settings.server.lame_duck_ms);
    tracing::info!(
        lame_duck_ms = lame.as_millis() as u64,
        "asked to stop: not ready, still serving"
    );
    state
        .stopping
        .store(true, std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(lame).await;
    tracing::info!("no longer accepting; finishing the requests in flight");
    state.live.stop(); // subscriptions complete; their clients reconnect elsewhere
    server.stop(true).await;
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
    match tokio::time::timeout(limit, state.service.db.ping()).await {
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
