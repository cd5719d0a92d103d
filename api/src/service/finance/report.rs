//! The report a förbund's board receives on its finances for a period (a
//! half-year, or the year), generated from the data in the order of the
//! boards' own papers: budget and outcome, contributions and equity with the
//! forecast, the figures the paper stated against the computed ones, the
//! insatser of the period, the national indicators, and the population on
//! benefits. A published report is a public document; one not yet published
//! is read by the förbund's own staff and the network (`Action::ReadFinances`).

use chrono::{Datelike, NaiveDate};
use finsam_entity::value::FinanceFigure;
use finsam_entity::{
    decision, finance_report, forbund, insats, insats_budget, insats_goal, insats_outcome,
    reported_figure,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::Finances;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiResult;
use crate::service::ServiceContext;
use crate::service::indicator::{Comparison, Gender};
use crate::service::population::Support;

/// A figure as computed and as the report's paper stated it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureRow {
    pub figure: FinanceFigure,
    pub year: i32,
    pub computed: Option<i64>,
    pub reported: Option<i64>,
}

impl FigureRow {
    /// Stated − computed, when both exist and differ.
    pub fn difference(&self) -> Option<i64> {
        crate::domain::finance::difference(self.computed, self.reported?)
    }
}

/// An insats active in the report's period, with what the report says of it.
#[derive(Debug, Clone)]
pub struct InsatsAccount {
    pub insats: insats::Model,
    pub budget: Option<insats_budget::Model>,
    /// The latest outcome for the whole insats reported within the period.
    pub outcome: Option<insats_outcome::Model>,
    pub goals: Vec<insats_goal::Model>,
    /// Counts under the privacy limit are hidden from this caller.
    pub in_full: bool,
}

pub struct Report {
    pub stored: Option<finance_report::Model>,
    pub stated: Vec<reported_figure::Model>,
    pub decision: Option<decision::Model>,
    pub finances: Finances,
    pub through: NaiveDate,
    pub insatser: Vec<InsatsAccount>,
    pub indicators: Option<Comparison>,
    pub population: Vec<Support>,
    pub min_cell: i64,
}

impl Report {
    pub fn forbund(&self) -> &forbund::Model {
        &self.finances.forbund
    }

    pub fn year(&self) -> i32 {
        self.finances.year
    }

    pub fn published(&self) -> bool {
        self.stored.as_ref().is_some_and(|r| r.published)
    }

    pub fn published_on(&self) -> Option<NaiveDate> {
        self.stored.as_ref().and_then(|r| r.published_on)
    }

    /// A half-year or a year.
    pub fn period_start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), 1, 1).unwrap_or(self.through)
    }

    /// Every figure computed or stated, in the order of `FinanceFigure` and
    /// then by year.
    pub fn figures(&self) -> Vec<FigureRow> {
        let totals = self.finances.totals();
        let forecast = self.finances.forecast();
        let year = self.year();
        let mut rows = Vec::new();
        for figure in FinanceFigure::ALL {
            for offset in 0..3 {
                let y = forecast[offset as usize];
                let computed = match figure {
                    FinanceFigure::TotalBudget => Some(y.budget),
                    FinanceFigure::TotalOutcome if offset == 0 => Some(totals.outcome),
                    FinanceFigure::ShareUsed if offset == 0 => {
                        totals.share_used().map(|s| s.round() as i64)
                    }
                    FinanceFigure::Contributions => y.contributions,
                    FinanceFigure::EquityBroughtForward => y.brought_forward,
                    FinanceFigure::Available => y.available,
                    FinanceFigure::EquityUsed => y.used,
                    FinanceFigure::EquityAfter => y.after,
                    FinanceFigure::Result => y.used.map(|u| -u),
                    _ => None,
                };
                let computed = computed.filter(|_| {
                    !self.finances.lines.is_empty() || {
                        // Without lines there is no budget to compute from: only
                        // the means are known.
                        matches!(
                            figure,
                            FinanceFigure::Contributions | FinanceFigure::EquityBroughtForward
                        )
                    }
                });
                let reported = self
                    .stated
                    .iter()
                    .find(|s| s.figure == *figure && s.year == year + offset)
                    .map(|s| s.value);
                if computed.is_some() || reported.is_some() {
                    rows.push(FigureRow {
                        figure: *figure,
                        year: year + offset,
                        computed,
                        reported,
                    });
                }
            }
        }
        rows
    }
}

