//! The state every HTTP request shares, on the endpoint floor: the server
//! (`app`) builds it, the transports and the web app read it. The GraphQL
//! floor below is given only its own context (`graphql::GraphqlContext`).

use std::sync::Arc;

use crate::auth::jwt::TokenValidator;
use crate::config::Settings;
use crate::graphql::GraphqlContext;
use crate::metrics::Metrics;
use crate::service::ServiceContext;

/// The state every request shares: the GraphQL floor's context (and in it
/// the service floor's), and what only the endpoint uses (settings, token
/// rules, metrics, rate limits, persisted queries, where reads go, the live
/// connections).
pub struct AppState {
    /// What the schema is given.
    pub graphql: Arc<GraphqlContext>,
    pub settings: Settings,
    pub tokens: TokenValidator,
    pub metrics: Metrics,
    pub rate_limits: crate::rate_limit::RateLimits,
    /// Automatic persisted queries by hash (bounded).
    pub persisted_queries: super::request::PersistedQueries,
    /// Where a request reads: the replica or the primary.
    pub reads: Arc<crate::replica::Reads>,
    /// Set when the process is asked to stop: not ready from then on, while
    /// it still serves (`server.lame_duck_ms`).
    pub stopping: std::sync::atomic::AtomicBool,
    /// Open subscription connections (WebSocket and SSE).
    pub live: Arc<super::connections::Connections>,
    /// The web app's operations, which anonymous callers are limited to
    /// with `graphql.trusted_documents_only`.
    pub trusted: crate::trusted::TrustedDocuments,
}

impl AppState {
    /// All a service is given.
    pub fn service(&self) -> &ServiceContext {
        &self.graphql.service
    }

    /// Refuses a document an anonymous caller may not run: with
    /// `graphql.trusted_documents_only`, only the app's own operations.
    pub(crate) fn check_trusted(
        &self,
        principal: &crate::auth::Principal,
        query: &str,
    ) -> Result<(), crate::error::ApiError> {
        if self.settings.graphql.trusted_documents_only
            && principal.is_anonymous()
            && !self.trusted.contains(query)
        {
            return Err(crate::error::ApiError::ForbiddenInput {
                field: "query".into(),
                broken: crate::error::Rule::DocumentNotTrusted.into(),
            });
        }
        Ok(())
    }

    /// The limits applied around each execution.
    pub(crate) fn limits(&self) -> crate::graphql::limits::Limits<'_> {
        crate::graphql::limits::Limits::of(&self.graphql, &self.metrics)
    }
}
