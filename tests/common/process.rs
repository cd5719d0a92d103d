//! Another server process: the real binary on a test app's database, as a
//! second instance behind a load balancer would run.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::TestApp;

pub struct OtherProcess {
    child: Child,
    pub address: String,
}

impl OtherProcess {
    pub fn start(app: &TestApp) -> OtherProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_finsam"))
            .arg("serve")
            .env("FINSAM__DATABASE__URL", &app.settings.database.url)
            .env("FINSAM__SERVER__PORT", port.to_string())
            .env("FINSAM__DATABASE__SEED_ON_EMPTY", "false")
            .env("FINSAM__DATABASE__MAX_CONNECTIONS", "4")
            .env("FINSAM__RATE_LIMIT__ENABLED", "false")
            .env("FINSAM__METRICS__LISTEN", "")
            .env("FINSAM__LOG__FILTER", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the second server");
        OtherProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Waits until it answers `/readyz`.
    pub async fn wait_ready(&self, client: &reqwest::Client) {
        let started = Instant::now();
        while client
            .get(format!("{}/readyz", self.address))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the second server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl OtherProcess {
    /// Asks it to stop, as an orchestrator does (SIGTERM).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

impl Drop for OtherProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
