//! The HTTP server: `Application::build(settings)` connects, migrates, seeds an
//! empty database when configured to, and binds (port 0 picks a free port, as
//! the end-to-end tests do).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;

use crate::auth::jwt::TokenValidator;
use crate::config::Settings;
use crate::graphql::GraphqlContext;
use crate::metrics::Metrics;
use crate::service::{Clock, ServiceContext, seed};

pub use crate::endpoint::state::AppState;

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
        if state.settings.database.seed_on_empty && seed::is_empty(&state.service().db).await? {
            let report = seed::load(&state.service().db).await?;
            tracing::info!(?report, "loaded the demo dataset into the empty database");
            crate::db::refresh_statistics(&state.service().db).await?;
        }
        // Read once before serving, so that the first searches already ask
        // the index for their rarest trigrams; a failure only makes them
        // slower until the next read.
        if let Err(err) = state.service().trigrams.read(&state.service().db).await {
            tracing::warn!(error = ?err, "could not read the search vocabulary");
        }
        let address = format!(
            "{}:{}",
            state.settings.server.host, state.settings.server.port
        );
        let listener = TcpListener::bind(&address)?;
        let port = listener.local_addr()?.port();
        let server = crate::router::serve(listener, state.clone())?;
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
    let workers = crate::router::http_workers();
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
    let rate_limits = crate::rate_limit::RateLimits::from_settings(&settings.rate_limit)?;
    let persisted_queries =
        crate::endpoint::request::PersistedQueries::new(settings.graphql.persisted_queries);
    let reference = Arc::new(crate::service::reference::Reference::default());
    // The watcher polls on a connection of its own, outside the statement
    // counter: its one statement a second is not any request's.
    let mut watch_settings = settings.database.clone();
    watch_settings.max_connections = 1;
    // On the primary, where snapshots are loaded from (graphql::reference).
    let watcher = crate::db::connect(&watch_settings, None).await?;
    reference.watch(watcher.clone());
    // Before any request: the pool's other connections open with them.
    crate::db::keep_statistics(&db, watcher.clone()).await?;
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
    let service = ServiceContext {
        db,
        clock,
        reference,
        trigrams,
        changes,
        min_cell: settings.privacy.min_cell,
    };
    Ok(AppState {
        graphql: Arc::new(GraphqlContext::new(
            service,
            &settings.server.cursor_secret,
            settings.graphql.clone(),
        )),
        reads,
        rate_limits,
        persisted_queries,
        settings,
        tokens,
        metrics,
        stopping: std::sync::atomic::AtomicBool::new(false),
        live,
        trusted: crate::trusted::TrustedDocuments::of_app(),
    })
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
