//! The ring changes only by consent, and never rewrites its past (DESIGN.md,
//! "DSO-ring", "Consent").
//!
//! A change — joining, leaving with notice, a new scope, a new order — is
//! worked out in a transaction exactly as it would be applied. The förbund
//! whose DSO it changes are the recipients of the assignments it ends or
//! begins. When those are only the caller's own förbund, or the caller is a
//! network admin (who decides for the network), it is committed. Otherwise it
//! is rolled back and kept as a proposal: each of those förbund's admins
//! accepts or declines it, and when the last one accepts it is worked out
//! again on the ring as it then stands and applied — or, when the ring has
//! moved so that it no longer fits, fails and changes nothing. A proposal
//! that has not been accepted by its first day expires. Every step is written
//! to the audit log of every förbund the change touches.
//!
//! Nothing takes effect before today; only `correct_history`, a network
//! admin's explicit operation with a reason, changes the past.

use chrono::NaiveDate;
use finsam_entity::{dso_proposal, dso_proposal_party, forbund};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::request::{
    PartyEffect, ProposalAnswer, ProposalKind, ProposalStatus, RingRequest, day_field,
    effective_on, log_proposal, log_to_each, parties, touched,
};
use super::{RingChange, begin_ring_change};
use crate::auth::Caller;
use crate::auth::Role;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// What became of a request: applied, or waiting as a proposal.
pub struct Outcome {
    pub change: RingChange,
    pub proposal: Option<dso_proposal::Model>,
}

/// Asks for a change to the ring. The caller is the admin of the förbund it
/// is about (a new order: a network admin). Refused before anything is read
/// when the caller may not ask; refused when it would take effect before
/// today.
pub async fn request(
    cx: &ServiceContext,
    caller: &Caller,
    request: RingRequest,
) -> ApiResult<Outcome> {
    match request.forbund() {
        Some(slug) => policy::require(
            &caller.principal,
            Action::ManageDsoMembership { forbund: slug },
        )?,
        None => policy::require(&caller.principal, Action::ManageNetwork)?,
    }
    let today = cx.clock.today();
    let txn = begin_ring_change(&cx.db).await?;
    let applied = request.apply_in(&txn).await?;
    let first_day = effective_on(&request, &applied.change);
    if first_day < today {
        return Err(ApiError::bad_input(
            day_field(&request),
            Rule::RingPast.with("day", first_day).with("today", today),
        ));
    }
    let parties = parties(&applied.change, &request);
    let own = own_forbund_id(&txn, caller).await?;
    let decides_alone =
        caller.principal.has(Role::NetworkAdmin) || parties.iter().all(|p| Some(*p) == own);
    if decides_alone {
        log_to_each(&txn, caller, &parties, &applied, None).await?;
        crate::service::audit::committed(txn).await?;
        crate::service::reference::invalidate();
        return Ok(Outcome {
            change: applied.change,
            proposal: None,
        });
    }
    // Not the caller's to decide: nothing of it is written but the proposal.
    let mut change = applied.change.clone();
    change.applied = false;
    txn.rollback().await?;
    let txn = begin_write(&cx.db).await?;
    let at = now();
    let proposal = crate::service::insert_new(
        &txn,
        at,
        dso_proposal::ActiveModel {
            agreement_id: Set(change.agreement_id),
            kind: Set(request.kind()),
            forbund_id: Set(request.forbund().map(|_| change.forbund_id)),
            proposed_by: Set(caller.principal.sub.clone().unwrap_or_default()),
            proposed_by_forbund_id: Set(own),
            input: Set(serde_json::to_string(&request).map_err(anyhow::Error::from)?),
            effective_on: Set(first_day),
            status: Set(ProposalStatus::Pending),
            ..Default::default()
        },
    )
    .await?;
    for party in &parties {
        // The proposer's own förbund asked for it: its consent is given.
        let (answer, by, when) = if Some(*party) == own {
            (
                ProposalAnswer::Accepted,
                caller.principal.sub.clone(),
                Some(at),
            )
        } else {
            (ProposalAnswer::Pending, None, None)
        };
        // What it does to this förbund, as it is shown and accepted.
        let effect = PartyEffect::of(&change, *party);
        crate::service::insert_new(
            &txn,
            at,
            dso_proposal_party::ActiveModel {
                proposal_id: Set(proposal.id),
                forbund_id: Set(*party),
                answer: Set(answer),
                answered_by: Set(by),
                answered_at: Set(when),
                effect: Set(Some(
                    serde_json::to_string(&effect).map_err(anyhow::Error::from)?,
                )),
                ..Default::default()
            },
        )
        .await?;
    }
    let note = ProposalNote {
        proposal: proposal.id,
        kind: proposal.kind,
        effective_on: first_day,
        request: &request,
        parties: &parties,
    };
    log_proposal(
        &txn,
        caller,
        Operation::ProposeDsoRingChange,
        proposal.id,
        &touched(&change, &parties),
        &note,
    )
    .await?;
    crate::service::audit::committed(txn).await?;
    Ok(Outcome {
        change,
        proposal: Some(proposal),
    })
}

#[derive(Serialize)]
struct ProposalNote<'a> {
    proposal: i32,
    kind: ProposalKind,
    effective_on: NaiveDate,
    request: &'a RingRequest,
    parties: &'a [i32],
}

pub(super) async fn own_forbund_id<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
) -> ApiResult<Option<i32>> {
    Ok(match &caller.principal.forbund {
        Some(slug) => forbund::Entity::find()
            .filter(forbund::Column::Slug.eq(slug))
            .one(conn)
            .await?
            .map(|f| f.id),
        None => None,
    })
}

/// correctDsoRingHistory (network_admin): the ring's order from a day in the
/// past, with the reason, in the log of every förbund on it. The one way to
/// change what was.
pub async fn correct_history(
    cx: &ServiceContext,
    caller: &Caller,
    agreement: Option<i32>,
    from: NaiveDate,
    order: Vec<String>,
    reason: &str,
) -> ApiResult<RingChange> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let reason = crate::record::text("reason", reason, 2_000)?;
    let txn = begin_ring_change(&cx.db).await?;
    let applied = super::rearrange::rearrange_in(&txn, agreement, from, &order).await?;
    let ids = slugs_to_ids(&txn, &order).await?;
    let mut parties = parties(
        &applied.change,
        &RingRequest::Rearrange {
            agreement,
            from,
            order: order.clone(),
        },
    );
    parties.extend(ids);
    let parties = touched(&applied.change, &parties);
    let after = serde_json::json!({ "from": from, "order": order, "reason": reason });
    for forbund_id in &parties {
        audit::record(
            &txn,
            caller,
            Change::created(
                Operation::CorrectDsoRingHistory,
                RecordKind::DsoAgreement,
                applied.entity_id,
                Some(*forbund_id),
                &after,
            ),
        )
        .await?;
    }
    crate::service::audit::committed(txn).await?;
    crate::service::reference::invalidate();
    Ok(applied.change)
}

async fn slugs_to_ids<C: ConnectionTrait>(conn: &C, slugs: &[String]) -> ApiResult<Vec<i32>> {
    Ok(forbund::Entity::find()
        .filter(forbund::Column::Slug.is_in(slugs.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect())
}
