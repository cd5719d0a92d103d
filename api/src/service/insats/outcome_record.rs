//! recordInsatsOutcome: a period's outcome (participants by gender, closures
//! by reason, kommun rows) validated against its own totals and stored,
//! replacing an earlier report of the same period.

use chrono::NaiveDate;
use finsam_entity::{insats, insats_outcome};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use serde::Serialize;

use super::{InsatsRow, check_optional_text, check_text, finish, load_for_edit, save};
use crate::auth::Caller;
use crate::db::begin_write;
use crate::domain::insats::{self as rules, Outcome};
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::insats::OutcomeReport;
use crate::service::audit::Operation;
use crate::service::{ServiceContext, now};

/// The rules of a period's report: counts against their totals, percentages,
/// months, and kommun rows that add up to no more than the whole.
pub fn check(report: &OutcomeReport) -> ApiResult<()> {
    let o = report.outcome();
    rules::check_outcome(&o)?;
    rules::check_percent("shareReachedGoalPercent", report.share_reached_goal_percent)?;
    rules::check_months("meanMonthsInInsats", report.mean_months_in_insats)?;
    check_optional_text("note", &report.note, 2_000)?;
    let mut sums = (0i64, 0i64, 0i64);
    for (i, m) in report.municipalities.iter().enumerate() {
        check_text("municipalities.municipality", &m.municipality, 100)?;
        let part = Outcome {
            participants: m.participants,
            women: m.participants_women,
            men: m.participants_men,
            ..Default::default()
        };
        rules::check_outcome(&part).map_err(|e| {
            ApiError::bad_input(format!("municipalities[{i}].{}", e.field), e.broken)
        })?;
        sums.0 += i64::from(m.participants.unwrap_or(0));
        sums.1 += i64::from(m.participants_women.unwrap_or(0));
        sums.2 += i64::from(m.participants_men.unwrap_or(0));
    }
    for (sum, total) in [(sums.0, o.participants), (sums.1, o.women), (sums.2, o.men)] {
        if total.is_some_and(|t| sum > i64::from(t)) {
            return Err(ApiError::bad_input(
                "municipalities",
                Rule::OutcomeKommunSum,
            ));
        }
    }
    Ok(())
}

/// Stores a checked report of insats `id` in `txn`, replacing an earlier
/// report of the same period (recordInsatsOutcome and the seed alike).
pub async fn write<C: ConnectionTrait>(txn: &C, id: i32, report: &OutcomeReport) -> ApiResult<()> {
    check(report)?;
    let o = report.outcome();
    let period_to = report.period_to.0;
    let note = check_optional_text("note", &report.note, 2_000)?;
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
        .exec(txn)
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
            report.share_reached_goal_percent
        } else {
            None
        }),
        mean_months_in_insats: Set(if whole {
            report.mean_months_in_insats
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
        .insert(txn)
        .await?;
    for m in &report.municipalities {
        row(
            Some(m.municipality.trim().to_string()),
            m.participants,
            m.participants_women,
            m.participants_men,
            false,
        )
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// recordInsatsOutcome: the outcome of a period, replacing an earlier report
/// of the same period.
pub async fn record_outcome(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    report: OutcomeReport,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    write(&txn, id, &report).await?;
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
        period_from: report.period_from.map(NaiveDate::from),
        period_to: report.period_to.0,
        participants: report.participants,
        closures: report.closures,
    };
    finish(
        txn,
        caller,
        Operation::RecordInsatsOutcome,
        &before,
        &recorded,
    )
    .await?;
    Ok((after, owner.into()))
}
