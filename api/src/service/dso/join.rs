//! joinDsoRing: a förbund joins on a day, placed after a named member.

use chrono::NaiveDate;
use finsam_entity::dso_member;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

use super::{
    Applied, RingChange, RingData, agreement_on, check, check_contact, check_scope, write_links,
};
use crate::domain::dso_ring::{self, JoinError, Member};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::{Operation, RecordKind};
use crate::service::now;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct JoinInput {
    pub agreement: Option<i32>,
    pub forbund: String,
    pub from: NaiveDate,
    pub after: Option<String>,
    pub contact: String,
    pub scope_percent: Option<f64>,
}

/// joinDsoRing, written in `txn`: the förbund joins on `from`, placed after
/// `after`. The förbund must be active that day (founded, not dissolved).
pub(super) async fn join_in(txn: &DatabaseTransaction, input: &JoinInput) -> ApiResult<Applied> {
    let joiner = crate::service::forbund::require_slug(txn, &input.forbund, "forbund").await?;
    let active = joiner.founded_on.is_none_or(|f| f <= input.from)
        && joiner.dissolved_on.is_none_or(|d| d >= input.from);
    if !active {
        return Err(ApiError::bad_input(
            "from",
            Rule::ForbundNotActive
                .with("forbund", &joiner.name)
                .with("day", input.from),
        ));
    }
    let agreement = agreement_on(txn, input.agreement, input.from).await?;
    let data = RingData::load(txn, agreement).await?;
    let scope = input
        .scope_percent
        .unwrap_or(data.agreement.max_scope_percent);
    check_scope(scope, &data.agreement)?;
    let contact = check_contact("contact", &input.contact)?;
    if input.from < data.agreement.starts_on {
        return Err(ApiError::bad_input(
            "from",
            Rule::AgreementNotStarted.with("day", data.agreement.starts_on),
        ));
    }
    let after = match &input.after {
        Some(slug) => Some(crate::service::forbund::require_slug(txn, slug, "after").await?),
        None => None,
    };
    let mut members = data.domain_members();
    let joiner_member = Member {
        forbund: joiner.id,
        joined_on: Some(input.from),
        last_day: None,
        notice_received_on: None,
        withdrew: false,
        position: 0.0,
        contact: contact.clone(),
        scope,
    };
    dso_ring::join(&mut members, joiner_member, after.as_ref().map(|a| a.id)).map_err(
        |e| match e {
            JoinError::AlreadyMember => ApiError::bad_input(
                "forbund",
                Rule::RingAlreadyMember.with("forbund", &joiner.name),
            ),
            JoinError::AfterNotActive(_) => ApiError::bad_input("after", Rule::RingAfterNotActive),
            JoinError::AfterRequired => ApiError::bad_input("after", Rule::RingAfterRequired),
        },
    )?;
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, input.from);
    check(txn, &members, &new_links, data.agreement.starts_on).await?;
    let position = members
        .iter()
        .find(|m| m.forbund == joiner.id)
        .map(|m| m.position);
    let at = now();
    let existing = data
        .members
        .iter()
        .find(|m| m.forbund_id == joiner.id)
        .cloned();
    let row = match &existing {
        Some(old) => {
            let mut active: dso_member::ActiveModel = old.clone().into();
            active.joined_on = Set(Some(input.from));
            active.notice_received_on = Set(None);
            active.last_day = Set(None);
            active.withdrew_before_start = Set(false);
            active.ring_position = Set(position);
            active.contact = Set(Some(contact.clone()));
            active.scope_percent = Set(Some(scope));
            active.version = Set(old.version + 1);
            active.updated_at = Set(at);
            active.update(txn).await?
        }
        None => {
            crate::service::insert_new(
                txn,
                at,
                dso_member::ActiveModel {
                    agreement_id: Set(data.agreement.id),
                    forbund_id: Set(joiner.id),
                    signed: Set(true),
                    joined_on: Set(Some(input.from)),
                    notice_received_on: Set(None),
                    last_day: Set(None),
                    withdrew_before_start: Set(false),
                    ring_position: Set(position),
                    contact: Set(Some(contact.clone())),
                    scope_percent: Set(Some(scope)),
                    ..Default::default()
                },
            )
            .await?
        }
    };
    let links = write_links(txn, &data, &new_links).await?;
    let change = RingChange {
        joined_on: Some(input.from),
        ..RingChange::written(&data, joiner.id, input.from, links)
    };
    Ok(Applied {
        operation: Operation::JoinDsoRing,
        entity: RecordKind::DsoMember,
        entity_id: row.id,
        before: serde_json::to_value(&existing).unwrap_or_default(),
        after: serde_json::to_value((&row, &change)).unwrap_or_default(),
        change,
    })
}
