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
use crate::error::ApiResult;
use crate::service::audit::{self, Change};

pub const PENDING: &str = "PENDING";
pub const ACCEPTED: &str = "ACCEPTED";
pub const DECLINED: &str = "DECLINED";
pub const APPLIED: &str = "APPLIED";
pub const EXPIRED: &str = "EXPIRED";
pub const FAILED: &str = "FAILED";

/// A step of a proposal, in the log of every party.
pub(super) async fn log_proposal<A: Serialize>(
    txn: &DatabaseTransaction,
    caller: &Caller,
    operation: &str,
    proposal: i32,
    parties: &[i32],
    what: &A,
) -> ApiResult<()> {
    for party in parties {
        audit::record(
            txn,
            caller,
            Change::created(operation, "DsoProposal", proposal, Some(*party), what),
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
    pub(super) fn kind(&self) -> &'static str {
        match self {
            RingRequest::Join(_) => "JOIN",
            RingRequest::Leave { .. } => "LEAVE",
            RingRequest::Scope { .. } => "SCOPE",
            RingRequest::Rearrange { .. } => "REARRANGE",
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
