//! What an insats reports beside itself: a year's budget and spending, its
//! goals, the extensions of its period and the outcome of a period (counts
//! that may be hidden as small cells).

use async_graphql::{ID, Object, SimpleObject};
use finsam_entity::insats_extension;

use super::Date;
use crate::domain::insats as rules;
use crate::service;

/// A count that may be hidden as a small cell.
#[derive(SimpleObject, Clone, Copy)]
pub struct Count {
    /// The count; null when not reported or suppressed.
    pub value: Option<i32>,
    /// True when the count is hidden because it is small, or because it would
    /// give a small one away.
    pub suppressed: bool,
}

/// A year's budget and spending.
pub struct InsatsBudget(pub service::insats::BudgetLine);

#[Object]
impl InsatsBudget {
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Whole SEK.
    async fn budget_sek(&self) -> i64 {
        self.0.budget_sek
    }

    /// Whole SEK spent, when reported.
    async fn spent_sek(&self) -> Option<i64> {
        self.0.spent_sek
    }

    /// The day the spending is reported through.
    async fn spent_through(&self) -> Option<Date> {
        self.0.spent_through.map(Date)
    }

    /// Spent as a percentage of the budget, one decimal.
    async fn utilisation_percent(&self) -> Option<f64> {
        rules::utilisation(self.0.budget_sek, self.0.spent_sek)
    }
}

#[derive(SimpleObject)]
pub struct InsatsGoal {
    id: ID,
    description: String,
    /// The share of participants the goal aims at, 0–100.
    target_percent: Option<f64>,
    /// Months after the insats at which the goal is measured.
    horizon_months: Option<i32>,
}

impl From<service::insats::GoalLine> for InsatsGoal {
    fn from(g: service::insats::GoalLine) -> Self {
        InsatsGoal {
            id: ID(g.id.to_string()),
            description: g.description,
            target_percent: g.target_percent,
            horizon_months: g.horizon_months,
        }
    }
}

#[derive(SimpleObject)]
pub struct InsatsExtension {
    previous_ends_on: Option<Date>,
    new_ends_on: Date,
    decided_on: Option<Date>,
    note: Option<String>,
}

impl From<insats_extension::Model> for InsatsExtension {
    fn from(e: insats_extension::Model) -> Self {
        InsatsExtension {
            previous_ends_on: e.previous_ends_on.map(Date),
            new_ends_on: Date(e.new_ends_on),
            decided_on: e.decided_on.map(Date),
            note: e.note,
        }
    }
}

/// Closures of a period by reason.
#[derive(SimpleObject)]
pub struct ClosuresByReason {
    pub work: Count,
    pub studies: Count,
    pub labour_market_training: Count,
    pub completed: Count,
    /// Sick leave, parental leave, moved.
    pub not_influenceable: Count,
    pub other: Count,
}

/// The outcome of a period, for the whole insats or (with `municipality`) one kommun.
pub struct InsatsOutcome(pub service::insats::OutcomeView);

impl InsatsOutcome {
    fn count(&self, field: &str, value: Option<i32>) -> Count {
        let hidden = self.0.hidden.contains(&field);
        Count {
            value: if hidden { None } else { value },
            suppressed: hidden,
        }
    }

    fn outcome(&self) -> rules::Outcome {
        let o = &self.0.row;
        rules::Outcome {
            period_from: o.period_from,
            period_to: Some(o.period_to),
            participants: o.participants,
            women: o.participants_women,
            men: o.participants_men,
            closures: o.closures,
            by_reason: rules::Closures {
                work: o.closures_work,
                studies: o.closures_studies,
                labour_market_training: o.closures_labour_market_training,
                completed: o.closures_completed,
                not_influenceable: o.closures_not_influenceable,
                other: o.closures_other,
            },
        }
    }
}

#[Object]
impl InsatsOutcome {
    /// The first day of the period; null for "since the start".
    async fn period_from(&self) -> Option<Date> {
        self.0.row.period_from.map(Date)
    }

    async fn period_to(&self) -> Date {
        Date(self.0.row.period_to)
    }

    /// The kommun this row is for; null for the whole insats.
    async fn municipality(&self) -> Option<&str> {
        self.0.row.municipality.as_deref()
    }

    async fn participants(&self) -> Count {
        self.count("participants", self.0.row.participants)
    }

    async fn participants_women(&self) -> Count {
        self.count("participantsWomen", self.0.row.participants_women)
    }

    async fn participants_men(&self) -> Count {
        self.count("participantsMen", self.0.row.participants_men)
    }

    async fn closures(&self) -> Count {
        self.count("closures", self.0.row.closures)
    }

    async fn closures_by_reason(&self) -> ClosuresByReason {
        let o = &self.0.row;
        ClosuresByReason {
            work: self.count("closuresWork", o.closures_work),
            studies: self.count("closuresStudies", o.closures_studies),
            labour_market_training: self.count(
                "closuresLabourMarketTraining",
                o.closures_labour_market_training,
            ),
            completed: self.count("closuresCompleted", o.closures_completed),
            not_influenceable: self.count("closuresNotInfluenceable", o.closures_not_influenceable),
            other: self.count("closuresOther", o.closures_other),
        }
    }

    /// Closures to work or studies, in percent of all closures; null when a
    /// part is hidden or not reported.
    async fn share_to_work_or_studies_percent(&self) -> Option<f64> {
        let hidden = ["closures", "closuresWork", "closuresStudies"]
            .iter()
            .any(|f| self.0.hidden.contains(f));
        if hidden {
            return None;
        }
        rules::share_to_work_or_studies(&self.outcome())
    }

    /// Closures that reached their goal, in percent, where reported.
    async fn share_reached_goal_percent(&self) -> Option<f64> {
        self.0.row.share_reached_goal_percent
    }

    async fn mean_months_in_insats(&self) -> Option<f64> {
        self.0.row.mean_months_in_insats
    }

    async fn note(&self) -> Option<&str> {
        self.0.row.note.as_deref()
    }
}
