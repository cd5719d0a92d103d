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

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use finsam_entity::value::{AllocationKind, BudgetGroup};
use finsam_entity::{
    budget_line, finance_report, finance_year, forbund, forbund_allocation, forbund_member,
    insats_budget, member_contribution,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

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
    if reads_unpublished(principal, owner) {
        return Ok(true);
    }
    is_published(conn, owner.id, year).await
}

/// Whether `principal` is shown these finances: they are the caller's to
/// read (its own förbund's and the network's, or anyone's once a report on
/// the year is published) and hold anything at all. A denial and an empty
/// year look the same: a denial says nothing about the row.
fn shown_to(principal: &Principal, f: &Finances) -> bool {
    let readable = f.published || reads_unpublished(principal, &f.forbund);
    let empty = f.row.is_none()
        && f.lines.is_empty()
        && f.contributions.is_empty()
        && f.allocation.is_none();
    readable && !empty
}

/// The year's finances, whoever asks (the caller is checked by `shown_to`).
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    owner: &forbund::Model,
    year: i32,
) -> ApiResult<Finances> {
    let published = published_of(conn, &[owner.id], year).await?;
    let mut found = load_with(conn, std::slice::from_ref(owner), year, &published).await?;
    Ok(found.remove(&owner.id).unwrap_or_else(|| Finances {
        forbund: owner.clone(),
        year,
        row: None,
        lines: vec![],
        contributions: vec![],
        allocation: None,
        published: false,
    }))
}

/// The förbund of `ids` with a published report on `year`.
async fn published_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
    year: i32,
) -> ApiResult<HashSet<i32>> {
    Ok(finance_report::Entity::find()
        .select_only()
        .column(finance_report::Column::ForbundId)
        .filter(crate::service::one_of(
            finance_report::Column::ForbundId,
            ids,
            conn.get_database_backend(),
        ))
        .filter(finance_report::Column::Year.eq(year))
        .filter(finance_report::Column::Published.eq(true))
        .into_tuple::<i32>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Whether `principal` may read the förbund's finances of every year,
/// published or not: its own staff and the network.
fn reads_unpublished(principal: &Principal, owner: &forbund::Model) -> bool {
    policy::allows(
        principal,
        Action::ReadFinances {
            forbund: &owner.slug,
            published: false,
        },
    )
}

/// The year's finances of the förbund of `owners` that `principal` is
/// shown (`shown_to`), for a list of förbund each with its `finances`
/// (`graphql::loaders`): which years are published is read first, and the
/// rest only for the förbund the caller may read, in the same statements
/// however many they are.
pub(crate) async fn read_many<C: ConnectionTrait>(
    conn: &C,
    principal: &Principal,
    owners: &[forbund::Model],
    year: i32,
) -> ApiResult<HashMap<i32, Finances>> {
    let ids: Vec<i32> = owners.iter().map(|o| o.id).collect();
    let published = published_of(conn, &ids, year).await?;
    let readable: Vec<forbund::Model> = owners
        .iter()
        .filter(|o| published.contains(&o.id) || reads_unpublished(principal, o))
        .cloned()
        .collect();
    if readable.is_empty() {
        return Ok(HashMap::new());
    }
    let mut found = load_with(conn, &readable, year, &published).await?;
    found.retain(|_, f| shown_to(principal, f));
    Ok(found)
}

/// The year's finances of every förbund of `owners`, whoever asks (the
/// förbund of `published` have a published report on the year), in the
/// same statements however many they are. Every owner has an entry, empty
/// when it has nothing of the year.
async fn load_with<C: ConnectionTrait>(
    conn: &C,
    owners: &[forbund::Model],
    year: i32,
    published: &HashSet<i32>,
) -> ApiResult<HashMap<i32, Finances>> {
    use crate::service::one_of;
    let backend = conn.get_database_backend();
    let ids: Vec<i32> = owners.iter().map(|o| o.id).collect();
    let rows = finance_year::Entity::find()
        .filter(one_of(finance_year::Column::ForbundId, &ids, backend))
        .filter(finance_year::Column::Year.eq(year))
        .all(conn)
        .await?;
    let lines = budget_line::Entity::find()
        .filter(one_of(budget_line::Column::ForbundId, &ids, backend))
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
            .filter(one_of(
                insats_budget::Column::InsatsId,
                &insats_ids,
                backend,
            ))
            .filter(insats_budget::Column::Year.eq(year))
            .all(conn)
            .await?
            .into_iter()
            .map(|b| (b.insats_id, b))
            .collect()
    };
    let row_ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let (amounts, members) = if row_ids.is_empty() {
        (vec![], HashMap::new())
    } else {
        let amounts = member_contribution::Entity::find()
            .filter(one_of(
                member_contribution::Column::FinanceYearId,
                &row_ids,
                backend,
            ))
            .all(conn)
            .await?;
        let members: HashMap<i32, forbund_member::Model> = forbund_member::Entity::find()
            .filter(one_of(forbund_member::Column::ForbundId, &ids, backend))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        (amounts, members)
    };
    let allocations: HashMap<i32, i64> = forbund_allocation::Entity::find()
        .filter(one_of(forbund_allocation::Column::ForbundId, &ids, backend))
        .filter(forbund_allocation::Column::Year.eq(year))
        .filter(forbund_allocation::Column::Kind.eq(AllocationKind::Total))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.forbund_id, a.amount_sek))
        .collect();
    let mut out: HashMap<i32, Finances> = owners
        .iter()
        .map(|owner| {
            let finances = Finances {
                forbund: owner.clone(),
                year,
                row: rows.iter().find(|r| r.forbund_id == owner.id).cloned(),
                lines: vec![],
                contributions: vec![],
                allocation: allocations.get(&owner.id).copied(),
                published: published.contains(&owner.id),
            };
            (owner.id, finances)
        })
        .collect();
    for row in lines {
        let (budget, outcome, through) = match row.insats_id {
            Some(id) => budgets.get(&id).map_or((None, None, None), |b| {
                (Some(b.budget_sek), b.spent_sek, b.spent_through)
            }),
            None => (row.budget_sek, row.outcome_sek, row.outcome_through),
        };
        if let Some(f) = out.get_mut(&row.forbund_id) {
            f.lines.push(Line {
                amounts: LineAmounts {
                    budget,
                    outcome,
                    plan1: row.plan1_sek,
                    plan2: row.plan2_sek,
                },
                outcome_through: through,
                row,
            });
        }
    }
    // A contribution belongs to its year's förbund, from one of its members.
    let owner_of: HashMap<i32, i32> = rows.iter().map(|r| (r.id, r.forbund_id)).collect();
    for a in amounts {
        let Some(owner) = owner_of.get(&a.finance_year_id) else {
            continue;
        };
        let Some(member) = members.get(&a.member_id).filter(|m| m.forbund_id == *owner) else {
            continue;
        };
        if let Some(f) = out.get_mut(owner) {
            f.contributions.push(Contribution {
                member: member.clone(),
                amount_sek: a.amount_sek,
            });
        }
    }
    for f in out.values_mut() {
        f.lines.sort_by_key(|l| {
            (
                maths::group_order(l.row.line_group),
                l.row.position,
                l.row.id,
            )
        });
    }
    Ok(out)
}

