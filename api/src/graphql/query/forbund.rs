use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};

use crate::graphql::pagination::page_args;
use crate::graphql::reader;
use crate::graphql::types::{Forbund, ForbundConnection, ForbundListTotal};
use crate::service;

#[derive(Default)]
pub struct ForbundQuery;

#[Object]
impl ForbundQuery {
    /// One förbund by slug; public.
    async fn forbund(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Forbund>> {
        Ok(service::forbund::by_slug(reader(ctx)?, &slug)
            .await?
            .map(Forbund))
    }

    /// The directory of förbund in slug order; public.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn forbund_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The endCursor of the previous page.")] after: Option<String>,
        #[graphql(desc = "Only förbund in this county (län), e.g. \"Västmanland\".")]
        county: Option<String>,
    ) -> async_graphql::Result<ForbundConnection> {
        let cursors = &crate::graphql::state(ctx)?.cursors;
        let page = page_args::<String>(cursors, "forbundList", first, after)?;
        let db = reader(ctx)?;
        let mut rows =
            service::forbund::list(db, county.as_deref(), page.after.as_deref(), page.limit + 1)
                .await?;
        let has_next = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        let mut connection = Connection::with_additional_fields(
            page.after.is_some(),
            has_next,
            ForbundListTotal { county },
        );
        connection.edges.extend(
            rows.into_iter()
                .map(|row| Edge::new(cursors.seal("forbundList", &row.slug), Forbund(row))),
        );
        Ok(connection)
    }
}
