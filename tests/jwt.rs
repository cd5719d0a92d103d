//! Production tokens: RS256, ES256 and EdDSA public keys from PEM files and
//! a JWKS file, chosen by `kid`, with keys generated here; and every way such
//! a token is refused.

use crate::common;

use std::path::PathBuf;

use base64::Engine;
use common::{Spawn, TestApp, error_code};
use finsam_api::config::PublicKeySettings;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

struct Keys {
    dir: PathBuf,
    rsa_private: String,
    rsa_public: String,
    rsa_n: Vec<u8>,
    other_rsa_private: String,
    ec_private: String,
    ec_public: String,
    ed_private: String,
    ed_public: String,
}

fn generate() -> Keys {
    use ed25519_dalek::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
    use rsa::pkcs8::LineEnding;
    use rsa::traits::PublicKeyParts;
    let mut rng = rand::rngs::OsRng;
    let rsa = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("rsa key");
    let other = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("rsa key");
    let ec = p256::SecretKey::random(&mut rng);
    let ed = ed25519_dalek::SigningKey::generate(&mut rng);
    let dir = std::env::temp_dir().join(format!("finsam-keys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("key dir");
    Keys {
        rsa_private: rsa.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string(),
        rsa_public: rsa
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem"),
        rsa_n: rsa.to_public_key().n().to_bytes_be(),
        other_rsa_private: other.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string(),
        ec_private: ec.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string(),
        ec_public: ec
            .public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem"),
        ed_private: ed.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string(),
        ed_public: ed
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem"),
        dir,
    }
}

fn write(keys: &Keys, name: &str, text: &str) -> PathBuf {
    let path = keys.dir.join(name);
    std::fs::write(&path, text).expect("write key");
    path
}

fn claims(app: &TestApp) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": "prod-user", "roles": ["analyst"], "iss": app.settings.auth.issuer,
            "aud": app.settings.auth.audience, "iat": now, "exp": now + 600 })
}

fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.gql_as(Some(token), "{ me { sub roles } }", json!({}))
        .await
}

/// A server that takes RS256, ES256 and EdDSA keys from PEM files, by kid.
async fn production_app(keys: &Keys) -> TestApp {
    let paths = [
        ("rsa-1", "RS256", write(keys, "rsa.pem", &keys.rsa_public)),
        ("ec-1", "ES256", write(keys, "ec.pem", &keys.ec_public)),
        ("ed-1", "EdDSA", write(keys, "ed.pem", &keys.ed_public)),
    ];
    TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| {
            s.auth.algorithms = ["HS256", "RS256", "ES256", "EdDSA"]
                .map(String::from)
                .to_vec();
            s.auth.keys = paths
                .iter()
                .map(|(kid, alg, path)| PublicKeySettings {
                    kid: kid.to_string(),
                    algorithm: alg.to_string(),
                    pem_file: path.clone(),
                })
                .collect();
        })),
        ..Default::default()
    })
    .await
}

fn refused(body: &Value) -> String {
    assert_eq!(error_code(body), "UNAUTHENTICATED", "{body}");
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn rs256_es256_and_eddsa_tokens_are_chosen_by_kid() {
    let keys = generate();
    let app = production_app(&keys).await;
    let c = claims(&app);
    for (alg, kid, key) in [
        (
            Algorithm::RS256,
            "rsa-1",
            EncodingKey::from_rsa_pem(keys.rsa_private.as_bytes()).expect("rsa"),
        ),
        (
            Algorithm::ES256,
            "ec-1",
            EncodingKey::from_ec_pem(keys.ec_private.as_bytes()).expect("ec"),
        ),
        (
            Algorithm::EdDSA,
            "ed-1",
            EncodingKey::from_ed_pem(keys.ed_private.as_bytes()).expect("ed"),
        ),
    ] {
        let body = me(&app, &sign(alg, Some(kid), &key, &c)).await;
        assert_eq!(body["data"]["me"]["sub"], "prod-user", "{alg:?}: {body}");
        assert_eq!(body["data"]["me"]["roles"], json!(["ANALYST"]));
    }
    std::fs::remove_dir_all(&keys.dir).ok();
}

#[tokio::test]
async fn an_unknown_kid_is_refused() {
    let keys = generate();
    let app = production_app(&keys).await;
    let key = EncodingKey::from_rsa_pem(keys.rsa_private.as_bytes()).expect("rsa");
    let body = me(
        &app,
        &sign(Algorithm::RS256, Some("rsa-9"), &key, &claims(&app)),
    )
    .await;
    assert!(refused(&body).contains("unknown key id"));
    std::fs::remove_dir_all(&keys.dir).ok();
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_refused() {
    let keys = generate();
    let app = production_app(&keys).await;
    let other = EncodingKey::from_rsa_pem(keys.other_rsa_private.as_bytes()).expect("rsa");
    let body = me(
        &app,
        &sign(Algorithm::RS256, Some("rsa-1"), &other, &claims(&app)),
    )
    .await;
    assert!(refused(&body).contains("bad signature"));
    std::fs::remove_dir_all(&keys.dir).ok();
}

#[tokio::test]
async fn an_hs256_token_signed_with_a_public_key_is_refused() {
    let keys = generate();
    let app = production_app(&keys).await;
    // The classic confusion: HS256 "signed" with the RSA public key's bytes.
    let confused = EncodingKey::from_secret(keys.rsa_public.as_bytes());
    let with_kid = me(
        &app,
        &sign(Algorithm::HS256, Some("rsa-1"), &confused, &claims(&app)),
    )
    .await;
    assert!(refused(&with_kid).contains("algorithm not allowed"));
    let without_kid = me(
        &app,
        &sign(Algorithm::HS256, None, &confused, &claims(&app)),
    )
    .await;
    assert!(refused(&without_kid).contains("bad signature"));
    std::fs::remove_dir_all(&keys.dir).ok();
}

#[tokio::test]
async fn a_key_used_with_another_algorithm_is_refused() {
    let keys = generate();
    let app = production_app(&keys).await;
    let key = EncodingKey::from_rsa_pem(keys.rsa_private.as_bytes()).expect("rsa");
    let body = me(
        &app,
        &sign(Algorithm::RS384, Some("rsa-1"), &key, &claims(&app)),
    )
    .await;
    assert!(refused(&body).contains("algorithm not allowed"));
    std::fs::remove_dir_all(&keys.dir).ok();
}

#[tokio::test]
async fn a_jwks_file_supplies_keys_and_hs256_can_be_switched_off() {
    let keys = generate();
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let jwks = json!({ "keys": [{ "kty": "RSA", "kid": "jwks-rsa", "alg": "RS256", "use": "sig",
                                  "n": b64(&keys.rsa_n), "e": b64(&[1, 0, 1]) }] });
    let path = write(&keys, "jwks.json", &jwks.to_string());
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| {
            s.auth.algorithms = vec!["RS256".into()];
            s.auth.jwks_file = Some(path);
        })),
        ..Default::default()
    })
    .await;
    let rsa_key = EncodingKey::from_rsa_pem(keys.rsa_private.as_bytes()).expect("rsa");
    let body = me(
        &app,
        &sign(Algorithm::RS256, Some("jwks-rsa"), &rsa_key, &claims(&app)),
    )
    .await;
    assert_eq!(body["data"]["me"]["sub"], "prod-user", "{body}");
    // HS256 is not on this server's list, so even a well-signed development token is refused.
    let dev = app.network_admin();
    let body = me(&app, &dev).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("algorithm not allowed")
    );
    std::fs::remove_dir_all(&keys.dir).ok();
}
