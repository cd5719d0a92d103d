//! Real OpenID Connect providers for the tests: node-oidc-provider, started
//! as child processes from `tests/oidc/provider.mjs` with this project's test
//! users. `.ci/run` installs the npm package and sets `FINSAM_NODE_TOOLS`
//! (and `FINSAM_REQUIRE_OIDC`, so a missing provider fails, not skips).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use finsam_api::config::ProviderSettings;
use serde_json::{Value, json};

pub struct OidcProvider {
    child: Child,
    pub issuer: String,
    pub port: u16,
    client: reqwest::Client,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where oidc-provider is installed, or `None` (the test then says so and
/// passes, unless `FINSAM_REQUIRE_OIDC` is set).
pub fn node_modules() -> Option<PathBuf> {
    let candidates = [
        std::env::var("FINSAM_NODE_TOOLS")
            .ok()
            .map(|d| PathBuf::from(d).join("node_modules")),
        std::env::var("NODE_PATH").ok().map(PathBuf::from),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("oidc-provider/package.json").is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("FINSAM_REQUIRE_OIDC").is_none(),
            "FINSAM_REQUIRE_OIDC is set but oidc-provider is not installed (FINSAM_NODE_TOOLS)"
        );
        eprintln!("skipping: oidc-provider is not installed (set FINSAM_NODE_TOOLS)");
    }
    found
}

/// A port free now for a provider started a little later, from below the
/// ephemeral range (32768 and up on Linux): a port the kernel handed out
/// for `:0` could be handed out again in between, as the local end of one of
/// the server's own connections to PostgreSQL, and the provider would then
/// fail to listen.
pub fn free_port() -> u16 {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    for _ in 0..1000 {
        let port = rng.gen_range(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port below the ephemeral range")
}

/// A CA of the test's own and a certificate it issued for 127.0.0.1, in
/// files the provider and the server's config can name.
pub struct Tls {
    pub ca_file: PathBuf,
    pub ca_pem: String,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    _dir: TempDir,
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Tls {
    pub fn new() -> Tls {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let ca_key = KeyPair::generate().expect("a CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Samordningsförbundets egen CA (test)");
        let ca = ca.self_signed(&ca_key).expect("the CA certificate");
        let key = KeyPair::generate().expect("a key");
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
        leaf.distinguished_name
            .push(DnType::CommonName, "inloggning.forbund.test");
        let leaf = leaf.signed_by(&key, &ca, &ca_key).expect("the certificate");
        let dir = std::env::temp_dir().join(format!("finsam-tls-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write");
            path
        };
        Tls {
            ca_file: write("ca.pem", &ca.pem()),
            ca_pem: ca.pem(),
            cert_file: write("cert.pem", &leaf.pem()),
            key_file: write("key.pem", &key.serialize_pem()),
            _dir: TempDir(dir),
        }
    }
}

pub fn issuer(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// Settings for a provider at `port` granting `grants`, as an operator
/// would write them.
pub fn settings(name: &str, port: u16, grants: &[&str]) -> ProviderSettings {
    ProviderSettings {
        name: name.into(),
        issuer: issuer(port),
        audiences: vec!["finsam-graph".into()],
        grants: grants.iter().map(|g| g.to_string()).collect(),
        roles_claim: "roles".into(),
        forbund_claim: "forbund".into(),
        groups_claim: "groups".into(),
        groups: Default::default(),
        client_id: Some("finsam-web".into()),
        ca_file: None,
    }
}

impl OidcProvider {
    /// Starts the provider `realm` (varend or national) on `port`, allowing
    /// the web apps at `apps` as redirect targets; waits until it answers.
    pub async fn start(modules: &PathBuf, realm: &str, port: u16, apps: &[&str]) -> OidcProvider {
        Self::start_with(modules, realm, port, apps, None).await
    }

    /// The provider serving HTTPS with `tls`'s certificate, issued by a CA
    /// of the test's own (which this handle's client trusts).
    pub async fn start_tls(modules: &PathBuf, realm: &str, port: u16, tls: &Tls) -> OidcProvider {
        Self::start_with(modules, realm, port, &[], Some(tls)).await
    }

    async fn start_with(
        modules: &PathBuf,
        realm: &str,
        port: u16,
        apps: &[&str],
        tls: Option<&Tls>,
    ) -> OidcProvider {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc/provider.mjs");
        let mut command = Command::new("node");
        command.arg(script).args([
            "--port",
            &port.to_string(),
            "--realm",
            realm,
            "--app",
            &apps.join(","),
        ]);
        let mut client = reqwest::Client::builder();
        let mut issuer = issuer(port);
        if let Some(tls) = tls {
            command
                .arg("--tls-cert")
                .arg(&tls.cert_file)
                .arg("--tls-key")
                .arg(&tls.key_file);
            client = client.add_root_certificate(
                reqwest::Certificate::from_pem(tls.ca_pem.as_bytes()).expect("the CA"),
            );
            issuer = issuer.replacen("http:", "https:", 1);
        }
        let child = command
            .env("OIDC_MODULES", modules)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        let provider = OidcProvider {
            child,
            issuer,
            port,
            client: client.build().expect("a client"),
        };
        let started = Instant::now();
        let discovery = format!("{}/.well-known/openid-configuration", provider.issuer);
        while !provider
            .client
            .get(&discovery)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the {realm} provider did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        provider
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.client
            .post(format!("{}{path}", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("the provider answers")
            .json()
            .await
            .expect("json")
    }

    /// An access token for test user `sub`, signed with the provider's
    /// current key; `overrides` may set kid, iss, aud, exp or claims.
    pub async fn token(&self, sub: &str, overrides: Value) -> String {
        let mut body = json!({ "sub": sub });
        if let (Some(b), Some(o)) = (body.as_object_mut(), overrides.as_object()) {
            b.extend(o.clone());
        }
        self.post("/test/token", body).await["token"]
            .as_str()
            .expect("a token")
            .to_string()
    }

    /// The provider's current public signing key (a JWK).
    pub async fn public_key(&self) -> Value {
        self.post("/test/token", json!({ "sub": "x" })).await["publicKey"].clone()
    }

    /// Rotates the signing key (the old one stays published); the new kid.
    pub async fn rotate(&self) -> String {
        self.post("/test/rotate", json!({})).await["kid"]
            .as_str()
            .expect("kid")
            .to_string()
    }

    /// How often the provider's key set was fetched.
    pub async fn jwks_fetches(&self) -> u64 {
        self.client
            .get(format!("{}/test/jwks-fetches", self.issuer))
            .send()
            .await
            .expect("answer")
            .json::<Value>()
            .await
            .expect("json")["fetches"]
            .as_u64()
            .expect("count")
    }
}
