//! Statistics beside the indicators: a förbund's key figures and their
//! comparison across förbund, and population on benefits per area.

use async_graphql::{Enum, Object, SimpleObject};
use finsam_entity::{area, key_figure};

use super::indicator::{Distribution, NetworkComparisonEntry, distribution, n};
use crate::service::indicator as svc;
use crate::service::population::{BenefitFigures, Support};

/// An area of the statistics (SCB's codes).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::AreaKind")]
pub enum AreaKind {
    Municipality,
    County,
    Country,
}

/// A benefit people of working age live on, and their total.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::Benefit")]
pub enum Benefit {
    /// Sjukpenning.
    SicknessBenefit,
    /// Sjuk- och aktivitetsersättning.
    SicknessActivityCompensation,
    /// Arbetslöshetsersättning.
    Unemployment,
    /// Arbetsmarknadsåtgärder.
    LabourMarketProgrammes,
    /// Ekonomiskt bistånd.
    SocialAssistance,
    /// Etableringsersättning.
    EstablishmentBenefit,
    /// All of them.
    Total,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::service::indicator::Figure")]
pub enum KeyFigure {
    Participants,
    Closures,
    /// Closures to work or studies, percent.
    ShareToWorkOrStudies,
    MeanMonthsInInsats,
}

/// A förbund's key figures for a year.
#[derive(SimpleObject)]
pub struct KeyFigures {
    year: i32,
    participants: Option<i32>,
    closures: Option<i32>,
    share_to_work_or_studies_percent: Option<f64>,
    mean_months_in_insats: Option<f64>,
    source: String,
}

impl From<key_figure::Model> for KeyFigures {
    fn from(k: key_figure::Model) -> Self {
        KeyFigures {
            year: k.year,
            participants: k.participants,
            closures: k.closures,
            share_to_work_or_studies_percent: k.share_to_work_or_studies_percent,
            mean_months_in_insats: k.mean_months_in_insats,
            source: k.source,
        }
    }
}

pub struct KeyFigureComparison(pub svc::FigureComparison);

#[Object]
impl KeyFigureComparison {
    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn figure(&self) -> KeyFigure {
        self.0.figure.into()
    }

    async fn forbund_count(&self) -> i32 {
        n(self.0.forbund_count)
    }

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

pub struct Area(pub area::Model);

#[Object]
impl Area {
    /// SCB code: "1980" Västerås, "19" Västmanlands län, "00" Sweden.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> AreaKind {
        self.0.kind.into()
    }
}

/// One benefit's full-year equivalents by gender.
pub struct BenefitSupport(pub BenefitFigures);

#[Object]
impl BenefitSupport {
    async fn benefit(&self) -> Benefit {
        self.0.benefit.into()
    }

    async fn total(&self) -> Option<f64> {
        self.0.total
    }

    async fn women(&self) -> Option<f64> {
        self.0.women
    }

    async fn men(&self) -> Option<f64> {
        self.0.men
    }

    /// Women's share of the total, percent with one decimal.
    async fn women_share_percent(&self) -> Option<f64> {
        let (w, t) = (self.0.women?, self.0.total?);
        (t > 0.0).then(|| crate::domain::insats::round1(w * 100.0 / t))
    }
}

pub struct PopulationSupport(pub Support, pub Vec<Support>);

#[Object]
impl PopulationSupport {
    async fn area(&self) -> Area {
        Area(self.0.area.clone())
    }

    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn benefits(&self) -> Vec<BenefitSupport> {
        self.0
            .benefits
            .iter()
            .cloned()
            .map(BenefitSupport)
            .collect()
    }

    /// All benefits, as reported.
    async fn total(&self) -> BenefitSupport {
        BenefitSupport(self.0.total.clone())
    }

    /// People aged 20–64 in the area.
    #[graphql(name = "population20To64")]
    async fn population_20_64(&self) -> Option<i32> {
        self.0.population_20_64
    }

    /// Share of the population 20–64 on benefits, percent: as reported, or
    /// computed from the total and the population.
    async fn share_percent(&self) -> Option<f64> {
        self.0.share_percent()
    }

    /// The same year for the area's county and the country.
    async fn comparison(&self) -> Vec<PopulationSupport> {
        self.1
            .iter()
            .cloned()
            .map(|s| PopulationSupport(s, vec![]))
            .collect()
    }
}
