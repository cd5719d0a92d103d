//! A rolling restart loses nothing: on SIGTERM the real binary answers
//! `/readyz` with 503 at once, so a load balancer takes it out, and keeps
//! serving requests (asking clients to reconnect elsewhere) for
//! `server.lame_duck_ms`; only then does it stop accepting, and it exits
//! cleanly once the requests in flight are done.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test]
async fn sigterm_makes_a_lame_duck_that_serves_until_it_stops() {
    let dir = std::env::temp_dir().join(format!("finsam-lame-duck-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_finsam"))
        .arg("serve")
        .env(
            "FINSAM__DATABASE__URL",
            format!("sqlite://{}/lame.db", dir.display()),
        )
        .env("FINSAM__SERVER__PORT", port.to_string())
        .env("FINSAM__SERVER__LAME_DUCK_MS", "1500")
        .env("FINSAM__METRICS__LISTEN", "")
        .env("FINSAM__RATE_LIMIT__ENABLED", "false")
        .env("FINSAM__LOG__FILTER", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ask = || async {
        client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": r#"{ forbund(slug: "varend") { slug } }"# }))
            .send()
            .await
    };
    let before = ask().await.expect("served");
    assert!(
        before
            .headers()
            .get("connection")
            .is_none_or(|c| c != "close")
    );

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(term.success());
    let asked_to_stop = Instant::now();

    // At once: not ready, but every request still served.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ready = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz answers");
    assert_eq!(ready.status(), 503, "a stopping process is not ready");
    let mut served = 0;
    while asked_to_stop.elapsed() < Duration::from_millis(1_200) {
        let answer = ask().await.expect("still served during the lame-duck time");
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer.headers()["connection"],
            "close",
            "clients reconnect elsewhere"
        );
        let body: Value = answer.json().await.expect("json");
        assert_eq!(body["data"]["forbund"]["slug"], "varend");
        served += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served > 5, "{served}");

    // Then it stops accepting, and exits cleanly.
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    assert!(
        asked_to_stop.elapsed() >= Duration::from_millis(1_500),
        "it served for the whole lame-duck time"
    );
    assert!(ask().await.is_err(), "no longer accepting");
    let _ = std::fs::remove_dir_all(&dir);
}
