//! What a change to the ring asks and whom it touches, shared by `consent`
//! (asking: applied at once, or kept as a proposal) and `proposals`
//! (answering, and applying one every party accepted): the request a
//! proposal keeps, its first day and its parties, a proposal's statuses, and
//! the entries both write to the log of every förbund concerned (DESIGN.md,
//! "Consent").

use chrono::NaiveDate;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

use super::{Applied, JoinInput, RingChange};
use crate::auth::Caller;
use crate::domain::dso_ring::Link;
use crate::error::ApiResult;
use crate::service::audit::{self, Change, Operation, RecordKind};

pub use finsam_entity::value::{ProposalAnswer, ProposalKind, ProposalStatus};

/// A step of a proposal, in the log of every party.
pub(super) async fn log_proposal<A: Serialize>(
    txn: &DatabaseTransaction,
    caller: &Caller,
    operation: Operation,
    proposal: i32,
    parties: &[i32],
    what: &A,
) -> ApiResult<()> {
    for party in parties {
        audit::record(
            txn,
            caller,
            Change::created(
                operation,
                RecordKind::DsoProposal,
                proposal,
                Some(*party),
                what,
            ),
        )
        .await?;
    }
    Ok(())
}

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
    pub(super) fn kind(&self) -> ProposalKind {
        match self {
            RingRequest::Join(_) => ProposalKind::Join,
            RingRequest::Leave { .. } => ProposalKind::Leave,
            RingRequest::Scope { .. } => ProposalKind::Scope,
            RingRequest::Rearrange { .. } => ProposalKind::Rearrange,
        }
    }

    /// The förbund whose admin may ask for it; none for a new order, which
    /// only a network admin may ask for.
    pub(super) fn forbund(&self) -> Option<&str> {
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
pub(super) fn day_field(request: &RingRequest) -> &'static str {
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

/// What a change does to one of its parties: the assignments it begins and
/// ends that the party provides or receives — its new DSO, the förbund it
/// will serve, what stops. This is what the party is shown and accepts; a
/// proposal is applied on the parties' word only if, worked out again on the
/// ring as it then stands, it does exactly this to every one of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PartyEffect {
    pub begins: Vec<Link>,
    pub ends: Vec<Link>,
}

impl PartyEffect {
    pub(super) fn of(change: &RingChange, party: i32) -> Self {
        let touching = |links: &[Link]| {
            let mut mine: Vec<Link> = links
                .iter()
                .filter(|l| l.provider == party || l.recipient == party)
                .cloned()
                .collect();
            mine.sort_by_key(|l| (l.from, l.provider, l.recipient));
            mine
        };
        PartyEffect {
            begins: touching(&change.started),
            ends: touching(&change.ended),
        }
    }

    /// The same assignments begun and ended: who serves whom, from and to
    /// which day, at which scope (the contact address is the DSO's own).
    pub(super) fn same_as(&self, other: &PartyEffect) -> bool {
        let same = |a: &[Link], b: &[Link]| {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    x.provider == y.provider
                        && x.recipient == y.recipient
                        && x.from == y.from
                        && x.to == y.to
                        && (x.scope - y.scope).abs() < 1e-9
                })
        };
        same(&self.begins, &other.begins) && same(&self.ends, &other.ends)
    }

    /// The effect a party row keeps, if it keeps one.
    pub fn kept(party: &finsam_entity::dso_proposal_party::Model) -> Option<Self> {
        serde_json::from_str(party.effect.as_deref()?).ok()
    }

    /// The förbund whose DSO serves `party` from the change on, if the
    /// change gives it one.
    pub fn new_dso(&self, party: i32) -> Option<i32> {
        self.begins
            .iter()
            .find(|l| l.recipient == party)
            .map(|l| l.provider)
    }

    /// The förbund `party` serves from the change on, if that begins.
    pub fn will_serve(&self, party: i32) -> Option<i32> {
        self.begins
            .iter()
            .find(|l| l.provider == party)
            .map(|l| l.recipient)
    }
}

/// Every förbund a change touches: the providers and recipients of the
/// assignments it begins or ends, and the förbund it is about. Each is told
/// of it in its own log.
pub(super) fn touched(change: &RingChange, parties: &[i32]) -> Vec<i32> {
    let mut ids: Vec<i32> = change
        .ended
        .iter()
        .chain(change.started.iter())
        .flat_map(|l| [l.provider, l.recipient])
        .chain(parties.iter().copied())
        .chain(std::iter::once(change.forbund_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
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
    for forbund_id in touched(&applied.change, parties).into_iter().map(Some) {
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
