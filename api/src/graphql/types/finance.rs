//! A förbund's finances of a year and the reports its board receives
//! (DESIGN.md, "Finances"). Every figure here is computed on reading
//! (`service::finance`); a report's stated figures stand beside them.

use std::sync::Arc;

use async_graphql::{Enum, ID, Object, SimpleObject};

use super::Date;
use crate::domain::finance::{EquityWarning as Warning, Totals};
use crate::record::finance::BudgetGroup;
use crate::service::finance::{Finances, Line};

/// A förbund's budget of a year with its plan for the two years after.
#[derive(Clone)]
pub struct FinanceYear(pub Arc<Finances>);

/// Sums of a year's budget lines.
#[derive(SimpleObject)]
pub struct BudgetTotals {
    /// The group summed; null for all lines.
    group: Option<BudgetGroup>,
    budget_sek: i64,
    outcome_sek: i64,
    /// The budget planned for the next year.
    plan1_sek: i64,
    /// The budget planned for the year after that.
    plan2_sek: i64,
    /// Outcome as a share of the budget ("nyttjandegrad"), in percent.
    share_used_percent: Option<f64>,
}

fn totals(group: Option<BudgetGroup>, t: Totals) -> BudgetTotals {
    BudgetTotals {
        group,
        budget_sek: t.budget,
        outcome_sek: t.outcome,
        plan1_sek: t.plan1,
        plan2_sek: t.plan2,
        share_used_percent: t.share_used().map(round1),
    }
}

fn round1(v: f64) -> f64 {
    crate::domain::insats::round1(v)
}

/// A warning about a year's equity.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EquityWarning {
    /// The equity after the year is below zero.
    RunsOut,
    /// The equity after the year exceeds the ceiling the förbund set.
    AboveCeiling,
}

impl From<Warning> for EquityWarning {
    fn from(w: Warning) -> Self {
        match w {
            Warning::RunsOut => EquityWarning::RunsOut,
            Warning::AboveCeiling => EquityWarning::AboveCeiling,
        }
    }
}

/// The equity of a year when its budget is spent in full.
#[derive(SimpleObject)]
pub struct EquityYear {
    year: i32,
    /// False for the budget's own year; true for the two planned years.
    planned: bool,
    contributions_sek: Option<i64>,
    brought_forward_sek: Option<i64>,
    /// Contributions plus equity brought forward.
    available_sek: Option<i64>,
    budget_sek: i64,
    /// Equity the year takes (budget less contributions; negative adds).
    used_sek: Option<i64>,
    after_sek: Option<i64>,
    warning: Option<EquityWarning>,
}

/// What one member pays in the year.
#[derive(SimpleObject)]
pub struct MemberContribution {
    member: String,
    kind: super::MemberKind,
    amount_sek: i64,
    share_percent: Option<f64>,
}

/// The members' shares of the year's contributions by the law's groups.
#[derive(SimpleObject)]
pub struct ContributionShares {
    state_percent: f64,
    region_percent: f64,
    municipalities_percent: f64,
    /// The state's share departs from the half the law gives it.
    departs_from_law: bool,
}

#[Object]
impl FinanceYear {
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Pass it back to `saveFinanceYear`; null before the year's budget is
    /// saved.
    async fn version(&self) -> Option<i32> {
        self.0.row.as_ref().map(|r| r.version)
    }

    /// A report on the year is published: the year is a public document.
    async fn published(&self) -> bool {
        self.0.published
    }

    /// The year's contributions in all: the members' split, or the year's
    /// allocation.
    async fn contributions_sek(&self) -> Option<i64> {
        self.0.contributions_total()
    }

    async fn contributions_plan1_sek(&self) -> Option<i64> {
        self.0.row.as_ref().and_then(|r| r.contributions_plan1_sek)
    }

    async fn contributions_plan2_sek(&self) -> Option<i64> {
        self.0.row.as_ref().and_then(|r| r.contributions_plan2_sek)
    }

    async fn equity_brought_forward_sek(&self) -> Option<i64> {
        self.0
            .row
            .as_ref()
            .and_then(|r| r.equity_brought_forward_sek)
    }

    async fn equity_ceiling_sek(&self) -> Option<i64> {
        self.0.row.as_ref().and_then(|r| r.equity_ceiling_sek)
    }

    async fn note(&self) -> Option<&str> {
        self.0.row.as_ref().and_then(|r| r.note.as_deref())
    }

