//! Connecting to the database (SQLite embedded or PostgreSQL), its pragmas,
//! migrations, and how write transactions begin.

use std::time::Duration;

use finsam_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::config::DatabaseSettings;

/// A pooled connection idle for less than this is handed out without a
/// ping first. sqlx pings every connection it hands out by default: on
/// PostgreSQL a round trip to the server before each statement, which made
/// half of a page's round trips and of PostgreSQL's CPU. A connection that
/// broke within the window fails its statement as SERVICE_UNAVAILABLE
/// (`error::unavailable`) and is dropped from the pool.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Rows a SQLite connection may read ahead of the request that consumes
/// them: more than the largest page (100) with three relations each.
const ROW_BUFFER: usize = 1024;

/// Opens a pool. SQLite gets WAL (readers never wait for the writer), a busy
/// timeout, foreign keys on and `synchronous = NORMAL` (safe with WAL); the
/// file and its directory are created when missing.
pub async fn connect(
    settings: &DatabaseSettings,
    on_statement: Option<Box<dyn Fn() + Send + Sync>>,
) -> Result<DatabaseConnection, DbErr> {
    connect_with(settings, on_statement, false, 1).await
}

/// A pool that connects on first use: a replica that is down when the
/// process starts must not keep it from starting (the primary serves reads
/// until the replica answers).
pub async fn connect_lazy(
    settings: &DatabaseSettings,
    on_statement: Option<Box<dyn Fn() + Send + Sync>>,
) -> Result<DatabaseConnection, DbErr> {
    connect_with(settings, on_statement, true, 1).await
}

/// How a process's `max_connections` to one PostgreSQL server is shared:
/// a quarter (at least two) for writes and background work, the rest among
/// the HTTP workers' own read pools (at least two each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub shared: u32,
    pub per_worker: u32,
}

pub fn split(max_connections: u32, workers: usize) -> Split {
    let workers = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
    let shared = (max_connections / 4).max(2);
    let per_worker = (max_connections.saturating_sub(shared) / workers).max(2);
    Split { shared, per_worker }
}

/// One read pool per HTTP worker, PostgreSQL only (`None` on SQLite, whose
/// connections run on threads of their own anyway). Each pool opens its
/// connections when first asked, from the worker that asks, so their
/// sockets are registered with that worker's reactor: a pool shared by all
/// workers hands a worker connections whose readiness another thread's
/// reactor sees, a cross-thread wake-up per round trip (a page of 50 went
/// from 4.8 to 5.1 times the generated server's throughput with them).
pub async fn connect_worker_pools(
    settings: &DatabaseSettings,
    workers: usize,
    on_statement: impl Fn() -> Box<dyn Fn() + Send + Sync>,
) -> Result<Option<Vec<DatabaseConnection>>, DbErr> {
    if !is_postgres(&settings.url) {
        return Ok(None);
    }
    let mut each = settings.clone();
    each.max_connections = split(settings.max_connections, workers).per_worker;
    let mut pools = Vec::with_capacity(workers);
    for _ in 0..workers.max(1) {
        pools.push(connect_with(&each, Some(on_statement()), true, 0).await?);
    }
    Ok(Some(pools))
}

async fn connect_with(
    settings: &DatabaseSettings,
    on_statement: Option<Box<dyn Fn() + Send + Sync>>,
    lazy: bool,
    min: u32,
) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(&settings.url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(settings.max_connections)
        .min_connections(min)
        .connect_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        .sqlx_logging(false)
        .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
        .connect_lazy(lazy);
    let busy = Duration::from_millis(settings.busy_timeout_ms);
    options.map_sqlx_sqlite_opts(move |o| {
        o.create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(busy)
            // The connection's thread hands rows to the request through a
            // bounded channel; at sqlx's default of 50 a page's budgets (three
            // a row) made it stop and wait for the request to drain it, a
            // context switch per fifty rows on both sides.
            .row_buffer_size(ROW_BUFFER)
    });
    let mut db = Database::connect(options).await?;
    if let Some(callback) = on_statement {
        let log = match &settings.statement_log {
            Some(path) => Some(std::sync::Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| DbErr::Custom(format!("statement log: {e}")))?,
            )),
            None => None,
        };
        db.set_metric_callback(move |info| {
            callback();
            if let Some(log) = &log {
                log_statement(log, &info.statement.to_string());
            }
        });
    }
    Ok(db)
}

