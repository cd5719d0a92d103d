//! Mutations on the national indicators: definitions, results, national
//! averages and key figures. The records come from `record::indicator`, the
//! same the seed and `finsam import` read.

use super::SignedIn;
use async_graphql::{Context, Object};

use crate::graphql::types::indicator::Indicator;
use crate::graphql::types::statistics::KeyFigures;
use crate::graphql::{caller, services};
use crate::record::indicator::{
    IndicatorDefinition, IndicatorResult, KeyFigures as KeyFiguresRecord, NationalAverage,
};
use crate::service::{self, indicator as svc};

#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Defines an indicator, or changes the one with this code at `version`
    /// (network_admin).
    #[graphql(guard = "SignedIn")]
    async fn define_indicator(
        &self,
        ctx: &Context<'_>,
        input: IndicatorDefinition,
        version: Option<i32>,
    ) -> async_graphql::Result<Indicator> {
        Ok(Indicator(
            svc::define(services(ctx)?, caller(ctx)?, input, version).await?,
        ))
    }
    /// Records a förbund's results (its admin, or network_admin): all rows or
    /// none; a bad row is named as `rows[i].field`. Returns how many were written.
    #[graphql(guard = "SignedIn")]
    async fn upsert_indicator_results(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        rows: Vec<IndicatorResult>,
    ) -> async_graphql::Result<i32> {
        svc::require_writer(caller(ctx)?, &forbund)?;
        let rows: Vec<IndicatorResult> = rows
            .into_iter()
            .map(|r| IndicatorResult {
                forbund: forbund.clone(),
                ..r
            })
            .collect();
        let written = svc::upsert_results(services(ctx)?, caller(ctx)?, &rows)
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(i32::try_from(written).unwrap_or(i32::MAX))
    }

    /// Records national averages (network_admin): all rows or none.
    #[graphql(guard = "SignedIn")]
    async fn upsert_national_averages(
        &self,
        ctx: &Context<'_>,
        rows: Vec<NationalAverage>,
    ) -> async_graphql::Result<i32> {
        let written = svc::upsert_averages(services(ctx)?, caller(ctx)?, &rows)
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(i32::try_from(written).unwrap_or(i32::MAX))
    }

    /// Records a förbund's key figures for a year (its admin, or network_admin).
    #[graphql(guard = "SignedIn")]
    async fn set_key_figures(
        &self,
        ctx: &Context<'_>,
        input: KeyFiguresRecord,
    ) -> async_graphql::Result<KeyFigures> {
        let k = service::indicator::set_key_figures(services(ctx)?, caller(ctx)?, input).await?;
        Ok(KeyFigures::from(k))
    }
}
