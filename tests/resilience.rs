//! A system of record under outages and abuse: the rate limits, a database
//! that stops answering (an SQLite file locked past its busy timeout, a
//! PostgreSQL server stopped under the running service), and readiness.

use crate::common;

use std::time::{Duration, Instant};

use common::{Spawn, TestApp, error_code};
use finsam_api::auth::Role;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

fn limited(per_second: u32, burst: u32) -> Spawn {
    Spawn {
        configure: Some(Box::new(move |s| {
            s.rate_limit.enabled = true;
            s.rate_limit.anonymous_per_second = per_second;
            s.rate_limit.anonymous_burst = burst;
            s.rate_limit.signed_in_per_second = per_second;
            s.rate_limit.signed_in_burst = burst;
        })),
        ..Default::default()
    }
}

async fn ask(
    app: &TestApp,
    token: Option<&str>,
    forwarded: Option<&str>,
) -> (u16, Option<String>, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ __typename }" }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ascii").to_string());
    (status, retry, response.json().await.expect("json"))
}

#[tokio::test]
async fn over_the_burst_is_429_until_the_bucket_refills() {
    let app = TestApp::spawn_with(limited(2, 5)).await;
    for i in 0..5 {
        let (status, _, _) = ask(&app, None, None).await;
        assert_eq!(status, 200, "request {i} is within the burst");
    }
    let (status, retry, body) = ask(&app, None, None).await;
    assert_eq!(status, 429);
    assert_eq!(error_code(&body), "RATE_LIMITED");
    let retry: u64 = retry.expect("Retry-After").parse().expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    // Health and readiness are never limited (metrics have their own listener).
    for path in ["/healthz", "/readyz"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    assert!(app.metrics().await.contains("finsam_http_requests_total"));
    // A signed-in caller has a bucket of their own.
    let token = app.token(&[Role::Member], Some("varend"));
    assert_eq!(ask(&app, Some(&token), None).await.0, 200);
    // X-Forwarded-For from an untrusted peer changes nothing.
    assert_eq!(ask(&app, None, Some("198.51.100.1")).await.0, 429);
    // After the window the client may ask again.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(ask(&app, None, None).await.0, 200);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_apart() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.rate_limit.enabled = true;
            s.rate_limit.anonymous_per_second = 1;
            s.rate_limit.anonymous_burst = 2;
            s.rate_limit.trusted_proxies = vec!["127.0.0.1".into()];
        })),
        ..Default::default()
    })
    .await;
    for _ in 0..2 {
        assert_eq!(ask(&app, None, Some("198.51.100.1")).await.0, 200);
    }
    assert_eq!(ask(&app, None, Some("198.51.100.1")).await.0, 429);
    assert_eq!(
        ask(&app, None, Some("198.51.100.2")).await.0,
        200,
        "another client behind the proxy"
    );
    assert_eq!(
        ask(&app, None, Some("6.6.6.6, 198.51.100.1")).await.0,
        429,
        "a forged hop is not believed"
    );
    // HAProxy's `option forwardfor` adds a line of its own below the one the
    // client wrote: both lines are one list, and the client's is not believed.
    for forged in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.append("x-forwarded-for", forged.parse().expect("header"));
        headers.append("x-forwarded-for", "198.51.100.1".parse().expect("header"));
        let status = app
            .client
            .post(format!("{}/graphql", app.address))
            .headers(headers)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("send")
            .status()
            .as_u16();
        assert_eq!(
            status, 429,
            "a forged first line ({forged}) is not the client"
        );
    }
}

