//! DataLoaders: every relation is fetched in one statement per kind per
//! request, however many parents a page holds (DESIGN.md, "API
//! conventions"). Loaders live per request, so nothing cached outlives it.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use finsam_entity::{
    decision, dso_agreement, forbund, forbund_allocation, forbund_member, insats_budget,
    insats_extension, insats_goal, insats_outcome, insats_share, key_figure, meeting,
};
use sea_orm::Condition;
use sea_orm::{
    DatabaseConnection, EntityTrait, PartialModelTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::service::insats::{BudgetLine, GoalLine};

mod finance;
mod first_pages;
pub use finance::{FinanceReports, FinanceYears, ForbundOf};
pub use first_pages::{FirstPages, ForbundCounts, PageKey, PageSpec};

/// How a loader reads a model's key columns.
pub trait Keyed: EntityTrait {
    fn id_column() -> Self::Column;
    fn id(model: &Self::Model) -> i32;
}

macro_rules! keyed {
    ($($module:ident),* $(,)?) => {$(
        impl Keyed for $module::Entity {
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
            fn id(model: &Self::Model) -> i32 {
                model.id
            }
        }
    )*};
}
keyed!(forbund, forbund_member, dso_agreement, meeting);

/// Rows by primary key.
pub struct ById<E> {
    db: DatabaseConnection,
    _entity: PhantomData<E>,
}

impl<E> ById<E> {
    fn new(db: &DatabaseConnection) -> Self {
        ById {
            db: db.clone(),
            _entity: PhantomData,
        }
    }
}

/// Rows grouped by a foreign-key column, in the loader's order. Every key
/// gets an answer (an empty list when it has no rows), so the request's cache
/// remembers "none" too.
///
/// `M` is what is read of each row: the whole model, or a partial model of
/// the columns the API shows (`service::insats::BudgetLine`), which spares
/// copying and decoding the bookkeeping columns of every row.
pub struct GroupBy<E: EntityTrait, M = <E as EntityTrait>::Model> {
    db: DatabaseConnection,
    column: E::Column,
    key: fn(&M) -> Option<i32>,
    order: E::Column,
}

fn group_by<E: EntityTrait, M>(
    db: &DatabaseConnection,
    column: E::Column,
    key: fn(&M) -> Option<i32>,
    order: E::Column,
) -> GroupBy<E, M> {
    GroupBy {
        db: db.clone(),
        column,
        key,
        order,
    }
}

fn db_error(err: sea_orm::DbErr) -> async_graphql::Error {
    crate::error::database(err)
}

impl<E, M> Loader<i32> for GroupBy<E, M>
where
    E: EntityTrait + Send + Sync,
    E::Column: Send + Sync,
    M: PartialModelTrait + Send + Sync + Clone + 'static,
{
    type Value = Vec<M>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(crate::service::one_of(
                self.column,
                keys,
                self.db.get_database_backend(),
            ))
            .order_by_asc(self.order)
            .into_partial_model::<M>()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut out: HashMap<i32, Vec<M>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(key) = (self.key)(&row) {
                out.entry(key).or_default().push(row);
            }
        }
        Ok(out)
    }
}

impl<E> Loader<i32> for ById<E>
where
    E: Keyed + Send + Sync,
    E::Model: Send + Sync + Clone,
{
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(crate::service::one_of(
                E::id_column(),
                keys,
                self.db.get_database_backend(),
            ))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(|r| (E::id(&r), r)).collect())
    }
}

/// Insatser by id or by the insats they were carried over from, limited in
/// SQL to those the caller may see (so a hidden one is simply absent).
pub struct VisibleInsats {
    db: DatabaseConnection,
    visible: Condition,
    by_carried_over_from: bool,
}

impl Loader<i32> for VisibleInsats {
    type Value = Vec<crate::service::insats::InsatsRow>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = crate::service::insats::visible_by(
            &self.db,
            self.visible.clone(),
            self.by_carried_over_from,
            keys,
        )
        .await
        .map_err(|e| e.extend())?;
        let mut out: HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            let key = if self.by_carried_over_from {
                row.0.carried_over_from_id
            } else {
                Some(row.0.id)
            };
            if let Some(key) = key {
                out.entry(key).or_default().push(row);
            }
        }
        Ok(out)
    }
}

/// The ids of the förbund an insats is shared with, in one statement; the
/// förbund themselves come from the reference snapshot.
pub struct SharedWith {
    db: DatabaseConnection,
}

impl Loader<i32> for SharedWith {
    type Value = Vec<i32>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        // The two ids only: a share's own id and timestamp are nobody's.
        let rows: Vec<(i32, i32)> = insats_share::Entity::find()
            .select_only()
            .columns([
                insats_share::Column::InsatsId,
                insats_share::Column::ForbundId,
            ])
            .filter(crate::service::one_of(
                insats_share::Column::InsatsId,
                keys,
                self.db.get_database_backend(),
            ))
            .order_by_asc(insats_share::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut out: HashMap<i32, Vec<i32>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (insats, forbund) in rows {
            out.entry(insats).or_default().push(forbund);
        }
        Ok(out)
    }
}

