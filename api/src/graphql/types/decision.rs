//! A decision of a board meeting, linked to the insats it funds (story 6:
//! the decisions that granted an insats its money).

use async_graphql::{Context, ID, Object};
use finsam_entity::decision;

use super::{Insats, Meeting};
use crate::auth::policy::{DecisionView, decision_view};
use crate::graphql::loaders;

#[derive(Clone)]
pub struct Decision(pub decision::Model);

impl Decision {
    /// The insats it funds, when the caller may see it.
    async fn funded(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Insats>> {
        let Some(id) = self.0.insats_id else {
            return Ok(None);
        };
        let rows = loaders(ctx)?.insats.load_one(id).await?.unwrap_or_default();
        Ok(rows.into_iter().next().map(Insats::from))
    }

    /// What of it the caller sees (`policy::decision_view`).
    async fn view(&self, ctx: &Context<'_>) -> async_graphql::Result<DecisionView> {
        let funded = self.funded(ctx).await?;
        let funds = self.0.insats_id.map(|_| funded.is_some());
        let owner = funded.map(|i| i.1.slug.clone()).unwrap_or_default();
        let principal = &crate::graphql::caller(ctx)?.principal;
        Ok(decision_view(principal, funds, &owner))
    }
}

#[Object]
impl Decision {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::Decision,
            self.0.id,
        ))
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

    /// What was decided; null when the decision funds an insats the caller
    /// may not see (`withheld`).
    async fn text(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(self.view(ctx).await?.text.then_some(self.0.text.as_str()))
    }

    /// Whole SEK granted or requested, when the decision is about money; for
    /// signed-in callers who may see the insats it funds, like all money.
    async fn amount_sek(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        let shown = self.view(ctx).await?.amount;
        Ok(self.0.amount_sek.filter(|_| shown))
    }

    /// True when the decision funds an insats the caller may not see: its
    /// text and amount are withheld, as the insats is.
    async fn withheld(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(!self.view(ctx).await?.text)
    }

    /// The insats it concerns; null when none, or when the caller may not see it.
    async fn insats(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Insats>> {
        self.funded(ctx).await
    }
}
