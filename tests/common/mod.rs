//! `TestApp`: the real server on a random port with its own database (a fresh
//! SQLite file, or a fresh PostgreSQL database when `FINSAM_TEST_DATABASE_URL`
//! names a server), tokens minted for any role, and GraphQL over real HTTP.

#![allow(dead_code)]

pub mod live;
pub mod oidc;
pub mod process;

use std::sync::Arc;
use std::time::Duration;

use finsam_api::app::AppState;
use finsam_api::auth::Role;
use finsam_api::service::Clock;
use finsam_api::{Application, Settings};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub struct TestApp {
    /// The SQLite file this app created for itself, removed when it goes.
    own_file: Option<String>,
    pub address: String,
    /// Where `/metrics` answers, apart from the API.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub state: Arc<AppState>,
    /// Stops the server when the app goes, so a test that spawns many
    /// servers does not keep every one's database connections open.
    server: actix_web::dev::ServerHandle,
}

/// A change to the settings before the server starts.
pub type Configure = Box<dyn FnOnce(&mut Settings)>;

/// Options for a test server.
#[derive(Default)]
pub struct Spawn {
    /// Leave the database empty instead of loading the demo dataset.
    pub empty: bool,
    /// Fix the day the rules see.
    pub today: Option<chrono::NaiveDate>,
    /// Adjust settings before the server starts.
    pub configure: Option<Configure>,
}

/// A database of its own for one test.
pub async fn fresh_database_url() -> String {
    match std::env::var("FINSAM_TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let name = format!("finsam_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(server.as_str())
                .await
                .expect("connect to the PostgreSQL test server");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create a test database");
            admin.close().await.ok();
            let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
            format!("{base}/{name}")
        }
        _ => {
            let path =
                std::env::temp_dir().join(format!("finsam-test-{}.db", uuid::Uuid::new_v4()));
            format!("sqlite://{}", path.display())
        }
    }
}

/// Panics seen on the server's own threads (actix workers and the tasks
/// they run) during this test binary: the suite's check that no request ever
/// panicked a worker, whatever the test it belongs to asserts.
static SERVER_PANICS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Installs, once per test binary, a panic hook that writes every panic to
/// stderr as before and records those raised outside the tests' own threads.
fn watch_server_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("unnamed");
            // Test functions run on threads named after the test (or "main");
            // actix names its workers and arbiters, tokio its pool threads.
            if (name.starts_with("actix") || name.starts_with("tokio"))
                && let Ok(mut panics) = SERVER_PANICS.lock()
            {
                panics.push(format!("{name}: {info}"));
            }
            previous(info);
        }));
    });
}

/// Fails when any server thread of this binary has panicked so far.
pub fn assert_no_server_panics() {
    let panics = SERVER_PANICS
        .lock()
        .map(|p| p.clone())
        .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
    assert!(
        panics.is_empty(),
        "the server panicked while serving: {panics:#?}"
    );
}

