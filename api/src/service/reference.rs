//! Reference data from memory: the förbund directory, their members and the
//! DSO-ring change a few times a year and are read on almost every request,
//! so each process keeps them as one immutable snapshot.
//!
//! Staleness, two ways:
//! - In this server, a change to them (audited as Forbund, DsoAgreement or
//!   DsoMember) bumps the server's generation right after its commit, so
//!   the next read — including the answer of the request that wrote — loads
//!   afresh. A read never sees a snapshot older than its own request's write.
//!   The generation is the server's own, not the process's: two servers in
//!   one process (as tests run them) on two databases do not make each other
//!   reload.
//! - In other processes, the same change increments `reference_version` in
//!   its transaction, and a watcher polls that one row each second. A change
//!   counter rather than PostgreSQL's LISTEN/NOTIFY: one mechanism for both
//!   databases, one tiny statement a second, no connection held open and
//!   nothing lost while a listener reconnects.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_assignment, dso_member, forbund, forbund_member};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};

use crate::error::ApiResult;

tokio::task_local! {
    /// The reference data of the server whose request is being executed:
    /// a write committed in that request makes it stale (see `invalidate`).
    static SERVING: Arc<Reference>;
}

/// Runs one request's execution with `reference` as its server's.
pub async fn serving<F: std::future::Future>(reference: Arc<Reference>, execution: F) -> F::Output {
    SERVING.scope(reference, execution).await
}

/// The entities (as the audit log names them) whose changes are reference
/// data's.
pub fn is_reference(entity: finsam_entity::value::RecordKind) -> bool {
    use finsam_entity::value::RecordKind;
    matches!(
        entity,
        RecordKind::Forbund | RecordKind::DsoAgreement | RecordKind::DsoMember
    )
}

/// Marks the snapshot of the server whose request committed a change stale.
/// Outside a request (the command line, seeding at start) there is no
/// snapshot here to mark; other processes see the change through `bump`.
pub fn invalidate() {
    let _ = SERVING.try_with(|reference| reference.invalidate());
}

/// Counts a change for other processes, inside the changing transaction.
pub async fn bump<C: ConnectionTrait>(conn: &C) -> ApiResult<()> {
    conn.execute_unprepared("UPDATE reference_version SET value = value + 1 WHERE id = 1")
        .await?;
    Ok(())
}

async fn stored_version<C: ConnectionTrait>(conn: &C) -> ApiResult<i64> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT value FROM reference_version WHERE id = 1",
        ))
        .await?;
    Ok(row
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or(0))
}

/// The reference data at one moment.
pub struct Snapshot {
    generation: u64,
    version: i64,
    /// In slug order (the directory's order); shared, so that every page
    /// row, owner and share that names one costs a reference count, not a
    /// copy of its strings.
    pub forbund: Vec<Arc<forbund::Model>>,
    by_id: HashMap<i32, usize>,
    by_slug: HashMap<String, usize>,
    members: HashMap<i32, Vec<forbund_member::Model>>,
    pub agreements: Vec<dso_agreement::Model>,
    pub dso_members: Vec<dso_member::Model>,
    /// In (valid_from, id) order.
    pub assignments: Vec<dso_assignment::Model>,
}

impl Snapshot {
    async fn load(db: &DatabaseConnection, generation: u64) -> ApiResult<Snapshot> {
        let version = stored_version(db).await?;
        let forbund: Vec<Arc<forbund::Model>> = forbund::Entity::find()
            .order_by_asc(forbund::Column::Slug)
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        let mut members: HashMap<i32, Vec<forbund_member::Model>> = HashMap::new();
        for m in forbund_member::Entity::find()
            .order_by_asc(forbund_member::Column::Id)
            .all(db)
            .await?
        {
            members.entry(m.forbund_id).or_default().push(m);
        }
        let agreements = dso_agreement::Entity::find()
            .order_by_asc(dso_agreement::Column::StartsOn)
            .order_by_asc(dso_agreement::Column::Id)
            .all(db)
            .await?;
        let dso_members = dso_member::Entity::find()
            .order_by_asc(dso_member::Column::Id)
            .all(db)
            .await?;
        let assignments = dso_assignment::Entity::find()
            .order_by_asc(dso_assignment::Column::ValidFrom)
            .order_by_asc(dso_assignment::Column::Id)
            .all(db)
            .await?;
        Ok(Snapshot {
            generation,
            version,
            by_id: forbund.iter().enumerate().map(|(i, f)| (f.id, i)).collect(),
            by_slug: forbund
                .iter()
                .enumerate()
                .map(|(i, f)| (f.slug.clone(), i))
                .collect(),
            forbund,
            members,
            agreements,
            dso_members,
            assignments,
        })
    }

    pub fn forbund_by_id(&self, id: i32) -> Option<&Arc<forbund::Model>> {
        self.by_id.get(&id).map(|&i| &self.forbund[i])
    }

    pub fn forbund_by_slug(&self, slug: &str) -> Option<&Arc<forbund::Model>> {
        self.by_slug.get(slug).map(|&i| &self.forbund[i])
    }

