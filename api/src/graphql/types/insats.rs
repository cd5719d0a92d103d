//! `Insats` and what hangs off it: budgets, goals, outcomes, extensions,
//! shares, carried-over links and the decisions that fund it.

use std::sync::Arc;

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use finsam_entity::{forbund, insats};

use super::{Date, Decision, Forbund};
use crate::auth::policy::{self, Action};
use crate::graphql::{caller, loaders, reader};
use crate::service;

pub use crate::record::insats::{Category, Orientation, Status, Visibility};

pub use super::insats_detail::{
    ClosuresByReason, Count, InsatsBudget, InsatsExtension, InsatsGoal, InsatsOutcome,
};

/// An intervention a förbund finances: a team, a project, a course, a study.
/// Read together with its owning förbund, which the access rules need.
#[derive(Clone)]
pub struct Insats(pub insats::Model, pub Arc<forbund::Model>);

impl From<service::insats::InsatsRow> for Insats {
    fn from((row, owner): service::insats::InsatsRow) -> Self {
        Insats(row, owner)
    }
}

impl Insats {
    fn may_see_money(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let owner = &self.1.slug;
        Ok(policy::allows(
            &caller(ctx)?.principal,
            Action::ReadInsatsMoney { owner },
        ))
    }
}

#[Object]
impl Insats {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::Insats,
            self.0.id,
        ))
    }

    /// The förbund that finances it.
    async fn forbund(&self) -> Forbund {
        Forbund(self.1.clone())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn orientation(&self) -> Option<Orientation> {
        self.0.orientation.map(Into::into)
    }

    async fn category(&self) -> Option<Category> {
        self.0.category.map(Into::into)
    }

    /// Who owns it (verksamhetsägare, projektägare).
    async fn owner_organisation(&self) -> Option<&str> {
        self.0.owner_organisation.as_deref()
    }

    /// Who runs it (verksamhetsutförare).
    async fn executor_organisation(&self) -> Option<&str> {
        self.0.executor_organisation.as_deref()
    }

    async fn target_group(&self) -> Option<&str> {
        self.0.target_group.as_deref()
    }

    async fn age_min(&self) -> Option<i32> {
        self.0.age_min
    }

    async fn age_max(&self) -> Option<i32> {
        self.0.age_max
    }

    /// Capacity in year-places (årsplatser).
    async fn capacity_year_places(&self) -> Option<i32> {
        self.0.capacity_year_places
    }

    async fn target_participants(&self) -> Option<i32> {
        self.0.target_participants
    }

    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }

    /// The end first planned, before any extension.
    async fn original_ends_on(&self) -> Option<Date> {
        self.0.original_ends_on.map(Date)
    }

    /// The current end, extensions included.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// Whether the end was moved later than first planned.
    async fn extended(&self) -> bool {
        matches!((self.0.original_ends_on, self.0.ends_on), (Some(o), Some(e)) if e > o)
    }

    async fn extensions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InsatsExtension>> {
        let rows = loaders(ctx)?.extensions.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(InsatsExtension::from)
            .collect())
    }

    async fn status(&self) -> Option<Status> {
        Some(self.0.status.into())
    }

    async fn visibility(&self) -> Option<Visibility> {
        Some(self.0.visibility.into())
    }

    /// Money allocated in total, in whole SEK; null for anonymous callers.
    async fn allocated_sek(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        Ok(if self.may_see_money(ctx)? {
            self.0.allocated_sek
        } else {
            None
        })
    }

    /// The yearly budgets added up; null for anonymous callers.
    async fn budget_total_sek(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        Ok(if self.may_see_money(ctx)? {
            self.0.budget_total_sek
        } else {
            None
        })
    }

    /// Budget and spending per year; null for anonymous callers.
    async fn budgets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this year.")] year: Option<i32>,
    ) -> async_graphql::Result<Option<Vec<InsatsBudget>>> {
        if !self.may_see_money(ctx)? {
            return Ok(None);
        }
        let rows = loaders(ctx)?
            .budgets
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                .filter(|b| year.is_none_or(|y| b.year == y))
                .map(InsatsBudget)
                .collect(),
        ))
    }

    async fn goals(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InsatsGoal>> {
        let rows = loaders(ctx)?.goals.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(InsatsGoal::from)
            .collect())
    }

    /// Outcomes per period, the whole first and then per kommun; small counts
    /// are suppressed for callers outside the owning förbund.
    async fn outcomes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InsatsOutcome>> {
        let rows = loaders(ctx)?
            .outcomes
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let owner = &self.1.slug;
        let full = policy::allows(
            &caller(ctx)?.principal,
            Action::ReadInsatsDetailsInFull { owner },
        );
        let mut rows = rows;
        rows.sort_by(|a, b| {
            (
                a.period_to,
                a.period_from,
                a.municipality.is_some(),
                &a.municipality,
            )
                .cmp(&(
                    b.period_to,
                    b.period_from,
                    b.municipality.is_some(),
                    &b.municipality,
                ))
        });
        let min_cell = crate::graphql::min_cell(ctx)?;
        Ok(service::insats::outcome_views(rows, full, min_cell)
            .into_iter()
            .map(InsatsOutcome)
            .collect())
    }

    /// The förbund it is explicitly shared with.
    async fn shared_with(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Forbund>> {
        let ids = loaders(ctx)?
            .shared_with
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let snapshot = crate::graphql::reference(ctx).await?;
        let forbund = snapshot
            .forbund_for(reader(ctx)?, ids.iter().copied())
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| forbund.get(*id).cloned().map(Forbund))
            .collect())
    }

    /// The insats this one continues, at a predecessor förbund.
    async fn carried_over_from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Insats>> {
        let Some(from) = self.0.carried_over_from_id else {
            return Ok(None);
        };
        let rows = loaders(ctx)?
            .insats
            .load_one(from)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().next().map(Insats::from))
    }

    /// Where this insats was carried over to.
    async fn carried_over_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Insats>> {
        let rows = loaders(ctx)?.carried_over_to.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Insats::from)
            .collect())
    }

    /// The board decisions about it, such as the grants that fund it.
    async fn decisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Decision>> {
        let rows = loaders(ctx)?
            .decisions_by_insats
            .load_one(self.0.id)
            .await?;
        Ok(rows.unwrap_or_default().into_iter().map(Decision).collect())
    }

    /// Optimistic-concurrency version: pass it back with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// What the caller may do with this insats, by the same rules the
    /// mutations check: an app shows the controls that will work, and only
    /// those.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<InsatsViewerCan> {
        let principal = &caller(ctx)?.principal;
        let edit = policy::allows(
            principal,
            Action::EditForbundContent {
                forbund: &self.1.slug,
            },
        );
        Ok(InsatsViewerCan {
            owner: self.1.clone(),
            update: edit,
            extend: edit,
            set_budget: edit,
            record_outcome: edit,
            edit_goals: edit,
            share: edit,
            // The successor's förbund may carry over too (`carryOverInsats`),
            // which depends on the target; this says whether the owner's
            // side may.
            carry_over: edit,
        })
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The changes the caller may make to one insats (`Insats.viewerCan`).
#[derive(async_graphql::SimpleObject)]
#[graphql(complex)]
pub struct InsatsViewerCan {
    #[graphql(skip)]
    pub owner: Arc<forbund::Model>,
    /// `updateInsats`.
    pub update: bool,
    /// `extendInsats`.
    pub extend: bool,
    /// `setInsatsBudget`: a year's budget and spending.
    pub set_budget: bool,
    /// `recordInsatsOutcome`.
    pub record_outcome: bool,
    /// `addInsatsGoal` and `removeInsatsGoal`.
    pub edit_goals: bool,
    /// `shareInsats`.
    pub share: bool,
    /// `carryOverInsats` from the owner's side.
    pub carry_over: bool,
}

#[async_graphql::ComplexObject]
impl InsatsViewerCan {
    /// Its history: the owner's audit log (`auditLog` with `entityId`).
    async fn read_history(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        super::audit::may_read_history(ctx, &self.owner).await
    }
}

/// The count behind an `insatser` list, computed only when asked for.
pub struct InsatsListTotal {
    pub filter: service::insats::InsatsFilter,
    /// A förbund's list loaded with others: its count is batched too.
    pub batched: Option<(i32, crate::graphql::loaders::PageKey)>,
}

#[Object]
impl InsatsListTotal {
    /// How many insatser match, on all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        if let Some(key) = &self.batched {
            let counts = &crate::graphql::loaders(ctx)?.forbund_counts;
            return Ok(counts.load_one(*key).await?.unwrap_or(0));
        }
        Ok(service::insats::count(reader(ctx)?, &caller(ctx)?.principal, &self.filter).await?)
    }
}

pub type InsatsConnection = Connection<String, Insats, InsatsListTotal, EmptyFields>;
