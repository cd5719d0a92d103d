//! rearrangeDsoRing (network_admin): the members serve each other in a new
//! order from a day on.

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_member};
use sea_orm::{ActiveModelTrait, Set};

use super::{RingData, agreement_on, check, names, ring_invalid, write_links};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::dso_ring::{self, Link};
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::{ServiceContext, now};

/// rearrangeDsoRing (network_admin): from `from`, the members serve each
/// other in `order` (each the next, the last the first). An order that leaves
/// a member out, names one twice or names a non-member is refused with
/// DSO_RING_INVALID.
pub async fn rearrange(
    cx: &ServiceContext,
    caller: &Caller,
    agreement_id: Option<i32>,
    from: NaiveDate,
    order: &[String],
) -> ApiResult<dso_agreement::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let txn = begin_write(&cx.db).await?;
    let agreement = agreement_on(&txn, agreement_id, from).await?;
    let data = RingData::load(&txn, agreement).await?;
    let mut ids = Vec::with_capacity(order.len());
    for (i, slug) in order.iter().enumerate() {
        ids.push(
            crate::service::forbund::require_slug(&txn, slug, &format!("order[{i}]"))
                .await?
                .id,
        );
    }
    let mut members = data.domain_members();
    if members
        .iter()
        .any(|m| m.joined_on.is_some_and(|j| j > from) && !m.withdrew)
    {
        return Err(ApiError::bad_input(
            "from",
            "a member joins after this day; rearrange from that day instead",
        ));
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
        let names = names(&txn, &[violation.forbund()]).await?;
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
    check(&txn, &members, &new_links, data.agreement.starts_on).await?;
    for row in &data.members {
        if let Some(pos) = ids.iter().position(|id| *id == row.forbund_id) {
            let mut active: dso_member::ActiveModel = row.clone().into();
            active.ring_position = Set(Some(pos as f64 + 1.0));
            active.version = Set(row.version + 1);
            active.updated_at = Set(now());
            active.update(&txn).await?;
        }
    }
    write_links(&txn, &data, &new_links).await?;
    audit::commit(
        txn,
        caller,
        Change::created(
            "rearrangeDsoRing",
            "DsoAgreement",
            data.agreement.id,
            None,
            &serde_json::json!({ "from": from, "order": order }),
        ),
    )
    .await?;
    Ok(data.agreement)
}
