//! Apollo Federation 2 entities: how a router resolves a `Forbund` by
//! `slug`, an `Insats` by `id`, an `Indicator` by `code` and a
//! `DsoAgreement` by `id` that another subgraph refers to. Each applies
//! exactly the rules of the root fields: an insats the caller may not see
//! resolves to null (a PRIVATE insats is not revealed through
//! `_entities`), through the same visibility-filtered loader.

use async_graphql::{Context, ID, Object};

use crate::graphql::types::dso::DsoAgreement;
use crate::graphql::types::indicator::Indicator;
use crate::graphql::types::{Forbund, Insats};
use crate::graphql::{loaders, reader};
use crate::service;

#[derive(Default)]
pub struct EntityQuery;

#[Object]
impl EntityQuery {
    /// A förbund by its slug; the directory is public.
    #[graphql(entity)]
    async fn find_forbund_by_slug(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Forbund>> {
        Forbund::by_slug(ctx, &slug).await
    }

    /// An insats by id, if the caller may see it (null as for a missing one).
    #[graphql(entity)]
    async fn find_insats_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Insats>> {
        let Some(id) = crate::record::id::key(crate::record::id::NodeKind::Insats, &id) else {
            return Ok(None);
        };
        let rows = loaders(ctx)?.insats.load_one(id).await?.unwrap_or_default();
        Ok(rows.into_iter().next().map(Insats::from))
    }

    /// An indicator definition by code; definitions are public.
    #[graphql(entity)]
    async fn find_indicator_by_code(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<Indicator>> {
        Ok(service::indicator::definitions(reader(ctx)?)
            .await?
            .into_iter()
            .find(|d| d.code == code)
            .map(Indicator))
    }

    /// A DSO-ring agreement by id; agreements are public.
    #[graphql(entity)]
    async fn find_dso_agreement_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<DsoAgreement>> {
        let Some(id) = crate::record::id::key(crate::record::id::NodeKind::DsoAgreement, &id)
        else {
            return Ok(None);
        };
        Ok(crate::graphql::reference(ctx)
            .await?
            .agreement(id)
            .cloned()
            .map(DsoAgreement))
    }
}
