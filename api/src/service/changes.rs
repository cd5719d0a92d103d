//! The changes that subscriptions deliver (DESIGN.md, "Live"): the audit
//! log is the record of every change, so its entries are the events, its ids
//! the event ids a client resumes from, and nothing about a change is kept
//! twice.
//!
//! How an entry reaches every process:
//! - PostgreSQL: the changing transaction sends its entry's id with
//!   `pg_notify` (`audit::record`); each process listens on a connection of
//!   its own and reads those entries. Ids only: what a subscriber is sent is
//!   read again under its own access (`graphql::subscription`).
//! - SQLite: a commit in this process wakes the reader (`audit::commits`),
//!   and a read four times a second finds what other processes (the
//!   command line) committed.
//!
//! One broadcast channel per server holds the last `live.queue` entries,
//! shared by every subscriber; a subscriber that falls further behind is
//! told (`Missed`) and ended, so a client that does not read never grows the
//! server's memory.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use finsam_entity::audit_log;
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::sync::broadcast;

use crate::error::ApiResult;
use crate::service::audit::{Operation, RecordKind};
use crate::service::insats::{SeenBefore, SharedReads};

/// One committed change, as the audit log holds it (the values before and
/// after stay there: a subscriber is sent what it may read now).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i32,
    pub occurred_at: DateTime<Utc>,
    pub actor_sub: String,
    /// None for an operation this version does not know (written by a newer
    /// one during a rolling restart): told as an update.
    pub operation: Option<Operation>,
    /// None for a kind of record this version does not know.
    pub entity: Option<RecordKind>,
    pub entity_id: String,
    pub forbund_id: Option<i32>,
    /// Who could see an insats before the change: all of its earlier state
    /// that is read, so an event's size is bounded by construction, and so
    /// are the queue every subscriber shares and each one's replay.
    pub before: Option<SeenBefore>,
}

impl From<audit_log::Model> for Event {
    fn from(row: audit_log::Model) -> Self {
        let entity = RecordKind::parse(&row.entity);
        let before = if entity == Some(RecordKind::Insats) {
            row.before.as_deref().and_then(SeenBefore::of)
        } else {
            None
        };
        Event {
            id: row.id,
            occurred_at: row.occurred_at,
            actor_sub: row.actor_sub,
            operation: Operation::parse(&row.operation),
            entity,
            entity_id: row.entity_id,
            forbund_id: row.forbund_id,
            before,
        }
    }
}

/// Why a subscriber cannot be given every change since the one it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// It fell more than the queue behind while connected.
    Behind,
    /// It resumes from further back than a replay is sent.
    TooFarBack,
}

/// A subscriber's view of the changes: those since the id it resumes from,
/// then each as it commits.
pub struct Subscriber {
    backlog: std::collections::VecDeque<Arc<Event>>,
    /// The ids sent in the backlog, not to be sent again as they arrive
    /// live. A set, not a highest id: on PostgreSQL a change with a lower id
    /// may commit after one with a higher (ids are taken before commit), and
    /// it must still come through.
    replayed: std::collections::HashSet<i32>,
    missed: Option<Missed>,
    receiver: broadcast::Receiver<Arc<Event>>,
}