/// The loaders of one request.
pub struct Loaders {
    pub first_pages: DataLoader<FirstPages, HashMapCache>,
    pub forbund_counts: DataLoader<ForbundCounts, HashMapCache>,
    pub insats: DataLoader<VisibleInsats, HashMapCache>,
    pub carried_over_to: DataLoader<VisibleInsats, HashMapCache>,
    pub budgets: DataLoader<GroupBy<insats_budget::Entity, BudgetLine>, HashMapCache>,
    pub goals: DataLoader<GroupBy<insats_goal::Entity, GoalLine>, HashMapCache>,
    pub outcomes: DataLoader<GroupBy<insats_outcome::Entity>, HashMapCache>,
    pub extensions: DataLoader<GroupBy<insats_extension::Entity>, HashMapCache>,
    pub shared_with: DataLoader<SharedWith, HashMapCache>,
    pub decisions_by_insats: DataLoader<GroupBy<decision::Entity>, HashMapCache>,
    pub decisions_by_meeting: DataLoader<GroupBy<decision::Entity>, HashMapCache>,
    pub meeting: DataLoader<ById<meeting::Entity>, HashMapCache>,
    pub key_figures: DataLoader<GroupBy<key_figure::Entity>, HashMapCache>,
    pub allocations: DataLoader<GroupBy<forbund_allocation::Entity>, HashMapCache>,
    pub finances: DataLoader<FinanceYears, HashMapCache>,
    pub finance_reports: DataLoader<FinanceReports, HashMapCache>,
}

/// A per-request loader that remembers what it loaded, so a row asked for
/// twice in one request (a förbund by several fields) is read once.
fn loader<T: Loader<i32>>(inner: T) -> DataLoader<T, HashMapCache> {
    DataLoader::with_cache(inner, tokio::spawn, HashMapCache::default())
}

/// A request's loaders, made the first time a resolver needs one: a request
/// that reads no relation (`{ __typename }`, a lookup answered from the
/// reference snapshot) pays nothing for the twenty loaders it does not use.
pub struct LazyLoaders {
    db: DatabaseConnection,
    principal: crate::auth::Principal,
    made: std::sync::Mutex<Option<std::sync::Arc<Loaders>>>,
}

impl LazyLoaders {
    pub fn new(db: DatabaseConnection, principal: crate::auth::Principal) -> Self {
        LazyLoaders {
            db,
            principal,
            made: std::sync::Mutex::new(None),
        }
    }

    pub fn get(&self) -> std::sync::Arc<Loaders> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        made.get_or_insert_with(|| std::sync::Arc::new(Loaders::new(&self.db, &self.principal)))
            .clone()
    }

    /// Whether a resolver has used them: they may hold what it read.
    pub fn made(&self) -> bool {
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Forgets what was loaded: a subscription's next event is read afresh
    /// (`graphql::subscription`), as a new request would read it.
    pub fn renew(&self) {
        *self.made.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl Loaders {
    /// The loaders for one caller: what it may see decides what loads.
    pub fn new(db: &DatabaseConnection, principal: &crate::auth::Principal) -> Self {
        let visible = crate::service::insats::visible(principal);
        let first_pages = || FirstPages::new(db, principal);
        Loaders {
            // One statement unions a page per förbund; SQLite allows 500
            // members in a compound select.
            first_pages: DataLoader::with_cache(
                first_pages(),
                tokio::spawn,
                HashMapCache::default(),
            )
            .max_batch_size(400),
            forbund_counts: DataLoader::with_cache(
                ForbundCounts(first_pages()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            insats: loader(VisibleInsats {
                db: db.clone(),
                visible: visible.clone(),
                by_carried_over_from: false,
            }),
            carried_over_to: loader(VisibleInsats {
                db: db.clone(),
                visible,
                by_carried_over_from: true,
            }),
            budgets: loader(group_by::<insats_budget::Entity, _>(
                db,
                insats_budget::Column::InsatsId,
                |b| Some(b.insats_id),
                insats_budget::Column::Year,
            )),
            goals: loader(group_by::<insats_goal::Entity, _>(
                db,
                insats_goal::Column::InsatsId,
                |g| Some(g.insats_id),
                insats_goal::Column::Id,
            )),
            outcomes: loader(group_by::<insats_outcome::Entity, _>(
                db,
                insats_outcome::Column::InsatsId,
                |o| Some(o.insats_id),
                insats_outcome::Column::Id,
            )),
            extensions: loader(group_by::<insats_extension::Entity, _>(
                db,
                insats_extension::Column::InsatsId,
                |e| Some(e.insats_id),
                insats_extension::Column::NewEndsOn,
            )),
            shared_with: loader(SharedWith { db: db.clone() }),
            decisions_by_insats: loader(group_by::<decision::Entity, _>(
                db,
                decision::Column::InsatsId,
                |d| d.insats_id,
                decision::Column::Id,
            )),
            decisions_by_meeting: loader(group_by::<decision::Entity, _>(
                db,
                decision::Column::MeetingId,
                |d| Some(d.meeting_id),
                decision::Column::Id,
            )),
            meeting: loader(ById::new(db)),
            allocations: loader(group_by::<forbund_allocation::Entity, _>(
                db,
                forbund_allocation::Column::ForbundId,
                |a| Some(a.forbund_id),
                forbund_allocation::Column::Year,
            )),
            key_figures: loader(group_by::<key_figure::Entity, _>(
                db,
                key_figure::Column::ForbundId,
                |k| Some(k.forbund_id),
                key_figure::Column::Year,
            )),
            finances: DataLoader::with_cache(
                FinanceYears(ForbundOf::new(db, principal)),
                tokio::spawn,
                HashMapCache::default(),
            ),
            finance_reports: DataLoader::with_cache(
                FinanceReports(ForbundOf::new(db, principal)),
                tokio::spawn,
                HashMapCache::default(),
            ),
        }
    }
}