    async fn member_contributions(&self) -> Vec<MemberContribution> {
        let total: i64 = self.0.contributions.iter().map(|c| c.amount_sek).sum();
        self.0
            .contributions
            .iter()
            .map(|c| MemberContribution {
                member: c.member.name.clone(),
                kind: c.member.kind.into(),
                amount_sek: c.amount_sek,
                share_percent: (total > 0)
                    .then(|| round1(c.amount_sek as f64 * 100.0 / total as f64)),
            })
            .collect()
    }

    /// Null without a split per member.
    async fn contribution_shares(&self) -> Option<ContributionShares> {
        self.0.shares().map(|s| ContributionShares {
            state_percent: round1(s.state_percent),
            region_percent: round1(s.region_percent),
            municipalities_percent: round1(s.municipalities_percent),
            departs_from_law: s.departs,
        })
    }

    /// The lines, by group in the report's order and by position.
    async fn lines(&self) -> Vec<BudgetLine> {
        self.0.lines.iter().cloned().map(BudgetLine).collect()
    }

    /// Each group's sums, in the report's order.
    async fn groups(&self) -> Vec<BudgetTotals> {
        self.0
            .groups()
            .into_iter()
            .map(|g| totals(Some(g.into()), self.0.group_totals(g)))
            .collect()
    }

    async fn totals(&self) -> BudgetTotals {
        totals(None, self.0.totals())
    }

    /// The last day any line's outcome runs to.
    async fn outcome_through(&self) -> Option<Date> {
        self.0.outcome_through().map(Date)
    }

    /// The year and its two planned years, each bringing forward the
    /// equity the one before left.
    async fn equity(&self) -> Vec<EquityYear> {
        self.0
            .forecast()
            .iter()
            .map(|e| EquityYear {
                year: self.0.year + e.offset,
                planned: e.offset > 0,
                contributions_sek: e.contributions,
                brought_forward_sek: e.brought_forward,
                available_sek: e.available,
                budget_sek: e.budget,
                used_sek: e.used,
                after_sek: e.after,
                warning: e.warning.map(Into::into),
            })
            .collect()
    }
}

/// One line of a förbund's budget of a year.
#[derive(Clone)]
pub struct BudgetLine(pub Line);

#[Object]
impl BudgetLine {
    /// The line's key within its förbund's finances (`updateBudgetLine`).
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }

    async fn version(&self) -> i32 {
        self.0.row.version
    }

    async fn year(&self) -> i32 {
        self.0.row.year
    }

    async fn group(&self) -> BudgetGroup {
        self.0.row.line_group.into()
    }

    async fn name(&self) -> &str {
        &self.0.row.name
    }

    /// The insats the line is (its global id); its budget and outcome are
    /// then the insats's own for the year.
    async fn insats_id(&self) -> Option<ID> {
        self.0.row.insats_id.map(|i| {
            ID(crate::record::id::global(
                crate::record::id::NodeKind::Insats,
                i,
            ))
        })
    }

    async fn budget_sek(&self) -> Option<i64> {
        self.0.amounts.budget
    }

    async fn outcome_sek(&self) -> Option<i64> {
        self.0.amounts.outcome
    }

    async fn outcome_through(&self) -> Option<Date> {
        self.0.outcome_through.map(Date)
    }

    async fn share_used_percent(&self) -> Option<f64> {
        self.0.share_used().map(round1)
    }

    async fn plan1_sek(&self) -> Option<i64> {
        self.0.amounts.plan1
    }

    async fn plan2_sek(&self) -> Option<i64> {
        self.0.amounts.plan2
    }

    async fn position(&self) -> i32 {
        self.0.row.position
    }
}

/// A stored report of a förbund, as its list shows it.
#[derive(SimpleObject)]
pub struct FinanceReportListed {
    id: ID,
    year: i32,
    through: Date,
    title: Option<String>,
    published: bool,
    published_on: Option<Date>,
    /// The report's page in the web app.
    path: String,
}

impl FinanceReportListed {
    pub fn new(slug: &str, r: finsam_entity::finance_report::Model) -> Self {
        FinanceReportListed {
            id: ID(r.id.to_string()),
            year: r.year,
            through: Date(r.through),
            path: format!("/forbund/{slug}/rapport?ar={}&tom={}", r.year, r.through),
            title: r.title,
            published: r.published,
            published_on: r.published_on.map(Date),
        }
    }
}
