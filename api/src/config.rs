//! Typed settings: `config/default.toml` < `config/$FINSAM_ENV.toml` <
//! `FINSAM__SECTION__KEY` environment variables, read once at start-up.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub graphql: GraphqlSettings,
    pub privacy: PrivacySettings,
    pub log: LogSettings,
    pub rate_limit: RateLimitSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    #[serde(default)]
    pub live: LiveSettings,
}

/// Subscriptions (`live`): what one connection, one client and the process
/// may hold open, and how long a quiet or slow client is kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LiveSettings {
    /// Open connections (WebSocket and SSE together) in this process.
    pub max_connections: usize,
    /// Open connections of one signed-in client (its token's subject).
    pub max_connections_per_client: usize,
    /// Open connections of anonymous visitors from one address: an office
    /// behind one address shares them, so there are more than one person's.
    pub max_connections_per_address: usize,
    /// Operations at once on one WebSocket.
    pub max_subscriptions_per_connection: usize,
    /// The largest message a client may send (bytes).
    pub max_message_bytes: usize,
    /// How long a WebSocket may wait before `connection_init`.
    pub init_timeout_secs: u64,
    /// A ping (WebSocket) or comment (SSE) this often; no pong in two of
    /// them and the WebSocket is closed.
    pub ping_interval_secs: u64,
    /// How long one message may wait for a client that does not read
    /// before it is disconnected.
    pub send_timeout_secs: u64,
    /// Changes a subscriber may fall behind by before its subscription ends
    /// (the process keeps this many, shared by all subscribers).
    pub queue: usize,
    /// How many missed changes a resuming subscription is sent; further
    /// back, it is told to reload.
    pub replay: u64,
}

impl Default for LiveSettings {
    fn default() -> Self {
        LiveSettings {
            max_connections: 10_000,
            max_connections_per_client: 16,
            max_connections_per_address: 128,
            max_subscriptions_per_connection: 32,
            max_message_bytes: 64 * 1024,
            init_timeout_secs: 10,
            ping_interval_secs: 15,
            send_timeout_secs: 10,
            queue: 1024,
            replay: 500,
        }
    }
}

/// Where `/metrics` is served: it names the identity providers' issuers and
/// counts every request, so it is not the public's. On an address of its own
/// (loopback by default, for a Prometheus beside the server), and/or on the
/// API's address to callers that send `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    /// `host:port` of the metrics listener; empty or absent: none.
    #[serde(default)]
    pub listen: Option<String>,
    /// The bearer token that opens `/metrics` on the API's own address;
    /// absent: `/metrics` is not served there.
    #[serde(default)]
    pub token: Option<SecretString>,
}

impl MetricsSettings {
    /// The listener's address, when one is configured.
    pub fn listen(&self) -> Option<&str> {
        self.listen
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
    }
}

/// Token buckets per client (`rate_limit.rs`).
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    pub enabled: bool,
    /// Anonymous callers, per client address.
    pub anonymous_per_second: u32,
    pub anonymous_burst: u32,
    /// Signed-in callers, per token subject.
    pub signed_in_per_second: u32,
    pub signed_in_burst: u32,
    /// Proxies (IP addresses) whose forwarding header names the client.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The header they write: `x-forwarded-for` or `forwarded` (RFC 7239).
    #[serde(default)]
    pub forwarded_header: crate::client_address::ForwardedHeader,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    /// 0 binds a free port (tests use that).
    pub port: u16,
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    /// How long `/readyz` waits for the database before answering 503.
    pub readiness_timeout_ms: u64,
    /// After SIGTERM: how long `/readyz` answers 503 while requests are
    /// still served, so a load balancer's health checks take the process out
    /// before it stops accepting (a few of their intervals).
    #[serde(default = "lame_duck_ms")]
    pub lame_duck_ms: u64,
    /// Then: how long requests in flight may take to finish.
    #[serde(default = "thirty")]
    pub shutdown_timeout_secs: u64,
    /// `Cache-Control: public, max-age` of an anonymous GET answer.
    pub public_max_age_secs: u32,
    pub graphiql: bool,
    /// Whether the web app's session cookie is `Secure` (sent over HTTPS
    /// only): on everywhere but a developer's machine.
    pub secure_cookies: bool,
    /// Origins allowed by CORS; "*" for any.
    #[serde(default)]
    pub cors_origins: Vec<String>,
    /// The zone whose calendar says what "today" is: the day a DSO's
    /// access begins, "nothing before today", the day a proposal expires.
    #[serde(default = "stockholm")]
    pub time_zone: chrono_tz::Tz,
    /// The secret page cursors are sealed with; rotating it makes old
    /// cursors invalid (a clear BAD_USER_INPUT).
    pub cursor_secret: SecretString,
}

fn replica_max_lag_ms() -> u64 {
    5_000
}

