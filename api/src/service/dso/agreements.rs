//! Which agreement a request means: the one named, the one in force on a
//! day, or the first.

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_member};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::error::{ApiError, ApiResult, Rule};

/// Every agreement, oldest first (a handful: one per ring).
pub async fn agreements(db: &DatabaseConnection) -> ApiResult<Vec<dso_agreement::Model>> {
    Ok(dso_agreement::Entity::find()
        .order_by_asc(dso_agreement::Column::StartsOn)
        .order_by_asc(dso_agreement::Column::Id)
        .all(db)
        .await?)
}

/// The agreement asked for, or the one in force on `day` (the latest to have
/// started), or the first.
pub async fn resolve_agreement<C: ConnectionTrait>(
    conn: &C,
    id: Option<i32>,
    day: NaiveDate,
) -> ApiResult<Option<dso_agreement::Model>> {
    if let Some(id) = id {
        return Ok(dso_agreement::Entity::find_by_id(id).one(conn).await?);
    }
    let started = dso_agreement::Entity::find()
        .filter(dso_agreement::Column::StartsOn.lte(day))
        .order_by_desc(dso_agreement::Column::StartsOn)
        .one(conn)
        .await?;
    match started {
        Some(a) => Ok(Some(a)),
        None => Ok(dso_agreement::Entity::find()
            .order_by_asc(dso_agreement::Column::Id)
            .one(conn)
            .await?),
    }
}

pub(super) async fn require_agreement<C: ConnectionTrait>(
    conn: &C,
    id: Option<i32>,
    forbund_id: Option<i32>,
) -> ApiResult<dso_agreement::Model> {
    if let Some(id) = id {
        return dso_agreement::Entity::find_by_id(id)
            .one(conn)
            .await?
            .ok_or_else(|| ApiError::bad_input("agreement", Rule::AgreementUnknown));
    }
    // Without an id: the one agreement the förbund belongs to, if there is one.
    let memberships = match forbund_id {
        Some(f) => {
            dso_member::Entity::find()
                .filter(dso_member::Column::ForbundId.eq(f))
                .all(conn)
                .await?
        }
        None => vec![],
    };
    match memberships.as_slice() {
        [one] => dso_agreement::Entity::find_by_id(one.agreement_id)
            .one(conn)
            .await?
            .ok_or_else(|| ApiError::bad_input("agreement", Rule::AgreementUnknown)),
        _ => Err(ApiError::bad_input("agreement", Rule::AgreementRequired)),
    }
}

/// The agreement asked for, or the one in force on `day`.
pub(super) async fn agreement_on<C: ConnectionTrait>(
    conn: &C,
    id: Option<i32>,
    day: NaiveDate,
) -> ApiResult<dso_agreement::Model> {
    match id {
        Some(id) => require_agreement(conn, Some(id), None).await,
        None => resolve_agreement(conn, None, day)
            .await?
            .ok_or_else(|| ApiError::bad_input("agreement", Rule::AgreementUnknown)),
    }
}
