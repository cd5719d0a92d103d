//! A read replica: requests that only read go there, requests that write
//! (and their answers) go to the primary. Here the "replica" is a second
//! database that does not follow the primary, so where a read went shows.

use crate::common;

use common::{Spawn, TestApp};
use finsam_api::auth::Role;
use serde_json::json;

#[tokio::test]
async fn reads_go_to_the_replica_and_writes_answer_from_the_primary() {
    let replica = TestApp::spawn().await;
    let replica_url = replica.settings.database.url.clone();
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| s.database.read_url = Some(replica_url))),
        ..Default::default()
    })
    .await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .data_as(
            Some(&editor),
            r#"mutation { createInsats(input: { forbund: "varend", name: "Bara i primären", visibility: PUBLIC }) {
                id name forbund { slug } version } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        created["createInsats"]["name"], "Bara i primären",
        "the answer reads the primary"
    );
    assert_eq!(created["createInsats"]["forbund"]["slug"], "varend");

    let search = r#"{ insatser(filter: { search: "bara i primaren" }) { totalCount } }"#;
    assert_eq!(
        app.data(search, json!({})).await["insatser"]["totalCount"],
        0,
        "a read-only request went to the replica, which has not got the row"
    );
    // The same read inside a request that writes goes to the primary.
    let batch = json!([
        { "query": r#"mutation { setKeyFigures(input: { forbund: "varend", year: 2030, participants: 1 }) { year } }"# },
        { "query": search }
    ]);
    let admin = app.token(&[Role::Admin], Some("varend"));
    let answers: serde_json::Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&admin)
        .json(&batch)
        .send()
        .await
        .expect("batch")
        .json()
        .await
        .expect("json");
    assert_eq!(answers[1]["data"]["insatser"]["totalCount"], 1, "{answers}");
    assert_eq!(
        app.get("/readyz").await.status(),
        200,
        "both databases answer"
    );
    drop(replica);
}

/// A replica that does not answer: reads go to the primary (the first one
/// tried on the replica is run again there), and the process stays ready,
/// saying where it reads.
#[tokio::test]
async fn a_replica_that_is_down_leaves_reads_to_the_primary() {
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| {
            // Nothing listens on port 1; the pool connects only when used.
            s.database.read_url = Some("postgres://postgres@127.0.0.1:1/finsam".into());
            s.database.acquire_timeout_ms = 1_000;
        })),
        ..Default::default()
    })
    .await;
    // Before the watcher has looked, the replica is tried and fails; the
    // read is answered from the primary all the same.
    let count = app.data("{ insatser { totalCount } }", json!({})).await;
    assert_eq!(count["insatser"]["totalCount"], 39, "{count}");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.headers()["finsam-reads"], "primary");
    let text = ready.text().await.expect("text");
    assert!(text.contains("replica down"), "{text}");
    let again = app.data("{ insatser { totalCount } }", json!({})).await;
    assert_eq!(again["insatser"]["totalCount"], 39);
}

/// A PostgreSQL streaming replica of the test server, when `.ci/run` has
/// started one (`FINSAM_TEST_REPLICA_URL`, the same server as
/// `FINSAM_TEST_DATABASE_URL` on another port).
fn streaming_replica() -> Option<String> {
    std::env::var("FINSAM_TEST_DATABASE_URL").ok()?;
    match std::env::var("FINSAM_TEST_REPLICA_URL") {
        Ok(replica) if !replica.is_empty() => Some(replica),
        _ => {
            assert!(
                std::env::var_os("FINSAM_REQUIRE_REPLICA").is_none(),
                "FINSAM_REQUIRE_REPLICA is set but FINSAM_TEST_REPLICA_URL is not"
            );
            eprintln!("skipping: no streaming replica (FINSAM_TEST_REPLICA_URL)");
            None
        }
    }
}

async fn on_replica(replica: &str, sql: &str) {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(replica)
        .await
        .expect("the replica");
    db.execute_unprepared(sql).await.expect(sql);
    db.close().await.ok();
}

/// A server writing to `database` and reading from `read_url`, its replica,
/// with a lag bound of `max_lag_ms`, looked at every 50 ms.
async fn on_streaming_replica(database: &str, read_url: &str, max_lag_ms: u64) -> TestApp {
    let (database, read_url) = (database.to_string(), read_url.to_string());
    TestApp::spawn_with(Spawn {
        configure: Some(Box::new(move |s| {
            s.database.url = database;
            s.database.read_url = Some(read_url);
            s.database.replica_max_lag_ms = max_lag_ms;
            s.database.replica_check_ms = 50;
        })),
        ..Default::default()
    })
    .await
}

