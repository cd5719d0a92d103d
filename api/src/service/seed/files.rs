//! The shapes of the demo dataset's files (`data/seed/*.toml`), as serde
//! reads them: each writable record is the one the API takes (`record`),
//! with what only history has (an extension's earlier end, the ring's past
//! assignments) beside it. A row without a `source` takes the file's.

use serde::Deserialize;

use crate::record::Date;
use crate::record::dso::AgreementTerms;
use crate::record::forbund::NewForbund;
use crate::record::indicator::{IndicatorDefinition, IndicatorResult, KeyFigures, NationalAverage};
use crate::record::insats::{BudgetYear, NewGoal, NewInsats, OutcomeReport};
use crate::record::meeting::{NewDecision, NewMeeting};

#[derive(Deserialize)]
pub struct ForbundFile {
    pub forbund: Vec<SeedForbund>,
}

#[derive(Deserialize)]
pub struct SeedForbund {
    #[serde(flatten)]
    pub forbund: NewForbund,
    #[serde(default)]
    pub allocations: Vec<SeedAllocation>,
}

#[derive(Deserialize)]
pub struct SeedAllocation {
    pub year: i32,
    pub amount_sek: i64,
    pub kind: finsam_entity::value::AllocationKind,
    pub note: Option<String>,
}

#[derive(Deserialize)]
pub struct InsatsFile {
    pub insats: Vec<SeedInsats>,
}

#[derive(Deserialize)]
pub struct SeedInsats {
    #[serde(flatten)]
    pub insats: NewInsats,
    /// The end first planned, where the insats has been extended since.
    pub original_ends_on: Option<Date>,
    pub carried_over_from: Option<InsatsRef>,
    #[serde(default)]
    pub extensions: Vec<SeedExtension>,
    #[serde(default)]
    pub budgets: Vec<BudgetYear>,
    #[serde(default)]
    pub goals: Vec<NewGoal>,
    #[serde(default)]
    pub outcomes: Vec<OutcomeReport>,
}

#[derive(Deserialize)]
pub struct InsatsRef {
    pub forbund: String,
    pub name: String,
}

#[derive(Deserialize)]
pub struct SeedExtension {
    pub previous_ends_on: Option<Date>,
    pub new_ends_on: Date,
    pub decided_on: Option<Date>,
    pub note: Option<String>,
}

#[derive(Deserialize)]
pub struct DsoFile {
    pub agreement: Vec<SeedAgreement>,
}

#[derive(Deserialize)]
pub struct SeedAgreement {
    #[serde(flatten)]
    pub terms: AgreementTerms,
    pub decided_on: Option<Date>,
    pub members: Vec<SeedDsoMember>,
    pub assignments: Vec<SeedAssignment>,
}

#[derive(Deserialize)]
pub struct SeedDsoMember {
    pub forbund: String,
    pub joined_on: Option<Date>,
    #[serde(default)]
    pub withdrew_before_start: bool,
}

#[derive(Deserialize)]
pub struct SeedAssignment {
    pub provider: String,
    pub recipient: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub scope_percent: f64,
    pub contact: String,
}

#[derive(Deserialize)]
pub struct MeetingFile {
    pub meeting: Vec<SeedMeeting>,
}

#[derive(Deserialize)]
pub struct SeedMeeting {
    #[serde(flatten)]
    pub meeting: NewMeeting,
    #[serde(default)]
    pub decisions: Vec<NewDecision>,
}

#[derive(Deserialize)]
pub struct StatisticsFile {
    pub areas: Vec<SeedArea>,
    pub population: Vec<SeedPopulation>,
    pub key_figure: Vec<KeyFigures>,
}

#[derive(Deserialize)]
pub struct SeedArea {
    pub code: String,
    pub name: String,
    pub kind: finsam_entity::value::AreaKind,
    pub parent: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedPopulation {
    pub area: String,
    pub year: i32,
    pub gender: crate::domain::indicators::Gender,
    pub support: Vec<f64>,
    pub population_20_64: Option<i32>,
    pub share_percent: Option<f64>,
    pub source: Option<String>,
}

#[derive(Deserialize)]
pub struct IndicatorFile {
    /// The source of every value that names none: they are examples.
    pub example_source: String,
    pub indicator: Vec<IndicatorDefinition>,
    pub averages: Vec<NationalAverage>,
    pub results: Vec<IndicatorResult>,
    pub report: Vec<SeedIndicatorReport>,
}

#[derive(Deserialize)]
pub struct SeedIndicatorReport {
    pub forbund: String,
    pub year: i32,
    #[serde(default = "total")]
    pub gender: crate::domain::indicators::Gender,
    pub measured: Option<i32>,
    pub at_or_above_national: Option<i32>,
    pub lower_than_previous_year: Option<i32>,
    pub answers: Option<i32>,
    pub answers_women: Option<i32>,
    pub answers_men: Option<i32>,
    pub source: String,
}

pub fn total() -> crate::domain::indicators::Gender {
    crate::domain::indicators::Gender::Total
}

#[derive(Deserialize)]
pub struct FinanceFile {
    #[serde(default)]
    pub year: Vec<SeedFinanceYear>,
    #[serde(default)]
    pub report: Vec<crate::record::finance::FinanceReportInput>,
}

#[derive(Deserialize)]
pub struct SeedFinanceYear {
    #[serde(flatten)]
    pub year: crate::record::finance::FinanceYearInput,
    #[serde(default)]
    pub lines: Vec<SeedBudgetLine>,
}

/// A budget line of the seed: as `BudgetLineInput`, its förbund and year
/// the year's, its insats named.
#[derive(Deserialize)]
pub struct SeedBudgetLine {
    pub group: crate::record::finance::BudgetGroup,
    pub name: String,
    pub insats: Option<String>,
    pub budget_sek: Option<i64>,
    pub outcome_sek: Option<i64>,
    pub outcome_through: Option<crate::record::Date>,
    pub plan1_sek: Option<i64>,
    pub plan2_sek: Option<i64>,
}
