//! The root `meetings` and `meeting` queries: board meetings across
//! förbund, a public calendar.

use async_graphql::{Context, ID, Object};

use crate::graphql::reader;
use crate::graphql::types::Date;
use crate::graphql::types::meeting::Meeting;
use crate::service;

#[derive(Default)]
pub struct MeetingQuery;

#[Object]
impl MeetingQuery {
    /// Board meetings between two days, across förbund (all, or those named).
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        forbund: Option<Vec<String>>,
    ) -> async_graphql::Result<Vec<Meeting>> {
        let rows = service::meeting::calendar(reader(ctx)?, from.0, to.0, forbund).await?;
        Ok(rows.into_iter().map(Meeting).collect())
    }

    /// One meeting, with its decisions (an id that is not one gives null).
    async fn meeting(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Meeting>> {
        let Some(id) = crate::record::id::key(crate::record::id::NodeKind::Meeting, &id) else {
            return Ok(None);
        };
        Ok(service::meeting::by_id(reader(ctx)?, id)
            .await?
            .map(Meeting))
    }
}
