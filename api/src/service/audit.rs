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
