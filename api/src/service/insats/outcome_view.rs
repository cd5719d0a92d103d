//! Outcomes as a caller sees them: small-cell suppression per period
//! (DESIGN.md, "Small cells") of kommun rows against the total and of the
//! total's own breakdowns; the owning förbund sees everything.

use chrono::NaiveDate;
use finsam_entity::insats_outcome;

/// An outcome row as a caller sees it: which of its counts are hidden as
/// small cells (DESIGN.md, "Small cells").
pub struct OutcomeView {
    pub row: insats_outcome::Model,
    pub hidden: Vec<&'static str>,
}

const PEOPLE: [&str; 3] = ["participants", "participantsWomen", "participantsMen"];
const CLOSURES: [&str; 7] = [
    "closures",
    "closuresWork",
    "closuresStudies",
    "closuresLabourMarketTraining",
    "closuresCompleted",
    "closuresNotInfluenceable",
    "closuresOther",
];

fn people(o: &insats_outcome::Model) -> Vec<Option<i64>> {
    [o.participants, o.participants_women, o.participants_men]
        .iter()
        .map(|v| v.map(i64::from))
        .collect()
}

pub(super) fn closures(o: &insats_outcome::Model) -> Vec<Option<i64>> {
    [
        o.closures,
        o.closures_work,
        o.closures_studies,
        o.closures_labour_market_training,
        o.closures_completed,
        o.closures_not_influenceable,
        o.closures_other,
    ]
    .iter()
    .map(|v| v.map(i64::from))
    .collect()
}

/// Applies small-cell suppression to an insats's outcomes, period by period:
/// the kommun rows against the period's total, and the total's own gender
/// and closure breakdowns. `full` callers (the owning förbund) see all.
pub fn outcome_views(
    rows: Vec<insats_outcome::Model>,
    full: bool,
    min_cell: i64,
) -> Vec<OutcomeView> {
    use crate::domain::suppression::suppress;
    if full {
        return rows
            .into_iter()
            .map(|row| OutcomeView {
                row,
                hidden: vec![],
            })
            .collect();
    }
    let mut views: Vec<OutcomeView> = rows
        .into_iter()
        .map(|row| OutcomeView {
            row,
            hidden: vec![],
        })
        .collect();
    let mut periods: Vec<(Option<NaiveDate>, NaiveDate)> = views
        .iter()
        .map(|v| (v.row.period_from, v.row.period_to))
        .collect();
    periods.dedup();
    for period in periods {
        let in_period: Vec<usize> = (0..views.len())
            .filter(|i| (views[*i].row.period_from, views[*i].row.period_to) == period)
            .collect();
        let total = in_period
            .iter()
            .copied()
            .find(|i| views[*i].row.municipality.is_none());
        let kommuner: Vec<usize> = in_period
            .iter()
            .copied()
            .filter(|i| Some(*i) != total)
            .collect();
        let totals = total.map(|t| people(&views[t].row));
        let table: Vec<Vec<Option<i64>>> =
            kommuner.iter().map(|i| people(&views[*i].row)).collect();
        let hidden = suppress(&table, totals.as_deref(), min_cell);
        for (k, i) in kommuner.iter().enumerate() {
            views[*i].hidden = PEOPLE
                .iter()
                .zip(&hidden[k])
                .filter(|(_, h)| **h)
                .map(|(f, _)| *f)
                .collect();
        }
        if let Some(t) = total {
            let people_hidden = suppress(&[people(&views[t].row)], None, min_cell);
            let closures_hidden = suppress(&[closures(&views[t].row)], None, min_cell);
            let mut hidden: Vec<&'static str> = PEOPLE
                .iter()
                .zip(&people_hidden[0])
                .filter(|(_, h)| **h)
                .map(|(f, _)| *f)
                .collect();
            hidden.extend(
                CLOSURES
                    .iter()
                    .zip(&closures_hidden[0])
                    .filter(|(_, h)| **h)
                    .map(|(f, _)| *f),
            );
            views[t].hidden = hidden;
        }
    }
    views
}
