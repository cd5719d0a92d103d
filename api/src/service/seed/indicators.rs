//! The national indicator set as definitions, example results and national
//! averages (each flagged synthetic by its source), and what a board was told
//! about its indicators, as reported.

use std::collections::HashMap;

use finsam_entity::{indicator, indicator_report, indicator_result, national_average};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, Set};

use super::files::IndicatorFile;
use crate::record::indicator::{IndicatorResult, NationalAverage};
use crate::service::indicator::{BatchError, check_average, check_definition, check_result};

/// A seed value its record's rules refuse.
fn batch(indicator: &str, e: BatchError) -> anyhow::Error {
    match e {
        BatchError::Row { column, broken, .. } => anyhow::anyhow!(
            "seed value of indicator {indicator}: {column}: {}",
            broken.message()
        ),
        BatchError::Other(e) => {
            anyhow::anyhow!("seed value of indicator {indicator}: {}", e.message())
        }
    }
}
use super::loader::Loader;
use super::{Slugs, id_of};

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &IndicatorFile,
    slugs: &Slugs,
) -> anyhow::Result<()> {
    let ids = loader
        .rows(
            "indicators",
            &file.indicator,
            |d| Ok(indicator::Column::Code.eq(&d.code)),
            |d| {
                let d = check_definition(d).map_err(|(field, why)| {
                    anyhow::anyhow!("seed indicator {}: {field}: {}", d.code, why.message())
                })?;
                Ok(indicator::ActiveModel {
                    code: Set(d.code),
                    number: Set(d.number),
                    name: Set(d.name),
                    description: Set(d.description),
                    level: Set(d.level.into()),
                    kind: Set(d.kind.into()),
                    respondent_group: Set(d.respondent_group),
                    ..Default::default()
                })
            },
        )
        .await?;
    let codes: HashMap<&str, i32> = file
        .indicator
        .iter()
        .zip(&ids)
        .map(|(d, (id, _))| (d.code.as_str(), *id))
        .collect();
    let code = |c: &str| {
        codes
            .get(c)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("seed refers to unknown indicator {c:?}"))
    };
    let source = |own: &str| super::source_or(own, &file.example_source);
    let gender = crate::domain::indicators::Gender::from;
    let averages = file
        .averages
        .iter()
        .map(|a| Ok((code(&a.indicator)?, a)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    loader
        .rows(
            "indicator values",
            averages,
            |(indicator_id, a)| {
                Ok(national_average::Column::IndicatorId
                    .eq(*indicator_id)
                    .and(national_average::Column::Year.eq(a.year))
                    .and(national_average::Column::Gender.eq(gender(a.gender))))
            },
            |(indicator_id, a)| {
                let a = NationalAverage {
                    source: source(&a.source),
                    ..(*a).clone()
                };
                check_average(0, &a).map_err(|e| batch(&a.indicator, e))?;
                Ok(national_average::ActiveModel {
                    indicator_id: Set(*indicator_id),
                    year: Set(a.year),
                    gender: Set(gender(a.gender)),
                    value: Set(a.value),
                    forbund_count: Set(a.forbund_count),
                    source: Set(a.source),
                    ..Default::default()
                })
            },
        )
        .await?;
    let results = file
        .results
        .iter()
        .map(|r| Ok((id_of(slugs, &r.forbund)?, code(&r.indicator)?, r)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    loader
        .rows(
            "indicator values",
            results,
            |(forbund_id, indicator_id, r)| {
                Ok(indicator_result::Column::ForbundId
                    .eq(*forbund_id)
                    .and(indicator_result::Column::IndicatorId.eq(*indicator_id))
                    .and(indicator_result::Column::Year.eq(r.year))
                    .and(indicator_result::Column::Gender.eq(gender(r.gender))))
            },
            |(forbund_id, indicator_id, r)| {
                let r = IndicatorResult {
                    source: source(&r.source),
                    ..(*r).clone()
                };
                check_result(0, &r).map_err(|e| batch(&r.indicator, e))?;
                Ok(indicator_result::ActiveModel {
                    forbund_id: Set(*forbund_id),
                    indicator_id: Set(*indicator_id),
                    year: Set(r.year),
                    gender: Set(gender(r.gender)),
                    value: Set(r.value),
                    respondents: Set(r.respondents),
                    source: Set(r.source),
                    ..Default::default()
                })
            },
        )
        .await?;
    let reports = file
        .report
        .iter()
        .map(|r| Ok((id_of(slugs, &r.forbund)?, r)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    loader
        .rows(
            "indicator reports",
            reports,
            |(forbund_id, r)| {
                Ok(indicator_report::Column::ForbundId
                    .eq(*forbund_id)
                    .and(indicator_report::Column::Year.eq(r.year))
                    .and(indicator_report::Column::Gender.eq(r.gender)))
            },
            |(forbund_id, r)| {
                Ok(indicator_report::ActiveModel {
                    forbund_id: Set(*forbund_id),
                    year: Set(r.year),
                    gender: Set(r.gender),
                    measured: Set(r.measured),
                    at_or_above_national: Set(r.at_or_above_national),
                    lower_than_previous_year: Set(r.lower_than_previous_year),
                    answers: Set(r.answers),
                    answers_women: Set(r.answers_women),
                    answers_men: Set(r.answers_men),
                    source: Set(r.source.clone()),
                    ..Default::default()
                })
            },
        )
        .await?;
    Ok(())
}
