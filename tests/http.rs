//! The HTTP surface: health, readiness, metrics, the schema file, limits,
//! and every way a bearer token can be refused.

use crate::common;

use common::{Spawn, TestApp, error_code, error_field};
use finsam_api::auth::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.headers()["finsam-reads"], "primary");
    assert_eq!(
        ready.text().await.expect("body"),
        "ready; reads from the primary (no replica configured)"
    );

    let _ = app
        .gql("{ forbund(slug: \"varend\") { name } }", json!({}))
        .await;
    let _ = app.gql("{ nope }", json!({})).await;
    let metrics = app.metrics().await;
    assert!(
        metrics
            .contains(r#"finsam_http_requests_total{method="POST",route="/graphql",status="200"}"#),
        "{metrics}"
    );
    assert!(metrics.contains("finsam_http_request_duration_seconds_bucket"));
    assert!(
        metrics.contains(r#"finsam_graphql_errors_total{code="BAD_USER_INPUT"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("finsam_db_statements_total"));
    // Not on the API's address: it names the providers and counts requests.
    assert_eq!(app.get("/metrics").await.status(), 404);
}

#[tokio::test]
async fn production_shows_no_schema_and_metrics_only_to_their_token() {
    let app = TestApp::spawn_with(common::Spawn {
        configure: Some(Box::new(|s| {
            s.graphql.introspection = false;
            s.graphql.federation_token = Some(secrecy::SecretString::from("router-secret"));
            s.server.graphiql = false;
            s.metrics.listen = None;
            s.metrics.token = Some(secrecy::SecretString::from("scrape-me"));
        })),
        ..Default::default()
    })
    .await;
    assert_eq!(app.get("/schema.graphql").await.status(), 404);
    // GraphiQL off: neither its page nor its assets, at any address.
    for path in [
        "/app/graphiql.html",
        "/app/graphiql-start.js",
        "/app/vendor/graphiql/graphiql.min.js",
        "/app/v/0/graphiql.html",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    assert_eq!(app.get("/app/app.css").await.status(), 200);
    let introspect = app.gql("{ __schema { types { name } } }", json!({})).await;
    assert!(introspect["data"]["__schema"].is_null(), "{introspect}");
    // The subgraph SDL is the schema too: only the federation router's
    // credential is given it, however the field is reached.
    for doc in [
        "{ _service { sdl } }",
        "{ ... on Query { _service { sdl } } }",
        "query { ...S } fragment S on Query { _service { sdl } }",
    ] {
        let refused = app.gql(doc, json!({})).await;
        assert_eq!(error_code(&refused), "FORBIDDEN", "{doc}: {refused}");
    }
    let sdl = "{ _service { sdl } }";
    let wrong = app
        .gql_with_header(("finsam-federation-token", "router-secre"), sdl)
        .await;
    assert_eq!(error_code(&wrong), "FORBIDDEN");
    let router = app
        .gql_with_header(("finsam-federation-token", "router-secret"), sdl)
        .await;
    assert!(
        router["data"]["_service"]["sdl"]
            .as_str()
            .is_some_and(|sdl| sdl.contains("type Insats")),
        "{router}"
    );
    assert!(app.metrics_address.is_none());
    assert_eq!(app.get("/metrics").await.status(), 404);
    let wrong = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth("scrape-m")
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), 404);
    let right = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth("scrape-me")
        .send()
        .await
        .expect("send");
    assert_eq!(right.status(), 200);
    assert!(
        right
            .text()
            .await
            .expect("text")
            .contains("finsam_db_statements_total")
    );
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    let id = response
        .headers()
        .get("x-request-id")
        .expect("x-request-id header");
    assert!(!id.is_empty());
}

#[tokio::test]
async fn the_committed_schema_file_matches_the_code() {
    let app = TestApp::spawn().await;
    let served = app.get("/schema.graphql").await.text().await.expect("sdl");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql at the repository root");
    assert!(
        served == committed,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql`"
    );
    assert!(served.contains("forbundList(") && served.contains("): ForbundConnection!"));
}

#[tokio::test]
async fn the_committed_federation_sdl_matches_what_the_subgraph_serves() {
    let app = TestApp::spawn().await;
    let body = app
        .data("{ _service { sdl } }", serde_json::json!({}))
        .await;
    let served = body["_service"]["sdl"].as_str().expect("sdl").to_string();
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema.federation.graphql"
    ))
    .expect("schema.federation.graphql at the repository root");
    assert!(
        served == committed,
        "schema.federation.graphql is out of date: run `cargo run -- schema --federation > schema.federation.graphql`"
    );
    for key in [
        r#"type Forbund implements Node @key(fields: "slug")"#,
        r#"type Insats implements Node @key(fields: "id")"#,
        r#"type Indicator implements Node @key(fields: "code")"#,
        r#"type DsoAgreement implements Node @key(fields: "id")"#,
    ] {
        assert!(served.contains(key), "{key} in {served}");
    }
    assert!(
        served.contains("url: \"https://specs.apollo.dev/federation/v2"),
        "a Federation 2 subgraph"
    );
}

#[tokio::test]
async fn graphiql_is_served_on_get() {
    let app = TestApp::spawn().await;
    let page = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"));
}

#[tokio::test]
async fn me_describes_the_token_and_is_null_without_one() {
    let app = TestApp::spawn().await;
    let token = app.token(&[Role::Editor], Some("varend"));
    let data = app
        .data_as(
            Some(&token),
            "{ me { sub roles forbund { slug name } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["me"]["sub"], "test-user");
    assert_eq!(data["me"]["roles"], json!(["EDITOR"]));
    assert_eq!(data["me"]["forbund"]["name"], "Samordningsförbundet Värend");
    assert_eq!(
        app.data("{ me { sub } }", json!({})).await["me"],
        Value::Null
    );
    // A token with no role of ours is anonymous, as on the OpenID Connect
    // path: it is not signed in, and sees what the anonymous see.
    let roleless = app.token(&[], Some("varend"));
    assert_eq!(
        app.data_as(Some(&roleless), "{ me { sub } }", json!({}))
            .await["me"],
        Value::Null
    );
}

#[tokio::test]
async fn deep_queries_and_alias_floods_are_too_complex() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.graphql.max_depth = 4;
            s.graphql.max_aliases = 3;
        })),
        ..Default::default()
    })
    .await;
    let deep = app
        .gql(
            r#"{ forbund(slug: "vasteras") { successor { predecessors { successor { slug } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&deep), "QUERY_TOO_COMPLEX");
    let aliases = app
        .gql(
            "{ a: me { sub } b: me { sub } c: me { sub } d: me { sub } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&aliases), "QUERY_TOO_COMPLEX");
    let fine = app.gql("{ a: me { sub } b: me { sub } }", json!({})).await;
    assert!(fine.get("errors").is_none(), "{fine}");
}

#[tokio::test]
async fn a_page_of_pages_is_too_complex_while_one_full_page_is_fine() {
    let app = TestApp::spawn().await;
    let nested = app
        .gql(
            "{ forbundList(first: 100) { edges { node { insatser(first: 100) { edges { node { name goals { description } } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&nested), "QUERY_TOO_COMPLEX");
    let page = app
        .gql("{ insatser(first: 100) { edges { node { name forbund { slug } goals { description } decisions { amountSek } } } } }", json!({}))
        .await;
    assert!(page.get("errors").is_none(), "{page}");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.server.body_limit_bytes = 1024)),
        ..Default::default()
    })
    .await;
    let padding = " ".repeat(4096);
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": format!("{{ me {{ sub }} }}{padding}") }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn a_body_that_is_not_graphql_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

/// POSTs a valid GraphQL body with the given headers.
async fn post_with_headers(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .body(r#"{"query":"{ __typename }"}"#);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("send")
}

#[tokio::test]
async fn bodies_the_server_cannot_read_are_unsupported_media() {
    let app = TestApp::spawn().await;
    for headers in [
        vec![],
        vec![("content-type", "image/png")],
        vec![("content-type", "text/plain")],
        vec![("content-type", "application/x-www-form-urlencoded")],
        vec![
            ("content-type", "application/json"),
            ("content-encoding", "br2"),
        ],
        vec![
            ("content-type", "application/json"),
            ("content-encoding", "gzip, deflate7"),
        ],
    ] {
        let response = post_with_headers(&app, &headers).await;
        assert_eq!(response.status(), 415, "{headers:?}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{headers:?}");
        let field = error_field(&body);
        assert!(field.starts_with("Content-"), "{headers:?}: {field}");
    }
    for headers in [
        vec![("content-type", "application/json")],
        vec![("content-type", "application/json; charset=utf-8")],
        vec![("content-type", "Application/JSON")],
        vec![("content-type", "application/graphql-response+json")],
        vec![
            ("content-type", "application/json"),
            ("content-encoding", "identity"),
        ],
    ] {
        let response = post_with_headers(&app, &headers).await;
        assert_eq!(response.status(), 200, "{headers:?}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["data"]["__typename"], "Query", "{headers:?}");
    }
}

#[tokio::test]
async fn a_gzipped_body_is_read() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(br#"{"query":"{ forbund(slug: \"varend\") { slug } }"}"#)
        .expect("gzip");
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(encoder.finish().expect("gzip"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["forbund"]["slug"], "varend");

    // A few kilobytes that inflate past the body limit are refused as they
    // inflate, in GraphQL's shape.
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(br#"{"query":"{ __typename }","x":""#)
        .expect("gzip");
    bomb.write_all(&vec![b' '; 50 * 1024 * 1024]).expect("gzip");
    let bomb = bomb.finish().expect("gzip");
    assert!(bomb.len() < 100 * 1024);
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("body_limit_bytes")
    );
}

/// Signs claims with the development secret unless told otherwise.
fn sign(app: &TestApp, alg: Algorithm, claims: Value, secret: Option<&[u8]>) -> String {
    use secrecy::ExposeSecret;
    let default_secret = app
        .settings
        .auth
        .hs256_secret
        .expose_secret()
        .as_bytes()
        .to_vec();
    let key = EncodingKey::from_secret(secret.unwrap_or(&default_secret));
    jsonwebtoken::encode(&Header::new(alg), &claims, &key).expect("sign")
}

fn claims(app: &TestApp, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": "someone",
        "roles": ["network_admin"],
        "iss": app.settings.auth.issuer,
        "aud": app.settings.auth.audience,
        "iat": now,
        "exp": now + exp_offset,
    })
}

async fn refusal(app: &TestApp, token: &str) -> String {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({ "query": "{ me { sub } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    body["errors"][0]["message"]
        .as_str()
        .expect("message")
        .to_string()
}

#[tokio::test]
async fn a_well_signed_token_is_accepted() {
    let app = TestApp::spawn().await;
    let good = sign(&app, Algorithm::HS256, claims(&app, 600), None);
    let me = app.data_as(Some(&good), "{ me { sub } }", json!({})).await;
    assert_eq!(me["me"]["sub"], "someone");
}

/// One test per way a token is refused: each answers UNAUTHENTICATED (401)
/// with its reason.
macro_rules! refused_token {
    ($name:ident, $reason:literal, |$app:ident| $token:expr) => {
        #[tokio::test]
        async fn $name() {
            let $app = TestApp::spawn().await;
            let token: String = $token;
            let message = refusal(&$app, &token).await;
            assert!(message.contains($reason), "{message}");
        }
    };
}

refused_token!(an_expired_token_is_refused, "token expired", |app| {
    sign(&app, Algorithm::HS256, claims(&app, -3600), None)
});

refused_token!(
    a_token_for_another_audience_is_refused,
    "wrong audience",
    |app| {
        let mut c = claims(&app, 600);
        c["aud"] = json!("someone-else");
        sign(&app, Algorithm::HS256, c, None)
    }
);

refused_token!(
    a_token_from_another_issuer_is_refused,
    "wrong issuer",
    |app| {
        let mut c = claims(&app, 600);
        c["iss"] = json!("https://elsewhere");
        sign(&app, Algorithm::HS256, c, None)
    }
);

refused_token!(
    a_token_signed_with_another_secret_is_refused,
    "bad signature",
    |app| {
        sign(
            &app,
            Algorithm::HS256,
            claims(&app, 600),
            Some(b"another secret entirely"),
        )
    }
);

refused_token!(
    an_algorithm_not_on_the_list_is_refused,
    "algorithm not allowed",
    |app| { sign(&app, Algorithm::HS384, claims(&app, 600), None) }
);

refused_token!(a_token_not_yet_valid_is_refused, "not yet valid", |app| {
    let mut c = claims(&app, 7200);
    c["nbf"] = json!(chrono::Utc::now().timestamp() + 3600);
    sign(&app, Algorithm::HS256, c, None)
});

refused_token!(
    an_unsigned_token_is_refused,
    "algorithm not allowed",
    |app| {
        use base64::Engine;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(&claims(&app, 600).to_string())
        )
    }
);

refused_token!(a_malformed_token_is_refused, "malformed", |app| {
    let _ = &app;
    "not.a.token".to_string()
});

refused_token!(
    a_token_without_an_expiry_is_refused,
    "missing claim exp",
    |app| {
        let mut c = claims(&app, 600);
        c.as_object_mut().map(|o| o.remove("exp"));
        sign(&app, Algorithm::HS256, c, None)
    }
);

#[tokio::test]
async fn another_authorization_scheme_is_refused() {
    let app = TestApp::spawn().await;
    let basic = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": "{ me { sub } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(basic.status(), 401);
    let body: Value = basic.json().await.expect("json");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn unknown_roles_in_a_token_are_ignored() {
    let app = TestApp::spawn().await;
    let mut c = claims(&app, 600);
    c["roles"] = json!(["member", "superuser"]);
    c["forbund"] = json!("varend");
    let token = sign(&app, Algorithm::HS256, c, None);
    let data = app
        .data_as(Some(&token), "{ me { roles } }", json!({}))
        .await;
    assert_eq!(data["me"]["roles"], json!(["MEMBER"]));
}

#[tokio::test]
async fn malformed_input_is_bad_user_input_naming_the_argument() {
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let body = app
        .gql_as(
            Some(&editor),
            "mutation($i: CreateInsatsInput!) { createInsats(input: $i) { id } }",
            json!({ "i": { "forbund": "varend", "name": "x", "ageMin": "old" } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.ageMin");
    let date = app
        .gql(
            r#"{ dsoFor(forbund: "vasteras", on: "2021-13-01") { contact } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&date), "BAD_USER_INPUT");
    assert!(
        date["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("YYYY-MM-DD"))
    );
    let unknown = app
        .gql("{ forbund(slug: \"varend\") { nope } }", json!({}))
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
}

#[tokio::test]
async fn browsers_from_allowed_origins_may_call_the_api() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.server.cors_origins = vec!["https://app.example.org".into()]
        })),
        ..Default::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://app.example.org")
        .await
        .expect("preflight");
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://app.example.org")
    );
    let other = preflight("https://evil.example.com")
        .await
        .expect("preflight");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_request_running_past_the_timeout_is_stopped() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.server.request_timeout_secs = 0)),
        ..Default::default()
    })
    .await;
    // A relation waits for its loader's batch window, so no answer can be
    // ready at the first look: the request is over time whatever the machine.
    let body = app
        .gql(
            "{ insatser(first: 100) { edges { node { name goals { description } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("longer than"))
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the server goes on"
    );
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused_whole() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.graphql.max_batch = 3)),
        ..Default::default()
    })
    .await;
    let batch = |n: usize| {
        json!(
            (0..n)
                .map(|_| json!({ "query": "{ me { sub } }" }))
                .collect::<Vec<_>>()
        )
    };
    let ok = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&batch(3))
        .send()
        .await
        .expect("send");
    assert_eq!(ok.status(), 200);
    let too_many = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&batch(4))
        .send()
        .await
        .expect("send");
    assert_eq!(too_many.status(), 400);
    let body: Value = too_many.json().await.expect("json");
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
}

/// Read a gzip body as a client that asked for it would.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

#[tokio::test]
async fn answers_and_assets_are_compressed_for_clients_that_accept_it() {
    let app = TestApp::spawn().await;
    let script = app
        .client
        .get(format!(
            "{}/app/vendor/graphiql/graphiql.min.js",
            app.address
        ))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["content-encoding"], "gzip");
    let packed = script.bytes().await.expect("body");
    let plain = gunzip(&packed);
    assert!(plain.len() > 1_000_000, "{} bytes unpacked", plain.len());
    assert!(
        packed.len() * 3 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );

    let page = r#"{ insatser(first: 50) { edges { node { name description targetGroup forbund { name } } } } }"#;
    let answer = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": page }))
        .send()
        .await
        .expect("send");
    assert_eq!(answer.headers()["content-encoding"], "gzip");
    let body: serde_json::Value =
        serde_json::from_slice(&gunzip(&answer.bytes().await.expect("body"))).expect("json");
    assert_eq!(
        body["data"]["insatser"]["edges"].as_array().map(Vec::len),
        Some(39)
    );
    // A client that does not ask gets the body as it is.
    let plain = app.gql(page, json!({})).await;
    assert!(plain["data"]["insatser"]["edges"].is_array());
}

#[tokio::test]
async fn brotli_is_chosen_when_the_client_prefers_it_and_plain_when_it_asks_for_nothing() {
    let app = TestApp::spawn().await;
    let page = r#"{ insatser(first: 50) { edges { node { name description targetGroup forbund { name } } } } }"#;
    let ask = |encoding: Option<&'static str>| {
        let mut request = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": page }));
        if let Some(encoding) = encoding {
            request = request.header("accept-encoding", encoding);
        }
        request.send()
    };
    let brotli = ask(Some("br;q=1.0, gzip;q=0.5")).await.expect("send");
    assert_eq!(brotli.headers()["content-encoding"], "br");
    let packed = brotli.bytes().await.expect("body");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut brotli_decompressor::Decompressor::new(&packed[..], 4096),
        &mut plain,
    )
    .expect("brotli");
    let body: Value = serde_json::from_slice(&plain).expect("json");
    assert_eq!(
        body["data"]["insatser"]["edges"].as_array().map(Vec::len),
        Some(39)
    );
    assert!(
        packed.len() * 3 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );

    // No Accept-Encoding, or only identity: the body as it is.
    for encoding in [None, Some("identity")] {
        let answer = ask(encoding).await.expect("send");
        assert!(
            answer.headers().get("content-encoding").is_none(),
            "{encoding:?}: {:?}",
            answer.headers().get("content-encoding")
        );
        let body: Value = answer.json().await.expect("plain json");
        assert_eq!(
            body["data"]["insatser"]["edges"].as_array().map(Vec::len),
            Some(39)
        );
    }
}

#[tokio::test]
async fn pages_name_their_assets_by_the_builds_content_hash() {
    let app = TestApp::spawn().await;
    let page = app.get("/").await;
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let html = page.text().await.expect("html");
    // The stylesheet's address, among the page's versioned ones.
    let address = html
        .match_indices("/app/v/")
        .map(|(start, _)| {
            let rest = &html[start..];
            &rest[..rest.find('"').expect("end of address")]
        })
        .find(|address| address.ends_with("/app.css"))
        .expect("the stylesheet by a versioned address");
    let build = address
        .trim_start_matches("/app/v/")
        .split('/')
        .next()
        .unwrap_or_default();
    assert_eq!(build.len(), 16, "{address}");

    // The versioned address serves the same bytes as the plain one.
    let versioned = app.get(address).await;
    assert_eq!(versioned.status(), 200);
    assert_eq!(
        versioned.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    // Release builds let browsers keep it a year; debug builds read web/
    // from disk and revalidate.
    let kept = versioned.headers()["cache-control"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    if cfg!(debug_assertions) {
        assert_eq!(kept, "no-cache");
    }
    let plain = app.get("/app/app.css").await.text().await.expect("css");
    assert_eq!(versioned.text().await.expect("css"), plain);
    // An address of another build is served, but only to revalidate.
    let other = app.get("/app/v/0000000000000000/app.css").await;
    assert_eq!(other.status(), 200);
    assert_eq!(other.headers()["cache-control"], "no-cache");
    // The modules' relative imports stay inside the versioned folder.
    let module = app.get(&format!("/app/v/{build}/js/api.js")).await;
    assert_eq!(module.status(), 200);
    let operations = app.get(&format!("/app/v/{build}/operations.graphql")).await;
    assert_eq!(operations.status(), 200);
    // GraphiQL's page names its scripts the same way.
    let graphiql = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(
        graphiql.contains(&format!("/app/v/{build}/vendor/graphiql/graphiql.min.js")),
        "{graphiql}"
    );
}

#[tokio::test]
async fn assets_go_packed_at_the_best_level_with_a_tag_per_packing() {
    let app = TestApp::spawn().await;
    let path = "/app/vendor/graphiql/graphiql.min.css";
    let get = |encoding: &'static str| {
        app.client
            .get(format!("{}{path}", app.address))
            .header("accept-encoding", encoding)
            .send()
    };
    let plain = get("identity").await.expect("send");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_tag = plain.headers()["etag"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    let plain = plain.bytes().await.expect("body");

    let brotli = get("gzip, deflate, br").await.expect("send");
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert!(
        brotli.headers()["vary"]
            .to_str()
            .unwrap_or_default()
            .contains("Accept-Encoding")
    );
    let brotli_tag = brotli.headers()["etag"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert_ne!(
        brotli_tag, plain_tag,
        "each packing is its own representation"
    );
    let packed = brotli.bytes().await.expect("body");
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut brotli_decompressor::Decompressor::new(&packed[..], 4096),
        &mut unpacked,
    )
    .expect("brotli, packed once");
    assert_eq!(unpacked, plain.to_vec());

    let gzip = get("gzip").await.expect("send");
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gunzip(&gzip.bytes().await.expect("body")), plain.to_vec());

    // The tag of the packing asked for revalidates.
    let again = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept-encoding", "br")
        .header("if-none-match", &brotli_tag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 304);
}

/// An empty metrics token (`FINSAM__METRICS__TOKEN=`) is no token: it does
/// not open `/metrics` to a caller that sends an empty bearer token.
#[tokio::test]
async fn an_empty_metrics_token_opens_nothing() {
    let app = TestApp::spawn_with(common::Spawn {
        configure: Some(Box::new(|s| {
            s.metrics.listen = None;
            s.metrics.token = Some(secrecy::SecretString::from(""));
        })),
        ..Default::default()
    })
    .await;
    for sent in ["Bearer ", "Bearer", ""] {
        let response = app
            .client
            .get(format!("{}/metrics", app.address))
            .header("authorization", sent)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 404, "{sent:?}");
    }
}
