//! DataLoaders: every relation is fetched in one statement per kind per
//! request, however many parents a page holds (DESIGN.md, "API
//! conventions"). Loaders live per request, so nothing cached outlives it.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_assignment, forbund, forbund_member};
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
keyed!(forbund, forbund_member, dso_agreement);

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

/// Rows grouped by a foreign-key column, in the loader's order.
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
        let mut out: HashMap<i32, Vec<E::Model>> = HashMap::new();
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

/// The loaders of one request.
pub struct Loaders {
    pub forbund: DataLoader<ById<forbund::Entity>>,
    pub dso_agreement: DataLoader<ById<dso_agreement::Entity>>,
    pub dso_of: DataLoader<DsoOnDay>,
    pub dso_serves: DataLoader<DsoOnDay>,
    pub members_by_forbund: DataLoader<GroupBy<forbund_member::Entity>>,
    pub predecessors: DataLoader<GroupBy<forbund::Entity>>,
}

fn loader<T: Loader<i32>>(inner: T) -> DataLoader<T> {
    DataLoader::new(inner, tokio::spawn)
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Loaders {
            forbund: loader(ById::new(db)),
            dso_agreement: loader(ById::new(db)),
            dso_of: DataLoader::new(
                DsoOnDay {
                    db: db.clone(),
                    by_provider: false,
                },
                tokio::spawn,
            ),
            dso_serves: DataLoader::new(
                DsoOnDay {
                    db: db.clone(),
                    by_provider: true,
                },
                tokio::spawn,
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
