//! leaveDsoRing and its preview: the last day from the notice, and who
//! takes over the leaver's recipient from the day after.

use chrono::NaiveDate;
use finsam_entity::dso_member;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set, TransactionTrait};

use super::change::closed_around;
use super::{Applied, RingChange, RingData, months, require_agreement, write_links};
use crate::domain::dso_ring::{self, LeaveError, Link};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::{Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// The preview of leaveDsoRing (public, as the ring is): what notice
/// received on `notice_on` would do. Only reads, and is rolled back.
pub async fn leave_preview(
    cx: &ServiceContext,
    agreement_id: Option<i32>,
    slug: &str,
    notice_on: NaiveDate,
) -> ApiResult<RingChange> {
    let txn = cx.db.begin().await?;
    let applied = leave_in(&txn, agreement_id, slug, notice_on, false).await?;
    txn.rollback().await?;
    Ok(applied.change)
}

/// leaveDsoRing, written in `txn` (or, without `apply`, only computed):
/// notice received on `notice_on`.
pub(super) async fn leave_in(
    txn: &DatabaseTransaction,
    agreement_id: Option<i32>,
    slug: &str,
    notice_on: NaiveDate,
    apply: bool,
) -> ApiResult<Applied> {
    let leaver = crate::service::forbund::require_slug(txn, slug, "forbund").await?;
    let agreement = require_agreement(txn, agreement_id, Some(leaver.id)).await?;
    let data = RingData::load(txn, agreement).await?;
    let mut members = data.domain_members();
    let last = dso_ring::leave(
        &mut members,
        leaver.id,
        notice_on,
        months(data.agreement.notice_months),
    )
    .map_err(|e| match e {
        LeaveError::NotAMember => {
            ApiError::bad_input("forbund", Rule::RingNotMember.with("forbund", &leaver.name))
        }
        LeaveError::AlreadyGaveNotice(day) => ApiError::bad_input(
            "noticeReceivedOn",
            Rule::RingNoticeGiven
                .with("forbund", &leaver.name)
                .with("day", day),
        ),
        LeaveError::NoticeBeforeJoining(joined) => ApiError::bad_input(
            "noticeReceivedOn",
            Rule::RingNoticeBeforeJoining.with("day", joined),
        ),
        LeaveError::AlreadyLeaving(end) => ApiError::bad_input(
            "noticeReceivedOn",
            Rule::RingLeavesSooner
                .with("forbund", &leaver.name)
                .with("day", end),
        ),
    })?;
    let check_from = data.agreement.starts_on.min(notice_on);
    let (new_links, takeover) = closed_around(
        txn,
        &data,
        &members,
        leaver.id,
        last,
        check_from,
        "noticeReceivedOn",
    )
    .await?;
    let mut change = RingChange {
        agreement_id: data.agreement.id,
        forbund_id: leaver.id,
        joined_on: members
            .iter()
            .find(|m| m.forbund == leaver.id)
            .and_then(|m| m.joined_on),
        notice_received_on: Some(notice_on),
        last_day: Some(last),
        ended: vec![],
        started: vec![],
        taken_over_by: takeover.as_ref().map(|l| l.provider),
        handed_over: takeover.as_ref().map(|l| l.recipient),
        period_ends_on: data.period_end(notice_on),
        notice_deadline: data.notice_deadline(notice_on),
        applied: apply,
    };
    let row = data
        .members
        .iter()
        .find(|m| m.forbund_id == leaver.id)
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_input("forbund", Rule::RingNotMember.with("forbund", &leaver.name))
        })?;
    if !apply {
        let (ended, started) = diff_only(&data, &new_links);
        change.ended = ended;
        change.started = started;
        return Ok(Applied {
            operation: Operation::LeaveDsoRing,
            entity: RecordKind::DsoMember,
            entity_id: row.id,
            before: serde_json::Value::Null,
            after: serde_json::Value::Null,
            change,
        });
    }
    let mut active: dso_member::ActiveModel = row.clone().into();
    active.notice_received_on = Set(Some(notice_on));
    active.last_day = Set(Some(last));
    active.version = Set(row.version + 1);
    active.updated_at = Set(now());
    let after = active.update(txn).await?;
    let (ended, started) = write_links(txn, &data, &new_links).await?;
    change.ended = ended;
    change.started = started;
    Ok(Applied {
        operation: Operation::LeaveDsoRing,
        entity: RecordKind::DsoMember,
        entity_id: row.id,
        before: serde_json::to_value(&row).unwrap_or_default(),
        after: serde_json::to_value((&after, &change)).unwrap_or_default(),
        change,
    })
}

/// The assignments that would end and begin, without writing.
fn diff_only(data: &RingData, new: &[Link]) -> (Vec<Link>, Vec<Link>) {
    let old = data.domain_links();
    let ended = new
        .iter()
        .filter(|l| {
            old.iter().any(|o| {
                o.provider == l.provider
                    && o.recipient == l.recipient
                    && o.from == l.from
                    && o.to != l.to
            })
        })
        .cloned()
        .collect();
    let started = new
        .iter()
        .filter(|l| {
            !old.iter()
                .any(|o| o.provider == l.provider && o.recipient == l.recipient && o.from == l.from)
        })
        .cloned()
        .collect();
    (ended, started)
}
