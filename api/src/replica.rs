//! Where a request reads: the replica when it is healthy, close enough and
//! has the caller's own last write; the primary otherwise.
//!
//! - **Read your writes.** After a request that wrote, the primary's WAL
//!   insert position (past the write's commit record) is handed back to the
//!   caller as the `Finsam-Written` header and a cookie of the same name;
//!   a later request carrying it (the cookie, or the value echoed in
//!   `Finsam-Read-After`) reads from the replica only once the replica has
//!   replayed that far, else from the primary. The process also remembers it
//!   for the token's subject, for clients that keep neither. Nothing waits:
//!   the request goes to the primary at once.
//! - **Lag.** A watcher asks the primary for its position and the replica for
//!   its replay position every `replica_check_ms`. The replica's lag is how
//!   long ago the primary first reached a position the replica has still
//!   not replayed (so an idle primary is never "behind"); past
//!   `replica_max_lag_ms`, or when the replica does not answer, all reads go
//!   to the primary until it catches up. `/readyz` says which.
//! - **A replica that fails mid-request** (restarted, say): the read-only
//!   request is run again on the primary and the replica is taken out of
//!   reads until the watcher sees it answer again.
//!
//! Positions exist only on PostgreSQL. A replica that is no standby (or a
//! SQLite file) reports none: it serves reads, but a caller with a write of
//! its own reads from the primary for as long as its position is kept.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// How long a caller's own write is remembered for it.
pub const KEEP_WRITTEN: Duration = Duration::from_secs(300);

/// The header and cookie a write's position travels in.
pub const WRITTEN: &str = "finsam-written";
/// The header a client echoes the position in.
pub const READ_AFTER: &str = "finsam-read-after";

/// A PostgreSQL WAL position (`pg_lsn`, written `16/B374D848`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lsn(pub u64);

impl Lsn {
    pub fn parse(text: &str) -> Option<Lsn> {
        let (high, low) = text.trim().split_once('/')?;
        let high = u64::from_str_radix(high, 16).ok()?;
        let low = u64::from_str_radix(low, 16).ok()?;
        (high <= u64::from(u32::MAX) && low <= u64::from(u32::MAX))
            .then_some(Lsn((high << 32) | low))
    }
}

impl fmt::Display for Lsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

/// Where one request reads, and why (for logs and `/readyz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Replica,
    Primary,
}

/// What the watcher last saw of the replica.
#[derive(Debug, Clone)]
pub struct Health {
    /// Whether it takes reads now.
    pub serving: bool,
    /// Its replay position, where it has one.
    pub replayed: Option<Lsn>,
    /// How far behind the primary it is (`None` where unknown).
    pub lag: Option<Duration>,
    /// Why it does not serve, in words.
    pub reason: Option<String>,
}

thread_local! {
    /// The HTTP worker this thread is, where it is one (`enter_worker`).
    static WORKER: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Marks the current thread as HTTP worker `index`: its requests read
/// through that worker's own pools (`db::connect_worker_pools`).
pub fn enter_worker(index: usize) {
    WORKER.with(|w| w.set(Some(index)));
}

/// The pool a request on this thread uses: its worker's own, else `shared`.
fn here<'a>(
    shared: &'a DatabaseConnection,
    workers: &'a Option<Vec<DatabaseConnection>>,
) -> &'a DatabaseConnection {
    workers
        .as_ref()
        .filter(|pools| !pools.is_empty())
        .and_then(|pools| WORKER.with(|w| w.get()).map(|i| &pools[i % pools.len()]))
        .unwrap_or(shared)
}

/// One database's pools for requests: the shared one, and on PostgreSQL
/// one per HTTP worker.
pub struct Pools {
    pub shared: DatabaseConnection,
    pub workers: Option<Vec<DatabaseConnection>>,
}

impl From<DatabaseConnection> for Pools {
    fn from(shared: DatabaseConnection) -> Pools {
        Pools {
            shared,
            workers: None,
        }
    }
}

struct Replica {
    /// The watcher's and the fallback's pool.
    db: DatabaseConnection,
    workers: Option<Vec<DatabaseConnection>>,
    health: RwLock<Health>,
    /// The primary's positions as first seen, oldest first, while the
    /// replica has not replayed them.
    pending: Mutex<VecDeque<(Instant, Lsn)>>,
}

/// The read routing of one process.
pub struct Reads {
    primary: DatabaseConnection,
    primary_workers: Option<Vec<DatabaseConnection>>,
    replica: Option<Replica>,
    max_lag: Duration,
    check: Duration,
    /// The last write of each signed-in subject, for clients without the
    /// cookie or header.
    written: Mutex<lru::LruCache<String, (Lsn, Instant)>>,
}

