//! A förbund against the national average and against its previous year
//! ("at or above on 12 of 14", "lower on 7").

use std::collections::HashMap;

use finsam_entity::{forbund, indicator, indicator_report, indicator_result, national_average};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{Gender, Shown, definitions, shown};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::domain::indicators::{self as maths, Row, Summary};
use crate::error::ApiResult;
use crate::service::ServiceContext;

#[derive(Clone)]
pub struct ComparisonRow {
    pub indicator: indicator::Model,
    pub shown: Shown,
    pub row: Option<Row>,
    pub previous: Option<Shown>,
    pub women: Option<Shown>,
    pub men: Option<Shown>,
}

impl ComparisonRow {
    pub fn gap(&self) -> Option<f64> {
        let w = self.women.and_then(|s| s.value)?;
        let m = self.men.and_then(|s| s.value)?;
        Some(maths::round2(w - m))
    }
}

pub struct Comparison {
    pub forbund: forbund::Model,
    pub year: i32,
    pub gender: Gender,
    pub rows: Vec<ComparisonRow>,
    pub summary: Summary,
    /// Measured, but hidden from this caller as small cells.
    pub suppressed: usize,
    /// What the förbund's board was told for the year, as reported.
    pub reported: Option<indicator_report::Model>,
}

/// indicatorComparison: one row per indicator the förbund measured in the
/// year, against the national average and its own previous year.
pub async fn comparison(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    slug: &str,
    year: i32,
    gender: Gender,
) -> ApiResult<Option<Comparison>> {
    let Some(f) = crate::service::forbund::by_slug(db, slug).await? else {
        return Ok(None);
    };
    let full = policy::allows(principal, Action::ReadOwnIndicators { forbund: &f.slug });
    let min_cell = cx.min_cell;
    let results = indicator_result::Entity::find()
        .filter(indicator_result::Column::ForbundId.eq(f.id))
        .filter(indicator_result::Column::Year.is_in([year, year.saturating_sub(1)]))
        .all(db)
        .await?;
    let averages = national_average::Entity::find()
        .filter(national_average::Column::Year.eq(year))
        .filter(national_average::Column::Gender.eq(gender.as_str()))
        .all(db)
        .await?;
    let indicators: HashMap<i32, indicator::Model> = definitions(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let find = |ind: i32, y: i32, g: Gender| {
        results
            .iter()
            .find(|r| r.indicator_id == ind && r.year == y && r.gender == g)
    };
    let mut rows = Vec::new();
    let mut suppressed = 0;
    let mut measured: Vec<&indicator_result::Model> = results
        .iter()
        .filter(|r| r.year == year && r.gender == gender)
        .collect();
    measured.sort_by_key(|r| {
        indicators
            .get(&r.indicator_id)
            .map(|i| (i.number, i.code.clone()))
    });
    for r in measured {
        let Some(ind) = indicators.get(&r.indicator_id) else {
            continue;
        };
        let now_shown = shown(r, full, min_cell);
        let previous =
            find(r.indicator_id, year.saturating_sub(1), gender).map(|p| shown(p, full, min_cell));
        let national = averages
            .iter()
            .find(|a| a.indicator_id == r.indicator_id)
            .map(|a| a.value);
        let row = match now_shown.value {
            Some(value) => Some(Row {
                value,
                national,
                previous: previous.and_then(|p| p.value),
            }),
            None => {
                suppressed += 1;
                None
            }
        };
        rows.push(ComparisonRow {
            indicator: ind.clone(),
            shown: now_shown,
            row,
            previous,
            women: find(r.indicator_id, year, Gender::Women).map(|x| shown(x, full, min_cell)),
            men: find(r.indicator_id, year, Gender::Men).map(|x| shown(x, full, min_cell)),
        });
    }
    let reported = indicator_report::Entity::find()
        .filter(indicator_report::Column::ForbundId.eq(f.id))
        .filter(indicator_report::Column::Year.eq(year))
        .filter(indicator_report::Column::Gender.eq(gender.as_str()))
        .one(db)
        .await?;
    let compared: Vec<Row> = rows.iter().filter_map(|r| r.row).collect();
    let mut summary = maths::summarise(&compared);
    summary.measured = rows.len();
    Ok(Some(Comparison {
        forbund: f,
        year,
        gender,
        rows,
        summary,
        suppressed,
        reported,
    }))
}
