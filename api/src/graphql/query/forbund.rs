//! Root queries on the förbund directory: one by slug and the directory as a
//! page. Public.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};

use crate::graphql::pagination::page_args;
use crate::graphql::types::{Forbund, ForbundConnection, ForbundListTotal};

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
        Forbund::by_slug(ctx, &slug).await
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
        let cursors = &crate::graphql::context(ctx)?.cursors;
        let page = page_args::<String>(cursors, "forbundList", first, after)?;
        // From memory, in the database's slug order (the snapshot is read
        // in it), continuing after the cursor's slug by position.
        let snapshot = crate::graphql::reference(ctx).await?;
        let listed: Vec<&std::sync::Arc<finsam_entity::forbund::Model>> = snapshot
            .forbund
            .iter()
            .filter(|f| county.as_ref().is_none_or(|c| &f.county == c))
            .collect();
        let start = match &page.after {
            Some(after) => listed
                .iter()
                .position(|f| &f.slug == after)
                .map_or(listed.len(), |i| i + 1),
            None => 0,
        };
        let mut rows: Vec<std::sync::Arc<finsam_entity::forbund::Model>> = listed
            .iter()
            .skip(start)
            .take(page.limit as usize + 1)
            .map(|f| (*f).clone())
            .collect();
        let has_next = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        let mut connection = Connection::with_additional_fields(
            page.after.is_some(),
            has_next,
            ForbundListTotal { county },
        );
        let wanted = crate::graphql::pagination::EdgeCursors::of(ctx, rows.len());
        connection
            .edges
            .extend(rows.into_iter().enumerate().map(|(i, row)| {
                Edge::new(
                    wanted.seal(cursors, "forbundList", i, || row.slug.clone()),
                    Forbund(row),
                )
            }));
        Ok(connection)
    }
}
