//! OpenID Connect providers (`[[auth.providers]]`): each discovered from its
//! issuer, its signing keys kept in memory and following the provider.
//!
//! The crate for it is jsonwebtoken (validation, `DecodingKey::from_jwk`) with
//! this small key cache around it, not `openidconnect`: that crate is for the
//! client side of the flows (the web app does those in the browser), while a
//! resource server only needs discovery, the JWKS and bounded refetching.
//!
//! - A token with an unknown `kid` triggers one refetch, at most one per
//!   `auth.jwks_min_refetch_secs` (30) per provider however many such tokens
//!   arrive — concurrent ones wait for the same fetch. After a failed fetch
//!   the next may come sooner (2 s), so a provider that comes back is used
//!   at once.
//! - Keys are refreshed in the background as the JWKS response's
//!   `Cache-Control: max-age` allows (between a minute and an hour).
//! - A provider that is down does not stop the server: its tokens are
//!   refused with "could not be reached" until it answers; keys already
//!   fetched keep working meanwhile. Readiness never depends on a provider.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};

use crate::config::ProviderSettings;

/// What discovery tells about a provider.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub jwks_uri: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
}

#[derive(Default)]
struct KeyState {
    metadata: Option<Metadata>,
    keys: HashMap<String, (Algorithm, DecodingKey)>,
    /// When the last fetch was tried, and whether it worked.
    last_attempt: Option<(Instant, bool)>,
    /// How long the provider says its keys may be kept.
    max_age: Option<Duration>,
}

/// Why a provider's key could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// The provider has no key with this `kid`, even after a refetch.
    Unknown,
    /// The provider did not answer (and no such key is known).
    Unreachable,
}

pub struct Provider {
    pub settings: ProviderSettings,
    http: reqwest::Client,
    state: RwLock<KeyState>,
    /// One fetch at a time: concurrent unknown kids wait for it.
    fetching: Mutex<()>,
    min_refetch: Duration,
    metrics: crate::metrics::Metrics,
}

const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(2);

impl Provider {
    fn discovery_url(&self) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            self.settings.issuer.trim_end_matches('/')
        )
    }

    /// Discovery (once) and the key set; the state is replaced whole.
    async fn fetch(&self) -> anyhow::Result<()> {
        let metadata = match self.state.read().await.metadata.clone() {
            Some(m) => m,
            None => {
                let metadata: Metadata = self
                    .http
                    .get(self.discovery_url())
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                anyhow::ensure!(
                    metadata.issuer == self.settings.issuer,
                    "discovery names issuer {}, configured {}",
                    metadata.issuer,
                    self.settings.issuer
                );
                metadata
            }
        };
        let response = self
            .http
            .get(&metadata.jwks_uri)
            .send()
            .await?
            .error_for_status()?;
        let max_age = response
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(|cc| {
                cc.split(',')
                    .filter_map(|d| d.trim().strip_prefix("max-age="))
                    .find_map(|s| s.parse::<u64>().ok())
            })
            .map(Duration::from_secs);
        let set: JwkSet = response.json().await?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            // Only signing keys with a kid and an algorithm we can use.
            let (Some(kid), Some(alg)) = (&jwk.common.key_id, jwk.common.key_algorithm) else {
                continue;
            };
            let Ok(alg) = alg.to_string().parse::<Algorithm>() else {
                continue;
            };
            if let Ok(key) = DecodingKey::from_jwk(jwk) {
                keys.insert(kid.clone(), (alg, key));
            }
        }
        self.metrics
            .oidc_jwks_fetches
            .with_label_values(&[&self.settings.issuer])
            .inc();
        let mut state = self.state.write().await;
        state.metadata = Some(metadata);
        state.keys = keys;
        state.max_age = max_age;
        Ok(())
    }

    /// Fetches unless one was tried too recently; records the outcome.
    async fn refetch(&self, reason: &str) {
        let _one_at_a_time = self.fetching.lock().await;
        if let Some((at, ok)) = self.state.read().await.last_attempt {
            let wait = if ok {
                self.min_refetch
            } else {
                RETRY_AFTER_FAILURE
            };
            if at.elapsed() < wait {
                return;
            }
        }
        let outcome = self.fetch().await;
        let ok = outcome.is_ok();
        self.state.write().await.last_attempt = Some((Instant::now(), ok));
        self.metrics
            .oidc_provider_up
            .with_label_values(&[&self.settings.issuer])
            .set(i64::from(ok));
        match outcome {
            Ok(()) => {
                tracing::info!(issuer = %self.settings.issuer, reason, "fetched the provider's keys")
            }
            Err(err) => {
                tracing::warn!(issuer = %self.settings.issuer, reason, error = %err, "the identity provider could not be reached")
            }
        }
    }

    /// The key for `kid`, refetching the key set once if it is unknown.
    pub async fn key(&self, kid: &str) -> Result<(Algorithm, DecodingKey), KeyProblem> {
        if let Some(found) = self.state.read().await.keys.get(kid) {
            return Ok(found.clone());
        }
        self.refetch("a token with an unknown key id").await;
        let state = self.state.read().await;
        if let Some(found) = state.keys.get(kid) {
            return Ok(found.clone());
        }
        match state.last_attempt {
            Some((_, false)) => Err(KeyProblem::Unreachable),
            _ => Err(KeyProblem::Unknown),
        }
    }

    /// The discovered endpoints; asks the provider (within the refetch
    /// limits) when it has not answered yet.
    pub async fn metadata(&self) -> Option<Metadata> {
        if let Some(metadata) = self.state.read().await.metadata.clone() {
            return Some(metadata);
        }
        self.refetch("the sign-in page").await;
        self.state.read().await.metadata.clone()
    }

    /// Keeps the keys fresh: first at once, then as the provider allows.
    fn spawn_refresh(self: &Arc<Self>) {
        let provider = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(p) = provider.upgrade() else { return };
                p.refetch("background refresh").await;
                let state = p.state.read().await;
                let wait = match state.last_attempt {
                    Some((_, true)) => state
                        .max_age
                        .unwrap_or(Duration::from_secs(600))
                        .clamp(Duration::from_secs(60), Duration::from_secs(3600)),
                    _ => Duration::from_secs(10),
                };
                drop(state);
                drop(p);
                tokio::time::sleep(wait).await;
            }
        });
    }
}