impl TestApp {
    /// A server with the demo dataset loaded.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Spawn::default()).await
    }

    pub async fn spawn_with(options: Spawn) -> TestApp {
        watch_server_panics();
        let mut settings = Settings::load(None).expect("settings");
        settings.server.port = 0;
        let fresh = fresh_database_url().await;
        settings.database.url = fresh.clone();
        settings.database.max_connections = 4;
        settings.database.seed_on_empty = !options.empty;
        // The suites send thousands of requests from one address; the tests
        // of the limits themselves turn them on.
        settings.rate_limit.enabled = false;
        // `/metrics` on a listener of its own, as configured by default, on a
        // free port (tests read it through `metrics()`).
        settings.metrics.listen = Some("127.0.0.1:0".into());
        settings.metrics.token = None;
        if let Some(configure) = options.configure {
            configure(&mut settings);
        }
        let clock = options
            .today
            .map_or(Clock::System(settings.server.time_zone), Clock::Fixed);
        let app = Application::build_with_clock(settings.clone(), clock)
            .await
            .expect("build the application");
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics_address = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        let state = app.state();
        let server = app.handle();
        tokio::spawn(app.run_until_stopped());
        let own_file = (settings.database.url == fresh)
            .then(|| fresh.strip_prefix("sqlite://").map(str::to_owned))
            .flatten();
        TestApp {
            own_file,
            address,
            metrics_address,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("http client"),
            settings,
            state,
            server,
        }
    }

    /// A token for `roles` of förbund `forbund`, valid for an hour.
    pub fn token(&self, roles: &[Role], forbund: Option<&str>) -> String {
        finsam_api::auth::jwt::mint_dev_token(
            &self.settings.auth,
            "test-user",
            forbund,
            roles,
            Duration::from_secs(3600),
        )
        .expect("mint a token")
    }

    pub fn network_admin(&self) -> String {
        self.token(&[Role::NetworkAdmin], None)
    }

    /// POSTs a GraphQL request, anonymously or with a bearer token, and
    /// returns the JSON body whatever the status.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        response.json().await.expect("a JSON body")
    }

    /// As the web app sends it: signed in by the session cookie holding
    /// `token` (none: no cookie), from a page of this site.
    pub async fn gql_in_session(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("Origin", &self.address)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.header("Cookie", format!("finsam_session={token}"));
        }
        let response = request.send().await.expect("send the request");
        response.json().await.expect("a JSON body")
    }

    /// A query sent with one more header (a forwarding header, a
    /// credential), and its answer.
    pub async fn gql_with_header(&self, (name, value): (&str, &str), query: &str) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .header(name, value)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("send the request")
            .json()
            .await
            .expect("a JSON body")
    }

    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(None, query, variables).await
    }

    /// `data` of a request that must succeed.
    pub async fn data_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql_as(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    pub async fn data(&self, query: &str, variables: Value) -> Value {
        self.data_as(None, query, variables).await
    }

    /// The text of `/metrics`, from the metrics listener.
    pub async fn metrics(&self) -> String {
        let at = self.metrics_address.as_deref().expect("a metrics listener");
        self.client
            .get(format!("{at}/metrics"))
            .send()
            .await
            .expect("the metrics listener answers")
            .text()
            .await
            .expect("metrics")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("send the request")
    }

    /// A GET as `token`'s holder: by bearer token, or (`in_session`) by
    /// the web app's session cookie, as a link in the app sends it.
    pub async fn get_as(
        &self,
        token: Option<&str>,
        path: &str,
        in_session: bool,
    ) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{}", self.address, path));
        if let Some(token) = token {
            request = if in_session {
                request.header("Cookie", format!("finsam_session={token}"))
            } else {
                request.bearer_auth(token)
            };
        }
        request.send().await.expect("send the request")
    }
}

impl Drop for TestApp {
    /// A test's SQLite file goes with it (PostgreSQL test databases go with
    /// the server `.ci/run` starts and removes).
    fn drop(&mut self) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.server.stop(false));
        }
        if !std::thread::panicking() {
            assert_no_server_panics();
        }
        if let Some(path) = &self.own_file {
            for suffix in ["", "-wal", "-shm", ".lock"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

/// The first error's `extensions.code`.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body:#}"))
}

/// The first error's `extensions.field`.
pub fn error_field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no error field in {body:#}"))
}

/// The SQL statements one request costs, read from the server's counter.
pub async fn statements_for(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> u64 {
    let read = |text: String| {
        text.lines()
            .find(|l| l.starts_with("finsam_db_statements_total "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .expect("the statement counter")
    };
    let before = read(app.metrics().await);
    let body = app.gql_as(token, query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    let after = read(app.metrics().await);
    after - before
}

/// The row key a global id names ("Insats:14" → "14"), for SQL, calendar
/// UIDs and the log's `entityId`, which hold keys; a bare key as it is.
pub fn row_key(id: &str) -> String {
    finsam_api::record::id::decode(id).map_or_else(|| id.to_string(), |(_, key)| key.to_string())
}
