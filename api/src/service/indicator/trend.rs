//! A förbund's series on one indicator beside the national average.

use finsam_entity::{indicator, indicator_result, national_average};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{Gender, Shown, shown};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::ServiceContext;

pub struct TrendPoint {
    pub year: i32,
    pub shown: Option<Shown>,
    pub national: Option<f64>,
}

/// indicatorTrend: the förbund's series beside the national average's.
#[allow(clippy::too_many_arguments)]
pub async fn trend(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    slug: &str,
    code: &str,
    from: i32,
    to: i32,
    gender: Gender,
) -> ApiResult<Vec<TrendPoint>> {
    if to < from || i64::from(to) - i64::from(from) > 50 {
        return Err(ApiError::bad_input(
            "to",
            if to < from {
                Rule::BeforeStart.with("other", "from")
            } else {
                Rule::RangeTooLong.with("max", 50)
            },
        ));
    }
    let f = crate::service::forbund::require_slug(db, slug, "forbund").await?;
    let ind = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::bad_input("indicator", Rule::IndicatorUnknown.with("code", code))
        })?;
    let full = policy::allows(principal, Action::ReadOwnIndicators { forbund: &f.slug });
    let min_cell = cx.min_cell;
    let results = indicator_result::Entity::find()
        .filter(indicator_result::Column::ForbundId.eq(f.id))
        .filter(indicator_result::Column::IndicatorId.eq(ind.id))
        .filter(indicator_result::Column::Gender.eq(gender.as_str()))
        .filter(indicator_result::Column::Year.between(from, to))
        .all(db)
        .await?;
    let averages = national_average::Entity::find()
        .filter(national_average::Column::IndicatorId.eq(ind.id))
        .filter(national_average::Column::Gender.eq(gender.as_str()))
        .filter(national_average::Column::Year.between(from, to))
        .all(db)
        .await?;
    Ok((from..=to)
        .map(|year| TrendPoint {
            year,
            shown: results
                .iter()
                .find(|r| r.year == year)
                .map(|r| shown(r, full, min_cell)),
            national: averages.iter().find(|a| a.year == year).map(|a| a.value),
        })
        .collect())
}
