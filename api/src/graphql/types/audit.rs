//! Entries of the audit log.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use finsam_entity::audit_log;

use super::Forbund;

/// Who made a change, as the token said.
#[derive(SimpleObject)]
pub struct AuditActor {
    /// The token's subject, or `cli:USER` for the command line.
    pub sub: String,
    pub roles: Vec<String>,
    /// The förbund (slug) the actor's roles were for.
    pub forbund: Option<String>,
}

#[derive(Clone)]
pub struct AuditEntry(pub audit_log::Model);

#[Object]
impl AuditEntry {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::AuditEntry,
            self.0.id,
        ))
    }

    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    async fn actor(&self) -> AuditActor {
        AuditActor {
            sub: self.0.actor_sub.clone(),
            roles: self
                .0
                .actor_roles
                .split(',')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            forbund: self.0.actor_forbund.clone(),
        }
    }

    /// The förbund whose log the entry belongs to.
    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.forbund_id {
            Some(id) => Forbund::by_id(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The operation, e.g. `updateInsats`.
    async fn operation(&self) -> &str {
        &self.0.operation
    }

    async fn entity(&self) -> &str {
        &self.0.entity
    }

    async fn entity_id(&self) -> &str {
        &self.0.entity_id
    }

    /// The row before the change, as JSON.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }

    /// The row after the change, as JSON.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }

    /// The request the change came with (`x-request-id`).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

#[derive(SimpleObject)]
pub struct AuditTotal {
    /// Entries matching, on all pages.
    pub total_count: u64,
}

pub type AuditEntryConnection = Connection<String, AuditEntry, AuditTotal, EmptyFields>;

/// `viewerCan.readHistory` of a record of förbund `owner`: whether the
/// caller may read that förbund's log today, by the rule `auditLog` checks.
/// Asked only when selected: for a DSO it looks up whom it serves today.
pub(crate) async fn may_read_history(
    ctx: &Context<'_>,
    owner: &finsam_entity::forbund::Model,
) -> async_graphql::Result<bool> {
    Ok(crate::service::audit_log::may_read(
        crate::graphql::services(ctx)?,
        crate::graphql::reader(ctx)?,
        &crate::graphql::caller(ctx)?.principal,
        owner.id,
        &owner.slug,
    )
    .await?)
}
