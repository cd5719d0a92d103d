//! A förbund's finances (DESIGN.md, "Finances"), computed from its budget
//! lines, its members' contributions and the equity it brought forward:
//! totals per group and in all, the share used ("nyttjandegrad"), and the
//! equity the year and the two planned years leave. Nothing here is
//! stored; a report states its own figures beside these (`difference`).

use finsam_entity::value::BudgetGroup;

use super::forbund::{FundingGroup, MemberKind, funding_group};

/// One line's amounts for the year, as the line resolves them (an insats
/// line's budget and outcome are its insats's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineAmounts {
    pub budget: Option<i64>,
    pub outcome: Option<i64>,
    pub plan1: Option<i64>,
    pub plan2: Option<i64>,
}

/// Sums of lines; an empty amount counts as nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub budget: i64,
    pub outcome: i64,
    pub plan1: i64,
    pub plan2: i64,
}

impl Totals {
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a LineAmounts>) -> Self {
        lines.into_iter().fold(Self::default(), |t, l| Totals {
            budget: t.budget + l.budget.unwrap_or(0),
            outcome: t.outcome + l.outcome.unwrap_or(0),
            plan1: t.plan1 + l.plan1.unwrap_or(0),
            plan2: t.plan2 + l.plan2.unwrap_or(0),
        })
    }

    /// The share of the budget used so far, in percent.
    pub fn share_used(&self) -> Option<f64> {
        share_used(Some(self.budget), Some(self.outcome))
    }
}

/// Outcome as a percentage of budget; none without a budget above zero.
pub fn share_used(budget: Option<i64>, outcome: Option<i64>) -> Option<f64> {
    match (budget, outcome) {
        (Some(b), Some(o)) if b > 0 => Some(o as f64 * 100.0 / b as f64),
        _ => None,
    }
}

/// A year's means as the förbund plans them: contributions of the year
/// and of the two planned years, equity brought into the year, and the
/// ceiling it sets for its equity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Means {
    pub contributions: [Option<i64>; 3],
    pub equity_brought_forward: Option<i64>,
    pub equity_ceiling: Option<i64>,
}

/// What the equity of a year (the budget's own, or a planned one) comes to
/// when the year's budget is spent in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EquityYear {
    /// 0 for the budget's own year, 1 and 2 for the planned years.
    pub offset: i32,
    pub budget: i64,
    pub contributions: Option<i64>,
    pub brought_forward: Option<i64>,
    /// Contributions plus equity brought forward: the means of the year.
    pub available: Option<i64>,
    /// Equity the year takes (negative: adds).
    pub used: Option<i64>,
    pub after: Option<i64>,
    pub warning: Option<EquityWarning>,
}

/// A warning about a year's equity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EquityWarning {
    /// The equity after the year is below zero.
    RunsOut,
    /// The equity after the year exceeds the ceiling the förbund set.
    AboveCeiling,
}

/// The equity of the budget's year and its two planned years, each year
/// bringing forward what the one before left: `after = brought_forward +
/// contributions − budget`. A year without its contributions or its
/// equity leaves the rest of the chain unknown.
pub fn equity_forecast(totals: &Totals, means: &Means) -> [EquityYear; 3] {
    let budgets = [totals.budget, totals.plan1, totals.plan2];
    let mut brought = means.equity_brought_forward;
    std::array::from_fn(|i| {
        let contributions = means.contributions[i];
        let used = contributions.map(|c| budgets[i] - c);
        let available = brought.zip(contributions).map(|(b, c)| b + c);
        let after = available.map(|a| a - budgets[i]);
        let warning = match after {
            Some(a) if a < 0 => Some(EquityWarning::RunsOut),
            Some(a) if means.equity_ceiling.is_some_and(|c| a > c) => {
                Some(EquityWarning::AboveCeiling)
            }
            _ => None,
        };
        let year = EquityYear {
            offset: i as i32,
            budget: budgets[i],
            contributions,
            brought_forward: brought,
            available,
            used,
            after,
            warning,
        };
        brought = after;
        year
    })
}

/// The members' shares of a year's contributions by the law's funding
/// groups (law 2003:1210 § 7, `domain::forbund::FundingGroup`): the state —
/// Försäkringskassan and Arbetsförmedlingen together — gives half; the
/// region and the kommuner the other half, split as they agree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FundingShares {
    pub total: i64,
    pub state_percent: f64,
    pub region_percent: f64,
    pub municipalities_percent: f64,
    /// The state's share departs from the law's by more than
    /// `TOLERANCE_POINTS`.
    pub departs: bool,
}

/// Rounding in a förbund's own books may move a share a little.
pub const TOLERANCE_POINTS: f64 = 0.5;

pub fn funding_shares(contributions: &[(MemberKind, i64)]) -> Option<FundingShares> {
    let total: i64 = contributions.iter().map(|(_, a)| a).sum();
    if total <= 0 {
        return None;
    }
    let part = |group: FundingGroup| {
        contributions
            .iter()
            .filter(|(k, _)| funding_group(*k) == group)
            .map(|(_, a)| *a)
            .sum::<i64>() as f64
            * 100.0
            / total as f64
    };
    let state_percent = part(FundingGroup::State);
    Some(FundingShares {
        total,
        state_percent,
        region_percent: part(FundingGroup::Region),
        municipalities_percent: part(FundingGroup::Municipalities),
        departs: (state_percent - FundingGroup::State.statutory_percent()).abs() > TOLERANCE_POINTS,
    })
}

