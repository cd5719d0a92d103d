//! Mutations on insatser: create and update, extend, budgets, outcomes,
//! goals, sharing and carry-over. Each takes its record from `record::insats`
//! and hands it to `service::insats`, where policy, rules and audit apply.

use async_graphql::{Context, ID, Object};

use super::{SignedIn, parse_id, parse_key};
use crate::graphql::types::Date;
use crate::graphql::types::insats::{Insats, Visibility};
use crate::graphql::{caller, services};
use crate::record::id::NodeKind;
use crate::record::insats::{BudgetYear, InsatsPatch, NewGoal, NewInsats, OutcomeReport};
use crate::service;

#[derive(Default)]
pub struct InsatsMutation;

#[Object]
impl InsatsMutation {
    /// Records a new insats of a förbund (its editor or admin).
    #[graphql(guard = "SignedIn")]
    async fn create_insats(
        &self,
        ctx: &Context<'_>,
        input: NewInsats,
    ) -> async_graphql::Result<Insats> {
        let row = service::insats::create(services(ctx)?, caller(ctx)?, input).await?;
        Ok(Insats::from(row))
    }

    /// Changes an insats, based on the `version` read.
    #[graphql(guard = "SignedIn")]
    async fn update_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: InsatsPatch,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        Ok(Insats::from(
            service::insats::update(services(ctx)?, caller(ctx)?, id, version, input).await?,
        ))
    }

    /// Moves the end later; the original end stays visible.
    #[graphql(guard = "SignedIn")]
    async fn extend_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        new_ends_on: Date,
        decided_on: Option<Date>,
        note: Option<String>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        let row = service::insats::extend(
            services(ctx)?,
            caller(ctx)?,
            id,
            version,
            new_ends_on.0,
            decided_on.map(|d| d.0),
            note,
        )
        .await?;
        Ok(Insats::from(row))
    }

    /// Sets the budget (and spending) of one year.
    #[allow(clippy::too_many_arguments)]
    #[graphql(guard = "SignedIn")]
    async fn set_insats_budget(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        year: i32,
        budget_sek: i64,
        spent_sek: Option<i64>,
        spent_through: Option<Date>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        let budget = BudgetYear {
            year,
            budget_sek,
            spent_sek,
            spent_through,
        };
        let row =
            service::insats::set_budget(services(ctx)?, caller(ctx)?, id, version, budget).await?;
        Ok(Insats::from(row))
    }

    /// Records the outcome of a period (replacing an earlier report of it).
    #[graphql(guard = "SignedIn")]
    async fn record_insats_outcome(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        outcome: OutcomeReport,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        Ok(Insats::from(
            service::insats::record_outcome(services(ctx)?, caller(ctx)?, id, version, outcome)
                .await?,
        ))
    }

    /// Adds a goal.
    #[graphql(guard = "SignedIn")]
    async fn add_insats_goal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        description: String,
        target_percent: Option<f64>,
        horizon_months: Option<i32>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        let goal = NewGoal {
            description,
            target_percent,
            horizon_months,
        };
        let row =
            service::insats::add_goal(services(ctx)?, caller(ctx)?, id, version, goal).await?;
        Ok(Insats::from(row))
    }

    /// Corrects a goal (its text, target and horizon), based on the
    /// insats's `version` read.
    #[graphql(guard = "SignedIn")]
    // The goal's fields as arguments, as addInsatsGoal takes them.
    #[allow(clippy::too_many_arguments)]
    async fn update_insats_goal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        goal: ID,
        description: String,
        target_percent: Option<f64>,
        horizon_months: Option<i32>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        let goal_id = parse_key("goal", &goal)?;
        let goal = NewGoal {
            description,
            target_percent,
            horizon_months,
        };
        let row =
            service::insats::update_goal(services(ctx)?, caller(ctx)?, id, version, goal_id, goal)
                .await?;
        Ok(Insats::from(row))
    }

    /// Removes a goal.
    #[graphql(guard = "SignedIn")]
    async fn remove_insats_goal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        goal: ID,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        let goal = parse_key("goal", &goal)?;
        Ok(Insats::from(
            service::insats::remove_goal(services(ctx)?, caller(ctx)?, id, version, goal).await?,
        ))
    }

    /// Sets who may see the insats, and the förbund it is shared with by name.
    #[graphql(guard = "SignedIn")]
    async fn share_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        visibility: Visibility,
        #[graphql(name = "with", default)] with: Vec<String>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        let row = service::insats::share(
            services(ctx)?,
            caller(ctx)?,
            id,
            version,
            visibility.into(),
            &with,
        )
        .await?;
        Ok(Insats::from(row))
    }

    /// Hands the insats to the förbund that succeeds its owner; returns the
    /// successor's insats, linked to this one.
    #[graphql(guard = "SignedIn")]
    async fn carry_over_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        to: String,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id(NodeKind::Insats, "id", &id)?;
        Ok(Insats::from(
            service::insats::carry_over(services(ctx)?, caller(ctx)?, id, version, &to).await?,
        ))
    }
}
