//! The national indicators' records: a definition, a förbund's result, a
//! national average and a förbund's key figures for a year
//! (`defineIndicator`, `upsertIndicatorResults`, `upsertNationalAverages`,
//! `setKeyFigures`, the seed's `indicators.toml` and `statistics.toml`, and
//! `finsam import` of the first three).

use async_graphql::{Enum, InputObject};
use serde::Deserialize;

use super::number;

#[derive(Enum, Deserialize, serde::Serialize, Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[graphql(remote = "crate::domain::indicators::Gender")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Gender {
    #[serde(alias = "total", alias = "Total")]
    Total,
    #[serde(alias = "women", alias = "Women")]
    Women,
    #[serde(alias = "men", alias = "Men")]
    Men,
}

fn total() -> Gender {
    Gender::Total
}

/// Whom a national indicator is about.
#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::IndicatorLevel")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorLevel {
    /// The participants of the insatser.
    #[serde(alias = "participant", alias = "Participant")]
    Participant,
    /// The staff who work in them.
    #[serde(alias = "staff", alias = "Staff")]
    Staff,
    /// The organisations of the förbund's members.
    #[serde(alias = "organisation", alias = "Organisation")]
    Organisation,
    /// Society at large.
    #[serde(alias = "society", alias = "Society")]
    Society,
}

/// Whether a national indicator measures the work or its effect.
#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::IndicatorKind")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorKind {
    #[serde(alias = "process", alias = "Process")]
    Process,
    #[serde(alias = "effect", alias = "Effect")]
    Effect,
}

#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "IndicatorInput")]
pub struct IndicatorDefinition {
    pub code: String,
    #[serde(default, deserialize_with = "number::optional")]
    pub number: Option<i32>,
    pub name: String,
    pub description: Option<String>,
    pub level: IndicatorLevel,
    pub kind: IndicatorKind,
    pub respondent_group: Option<String>,
}

/// A förbund's result on an indicator.
// Through the API the förbund is the mutation's argument; a file names it
// on every row.
#[derive(InputObject, Deserialize, Clone, Debug, serde::Serialize)]
#[graphql(name = "IndicatorResultInput")]
pub struct IndicatorResult {
    #[graphql(skip)]
    pub forbund: String,
    /// The indicator's code.
    pub indicator: String,
    #[serde(deserialize_with = "number::required")]
    pub year: i32,
    #[graphql(default_with = "Gender::Total")]
    #[serde(default = "total")]
    pub gender: Gender,
    /// 0–100.
    #[serde(deserialize_with = "number::required")]
    pub value: f64,
    #[serde(default, deserialize_with = "number::optional")]
    pub respondents: Option<i32>,
    /// Where the figure comes from; mark invented examples "synthetic: …".
    #[graphql(default_with = "\"reported\".to_string()")]
    #[serde(default)]
    pub source: String,
}

#[derive(InputObject, Deserialize, Clone, Debug, serde::Serialize)]
#[graphql(name = "NationalAverageInput")]
pub struct NationalAverage {
    pub indicator: String,
    #[serde(deserialize_with = "number::required")]
    pub year: i32,
    #[graphql(default_with = "Gender::Total")]
    #[serde(default = "total")]
    pub gender: Gender,
    #[serde(deserialize_with = "number::required")]
    pub value: f64,
    /// How many förbund the average is drawn from.
    #[serde(default, deserialize_with = "number::optional")]
    pub forbund_count: Option<i32>,
    #[graphql(default_with = "\"reported\".to_string()")]
    #[serde(default)]
    pub source: String,
}

#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "KeyFiguresInput")]
pub struct KeyFigures {
    pub forbund: String,
    pub year: i32,
    pub participants: Option<i32>,
    pub closures: Option<i32>,
    pub share_to_work_or_studies_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    #[graphql(default_with = "\"reported\".to_string()")]
    #[serde(default)]
    pub source: String,
}
