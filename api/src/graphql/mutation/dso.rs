//! Mutations on the DSO-ring: an agreement and its first ring, joining,
//! leaving with notice, a DSO's scope and a new order (DESIGN.md,
//! "DSO-ring"). `service::dso` applies the ring's rules and the policy.

use async_graphql::{Context, ID, Object};

use super::{SignedIn, parse_id};
use crate::graphql::types::Date;
use crate::graphql::types::dso::{DsoAgreement, DsoChange, DsoRing};
use crate::graphql::types::dso_proposal::DsoProposal;
use crate::graphql::{caller, reader, services};
use crate::record::dso::NewAgreement;
use crate::record::id::NodeKind;
use crate::service;
use crate::service::dso::{JoinInput, RingRequest};

fn optional_id(id: Option<ID>) -> crate::error::ApiResult<Option<i32>> {
    id.map(|i| parse_id(NodeKind::DsoAgreement, "agreement", &i))
        .transpose()
}

#[derive(Default)]
pub struct DsoMutation;

#[Object]
impl DsoMutation {
    /// A new agreement and its first ring (network_admin).
    #[graphql(guard = "SignedIn")]
    async fn create_dso_agreement(
        &self,
        ctx: &Context<'_>,
        input: NewAgreement,
    ) -> async_graphql::Result<DsoAgreement> {
        Ok(DsoAgreement(
            service::dso::create_agreement(services(ctx)?, caller(ctx)?, input).await?,
        ))
    }

