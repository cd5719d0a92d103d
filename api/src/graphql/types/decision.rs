//! A decision of a board meeting, linked to the insats it funds (story 6:
//! the decisions that granted an insats its money).

use async_graphql::{Context, ID, Object};
use finsam_entity::decision;

use super::{Insats, Meeting};
use crate::graphql::loaders;

pub struct Decision(pub decision::Model);

#[Object]
impl Decision {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Meeting>> {
        Ok(loaders(ctx)?
            .meeting
            .load_one(self.0.meeting_id)
            .await?
            .map(Meeting))
    }

    /// The paragraph (§) of the minutes, when known.
    async fn paragraph(&self) -> Option<i32> {
        self.0.paragraph
    }

    async fn text(&self) -> &str {
        &self.0.text
    }

    /// Whole SEK granted or requested, when the decision is about money.
    async fn amount_sek(&self) -> Option<i64> {
        self.0.amount_sek
    }

    /// The insats it concerns; null when none, or when the caller may not see it.
    async fn insats(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Insats>> {
        let Some(id) = self.0.insats_id else {
            return Ok(None);
        };
        let rows = loaders(ctx)?.insats.load_one(id).await?.unwrap_or_default();
        Ok(rows.into_iter().next().map(Insats::from))
    }
}
