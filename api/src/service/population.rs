//! Population on benefits (helårsekvivalenter, people aged 20–64) per area,
//! year, benefit and gender, with the population 20–64 and the share, for
//! needs analyses. Loaded from SCB-style files by `finsam import`.

use std::collections::HashMap;

use finsam_entity::{area, area_population, population_support};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use super::audit::{self, Change};
use super::indicator::{BatchError, Gender};
use super::{ServiceContext, now};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::text::fold;
use crate::error::{ApiResult, Broken, Rule};
use crate::service::audit::{Operation, RecordKind};
pub use finsam_entity::value::{AreaKind, Benefit};

/// The benefits, in the order of the SCB tables.
pub const BENEFITS: [Benefit; 6] = [
    Benefit::SicknessBenefit,
    Benefit::SicknessActivityCompensation,
    Benefit::Unemployment,
    Benefit::LabourMarketProgrammes,
    Benefit::SocialAssistance,
    Benefit::EstablishmentBenefit,
];

/// The benefit columns of the SCB tables and of the files: each benefit,
/// then the total.
pub fn benefits_then_total() -> impl Iterator<Item = Benefit> {
    BENEFITS.iter().copied().chain([Benefit::Total])
}

/// An area by SCB code ("1980") or by name, case and diacritics aside ("vasteras").
pub async fn find_area(db: &DatabaseConnection, key: &str) -> ApiResult<Option<area::Model>> {
    if let Some(a) = area::Entity::find()
        .filter(area::Column::Code.eq(key.trim()))
        .one(db)
        .await?
    {
        return Ok(Some(a));
    }
    Ok(area_named(&area::Entity::find().all(db).await?, key).cloned())
}

/// One benefit's full-year equivalents by gender.
#[derive(Debug, Clone)]
pub struct BenefitFigures {
    pub benefit: Benefit,
    pub total: Option<f64>,
    pub women: Option<f64>,
    pub men: Option<f64>,
}

#[derive(Clone)]
pub struct Support {
    pub area: area::Model,
    pub year: i32,
    pub benefits: Vec<BenefitFigures>,
    /// The reported total over all benefits.
    pub total: BenefitFigures,
    pub population_20_64: Option<i32>,
    pub reported_share_percent: Option<f64>,
}

impl Support {
    /// The share on benefits: as reported, else computed from the total and
    /// the population.
    pub fn share_percent(&self) -> Option<f64> {
        self.reported_share_percent.or_else(|| {
            let (t, p) = (self.total.total?, self.population_20_64?);
            (p > 0).then(|| crate::domain::insats::round1(t * 100.0 / f64::from(p)))
        })
    }
}

/// Population on benefits in `area` for `year`; `None` when nothing is on
/// record.
pub async fn support(
    db: &DatabaseConnection,
    area: &area::Model,
    year: i32,
) -> ApiResult<Option<Support>> {
    Ok(supports(db, &[(area.clone(), year)]).await?.pop())
}

/// Population on benefits for many areas, each in its own year, in two
/// statements whatever their number (a report's kommuner with their county
/// and the country, an area's every year); those with nothing on record
/// are left out, the rest kept in the order asked.
pub async fn supports(
    db: &DatabaseConnection,
    wanted: &[(area::Model, i32)],
) -> ApiResult<Vec<Support>> {
    if wanted.is_empty() {
        return Ok(vec![]);
    }
    let mut ids: Vec<i32> = wanted.iter().map(|(a, _)| a.id).collect();
    let mut years: Vec<i32> = wanted.iter().map(|(_, y)| *y).collect();
    ids.sort_unstable();
    ids.dedup();
    years.sort_unstable();
    years.dedup();
    let rows = population_support::Entity::find()
        .filter(population_support::Column::AreaId.is_in(ids.clone()))
        .filter(population_support::Column::Year.is_in(years.clone()))
        .all(db)
        .await?;
    let people = area_population::Entity::find()
        .filter(area_population::Column::AreaId.is_in(ids))
        .filter(area_population::Column::Year.is_in(years))
        .filter(area_population::Column::Gender.eq(Gender::Total.as_str()))
        .all(db)
        .await?;
    Ok(wanted
        .iter()
        .filter_map(|(area, year)| {
            let rows: Vec<&population_support::Model> = rows
                .iter()
                .filter(|r| r.area_id == area.id && r.year == *year)
                .collect();
            let people = people
                .iter()
                .find(|p| p.area_id == area.id && p.year == *year);
            assemble(area, *year, &rows, people)
        })
        .collect())
}