impl Reads {
    pub fn new(
        primary: Pools,
        replica: Option<Pools>,
        max_lag: Duration,
        check: Duration,
    ) -> Reads {
        let capacity = std::num::NonZeroUsize::new(10_000).expect("non-zero");
        Reads {
            primary: primary.shared,
            primary_workers: primary.workers,
            replica: replica.map(|pools| Replica {
                db: pools.shared,
                workers: pools.workers,
                // Until the watcher has looked, the replica is trusted as
                // configured; a caller's own writes still go by position.
                health: RwLock::new(Health {
                    serving: true,
                    replayed: None,
                    lag: None,
                    reason: None,
                }),
                pending: Mutex::new(VecDeque::new()),
            }),
            max_lag,
            check,
            written: Mutex::new(lru::LruCache::new(capacity)),
        }
    }

    /// The primary, through this worker's pool when on one.
    pub fn primary(&self) -> &DatabaseConnection {
        here(&self.primary, &self.primary_workers)
    }

    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// The replica's health as last seen (`None` without a replica).
    pub fn health(&self) -> Option<Health> {
        self.replica.as_ref().map(health_of)
    }

    /// Closes every pool of both servers (the process is stopping).
    pub async fn close(&self) {
        let mut pools = vec![&self.primary];
        pools.extend(self.primary_workers.iter().flatten());
        if let Some(replica) = &self.replica {
            pools.push(&replica.db);
            pools.extend(replica.workers.iter().flatten());
        }
        for pool in pools {
            if let Err(err) = pool.close_by_ref().await {
                tracing::warn!(error = %err, "a database pool did not close cleanly");
            }
        }
    }

    /// Where a request that only reads goes, given the position of the
    /// caller's last write (from its cookie or header) and its subject.
    pub fn route(&self, after: Option<Lsn>, subject: Option<&str>) -> (Route, &DatabaseConnection) {
        let Some(replica) = &self.replica else {
            return (Route::Primary, self.primary());
        };
        let health = health_of(replica);
        if !health.serving {
            return (Route::Primary, self.primary());
        }
        let remembered = subject.and_then(|s| self.remembered(s));
        let after = after.max(remembered);
        let on_replica = here(&replica.db, &replica.workers);
        match after {
            None => (Route::Replica, on_replica),
            Some(needed) if health.replayed.is_some_and(|r| r >= needed) => {
                (Route::Replica, on_replica)
            }
            Some(_) => (Route::Primary, self.primary()),
        }
    }

    fn remembered(&self, subject: &str) -> Option<Lsn> {
        let mut written = self.written.lock().ok()?;
        match written.get(subject) {
            Some((lsn, at)) if at.elapsed() < KEEP_WRITTEN => Some(*lsn),
            Some(_) => {
                written.pop(subject);
                None
            }
            None => None,
        }
    }

    /// After a request that wrote: the primary's position, which a read
    /// must see replayed to show the write (remembered for `subject`).
    /// `None` without a replica or on SQLite, where every read is the
    /// primary's anyway.
    pub async fn written(&self, subject: Option<&str>) -> Option<Lsn> {
        self.replica.as_ref()?;
        if self.primary.get_database_backend() != DbBackend::Postgres {
            return None;
        }
        let lsn = position(self.primary(), "SELECT pg_current_wal_insert_lsn()::text")
            .await
            .ok()
            .flatten()?;
        if let (Some(subject), Ok(mut written)) = (subject, self.written.lock()) {
            written.put(subject.to_string(), (lsn, Instant::now()));
        }
        Some(lsn)
    }

    /// A read on the replica failed as unavailable: out of reads until the
    /// watcher sees it answer.
    pub fn replica_failed(&self, reason: &str) {
        if let Some(replica) = &self.replica {
            set(
                replica,
                Health {
                    serving: false,
                    replayed: None,
                    lag: None,
                    reason: Some(format!("down: {reason}")),
                },
            );
        }
    }

    /// Starts the watcher (needs the runtime); it stops with the last
    /// reference to these reads.
    pub fn watch(self: &Arc<Self>) {
        if self.replica.is_none() {
            return;
        }
        let reads = Arc::downgrade(self);
        let check = self.check;
        tokio::spawn(async move {
            loop {
                let Some(reads) = reads.upgrade() else { return };
                reads.look().await;
                drop(reads);
                tokio::time::sleep(check).await;
            }
        });
    }

