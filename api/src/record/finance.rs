//! A förbund's finances (DESIGN.md, "Finances"): its budget of a year with
//! the plan for the two years after (`saveFinanceYear`), the lines of the
//! budget (`createBudgetLine`, `updateBudgetLine`, the seed, `finsam import
//! budget`), and a report to its board with the figures its paper states
//! (`saveFinanceReport`). Amounts are whole kronor.

use async_graphql::{Enum, ID, InputObject};
use chrono::Datelike;
use serde::Deserialize;

use super::Date;
use super::number;
use crate::error::{ApiError, ApiResult, Rule};

/// The years a förbund's finances can be about (the law dates from 2004).
pub const YEARS: std::ops::RangeInclusive<i32> = 2004..=2100;

pub fn check_year(field: &'static str, year: i32) -> ApiResult<()> {
    if !YEARS.contains(&year) {
        return Err(ApiError::bad_input(
            field,
            Rule::YearRange
                .with("min", *YEARS.start())
                .with("max", *YEARS.end()),
        ));
    }
    Ok(())
}

/// A day that must fall in `year`.
pub fn check_in_year(field: &'static str, day: Option<&Date>, year: i32) -> ApiResult<()> {
    match day {
        Some(d) if d.0.year() != year => Err(ApiError::bad_input(
            field,
            Rule::DateOutsideYear.with("year", year),
        )),
        _ => Ok(()),
    }
}

fn not_negative(field: &'static str, v: Option<i64>) -> ApiResult<()> {
    match v {
        Some(v) if v < 0 => Err(ApiError::bad_input(field, Rule::Negative)),
        _ => Ok(()),
    }
}

/// The group of a budget line.
#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::BudgetGroup")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BudgetGroup {
    /// Insatser (an insats's own line, or a pot such as development funds).
    Insatser,
    /// The board: audit, fees, conferences, representation.
    Board,
    /// Administration: accounting, the coordinator's post, fees.
    Administration,
    /// Anything else.
    Other,
}

/// A figure of a förbund's finances as a report states it.
#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[graphql(remote = "finsam_entity::value::FinanceFigure")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FinanceFigure {
    /// The year's budget, all lines.
    TotalBudget,
    /// The outcome to the report's day, all lines.
    TotalOutcome,
    /// The share of the budget used, in whole percent.
    ShareUsed,
    /// The members' contributions of the year.
    Contributions,
    /// Equity brought into the year.
    EquityBroughtForward,
    /// Contributions plus equity brought forward.
    Available,
    /// Equity the year takes: budget less contributions.
    EquityUsed,
    /// Equity left after the year.
    EquityAfter,
    /// The year's result (a deficit is negative).
    Result,
}

/// What one member pays in a year.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "MemberContributionInput")]
pub struct MemberContribution {
    /// The member's name, as the förbund lists its members.
    pub member: String,
    #[serde(deserialize_with = "number::required")]
    pub amount_sek: i64,
}

/// A förbund's budget of a year, with the plan for the two years after.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "FinanceYearInput")]
pub struct FinanceYearInput {
    pub forbund: String,
    pub year: i32,
    /// The members' contributions in all (the year's allocation), where
    /// the split is not known; leave empty when giving
    /// `memberContributions`.
    pub contributions_sek: Option<i64>,
    /// The contributions planned for the next year.
    pub contributions_plan1_sek: Option<i64>,
    /// The contributions planned for the year after that.
    pub contributions_plan2_sek: Option<i64>,
    /// Equity brought into the year (may be negative).
    pub equity_brought_forward_sek: Option<i64>,
    /// The most equity the förbund means to keep; a forecast above it is
    /// flagged.
    pub equity_ceiling_sek: Option<i64>,
    pub note: Option<String>,
    /// What each member pays in the year.
    #[graphql(default)]
    #[serde(default)]
    pub member_contributions: Vec<MemberContribution>,
}

impl FinanceYearInput {
    /// The rules one input can be checked against alone; members are the
    /// service's (they are rows).
    pub fn check(&self) -> ApiResult<()> {
        check_year("year", self.year)?;
        not_negative("contributionsSek", self.contributions_sek)?;
        not_negative("contributionsPlan1Sek", self.contributions_plan1_sek)?;
        not_negative("contributionsPlan2Sek", self.contributions_plan2_sek)?;
        not_negative("equityCeilingSek", self.equity_ceiling_sek)?;
        if self.contributions_sek.is_some() && !self.member_contributions.is_empty() {
            return Err(ApiError::bad_input(
                "contributionsSek",
                Rule::ContributionsTwice,
            ));
        }
        for c in &self.member_contributions {
            not_negative("memberContributions", Some(c.amount_sek))?;
        }
        super::optional_text("note", &self.note, 5_000)?;
        Ok(())
    }
}

