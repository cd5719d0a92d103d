//! A proposal taken back by the förbund that made it, while it still waits
//! for answers: its own request, so its own admin decides alone (a right one
//! party has is never taken by another, and never needs another's word).

use finsam_entity::forbund;
use sea_orm::EntityTrait;

use super::proposals::{ProposalView, check_open, concerned_ids, load, reload, set_status};
use super::request::{ProposalStatus, log_proposal};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::ServiceContext;
use crate::service::audit::Operation;

/// `withdrawDsoProposal`: the admin of `forbund_slug`, the förbund that
/// proposed it, withdraws a pending proposal, saying why if it will.
pub async fn withdraw(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    forbund_slug: &str,
    reason: Option<String>,
) -> ApiResult<ProposalView> {
    // The right first: nothing is read for a caller who has none.
    policy::require(
        &caller.principal,
        Action::ManageDsoMembership {
            forbund: forbund_slug,
        },
    )?;
    let today = cx.clock.today();
    let txn = super::begin_ring_change(&cx.db).await?;
    // Only those who may see it learn that it exists.
    let view = super::proposal(&txn, caller, id)
        .await?
        .ok_or_else(|| ApiError::not_found("DSO-ring proposal"))?;
    let withdrawing = crate::service::forbund::require_slug(&txn, forbund_slug, "forbund").await?;
    if view.proposal.proposed_by_forbund_id != Some(withdrawing.id) {
        // A party that did not propose it answers it instead.
        let proposer = match view.proposal.proposed_by_forbund_id {
            Some(fid) => forbund::Entity::find_by_id(fid)
                .one(&txn)
                .await?
                .map(|f| f.name),
            None => None,
        };
        let broken = match proposer {
            Some(name) => Rule::ProposalNotProposer.with("forbund", name),
            None => Rule::ProposalNotProposer.into(),
        };
        return Err(ApiError::ForbiddenInput {
            field: "forbund".into(),
            broken,
        });
    }
    check_open(&view, today)?;
    let reason = crate::record::optional_text("reason", &reason, 1_000)?;
    // Re-read inside the ring's lock: the version written against is current.
    let view: ProposalView = load(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("DSO-ring proposal"))?;
    set_status(
        &txn,
        &view.proposal,
        ProposalStatus::Withdrawn,
        reason.as_deref(),
    )
    .await?;
    let note = serde_json::json!({ "proposal": id, "reason": reason });
    log_proposal(
        &txn,
        caller,
        Operation::WithdrawDsoProposal,
        id,
        &concerned_ids(&view),
        &note,
    )
    .await?;
    crate::service::audit::committed(txn).await?;
    reload(cx, caller, id).await
}
