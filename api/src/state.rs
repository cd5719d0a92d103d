//! The state every request shares, below the floors that use it: the HTTP
//! endpoint, the GraphQL schema and the web app read it; the server
//! (`app`) builds it. It holds only what lies below those floors.

use std::sync::Arc;

use crate::auth::jwt::TokenValidator;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::service::ServiceContext;

/// The state every request shares: the service floor's context, and above
/// it what only the endpoint uses (settings, token rules, metrics, the cursor
/// key, rate limits, persisted queries and parsed documents).
pub struct AppState {
    /// All a service is given.
    pub service: ServiceContext,
    pub settings: Settings,
    pub tokens: TokenValidator,
    pub metrics: Metrics,
    /// Seals and opens page cursors.
    pub cursors: crate::graphql::pagination::CursorKey,
    pub rate_limits: crate::rate_limit::RateLimits,
    /// Automatic persisted queries by hash (bounded).
    pub persisted_queries: crate::endpoint::request::PersistedQueries,
    /// Parsed documents by their text.
    pub documents: Arc<crate::graphql::documents::Documents>,
    /// Where a request reads: the replica or the primary.
    pub reads: Arc<crate::replica::Reads>,
    /// Set when the process is asked to stop: not ready from then on, while
    /// it still serves (`server.lame_duck_ms`).
    pub stopping: std::sync::atomic::AtomicBool,
    /// Open subscription connections (WebSocket and SSE).
    pub live: Arc<crate::endpoint::connections::Connections>,
}
