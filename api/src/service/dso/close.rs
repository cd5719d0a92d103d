//! closeDsoMembership: the network ends a member's place on the ring on a
//! day, with the reason — above all at the member's dissolution, since a
//! förbund's last day on a ring is at most its last day of life (DESIGN.md,
//! "DSO-ring"). From the next day the ring closes around it: the förbund
//! that served it serves its recipient. It may correct the past (a
//! dissolution recorded late), so it is the network admin's alone, in the
//! log of every förbund it touches.

use chrono::NaiveDate;
use finsam_entity::dso_member;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::change::closed_around;
use super::request::{PartyEffect, touched};
use super::{Applied, RingChange, RingData, begin_ring_change, require_agreement};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::domain::dso_ring;
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// The member's place ends on `last_day`, written in `conn`.
pub(crate) async fn close_in<C: ConnectionTrait>(
    conn: &C,
    agreement_id: Option<i32>,
    slug: &str,
    last_day: NaiveDate,
) -> ApiResult<Applied> {
    let member = crate::service::forbund::require_slug(conn, slug, "forbund").await?;
    let agreement = require_agreement(conn, agreement_id, Some(member.id)).await?;
    let data = RingData::load(conn, agreement).await?;
    let mut members = data.domain_members();
    // Closing fails only for a förbund that is not a member.
    let not_member =
        || ApiError::bad_input("forbund", Rule::RingNotMember.with("forbund", &member.name));
    let changed = dso_ring::close(&mut members, member.id, last_day).map_err(|_| not_member())?;
    let row = data
        .members
        .iter()
        .find(|m| m.forbund_id == member.id && m.joined_on.is_some())
        .cloned()
        .ok_or_else(not_member)?;
    if !changed {
        return Err(ApiError::bad_input(
            "lastDay",
            Rule::RingAlreadyEnds
                .with("forbund", &member.name)
                .with("day", row.last_day.unwrap_or(last_day)),
        ));
    }
    let check_from = data.agreement.starts_on.min(last_day);
    let (new_links, takeover) = closed_around(
        conn, &data, &members, member.id, last_day, check_from, "lastDay",
    )
    .await?;
    let mut active: dso_member::ActiveModel = row.clone().into();
    active.last_day = Set(Some(last_day));
    active.version = Set(row.version + 1);
    active.updated_at = Set(now());
    let after = active.update(conn).await?;
    let (ended, started) = super::write_links(conn, &data, &new_links).await?;
    let change = RingChange {
        joined_on: row.joined_on,
        notice_received_on: row.notice_received_on,
        last_day: Some(last_day),
        taken_over_by: takeover.as_ref().map(|l| l.provider),
        handed_over: takeover.as_ref().map(|l| l.recipient),
        ..RingChange::written(&data, member.id, last_day, (ended, started))
    };
    Ok(Applied {
        operation: Operation::CloseDsoMembership,
        entity: RecordKind::DsoMember,
        entity_id: row.id,
        before: serde_json::to_value(&row).unwrap_or_default(),
        after: serde_json::to_value((&after, &change)).unwrap_or_default(),
        change,
    })
}

/// The closing with its reason, in the log of every förbund it touches:
/// the member, whoever served it, whomever it served.
pub(crate) async fn log_closing<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    applied: &Applied,
    reason: &str,
) -> ApiResult<()> {
    let after = serde_json::json!({ "change": applied.after, "reason": reason });
    for forbund_id in touched(&applied.change, &[]) {
        let effect = PartyEffect::of(&applied.change, forbund_id);
        let entry = serde_json::json!({ "closing": after, "forThisForbund": effect });
        audit::record(
            conn,
            caller,
            Change::updated(
                applied.operation,
                applied.entity,
                applied.entity_id,
                Some(forbund_id),
                &applied.before,
                &entry,
            ),
        )
        .await?;
    }
    Ok(())
}

/// closeDsoMembership (network_admin): `slug`'s place on the ring ends on
/// `last_day`, past or future, with the reason.
pub async fn close_membership(
    cx: &ServiceContext,
    caller: &Caller,
    agreement: Option<i32>,
    slug: &str,
    last_day: NaiveDate,
    reason: &str,
) -> ApiResult<RingChange> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let reason = crate::record::text("reason", reason, 2_000)?;
    let txn = begin_ring_change(&cx.db).await?;
    let applied = close_in(&txn, agreement, slug, last_day).await?;
    log_closing(&txn, caller, &applied, &reason).await?;
    audit::committed(txn).await?;
    crate::service::reference::invalidate();
    Ok(applied.change)
}
