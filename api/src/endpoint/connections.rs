//! The open subscription connections of the process (WebSocket and SSE):
//! how many in all and per client, within `[live]`'s limits, and the signal
//! that ends them when the process stops. It knows nothing of the server's
//! state, which holds it (`state::AppState::live`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::error::ApiError;
use crate::rate_limit::ClientKey;

/// The open subscription connections of the process, and the signal that
/// ends them when it stops.
pub struct Connections {
    open: AtomicUsize,
    per_client: Mutex<HashMap<ClientKey, usize>>,
    stopping: watch::Sender<bool>,
    /// `finsam_live_connections`.
    gauge: prometheus::IntGauge,
}

/// One open connection, counted until dropped.
pub struct Admitted {
    connections: Arc<Connections>,
    client: ClientKey,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.connections.open.fetch_sub(1, Ordering::Relaxed);
        self.connections.gauge.dec();
        let mut per_client = self
            .connections
            .per_client
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = per_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                per_client.remove(&self.client);
            }
        }
    }
}

impl Connections {
    pub fn new(gauge: prometheus::IntGauge) -> Self {
        Connections {
            open: AtomicUsize::new(0),
            per_client: Mutex::new(HashMap::new()),
            stopping: watch::channel(false).0,
            gauge,
        }
    }

    /// Admits one more connection of `client`, within the limits.
    pub fn admit(
        self: &Arc<Self>,
        client: ClientKey,
        settings: &crate::config::LiveSettings,
    ) -> Result<Admitted, ApiError> {
        let too_many = || ApiError::RateLimited {
            retry_after_secs: 5,
        };
        let mut per_client = self.per_client.lock().unwrap_or_else(|e| e.into_inner());
        if self.open.load(Ordering::Relaxed) >= settings.max_connections {
            return Err(ApiError::ServiceUnavailable);
        }
        let allowed = match client {
            ClientKey::Subject(_) => settings.max_connections_per_client,
            ClientKey::Address(_) => settings.max_connections_per_address,
        };
        let count = per_client.entry(client.clone()).or_insert(0);
        if *count >= allowed {
            return Err(too_many());
        }
        *count += 1;
        self.open.fetch_add(1, Ordering::Relaxed);
        self.gauge.inc();
        Ok(Admitted {
            connections: self.clone(),
            client,
        })
    }

    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Ends every subscription (the process is stopping).
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Becomes true when the process stops.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }
}

/// Resolves when `stopping` says so.
pub async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
