//! Root queries on insatser: one by id, and the catalogue as a page
//! (`graphql::insats_list` has its filter, order and paging).

use async_graphql::{Context, ID, Object};

use crate::graphql::insats_list::{InsatsFilter, InsatsOrder, insats_page};
use crate::graphql::types::insats::{Insats, InsatsConnection};
use crate::graphql::{caller, reader};
use crate::service;

#[derive(Default)]
pub struct InsatsQuery;

#[Object]
impl InsatsQuery {
    /// One insats; null when it does not exist or the caller may not see it.
    async fn insats(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Insats>> {
        let Some(id) = crate::record::id::key(crate::record::id::NodeKind::Insats, &id) else {
            return Ok(None);
        };
        let row = service::insats::get(reader(ctx)?, &caller(ctx)?.principal, id).await?;
        Ok(row.map(Insats::from))
    }

    /// The insatser the caller may see, across förbund.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn insatser(
        &self,
        ctx: &Context<'_>,
        filter: Option<InsatsFilter>,
        order_by: Option<InsatsOrder>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<InsatsConnection> {
        insats_page(
            ctx,
            filter.unwrap_or_default().parse()?,
            order_by,
            first,
            after,
            None,
        )
        .await
    }
}