/// A line of a förbund's budget of a year.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "BudgetLineInput")]
pub struct BudgetLineInput {
    pub forbund: String,
    #[serde(deserialize_with = "number::required")]
    pub year: i32,
    pub group: BudgetGroup,
    pub name: String,
    /// The insats the line is; its budget and outcome are then the
    /// insats's own for the year.
    pub insats: Option<ID>,
    #[serde(default, deserialize_with = "number::optional")]
    pub budget_sek: Option<i64>,
    #[serde(default, deserialize_with = "number::optional")]
    pub outcome_sek: Option<i64>,
    /// The day the outcome runs to.
    pub outcome_through: Option<Date>,
    /// The budget planned for the next year.
    #[serde(default, deserialize_with = "number::optional")]
    pub plan1_sek: Option<i64>,
    /// The budget planned for the year after that.
    #[serde(default, deserialize_with = "number::optional")]
    pub plan2_sek: Option<i64>,
    /// Where the line stands in its group (after the others when empty).
    #[serde(default, deserialize_with = "number::optional")]
    pub position: Option<i32>,
}

impl BudgetLineInput {
    /// The line's rules on its own; the insats is the service's.
    pub fn check(&self) -> ApiResult<String> {
        check_year("year", self.year)?;
        let name = super::text("name", &self.name, 300)?;
        if self.insats.is_some() {
            if self.group != BudgetGroup::Insatser {
                return Err(ApiError::bad_input("group", Rule::InsatsLineGroup));
            }
            for (field, v) in [
                ("budgetSek", self.budget_sek),
                ("outcomeSek", self.outcome_sek),
            ] {
                if v.is_some() {
                    return Err(ApiError::bad_input(field, Rule::InsatsLineAmounts));
                }
            }
            if self.outcome_through.is_some() {
                return Err(ApiError::bad_input(
                    "outcomeThrough",
                    Rule::InsatsLineAmounts,
                ));
            }
        }
        not_negative("budgetSek", self.budget_sek)?;
        not_negative("outcomeSek", self.outcome_sek)?;
        not_negative("plan1Sek", self.plan1_sek)?;
        not_negative("plan2Sek", self.plan2_sek)?;
        if self.outcome_sek.is_some() && self.outcome_through.is_none() {
            return Err(ApiError::bad_input(
                "outcomeThrough",
                Rule::OutcomeDateRequired,
            ));
        }
        check_in_year("outcomeThrough", self.outcome_through.as_ref(), self.year)?;
        Ok(name)
    }
}

/// A figure as the report's paper states it.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "ReportedFigureInput")]
pub struct ReportedFigureInput {
    pub figure: FinanceFigure,
    /// The report's year or one of the two planned years.
    pub year: i32,
    /// Kronor; whole percent for SHARE_USED.
    pub value: i64,
}

/// A report on a förbund's finances for a period (a half-year, or the
/// year), as its board receives it.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "FinanceReportInput")]
pub struct FinanceReportInput {
    pub forbund: String,
    pub year: i32,
    /// The last day of the period.
    pub through: Date,
    pub title: Option<String>,
    /// The board has received it: from then on a public document, readable
    /// by anyone (a `publishedOn` day publishes it too).
    #[graphql(default)]
    #[serde(default)]
    pub published: bool,
    /// The day the board received it, where known.
    pub published_on: Option<Date>,
    /// The board's decision on the report, where there is one.
    pub decision: Option<ID>,
    /// The figures the report's paper states, kept beside the computed ones.
    #[graphql(default)]
    #[serde(default)]
    pub reported_figures: Vec<ReportedFigureInput>,
}

impl FinanceReportInput {
    /// Whether the input publishes the report.
    pub fn publishes(&self) -> bool {
        self.published || self.published_on.is_some()
    }

    pub fn check(&self) -> ApiResult<Option<String>> {
        check_year("year", self.year)?;
        check_in_year("through", Some(&self.through), self.year)?;
        if let Some(p) = &self.published_on
            && p.0 < self.through.0
        {
            return Err(ApiError::bad_input(
                "publishedOn",
                Rule::BeforeStart.with("other", "through"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, f) in self.reported_figures.iter().enumerate() {
            if !(self.year..=self.year + 2).contains(&f.year) {
                return Err(ApiError::bad_input(
                    "reportedFigures",
                    Rule::YearRange
                        .with("min", self.year)
                        .with("max", self.year + 2),
                ));
            }
            if !seen.insert((f.figure, f.year)) {
                return Err(ApiError::bad_input(
                    "reportedFigures",
                    Rule::RowDuplicate.with("row", i + 1),
                ));
            }
        }
        super::optional_text("title", &self.title, 300)
    }
}