impl Subscriber {
    /// The next change, or why some were missed (after which there are no
    /// more: the subscriber resubscribes from its last id).
    pub async fn next(&mut self) -> Option<Result<Arc<Event>, Missed>> {
        if let Some(missed) = self.missed.take() {
            return Some(Err(missed));
        }
        if let Some(event) = self.backlog.pop_front() {
            return Some(Ok(event));
        }
        loop {
            match self.receiver.recv().await {
                Ok(event) if self.replayed.remove(&event.id) => continue,
                Ok(event) => return Some(Ok(event)),
                Err(broadcast::error::RecvError::Lagged(_)) => return Some(Err(Missed::Behind)),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// The changes of one server's database.
pub struct Changes {
    sender: broadcast::Sender<Arc<Event>>,
    /// The primary, on connections of the changes' own (on PostgreSQL one
    /// of them holds the LISTEN), closed with the server.
    db: DatabaseConnection,
    /// The newest id sent.
    last: AtomicI32,
    replay: u64,
    /// Each change's insats read once for all subscribers who see alike.
    pub reads: SharedReads,
}

impl Changes {
    /// Starts from the newest entry: subscribers are sent what commits from
    /// now on (and what they resume from).
    pub async fn new(db: DatabaseConnection, queue: usize, replay: u64) -> ApiResult<Arc<Self>> {
        let last = newest(&db).await?;
        Ok(Arc::new(Changes {
            sender: broadcast::channel(queue.max(1)).0,
            db,
            last: AtomicI32::new(last),
            replay,
            reads: SharedReads::new(queue.max(1)),
        }))
    }

    /// Reads from the primary `db`, where changes commit, and follows the
    /// log in the background (`watch`).
    pub async fn start(
        db: DatabaseConnection,
        settings: &crate::config::LiveSettings,
        clock: crate::service::Clock,
    ) -> ApiResult<Arc<Self>> {
        let changes = Changes::new(db, settings.queue, settings.replay).await?;
        changes.watch();
        // A fixed day (tests) never begins another.
        if matches!(clock, crate::service::Clock::System(_)) {
            tokio::spawn(follow_days(Arc::downgrade(&changes), clock));
        }
        Ok(changes)
    }

    /// Follows the log in the background until the server (its last
    /// reference to this) is gone.
    pub fn watch(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        let db = self.db.clone();
        tokio::spawn(async move {
            if db.get_database_backend() == DatabaseBackend::Postgres {
                listen_postgres(weak, db).await;
            } else {
                follow_commits(weak).await;
            }
        });
    }

    /// A subscriber from now on, or from after the entry `since`.
    pub async fn subscribe(&self, since: Option<i32>) -> ApiResult<Subscriber> {
        // Subscribed before the backlog is read: nothing falls between.
        let receiver = self.sender.subscribe();
        let mut subscriber = Subscriber {
            backlog: Default::default(),
            replayed: Default::default(),
            missed: None,
            receiver,
        };
        if let Some(since) = since {
            let rows = audit_log::Entity::find()
                .filter(audit_log::Column::Id.gt(since))
                .order_by_asc(audit_log::Column::Id)
                .limit(self.replay + 1)
                .all(&self.db)
                .await?;
            if rows.len() as u64 > self.replay {
                // Nothing replayed: what the receiver holds is new.
                subscriber.missed = Some(Missed::TooFarBack);
            } else {
                subscriber.replayed = rows.iter().map(|r| r.id).collect();
                subscriber.backlog = rows.into_iter().map(|r| Arc::new(r.into())).collect();
            }
        }
        Ok(subscriber)
    }

    /// Tells subscribers of the agreements whose assignments begin on `day`
    /// (the server does so as each day begins).
    pub async fn announce_day(&self, day: chrono::NaiveDate) -> ApiResult<usize> {
        use finsam_entity::dso_assignment;
        let agreements: Vec<i32> = dso_assignment::Entity::find()
            .select_only()
            .column(dso_assignment::Column::AgreementId)
            .filter(dso_assignment::Column::ValidFrom.eq(day))
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        for agreement in &agreements {
            let _ = self.sender.send(Arc::new(Event {
                id: 0,
                occurred_at: Utc::now(),
                actor_sub: String::new(),
                // What takes effect on a day rather than by a write: an
                // event without an id, not in the log (it cannot be resumed
                // from, and a resuming subscriber reads the ring afresh).
                operation: Some(Operation::AssignmentTookEffect),
                entity: Some(RecordKind::DsoAssignment),
                entity_id: agreement.to_string(),
                forbund_id: None,
                before: None,
            }));
        }
        Ok(agreements.len())
    }

    /// Subscribers now (the process's gauge).
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    fn send(&self, rows: Vec<audit_log::Model>) {
        for row in rows {
            self.last.fetch_max(row.id, Ordering::Relaxed);
            // No subscriber is not an error.
            let _ = self.sender.send(Arc::new(row.into()));
        }
    }

    /// Sends what committed after the newest entry sent.
    async fn catch_up(&self) -> ApiResult<()> {
        loop {
            let rows = audit_log::Entity::find()
                .filter(audit_log::Column::Id.gt(self.last.load(Ordering::Relaxed)))
                .order_by_asc(audit_log::Column::Id)
                .limit(500)
                .all(&self.db)
                .await?;
            let full = rows.len() == 500;
            self.send(rows);
            if !full {
                return Ok(());
            }
        }
    }

    /// Sends the entries with these ids (from notifications), in id order.
    async fn send_ids(&self, ids: &[i32]) -> ApiResult<()> {
        let rows = audit_log::Entity::find()
            .filter(crate::service::one_of(
                audit_log::Column::Id,
                ids,
                self.db.get_database_backend(),
            ))
            .order_by_asc(audit_log::Column::Id)
            .all(&self.db)
            .await?;
        self.send(rows);
        Ok(())
    }
}

impl Drop for Changes {
    /// Ends the PostgreSQL listener (its pool closing is what stops it).
    /// SQLite's follower ends by itself once this is gone; an in-memory
    /// SQLite database is read through the server's own pool, not closed here.
    fn drop(&mut self) {
        if self.db.get_database_backend() == DatabaseBackend::Postgres
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let db = self.db.clone();
            runtime.spawn(async move { db.close().await });
        }
    }
}

async fn newest(db: &DatabaseConnection) -> ApiResult<i32> {
    Ok(audit_log::Entity::find()
        .select_only()
        .column_as(audit_log::Column::Id.max(), "id")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// At the start of each day (in the clock's zone, as `Clock::today`), the
/// assignments that begin. Holds nothing of the server while it waits.
async fn follow_days(weak: Weak<Changes>, clock: crate::service::Clock) {
    loop {
        let now = Utc::now();
        let next = clock.next_day_starts(now);
        let wait = (next - now).to_std().unwrap_or(Duration::from_secs(60));
        // Checked each minute too, so a stopped server's task ends.
        tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
        let Some(changes) = weak.upgrade() else {
            return;
        };
        if Utc::now() < next {
            continue;
        }
        if let Err(err) = changes.announce_day(clock.today()).await {
            tracing::warn!(error = ?err, "could not read the assignments that begin today");
        }
    }
}

/// How often SQLite's log is read for other processes' changes: one indexed
/// statement, well inside the second a change may take to arrive.
const OTHERS_EVERY: Duration = Duration::from_millis(250);

/// SQLite: woken by this process's commits, and every `OTHERS_EVERY` for
/// other processes'.
async fn follow_commits(weak: Weak<Changes>) {
    let mut commits = crate::service::audit::commits();
    loop {
        tokio::select! {
            _ = commits.changed() => {}
            _ = tokio::time::sleep(OTHERS_EVERY) => {}
        }
        let Some(changes) = weak.upgrade() else {
            return;
        };
        if let Err(err) = changes.catch_up().await {
            tracing::warn!(error = ?err, "could not read the latest changes");
        }
    }
}

/// PostgreSQL: LISTEN on a connection of its own. A notification names one
/// entry; after the connection was lost (when notifications may have been
/// missed) everything after the newest entry sent is read. Ends when the
/// server is gone (`Changes`'s drop closes the listening pool).
async fn listen_postgres(weak: Weak<Changes>, db: DatabaseConnection) {
    use sea_orm::sqlx::postgres::PgListener;
    let pool = db.get_postgres_connection_pool();
    let mut listener = loop {
        let attempt = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen(crate::service::audit::CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        match attempt.await {
            Ok(listener) => break listener,
            Err(_) if pool.is_closed() => return,
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for changes; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    loop {
        // `try_recv` gives `None` when the connection was lost (and is
        // made again); an error when the pool closed.
        let received = listener.try_recv().await;
        let Some(changes) = weak.upgrade() else {
            return;
        };
        let result = match received {
            Ok(Some(notification)) => match notification.payload().parse::<i32>() {
                Ok(id) => changes.send_ids(&[id]).await,
                Err(_) => Ok(()),
            },
            Ok(None) => {
                tracing::warn!("the change listener lost its connection; catching up");
                changes.catch_up().await
            }
            Err(_) if pool.is_closed() => return,
            Err(err) => {
                tracing::warn!(error = %err, "the change listener failed; catching up");
                tokio::time::sleep(Duration::from_millis(200)).await;
                changes.catch_up().await
            }
        };
        if let Err(err) = result {
            tracing::warn!(error = ?err, "could not read the latest changes");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i32) -> Arc<Event> {
        Arc::new(Event {
            id,
            occurred_at: Utc::now(),
            actor_sub: "x".into(),
            operation: Some(Operation::UpdateInsats),
            entity: Some(RecordKind::Insats),
            entity_id: "1".into(),
            forbund_id: None,
            before: None,
        })
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_the_queue_is_told_and_ends() {
        let (sender, receiver) = broadcast::channel(4);
        let mut subscriber = Subscriber {
            backlog: Default::default(),
            replayed: Default::default(),
            missed: None,
            receiver,
        };
        for id in 1..=10 {
            sender.send(event(id)).expect("a receiver");
        }
        assert_eq!(subscriber.next().await, Some(Err(Missed::Behind)));
        // Four are held whatever the subscriber does: the bound.
        assert_eq!(sender.len(), 4);
    }

    #[tokio::test]
    async fn a_resumed_subscriber_gets_each_change_once_whatever_order_they_commit_in() {
        let (sender, receiver) = broadcast::channel(8);
        let mut subscriber = Subscriber {
            backlog: [event(3), event(5)].into_iter().collect(),
            replayed: [3, 5].into(),
            missed: None,
            receiver,
        };
        // Live: 3 and 5 again (they committed while the backlog was read),
        // and 4, which committed after 5 though its id is lower.
        for id in [3, 5, 4, 6] {
            sender.send(event(id)).expect("a receiver");
        }
        let ids: Vec<i32> = [
            subscriber.next().await.and_then(Result::ok),
            subscriber.next().await.and_then(Result::ok),
            subscriber.next().await.and_then(Result::ok),
            subscriber.next().await.and_then(Result::ok),
        ]
        .into_iter()
        .flatten()
        .map(|e| e.id)
        .collect();
        assert_eq!(ids, vec![3, 5, 4, 6]);
    }
}
