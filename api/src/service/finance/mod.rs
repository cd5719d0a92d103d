//! A förbund's finances of a year (DESIGN.md, "Finances"): read under the
//! policy's one rule (`Action::ReadFinances`), computed by
//! `domain::finance`, never stored twice. An insats line's budget and
//! outcome are read from its insats's budget of the year; the year's
//! contributions in all are its TOTAL allocation, or the members' split.

mod activity;
pub mod document;
pub mod lines;
pub mod publish;
pub mod report;
pub mod sections;
pub mod write;

use std::collections::HashMap;

use chrono::NaiveDate;
use finsam_entity::value::{AllocationKind, BudgetGroup};
use finsam_entity::{
    budget_line, finance_report, finance_year, forbund, forbund_allocation, forbund_member,
    insats_budget, member_contribution,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::domain::finance::{
    self as maths, EquityYear, FundingShares, LineAmounts, Means, Totals,
};
use crate::error::ApiResult;

/// One line of the year's budget, its amounts resolved.
#[derive(Debug, Clone)]
pub struct Line {
    pub row: budget_line::Model,
    pub amounts: LineAmounts,
    pub outcome_through: Option<NaiveDate>,
}

impl Line {
    pub fn share_used(&self) -> Option<f64> {
        maths::share_used(self.amounts.budget, self.amounts.outcome)
    }
}

/// What one member pays in the year.
#[derive(Debug, Clone)]
pub struct Contribution {
    pub member: forbund_member::Model,
    pub amount_sek: i64,
}

/// A förbund's finances of a year as the caller may read them.
#[derive(Debug, Clone)]
pub struct Finances {
    pub forbund: forbund::Model,
    pub year: i32,
    pub row: Option<finance_year::Model>,
    pub lines: Vec<Line>,
    pub contributions: Vec<Contribution>,
    /// The year's TOTAL allocation: its contributions in all, where the
    /// members' split is not recorded.
    pub allocation: Option<i64>,
    pub published: bool,
}

impl Finances {
    /// The members' contributions of the year: their split, or the
    /// allocation in all.
    pub fn contributions_total(&self) -> Option<i64> {
        if self.contributions.is_empty() {
            self.allocation
        } else {
            Some(self.contributions.iter().map(|c| c.amount_sek).sum())
        }
    }

    pub fn means(&self) -> Means {
        let row = self.row.as_ref();
        Means {
            contributions: [
                self.contributions_total(),
                row.and_then(|r| r.contributions_plan1_sek),
                row.and_then(|r| r.contributions_plan2_sek),
            ],
            equity_brought_forward: row.and_then(|r| r.equity_brought_forward_sek),
            equity_ceiling: row.and_then(|r| r.equity_ceiling_sek),
        }
    }

    pub fn totals(&self) -> Totals {
        Totals::of(self.lines.iter().map(|l| &l.amounts))
    }

    /// The totals of one group.
    pub fn group_totals(&self, group: BudgetGroup) -> Totals {
        Totals::of(
            self.lines
                .iter()
                .filter(|l| l.row.line_group == group)
                .map(|l| &l.amounts),
        )
    }

    /// The groups that have lines, in the report's order.
    pub fn groups(&self) -> Vec<BudgetGroup> {
        BudgetGroup::ALL
            .iter()
            .copied()
            .filter(|g| self.lines.iter().any(|l| l.row.line_group == *g))
            .collect()
    }

    pub fn forecast(&self) -> [EquityYear; 3] {
        maths::equity_forecast(&self.totals(), &self.means())
    }

    pub fn shares(&self) -> Option<FundingShares> {
        let split: Vec<_> = self
            .contributions
            .iter()
            .map(|c| (c.member.kind, c.amount_sek))
            .collect();
        maths::funding_shares(&split)
    }

    /// The last day any line's outcome runs to.
    pub fn outcome_through(&self) -> Option<NaiveDate> {
        self.lines.iter().filter_map(|l| l.outcome_through).max()
    }
}

/// Whether a report the board received for the year is published.
pub async fn is_published<C: ConnectionTrait>(
    conn: &C,
    forbund_id: i32,
    year: i32,
) -> ApiResult<bool> {
    Ok(finance_report::Entity::find()
        .filter(finance_report::Column::ForbundId.eq(forbund_id))
        .filter(finance_report::Column::Year.eq(year))
        .filter(finance_report::Column::Published.eq(true))
        .count(conn)
        .await?
        > 0)
}

/// Whether `principal` may read the förbund's finances of the year.
pub async fn readable<C: ConnectionTrait>(
    conn: &C,
    principal: &Principal,
    owner: &forbund::Model,
    year: i32,
) -> ApiResult<bool> {
    if policy::allows(
        principal,
        Action::ReadFinances {
            forbund: &owner.slug,
            published: false,
        },
    ) {
        return Ok(true);
    }
    is_published(conn, owner.id, year).await
}

/// The förbund's finances of `year`, or `None` when there are none or the
/// caller may not read them (a denial says nothing about the row).
pub async fn read<C: ConnectionTrait>(
    conn: &C,
    principal: &Principal,
    owner: &forbund::Model,
    year: i32,
) -> ApiResult<Option<Finances>> {
    if !readable(conn, principal, owner, year).await? {
        return Ok(None);
    }
    let f = load(conn, owner, year).await?;
    let empty = f.row.is_none()
        && f.lines.is_empty()
        && f.contributions.is_empty()
        && f.allocation.is_none();
    Ok((!empty).then_some(f))
}

/// The year's finances, whoever asks (the caller is checked by `read`).
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    owner: &forbund::Model,
    year: i32,
) -> ApiResult<Finances> {
    let row = finance_year::Entity::find()
        .filter(finance_year::Column::ForbundId.eq(owner.id))
        .filter(finance_year::Column::Year.eq(year))
        .one(conn)
        .await?;
    let lines = budget_line::Entity::find()
        .filter(budget_line::Column::ForbundId.eq(owner.id))
        .filter(budget_line::Column::Year.eq(year))
        .order_by_asc(budget_line::Column::Position)
        .order_by_asc(budget_line::Column::Id)
        .all(conn)
        .await?;
    let insats_ids: Vec<i32> = lines.iter().filter_map(|l| l.insats_id).collect();
    let budgets: HashMap<i32, insats_budget::Model> = if insats_ids.is_empty() {
        HashMap::new()
    } else {
        insats_budget::Entity::find()
            .filter(insats_budget::Column::InsatsId.is_in(insats_ids))
            .filter(insats_budget::Column::Year.eq(year))
            .all(conn)
            .await?
            .into_iter()
            .map(|b| (b.insats_id, b))
            .collect()
    };
    let mut lines: Vec<Line> = lines
        .into_iter()
        .map(|row| {
            let (budget, outcome, through) = match row.insats_id {
                Some(id) => budgets.get(&id).map_or((None, None, None), |b| {
                    (Some(b.budget_sek), b.spent_sek, b.spent_through)
                }),
                None => (row.budget_sek, row.outcome_sek, row.outcome_through),
            };
            Line {
                amounts: LineAmounts {
                    budget,
                    outcome,
                    plan1: row.plan1_sek,
                    plan2: row.plan2_sek,
                },
                outcome_through: through,
                row,
            }
        })
        .collect();
    lines.sort_by_key(|l| {
        (
            maths::group_order(l.row.line_group),
            l.row.position,
            l.row.id,
        )
    });
    let contributions = match &row {
        Some(r) => {
            let amounts = member_contribution::Entity::find()
                .filter(member_contribution::Column::FinanceYearId.eq(r.id))
                .all(conn)
                .await?;
            let members: HashMap<i32, forbund_member::Model> = forbund_member::Entity::find()
                .filter(forbund_member::Column::ForbundId.eq(owner.id))
                .all(conn)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect();
            amounts
                .into_iter()
                .filter_map(|a| {
                    members.get(&a.member_id).map(|m| Contribution {
                        member: m.clone(),
                        amount_sek: a.amount_sek,
                    })
                })
                .collect()
        }
        None => vec![],
    };
    let allocation = forbund_allocation::Entity::find()
        .filter(forbund_allocation::Column::ForbundId.eq(owner.id))
        .filter(forbund_allocation::Column::Year.eq(year))
        .filter(forbund_allocation::Column::Kind.eq(AllocationKind::Total))
        .one(conn)
        .await?
        .map(|a| a.amount_sek);
    Ok(Finances {
        forbund: owner.clone(),
        year,
        row,
        lines,
        contributions,
        allocation,
        published: is_published(conn, owner.id, year).await?,
    })
}