    /// One look at both servers.
    async fn look(&self) {
        let Some(replica) = &self.replica else { return };
        let limit = self.check.max(Duration::from_millis(500));
        let postgres = replica.db.get_database_backend() == DbBackend::Postgres;
        let replayed = if postgres {
            tokio::time::timeout(
                limit,
                position(&replica.db, "SELECT pg_last_wal_replay_lsn()::text"),
            )
            .await
        } else {
            tokio::time::timeout(limit, async { replica.db.ping().await.map(|()| None) }).await
        };
        let replayed = match replayed {
            Ok(Ok(replayed)) => replayed,
            Ok(Err(err)) => return self.replica_failed(&err.to_string()),
            Err(_) => return self.replica_failed("did not answer in time"),
        };
        let Some(replayed) = replayed else {
            // No standby: nothing to measure; it serves plain reads.
            return set(
                replica,
                Health {
                    serving: true,
                    replayed: None,
                    lag: None,
                    reason: None,
                },
            );
        };
        let current = tokio::time::timeout(
            limit,
            position(&self.primary, "SELECT pg_current_wal_insert_lsn()::text"),
        )
        .await;
        let now = Instant::now();
        let lag = {
            let Ok(mut pending) = replica.pending.lock() else {
                return;
            };
            if let Ok(Ok(Some(current))) = current
                && pending.back().is_none_or(|(_, last)| current > *last)
            {
                pending.push_back((now, current));
            }
            lag_of(&mut pending, replayed, now)
        };
        let behind = lag > self.max_lag;
        set(
            replica,
            Health {
                serving: !behind,
                replayed: Some(replayed),
                lag: Some(lag),
                reason: behind.then(|| {
                    format!(
                        "lagging {} ms, over the bound of {} ms",
                        lag.as_millis(),
                        self.max_lag.as_millis()
                    )
                }),
            },
        );
    }
}

fn health_of(replica: &Replica) -> Health {
    match replica.health.read() {
        Ok(health) => health.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

fn set(replica: &Replica, health: Health) {
    match replica.health.write() {
        Ok(mut h) => *h = health,
        Err(poisoned) => *poisoned.into_inner() = health,
    }
}

/// Drops the positions the replica has replayed; the lag is the age of the
/// oldest one it has not.
fn lag_of(pending: &mut VecDeque<(Instant, Lsn)>, replayed: Lsn, now: Instant) -> Duration {
    while pending.front().is_some_and(|(_, lsn)| *lsn <= replayed) {
        pending.pop_front();
    }
    // Bounded: a replica that never catches up is out of reads long before.
    while pending.len() > 10_000 {
        pending.pop_back();
    }
    pending.front().map_or(Duration::ZERO, |(first, _)| {
        now.saturating_duration_since(*first)
    })
}

async fn position(db: &DatabaseConnection, sql: &str) -> Result<Option<Lsn>, sea_orm::DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?;
    Ok(row
        .and_then(|row| row.try_get_by_index::<Option<String>>(0).ok().flatten())
        .and_then(|text| Lsn::parse(&text)))
}

/// The position a request says its caller last wrote at: the
/// `Finsam-Read-After` header, else the cookie.
pub fn requested(req: &actix_web::HttpRequest) -> Option<Lsn> {
    req.headers()
        .get(READ_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(Lsn::parse)
        .or_else(|| {
            req.headers()
                .get_all(actix_web::http::header::COOKIE)
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(name, _)| *name == WRITTEN)
                .and_then(|(_, value)| Lsn::parse(value))
        })
}

/// The cookie that carries a write's position to the caller's next
/// requests (not secret: it only says how far the primary had written).
pub fn cookie(lsn: Lsn) -> String {
    format!(
        "{WRITTEN}={lsn}; Max-Age={}; Path=/; HttpOnly; SameSite=Lax",
        KEEP_WRITTEN.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn positions_read_as_postgresql_writes_them() {
        assert_eq!(Lsn::parse("0/3000060"), Some(Lsn(0x3000060)));
        assert_eq!(
            Lsn::parse("16/B374D848"),
            Some(Lsn((0x16 << 32) | 0xB374D848))
        );
        assert_eq!(Lsn(0x16_B374_D848).to_string(), "16/B374D848");
        for bad in ["", "3000060", "0/", "x/1", "1/2/3", "100000000/0"] {
            assert_eq!(Lsn::parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_position_survives_its_text(n in any::<u64>()) {
            prop_assert_eq!(Lsn::parse(&Lsn(n).to_string()), Some(Lsn(n)));
        }

        #[test]
        fn positions_order_as_their_numbers(a in any::<u64>(), b in any::<u64>()) {
            prop_assert_eq!(Lsn(a) < Lsn(b), a < b);
        }
    }

    #[test]
    fn lag_is_the_age_of_the_oldest_position_not_replayed() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let mut pending: VecDeque<_> = [(at(0), Lsn(10)), (at(100), Lsn(20)), (at(200), Lsn(30))]
            .into_iter()
            .collect();
        // Nothing replayed: as old as the first.
        assert_eq!(
            lag_of(&mut pending, Lsn(5), at(300)),
            Duration::from_millis(300)
        );
        // The first two replayed: as old as the third.
        assert_eq!(
            lag_of(&mut pending, Lsn(20), at(300)),
            Duration::from_millis(100)
        );
        assert_eq!(pending.len(), 1);
        // All replayed: no lag, however long the primary has been idle.
        assert_eq!(lag_of(&mut pending, Lsn(30), at(10_000)), Duration::ZERO);
        assert!(pending.is_empty());
    }
}
