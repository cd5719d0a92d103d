//! createDsoAgreement (network_admin): an agreement and its first ring.

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_member};
use sea_orm::Set;

use super::{RingData, check, check_contact, write_links};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::dso_ring::{self, Member};
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::{ServiceContext, now};

pub struct NewAgreementMember {
    pub forbund: String,
    pub contact: String,
    pub scope_percent: Option<f64>,
}

pub struct NewAgreement {
    pub name: String,
    pub starts_on: NaiveDate,
    pub initial_ends_on: NaiveDate,
    pub renewal_months: i32,
    pub notice_months: i32,
    pub max_scope_percent: f64,
    /// In ring order: each serves the next, the last the first.
    pub members: Vec<NewAgreementMember>,
}

/// createDsoAgreement (network_admin): the agreement and its first ring.
pub async fn create_agreement(
    cx: &ServiceContext,
    caller: &Caller,
    input: NewAgreement,
) -> ApiResult<dso_agreement::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_input(
            "name",
            "give a name of at most 200 characters",
        ));
    }
    if input.initial_ends_on < input.starts_on {
        return Err(ApiError::bad_input(
            "initialEndsOn",
            "must not be before startsOn",
        ));
    }
    if !(1..=120).contains(&input.renewal_months) {
        return Err(ApiError::bad_input(
            "renewalMonths",
            "must be 1 to 120 months",
        ));
    }
    if !(0..=60).contains(&input.notice_months) {
        return Err(ApiError::bad_input(
            "noticeMonths",
            "must be 0 to 60 months",
        ));
    }
    if !input.max_scope_percent.is_finite()
        || !(0.0..=100.0).contains(&input.max_scope_percent)
        || input.max_scope_percent == 0.0
    {
        return Err(ApiError::bad_input(
            "maxScopePercent",
            "a percentage above 0 and at most 100",
        ));
    }
    let txn = begin_write(&cx.db).await?;
    let at = now();
    let agreement = crate::service::insert_new(
        &txn,
        at,
        dso_agreement::ActiveModel {
            name: Set(name.to_string()),
            decided_on: Set(None),
            starts_on: Set(input.starts_on),
            initial_ends_on: Set(input.initial_ends_on),
            renewal_months: Set(input.renewal_months),
            notice_months: Set(input.notice_months),
            max_scope_percent: Set(input.max_scope_percent),
            ..Default::default()
        },
    )
    .await?;
    let mut members = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        let f = crate::service::forbund::require_slug(
            &txn,
            &m.forbund,
            &format!("members[{i}].forbund"),
        )
        .await?;
        if members.iter().any(|x: &Member| x.forbund == f.id) {
            return Err(ApiError::DsoRingInvalid(format!(
                "{} would serve two förbund",
                f.name
            )));
        }
        let scope = m.scope_percent.unwrap_or(input.max_scope_percent);
        if !scope.is_finite() || scope <= 0.0 || scope > input.max_scope_percent {
            return Err(ApiError::bad_input(
                format!("members[{i}].scopePercent"),
                "above 0 and at most the agreement's maximum",
            ));
        }
        let contact = check_contact(&m.contact).map_err(|_| {
            ApiError::bad_input(
                format!("members[{i}].contact"),
                "give the DSO function's address",
            )
        })?;
        members.push(Member {
            forbund: f.id,
            joined_on: Some(input.starts_on),
            last_day: None,
            notice_received_on: None,
            withdrew: false,
            position: i as f64 + 1.0,
            contact,
            scope,
        });
    }
    let links = dso_ring::derive(&members, input.starts_on);
    check(&txn, &members, &links, input.starts_on).await?;
    for m in &members {
        crate::service::insert_new(
            &txn,
            at,
            dso_member::ActiveModel {
                agreement_id: Set(agreement.id),
                forbund_id: Set(m.forbund),
                signed: Set(true),
                joined_on: Set(m.joined_on),
                notice_received_on: Set(None),
                last_day: Set(None),
                withdrew_before_start: Set(false),
                ring_position: Set(Some(m.position)),
                contact: Set(Some(m.contact.clone())),
                scope_percent: Set(Some(m.scope)),
                ..Default::default()
            },
        )
        .await?;
    }
    write_links(&txn, &RingData::empty(agreement.clone()), &links).await?;
    audit::commit(
        txn,
        caller,
        Change::created(
            "createDsoAgreement",
            "DsoAgreement",
            agreement.id,
            None,
            &agreement,
        ),
    )
    .await?;
    Ok(agreement)
}
