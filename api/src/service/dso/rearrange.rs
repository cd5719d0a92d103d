//! rearrangeDsoRing (network_admin): the members serve each other in a new
//! order from a day on.

use chrono::NaiveDate;
use finsam_entity::dso_member;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

use super::{Applied, RingChange, RingData, agreement_on, check, names, ring_invalid, write_links};
use crate::domain::dso_ring::{self, Link};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::{Operation, RecordKind};
use crate::service::now;

/// rearrangeDsoRing, written in `txn`: from `from`, the members serve each
/// other in `order` (each the next, the last the first). An order that leaves
/// a member out, names one twice or names a non-member is refused with
/// DSO_RING_INVALID.
pub(super) async fn rearrange_in(
    txn: &DatabaseTransaction,
    agreement_id: Option<i32>,
    from: NaiveDate,
    order: &[String],
) -> ApiResult<Applied> {
    if order.is_empty() {
        return Err(ApiError::bad_input("order", Rule::RingOrderRequired));
    }
    let agreement = agreement_on(txn, agreement_id, from).await?;
    let data = RingData::load(txn, agreement).await?;
    let mut ids = Vec::with_capacity(order.len());
    for (i, slug) in order.iter().enumerate() {
        let f = crate::service::forbund::require_slug(txn, slug, &format!("order[{i}]")).await?;
        // A förbund not active on the day cannot be on the ring that day.
        if f.founded_on.is_some_and(|d| d > from) || f.dissolved_on.is_some_and(|d| d < from) {
            return Err(ApiError::bad_input(
                format!("order[{i}]"),
                Rule::ForbundNotActive
                    .with("forbund", &f.name)
                    .with("day", from),
            ));
        }
        ids.push(f.id);
    }
    let mut members = data.domain_members();
    if members
        .iter()
        .any(|m| m.joined_on.is_some_and(|j| j > from) && !m.withdrew)
    {
        return Err(ApiError::bad_input("from", Rule::RingJoinsLater));
    }
    // The ring the order describes, checked as it stands on `from`.
    let proposed: Vec<Link> = ids
        .iter()
        .enumerate()
        .map(|(i, p)| Link {
            provider: *p,
            recipient: ids[(i + 1) % ids.len()],
            from,
            to: None,
            scope: 0.0,
            contact: String::new(),
        })
        .collect();
    if let Err(violation) = dso_ring::check_day(&members, &proposed, from) {
        let names = names(txn, &[violation.forbund()]).await?;
        return Err(ring_invalid(
            dso_ring::RingError {
                on: from,
                violation,
            },
            &names,
        ));
    }
    for m in members.iter_mut() {
        if let Some(pos) = ids.iter().position(|id| *id == m.forbund) {
            m.position = pos as f64 + 1.0;
        }
    }
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, from);
    check(txn, &members, &new_links, data.agreement.starts_on).await?;
    for row in &data.members {
        if let Some(pos) = ids.iter().position(|id| *id == row.forbund_id) {
            let mut active: dso_member::ActiveModel = row.clone().into();
            active.ring_position = Set(Some(pos as f64 + 1.0));
            active.version = Set(row.version + 1);
            active.updated_at = Set(now());
            active.update(txn).await?;
        }
    }
    let links = write_links(txn, &data, &new_links).await?;
    // A new order is about every member; it names the first of it.
    let first = ids.first().copied().unwrap_or_default();
    let change = RingChange::written(&data, first, from, links);
    Ok(Applied {
        operation: Operation::RearrangeDsoRing,
        entity: RecordKind::DsoAgreement,
        entity_id: data.agreement.id,
        before: serde_json::Value::Null,
        after: serde_json::json!({ "from": from, "order": order }),
        change,
    })
}
