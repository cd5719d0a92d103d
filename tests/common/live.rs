//! Subscribers for the tests: the reference clients (`tests/live/client.cjs`
//! with npm graphql-ws or graphql-sse) started against a real server, their
//! messages read as JSON lines.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

/// How long a test waits for a message that must come: generous, as the
/// machines are shared; the latency itself is measured in `bench/`.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct LiveClient {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<Value>,
}

#[derive(Clone, Copy, Debug)]
pub enum Transport {
    Ws,
    Sse,
}

/// Where the reference clients are installed, or `None` (the test then says
/// so and passes, unless `FINSAM_REQUIRE_OIDC` is set: the same install).
pub fn tools() -> Option<std::path::PathBuf> {
    let found = super::oidc::node_modules()?;
    let installed = found.join("graphql-ws/package.json").is_file()
        && found.join("graphql-sse/package.json").is_file()
        && found.join("ws/package.json").is_file();
    if !installed {
        assert!(
            std::env::var_os("FINSAM_REQUIRE_OIDC").is_none(),
            "the test tools are installed without graphql-ws, graphql-sse and ws: run npm ci"
        );
        eprintln!("skipping: graphql-ws/graphql-sse are not installed");
        return None;
    }
    Some(found)
}

/// The reference clients against one server.
pub struct Live<'a> {
    tools: std::path::PathBuf,
    address: &'a str,
}

impl<'a> Live<'a> {
    pub fn of(tools: &std::path::Path, app: &'a super::TestApp) -> Self {
        Live {
            tools: tools.to_owned(),
            address: &app.address,
        }
    }

    /// A graphql-ws client subscribed to `query`, as `token`'s holder.
    pub fn ws(&self, query: &str, variables: Value, token: Option<&str>) -> LiveClient {
        LiveClient::start(
            &self.tools,
            self.address,
            Transport::Ws,
            query,
            variables,
            token,
        )
    }

    /// A graphql-sse client subscribed to `query`, as `token`'s holder.
    pub fn sse(&self, query: &str, variables: Value, token: Option<&str>) -> LiveClient {
        LiveClient::start(
            &self.tools,
            self.address,
            Transport::Sse,
            query,
            variables,
            token,
        )
    }
}

impl LiveClient {
    /// Subscribes with `query` and `variables`, as `token`'s holder.
    pub fn start(
        tools: &std::path::Path,
        address: &str,
        transport: Transport,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> LiveClient {
        let (url, name) = match transport {
            Transport::Ws => (
                format!("{}/graphql", address.replacen("http", "ws", 1)),
                "ws",
            ),
            Transport::Sse => (format!("{address}/graphql/stream"), "sse"),
        };
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/live/client.cjs");
        let operation = serde_json::json!({"query": query, "variables": variables}).to_string();
        let mut command = Command::new("node");
        command
            .arg(script)
            .arg(name)
            .arg(url)
            .arg(operation)
            .env("NODE_PATH", tools)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(token) = token {
            command.arg(token);
        }
        let mut child = command.spawn().expect("start node");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (send, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match serde_json::from_str(&line) {
                    Ok(value) => {
                        if send.send(value).is_err() {
                            break;
                        }
                    }
                    Err(_) => eprintln!("client: {line}"),
                }
            }
        });
        LiveClient {
            child,
            stdin,
            lines,
        }
    }

    /// Another operation on the same connection (ws), reported as `op` 1, 2, …
    pub fn also(&mut self, query: &str, variables: Value) {
        let line = serde_json::json!({"query": query, "variables": variables}).to_string();
        let stdin = self.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").expect("write to the client");
        stdin.flush().expect("flush");
    }

    /// The next message, whatever it is.
    pub async fn message(&mut self) -> Value {
        match tokio::time::timeout(PATIENCE, self.lines.recv()).await {
            Ok(Some(value)) => value,
            Ok(None) => panic!("the client ended without another message"),
            Err(_) => panic!("no message within {PATIENCE:?}"),
        }
    }

    /// The next result's `data`, skipping connection notices.
    pub async fn next_data(&mut self) -> Value {
        loop {
            let message = self.message().await;
            if message.get("connected").is_some() {
                continue;
            }
            let next = message
                .get("next")
                .unwrap_or_else(|| panic!("expected a result, got {message}"));
            assert!(next.get("errors").is_none(), "errors in {message}");
            return next["data"].clone();
        }
    }

    /// Waits until the connection is acknowledged (ws).
    pub async fn connected(&mut self) {
        let message = self.message().await;
        assert_eq!(message["connected"], true, "{message}");
    }

    /// Messages until one has `key`; returns it.
    pub async fn until(&mut self, key: &str) -> Value {
        loop {
            let message = self.message().await;
            if message.get(key).is_some() {
                return message;
            }
        }
    }
}

impl Drop for LiveClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
