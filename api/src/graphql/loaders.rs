//! DataLoaders: every relation is fetched in one statement per kind per
//! request, however many parents a page holds (DESIGN.md, "API
//! conventions"). Loaders live per request, so nothing cached outlives it.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use chrono::NaiveDate;
use finsam_entity::{
    decision, dso_agreement, dso_assignment, dso_member, forbund, forbund_allocation,
    forbund_member, insats_budget, insats_extension, insats_goal, insats_outcome, insats_share,
    key_figure, meeting,
};
use sea_orm::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::ApiError;

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
pub struct GroupBy<E: EntityTrait> {
    db: DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> Option<i32>,
    order: E::Column,
}

fn db_error(err: sea_orm::DbErr) -> async_graphql::Error {
    ApiError::Database(err).extend()
}

impl<E> Loader<i32> for GroupBy<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: Send + Sync + Clone,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(self.column.is_in(keys.iter().copied()))
            .order_by_asc(self.order)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut out: HashMap<i32, Vec<E::Model>> = keys.iter().map(|k| (*k, Vec::new())).collect();
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
            .filter(E::id_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(|r| (E::id(&r), r)).collect())
    }
}

/// The DSO assignment active on a day, per förbund: as recipient (its DSO)
/// or as provider (whom its DSO serves). One statement per distinct day.
pub struct DsoOnDay {
    db: DatabaseConnection,
    by_provider: bool,
}