fn assemble(
    area: &area::Model,
    year: i32,
    rows: &[&population_support::Model],
    people: Option<&area_population::Model>,
) -> Option<Support> {
    if rows.is_empty() && people.is_none() {
        return None;
    }
    let figures = |benefit: Benefit| {
        let get = |g: Gender| {
            rows.iter()
                .find(|r| r.benefit == benefit && r.gender == g)
                .map(|r| r.full_year_equivalents)
        };
        BenefitFigures {
            benefit,
            total: get(Gender::Total),
            women: get(Gender::Women),
            men: get(Gender::Men),
        }
    };
    Some(Support {
        area: area.clone(),
        year,
        benefits: BENEFITS.iter().map(|b| figures(*b)).collect(),
        total: figures(Benefit::Total),
        population_20_64: people.and_then(|p| p.population_20_64),
        reported_share_percent: people.and_then(|p| p.reported_share_percent),
    })
}

/// The latest year on record up to `up_to` for each of `areas`, in one
/// statement.
pub async fn latest_years(
    db: &DatabaseConnection,
    areas: &[i32],
    up_to: i32,
) -> ApiResult<HashMap<i32, i32>> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, ExprTrait};
    if areas.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, Option<i32>)> = population_support::Entity::find()
        .select_only()
        .column(population_support::Column::AreaId)
        .column_as(Expr::col(population_support::Column::Year).max(), "latest")
        .filter(population_support::Column::AreaId.is_in(areas.iter().copied()))
        .filter(population_support::Column::Year.lte(up_to))
        .group_by(population_support::Column::AreaId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(area, year)| Some((area, year?)))
        .collect())
}

/// The area named `key` among `areas`: by SCB code, else by its name with
/// case and diacritics aside (as `find_area`).
pub fn area_named<'a>(areas: &'a [area::Model], key: &str) -> Option<&'a area::Model> {
    let key = key.trim();
    areas.iter().find(|a| a.code == key).or_else(|| {
        let wanted = fold(key);
        areas.iter().find(|a| fold(&a.name) == wanted)
    })
}

/// `area` and those above it among `areas` (its county, the country).
pub fn chain_in<'a>(areas: &'a [area::Model], area: &'a area::Model) -> Vec<&'a area::Model> {
    let mut chain = vec![area];
    let mut at = area.parent_id;
    while let Some(id) = at {
        // A cycle in the data ends the walk rather than the server.
        if chain.len() > 8 {
            break;
        }
        match areas.iter().find(|a| a.id == id) {
            Some(parent) => {
                at = parent.parent_id;
                chain.push(parent);
            }
            None => break,
        }
    }
    chain
}

/// The years on record for an area.
pub async fn years(db: &DatabaseConnection, area: &area::Model) -> ApiResult<Vec<i32>> {
    let mut years: Vec<i32> = population_support::Entity::find()
        .filter(population_support::Column::AreaId.eq(area.id))
        .order_by_asc(population_support::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.year)
        .collect();
    years.dedup();
    Ok(years)
}

/// The area and those above it (its county, the country), from one read
/// of the areas.
pub async fn with_parents(
    db: &DatabaseConnection,
    area: &area::Model,
) -> ApiResult<Vec<area::Model>> {
    let areas = area::Entity::find().all(db).await?;
    Ok(chain_in(&areas, area).into_iter().cloned().collect())
}

/// One row of an SCB-style table: an area, year and gender with each benefit.
#[derive(Debug, Clone, Serialize)]
pub struct PopulationRow {
    pub area: String,
    pub area_name: String,
    pub area_kind: String,
    pub parent: Option<String>,
    pub year: i32,
    pub gender: Gender,
    /// In the order of `BENEFITS`, then the total.
    pub support: Vec<Option<f64>>,
    pub population_20_64: Option<i32>,
    pub share_percent: Option<f64>,
    pub source: String,
}

