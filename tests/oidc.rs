//! Signing in as förbund staff do: tokens from real OpenID Connect
//! providers (node-oidc-provider, two at once — one bound to Värend, one
//! national), keys that rotate, a flood of unknown key ids, roles a provider
//! may not grant, every kind of bad token, and a provider that is down.

use crate::common;

use std::time::Duration;

use common::oidc::{self, OidcProvider};
use common::{Spawn, TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const ME: &str = "{ me { sub roles forbund { slug } } }";

async fn me(app: &TestApp, token: &str) -> Value {
    app.gql_as(Some(token), ME, json!({})).await
}

/// A server trusting both providers, and the providers themselves.
async fn setup(min_refetch: u64) -> Option<(TestApp, OidcProvider, OidcProvider)> {
    let modules = oidc::node_modules()?;
    let (varend_port, national_port) = (oidc::free_port(), oidc::free_port());
    let varend = OidcProvider::start(&modules, "varend", varend_port, &[]).await;
    let national = OidcProvider::start(&modules, "national", national_port, &[]).await;
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| {
            s.auth.providers = vec![
                oidc::settings("Samordningsförbundet Värend", varend_port, &["varend"]),
                oidc::settings("Nationella nätverket", national_port, &["*"]),
            ];
            s.auth.jwks_min_refetch_secs = min_refetch;
        })),
        ..Default::default()
    })
    .await;
    Some((app, varend, national))
}

