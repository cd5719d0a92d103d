//! setDsoAssignmentScope: the share of full time a member provides, from a
//! day on, within the agreement's maximum.

use chrono::NaiveDate;
use finsam_entity::dso_member;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

use super::{Applied, RingChange, RingData, check, check_scope, require_agreement, write_links};
use crate::domain::dso_ring::{self};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::{Operation, RecordKind};
use crate::service::now;

/// setDsoAssignmentScope, written in `txn`: the scope of what `slug`
/// provides, from `from` on.
pub(super) async fn set_scope_in(
    txn: &DatabaseTransaction,
    agreement_id: Option<i32>,
    slug: &str,
    scope: f64,
    from: NaiveDate,
) -> ApiResult<Applied> {
    let provider = crate::service::forbund::require_slug(txn, slug, "forbund").await?;
    let agreement = require_agreement(txn, agreement_id, Some(provider.id)).await?;
    let data = RingData::load(txn, agreement).await?;
    check_scope(scope, &data.agreement)?;
    let row = data
        .members
        .iter()
        .find(|m| m.forbund_id == provider.id && m.joined_on.is_some())
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_input(
                "forbund",
                Rule::RingNotMember.with("forbund", &provider.name),
            )
        })?;
    let mut members = data.domain_members();
    if let Some(m) = members.iter_mut().find(|m| m.forbund == provider.id) {
        m.scope = scope;
    }
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, from);
    check(txn, &members, &new_links, data.agreement.starts_on).await?;
    let mut active: dso_member::ActiveModel = row.clone().into();
    active.scope_percent = Set(Some(scope));
    active.version = Set(row.version + 1);
    active.updated_at = Set(now());
    let after = active.update(txn).await?;
    let links = write_links(txn, &data, &new_links).await?;
    let change = RingChange {
        joined_on: row.joined_on,
        notice_received_on: row.notice_received_on,
        last_day: row.last_day,
        ..RingChange::written(&data, provider.id, from, links)
    };
    Ok(Applied {
        operation: Operation::SetDsoAssignmentScope,
        entity: RecordKind::DsoMember,
        entity_id: row.id,
        before: serde_json::to_value(&row).unwrap_or_default(),
        after: serde_json::to_value(&after).unwrap_or_default(),
        change,
    })
}
