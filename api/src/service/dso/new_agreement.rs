//! createDsoAgreement (network_admin): an agreement and its first ring.

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_member};
use sea_orm::Set;

use super::{RingData, check, check_contact, write_links};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::domain::dso_ring::{self, Member};
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::dso::{AgreementTerms, NewAgreement};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// The row checked terms are stored as (createDsoAgreement and the seed).
pub fn agreement_row(
    terms: &AgreementTerms,
    decided_on: Option<NaiveDate>,
) -> dso_agreement::ActiveModel {
    dso_agreement::ActiveModel {
        name: Set(terms.name.clone()),
        decided_on: Set(decided_on),
        starts_on: Set(terms.starts_on.0),
        initial_ends_on: Set(terms.initial_ends_on.0),
        renewal_months: Set(terms.renewal_months),
        notice_months: Set(terms.notice_months),
        max_scope_percent: Set(terms.max_scope_percent),
        ..Default::default()
    }
}

/// createDsoAgreement (network_admin): the agreement and its first ring.
pub async fn create_agreement(
    cx: &ServiceContext,
    caller: &Caller,
    input: NewAgreement,
) -> ApiResult<dso_agreement::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let terms = input.terms.checked()?;
    let txn = super::begin_ring_change(&cx.db).await?;
    let at = now();
    let agreement = crate::service::insert_new(&txn, at, agreement_row(&terms, None)).await?;
    let mut members = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        let f = crate::service::forbund::require_slug(
            &txn,
            &m.forbund,
            &format!("members[{i}].forbund"),
        )
        .await?;
        if members.iter().any(|x: &Member| x.forbund == f.id) {
            return Err(ApiError::DsoRingInvalid(
                Rule::RingServesTwice
                    .with("forbund", &f.name)
                    .with("day", chrono::NaiveDate::from(terms.starts_on)),
            ));
        }
        let scope = m.scope_percent.unwrap_or(terms.max_scope_percent);
        if !scope.is_finite() || scope <= 0.0 || scope > terms.max_scope_percent {
            return Err(ApiError::bad_input(
                format!("members[{i}].scopePercent"),
                Rule::ScopeRange.with("max", terms.max_scope_percent),
            ));
        }
        let contact = check_contact(&format!("members[{i}].contact"), &m.contact)?;
        members.push(Member {
            forbund: f.id,
            joined_on: Some(terms.starts_on.0),
            last_day: None,
            notice_received_on: None,
            withdrew: false,
            position: i as f64 + 1.0,
            contact,
            scope,
        });
    }
    let links = dso_ring::derive(&members, terms.starts_on.0);
    check(&txn, &members, &links, terms.starts_on.0).await?;
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
            Operation::CreateDsoAgreement,
            RecordKind::DsoAgreement,
            agreement.id,
            None,
            &agreement,
        ),
    )
    .await?;
    Ok(agreement)
}
