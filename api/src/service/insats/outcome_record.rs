//! recordInsatsOutcome: a period's outcome (participants by gender, closures
//! by reason, kommun rows) validated against its own totals and stored,
//! replacing an earlier report of the same period.

use chrono::NaiveDate;
use finsam_entity::{insats, insats_outcome};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::{InsatsRow, check_optional_text, check_text, finish, load_for_edit, save};
use crate::auth::Caller;
use crate::db::begin_write;
use crate::domain::insats::{self as rules, Outcome};
use crate::error::{ApiError, ApiResult};
use crate::service::{AppState, now};

/// One kommun's participants in an outcome.
#[derive(Debug, Clone)]
pub struct MunicipalityCount {
    pub municipality: String,
    pub participants: Option<i32>,
    pub women: Option<i32>,
    pub men: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct OutcomeInput {
    pub outcome: Outcome,
    pub share_reached_goal_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    pub note: Option<String>,
    pub municipalities: Vec<MunicipalityCount>,
}

/// recordInsatsOutcome: the outcome of a period, replacing an earlier report
/// of the same period.
pub async fn record_outcome(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    input: OutcomeInput,
) -> ApiResult<InsatsRow> {
    let o = &input.outcome;
    let period_to = o
        .period_to
        .ok_or_else(|| ApiError::bad_input("periodTo", "give the period's last day"))?;
    rules::check_outcome(o)?;
    rules::check_percent("shareReachedGoalPercent", input.share_reached_goal_percent)?;
    crate::domain::insats::check_months("meanMonthsInInsats", input.mean_months_in_insats)?;
    let note = check_optional_text("note", &input.note, 2_000)?;
    let mut sums = (0i64, 0i64, 0i64);
    for (i, m) in input.municipalities.iter().enumerate() {
        check_text("municipalities.municipality", &m.municipality, 100)?;
        let part = Outcome {
            participants: m.participants,
            women: m.women,
            men: m.men,
            ..Default::default()
        };
        rules::check_outcome(&part).map_err(|e| {
            ApiError::bad_input(format!("municipalities[{i}].{}", e.field), e.message)
        })?;
        sums.0 += i64::from(m.participants.unwrap_or(0));
        sums.1 += i64::from(m.women.unwrap_or(0));
        sums.2 += i64::from(m.men.unwrap_or(0));
    }
    for (field, sum, total) in [
        ("municipalities", sums.0, o.participants),
        ("municipalities", sums.1, o.women),
        ("municipalities", sums.2, o.men),
    ] {
        if total.is_some_and(|t| sum > i64::from(t)) {
            return Err(ApiError::bad_input(
                field,
                "the kommuner add up to more than the whole",
            ));
        }
    }
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    // A new report of the same period replaces the old one, breakdown and all.
    let mut same_period = Condition::all()
        .add(insats_outcome::Column::InsatsId.eq(id))
        .add(insats_outcome::Column::PeriodTo.eq(period_to));
    same_period = match o.period_from {
        Some(f) => same_period.add(insats_outcome::Column::PeriodFrom.eq(f)),
        None => same_period.add(insats_outcome::Column::PeriodFrom.is_null()),
    };
    insats_outcome::Entity::delete_many()
        .filter(same_period)
        .exec(&txn)
        .await?;
    let at = now();
    let row = |municipality: Option<String>,
               p: Option<i32>,
               w: Option<i32>,
               m: Option<i32>,
               whole: bool| insats_outcome::ActiveModel {
        insats_id: Set(id),
        period_from: Set(o.period_from),
        period_to: Set(period_to),
        municipality: Set(municipality),
        participants: Set(p),
        participants_women: Set(w),
        participants_men: Set(m),
        closures: Set(if whole { o.closures } else { None }),
        closures_work: Set(if whole { o.by_reason.work } else { None }),
        closures_studies: Set(if whole { o.by_reason.studies } else { None }),
        closures_labour_market_training: Set(if whole {
            o.by_reason.labour_market_training
        } else {
            None
        }),
        closures_completed: Set(if whole { o.by_reason.completed } else { None }),
        closures_not_influenceable: Set(if whole {
            o.by_reason.not_influenceable
        } else {
            None
        }),
        closures_other: Set(if whole { o.by_reason.other } else { None }),
        share_reached_goal_percent: Set(if whole {
            input.share_reached_goal_percent
        } else {
            None
        }),
        mean_months_in_insats: Set(if whole {
            input.mean_months_in_insats
        } else {
            None
        }),
        note: Set(if whole { note.clone() } else { None }),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    row(None, o.participants, o.women, o.men, true)
        .insert(&txn)
        .await?;
    for m in &input.municipalities {
        row(
            Some(m.municipality.trim().to_string()),
            m.participants,
            m.women,
            m.men,
            false,
        )
        .insert(&txn)
        .await?;
    }
    let after = save(&txn, &before, before.clone()).await?;
    #[derive(Serialize)]
    struct Recorded<'a> {
        insats: &'a insats::Model,
        period_from: Option<NaiveDate>,
        period_to: NaiveDate,
        participants: Option<i32>,
        closures: Option<i32>,
    }
    let recorded = Recorded {
        insats: &after,
        period_from: o.period_from,
        period_to,
        participants: o.participants,
        closures: o.closures,
    };
    finish(txn, caller, "recordInsatsOutcome", &before, &recorded).await?;
    Ok((after, owner.into()))
}