/// The client that fetches a provider's discovery document and keys. It
/// trusts the public web roots and the operating system's trust store (where
/// an organisation installs its own CA), and `ca_file`'s certificates (PEM,
/// one or more) when given.
fn client(ca_file: Option<&std::path::Path>) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5));
    if let Some(file) = ca_file {
        let pem = std::fs::read(file)
            .map_err(|err| anyhow::anyhow!("ca_file {}: {err}", file.display()))?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|err| anyhow::anyhow!("ca_file {}: {err}", file.display()))?;
        anyhow::ensure!(
            !certificates.is_empty(),
            "ca_file {}: no certificate in it",
            file.display()
        );
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    Ok(builder.build()?)
}

/// Every configured provider, by issuer.
pub struct Providers {
    by_issuer: HashMap<String, Arc<Provider>>,
    ordered: Vec<Arc<Provider>>,
}

impl Providers {
    pub fn from_settings(
        settings: &crate::config::AuthSettings,
        metrics: &crate::metrics::Metrics,
    ) -> anyhow::Result<Self> {
        let http = client(None)?;
        let mut by_issuer = HashMap::new();
        let mut ordered = Vec::new();
        for p in &settings.providers {
            anyhow::ensure!(
                !p.issuer.is_empty(),
                "auth.providers: an issuer is required"
            );
            anyhow::ensure!(
                !p.audiences.is_empty(),
                "auth.providers {}: audiences are required",
                p.issuer
            );
            // A provider behind its förbund's own CA is reached with that CA
            // trusted too, by this provider's client alone.
            let http = match &p.ca_file {
                Some(file) => client(Some(file))
                    .map_err(|err| anyhow::anyhow!("auth.providers {}: {err:#}", p.issuer))?,
                None => http.clone(),
            };
            let provider = Arc::new(Provider {
                settings: p.clone(),
                http,
                state: RwLock::new(KeyState::default()),
                fetching: Mutex::new(()),
                min_refetch: Duration::from_secs(settings.jwks_min_refetch_secs),
                metrics: metrics.clone(),
            });
            anyhow::ensure!(
                by_issuer
                    .insert(p.issuer.clone(), provider.clone())
                    .is_none(),
                "auth.providers: {} is listed twice",
                p.issuer
            );
            ordered.push(provider);
        }
        Ok(Providers { by_issuer, ordered })
    }

    /// Starts each provider's key refresh (needs the runtime).
    pub fn start(&self) {
        for p in &self.ordered {
            p.spawn_refresh();
        }
    }

    pub fn by_issuer(&self, issuer: &str) -> Option<&Arc<Provider>> {
        self.by_issuer.get(issuer)
    }

    pub fn all(&self) -> &[Arc<Provider>] {
        &self.ordered
    }
}