    /// The förbund joins the ring on `from` (today or later), after `after`
    /// (its admin, or network_admin). The förbund whose DSO this changes
    /// must consent: until they have, it waits as `proposal`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(guard = "SignedIn")]
    async fn join_dso_ring(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        from: Date,
        #[graphql(
            desc = "Slug of the member the new one is placed after: it will serve the newcomer."
        )]
        after: Option<String>,
        #[graphql(desc = "The DSO function address the newcomer provides.")] contact: String,
        scope_percent: Option<f64>,
    ) -> async_graphql::Result<DsoChange> {
        let request = RingRequest::Join(JoinInput {
            agreement: optional_id(agreement)?,
            forbund,
            from: from.0,
            after,
            contact,
            scope_percent,
        });
        ring_change(ctx, request).await
    }

    /// Records the förbund's notice, received on `noticeReceivedOn` (its
    /// admin, or network_admin), and re-forms the ring from the day after
    /// its last day, once the förbund whose DSO this changes consent.
    #[graphql(guard = "SignedIn")]
    async fn leave_dso_ring(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        notice_received_on: Date,
    ) -> async_graphql::Result<DsoChange> {
        let request = RingRequest::Leave {
            agreement: optional_id(agreement)?,
            forbund,
            notice_received_on: notice_received_on.0,
        };
        ring_change(ctx, request).await
    }

    /// Changes the scope of the DSO the förbund provides, from `from` on,
    /// within the agreement's maximum, once the förbund it serves consents.
    #[graphql(guard = "SignedIn")]
    async fn set_dso_assignment_scope(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        scope_percent: f64,
        from: Date,
    ) -> async_graphql::Result<DsoChange> {
        let request = RingRequest::Scope {
            agreement: optional_id(agreement)?,
            forbund,
            scope_percent,
            from: from.0,
        };
        ring_change(ctx, request).await
    }

    /// From `from` (today or later), the members serve each other in
    /// `order` (network_admin, who decides for the network). An order that
    /// would leave a member unserved or serving itself is refused with
    /// DSO_RING_INVALID.
    #[graphql(guard = "SignedIn")]
    async fn rearrange_dso_ring(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        from: Date,
        order: Vec<String>,
    ) -> async_graphql::Result<DsoRing> {
        let request = RingRequest::Rearrange {
            agreement: optional_id(agreement)?,
            from: from.0,
            order,
        };
        let outcome = service::dso::request(services(ctx)?, caller(ctx)?, request).await?;
        ring_on(ctx, outcome.change.agreement_id, from).await
    }

    /// Corrects the ring's past (network_admin): from `from`, which may lie
    /// before today, the members served each other in `order`. The reason is
    /// kept in the audit log of every förbund on the ring.
    #[graphql(guard = "SignedIn")]
    async fn correct_dso_ring_history(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        from: Date,
        order: Vec<String>,
        reason: String,
    ) -> async_graphql::Result<DsoRing> {
        let change = service::dso::correct_history(
            services(ctx)?,
            caller(ctx)?,
            optional_id(agreement)?,
            from.0,
            order,
            &reason,
        )
        .await?;
        ring_on(ctx, change.agreement_id, from).await
    }

    /// Ends a member's place on the ring on `lastDay` (network_admin), past
    /// or future — above all at its dissolution: a förbund's last day on a
    /// ring is at most its last day of life. From the next day the förbund
    /// that served it serves its recipient. The reason is kept in the audit
    /// log of every förbund it touches.
    #[graphql(guard = "SignedIn")]
    async fn close_dso_membership(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        last_day: Date,
        reason: String,
    ) -> async_graphql::Result<DsoChange> {
        let change = service::dso::close_membership(
            services(ctx)?,
            caller(ctx)?,
            optional_id(agreement)?,
            &forbund,
            last_day.0,
            &reason,
        )
        .await?;
        Ok(DsoChange(change, None))
    }

    /// The förbund's answer to a proposal that changes its DSO (its admin):
    /// the last acceptance applies it.
    #[graphql(guard = "SignedIn")]
    async fn accept_dso_proposal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        forbund: String,
    ) -> async_graphql::Result<DsoProposal> {
        answer(ctx, &id, &forbund, true, None).await
    }

    /// The förbund declines a proposal that changes its DSO (its admin):
    /// nothing of it takes effect.
    #[graphql(guard = "SignedIn")]
    async fn decline_dso_proposal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        forbund: String,
        #[graphql(
            desc = "Why, for the proposer (the proposal's `outcome`) and the log; at most 1 000 characters."
        )]
        reason: Option<String>,
    ) -> async_graphql::Result<DsoProposal> {
        answer(ctx, &id, &forbund, false, reason).await
    }

    /// The förbund that proposed a change (its admin) takes it back while
    /// it still waits for answers: nothing of it takes effect, and its
    /// parties are told.
    #[graphql(guard = "SignedIn")]
    async fn withdraw_dso_proposal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "Slug of the förbund that proposed it.")] forbund: String,
        #[graphql(
            desc = "Why, for the parties (the proposal's `outcome`) and the log; at most 1 000 characters."
        )]
        reason: Option<String>,
    ) -> async_graphql::Result<DsoProposal> {
        let id = parse_id(NodeKind::DsoProposal, "id", &id)?;
        let view =
            service::dso::withdraw(services(ctx)?, caller(ctx)?, id, &forbund, reason).await?;
        Ok(DsoProposal(view))
    }

    /// The network's decision on a proposal (network_admin): apply it now,
    /// or decline it, whatever the parties have answered.
    #[graphql(guard = "SignedIn")]
    async fn decide_dso_proposal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        apply: bool,
    ) -> async_graphql::Result<DsoProposal> {
        let id = parse_id(NodeKind::DsoProposal, "id", &id)?;
        let view = service::dso::decide(services(ctx)?, caller(ctx)?, id, apply).await?;
        Ok(DsoProposal(view))
    }
}

/// A förbund's answer to a proposal (accept or decline: one path, a flag).
async fn answer(
    ctx: &Context<'_>,
    id: &ID,
    forbund: &str,
    accept: bool,
    reason: Option<String>,
) -> async_graphql::Result<DsoProposal> {
    let id = parse_id(NodeKind::DsoProposal, "id", id)?;
    let view =
        service::dso::answer(services(ctx)?, caller(ctx)?, id, forbund, accept, reason).await?;
    Ok(DsoProposal(view))
}

/// A change asked for through the API: applied, or waiting as a proposal.
async fn ring_change(ctx: &Context<'_>, request: RingRequest) -> async_graphql::Result<DsoChange> {
    let outcome = service::dso::request(services(ctx)?, caller(ctx)?, request).await?;
    let proposal = match &outcome.proposal {
        Some(p) => service::dso::proposal(&services(ctx)?.db, caller(ctx)?, p.id).await?,
        None => None,
    };
    Ok(DsoChange(outcome.change, proposal))
}

/// The ring of `agreement` as it stands on `from`, after a change.
async fn ring_on(ctx: &Context<'_>, agreement: i32, from: Date) -> async_graphql::Result<DsoRing> {
    let view = service::dso::ring(reader(ctx)?, Some(agreement), from.0, None)
        .await?
        .ok_or_else(|| async_graphql::Error::new("agreement vanished"))?;
    Ok(DsoRing(view))
}