    pub fn members_of(&self, forbund_id: i32) -> &[forbund_member::Model] {
        self.members.get(&forbund_id).map_or(&[], Vec::as_slice)
    }

    /// Those whose successor is `forbund_id`.
    pub fn predecessors_of(&self, forbund_id: i32) -> Vec<&Arc<forbund::Model>> {
        self.forbund
            .iter()
            .filter(|f| f.successor_id == Some(forbund_id))
            .collect()
    }

    /// The assignment active on `on` whose recipient (or provider) is
    /// `forbund_id`, in any agreement; the first by id, as the database
    /// lookups order them.
    pub fn assignment_on(
        &self,
        forbund_id: i32,
        on: NaiveDate,
        as_recipient: bool,
    ) -> Option<&dso_assignment::Model> {
        self.assignments
            .iter()
            .filter(|a| {
                let side = if as_recipient {
                    a.recipient_id
                } else {
                    a.provider_id
                };
                side == forbund_id
                    && a.valid_from <= on
                    && a.valid_to.is_none_or(|to| to >= on)
                    // Never a förbund outside its life on the day asked
                    // (the writes keep it so; the ring's `problem` says so
                    // if stored data ever does not).
                    && self.alive(a.provider_id, on)
                    && self.alive(a.recipient_id, on)
            })
            .min_by_key(|a| a.id)
    }

    /// Whether förbund `id` exists on `on`: founded, not yet dissolved.
    pub fn alive(&self, id: i32, on: NaiveDate) -> bool {
        self.forbund_by_id(id)
            .is_some_and(|f| crate::domain::forbund::alive_on(f.founded_on, f.dissolved_on, on))
    }

    pub fn agreement(&self, id: i32) -> Option<&dso_agreement::Model> {
        self.agreements.iter().find(|a| a.id == id)
    }

    /// The förbund that rows of a page refer to (owners, shares): from the
    /// snapshot, so a page does not join and decode the same dozen förbund
    /// once per row; any the snapshot does not have yet (created by another
    /// process since the watcher last looked) are read in one statement.
    pub async fn forbund_for<C: ConnectionTrait>(
        &self,
        conn: &C,
        ids: impl IntoIterator<Item = i32>,
    ) -> ApiResult<ForbundById<'_>> {
        let mut missing: Vec<i32> = ids
            .into_iter()
            .filter(|id| !self.by_id.contains_key(id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let read = if missing.is_empty() {
            HashMap::new()
        } else {
            forbund::Entity::find()
                .filter(forbund::Column::Id.is_in(missing))
                .all(conn)
                .await?
                .into_iter()
                .map(|f| (f.id, Arc::new(f)))
                .collect()
        };
        Ok(ForbundById {
            snapshot: self,
            read,
        })
    }
}

/// Förbund by id: the snapshot's, and those read because it lacked them.
pub struct ForbundById<'a> {
    snapshot: &'a Snapshot,
    read: HashMap<i32, Arc<forbund::Model>>,
}

impl ForbundById<'_> {
    pub fn get(&self, id: i32) -> Option<&Arc<forbund::Model>> {
        self.snapshot
            .forbund_by_id(id)
            .or_else(|| self.read.get(&id))
    }
}

/// A server's snapshot, loaded on first use and again when stale.
pub struct Reference {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Bumped after every committed change to the reference data through
    /// this server, and when the watcher sees another process's change.
    generation: AtomicU64,
}

impl Default for Reference {
    fn default() -> Self {
        Reference {
            current: RwLock::new(None),
            generation: AtomicU64::new(1),
        }
    }
}

impl Reference {
    /// Makes the current snapshot stale: the next read loads afresh.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Which snapshot is current: it changes with every change to the
    /// reference data (kept answers are keyed by it, `graphql::answers`).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The current snapshot, loading it through `db` when there is none or
    /// it is stale.
    pub async fn get(&self, db: &DatabaseConnection) -> ApiResult<Arc<Snapshot>> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Ok(current) = self.current.read()
            && let Some(snapshot) = current.as_ref()
            && snapshot.generation == generation
        {
            return Ok(snapshot.clone());
        }
        let snapshot = Arc::new(Snapshot::load(db, generation).await?);
        if let Ok(mut current) = self.current.write() {
            // Keep the newer of two concurrent loads.
            if current.as_ref().is_none_or(|c| c.generation <= generation) {
                *current = Some(snapshot.clone());
            }
        }
        Ok(snapshot)
    }

    /// Polls the stored version each second; another process's change
    /// makes this one's snapshot stale.
    pub fn watch(self: &Arc<Self>, db: DatabaseConnection) {
        let reference = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(1));
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let Some(reference) = reference.upgrade() else {
                    return;
                };
                let known = reference
                    .current
                    .read()
                    .ok()
                    .and_then(|c| c.as_ref().map(|s| s.version));
                let Some(known) = known else { continue };
                match stored_version(&db).await {
                    Ok(stored) if stored != known => reference.invalidate(),
                    Ok(_) => {}
                    Err(err) => {
                        tracing::debug!(error = ?err, "could not read the reference version")
                    }
                }
            }
        });
    }
}