/// How a stated figure differs from the computed one: stated − computed,
/// none when they agree or nothing could be computed.
pub fn difference(computed: Option<i64>, stated: i64) -> Option<i64> {
    computed.map(|c| stated - c).filter(|d| *d != 0)
}

/// The groups in the order a board's report sets them out.
pub fn group_order(group: BudgetGroup) -> usize {
    BudgetGroup::ALL
        .iter()
        .position(|g| *g == group)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TKR: i64 = 1000;

    /// Västerås's budget through August 2019 (seed 002): the printed lines'
    /// sums and the paper's means give the equity it should have printed.
    #[test]
    fn vasteras_2019_as_computed() {
        let totals = Totals {
            budget: 15_027 * TKR,
            outcome: 6_072_500,
            plan1: 14_716 * TKR,
            plan2: 12_540 * TKR,
        };
        assert_eq!(totals.share_used().map(f64::round), Some(40.0));
        let means = Means {
            contributions: [Some(13_392 * TKR), Some(12_052 * TKR), Some(11_316 * TKR)],
            equity_brought_forward: Some(6_778 * TKR),
            equity_ceiling: None,
        };
        let [y2019, y2020, y2021] = equity_forecast(&totals, &means);
        assert_eq!(
            y2019.available,
            Some(20_170 * TKR),
            "not the 20 177 printed"
        );
        assert_eq!(y2019.used, Some(1_635 * TKR), "not the 1 628 printed");
        assert_eq!(y2019.after, Some(5_143 * TKR));
        assert_eq!(y2020.available, Some(17_195 * TKR));
        assert_eq!(y2020.after, Some(2_479 * TKR));
        assert_eq!(y2021.after, Some(1_255 * TKR));
        assert!(y2021.warning.is_none());
        assert_eq!(difference(y2019.available, 20_177 * TKR), Some(7 * TKR));
        assert_eq!(difference(y2019.used, 1_628 * TKR), Some(-7 * TKR));
    }

    #[test]
    fn equity_that_runs_out_or_piles_up_is_flagged() {
        let totals = Totals {
            budget: 100,
            plan1: 300,
            plan2: 0,
            ..Default::default()
        };
        let means = Means {
            contributions: [Some(100), Some(100), Some(100)],
            equity_brought_forward: Some(150),
            equity_ceiling: Some(120),
        };
        let years = equity_forecast(&totals, &means);
        assert_eq!(years[0].warning, Some(EquityWarning::AboveCeiling));
        assert_eq!(years[1].after, Some(-50));
        assert_eq!(years[1].warning, Some(EquityWarning::RunsOut));
    }

    #[test]
    fn the_state_gives_half() {
        use MemberKind::*;
        let lawful =
            funding_shares(&[(SocialInsurance, 500), (Region, 250), (Municipality, 250)]).unwrap();
        assert!(!lawful.departs);
        assert_eq!(lawful.region_percent, 25.0);
        let off = funding_shares(&[(SocialInsurance, 400), (Municipality, 600)]).unwrap();
        assert!(off.departs);
        assert!(funding_shares(&[]).is_none());
    }

    proptest! {
        /// Each year brings forward exactly what the one before left, and
        /// the year's means less its budget is what it leaves.
        #[test]
        fn the_chain_holds(
            budgets in proptest::array::uniform3(0i64..50_000_000),
            contributions in proptest::array::uniform3(proptest::option::of(0i64..50_000_000)),
            equity in proptest::option::of(-5_000_000i64..50_000_000),
        ) {
            let totals = Totals { budget: budgets[0], outcome: 0, plan1: budgets[1], plan2: budgets[2] };
            let means = Means { contributions, equity_brought_forward: equity, equity_ceiling: None };
            let years = equity_forecast(&totals, &means);
            for pair in years.windows(2) {
                prop_assert_eq!(pair[1].brought_forward, pair[0].after);
            }
            for y in &years {
                if let (Some(a), Some(after)) = (y.available, y.after) {
                    prop_assert_eq!(after, a - y.budget);
                    prop_assert_eq!(y.warning == Some(EquityWarning::RunsOut), after < 0);
                }
                if y.contributions.is_none() { prop_assert!(y.after.is_none()); }
            }
        }

        /// Totals are the sums of the lines, whatever their order.
        #[test]
        fn totals_are_sums(lines in proptest::collection::vec(
            (proptest::option::of(0i64..10_000_000), proptest::option::of(0i64..10_000_000)), 0..30)
        ) {
            let lines: Vec<LineAmounts> = lines.iter().map(|(b, o)| LineAmounts { budget: *b, outcome: *o, ..Default::default() }).collect();
            let mut reversed = lines.clone();
            reversed.reverse();
            let t = Totals::of(&lines);
            prop_assert_eq!(t, Totals::of(&reversed));
            prop_assert_eq!(t.budget, lines.iter().filter_map(|l| l.budget).sum::<i64>());
        }
    }
}
