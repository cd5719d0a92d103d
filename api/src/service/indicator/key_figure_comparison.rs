//! One key figure across förbund for a year.

use std::collections::HashMap;

use finsam_entity::{forbund, key_figure};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::NetworkEntry;
use crate::auth::Principal;
use crate::auth::policy::{self, NetworkView};
use crate::domain::indicators::{self as maths, Distribution};
use crate::error::ApiResult;

/// Key figures a förbund reports for a year (samverkansteam and the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Participants,
    Closures,
    ShareToWorkOrStudies,
    MeanMonthsInInsats,
}

impl Figure {
    pub fn of(self, k: &key_figure::Model) -> Option<f64> {
        match self {
            Figure::Participants => k.participants.map(f64::from),
            Figure::Closures => k.closures.map(f64::from),
            Figure::ShareToWorkOrStudies => k.share_to_work_or_studies_percent,
            Figure::MeanMonthsInInsats => k.mean_months_in_insats,
        }
    }
}

pub struct FigureComparison {
    pub year: i32,
    pub figure: Figure,
    pub entries: Vec<NetworkEntry>,
    pub forbund_count: usize,
    pub distribution: Option<Distribution>,
}

/// keyFigureComparison: one key figure across förbund, shaped like
/// networkComparison and named by the same rule. Key figures are published
/// in annual reports, so no cell is small.
pub async fn key_figure_comparison(
    db: &DatabaseConnection,
    principal: &Principal,
    year: i32,
    figure: Figure,
) -> ApiResult<FigureComparison> {
    let rows = key_figure::Entity::find()
        .filter(key_figure::Column::Year.eq(year))
        .all(db)
        .await?;
    let with_value: Vec<(&key_figure::Model, f64)> = rows
        .iter()
        .filter_map(|k| figure.of(k).map(|v| (k, v)))
        .collect();
    let values: Vec<f64> = with_value.iter().map(|(_, v)| *v).collect();
    let ranks = maths::ranks(&values);
    let forbund: HashMap<i32, forbund::Model> = forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(with_value.iter().map(|(k, _)| k.forbund_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let view = policy::network_view(principal);
    let mut entries: Vec<NetworkEntry> = match &view {
        NetworkView::DistributionOnly => vec![],
        _ => with_value
            .iter()
            .zip(&ranks)
            .map(|((k, v), rank)| {
                let f = forbund.get(&k.forbund_id);
                let own =
                    matches!(&view, NetworkView::OwnNamed(s) if f.is_some_and(|f| &f.slug == s));
                NetworkEntry {
                    forbund: if view == NetworkView::AllNamed || own {
                        f.cloned()
                    } else {
                        None
                    },
                    own,
                    rank: *rank,
                    percentile: maths::percentile(&values, *v),
                    value: Some(*v),
                    respondents: None,
                }
            })
            .collect(),
    };
    entries.sort_by_key(|e| e.rank);
    Ok(FigureComparison {
        year,
        figure,
        forbund_count: values.len(),
        entries,
        distribution: maths::distribution(&values),
    })
}
