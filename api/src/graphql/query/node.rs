//! `node(id:)` and `nodes(ids:)` (the Relay server specification): any
//! object with an identity by its global id, read by exactly the rules of
//! its own query — an insats through the loader that limits rows to those
//! the caller may see, a proposal to those it concerns, a log entry to
//! those who may read that förbund's log — so nothing is more visible
//! through `node` than directly. `nodes` reads each type in one batch.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use finsam_entity::{audit_log, decision, dso_assignment};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::graphql::types::audit::AuditEntry;
use crate::graphql::types::dso::{DsoAgreement, DsoAssignment};
use crate::graphql::types::dso_proposal::DsoProposal;
use crate::graphql::types::indicator::Indicator;
use crate::graphql::types::node::Node;
use crate::graphql::types::{Decision, Forbund, Insats, Meeting};
use crate::graphql::{caller, loaders, reader, reference, services};
use crate::record::id::{NodeKind, decode};
use crate::service;

/// The most ids one `nodes` asks for, as a page holds at most.
const MAX_IDS: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when there is none the
    /// caller may see.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        Ok(load(ctx, &[id]).await?.pop().flatten())
    }

    /// The objects with these global ids, in their order (null for each
    /// the caller may not see or that does not exist); at most 100.
    #[graphql(complexity = "ids.len() * child_complexity + 1")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(crate::error::ApiError::bad_input(
                "ids",
                crate::error::Rule::PageSize.with("max", MAX_IDS),
            )
            .into());
        }
        load(ctx, &ids).await
    }
}

/// The objects `ids` name, each type read once.
async fn load(ctx: &Context<'_>, ids: &[ID]) -> async_graphql::Result<Vec<Option<Node>>> {
    let wanted: Vec<Option<(NodeKind, i32)>> = ids.iter().map(|id| decode(id)).collect();
    let keys = |kind: NodeKind| -> Vec<i32> {
        let mut keys: Vec<i32> = wanted
            .iter()
            .flatten()
            .filter(|(k, _)| *k == kind)
            .map(|(_, key)| *key)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let mut found: HashMap<(NodeKind, i32), Node> = HashMap::new();
    let snapshot = reference(ctx).await?;
    for key in keys(NodeKind::Forbund) {
        if let Some(f) = snapshot.forbund_by_id(key) {
            found.insert((NodeKind::Forbund, key), Node::Forbund(Forbund(f.clone())));
        }
    }
    for key in keys(NodeKind::DsoAgreement) {
        if let Some(a) = snapshot.agreement(key) {
            found.insert(
                (NodeKind::DsoAgreement, key),
                Node::DsoAgreement(DsoAgreement(a.clone())),
            );
        }
    }
    let insatser = keys(NodeKind::Insats);
    if !insatser.is_empty() {
        // Limited in SQL to the rows the caller may see.
        for (key, rows) in loaders(ctx)?.insats.load_many(insatser).await? {
            if let Some(row) = rows.into_iter().next() {
                found.insert((NodeKind::Insats, key), Node::Insats(Insats::from(row)));
            }
        }
    }
    let meetings = keys(NodeKind::Meeting);
    if !meetings.is_empty() {
        for (key, row) in loaders(ctx)?.meeting.load_many(meetings).await? {
            found.insert((NodeKind::Meeting, key), Node::Meeting(Meeting(row)));
        }
    }
    // The reader only for the kinds kept apart from the snapshot: förbund
    // and agreements alone are an answer from memory (`graphql::answers`).
    let db = || reader(ctx);
    let decisions = keys(NodeKind::Decision);
    if !decisions.is_empty() {
        for row in decision::Entity::find()
            .filter(decision::Column::Id.is_in(decisions))
            .all(db()?)
            .await?
        {
            found.insert((NodeKind::Decision, row.id), Node::Decision(Decision(row)));
        }
    }
    let assignments = keys(NodeKind::DsoAssignment);
    if !assignments.is_empty() {
        for row in dso_assignment::Entity::find()
            .filter(dso_assignment::Column::Id.is_in(assignments))
            .all(db()?)
            .await?
        {
            found.insert(
                (NodeKind::DsoAssignment, row.id),
                Node::DsoAssignment(DsoAssignment(row)),
            );
        }
    }
    let indicators = keys(NodeKind::Indicator);
    if !indicators.is_empty() {
        for row in service::indicator::definitions(db()?).await? {
            if indicators.contains(&row.id) {
                found.insert(
                    (NodeKind::Indicator, row.id),
                    Node::Indicator(Indicator(row)),
                );
            }
        }
    }
    let caller = caller(ctx)?;
    let proposals = keys(NodeKind::DsoProposal);
    if !proposals.is_empty() {
        // To those the proposal concerns, as `dsoProposal` answers.
        for view in service::dso::visible_proposals(db()?, caller, &proposals).await? {
            let key = (NodeKind::DsoProposal, view.proposal.id);
            found.insert(key, Node::DsoProposal(DsoProposal(view)));
        }
    }
    let entries = keys(NodeKind::AuditEntry);
    if !entries.is_empty() && !caller.principal.is_anonymous() {
        let cx = services(ctx)?;
        let mut may: HashMap<i32, bool> = HashMap::new();
        for row in audit_log::Entity::find()
            .filter(audit_log::Column::Id.is_in(entries))
            .all(db()?)
            .await?
        {
            // To those who may read that förbund's log, as `auditLog` answers.
            let Some(owner) = row.forbund_id.and_then(|id| snapshot.forbund_by_id(id)) else {
                continue;
            };
            let allowed = match may.get(&owner.id) {
                Some(a) => *a,
                None => {
                    let a = service::audit_log::may_read(
                        cx,
                        db()?,
                        &caller.principal,
                        owner.id,
                        &owner.slug,
                    )
                    .await?;
                    may.insert(owner.id, a);
                    a
                }
            };
            if allowed {
                found.insert(
                    (NodeKind::AuditEntry, row.id),
                    Node::AuditEntry(AuditEntry(row)),
                );
            }
        }
    }
    // An id asked for twice gets the object twice.
    Ok(wanted
        .into_iter()
        .map(|w| w.and_then(|key| found.get(&key).cloned()))
        .collect())
}
