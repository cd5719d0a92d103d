//! Every förbund on one indicator and year: ranks, percentiles and the
//! distribution, named as far as the caller may see.

use std::collections::HashMap;

use finsam_entity::{forbund, indicator, indicator_result, national_average};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::Gender;
use crate::auth::Principal;
use crate::auth::policy::{self, NetworkView};
use crate::domain::indicators::{self as maths, Distribution};
use crate::error::ApiResult;
use crate::service::ServiceContext;

#[derive(Clone)]
pub struct NetworkEntry {
    /// `None` when the caller may not see which förbund it is.
    pub forbund: Option<forbund::Model>,
    pub own: bool,
    pub rank: usize,
    pub percentile: f64,
    pub value: Option<f64>,
    pub respondents: Option<i32>,
}

pub struct Network {
    pub indicator: indicator::Model,
    pub year: i32,
    pub gender: Gender,
    pub national: Option<national_average::Model>,
    pub forbund_count: usize,
    pub entries: Vec<NetworkEntry>,
    pub distribution: Option<Distribution>,
}

/// networkComparison: every förbund's value for one indicator and year,
/// ranked, as much named as the caller may see.
pub async fn network(
    cx: &ServiceContext,
    db: &DatabaseConnection,
    principal: &Principal,
    code: &str,
    year: i32,
    gender: Gender,
) -> ApiResult<Option<Network>> {
    let Some(ind) = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(code))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let view = policy::network_view(principal);
    let min_cell = cx.min_cell;
    let results = indicator_result::Entity::find()
        .filter(indicator_result::Column::IndicatorId.eq(ind.id))
        .filter(indicator_result::Column::Year.eq(year))
        .filter(indicator_result::Column::Gender.eq(gender.as_str()))
        .all(db)
        .await?;
    let national = national_average::Entity::find()
        .filter(national_average::Column::IndicatorId.eq(ind.id))
        .filter(national_average::Column::Year.eq(year))
        .filter(national_average::Column::Gender.eq(gender.as_str()))
        .one(db)
        .await?;
    let forbund: HashMap<i32, forbund::Model> = forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(results.iter().map(|r| r.forbund_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    // Small cells stay out of what a caller without full access sees,
    // the distribution included: its ends are single förbund's values.
    let counted: Vec<&indicator_result::Model> = results
        .iter()
        .filter(|r| {
            view == NetworkView::AllNamed || r.respondents.is_none_or(|n| i64::from(n) >= min_cell)
        })
        .collect();
    let values: Vec<f64> = counted.iter().map(|r| r.value).collect();
    let ranks = maths::ranks(&values);
    let mut entries: Vec<NetworkEntry> = match &view {
        NetworkView::DistributionOnly => vec![],
        _ => counted
            .iter()
            .zip(&ranks)
            .map(|(r, rank)| {
                let f = forbund.get(&r.forbund_id);
                let own =
                    matches!(&view, NetworkView::OwnNamed(s) if f.is_some_and(|f| &f.slug == s));
                let named = view == NetworkView::AllNamed || own;
                NetworkEntry {
                    forbund: if named { f.cloned() } else { None },
                    own,
                    rank: *rank,
                    percentile: maths::percentile(&values, r.value),
                    value: Some(r.value),
                    respondents: r.respondents,
                }
            })
            .collect(),
    };
    entries.sort_by(|a, b| {
        a.rank.cmp(&b.rank).then_with(|| {
            a.forbund
                .as_ref()
                .map(|f| f.slug.clone())
                .cmp(&b.forbund.as_ref().map(|f| f.slug.clone()))
        })
    });
    Ok(Some(Network {
        indicator: ind,
        year,
        gender,
        national,
        forbund_count: counted.len(),
        entries,
        distribution: maths::distribution(&values),
    }))
}