/// Labels come from closed sets: a client that makes up HTTP methods does
/// not make up metric series (each would be kept until restart).
#[tokio::test]
async fn made_up_methods_make_no_new_metric_series() {
    let app = TestApp::spawn().await;
    for i in 0..20 {
        let method = reqwest::Method::from_bytes(format!("MADEUP{i:03}X").as_bytes())
            .expect("a method token");
        let status = app
            .client
            .request(method, format!("{}/graphql", app.address))
            .send()
            .await
            .expect("send")
            .status();
        assert!(status.is_client_error(), "{status}");
    }
    let metrics = app.metrics().await;
    assert!(
        !metrics.contains("MADEUP"),
        "a made-up method became a label"
    );
    assert!(metrics.contains(r#"method="OTHER""#), "counted as OTHER");
}

/// An SQLite file locked by another writer past `busy_timeout` is
/// SERVICE_UNAVAILABLE (503, Retry-After) within the timeout, not INTERNAL;
/// once the lock is gone the same write succeeds.
#[tokio::test]
async fn a_locked_sqlite_file_is_service_unavailable_then_recovers() {
    if std::env::var("FINSAM_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // PostgreSQL has its own outage test.
    }
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.database.busy_timeout_ms = 300)),
        ..Default::default()
    })
    .await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    // Another process's writer, holding the write lock for three seconds.
    let mut options = sea_orm::ConnectOptions::new(app.settings.database.url.clone());
    options.max_connections(1).min_connections(1);
    let other = sea_orm::Database::connect(options)
        .await
        .expect("a second connection");
    other
        .execute_unprepared("BEGIN EXCLUSIVE")
        .await
        .expect("take the lock");
    let holder = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        other
            .execute_unprepared("COMMIT")
            .await
            .expect("release the lock");
    });
    let create =
        r#"mutation { createInsats(input: { forbund: "varend", name: "Under låset" }) { id } }"#;
    let started = Instant::now();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&editor)
        .json(&json!({ "query": create }))
        .send()
        .await
        .expect("send");
    assert!(started.elapsed() < Duration::from_secs(5), "failed fast");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "SERVICE_UNAVAILABLE", "{body}");
    holder.await.expect("the lock holder");
    let body = app.gql_as(Some(&editor), create, json!({})).await;
    assert!(
        body.get("errors").is_none(),
        "after the lock the write goes through: {body}"
    );
}

/// With the PostgreSQL server stopped under the running service, `/readyz`
/// is 503 within 2 s and a query fails with SERVICE_UNAVAILABLE within 5 s;
/// when the server is back both recover without a restart. Runs in
/// `.ci/run`, which says how to stop and start its server.
#[tokio::test]
async fn a_stopped_postgresql_is_reported_fast_and_recovered_from() {
    let (Ok(stop), Ok(start)) = (
        std::env::var("FINSAM_TEST_PG_STOP"),
        std::env::var("FINSAM_TEST_PG_START"),
    ) else {
        return;
    };
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    let run = |script: &str| {
        let status = std::process::Command::new("sh")
            .args(["-c", script])
            .status()
            .expect("run");
        assert!(status.success(), "{script}");
    };
    run(&stop);
    let started = Instant::now();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "readyz took {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ forbund(slug: \"varend\") { name } }" }))
        .send()
        .await
        .expect("send");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the query took {:?}",
        started.elapsed()
    );
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "SERVICE_UNAVAILABLE", "{body}");
    run(&start);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = app
            .gql("{ forbund(slug: \"varend\") { name } }", json!({}))
            .await;
        if body.get("errors").is_none() {
            assert_eq!(
                body["data"]["forbund"]["name"],
                "Samordningsförbundet Värend"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {body}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(app.get("/readyz").await.status(), 200);
}

/// A batch costs each of its operations, not one request: a client within
/// its limit cannot multiply its work by batching.
#[tokio::test]
async fn each_operation_of_a_batch_counts_against_the_limit() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            s.rate_limit.enabled = true;
            s.rate_limit.anonymous_per_second = 1;
            s.rate_limit.anonymous_burst = 5;
        })),
        ..Default::default()
    })
    .await;
    let batch = |n: usize| {
        let ops: Vec<Value> = (0..n)
            .map(|_| json!({ "query": "{ __typename }" }))
            .collect();
        app.client
            .post(format!("{}/graphql", app.address))
            .json(&Value::Array(ops))
            .send()
    };
    let first = batch(3).await.expect("send");
    assert_eq!(first.status(), 200);
    let second = batch(3).await.expect("send");
    assert_eq!(
        second.status(),
        429,
        "six operations within a burst of five"
    );
    assert!(second.headers().get("retry-after").is_some());
    // More than the whole burst in one batch never passes.
    tokio::time::sleep(Duration::from_millis(5_100)).await;
    let body: Value = batch(6).await.expect("send").json().await.expect("json");
    assert_eq!(error_code(&body), "RATE_LIMITED", "{body}");
}
