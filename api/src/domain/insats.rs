//! Rules about an insats: its kinds, its period and its reported outcomes.

use chrono::NaiveDate;

use crate::domain::rule::{Broken, Rule};

pub use finsam_entity::value::{Category, Orientation, Status, Visibility};

/// Whether an insats in `status` runs on the days of its period.
pub fn runs(status: Status) -> bool {
    !matches!(status, Status::Planned | Status::Cancelled)
}

/// The folded text `insatser(filter: {search})` matches against.
pub fn search_text(name: &str, description: Option<&str>, target_group: Option<&str>) -> String {
    crate::domain::text::fold(
        &[Some(name), description, target_group]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The oldest and youngest a target group can be.
pub const AGE_LIMIT: i32 = 120;

/// A rule broken by an input, with the input field at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub field: &'static str,
    pub broken: Broken,
}

fn invalid(field: &'static str, broken: impl Into<Broken>) -> Invalid {
    Invalid {
        field,
        broken: broken.into(),
    }
}

pub fn check_period(
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
) -> Result<(), Invalid> {
    match (starts_on, ends_on) {
        (Some(s), Some(e)) if e < s => Err(invalid(
            "endsOn",
            Rule::BeforeStart.with("other", "startsOn"),
        )),
        _ => Ok(()),
    }
}

pub fn check_age_range(min: Option<i32>, max: Option<i32>) -> Result<(), Invalid> {
    for (field, v) in [("ageMin", min), ("ageMax", max)] {
        if let Some(v) = v
            && !(0..=AGE_LIMIT).contains(&v)
        {
            return Err(invalid(field, Rule::AgeRange.with("max", AGE_LIMIT)));
        }
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        return Err(invalid("ageMin", Rule::AgeOrder));
    }
    Ok(())
}

pub fn check_percent(field: &'static str, v: Option<f64>) -> Result<(), Invalid> {
    match v {
        Some(p) if !p.is_finite() || !(0.0..=100.0).contains(&p) => {
            Err(invalid(field, Rule::PercentRange))
        }
        _ => Ok(()),
    }
}

/// A duration in months (time in an insats): finite and not negative.
pub fn check_months(field: &'static str, v: Option<f64>) -> Result<(), Invalid> {
    match v {
        Some(m) if !m.is_finite() || m < 0.0 => Err(invalid(field, Rule::Negative)),
        _ => Ok(()),
    }
}

pub fn check_money(field: &'static str, v: Option<i64>) -> Result<(), Invalid> {
    match v {
        Some(m) if m < 0 => Err(invalid(field, Rule::Negative)),
        _ => Ok(()),
    }
}

pub fn check_count(field: &'static str, v: Option<i32>) -> Result<(), Invalid> {
    match v {
        Some(n) if n < 0 => Err(invalid(field, Rule::Negative)),
        _ => Ok(()),
    }
}

/// Closures of a period by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Closures {
    pub work: Option<i32>,
    pub studies: Option<i32>,
    pub labour_market_training: Option<i32>,
    pub completed: Option<i32>,
    pub not_influenceable: Option<i32>,
    pub other: Option<i32>,
}

impl Closures {
    pub fn reasons(&self) -> [(&'static str, Option<i32>); 6] {
        [
            ("closuresWork", self.work),
            ("closuresStudies", self.studies),
            ("closuresLabourMarketTraining", self.labour_market_training),
            ("closuresCompleted", self.completed),
            ("closuresNotInfluenceable", self.not_influenceable),
            ("closuresOther", self.other),
        ]
    }

    /// In i64: counts come from callers and may be as large as an i32 goes.
    fn reported_sum(&self) -> i64 {
        self.reasons()
            .iter()
            .filter_map(|(_, v)| v.map(i64::from))
            .sum()
    }
}

/// One reported outcome: participants by gender and closures by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outcome {
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub participants: Option<i32>,
    pub women: Option<i32>,
    pub men: Option<i32>,
    pub closures: Option<i32>,
    pub by_reason: Closures,
}

