//! An agreement's members and assignments, loaded and turned into the
//! terms of `domain::dso_ring` for the rules to work on.

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_assignment, dso_member};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::dso_ring::{self, Link, Member};
use crate::error::ApiResult;

/// Everything about one agreement that the rules need.
pub struct RingData {
    pub agreement: dso_agreement::Model,
    pub members: Vec<dso_member::Model>,
    pub assignments: Vec<dso_assignment::Model>,
}

impl RingData {
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        agreement: dso_agreement::Model,
    ) -> ApiResult<Self> {
        let members = dso_member::Entity::find()
            .filter(dso_member::Column::AgreementId.eq(agreement.id))
            .order_by_asc(dso_member::Column::Id)
            .all(conn)
            .await?;
        let assignments = dso_assignment::Entity::find()
            .filter(dso_assignment::Column::AgreementId.eq(agreement.id))
            .order_by_asc(dso_assignment::Column::ValidFrom)
            .order_by_asc(dso_assignment::Column::Id)
            .all(conn)
            .await?;
        Ok(RingData {
            agreement,
            members,
            assignments,
        })
    }

    /// A new agreement: nothing stored under it yet.
    pub fn empty(agreement: dso_agreement::Model) -> Self {
        RingData {
            agreement,
            members: vec![],
            assignments: vec![],
        }
    }

    pub fn domain_members(&self) -> Vec<Member> {
        self.members.iter().map(to_domain_member).collect()
    }

    pub fn domain_links(&self) -> Vec<Link> {
        self.assignments.iter().map(to_link).collect()
    }

    pub fn period_end(&self, day: NaiveDate) -> NaiveDate {
        dso_ring::period_end(
            self.agreement.initial_ends_on,
            months(self.agreement.renewal_months),
            day,
        )
    }

    pub fn notice_deadline(&self, day: NaiveDate) -> NaiveDate {
        dso_ring::notice_deadline(self.period_end(day), months(self.agreement.notice_months))
    }
}

pub(super) fn months(m: i32) -> u32 {
    u32::try_from(m).unwrap_or(0)
}

fn to_domain_member(m: &dso_member::Model) -> Member {
    Member {
        forbund: m.forbund_id,
        joined_on: m.joined_on,
        last_day: m.last_day,
        notice_received_on: m.notice_received_on,
        withdrew: m.withdrew_before_start,
        position: m.ring_position.unwrap_or(f64::from(m.id)),
        contact: m.contact.clone().unwrap_or_default(),
        scope: m.scope_percent.unwrap_or(0.0),
    }
}

pub(super) fn to_link(a: &dso_assignment::Model) -> Link {
    Link {
        provider: a.provider_id,
        recipient: a.recipient_id,
        from: a.valid_from,
        to: a.valid_to,
        scope: a.scope_percent,
        contact: a.contact.clone(),
    }
}
