//! A change to the DSO-ring waiting for consent: what was asked, by whom,
//! from which day, and each förbund's answer (DESIGN.md, "DSO-ring",
//! "Consent").

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};

use super::{Date, Forbund};
use crate::domain::dso_ring::Link;
use crate::service::dso::{PartyEffect, ProposalView, RingRequest};

/// What a proposal would change.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::ProposalKind")]
pub enum DsoProposalKind {
    /// A förbund joins the ring.
    Join,
    /// A förbund leaves the ring after its notice period.
    Leave,
    /// The share of full time a förbund's DSO provides.
    Scope,
    /// The order in which the members serve each other.
    Rearrange,
}

/// Where a proposal stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::ProposalStatus")]
pub enum DsoProposalStatus {
    /// Waiting for answers.
    Pending,
    /// Accepted by every party (or decided by the network) and in force.
    Applied,
    /// A party or the network declined it; nothing changed.
    Declined,
    /// Not accepted by its first day; nothing changed.
    Expired,
    /// Accepted, but the ring had changed so that it no longer fitted; nothing changed.
    Failed,
    /// Taken back by the förbund that proposed it; nothing changed.
    Withdrawn,
}

/// A party's answer.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::ProposalAnswer")]
pub enum DsoProposalAnswer {
    Pending,
    Accepted,
    Declined,
}

#[derive(Clone)]
pub struct DsoProposal(pub ProposalView);

/// A förbund whose DSO the proposal changes, and its answer.
pub struct DsoProposalParty(pub finsam_entity::dso_proposal_party::Model);

#[Object]
impl DsoProposalParty {
    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.forbund_id).await
    }

    async fn answer(&self) -> DsoProposalAnswer {
        self.0.answer.into()
    }

    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answered_at
    }

    /// The förbund whose DSO serves this one from the change on, if the
    /// change gives it a new one: what it is asked to accept.
    async fn new_dso(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.effect().and_then(|e| e.new_dso(self.0.forbund_id)) {
            Some(id) => Ok(Some(Forbund::referred(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The förbund this one's DSO serves from the change on, if that begins.
    async fn will_serve(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.effect().and_then(|e| e.will_serve(self.0.forbund_id)) {
            Some(id) => Ok(Some(Forbund::referred(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The assignments the change begins that this förbund provides or
    /// receives. The proposal is applied on the parties' word only if it
    /// still begins and ends exactly these.
    async fn begins(&self) -> Vec<DsoServiceChange> {
        self.effect()
            .map(|e| e.begins.into_iter().map(DsoServiceChange).collect())
            .unwrap_or_default()
    }

    /// The assignments of this förbund the change ends, with their new last day.
    async fn ends(&self) -> Vec<DsoServiceChange> {
        self.effect()
            .map(|e| e.ends.into_iter().map(DsoServiceChange).collect())
            .unwrap_or_default()
    }
}

impl DsoProposalParty {
    fn effect(&self) -> Option<PartyEffect> {
        PartyEffect::kept(&self.0)
    }
}

#[Object]
impl DsoProposal {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::DsoProposal,
            self.0.proposal.id,
        ))
    }

    async fn kind(&self) -> DsoProposalKind {
        self.0.proposal.kind.into()
    }

    /// Its state today: a pending proposal past its first day has expired.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<DsoProposalStatus> {
        let today = crate::graphql::today(ctx)?;
        Ok(self.0.status(today).into())
    }

    /// The förbund the change is about (the joiner, the leaver, the DSO
    /// whose scope changes); null for a new order.
    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.proposal.forbund_id {
            Some(id) => Ok(Some(Forbund::referred(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The förbund that asked for it.
    async fn proposed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.proposal.proposed_by_forbund_id {
            Some(id) => Ok(Some(Forbund::referred(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The first day it would change anything; unless every party has
    /// accepted by then, it expires.
    async fn effective_on(&self) -> Date {
        Date(self.0.proposal.effective_on)
    }

    /// The day asked from (joining, a scope, a new order).
    async fn from(&self) -> Option<Date> {
        match self.0.request()? {
            RingRequest::Join(j) => Some(Date(j.from)),
            RingRequest::Scope { from, .. } | RingRequest::Rearrange { from, .. } => {
                Some(Date(from))
            }
            RingRequest::Leave { .. } => None,
        }
    }

    /// For a leave: the day notice was received.
    async fn notice_received_on(&self) -> Option<Date> {
        match self.0.request()? {
            RingRequest::Leave {
                notice_received_on, ..
            } => Some(Date(notice_received_on)),
            _ => None,
        }
    }

    /// For a join: slug of the member the joiner is placed after.
    async fn after(&self) -> Option<String> {
        match self.0.request()? {
            RingRequest::Join(j) => j.after,
            _ => None,
        }
    }

    /// For a join: the member the joiner is placed after, by name (`after`
    /// is its slug).
    async fn after_forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.request() {
            Some(RingRequest::Join(j)) => match j.after {
                Some(slug) => Forbund::by_slug(ctx, &slug).await,
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// For a join: the DSO function address the joiner provides.
    async fn contact(&self) -> Option<String> {
        match self.0.request()? {
            RingRequest::Join(j) => Some(j.contact),
            _ => None,
        }
    }

    /// For a join or a scope: percent of full time.
    async fn scope_percent(&self) -> Option<f64> {
        match self.0.request()? {
            RingRequest::Join(j) => j.scope_percent,
            RingRequest::Scope { scope_percent, .. } => Some(scope_percent),
            _ => None,
        }
    }

    /// For a new order: the members' slugs in ring order.
    async fn order(&self) -> Option<Vec<String>> {
        match self.0.request()? {
            RingRequest::Rearrange { order, .. } => Some(order),
            _ => None,
        }
    }

    /// Every förbund whose DSO it changes, with its answer.
    async fn parties(&self) -> Vec<DsoProposalParty> {
        self.0
            .parties
            .iter()
            .cloned()
            .map(DsoProposalParty)
            .collect()
    }

    /// Why it failed, or why it was declined: the declining party's reason,
    /// or the network's.
    async fn outcome(&self) -> Option<&str> {
        self.0.proposal.outcome.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.proposal.created_at
    }

    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.proposal.decided_at
    }

    async fn version(&self) -> i32 {
        self.0.proposal.version
    }
}

/// The count behind a list of proposals.
#[derive(async_graphql::SimpleObject)]
pub struct DsoProposalTotal {
    pub total_count: i32,
}

pub type DsoProposalConnection = Connection<String, DsoProposal, DsoProposalTotal, EmptyFields>;

/// An assignment a change ends early or begins.
pub struct DsoServiceChange(pub Link);

#[Object]
impl DsoServiceChange {
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.provider).await
    }

    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<Forbund> {
        Forbund::referred(ctx, self.0.recipient).await
    }

    async fn valid_from(&self) -> Date {
        Date(self.0.from)
    }

    async fn valid_to(&self) -> Option<Date> {
        self.0.to.map(Date)
    }

    async fn scope_percent(&self) -> f64 {
        self.0.scope
    }

    async fn contact(&self) -> &str {
        &self.0.contact
    }
}