/// Loads population rows (network_admin, and the command line): all or none.
pub async fn upsert(
    cx: &ServiceContext,
    caller: &Caller,
    rows: &[PopulationRow],
) -> Result<usize, BatchError> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    use crate::service::indicator::row_error;
    let mut kinds = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if r.area.trim().is_empty() || r.area.len() > 16 {
            return Err(row_error(
                i,
                "area",
                if r.area.trim().is_empty() {
                    Broken::from(Rule::TextEmpty)
                } else {
                    Rule::TextTooLong.with("max", 16)
                },
            ));
        }
        if r.area_name.trim().is_empty() {
            return Err(row_error(i, "areaName", Rule::TextEmpty));
        }
        let Some(kind) = AreaKind::parse(&r.area_kind) else {
            return Err(row_error(
                i,
                "areaKind",
                Rule::OneOf.with("names", "MUNICIPALITY, COUNTY, COUNTRY"),
            ));
        };
        kinds.push(kind);
        if !(1990..=2100).contains(&r.year) {
            return Err(row_error(
                i,
                "year",
                Rule::YearRange.with("min", 1990).with("max", 2100),
            ));
        }
        if r.support
            .iter()
            .flatten()
            .any(|v| !v.is_finite() || *v < 0.0)
        {
            return Err(row_error(i, "support", Rule::Negative));
        }
        if r.population_20_64.is_some_and(|p| p < 0) {
            return Err(row_error(i, "population20To64", Rule::Negative));
        }
        if r.share_percent.is_some_and(|s| !(0.0..=100.0).contains(&s)) {
            return Err(row_error(i, "sharePercent", Rule::PercentRange));
        }
        if r.source.trim().is_empty() {
            return Err(row_error(i, "source", Rule::SourceRequired));
        }
    }
    let txn = begin_write(&cx.db).await?;
    let at = now();
    let mut areas: HashMap<String, i32> = area::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    for (i, r) in rows.iter().enumerate() {
        let area_id = match areas.get(&r.area) {
            Some(id) => *id,
            None => {
                let parent_id = match &r.parent {
                    Some(p) if !p.is_empty() => Some(
                        *areas
                            .get(p)
                            .ok_or_else(|| row_error(i, "parent", Rule::AreaParentUnknown))?,
                    ),
                    _ => None,
                };
                let a = crate::service::insert_new(
                    &txn,
                    at,
                    area::ActiveModel {
                        code: Set(r.area.trim().to_string()),
                        name: Set(r.area_name.trim().to_string()),
                        kind: Set(kinds[i]),
                        parent_id: Set(parent_id),
                        ..Default::default()
                    },
                )
                .await?;
                areas.insert(a.code.clone(), a.id);
                a.id
            }
        };
        let gender = r.gender;
        area_population::Entity::delete_many()
            .filter(area_population::Column::AreaId.eq(area_id))
            .filter(area_population::Column::Year.eq(r.year))
            .filter(area_population::Column::Gender.eq(gender))
            .exec(&txn)
            .await?;
        population_support::Entity::delete_many()
            .filter(population_support::Column::AreaId.eq(area_id))
            .filter(population_support::Column::Year.eq(r.year))
            .filter(population_support::Column::Gender.eq(gender))
            .exec(&txn)
            .await?;
        crate::service::insert_new(
            &txn,
            at,
            area_population::ActiveModel {
                area_id: Set(area_id),
                year: Set(r.year),
                gender: Set(gender),
                population_20_64: Set(r.population_20_64),
                reported_share_percent: Set(r.share_percent),
                source: Set(r.source.trim().to_string()),
                ..Default::default()
            },
        )
        .await?;
        let names = benefits_then_total();
        for (benefit, value) in names.zip(&r.support) {
            let Some(value) = value else { continue };
            crate::service::insert_new(
                &txn,
                at,
                population_support::ActiveModel {
                    area_id: Set(area_id),
                    year: Set(r.year),
                    benefit: Set(benefit),
                    gender: Set(gender),
                    full_year_equivalents: Set(*value),
                    source: Set(r.source.trim().to_string()),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::ImportPopulationSupport,
            RecordKind::PopulationSupport,
            format!("{} rows", rows.len()),
            None,
            &rows,
        ),
    )
    .await?;
    Ok(rows.len())
}
