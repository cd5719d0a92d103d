//! Writing the audit log (DESIGN.md, "Audit log"): who changed what, before
//! and after, inside the transaction of the change so neither exists without
//! the other. Reading it is `audit_log`'s.

use std::sync::LazyLock;

use finsam_entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseBackend, Set, Statement};
use serde::Serialize;
use tokio::sync::watch;

use crate::auth::Caller;
use crate::error::ApiResult;
pub use finsam_entity::value::{Operation, RecordKind};

/// One change to record.
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub operation: Operation,
    pub entity: RecordKind,
    pub entity_id: String,
    /// The förbund whose log the entry belongs to.
    pub forbund_id: Option<i32>,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

impl<'a, A: Serialize> Change<'a, (), A> {
    /// A row that did not exist before.
    pub fn created(
        operation: Operation,
        entity: RecordKind,
        entity_id: impl ToString,
        forbund_id: Option<i32>,
        after: &'a A,
    ) -> Self {
        Change::upserted(operation, entity, entity_id, forbund_id, None, after)
    }
}

impl<'a, B: Serialize, A: Serialize> Change<'a, B, A> {
    /// A row as it was and as it is.
    pub fn updated(
        operation: Operation,
        entity: RecordKind,
        entity_id: impl ToString,
        forbund_id: Option<i32>,
        before: &'a B,
        after: &'a A,
    ) -> Self {
        Change::upserted(
            operation,
            entity,
            entity_id,
            forbund_id,
            Some(before),
            after,
        )
    }
}

impl<'a, B: Serialize, A: Serialize> Change<'a, B, A> {
    /// A row written whether or not it existed: `before` is what was there.
    pub fn upserted(
        operation: Operation,
        entity: RecordKind,
        entity_id: impl ToString,
        forbund_id: Option<i32>,
        before: Option<&'a B>,
        after: &'a A,
    ) -> Self {
        Change {
            operation,
            entity,
            entity_id: entity_id.to_string(),
            forbund_id,
            before,
            after: Some(after),
        }
    }
}

/// The PostgreSQL channel that carries the id of each entry, delivered to
/// every listening process when its transaction commits (`live`).
pub const CHANNEL: &str = "finsam_changes";

/// Audited commits in this process, counted: what the live changes wait for
/// on SQLite, where there is no NOTIFY (`live`). One counter for the
/// process, not per database: a server woken by another's commit finds
/// nothing new in its own log and waits again.
static COMMITS: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// Wakes when an audited change commits in this process.
pub fn commits() -> watch::Receiver<u64> {
    COMMITS.subscribe()
}

/// Commits a transaction that recorded changes, and says so.
pub async fn committed(txn: sea_orm::DatabaseTransaction) -> ApiResult<()> {
    txn.commit().await?;
    COMMITS.send_modify(|n| *n = n.wrapping_add(1));
    Ok(())
}

/// Records `change` in the transaction of the change and commits both.
pub async fn commit<B: Serialize, A: Serialize>(
    txn: sea_orm::DatabaseTransaction,
    caller: &Caller,
    change: Change<'_, B, A>,
) -> ApiResult<()> {
    let reference = super::reference::is_reference(change.entity);
    record(&txn, caller, change).await?;
    committed(txn).await?;
    if reference {
        super::reference::invalidate();
    }
    Ok(())
}

/// The advisory lock under which audit ids are taken ("LOG" in ASCII).
const COMMIT_ORDER_LOCK: i64 = 0x4c_4f_47;

pub async fn record<C, B, A>(conn: &C, caller: &Caller, change: Change<'_, B, A>) -> ApiResult<()>
where
    C: ConnectionTrait,
    B: Serialize,
    A: Serialize,
{
    // On PostgreSQL an entry's id is taken when it is inserted, not when its
    // transaction commits: two writers could commit out of id order, and a
    // subscriber resuming after the higher id would never be sent the lower.
    // So the id is taken under a transaction-scoped lock, held until commit:
    // ids are handed out in the order their transactions commit. (SQLite's
    // writers are one at a time from BEGIN IMMEDIATE to commit already.)
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({COMMIT_ORDER_LOCK})"),
        ))
        .await?;
    }
    if super::reference::is_reference(change.entity) {
        super::reference::bump(conn).await?;
    }
    let before = change
        .before
        .map(serde_json::to_string)
        .transpose()
        .map_err(anyhow::Error::from)?;
    let after = change
        .after
        .map(serde_json::to_string)
        .transpose()
        .map_err(anyhow::Error::from)?;
    let entry = audit_log::ActiveModel {
        occurred_at: Set(super::now()),
        actor_sub: Set(caller
            .principal
            .sub
            .clone()
            .unwrap_or_else(|| "anonymous".into())),
        actor_roles: Set(caller.principal.roles_claim()),
        actor_forbund: Set(caller.principal.forbund.clone()),
        forbund_id: Set(change.forbund_id),
        operation: Set(change.operation.to_string()),
        entity: Set(change.entity.to_string()),
        entity_id: Set(change.entity_id),
        before: Set(before),
        after: Set(after),
        request_id: Set(caller.request_id.clone()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    // Ids only: each listening process reads what it delivers under its
    // subscribers' access (`live`). Sent when the transaction commits,
    // never for one rolled back.
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), entry.id.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}
