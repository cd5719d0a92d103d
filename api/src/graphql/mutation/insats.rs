use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::NaiveTime;

use super::parse_id;
use crate::domain::insats as rules;
use crate::graphql::types::Date;
use crate::graphql::types::insats::{Category, Insats, Orientation, Status, Visibility};
use crate::graphql::types::{Decision, Meeting};
use crate::graphql::{caller, state};
use crate::service;
use crate::service::insats::{InsatsFields, MunicipalityCount, OutcomeInput};

#[derive(InputObject)]
pub struct CreateInsatsInput {
    /// Slug of the owning förbund.
    pub forbund: String,
    pub name: String,
    pub description: Option<String>,
    pub orientation: Option<Orientation>,
    pub category: Option<Category>,
    pub owner_organisation: Option<String>,
    pub executor_organisation: Option<String>,
    pub target_group: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub capacity_year_places: Option<i32>,
    pub target_participants: Option<i32>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    #[graphql(default_with = "Status::Planned")]
    pub status: Status,
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
    pub allocated_sek: Option<i64>,
}

/// Fields left out stay; fields set to null are cleared.
#[derive(InputObject)]
pub struct UpdateInsatsInput {
    pub name: Option<String>,
    pub description: MaybeUndefined<String>,
    pub orientation: MaybeUndefined<Orientation>,
    pub category: MaybeUndefined<Category>,
    pub owner_organisation: MaybeUndefined<String>,
    pub executor_organisation: MaybeUndefined<String>,
    pub target_group: MaybeUndefined<String>,
    pub age_min: MaybeUndefined<i32>,
    pub age_max: MaybeUndefined<i32>,
    pub capacity_year_places: MaybeUndefined<i32>,
    pub target_participants: MaybeUndefined<i32>,
    pub starts_on: MaybeUndefined<Date>,
    /// The planned end; once extended, use `extendInsats`.
    pub ends_on: MaybeUndefined<Date>,
    pub status: Option<Status>,
    pub allocated_sek: MaybeUndefined<i64>,
}

fn patch<T, U>(v: MaybeUndefined<T>, f: impl Fn(T) -> U) -> Option<Option<U>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(f(v))),
    }
}

/// Participants of one kommun.
#[derive(InputObject)]
pub struct MunicipalityOutcomeInput {
    pub municipality: String,
    pub participants: Option<i32>,
    pub participants_women: Option<i32>,
    pub participants_men: Option<i32>,
}

#[derive(InputObject)]
pub struct InsatsOutcomeInput {
    /// Null for "since the start".
    pub period_from: Option<Date>,
    pub period_to: Date,
    pub participants: Option<i32>,
    pub participants_women: Option<i32>,
    pub participants_men: Option<i32>,
    pub closures: Option<i32>,
    pub closures_work: Option<i32>,
    pub closures_studies: Option<i32>,
    pub closures_labour_market_training: Option<i32>,
    pub closures_completed: Option<i32>,
    pub closures_not_influenceable: Option<i32>,
    pub closures_other: Option<i32>,
    pub share_reached_goal_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    pub note: Option<String>,
    #[graphql(default)]
    pub municipalities: Vec<MunicipalityOutcomeInput>,
}

