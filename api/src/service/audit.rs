//! The audit log (DESIGN.md, "Audit log"): who changed what, before and after,
//! written inside the transaction of the change so neither exists without the
//! other.

use finsam_entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiResult;

/// One change to record.
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub operation: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    /// The förbund whose log the entry belongs to.
    pub forbund_id: Option<i32>,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

pub async fn record<C, B, A>(conn: &C, caller: &Caller, change: Change<'_, B, A>) -> ApiResult<()>
where
    C: ConnectionTrait,
    B: Serialize,
    A: Serialize,
{
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
    audit_log::ActiveModel {
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
    Ok(())
}

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
    state: &super::AppState,
    db: &sea_orm::DatabaseConnection,
    principal: &crate::auth::Principal,
    filter: &AuditFilter,
) -> crate::error::ApiResult<Option<i32>> {
    use crate::auth::policy::{self, Action};
    let Some(slug) = &filter.forbund else {
        policy::require(principal, Action::ReadAllAuditLogs)?;
        return Ok(None);
    };
    let target = super::forbund::require_slug(db, slug, "forbund").await?;
    let served_by_caller = match (&principal.forbund, principal.has(crate::auth::Role::Dso)) {
        (Some(own), true) => match super::forbund::by_slug(db, own).await? {
            Some(provider) => super::dso::served_by(db, provider.id, state.clock.today())
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
    state: &super::AppState,
    db: &sea_orm::DatabaseConnection,
    principal: &crate::auth::Principal,
    filter: &AuditFilter,
    before_id: Option<i32>,
    limit: u64,
) -> crate::error::ApiResult<(Vec<audit_log::Model>, u64)> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let forbund_id = authorise(state, db, principal, filter).await?;
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