/// Whether `/readyz` says reads go to `to` (`replica` or `primary`).
async fn reads_from(app: &TestApp, to: &str) -> bool {
    app.get("/readyz")
        .await
        .headers()
        .get("finsam-reads")
        .is_some_and(|v| v == to)
}

/// Waits until `check` holds, up to 20 s.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Read your writes through a real streaming replica whose replay is paused
/// (so nothing depends on timing), then the lag bound taking a paused
/// replica out of reads. One test: both pause the one replica.
#[tokio::test]
async fn a_writer_reads_its_own_write_while_the_replica_has_not_replayed_it() {
    let Some(replica) = streaming_replica() else {
        return;
    };
    let database = common::fresh_database_url().await;
    let name = database.rsplit('/').next().unwrap_or_default().to_string();
    let replica_base = replica.rsplit_once('/').map(|(b, _)| b).unwrap_or(&replica);
    let read_url = format!("{replica_base}/{name}");
    let app = on_streaming_replica(&database, &read_url, 60_000).await;
    // The replica has the seeded database before replay is paused (until
    // then a read there may fail: the tables are not there yet).
    until("the replica replays the seed", || async {
        reads_from(&app, "replica").await
            && app.gql("{ insatser { totalCount } }", json!({})).await["data"]["insatser"]["totalCount"]
                == 39
    })
    .await;
    on_replica(&replica, "SELECT pg_wal_replay_pause()").await;

    let editor = app.token(&[Role::Editor], Some("varend"));
    let created = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&editor)
        .json(&json!({ "query": r#"mutation { createInsats(input: { forbund: "varend", name: "Skriven under paus", visibility: PUBLIC }) { id } }"# }))
        .send()
        .await
        .expect("send");
    let written = created.headers()["finsam-written"]
        .to_str()
        .expect("a position")
        .to_string();
    let cookie = created.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.starts_with(&format!("finsam-written={written};")),
        "{cookie}"
    );
    let search = r#"{ insatser(filter: { search: "skriven under paus" }) { totalCount } }"#;
    let ask = |header: Option<(&'static str, String)>, token: Option<&str>| {
        let mut request = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": search }));
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            let body: serde_json::Value = request
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            body["data"]["insatser"]["totalCount"]
                .as_i64()
                .unwrap_or(-1)
        }
    };
    // Anyone else reads the replica, which has not replayed the write.
    assert_eq!(
        ask(None, None).await,
        0,
        "an unrelated read went to the paused replica"
    );
    // The writer, by the echoed position, by the cookie, or by its token's
    // subject, reads its own write (from the primary).
    assert_eq!(
        ask(Some(("finsam-read-after", written.clone())), None).await,
        1
    );
    assert_eq!(
        ask(Some(("cookie", format!("finsam-written={written}"))), None).await,
        1
    );
    assert_eq!(ask(None, Some(&editor)).await, 1);
    // The primary's position is past the replica's: waiting does not help
    // while replay is paused; resuming does.
    on_replica(&replica, "SELECT pg_wal_replay_resume()").await;
    until("the replica replays the write", || async {
        ask(None, None).await == 1
    })
    .await;
    assert_eq!(
        ask(Some(("finsam-read-after", written.clone())), None).await,
        1,
        "with the write replayed, the writer reads the replica too"
    );
    drop(app);

    // A tight lag bound: paused replay and a write make the replica too far
    // behind; reads go to the primary and /readyz says so.
    let app = on_streaming_replica(&database, &read_url, 300).await;
    until("the replica serves", || async {
        reads_from(&app, "replica").await
    })
    .await;
    on_replica(&replica, "SELECT pg_wal_replay_pause()").await;
    let admin = app.token(&[Role::Admin], Some("varend"));
    app.data_as(
        Some(&admin),
        r#"mutation { createInsats(input: { forbund: "varend", name: "Medan repliken släpar", visibility: PUBLIC }) { id } }"#,
        json!({}),
    )
    .await;
    until("the lagging replica is taken out of reads", || async {
        reads_from(&app, "primary").await
    })
    .await;
    let text = app.get("/readyz").await.text().await.expect("text");
    assert!(text.contains("lagging"), "{text}");
    let anyone = app
        .data(
            r#"{ insatser(filter: { search: "medan repliken slapar" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(anyone["insatser"]["totalCount"], 1, "read from the primary");
    on_replica(&replica, "SELECT pg_wal_replay_resume()").await;
    until("the replica comes back into reads", || async {
        reads_from(&app, "replica").await
    })
    .await;
}