#[derive(InputObject)]
pub struct CreateMeetingInput {
    pub forbund: String,
    pub held_on: Date,
    /// HH:MM.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub paragraph_from: Option<i32>,
    pub paragraph_to: Option<i32>,
    /// BOARD (default) or INTERIM_BOARD.
    #[graphql(default_with = "\"BOARD\".to_string()")]
    pub body: String,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct DecisionInput {
    pub paragraph: Option<i32>,
    pub text: String,
    pub amount_sek: Option<i64>,
    /// The insats the decision funds or concerns.
    pub insats: Option<ID>,
}

fn meeting_fields(
    input: CreateMeetingInput,
) -> crate::error::ApiResult<service::meeting::NewMeeting> {
    Ok(service::meeting::NewMeeting {
        forbund: input.forbund,
        held_on: input.held_on.0,
        starts_at: time("startsAt", input.starts_at)?,
        ends_at: time("endsAt", input.ends_at)?,
        place: input.place,
        paragraph_from: input.paragraph_from,
        paragraph_to: input.paragraph_to,
        body: meeting_body(input.body)?,
        note: input.note,
    })
}

/// BOARD or INTERIM_BOARD.
fn meeting_body(body: String) -> crate::error::ApiResult<String> {
    match body.as_str() {
        "BOARD" | "INTERIM_BOARD" => Ok(body),
        _ => Err(crate::error::ApiError::bad_input(
            "body",
            "BOARD or INTERIM_BOARD",
        )),
    }
}

fn time(field: &str, v: Option<String>) -> crate::error::ApiResult<Option<NaiveTime>> {
    v.map(|t| {
        NaiveTime::parse_from_str(&t, "%H:%M")
            .map_err(|_| crate::error::ApiError::bad_input(field, "a time is written HH:MM"))
    })
    .transpose()
}

#[derive(Default)]
pub struct InsatsMutation;

#[Object]
impl InsatsMutation {
    /// Records a new insats of a förbund (its editor or admin).
    async fn create_insats(
        &self,
        ctx: &Context<'_>,
        input: CreateInsatsInput,
    ) -> async_graphql::Result<Insats> {
        let fields = InsatsFields {
            name: Some(input.name),
            description: Some(input.description),
            orientation: Some(input.orientation.map(Into::into)),
            category: Some(input.category.map(Into::into)),
            owner_organisation: Some(input.owner_organisation),
            executor_organisation: Some(input.executor_organisation),
            target_group: Some(input.target_group),
            age_min: Some(input.age_min),
            age_max: Some(input.age_max),
            capacity_year_places: Some(input.capacity_year_places),
            target_participants: Some(input.target_participants),
            starts_on: Some(input.starts_on.map(|d| d.0)),
            ends_on: Some(input.ends_on.map(|d| d.0)),
            status: Some(input.status.into()),
            visibility: Some(input.visibility.into()),
            allocated_sek: Some(input.allocated_sek),
        };
        let row =
            service::insats::create(state(ctx)?, caller(ctx)?, &input.forbund, fields).await?;
        Ok(Insats::from(row))
    }

    /// Changes an insats, based on the `version` read.
    async fn update_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: UpdateInsatsInput,
    ) -> async_graphql::Result<Insats> {
        let fields = InsatsFields {
            name: input.name,
            description: patch(input.description, |v| v),
            orientation: patch(input.orientation, rules::Orientation::from),
            category: patch(input.category, rules::Category::from),
            owner_organisation: patch(input.owner_organisation, |v| v),
            executor_organisation: patch(input.executor_organisation, |v| v),
            target_group: patch(input.target_group, |v| v),
            age_min: patch(input.age_min, |v| v),
            age_max: patch(input.age_max, |v| v),
            capacity_year_places: patch(input.capacity_year_places, |v| v),
            target_participants: patch(input.target_participants, |v| v),
            starts_on: patch(input.starts_on, |d| d.0),
            ends_on: patch(input.ends_on, |d| d.0),
            status: input.status.map(Into::into),
            visibility: None,
            allocated_sek: patch(input.allocated_sek, |v| v),
        };
        let id = parse_id("id", &id)?;
        Ok(Insats::from(
            service::insats::update(state(ctx)?, caller(ctx)?, id, version, fields).await?,
        ))
    }

    /// Moves the end later; the original end stays visible.
    async fn extend_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        new_ends_on: Date,
        decided_on: Option<Date>,
        note: Option<String>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id("id", &id)?;
        let row = service::insats::extend(
            state(ctx)?,
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
        let id = parse_id("id", &id)?;
        let row = service::insats::set_budget(
            state(ctx)?,
            caller(ctx)?,
            id,
            version,
            year,
            budget_sek,
            spent_sek,
            spent_through.map(|d| d.0),
        )
        .await?;
        Ok(Insats::from(row))
    }

