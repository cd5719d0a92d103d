//! Reading the audit log: who may read which förbund's log (its admin,
//! network_admin, or the DSO serving it that day, derived from the ring),
//! and a page of entries, newest first. Writing entries is `audit`'s.

use finsam_entity::audit_log;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{ServiceContext, dso, forbund};
use crate::auth::policy::{self, Action};
use crate::auth::{Principal, Role};
use crate::error::ApiResult;

/// Which audit entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub forbund: Option<String>,
    pub entity: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// The förbund whose log is asked for, after the access check: an admin of
/// it, network_admin, or the DSO serving it today (derived from the ring, so
/// it is lost the day the ring changes). No förbund: network_admin only.
async fn authorise(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &AuditFilter,
) -> ApiResult<Option<i32>> {
    let Some(slug) = &filter.forbund else {
        policy::require(principal, Action::ReadAllAuditLogs)?;
        return Ok(None);
    };
    let target = forbund::require_slug(db, slug, "forbund").await?;
    let served_by_caller = match (&principal.forbund, principal.has(Role::Dso)) {
        (Some(own), true) => match forbund::by_slug(db, own).await? {
            Some(provider) => dso::served_by(db, provider.id, cx.clock.today())
                .await?
                .is_some_and(|a| a.recipient_id == target.id),
            None => false,
        },
        _ => false,
    };
    policy::require(
        principal,
        Action::ReadAuditLog {
            forbund: &target.slug,
            served_by_caller,
        },
    )?;
    Ok(Some(target.id))
}

/// One page of the log, newest first, after the entry with id `before_id`.
pub async fn read(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &AuditFilter,
    before_id: Option<i32>,
    limit: u64,
) -> ApiResult<(Vec<audit_log::Model>, u64)> {
    let forbund_id = authorise(cx, db, principal, filter).await?;
    let mut query = audit_log::Entity::find();
    if let Some(id) = forbund_id {
        query = query.filter(audit_log::Column::ForbundId.eq(id));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_log::Column::Entity.eq(entity.as_str()));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_log::Column::OccurredAt.gte(from.and_utc()));
    }
    if let Some(to) = filter
        .to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        query = query.filter(audit_log::Column::OccurredAt.lt(to.and_utc()));
    }
    let total = query.clone().count(db).await?;
    if let Some(before) = before_id {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}
