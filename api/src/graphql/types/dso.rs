//! The DSO-ring types. Everything here is public: a DSO's contact details
//! must be published (GDPR art. 37(7)).

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_assignment, dso_member};

use super::dso_proposal::DsoServiceChange;
use super::{Date, Forbund};
use crate::domain::dso_ring;
use crate::service;

/// The förbund of `order`, in that order, in one batch.
async fn in_order(ctx: &Context<'_>, order: &[i32]) -> async_graphql::Result<Vec<Forbund>> {
    let snapshot = crate::graphql::reference(ctx).await?;
    Ok(order
        .iter()
        .filter_map(|id| snapshot.forbund_by_id(*id).cloned().map(Forbund))
        .collect())
}

pub(crate) async fn today(ctx: &Context<'_>, on: Option<Date>) -> async_graphql::Result<NaiveDate> {
    Ok(match on {
        Some(d) => d.0,
        None => crate::graphql::today(ctx)?,
    })
}

/// A DSO-ring agreement: its periods, notice and scope rules.
#[derive(Clone)]
pub struct DsoAgreement(pub dso_agreement::Model);

#[Object]
impl DsoAgreement {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::DsoAgreement,
            self.0.id,
        ))
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// The end of the first period; it then renews a renewal period at a time.
    async fn initial_ends_on(&self) -> Date {
        Date(self.0.initial_ends_on)
    }

    async fn renewal_months(&self) -> i32 {
        self.0.renewal_months
    }

    /// Notice runs this many calendar months from the day it is received.
    async fn notice_months(&self) -> i32 {
        self.0.notice_months
    }

    /// The most an assignment may take, in percent of a full-time position.
    async fn max_scope_percent(&self) -> f64 {
        self.0.max_scope_percent
    }

    /// The end of the period containing `on` (default today).
    async fn period_ends_on(
        &self,
        ctx: &Context<'_>,
        on: Option<Date>,
    ) -> async_graphql::Result<Date> {
        Ok(Date(period_end(&self.0, today(ctx, on).await?)))
    }

    /// The last day notice can be received to leave at the end of that period.
    async fn notice_deadline(
        &self,
        ctx: &Context<'_>,
        on: Option<Date>,
    ) -> async_graphql::Result<Date> {
        let end = period_end(&self.0, today(ctx, on).await?);
        Ok(Date(dso_ring::notice_deadline(
            end,
            u32::try_from(self.0.notice_months).unwrap_or(0),
        )))
    }

    /// Everyone who signed, joined, gave notice or left.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DsoMember>> {
        let snapshot = crate::graphql::reference(ctx).await?;
        Ok(snapshot
            .dso_members
            .iter()
            .filter(|m| m.agreement_id == self.0.id)
            .cloned()
            .map(DsoMember)
            .collect())
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

fn period_end(a: &dso_agreement::Model, day: NaiveDate) -> NaiveDate {
    dso_ring::period_end(
        a.initial_ends_on,
        u32::try_from(a.renewal_months).unwrap_or(0),
        day,
    )
}

/// A förbund's membership of a ring.
pub struct DsoMember(pub dso_member::Model);

