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
    /// One record's entries (its history); `ix_audit_log_record` serves it.
    pub entity_id: Option<String>,
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
    require_read(cx, db, principal, slug).await.map(Some)
}

/// The id of förbund `slug`, when the caller may read its log today (the
/// rule of `read`; a subscription to the log asks again at every entry).
pub async fn require_read(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    slug: &str,
) -> ApiResult<i32> {
    let target = forbund::require_slug(db, slug, "forbund").await?;
    let served_by_caller = served_by_caller(cx, db, principal, target.id).await?;
    policy::require(
        principal,
        Action::ReadAuditLog {
            forbund: &target.slug,
            served_by_caller,
        },
    )?;
    Ok(target.id)
}

/// Whether the caller is the DSO of the förbund serving `target` today.
async fn served_by_caller(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    target: i32,
) -> ApiResult<bool> {
    Ok(match (&principal.forbund, principal.has(Role::Dso)) {
        (Some(own), true) => match forbund::by_slug(db, own).await? {
            Some(provider) => dso::served_by(db, provider.id, cx.clock.today())
                .await?
                .is_some_and(|a| a.recipient_id == target),
            None => false,
        },
        _ => false,
    })
}

/// Whether the caller may read the log of förbund `target` (`slug`) today,
/// by the rule `read` checks: for `viewerCan.readHistory`.
pub async fn may_read(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    target: i32,
    slug: &str,
) -> ApiResult<bool> {
    if principal.is_anonymous() {
        return Ok(false);
    }
    let served_by_caller = served_by_caller(cx, db, principal, target).await?;
    Ok(policy::allows(
        principal,
        Action::ReadAuditLog {
            forbund: slug,
            served_by_caller,
        },
    ))
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
    if let Some(id) = &filter.entity_id {
        query = query.filter(audit_log::Column::EntityId.eq(id.as_str()));
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
