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
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use super::proposals::{ACCEPTED, PENDING, log_proposal};
use super::{Applied, JoinInput, RingChange};
use crate::auth::Caller;
use crate::auth::Role;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::{ServiceContext, now};

/// A change to the ring as asked: what a proposal keeps, and applies as
/// asked or not at all.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RingRequest {
    Join(JoinInput),
    Leave {
        agreement: Option<i32>,
        forbund: String,
        notice_received_on: NaiveDate,
    },
    Scope {
        agreement: Option<i32>,
        forbund: String,
        scope_percent: f64,
        from: NaiveDate,
    },
    Rearrange {
        agreement: Option<i32>,
        from: NaiveDate,
        order: Vec<String>,
    },
}

impl RingRequest {
    fn kind(&self) -> &'static str {
        match self {
            RingRequest::Join(_) => "JOIN",
            RingRequest::Leave { .. } => "LEAVE",
            RingRequest::Scope { .. } => "SCOPE",
            RingRequest::Rearrange { .. } => "REARRANGE",
        }
    }

    /// The förbund whose admin may ask for it; none for a new order, which
    /// only a network admin may ask for.
    fn forbund(&self) -> Option<&str> {
        match self {
            RingRequest::Join(j) => Some(&j.forbund),
            RingRequest::Leave { forbund, .. } | RingRequest::Scope { forbund, .. } => {
                Some(forbund)
            }
            RingRequest::Rearrange { .. } => None,
        }
    }

    /// Works the change out in `txn`, writing it there.
    pub(super) async fn apply_in(&self, txn: &DatabaseTransaction) -> ApiResult<Applied> {
        match self {
            RingRequest::Join(input) => super::join::join_in(txn, input).await,
            RingRequest::Leave {
                agreement,
                forbund,
                notice_received_on,
            } => super::leave::leave_in(txn, *agreement, forbund, *notice_received_on, true).await,
            RingRequest::Scope {
                agreement,
                forbund,
                scope_percent,
                from,
            } => super::scope::set_scope_in(txn, *agreement, forbund, *scope_percent, *from).await,
            RingRequest::Rearrange {
                agreement,
                from,
                order,
            } => super::rearrange::rearrange_in(txn, *agreement, *from, order).await,
        }
    }
}

/// The first day a change changes anything: the day after a leaver's last
/// day, else the day it is asked from.
pub(super) fn effective_on(request: &RingRequest, change: &RingChange) -> NaiveDate {
    match request {
        RingRequest::Join(j) => j.from,
        RingRequest::Leave { .. } => change
            .last_day
            .and_then(|d| d.succ_opt())
            .unwrap_or(NaiveDate::MAX),
        RingRequest::Scope { from, .. } | RingRequest::Rearrange { from, .. } => *from,
    }
}

/// The field that names the change's first day, for an error about it.
fn day_field(request: &RingRequest) -> &'static str {
    match request {
        RingRequest::Leave { .. } => "noticeReceivedOn",
        _ => "from",
    }
}

/// The förbund whose DSO the change gives, takes away or alters: the
/// recipients of every assignment it ends or begins, and the förbund it is
/// about when that one joins or leaves. Sorted, each once.
pub(super) fn parties(change: &RingChange, request: &RingRequest) -> Vec<i32> {
    let mut ids: Vec<i32> = change
        .ended
        .iter()
        .chain(change.started.iter())
        .map(|l| l.recipient)
        .collect();
    if matches!(request, RingRequest::Join(_) | RingRequest::Leave { .. }) {
        ids.push(change.forbund_id);
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

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
    let txn = begin_write(&cx.db).await?;
    let applied = request.apply_in(&txn).await?;
    let first_day = effective_on(&request, &applied.change);
    if first_day < today {
        return Err(ApiError::bad_input(
            day_field(&request),
            format!(
                "the change would take effect on {first_day}, before today ({today}); the ring's \
                 past is corrected only by a network admin (correctDsoRingHistory)"
            ),
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
            kind: Set(request.kind().to_string()),
            forbund_id: Set(request.forbund().map(|_| change.forbund_id)),
            proposed_by: Set(caller.principal.sub.clone().unwrap_or_default()),
            proposed_by_forbund_id: Set(own),
            input: Set(serde_json::to_string(&request).map_err(anyhow::Error::from)?),
            effective_on: Set(first_day),
            status: Set(PENDING.into()),
            ..Default::default()
        },
    )
    .await?;
    for party in &parties {
        // The proposer's own förbund asked for it: its consent is given.
        let (answer, by, when) = if Some(*party) == own {
            (ACCEPTED, caller.principal.sub.clone(), Some(at))
        } else {
            (PENDING, None, None)
        };
        crate::service::insert_new(
            &txn,
            at,
            dso_proposal_party::ActiveModel {
                proposal_id: Set(proposal.id),
                forbund_id: Set(*party),
                answer: Set(answer.into()),
                answered_by: Set(by),
                answered_at: Set(when),
                ..Default::default()
            },
        )
        .await?;
    }
    let note = ProposalNote {
        proposal: proposal.id,
        kind: &proposal.kind,
        effective_on: first_day,
        request: &request,
        parties: &parties,
    };
    log_proposal(
        &txn,
        caller,
        "proposeDsoRingChange",
        proposal.id,
        &parties,
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
    kind: &'a str,
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

/// The applied change, in the log of every förbund it touches.
pub(super) async fn log_to_each(
    txn: &DatabaseTransaction,
    caller: &Caller,
    parties: &[i32],
    applied: &Applied,
    proposal: Option<i32>,
) -> ApiResult<()> {
    let after = serde_json::json!({ "change": applied.after, "proposal": proposal });
    let mut logs: Vec<Option<i32>> = parties.iter().copied().map(Some).collect();
    if logs.is_empty() {
        logs.push(None);
    }
    for forbund_id in logs {
        audit::record(
            txn,
            caller,
            Change::updated(
                applied.operation,
                applied.entity,
                applied.entity_id,
                forbund_id,
                &applied.before,
                &after,
            ),
        )
        .await?;
    }
    Ok(())
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
    let txn = begin_write(&cx.db).await?;
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
    parties.sort_unstable();
    parties.dedup();
    let after = serde_json::json!({ "from": from, "order": order, "reason": reason });
    for forbund_id in &parties {
        audit::record(
            &txn,
            caller,
            Change::created(
                "correctDsoRingHistory",
                "DsoAgreement",
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