#[tokio::test]
async fn provider_tokens_with_aud_arrays_carry_the_roles_the_provider_may_grant() {
    let Some((app, varend, national)) = setup(30).await else {
        return;
    };
    // aud is an array (["finsam-graph", "account"]), as real providers send it.
    let editor = varend.token("editor-varend", json!({})).await;
    let body = me(&app, &editor).await;
    assert_eq!(
        body["data"]["me"],
        json!({ "sub": "editor-varend", "roles": ["EDITOR"], "forbund": { "slug": "varend" } }),
        "{body}"
    );
    let created = app
        .gql_as(Some(&editor), r#"mutation { createInsats(input: { forbund: "varend", name: "Via Värends inloggning" }) { id } }"#, json!({}))
        .await;
    assert!(created.get("errors").is_none(), "{created}");

    let analyst = national.token("analyst", json!({})).await;
    assert_eq!(
        me(&app, &analyst).await["data"]["me"]["roles"],
        json!(["ANALYST"])
    );
    let dso = national.token("dso-vasteras", json!({})).await;
    assert_eq!(
        me(&app, &dso).await["data"]["me"]["forbund"]["slug"],
        "vasteras"
    );
}

#[tokio::test]
async fn a_forbunds_provider_cannot_make_anyone_an_editor_elsewhere_or_a_network_admin() {
    let Some((app, varend, _national)) = setup(30).await else {
        return;
    };
    // "overreach" claims editor of Västerås and network_admin.
    let token = varend.token("overreach", json!({})).await;
    let body = me(&app, &token).await;
    assert!(
        body["data"]["me"].is_null(),
        "answered as anonymous: {body}"
    );
    let refused = app
        .gql_as(
            Some(&token),
            r#"mutation { createInsats(input: { forbund: "vasteras", name: "Inte min" }) { id } }"#,
            json!({}),
        )
        .await;
    // Answered as anonymous: a change needs a signed-in caller with a role.
    assert_eq!(error_code(&refused), "UNAUTHENTICATED", "{refused}");
    let registry = app
        .gql_as(
            Some(&token),
            r#"mutation { createForbund(input: { slug: "x", name: "X", county: "Y" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&registry), "UNAUTHENTICATED", "{registry}");
    // Claims of another förbund's roles, even made up in the token, are dropped.
    let forged = varend
        .token(
            "member-varend",
            json!({ "claims": { "roles": ["member", "admin"], "forbund": "vasteras" } }),
        )
        .await;
    assert!(me(&app, &forged).await["data"]["me"].is_null());
    // Nothing was written as those roles.
    let admin = app.network_admin();
    let log = app
        .data_as(
            Some(&admin),
            r#"{ auditLog(first: 100) { edges { node { actor { sub roles } } } } }"#,
            json!({}),
        )
        .await;
    let by_overreach = log["auditLog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["node"]["actor"]["sub"] == "overreach")
        .count();
    assert_eq!(by_overreach, 0);
}

#[tokio::test]
async fn bad_tokens_are_each_refused_with_a_clear_reason() {
    let Some((app, varend, national)) = setup(30).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp();
    let reason = |body: &Value| {
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    for (case, token, expected) in [
        (
            "wrong issuer",
            varend
                .token(
                    "editor-varend",
                    json!({ "iss": "https://evil.example.org" }),
                )
                .await,
            "issuer",
        ),
        (
            "another provider's issuer",
            varend
                .token("editor-varend", json!({ "iss": national.issuer }))
                .await,
            "key",
        ),
        (
            "wrong audience",
            varend
                .token("editor-varend", json!({ "aud": "someone-else" }))
                .await,
            "audience",
        ),
        (
            "expired",
            varend
                .token("editor-varend", json!({ "exp": now - 3600 }))
                .await,
            "expired",
        ),
    ] {
        let body = me(&app, &token).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{case}: {body}");
        assert!(
            reason(&body).contains(expected),
            "{case}: {}",
            reason(&body)
        );
    }
    // alg: none, with the provider's issuer.
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let claims = json!({ "sub": "editor-varend", "iss": varend.issuer, "aud": "finsam-graph", "exp": now + 600, "roles": ["editor"], "forbund": "varend" });
    let none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT" })),
        b64(&claims)
    );
    assert!(reason(&me(&app, &none).await).contains("algorithm"));
    // HS256 "signed" with the provider's public key as the secret.
    let public = varend.public_key().await;
    let secret = public.to_string();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = public["kid"].as_str().map(str::to_owned);
    let confused = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign");
    let body = me(&app, &confused).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    assert!(reason(&body).contains("algorithm"), "{}", reason(&body));
}

#[tokio::test]
async fn a_rotated_key_works_without_a_restart() {
    let Some((app, varend, _national)) = setup(1).await else {
        return;
    };
    let before = varend.token("editor-varend", json!({})).await;
    assert!(me(&app, &before).await.get("errors").is_none());
    let new_kid = varend.rotate().await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let after = varend.token("editor-varend", json!({})).await;
    let header = jsonwebtoken::decode_header(&after).expect("header");
    assert_eq!(
        header.kid.as_deref(),
        Some(new_kid.as_str()),
        "signed with the new key"
    );
    let body = me(&app, &after).await;
    assert_eq!(
        body["data"]["me"]["sub"], "editor-varend",
        "the new key is fetched on first sight: {body}"
    );
    assert!(
        me(&app, &before).await.get("errors").is_none(),
        "the old key, still published, works too"
    );
}

#[tokio::test]
async fn a_flood_of_unknown_key_ids_is_one_fetch_at_most() {
    let Some((app, varend, _national)) = setup(30).await else {
        return;
    };
    // The server's first fetch (at start) has happened once a token works.
    let good = varend.token("editor-varend", json!({})).await;
    assert!(me(&app, &good).await.get("errors").is_none());
    let before = varend.jwks_fetches().await;
    let mut refusals = Vec::new();
    for i in 0..200 {
        let token = varend
            .token(
                "editor-varend",
                json!({ "kid": format!("random-{i}-{}", uuid::Uuid::new_v4()) }),
            )
            .await;
        refusals.push(tokio::spawn({
            let (client, address) = (app.client.clone(), app.address.clone());
            async move {
                client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(token)
                    .json(&json!({ "query": ME }))
                    .send()
                    .await
                    .expect("send")
                    .json::<Value>()
                    .await
                    .expect("json")
            }
        }));
    }
    for refusal in refusals {
        let body = refusal.await.expect("a request");
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    let fetched = varend.jwks_fetches().await - before;
    assert!(
        fetched <= 1,
        "200 unknown key ids caused {fetched} key-set fetches"
    );
}

#[tokio::test]
async fn the_server_starts_with_a_provider_down_and_uses_it_once_it_is_up() {
    let Some(modules) = oidc::node_modules() else {
        return;
    };
    let port = oidc::free_port();
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| {
            s.auth.providers = vec![oidc::settings(
                "Samordningsförbundet Värend",
                port,
                &["varend"],
            )];
        })),
        ..Default::default()
    })
    .await;
    // Anonymous requests are served, and readiness does not depend on it.
    let data = app
        .data("{ forbund(slug: \"varend\") { name } }", json!({}))
        .await;
    assert_eq!(data["forbund"]["name"], "Samordningsförbundet Värend");
    assert_eq!(app.get("/readyz").await.status(), 200);
    // A token naming the provider: refused, saying it could not be reached.
    let claims = json!({ "sub": "editor-varend", "iss": oidc::issuer(port), "aud": "finsam-graph", "exp": chrono::Utc::now().timestamp() + 600 });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("not-yet".into());
    let rsa = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("key");
    let pem = rsa::pkcs1::EncodeRsaPrivateKey::to_pkcs1_pem(&rsa, rsa::pkcs1::LineEnding::LF)
        .expect("pem");
    let token = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key"),
    )
    .expect("sign");
    let body = me(&app, &token).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("could not be reached"),
        "{body}"
    );
    let metrics = app.metrics().await;
    assert!(
        metrics.contains(&format!(
            "finsam_oidc_provider_up{{issuer=\"{}\"}} 0",
            oidc::issuer(port)
        )),
        "reported in /metrics"
    );

    // The provider comes up: its tokens work without a restart.
    let provider = OidcProvider::start(&modules, "varend", port, &[]).await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let token = provider.token("editor-varend", json!({})).await;
    let body = me(&app, &token).await;
    assert_eq!(body["data"]["me"]["sub"], "editor-varend", "{body}");
}