/// One statement of the log: its SQL with the values written in, as a JSON
/// string on a line of its own (a statement may hold line breaks).
fn log_statement(log: &std::sync::Mutex<std::fs::File>, sql: &str) {
    use std::io::Write;
    if let (Ok(line), Ok(mut file)) = (serde_json::to_string(sql), log.lock()) {
        let _ = writeln!(file, "{line}");
    }
}

pub(crate) fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

pub(crate) fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (path != ":memory:" && !path.is_empty()).then_some(path)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// How often a serving process checks SQLite's planner statistics.
const STATISTICS_EVERY: Duration = Duration::from_secs(60 * 60);

/// The planner's statistics, brought up to date after rows were loaded in
/// bulk (the demo, the national network, an import).
///
/// Without them SQLite takes an equality on any indexed column for a few
/// rows, and planned a member's catalogue page (public or network, their
/// own, or shared with them: an `OR`) as three index searches whose rows
/// it then sorted, most of the catalogue at the network's size, instead of
/// walking the order's index and stopping after the page (`tests/national.rs`
/// holds the plans). PostgreSQL's autovacuum analyses in time on its own;
/// after a bulk load it is asked at once, so the first requests are
/// planned on the rows they will read.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Sqlite => check_statistics(db).await,
        DbBackend::Postgres => db.execute_unprepared("ANALYZE").await.map(|_| ()),
        _ => Ok(()),
    }
}

/// SQLite: analyses the tables that have no statistics or have grown or
/// shrunk tenfold since, each within an analysis limit; a few reads when
/// none has (`PRAGMA optimize` with 0x10000, which looks at every table;
/// SQLite's documentation of the pragma). Other databases: nothing.
///
/// A connection reads the statistics when it opens: the server checks them
/// before its pool opens more than the connection that migrated
/// (`keep_statistics`), and connections open before a later analysis take
/// it up when the pool renews them (sqlx: every 30 minutes).
pub async fn check_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    db.execute_unprepared("PRAGMA optimize=0x10002")
        .await
        .map(|_| ())
}

/// A serving process keeps SQLite's statistics current: checked now, for
/// a file another process loaded, and then every hour, as SQLite's
/// documentation advises long-lived connections to. The hourly checks run
/// on `background`, a connection outside the request pool.
pub async fn keep_statistics(
    db: &DatabaseConnection,
    background: DatabaseConnection,
) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    check_statistics(db).await?;
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + STATISTICS_EVERY;
        let mut every = tokio::time::interval_at(start, STATISTICS_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(err) = check_statistics(&background).await {
                tracing::warn!(error = ?err, "could not check the planner's statistics");
            }
        }
    });
    Ok(())
}

/// The version of everything stored, read through `db` (the connection a
/// request reads through): two reads that find the same version find the
/// same data. Answers that read storage are kept under it
/// (`graphql::answers`).
///
/// - SQLite: a counter that a trigger on every table moves in each changing
///   transaction (migration `m20261206_000014_data_version`), so every
///   commit moves it, whoever makes it.
/// - PostgreSQL: the transaction snapshot, which says whose work is visible
///   (PostgreSQL's documentation of `pg_current_snapshot`); it moves with
///   every transaction that writes anywhere in the cluster: more often than
///   the data changes, never less.
pub async fn data_version(db: &DatabaseConnection) -> Result<String, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT pg_current_snapshot()::text",
        _ => "SELECT CAST(value AS TEXT) FROM data_version WHERE id = 1",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".into()))?;
    row.try_get_by_index(0)
}

/// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`, so
/// the write lock is taken up front and two writers never deadlock upgrading a
/// read lock; PostgreSQL uses its default (READ COMMITTED), where the
/// `version` check in each UPDATE decides who wins.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let mut options = TransactionOptions::default();
    if db.get_database_backend() == DbBackend::Sqlite {
        options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
    }
    db.begin_with_options(options).await
}

#[cfg(test)]
mod tests {
    use super::{Split, split, sqlite_path};

    #[test]
    fn connections_are_shared_between_writes_and_each_worker() {
        assert_eq!(
            split(16, 2),
            Split {
                shared: 4,
                per_worker: 6
            }
        );
        assert_eq!(
            split(32, 4),
            Split {
                shared: 8,
                per_worker: 6
            }
        );
        // Small pools keep two of each, so a worker's page can load its
        // relations while another request waits.
        assert_eq!(
            split(4, 2),
            Split {
                shared: 2,
                per_worker: 2
            }
        );
        assert_eq!(split(1, 0).per_worker, 2);
    }

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(
            sqlite_path("sqlite://data/finsam.db"),
            Some("data/finsam.db")
        );
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}
