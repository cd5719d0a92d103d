//! The shapes of the demo dataset's files (`data/seed/*.toml`), as serde
//! reads them.

use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ForbundFile {
    pub forbund: Vec<SeedForbund>,
}

#[derive(Deserialize)]
pub struct SeedForbund {
    pub slug: String,
    pub name: String,
    pub org_number: Option<String>,
    pub county: String,
    pub founded_on: Option<NaiveDate>,
    pub dissolved_on: Option<NaiveDate>,
    pub successor: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub members: Vec<SeedMember>,
    #[serde(default)]
    pub allocations: Vec<SeedAllocation>,
}

#[derive(Deserialize)]
pub struct SeedMember {
    pub name: String,
    pub kind: String,
    pub funding_share_percent: Option<f64>,
}

#[derive(Deserialize)]
pub struct SeedAllocation {
    pub year: i32,
    pub amount_sek: i64,
    pub kind: String,
    pub note: Option<String>,
}

#[derive(Deserialize)]
pub struct InsatsFile {
    pub insats: Vec<SeedInsats>,
}

#[derive(Deserialize)]
pub struct SeedInsats {
    pub forbund: String,
    pub name: String,
    pub description: Option<String>,
    pub orientation: Option<String>,
    pub category: Option<String>,
    pub owner_organisation: Option<String>,
    pub executor_organisation: Option<String>,
    pub target_group: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub capacity_year_places: Option<i32>,
    pub target_participants: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub original_ends_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub status: String,
    #[serde(default = "public")]
    pub visibility: String,
    pub allocated_sek: Option<i64>,
    pub carried_over_from: Option<InsatsRef>,
    #[serde(default)]
    pub extensions: Vec<SeedExtension>,
    #[serde(default)]
    pub budgets: Vec<SeedBudget>,
    #[serde(default)]
    pub goals: Vec<SeedGoal>,
    #[serde(default)]
    pub outcomes: Vec<SeedOutcome>,
}

pub fn public() -> String {
    "PUBLIC".into()
}

#[derive(Deserialize)]
pub struct InsatsRef {
    pub forbund: String,
    pub name: String,
}

#[derive(Deserialize)]
pub struct SeedExtension {
    pub previous_ends_on: Option<NaiveDate>,
    pub new_ends_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedBudget {
    pub year: i32,
    pub budget_sek: i64,
    pub spent_sek: Option<i64>,
    pub spent_through: Option<NaiveDate>,
}

#[derive(Deserialize)]
pub struct SeedGoal {
    pub description: String,
    pub target_percent: Option<f64>,
    pub horizon_months: Option<i32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SeedOutcome {
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub municipality: Option<String>,
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
}

#[derive(Deserialize)]
pub struct DsoFile {
    pub agreement: Vec<SeedAgreement>,
}

#[derive(Deserialize)]
pub struct SeedAgreement {
    pub name: String,
    pub decided_on: Option<NaiveDate>,
    pub starts_on: NaiveDate,
    pub initial_ends_on: NaiveDate,
    pub renewal_months: i32,
    pub notice_months: i32,
    pub max_scope_percent: f64,
    pub members: Vec<SeedDsoMember>,
    pub assignments: Vec<SeedAssignment>,
}

#[derive(Deserialize)]
pub struct SeedDsoMember {
    pub forbund: String,
    pub joined_on: Option<NaiveDate>,
    #[serde(default)]
    pub withdrew_before_start: bool,
}

#[derive(Deserialize)]
pub struct SeedAssignment {
    pub provider: String,
    pub recipient: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub scope_percent: f64,
    pub contact: String,
}

#[derive(Deserialize)]
pub struct MeetingFile {
    pub meeting: Vec<SeedMeeting>,
}

#[derive(Deserialize)]
pub struct SeedMeeting {
    pub forbund: String,
    #[serde(default = "board")]
    pub body: String,
    pub held_on: NaiveDate,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub paragraph_from: Option<i32>,
    pub paragraph_to: Option<i32>,
    pub note: Option<String>,
    #[serde(default)]
    pub decisions: Vec<SeedDecision>,
}

pub fn board() -> String {
    "BOARD".into()
}

#[derive(Deserialize)]
pub struct SeedDecision {
    pub paragraph: Option<i32>,
    pub text: String,
    pub amount_sek: Option<i64>,
    pub insats: Option<String>,
}

#[derive(Deserialize)]
pub struct StatisticsFile {
    pub areas: Vec<SeedArea>,
    pub population: Vec<SeedPopulation>,
    pub key_figure: Vec<SeedKeyFigure>,
}

#[derive(Deserialize)]
pub struct SeedArea {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedPopulation {
    pub area: String,
    pub year: i32,
    pub gender: String,
    pub support: Vec<f64>,
    pub population_20_64: Option<i32>,
    pub share_percent: Option<f64>,
    pub source: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedKeyFigure {
    pub forbund: String,
    pub year: i32,
    pub participants: Option<i32>,
    pub closures: Option<i32>,
    pub share_to_work_or_studies_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    pub source: Option<String>,
}

#[derive(Deserialize)]
pub struct IndicatorFile {
    /// The source of every value that names none: they are examples.
    pub example_source: String,
    pub indicator: Vec<SeedIndicator>,
    pub averages: Vec<SeedAverage>,
    pub results: Vec<SeedResult>,
    pub report: Vec<SeedIndicatorReport>,
}

#[derive(Deserialize)]
pub struct SeedIndicator {
    pub code: String,
    pub number: Option<i32>,
    pub name: String,
    pub description: Option<String>,
    pub level: String,
    pub kind: String,
    pub respondent_group: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedAverage {
    pub indicator: String,
    pub year: i32,
    #[serde(default = "total")]
    pub gender: String,
    pub value: f64,
    pub forbund_count: Option<i32>,
    pub source: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedResult {
    pub forbund: String,
    pub indicator: String,
    pub year: i32,
    #[serde(default = "total")]
    pub gender: String,
    pub value: f64,
    pub respondents: Option<i32>,
    pub source: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedIndicatorReport {
    pub forbund: String,
    pub year: i32,
    #[serde(default = "total")]
    pub gender: String,
    pub measured: Option<i32>,
    pub at_or_above_national: Option<i32>,
    pub lower_than_previous_year: Option<i32>,
    pub answers: Option<i32>,
    pub answers_women: Option<i32>,
    pub answers_men: Option<i32>,
    pub source: String,
}

pub fn total() -> String {
    "TOTAL".into()
}
