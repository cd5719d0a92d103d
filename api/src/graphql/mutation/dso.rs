//! Mutations on the DSO-ring: an agreement and its first ring, joining,
//! leaving with notice, a DSO's scope and a new order (DESIGN.md,
//! "DSO-ring"). `service::dso` applies the ring's rules and the policy.

use async_graphql::{Context, ID, Object};

use super::parse_id;
use crate::graphql::types::Date;
use crate::graphql::types::dso::{DsoAgreement, DsoChange, DsoRing};
use crate::graphql::{caller, reader, services};
use crate::record::dso::NewAgreement;
use crate::service;
use crate::service::dso::JoinInput;

fn optional_id(id: Option<ID>) -> crate::error::ApiResult<Option<i32>> {
    id.map(|i| parse_id("agreement", &i)).transpose()
}

#[derive(Default)]
pub struct DsoMutation;

#[Object]
impl DsoMutation {
    /// A new agreement and its first ring (network_admin).
    async fn create_dso_agreement(
        &self,
        ctx: &Context<'_>,
        input: NewAgreement,
    ) -> async_graphql::Result<DsoAgreement> {
        Ok(DsoAgreement(
            service::dso::create_agreement(services(ctx)?, caller(ctx)?, input).await?,
        ))
    }

    /// The förbund joins the ring on `from`, after `after` (its admin, or
    /// network_admin).
    #[allow(clippy::too_many_arguments)]
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
        let input = JoinInput {
            agreement: optional_id(agreement)?,
            forbund,
            from: from.0,
            after,
            contact,
            scope_percent,
        };
        Ok(DsoChange(
            service::dso::join(services(ctx)?, caller(ctx)?, input).await?,
        ))
    }

    /// Records the förbund's notice, received on `noticeReceivedOn` (its
    /// admin, or network_admin), and re-forms the ring from the day after
    /// its last day.
    async fn leave_dso_ring(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        notice_received_on: Date,
    ) -> async_graphql::Result<DsoChange> {
        let change = service::dso::leave(
            services(ctx)?,
            caller(ctx)?,
            optional_id(agreement)?,
            &forbund,
            notice_received_on.0,
            true,
        )
        .await?;
        Ok(DsoChange(change))
    }

    /// Changes the scope of the DSO the förbund provides, from `from` on,
    /// within the agreement's maximum.
    async fn set_dso_assignment_scope(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        scope_percent: f64,
        from: Date,
    ) -> async_graphql::Result<DsoChange> {
        let change = service::dso::set_scope(
            services(ctx)?,
            caller(ctx)?,
            optional_id(agreement)?,
            &forbund,
            scope_percent,
            from.0,
        )
        .await?;
        Ok(DsoChange(change))
    }

    /// From `from`, the members serve each other in `order` (network_admin).
    /// An order that would leave a member unserved or serving itself is
    /// refused with DSO_RING_INVALID.
    async fn rearrange_dso_ring(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        from: Date,
        order: Vec<String>,
    ) -> async_graphql::Result<DsoRing> {
        let agreement_row = service::dso::rearrange(
            services(ctx)?,
            caller(ctx)?,
            optional_id(agreement)?,
            from.0,
            &order,
        )
        .await?;
        let view = service::dso::ring(reader(ctx)?, Some(agreement_row.id), from.0, None)
            .await?
            .ok_or_else(|| async_graphql::Error::new("agreement vanished"))?;
        Ok(DsoRing(view))
    }
}