#[tokio::test]
async fn with_dev_tokens_off_finsam_tokens_are_refused() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.auth.dev_tokens = false)),
        ..Default::default()
    })
    .await;
    let token = app.token(&[Role::NetworkAdmin], None);
    let body = me(&app, &token).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("development tokens")
    );
    let listed: Value = app.get("/auth/providers").await.json().await.expect("json");
    assert_eq!(
        listed["devTokens"], false,
        "the sign-in page stops offering to paste one"
    );
}

#[tokio::test]
async fn a_provider_behind_a_forbunds_own_ca_is_trusted_through_its_ca_file_alone() {
    let Some(modules) = oidc::node_modules() else {
        return;
    };
    let tls = oidc::Tls::new();
    let port = oidc::free_port();
    let provider = OidcProvider::start_tls(&modules, "varend", port, &tls).await;
    assert!(
        provider.issuer.starts_with("https://"),
        "{}",
        provider.issuer
    );
    let spawn = |ca_file: Option<std::path::PathBuf>| {
        let issuer = provider.issuer.clone();
        TestApp::spawn_with(Spawn {
            configure: Some(Box::new(move |s| {
                let mut varend = oidc::settings("Samordningsförbundet Värend", port, &["varend"]);
                varend.issuer = issuer;
                varend.ca_file = ca_file;
                s.auth.providers = vec![varend];
            })),
            ..Default::default()
        })
    };
    let token = provider.token("editor-varend", json!({})).await;

    // With the förbund's CA in its provider's settings, the keys are
    // fetched over TLS and the token is good.
    let trusting = spawn(Some(tls.ca_file.clone())).await;
    let body = me(&trusting, &token).await;
    assert_eq!(body["data"]["me"]["sub"], "editor-varend", "{body}");

    // Without it the certificate is not trusted: no keys, no sign-in.
    let doubting = spawn(None).await;
    let body = me(&doubting, &token).await;
    assert!(body["data"]["me"].is_null(), "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
}

#[test]
fn a_ca_file_that_is_not_a_certificate_stops_the_start_with_its_provider_named() {
    let dir = std::env::temp_dir().join(format!("finsam-ca-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("ca.pem");
    std::fs::write(&file, "not a certificate").expect("write");
    let mut settings = finsam_api::config::Settings::load(None)
        .expect("settings")
        .auth;
    let mut provider = oidc::settings("Värend", 4000, &["varend"]);
    provider.ca_file = Some(file);
    settings.providers = vec![provider];
    let metrics = finsam_api::metrics::Metrics::new().expect("metrics");
    let err = finsam_api::auth::providers::Providers::from_settings(&settings, &metrics)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("http://127.0.0.1:4000"), "{err}");
    assert!(err.to_string().contains("no certificate"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
