//! The root `auditLog` query: who changed what, for those the policy lets
//! read a förbund's log (its admin, the DSO serving it that day,
//! network_admin).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};

use crate::graphql::pagination::page_args;
use crate::graphql::types::Date;
use crate::graphql::types::audit::{AuditEntry, AuditEntryConnection, AuditTotal};
use crate::graphql::{caller, reader};
use crate::service::audit_log::{AuditFilter, read};

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Who changed what, newest first. A förbund's log is for its admin, the
    /// DSO serving it that day, and network_admin; the whole log (no
    /// `forbund`) for network_admin.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        forbund: Option<String>,
        #[graphql(desc = "Only changes to this kind of entity, e.g. \"Insats\".")] entity: Option<
            String,
        >,
        #[graphql(
            desc = "Only changes to this record (with `entity`): its history, e.g. an insats's id."
        )]
        entity_id: Option<String>,
        from: Option<Date>,
        to: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEntryConnection> {
        let cursors = &crate::graphql::context(ctx)?.cursors;
        let page = page_args::<i32>(cursors, "auditLog", first, after)?;
        // A record's global id names the key its log entries hold.
        let entity_id = entity_id.map(|e| match crate::record::id::decode(&e) {
            Some((_, key)) => key.to_string(),
            None => e,
        });
        let filter = AuditFilter {
            forbund,
            entity,
            entity_id,
            from: from.map(|d| d.0),
            to: to.map(|d| d.0),
        };
        let (mut rows, total) = read(
            crate::graphql::services(ctx)?,
            reader(ctx)?,
            &caller(ctx)?.principal,
            &filter,
            page.after,
            page.limit + 1,
        )
        .await?;
        let has_next = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        let mut connection = Connection::with_additional_fields(
            page.after.is_some(),
            has_next,
            AuditTotal { total_count: total },
        );
        let wanted = crate::graphql::pagination::EdgeCursors::of(ctx, rows.len());
        connection.edges.extend(
            rows.into_iter().enumerate().map(|(i, r)| {
                Edge::new(wanted.seal(cursors, "auditLog", i, || r.id), AuditEntry(r))
            }),
        );
        Ok(connection)
    }
}
