//! Prometheus metrics served on `GET /metrics`: requests, latency, GraphQL
//! errors by code and SQL statements. One registry per server, so tests that
//! start several servers in one process read their own counts.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// A request's method as a label: the standard methods by name, any other
/// as `OTHER`. Labels come only from closed sets, so a client that makes up
/// methods cannot make up series (each one would be kept until restart).
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "OTHER",
    }
}

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub graphql_errors: IntCounterVec,
    pub db_statements: IntCounter,
    /// 1 while an identity provider answers, 0 when its last fetch failed.
    pub oidc_provider_up: IntGaugeVec,
    pub oidc_jwks_fetches: IntCounterVec,
    /// Open subscription connections (WebSocket and SSE).
    pub live_connections: IntGauge,
    /// Queries that may be answered from a kept answer, by what became of
    /// them (`graphql::answers`).
    pub kept_answers: KeptAnswers,
}

/// `finsam_kept_answers_total` by outcome, each counter resolved once.
#[derive(Clone)]
pub struct KeptAnswers {
    /// Given from memory at once.
    pub memory: IntCounter,
    /// Given after one statement found the data unchanged.
    pub unchanged: IntCounter,
    /// Made again: the data had changed since it was kept.
    pub changed: IntCounter,
    /// Made: nothing was kept for it.
    pub made: IntCounter,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("finsam".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["route"],
        )?;
        let graphql_errors = IntCounterVec::new(
            Opts::new("graphql_errors_total", "GraphQL errors by extensions.code"),
            &["code"],
        )?;
        let db_statements =
            IntCounter::new("db_statements_total", "SQL statements sent to the database")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(graphql_errors.clone()))?;
        registry.register(Box::new(db_statements.clone()))?;
        let oidc_provider_up = IntGaugeVec::new(
            Opts::new(
                "oidc_provider_up",
                "Whether an identity provider answered its last fetch",
            ),
            &["issuer"],
        )?;
        let oidc_jwks_fetches = IntCounterVec::new(
            Opts::new(
                "oidc_jwks_fetches_total",
                "Key sets fetched from identity providers",
            ),
            &["issuer"],
        )?;
        registry.register(Box::new(oidc_provider_up.clone()))?;
        registry.register(Box::new(oidc_jwks_fetches.clone()))?;
        let live_connections = IntGauge::new(
            "live_connections",
            "Open subscription connections (WebSocket and SSE)",
        )?;
        registry.register(Box::new(live_connections.clone()))?;
        let kept = IntCounterVec::new(
            Opts::new(
                "kept_answers_total",
                "Queries that may be answered from a kept answer, by outcome",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(kept.clone()))?;
        let kept_answers = KeptAnswers {
            memory: kept.with_label_values(&["memory"]),
            unchanged: kept.with_label_values(&["unchanged"]),
            changed: kept.with_label_values(&["changed"]),
            made: kept.with_label_values(&["made"]),
        };
        Ok(Metrics {
            live_connections,
            kept_answers,
            registry,
            requests,
            latency,
            graphql_errors,
            db_statements,
            oidc_provider_up,
            oidc_jwks_fetches,
        })
    }

    /// One GraphQL error with this `extensions.code`.
    pub fn count_error(&self, code: &str) {
        self.graphql_errors.with_label_values(&[code]).inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %err, "encoding metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// The text of `/metrics`.
pub fn page(metrics: &Metrics) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render())
}

/// The metrics listener: `/metrics` and nothing else, on its own address.
pub fn serve(listener: TcpListener, metrics: Metrics) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        let metrics = metrics.clone();
        App::new().route(
            "/metrics",
            web::get().to(move || {
                let metrics = metrics.clone();
                async move { page(&metrics) }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}