/// Checks an outcome: counts not negative, women and men not more than the
/// participants, closures by reason not more than the closures, and closures
/// not more than the participants.
pub fn check_outcome(o: &Outcome) -> Result<(), Invalid> {
    check_period(o.period_from, o.period_to)
        .map_err(|_| invalid("periodTo", Rule::BeforeStart.with("other", "periodFrom")))?;
    for (field, v) in [
        ("participants", o.participants),
        ("participantsWomen", o.women),
        ("participantsMen", o.men),
        ("closures", o.closures),
    ] {
        check_count(field, v)?;
    }
    for (field, v) in o.by_reason.reasons() {
        check_count(field, v)?;
    }
    if let Some(total) = o.participants {
        let (women, men) = (
            i64::from(o.women.unwrap_or(0)),
            i64::from(o.men.unwrap_or(0)),
        );
        if women + men > i64::from(total) {
            return Err(invalid("participantsMen", Rule::OutcomeGenderSum));
        }
        if o.closures.is_some_and(|c| c > total) {
            return Err(invalid("closures", Rule::OutcomeClosuresSum));
        }
    }
    let reasons = o.by_reason.reported_sum();
    match o.closures {
        Some(c) if reasons > i64::from(c) => Err(invalid("closures", Rule::OutcomeReasonSum)),
        None if o.participants.is_some_and(|p| reasons > i64::from(p)) => {
            Err(invalid("closures", Rule::OutcomeClosuresSum))
        }
        _ => Ok(()),
    }
}

/// Share of closures that went to work or studies, in percent.
pub fn share_to_work_or_studies(o: &Outcome) -> Option<f64> {
    let closures = o.closures.filter(|c| *c > 0)?;
    let (work, studies) = (o.by_reason.work?, o.by_reason.studies?);
    Some(round1(
        (f64::from(work) + f64::from(studies)) * 100.0 / f64::from(closures),
    ))
}

/// Spent as a share of the budget, in percent with one decimal.
pub fn utilisation(budget: i64, spent: Option<i64>) -> Option<f64> {
    let spent = spent?;
    (budget > 0).then(|| round1(spent as f64 * 100.0 / budget as f64))
}

pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samordningsteam_vasteras_2019_used_43_percent() {
        // 3 429 tkr of 8 054 364 kr through August 2019 (facts.md).
        assert_eq!(utilisation(8_054_364, Some(3_429_000)), Some(42.6));
        assert_eq!(
            utilisation(8_054_364, Some(3_429_000)).map(f64::round),
            Some(43.0)
        );
        assert_eq!(utilisation(0, Some(1)), None);
        assert_eq!(utilisation(70_000, None), None);
    }

    fn halsoframjande() -> Outcome {
        Outcome {
            participants: Some(72),
            women: Some(42),
            men: Some(30),
            closures: Some(29),
            by_reason: Closures {
                work: Some(4),
                studies: Some(4),
                labour_market_training: Some(0),
                completed: Some(0),
                not_influenceable: Some(6),
                other: Some(15),
            },
            ..Default::default()
        }
    }

    #[test]
    fn the_varend_outcome_is_consistent_and_gives_its_share() {
        let o = halsoframjande();
        assert_eq!(check_outcome(&o), Ok(()));
        assert_eq!(share_to_work_or_studies(&o), Some(27.6));
    }

    #[test]
    fn inconsistent_outcomes_name_their_field() {
        let mut o = halsoframjande();
        o.by_reason.other = Some(16);
        assert_eq!(check_outcome(&o).map_err(|e| e.field), Err("closures"));
        let mut o = halsoframjande();
        o.closures = Some(73);
        assert_eq!(check_outcome(&o).map_err(|e| e.field), Err("closures"));
        let mut o = halsoframjande();
        o.men = Some(31);
        assert_eq!(
            check_outcome(&o).map_err(|e| e.field),
            Err("participantsMen")
        );
        let mut o = halsoframjande();
        o.women = Some(i32::MAX);
        o.men = Some(i32::MAX);
        assert_eq!(
            check_outcome(&o).map_err(|e| e.field),
            Err("participantsMen"),
            "no overflow"
        );
        let mut o = halsoframjande();
        o.women = Some(-1);
        assert_eq!(
            check_outcome(&o).map_err(|e| e.field),
            Err("participantsWomen")
        );
    }

    #[test]
    fn ages_and_periods() {
        assert!(check_age_range(Some(16), Some(64)).is_ok());
        assert_eq!(
            check_age_range(Some(30), Some(20)).map_err(|e| e.field),
            Err("ageMin")
        );
        assert_eq!(
            check_age_range(None, Some(121)).map_err(|e| e.field),
            Err("ageMax")
        );
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(check_period(d("2020-01-01"), d("2019-12-31")).is_err());
        assert!(check_percent("targetPercent", Some(100.5)).is_err());
        assert!(check_money("budgetSek", Some(-1)).is_err());
    }
}