fn replica_check_ms() -> u64 {
    250
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    /// A read replica for queries; mutations (and their answers) use `url`.
    #[serde(default)]
    pub read_url: Option<String>,
    /// Past this lag the replica is taken out of reads (`replica.rs`).
    #[serde(default = "replica_max_lag_ms")]
    pub replica_max_lag_ms: u64,
    /// How often the replica's health and lag are looked at.
    #[serde(default = "replica_check_ms")]
    pub replica_check_ms: u64,
    pub max_connections: u32,
    pub busy_timeout_ms: u64,
    /// How long a request waits for a pooled connection (and a new
    /// connection for its handshake) before it fails as SERVICE_UNAVAILABLE.
    pub acquire_timeout_ms: u64,
    pub seed_on_empty: bool,
    /// For measuring only: a file each statement a request sends is
    /// appended to, one JSON string a line with its values written in
    /// (`finsam-bench --floor` runs them again on their own). It holds the
    /// data read, so it is never set in production.
    #[serde(default)]
    pub statement_log: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    pub algorithms: Vec<String>,
    pub issuer: String,
    pub audience: String,
    pub hs256_secret: SecretString,
    pub leeway_secs: u64,
    #[serde(default)]
    pub keys: Vec<PublicKeySettings>,
    #[serde(default)]
    pub jwks_file: Option<PathBuf>,
    /// Development tokens (HS256, `finsam token`); off in production.
    #[serde(default = "yes")]
    pub dev_tokens: bool,
    /// OpenID Connect providers whose tokens are accepted.
    #[serde(default)]
    pub providers: Vec<ProviderSettings>,
    /// The least time between two refetches of a provider's keys for an
    /// unknown `kid`.
    #[serde(default = "thirty")]
    pub jwks_min_refetch_secs: u64,
}

fn yes() -> bool {
    true
}

fn stockholm() -> chrono_tz::Tz {
    chrono_tz::Europe::Stockholm
}

fn thirty() -> u64 {
    30
}

fn lame_duck_ms() -> u64 {
    2_000
}

fn roles_claim() -> String {
    "roles".into()
}

fn forbund_claim() -> String {
    "forbund".into()
}

fn groups_claim() -> String {
    "groups".into()
}

/// One OpenID Connect provider (`[[auth.providers]]`).
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderSettings {
    /// What the sign-in page calls it, e.g. "Samordningsförbundet Värend".
    pub name: String,
    /// Must equal the token's `iss`; discovery is `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// The token's `aud` (a string or an array) must contain one of these.
    pub audiences: Vec<String>,
    /// Förbund whose roles this provider may grant; `["*"]` for a national
    /// provider (which alone may grant analyst and network_admin).
    pub grants: Vec<String>,
    #[serde(default = "roles_claim")]
    pub roles_claim: String,
    #[serde(default = "forbund_claim")]
    pub forbund_claim: String,
    #[serde(default = "groups_claim")]
    pub groups_claim: String,
    /// Provider group ids → `role@förbund` (or a national `role`).
    #[serde(default)]
    pub groups: std::collections::HashMap<String, String>,
    /// The web app's public client at this provider.
    #[serde(default)]
    pub client_id: Option<String>,
    /// A CA (PEM) to trust for this provider beside the public web roots and
    /// the operating system's store: a förbund whose provider has a
    /// certificate from its own CA.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// One verification key for asymmetric tokens, picked by the token's `kid`.
#[derive(Debug, Clone, Deserialize)]
pub struct PublicKeySettings {
    pub kid: String,
    pub algorithm: String,
    pub pem_file: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    /// How deeply list and input-object literals may nest in a document.
    pub max_value_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_batch: usize,
    /// Persisted queries kept (the least recently used go first).
    pub persisted_queries: usize,
    /// Parsed documents kept by their text.
    pub parsed_documents: usize,
    /// Answers kept for the next request of the same query
    /// (`graphql::answers`); 0 keeps none.
    #[serde(default = "default_kept_answers")]
    pub kept_answers: usize,
    pub introspection: bool,
    pub suggestions: bool,
    /// Anonymous callers may run only the web app's own operations
    /// (`trusted.rs`); signed-in callers are not limited.
    pub trusted_documents_only: bool,
    /// The credential the federation router sends in
    /// `Finsam-Federation-Token`: with introspection off, only a caller
    /// holding it is given the subgraph SDL (`_service`). None (or empty):
    /// nobody is.
    #[serde(default)]
    pub federation_token: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrivacySettings {
    pub min_cell: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Settings {
    /// Reads the layered settings. `config_dir` holds `default.toml`; when it is
    /// not given, `./config` is used if present, else the directory shipped with
    /// the sources, so `cargo run` works from any working directory.
    pub fn load(config_dir: Option<&Path>) -> anyhow::Result<Self> {
        let dir = match config_dir {
            Some(dir) => dir.to_path_buf(),
            None => default_config_dir(),
        };
        let env = std::env::var("FINSAM_ENV").unwrap_or_else(|_| "development".into());
        let settings = config::Config::builder()
            .add_source(config::File::from(dir.join("default.toml")).required(true))
            .add_source(config::File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("FINSAM")
                    .prefix_separator("__")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("auth.algorithms")
                    .with_list_parse_key("server.cors_origins")
                    .with_list_parse_key("rate_limit.trusted_proxies")
                    .try_parsing(true),
            )
            .build()?;
        Ok(settings.try_deserialize()?)
    }
}

fn default_config_dir() -> PathBuf {
    let local = PathBuf::from("config");
    if local.join("default.toml").exists() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../config")
}

fn default_kept_answers() -> usize {
    512
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_from_the_shipped_directory() {
        let settings = Settings::load(None).expect("default settings");
        assert_eq!(settings.privacy.min_cell, 5);
        assert!(settings.auth.algorithms.contains(&"HS256".to_string()));
        assert!(settings.database.url.starts_with("sqlite://"));
    }
}
