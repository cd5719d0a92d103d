//! Reading one change for one subscriber: whether it may see it, and what
//! of it (`graphql::subscription`).

use async_graphql::ID;
use finsam_entity::{decision, dso_member};
use sea_orm::EntityTrait;

use super::Scope;
use crate::auth::policy::{self, Action};
use crate::error::ApiResult;
use crate::graphql::types::dso::DsoRing;
use crate::graphql::types::dso_proposal::DsoProposal;
use crate::graphql::types::live::{DsoRingChange, DsoRingChangeKind};
use crate::service::audit::RecordKind;
use crate::service::changes::Event;

/// Whether the subscriber could read the insats as it was before the
/// change (its owner and visibility then; an explicit share is not known
/// from the log, so a private insats shared with the subscriber's förbund
/// is not reported as removed).
pub(super) async fn could_see_before(scope: &Scope<'_>, event: &Event) -> ApiResult<bool> {
    let Some(before) = &event.before else {
        return Ok(false);
    };
    let reference = scope.cx.reference.get(&scope.cx.db).await?;
    let Some(owner) = reference.forbund_by_id(before.forbund_id) else {
        return Ok(false);
    };
    Ok(policy::allows(
        &scope.caller.principal,
        Action::ReadInsats {
            owner: &owner.slug,
            visibility: before.visibility,
            shared: false,
        },
    ))
}

/// The meeting a Meeting or Decision entry is about.
pub(super) async fn meeting_of(scope: Scope<'_>, event: &Event) -> ApiResult<Option<i32>> {
    let Ok(id) = event.entity_id.parse::<i32>() else {
        return Ok(None);
    };
    Ok(match event.entity {
        Some(RecordKind::Meeting) => Some(id),
        Some(RecordKind::Decision) => decision::Entity::find_by_id(id)
            .one(scope.db())
            .await?
            .map(|d| d.meeting_id),
        _ => None,
    })
}

/// The record's version, when it exists and the subscriber may read it.
pub(super) async fn version_of(
    scope: Scope<'_>,
    entity: RecordKind,
    id: i32,
) -> ApiResult<Option<i32>> {
    use finsam_entity::{dso_agreement, forbund, indicator, meeting};
    let db = scope.db();
    Ok(match entity {
        RecordKind::Insats => crate::service::insats::get(db, &scope.caller.principal, id)
            .await?
            .map(|(row, _)| row.version),
        RecordKind::Meeting => meeting::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.version),
        RecordKind::Forbund => forbund::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.version),
        RecordKind::Indicator => indicator::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.version),
        RecordKind::DsoAgreement => dso_agreement::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.version),
        RecordKind::DsoProposal => crate::service::dso::proposal(db, scope.caller, id)
            .await?
            .map(|p| p.proposal.version),
        _ => None,
    })
}

/// A DSO-ring entry as the subscriber may see it: the proposal only for its
/// parties; the ring (public) as it stands today.
pub(super) async fn ring_change(
    scope: Scope<'_>,
    event: &Event,
) -> ApiResult<Option<DsoRingChange>> {
    let Ok(id) = event.entity_id.parse::<i32>() else {
        return Ok(None);
    };
    let db = scope.db();
    let (agreement, proposal) = match event.entity {
        Some(RecordKind::DsoAgreement | RecordKind::DsoAssignment) => (Some(id), None),
        Some(RecordKind::DsoMember) => (
            dso_member::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|m| m.agreement_id),
            None,
        ),
        Some(RecordKind::DsoProposal) => {
            match crate::service::dso::proposal(db, scope.caller, id).await? {
                Some(view) => (Some(view.proposal.agreement_id), Some(view)),
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    let today = scope.cx.clock.today();
    let ring = match agreement {
        Some(agreement) => crate::service::dso::ring(db, Some(agreement), today, None).await?,
        None => None,
    };
    Ok(Some(DsoRingChange {
        event_id: scope.event_id(event),
        kind: DsoRingChangeKind::of(event.operation),
        agreement_id: agreement.map(|a| {
            ID(crate::record::id::global(
                crate::record::id::NodeKind::DsoAgreement,
                a,
            ))
        }),
        ring: ring.map(DsoRing),
        proposal: proposal.map(DsoProposal),
    }))
}
