//! New rows: every mutable table carries `version` (optimistic concurrency)
//! and `created_at`/`updated_at` (DESIGN.md, "Storage"); a row starts at
//! version 1 with both times set to the moment of its change. One place sets
//! them, for the services and the seed alike.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, Value,
};

/// Sets the columns every mutable table shares, where the table has them
/// and the row left them unset (a table of history rows has no `version`).
pub(crate) fn stamp_new<A: ActiveModelTrait>(active: &mut A, at: DateTime<Utc>) {
    let shared: [(&str, Value); 3] = [
        ("version", 1i32.into()),
        ("created_at", at.into()),
        ("updated_at", at.into()),
    ];
    for (name, value) in shared {
        if let Ok(column) = <A::Entity as EntityTrait>::Column::from_str(name)
            && matches!(active.get(column), ActiveValue::NotSet)
        {
            active.set(column, value);
        }
    }
}

/// Inserts a new row at version 1, created and updated `at`.
pub(crate) async fn insert_new<C, A>(
    conn: &C,
    at: DateTime<Utc>,
    mut active: A,
) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    stamp_new(&mut active, at);
    active.insert(conn).await
}
