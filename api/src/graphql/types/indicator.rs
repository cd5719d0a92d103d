//! National indicators, comparisons and population on benefits.

use async_graphql::{ID, Object, SimpleObject};
use finsam_entity::indicator;

use super::Forbund;
use crate::domain::indicators::Distribution as Dist;
use crate::service::indicator::{
    Comparison, ComparisonRow, Network, NetworkEntry, Shown, TrendPoint,
};

pub use crate::record::indicator::Gender;

#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

#[Object]
impl Indicator {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::Indicator,
            self.0.id,
        ))
    }

    /// Stable code used in imports, e.g. "6".
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn number(&self) -> Option<i32> {
        self.0.number
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn level(&self) -> crate::record::indicator::IndicatorLevel {
        self.0.level.into()
    }

    async fn kind(&self) -> crate::record::indicator::IndicatorKind {
        self.0.kind.into()
    }

    async fn respondent_group(&self) -> Option<&str> {
        self.0.respondent_group.as_deref()
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A value that may be hidden because too few answered.
#[derive(SimpleObject, Clone, Copy)]
pub struct IndicatorValue {
    /// 0–100; null when suppressed.
    pub value: Option<f64>,
    pub respondents: Option<i32>,
    /// Fewer answered than `privacy.min_cell` and the caller may not see it in full.
    pub suppressed: bool,
    /// An invented example (its source says "synthetic"), not a reported result.
    pub synthetic: bool,
}

impl From<Shown> for IndicatorValue {
    fn from(s: Shown) -> Self {
        IndicatorValue {
            value: s.value,
            respondents: s.respondents,
            suppressed: s.suppressed,
            synthetic: s.synthetic,
        }
    }
}

pub struct IndicatorComparisonRow(pub ComparisonRow);

#[Object]
impl IndicatorComparisonRow {
    async fn indicator(&self) -> Indicator {
        Indicator(self.0.indicator.clone())
    }

    async fn value(&self) -> IndicatorValue {
        self.0.shown.into()
    }

    /// Null when no national average is on record.
    async fn national_average(&self) -> Option<f64> {
        self.0.row.and_then(|r| r.national)
    }

    /// Value − national average.
    async fn difference(&self) -> Option<f64> {
        self.0.row.and_then(|r| r.difference())
    }

    async fn at_or_above_national(&self) -> Option<bool> {
        self.0.row.and_then(|r| r.at_or_above())
    }

    async fn previous_year(&self) -> Option<IndicatorValue> {
        self.0.previous.map(Into::into)
    }

    /// Value − previous year's value.
    async fn change(&self) -> Option<f64> {
        self.0.row.and_then(|r| r.change())
    }

    async fn women(&self) -> Option<IndicatorValue> {
        self.0.women.map(Into::into)
    }

    async fn men(&self) -> Option<IndicatorValue> {
        self.0.men.map(Into::into)
    }

    /// Women − men.
    async fn women_men_gap(&self) -> Option<f64> {
        self.0.gap()
    }
}

#[derive(SimpleObject)]
pub struct IndicatorComparisonSummary {
    pub measured: i32,
    pub with_national_average: i32,
    pub at_or_above_national: i32,
    pub below_national: i32,
    pub without_national_average: i32,
    pub with_previous_year: i32,
    pub higher_than_previous_year: i32,
    pub lower_than_previous_year: i32,
    pub unchanged_from_previous_year: i32,
    pub without_previous_year: i32,
    /// Measured, but hidden from this caller as small cells (left out of the counts above).
    pub suppressed: i32,
}

/// An indicator summary as a förbund reported it to its board.
#[derive(SimpleObject)]
pub struct IndicatorReport {
    /// Indicators measured.
    measured: Option<i32>,
    /// Indicators at or above the national average.
    at_or_above_national: Option<i32>,
    /// Indicators lower than the year before.
    lower_than_previous_year: Option<i32>,
    /// Survey answers analysed, across respondent groups.
    answers: Option<i32>,
    /// Participants answering who are women.
    answers_women: Option<i32>,
    /// Participants answering who are men.
    answers_men: Option<i32>,
    /// Where the figures were reported.
    source: String,
}

impl From<finsam_entity::indicator_report::Model> for IndicatorReport {
    fn from(r: finsam_entity::indicator_report::Model) -> Self {
        IndicatorReport {
            measured: r.measured,
            at_or_above_national: r.at_or_above_national,
            lower_than_previous_year: r.lower_than_previous_year,
            answers: r.answers,
            answers_women: r.answers_women,
            answers_men: r.answers_men,
            source: r.source,
        }
    }
}

pub(super) fn n(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

pub struct IndicatorComparison(pub Comparison);

#[Object]
impl IndicatorComparison {
    async fn forbund(&self) -> Forbund {
        Forbund::from(self.0.forbund.clone())
    }

    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn gender(&self) -> Gender {
        self.0.gender.into()
    }

    async fn rows(&self) -> Vec<IndicatorComparisonRow> {
        self.0
            .rows
            .iter()
            .cloned()
            .map(IndicatorComparisonRow)
            .collect()
    }

    /// What the förbund's board was told for the year (its own summary and
    /// survey answers), as reported; null when nothing is on record. Set it
    /// beside `summary` to see whether the values on record agree.
    async fn reported(&self) -> Option<IndicatorReport> {
        self.0.reported.clone().map(IndicatorReport::from)
    }

    async fn summary(&self) -> IndicatorComparisonSummary {
        let s = &self.0.summary;
        IndicatorComparisonSummary {
            measured: n(s.measured),
            with_national_average: n(s.with_national_average),
            at_or_above_national: n(s.at_or_above_national),
            below_national: n(s.below_national),
            without_national_average: n(s.without_national_average),
            with_previous_year: n(s.with_previous_year),
            higher_than_previous_year: n(s.higher_than_previous_year),
            lower_than_previous_year: n(s.lower_than_previous_year),
            unchanged_from_previous_year: n(s.unchanged_from_previous_year),
            without_previous_year: n(s.without_previous_year),
            suppressed: n(self.0.suppressed),
        }
    }
}

/// Minimum, quartiles (linear interpolation), maximum and mean.
#[derive(SimpleObject)]
pub struct Distribution {
    pub count: i32,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub mean: f64,
}

pub(super) fn distribution(d: Option<Dist>, count: usize) -> Option<Distribution> {
    d.map(|d| Distribution {
        count: n(count),
        min: d.min,
        q1: d.q1,
        median: d.median,
        q3: d.q3,
        max: d.max,
        mean: d.mean,
    })
}

pub struct NetworkComparisonEntry(pub NetworkEntry);

#[Object]
impl NetworkComparisonEntry {
    /// Null when the caller may not know which förbund this is.
    async fn forbund(&self) -> Option<Forbund> {
        self.0.forbund.clone().map(Forbund::from)
    }

    /// The caller's own förbund.
    async fn own(&self) -> bool {
        self.0.own
    }

    /// 1 for the highest value; ties share a rank.
    async fn rank(&self) -> i32 {
        n(self.0.rank)
    }

    /// Percent of the förbund at or below this value.
    async fn percentile(&self) -> f64 {
        self.0.percentile
    }

    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    async fn respondents(&self) -> Option<i32> {
        self.0.respondents
    }
}

pub struct NetworkComparison(pub Network);

#[Object]
impl NetworkComparison {
    async fn indicator(&self) -> Indicator {
        Indicator(self.0.indicator.clone())
    }

    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn gender(&self) -> Gender {
        self.0.gender.into()
    }

    async fn national_average(&self) -> Option<f64> {
        self.0.national.as_ref().map(|a| a.value)
    }

    /// How many förbund the national average is drawn from.
    async fn national_average_forbund_count(&self) -> Option<i32> {
        self.0.national.as_ref().and_then(|a| a.forbund_count)
    }

    /// How many förbund's values are compared here.
    async fn forbund_count(&self) -> i32 {
        n(self.0.forbund_count)
    }

    /// Ranked entries; empty for anonymous callers.
    async fn entries(&self) -> Vec<NetworkComparisonEntry> {
        self.0
            .entries
            .iter()
            .cloned()
            .map(NetworkComparisonEntry)
            .collect()
    }

    async fn distribution(&self) -> Option<Distribution> {
        distribution(self.0.distribution, self.0.forbund_count)
    }
}

/// One year of a förbund's series beside the national average.
pub struct IndicatorTrendPoint(pub TrendPoint);

#[Object]
impl IndicatorTrendPoint {
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Null when the förbund has no result that year.
    async fn value(&self) -> Option<IndicatorValue> {
        self.0.shown.map(Into::into)
    }

    async fn national_average(&self) -> Option<f64> {
        self.0.national
    }
}
