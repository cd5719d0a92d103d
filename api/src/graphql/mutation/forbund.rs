//! Mutations on the förbund registry (network_admin): the records come from
//! `record::forbund`; `service::forbund` applies policy, rules and audit.

use super::SignedIn;
use async_graphql::{Context, Object};

use crate::graphql::types::Forbund;
use crate::graphql::{caller, services};
use crate::record::forbund::{ForbundPatch, NewForbund};

#[derive(Default)]
pub struct ForbundMutation;

#[Object]
impl ForbundMutation {
    /// Registers a förbund (network_admin).
    #[graphql(guard = "SignedIn")]
    async fn create_forbund(
        &self,
        ctx: &Context<'_>,
        input: NewForbund,
    ) -> async_graphql::Result<Forbund> {
        let row = crate::service::forbund::create(services(ctx)?, caller(ctx)?, input).await?;
        Ok(Forbund::from(row))
    }

    /// Changes a förbund (network_admin), based on the `version` read.
    #[graphql(guard = "SignedIn")]
    async fn update_forbund(
        &self,
        ctx: &Context<'_>,
        input: ForbundPatch,
    ) -> async_graphql::Result<Forbund> {
        let row = crate::service::forbund::update(services(ctx)?, caller(ctx)?, input).await?;
        Ok(Forbund::from(row))
    }
}
