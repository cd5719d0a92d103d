//! Tokens never reach the logs: the log output of requests carrying valid and
//! refused tokens, at debug level, holds no token and no signature.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::TestApp;
use finsam_api::auth::Role;
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_token_is_ever_logged() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let app = TestApp::spawn().await;
    let valid = app.token(&[Role::Editor], Some("varend"));
    // The same header and claims with a signature that cannot verify.
    let parts: Vec<&str> = valid.split('.').collect();
    let forged = format!(
        "{}.{}.c2lnbmF0dXJlLXRoYXQtZG9lcy1ub3QtbWF0Y2g",
        parts[0], parts[1]
    );
    let body = app
        .gql_as(
            Some(&valid),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Loggtest" }) { id } }"#,
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    // With a made-up X-Forwarded-For, from a peer that is no trusted proxy.
    let refused: serde_json::Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", "6.6.6.6")
        .bearer_auth(&forged)
        .json(&json!({ "query": "{ me { sub } }" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let forbidden = app
        .gql_as(
            Some(&app.token(&[Role::Member], Some("vasteras"))),
            r#"mutation { createForbund(input: { slug: "x-y", name: "x", county: "x" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let log = String::from_utf8(captured.0.lock().expect("log").clone()).expect("utf-8");
    assert!(
        log.contains("refused a bearer token"),
        "the refusal is logged"
    );
    assert!(log.contains("access denied"), "the denial is logged");
    // The log's client is the one the rate limit counts: the peer, not what
    // the request claims.
    assert!(
        log.contains("http.client_ip=127.0.0.1"),
        "the client is logged"
    );
    assert!(
        !log.contains("6.6.6.6"),
        "a forwarding header from an untrusted peer was believed"
    );
    for token in [&valid, &forged] {
        let signature = token.rsplit('.').next().expect("signature");
        assert!(!log.contains(token.as_str()), "a token was logged");
        assert!(!log.contains(signature), "a token's signature was logged");
    }
    assert!(
        !log.to_lowercase().contains("bearer ey"),
        "an authorization header was logged"
    );
}