    /// Records the outcome of a period (replacing an earlier report of it).
    async fn record_insats_outcome(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        outcome: InsatsOutcomeInput,
    ) -> async_graphql::Result<Insats> {
        let input = OutcomeInput {
            outcome: rules::Outcome {
                period_from: outcome.period_from.map(|d| d.0),
                period_to: Some(outcome.period_to.0),
                participants: outcome.participants,
                women: outcome.participants_women,
                men: outcome.participants_men,
                closures: outcome.closures,
                by_reason: rules::Closures {
                    work: outcome.closures_work,
                    studies: outcome.closures_studies,
                    labour_market_training: outcome.closures_labour_market_training,
                    completed: outcome.closures_completed,
                    not_influenceable: outcome.closures_not_influenceable,
                    other: outcome.closures_other,
                },
            },
            share_reached_goal_percent: outcome.share_reached_goal_percent,
            mean_months_in_insats: outcome.mean_months_in_insats,
            note: outcome.note,
            municipalities: outcome
                .municipalities
                .into_iter()
                .map(|m| MunicipalityCount {
                    municipality: m.municipality,
                    participants: m.participants,
                    women: m.participants_women,
                    men: m.participants_men,
                })
                .collect(),
        };
        let id = parse_id("id", &id)?;
        Ok(Insats::from(
            service::insats::record_outcome(state(ctx)?, caller(ctx)?, id, version, input).await?,
        ))
    }

    /// Adds a goal.
    async fn add_insats_goal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        description: String,
        target_percent: Option<f64>,
        horizon_months: Option<i32>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id("id", &id)?;
        let row = service::insats::add_goal(
            state(ctx)?,
            caller(ctx)?,
            id,
            version,
            &description,
            target_percent,
            horizon_months,
        )
        .await?;
        Ok(Insats::from(row))
    }

    /// Removes a goal.
    async fn remove_insats_goal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        goal: ID,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id("id", &id)?;
        let goal = parse_id("goal", &goal)?;
        Ok(Insats::from(
            service::insats::remove_goal(state(ctx)?, caller(ctx)?, id, version, goal).await?,
        ))
    }

    /// Sets who may see the insats, and the förbund it is shared with by name.
    async fn share_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        visibility: Visibility,
        #[graphql(name = "with", default)] with: Vec<String>,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id("id", &id)?;
        let row = service::insats::share(
            state(ctx)?,
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
    async fn carry_over_insats(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        to: String,
    ) -> async_graphql::Result<Insats> {
        let id = parse_id("id", &id)?;
        Ok(Insats::from(
            service::insats::carry_over(state(ctx)?, caller(ctx)?, id, version, &to).await?,
        ))
    }

    /// A board meeting of a förbund (its editor or admin).
    async fn create_meeting(
        &self,
        ctx: &Context<'_>,
        input: CreateMeetingInput,
    ) -> async_graphql::Result<Meeting> {
        let new = meeting_fields(input)?;
        Ok(Meeting(
            service::meeting::create(state(ctx)?, caller(ctx)?, new).await?,
        ))
    }

    /// Corrects a meeting (all its fields; its förbund stays), based on the
    /// `version` read.
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: CreateMeetingInput,
    ) -> async_graphql::Result<Meeting> {
        let id = parse_id("id", &id)?;
        let fields = meeting_fields(input)?;
        Ok(Meeting(
            service::meeting::update(state(ctx)?, caller(ctx)?, id, version, fields).await?,
        ))
    }

    /// Records a decision of a meeting, based on the meeting's `version`.
    async fn record_decision(
        &self,
        ctx: &Context<'_>,
        meeting: ID,
        version: i32,
        input: DecisionInput,
    ) -> async_graphql::Result<Decision> {
        let meeting = parse_id("meeting", &meeting)?;
        let new = service::meeting::NewDecision {
            paragraph: input.paragraph,
            text: input.text,
            amount_sek: input.amount_sek,
            insats_id: input.insats.map(|i| parse_id("insats", &i)).transpose()?,
        };
        Ok(Decision(
            service::meeting::record_decision(state(ctx)?, caller(ctx)?, meeting, version, new)
                .await?,
        ))
    }
}
