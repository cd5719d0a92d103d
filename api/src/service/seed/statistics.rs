//! Areas (SCB codes), population on benefits per area, year and gender, and
//! the key figures förbund report.

use std::collections::HashMap;

use finsam_entity::{area, area_population, key_figure, population_support};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, Set};

use super::files::StatisticsFile;
use super::loader::Loader;
use super::{DEFAULT_SOURCE, Slugs, id_of, refused};
use crate::record::indicator::KeyFigures;
use crate::service::indicator::{checked_key_figures, key_figure_row};
use crate::service::population::{BENEFITS, benefits_then_total};

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &StatisticsFile,
    slugs: &Slugs,
) -> anyhow::Result<()> {
    // Areas one at a time: a parent comes before its children in the file.
    let mut areas: HashMap<String, i32> = HashMap::new();
    for a in &file.areas {
        let parent_id =
            match &a.parent {
                Some(p) => Some(*areas.get(p).ok_or_else(|| {
                    anyhow::anyhow!("seed area {} has unknown parent {p}", a.code)
                })?),
                None => None,
            };
        let (id, _) = loader
            .row(
                "areas",
                a,
                |a| Ok(area::Column::Code.eq(&a.code)),
                |a| {
                    Ok(area::ActiveModel {
                        code: Set(a.code.clone()),
                        name: Set(a.name.clone()),
                        kind: Set(a.kind),
                        parent_id: Set(parent_id),
                        ..Default::default()
                    })
                },
            )
            .await?;
        areas.insert(a.code.clone(), id);
    }
    let mut population = Vec::new();
    for p in &file.population {
        let area_id = *areas
            .get(&p.area)
            .ok_or_else(|| anyhow::anyhow!("seed population for unknown area {}", p.area))?;
        anyhow::ensure!(
            p.support.len() == BENEFITS.len() + 1,
            "seed population {} {}: {} benefit columns, expected {}",
            p.area,
            p.year,
            p.support.len(),
            BENEFITS.len() + 1
        );
        let source = p.source.clone().unwrap_or_else(|| DEFAULT_SOURCE.into());
        population.push((area_id, p, source));
    }
    loader
        .rows(
            "statistics rows",
            &population,
            |(area_id, p, _)| {
                Ok(area_population::Column::AreaId
                    .eq(*area_id)
                    .and(area_population::Column::Year.eq(p.year))
                    .and(area_population::Column::Gender.eq(p.gender)))
            },
            |(area_id, p, source)| {
                Ok(area_population::ActiveModel {
                    area_id: Set(*area_id),
                    year: Set(p.year),
                    gender: Set(p.gender),
                    population_20_64: Set(p.population_20_64),
                    reported_share_percent: Set(p.share_percent),
                    source: Set(source.clone()),
                    ..Default::default()
                })
            },
        )
        .await?;
    let support = population.iter().flat_map(|(area_id, p, source)| {
        benefits_then_total()
            .zip(&p.support)
            .map(move |(benefit, value)| (*area_id, p, source, benefit, *value))
    });
    loader
        .rows(
            "statistics rows",
            support,
            |(area_id, p, _, benefit, _)| {
                Ok(population_support::Column::AreaId
                    .eq(*area_id)
                    .and(population_support::Column::Year.eq(p.year))
                    .and(population_support::Column::Gender.eq(p.gender))
                    .and(population_support::Column::Benefit.eq(*benefit)))
            },
            |(area_id, p, source, benefit, value)| {
                Ok(population_support::ActiveModel {
                    area_id: Set(*area_id),
                    year: Set(p.year),
                    benefit: Set(*benefit),
                    gender: Set(p.gender),
                    full_year_equivalents: Set(*value),
                    source: Set((*source).clone()),
                    ..Default::default()
                })
            },
        )
        .await?;
    let figures = file
        .key_figure
        .iter()
        .map(|k| Ok((id_of(slugs, &k.forbund)?, k)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    loader
        .rows(
            "statistics rows",
            figures,
            |(forbund_id, k)| {
                Ok(key_figure::Column::ForbundId
                    .eq(*forbund_id)
                    .and(key_figure::Column::Year.eq(k.year)))
            },
            |(forbund_id, k)| {
                let k = KeyFigures {
                    source: super::source_or(&k.source, DEFAULT_SOURCE),
                    ..(*k).clone()
                };
                let source = checked_key_figures(&k).map_err(refused(&k.forbund))?;
                Ok(key_figure_row(*forbund_id, &k, source))
            },
        )
        .await?;
    Ok(())
}