#[Object]
impl DsoMember {
    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.forbund_id).await
    }

    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Date)
    }

    async fn notice_received_on(&self) -> Option<Date> {
        self.0.notice_received_on.map(Date)
    }

    /// The last day the member is in the ring, once notice is given.
    async fn last_day(&self) -> Option<Date> {
        self.0.last_day.map(Date)
    }

    /// Signed the agreement but left before the ring started.
    async fn withdrew_before_start(&self) -> bool {
        self.0.withdrew_before_start
    }

    /// Whether the member is in the ring on `on` (default today).
    async fn active(&self, ctx: &Context<'_>, on: Option<Date>) -> async_graphql::Result<bool> {
        let day = today(ctx, on).await?;
        Ok(!self.0.withdrew_before_start
            && self.0.joined_on.is_some_and(|j| j <= day)
            && self.0.last_day.is_none_or(|l| day <= l))
    }

    /// The DSO function this member provides.
    async fn contact(&self) -> Option<&str> {
        self.0.contact.as_deref()
    }

    async fn scope_percent(&self) -> Option<f64> {
        self.0.scope_percent
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One förbund's DSO serving another, for a stretch of days.
#[derive(Clone)]
pub struct DsoAssignment(pub dso_assignment::Model);

#[Object]
impl DsoAssignment {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::DsoAssignment,
            self.0.id,
        ))
    }

    async fn agreement(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DsoAgreement>> {
        Ok(crate::graphql::reference(ctx)
            .await?
            .agreement(self.0.agreement_id)
            .cloned()
            .map(DsoAgreement))
    }

    /// The förbund whose DSO serves.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.provider_id).await
    }

    /// The förbund served.
    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.recipient_id).await
    }

    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }

    /// The last day, when known.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }

    /// Percent of a full-time position.
    async fn scope_percent(&self) -> f64 {
        self.0.scope_percent
    }

    /// The DSO's function address (a function, not a person).
    async fn contact(&self) -> &str {
        &self.0.contact
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The ring of one agreement on one day.
pub struct DsoRing(pub service::dso::RingView);

#[Object]
impl DsoRing {
    async fn agreement(&self) -> DsoAgreement {
        DsoAgreement(self.0.data.agreement.clone())
    }

    async fn on(&self) -> Date {
        Date(self.0.on)
    }

    /// The members in ring order: each serves the next, the last the first.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Forbund>> {
        in_order(ctx, &self.0.order).await
    }

    /// The day's assignments, in ring order of their providers.
    async fn assignments(&self) -> Vec<DsoAssignment> {
        self.0
            .assignments
            .iter()
            .cloned()
            .map(DsoAssignment)
            .collect()
    }

    /// Every member serves and is served: one cycle of two or more.
    async fn complete(&self) -> bool {
        self.0.problem.is_none() && self.0.order.len() >= 2
    }

    /// One member or none left: there is no ring.
    async fn dissolved(&self) -> bool {
        self.0.problem.is_none() && self.0.order.len() < 2
    }

    /// What is wrong with the stored ring that day, if anything.
    async fn problem(&self) -> Option<&str> {
        self.0.problem.as_deref()
    }

    /// The end of the agreement period containing this day.
    async fn period_ends_on(&self) -> Date {
        Date(self.0.data.period_end(self.0.on))
    }

    /// The last day notice can be received to leave at that period's end.
    async fn notice_deadline(&self) -> Date {
        Date(self.0.data.notice_deadline(self.0.on))
    }
}

/// A stretch of days in which the ring stays the same.
pub struct DsoRingPeriod(pub service::dso::SchedulePeriod);

#[Object]
impl DsoRingPeriod {
    async fn from(&self) -> Date {
        Date(self.0.from)
    }

    /// The last day of the period (the end of the range asked for, at most).
    async fn to(&self) -> Option<Date> {
        self.0.to.map(Date)
    }

    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Forbund>> {
        in_order(ctx, &self.0.order).await
    }

    async fn assignments(&self) -> Vec<DsoAssignment> {
        self.0
            .assignments
            .iter()
            .cloned()
            .map(DsoAssignment)
            .collect()
    }
}

/// What joining, leaving or a scope change does to the ring; with the
/// proposal it waits as, when it needs the consent of another förbund.
pub struct DsoChange(
    pub service::dso::RingChange,
    pub Option<service::dso::ProposalView>,
);

#[Object]
impl DsoChange {
    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.forbund_id).await
    }

    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Date)
    }

    async fn notice_received_on(&self) -> Option<Date> {
        self.0.notice_received_on.map(Date)
    }

    /// The leaver's last day: notice day plus the notice period.
    async fn last_day(&self) -> Option<Date> {
        self.0.last_day.map(Date)
    }

    /// Who serves the leaver's recipient from the day after the last day.
    async fn taken_over_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.taken_over_by {
            Some(id) => Ok(Some(Forbund::referred(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The förbund the leaver served, which gets a new DSO.
    async fn handed_over(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.handed_over {
            Some(id) => Ok(Some(Forbund::referred(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The end of the agreement period the change falls in.
    async fn period_ends_on(&self) -> Date {
        Date(self.0.period_ends_on)
    }

    /// The last day notice can be received to leave at that period's end.
    async fn notice_deadline(&self) -> Date {
        Date(self.0.notice_deadline)
    }

    /// Assignments that end earlier than before.
    async fn ended(&self) -> Vec<DsoServiceChange> {
        self.0.ended.iter().cloned().map(DsoServiceChange).collect()
    }

    /// Assignments that begin.
    async fn started(&self) -> Vec<DsoServiceChange> {
        self.0
            .started
            .iter()
            .cloned()
            .map(DsoServiceChange)
            .collect()
    }

    /// False when nothing was written: a preview, or a change that waits
    /// for the consent of the förbund whose DSO it changes (`proposal`).
    async fn applied(&self) -> bool {
        self.0.applied
    }

    /// The proposal the change waits as, when another förbund's DSO changes.
    async fn proposal(&self) -> Option<super::dso_proposal::DsoProposal> {
        self.1.clone().map(super::dso_proposal::DsoProposal)
    }
}