/// The report of `slug`'s finances for `year` through `through` (the
/// latest stored report of the year, or the whole year, when not given),
/// or `None` when the förbund does not exist or the caller may not read it.
pub async fn report(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    slug: &str,
    year: i32,
    through: Option<NaiveDate>,
) -> ApiResult<Option<Report>> {
    let Some(owner) = crate::service::forbund::by_slug(db, slug).await? else {
        return Ok(None);
    };
    let mut stored_query = finance_report::Entity::find()
        .filter(finance_report::Column::ForbundId.eq(owner.id))
        .filter(finance_report::Column::Year.eq(year));
    if let Some(t) = through {
        stored_query = stored_query.filter(finance_report::Column::Through.eq(t));
    }
    let stored = stored_query
        .order_by_desc(finance_report::Column::Through)
        .one(db)
        .await?;
    let through = through
        .or(stored.as_ref().map(|s| s.through))
        .or_else(|| NaiveDate::from_ymd_opt(year, 12, 31));
    let Some(through) = through.filter(|t| t.year() == year) else {
        return Ok(None);
    };
    // A period of the förbund's life, or none: no report names a förbund
    // in a year before it was founded or after it was dissolved.
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(through);
    if owner.founded_on.is_some_and(|f| f > through)
        || owner.dissolved_on.is_some_and(|d| d < start)
    {
        return Ok(None);
    }
    // A period is public once its report is published; any other period of
    // the förbund is its own staff's (DESIGN.md, "Finances").
    let published = stored.as_ref().is_some_and(|s| s.published);
    if !policy::allows(
        principal,
        Action::ReadFinances {
            forbund: &owner.slug,
            published,
        },
    ) {
        return Ok(None);
    }
    let stated = match &stored {
        Some(s) => {
            reported_figure::Entity::find()
                .filter(reported_figure::Column::ReportId.eq(s.id))
                .all(db)
                .await?
        }
        None => vec![],
    };
    let decision = match stored.as_ref().and_then(|s| s.decision_id) {
        Some(id) => decision::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let finances = super::load(db, &owner, year).await?;
    let insatser = insatser(db, principal, &owner, year, through).await?;
    let indicators =
        crate::service::indicator::comparison(cx, db, principal, &owner.slug, year, Gender::Total)
            .await?
            .filter(|c| !c.rows.is_empty());
    let population = population(db, &owner, year).await?;
    Ok(Some(Report {
        stored,
        stated,
        decision,
        finances,
        through,
        insatser,
        indicators,
        population,
        min_cell: cx.min_cell,
    }))
}

/// The insatser of the förbund active in the period that the caller may
/// read (the insats's own visibility holds in a report too).
async fn insatser(
    db: &DatabaseConnection,
    principal: &Principal,
    owner: &forbund::Model,
    year: i32,
    through: NaiveDate,
) -> ApiResult<Vec<InsatsAccount>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(through);
    let rows = insats::Entity::find()
        .filter(insats::Column::ForbundId.eq(owner.id))
        .filter(crate::service::insats::visible(principal))
        .filter(
            Condition::any()
                .add(insats::Column::StartsOn.is_null())
                .add(insats::Column::StartsOn.lte(through)),
        )
        .filter(
            Condition::any()
                .add(insats::Column::EndsOn.is_null())
                .add(insats::Column::EndsOn.gte(start)),
        )
        .order_by_asc(insats::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|i| i.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let budgets = insats_budget::Entity::find()
        .filter(insats_budget::Column::InsatsId.is_in(ids.clone()))
        .filter(insats_budget::Column::Year.eq(year))
        .all(db)
        .await?;
    let outcomes = insats_outcome::Entity::find()
        .filter(insats_outcome::Column::InsatsId.is_in(ids.clone()))
        .filter(insats_outcome::Column::Municipality.is_null())
        .filter(insats_outcome::Column::PeriodTo.gte(start))
        .filter(insats_outcome::Column::PeriodTo.lte(through))
        .order_by_desc(insats_outcome::Column::PeriodTo)
        .all(db)
        .await?;
    let goals = insats_goal::Entity::find()
        .filter(insats_goal::Column::InsatsId.is_in(ids))
        .order_by_asc(insats_goal::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|i| InsatsAccount {
            budget: budgets.iter().find(|b| b.insats_id == i.id).cloned(),
            outcome: outcomes.iter().find(|o| o.insats_id == i.id).cloned(),
            goals: goals
                .iter()
                .filter(|g| g.insats_id == i.id)
                .cloned()
                .collect(),
            in_full: policy::allows(
                principal,
                Action::ReadInsatsDetailsInFull { owner: &owner.slug },
            ),
            insats: i,
        })
        .collect())
}

/// Population on benefits in the förbund's kommuner, with their county and
/// the country, in the latest year on record up to the report's: five
/// statements however many kommuner are members.
async fn population(
    db: &DatabaseConnection,
    owner: &forbund::Model,
    year: i32,
) -> ApiResult<Vec<Support>> {
    use crate::service::population as pop;
    use finsam_entity::{area, forbund_member, value::MemberKind};
    let members = forbund_member::Entity::find()
        .filter(forbund_member::Column::ForbundId.eq(owner.id))
        .filter(forbund_member::Column::Kind.eq(MemberKind::Municipality))
        .all(db)
        .await?;
    let areas = area::Entity::find().all(db).await?;
    let kommuner: Vec<&area::Model> = members
        .iter()
        .filter_map(|m| kommun_area(&areas, &m.name))
        .collect();
    let ids: Vec<i32> = kommuner.iter().map(|a| a.id).collect();
    let latest = pop::latest_years(db, &ids, year).await?;
    let mut wanted: Vec<(area::Model, i32)> = Vec::new();
    for kommun in kommuner {
        let Some(year) = latest.get(&kommun.id) else {
            continue;
        };
        for a in pop::chain_in(&areas, kommun) {
            if !wanted.iter().any(|(w, _)| w.id == a.id) {
                wanted.push((a.clone(), *year));
            }
        }
    }
    pop::supports(db, &wanted).await
}

/// A member kommun's area by its name as the förbund lists it ("Västerås
/// stad", "Tingsryds kommun"): the name without the word for the body, and
/// without the genitive s.
fn kommun_area<'a>(
    areas: &'a [finsam_entity::area::Model],
    member: &str,
) -> Option<&'a finsam_entity::area::Model> {
    use crate::service::population::area_named;
    let base = member
        .trim_end_matches(" kommun")
        .trim_end_matches(" stad")
        .trim();
    area_named(areas, base).or_else(|| area_named(areas, base.strip_suffix('s')?))
}