impl Loader<(i32, NaiveDate)> for DsoOnDay {
    type Value = dso_assignment::Model;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i32, NaiveDate)],
    ) -> Result<HashMap<(i32, NaiveDate), Self::Value>, Self::Error> {
        let mut days: HashMap<NaiveDate, Vec<i32>> = HashMap::new();
        for (id, day) in keys {
            days.entry(*day).or_default().push(*id);
        }
        let mut out = HashMap::new();
        for (day, ids) in days {
            let rows = crate::service::dso::active_for_many(&self.db, self.by_provider, &ids, day)
                .await
                .map_err(|e| e.extend())?;
            for row in rows {
                let key = if self.by_provider {
                    row.provider_id
                } else {
                    row.recipient_id
                };
                out.entry((key, day)).or_insert(row);
            }
        }
        Ok(out)
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

/// The förbund an insats is shared with, joined in one statement.
pub struct SharedWith {
    db: DatabaseConnection,
}

impl Loader<i32> for SharedWith {
    type Value = Vec<forbund::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = insats_share::Entity::find()
            .filter(insats_share::Column::InsatsId.is_in(keys.iter().copied()))
            .find_also_related(forbund::Entity)
            .order_by_asc(insats_share::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut out: HashMap<i32, Vec<forbund::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (share, f) in rows {
            if let Some(f) = f {
                out.entry(share.insats_id).or_default().push(f);
            }
        }
        Ok(out)
    }
}

/// The loaders of one request.
pub struct Loaders {
    pub forbund: DataLoader<ById<forbund::Entity>, HashMapCache>,
    pub dso_agreement: DataLoader<ById<dso_agreement::Entity>, HashMapCache>,
    pub dso_members: DataLoader<GroupBy<dso_member::Entity>, HashMapCache>,
    pub dso_of: DataLoader<DsoOnDay, HashMapCache>,
    pub dso_serves: DataLoader<DsoOnDay, HashMapCache>,
    pub members_by_forbund: DataLoader<GroupBy<forbund_member::Entity>, HashMapCache>,
    pub predecessors: DataLoader<GroupBy<forbund::Entity>, HashMapCache>,
    pub insats: DataLoader<VisibleInsats, HashMapCache>,
    pub carried_over_to: DataLoader<VisibleInsats, HashMapCache>,
    pub budgets: DataLoader<GroupBy<insats_budget::Entity>, HashMapCache>,
    pub goals: DataLoader<GroupBy<insats_goal::Entity>, HashMapCache>,
    pub outcomes: DataLoader<GroupBy<insats_outcome::Entity>, HashMapCache>,
    pub extensions: DataLoader<GroupBy<insats_extension::Entity>, HashMapCache>,
    pub shared_with: DataLoader<SharedWith, HashMapCache>,
    pub decisions_by_insats: DataLoader<GroupBy<decision::Entity>, HashMapCache>,
    pub decisions_by_meeting: DataLoader<GroupBy<decision::Entity>, HashMapCache>,
    pub meeting: DataLoader<ById<meeting::Entity>, HashMapCache>,
    pub key_figures: DataLoader<GroupBy<key_figure::Entity>, HashMapCache>,
    pub allocations: DataLoader<GroupBy<forbund_allocation::Entity>, HashMapCache>,
}

/// A per-request loader that remembers what it loaded, so a row asked for
/// twice in one request (a förbund by several fields) is read once.
fn loader<T: Loader<i32>>(inner: T) -> DataLoader<T, HashMapCache> {
    DataLoader::with_cache(inner, tokio::spawn, HashMapCache::default())
}

impl Loaders {
    /// The loaders for one caller: what it may see decides what loads.
    pub fn new(db: &DatabaseConnection, principal: &crate::auth::Principal) -> Self {
        let visible = crate::service::insats::visible(principal);
        Loaders {
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
            budgets: loader(GroupBy::<insats_budget::Entity> {
                db: db.clone(),
                column: insats_budget::Column::InsatsId,
                key: |b| Some(b.insats_id),
                order: insats_budget::Column::Year,
            }),
            goals: loader(GroupBy::<insats_goal::Entity> {
                db: db.clone(),
                column: insats_goal::Column::InsatsId,
                key: |g| Some(g.insats_id),
                order: insats_goal::Column::Id,
            }),
            outcomes: loader(GroupBy::<insats_outcome::Entity> {
                db: db.clone(),
                column: insats_outcome::Column::InsatsId,
                key: |o| Some(o.insats_id),
                order: insats_outcome::Column::Id,
            }),
            extensions: loader(GroupBy::<insats_extension::Entity> {
                db: db.clone(),
                column: insats_extension::Column::InsatsId,
                key: |e| Some(e.insats_id),
                order: insats_extension::Column::NewEndsOn,
            }),
            shared_with: loader(SharedWith { db: db.clone() }),
            decisions_by_insats: loader(GroupBy::<decision::Entity> {
                db: db.clone(),
                column: decision::Column::InsatsId,
                key: |d| d.insats_id,
                order: decision::Column::Id,
            }),
            decisions_by_meeting: loader(GroupBy::<decision::Entity> {
                db: db.clone(),
                column: decision::Column::MeetingId,
                key: |d| Some(d.meeting_id),
                order: decision::Column::Id,
            }),
            meeting: loader(ById::new(db)),
            allocations: loader(GroupBy::<forbund_allocation::Entity> {
                db: db.clone(),
                column: forbund_allocation::Column::ForbundId,
                key: |a| Some(a.forbund_id),
                order: forbund_allocation::Column::Year,
            }),
            key_figures: loader(GroupBy::<key_figure::Entity> {
                db: db.clone(),
                column: key_figure::Column::ForbundId,
                key: |k| Some(k.forbund_id),
                order: key_figure::Column::Year,
            }),
            forbund: loader(ById::new(db)),
            dso_agreement: loader(ById::new(db)),
            dso_members: loader(GroupBy::<dso_member::Entity> {
                db: db.clone(),
                column: dso_member::Column::AgreementId,
                key: |m| Some(m.agreement_id),
                order: dso_member::Column::Id,
            }),
            dso_of: DataLoader::with_cache(
                DsoOnDay {
                    db: db.clone(),
                    by_provider: false,
                },
                tokio::spawn,
                HashMapCache::default(),
            ),
            dso_serves: DataLoader::with_cache(
                DsoOnDay {
                    db: db.clone(),
                    by_provider: true,
                },
                tokio::spawn,
                HashMapCache::default(),
            ),
            members_by_forbund: loader(GroupBy::<forbund_member::Entity> {
                db: db.clone(),
                column: forbund_member::Column::ForbundId,
                key: |m| Some(m.forbund_id),
                order: forbund_member::Column::Id,
            }),
            predecessors: loader(GroupBy::<forbund::Entity> {
                db: db.clone(),
                column: forbund::Column::SuccessorId,
                key: |f| f.successor_id,
                order: forbund::Column::Slug,
            }),
        }
    }
}
