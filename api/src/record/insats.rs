//! An insats and what is written onto it: the insats itself (new, and the
//! patch of an update), a year's budget and spending, a goal and a period's
//! outcome with its kommun rows.

use async_graphql::{Enum, InputObject, MaybeUndefined};
use serde::Deserialize;

use super::Date;
use crate::domain::insats as rules;
use crate::error::{ApiError, ApiResult, Rule};

#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::insats::Orientation")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Orientation {
    /// Aimed at participants (individinriktad).
    Individual,
    /// Aimed at the organisations: methods, staff training (strukturövergripande).
    Structural,
}

#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::insats::Category")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    Team,
    Project,
    StaffTraining,
    Study,
    MethodDevelopment,
}

#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::insats::Status")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Planned,
    Active,
    Completed,
    /// Ended before its planned end.
    EndedEarly,
    /// Taken over by a successor förbund.
    CarriedOver,
    Cancelled,
}

#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::insats::Visibility")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Visibility {
    /// The owning förbund and the förbund it is shared with.
    Private,
    /// Anyone signed in to any förbund.
    Network,
    /// Everyone (budgets still only for signed-in callers).
    Public,
}

// How the enums reach the row's columns (`record::Onto`): a status and a
// visibility are always given; an orientation and a category may be left
// out of a new insats.
impl super::Onto<rules::Status> for Status {
    fn onto(self, column: &mut rules::Status) {
        *column = self.into();
    }
}

impl super::Onto<rules::Visibility> for Visibility {
    fn onto(self, column: &mut rules::Visibility) {
        *column = self.into();
    }
}

impl From<Orientation> for Option<rules::Orientation> {
    fn from(o: Orientation) -> Self {
        Some(o.into())
    }
}

impl From<Category> for Option<rules::Category> {
    fn from(c: Category) -> Self {
        Some(c.into())
    }
}

impl Status {
    fn planned() -> Self {
        Status::Planned
    }
}

impl Visibility {
    fn private() -> Self {
        Visibility::Private
    }
}

super::onto_row! {
    /// A new insats.
    // Also the seed's `[[insats]]`.
    #[derive(InputObject, Deserialize, Clone, Debug)]
    #[graphql(name = "CreateInsatsInput")]
    pub struct NewInsats onto finsam_entity::insats::Model {
        /// Slug of the owning förbund.
        pub forbund: String,
        @columns
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
        #[serde(default = "Status::planned")]
        pub status: Status,
        #[graphql(default_with = "Visibility::Private")]
        #[serde(default = "Visibility::private")]
        pub visibility: Visibility,
        pub allocated_sek: Option<i64>,
    }
}

super::onto_row! {
    /// Fields left out stay; fields set to null are cleared.
    #[derive(InputObject, Clone, Debug)]
    #[graphql(name = "UpdateInsatsInput")]
    pub struct InsatsPatch onto finsam_entity::insats::Model {
        @columns
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
}

/// A year's budget and spending (`setInsatsBudget`'s arguments, the seed's
/// `budgets`).
#[derive(Deserialize, Clone, Copy, Debug)]
pub struct BudgetYear {
    pub year: i32,
    pub budget_sek: i64,
    pub spent_sek: Option<i64>,
    /// The day the spending is counted to.
    pub spent_through: Option<Date>,
}

/// A goal (`addInsatsGoal`'s arguments, the seed's `goals`).
#[derive(Deserialize, Clone, Debug)]
pub struct NewGoal {
    pub description: String,
    pub target_percent: Option<f64>,
    pub horizon_months: Option<i32>,
}

/// Participants of one kommun.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "MunicipalityOutcomeInput")]
pub struct MunicipalityOutcome {
    pub municipality: String,
    pub participants: Option<i32>,
    pub participants_women: Option<i32>,
    pub participants_men: Option<i32>,
}

/// A period's outcome.
// Also the seed's `outcomes` of an insats.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "InsatsOutcomeInput")]
pub struct OutcomeReport {
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
    #[serde(default)]
    pub municipalities: Vec<MunicipalityOutcome>,
}

impl OutcomeReport {
    /// The counts the domain's rules check (totals against their parts).
    pub fn outcome(&self) -> rules::Outcome {
        rules::Outcome {
            period_from: self.period_from.map(|d| d.0),
            period_to: Some(self.period_to.0),
            participants: self.participants,
            women: self.participants_women,
            men: self.participants_men,
            closures: self.closures,
            by_reason: rules::Closures {
                work: self.closures_work,
                studies: self.closures_studies,
                labour_market_training: self.closures_labour_market_training,
                completed: self.closures_completed,
                not_influenceable: self.closures_not_influenceable,
                other: self.closures_other,
            },
        }
    }
}

impl BudgetYear {
    /// The rules of a year's budget line: a year the service keeps, money
    /// that is not negative, spending counted to a day of that year or later.
    pub fn check(&self) -> ApiResult<()> {
        if !(1990..=2100).contains(&self.year) {
            return Err(ApiError::bad_input(
                "year",
                Rule::YearRange.with("min", 1990).with("max", 2100),
            ));
        }
        rules::check_money("budgetSek", Some(self.budget_sek))?;
        rules::check_money("spentSek", self.spent_sek)?;
        Ok(())
    }
}

impl NewGoal {
    /// The goal as stored: its text trimmed and within bounds, a percentage
    /// 0–100 and a horizon of at most 50 years.
    pub fn checked(&self) -> ApiResult<NewGoal> {
        let description = super::text("description", &self.description, 2_000)?;
        rules::check_percent("targetPercent", self.target_percent)?;
        if self.horizon_months.is_some_and(|h| !(0..=600).contains(&h)) {
            return Err(ApiError::bad_input(
                "horizonMonths",
                Rule::MonthsRange.with("min", 0).with("max", 600),
            ));
        }
        Ok(NewGoal {
            description,
            ..self.clone()
        })
    }
}
