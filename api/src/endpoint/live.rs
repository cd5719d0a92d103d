//! What the two subscription transports share (DESIGN.md, "Live"): who the
//! subscriber is and until when, the rate limit on each operation, and one
//! operation's run as a stream of responses under the same limits and codes
//! as a query. How many connections are open is `connections`'.

use std::sync::Arc;

use actix_web::HttpRequest;
use async_graphql::Response;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use tokio::time::Instant;

pub use super::connections::{Admitted, Connections, stopped};
use crate::auth::{Caller, Principal};
use crate::endpoint::state::AppState;
use crate::error::ApiError;
use crate::graphql::loaders::LazyLoaders;
use crate::graphql::{FinsamSchema, Reader};
use crate::rate_limit::ClientKey;

/// Who subscribes, and when its token stops being valid (never for the
/// anonymous).
#[derive(Clone, Debug)]
pub struct Subscriber {
    pub principal: Principal,
    pub expires: Option<Instant>,
}

impl Subscriber {
    pub fn anonymous() -> Self {
        Subscriber {
            principal: Principal::anonymous(),
            expires: None,
        }
    }

    /// From a bearer token (with or without its `Bearer ` prefix).
    pub async fn from_token(state: &AppState, token: &str) -> Result<Self, ApiError> {
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token)
            .trim();
        let principal = state.tokens.validate(token).await.map_err(|reason| {
            tracing::info!(%reason, "refused a subscriber's bearer token");
            ApiError::Unauthenticated(reason.to_string())
        })?;
        let expires = crate::auth::jwt::expires_at(token).map(|exp| {
            let left = exp.saturating_sub(chrono::Utc::now().timestamp()).max(0);
            Instant::now() + std::time::Duration::from_secs(left as u64)
        });
        Ok(Subscriber { principal, expires })
    }

    /// From a WebSocket upgrade: its `Authorization` header, else the web
    /// app's session cookie when the page is this site's (`session`); none
    /// is anonymous.
    pub async fn from_upgrade(state: &AppState, req: &HttpRequest) -> Result<Self, ApiError> {
        if super::session::bearer(req)?.is_none()
            && let Some(token) = super::session::session_token(req)?
        {
            return Subscriber::from_token(state, &token).await;
        }
        Subscriber::from_header(state, req).await
    }

    /// From the request's `Authorization` header; none is anonymous.
    pub async fn from_header(state: &AppState, req: &HttpRequest) -> Result<Self, ApiError> {
        match super::session::bearer(req)? {
            None => Ok(Subscriber::anonymous()),
            Some(token) => Subscriber::from_token(state, token).await,
        }
    }

    /// Sleeps until the token expires (forever for the anonymous).
    pub async fn expired(&self) {
        match self.expires {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    }
}

/// The client a connection counts against: the token's subject when signed
/// in, else the address (as the rate limit counts).
pub fn client_key(state: &AppState, req: &HttpRequest, principal: &Principal) -> Option<ClientKey> {
    match &principal.sub {
        Some(sub) => Some(ClientKey::Subject(sub.clone())),
        None => state.rate_limits.address_of(req).map(ClientKey::Address),
    }
}

/// Counts the operation against the client's rate limit, as a request.
pub fn over_limit(state: &AppState, client: &ClientKey) -> Option<ApiError> {
    let wait = state.rate_limits.check(client.client()).err()?;
    Some(ApiError::RateLimited {
        retry_after_secs: super::retry_after_secs(wait),
    })
}

/// One operation of a subscriber, run as a stream of responses: the
/// document limits of a query, reads from the primary (a change is read
/// where it committed), and an end with UNAUTHENTICATED when the token
/// expires. Mutations go to POST /graphql, where a write's rules live.
pub fn operation(
    schema: &FinsamSchema,
    state: &Arc<AppState>,
    subscriber: &Subscriber,
    mut request: async_graphql::Request,
) -> BoxStream<'static, Response> {
    if let Err(err) = state.check_trusted(&subscriber.principal, &request.query) {
        return futures_util::stream::once(std::future::ready(super::error_body(err))).boxed();
    }
    let limits = state.limits();
    if let Err(err) = limits.prepare(&mut request) {
        return futures_util::stream::once(std::future::ready(limits.refused(err))).boxed();
    }
    if state
        .graphql
        .documents
        .operation_kind(&request.query, request.operation_name.as_deref())
        == Some(true)
    {
        let err = ApiError::request(
            "query",
            "mutations are sent with POST /graphql, not over a subscription",
        );
        return futures_util::stream::once(std::future::ready(super::error_body(err))).boxed();
    }
    let primary = state.reads.primary().clone();
    let principal = subscriber.principal.clone();
    let request = request
        .data(Caller::new(
            principal.clone(),
            Some(uuid::Uuid::new_v4().to_string()),
        ))
        .data(Arc::new(LazyLoaders::new(primary.clone(), principal)))
        .data(Reader(primary));
    let until = subscriber.clone();
    let after = subscriber.clone();
    let finishing = state.clone();
    let dates = crate::graphql::limits::BadDates::of(&request.variables);
    schema
        .execute_stream(request)
        // Codes on the library's own errors (validation), as on a query's.
        .map(move |mut response| {
            finishing.limits().finish(&mut response, &dates);
            response
        })
        .take_until(Box::pin(async move { until.expired().await }))
        .chain(
            futures_util::stream::once(async move {
                after
                    .expires
                    .is_some_and(|at| Instant::now() >= at)
                    .then(|| {
                        super::error_body(ApiError::Unauthenticated(
                            "the token expired: subscribe again with a new one".into(),
                        ))
                    })
            })
            .filter_map(std::future::ready),
        )
        .boxed()
}
