//! Root queries on the national indicators: definitions, a förbund's
//! comparison, the network's, a förbund's trend and key figures across
//! förbund; small cells hidden per DESIGN.md, "Access".

use async_graphql::{Context, Object};

use crate::graphql::types::indicator::{
    Gender, Indicator, IndicatorComparison, IndicatorTrendPoint, NetworkComparison,
};
use crate::graphql::types::statistics::{KeyFigure, KeyFigureComparison, PopulationSupport};
use crate::graphql::{caller, reader, services};
use crate::service::{self, indicator::Gender as G};

fn gender(g: Option<Gender>) -> G {
    g.map(Into::into).unwrap_or(G::Total)
}

#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// The indicator definitions (the national set and any others).
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Indicator>> {
        Ok(service::indicator::definitions(reader(ctx)?)
            .await?
            .into_iter()
            .map(Indicator)
            .collect())
    }

    /// A förbund against the national average and its previous year; null
    /// for an unknown förbund. Small cells are hidden from outsiders.
    async fn indicator_comparison(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        year: i32,
        gender: Option<Gender>,
    ) -> async_graphql::Result<Option<IndicatorComparison>> {
        let c = service::indicator::comparison(
            services(ctx)?,
            reader(ctx)?,
            &caller(ctx)?.principal,
            &forbund,
            year,
            self::gender(gender),
        )
        .await?;
        Ok(c.map(IndicatorComparison))
    }

    /// Every förbund on one indicator and year: ranks, percentiles and the
    /// distribution, named as far as the caller may see.
    async fn network_comparison(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's code.")] indicator: String,
        year: i32,
        gender: Option<Gender>,
    ) -> async_graphql::Result<Option<NetworkComparison>> {
        let n = service::indicator::network(
            services(ctx)?,
            reader(ctx)?,
            &caller(ctx)?.principal,
            &indicator,
            year,
            self::gender(gender),
        )
        .await?;
        Ok(n.map(NetworkComparison))
    }

    /// A förbund's series on one indicator beside the national average, one
    /// point per year from `from` to `to`.
    async fn indicator_trend(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        indicator: String,
        from: i32,
        to: i32,
        gender: Option<Gender>,
    ) -> async_graphql::Result<Vec<IndicatorTrendPoint>> {
        let points = service::indicator::trend(
            services(ctx)?,
            reader(ctx)?,
            &caller(ctx)?.principal,
            &forbund,
            &indicator,
            from,
            to,
            self::gender(gender),
        )
        .await?;
        Ok(points.into_iter().map(IndicatorTrendPoint).collect())
    }

    /// One key figure across förbund for a year.
    async fn key_figure_comparison(
        &self,
        ctx: &Context<'_>,
        year: i32,
        figure: KeyFigure,
    ) -> async_graphql::Result<KeyFigureComparison> {
        let c = service::indicator::key_figure_comparison(
            reader(ctx)?,
            &caller(ctx)?.principal,
            year,
            figure.into(),
        )
        .await?;
        Ok(KeyFigureComparison(c))
    }

    /// Population on benefits in an area (SCB code or name) for a year, with
    /// the same year for its county and the country.
    async fn population_support(
        &self,
        ctx: &Context<'_>,
        area: String,
        year: i32,
    ) -> async_graphql::Result<Option<PopulationSupport>> {
        let db = reader(ctx)?;
        let Some(found) = service::population::find_area(db, &area).await? else {
            return Ok(None);
        };
        let chain: Vec<_> = service::population::with_parents(db, &found)
            .await?
            .into_iter()
            .map(|a| (a, year))
            .collect();
        let mut found_all = service::population::supports(db, &chain).await?;
        // The area itself first; without its own figures there is nothing.
        if found_all.first().is_none_or(|s| s.area.id != found.id) {
            return Ok(None);
        }
        let above = found_all.split_off(1);
        let here = found_all.remove(0);
        Ok(Some(PopulationSupport(here, above)))
    }

    /// Population on benefits in an area for every year on record.
    async fn population_support_series(
        &self,
        ctx: &Context<'_>,
        area: String,
    ) -> async_graphql::Result<Vec<PopulationSupport>> {
        let db = reader(ctx)?;
        let Some(found) = service::population::find_area(db, &area).await? else {
            return Ok(vec![]);
        };
        let every_year: Vec<_> = service::population::years(db, &found)
            .await?
            .into_iter()
            .map(|year| (found.clone(), year))
            .collect();
        Ok(service::population::supports(db, &every_year)
            .await?
            .into_iter()
            .map(|s| PopulationSupport(s, vec![]))
            .collect())
    }
}
