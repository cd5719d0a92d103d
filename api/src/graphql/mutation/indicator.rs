use async_graphql::{Context, InputObject, Object};

use crate::graphql::types::indicator::{Gender, Indicator, KeyFigures};
use crate::graphql::{caller, state};
use crate::service::{self, indicator as svc};

#[derive(InputObject)]
pub struct IndicatorInput {
    pub code: String,
    pub number: Option<i32>,
    pub name: String,
    pub description: Option<String>,
    /// PARTICIPANT, STAFF, ORGANISATION or SOCIETY.
    pub level: String,
    /// PROCESS or EFFECT.
    pub kind: String,
    pub respondent_group: Option<String>,
}

#[derive(InputObject)]
pub struct IndicatorResultInput {
    /// The indicator's code.
    pub indicator: String,
    pub year: i32,
    #[graphql(default_with = "Gender::Total")]
    pub gender: Gender,
    /// 0–100.
    pub value: f64,
    pub respondents: Option<i32>,
    /// Where the figure comes from; mark invented examples "synthetic: …".
    #[graphql(default_with = "\"reported\".to_string()")]
    pub source: String,
}

#[derive(InputObject)]
pub struct NationalAverageInput {
    pub indicator: String,
    pub year: i32,
    #[graphql(default_with = "Gender::Total")]
    pub gender: Gender,
    pub value: f64,
    /// How many förbund the average is drawn from.
    pub forbund_count: Option<i32>,
    #[graphql(default_with = "\"reported\".to_string()")]
    pub source: String,
}

#[derive(InputObject)]
pub struct KeyFiguresInput {
    pub forbund: String,
    pub year: i32,
    pub participants: Option<i32>,
    pub closures: Option<i32>,
    pub share_to_work_or_studies_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    #[graphql(default_with = "\"reported\".to_string()")]
    pub source: String,
}

#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Defines an indicator, or changes the one with this code at `version`
    /// (network_admin).
    async fn define_indicator(
        &self,
        ctx: &Context<'_>,
        input: IndicatorInput,
        version: Option<i32>,
    ) -> async_graphql::Result<Indicator> {
        let d = svc::Definition {
            code: input.code,
            number: input.number,
            name: input.name,
            description: input.description,
            level: input.level,
            kind: input.kind,
            respondent_group: input.respondent_group,
        };
        Ok(Indicator(
            svc::define(state(ctx)?, caller(ctx)?, d, version).await?,
        ))
    }

    /// Records a förbund's results (its admin, or network_admin): all rows or
    /// none; a bad row is named as `rows[i].field`. Returns how many were written.
    async fn upsert_indicator_results(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        rows: Vec<IndicatorResultInput>,
    ) -> async_graphql::Result<i32> {
        let rows: Vec<svc::ResultRow> = rows
            .into_iter()
            .map(|r| svc::ResultRow {
                forbund: forbund.clone(),
                indicator: r.indicator,
                year: r.year,
                gender: r.gender.into(),
                value: r.value,
                respondents: r.respondents,
                source: r.source,
            })
            .collect();
        let written = svc::upsert_results(state(ctx)?, caller(ctx)?, &rows)
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(i32::try_from(written).unwrap_or(i32::MAX))
    }

    /// Records national averages (network_admin): all rows or none.
    async fn upsert_national_averages(
        &self,
        ctx: &Context<'_>,
        rows: Vec<NationalAverageInput>,
    ) -> async_graphql::Result<i32> {
        let rows: Vec<svc::AverageRow> = rows
            .into_iter()
            .map(|r| svc::AverageRow {
                indicator: r.indicator,
                year: r.year,
                gender: r.gender.into(),
                value: r.value,
                forbund_count: r.forbund_count,
                source: r.source,
            })
            .collect();
        let written = svc::upsert_averages(state(ctx)?, caller(ctx)?, &rows)
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(i32::try_from(written).unwrap_or(i32::MAX))
    }

    /// Records a förbund's key figures for a year (its admin, or network_admin).
    async fn set_key_figures(
        &self,
        ctx: &Context<'_>,
        input: KeyFiguresInput,
    ) -> async_graphql::Result<KeyFigures> {
        let k = service::indicator::set_key_figures(
            state(ctx)?,
            caller(ctx)?,
            svc::KeyFigureInput {
                forbund: input.forbund,
                year: input.year,
                participants: input.participants,
                closures: input.closures,
                share_to_work_or_studies_percent: input.share_to_work_or_studies_percent,
                mean_months_in_insats: input.mean_months_in_insats,
                source: input.source,
            },
        )
        .await?;
        Ok(KeyFigures(k))
    }
}