/// Refuses a range of report years that is not one: years the finances
/// can hold, in order, at most ten.
pub fn check_report_years(from: i32, to: i32) -> ApiResult<()> {
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
    Ok(())
}

/// The stored reports of the förbund of `owners` from `from` to `to`
/// (years, both included) that `principal` may read, newest first:
/// published ones for anyone, all for a förbund's staff and the network,
/// decided in the statement; one however many förbund. Every owner has an
/// entry.
pub(crate) async fn reports_of<C: ConnectionTrait>(
    conn: &C,
    principal: &Principal,
    owners: &[forbund::Model],
    from: i32,
    to: i32,
) -> ApiResult<HashMap<i32, Vec<finance_report::Model>>> {
    use crate::service::one_of;
    use sea_orm::Condition;
    let backend = conn.get_database_backend();
    let ids: Vec<i32> = owners.iter().map(|o| o.id).collect();
    let all: Vec<i32> = owners
        .iter()
        .filter(|o| reads_unpublished(principal, o))
        .map(|o| o.id)
        .collect();
    let mut readable = Condition::any().add(
        Condition::all()
            .add(one_of(finance_report::Column::ForbundId, &ids, backend))
            .add(finance_report::Column::Published.eq(true)),
    );
    if !all.is_empty() {
        readable = readable.add(one_of(finance_report::Column::ForbundId, &all, backend));
    }
    let rows = finance_report::Entity::find()
        .filter(readable)
        .filter(finance_report::Column::Year.gte(from))
        .filter(finance_report::Column::Year.lte(to))
        .order_by_desc(finance_report::Column::Year)
        .order_by_desc(finance_report::Column::Through)
        .all(conn)
        .await?;
    let mut out: HashMap<i32, Vec<finance_report::Model>> =
        ids.iter().map(|id| (*id, Vec::new())).collect();
    for r in rows {
        out.entry(r.forbund_id).or_default().push(r);
    }
    Ok(out)
}
