//! Writing the audit log (DESIGN.md, "Audit log"): who changed what, before
//! and after, inside the transaction of the change so neither exists without
//! the other. Reading it is `audit_log`'s.

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

impl<'a, A: Serialize> Change<'a, (), A> {
    /// A row that did not exist before.
    pub fn created(
        operation: &'a str,
        entity: &'a str,
        entity_id: impl ToString,
        forbund_id: Option<i32>,
        after: &'a A,
    ) -> Self {
        Change::upserted(operation, entity, entity_id, forbund_id, None, after)
    }
}

impl<'a, B: Serialize, A: Serialize> Change<'a, B, A> {
    /// A row as it was and as it is.
    pub fn updated(
        operation: &'a str,
        entity: &'a str,
        entity_id: impl ToString,
        forbund_id: Option<i32>,
        before: &'a B,
        after: &'a A,
    ) -> Self {
        Change::upserted(
            operation,
            entity,
            entity_id,
            forbund_id,
            Some(before),
            after,
        )
    }
}

impl<'a, B: Serialize, A: Serialize> Change<'a, B, A> {
    /// A row written whether or not it existed: `before` is what was there.
    pub fn upserted(
        operation: &'a str,
        entity: &'a str,
        entity_id: impl ToString,
        forbund_id: Option<i32>,
        before: Option<&'a B>,
        after: &'a A,
    ) -> Self {
        Change {
            operation,
            entity,
            entity_id: entity_id.to_string(),
            forbund_id,
            before,
            after: Some(after),
        }
    }
}

/// Records `change` in the transaction of the change and commits both.
pub async fn commit<B: Serialize, A: Serialize>(
    txn: sea_orm::DatabaseTransaction,
    caller: &Caller,
    change: Change<'_, B, A>,
) -> ApiResult<()> {
    let reference = super::reference::is_reference(change.entity);
    record(&txn, caller, change).await?;
    txn.commit().await?;
    if reference {
        super::reference::invalidate();
    }
    Ok(())
}

pub async fn record<C, B, A>(conn: &C, caller: &Caller, change: Change<'_, B, A>) -> ApiResult<()>
where
    C: ConnectionTrait,
    B: Serialize,
    A: Serialize,
{
    if super::reference::is_reference(change.entity) {
        super::reference::bump(conn).await?;
    }
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