/// The stored reports of a förbund from `from` to `to` (years, both
/// included) that the caller may read: published ones for anyone, all for
/// the förbund's staff and the network.
pub async fn reports<C: ConnectionTrait>(
    conn: &C,
    principal: &Principal,
    owner: &forbund::Model,
    from: i32,
    to: i32,
) -> ApiResult<Vec<finance_report::Model>> {
    use crate::error::{ApiError, Rule};
    crate::record::finance::check_year("fromYear", from)?;
    crate::record::finance::check_year("toYear", to)?;
    if to < from {
        return Err(ApiError::bad_input(
            "toYear",
            Rule::BeforeStart.with("other", "fromYear"),
        ));
    }
    if to - from >= 10 {
        return Err(ApiError::bad_input(
            "toYear",
            Rule::RangeTooLong.with("max", 10),
        ));
    }
    let staff = policy::allows(
        principal,
        Action::ReadFinances {
            forbund: &owner.slug,
            published: false,
        },
    );
    let mut query = finance_report::Entity::find()
        .filter(finance_report::Column::ForbundId.eq(owner.id))
        .filter(finance_report::Column::Year.gte(from))
        .filter(finance_report::Column::Year.lte(to));
    if !staff {
        query = query.filter(finance_report::Column::Published.eq(true));
    }
    Ok(query
        .order_by_desc(finance_report::Column::Year)
        .order_by_desc(finance_report::Column::Through)
        .all(conn)
        .await?)
}
